/**
 * What the page says for each error code. The server's message is kept where it carries
 * something specific (cPanel's reason, which field is wrong); the codes a person meets
 * most get wording of their own.
 */
import type { ApiError } from './api';

export function errorMessage(error: ApiError): string {
  switch (error.code) {
    case 'CODE_INVALID':
      return error.lockedUntil === undefined
        ? 'That security code is not correct. Check that your phone sets its time automatically, then enter the code your app shows now.'
        : error.message;
    case 'CODE_REPLAYED':
      return 'That security code was already used. Wait for your app to show the next code (every 30 seconds) and enter that one.';
    case 'LOCKED':
      return 'Too many wrong security codes. Verification is locked for a while to protect your account.';
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

export function localTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}
