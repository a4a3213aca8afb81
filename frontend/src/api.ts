/**
 * The page's only way to the server: POST `api.cgi` (beside index.cgi, so under the
 * current /cpsess token) with a JSON body; the answer is `{ok, data}` or `{ok, error}`.
 */

import type {
  ActionData,
  ActionName,
  AuditAction,
  ErrorCode as ServerErrorCode,
  UsersListParams,
} from '../../plugin/src/api/types';
import { t } from './i18n';

// The answers' shapes are the server's own (plugin/src/api/types.ts), not copies.
export type {
  AdminRemoval,
  AuditAction,
  CoverageReport,
  Figure,
  RemindOutcome,
  SortKey,
  SortText,
  UsersListData,
  UsersListParams,
} from '../../plugin/src/api/types';
/** `status`. */
export type Status = ActionData['status'];
/** A new setup as `enroll.start` answers it. */
export type Enrollment = ActionData['enroll.start'];
/** `enroll.confirm`'s answer. */
export type Confirmed = ActionData['enroll.confirm'];
/** One row of Manage Users. */
export type Account = ActionData['users.list']['users'][number];
/** The Settings tab's data. */
export type SettingsData = ActionData['settings.get'];
/** One Activity entry. */
export type AuditEntry = ActionData['audit.list']['entries'][number];

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
export async function call<A extends ActionName>(action: A, params: object = {}): Promise<ActionData[A]> {
  type T = ActionData[A];
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
  status: () => call('status'),
  enrollStart: () => call('enroll.start'),
  enrollConfirm: (keyId: string, code: string, currentCode?: string) =>
    call('enroll.confirm', currentCode === undefined ? { keyId, code } : { keyId, code, currentCode }),
  enrollCancel: () => call('enroll.cancel'),
  remove: (code: string) => call('remove', { code }),
  usersList: (params: UsersListParams) => call('users.list', params),
  usersRemind: (users: string[]) => call('users.remind', { users }),
  /** `recoveryCode` (one account only): the account holder's, confirming who asked. */
  usersRemove: (users: string[], reason: string, recoveryCode = '') =>
    call('users.remove', recoveryCode === '' ? { users, reason } : { users, reason, recoveryCode }),
  recoveryRegenerate: (code: string) => call('recovery.regenerate', { code }),
  settingsGet: () => call('settings.get'),
  settingsSet: (issuer: string) => call('settings.set', { issuer }),
  policySet: (enabled: boolean) => call('policy.set', { enabled }),
  /** `before` and `skip`: the last shown entry's time, and how many shown entries have it. */
  auditList: (limit: number, filter: AuditFilter, before?: string, skip?: number) =>
    call('audit.list', {
      limit,
      ...filter,
      ...(before === undefined ? {} : { before, skip }),
    }),
};
