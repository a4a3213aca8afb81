/**
 * Turning 2FA off: by the user with a current code, or by root / the owning reseller for
 * accounts it manages (the lost-device path: a reason is required, recorded and mailed,
 * unless the user gave them one of their recovery codes, which confirms who asked).
 * Whatever cPanel's tool answers, its store is read back: the answer, the audit entry and
 * the email follow what the store holds. Removing 2FA drops the recovery codes.
 */
import { Whm2faError, badRequest, cpanelFailed } from './errors';
import { appendAudit, appendAuditLocked, type AuditInput } from './audit';
import { assertCanManage } from './access';
import { readSecrets, secretOf } from './cpanelState';
import { CpanelCallError, type CpanelBridge, type RemoveOutcome } from './cpanel';
import { notify } from './notice';
import { readUserState, withoutRecovery, writeUserState } from './userState';
import { verifyCodes } from './verification';
import { loadTotp } from './totp';
import { bestEffort, withLock } from './store';
import { rememberKeysLocked } from './reconcile';
import { MAX_REASON_LENGTH } from './rules';
import { cleanUserText } from './userText';
import { said, t, tell, type Said } from './messages';
import type { RequestContext } from './context';
import type { ServerPaths } from './paths';

function notEnabled(): Whm2faError {
  return new Whm2faError('NOT_ENABLED', t('removal.notEnabled'));
}

/** What a removal call did, per user, from cPanel's store read back. */
export interface RemovalReadBack {
  /** Users whose key is gone from the store. */
  readonly gone: readonly string[];
  /** Users whose key is still there, with the reason (cPanel's, or what happened to its tool). */
  readonly kept: ReadonlyMap<string, string>;
  /** What went wrong with the call itself, if anything (for the audit trail). */
  readonly callProblem?: string;
}

/** The reason recorded when cPanel kept a key without saying why (the caller is told it in their language). */
const KEPT_KEY = 'cPanel kept the key.';

/** A kept key's reason as the caller reads it: cPanel's own words, or ours for "kept without a word". */
function keptReason(why: string): string {
  return why === KEPT_KEY ? t('removal.keptKey') : why;
}

/**
 * Asks cPanel to remove the keys of `users`, then reads the store back. A tool that dies,
 * hangs or garbles its answer after doing the work is judged by the store alone.
 */
export function removeAndReadBack(
  ctx: { paths: ServerPaths; cpanel: CpanelBridge },
  users: readonly string[],
): RemovalReadBack {
  let outcome: RemoveOutcome | undefined;
  let callProblem: string | undefined;
  try {
    outcome = ctx.cpanel.removeSecrets(users);
  } catch (err) {
    if (!(err instanceof CpanelCallError)) throw err;
    callProblem = err.reason;
  }
  const after = readSecrets(ctx.paths);
  const gone: string[] = [];
  const kept = new Map<string, string>();
  for (const user of users) {
    if (!after.has(user)) gone.push(user);
    else kept.set(user, outcome?.failed.get(user) ?? callProblem ?? KEPT_KEY);
  }
  return callProblem === undefined ? { gone, kept } : { gone, kept, callProblem };
}

/** The caller turns off its own 2FA, proving the current device first. */
export async function removeOwn(ctx: RequestContext, code: string): Promise<{ warning?: string }> {
  const { paths, caller, epochSeconds } = ctx;
  await loadTotp();
  const user = caller.user;
  const secret = secretOf(paths, user);
  if (secret === undefined) throw notEnabled();
  verifyCodes({ paths, user, actor: user, ip: ctx.ip, epochSeconds, checks: [{ secret, code }] });
  const readBack = removeAndReadBack(ctx, [user]);
  const entry = (result: string | Said): AuditInput => ({
    epochSeconds,
    actor: user,
    subject: user,
    action: 'remove',
    ip: ctx.ip,
    result,
  });
  if (!readBack.gone.includes(user)) {
    const reason = readBack.kept.get(user) ?? '';
    appendAudit(paths, entry(`failed: ${reason}`));
    throw cpanelFailed(t('removal.ownNotRemoved', { reason: keptReason(reason) }));
  }
  const recorded = bestEffort(() =>
    withLock(paths.lockFile, () => {
      writeUserState(paths, user, withoutRecovery(readUserState(paths, user)));
      rememberKeysLocked(paths, new Map([[user, undefined]]));
      const note =
        readBack.callProblem === undefined ? '' : `: cPanel reported ${readBack.callProblem}, but the key is gone`;
      appendAuditLocked(paths, [entry(note === '' ? said('result.ok') : `ok${note}`)]);
    }),
  );
  notify(paths, { kind: 'removed', user, actor: user, ip: ctx.ip, epochSeconds });
  return recorded ? {} : { warning: t('removal.ownOffNotRecorded') };
}

/** What an administrator's removal did, per account, and whether each removed account was emailed. */
export interface AdminRemoveOutcome {
  readonly removed: string[];
  readonly failed: Record<string, string>;
  /** Removed accounts whose email sendmail took. */
  readonly mailed: string[];
  /** Removed accounts that were not emailed, with why (no contact address, sendmail failed). */
  readonly notMailed: Record<string, string>;
  readonly warning?: string;
}

