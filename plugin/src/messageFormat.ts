/**
 * whm2fa's message format, shared by the page and the server (docs/i18n.md): a catalog is
 * a JSON object of message ids; a message is a text with `{name}` placeholders, or, when it
 * depends on a number, an object of texts keyed by the `Intl.PluralRules` category of
 * `{count}` (`zero`, `one`, `two`, `few`, `many`, `other`). Numbers are written through
 * `Intl.NumberFormat` in the message's language. The page also marks parts of a text with
 * `<name>…</name>` (frontend/src/i18n.tsx); the server has no such parts.
 */

/** One message: a text, or its forms by plural category (`other` always present). */
export type Message = string | Readonly<Partial<Record<Intl.LDMLPluralRule, string>>>;
/** Message ids to messages, as a catalog file holds them. */
export type Catalog = Readonly<Record<string, Message>>;
/** The values a message's placeholders take; numbers are formatted for the language. */
export type Values = Readonly<Record<string, string | number>>;

// Intl objects are costly to make and are used again and again with one language.
const plurals = new Map<string, Intl.PluralRules>();
const numbers = new Map<string, Intl.NumberFormat>();

function cached<T>(map: Map<string, T>, tag: string, make: () => T): T {
  let value = map.get(tag);
  if (value === undefined) {
    value = make();
    map.set(tag, value);
  }
  return value;
}

/** The plural category `count` has in language `tag` (e.g. `few` for 3 in Russian). */
export function pluralCategory(tag: string, count: number): Intl.LDMLPluralRule {
  return cached(plurals, tag, () => new Intl.PluralRules(tag)).select(count);
}

/** `value` written as the language `tag` writes numbers. */
export function formatNumber(tag: string, value: number): string {
  return cached(numbers, tag, () => new Intl.NumberFormat(tag)).format(value);
}

/** The text of `message` for `values['count']`: its plural form, else `other`. */
export function pickForm(message: Message, tag: string, values: Values): string {
  if (typeof message === 'string') return message;
  const count = values['count'];
  const form = typeof count === 'number' ? message[pluralCategory(tag, count)] : undefined;
  return form ?? message.other ?? '';
}

/** A placeholder's value as text: numbers in the language's digits and separators. */
export function valueText(tag: string, value: string | number): string {
  return typeof value === 'number' ? formatNumber(tag, value) : value;
}

/** `message` with its plural form chosen and its `{name}` placeholders filled in. */
export function formatMessage(message: Message, tag: string, values: Values = {}): string {
  return pickForm(message, tag, values).replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    return value === undefined ? whole : valueText(tag, value);
  });
}
