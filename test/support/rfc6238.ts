// The tests' own TOTP (RFC 6238 / RFC 4226 with node's crypto), independent of the
// plugin's module and of the fake cPanel's, so a test never grades code with itself.
import { createHmac } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32ToBytes(text: string): Buffer {
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of text) {
    const index = ALPHABET.indexOf(ch);
    if (index === -1) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function hotp(key: Buffer, counter: number, digits = 6, algorithm = 'sha1'): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, key).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0xf;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(code).padStart(digits, '0');
}

/** The 6-digit code for a base32 secret at a Unix time. */
export function totp(secret: string, epochSeconds: number): string {
  return hotp(base32ToBytes(secret), Math.floor(epochSeconds / 30));
}

/** The current 30-second step. */
export function stepNow(): number {
  return Math.floor(Date.now() / 1000 / 30);
}

/** The code of `secret` for a given step. */
export function codeForStep(secret: string, step: number): string {
  return totp(secret, step * 30);
}

/** A 6-digit code that is wrong for `secret` around now. */
export function wrongCodeNow(secret: string): string {
  const step = stepNow();
  const right = new Set([-2, -1, 0, 1, 2].map((d) => codeForStep(secret, step + d)));
  for (let n = 0; ; n += 1) {
    const candidate = String(n).padStart(6, '0');
    if (!right.has(candidate)) return candidate;
  }
}
