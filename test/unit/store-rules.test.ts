// store.ts's rules one by one: private folders and files, exact JSON on disk, a cut
// audit line never swallowing the next one, the state lock's take-over of dead or stale
// owners (time is moved with utimes, never waited for), and which leftovers are swept.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  appendLine,
  bestEffort,
  ensurePrivateDir,
  isNoEntry,
  readJson,
  removeFile,
  sweepLeftovers,
  withLock,
  writeJsonAtomic,
} from '../../plugin/src/store';
import { StateError } from '../../plugin/src/errors';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'whm2fa-store-rules-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

const mode = (file: string): number => statSync(file).mode & 0o777;

describe('files and folders', () => {
  it('ensurePrivateDir creates 0700 folders and tightens a looser one', () => {
    const d = join(dir, 'a', 'b');
    ensurePrivateDir(d);
    expect(mode(d)).toBe(0o700);
    chmodSync(d, 0o755);
    ensurePrivateDir(d);
    expect(mode(d)).toBe(0o700);
  });

  it('readJson names what went wrong', () => {
    mkdirSync(join(dir, 'folder.json'));
    expect(() => readJson(join(dir, 'folder.json'))).toThrow(
      new StateError(`cannot read ${join(dir, 'folder.json')}: EISDIR`),
    );
    writeFileSync(join(dir, 'bad.json'), '{');
    expect(() => readJson(join(dir, 'bad.json'))).toThrow(
      `${join(dir, 'bad.json')} is not valid JSON (left untouched for inspection)`,
    );
    for (const name of ['folder.json', 'bad.json']) {
      try {
        readJson(join(dir, name));
      } catch (err) {
        expect((err as Error).cause).toBeInstanceOf(Error);
      }
    }
    writeFileSync(join(dir, 'ok.json'), '[1]');
    expect(readJson(join(dir, 'ok.json'))).toEqual([1]);
  });

  it('writeJsonAtomic writes indented JSON with a final newline, and a failed rename leaves nothing', () => {
    const file = join(dir, 's', 'x.json');
    writeJsonAtomic(file, { a: [1] });
    expect(readFileSync(file, 'utf8')).toBe('{\n  "a": [\n    1\n  ]\n}\n');
    expect(mode(file)).toBe(0o600);
    const blocked = join(dir, 's', 'dir.json');
    mkdirSync(join(blocked, 'inside'), { recursive: true });
    expect(() => writeJsonAtomic(blocked, { secret: 'x' })).toThrow();
    expect(readdirSync(join(dir, 's')).sort()).toEqual(['dir.json', 'x.json']);
  });

  it('bestEffort says whether the work ran through', () => {
    let ran = false;
    expect(
      bestEffort(() => {
        ran = true;
      }),
    ).toBe(true);
    expect(ran).toBe(true);
    expect(
      bestEffort(() => {
        throw new Error('x');
      }),
    ).toBe(false);
  });

  it('removeFile ignores a missing file but not another failure', () => {
    expect(() => removeFile(join(dir, 'missing'))).not.toThrow();
    mkdirSync(join(dir, 'folder'));
    expect(() => removeFile(join(dir, 'folder'))).toThrow();
    writeFileSync(join(dir, 'f'), 'x');
    removeFile(join(dir, 'f'));
    expect(existsSync(join(dir, 'f'))).toBe(false);
    expect(isNoEntry({ code: 'ENOENT' })).toBe(true);
    expect(isNoEntry({ code: 'EISDIR' })).toBe(false);
    expect(isNoEntry(undefined)).toBe(false);
  });

  it('appendLine starts a new line after a cut one, and only then', () => {
    const file = join(dir, 'log', 'audit.log');
    appendLine(file, 'one');
    expect(readFileSync(file, 'utf8')).toBe('one\n');
    expect(mode(file)).toBe(0o600);
    expect(mode(join(dir, 'log'))).toBe(0o700);
    appendLine(file, 'two');
    expect(readFileSync(file, 'utf8')).toBe('one\ntwo\n');
    writeFileSync(file, 'one\n{"cut');
    appendLine(file, 'three');
    expect(readFileSync(file, 'utf8')).toBe('one\n{"cut\nthree\n');
  });
});

