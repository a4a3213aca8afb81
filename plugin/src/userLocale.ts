/**
 * Which language a WHM user reads, found as cPanel finds it (docs/i18n.md, "Resolution"):
 * the `session_locale` cookie, then the user's own setting (`LOCALE=`, else the legacy
 * `LANG=`, in /var/cpanel/users/USER; `locale` in root's ~/.cpanel_config), then the
 * server's (/var/cpanel/server_locale), then English. cPanel's choice is then mapped to a
 * language whm2fa ships ({@link shippedLocale}); one it lacks falls back by language, then
 * to English (not to the next setting: WHM itself shows the user that language). Every value here may be written by the user, so none is ever part of a path.
 */
import { join } from 'node:path';
import { isValidUsername } from './accounts';
import { readTextOrEmpty } from './store';
import { localeId, shippedLocale, type Locale } from './locale';
import type { ServerPaths } from './paths';

/** cPanel's legacy `LANG=` names of the languages whm2fa ships (cPanel 11.120 source, Cpanel/Locale/Utils/Legacy.pm). */
const LEGACY_NAMES: Readonly<Record<string, string>> = Object.freeze({
  english: 'en',
  'english-utf8': 'en',
  german: 'de',
  'german-utf8': 'de',
  spanish: 'es',
  'spanish-utf8': 'es',
  iberian_spanish: 'es_es',
  spanish_latinamerica: 'es_419',
  russian: 'ru',
  portuguese: 'pt',
  'portuguese-utf8': 'pt',
  'brazilian-portuguese': 'pt_br',
  'brazilian-portuguese-utf8': 'pt_br',
  japanese: 'ja',
  'japanese-euc-jp': 'ja',
  'japanese-shift_jis': 'ja',
  turkish: 'tr',
  indonesian: 'id',
  arabic: 'ar',
});

/** The value of the `session_locale` cookie in a `Cookie:` header, if any. */
export function cookieLocale(cookieHeader: string | undefined): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === 'session_locale') return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The value of `KEY=` in a cPanel users file (the last one wins, as cPanel reads it). */
function userFileValue(text: string, key: string): string | undefined {
  let value: string | undefined;
  for (const line of text.split('\n')) if (line.startsWith(`${key}=`)) value = line.slice(key.length + 1).trim();
  return value;
}

/** `locale` in root's ~/.cpanel_config: a YAML mapping written by cPanel (Cpanel::DataStore). */
function rootSetting(paths: ServerPaths): string | undefined {
  const match = /^locale:[ \t]*['"]?([^'"\s#]*)['"]?[ \t]*(?:#.*)?$/m.exec(readTextOrEmpty(paths.rootCpanelConfig));
  return match?.[1];
}

/** The user's own language setting as cPanel stores it (not yet checked), or undefined. */
export function ownSetting(paths: ServerPaths, user: string): string | undefined {
  if (user === 'root') return rootSetting(paths);
  if (!isValidUsername(user)) return undefined;
  const text = readTextOrEmpty(join(paths.cpanelUsersDir, user));
  const locale = userFileValue(text, 'LOCALE');
  if (locale !== undefined && locale !== '') return locale;
  const lang = userFileValue(text, 'LANG')?.toLowerCase();
  if (lang === undefined || lang === '') return undefined;
  return Object.hasOwn(LEGACY_NAMES, lang) ? LEGACY_NAMES[lang] : lang;
}

/** The server's default language (WHM › Tweak Settings), or undefined. */
export function serverSetting(paths: ServerPaths): string | undefined {
  const value = readTextOrEmpty(paths.serverLocale).trim();
  return value === '' ? undefined : value;
}

/**
 * The language of the first setting that names one, as whm2fa speaks it: an empty or
 * malformed value (a cookie of `../../etc`) is passed over like a missing one; a language
 * whm2fa lacks falls back by language, then to English; no setting at all means English.
 */
function firstShipped(settings: ReadonlyArray<() => string | undefined>): Locale {
  for (const setting of settings) {
    const id = localeId(setting());
    if (id !== undefined) return shippedLocale(id);
  }
  return 'en';
}

/** The language of a WHM user's request: the cookie, their own setting, the server's, English. */
export function requestLocale(paths: ServerPaths, user: string | undefined, cookieHeader: string | undefined): Locale {
  return firstShipped([
    () => cookieLocale(cookieHeader),
    () => (user === undefined ? undefined : ownSetting(paths, user)),
    () => serverSetting(paths),
  ]);
}

/** The language a mail to `user` is written in: their own setting, else the server's, else English. */
export function recipientLocale(paths: ServerPaths, user: string): Locale {
  return firstShipped([() => ownSetting(paths, user), () => serverSetting(paths)]);
}
