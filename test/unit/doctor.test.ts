// `whm2fa doctor` in-process against a temporary tree with small shell tools standing in
// for manage_hooks and whmapi1: each check's verdict and detail, and --fix removing
// orphan entries and leftovers and reading the result back.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUNDLES, runDoctor, type Check } from '../../plugin/src/doctor';
import { MIN_NODE_MAJOR } from '../../plugin/src/rules';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';
import { storeSecrets, writeAccounts, writeStore } from '../support/fakeBridge';

const T0 = 1_800_000_000;
const K = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

let root: string;
let paths: ServerPaths;

function tool(file: string, script: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/sh\ncat >/dev/null\n${script}\n`);
  chmodSync(file, 0o755);
}

function put(file: string, text: string, mode = 0o600): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, text);
  chmodSync(file, mode);
}

const byName = (checks: Check[]): Record<string, Check> => Object.fromEntries(checks.map((c) => [c.name, c]));

/** A tree where every check passes. */
function healthy(): void {
  mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  chmodSync(paths.stateDir, 0o700);
  put(paths.settingsFile, '{"issuers":{}}');
  put(join(paths.cgiDir, 'api.cgi'), '', 0o755);
  put(join(paths.cgiDir, 'index.cgi'), '', 0o755);
  put(join(paths.appsDir, 'whm2fa.conf'), 'name=whm2fa\n', 0o644);
  tool(paths.manageHooks, `echo "Whostmgr::Accounts::Create post ${join(paths.programDir, 'whm2fa-hook')}"`);
  tool(paths.whmapi1, `echo '{"metadata":{"result":1},"data":{"is_enabled":1}}'`);
  writeAccounts(paths, { bob: { domains: ['bob.example'] } });
  writeStore(paths, { bob: K });
  // Stand-ins for the installed bundles: each loads, and ours export `main` as the real ones do.
  for (const name of BUNDLES)
    put(
      join(paths.programDir, `${name}.js`),
      name.startsWith('vendor-') ? 'module.exports = {};\n' : 'exports.main = () => undefined;\n',
      0o644,
    );
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'whm2fa-doctor-'));
  paths = serverPaths(root);
  healthy();
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('runDoctor', () => {
  it('passes every check on a healthy server, in order', () => {
    const checks = runDoctor(paths, T0);
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ['node', true],
      ['bundles', true],
      ['registration', true],
      ['hooks', true],
      ['cpanel', true],
      ['policy', true],
      ['settings', true],
      ['audit', true],
      ['orphans', true],
      ['leftovers', true],
      ['permissions', true],
    ]);
    expect(checks.map((c) => c.detail)).toEqual([
      `Node.js ${process.versions.node} (needs ${String(MIN_NODE_MAJOR)}+)`,
      `all ${String(BUNDLES.length)} bundles load with Node's require`,
      'whm2fa is registered with WHM',
      'account hooks registered',
      "cPanel's WHM API answers",
      'logins ask for codes',
      'the settings file is valid (whm2fa config get shows it)',
      'every audit segment reads',
      'every 2FA entry in cPanel’s store has an account',
      'no files left by killed processes',
      'state 0700/0600, CGI 0755',
    ]);
  });

  it('names a bundle that does not load or has no main', () => {
    put(
      join(paths.programDir, 'api.js'),
      'exports.main = () => undefined;\nthrow new Error("cut short\\nmore");\n',
      0o644,
    );
    put(join(paths.programDir, 'cli.js'), 'exports.run = () => undefined;\n', 0o644);
    rmSync(join(paths.programDir, 'vendor-otplib.js'));
    const check = byName(runDoctor(paths, T0))['bundles'];
    expect(check?.ok).toBe(false);
    expect(check?.detail).toMatch(
      /^api\.js does not load \(Error: cut short\); cli\.js has no main; vendor-otplib\.js does not load \(Error: Cannot find module '[^']*vendor-otplib\.js'\): run install\.sh again$/,
    );
  });

  it('finds a missing registration and missing hooks', () => {
    rmSync(join(paths.appsDir, 'whm2fa.conf'));
    // Another program of ours registered is not the hook.
    tool(paths.manageHooks, `echo "Whostmgr::Accounts::Create post ${join(paths.programDir, 'other-hook')}"`);
    const c = byName(runDoctor(paths, T0));
    expect(c['registration']).toEqual({
      name: 'registration',
      ok: false,
      detail: 'not registered: run install.sh again',
    });
    expect(c['hooks']).toEqual({ name: 'hooks', ok: false, detail: 'account hooks missing: run install.sh again' });
  });

  it("says so when cPanel's tools fail, and goes on", () => {
    tool(paths.manageHooks, 'exit 4');
    tool(paths.whmapi1, 'echo garbage');
    const checks = runDoctor(paths, T0);
    const c = byName(checks);
    expect(c['hooks']).toEqual({
      name: 'hooks',
      ok: false,
      detail: 'cPanel call failed: its tool exited with status 4',
    });
    expect(c['cpanel']).toEqual({
      name: 'cpanel',
      ok: false,
      detail: 'cPanel call failed: its answer could not be understood',
    });
    expect(c['policy']).toBeUndefined();
    expect(checks.map((x) => x.name)).toEqual([
      'node',
      'bundles',
      'registration',
      'hooks',
      'cpanel',
      'settings',
      'audit',
      'orphans',
      'leftovers',
      'permissions',
    ]);
  });

  it('warns when the login policy is off', () => {
    tool(paths.whmapi1, `echo '{"metadata":{"result":1},"data":{"is_enabled":0}}'`);
    expect(byName(runDoctor(paths, T0))['policy']).toEqual({
      name: 'policy',
      ok: false,
      detail: 'OFF: logins do not ask for codes (whmapi1 twofactorauth_enable_policy)',
    });
  });

  it('finds wrong permissions anywhere under the state folder', () => {
    chmodSync(paths.stateDir, 0o755);
    chmodSync(paths.settingsFile, 0o644);
    mkdirSync(paths.userStateDir, { mode: 0o755 });
    chmodSync(paths.userStateDir, 0o755);
    put(join(paths.userStateDir, 'bob.json'), '{}', 0o640);
    put(join(paths.stateDir, 'state.lock'), '', 0o644);
    rmSync(join(paths.cgiDir, 'index.cgi'));
    chmodSync(join(paths.cgiDir, 'api.cgi'), 0o700);
    const check = byName(runDoctor(paths, T0))['permissions'];
    expect(check?.ok).toBe(false);
    expect(check?.detail.split('; ').sort()).toEqual(
      [
        `${paths.stateDir} is 0755, expected 0700`,
        `${join(paths.cgiDir, 'api.cgi')} is 0700, expected 0755`,
        `${join(paths.cgiDir, 'index.cgi')} is missing, expected 0755`,
        `${paths.settingsFile} is 0644, expected 0600`,
        `${paths.userStateDir} is 0755, expected 0700`,
        `${join(paths.userStateDir, 'bob.json')} is 0640, expected 0600`,
      ].sort(),
    );
  });

  it('reports orphan entries, one or many, and removes them with --fix', () => {
    writeStore(paths, { bob: K, gone: K });
    expect(byName(runDoctor(paths, T0))['orphans']).toEqual({
      name: 'orphans',
      ok: false,
      detail:
        '1 2FA entry with no account behind: gone (no account of this name). A new holder of such a name or domain would inherit the old key: run "whm2fa doctor --fix" to remove them.',
    });
    writeStore(paths, { bob: K, gone: K, 'x@gone.example': K });
    expect(byName(runDoctor(paths, T0))['orphans']?.detail).toMatch(
      /^2 2FA entries with no account behind: gone \(no account of this name\), x@gone\.example \(no account has this domain or team\)\. /,
    );
    expect(byName(runDoctor(paths, T0, { fix: true }))['orphans']).toEqual({
      name: 'orphans',
      ok: true,
      detail: 'removed 2 orphan entries: gone, x@gone.example',
    });
    expect(storeSecrets(paths)).toEqual({ bob: K });
    writeStore(paths, { bob: K, gone: K });
    expect(byName(runDoctor(paths, T0, { fix: true }))['orphans']?.detail).toBe('removed 1 orphan entry: gone');
    expect(byName(runDoctor(paths, T0, { fix: true }))['orphans']?.ok).toBe(true);
  });

  it("says so when cPanel's store cannot be read or changed", () => {
    writeFileSync(paths.tfaUserdata, '{');
    const check = byName(runDoctor(paths, T0))['orphans'];
    expect(check?.ok).toBe(false);
    expect(check?.detail).toBe(
      "cPanel's two-factor authentication data could not be read. Ask your host to check the server.",
    );
    writeStore(paths, { bob: K, gone: K });
    // A lock file of ours in cPanel's folder that cannot be made: the fix fails, the rest runs.
    mkdirSync(`${paths.tfaUserdata}.lock.whm2fa.${String(process.pid)}`);
    const fixed = runDoctor(paths, T0, { fix: true });
    expect(byName(fixed)['orphans']?.ok).toBe(false);
    expect(byName(fixed)['orphans']?.detail).not.toBe('');
    expect(fixed.map((c) => c.name).slice(-2)).toEqual(['leftovers', 'permissions']);
  });

  it('finds files left by killed processes and removes them with --fix', () => {
    mkdirSync(paths.tmpDir, { recursive: true, mode: 0o700 });
    put(join(paths.tmpDir, '.settings.json.999999999.tmp'), '{}');
    put(`${paths.tfaUserdata}.lock.whm2fa.999999999`, '999999999\n');
    expect(byName(runDoctor(paths, T0))['leftovers']).toEqual({
      name: 'leftovers',
      ok: false,
      detail: '2 file(s) left by killed processes (temporary or lock files): run "whm2fa doctor --fix"',
    });
    expect(byName(runDoctor(paths, T0, { fix: true }))['leftovers']).toEqual({
      name: 'leftovers',
      ok: true,
      detail: 'removed 2 file(s) left by killed processes',
    });
    expect(byName(runDoctor(paths, T0))['leftovers']?.ok).toBe(true);
  });
});
