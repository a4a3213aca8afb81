// Changes made to cPanel's store outside whm2fa, found by comparing key fingerprints with
// whm2fa's last view (in-process, temporary tree): the first look takes a baseline, each
// later difference is one audit entry, whm2fa's own expected save is not blamed on cPanel,
// and no key is ever written to whm2fa's files.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectKeyLocked, forgetExpectedLocked, reconcile, rememberKeysLocked } from '../../plugin/src/reconcile';
import { keyFingerprint } from '../../plugin/src/keyFingerprint';
import { listAudit } from '../../plugin/src/audit';
import { StateError } from '../../plugin/src/errors';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';
import { writeStore } from '../support/fakeBridge';

const T0 = 1_800_000_000;
const K1 = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const K2 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

let root: string;
let paths: ServerPaths;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'whm2fa-reconcile-'));
  paths = serverPaths(root);
  mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const entries = (): Array<{ subject: string; action: string; result: string; at: string; ip: string }> =>
  listAudit(paths, { limit: 100, visible: () => true }).reverse();
const known = (): unknown => JSON.parse(readFileSync(paths.knownKeysFile, 'utf8'));

describe('keyFingerprint', () => {
  it('is 16 hex digits of SHA-256 over the upper-cased key', () => {
    expect(keyFingerprint(K1)).toMatch(/^[0-9a-f]{16}$/);
    expect(keyFingerprint(K1.toLowerCase())).toBe(keyFingerprint(K1));
    expect(keyFingerprint(K1)).not.toBe(keyFingerprint(K2));
    // SHA-256("ABC") begins b5d4045c3f466fa9.
    expect(keyFingerprint('abc')).toBe('b5d4045c3f466fa9');
  });
});

