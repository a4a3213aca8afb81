/**
 * An audit entry's result in a reader's language. The trail keeps each result as English
 * text (the record: the system log, `whm2fa audit`, entries from before results had ids)
 * and, for results whm2fa words itself, the message id and values beside it (`said`), so
 * `audit.list` can say the result in the caller's language. Values are only numbers, ISO
 * times and issuer names (which cPanel's rule keeps to ASCII letters, digits and . _ - and
 * space): never a secret, a code, a reason or text cPanel sent. Text values are cleaned
 * on the way out like every other text of an entry (userText.ts).
 */
import apiEnglish from '../../locales/en/api.json';
import type { ApiMessageId, Said, Words } from './messages';
import { cleanUserText } from './userText';

/** A stored `said`, if it names a message of the catalog with plain values; else undefined. */
function storedSaid(said: unknown): Said | undefined {
  if (typeof said !== 'object' || said === null) return undefined;
  const { id, values } = said as { id?: unknown; values?: unknown };
  if (typeof id !== 'string' || !Object.hasOwn(apiEnglish, id)) return undefined;
  if (values === undefined) return { id: id as ApiMessageId };
  if (typeof values !== 'object' || values === null) return undefined;
  const plain: Array<[string, string | number]> = [];
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === 'number') plain.push([name, value]);
    else if (typeof value === 'string') plain.push([name, cleanUserText(value)]);
  }
  return { id: id as ApiMessageId, values: Object.fromEntries(plain) };
}

/** `entry`'s result in `words`' language when it carries a message id; else as recorded. */
export function resultIn(
  entry: { readonly result: string; readonly said?: unknown },
  words: Words<ApiMessageId>,
): string {
  const said = storedSaid(entry.said);
  return said === undefined ? entry.result : words.text(said.id, said.values);
}
