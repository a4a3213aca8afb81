// Recovery codes (plugin/src/recoveryCodes.ts): their format and randomness, hashes that
// node:crypto's own scrypt reproduces and that hold no code, matching as typed, and the
// check through verifyCodes: spent once, counted and locked like a wrong security code.
import { scryptSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SCRYPT_PARAMS,
  formatRecoveryCode,
  makeRecoveryCodes,
  matchRecoveryCode,
  newRecoveryCode,
  withoutCode,
} from '../../plugin/src/recoveryCodes';
import { RECOVERY_ALPHABET, RECOVERY_CODE_COUNT } from '../../plugin/src/rules';
import { keyFingerprint } from '../../plugin/src/keyFingerprint';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';
import { readUserState, recoveryCodesLeft, writeUserState, EMPTY_STATE } from '../../plugin/src/userState';
import { verifyCodes } from '../../plugin/src/verification';
import { Whm2faError, StateError } from '../../plugin/src/errors';

const KEY = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const FP = keyFingerprint(KEY);
const FORMAT = /^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/;
const T0 = 1_800_000_000;

describe('the format', () => {
  it('uses 32 characters without 0, 1, I or O: 12 of them are 60 bits', () => {
    expect(new Set(RECOVERY_ALPHABET).size).toBe(32);
    for (const c of '01IO') expect(RECOVERY_ALPHABET).not.toContain(c);
    expect(12 * Math.log2(RECOVERY_ALPHABET.length)).toBeGreaterThanOrEqual(60);
  });

  it('makes ten distinct codes shown as XXXX-XXXX-XXXX', () => {
    const { codes } = makeRecoveryCodes(FP);
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) expect(code).toMatch(FORMAT);
    expect(formatRecoveryCode('ABCDEFGHJKLM')).toBe('ABCD-EFGH-JKLM');
  });

  it('draws every character of the alphabet about equally often', () => {
    const counts = new Map<string, number>();
    const draws = 2000;
    for (let i = 0; i < draws; i += 1) for (const c of newRecoveryCode()) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([...RECOVERY_ALPHABET].sort());
    // 24,000 characters: 750 expected of each; a biased pick (e.g. modulo 30) is far outside this.
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(600);
      expect(n).toBeLessThan(900);
    }
  });
});

describe('the hashes', () => {
  it('are scrypt with a salt per code, as node:crypto computes them, and hold no code', () => {
    const { codes, set } = makeRecoveryCodes(FP);
    expect(set.key).toBe(FP);
    expect(set.scrypt).toEqual(SCRYPT_PARAMS);
    expect(set.codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(set.codes.map((c) => c.salt)).size).toBe(RECOVERY_CODE_COUNT);
    codes.forEach((code, i) => {
      const stored = set.codes[i];
      const salt = Buffer.from(stored?.salt ?? '', 'base64');
      expect(salt).toHaveLength(16);
      const expected = scryptSync(code.replace(/-/g, ''), salt, 32, { N: 2048, r: 8, p: 1 }).toString('base64');
      expect(stored?.hash).toBe(expected);
    });
    const text = JSON.stringify(set);
    for (const code of codes) {
      expect(text).not.toContain(code);
      expect(text).not.toContain(code.replace(/-/g, ''));
    }
  });

  it('cost well under 100 ms for ten (made, or checked against a wrong code)', () => {
    const started = performance.now();
    const { set } = makeRecoveryCodes(FP);
    const made = performance.now() - started;
    const checking = performance.now();
    expect(matchRecoveryCode(set, FP, 'ABCD-EFGH-JKLM')).toEqual({ valid: false, reason: 'wrong' });
    const checked = performance.now() - checking;
    // Measured at about 35 ms each on a loaded 2-core machine; a far higher cost fails here.
    expect(made).toBeLessThan(400);
    expect(checked).toBeLessThan(400);
  });
});

