/**
 * The page's only way to the server: POST `api.cgi` (beside index.cgi, so under the
 * current /cpsess token) with a JSON body; the answer is `{ok, data}` or `{ok, error}`.
 */

import type { ErrorCode as ServerErrorCode } from '../../plugin/src/errors';
import type { AuditAction } from '../../plugin/src/audit';
import type { AdminRemoval } from '../../plugin/src/accountStatus';
import type { CoverageReport } from '../../plugin/src/coverage';
import type { RemindOutcome } from '../../plugin/src/reminders';
import { t } from './i18n';

export type { CoverageReport, Figure } from '../../plugin/src/coverage';
export type { RemindOutcome } from '../../plugin/src/reminders';

/**
 * The server's codes, plus the page's own: a request that never got an answer, and
 * WHM's login page instead of an answer (the session ended).
 */
export type ErrorCode = ServerErrorCode | 'NETWORK' | 'SESSION_ENDED';

/**
 * A refused request: the server's code and message, the lock's end, the refused code
 * fields, and when a rate-limited action may be tried again.
 */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly lockedUntil: string | undefined;
  readonly fields: readonly string[];
  readonly retryAfter: string | undefined;
  constructor(
    code: ErrorCode,
    message: string,
    lockedUntil?: string,
    fields: readonly string[] = [],
    retryAfter?: string,
  ) {
    super(message);
    this.code = code;
    this.lockedUntil = lockedUntil;
    this.fields = fields;
    this.retryAfter = retryAfter;
  }
}

/** How an authenticator app names a key: "issuer (account)". */
export interface Label {
  issuer: string;
  account: string;
}

/** `status`: the fields of docs/api.md, then the page's own (attempts, pending key, admin removal, key's name). */
export interface Status {
  user: string;
  isRoot: boolean;
  enabled: boolean;
  policyEnabled: boolean;
  issuer: string;
  pending: boolean;
  lockedUntil: string | null;
  attemptsLeft: number;
  pendingKeyId: string | null;
  removedByAdmin: AdminRemoval | null;
  /** The app's name for the current key and when whm2fa saved it; null when whm2fa did not save it. */
  keyLabel: (Label & { at: string }) | null;
  /** Unspent recovery codes for the current key; null when whm2fa holds none for it. */
  recoveryCodesLeft: number | null;
}

/** A new setup as `enroll.start` answers it: the secret, its QR code and key URI, and when it expires. */
export interface Enrollment {
  secret: string;
  otpauthUri: string;
  qrSvg: string;
  account: string;
  issuer: string;
  expiresAt: string;
  keyId: string;
}

/**
 * `enroll.confirm`'s answer: `replaced` names the old key's entry (null: whm2fa did not
 * save that key); `recoveryCodes`, the new key's, are in this answer only.
 */
export interface Confirmed {
  enabled: boolean;
  warning?: string;
  replaced?: Label | null;
  recoveryCodes?: string[];
}

/** One row of Manage Users: `lastReminded` is when a reminder to set 2FA up last went out (ISO), or null. */
export interface Account {
  user: string;
  domain: string;
  owner: string;
  enabled: boolean;
  lastReminded: string | null;
}

/** The Settings tab's data. */
export interface SettingsData {
  issuer: string;
  systemWideIssuer: string;
  policyEnabled: boolean;
  defaultIssuer: string;
}

/** One Activity entry. */
export interface AuditEntry {
  at: string;
  actor: string;
  subject: string;
  action: AuditAction;
  ip: string;
  result: string;
  reason?: string;
}

interface Envelope<T> {
  ok: boolean;
  data?: T;
  error?: { code: ErrorCode; message: string; lockedUntil?: string; fields?: string[]; retryAfter?: string };
}

/** Activity's optional filters (the server applies them after its visibility rule). */
export interface AuditFilter {
  user?: string;
  /** Sent as `auditAction`: `action` names the API action itself. */
  auditAction?: AuditAction;
}

/** The server's clock minus the browser's (ms), from the last answer's Date header; 0 within 2 s. */
let skew = 0;

/**
 * The server's time now as far as the page can tell: countdowns to the server's times
 * (a key's expiry, a lock's end) use it, so a browser clock that is off does not end a
 * setup early or keep a lock on screen.
 */
export function serverNow(): number {
  return Date.now() + skew;
}

/** The event the page shows once, at its top, when WHM's session has ended (App.tsx). */
export const SESSION_ENDED_EVENT = 'whm2fa:session-ended';

/** The refusal of a request made after WHM's session ended; the page is told once. */
function sessionEnded(): ApiError {
  window.dispatchEvent(new Event(SESSION_ENDED_EVENT));
  return new ApiError('SESSION_ENDED', t('error.sessionEnded'));
}

/** One POST to api.cgi; resolves with `data`, rejects with an {@link ApiError}. */
export async function call<T>(action: string, params: Record<string, unknown> = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(new URL('api.cgi', document.baseURI).href, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ action, ...params }),
    });
  } catch {
    throw new ApiError('NETWORK', t('error.network'));
  }
  // Date has whole seconds: its middle is half a second on.
  const off = Date.parse(response.headers.get('Date') ?? '') + 500 - Date.now();
  if (!Number.isNaN(off)) skew = Math.abs(off) < 2000 ? 0 : off;
  let envelope: Envelope<T>;
  try {
    envelope = (await response.json()) as Envelope<T>;
  } catch {
    throw response.status === 401 ? sessionEnded() : new ApiError('INTERNAL', t('error.unreadableAnswer'));
  }
  if (envelope.ok && envelope.data !== undefined) return envelope.data;
  const error = envelope.error ?? { code: 'INTERNAL' as const, message: t('error.somethingWrong') };
  throw new ApiError(error.code, error.message, error.lockedUntil, error.fields, error.retryAfter);
}

/** The actions of docs/api.md, one function each. */
export const api = {
  status: () => call<Status>('status'),
  enrollStart: () => call<Enrollment>('enroll.start'),
  enrollConfirm: (keyId: string, code: string, currentCode?: string) =>
    call<Confirmed>('enroll.confirm', currentCode === undefined ? { keyId, code } : { keyId, code, currentCode }),
  enrollCancel: () => call<{ pending: boolean }>('enroll.cancel'),
  remove: (code: string) => call<{ enabled: boolean; warning?: string }>('remove', { code }),
  usersList: () => call<{ users: Account[]; coverage: CoverageReport }>('users.list'),
  usersRemind: (users: string[]) => call<RemindOutcome>('users.remind', { users }),
  /** `recoveryCode` (one account only): the account holder's, confirming who asked. */
  usersRemove: (users: string[], reason: string, recoveryCode = '') =>
    call<{
      removed: string[];
      failed: Record<string, string>;
      mailed: string[];
      notMailed: Record<string, string>;
      warning?: string;
    }>('users.remove', recoveryCode === '' ? { users, reason } : { users, reason, recoveryCode }),
  recoveryRegenerate: (code: string) =>
    call<{ recoveryCodes: string[]; warning?: string }>('recovery.regenerate', { code }),
  settingsGet: () => call<SettingsData>('settings.get'),
  settingsSet: (issuer: string) => call<SettingsData>('settings.set', { issuer }),
  policySet: (enabled: boolean) => call<{ policyEnabled: boolean }>('policy.set', { enabled }),
  /** `before` and `skip`: the last shown entry's time, and how many shown entries have it. */
  auditList: (limit: number, filter: AuditFilter, before?: string, skip?: number) =>
    call<{ entries: AuditEntry[] }>('audit.list', {
      limit,
      ...filter,
      ...(before === undefined ? {} : { before, skip }),
    }),
};
