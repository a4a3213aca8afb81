/**
 * Sends one plain-text message through the server's `sendmail -t`. Never throws: a
 * failed send is returned so the caller can record it, and never blocks the change.
 */
import { runProgram } from './program';
import { said, type Said } from './messages';
import type { ServerPaths } from './paths';

const SEND_TIMEOUT_MS = 15_000;

/** One plain-text email for sendmail. */
export interface Mail {
  readonly to: string;
  readonly subject: string;
  readonly body: string;
  /** The sender's address. */
  readonly from: string;
  /** The sender's name people see, in the recipient's language. */
  readonly fromName?: string;
}

/** Header values never carry a line break (no header injection). */
function headerValue(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

/**
 * A header text for people (a subject, a sender's name) in any language: plain ASCII as
 * it is, anything else as RFC 2047 encoded words of UTF-8, each under the 75-character
 * limit and never splitting a character.
 */
export function encodedHeader(text: string): string {
  const plain = headerValue(text);
  if (/^[\x20-\x7e]*$/.test(plain)) return plain;
  const words: string[] = [];
  let chunk = '';
  for (const c of plain) {
    if (Buffer.byteLength(chunk + c) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += c;
  }
  words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join('\r\n ');
}

/** Returns `undefined` when sendmail took the message, else why not (said in English for records, or in the caller's language). */
export function sendMail(paths: ServerPaths, mail: Mail): Said | undefined {
  const message = [
    `From: ${mail.fromName === undefined ? '' : `${encodedHeader(mail.fromName)} `}<${headerValue(mail.from)}>`,
    `To: ${headerValue(mail.to)}`,
    `Subject: ${encodedHeader(mail.subject)}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: 8bit',
    'Auto-Submitted: auto-generated',
    '',
    mail.body,
    '',
  ].join('\n');
  const result = runProgram(paths.sendmail, ['-t', '-i'], {
    input: message,
    encoding: 'utf8',
    timeout: SEND_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/bin', LANG: 'C' },
  });
  if (result.error !== undefined)
    return said('mail.notRun', { code: (result.error as NodeJS.ErrnoException).code ?? 'error' });
  if (result.status !== 0) return said('mail.exitStatus', { status: String(result.status) });
  return undefined;
}
