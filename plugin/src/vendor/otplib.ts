/** otplib, built as its own file and loaded on demand by totp.ts. */
export { createGuardrails, generateSecret, generateSync, generateURI, verifySync } from 'otplib';
