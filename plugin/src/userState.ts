/**
 * whm2fa's own record for one user: the last time step accepted with each of its keys
 * (codes are accepted once), the failure count and lock, the pending enrollment and the
 * recovery codes' hashes. One file per user under /var/cpanel/whm2fa/users/, changed only
 * under the state lock.
 */
import { join } from 'node:path';
import { StateError } from './errors';
import { keyFingerprint } from './keyFingerprint';
import { readJson, removeFile, writeJsonAtomic } from './store';
import type { RecoverySet, StoredCode } from './recoveryCodes';
import type { ServerPaths } from './paths';

/** A setup waiting for its first code: the new secret and when it expires. */
export interface PendingEnrollment {
  readonly secret: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  /**
   * The key's public name (16 random hex digits, unrelated to the secret): the page sends
   * it back with its code, so a code for a key another tab replaced is told apart.
   */
  readonly keyId?: string;
  /** The issuer the key's QR code carries: the app's name for it, with the user's name. */
  readonly issuer?: string;
}

/**
 * The name an authenticator app shows for the key whm2fa saved last ("issuer (account)"),
 * and which key that is (its fingerprint): a key set elsewhere, e.g. in cPanel's own page,
 * has no name here.
 */
export interface KeyLabel {
  readonly key: string;
  readonly issuer: string;
  readonly account: string;
  /** When whm2fa saved the key. */
  readonly at: number;
}

/** whm2fa's record for one user (all times in Unix seconds). */
export interface UserState {
  /**
   * Written by versions before per-key memory: the last accepted step, whatever the key.
   * Read as applying to every key until the next success replaces it with {@link steps}.
   */
  readonly lastStep?: number;
  /** Key fingerprint (keyFingerprint.ts) → the last time step accepted with that key. */
  readonly steps?: Readonly<Record<string, number>>;
  readonly failures: number;
  /** How many locks in a row (doubles the next lock); reset by a success. */
  readonly lockCount: number;
  readonly lockedUntil?: number;
  readonly pending?: PendingEnrollment;
  /** The last removal by an administrator, shown to the account until it sets 2FA up again. */
  readonly adminRemoval?: AdminRemovalRecord;
  /** The app's name for the key whm2fa saved last. */
  readonly keyLabel?: KeyLabel;
  /** The unspent recovery codes' hashes, for the key they were made with (recoveryCodes.ts). */
  readonly recovery?: RecoverySet;
}

/** Who removed this account's 2FA, when (epoch seconds) and why. */
export interface AdminRemovalRecord {
  readonly by: string;
  readonly at: number;
  readonly reason: string;
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
  let steps: Record<string, number> | undefined;
  if (v['steps'] !== undefined) {
    const raw = v['steps'] as Record<string, unknown> | null;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad();
    steps = Object.create(null) as Record<string, number>;
    for (const [fp, step] of Object.entries(raw)) {
      if (!/^[0-9a-f]{16}$/.test(fp) || !isCount(step)) throw bad();
      steps[fp] = step;
    }
  }
  let pending: PendingEnrollment | undefined;
  if (v['pending'] !== undefined) {
    const p = v['pending'] as Record<string, unknown> | null;
    if (typeof p !== 'object' || p === null || typeof p['secret'] !== 'string') throw bad();
    if (!isTime(p['createdAt']) || !isTime(p['expiresAt'])) throw bad();
    const keyId = p['keyId'];
    if (keyId !== undefined && (typeof keyId !== 'string' || !/^[0-9a-f]{16}$/.test(keyId))) throw bad();
    const issuer = p['issuer'];
    if (issuer !== undefined && typeof issuer !== 'string') throw bad();
    pending = {
      secret: p['secret'],
      createdAt: p['createdAt'],
      expiresAt: p['expiresAt'],
      ...(keyId === undefined ? {} : { keyId }),
      ...(issuer === undefined ? {} : { issuer }),
    };
  }
  let keyLabel: KeyLabel | undefined;
  if (v['keyLabel'] !== undefined) {
    const l = v['keyLabel'] as Record<string, unknown> | null;
    if (typeof l !== 'object' || l === null || !isTime(l['at'])) throw bad();
    const { key, issuer, account } = l;
    if (typeof key !== 'string' || typeof issuer !== 'string' || typeof account !== 'string') throw bad();
    keyLabel = { key, issuer, account, at: l['at'] };
  }
  let adminRemoval: AdminRemovalRecord | undefined;
  if (v['adminRemoval'] !== undefined) {
    const r = v['adminRemoval'] as Record<string, unknown> | null;
    if (typeof r !== 'object' || r === null || typeof r['by'] !== 'string' || typeof r['reason'] !== 'string') {
      throw bad();
    }
    if (!isTime(r['at'])) throw bad();
    adminRemoval = { by: r['by'], at: r['at'], reason: r['reason'] };
  }
  const recovery = v['recovery'] === undefined ? undefined : parseRecovery(v['recovery'], bad);
  return {
    ...(adminRemoval === undefined ? {} : { adminRemoval }),
    failures: v['failures'],
    lockCount: v['lockCount'],
    ...(v['lastStep'] === undefined ? {} : { lastStep: v['lastStep'] }),
    ...(steps === undefined ? {} : { steps }),
    ...(v['lockedUntil'] === undefined ? {} : { lockedUntil: v['lockedUntil'] }),
    ...(pending === undefined ? {} : { pending }),
    ...(keyLabel === undefined ? {} : { keyLabel }),
    ...(recovery === undefined ? {} : { recovery }),
  };
}

