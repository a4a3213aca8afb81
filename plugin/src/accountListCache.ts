/**
 * The Manage Users list as JSON text, kept per caller and rebuilt only when one of the
 * files it is made from changes (cPanel's owners, domains and resellers files, and its 2FA
 * store: identified by inode, size, and modification and change times in nanoseconds). Building the
 * list for tens of thousands of accounts costs a fresh process most of its time; reading
 * the cached text costs a few milliseconds. The list holds no secret: names, domains,
 * owners and on/off only, in a 0600 file under whm2fa's 0700 state folder. See
 * docs/decisions/account-list-cache.md.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bestEffort, writeTextAtomic } from './store';
import type { Caller, ManagedAccount } from './access';
import type { ServerPaths } from './paths';

/** The state of one source file (inode, size, modification and change times), or `-` when it does not exist. */
function signature(file: string): string {
  try {
    const st = statSync(file, { bigint: true });
    // The change time too: a program can set a file's modification time back (cp -p,
    // rsync -t, touch -d), but not its change time.
    return `${String(st.ino)}.${String(st.size)}.${String(st.mtimeNs)}.${String(st.ctimeNs)}`;
  } catch {
    return '-';
  }
}

/** What the cached text depends on: who asks, and the state of every file it is made from. */
function keyOf(paths: ServerPaths, caller: Caller): string {
  const sources = [paths.trueUserOwners, paths.trueUserDomains, paths.resellers, paths.tfaUserdata];
  return `v3 ${caller.user} ${caller.isRoot ? 'root' : 'reseller'} ${sources.map(signature).join(' ')}`;
}

/**
 * `{"users":[…]}` for the caller: the cached text when its sources have not changed since
 * it was made, else `build()`'s list, serialized and kept. A cache that cannot be read or
 * written only costs the time to build the list.
 */
export function accountListJson(paths: ServerPaths, caller: Caller, build: () => ManagedAccount[]): string {
  // The caller's name is a validated account name (or root): safe as a file name.
  const file = join(paths.stateDir, 'cache', `users.${caller.user}.json`);
  const key = keyOf(paths, caller);
  try {
    const text = readFileSync(file, 'utf8');
    const newline = text.indexOf('\n');
    // The first line also holds the text's length: the file is written without fsync (it
    // is derived), so after a crash it may be short, and a short one is rebuilt.
    // A crash can also leave the right length with a run of zeros inside: JSON text never
    // holds a raw NUL, so one means the file is damaged.
    if (
      newline !== -1 &&
      text.slice(0, newline) === `${key} ${String(text.length - newline - 1)}` &&
      text.endsWith('}') &&
      !text.includes('\0')
    )
      return text.slice(newline + 1);
  } catch {
    // No cache yet, or unreadable: build it.
  }
  const json = JSON.stringify({ users: build() });
  // Kept only if the sources did not change while it was built.
  if (keyOf(paths, caller) === key)
    bestEffort(() => writeTextAtomic(file, `${key} ${String(json.length)}\n${json}`, { durable: false }));
  return json;
}
