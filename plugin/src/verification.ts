/**
 * Every code whm2fa checks goes through here: one step of drift, each code accepted once
 * per user and key (a new device's first code is not refused because the old key was used
 * in the same 30 seconds), and 5 consecutive failures lock that user's verifications for 5 minutes,
 * doubling on each further lock up to an hour. All of it under the state lock, so
 * concurrent requests count exactly (docs/totp.md, requirements 2–4). A recovery code is
 * checked here too, with the same counter and lock, and spent in the same write.
 */
import { Whm2faError } from './errors';
import { said, t, utcClock, type Said } from './messages';
import { appendAuditLocked, type AuditInput } from './audit';
import { verifyCode } from './totp';
import {
  activeLock,
  lastStepFor,
  readUserState,
  withSteps,
  withoutExpiredPending,
  writeUserState,
  type UserState,
} from './userState';
import { keyFingerprint } from './keyFingerprint';
import { matchRecoveryCode, withoutCode } from './recoveryCodes';
import { withLock } from './store';
import { firstRefusalWhileLocked } from './rateLimit';
import type { ServerPaths } from './paths';

/** Wrong codes in a row that lock verification. */
export const MAX_FAILURES = 5;
/** The first lock's length; each further one doubles. */
export const FIRST_LOCK_SECONDS = 5 * 60;
/** The longest a lock lasts. */
export const MAX_LOCK_SECONDS = 60 * 60;

/** One code to check against one secret; `field` names the form field it came from. */
export interface CodeCheck {
  readonly secret: string;
  readonly code: string;
  /** The request parameter the code came in (e.g. `currentCode`), named back in a refusal. */
  readonly field?: string;
  /** `recovery`: `code` is one of the recovery codes made for `secret`; it is spent when it passes. */
  readonly kind?: 'totp' | 'recovery';
}

/** A verification: whose, by whom, from where, when, and the codes. */
export interface VerifyRequest {
  readonly paths: ServerPaths;
  readonly user: string;
  readonly actor: string;
  readonly ip: string;
  readonly epochSeconds: number;
  /** All must pass, each against its own secret (replacing a device proves both). */
  readonly checks: readonly CodeCheck[];
  /** Extra change to the record made in the same locked write on success. */
  readonly onSuccess?: (state: UserState) => UserState;
}

/** What the user is told while verification is locked until `until` (its time of day in UTC). */
export function lockMessage(until: number): string {
  return t('verify.locked', { time: utcClock(until) });
}

/** The length of the next lock after `lockCount` locks in a row. */
export function lockSecondsAfter(lockCount: number): number {
  return Math.min(FIRST_LOCK_SECONDS * 2 ** Math.min(lockCount, 10), MAX_LOCK_SECONDS);
}

/** A replayed code is recorded at most once in a window this long (seconds). */
const REPLAY_NOTE_SECONDS = 300;

