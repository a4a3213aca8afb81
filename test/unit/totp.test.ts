import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScureBase32Plugin } from '@otplib/plugin-base32-scure';
import { generateTOTP } from '@otplib/uri';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  base32,
  codeAt,
  randomBytes as deviceBytes,
  isUsableSecret,
  keyUri,
  loadTotp,
  newSecret,
  timeStepOf,
  verifyCode,
} from '../../plugin/src/totp';
import { cleanCode } from '../../plugin/src/rules';
import { base32ToBytes, hotp, totp } from '../support/rfc6238';
import {
  RFC4226,
  RFC6238,
  SEED_SHA1,
  SEED_SHA256,
  SEED_SHA512,
  SHA1_SECRET_BASE32,
  toBase32,
} from '../support/vectors';

beforeAll(loadTotp);

const secrets = {
  sha1: toBase32(Buffer.from(SEED_SHA1)),
  sha256: toBase32(Buffer.from(SEED_SHA256)),
  sha512: toBase32(Buffer.from(SEED_SHA512)),
} as const;

describe('RFC 6238 Appendix B: all 18 vectors', () => {
  it('uses the documented base32 seed', () => {
    expect(secrets.sha1).toBe(SHA1_SECRET_BASE32);
  });
  for (const row of RFC6238) {
    for (const algorithm of ['sha1', 'sha256', 'sha512'] as const) {
      it(`${algorithm} at ${String(row.time)} is ${row[algorithm]}`, () => {
        expect(codeAt(secrets[algorithm], row.time, { algorithm, digits: 8 })).toBe(row[algorithm]);
        // The six-digit code is the last six digits; the test's own RFC code agrees.
        expect(codeAt(secrets[algorithm], row.time, { algorithm })).toBe(row[algorithm].slice(2));
        expect(hotp(base32ToBytes(secrets[algorithm]), Math.floor(row.time / 30), 8, algorithm)).toBe(row[algorithm]);
      });
    }
  }
});

describe('RFC 4226 Appendix D', () => {
  RFC4226.forEach((expected, counter) => {
    it(`counter ${String(counter)} is ${expected}`, () => {
      // A TOTP at time counter*30 is the HOTP of that counter.
      expect(codeAt(SHA1_SECRET_BASE32, counter * 30)).toBe(expected);
      expect(verifyCode({ secret: SHA1_SECRET_BASE32, code: expected, epochSeconds: counter * 30 + 29 })).toEqual({
        valid: true,
        timeStep: counter,
      });
    });
  });
});

