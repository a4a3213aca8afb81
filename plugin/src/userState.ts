/**
 * whm2fa's own record for one user: the last accepted time step (codes are accepted
 * once), the failure count and lock, and the pending enrollment. One file per user under
 * /var/cpanel/whm2fa/users/, changed only under the state lock.
 */
import { join } from 'node:path';
import { StateError } from './errors';
import { readJson, removeFile, writeJsonAtomic } from './store';
import type { ServerPaths } from './paths';

/** A setup waiting for its first code: the new secret and when it expires. */
export interface PendingEnrollment {
  readonly secret: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** whm2fa's record for one user (all times in Unix seconds). */
export interface UserState {
  readonly lastStep?: number;
  readonly failures: number;
  /** How many locks in a row (doubles the next lock); reset by a success. */
  readonly lockCount: number;
  readonly lockedUntil?: number;
  readonly pending?: PendingEnrollment;
}

/** The record of a user whm2fa has nothing on. */
export const EMPTY_STATE: UserState = Object.freeze({ failures: 0, lockCount: 0 });

function fileOf(paths: ServerPaths, user: string): string {
  return join(paths.userStateDir, `${user}.json`);
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function parse(file: string, value: unknown): UserState {
  const bad = (): StateError => new StateError(`${file} does not hold a whm2fa user record (left untouched)`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad();
  const v = value as Record<string, unknown>;
  if (!isCount(v['failures']) || !isCount(v['lockCount'])) throw bad();
  if (v['lastStep'] !== undefined && !isCount(v['lastStep'])) throw bad();
  if (v['lockedUntil'] !== undefined && !isTime(v['lockedUntil'])) throw bad();
  let pending: PendingEnrollment | undefined;
  if (v['pending'] !== undefined) {
    const p = v['pending'] as Record<string, unknown> | null;
    if (typeof p !== 'object' || p === null || typeof p['secret'] !== 'string') throw bad();
    if (!isTime(p['createdAt']) || !isTime(p['expiresAt'])) throw bad();
    pending = { secret: p['secret'], createdAt: p['createdAt'], expiresAt: p['expiresAt'] };
  }
  return {
    failures: v['failures'],
    lockCount: v['lockCount'],
    ...(v['lastStep'] === undefined ? {} : { lastStep: v['lastStep'] }),
    ...(v['lockedUntil'] === undefined ? {} : { lockedUntil: v['lockedUntil'] }),
    ...(pending === undefined ? {} : { pending }),
  };
}

/** The user's record, or the empty one when whm2fa has none yet. */
export function readUserState(paths: ServerPaths, user: string): UserState {
  const file = fileOf(paths, user);
  const value = readJson(file);
  return value === undefined ? EMPTY_STATE : parse(file, value);
}

/** Saves the record (call under the state lock); an empty record removes the file. */
export function writeUserState(paths: ServerPaths, user: string, state: UserState): void {
  const file = fileOf(paths, user);
  const empty =
    state.failures === 0 &&
    state.lockCount === 0 &&
    state.lastStep === undefined &&
    state.lockedUntil === undefined &&
    state.pending === undefined;
  if (empty) removeFile(file);
  else writeJsonAtomic(file, state);
}

/** Removes the user's record (account removed). */
export function deleteUserState(paths: ServerPaths, user: string): void {
  removeFile(fileOf(paths, user));
}

/** The pending enrollment, if it has not expired at `epochSeconds`. */
export function livePending(state: UserState, epochSeconds: number): PendingEnrollment | undefined {
  return state.pending !== undefined && state.pending.expiresAt > epochSeconds ? state.pending : undefined;
}

/** The end of the verification lock, if one is in force at `epochSeconds`. */
export function activeLock(state: UserState, epochSeconds: number): number | undefined {
  return state.lockedUntil !== undefined && state.lockedUntil > epochSeconds ? state.lockedUntil : undefined;
}

/** The record without its pending enrollment. */
export function withoutPending(state: UserState): UserState {
  const { pending: _dropped, ...rest } = state;
  return rest;
}

/** The record without its pending enrollment if that has expired at `epochSeconds`. */
export function withoutExpiredPending(state: UserState, epochSeconds: number): UserState {
  return state.pending !== undefined && livePending(state, epochSeconds) === undefined ? withoutPending(state) : state;
}
