// scripts/ensure.mjs: npm ci runs only when node_modules is missing or does not match
// the lock file, never on every `npm test` / `npm start` / `npm run bench`.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dependencyState, ensureDependencies, STAMP } from '../../scripts/ensure.mjs';

let top: string;
let installs: number;

const LOCK = {
  name: 'x',
  lockfileVersion: 3,
  packages: {
    '': { name: 'x' },
    'node_modules/a': { version: '1.0.0' },
    'node_modules/b': { version: '2.0.0', dev: true },
    'node_modules/@esbuild/other-os': { version: '0.1.0', optional: true },
  },
};

function writeLock(lock: unknown): void {
  writeFileSync(join(top, 'package-lock.json'), JSON.stringify(lock, null, 2));
}

/** What npm ci leaves behind: node_modules with npm's record of the install. */
function fakeNpmCi(lock: { packages: Record<string, object> } = LOCK): () => void {
  return () => {
    installs += 1;
    mkdirSync(join(top, 'node_modules'), { recursive: true });
    const installed = Object.fromEntries(
      Object.entries(lock.packages).filter(([name, entry]) => name !== '' && !('optional' in entry)),
    );
    writeFileSync(join(top, 'node_modules/.package-lock.json'), JSON.stringify({ packages: installed }));
  };
}

const ensure = (install = fakeNpmCi()): boolean => ensureDependencies({ top, install });

beforeEach(() => {
  top = mkdtempSync(join(tmpdir(), 'whm2fa-ensure-'));
  installs = 0;
  writeLock(LOCK);
});
afterEach(() => rmSync(top, { recursive: true, force: true }));

describe('ensureDependencies', () => {
  it('installs when node_modules is missing, and records the lock file it installed', () => {
    expect(dependencyState(top)).toMatchObject({ current: false, reason: 'node_modules is missing' });
    expect(ensure()).toBe(true);
    expect(installs).toBe(1);
    expect(readFileSync(join(top, 'node_modules', STAMP), 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
  });

  it('does not install again while the lock file is unchanged', () => {
    ensure();
    expect(ensure()).toBe(false);
    expect(ensure()).toBe(false);
    expect(installs).toBe(1);
  });

  it('installs again when the lock file changed since the last install', () => {
    ensure();
    writeLock({ ...LOCK, packages: { ...LOCK.packages, 'node_modules/a': { version: '1.0.1' } } });
    expect(dependencyState(top)).toMatchObject({ current: false, reason: /lock\.json changed/ });
    ensure();
    expect(installs).toBe(2);
  });

  it('trusts an install made by hand (no stamp) when npm installed every package at its locked version', () => {
    fakeNpmCi()();
    installs = 0;
    expect(ensure()).toBe(false);
    expect(installs).toBe(0);
    expect(readFileSync(join(top, 'node_modules', STAMP), 'utf8')).not.toBe('');
  });

  it('installs when an install made by hand has another version or lacks a package', () => {
    fakeNpmCi({ packages: { 'node_modules/a': { version: '0.9.0' } } })();
    expect(dependencyState(top)).toMatchObject({ current: false, reason: 'node_modules/a is not installed at 1.0.0' });
    rmSync(join(top, 'node_modules/.package-lock.json'));
    expect(dependencyState(top)).toMatchObject({ current: false, reason: 'node_modules has no record of an install' });
    installs = 0;
    ensure();
    expect(installs).toBe(1);
  });

  it('a non-optional package missing from the record means installing', () => {
    mkdirSync(join(top, 'node_modules'));
    writeFileSync(
      join(top, 'node_modules/.package-lock.json'),
      JSON.stringify({ packages: { 'node_modules/a': { version: '1.0.0' } } }),
    );
    expect(dependencyState(top)).toMatchObject({ current: false, reason: 'node_modules/b is not installed at 2.0.0' });
  });
});
