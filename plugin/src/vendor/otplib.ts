/** otplib, built as its own file and loaded on demand by totp.ts. */
export { createGuardrails, generateSync, generateURI, ScureBase32Plugin, verifySync } from 'otplib';
