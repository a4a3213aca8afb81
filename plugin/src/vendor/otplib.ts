/**
 * The parts of otplib whm2fa uses, built as a file of its own and loaded on demand by
 * totp.ts. Not the `otplib` meta-package: its default crypto plugin (noble) builds SHA-512
 * tables at load time, ~8 ms of every request that checks a code.
 */
export { createGuardrails } from '@otplib/core';
export { generateSync, verifySync } from '@otplib/totp';
export { ScureBase32Plugin } from '@otplib/plugin-base32-scure';
