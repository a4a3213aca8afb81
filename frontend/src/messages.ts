/**
 * What the page says for each error code, and how it writes times. The server's message
 * (already in the user's language) is kept where it carries something specific (cPanel's
 * reason, which field is wrong); the codes a person meets most get wording of their own.
 */
import type { ApiError, Label } from './api';
import { languageTag, t } from './i18n';

/** A key's entry as the authenticator app shows it: "issuer (account)". */
export function entryName(label: Label): string {
  return t('key.entryName', { issuer: label.issuer, account: label.account });
}

/** The sentence shown for a refused request (the lock's end is shown beside it, in local time). */
export function errorMessage(error: ApiError): string {
  switch (error.code) {
    case 'CODE_INVALID':
      // The server says whether the code was malformed or wrong; its lock time is in UTC,
      // so a lock is told here and its end shown in local time by LockNotice.
      return error.lockedUntil === undefined ? error.message || t('error.codeInvalid') : t('error.codeInvalidLocked');
    case 'CODE_REPLAYED':
      return t('error.codeReplayed');
    case 'LOCKED':
      return t('error.locked');
    case 'RATE_LIMITED':
      // Not a lock: one more is allowed each minute, so the time is close. Shown in local
      // time, rounded up to the minute so that "after" it is always true.
      return error.retryAfter === undefined
        ? t('error.rateLimited')
        : t('error.rateLimitedUntil', {
            time: clockTime(new Date(Math.ceil(Date.parse(error.retryAfter) / 60_000) * 60_000).toISOString()),
          });
    case 'NO_PENDING':
      return t('error.noPending');
    case 'NOT_ENABLED':
      return t('error.notEnabled');
    case 'FORBIDDEN':
      return error.message || t('error.forbidden');
    case 'CPANEL_FAILED':
      return error.message || t('error.cpanelFailed');
    case 'PAYLOAD_TOO_LARGE':
      return t('error.payloadTooLarge');
    case 'SESSION_ENDED':
      return t('error.sessionEndedLong');
    case 'NETWORK':
      return t('error.network');
    case 'BAD_REQUEST':
      return error.message || t('error.badRequest');
    default:
      return error.message || t('error.internal');
  }
}

/** "4:05" for a number of seconds, in the user's digits. */
export function countdown(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const seconds2 = twoDigits(languageTag()).format(s % 60);
  return t('time.countdown', { minutes: Math.floor(s / 60), seconds: seconds2 });
}

let twoDigitFormat: [string, Intl.NumberFormat] | undefined;

/** The language's two-digit number format (made once: a countdown redraws every second). */
function twoDigits(tag: string): Intl.NumberFormat {
  if (twoDigitFormat?.[0] !== tag) twoDigitFormat = [tag, new Intl.NumberFormat(tag, { minimumIntegerDigits: 2 })];
  return twoDigitFormat[1];
}

/** A date and time in the user's own time zone, in the format of the page's language. */
export function localTime(iso: string): string {
  return new Date(iso).toLocaleString(languageTag());
}

/** A date in the user's own time zone, in the format of the page's language. */
export function localDate(iso: string, options: Intl.DateTimeFormatOptions = {}): string {
  return new Date(iso).toLocaleDateString(languageTag(), options);
}

/** A time of day in the user's own time zone, e.g. "3:25 PM" (English), "15:25" (German). */
export function clockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString(languageTag(), { hour: 'numeric', minute: '2-digit' });
}

/** Account names as a list, with the page language's separator ("a, b, c" in English). */
export function listOf(names: readonly string[]): string {
  return names.join(t('list.separator'));
}
