/**
 * Keeping whm2fa and cPanel's 2FA store right when WHM creates, removes or renames an
 * account (the account hooks; docs/cpanel.md, "Accounts and the 2FA store"). An event is
 * checked against the account files before anything changes, and every claim in the
 * audit trail ("carried over", "removed") is made after reading cPanel's store back.
 */
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { appendAuditLocked, type AuditInput } from './audit';
import { accountExists, domainsOf, hasCpanelAccount, isValidUsername, readOwners } from './accounts';
import { isAccountKey, readSecrets } from './cpanelState';
import { editCpanelStore } from './cpanelStoreEdit';
import { findOrphans } from './orphans';
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

/** The part of a key after its last `@`, lower-cased: a domain (email) or an account (team). */
function suffixOf(key: string): string {
  return key.slice(key.lastIndexOf('@') + 1).toLowerCase();
}

/**
 * Removes the keys `pick` chooses from cPanel's store, in one step under cPanel's lock:
 * `pick` judges the server as it is while the lock is held. Says what the store shows.
 */
function removeKeys(
  ctx: LifecycleContext,
  pick: (store: ReadonlyMap<string, string>) => readonly string[],
  what: string,
): { text: string; gone: string[] } {
  let keys: readonly string[] = [];
  const after = editCpanelStore(ctx.paths, (store) => {
    keys = pick(store);
    return { remove: keys, set: new Map() };
  });
  if (keys.length === 0) return { text: `no ${what}`, gone: [] };
  const gone = keys.filter((key) => !after.has(key));
  const kept = keys.filter((key) => after.has(key));
  const parts = [gone.length === 0 ? '' : `${what} removed: ${gone.join(', ')}`];
  if (kept.length > 0) parts.push(`${what} still there: ${kept.join(', ')}`);
  return { text: parts.filter((p) => p !== '').join('; '), gone };
}

/**
 * After WHM removed `user`: forget it, and remove what cPanel leaves behind (docs/cpanel.md,
 * "Who owns a key"): the keys of its team users and of mailboxes on domains no account
 * has any more, and its own key where cPanel kept it. Each is still an orphan when
 * cPanel's lock is held, or it is kept.
 */
export function accountRemoved(ctx: LifecycleContext, user: string): string {
  const { paths } = ctx;
  // An event that does not match the server changes nothing: the account is still there.
  if (accountExists(paths, user)) return `${user} still exists; nothing changed`;
  const before = readSecrets(paths);
  const { text, gone } = removeKeys(
    ctx,
    (store) =>
      [...findOrphans(paths).keys()].filter(
        (key) =>
          store.has(key) &&
          (key === user || (!isAccountKey(key) && (suffixOf(key) === user || suffixOf(key).includes('.')))),
      ),
    '2FA entries left in cPanel’s store',
  );
  withLock(paths.lockFile, () => {
    forgetNameLocked(paths, user);
    if (gone.includes(user) || !before.has(user)) rememberKeysLocked(paths, new Map([[user, undefined]]));
    appendAuditLocked(paths, [entry(ctx, user, 'account.remove', `account removed; ${text}`)]);
  });
  return text;
}

/**
 * After WHM created `user`: keys a former holder of that name or of its domains left
 * would let the old owner's phones into the new account. They are removed now, before
 * the account has mailboxes or team users of its own: its own key while the name exists
 * (cPanel's remove call works then), and `…@user` and `…@its-domain` keys under cPanel's lock.
 */
export function accountCreated(ctx: LifecycleContext, user: string): string {
  const { paths } = ctx;
  if (!accountExists(paths, user)) return `${user} does not exist; nothing changed`;
  const own = removeLeftover(ctx, user, 'stale 2FA entry of an earlier account of this name');
  const domains = new Set(domainsOf(paths, user));
  const others = removeKeys(
    ctx,
    (store) =>
      [...store.keys()].filter((key) => !isAccountKey(key) && (suffixOf(key) === user || domains.has(suffixOf(key)))),
    'stale email and team-user 2FA entries of an earlier holder of this name or its domains',
  );
  const result = others.gone.length === 0 ? own : `${own}; ${others.text}`;
  withLock(paths.lockFile, () => {
    forgetNameLocked(paths, user);
    if (!readSecrets(paths).has(user)) rememberKeysLocked(paths, new Map([[user, undefined]]));
    appendAuditLocked(paths, [entry(ctx, user, 'account.create', result)]);
  });
  return result;
}

/**
 * After WHM renamed `from` to `to`: whm2fa's state follows the account, and so do its
 * keys (cPanel moves none on a rename). First, in one step under cPanel's lock, the
 * keys a former holder of the name `to` left are removed and the team users' keys are
 * copied (`dev@from` → `dev@to`); then the account's own key is saved under `to` with a
 * call that changes that key alone. Mailbox keys stay as they are: the domains did not
 * move. The entries under `from` stay (orphans for whm2fa doctor --fix, or for the next
 * account of that name, whose creation clears them), so an event seen twice changes
 * nothing more. Where no call can serve, the account and its owner are told to set 2FA
 * up again, and the former holder's key is still removed.
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
  const teamOf = (user: string, store: ReadonlyMap<string, string>): Map<string, string> =>
    new Map([...store].filter(([key]) => !isAccountKey(key) && suffixOf(key) === user));
  const local = (key: string): string => key.slice(0, key.lastIndexOf('@'));
  let planned = new Map<string, string>();
  const afterTeam = editCpanelStore(paths, (store) => {
    const remove = [...teamOf(to, store).keys()].filter((key) => store.get(`${local(key)}@${from}`) !== store.get(key));
    const set = new Map<string, string>();
    for (const [key, secret] of teamOf(from, store))
      if (store.get(`${local(key)}@${to}`) !== secret) set.set(`${local(key)}@${to}`, secret);
    planned = set;
    return { remove, set };
  });
  const carried = [...planned].filter(([key, secret]) => afterTeam.get(key) === secret).map(([key]) => key);
  const team = carried.length === 0 ? '' : `; team users’ keys carried over: ${carried.join(', ')}`;
  const secret = afterTeam.get(from);
  let result: string;
  let lost = false;
  if (secret === undefined) {
    // The new name may hold a key left by an earlier account of that name; it exists
    // now, so cPanel's remove call works for it.
    result = `no 2FA to carry over; ${removeLeftover(ctx, to, 'stale 2FA entry of an earlier account of this name')}`;
  } else if (afterTeam.get(to) === secret) result = '2FA already under the new name';
  else {
    const saved = saveKey(ctx, to, secret);
    if (saved.ok) result = `2FA carried over (${saved.audit})`;
    else {
      lost = true;
      const leftover = readSecrets(paths).has(to)
        ? `; ${removeLeftover(ctx, to, 'stale 2FA entry of an earlier account of this name')}`
        : '';
      result = `2FA could not be carried over: ${saved.audit}${leftover}; the account and its owner were asked to set it up again`;
    }
  }
  result += team;
  if (readSecrets(paths).has(from) || carried.length > 0) {
    result += `; the entries under ${from} stay in cPanel’s store until whm2fa doctor --fix or a new account of that name clears them`;
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
