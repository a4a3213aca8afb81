/**
 * What the page says for each error code. The server's message is kept where it carries
 * something specific (cPanel's reason, which field is wrong); the codes a person meets
 * most get wording of their own.
 */
import type { ApiError, Label } from './api';

/** A key's entry as the authenticator app shows it: "issuer (account)". */
export function entryName(label: Label): string {
  return `${label.issuer} (${label.account})`;
}

/** The sentence shown for a refused request (the lock's end is shown beside it, in local time). */
export function errorMessage(error: ApiError): string {
  switch (error.code) {
    case 'CODE_INVALID':
      // The server says whether the code was malformed or wrong; its lock time is in UTC,
      // so a lock is told here and its end shown in local time by LockNotice.
      return error.lockedUntil === undefined
        ? error.message ||
            'That security code is not correct. Check that your phone sets its time automatically, then enter the code your app shows now.'
        : 'That security code is not correct, and that was too many wrong codes: verification is now locked for a while to protect your account.';
    case 'CODE_REPLAYED':
      return 'That security code was already used. Wait for your app to show the next code (every 30 seconds) and enter that one.';
    case 'LOCKED':
      return 'Too many wrong security codes. Verification is locked for a while to protect your account.';
    case 'RATE_LIMITED':
      // Not a lock: one more is allowed each minute, so the time is close. Shown in local
      // time, rounded up to the minute so that "after" it is always true.
      return `You did this too many times in a short time, so the server is pausing it. Try again ${
        error.retryAfter === undefined
          ? 'in a minute'
          : `after ${clockTime(new Date(Math.ceil(Date.parse(error.retryAfter) / 60_000) * 60_000).toISOString())}`
      }. Nothing was changed.`;
    case 'NO_PENDING':
      return 'This setup expired or was cancelled. Start the setup again to get a new key.';
    case 'NOT_ENABLED':
      return 'Two-factor authentication is not turned on for this account.';
    case 'FORBIDDEN':
      return error.message || 'You are not allowed to do that.';
    case 'CPANEL_FAILED':
      return error.message || 'cPanel could not complete the change, so nothing was changed.';
    case 'PAYLOAD_TOO_LARGE':
      return 'That request is too large. Select fewer accounts and try again.';
    case 'SESSION_ENDED':
      return 'Your WHM session has ended, so nothing was changed. Log in to WHM again, then come back to this page.';
    case 'NETWORK':
      return 'The server could not be reached. Check your connection and try again.';
    case 'BAD_REQUEST':
      return error.message || 'Please check what you entered and try again.';
    default:
      return error.message || 'Something went wrong on the server. Nothing was changed. Please try again.';
  }
}

/** "4:05" for a number of seconds. */
export function countdown(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return `${String(Math.floor(s / 60))}:${String(s % 60).padStart(2, '0')}`;
}

/** A date and time in the user's own time zone and format. */
export function localTime(iso: string): string {
  return new Date(iso).toLocaleString();
}

/** A time of day in the user's own time zone, e.g. "3:25 PM". */
export function clockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
}
