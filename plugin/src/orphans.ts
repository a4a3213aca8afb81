/**
 * Orphan entries in cPanel's 2FA store: keys with no account behind them. cPanel leaves
 * them after a rename (it moves no key), after removing a reseller without a domain (no
 * hook fires), and they are inherited by the next account of that name. cPanel's remove
 * call refuses a name that does not exist (docs/cpanel.md, "remove_user_config"), so the
 * only way to clear one is to edit the store under cPanel's own lock, which `whm2fa doctor
 * --fix` does on request. See docs/decisions/orphan-entries.md.
 */
import { closeSync, constants, linkSync, openSync, renameSync, statSync, chmodSync } from 'node:fs';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { hasCpanelAccount, readDomains, readResellers, domainsOf, readOwners } from './accounts';
import { isAccountKey, readSecrets } from './cpanelState';
import { pause, writeAll } from './descriptor';
import { removeFile, sweepLeftovers, withLock } from './store';
import { appendAuditLocked } from './audit';
import { rememberKeysLocked } from './reconcile';
import type { ServerPaths } from './paths';

/** Every domain some account on the server has (primary, addon and parked). */
function knownDomains(paths: ServerPaths): Set<string> {
  const domains = new Set<string>();
  for (const [user, domain] of readDomains(paths)) {
    domains.add(domain.toLowerCase());
    for (const other of domainsOf(paths, user)) domains.add(other);
  }
  let names: string[] = [];
  try {
    names = readdirSync(paths.cpanelUsersDir);
  } catch {
    // No users folder: no more domains.
  }
  for (const user of names) for (const domain of domainsOf(paths, user)) domains.add(domain);
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
    if (exists(suffix)) continue; // a team user of an existing account
    domains ??= knownDomains(paths);
    if (!domains.has(suffix)) orphans.set(key, 'no account has this domain or team');
  }
  return orphans;
}

/** cPanel's dot-lock beside a file it writes: `FILE.lock`, made by linking a file holding our pid. */
function withCpanelLock<T>(file: string, fn: () => T): T {
  const lock = `${file}.lock`;
  const mine = `${lock}.whm2fa.${String(process.pid)}`;
  const fd = openSync(mine, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  try {
    writeAll(fd, `${String(process.pid)}\nwhm2fa doctor\n${String(Math.floor(Date.now() / 1000))}\n`);
  } finally {
    closeSync(fd);
  }
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        linkSync(mine, lock);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || Date.now() > deadline) throw err;
        pause(50);
      }
    }
  } finally {
    removeFile(mine);
  }
  try {
    return fn();
  } finally {
    removeFile(lock);
  }
}

/**
 * Removes `keys` from cPanel's store if they are still orphans, under cPanel's lock, with
 * a temporary file renamed into place (mode kept). Returns the keys that are gone when the
 * store is read back.
 */
export function removeOrphans(paths: ServerPaths, keys: readonly string[], epochSeconds: number): string[] {
  const file = paths.tfaUserdata;
  const why = findOrphans(paths);
  withCpanelLock(file, () => {
    const stillOrphans = findOrphans(paths);
    const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    let changed = false;
    for (const key of keys) {
      if (stillOrphans.has(key) && Object.hasOwn(data, key)) {
        delete data[key];
        changed = true;
      }
    }
    if (!changed) return;
    const mode = statSync(file).mode & 0o777;
    const tmp = join(dirname(file), `.${basename(file)}.whm2fa.${String(process.pid)}.tmp`);
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o600);
    try {
      writeAll(fd, JSON.stringify(data));
    } finally {
      closeSync(fd);
    }
    try {
      chmodSync(tmp, mode);
      renameSync(tmp, file);
    } catch (err) {
      removeFile(tmp);
      throw err;
    }
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
  const dir = dirname(paths.tfaUserdata);
  return sweepLeftovers(dir, { remove: options.remove, only: /whm2fa/ });
}
