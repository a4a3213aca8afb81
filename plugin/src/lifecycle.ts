/**
 * Keeping whm2fa right when WHM removes or renames an account (the account hooks of
 * whm-contract.md §6): whm2fa's own state follows the account, and cPanel's store is
 * cleaned or carried over through the bridge.
 */
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { appendAudit, appendAuditLocked } from './audit';
import { isValidUsername } from './accounts';
import { readSecrets } from './cpanelState';
import { notify } from './notice';
import { readSettings, writeSettings } from './settings';
import { deleteUserState } from './userState';
import { isNoEntry, withLock } from './store';
import type { CpanelBridge } from './cpanel';
import type { ServerPaths } from './paths';

export interface LifecycleContext {
  readonly paths: ServerPaths;
  readonly cpanel: CpanelBridge;
  readonly epochSeconds: number;
  /** Who WHM says did it (the hook's caller), for the audit trail. */
  readonly actor: string;
}

/**
 * The rename fields of `Accounts::Modify` are unverified on a live server (contract §8):
 * they are read here and nowhere else. `user` is the old name; the new one is `newuser`.
 */
export function renameOf(data: Record<string, unknown>): { from: string; to: string } | undefined {
  const from = data['user'];
  const to = data['newuser'] ?? data['new_user'];
  if (typeof from !== 'string' || typeof to !== 'string' || from === to) return undefined;
  if (!isValidUsername(from) || !isValidUsername(to)) return undefined;
  return { from, to };
}

/** After WHM removed `user`: forget it, and remove a secret cPanel left behind. */
export function accountRemoved(ctx: LifecycleContext, user: string): string {
  const { paths } = ctx;
  withLock(paths.lockFile, () => {
    deleteUserState(paths, user);
    const settings = readSettings(paths);
    if (user in settings.issuers) {
      const { [user]: _gone, ...rest } = settings.issuers;
      writeSettings(paths, { issuers: rest });
    }
  });
  let result = 'ok';
  if (readSecrets(paths).has(user)) {
    // cPanel keeps the secret of a reseller without a domain (contract §6).
    try {
      const outcome = ctx.cpanel.removeSecrets([user]);
      result = outcome.removed.includes(user)
        ? 'ok: leftover secret removed'
        : `failed: ${outcome.failed[user] ?? 'cPanel kept the secret'}`;
    } catch (err) {
      result = `failed: ${err instanceof Error ? err.message : 'cPanel did not answer'}`;
    }
  }
  appendAudit(paths, {
    epochSeconds: ctx.epochSeconds,
    actor: ctx.actor,
    subject: user,
    action: 'account.remove',
    ip: '',
    result,
  });
  return result;
}

/** After WHM renamed `from` to `to`: move whm2fa's state and carry the 2FA secret over. */
export function accountRenamed(ctx: LifecycleContext, from: string, to: string): string {
  const { paths } = ctx;
  withLock(paths.lockFile, () => {
    try {
      renameSync(join(paths.userStateDir, `${from}.json`), join(paths.userStateDir, `${to}.json`));
    } catch (err) {
      if (!isNoEntry(err)) throw err;
    }
    const settings = readSettings(paths);
    const issuer = settings.issuers[from];
    if (issuer !== undefined) {
      const { [from]: _old, ...rest } = settings.issuers;
      writeSettings(paths, { issuers: { ...rest, [to]: issuer } });
    }
  });
  const secret = readSecrets(paths).get(from);
  let result = 'ok: no 2FA to carry over';
  if (secret !== undefined) {
    try {
      ctx.cpanel.saveSecretForUser(to, secret);
      ctx.cpanel.removeSecrets([from]);
      result = 'ok: 2FA carried over';
    } catch {
      // The server cannot store a secret for another user: remove the stale entry and
      // tell the user to set 2FA up again rather than leave a key under a dead name.
      try {
        ctx.cpanel.removeSecrets([from]);
      } catch {
        // Reported in the result below.
      }
      notify(paths, { kind: 'renamed-lost', user: to, actor: ctx.actor, ip: '', epochSeconds: ctx.epochSeconds });
      result = 'failed: 2FA could not be carried over; the user was asked to set it up again';
    }
  }
  withLock(paths.lockFile, () =>
    appendAuditLocked(paths, [
      {
        epochSeconds: ctx.epochSeconds,
        actor: ctx.actor,
        subject: to,
        action: 'account.rename',
        ip: '',
        result: `${from} renamed to ${to}: ${result}`,
      },
    ]),
  );
  return result;
}

/** A user changed 2FA from cPanel's own pages: recorded so it shows in Activity. */
export function cpanelChange(ctx: LifecycleContext, user: string, change: 'enabled' | 'removed'): void {
  appendAudit(ctx.paths, {
    epochSeconds: ctx.epochSeconds,
    actor: user,
    subject: user,
    action: 'cpanel.change',
    ip: '',
    result: `${change} from cPanel`,
  });
}
