/**
 * A short, one-way name for a key, so whm2fa can remember things about a key (the last
 * time step accepted with it; what cPanel's store held) without keeping the key itself.
 * node:crypto is loaded on first use: most requests never need it.
 */
import type * as Crypto from 'node:crypto';

let crypto: typeof Crypto | undefined;

function sha256Hex16(text: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  crypto ??= require('node:crypto') as typeof Crypto;
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** The first 16 hex digits of SHA-256 over the key, case-folded (base32 is case-blind). */
export function keyFingerprint(secret: string): string {
  return sha256Hex16(secret.toUpperCase());
}
