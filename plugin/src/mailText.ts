/**
 * What every whm2fa mail has in common, in its recipient's language: the greeting, the
 * aligned "Label:  value" lines, the signature and the sender's name.
 */
import type { MailMessageId, Words } from './messages';

type Field = 'account' | 'server' | 'when' | 'by' | 'from' | 'reason' | 'identity' | 'sentBy';
const FIELDS: readonly Field[] = ['account', 'server', 'when', 'by', 'from', 'reason', 'identity', 'sentBy'];

/** The mail catalog of one language. */
export type MailWords = Words<MailMessageId>;

/**
 * "Label:  value" lines, the values lined up one column after the language's longest
 * label (so every mail in a language lines up alike).
 */
export function fieldLines(words: MailWords, fields: ReadonlyArray<readonly [Field, string]>): string[] {
  const label = (f: Field) => words.text(`mail.field.${f}`);
  const width = Math.max(...FIELDS.map((f) => label(f).length)) + 1;
  return fields.map(([f, value]) =>
    words.text('mail.fieldLine', { label: label(f), padding: ' '.repeat(width - label(f).length), value }),
  );
}

/** The sender: whm2fa's name in the recipient's language, from root at this server. */
export function sender(words: MailWords, host: string): { from: string; fromName: string } {
  return { from: `root@${host}`, fromName: words.text('mail.fromName') };
}

/** A date and time in UTC, as the recipient's language writes it. */
export function mailTime(words: MailWords, epochSeconds: number): string {
  return new Intl.DateTimeFormat(words.tag, { dateStyle: 'full', timeStyle: 'long', timeZone: 'UTC' }).format(
    new Date(epochSeconds * 1000),
  );
}