describe('reconcile', () => {
  it('takes a baseline on its first run and records nothing', () => {
    writeStore(paths, { bob: K1, 'info@bob.example': K2 });
    expect(reconcile(paths, T0)).toBe(0);
    expect(entries()).toEqual([]);
    expect(known()).toEqual({ bob: keyFingerprint(K1) });
    expect(readFileSync(paths.knownKeysFile, 'utf8')).not.toContain(K1);
  });

  it('records each key turned on, off or replaced outside whm2fa, once', () => {
    writeStore(paths, { carol: K1, bob: K1, dave: K2 });
    reconcile(paths, T0);
    writeStore(paths, { bob: K2, erin: K1, dave: K2, 'x@erin.example': K2 });
    expect(reconcile(paths, T0 + 60)).toBe(3);
    const seen = entries().map((e) => [e.subject, e.action, e.result, e.at, e.ip]);
    const at = new Date((T0 + 60) * 1000).toISOString();
    expect(seen.sort()).toEqual(
      [
        ['bob', 'cpanel.change', 'key replaced outside whm2fa (cPanel’s own pages or API)', at, ''],
        ['carol', 'cpanel.change', 'turned off outside whm2fa (cPanel’s own pages or API)', at, ''],
        ['erin', 'cpanel.change', 'turned on outside whm2fa (cPanel’s own pages or API)', at, ''],
      ].sort(),
    );
    expect(known()).toEqual({ bob: keyFingerprint(K2), dave: keyFingerprint(K2), erin: keyFingerprint(K1) });
    expect(Object.keys(known() as object)).toEqual(['bob', 'dave', 'erin']);
    expect(reconcile(paths, T0 + 120)).toBe(0);
    expect(entries()).toHaveLength(3);
  });

  it('leaves the file untouched when nothing changed', () => {
    writeStore(paths, { bob: K1 });
    reconcile(paths, T0);
    writeFileSync(paths.knownKeysFile, JSON.stringify({ bob: keyFingerprint(K1) }, null, 4));
    const before = readFileSync(paths.knownKeysFile, 'utf8');
    expect(reconcile(paths, T0 + 1)).toBe(0);
    expect(readFileSync(paths.knownKeysFile, 'utf8')).toBe(before);
  });

  it('skips fingerprints that are not text, and refuses a file that holds no map', () => {
    writeStore(paths, { bob: K1 });
    writeFileSync(paths.knownKeysFile, JSON.stringify({ bob: keyFingerprint(K1), carol: 5 }));
    expect(reconcile(paths, T0)).toBe(0);
    for (const text of ['[]', '"x"', 'null']) {
      writeFileSync(paths.knownKeysFile, text);
      expect(() => reconcile(paths, T0), text).toThrow(StateError);
      expect(() => reconcile(paths, T0), text).toThrow(`${paths.knownKeysFile} does not hold key fingerprints`);
    }
    expect(readFileSync(paths.knownKeysFile, 'utf8')).toBe('null');
  });

  it("does not blame cPanel for whm2fa's own expected save, until it expires", () => {
    writeStore(paths, {});
    reconcile(paths, T0);
    expectKeyLocked(paths, 'bob', K1, T0);
    writeStore(paths, { bob: K1 });
    expect(reconcile(paths, T0 + 15 * 60)).toBe(0);
    expect(known()).toEqual({ bob: keyFingerprint(K1) });

    // Another key than the one expected is an outside change.
    expectKeyLocked(paths, 'carol', K1, T0);
    writeStore(paths, { bob: K1, carol: K2 });
    expect(reconcile(paths, T0 + 10)).toBe(1);

    // An expectation past its 15 minutes no longer covers the change.
    expectKeyLocked(paths, 'dave', K2, T0);
    writeStore(paths, { bob: K1, carol: K2, dave: K2 });
    expect(reconcile(paths, T0 + 15 * 60 + 1)).toBe(1);
    expect(entries().map((e) => e.subject)).toEqual(['carol', 'dave']);
  });

  it('keeps each expectation until the save is over', () => {
    expectKeyLocked(paths, 'bob', K1, T0);
    expectKeyLocked(paths, 'carol', K2, T0 + 5);
    const file = JSON.parse(readFileSync(paths.expectedKeysFile, 'utf8')) as Record<string, unknown>;
    expect(file).toEqual({
      bob: { fp: keyFingerprint(K1), until: T0 + 900 },
      carol: { fp: keyFingerprint(K2), until: T0 + 905 },
    });
    expect(readFileSync(paths.expectedKeysFile, 'utf8')).not.toContain(K1);
    forgetExpectedLocked(paths, 'nobody');
    forgetExpectedLocked(paths, 'bob');
    expect(Object.keys(JSON.parse(readFileSync(paths.expectedKeysFile, 'utf8')) as object)).toEqual(['carol']);
    forgetExpectedLocked(paths, 'carol');
    expect(existsSync(paths.expectedKeysFile)).toBe(false);
  });

  it('ignores damaged expectations', () => {
    writeStore(paths, {});
    reconcile(paths, T0);
    writeFileSync(
      paths.expectedKeysFile,
      JSON.stringify({ bob: { fp: keyFingerprint(K1) }, carol: { until: T0 + 100 }, dave: null }),
    );
    writeStore(paths, { bob: K1, carol: K1, dave: K1 });
    expect(reconcile(paths, T0)).toBe(3);
    writeFileSync(paths.expectedKeysFile, '[1]');
    expectKeyLocked(paths, 'erin', K1, T0);
    expect(Object.keys(JSON.parse(readFileSync(paths.expectedKeysFile, 'utf8')) as object)).toEqual(['erin']);
  });
});

describe('rememberKeysLocked', () => {
  it("records whm2fa's own changes so reconcile does not report them", () => {
    writeStore(paths, { bob: K1, carol: K1 });
    reconcile(paths, T0);
    writeStore(paths, { bob: K2, dave: K1 });
    rememberKeysLocked(
      paths,
      new Map<string, string | undefined>([
        ['bob', K2],
        ['carol', undefined],
        ['dave', K1],
      ]),
    );
    expect(reconcile(paths, T0 + 1)).toBe(0);
    expect(known()).toEqual({ bob: keyFingerprint(K2), dave: keyFingerprint(K1) });
  });

  it('keeps nothing before a baseline, and writes nothing for no change', () => {
    rememberKeysLocked(paths, new Map([['bob', K1]]));
    expect(existsSync(paths.knownKeysFile)).toBe(false);
    writeFileSync(paths.knownKeysFile, '{ "bob": "x" }');
    rememberKeysLocked(paths, new Map());
    expect(readFileSync(paths.knownKeysFile, 'utf8')).toBe('{ "bob": "x" }');
  });
});
