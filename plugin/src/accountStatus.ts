/**
 * One account's 2FA state as the page's status and `whm2fa status` show it. Reads files
 * only: no cPanel tool runs on this path.
 */
import { policyEnabled, secretOf } from './cpanelState';
import { issuerFor } from './issuer';
import { activeLock, livePending, readUserState } from './userState';
import { iso } from './verification';
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