/** Verifies the codes and records the outcome; throws a coded error when they do not pass. */
export function verifyCodes(request: VerifyRequest): void {
  const { paths, user, epochSeconds } = request;
  const audit = (action: 'verify' | 'lock', result: Said): AuditInput => ({
    epochSeconds,
    actor: request.actor,
    subject: user,
    action,
    ip: request.ip,
    result,
  });
  const outcome = withLock(paths.lockFile, (): Whm2faError | undefined => {
    // An expired setup is dropped with whatever this check writes: its secret is never
    // used again, so it does not stay on disk.
    const state = withoutExpiredPending(readUserState(paths, user), epochSeconds);
    const lockedUntil = activeLock(state, epochSeconds);
    if (lockedUntil !== undefined) {
      // Recorded once per lock period: hammering a locked account cannot flood the trail.
      if (firstRefusalWhileLocked(paths, user, lockedUntil, epochSeconds))
        appendAuditLocked(paths, [audit('verify', said('result.verifyLocked'))]);
      return new Whm2faError('LOCKED', lockMessage(lockedUntil), { lockedUntil: iso(lockedUntil) });
    }
    const accepted = new Map<string, number>();
    // Every code is checked, so a refusal names each field that was wrong; wrong codes in
    // one request count as one failure.
    const malformed: string[] = [];
    const wrong: string[] = [];
    const replayed: string[] = [];
    const none: string[] = [];
    let spent: number | undefined;
    let recoveryRefused = false;
    for (const check of request.checks) {
      const fp = keyFingerprint(check.secret);
      if (check.kind === 'recovery') {
        const match = matchRecoveryCode(state.recovery, fp, check.code);
        if (match.valid) spent = match.index;
        else {
          recoveryRefused = true;
          (match.reason === 'malformed' ? malformed : match.reason === 'none' ? none : wrong).push(
            check.field ?? 'code',
          );
        }
        continue;
      }
      const result = verifyCode({
        secret: check.secret,
        code: check.code,
        epochSeconds,
        afterTimeStep: lastStepFor(state, fp),
      });
      if (result.valid) accepted.set(fp, result.timeStep);
      // A malformed entry is a typing slip, not a guess: it is not counted.
      else if (result.reason === 'malformed') malformed.push(check.field ?? 'code');
      else if (result.reason === 'replayed') replayed.push(check.field ?? 'code');
      else wrong.push(check.field ?? 'code');
    }
    if (malformed.length > 0)
      return new Whm2faError('CODE_INVALID', recoveryRefused ? t('verify.recoveryMalformed') : t('verify.malformed'), {
        fields: malformed,
      });
    // No recovery code could pass, but one was tried: counted like any wrong code, so
    // requests of it are bounded by the lock (and cannot flood the audit trail).
    if (none.length > 0) return recordFailure(state, none, true, t('verify.recoveryNone'));
    if (wrong.length > 0) return recordFailure(state, wrong, recoveryRefused);
    if (replayed.length > 0) {
      // Not a guess (the code was right once), so not counted; recorded once per
      // REPLAY_NOTE_SECONDS, so replaying one code cannot push older entries out.
      const windowEnd = (Math.floor(epochSeconds / REPLAY_NOTE_SECONDS) + 1) * REPLAY_NOTE_SECONDS;
      if (firstRefusalWhileLocked(paths, `replay#${user}`, windowEnd, epochSeconds))
        appendAuditLocked(paths, [audit('verify', said('result.codeReused'))]);
      return new Whm2faError('CODE_REPLAYED', t('verify.replayed'), { fields: replayed });
    }
    const { lockedUntil: _lock, ...rest } = state;
    const reset: UserState = { ...rest, failures: 0, lockCount: 0 };
    // A recovery code alone accepts no time step.
    const steps = accepted.size === 0 ? reset : withSteps(reset, accepted);
    const passed: UserState =
      spent === undefined || state.recovery === undefined
        ? steps
        : { ...steps, recovery: withoutCode(state.recovery, spent) };
    writeUserState(paths, user, request.onSuccess === undefined ? passed : request.onSuccess(passed));
    return undefined;
  });
  if (outcome !== undefined) throw outcome;

  function recordFailure(
    state: UserState,
    fields: string[],
    recovery: boolean,
    told: string = recovery ? t('verify.recoveryWrong') : t('verify.wrong'),
  ): Whm2faError {
    const failures = state.failures + 1;
    const failed = (failures: number): Said =>
      said(recovery ? 'result.wrongRecoveryCode' : 'result.wrongCode', { failures, max: MAX_FAILURES });
    const message = told;
    if (failures < MAX_FAILURES) {
      writeUserState(paths, user, { ...state, failures });
      appendAuditLocked(paths, [audit('verify', failed(failures))]);
      return new Whm2faError('CODE_INVALID', message, { fields });
    }
    const lockedUntil = epochSeconds + lockSecondsAfter(state.lockCount);
    writeUserState(paths, user, { ...state, failures: 0, lockCount: state.lockCount + 1, lockedUntil });
    appendAuditLocked(paths, [
      audit('verify', failed(failures)),
      audit('lock', said('result.lockedUntil', { time: iso(lockedUntil) })),
    ]);
    return new Whm2faError('CODE_INVALID', t('join.sentences', { first: message, second: lockMessage(lockedUntil) }), {
      lockedUntil: iso(lockedUntil),
      fields,
    });
  }
}

/** An ISO 8601 time for epoch seconds. */
export function iso(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString();
}
