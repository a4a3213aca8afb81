/**
 * The languages whm2fa ships and how a cPanel locale id maps to one of them
 * (docs/i18n.md). A locale id comes from a cookie or a file a user can write, so only an
 * id on {@link LOCALES} ever names a catalog file.
 */

/** cPanel's fully maintained locales, then `ar` (right to left); English is the source. */
export const LOCALES = Object.freeze(['en', 'de', 'es_es', 'ru', 'pt_br', 'ja', 'tr', 'id', 'ar'] as const);
/** A shipped locale id (`pt_br`). */
export type Locale = (typeof LOCALES)[number];

/** The BCP 47 tag `Intl` and `<html lang>` take for each locale. */
const TAGS: Readonly<Record<Locale, string>> = Object.freeze({
  en: 'en',
  de: 'de',
  es_es: 'es',
  ru: 'ru',
  pt_br: 'pt-BR',
  ja: 'ja',
  tr: 'tr',
  id: 'id',
  ar: 'ar',
});

/** A language whm2fa has in one variant only: any cPanel locale of that language gets it. */
const BY_LANGUAGE: Readonly<Record<string, Locale>> = Object.freeze({
  ...Object.fromEntries(LOCALES.map((l) => [l.split('_')[0], l])),
});

/** Whether `value` is one of the shipped locale ids. */
export function isLocale(value: string): value is Locale {
  return (LOCALES as readonly string[]).includes(value);
}

/** The BCP 47 language tag of `locale` (e.g. `pt-BR` for `pt_br`). */
export function languageTag(locale: Locale): string {
  return TAGS[locale];
}

/** Whether `locale` is written right to left. */
export function isRightToLeft(locale: Locale): boolean {
  return locale === 'ar';
}

/**
 * A cPanel locale id as cPanel writes it (`pt_br`; `pt-BR` is taken too), or undefined
 * when `value` is empty or not an id at all (`../../etc`, a path, a script).
 */
export function localeId(value: string | undefined): string | undefined {
  const clean = (value ?? '').trim().toLowerCase().replace(/-/g, '_');
  return /^[a-z]{1,8}(?:_[a-z0-9]{1,8})*$/.test(clean) ? clean : undefined;
}

/**
 * The shipped locale for a cPanel locale id: itself when shipped, else the one of its
 * language (`de_ch` → `de`, `es` and `es_419` → `es_es`, `pt` and `pt_pt` → `pt_br`),
 * else English (`fr`, `i_cpanel_snowmen`, anything whm2fa does not speak).
 */
export function shippedLocale(id: string): Locale {
  if (isLocale(id)) return id;
  const language = id.split('_')[0] ?? '';
  return Object.hasOwn(BY_LANGUAGE, language) ? (BY_LANGUAGE[language] ?? 'en') : 'en';
}
