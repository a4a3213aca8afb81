/**
 * Per-actor rate limits, so one WHM user cannot fill the audit trail: issuer saves and
 * setup starts each take a token from the actor's own bucket (up to {@link BURST} in a row,
 * then one more every {@link REFILL_SECONDS}). A refusal is RATE_LIMITED (HTTP 429) with
 * the time to retry (`retryAfter`), and only the first refusal of each episode is recorded. The same file
 * remembers which verification lock already has its "refused: locked" entry, so attempts
 * while locked are recorded once per lock period. Kept in /var/cpanel/whm2fa/limits.json
 * (0600, under the state lock); entries that no longer matter are dropped on each write.
 */
import { join } from 'node:path';
import { Whm2faError } from './errors';
import { said, t, utcClock, type ApiMessageId } from './messages';
import { appendAuditLocked, type AuditAction } from './audit';
import { readJson, withLock, writeJsonAtomic } from './store';
import type { RequestContext } from './context';
import type { ServerPaths } from './paths';

/** How many limited actions of one kind an actor may take in a row. */
export const BURST = 60;
/** After the burst, one more is allowed every this many seconds. */
export const REFILL_SECONDS = 60;

/** The actions counted against a per-actor budget. */
export type LimitedAction = 'issuer.set' | 'enroll.start';

interface Bucket {
  tokens: number;
  /** When `tokens` was last computed (epoch seconds). */
  at: number;
  /** The refusal of the current episode is already in the audit trail. */
  noted: boolean;
}

interface Limits {
  readonly buckets: Map<string, Bucket>;
  /** user → the end of the verification lock whose refusal is already recorded. */
  readonly lockNotes: Map<string, number>;
}

function limitsFile(paths: ServerPaths): string {
  return join(paths.stateDir, 'limits.json');
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function entriesOf(value: unknown): Array<[string, unknown]> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.entries(value) : [];
}

function readLimits(paths: ServerPaths): Limits {
  // A damaged file only loosens a limit for a while: it is read as empty and rewritten.
  let value: unknown;
  try {
    value = readJson(limitsFile(paths));
  } catch {
    value = undefined;
  }
  const buckets = new Map<string, Bucket>();
  const lockNotes = new Map<string, number>();
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  for (const [key, raw] of entriesOf(v['buckets'])) {
    const b = raw as Partial<Bucket> | null;
    if (b !== null && isNumber(b.tokens) && isNumber(b.at)) {
      buckets.set(key, { tokens: b.tokens, at: b.at, noted: b.noted === true });
    }
  }
  for (const [user, until] of entriesOf(v['lockNotes'])) if (isNumber(until)) lockNotes.set(user, until);
  return { buckets, lockNotes };
}

function writeLimits(paths: ServerPaths, limits: Limits, epochSeconds: number): void {
  const buckets: Record<string, Bucket> = Object.create(null) as Record<string, Bucket>;
  for (const [key, bucket] of limits.buckets) {
    // A bucket that would be full again by now holds nothing worth keeping.
    if (refilled(bucket, epochSeconds) < BURST || bucket.noted) buckets[key] = bucket;
  }
  const lockNotes: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const [user, until] of limits.lockNotes) if (until > epochSeconds) lockNotes[user] = until;
  writeJsonAtomic(limitsFile(paths), { buckets, lockNotes });
}

function refilled(bucket: Bucket, epochSeconds: number): number {
  const elapsed = Math.max(0, epochSeconds - bucket.at);
  return Math.min(BURST, bucket.tokens + elapsed / REFILL_SECONDS);
}

/** The outcome of {@link takeToken}. */
export type TokenOutcome =
  { readonly ok: true } | { readonly ok: false; readonly retryAt: number; readonly firstRefusal: boolean };

/**
 * Takes one token of `action` from `actor`'s bucket at `epochSeconds`; the caller holds
 * the state lock. When none is left, says when the next one comes and whether this is
 * the first refusal since the actor last got through.
 */
export function takeToken(
  paths: ServerPaths,
  actor: string,
  action: LimitedAction,
  epochSeconds: number,
): TokenOutcome {
  const limits = readLimits(paths);
  const key = `${action} ${actor}`;
  const before = limits.buckets.get(key) ?? { tokens: BURST, at: epochSeconds, noted: false };
  const tokens = refilled(before, epochSeconds);
  if (tokens >= 1) {
    limits.buckets.set(key, { tokens: tokens - 1, at: epochSeconds, noted: false });
    writeLimits(paths, limits, epochSeconds);
    return { ok: true };
  }
  const retryAt = Math.ceil(epochSeconds + (1 - tokens) * REFILL_SECONDS);
  if (before.noted) return { ok: false, retryAt, firstRefusal: false };
  limits.buckets.set(key, { tokens, at: epochSeconds, noted: true });
  writeLimits(paths, limits, epochSeconds);
  return { ok: false, retryAt, firstRefusal: true };
}

/**
 * Whether the refusal of a verification for `user` during the lock ending at
 * `lockedUntil` is the first one (and so the one to record); the caller holds the state
 * lock. Later attempts in the same lock period answer false and write nothing.
 */
export function firstRefusalWhileLocked(
  paths: ServerPaths,
  user: string,
  lockedUntil: number,
  epochSeconds: number,
): boolean {
  const limits = readLimits(paths);
  if (limits.lockNotes.get(user) === lockedUntil) return false;
  limits.lockNotes.set(user, lockedUntil);
  writeLimits(paths, limits, epochSeconds);
  return true;
}

const REFUSED: Readonly<Record<LimitedAction, ApiMessageId>> = Object.freeze({
  'issuer.set': 'result.tooManyIssuerChanges',
  'enroll.start': 'result.tooManySetups',
});

/**
 * Charges one `action` to the caller; the caller holds the state lock. Throws
 * RATE_LIMITED (HTTP 429) saying when to try again; the first refusal of an episode is recorded as
 * `action` with a "refused" result before the throw.
 */
export function chargeLocked(ctx: RequestContext, action: LimitedAction): void {
  const { paths, caller, epochSeconds } = ctx;
  const taken = takeToken(paths, caller.user, action, epochSeconds);
  if (taken.ok) return;
  if (taken.firstRefusal) {
    const auditAction: AuditAction = action;
    appendAuditLocked(paths, [
      {
        epochSeconds,
        actor: caller.user,
        subject: caller.user,
        action: auditAction,
        ip: ctx.ip,
        result: said(REFUSED[action], { time: iso(taken.retryAt) }),
      },
    ]);
  }
  throw rateLimited(action, taken.retryAt);
}

/** The refusal of one `action` too many, saying when (`retryAt`, epoch seconds) to try again. */
export function rateLimited(action: LimitedAction, retryAt: number): Whm2faError {
  // Rounded up to the minute, so that "after" it is always true.
  const time = utcClock(Math.ceil(retryAt / 60) * 60);
  return new Whm2faError(
    'RATE_LIMITED',
    t(action === 'issuer.set' ? 'rate.issuerSet' : 'rate.enrollStart', { count: BURST, time }),
    { retryAfter: iso(retryAt) },
  );
}

/** {@link chargeLocked}, taking the state lock. */
export function limitRate(ctx: RequestContext, action: LimitedAction): void {
  withLock(ctx.paths.lockFile, () => chargeLocked(ctx, action));
}

function iso(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString();
}
