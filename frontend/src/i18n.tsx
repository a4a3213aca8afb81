/**
 * The page's words: every text a user reads comes from a catalog in locales/ (docs/i18n.md).
 * English (locales/en/page.json) is part of the first load and the fallback for any id a
 * catalog lacks; the Manage Users, Settings and Activity tabs bring their English
 * (admin.json) with them (admin.ts). Another language's catalogs load on demand and only
 * for that language, split alike (scripts/catalogs.mjs): `locale-<id>.js` before the page
 * is first drawn, `locale-<id>-admin.js` with the admin tabs.
 */
import type { ComponentChildren, VNode } from 'preact';
import { formatMessage, pickForm, valueText, type Catalog, type Message } from '../../plugin/src/messageFormat';
import page from '../../locales/en/page.json';
import type admin from '../../locales/en/admin.json';

/** Every id the page may use: the first load's, then the admin tabs'. */
export type MessageId = keyof typeof page | keyof typeof admin;
type Value = string | number;

const english: Record<string, Message> = { ...page };
let active: Record<string, Message> = {};
let tag = 'en';
/** The language's files as `loadLanguage` found them: its id and the release's version. */
let files: { locale: string; version: string } | undefined;

/** Imports one of the language's catalog files beside app.js (`version` keeps releases apart). */
async function importCatalog(file: string, version: string): Promise<Catalog> {
  const url = new URL(`${file}?v=${encodeURIComponent(version)}`, document.baseURI).href;
  return ((await import(/* @vite-ignore */ url)) as { default: Catalog }).default;
}

/** Adds English messages that came with a chunk loaded on demand (admin.ts). */
export function addEnglish(catalog: Catalog): void {
  Object.assign(english, catalog);
}

/** The language tag texts, numbers and dates are written in (e.g. `de`, `pt-BR`). */
export function languageTag(): string {
  return tag;
}

/**
 * Loads the first-load catalog of `locale` (the shipped id index.cgi chose, e.g. `pt_br`)
 * and uses it with the language tag `lang` from then on; English stays the fallback.
 */
export async function loadLanguage(locale: string, lang: string, version: string): Promise<void> {
  if (locale === 'en' || !/^[a-z_]+$/.test(locale)) return;
  active = { ...(await importCatalog(`locale-${locale}.js`, version)) };
  tag = lang;
  files = { locale, version };
}

/**
 * After a language file could not be loaded, the page is drawn in English: `<html>` and the
 * page's own element then say English, left to right, so screen readers, fonts and the
 * layout's direction match the words (not Arabic's right to left around English text).
 */
export function markEnglish(mount: HTMLElement): void {
  for (const element of [document.documentElement, mount]) {
    element.lang = 'en';
    element.dir = 'ltr';
  }
  mount.dataset['locale'] = 'en';
}

/** Loads the admin tabs' words in the page's language (nothing to do in English). */
export async function loadAdminWords(): Promise<void> {
  if (files === undefined) return;
  Object.assign(active, await importCatalog(`locale-${files.locale}-admin.js`, files.version));
}

/** For tests: a catalog for every id (e.g. a pseudo-locale), in the language `lang`. */
export function setCatalog(catalog: Catalog, lang: string): void {
  active = { ...catalog };
  tag = lang;
}

function message(id: MessageId): Message {
  return active[id] ?? english[id] ?? id;
}

/** The text of message `id` with its placeholders filled in (numbers in the user's format). */
export function t(id: MessageId, values: Readonly<Record<string, Value>> = {}): string {
  return formatMessage(message(id), tag, values);
}

/**
 * Message `id` with elements in it: a placeholder may be an element (a countdown, a
 * time), and `<name>…</name>` marks a part that `parts[name]` wraps (bold text, a button).
 */
export function rich(
  id: MessageId,
  values: Readonly<Record<string, Value | VNode>> = {},
  parts: Readonly<Record<string, (text: string) => VNode>> = {},
): ComponentChildren[] {
  const plain = Object.fromEntries(
    Object.entries(values).filter((e): e is [string, Value] => typeof e[1] !== 'object'),
  );
  const text = pickForm(message(id), tag, plain);
  const out: ComponentChildren[] = [];
  let at = 0;
  for (const m of text.matchAll(/<(\w+)>(.*?)<\/\1>|\{(\w+)\}/g)) {
    out.push(text.slice(at, m.index));
    at = m.index + m[0].length;
    const [, part, inner = '', name = ''] = m;
    if (part !== undefined) {
      const wrap = parts[part];
      const innerText = formatMessage(inner, tag, plain);
      out.push(wrap === undefined ? innerText : wrap(innerText));
    } else {
      const value = Object.hasOwn(values, name) ? values[name] : undefined;
      out.push(value === undefined ? m[0] : typeof value === 'object' ? value : valueText(tag, value));
    }
  }
  out.push(text.slice(at));
  return out;
}
