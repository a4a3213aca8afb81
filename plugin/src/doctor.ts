/**
 * `whm2fa doctor`: what a host checks when something seems wrong — Node, registration,
 * hooks, the login policy, file permissions, and whether cPanel's tools answer.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cpanelBridge } from './cpanel';
import { MIN_NODE_MAJOR } from './rules';
import type { ServerPaths } from './paths';

/** One line of `whm2fa doctor`: what was checked, whether it is fine, and the detail. */
export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

function modeOf(file: string): number | undefined {
  try {
    return statSync(file).mode & 0o777;
  } catch {
    return undefined;
  }
}

const octal = (mode: number | undefined): string =>
  mode === undefined ? 'missing' : mode.toString(8).padStart(4, '0');

function permissions(paths: ServerPaths): Check {
  const problems: string[] = [];
  const expect = (file: string, mode: number): void => {
    const actual = modeOf(file);
    if (actual !== mode) problems.push(`${file} is ${octal(actual)}, expected ${octal(mode)}`);
  };
  expect(paths.stateDir, 0o700);
  expect(join(paths.cgiDir, 'api.cgi'), 0o755);
  expect(join(paths.cgiDir, 'index.cgi'), 0o755);
  const walk = (dir: string): void => {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const file = join(dir, name);
      if (statSync(file).isDirectory()) {
        expect(file, 0o700);
        walk(file);
      } else if (!name.endsWith('.lock')) expect(file, 0o600);
    }
  };
  walk(paths.stateDir);
  return {
    name: 'permissions',
    ok: problems.length === 0,
    detail: problems.length === 0 ? 'state 0700/0600, CGI 0755' : problems.join('; '),
  };
}

/**
 * Checks the installation: state folder permissions, the Node.js version, the AppConfig
 * registration, the account hooks, that cPanel's WHM API answers, and the login policy.
 */
export function runDoctor(paths: ServerPaths): Check[] {
  const checks: Check[] = [];
  const major = Number(process.versions.node.split('.')[0]);
  checks.push({
    name: 'node',
    ok: major >= MIN_NODE_MAJOR,
    detail: `Node.js ${process.versions.node} (needs ${String(MIN_NODE_MAJOR)}+)`,
  });
  const registered = modeOf(join(paths.appsDir, 'whm2fa.conf')) !== undefined;
  checks.push({
    name: 'registration',
    ok: registered,
    detail: registered ? 'whm2fa is registered with WHM' : 'not registered: run install.sh again',
  });
  const bridge = cpanelBridge(paths);
  const hookPath = join(paths.programDir, 'whm2fa-hook');
  try {
    const listed = bridge.listHooks().includes(hookPath);
    checks.push({
      name: 'hooks',
      ok: listed,
      detail: listed ? 'account hooks registered' : 'account hooks missing: run install.sh again',
    });
  } catch (err) {
    checks.push({ name: 'hooks', ok: false, detail: err instanceof Error ? err.message : 'manage_hooks failed' });
  }
  try {
    const on = bridge.policyStatus();
    checks.push({ name: 'cpanel', ok: true, detail: "cPanel's WHM API answers" });
    checks.push({
      name: 'policy',
      ok: on,
      detail: on ? 'logins ask for codes' : 'OFF: logins do not ask for codes (whmapi1 twofactorauth_enable_policy)',
    });
  } catch (err) {
    checks.push({ name: 'cpanel', ok: false, detail: err instanceof Error ? err.message : 'whmapi1 failed' });
  }
  checks.push(permissions(paths));
  return checks;
}
