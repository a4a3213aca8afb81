/**
 * An audit entry's result in a reader's language. The trail keeps each result as English
 * text (the record: the system log, `whm2fa audit`, entries from before results had ids)
 * and, for results whm2fa words itself, the message id and values beside it (`said`), so
 * `audit.list` can say the result in the caller's language. Values are only numbers and
 * ISO times whm2fa wrote: never a secret, a code or text a user or cPanel sent.
 */
import apiEnglish from '../../locales/en/api.json';
import type { ApiMessageId, Said, Words } from './messages';

/** A stored `said`, if it names a message of the catalog with plain values; else undefined. */
function storedSaid(said: unknown): Said | undefined {
  if (typeof said !== 'object' || said === null) return undefined;
  const { id, values } = said as { id?: unknown; values?: unknown };
  if (typeof id !== 'string' || !Object.hasOwn(apiEnglish, id)) return undefined;
  if (values === undefined) return { id: id as ApiMessageId };
  if (typeof values !== 'object' || values === null) return undefined;
  const plain = Object.entries(values).filter(
    (e): e is [string, string | number] => typeof e[1] === 'number' || typeof e[1] === 'string',
  );
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
