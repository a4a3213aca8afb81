/**
 * A pending key's public name: the page sends it back with the code it typed, so a code
 * meant for a key that another tab has since replaced is told apart from a wrong guess
 * (and not counted as one). A truncated SHA-256 of the secret says nothing about it.
 */
import { createHash } from 'node:crypto';

/** 16 hex digits naming a pending secret; never the secret itself. */
export function pendingKeyId(secret: string): string {
  return createHash('sha256').update(`whm2fa pending key\n${secret}`).digest('hex').slice(0, 16);
}
