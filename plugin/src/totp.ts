/**
 * The TOTP rules (RFC 6238: SHA1, 6 digits, 30-second steps), and the only module that
 * uses otplib (through vendor/otplib.ts). Secrets are base32 without padding.
 *
 * otplib is loaded on demand ({@link loadTotp}), only to check and make codes: most
 * requests never touch a code, and each CGI request is a new process
 * (docs/decisions/lazy-vendor-bundles.md). Making a secret and its key URI needs no
 * otplib: base32 and the URI's format are a few lines here, checked against otplib's
 * own output by the unit tests.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { CODE_DIGITS, CODE_PATTERN, cleanCode, PERIOD_SECONDS } from './rules';
import type * as Otplib from './vendor/otplib';
import type * as OtplibCrypto from './vendor/otplib-crypto';

/** 20 bytes = 160 bits, as RFC 4226 recommends; cPanel's own are 10 bytes. */
const NEW_SECRET_BYTES = 20;

interface Loaded {
  readonly lib: typeof Otplib;
  readonly base32: InstanceType<typeof Otplib.ScureBase32Plugin>;
  readonly guardrails: ReturnType<typeof Otplib.createGuardrails>;
  readonly crypto: InstanceType<typeof OtplibCrypto.NodeCryptoPlugin>;
}
let loaded: Loaded | undefined;

/** Loads otplib and its node:crypto HMAC, which checking and making codes need. */
export async function loadTotp(): Promise<void> {
  if (loaded !== undefined) return;
  const lib = await import('./vendor/otplib');
  const { NodeCryptoPlugin } = await import('./vendor/otplib-crypto');
  loaded = {
    lib,
    base32: new lib.ScureBase32Plugin(),
    // cPanel's existing 80-bit secrets must still verify, so the floor is 10 bytes.
    guardrails: lib.createGuardrails({ MIN_SECRET_BYTES: 10 }),
    crypto: new NodeCryptoPlugin(),
  };
}

function otplib(): Loaded {
  if (loaded === undefined) throw new TypeError('await loadTotp() before checking or making codes');
  return loaded;
}

const BASE32 = /^[A-Z2-7]+$/;

/** The outcome of one code check: the step it matched, or why it was refused. */
export type VerifyResult =
  | { readonly valid: true; readonly timeStep: number }
  | { readonly valid: false; readonly reason: 'malformed' | 'wrong' | 'replayed' };

/** A new 160-bit secret from the kernel's cryptographic RNG, as base32 without padding. */
export function newSecret(): string {
  return base32(randomBytes(NEW_SECRET_BYTES));
}

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without `=` padding, as key URIs carry secrets. */
export function base32(bytes: Uint8Array): string {
  let text = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      text += BASE32_ALPHABET.charAt((buffer >>> bits) & 31);
    }
  }
  if (bits > 0) text += BASE32_ALPHABET.charAt((buffer << (5 - bits)) & 31);
  return text;
}

/** The kernel's cryptographic RNG, the same one node:crypto draws on. */
const RANDOM_DEVICE = '/dev/urandom';

/**
 * `count` bytes from `device` (the kernel's RNG), read directly because loading
 * node:crypto and its streams costs a CGI ~8 ms; node:crypto is the fallback when the
 * device cannot be opened or gives fewer bytes.
 */
export function randomBytes(count: number, device = RANDOM_DEVICE): Uint8Array {
  const bytes = Buffer.alloc(count);
  let fd: number | undefined;
  try {
    fd = openSync(device, 'r');
    let filled = 0;
    while (filled < count) {
      const n = readSync(fd, bytes, filled, count - filled, null);
      if (n <= 0) throw new Error('short read');
      filled += n;
    }
    return bytes;
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('node:crypto') as typeof import('node:crypto')).randomBytes(count);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** True when `secret` is base32 that decodes to at least 10 bytes (cPanel's smallest). */
export function isUsableSecret(secret: string): boolean {
  if (!BASE32.test(secret)) return false;
  const bytes = Math.floor((secret.length * 5) / 8);
  return bytes >= 10;
}

/** The step number of a Unix time. Plain number maths: safe far beyond 2038. */
export function timeStepOf(epochSeconds: number): number {
  return Math.floor(epochSeconds / PERIOD_SECONDS);
}

/**
 * Checks `code` against `secret` at `epochSeconds`, accepting one step of drift either
 * way. A code whose step is at or below `afterTimeStep` (the last one accepted for this
 * user) is a replay and is refused.
 */
export function verifyCode(options: {
  secret: string;
  code: string;
  epochSeconds: number;
  afterTimeStep?: number | undefined;
}): VerifyResult {
  const code = cleanCode(options.code);
  if (!CODE_PATTERN.test(code) || !isUsableSecret(options.secret)) return { valid: false, reason: 'malformed' };
  let result: { valid: boolean; timeStep?: number };
  try {
    // Replays are judged below rather than with otplib's afterTimeStep, which cannot tell
    // a replay from a wrong code and throws when the step is beyond the window.
    const { lib, guardrails, crypto, base32 } = otplib();
    result = lib.verifySync({
      crypto,
      base32,
      secret: options.secret,
      token: code,
      epoch: options.epochSeconds,
      epochTolerance: PERIOD_SECONDS,
      guardrails,
    });
  } catch {
    return { valid: false, reason: 'malformed' };
  }
  if (!result.valid || result.timeStep === undefined) return { valid: false, reason: 'wrong' };
  if (options.afterTimeStep !== undefined && result.timeStep <= options.afterTimeStep) {
    return { valid: false, reason: 'replayed' };
  }
  return { valid: true, timeStep: result.timeStep };
}

/** The HMAC algorithms RFC 6238 defines (whm2fa itself uses SHA1). */
export type Algorithm = 'sha1' | 'sha256' | 'sha512';

/**
 * The code an authenticator shows for `secret` at `epochSeconds` (cPanel's save call
 * wants one). whm2fa itself only uses SHA1 and 6 digits; the options exist so the RFC
 * 6238 vectors for every algorithm can be checked.
 */
export function codeAt(
  secret: string,
  epochSeconds: number,
  options: { algorithm?: Algorithm; digits?: 6 | 8 } = {},
): string {
  const { lib, guardrails, crypto, base32 } = otplib();
  return lib.generateSync({
    crypto,
    base32,
    secret,
    epoch: epochSeconds,
    guardrails,
    algorithm: options.algorithm ?? 'sha1',
    digits: options.digits ?? CODE_DIGITS,
  });
}

/**
 * The key URI authenticator apps scan: `otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=…`,
 * percent-encoded (space → %20), defaults (SHA1/6/30) left out because several apps
 * ignore them anyway. With no issuer, the label is the account alone.
 */
export function keyUri(options: { issuer: string; account: string; secret: string }): string {
  const { issuer, account, secret } = options;
  if (issuer.includes(':') || account.includes(':')) {
    throw new TypeError('issuer and account may not contain ":"');
  }
  const label =
    issuer === '' ? encodeURIComponent(account) : `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const query = `secret=${encodeURIComponent(secret)}${issuer === '' ? '' : `&issuer=${encodeURIComponent(issuer)}`}`;
  return `otpauth://totp/${label}?${query}`;
}
