/**
 * Who is calling and what they may touch: root and root-level resellers manage every
 * account, a reseller the accounts it owns. Checked again on every request: cpsrvd's own ACL check is not enough.
 */
import { forbidden } from './errors';
import { t } from './messages';
import { isValidUsername, readDomains, readOwners, readResellers } from './accounts';
import { readSecrets } from './cpanelState';
import type { AuditEntry } from './audit';
import type { ServerPaths } from './paths';

/** Who is making the request, as identifyCaller judged it. */
export interface Caller {
  readonly user: string;
  /** Root, or a reseller holding the `all` ACL. */
  readonly isRoot: boolean;
  /** Everyone but root itself is a reseller (for issuers and cPanel's save path). */
  readonly isReseller: boolean;
}

/**
 * One row of "Manage Users": an account, its primary domain, its owner, whether 2FA is on
 * and when it was last reminded to set 2FA up (ISO time, null when never).
 */
export interface ManagedAccount {
  readonly user: string;
  readonly domain: string;
  readonly owner: string;
  readonly enabled: boolean;
  readonly lastReminded: string | null;
}

/** Root, as the hook and the command line act (and whose view counts the whole server). */
export const ROOT_CALLER: Caller = Object.freeze({ user: 'root', isRoot: true, isReseller: false });

/** Turns `REMOTE_USER` into a caller, refusing anyone who is neither root nor a reseller. */
export function identifyCaller(paths: ServerPaths, remoteUser: string | undefined): Caller {
  if (remoteUser === undefined || remoteUser === '') throw forbidden(t('access.notLoggedIn'));
  if (remoteUser === 'root') return { user: 'root', isRoot: true, isReseller: false };
  if (!isValidUsername(remoteUser)) throw forbidden(t('access.badUserName'));
  const acls = readResellers(paths).get(remoteUser);
  if (acls === undefined) throw forbidden(t('access.notReseller'));
  return { user: remoteUser, isRoot: acls.has('all'), isReseller: true };
}

/**
 * The accounts the caller manages, as one reading of cPanel's owners and resellers files
 * gives them: every account for root-level callers, the accounts it owns for a reseller.
 * Never the caller itself (its own 2FA is changed in "Manage my Account", which asks for
 * its current code) and never root.
 */
export interface ManagedView {
  readonly caller: Caller;
  /** The caller's accounts, sorted by name (the engine's own string order). */
  readonly users: readonly string[];
  /**
   * Each account's owner: the caller's accounts, and for a root-level caller every
   * account on the server but root (the caller included), which coverage counts.
   */
  readonly owners: ReadonlyMap<string, string>;
}

/** The caller's {@link ManagedView}, read once. */
export function managedView(paths: ServerPaths, caller: Caller): ManagedView {
  const owners = managedOwners(paths, caller.isRoot ? ROOT_CALLER : caller);
  // Sorted by the engine's own string sort: a comparator function is several times
  // slower over tens of thousands of accounts in a fresh process.
  const users = [...owners.keys()].sort();
  const self = users.indexOf(caller.user);
  if (self !== -1) users.splice(self, 1);
  return { caller, users, owners };
}

/**
 * How many of the view's accounts have 2FA (`secrets`: cPanel's store), counted over
 * whichever is smaller, the accounts or the store's keys: a store of thousands of keys is
 * read on every Manage Users request, and most accounts usually have no key.
 */
export function countProtected(view: ManagedView, secrets: ReadonlyMap<string, string>): number {
  let count = 0;
  if (secrets.size < view.users.length) {
    // The view's accounts are its owners' keys but the caller (docs of ManagedView).
    secrets.forEach((_secret, key) => {
      if (key !== view.caller.user && view.owners.has(key)) count += 1;
    });
  } else {
    for (let i = 0; i < view.users.length; i += 1) if (secrets.has(view.users[i] as string)) count += 1;
  }
  return count;
}

/**
 * The rows of `users` (names from `view`): domain (the first line of the domains file
 * for the account), 2FA state and when each was last reminded (`reminded`: account →
 * epoch seconds).
 */
