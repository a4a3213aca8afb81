import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJson, withLock, writeJsonAtomic } from '../../plugin/src/store';
import { StateError } from '../../plugin/src/errors';
import { readUserState } from '../../plugin/src/userState';
import { serverPaths } from '../../plugin/src/paths';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'whm2fa-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeJsonAtomic', () => {
  it('writes 0600 files in a 0700 folder, and leaves no temporary file', () => {
    const file = join(dir, 'state', 'x.json');
    writeJsonAtomic(file, { a: 1 });
    writeJsonAtomic(file, { a: 2 });
    expect(readJson(file)).toEqual({ a: 2 });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'state')).mode & 0o777).toBe(0o700);
    expect(spawnSync('ls', ['-A', join(dir, 'state')], { encoding: 'utf8' }).stdout.trim()).toBe('x.json');
  });
});

describe('reading', () => {
  it('reads a missing file as nothing and a damaged one as a StateError, leaving it untouched', () => {
    expect(readJson(join(dir, 'missing.json'))).toBeUndefined();
    const paths = serverPaths(dir);
    mkdirSync(paths.userStateDir, { recursive: true });
    const file = join(paths.userStateDir, 'shop1.json');
    writeFileSync(file, '{"failures": 1, "lockCount"');
    expect(() => readUserState(paths, 'shop1')).toThrow(StateError);
    writeFileSync(file, '{"failures": "many", "lockCount": 0}');
    expect(() => readUserState(paths, 'shop1')).toThrow(StateError);
    expect(readFileSync(file, 'utf8')).toBe('{"failures": "many", "lockCount": 0}');
  });
});

describe('withLock', () => {
  it('takes over a lock left by a killed process', () => {
    const lock = join(dir, 'state.lock');
    // A pid that cannot be running: the lock's owner is gone.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    }).stdout;
    writeFileSync(lock, dead);
    expect(withLock(lock, () => 'ran')).toBe('ran');
    expect(existsSync(lock)).toBe(false);
  });

  it('respects a live holder’s lock that is younger than 30 s, and takes it over once older', () => {
    const lock = join(dir, 'state.lock');
    // pid 1 runs for as long as the machine does: only the lock's age can make it stale.
    writeFileSync(lock, '1');
    const tenSecondsAgo = Date.now() / 1000 - 10;
    utimesSync(lock, tenSecondsAgo, tenSecondsAgo);
    let ran = false;
    expect(() =>
      withLock(
        lock,
        () => {
          ran = true;
        },
        { waitMs: 100 },
      ),
    ).toThrow(/timed out waiting for lock/);
    expect(ran).toBe(false);
    expect(readFileSync(lock, 'utf8')).toBe('1');
    const old = Date.now() / 1000 - 31;
    utimesSync(lock, old, old);
    expect(withLock(lock, () => 'ran', { waitMs: 100 })).toBe('ran');
    expect(existsSync(lock)).toBe(false);
  });

  it('releases the lock after an exception', () => {
    const lock = join(dir, 'state.lock');
    expect(() =>
      withLock(lock, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(existsSync(lock)).toBe(false);
    expect(withLock(lock, () => 1)).toBe(1);
  });
});
