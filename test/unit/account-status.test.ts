// One account's status as the page and `whm2fa status` show it, read in-process from a
// temporary tree at a given time: on or off, the policy, the issuer, a live setup, a lock,
// the attempts left, an administrator's removal, the app's name and the codes left.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accountStatus, statusDetails } from '../../plugin/src/accountStatus';
import { writeUserState, type UserState } from '../../plugin/src/userState';
import { makeRecoveryCodes } from '../../plugin/src/recoveryCodes';
import { keyFingerprint } from '../../plugin/src/keyFingerprint';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';
import { writeStore } from '../support/fakeBridge';

const T0 = 1_800_000_000;
const K1 = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const K2 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const iso = (t: number): string => new Date(t * 1000).toISOString();

const codes = makeRecoveryCodes(keyFingerprint(K1));

let root: string;
let paths: ServerPaths;

function put(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}
const state = (s: Partial<UserState>): void => writeUserState(paths, 'bob', { failures: 0, lockCount: 0, ...s });

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'whm2fa-status-'));
  paths = serverPaths(root);
  mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  writeStore(paths, {});
  put(paths.issuerUserdata, JSON.stringify({ system_wide_issuer: 'Host Inc', bob: 'Bob Hosting' }));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('accountStatus', () => {
  it('is off with nothing pending for a new account', () => {
    expect(accountStatus(paths, 'bob', false, T0)).toEqual({
      enabled: false,
      policyEnabled: false,
      issuer: 'Host Inc',
      pending: false,
      lockedUntil: null,
    });
  });

  it("reads the key, the policy, a reseller's issuer, a live setup and a lock", () => {
    writeStore(paths, { bob: K1 });
    put(paths.cpanelConfig, 'SecurityPolicy::TwoFactorAuth=1\n');
    state({ pending: { secret: K2, createdAt: T0 - 10, expiresAt: T0 + 1 }, lockedUntil: T0 + 300, failures: 5 });
    expect(accountStatus(paths, 'bob', true, T0)).toEqual({
      enabled: true,
      policyEnabled: true,
      issuer: 'Bob Hosting',
      pending: true,
      lockedUntil: iso(T0 + 300),
    });
  });

  it('forgets a setup and a lock that are over', () => {
    state({ pending: { secret: K2, createdAt: T0 - 10, expiresAt: T0 }, lockedUntil: T0 });
    const status = accountStatus(paths, 'bob', true, T0);
    expect(status.pending).toBe(false);
    expect(status.lockedUntil).toBeNull();
  });
});

describe('statusDetails', () => {
  it('has five attempts and nothing else for a new account', () => {
    expect(statusDetails(paths, 'bob', false, T0)).toEqual({
      attemptsLeft: 5,
      pendingKeyId: null,
      removedByAdmin: null,
      keyLabel: null,
      recoveryCodesLeft: null,
    });
  });

  it('counts the attempts left, none while locked, never below zero', () => {
    state({ failures: 2 });
    expect(statusDetails(paths, 'bob', true, T0).attemptsLeft).toBe(3);
    state({ failures: 7 });
    expect(statusDetails(paths, 'bob', true, T0).attemptsLeft).toBe(0);
    state({ failures: 1, lockedUntil: T0 + 1 });
    expect(statusDetails(paths, 'bob', true, T0).attemptsLeft).toBe(0);
    state({ failures: 1, lockedUntil: T0 });
    expect(statusDetails(paths, 'bob', true, T0).attemptsLeft).toBe(4);
  });

  it('names a live pending key by its id, never the key', () => {
    state({ pending: { secret: K2, createdAt: T0, expiresAt: T0 + 60, keyId: '0123456789abcdef' } });
    expect(statusDetails(paths, 'bob', false, T0).pendingKeyId).toBe('0123456789abcdef');
    state({ pending: { secret: K2, createdAt: T0, expiresAt: T0 + 60 } });
    expect(statusDetails(paths, 'bob', false, T0).pendingKeyId).toBeNull();
    state({ pending: { secret: K2, createdAt: T0, expiresAt: T0, keyId: '0123456789abcdef' } });
    expect(statusDetails(paths, 'bob', false, T0).pendingKeyId).toBeNull();
  });

  it("shows an administrator's removal only while 2FA is off", () => {
    state({ adminRemoval: { by: 'res1', at: T0 - 100, reason: 'lost phone' } });
    expect(statusDetails(paths, 'bob', false, T0).removedByAdmin).toEqual({
      by: 'res1',
      at: iso(T0 - 100),
      reason: 'lost phone',
    });
    writeStore(paths, { bob: K1 });
    expect(statusDetails(paths, 'bob', true, T0).removedByAdmin).toBeNull();
  });

  it("gives the app's name and the codes left for the current key only", () => {
    writeStore(paths, { bob: K1 });
    state({
      keyLabel: { key: keyFingerprint(K1), issuer: 'Host Inc', account: 'bob', at: T0 - 50 },
      recovery: { ...codes.set, codes: codes.set.codes.slice(0, 2) },
    });
    expect(statusDetails(paths, 'bob', true, T0)).toMatchObject({
      keyLabel: { issuer: 'Host Inc', account: 'bob', at: iso(T0 - 50) },
      recoveryCodesLeft: 2,
    });
    // 2FA off: neither is shown, even though the record still names the key.
    expect(statusDetails(paths, 'bob', false, T0)).toMatchObject({ keyLabel: null, recoveryCodesLeft: null });
    // Another key in cPanel's store (set in cPanel's own page): neither belongs to it.
    writeStore(paths, { bob: K2 });
    expect(statusDetails(paths, 'bob', true, T0)).toMatchObject({ keyLabel: null, recoveryCodesLeft: null });
  });

  it('gives the codes left without a name', () => {
    writeStore(paths, { bob: K1 });
    state({ recovery: { ...codes.set, codes: codes.set.codes.slice(0, 1) } });
    expect(statusDetails(paths, 'bob', true, T0)).toMatchObject({ keyLabel: null, recoveryCodesLeft: 1 });
  });
});
