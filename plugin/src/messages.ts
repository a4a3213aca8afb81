/**
 * The server's words (docs/i18n.md): the API's messages and index.cgi's texts come from
 * locales/<locale>/api.json, mails from mail.json. English is built into every bundle and
 * is the fallback for any id a catalog lacks; another language is read from its file only
 * when a request or a mail needs it, so `status` in English reads no catalog at all.
 *
 * A CGI process serves one request: {@link setRequestLocale} sets its language once, at the
 * start, and {@link t} speaks it. Records (the audit trail, the error log) stay in English
 * ({@link english}); a mail is in its recipient's language ({@link mailWords}).
 */
import { readFileSync } from 'node:fs';
import apiEnglish from '../../locales/en/api.json';
import mailEnglish from '../../locales/en/mail.json';
import { formatMessage, type Catalog, type Values } from './messageFormat';
import { languageTag, type Locale } from './locale';

/** The id of an API message or index.cgi text (locales/en/api.json). */
export type ApiMessageId = keyof typeof apiEnglish;
/** The id of a mail text (locales/en/mail.json). */
export type MailMessageId = keyof typeof mailEnglish;

/** One language's catalog of one kind, with English under it. */
export interface Words<Id extends string> {
  readonly locale: Locale;
  /** The BCP 47 tag numbers and dates are written with. */
  readonly tag: string;
  text(id: Id, values?: Values): string;
}

/** `locale`'s words: its catalog is read by `load` when the first text is needed, not before. */
function words<Id extends string>(locale: Locale, load: () => Catalog, fallback: Catalog): Words<Id> {
  const tag = languageTag(locale);
  let own: Catalog | undefined;
  return {
    locale,
    tag,
    text: (id, values) => {
      own ??= load();
      return formatMessage(own[id] ?? fallback[id] ?? id, tag, values);
    },
  };
}

/**
 * The catalog `name` of `locale` from `dir` (the installed locales folder); empty when
 * it is missing or unreadable, so English answers instead of a failure.
 */
function readCatalog(dir: string, locale: Locale, name: 'api' | 'mail'): Catalog {
  if (locale === 'en') return {};
  try {
    const value: unknown = JSON.parse(readFileSync(`${dir}/${locale}/${name}.json`, 'utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Catalog) : {};
  } catch {
    return {};
  }
}

const ENGLISH_API = words<ApiMessageId>('en', () => ({}), apiEnglish);
let request: Words<ApiMessageId> = ENGLISH_API;

/** Sets the language of this process's request (once, before anything is said). */
export function setRequestLocale(localesDir: string, locale: Locale): void {
  // Read only if the request says something: `status` in German reads no catalog.
  request = locale === 'en' ? ENGLISH_API : words(locale, () => readCatalog(localesDir, locale, 'api'), apiEnglish);
}

/** The request's language (English until {@link setRequestLocale}). */
export function requestWords(): Words<ApiMessageId> {
  return request;
}

/** Message `id` in the request's language. */
export function t(id: ApiMessageId, values?: Values): string {
  return request.text(id, values);
}

/** Message `id` in English: for records (the audit trail), which are kept in one language. */
export function english(id: ApiMessageId, values?: Values): string {
  return ENGLISH_API.text(id, values);
}

/** The mail catalog of `locale` (a recipient's language). */
export function mailWords(localesDir: string, locale: Locale): Words<MailMessageId> {
  return words(locale, () => readCatalog(localesDir, locale, 'mail'), mailEnglish);
}

/** A time of day in UTC ("08:05" in English), written in the request's language. */
export function utcClock(epochSeconds: number): string {
  return new Intl.DateTimeFormat(request.tag, {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: 'UTC',
  }).format(new Date(epochSeconds * 1000));
}

/** Something to say later, in a language not known yet: a record in English, the caller in theirs. */
export interface Said {
  readonly id: ApiMessageId;
  readonly values?: Values;
}

/** {@link Said} `id` with `values`. */
export function said(id: ApiMessageId, values?: Values): Said {
  return values === undefined ? { id } : { id, values };
}

/** What `s` says in the request's language. */
export function tell(s: Said): string {
  return t(s.id, s.values);
}

/** What `s` says in English, for records. */
export function record(s: Said): string {
  return english(s.id, s.values);
}
