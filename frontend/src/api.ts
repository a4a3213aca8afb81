/**
 * The page's only way to the server: POST `api.cgi` (beside index.cgi, so under the
 * current /cpsess token) with a JSON body; the answer is `{ok, data}` or `{ok, error}`.
 */

import type { ErrorCode as ServerErrorCode } from '../../plugin/src/errors';

/** The server's codes, plus the page's own for a request that never got an answer. */
export type ErrorCode = ServerErrorCode | 'NETWORK';

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly lockedUntil: string | undefined;
  constructor(code: ErrorCode, message: string, lockedUntil?: string) {
    super(message);
    this.code = code;
    this.lockedUntil = lockedUntil;
  }
}

export interface Status {
  user: string;
  isRoot: boolean;
  enabled: boolean;
  policyEnabled: boolean;
  issuer: string;
  pending: boolean;
  lockedUntil: string | null;
}

export interface Enrollment {
  secret: string;
  otpauthUri: string;
  qrSvg: string;
  account: string;
  issuer: string;
  expiresAt: string;
}

export interface Account {
  user: string;
  domain: string;
  owner: string;
  enabled: boolean;
}

export interface SettingsData {
  issuer: string;
  systemWideIssuer: string;
  policyEnabled: boolean;
}

export interface AuditEntry {
  at: string;
  actor: string;
  subject: string;
  action: string;
  ip: string;
  result: string;
  reason?: string;
}

interface Envelope<T> {
  ok: boolean;
  data?: T;
  error?: { code: ErrorCode; message: string; lockedUntil?: string };
}

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
    throw new ApiError('NETWORK', 'The server could not be reached. Check your connection and try again.');
  }
  let envelope: Envelope<T>;
  try {
    envelope = (await response.json()) as Envelope<T>;
  } catch {
    const message =
      response.status === 401
        ? 'Your WHM session has ended. Log in again.'
        : 'The server gave an answer the page could not read. Reload the page and try again.';
    throw new ApiError(response.status === 401 ? 'FORBIDDEN' : 'INTERNAL', message);
  }
  if (envelope.ok && envelope.data !== undefined) return envelope.data;
  const error = envelope.error ?? { code: 'INTERNAL' as const, message: 'Something went wrong.' };
  throw new ApiError(error.code, error.message, error.lockedUntil);
}

export const api = {
  status: () => call<Status>('status'),
  enrollStart: () => call<Enrollment>('enroll.start'),
  enrollConfirm: (code: string, currentCode?: string) =>
    call<{ enabled: boolean }>('enroll.confirm', currentCode === undefined ? { code } : { code, currentCode }),
  enrollCancel: () => call<{ pending: boolean }>('enroll.cancel'),
  remove: (code: string) => call<{ enabled: boolean }>('remove', { code }),
  usersList: () => call<{ users: Account[] }>('users.list'),
  usersRemove: (users: string[], reason: string) =>
    call<{ removed: string[]; failed: Record<string, string> }>('users.remove', { users, reason }),
  settingsGet: () => call<SettingsData>('settings.get'),
  settingsSet: (issuer: string) => call<SettingsData>('settings.set', { issuer }),
  policySet: (enabled: boolean) => call<{ policyEnabled: boolean }>('policy.set', { enabled }),
  auditList: (limit: number, before?: string) =>
    call<{ entries: AuditEntry[] }>('audit.list', before === undefined ? { limit } : { limit, before }),
};
