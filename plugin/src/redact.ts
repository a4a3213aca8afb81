import { CODE_DIGITS } from './rules';

/** Base32 runs long enough to be secrets never reach a log line. */
export function redactText(text: string): string {
  return text.replace(/[A-Z2-7]{16,}/g, '[redacted]');
}

/** `tfa_token` and the code after it, as an echo that lost its braces still shows it. */
const TOKEN_ECHO = new RegExp(`(tfa_token\\W{0,4})\\d{${String(CODE_DIGITS)}}`, 'gi');

/**
 * The one pass cPanel's words take before they reach an answer, an audit entry, a mail or
 * a log. cPanel's tools can repeat what they were sent (apitool's JSON parse error echoes
 * stdin: docs/cpanel.md, "Command-line APIs"), and a key may be in any case there: so the
 * request bodies whm2fa sent are cut out whole, anything between braces goes (an echoed
 * body whm2fa did not recognise), the current code sent as `tfa_token` (an echo that lost
 * its braces), and every base32-looking run of 16 or more characters is replaced, whatever
 * its case.
 */
export function redactCpanelWords(text: string, sent: readonly string[] = []): string {
  let out = text;
  for (const body of sent) if (body !== '') out = out.split(body).join('[request]');
  return out
    .replace(/\{[^]*\}/g, '[request]')
    .replace(TOKEN_ECHO, '$1[redacted]')
    .replace(/[A-Za-z2-7]{16,}/g, '[redacted]');
}

/**
 * The error-log line of an unexpected failure (api.cgi, index.cgi, the hook): its message
 * and stack, every secret-looking run removed, because a bug may put a key in a message.
 */
export function errorLogText(where: string, err: unknown): string {
  const detail = err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err);
  return `whm2fa ${where}: ${redactText(detail)}\n`;
}

/**
 * A reason a person typed (a removal's), before it is stored in the audit trail and sent to
 * syslog: someone may paste the key or a recovery code to explain themselves. Removed: a
 * base32 run of 16 or more in any case, a key grouped in fours as authenticator apps show it
 * (`JBSW Y3DP EHPK 3PXP`), and a recovery code (`ABCD-EFGH-JK23`, or its 12 characters with
 * a digit). A long plain word may go too: a reason is better short of a word than holding a key.
 */
export function redactReason(text: string): string {
  return text
    .replace(/\b(?:[A-Z2-7]{4} ){3,}[A-Z2-7]{4}\b/g, '[redacted]')
    .replace(/[A-Za-z2-7]{16,}/g, '[redacted]')
    .replace(/\b[A-HJ-NP-Za-hj-np-z2-9]{4}[-\s][A-HJ-NP-Za-hj-np-z2-9]{4}[-\s][A-HJ-NP-Za-hj-np-z2-9]{4}\b/g, (code) =>
      /^[A-Z2-9 -]+$/.test(code) || /[2-9]/.test(code) ? '[redacted]' : code,
    )
    .replace(/\b(?=[A-Za-z2-9]*[2-9])[A-HJ-NP-Za-hj-np-z2-9]{12}\b/g, '[redacted]');
}
