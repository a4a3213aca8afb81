/**
 * Keeping whm2fa and cPanel's 2FA store right when WHM creates, removes or renames an
 * account (the account hooks; docs/cpanel.md, "Accounts and the 2FA store"). An event is
 * checked against the account files before anything changes; a creation or rename seen
 * twice changes nothing more (accountEvents.ts); every claim in the audit trail ("carried
 * over", "removed") is made after reading cPanel's store back. Keys no cPanel call can
 * reach are changed in one step under cPanel's lock (cpanelStoreEdit.ts).
 */
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { appendAuditLocked, type AuditInput } from './audit';
import {
  accountExists,
  accountStart,
  domainOwners,
  domainsOf,
  hasCpanelAccount,
  isValidUsername,
  readOwners,
} from './accounts';
import { noteDepartingLocked, rememberHandledLocked, takeDepartingLocked, wasHandledLocked } from './accountEvents';
import { isAccountKey, readSecrets } from './cpanelState';
import { editCpanelStore } from './cpanelStoreEdit';
import { findOrphans } from './orphans';
import { notify } from './notice';
import { readSettings, writeSettings } from './settings';
import { deleteUserState } from './userState';
import { renameReminderLocked } from './reminders';
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

/** Drops whm2fa's own records of a name (its user state, reminder and reseller issuer). Under the lock. */
function forgetNameLocked(paths: ServerPaths, user: string): void {
  deleteUserState(paths, user);
  renameReminderLocked(paths, user, undefined);
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

/** Whether `domain` is `base` or one of its subdomains. */
function within(domain: string, base: string): boolean {
  return domain === base || domain.endsWith(`.${base}`);
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
 * Before WHM removes `user` (the non-blocking pre stage): note its domains, which cPanel
 * no longer maps to it once it is gone, so the post stage clears exactly its mailboxes' keys.
 */
export function accountRemoving(ctx: LifecycleContext, user: string): string {
  const { paths } = ctx;
  if (!accountExists(paths, user)) return `${user} does not exist; nothing noted`;
  const domains = domainsOf(paths, user);
  withLock(paths.lockFile, () => noteDepartingLocked(paths, user, domains, (name) => accountExists(paths, name)));
  return domains.length === 0 ? 'it has no domains' : `its domains noted: ${domains.join(', ')}`;
}

/**
 * After WHM removed `user`: forget it, and remove what cPanel leaves behind (docs/cpanel.md,
 * "Accounts and the 2FA store"): its team users' keys, the keys of mailboxes on its
 * domains (noted at the pre stage; without that note, on any domain no account has any
 * more), and its own key where cPanel kept it. Each is still an orphan when cPanel's lock
 * is held, or it is kept.
 */
export function accountRemoved(ctx: LifecycleContext, user: string): string {
  const { paths } = ctx;
  // An event that does not match the server changes nothing: the account is still there.
  if (accountExists(paths, user)) return `${user} still exists; nothing changed`;
  const exists = (name: string): boolean => accountExists(paths, name);
  const noted = withLock(paths.lockFile, () => takeDepartingLocked(paths, user, exists));
  const before = readSecrets(paths);
  const { text, gone } = removeKeys(
    ctx,
    (store) =>
      [...findOrphans(paths).keys()].filter((key) => {
        if (!store.has(key)) return false;
        if (isAccountKey(key)) return key === user;
        const suffix = suffixOf(key);
        if (suffix === user) return true;
        return noted === undefined ? suffix.includes('.') : noted.some((domain) => within(suffix, domain));
      }),
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
 * (cPanel's remove call works then), and under cPanel's lock the `…@user` keys and the
 * keys on its domains and their subdomains that no other account has. An event seen
 * twice for the same account changes nothing more.
 */
export function accountCreated(ctx: LifecycleContext, user: string): string {
  const { paths } = ctx;
  if (!accountExists(paths, user)) return `${user} does not exist; nothing changed`;
  const start = accountStart(paths, user);
  const event = { kind: 'create', start: start ?? '' } as const;
  if (start !== undefined && withLock(paths.lockFile, () => wasHandledLocked(paths, user, event))) {
    return 'this creation was already handled; nothing changed';
  }
  const own = removeLeftover(ctx, user, 'stale 2FA entry of an earlier account of this name');
  const domains = domainsOf(paths, user);
  const others = removeKeys(
    ctx,
    (store) => {
      const owners = domainOwners(paths);
      return [...store.keys()].filter((key) => {
        if (isAccountKey(key)) return false;
        const suffix = suffixOf(key);
        const owner = owners.get(suffix);
        // A key on a domain another account has is that account's, whatever its name.
        if (owner !== undefined && owner !== user) return false;
        return suffix === user || domains.some((domain) => within(suffix, domain));
      });
    },
    'stale email and team-user 2FA entries of an earlier holder of this name or its domains',
  );
  const result = others.text.startsWith('no ') ? own : `${own}; ${others.text}`;
  withLock(paths.lockFile, () => {
    forgetNameLocked(paths, user);
    if (!readSecrets(paths).has(user)) rememberKeysLocked(paths, new Map([[user, undefined]]));
    if (start !== undefined) rememberHandledLocked(paths, user, event, (name) => accountExists(paths, name));
    appendAuditLocked(paths, [entry(ctx, user, 'account.create', result)]);
  });
  return result;
}

/**
 * After WHM renamed `from` to `to`: whm2fa's state follows the account, and so do its
 * keys (cPanel moves none on a rename). First, in one step under cPanel's lock, the keys
 * a former holder of the name `to` left are removed and the team users' keys move
 * (`dev@from` → `dev@to`); then the account's own key is saved under `to` with a call
 * that changes that key alone, and its key under `from` (an orphan now) is removed.
 * Mailbox keys stay as they are: the domains did not move. Where no call can serve, the
 * account and its owner are told to set 2FA up again, and the former holder's key is
 * still removed. An event seen twice for the same account changes nothing more.
 */
export function accountRenamed(ctx: LifecycleContext, from: string, to: string): string {
  const { paths } = ctx;
  if (accountExists(paths, from) || !accountExists(paths, to)) {
    return `${from} → ${to} does not match the accounts on this server; nothing changed`;
  }
  const start = accountStart(paths, to);
  const event = { kind: 'rename', start: start ?? '', from } as const;
  if (start !== undefined && withLock(paths.lockFile, () => wasHandledLocked(paths, to, event))) {
    return `${from} → ${to} was already handled; nothing changed`;
  }
  withLock(paths.lockFile, () => {
    try {
      renameSync(join(paths.userStateDir, `${from}.json`), join(paths.userStateDir, `${to}.json`));
    } catch (err) {
      if (!isNoEntry(err)) throw err;
    }
    renameReminderLocked(paths, from, to);
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
    const moving = teamOf(from, store);
    planned = new Map([...moving].map(([key, secret]) => [`${local(key)}@${to}`, secret]));
    // The former holder's team keys go; the renamed account's move under the new name.
    return { remove: [...teamOf(to, store).keys(), ...moving.keys()], set: planned };
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
  } else {
    const saved = afterTeam.get(to) === secret ? undefined : saveKey(ctx, to, secret);
    if (saved === undefined || saved.ok) result = `2FA carried over (${saved?.audit ?? 'already there'})`;
    else {
      lost = true;
      const leftover = readSecrets(paths).has(to)
        ? `; ${removeLeftover(ctx, to, 'stale 2FA entry of an earlier account of this name')}`
        : '';
      result = `2FA could not be carried over: ${saved.audit}${leftover}; the account and its owner were asked to set it up again`;
    }
    // The key under the old name has no account behind it any more.
    const oldGone = removeKeys(
      ctx,
      (store) => (store.has(from) && !accountExists(paths, from) ? [from] : []),
      `2FA entry under ${from}`,
    );
    result += oldGone.gone.length > 0 ? `; its entry under ${from} removed` : '';
  }
  result += team;
  const now = readSecrets(paths);
  withLock(paths.lockFile, () => {
    rememberKeysLocked(
      paths,
      new Map([
        [to, now.get(to)],
        [from, now.get(from)],
      ]),
    );
    if (start !== undefined) rememberHandledLocked(paths, to, event, (name) => accountExists(paths, name));
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
