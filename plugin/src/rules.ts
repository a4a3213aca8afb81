/**
 * The limits whm2fa holds to, in one place: the server's checks, the page's validation
 * and the build and install scripts all read them from here (the page imports this file;
 * a test checks install.sh's copy of the minimum Node.js). It imports no values (only a
 * type), so the browser bundle can take it whole.
 */
import type { AuditAction } from './audit';

/** The oldest Node.js major version whm2fa runs on (EasyApache's ea-nodejs18 and later). */
export const MIN_NODE_MAJOR = 18;

/** Digits in a security code (RFC 6238 as authenticator apps use it). */
export const CODE_DIGITS = 6;
/** A security code as checked: exactly {@link CODE_DIGITS} digits once spaces are removed. */
export const CODE_PATTERN = new RegExp(`^\\d{${String(CODE_DIGITS)}}$`);
/** The longest code field the API accepts before normalizing ("123 456" and pasted noise). */
export const MAX_CODE_INPUT_LENGTH = 16;
/** Seconds each code is valid for (RFC 6238's default, which every app assumes). */
export const PERIOD_SECONDS = 30;

/** The longest issuer cPanel accepts (cPanel refuses longer ones). */
export const MAX_ISSUER_LENGTH = 32;
/** One character cPanel accepts in an issuer: ASCII letters, digits, space, `.`, `_`, `-`. */
const ISSUER_CHARACTER = /[A-Za-z0-9 ._-]/;
/** cPanel's rule for an issuer: 1–32 of ASCII letters, digits, space, `.`, `_`, `-`. */
export const ISSUER_PATTERN = new RegExp(`^${ISSUER_CHARACTER.source}{1,${String(MAX_ISSUER_LENGTH)}}$`);
/** The longest issuer field the API reads before trimming it. */
export const MAX_ISSUER_INPUT_LENGTH = 64;

/**
 * How long the account hook waits for its event on stdin. cPanel hands the hook the whole
 * document and waits for it with no timeout of its own (docs/cpanel.md, "Standardized
 * Hooks"), but the document may arrive in pieces, and while the hook waits, the WHM
 * operation that fired it waits too. So the hook reads for as long as bytes keep coming
 * and acts on a complete document at once, even if stdin stays open; it stops waiting
 * only after this long without a byte (far longer than a local writer pauses between
 * pieces of a document it already holds, short enough that a stuck writer stalls WHM by
 * seconds, not for good) …
 */
export const HOOK_INPUT_IDLE_MS = 10_000;
/** … or after this long in all, for a writer that trickles bytes and never finishes. */
export const HOOK_INPUT_CEILING_MS = 60_000;

/** How many recovery codes a setup or a regeneration makes. */
export const RECOVERY_CODE_COUNT = 10;
/** The page warns when this many recovery codes or fewer are left. */
export const RECOVERY_CODES_LOW = 3;
/**
 * The characters of a recovery code: 32 (5 bits each) without 0, 1, I and O, which are
 * read and typed for one another. Twelve of them make a code: 60 random bits.
 */
export const RECOVERY_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** A recovery code as checked: 12 characters of {@link RECOVERY_ALPHABET}, once cleaned. */
export const RECOVERY_CODE_PATTERN = /^[A-HJ-NP-Z2-9]{12}$/;
/** The longest recovery code field the API accepts before cleaning it ("abcd efgh jklm" and pasted noise). */
export const MAX_RECOVERY_CODE_INPUT_LENGTH = 32;

/** A recovery code as typed, upper-cased, with spaces and hyphens removed. */
export function cleanRecoveryCode(value: string): string {
  return value.replace(/[\s-]+/g, '').toUpperCase();
}

/** The longest reason an administrator may give for removing someone's 2FA. */
export const MAX_REASON_LENGTH = 500;
/** The most accounts one `users.remove` request may name. */
export const MAX_USERS_PER_REMOVE = 1000;
/** The most accounts one `users.remind` request may name. */
export const MAX_USERS_PER_REMIND = 1000;
/** At most one reminder to set up 2FA per account in this many days, whoever sends it. */
export const REMINDER_INTERVAL_DAYS = 7;
/** Accounts on one page of Manage Users (users.list). */
export const USERS_PAGE_SIZE = 25;
/** The longest text users.list searches for. */
export const MAX_USERS_SEARCH_LENGTH = 100;
/** Coverage is compared with the daily snapshot of this many days ago. */
export const COVERAGE_LOOKBACK_DAYS = 30;
/** Daily coverage snapshots older than this many days are dropped. */
export const COVERAGE_KEEP_DAYS = 40;

/** True when `issuer` (already trimmed) is one cPanel accepts. */
export function isValidIssuer(issuer: string): boolean {
  return ISSUER_PATTERN.test(issuer);
}

/** A character cPanel refuses in an issuer, as a person can recognise it even when it cannot be seen. */
export interface RefusedCharacter {
  /** `tab`, an accent on its own (`mark`), another `invisible` character, or a `visible` one. */
  readonly kind: 'tab' | 'mark' | 'invisible' | 'visible';
  readonly char: string;
  /** Its code point as `U+0301`. */
  readonly code: string;
}

/** Why cPanel refuses an issuer: too long, or the characters it does not take. */
export type IssuerProblem = { readonly length: number } | { readonly refused: readonly RefusedCharacter[] };

function refusedCharacter(c: string): RefusedCharacter {
  const code = `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  const kind = c === '\t' ? 'tab' : /\p{M}/u.test(c) ? 'mark' : /[\p{C}\p{Z}]/u.test(c) ? 'invisible' : 'visible';
  return { kind, char: c, code };
}

/**
 * Why cPanel would refuse `issuer` (already trimmed), naming each character it does not
 * take; undefined when it is accepted or empty (empty means the default). The words are
 * the catalog's (issuerWords.ts), so the page and the server say it alike in each language.
 */
export function issuerProblem(issuer: string): IssuerProblem | undefined {
  if (issuer === '' || isValidIssuer(issuer)) return undefined;
  const refused = [...new Set(Array.from(issuer).filter((c) => !ISSUER_CHARACTER.test(c)))].map(refusedCharacter);
  return refused.length === 0 ? { length: issuer.length } : { refused };
}

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
  'recovery.regenerate',
  'verify',
  'lock',
  'issuer.set',
  'policy.set',
  'config.set',
  'mail',
  'remind',
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
