/**
 * The input rules the page and the plugin both apply, kept in one file with no imports
 * of values so the page can bundle it: the page checks as the user types, the plugin
 * checks again because it trusts nothing it is sent.
 */
import type { AuditAction } from './audit';

/** cPanel's rule for an issuer (docs/cpanel.md, "Issuers"): 1–32 of letters, digits, space, `.`, `_`, `-`. */
export const ISSUER_PATTERN = /^[A-Za-z0-9 ._-]{1,32}$/;

/** The longest issuer cPanel accepts. */
export const ISSUER_MAX_LENGTH = 32;

/** A security code as the TOTP check accepts it: exactly six digits. */
export const CODE_PATTERN = /^\d{6}$/;

/** A code as typed, with the spaces and hyphens people paste or type between digit groups removed. */
export function cleanCode(value: string): string {
  return value.replace(/[\s-]+/g, '');
}

/** Every action the audit trail records, in the order the Activity filter lists them. */
export const AUDIT_ACTIONS = Object.freeze([
  'enroll.start',
  'enroll.cancel',
  'enable',
  'replace',
  'remove',
  'admin.remove',
  'verify',
  'lock',
  'issuer.set',
  'policy.set',
  'mail',
  'account.create',
  'account.remove',
  'account.rename',
  'cpanel.change',
  'orphan.remove',
] as const satisfies readonly AuditAction[]);

// Fails to compile when audit.ts gains an action this list lacks.
type Missing = Exclude<AuditAction, (typeof AUDIT_ACTIONS)[number]>;
const _everyAction: [Missing] extends [never] ? true : Missing = true;
void _everyAction;

/** Whether `value` names an action of the audit trail. */
export function isAuditAction(value: string): value is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(value);
}