describe('the state lock', () => {
  const lock = (): string => join(dir, 'state', 'state.lock');

  it('holds its owner’s pid while the work runs, returns its result, and leaves nothing', () => {
    const seen = withLock(lock(), () => ({
      text: readFileSync(lock(), 'utf8'),
      files: readdirSync(join(dir, 'state')),
    }));
    expect(seen).toEqual({ text: String(process.pid), files: ['state.lock'] });
    expect(readdirSync(join(dir, 'state'))).toEqual([]);
    expect(mode(join(dir, 'state'))).toBe(0o700);
  });

  it.each([
    ['a dead owner', () => String(deadPid())],
    ['no pid at all', () => ''],
    ['pid 0', () => '0'],
    ['garbage', () => 'x1'],
  ])('is taken over from %s, and the dead one’s leftovers are swept', (_name, content) => {
    mkdirSync(join(dir, 'state', 'users'), { recursive: true });
    const dead = deadPid();
    const debris = [
      join(dir, 'state', 'users', `.shop1.json.${String(dead)}.tmp`),
      join(dir, 'state', `state.lock.${String(dead)}`),
    ];
    for (const f of debris) writeFileSync(f, 'x');
    const live = join(dir, 'state', `.settings.json.${String(process.ppid)}.tmp`);
    writeFileSync(live, 'x');
    writeFileSync(lock(), content());
    expect(withLock(lock(), () => 'ran')).toBe('ran');
    for (const f of debris) expect(existsSync(f)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(lock())).toBe(false);
  });

  it('is taken over from a live owner once it is older than 30 seconds', () => {
    mkdirSync(join(dir, 'state'));
    writeFileSync(lock(), String(process.ppid));
    const old = Date.now() / 1000 - 31;
    utimesSync(lock(), old, old);
    expect(withLock(lock(), () => 'ran')).toBe('ran');
  });

  it('clears a take-over judge that died, whether or not it wrote its pid', () => {
    mkdirSync(join(dir, 'state'));
    const judge = `${lock()}.takeover`;
    writeFileSync(judge, String(deadPid()));
    writeFileSync(lock(), String(deadPid()));
    expect(withLock(lock(), () => 'ran')).toBe('ran');
    expect(existsSync(judge)).toBe(false);
    writeFileSync(judge, '');
    const old = Date.now() / 1000 - 5;
    utimesSync(judge, old, old);
    writeFileSync(lock(), 'x');
    expect(withLock(lock(), () => 'again')).toBe('again');
    expect(existsSync(judge)).toBe(false);
  });
});

describe('sweepLeftovers', () => {
  it('finds temporary and private lock files of dead processes, one folder deep, and removes them if asked', () => {
    const dead = String(deadPid());
    const live = String(process.ppid);
    mkdirSync(join(dir, 'users', 'deeper'), { recursive: true });
    mkdirSync(join(dir, 'has.dot'), { recursive: true });
    const found = [
      join(dir, `.settings.json.${dead}.tmp`),
      join(dir, `state.lock.${dead}`),
      join(dir, `audit.lock.whm2fa.${dead}`),
      join(dir, 'users', `.shop1.json.${dead}.tmp`),
    ];
    const kept = [
      join(dir, `.settings.json.${live}.tmp`),
      join(dir, `.settings.json.${String(process.pid)}.tmp`),
      join(dir, `state.lock.${live}`),
      join(dir, 'users', 'deeper', `.x.json.${dead}.tmp`),
      join(dir, 'has.dot', `.x.json.${dead}.tmp`),
      join(dir, `settings.json.${dead}.tmp`),
      join(dir, `state.lock.${dead}x`),
      join(dir, 'state.lock.takeover'),
    ];
    for (const f of [...found, ...kept]) writeFileSync(f, 'x');
    expect(sweepLeftovers(dir, { remove: false }).sort()).toEqual([...found].sort());
    for (const f of found) expect(existsSync(f)).toBe(true);
    expect(sweepLeftovers(dir, { remove: false, only: /\.tmp$/ }).sort()).toEqual(
      found.filter((f) => f.endsWith('.tmp')).sort(),
    );
    expect(sweepLeftovers(dir, { remove: true }).sort()).toEqual([...found].sort());
    for (const f of found) expect(existsSync(f)).toBe(false);
    for (const f of kept) expect(existsSync(f)).toBe(true);
    expect(sweepLeftovers(join(dir, 'missing'), { remove: true })).toEqual([]);
  });
});
