/**
 * whm2fa's own files: 0600 files in a 0700 folder, written atomically (temp file, fsync,
 * rename, fsync of the folder) under one cross-process lock. A missing file reads as
 * "nothing yet"; a damaged one is a {@link StateError}, never silently reset.
 */
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  linkSync,
  readSync,
  readdirSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  chmodSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { StateError } from './errors';
import { pause, writeAll } from './descriptor';

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
/** How long a request waits for another process to finish its write. */
const LOCK_WAIT_MS = 10_000;
/** A lock whose holder cannot be found is taken over after this long regardless. */
const LOCK_STALE_MS = 30_000;

/** Creates `dir` (and parents) as 0700 if missing, and tightens it if it is looser. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  const mode = statSync(dir).mode & 0o777;
  if (mode !== DIR_MODE) chmodSync(dir, DIR_MODE);
}

/** A text file's content, "" when it does not exist; a StateError when it cannot be read. */
export function readTextOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if (isNoEntry(err)) return '';
    throw new StateError(`cannot read ${file}`, { cause: err });
  }
}

/** Reads a JSON file; `undefined` when it does not exist; StateError when it is damaged. */
export function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (isNoEntry(err)) return undefined;
    throw new StateError(`cannot read ${file}: ${errorText(err)}`, { cause: err });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new StateError(`${file} is not valid JSON (left untouched for inspection)`, { cause: err });
  }
}

/** Replaces `file` with `value` as JSON so that a reader sees the old or the new content, never a mix. */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeTextAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Replaces `file` (0600, in a 0700 folder) with `text` so that a reader sees the old or the
 * new content. `durable: false` skips the fsyncs, for derived files that are checked when
 * read and rebuilt when wrong (the Manage Users cache): after a crash such a file may be
 * empty or short, never a mix of two versions.
 */
export function writeTextAtomic(
  file: string,
  text: string | Buffer,
  options: { readonly durable?: boolean } = {},
): void {
  const durable = options.durable ?? true;
  const dir = dirname(file);
  ensurePrivateDir(dir);
  const tmp = join(dir, `.${basename(file)}.${String(process.pid)}.tmp`);
  try {
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, FILE_MODE);
    try {
      writeAll(fd, text);
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    // A failed write leaves nothing behind: the temporary file may hold a pending secret.
    removeFile(tmp);
    throw err;
  }
  if (durable) syncDir(dir);
}

/**
 * Runs `work` after a change in cPanel is done, when a failure must not turn that change
 * into an error the user would read as "nothing happened". Returns whether it worked.
 */
export function bestEffort(work: () => void): boolean {
  try {
    work();
    return true;
  } catch {
    return false;
  }
}

/** Removes `file` if it exists. */
export function removeFile(file: string): void {
  try {
    unlinkSync(file);
  } catch (err) {
    if (!isNoEntry(err)) throw err;
  }
}

