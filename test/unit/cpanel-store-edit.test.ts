// The one direct edit of cPanel's store (plugin/src/cpanelStoreEdit.ts): under cPanel's
// dot-lock, only the keys named change; a lock whose holder is gone is taken over as
// cPanel takes it over; a live holder is waited for, and a lock that stays is a clear error
// with nothing changed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
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
});
