import { t } from './messages';

/**
 * The one place where whm2fa's failures are named. Every failure the page can see is a
 * {@link Whm2faError} with a stable `code` (the page switches on it) and a message a
 * reseller understands (in the request's language: messages.ts). Misuse by our own code
 * stays a plain `TypeError`.
 */

export type ErrorCode =
  | 'BAD_REQUEST'
  | 'PAYLOAD_TOO_LARGE'
  | 'FORBIDDEN'
  | 'CODE_INVALID'
  | 'CODE_REPLAYED'
  | 'LOCKED'
  | 'RATE_LIMITED'
  | 'NO_PENDING'
  | 'NOT_ENABLED'
  | 'CPANEL_FAILED'
  | 'INTERNAL';

/** The HTTP status each code travels with. */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = Object.freeze({
  BAD_REQUEST: 400,
  PAYLOAD_TOO_LARGE: 413,
  FORBIDDEN: 403,
  CODE_INVALID: 422,
  CODE_REPLAYED: 422,
  LOCKED: 429,
  RATE_LIMITED: 429,
  NO_PENDING: 409,
  NOT_ENABLED: 409,
  CPANEL_FAILED: 502,
  INTERNAL: 500,
});

const STATUS_TEXT: Readonly<Record<number, string>> = Object.freeze({
  200: 'OK',
  400: 'Bad Request',
  403: 'Forbidden',
  405: 'Method Not Allowed',
  409: 'Conflict',
  411: 'Length Required',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
});

/** The reason phrase for an HTTP status in a CGI `Status:` line. */
export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? 'Error';
}

/** Optional details of a coded error. */
export interface ErrorDetails {
  /** ISO time a verification lock ends (LOCKED, and the failure that caused it). */
  lockedUntil?: string;
  /** ISO time a rate-limited action may be tried again (RATE_LIMITED). */
  retryAfter?: string;
  /** The request parameters holding the refused codes (CODE_INVALID, CODE_REPLAYED). */
  fields?: readonly string[];
  /** Overrides the code's usual HTTP status (405 for a wrong method, 415 for a wrong type). */
  status?: number;
}

/** A failure the caller may see: a stable `code`, an HTTP status and a plain message. */
export class Whm2faError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly lockedUntil: string | undefined;
  readonly retryAfter: string | undefined;
  readonly fields: readonly string[] | undefined;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'Whm2faError';
    this.code = code;
    this.status = details.status ?? HTTP_STATUS[code];
    this.lockedUntil = details.lockedUntil;
    this.retryAfter = details.retryAfter;
    this.fields = details.fields;
  }

  /** The `error` member of the JSON API's failure envelope (`fields` only when a code was refused). */
  toJSON(): {
    code: ErrorCode;
    message: string;
    lockedUntil?: string;
    retryAfter?: string;
    fields?: readonly string[];
  } {
    return {
      code: this.code,
      message: this.message,
      ...(this.lockedUntil === undefined ? {} : { lockedUntil: this.lockedUntil }),
      ...(this.retryAfter === undefined ? {} : { retryAfter: this.retryAfter }),
      ...(this.fields === undefined ? {} : { fields: this.fields }),
    };
  }
}

/** A BAD_REQUEST error, optionally with another HTTP status (405, 411, 415). */
export function badRequest(message: string, status?: number): Whm2faError {
  return new Whm2faError('BAD_REQUEST', message, status === undefined ? {} : { status });
}

/** A FORBIDDEN error. */
export function forbidden(message: string): Whm2faError {
  return new Whm2faError('FORBIDDEN', message);
}

/**
 * cPanel did not do what was asked. `message` must say what cPanel's store really holds
 * now (the caller read it back), so the user is never told "nothing changed" wrongly.
 */
export function cpanelFailed(message: string): Whm2faError {
  return new Whm2faError('CPANEL_FAILED', message);
}

/** whm2fa's own files are damaged or unreadable: never reset silently, always say so. */
export class StateError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StateError';
  }
}

/** An audit segment that no longer gunzips (a bad disk block, a hand edit): skipped, never rewritten. */
export class DamagedSegmentError extends StateError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DamagedSegmentError';
  }
}

/**
 * Any thrown value as the coded error the caller sees: its own code, else INTERNAL with a
 * message that reveals nothing (no stack, no path, no secret); damaged or unreadable
 * state files are said to be so.
 */
export function toWhm2faError(err: unknown): Whm2faError {
  if (err instanceof Whm2faError) return err;
  if (err instanceof StateError) return new Whm2faError('INTERNAL', t('error.state'));
  return new Whm2faError('INTERNAL', t('error.internal'));
}