/** Appends one line to `file` (0600), with fsync so an audit entry survives a crash. */
export function appendLine(file: string, line: string): void {
  ensurePrivateDir(dirname(file));
  const fd = openSync(file, constants.O_RDWR | constants.O_CREAT | constants.O_APPEND, FILE_MODE);
  try {
    // A process killed mid-write may have left a line without its end: start on a new
    // line, so only that cut line is lost and not this one too.
    const size = fstatSync(fd).size;
    const last = Buffer.alloc(1);
    const cut = size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a;
    writeAll(fd, `${cut ? '\n' : ''}${line}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Runs `fn` while holding the state lock, shared by every whm2fa process on the server
 * (CGI requests, the hook, the command line). Node has no flock(2), so the lock is a
 * hard link to a private file that already holds the owner's pid (docs/decisions/
 * state-lock.md); a lock left by a killed process is taken over once its pid is gone,
 * and what that process left behind (temporary files, its private lock file) is swept.
 * The work done under it is a few small file operations. `waitMs` (how long to wait for
 * another holder) is for tests, which never wait the full ten seconds.
 */
export function withLock<T>(lockFile: string, fn: () => T, options: { readonly waitMs?: number } = {}): T {
  ensurePrivateDir(dirname(lockFile));
  acquire(lockFile, options.waitMs ?? LOCK_WAIT_MS);
  try {
    return fn();
  } finally {
    removeFile(lockFile);
  }
}

function acquire(lockFile: string, waitMs: number): void {
  const deadline = Date.now() + waitMs;
  // The lock appears with its owner's pid already in it (written to a private file, then
  // hard-linked into place, which fails if the lock exists): a waiter never sees an
  // empty lock and mistakes a live owner for a dead one.
  const mine = `${lockFile}.${String(process.pid)}`;
  const fd = openSync(mine, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, FILE_MODE);
  try {
    writeAll(fd, String(process.pid));
  } finally {
    closeSync(fd);
  }
  try {
    for (;;) {
      try {
        linkSync(mine, lockFile);
        return;
      } catch (err) {
        if (!isExists(err)) throw new StateError(`cannot create lock ${lockFile}: ${errorText(err)}`, { cause: err });
      }
      takeOverIfStale(lockFile);
      if (Date.now() > deadline) throw new StateError(`timed out waiting for lock ${lockFile}`);
      pause(2 + Math.floor(Math.random() * 4));
    }
  } finally {
    removeFile(mine);
  }
}

/**
 * Removes a lock whose owner is dead. Only one process may judge at a time (a second
 * O_EXCL file), so two waiters cannot both remove the same dead lock and then a live one.
 */
function takeOverIfStale(lockFile: string): void {
  const judge = `${lockFile}.takeover`;
  let fd: number;
  try {
    fd = openSync(judge, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, FILE_MODE);
  } catch (err) {
    // Another process is judging. A judge killed mid-way leaves its file behind: it is
    // cleared once its pid is gone (or, if it died before writing it, after a second).
    if (isExists(err) && !judgeAlive(judge)) removeFile(judge);
    return;
  }
  try {
    writeAll(fd, String(process.pid));
    closeSync(fd);
    let owner = Number.NaN;
    try {
      owner = Number(readFileSync(lockFile, 'utf8'));
    } catch (err) {
      if (isNoEntry(err)) return;
    }
    if (!isAlive(owner) || ageMs(lockFile) > LOCK_STALE_MS) {
      removeFile(lockFile);
      // Its owner died holding it: clear what it (and others killed before) left.
      sweepLeftovers(dirname(lockFile), { remove: true });
    }
  } finally {
    removeFile(judge);
  }
}

/** A temporary file (`.NAME.PID.tmp`) or a private lock file (`NAME.lock.PID`) of a process. */
const LEFTOVER = /^(?:\..+\.(\d+)\.tmp|.+\.lock\.(?:whm2fa\.)?(\d+))$/;

/**
 * Files left in `dir` and its sub-folders by whm2fa processes that were killed: temporary
 * files and private lock files whose process is gone. Removed when `remove` is set.
 */
export function sweepLeftovers(dir: string, options: { remove: boolean; only?: RegExp }): string[] {
  const found: string[] = [];
  const scan = (folder: string, depth: number): void => {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      return;
    }
    for (const name of names) {
      const file = join(folder, name);
      const match = LEFTOVER.exec(name);
      const pid = Number(match?.[1] ?? match?.[2]);
      if (match !== null && pid !== process.pid && !isAlive(pid) && (options.only?.test(name) ?? true)) {
        found.push(file);
        if (options.remove) removeFile(file);
      } else if (depth > 0 && match === null && !name.includes('.')) scan(file, depth - 1);
    }
  };
  scan(dir, 1);
  return found;
}

function judgeAlive(judge: string): boolean {
  let text = '';
  try {
    text = readFileSync(judge, 'utf8');
  } catch {
    return true;
  }
  return text === '' ? ageMs(judge) < 1000 : isAlive(Number(text));
}

function isAlive(pid: number): boolean {
  // A pid of 0 or garbage means the owner was killed between create and write.
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, constants.O_RDONLY);
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on a directory; the rename itself is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Whether `err` is a missing file (ENOENT). */
export function isNoEntry(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

function isExists(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'EEXIST';
}

function errorText(err: unknown): string {
  return (err as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error';
}
