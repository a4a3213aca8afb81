/**
 * One account's 2FA state as the page's status and `whm2fa status` show it. Reads files
 * only: no cPanel tool runs on this path.
 */
import { policyEnabled, secretOf } from './cpanelState';
import { issuerFor } from './issuer';
import { activeLock, labelOf, livePending, readUserState, recoveryCodesLeft } from './userState';
import { iso, MAX_FAILURES } from './verification';
import { cleanTextMembers, cleanUserText } from './userText';
import type { ServerPaths } from './paths';

/** One account's 2FA state as the page's status and `whm2fa status` show it. */
export interface AccountStatus {
  readonly enabled: boolean;
  readonly policyEnabled: boolean;
  readonly issuer: string;
  readonly pending: boolean;
  readonly lockedUntil: string | null;
}

/** The 2FA state of `user` at `epochSeconds`; `isReseller` picks the issuer rule. */
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
  /** Set while 2FA is off after an administrator removed it, until the account sets it up again. */
  readonly removedByAdmin: AdminRemoval | null;
  /**
   * The app's name for the current key and when whm2fa saved it; null when 2FA is off or
   * whm2fa did not save the current key (e.g. it was set in cPanel's own page).
   */
  readonly keyLabel: { readonly issuer: string; readonly account: string; readonly at: string } | null;
  /** Unspent recovery codes for the current key; null when 2FA is off or whm2fa holds none for the key. */
  readonly recoveryCodesLeft: number | null;
}

/**
 * Attempts left, the pending key's name, an administrator's removal, the app's name for the
 * key and the recovery codes left. The removal is
 * read from the audit trail only while 2FA is off, and only from the current log file:
 * status is on every page load and must stay cheap.
 */
export function statusDetails(paths: ServerPaths, user: string, enabled: boolean, epochSeconds: number): StatusDetails {
  const state = readUserState(paths, user);
  const pending = livePending(state, epochSeconds);
  const removal = enabled ? undefined : state.adminRemoval;
  // The store is read again only when there is a name or codes to check against its key.
  const secret =
    enabled && (state.keyLabel !== undefined || state.recovery !== undefined) ? secretOf(paths, user) : undefined;
  const label = state.keyLabel !== undefined ? labelOf(state, secret) : undefined;
  return {
    attemptsLeft: activeLock(state, epochSeconds) === undefined ? Math.max(0, MAX_FAILURES - state.failures) : 0,
    pendingKeyId: pending?.keyId ?? null,
    removedByAdmin:
      removal === undefined ? null : { by: removal.by, at: iso(removal.at), reason: cleanUserText(removal.reason) },
    keyLabel: label === undefined ? null : { ...cleanTextMembers(label), at: iso(state.keyLabel?.at ?? 0) },
    recoveryCodesLeft: recoveryCodesLeft(state, secret),
  };
}
