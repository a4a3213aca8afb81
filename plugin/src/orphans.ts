/**
 * Orphan entries in cPanel's 2FA store: keys with no account behind them, judged by the
 * ownership rules cPanel uses (an email key belongs to whoever `/etc/userdomains` gives
 * its domain; a team key to the account after its `@`). cPanel leaves them after a rename
 * (it moves no key), after removing an account (its mailbox and team keys stay), after
 * removing a reseller without a domain (no hook fires), and they are inherited by the next
 * holder of that name or domain. cPanel's remove call refuses a name that does not exist
 * (docs/cpanel.md, "remove_user_config"), so the only way to clear one is to edit the store
 * under cPanel's own lock (cpanelStoreEdit.ts), which `whm2fa doctor --fix` does on
 * request. See docs/decisions/orphan-entries.md.
 */
import { readdirSync } from 'node:fs';
import { hasCpanelAccount, readResellers, readOwners, domainOwners, domainsOf } from './accounts';
import { isAccountKey, readSecrets } from './cpanelState';
import { editCpanelStore, editLeftovers } from './cpanelStoreEdit';
import { withLock } from './store';
import { appendAuditLocked } from './audit';
import { rememberKeysLocked } from './reconcile';
import type { ServerPaths } from './paths';

/**
 * Every domain cPanel maps to an account (docs/cpanel.md, "Who owns a key"): the
 * `/etc/userdomains` map (main, addon, parked and subdomains), and the `DNS` lines of the
 * users files should the map lag behind.
 */
function knownDomains(paths: ServerPaths): Set<string> {
  const owners = domainOwners(paths);
  const domains = new Set(owners.keys());
  let names: string[] = [];
  try {
    names = readdirSync(paths.cpanelUsersDir);
  } catch {
    // No users folder: no more domains.
  }
  for (const user of names) for (const domain of domainsOf(paths, user, new Map())) domains.add(domain);
  return domains;
}

/** Store keys with nobody behind them, each with why it is an orphan. */
export function findOrphans(paths: ServerPaths): Map<string, string> {
  const orphans = new Map<string, string>();
  const store = readSecrets(paths);
  if (store.size === 0) return orphans;
  const resellers = readResellers(paths);
  const owners = readOwners(paths);
  const exists = (user: string): boolean =>
    user === 'root' || hasCpanelAccount(paths, user) || resellers.has(user) || owners.has(user);
  let domains: Set<string> | undefined;
  for (const key of store.keys()) {
    if (isAccountKey(key)) {
      if (!exists(key)) orphans.set(key, 'no account of this name');
      continue;
    }
    const suffix = key.slice(key.lastIndexOf('@') + 1).toLowerCase();
    // A team user of an existing cPanel account (only cPanel accounts have team users).
    if (suffix === 'root' || hasCpanelAccount(paths, suffix) || owners.has(suffix)) continue;
    domains ??= knownDomains(paths);
    if (!domains.has(suffix)) orphans.set(key, 'no account has this domain or team');
  }
  return orphans;
}

/**
 * Removes `keys` from cPanel's store if they are still orphans when cPanel's lock is held
 * (a key that found an owner meanwhile is kept). Returns the keys that are gone when the
 * store is read back.
 */
export function removeOrphans(paths: ServerPaths, keys: readonly string[], epochSeconds: number): string[] {
  const why = findOrphans(paths);
  editCpanelStore(paths, () => {
    const stillOrphans = findOrphans(paths);
    return { remove: keys.filter((key) => stillOrphans.has(key)), set: new Map() };
  });
  const after = readSecrets(paths);
  const gone = keys.filter((key) => !after.has(key));
  // Recorded as whm2fa's own change, so the next comparison does not blame cPanel.
  withLock(paths.lockFile, () => {
    rememberKeysLocked(paths, new Map(gone.filter(isAccountKey).map((key) => [key, undefined])));
    appendAuditLocked(
      paths,
      gone.map((key) => ({
        epochSeconds,
        actor: 'root',
        subject: key,
        action: 'orphan.remove',
        ip: '',
        result: `removed from cPanel’s store by whm2fa doctor --fix (${why.get(key) ?? 'orphan'})`,
      })),
    );
  });
  return gone;
}

/** Temporary and lock files the doctor left in cPanel's folder when it was killed. */
export function orphanFixLeftovers(paths: ServerPaths, options: { remove: boolean }): string[] {
  return editLeftovers(paths, options);
}