describe('matching', () => {
  const { codes, set } = makeRecoveryCodes(FP);

  it('finds each code, typed in lower case, with spaces or without hyphens', () => {
    codes.forEach((code, index) => expect(matchRecoveryCode(set, FP, code)).toEqual({ valid: true, index }));
    const first = codes[0] ?? '';
    for (const typed of [first.toLowerCase(), first.replace(/-/g, ' '), first.replace(/-/g, ''), ` ${first} `])
      expect(matchRecoveryCode(set, FP, typed)).toEqual({ valid: true, index: 0 });
  });

  it('tells malformed, wrong, and no codes for this key apart', () => {
    const first = codes[0] ?? '';
    expect(matchRecoveryCode(set, FP, first.slice(0, -1))).toEqual({ valid: false, reason: 'malformed' });
    expect(matchRecoveryCode(set, FP, 'ABCD-EFGH-JKL0')).toEqual({ valid: false, reason: 'malformed' });
    expect(matchRecoveryCode(set, FP, '123456')).toEqual({ valid: false, reason: 'malformed' });
    const wrong = first.startsWith('A') ? `B${first.slice(1)}` : `A${first.slice(1)}`;
    expect(matchRecoveryCode(set, FP, wrong)).toEqual({ valid: false, reason: 'wrong' });
    expect(matchRecoveryCode(set, keyFingerprint('GEZDGNBVGY3TQOJQ'), first)).toEqual({
      valid: false,
      reason: 'none',
    });
    expect(matchRecoveryCode(undefined, FP, first)).toEqual({ valid: false, reason: 'none' });
    expect(matchRecoveryCode({ ...set, codes: [] }, FP, first)).toEqual({ valid: false, reason: 'none' });
  });

  it('a spent code is gone, the others stay', () => {
    const rest = withoutCode(set, 3);
    expect(rest.codes).toHaveLength(RECOVERY_CODE_COUNT - 1);
    expect(matchRecoveryCode(rest, FP, codes[3] ?? '')).toEqual({ valid: false, reason: 'wrong' });
    expect(matchRecoveryCode(rest, FP, codes[4] ?? '')).toEqual({ valid: true, index: 3 });
  });
});

