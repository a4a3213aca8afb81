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
  readonly from: string;
}

/** Header values never carry a line break (no header injection). */
function headerValue(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

/** Returns `undefined` when sendmail took the message, else why not (said in English for records, or in the caller's language). */
export function sendMail(paths: ServerPaths, mail: Mail): Said | undefined {
  const message = [
    `From: ${headerValue(mail.from)}`,
    `To: ${headerValue(mail.to)}`,
    `Subject: ${headerValue(mail.subject)}`,
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
