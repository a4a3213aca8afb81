/**
 * Keeping whm2fa and cPanel's 2FA store right when WHM creates, removes or renames an
 * account (the account hooks; docs/cpanel.md, "Accounts and the 2FA store"). An event is
 * checked against the account files before anything changes, and every claim in the
 * audit trail ("carried over", "removed") is made after reading cPanel's store back.
 */
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { appendAuditLocked, type AuditInput } from './audit';
import { accountExists, hasCpanelAccount, isValidUsername, readOwners } from './accounts';
import { readSecrets } from './cpanelState';
import { notify } from './notice';
import { readSettings, writeSettings } from './settings';
import { deleteUserState } from './userState';
import { isNoEntry, withLock } from './store';
import { removeAndReadBack } from './removal';
import { saveKey } from './enrollment';
import { rememberKeysLocked } from './reconcile';
import type { CpanelBridge } from './cpanel';
import type { ServerPaths } from './paths';

/** What an account hook acts with. Time is a parameter. */
export interface LifecycleContext {
  readonly paths: ServerPaths;
  readonly cpanel: CpanelBridge;
  readonly epochSeconds: number;
  /** Who WHM says did it (the hook's caller), for the audit trail. */
  readonly actor: string;
}

/**
 * The rename fields of `Accounts::Modify` (docs/cpanel.md lists them as unverified on a
 * live server): they are read here and nowhere else. `user` is the old name; the new
 * one is `newuser`.
 */
export function renameOf(data: Record<string, unknown>): { from: string; to: string } | undefined {
  const from = data['user'];
  const to = data['newuser'] ?? data['new_user'];
  if (typeof from !== 'string' || typeof to !== 'string' || from === to) return undefined;
  if (!isValidUsername(from) || !isValidUsername(to)) return undefined;
  return { from, to };
}

function entry(ctx: LifecycleContext, subject: string, action: AuditInput['action'], result: string): AuditInput {
  return { epochSeconds: ctx.epochSeconds, actor: ctx.actor, subject, action, ip: '', result };
}

/** Drops whm2fa's own records of a name (its user state and reseller issuer). Under the lock. */
function forgetNameLocked(paths: ServerPaths, user: string): void {
  deleteUserState(paths, user);
  const settings = readSettings(paths);
  if (Object.hasOwn(settings.issuers, user)) {
    const issuers = Object.fromEntries(Object.entries(settings.issuers).filter(([name]) => name !== user));
    writeSettings(paths, { ...settings, issuers });
  }
}

/** Removes a key cPanel left under `user`, and says what the store shows afterwards. */
function removeLeftover(ctx: LifecycleContext, user: string, what: string): string {
  if (!readSecrets(ctx.paths).has(user)) return `no ${what}`;
  const readBack = removeAndReadBack(ctx, [user]);
  return readBack.gone.includes(user)
    ? `${what} removed`
    : `${what} could not be removed (${readBack.kept.get(user) ?? 'cPanel kept it'}); see whm2fa doctor`;
}

/** After WHM removed `user`: forget it, and remove a secret cPanel left behind. */
export function accountRemoved(ctx: LifecycleContext, user: string): string {
  const { paths } = ctx;
  // An event that does not match the server changes nothing: the account is still there.
  if (accountExists(paths, user)) return `${user} still exists; nothing changed`;
  // cPanel keeps the key of a reseller without a domain; cPanel's remove call refuses a
  // name that no longer exists, so a leftover is reported (whm2fa doctor) rather than hidden.
  const leftover = readSecrets(paths).has(user)
    ? 'its 2FA entry is still in cPanel’s store (an orphan: whm2fa doctor --fix removes it)'
    : 'no 2FA entry left';
  withLock(paths.lockFile, () => {
    forgetNameLocked(paths, user);
    if (!readSecrets(paths).has(user)) rememberKeysLocked(paths, new Map([[user, undefined]]));
    appendAuditLocked(paths, [entry(ctx, user, 'account.remove', `account removed; ${leftover}`)]);
  });
  return leftover;
}

