// whm2fa's record per user (plugin/src/userState.ts): what a valid record is, what is
// refused as damaged, and the time boundaries of pending setups and locks.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateError } from '../../plugin/src/errors';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';
import {
  activeLock,
  deleteUserState,
  EMPTY_STATE,
  livePending,
  readUserState,
  withSteps,
  withoutExpiredPending,
  withoutPending,
  writeUserState,
  type UserState,
} from '../../plugin/src/userState';

let root: string;
let paths: ServerPaths;
const fileOf = (user: string): string => join(paths.userStateDir, `${user}.json`);
const T = 1_800_000_000;
const PENDING = { secret: 'JBSWY3DPEHPK3PXP', createdAt: T, expiresAt: T + 600 };

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'whm2fa-userstate-'));
  paths = serverPaths(root);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function saveRaw(user: string, value: unknown): void {
  mkdirSync(paths.userStateDir, { recursive: true });
  writeFileSync(fileOf(user), JSON.stringify(value));
}

describe('reading and writing', () => {
  it('reads a missing record as the empty one', () => {
    expect(readUserState(paths, 'r1')).toEqual({ failures: 0, lockCount: 0 });
    expect(EMPTY_STATE).toEqual({ failures: 0, lockCount: 0 });
    expect(Object.isFrozen(EMPTY_STATE)).toBe(true);
  });

  it('keeps every field through a write and a read, and nothing else', () => {
    const full: UserState = { lastStep: 0, failures: 2, lockCount: 1, lockedUntil: T + 0.5, pending: PENDING };
    writeUserState(paths, 'r1', full);
    expect(readUserState(paths, 'r1')).toEqual(full);
    saveRaw('r2', { failures: 1, lockCount: 0, extra: 'dropped', pending: { ...PENDING, more: 1 } });
    // Strictly: no absent field comes back as a key holding undefined.
    expect(readUserState(paths, 'r2')).toStrictEqual({ failures: 1, lockCount: 0, pending: PENDING });
    saveRaw('r3', { failures: 0, lockCount: 2 });
    expect(readUserState(paths, 'r3')).toStrictEqual({ failures: 0, lockCount: 2 });
  });

  it('removes the file when the record is empty again, and only then', () => {
    writeUserState(paths, 'r1', { failures: 1, lockCount: 0 });
    expect(existsSync(fileOf('r1'))).toBe(true);
    for (const onlyOne of [{ lastStep: 5 }, { lockCount: 1 }, { lockedUntil: T }, { pending: PENDING }]) {
      writeUserState(paths, 'r1', { failures: 0, lockCount: 0, ...onlyOne });
      expect(existsSync(fileOf('r1')), JSON.stringify(onlyOne)).toBe(true);
    }
    writeUserState(paths, 'r1', { failures: 0, lockCount: 0 });
    expect(existsSync(fileOf('r1'))).toBe(false);
    writeUserState(paths, 'r1', { failures: 0, lockCount: 0 });
    expect(existsSync(fileOf('r1'))).toBe(false);
  });

  it('keeps key ids, steps, an administrator’s removal and a key’s name through a write and a read', () => {
    const keyLabel = { key: '0123456789abcdef', issuer: 'vm', account: 'r1', at: T };
    const full: UserState = {
      failures: 0,
      lockCount: 0,
      steps: { '0123456789abcdef': 7, fedcba9876543210: 9 },
      pending: { ...PENDING, keyId: 'a1b2c3d4e5f60718', issuer: 'Acme Hosting' },
      adminRemoval: { by: 'root', at: T, reason: 'lost phone' },
      keyLabel,
    };
    writeUserState(paths, 'r1', full);
    expect(readUserState(paths, 'r1')).toEqual(full);
    // A key's name alone keeps the file.
    writeUserState(paths, 'r2', { failures: 0, lockCount: 0, keyLabel });
    expect(existsSync(fileOf('r2'))).toBe(true);
  });

  it('an administrator’s removal alone keeps the file; empty steps alone do not', () => {
    writeUserState(paths, 'r1', { failures: 0, lockCount: 0, adminRemoval: { by: 'root', at: T, reason: 'x' } });
    expect(existsSync(fileOf('r1'))).toBe(true);
    writeUserState(paths, 'r1', { failures: 0, lockCount: 0, steps: { '0123456789abcdef': 1 } });
    expect(existsSync(fileOf('r1'))).toBe(true);
    writeUserState(paths, 'r1', { failures: 0, lockCount: 0, steps: {} });
    expect(existsSync(fileOf('r1'))).toBe(false);
  });

  it('remembers the steps of the four most recently used keys', () => {
    const fp = (n: number): string => String(n).repeat(16);
    const state: UserState = {
      failures: 0,
      lockCount: 0,
      lastStep: 3,
      steps: { [fp(1)]: 10, [fp(2)]: 50, [fp(3)]: 30 },
    };
    const next = withSteps(
      state,
      new Map([
        [fp(4), 40],
        [fp(5), 20],
        [fp(1), 5],
      ]),
    );
    // fp(1) keeps its own later step (10); the oldest, fp(1) at 10, is the one forgotten.
    expect(next.steps).toEqual({ [fp(2)]: 50, [fp(4)]: 40, [fp(3)]: 30, [fp(5)]: 20 });
    expect(next.lastStep).toBeUndefined();
  });

  it('deletes a record', () => {
    writeUserState(paths, 'r1', { failures: 3, lockCount: 0 });
    deleteUserState(paths, 'r1');
    expect(existsSync(fileOf('r1'))).toBe(false);
    expect(() => deleteUserState(paths, 'r1')).not.toThrow();
  });

  const damaged: Array<[string, unknown]> = [
    ['an array', []],
    ['null', null],
    ['a number', 3],
    ['no failures', { lockCount: 0 }],
    ['negative failures', { failures: -1, lockCount: 0 }],
    ['fractional failures', { failures: 1.5, lockCount: 0 }],
    ['text lockCount', { failures: 0, lockCount: '0' }],
    ['no lockCount', { failures: 0 }],
    ['negative lastStep', { failures: 0, lockCount: 0, lastStep: -1 }],
    ['text lastStep', { failures: 0, lockCount: 0, lastStep: '5' }],
    ['text lockedUntil', { failures: 0, lockCount: 0, lockedUntil: 'soon' }],
    ['an infinite lockedUntil', { failures: 0, lockCount: 0, lockedUntil: 'INFINITY' }],
    ['null pending', { failures: 0, lockCount: 0, pending: null }],
    ['pending without a secret', { failures: 0, lockCount: 0, pending: { createdAt: T, expiresAt: T } }],
    ['pending with a numeric secret', { failures: 0, lockCount: 0, pending: { ...PENDING, secret: 5 } }],
    ['pending without createdAt', { failures: 0, lockCount: 0, pending: { secret: 'A', expiresAt: T } }],
    ['pending with text expiresAt', { failures: 0, lockCount: 0, pending: { ...PENDING, expiresAt: 'x' } }],
    [
      'pending with a key id not hex',
      { failures: 0, lockCount: 0, pending: { ...PENDING, keyId: 'XYZXYZXYZXYZXYZX' } },
    ],
    [
      'pending with a key id too long',
      { failures: 0, lockCount: 0, pending: { ...PENDING, keyId: '0123456789abcdef0' } },
    ],
    [
      'pending with a key id with a prefix',
      { failures: 0, lockCount: 0, pending: { ...PENDING, keyId: 'x0123456789abcdef' } },
    ],
    ['pending with a numeric key id', { failures: 0, lockCount: 0, pending: { ...PENDING, keyId: 5 } }],
    // A number whose digits would pass as a key id's text.
    [
      'pending with a 16-digit numeric key id',
      { failures: 0, lockCount: 0, pending: { ...PENDING, keyId: 1234567890123456 } },
    ],
    ['null steps', { failures: 0, lockCount: 0, steps: null }],
    ['numeric steps', { failures: 0, lockCount: 0, steps: 5 }],
    ['steps as a list', { failures: 0, lockCount: 0, steps: [1] }],
    ['a step under a name not a fingerprint', { failures: 0, lockCount: 0, steps: { zz: 1 } }],
    ['a step under a fingerprint with a prefix', { failures: 0, lockCount: 0, steps: { x0123456789abcdef: 1 } }],
    ['a step under a fingerprint too long', { failures: 0, lockCount: 0, steps: { '0123456789abcdef0': 1 } }],
    ['a negative step', { failures: 0, lockCount: 0, steps: { '0123456789abcdef': -1 } }],
    ['a text step', { failures: 0, lockCount: 0, steps: { '0123456789abcdef': '1' } }],
    ['null adminRemoval', { failures: 0, lockCount: 0, adminRemoval: null }],
    ['adminRemoval without by', { failures: 0, lockCount: 0, adminRemoval: { at: T, reason: 'x' } }],
    ['adminRemoval without reason', { failures: 0, lockCount: 0, adminRemoval: { by: 'root', at: T } }],
    ['adminRemoval with text at', { failures: 0, lockCount: 0, adminRemoval: { by: 'root', at: 'x', reason: 'x' } }],
    ['pending with a numeric issuer', { failures: 0, lockCount: 0, pending: { ...PENDING, issuer: 5 } }],
    ['null keyLabel', { failures: 0, lockCount: 0, keyLabel: null }],
    ['keyLabel without issuer', { failures: 0, lockCount: 0, keyLabel: { key: 'k', account: 'r1', at: T } }],
    [
      'keyLabel with text at',
      { failures: 0, lockCount: 0, keyLabel: { key: 'k', issuer: 'i', account: 'a', at: 'x' } },
    ],
  ];
  it.each(damaged)('refuses a record with %s, leaving it untouched', (_name, value) => {
    saveRaw('r1', value);
    // JSON has no Infinity, but 1e999 parses to it.
    const raw = readFileSync(fileOf('r1'), 'utf8').replace('"INFINITY"', '1e999');
    writeFileSync(fileOf('r1'), raw);
    const before = readFileSync(fileOf('r1'), 'utf8');
    expect(() => readUserState(paths, 'r1')).toThrow(StateError);
    expect(() => readUserState(paths, 'r1')).toThrow(/does not hold a whm2fa user record \(left untouched\)/);
    expect(readFileSync(fileOf('r1'), 'utf8')).toBe(before);
  });
});

describe('time boundaries', () => {
  const state: UserState = { failures: 0, lockCount: 1, lockedUntil: T + 300, pending: PENDING };

  it('a pending setup is live until the second it expires', () => {
    expect(livePending(state, T + 599)).toEqual(PENDING);
    expect(livePending(state, T + 600)).toBeUndefined();
    expect(livePending(EMPTY_STATE, T)).toBeUndefined();
  });

  it('a lock is in force until the second it ends', () => {
    expect(activeLock(state, T + 299)).toBe(T + 300);
    expect(activeLock(state, T + 300)).toBeUndefined();
    expect(activeLock(EMPTY_STATE, T)).toBeUndefined();
  });

  it('drops a pending setup, or only an expired one', () => {
    expect(withoutPending(state)).toEqual({ failures: 0, lockCount: 1, lockedUntil: T + 300 });
    expect(withoutExpiredPending(state, T + 599)).toBe(state);
    expect(withoutExpiredPending(state, T + 600)).toEqual({ failures: 0, lockCount: 1, lockedUntil: T + 300 });
    expect(withoutExpiredPending(EMPTY_STATE, T + 600)).toBe(EMPTY_STATE);
  });
});
