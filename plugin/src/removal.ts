/**
 * Turning 2FA off: by the user with a current code, or by root / the owning reseller for
 * accounts it manages (the lost-device path: a reason is required, recorded and mailed).
 */
import { Whm2faError, badRequest } from './errors';
import { appendAudit, type AuditInput } from './audit';
import { assertCanManage } from './access';
import { readSecrets, secretOf } from './cpanelState';
import { notify } from './notice';
import { readUserState, writeUserState } from './userState';
import { verifyCodes } from './verification';
import { loadTotp } from './totp';
import { withLock } from './store';
import { MAX_REASON_LENGTH } from './rules';
import type { RequestContext } from './context';

function notEnabled(): Whm2faError {
  return new Whm2faError('NOT_ENABLED', 'Two-factor authentication is not turned on for this account.');
}

/** The caller turns off its own 2FA, proving the current device first. */
export async function removeOwn(ctx: RequestContext, code: string): Promise<void> {
  const { paths, caller, epochSeconds } = ctx;
  await loadTotp();
  const user = caller.user;
  const secret = secretOf(paths, user);
  if (secret === undefined) throw notEnabled();
  verifyCodes({ paths, user, actor: user, ip: ctx.ip, epochSeconds, checks: [{ secret, code }] });
  const outcome = ctx.cpanel.removeSecrets([user]);
  if (!outcome.removed.includes(user) && secretOf(paths, user) !== undefined) {
    appendAudit(paths, {
      epochSeconds,
      actor: user,
      subject: user,
      action: 'remove',
      ip: ctx.ip,
      result: 'failed: cPanel refused',
    });
    const reason = outcome.failed[user];
    throw new Whm2faError(
      'CPANEL_FAILED',
      `cPanel could not turn off two-factor authentication, so nothing was changed.${reason === undefined ? '' : ` cPanel said: ${reason}`}`,
    );
  }
  appendAudit(paths, { epochSeconds, actor: user, subject: user, action: 'remove', ip: ctx.ip, result: 'ok' });
  notify(paths, { kind: 'removed', user, actor: user, ip: ctx.ip, epochSeconds });
}

export interface AdminRemoveOutcome {
  readonly removed: string[];
  readonly failed: Record<string, string>;
}

/** Checks a reason typed by an administrator. */
export function validReason(input: string): string {
  const reason = input.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  if (reason === '')
    throw badRequest('Give a reason for removing two-factor authentication; it is recorded and sent to the user.');
  if (reason.length > MAX_REASON_LENGTH)
    throw badRequest(`The reason can be at most ${String(MAX_REASON_LENGTH)} characters.`);
  return reason;
}

/**
 * Root or a reseller removes 2FA from accounts it manages. Every target is checked
 * before anything changes; the users cPanel could not serve are reported one by one.
 * `allowSelf` is for root at the server's command line only: over SSH, root's own
 * lost device is recovered this way.
 */
export function removeForUsers(
  ctx: RequestContext,
  users: readonly string[],
  reasonInput: string,
  options: { allowSelf?: boolean } = {},
): AdminRemoveOutcome {
  const { paths, caller, epochSeconds } = ctx;
  const reason = validReason(reasonInput);
  assertCanManage(paths, caller, users, options);
  const secrets = readSecrets(paths);
  const failed: Record<string, string> = {};
  const targets: string[] = [];
  for (const user of users) {
    if (secrets.has(user)) targets.push(user);
    else failed[user] = 'Two-factor authentication is not turned on for this account.';
  }
  const outcome = ctx.cpanel.removeSecrets(targets);
  const after = readSecrets(paths);
  const removed = targets.filter((user) => !after.has(user));
  for (const user of targets) {
    if (!removed.includes(user)) failed[user] = outcome.failed[user] ?? 'cPanel could not remove it.';
  }
  // A lost-device removal also clears the user's lock and pending setup, so they can start over.
  withLock(paths.lockFile, () => {
    for (const user of removed) {
      const { pending: _p, lockedUntil: _l, ...rest } = readUserState(paths, user);
      writeUserState(paths, user, { ...rest, failures: 0, lockCount: 0 });
    }
  });
  const entries: AuditInput[] = targets.map((user) => ({
    epochSeconds,
    actor: caller.user,
    subject: user,
    action: 'admin.remove',
    ip: ctx.ip,
    result: removed.includes(user) ? 'ok' : `failed: ${failed[user] ?? ''}`,
    reason,
  }));
  if (entries.length > 0) appendAudit(paths, ...entries);
  for (const user of removed)
    notify(paths, { kind: 'removed-by-admin', user, actor: caller.user, ip: ctx.ip, epochSeconds, reason });
  return { removed, failed };
}