/**
 * After WHM created `user`: a key left under that name by an earlier account (cPanel
 * keeps some) would let the old owner's phone into the new account. It is removed now,
 * while the name exists and cPanel's remove call works.
 */
export function accountCreated(ctx: LifecycleContext, user: string): string {
  const { paths } = ctx;
  if (!accountExists(paths, user)) return `${user} does not exist; nothing changed`;
  const result = removeLeftover(ctx, user, 'stale 2FA entry of an earlier account of this name');
  withLock(paths.lockFile, () => {
    forgetNameLocked(paths, user);
    if (!readSecrets(paths).has(user)) rememberKeysLocked(paths, new Map([[user, undefined]]));
    appendAuditLocked(paths, [entry(ctx, user, 'account.create', result)]);
  });
  return result;
}

/**
 * After WHM renamed `from` to `to`: whm2fa's state follows the account, and its key is
 * saved under the new name with its email and team-user entries kept (cPanel moves no
 * key on a rename). Where cPanel has no safe call for it, the account and its owner are
 * told to set 2FA up again.
 */
export function accountRenamed(ctx: LifecycleContext, from: string, to: string): string {
  const { paths } = ctx;
  if (accountExists(paths, from) || !accountExists(paths, to)) {
    return `${from} → ${to} does not match the accounts on this server; nothing changed`;
  }
  withLock(paths.lockFile, () => {
    try {
      renameSync(join(paths.userStateDir, `${from}.json`), join(paths.userStateDir, `${to}.json`));
    } catch (err) {
      if (!isNoEntry(err)) throw err;
    }
    const settings = readSettings(paths);
    if (Object.hasOwn(settings.issuers, from)) {
      const issuers = Object.fromEntries(
        Object.entries(settings.issuers).map(([name, issuer]) => [name === from ? to : name, issuer]),
      );
      writeSettings(paths, { ...settings, issuers });
    }
  });
  const store = readSecrets(paths);
  const secret = store.get(from);
  let result: string;
  let lost = false;
  if (secret === undefined) {
    // The new name may hold a key left by an earlier account of that name; it exists
    // now, so cPanel's remove call works for it.
    result = `no 2FA to carry over; ${removeLeftover(ctx, to, 'stale 2FA entry of an earlier account of this name')}`;
  } else if (store.get(to) === secret) result = '2FA already under the new name';
  else {
    const saved = saveKey(ctx, to, secret, { teamOf: from });
    if (saved.ok) {
      const left = readSecrets(paths).has(from)
        ? `; the entry under ${from} stays in cPanel’s store (cPanel cannot remove a name that no longer exists; whm2fa doctor --fix can)`
        : '';
      result = `2FA carried over (${saved.audit})${left}`;
    } else {
      lost = true;
      result = `2FA could not be carried over: ${saved.audit}; the account and its owner were asked to set it up again`;
    }
  }
  const now = readSecrets(paths);
  withLock(paths.lockFile, () => {
    rememberKeysLocked(paths, new Map([[to, now.get(to)]]));
    appendAuditLocked(paths, [entry(ctx, to, 'account.rename', `${from} renamed to ${to}: ${result}`)]);
  });
  if (lost) {
    notify(paths, { kind: 'renamed-lost', user: to, actor: ctx.actor, ip: '', epochSeconds: ctx.epochSeconds });
    const owner = readOwners(paths).get(to);
    if (owner !== undefined && owner !== to && (owner === 'root' || hasCpanelAccount(paths, owner))) {
      notify(paths, {
        kind: 'renamed-lost-owner',
        user: owner,
        account: to,
        actor: ctx.actor,
        ip: '',
        epochSeconds: ctx.epochSeconds,
      });
    }
  }
  return result;
}