export function accountRows(
  view: ManagedView,
  users: readonly string[],
  facts: {
    readonly domains: ReadonlyMap<string, string>;
    readonly secrets: ReadonlyMap<string, string>;
    readonly reminded: ReadonlyMap<string, number>;
  },
): ManagedAccount[] {
  const rows = new Array<ManagedAccount>(users.length);
  for (let i = 0; i < users.length; i += 1) {
    const user = users[i] as string;
    const at = facts.reminded.get(user);
    rows[i] = {
      user,
      domain: facts.domains.get(user) ?? '',
      owner: view.owners.get(user) ?? '',
      enabled: facts.secrets.has(user),
      lastReminded: at === undefined ? null : new Date(at * 1000).toISOString(),
    };
  }
  return rows;
}

/** Every account the caller manages in "Manage Users" ({@link managedView}) as rows, sorted by name. */
export function manageableAccounts(
  paths: ServerPaths,
  caller: Caller,
  reminded: ReadonlyMap<string, number> = new Map(),
): ManagedAccount[] {
  const view = managedView(paths, caller);
  return accountRows(view, view.users, { domains: readDomains(paths), secrets: readSecrets(paths), reminded });
}

/**
 * The accounts the caller manages (ownership only: no 2FA state read), with their owners.
 */
function managedOwners(paths: ServerPaths, caller: Caller): Map<string, string> {
  const managed = readOwners(paths, caller.isRoot ? undefined : caller.user);
  managed.delete('root');
  managed.delete(caller.user);
  if (caller.isRoot) {
    // Resellers without a domain are in the resellers file only.
    for (const reseller of readResellers(paths).keys()) {
      if (reseller !== 'root' && reseller !== caller.user && !managed.has(reseller)) managed.set(reseller, 'root');
    }
  }
  return managed;
}

/**
 * Every account root manages (all but root), with its owner: the server as coverage
 * counts it. Ownership only; no 2FA state read.
 */
export function serverAccounts(paths: ServerPaths): Map<string, string> {
  return managedOwners(paths, ROOT_CALLER);
}

/** Throws FORBIDDEN unless the caller may manage every one of `users`. */
export function assertCanManage(
  paths: ServerPaths,
  caller: Caller,
  users: readonly string[],
  options: { allowSelf?: boolean } = {},
): void {
  const allowed = new Set(managedOwners(paths, caller).keys());
  if (options.allowSelf === true) allowed.add(caller.user);
  for (const user of users) {
    if (user === caller.user && options.allowSelf !== true) {
      throw forbidden(t('access.ownAccount'));
    }
    if (!allowed.has(user)) throw forbidden(t('access.notYours', { user }));
  }
}

/**
 * Which audit entries the caller may see. Root-level callers see everything. A reseller
 * sees entries about itself and about accounts it owned when the entry was written (the
 * entry's `owner`; entries written before owners were recorded fall back to today's
 * owner), and never an `account.remove` entry nor anything older than its subject's
 * latest one: a name reused by another account reveals nothing of the old one.
 *
 * The predicate must see the entries newest first, every one of them (listAudit does).
 */
export function auditVisibility(
  paths: ServerPaths,
  caller: Caller,
): (entry: Pick<AuditEntry, 'actor' | 'subject' | 'owner' | 'action'>) => boolean {
  if (caller.isRoot) return () => true;
  const current = readOwners(paths);
  // Names whose history ended later (newest entries come first): an account created
  // under the name, renamed to it or removed. Before that point the name belonged to
  // another account, so only the owner recorded at the time may see those entries (a
  // reseller without a domain is removed without any hook, so a removal may be missing).
  const ended = new Set<string>();
  const visible = (entry: Pick<AuditEntry, 'subject' | 'owner'>): boolean => {
    if (entry.subject === 'root') return false;
    if (ended.has(entry.subject)) return entry.owner !== undefined && entry.owner === caller.user;
    if (entry.subject === caller.user) return true;
    const owner = entry.owner ?? current.get(entry.subject);
    return owner === caller.user;
  };
  return (entry) => {
    // A removal belongs to the old account; a creation or a rename to the new one.
    if (entry.action === 'account.remove') ended.add(entry.subject);
    const shown = visible(entry);
    if (entry.action === 'account.create' || entry.action === 'account.rename') ended.add(entry.subject);
    return shown;
  };
}
