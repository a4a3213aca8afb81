// Orphan entries of cPanel's store, judged in-process by cPanel's ownership rules (a
// temporary tree): which keys have nobody behind them and why, removal of those still
// orphans under cPanel's lock, the audit of it, and an account's mailbox and team keys.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findOrphans, orphanFixLeftovers, removeOrphans } from '../../plugin/src/orphans';
import { entriesOf } from '../../plugin/src/userEntries';
import { reconcile } from '../../plugin/src/reconcile';
import { listAudit } from '../../plugin/src/audit';
import { keyFingerprint } from '../../plugin/src/keyFingerprint';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';
import { storeSecrets, writeAccounts, writeStore } from '../support/fakeBridge';

const T0 = 1_800_000_000;
const K = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

let root: string;
let paths: ServerPaths;

function put(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'whm2fa-orphans-'));
  paths = serverPaths(root);
  mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  writeAccounts(paths, { bob: { domains: ['bob.example'], owner: 'res1' }, res1: { domains: [] } }, ['res1', 'res2']);
  put(paths.userDomains, 'bob.example: bob\nblog.bob.example: bob\nparked.example: bob\n*: nobody\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('findOrphans', () => {
  it('is empty for an empty store', () => {
    writeStore(paths, {});
    expect(findOrphans(paths).size).toBe(0);
  });

  it('finds account keys with no account and mailbox or team keys with no owner', () => {
    // `olduser` is only in trueuserowners (its users file already gone): still an account.
    put(paths.trueUserOwners, 'bob: res1\nres1: root\nolduser: root\n');
    // A users file's DNS line counts even when /etc/userdomains lags behind.
    put(join(paths.cpanelUsersDir, 'carol'), 'USER=carol\nDNS=carol.example\n');
    writeStore(paths, {
      root: K,
      bob: K,
      res2: K,
      olduser: K,
      carol: K,
      gone: K,
      'info@bob.example': K,
      'news@BLOG.bob.example': K,
      'x@parked.example': K,
      'y@carol.example': K,
      'dev@bob': K,
      'dev@root': K,
      'dev@olduser': K,
      'old@gone.example': K,
      'dev@gone': K,
    });
    expect([...findOrphans(paths)].sort()).toEqual([
      ['dev@gone', 'no account has this domain or team'],
      ['gone', 'no account of this name'],
      ['old@gone.example', 'no account has this domain or team'],
    ]);
  });

  it('does without a users folder', () => {
    rmSync(paths.cpanelUsersDir, { recursive: true });
    writeStore(paths, { 'info@bob.example': K, 'x@nowhere.example': K });
    expect([...findOrphans(paths).keys()]).toEqual(['x@nowhere.example']);
  });
});

describe('removeOrphans', () => {
  it('removes the keys still orphans, records each, and does not blame cPanel for it', () => {
    writeStore(paths, { bob: K, gone: K, 'old@gone.example': K, 'info@bob.example': K });
    reconcile(paths, T0);
    const gone = removeOrphans(paths, ['gone', 'old@gone.example', 'bob'], T0 + 10);
    expect(gone).toEqual(['gone', 'old@gone.example']);
    expect(Object.keys(storeSecrets(paths)).sort()).toEqual(['bob', 'info@bob.example']);
    const audit = listAudit(paths, { limit: 10, visible: () => true }).reverse();
    expect(audit.map((e) => [e.actor, e.subject, e.action, e.result, e.ip])).toEqual([
      [
        'root',
        'gone',
        'orphan.remove',
        'removed from cPanel’s store by whm2fa doctor --fix (no account of this name)',
        '',
      ],
      [
        'root',
        'old@gone.example',
        'orphan.remove',
        'removed from cPanel’s store by whm2fa doctor --fix (no account has this domain or team)',
        '',
      ],
    ]);
    expect(audit[0]?.at).toBe(new Date((T0 + 10) * 1000).toISOString());
    expect(JSON.parse(readFileSync(paths.knownKeysFile, 'utf8'))).toEqual({ bob: keyFingerprint(K) });
    expect(reconcile(paths, T0 + 20)).toBe(0);
  });

  it('keeps a key that found an owner, and says "orphan" for a key it was not told why about', () => {
    writeStore(paths, { 'x@new.example': K, bob: K });
    expect(removeOrphans(paths, ['x@new.example'], T0)).toEqual(['x@new.example']);
    // Not an orphan: asked for, but kept.
    expect(removeOrphans(paths, ['bob'], T0)).toEqual([]);
    expect(storeSecrets(paths)).toEqual({ bob: K });
  });

  it('lists and clears leftovers of a killed edit', () => {
    writeStore(paths, { bob: K });
    const dir = dirname(paths.tfaUserdata);
    const leftover = join(dir, 'tfa_userdata.json.lock.whm2fa.999999999');
    writeFileSync(leftover, '999999999\n');
    expect(orphanFixLeftovers(paths, { remove: false })).toEqual([leftover]);
    expect(orphanFixLeftovers(paths, { remove: true })).toEqual([leftover]);
    expect(orphanFixLeftovers(paths, { remove: false })).toEqual([]);
  });
});

describe('entriesOf', () => {
  it("splits an account's mailbox and team keys from the others", () => {
    const store = new Map([
      ['bob', 'A'],
      ['info@bob.example', 'B'],
      ['news@Blog.Bob.Example', 'C'],
      ['dev@bob', 'D'],
      ['dev@BOB', 'E'],
      ['x@carol.example', 'F'],
      ['dev@carol', 'G'],
      ['a@b@bob', 'H'],
      ['bob@other.example', 'I'],
    ]);
    const { email, team } = entriesOf(paths, 'bob', store);
    expect([...email]).toEqual([
      ['info@bob.example', 'B'],
      ['news@Blog.Bob.Example', 'C'],
    ]);
    expect([...team]).toEqual([
      ['dev@bob', 'D'],
      ['dev@BOB', 'E'],
      ['a@b@bob', 'H'],
    ]);
  });
});
