/**
 * The Manage Users list as JSON text, with its coverage counts, kept per caller and rebuilt
 * only when one of the files it is made from changes (cPanel's owners, domains and
 * resellers files, its 2FA store, and whm2fa's reminders: identified by inode, size, and
 * modification and change times in nanoseconds). Building the
 * list for tens of thousands of accounts costs a fresh process most of its time; reading
 * the cached text costs a few milliseconds. The list holds no secret: names, domains,
 * owners, on/off and reminder times only, in a 0600 file under whm2fa's 0700 state folder. See
 * docs/decisions/account-list-cache.md.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bestEffort, writeTextAtomic } from './store';
import { countsJson, parseCounts, type CoverageCounts } from './coverage';
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
  const sources = [
    paths.trueUserOwners,
    paths.trueUserDomains,
    paths.resellers,
    paths.tfaUserdata,
    paths.remindersFile,
  ];
  return `v4 ${caller.user} ${caller.isRoot ? 'root' : 'reseller'} ${sources.map(signature).join(' ')}`;
}

/** The caller's list as JSON text (an array of rows), and the coverage counts of its view. */
export interface AccountList {
  readonly usersJson: string;
  readonly counts: CoverageCounts;
}

/**
 * The caller's list and counts: the cached copy when its sources have not changed since
 * it was made, else `build()`'s, serialized and kept. A cache that cannot be read or
 * written only costs the time to build the list.
 */
export function accountList(
  paths: ServerPaths,
  caller: Caller,
  build: () => { readonly users: ManagedAccount[]; readonly counts: CoverageCounts },
): AccountList {
  // The caller's name is a validated account name (or root): safe as a file name.
  const file = join(paths.stateDir, 'cache', `users.${caller.user}.json`);
  const key = keyOf(paths, caller);
  try {
    const text = readFileSync(file, 'utf8');
    const newline = text.indexOf('\n');
    const second = text.indexOf('\n', newline + 1);
    // The first line also holds the length of the rest: the file is written without fsync
    // (it is derived), so after a crash it may be short, and a short one is rebuilt.
    // A crash can also leave the right length with a run of zeros inside: JSON text never
    // holds a raw NUL, so one means the file is damaged. The second line holds the counts.
    const counts = second === -1 ? undefined : parseCounts(text.slice(newline + 1, second));
    if (
      newline !== -1 &&
      counts !== undefined &&
      text.slice(0, newline) === `${key} ${String(text.length - newline - 1)}` &&
      text.endsWith(']') &&
      !text.includes('\0')
    )
      return { usersJson: text.slice(second + 1), counts };
  } catch {
    // No cache yet, or unreadable: build it.
  }
  const built = build();
  const usersJson = JSON.stringify(built.users);
  const body = `${countsJson(built.counts)}\n${usersJson}`;
  // Kept only if the sources did not change while it was built.
  if (keyOf(paths, caller) === key)
    bestEffort(() => writeTextAtomic(file, `${key} ${String(body.length)}\n${body}`, { durable: false }));
  return { usersJson, counts: built.counts };
}