/** Checks a reason typed by an administrator. */
export function validReason(input: string): string {
  const reason = optionalReason(input);
  if (reason === undefined) throw badRequest(t('removal.reasonRequired'));
  return reason;
}

/** A reason that may be left out (with a recovery code): undefined when empty. */
function optionalReason(input: string | undefined): string | undefined {
  const reason = cleanUserText(input ?? '').trim();
  if (reason.length > MAX_REASON_LENGTH) throw badRequest(t('removal.reasonTooLong', { count: MAX_REASON_LENGTH }));
  return reason === '' ? undefined : reason;
}

/** What an administrator's removal records about who asked for it. */
const CONFIRMED = said('result.confirmed');
const NOT_CONFIRMED = said('result.notConfirmed');

/** Options of an administrator's removal. */
export interface AdminRemoveOptions {
  /** Root at the server's command line only: over SSH, root's own lost device is recovered this way. */
  readonly allowSelf?: boolean;
  /**
   * One of the account's recovery codes, given by its holder (one account only): checked
   * and counted like a security code, spent, and the removal recorded as confirmed. The
   * reason may then be left out.
   */
  readonly recoveryCode?: string | undefined;
}

/**
 * Root or a reseller removes 2FA from accounts it manages. Every target is checked
 * before anything changes; the users cPanel could not serve are reported one by one.
 * A recovery code is checked only once the caller may manage the account, and spent
 * before cPanel is asked: it was told to someone, so it is not used again whatever
 * cPanel answers.
 */
export function removeForUsers(
  ctx: RequestContext,
  users: readonly string[],
  reasonInput: string | undefined,
  options: AdminRemoveOptions = {},
): AdminRemoveOutcome {
  const { paths, caller, epochSeconds } = ctx;
  const recoveryCode = options.recoveryCode?.trim() === '' ? undefined : options.recoveryCode;
  if (recoveryCode !== undefined && new Set(users).size !== 1) throw badRequest(t('removal.recoveryCodeOneAccount'));
  const reason = recoveryCode === undefined ? validReason(reasonInput ?? '') : optionalReason(reasonInput);
  assertCanManage(paths, caller, users, options);
  const secrets = readSecrets(paths);
  const confirmed = recoveryCode !== undefined && users[0] !== undefined && secrets.has(users[0]);
  if (recoveryCode !== undefined && users[0] !== undefined) {
    const secret = secrets.get(users[0]);
    // Without 2FA there is nothing to confirm: the account is reported below, as without a code.
    if (secret !== undefined) {
      verifyCodes({
        paths,
        user: users[0],
        actor: caller.user,
        ip: ctx.ip,
        epochSeconds,
        checks: [{ kind: 'recovery', secret, code: recoveryCode, field: 'recoveryCode' }],
      });
    }
  }
  // The failed map is keyed by account names: a null prototype keeps "constructor" plain.
  const failed = Object.create(null) as Record<string, string>;
  const targets: string[] = [];
  for (const user of new Set(users)) {
    if (secrets.has(user)) targets.push(user);
    else failed[user] = t('removal.notEnabled');
  }
  const readBack =
    targets.length === 0 ? { gone: [], kept: new Map<string, string>() } : removeAndReadBack(ctx, targets);
  const removed = [...readBack.gone];
  for (const [user, why] of readBack.kept) failed[user] = keptReason(why);
  const entries: AuditInput[] = targets.map((user) => ({
    epochSeconds,
    actor: caller.user,
    subject: user,
    action: 'admin.remove',
    ip: ctx.ip,
    result: removed.includes(user)
      ? confirmed
        ? CONFIRMED
        : NOT_CONFIRMED
      : `failed: ${readBack.kept.get(user) ?? ''}`,
    ...(reason === undefined ? {} : { reason }),
  }));
  // A lost-device removal also clears the user's lock and pending setup, so they can start over.
  const recorded = bestEffort(() =>
    withLock(paths.lockFile, () => {
      for (const user of removed) {
        const { pending: _p, lockedUntil: _l, recovery: _r, ...rest } = readUserState(paths, user);
        writeUserState(paths, user, {
          ...rest,
          failures: 0,
          lockCount: 0,
          adminRemoval: { by: caller.user, at: epochSeconds, reason: reason ?? '' },
        });
      }
      rememberKeysLocked(paths, new Map(removed.map((user) => [user, undefined])));
      appendAuditLocked(paths, entries);
    }),
  );
  const mailed: string[] = [];
  const notMailed = Object.create(null) as Record<string, string>;
  for (const user of removed) {
    const problem = notify(paths, {
      kind: 'removed-by-admin',
      user,
      actor: caller.user,
      ip: ctx.ip,
      epochSeconds,
      ...(reason === undefined ? {} : { reason }),
      identity: confirmed ? 'recovery-code' : 'not-confirmed',
    });
    if (problem === undefined) mailed.push(user);
    else notMailed[user] = tell(problem);
  }
  const outcome = { removed, failed: { ...failed }, mailed, notMailed: { ...notMailed } };
  return recorded ? outcome : { ...outcome, warning: t('records.notUpdated') };
}