describe('verifyCode', () => {
  const secret = SHA1_SECRET_BASE32;
  const t = 1_700_000_015; // inside step 56666667
  const step = timeStepOf(t);

  it('accepts the previous, current and next step and nothing further', () => {
    for (const delta of [-1, 0, 1]) {
      const code = totp(secret, (step + delta) * 30);
      expect(verifyCode({ secret, code, epochSeconds: t })).toEqual({ valid: true, timeStep: step + delta });
    }
    for (const delta of [-2, 2]) {
      const code = totp(secret, (step + delta) * 30);
      expect(verifyCode({ secret, code, epochSeconds: t })).toEqual({ valid: false, reason: 'wrong' });
    }
  });

  it('judges the window at the exact edges of a step', () => {
    const startOfStep = step * 30;
    const code = totp(secret, (step - 1) * 30);
    expect(verifyCode({ secret, code, epochSeconds: startOfStep }).valid).toBe(true);
    expect(verifyCode({ secret, code, epochSeconds: startOfStep + 29 }).valid).toBe(true);
    expect(verifyCode({ secret, code, epochSeconds: startOfStep + 30 })).toEqual({ valid: false, reason: 'wrong' });
  });

  it('refuses a code at or below the last accepted step as a replay', () => {
    const code = totp(secret, t);
    expect(verifyCode({ secret, code, epochSeconds: t, afterTimeStep: step })).toEqual({
      valid: false,
      reason: 'replayed',
    });
    expect(verifyCode({ secret, code, epochSeconds: t, afterTimeStep: step + 1 })).toEqual({
      valid: false,
      reason: 'replayed',
    });
    expect(verifyCode({ secret, code, epochSeconds: t, afterTimeStep: step - 1 })).toEqual({
      valid: true,
      timeStep: step,
    });
  });

  it('works after 2038 (no 32-bit time arithmetic)', () => {
    const later = 20_000_000_000;
    const code = totp(secret, later);
    expect(verifyCode({ secret, code, epochSeconds: later })).toEqual({
      valid: true,
      timeStep: Math.floor(later / 30),
    });
    expect(verifyCode({ secret, code, epochSeconds: 2 ** 31 + 100 })).toEqual({ valid: false, reason: 'wrong' });
  });

  it('verifies cPanel 80-bit secrets', () => {
    const cpanel80 = toBase32(Buffer.from('0123456789'));
    expect(cpanel80).toHaveLength(16);
    expect(verifyCode({ secret: cpanel80, code: totp(cpanel80, t), epochSeconds: t })).toEqual({
      valid: true,
      timeStep: step,
    });
  });

  it('calls malformed input malformed instead of throwing', () => {
    for (const code of ['', '12345', '1234567', 'abcdef', '12 34 5x', '１２３４５６']) {
      expect(verifyCode({ secret, code, epochSeconds: t })).toEqual({ valid: false, reason: 'malformed' });
    }
    expect(verifyCode({ secret: 'not base32!', code: '123456', epochSeconds: t })).toEqual({
      valid: false,
      reason: 'malformed',
    });
    expect(verifyCode({ secret: 'GEZDGNBV', code: '123456', epochSeconds: t })).toEqual({
      valid: false,
      reason: 'malformed',
    });
  });

  it('ignores spaces and hyphens typed or pasted inside a code, by the one rule the page also uses', () => {
    const code = totp(secret, t);
    expect(cleanCode(` ${code.slice(0, 3)} ${code.slice(3)} `)).toBe(code);
    expect(cleanCode(`${code.slice(0, 3)}-${code.slice(3)}\t`)).toBe(code);
    expect(verifyCode({ secret, code: `${code.slice(0, 3)} ${code.slice(3)}`, epochSeconds: t }).valid).toBe(true);
    expect(verifyCode({ secret, code: `${code.slice(0, 3)}-${code.slice(3)}`, epochSeconds: t }).valid).toBe(true);
  });
});

describe('secrets and key URIs', () => {
  it('makes 160-bit base32 secrets that differ each time', () => {
    const a = newSecret();
    const b = newSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32ToBytes(a)).toHaveLength(20);
    expect(a).not.toBe(b);
    expect(isUsableSecret(a)).toBe(true);
  });

  it('builds the key URI with %20 for spaces, equal issuers and no defaults', () => {
    const uri = keyUri({ issuer: 'My Host', account: 'reseller1', secret: SHA1_SECRET_BASE32 });
    expect(uri).toBe(`otpauth://totp/My%20Host:reseller1?secret=${SHA1_SECRET_BASE32}&issuer=My%20Host`);
    expect(uri).not.toMatch(/algorithm|digits|period|\+|=$/);
  });

  it('refuses a colon in the issuer or account', () => {
    expect(() => keyUri({ issuer: 'a:b', account: 'x', secret: SHA1_SECRET_BASE32 })).toThrow(TypeError);
    expect(() => keyUri({ issuer: 'a', account: 'x:y', secret: SHA1_SECRET_BASE32 })).toThrow(TypeError);
    expect(() => keyUri({ issuer: 'a', account: 'x:y', secret: SHA1_SECRET_BASE32 })).toThrow(
      'issuer and account may not contain ":"',
    );
  });
});

describe('base32 and key URIs agree with otplib, which whm2fa no longer loads to make them', () => {
  it("encodes every length from 0 to 40 bytes as otplib's base32 does, without padding", () => {
    const scure = new ScureBase32Plugin();
    for (let length = 0; length <= 40; length += 1) {
      const bytes = randomBytes(length);
      expect(base32(bytes)).toBe(scure.encode(bytes, { padding: false }));
    }
    expect(base32(Buffer.from(SEED_SHA1))).toBe(SHA1_SECRET_BASE32);
    expect(base32(new Uint8Array([0xff]))).toBe('74');
  });

  it('formats key URIs exactly as otplib does, also with no issuer and with characters to escape', () => {
    const cases = [
      { issuer: 'My Host', account: 'reseller1' },
      { issuer: 'host.example.com', account: 'a_b-c.d' },
      { issuer: 'Émile & Co/?#', account: 'x y' },
      { issuer: '', account: 'reseller1' },
    ];
    for (const { issuer, account } of cases) {
      expect(keyUri({ issuer, account, secret: SHA1_SECRET_BASE32 })).toBe(
        generateTOTP({ issuer, label: account, secret: SHA1_SECRET_BASE32 }),
      );
    }
    expect(keyUri({ issuer: '', account: 'r1', secret: 'ABCD' })).toBe('otpauth://totp/r1?secret=ABCD');
  });
});