const isBase64 = (v: unknown, bytes: number): v is string =>
  typeof v === 'string' && /^[A-Za-z0-9+/]+=*$/.test(v) && Buffer.from(v, 'base64').length === bytes;
/** scrypt's cost as read back: within what a request can afford (a damaged file must not stall one). */
const isCost = (v: unknown, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max;

function parseRecovery(value: unknown, bad: () => StateError): RecoverySet {
  const r = value as Record<string, unknown> | null;
  if (typeof r !== 'object' || r === null || typeof r['key'] !== 'string' || !/^[0-9a-f]{16}$/.test(r['key']))
    throw bad();
  const params = r['scrypt'] as Record<string, unknown> | null;
  if (typeof params !== 'object' || params === null) throw bad();
  const { N, r: blockSize, p } = params;
  if (!isCost(N, 2 ** 16) || (N & (N - 1)) !== 0 || N < 2 || !isCost(blockSize, 16) || !isCost(p, 4)) throw bad();
  const list = r['codes'];
  if (!Array.isArray(list) || list.length > 100) throw bad();
  const codes: StoredCode[] = list.map((item: unknown) => {
    const c = item as Record<string, unknown> | null;
    if (typeof c !== 'object' || c === null || !isBase64(c['salt'], 16) || !isBase64(c['hash'], 32)) throw bad();
    return { salt: c['salt'], hash: c['hash'] };
  });
  return { key: r['key'], scrypt: { N, r: blockSize, p }, codes };
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
    (state.steps === undefined || Object.keys(state.steps).length === 0) &&
    state.lockedUntil === undefined &&
    state.pending === undefined &&
    state.adminRemoval === undefined &&
    state.keyLabel === undefined &&
    state.recovery === undefined;
  if (empty) removeFile(file);
  else writeJsonAtomic(file, state);
}

/** Removes the user's record (account removed). */
export function deleteUserState(paths: ServerPaths, user: string): void {
  removeFile(fileOf(paths, user));
}

/** The record without its recovery codes (2FA removed). */
export function withoutRecovery(state: UserState): UserState {
  const { recovery: _dropped, ...rest } = state;
  return rest;
}

/** How many recovery codes are left for the key `secret`; null when whm2fa holds none for it. */
export function recoveryCodesLeft(state: UserState, secret: string | undefined): number | null {
  const set = state.recovery;
  return set === undefined || secret === undefined || set.key !== keyFingerprint(secret) ? null : set.codes.length;
}

/** The pending enrollment, if it has not expired at `epochSeconds`. */
export function livePending(state: UserState, epochSeconds: number): PendingEnrollment | undefined {
  return state.pending !== undefined && state.pending.expiresAt > epochSeconds ? state.pending : undefined;
}

/** The end of the verification lock, if one is in force at `epochSeconds`. */
export function activeLock(state: UserState, epochSeconds: number): number | undefined {
  return state.lockedUntil !== undefined && state.lockedUntil > epochSeconds ? state.lockedUntil : undefined;
}

/** The app's name for `secret` ("issuer (account)") if whm2fa saved that key, else undefined. */
export function labelOf(
  state: UserState,
  secret: string | undefined,
): { readonly issuer: string; readonly account: string } | undefined {
  const label = state.keyLabel;
  if (label === undefined || secret === undefined || label.key !== keyFingerprint(secret)) return undefined;
  return { issuer: label.issuer, account: label.account };
}

/** The last step accepted with the key of fingerprint `fp`, if any. */
export function lastStepFor(state: UserState, fp: string): number | undefined {
  if (state.steps !== undefined && Object.hasOwn(state.steps, fp)) return state.steps[fp];
  return state.lastStep;
}

/** How many keys' steps are remembered: the current key, a pending one, and a spare. */
const KEPT_STEPS = 4;

/** The record with `accepted` (fingerprint → step) remembered, oldest keys forgotten first. */
export function withSteps(state: UserState, accepted: ReadonlyMap<string, number>): UserState {
  const merged = new Map<string, number>(Object.entries(state.steps ?? {}));
  for (const [fp, step] of accepted) merged.set(fp, Math.max(step, merged.get(fp) ?? -1));
  const kept = [...merged].sort((a, b) => b[1] - a[1]).slice(0, KEPT_STEPS);
  const steps = Object.create(null) as Record<string, number>;
  for (const [fp, step] of kept) steps[fp] = step;
  const { lastStep: _legacy, ...rest } = state;
  return { ...rest, steps };
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
