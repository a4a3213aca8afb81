/**
 * Recovery codes: ten single-use codes made when a user sets up 2FA (or asks for new
 * ones), shown once, and kept only as slow salted hashes (docs/decisions/recovery-codes.md).
 * A code is 12 characters of an alphabet without look-alikes, 60 random bits from
 * node:crypto's CSPRNG, shown as `XXXX-XXXX-XXXX`. Each is hashed with scrypt and a salt
 * of its own. node:crypto is loaded on first use: most requests never need it.
 */
import type * as Crypto from 'node:crypto';
import { RECOVERY_ALPHABET, RECOVERY_CODE_COUNT, RECOVERY_CODE_PATTERN, cleanRecoveryCode } from './rules';

let crypto: typeof Crypto | undefined;
function nodeCrypto(): typeof Crypto {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  crypto ??= require('node:crypto') as typeof Crypto;
  return crypto;
}

/**
 * scrypt's cost: N = 2^11 and r = 8 take 2 MiB and about 3 ms a hash, so the ten hashes
 * of a setup or of a check stay near 35 ms of a CGI request (measured: the decision note).
 */
export const SCRYPT_PARAMS = Object.freeze({ N: 2048, r: 8, p: 1 });
/** Bytes of each code's salt and of its hash. */
const SALT_BYTES = 16;
const HASH_BYTES = 32;

/** The scrypt cost a set of hashes was made with (kept with them, so a later change reads old sets). */
export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** One stored code: its salt and scrypt hash, base64. */
export interface StoredCode {
  readonly salt: string;
  readonly hash: string;
}

/** The codes whm2fa holds for a user: for which key (its fingerprint), with what cost, the unspent hashes. */
export interface RecoverySet {
  readonly key: string;
  readonly scrypt: ScryptParams;
  readonly codes: readonly StoredCode[];
}

/** `ABCDEFGHJKLM` as `ABCD-EFGH-JKLM`. */
export function formatRecoveryCode(clean: string): string {
  return clean.replace(/(.{4})(?=.)/g, '$1-');
}

/** One new code, clean (12 characters): each byte's low 5 bits pick a character, so all 32 are equally likely. */
export function newRecoveryCode(): string {
  const bytes = nodeCrypto().randomBytes(12);
  let code = '';
  for (const byte of bytes) code += RECOVERY_ALPHABET[byte & 31] ?? '';
  return code;
}

function hashOf(clean: string, salt: Buffer, params: ScryptParams): Buffer {
  return nodeCrypto().scryptSync(clean, salt, HASH_BYTES, { ...params, maxmem: 64 * 1024 * 1024 });
}

/**
 * Ten new codes for the key with fingerprint `key`: the codes to show once (formatted)
 * and the set to store (hashes only).
 */
export function makeRecoveryCodes(key: string): { codes: string[]; set: RecoverySet } {
  const params = SCRYPT_PARAMS;
  const clean = new Set<string>();
  while (clean.size < RECOVERY_CODE_COUNT) clean.add(newRecoveryCode());
  const codes = [...clean];
  const stored = codes.map((code) => {
    const salt = nodeCrypto().randomBytes(SALT_BYTES);
    return { salt: salt.toString('base64'), hash: hashOf(code, salt, params).toString('base64') };
  });
  return { codes: codes.map(formatRecoveryCode), set: { key, scrypt: { ...params }, codes: stored } };
}

/** What checking a typed code against a set found. */
export type RecoveryMatch =
  | { readonly valid: true; readonly index: number }
  | { readonly valid: false; readonly reason: 'malformed' | 'none' | 'wrong' };

/**
 * Which of `set`'s codes `input` is, for the key of fingerprint `key`. `malformed`: not 12
 * characters of the alphabet (a typing slip, nothing hashed); `none`: whm2fa holds no
 * code for that key; `wrong`: no code matches. Every stored code is hashed, so the time
 * taken does not tell which one matched.
 */
export function matchRecoveryCode(set: RecoverySet | undefined, key: string, input: string): RecoveryMatch {
  const clean = cleanRecoveryCode(input);
  if (!RECOVERY_CODE_PATTERN.test(clean)) return { valid: false, reason: 'malformed' };
  if (set === undefined || set.key !== key || set.codes.length === 0) return { valid: false, reason: 'none' };
  let found = -1;
  set.codes.forEach((stored, index) => {
    const expected = Buffer.from(stored.hash, 'base64');
    const actual = hashOf(clean, Buffer.from(stored.salt, 'base64'), set.scrypt);
    if (expected.length === actual.length && nodeCrypto().timingSafeEqual(expected, actual) && found === -1)
      found = index;
  });
  return found === -1 ? { valid: false, reason: 'wrong' } : { valid: true, index: found };
}

/** The set without the code at `index` (spent). */
export function withoutCode(set: RecoverySet, index: number): RecoverySet {
  return { ...set, codes: set.codes.filter((_, i) => i !== index) };
}