describe('random bytes from the kernel, with node:crypto as the fallback', () => {
  const dir = mkdtempSync(join(tmpdir(), 'whm2fa-random-'));
  const device = join(dir, 'device');
  const short = join(dir, 'short');
  writeFileSync(device, Buffer.from(Array.from({ length: 40 }, (_, i) => i + 1)));
  writeFileSync(short, Buffer.from([9, 9, 9]));

  it('reads exactly the bytes asked for from the device', () => {
    expect([...deviceBytes(20, device)]).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(deviceBytes(0, device)).toHaveLength(0);
  });

  it('closes the device every time', () => {
    const open = readdirSync('/proc/self/fd').length;
    for (let i = 0; i < 50; i += 1) deviceBytes(4, device);
    expect(readdirSync('/proc/self/fd').length).toBe(open);
  });

  it('falls back when the device gives too few bytes or cannot be opened', () => {
    const fromShort = deviceBytes(20, short);
    expect(fromShort).toHaveLength(20);
    expect([...fromShort.subarray(0, 3)]).not.toEqual([9, 9, 9]);
    const fromNothing = deviceBytes(20, join(dir, 'missing'));
    expect(fromNothing).toHaveLength(20);
    expect(new Set(fromNothing).size).toBeGreaterThan(4);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('what counts as usable input', () => {
  it('a secret must be base32 of at least 10 bytes (16 characters)', () => {
    expect(isUsableSecret('A'.repeat(16))).toBe(true);
    expect(isUsableSecret('A'.repeat(15))).toBe(false);
    expect(isUsableSecret('a'.repeat(32))).toBe(false);
    expect(isUsableSecret(`${'A'.repeat(16)}1`)).toBe(false);
    expect(isUsableSecret(`${'A'.repeat(16)}=`)).toBe(false);
    expect(isUsableSecret('')).toBe(false);
    expect(isUsableSecret(`x${'A'.repeat(16)}`)).toBe(false);
  });

  it('a secret whose length base32 cannot end on is "malformed" (otplib refuses it)', () => {
    const t = 1_800_000_000;
    expect(isUsableSecret('A'.repeat(17))).toBe(true);
    expect(verifyCode({ secret: 'A'.repeat(17), code: '123456', epochSeconds: t })).toEqual({
      valid: false,
      reason: 'malformed',
    });
  });

  it('a malformed code or an unusable secret is "malformed", not "wrong"', () => {
    const t = 1_800_000_000;
    const good = codeAt(SHA1_SECRET_BASE32, t);
    expect(verifyCode({ secret: SHA1_SECRET_BASE32, code: good, epochSeconds: t }).valid).toBe(true);
    expect(verifyCode({ secret: 'A'.repeat(15), code: good, epochSeconds: t })).toEqual({
      valid: false,
      reason: 'malformed',
    });
    expect(verifyCode({ secret: 'not base32!', code: good, epochSeconds: t })).toEqual({
      valid: false,
      reason: 'malformed',
    });
    for (const code of [good.slice(1), `${good}0`, 'abcdef', ''])
      expect(verifyCode({ secret: SHA1_SECRET_BASE32, code, epochSeconds: t })).toEqual({
        valid: false,
        reason: 'malformed',
      });
  });

  it('checking or making a code before loadTotp is our own misuse: a TypeError', async () => {
    vi.resetModules();
    const fresh = await import('../../plugin/src/totp');
    expect(() => fresh.codeAt(SHA1_SECRET_BASE32, 0)).toThrow(TypeError);
    expect(() => fresh.codeAt(SHA1_SECRET_BASE32, 0)).toThrow('await loadTotp() before checking or making codes');
    await fresh.loadTotp();
    await fresh.loadTotp();
    expect(fresh.codeAt(SHA1_SECRET_BASE32, 59)).toBe(RFC6238[0]?.sha1.slice(2));
  });
});
