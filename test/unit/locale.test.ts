// Which language a user reads, found as cPanel finds it: the cookie, then the user's own
// setting (LOCALE=, legacy LANG=, root's ~/.cpanel_config), then the server's, then English;
// a language whm2fa lacks falls back by language, then to English; anything that is not a
// locale id never picks a file. Time plays no part.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCALES, isRightToLeft, languageTag, localeId, shippedLocale } from '../../plugin/src/locale';
import { cookieLocale, ownSetting, recipientLocale, requestLocale, serverSetting } from '../../plugin/src/userLocale';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';
import { scratchServer } from '../support/fakeBridge';

let root: string;
let paths: ServerPaths;
const usersFile = (user: string, lines: string) =>
  writeFileSync(join(paths.cpanelUsersDir, user), `USER=${user}\n${lines}`);
const rootConfig = (text: string) => {
  mkdirSync(join(paths.root, 'root'), { recursive: true });
  writeFileSync(paths.rootCpanelConfig, text);
};

beforeEach(() => {
  ({ root, paths } = scratchServer('whm2fa-locale-'));
  mkdirSync(paths.cpanelUsersDir, { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('the shipped locales', () => {
  it('are cPanel’s eight fully maintained ones and Arabic, with their Intl tags; only Arabic is right to left', () => {
    expect([...LOCALES].sort()).toEqual(['ar', 'de', 'en', 'es_es', 'id', 'ja', 'pt_br', 'ru', 'tr']);
    expect(LOCALES.map(languageTag)).toEqual(['en', 'de', 'es', 'ru', 'pt-BR', 'ja', 'tr', 'id', 'ar']);
    expect(LOCALES.filter(isRightToLeft)).toEqual(['ar']);
  });

  it('map any cPanel locale to one whm2fa speaks: itself, its language’s, else English', () => {
    const cases: Record<string, string> = {
      de: 'de',
      de_ch: 'de',
      es: 'es_es',
      es_419: 'es_es',
      es_es: 'es_es',
      pt: 'pt_br',
      pt_pt: 'pt_br',
      pt_br: 'pt_br',
      ja: 'ja',
      ar: 'ar',
      fr: 'en',
      he: 'en',
      zh_tw: 'en',
      i_cpanel_snowmen: 'en',
      en_us: 'en',
    };
    for (const [id, want] of Object.entries(cases)) expect(shippedLocale(id), id).toBe(want);
  });

  it('take only plain ids: a path, a script or an empty value is no locale at all', () => {
    expect(localeId(' PT-BR ')).toBe('pt_br');
    for (const bad of [
      '',
      '   ',
      '../../etc',
      '..',
      'de/../../x',
      'de\0',
      '<script>',
      'de;rm',
      'x'.repeat(9),
      'de_' + 'x'.repeat(9),
    ])
      expect(localeId(bad), bad).toBeUndefined();
  });
});

describe('the session_locale cookie', () => {
  it('is read by name among the others, trimmed', () => {
    expect(cookieLocale('cpsession=abc; session_locale=de; whostmgrsession=x')).toBe('de');
    expect(cookieLocale('session_locale = ja ')).toBe('ja');
    expect(cookieLocale('my_session_locale=ru')).toBeUndefined();
    expect(cookieLocale(undefined)).toBeUndefined();
  });
});

describe('the order: cookie, own setting, server, English', () => {
  it('a reseller: LOCALE=, else the legacy LANG= (cPanel’s old names mapped), else the server’s, else English', () => {
    expect(requestLocale(paths, 'reseller1', undefined)).toBe('en');
    writeFileSync(paths.serverLocale, 'tr\n');
    expect(requestLocale(paths, 'reseller1', undefined)).toBe('tr');
    usersFile('reseller1', 'LANG=german-utf8\n');
    expect(ownSetting(paths, 'reseller1')).toBe('de');
    expect(requestLocale(paths, 'reseller1', undefined)).toBe('de');
    usersFile('reseller1', 'LANG=brazilian-portuguese\nLOCALE=ru\n');
    expect(requestLocale(paths, 'reseller1', undefined)).toBe('ru');
    expect(requestLocale(paths, 'reseller1', 'session_locale=ja')).toBe('ja');
  });

  it('an empty LOCALE= is no setting: the legacy LANG= beside it still counts, before the server’s', () => {
    writeFileSync(paths.serverLocale, 'tr\n');
    usersFile('reseller1', 'LOCALE=\nLANG=german\n');
    expect(ownSetting(paths, 'reseller1')).toBe('de');
    expect(requestLocale(paths, 'reseller1', undefined)).toBe('de');
    expect(recipientLocale(paths, 'reseller1')).toBe('de');
  });

  it('root: `locale` in root’s ~/.cpanel_config (YAML), not a users file', () => {
    usersFile('root', 'LOCALE=de\n');
    expect(requestLocale(paths, 'root', undefined)).toBe('en');
    rootConfig("---\ndefault_theme: jupiter\nlocale: 'ja'\n");
    expect(requestLocale(paths, 'root', undefined)).toBe('ja');
    rootConfig('---\nlocale: ar # set in WHM\n');
    expect(requestLocale(paths, 'root', undefined)).toBe('ar');
    expect(requestLocale(paths, 'root', 'session_locale=de')).toBe('de');
  });

  it('an empty or malformed value is passed over; a language whm2fa lacks is English, not the next setting', () => {
    writeFileSync(paths.serverLocale, 'de\n');
    usersFile('reseller1', 'LOCALE=\n');
    expect(requestLocale(paths, 'reseller1', 'session_locale=')).toBe('de');
    expect(requestLocale(paths, 'reseller1', 'session_locale=../../etc')).toBe('de');
    usersFile('reseller1', 'LOCALE=fr\n');
    expect(requestLocale(paths, 'reseller1', undefined)).toBe('en');
    writeFileSync(paths.serverLocale, '../../etc/passwd\n');
    usersFile('reseller1', 'LOCALE=\n');
    expect(requestLocale(paths, 'reseller1', 'session_locale=%2e%2e')).toBe('en');
  });

  it('reads each setting exactly: root’s `locale:` at a line’s start and alone on it, values trimmed', () => {
    rootConfig('---\nlocale:de\n');
    expect(ownSetting(paths, 'root')).toBe('de');
    rootConfig('---\n  locale: de\n');
    expect(ownSetting(paths, 'root')).toBeUndefined();
    rootConfig('---\nlocale: de extra\n');
    expect(ownSetting(paths, 'root')).toBeUndefined();
    usersFile('reseller1', 'LOCALE= ru \n');
    expect(ownSetting(paths, 'reseller1')).toBe('ru');
    // An empty LOCALE= gives way to the legacy LANG=.
    usersFile('reseller1', 'LOCALE=\nLANG=german\n');
    expect(ownSetting(paths, 'reseller1')).toBe('de');
    usersFile('reseller1', 'LANG=\n');
    expect(ownSetting(paths, 'reseller1')).toBeUndefined();
    writeFileSync(paths.serverLocale, ' ja \n');
    expect(serverSetting(paths)).toBe('ja');
    writeFileSync(paths.serverLocale, '\n');
    expect(serverSetting(paths)).toBeUndefined();
  });

  it('a user name that is not one never reaches a path', () => {
    writeFileSync(paths.serverLocale, 'ru\n');
    expect(ownSetting(paths, '../../etc/passwd')).toBeUndefined();
    // A file where such a name would lead, holding a setting, is never read.
    writeFileSync(join(paths.cpanelUsersDir, '..', 'x'), 'LOCALE=de\n');
    expect(ownSetting(paths, '../x')).toBeUndefined();
    expect(cookieLocale('session_localex; a=b')).toBeUndefined();
    expect(requestLocale(paths, '../x', undefined)).toBe('ru');
    expect(requestLocale(serverPaths('/nonexistent-root'), 'reseller1', undefined)).toBe('en');
  });

  it('a mail goes in its recipient’s own language, else the server’s: never a cookie’s', () => {
    usersFile('shop1', 'LOCALE=ru\n');
    usersFile('shop2', '');
    writeFileSync(paths.serverLocale, 'es\n');
    expect(recipientLocale(paths, 'shop1')).toBe('ru');
    expect(recipientLocale(paths, 'shop2')).toBe('es_es');
  });
});
