/**
 * Who is calling and what they may touch: root and root-level resellers manage every
 * account, a reseller the accounts it owns. Checked again on every request: cpsrvd's own ACL check is not enough.
 */
import { forbidden } from './errors';
import { t } from './messages';
import { eachDomain, eachOwner, isValidUsername, readOwners, readResellers } from './accounts';
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
 * The accounts the caller manages in "Manage Users": every account for root-level
 * callers, the accounts it owns for a reseller. Never the caller itself (its own 2FA is
 * changed in "Manage my Account", which asks for its current code) and never root.
 */
export function manageableAccounts(
  paths: ServerPaths,
  caller: Caller,
  reminded: ReadonlyMap<string, number> = new Map(),
): ManagedAccount[] {
  // One record per account, completed in place from the domains file (the first line for
  // an account wins), cPanel's store and the reminders (`reminded`: account → epoch
  // seconds): a server may have tens of thousands of accounts, read by a fresh process,
  // and every extra map of them costs milliseconds.
  const records = managedOwners(paths, caller, (user, owner) => ({
    user,
    domain: '',
    owner,
    enabled: false,
    lastReminded: null as string | null,
  }));
  eachDomain(paths, (domain, user) => {
    const record = records.get(user);
    if (record !== undefined && record.domain === '') record.domain = domain;
  });
  for (const user of readSecrets(paths).keys()) {
    const record = records.get(user);
    if (record !== undefined) record.enabled = true;
  }
  for (const [user, at] of reminded) {
    const record = records.get(user);
    if (record !== undefined) record.lastReminded = new Date(at * 1000).toISOString();
  }
  // Sorted by name with the engine's own string sort: a comparator function is several
  // times slower over tens of thousands of accounts.
  const users = [...records.keys()].sort();
  const accounts = new Array<ManagedAccount>(users.length);
  for (let i = 0; i < users.length; i += 1) accounts[i] = records.get(users[i] as string) as ManagedAccount;
  return accounts;
}

/**
 * A record made by `record(account, owner)` for each account the caller manages
 * (ownership only: no 2FA state read). A later line for the same account replaces an
 * earlier one, as cPanel's own readers do.
 */
function managedOwners<T>(
  paths: ServerPaths,
  caller: Caller,
  record: (user: string, owner: string) => T,
): Map<string, T> {
  const managed = new Map<string, T>();
  eachOwner(paths, (user, owner) => {
    if (user !== 'root' && user !== caller.user && (caller.isRoot || owner === caller.user)) {
      managed.set(user, record(user, owner));
    } else {
      managed.delete(user);
    }
  });
  if (caller.isRoot) {
    // Resellers without a domain are in the resellers file only.
    for (const reseller of readResellers(paths).keys()) {
      if (reseller !== 'root' && reseller !== caller.user && !managed.has(reseller))
        managed.set(reseller, record(reseller, 'root'));
    }
  }
  return managed;
}

const ownerOf = (_user: string, owner: string): string => owner;

/**
 * Every account root manages (all but root), with its owner: the server as coverage
 * counts it. Ownership only; no 2FA state read.
 */
export function serverAccounts(paths: ServerPaths): Map<string, string> {
  return managedOwners(paths, ROOT_CALLER, ownerOf);
}

/** Throws FORBIDDEN unless the caller may manage every one of `users`. */
export function assertCanManage(
  paths: ServerPaths,
  caller: Caller,
  users: readonly string[],
  options: { allowSelf?: boolean } = {},
): void {
  const allowed = new Set(managedOwners(paths, caller, ownerOf).keys());
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