describe('stored in the user record, checked by verifyCodes', () => {
  let root: string;
  let paths: ServerPaths;
  let codes: string[];
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'whm2fa-recovery-'));
    paths = serverPaths(root);
    const made = makeRecoveryCodes(FP);
    codes = made.codes;
    writeUserState(paths, 'shop1', { ...EMPTY_STATE, recovery: made.set });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const check = (code: string, at = T0): Whm2faError | undefined => {
    try {
      verifyCodes({
        paths,
        user: 'shop1',
        actor: 'reseller1',
        ip: '198.51.100.9',
        epochSeconds: at,
        checks: [{ kind: 'recovery', secret: KEY, code, field: 'recoveryCode' }],
      });
      return undefined;
    } catch (err) {
      if (err instanceof Whm2faError) return err;
      throw err;
    }
  };
  const audit = (): Array<Record<string, string>> =>
    readFileSync(paths.auditFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
  const wrongCode = (): string => {
    const first = codes[0] ?? '';
    return first.startsWith('A') ? `B${first.slice(1)}` : `A${first.slice(1)}`;
  };

  it('round-trips through the file and counts what is left for the current key only', () => {
    const state = readUserState(paths, 'shop1');
    expect(state.recovery?.codes).toHaveLength(10);
    expect(recoveryCodesLeft(state, KEY)).toBe(10);
    expect(recoveryCodesLeft(state, 'GEZDGNBVGY3TQOJQ')).toBeNull();
    expect(recoveryCodesLeft(state, undefined)).toBeNull();
    expect(recoveryCodesLeft(EMPTY_STATE, KEY)).toBeNull();
  });

  it('refuses a damaged set as damaged, never as no codes', () => {
    const file = join(paths.userStateDir, 'shop1.json');
    const good = JSON.parse(readFileSync(file, 'utf8')) as { recovery: Record<string, unknown> };
    const damaged = [
      { ...good.recovery, key: 'nothex' },
      { ...good.recovery, scrypt: { N: 3000, r: 8, p: 1 } },
      { ...good.recovery, scrypt: { N: 2 ** 20, r: 8, p: 1 } },
      { ...good.recovery, codes: [{ salt: 'AAAA', hash: 'AAAA' }] },
      { ...good.recovery, codes: 'none' },
    ];
    for (const recovery of damaged) {
      mkdirSync(paths.userStateDir, { recursive: true });
      writeFileSync(file, JSON.stringify({ ...good, recovery }));
      expect(() => readUserState(paths, 'shop1')).toThrow(StateError);
    }
  });

  it('accepts a code once: it is spent in the same write, and the failure count is reset', () => {
    expect(check(wrongCode())?.code).toBe('CODE_INVALID');
    expect(readUserState(paths, 'shop1').failures).toBe(1);
    expect(check(codes[2] ?? '')).toBeUndefined();
    const state = readUserState(paths, 'shop1');
    expect(state.failures).toBe(0);
    expect(recoveryCodesLeft(state, KEY)).toBe(9);
    const again = check(codes[2] ?? '');
    expect(again?.code).toBe('CODE_INVALID');
    expect(again?.fields).toEqual(['recoveryCode']);
    expect(readUserState(paths, 'shop1').failures).toBe(1);
  });

  it('counts wrong codes with the security codes’ counter and locks after 5, right code or not', () => {
    // A wrong security code and wrong recovery codes share one counter.
    writeUserState(paths, 'shop1', { ...readUserState(paths, 'shop1'), failures: 1 });
    for (let i = 2; i <= 4; i += 1) {
      const err = check(wrongCode());
      expect(err?.code).toBe('CODE_INVALID');
      expect(err?.message).toMatch(/recovery code is not correct/);
    }
    const fifth = check(wrongCode());
    expect(fifth?.code).toBe('CODE_INVALID');
    expect(fifth?.lockedUntil).toBe(new Date((T0 + 300) * 1000).toISOString());
    expect(check(codes[0] ?? '', T0 + 10)?.code).toBe('LOCKED');
    // A right code refused while locked is not spent.
    expect(recoveryCodesLeft(readUserState(paths, 'shop1'), KEY)).toBe(10);
    expect(check(codes[0] ?? '', T0 + 300)).toBeUndefined();
    const lines = audit();
    expect(lines.filter((l) => l['result']?.startsWith('failed: wrong recovery code'))).toHaveLength(4);
    expect(lines.find((l) => l['action'] === 'lock')).toMatchObject({ actor: 'reseller1', subject: 'shop1' });
    const text = readFileSync(paths.auditFile, 'utf8');
    for (const code of codes) expect(text).not.toContain(code.replace(/-/g, ''));
    expect(text).not.toContain(wrongCode().replace(/-/g, ''));
  });

  it('does not count a malformed code; counts a code tried when there are none for the key, up to the lock', () => {
    for (let i = 0; i < 6; i += 1) {
      const err = check('ABCD-EFGH');
      expect(err?.code).toBe('CODE_INVALID');
      expect(err?.message).toMatch(/12 letters and digits/);
    }
    writeUserState(paths, 'shop1', { ...EMPTY_STATE, failures: 0, lockCount: 0 });
    // Each try is a guess like any other: five lock verification, so they cannot flood Activity.
    for (let i = 0; i < 4; i += 1) expect(check(codes[0] ?? '')?.message).toMatch(/holds no recovery codes/);
    expect(readUserState(paths, 'shop1')).toMatchObject({ failures: 4 });
    expect(check(codes[0] ?? '')?.message).toMatch(/holds no recovery codes.*locked/s);
    expect(check(codes[0] ?? '')?.code).toBe('LOCKED');
    const lines = readFileSync(paths.auditFile, 'utf8').trim().split('\n');
    expect(lines.filter((l) => l.includes('wrong recovery code'))).toHaveLength(5);
  });
});
