// The one direct edit of cPanel's store (plugin/src/cpanelStoreEdit.ts): under cPanel's
// dot-lock, only the keys named change; a lock whose holder is gone is taken over as
// cPanel takes it over; a live holder is waited for, and a lock that stays is a clear error
// with nothing changed.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { editCpanelStore } from '../../plugin/src/cpanelStoreEdit';
import { StateError } from '../../plugin/src/errors';
import type { ServerPaths } from '../../plugin/src/paths';
import { scratchServer, storeSecrets, writeStore } from '../support/fakeBridge';

const A = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const B = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

let root: string;
let paths: ServerPaths;
beforeEach(() => {
  ({ root, paths } = scratchServer('whm2fa-edit-'));
  writeStore(paths, { shop1: A, 'box@shop1.example': A, '__proto__@x.example': B, constructor: B });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const lock = (): string => `${paths.tfaUserdata}.lock`;
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('editCpanelStore', () => {
  it('changes only the keys named, judged from the store as it is under the lock', () => {
    const seen: string[] = [];
    const after = editCpanelStore(paths, (store) => {
      seen.push(...store.keys());
      return { remove: ['box@shop1.example', 'not-there'], set: new Map([['dev@shop1', B]]) };
    });
    expect(seen.sort()).toEqual(['__proto__@x.example', 'box@shop1.example', 'constructor', 'shop1']);
    expect(Object.fromEntries(after)).toEqual({
      shop1: A,
      '__proto__@x.example': B,
      constructor: B,
      'dev@shop1': B,
    });
    expect(storeSecrets(paths)).toEqual(Object.fromEntries(after));
    expect(existsSync(lock())).toBe(false);
  });

  it('takes over a lock whose holder is gone, and one older than cPanel’s limit', () => {
    writeFileSync(lock(), `${String(deadPid())}\n`);
    editCpanelStore(paths, () => ({ remove: ['shop1'], set: new Map() }), { waitMs: 200 });
    expect(storeSecrets(paths)['shop1']).toBeUndefined();
    // pid 1 runs for as long as the machine does: only the lock's age makes it abandoned.
    writeFileSync(lock(), '1\n');
    const old = Date.now() / 1000 - 301;
    utimesSync(lock(), old, old);
    editCpanelStore(paths, () => ({ remove: ['constructor'], set: new Map() }), { waitMs: 200 });
    expect(Object.keys(storeSecrets(paths))).not.toContain('constructor');
  });

  it('waits for a live holder, then says plainly that nothing changed', () => {
    writeFileSync(lock(), '1\n');
    // Four minutes old: younger than cPanel's five-minute limit, so still the holder's.
    const fourMinutesAgo = Date.now() / 1000 - 240;
    utimesSync(lock(), fourMinutesAgo, fourMinutesAgo);
    const before = readFileSync(paths.tfaUserdata, 'utf8');
    let error: unknown;
    try {
      editCpanelStore(paths, () => ({ remove: ['shop1'], set: new Map() }), { waitMs: 150 });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StateError);
    expect((error as Error).message).toMatch(/stayed locked by another process .* nothing was changed/);
    expect(readFileSync(paths.tfaUserdata, 'utf8')).toBe(before);
    expect(readFileSync(lock(), 'utf8')).toBe('1\n');
  });

  it('holds the lock as cPanel reads it: our pid, our name, the time', () => {
    let text = '';
    const started = Math.floor(Date.now() / 1000);
    editCpanelStore(paths, () => {
      text = readFileSync(lock(), 'utf8');
      return { remove: [], set: new Map() };
    });
    const [pid, name, at, end] = text.split('\n');
    expect(pid).toBe(String(process.pid));
    expect(name).toBe('whm2fa');
    expect(Number(at)).toBeGreaterThanOrEqual(started);
    expect(Number(at)).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(end).toBe('');
  });

  it('writes nothing when nothing changes', () => {
    const before = statSync(paths.tfaUserdata).ino;
    editCpanelStore(paths, () => ({ remove: ['not-there'], set: new Map() }));
    expect(statSync(paths.tfaUserdata).ino).toBe(before);
  });

  it('creates the store when cPanel has none yet, private', () => {
    rmSync(paths.tfaUserdata);
    const after = editCpanelStore(paths, () => ({ remove: [], set: new Map([['dev@shop1', B]]) }));
    expect(Object.fromEntries(after)).toEqual({ 'dev@shop1': B });
    expect(statSync(paths.tfaUserdata).mode & 0o777).toBe(0o600);
  });

  it('keeps the mode cPanel gave its file', () => {
    chmodSync(paths.tfaUserdata, 0o640);
    editCpanelStore(paths, () => ({ remove: ['shop1'], set: new Map() }));
    expect(statSync(paths.tfaUserdata).mode & 0o777).toBe(0o640);
  });

  it('takes over a lock naming no process (pid 0)', () => {
    writeFileSync(lock(), '0\n');
    editCpanelStore(paths, () => ({ remove: ['shop1'], set: new Map() }), { waitMs: 200 });
    expect(storeSecrets(paths)['shop1']).toBeUndefined();
  });

  it('leaves a fresh empty lock to its writer, and says for how long it waited', () => {
    writeFileSync(lock(), '\n');
    let error: unknown;
    try {
      editCpanelStore(paths, () => ({ remove: ['shop1'], set: new Map() }), { waitMs: 600 });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StateError);
    expect((error as Error).message).toContain(' for 1 seconds; nothing was changed.');
    expect(storeSecrets(paths)['shop1']).toBe(A);
  });
});
