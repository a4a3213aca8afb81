/**
 * One account's 2FA state as the page's status and `whm2fa status` show it. Reads files
 * only: no cPanel tool runs on this path.
 */
import { readFileSync } from 'node:fs';
import { policyEnabled, secretOf } from './cpanelState';
import { issuerFor } from './issuer';
import { activeLock, livePending, readUserState } from './userState';
import { iso, MAX_FAILURES } from './verification';
import { listAudit } from './audit';
import { pendingKeyId } from './pendingKey';
import type { ServerPaths } from './paths';

export interface AccountStatus {
  readonly enabled: boolean;
  readonly policyEnabled: boolean;
  readonly issuer: string;
  readonly pending: boolean;
  readonly lockedUntil: string | null;
}

/** The status fields of docs/api.md for one account (shared by the API and `whm2fa status`). */
export function accountStatus(
  paths: ServerPaths,
  user: string,
  isReseller: boolean,
  epochSeconds: number,
): AccountStatus {
  const state = readUserState(paths, user);
  const lockedUntil = activeLock(state, epochSeconds);
  return {
    enabled: secretOf(paths, user) !== undefined,
    policyEnabled: policyEnabled(paths),
    issuer: issuerFor(paths, user, isReseller),
    pending: livePending(state, epochSeconds) !== undefined,
    lockedUntil: lockedUntil === undefined ? null : iso(lockedUntil),
  };
}

/** An administrator's removal of this account's 2FA, as its owner is told about it. */
export interface AdminRemoval {
  readonly by: string;
  readonly at: string;
  readonly reason: string;
}

/** What the page adds to the status for its own use (the documented fields stay as they are). */
export interface StatusDetails {
  /** Wrong codes still allowed before verification locks. */
  readonly attemptsLeft: number;
  /** Names the live pending key (never the key itself), so another tab's replacement shows. */
  readonly pendingKeyId: string | null;
  /** Set while 2FA is off because an administrator removed it and nothing changed since. */
  readonly removedByAdmin: AdminRemoval | null;
}

/** Audit entries that end a "removed by an administrator" notice, or start one. */
const DEVICE_EVENTS: ReadonlySet<string> = new Set(['admin.remove', 'enable', 'replace', 'remove', 'cpanel.change']);

/**
 * Attempts left, the pending key's name and an administrator's removal. The removal is
 * read from the audit trail only while 2FA is off, and only from the current log file:
 * status is on every page load and must stay cheap.
 */
export function statusDetails(paths: ServerPaths, user: string, enabled: boolean, epochSeconds: number): StatusDetails {
  const state = readUserState(paths, user);
  const pending = livePending(state, epochSeconds);
  let removedByAdmin: AdminRemoval | null = null;
  if (!enabled && mentionsAdminRemoval(paths, user)) {
    const [last] = listAudit(paths, {
      limit: 1,
      maxFiles: 1,
      visible: (e) =>
        e.subject === user && DEVICE_EVENTS.has(e.action) && (e.result === 'ok' || e.action === 'cpanel.change'),
    });
    if (last?.action === 'admin.remove') removedByAdmin = { by: last.actor, at: last.at, reason: last.reason ?? '' };
  }
  return {
    attemptsLeft: activeLock(state, epochSeconds) === undefined ? Math.max(0, MAX_FAILURES - state.failures) : 0,
    pendingKeyId: pending === undefined ? null : pendingKeyId(pending.secret),
    removedByAdmin,
  };
}

/**
 * Whether the current audit log holds an administrator's removal for `user`, by a plain
 * text search: most accounts never had one, and parsing a large log on every status would
 * cost more than the whole request's budget. Relies on audit.ts writing `subject` just
 * before `action` (test/process/page-api.test.ts fails if that changes).
 */
function mentionsAdminRemoval(paths: ServerPaths, user: string): boolean {
  try {
    return readFileSync(paths.auditFile, 'utf8').includes(`"subject":${JSON.stringify(user)},"action":"admin.remove"`);
  } catch {
    return false;
  }
}
