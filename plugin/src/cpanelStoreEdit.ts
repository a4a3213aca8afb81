/**
 * The one place whm2fa changes cPanel's 2FA store without a cPanel call: keys that no
 * call can reach. cPanel's remove call refuses a name with no account behind it, and no
 * call removes or moves an email account's or a team user's key on its own (docs/cpanel.md,
 * "Who owns a key"). So the keys cPanel leaves behind when an account goes, or that a
 * former holder of a name or domain left, and a renamed account's team keys, are changed
 * here: read, change and write in one step under cPanel's own dot-lock, which cPanel's
 * writers wait for, so nothing cPanel does can fall between the read and the write.
 * The lock is held only for that step, never across a call to cPanel's tools (they take
 * it themselves). See docs/decisions/one-key-writes.md.
 */
import {
  chmodSync,
  closeSync,
  constants,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pause, writeAll } from './descriptor';
import { StateError } from './errors';
import { removeFile, sweepLeftovers } from './store';
import { readSecrets } from './cpanelState';
import type { ServerPaths } from './paths';

/** How long whm2fa waits for cPanel to release its lock (its writes take milliseconds). */
const CPANEL_LOCK_WAIT_MS = 30_000;
/** cPanel takes over a dot-lock older than this (docs/cpanel.md, "The 2FA store"). */
const CPANEL_LOCK_STALE_MS = 300_000;

/** What one edit asks for: keys to delete, and keys to write (key → secret). */
export interface StoreChange {
  readonly remove: readonly string[];
  readonly set: ReadonlyMap<string, string>;
}

/** cPanel's dot-lock beside a file it writes: `FILE.lock`, made by linking a file holding our pid. */
function withCpanelLock<T>(file: string, waitMs: number, fn: () => T): T {
  const lock = `${file}.lock`;
  const mine = `${lock}.whm2fa.${String(process.pid)}`;
  const fd = openSync(mine, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  try {
    // cPanel reads the first line as the holder's pid (docs/cpanel.md, "The 2FA store").
    writeAll(fd, `${String(process.pid)}\nwhm2fa\n${String(Math.floor(Date.now() / 1000))}\n`);
  } finally {
    closeSync(fd);
  }
  try {
    const deadline = Date.now() + waitMs;
    for (;;) {
      try {
        linkSync(mine, lock);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        if (takeOverIfAbandoned(lock)) continue;
        if (Date.now() > deadline) {
          throw new StateError(
            `cPanel's 2FA store stayed locked by another process (${lock}) for ${String(Math.round(waitMs / 1000))} seconds; nothing was changed. Try again in a minute.`,
          );
        }
        pause(20);
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
 * Removes a dot-lock whose holder is gone, as cPanel's own writers do: its first line is
 * the holder's pid, and a lock whose pid no longer runs, or older than cPanel's limit, is
 * abandoned. Returns whether it removed one.
 */
function takeOverIfAbandoned(lock: string): boolean {
  let text: string;
  let ageMs: number;
  try {
    text = readFileSync(lock, 'utf8');
    ageMs = Date.now() - statSync(lock).mtimeMs;
  } catch {
    return true; // gone meanwhile: try again at once
  }
  const pid = Number(text.split('\n')[0]);
  if (ageMs <= CPANEL_LOCK_STALE_MS && Number.isInteger(pid) && pid > 0 && isRunning(pid)) return false;
  // An empty lock may be one being written this instant: give it a moment first.
  if (text.trim() === '' && ageMs < 1000) return false;
  removeFile(lock);
  return true;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Applies the change `decide` makes from the store as it is under cPanel's lock (so it
 * judges what is there now, not what was there a moment ago). Only the keys it names
 * change; every other entry is written back exactly as read. Returns the store read back
 * after the lock is released: the caller reports from that, not from what it asked.
 */
export function editCpanelStore(
  paths: ServerPaths,
  decide: (store: ReadonlyMap<string, string>) => StoreChange,
  options: { readonly waitMs?: number } = {},
): Map<string, string> {
  const file = paths.tfaUserdata;
  withCpanelLock(file, options.waitMs ?? CPANEL_LOCK_WAIT_MS, () => {
    let text = '{}';
    let mode = 0o600;
    try {
      text = readFileSync(file, 'utf8');
      mode = statSync(file).mode & 0o777;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    // Keys are cPanel's user names: a null prototype keeps `__proto__` a plain key.
    const data = Object.assign(Object.create(null) as Record<string, unknown>, JSON.parse(text));
    const change = decide(readSecrets(paths));
    let changed = false;
    for (const key of change.remove) {
      if (Object.hasOwn(data, key)) {
        delete data[key];
        changed = true;
      }
    }
    for (const [key, secret] of change.set) {
      data[key] = { secret };
      changed = true;
    }
    if (!changed) return;
    const tmp = join(dirname(file), `.${basename(file)}.whm2fa.${String(process.pid)}.tmp`);
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o600);
    try {
      writeAll(fd, JSON.stringify(data));
      fsyncSync(fd);
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
  return readSecrets(paths);
}

/** Temporary and lock files an edit left in cPanel's folder when its process was killed. */
export function editLeftovers(paths: ServerPaths, options: { remove: boolean }): string[] {
  return sweepLeftovers(dirname(paths.tfaUserdata), { remove: options.remove, only: /whm2fa/ });
}
