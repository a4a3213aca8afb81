/**
 * `whm2fa doctor`: what a host checks when something seems wrong — Node, the bundles the
 * wrappers load, registration, hooks, the login policy, file permissions, whether cPanel's tools answer, orphan
 * entries in cPanel's 2FA store, and files left by killed processes. With `fix`, the
 * last two are repaired and the result read back.
 */
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { cpanelBridge } from './cpanel';
import { findOrphans, orphanFixLeftovers, removeOrphans } from './orphans';
import { sweepLeftovers } from './store';
import { MIN_NODE_MAJOR } from './rules';
import { readOwnSettings } from './settingsFile';
import { auditDamage } from './audit';
import { hookHealth } from './hookEvents';
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
      } else if (!name.includes('.lock')) expect(file, 0o600);
    }
  };
  walk(paths.stateDir);
  return {
    name: 'permissions',
    ok: problems.length === 0,
    detail: problems.length === 0 ? 'state 0700/0600, CGI 0755' : problems.join('; '),
  };
}

/** The bundles in the program folder: the four the wrappers load, and the vendor files some flows require. */
export const BUNDLES = [
  'api',
  'index',
  'hook',
  'cli',
  'vendor-otplib',
  'vendor-otplib-crypto',
  'vendor-qrcode',
] as const;

/**
 * Whether every bundle loads with Node's own `require` (and a wrapper's has its `main`): a
 * truncated or damaged file is named with its error, never a crash of doctor. Loading runs
 * only their top-level code, which defines functions and starts nothing.
 */
function bundles(paths: ServerPaths): Check {
  const load = createRequire(join(paths.programDir, 'doctor'));
  const problems: string[] = [];
  for (const name of BUNDLES) {
    const file = join(paths.programDir, `${name}.js`);
    try {
      const loaded = load(file) as { main?: unknown } | null;
      if (!name.startsWith('vendor-') && typeof loaded?.main !== 'function') problems.push(`${name}.js has no main`);
    } catch (err) {
      const why = err instanceof Error ? `${err.name}: ${err.message.split('\n')[0] ?? ''}` : String(err);
      problems.push(`${name}.js does not load (${why})`);
    }
  }
  return {
    name: 'bundles',
    ok: problems.length === 0,
    detail:
      problems.length === 0
        ? `all ${String(BUNDLES.length)} bundles load with Node's require`
        : `${problems.join('; ')}: run install.sh again`,
  };
}

function orphans(paths: ServerPaths, fix: boolean, epochSeconds: number): Check {
  let found: Map<string, string>;
  try {
    found = findOrphans(paths);
  } catch (err) {
    return { name: 'orphans', ok: false, detail: err instanceof Error ? err.message : 'cannot read cPanel’s store' };
  }
  if (found.size === 0)
    return { name: 'orphans', ok: true, detail: 'every 2FA entry in cPanel’s store has an account' };
  const list = [...found].map(([key, why]) => `${key} (${why})`).join(', ');
  if (!fix) {
    return {
      name: 'orphans',
      ok: false,
      detail: `${String(found.size)} 2FA entr${found.size === 1 ? 'y' : 'ies'} with no account behind: ${list}. A new holder of such a name or domain would inherit the old key: run "whm2fa doctor --fix" to remove them.`,
    };
  }
  let gone: string[];
  try {
    gone = removeOrphans(paths, [...found.keys()], epochSeconds);
  } catch (err) {
    // Said as a failed check: the other checks (the leftovers sweep among them) still run.
    return { name: 'orphans', ok: false, detail: err instanceof Error ? err.message : 'cannot change cPanel’s store' };
  }
  const left = [...found.keys()].filter((key) => !gone.includes(key));
  return {
    name: 'orphans',
    ok: left.length === 0,
    detail:
      left.length === 0
        ? `removed ${String(gone.length)} orphan entr${gone.length === 1 ? 'y' : 'ies'}: ${gone.join(', ')}`
        : `still in cPanel’s store after the fix: ${left.join(', ')}`,
  };
}

function leftovers(paths: ServerPaths, fix: boolean): Check {
  const found = [...sweepLeftovers(paths.stateDir, { remove: fix }), ...orphanFixLeftovers(paths, { remove: fix })];
  if (found.length === 0) return { name: 'leftovers', ok: true, detail: 'no files left by killed processes' };
  return {
    name: 'leftovers',
    ok: fix,
    detail: fix
      ? `removed ${String(found.length)} file(s) left by killed processes`
      : `${String(found.length)} file(s) left by killed processes (temporary or lock files): run "whm2fa doctor --fix"`,
  };
}

function settingsCheck(paths: ServerPaths): Check {
  try {
    readOwnSettings(paths);
    return { name: 'settings', ok: true, detail: 'the settings file is valid (whm2fa config get shows it)' };
  } catch (err) {
    return {
      name: 'settings',
      ok: false,
      detail: `${err instanceof Error ? err.message : 'the settings file is damaged'}: fix it with whm2fa config set`,
    };
  }
}

function auditCheck(paths: ServerPaths): Check {
  let damaged: string[];
  try {
    damaged = auditDamage(paths);
  } catch (err) {
    return { name: 'audit', ok: false, detail: err instanceof Error ? err.message : 'the audit trail cannot be read' };
  }
  return damaged.length === 0
    ? { name: 'audit', ok: true, detail: 'every audit segment reads' }
    : {
        name: 'audit',
        ok: false,
        detail: `damaged audit segment(s), skipped by readers and left for inspection: ${damaged.join(', ')}`,
      };
}

/**
 * Checks the installation: state folder permissions, the Node.js version, that the bundles
 * load, the AppConfig registration, the account hooks, that cPanel's WHM API answers, the
 * login policy, the settings file, every audit segment,
 * orphan entries in cPanel's store and files left by killed processes. With `fix`, the
 * last two are repaired (recorded at `epochSeconds`).
 */
export function runDoctor(paths: ServerPaths, epochSeconds: number, options: { fix?: boolean } = {}): Check[] {
  const fix = options.fix === true;
  const checks: Check[] = [];
  const major = Number(process.versions.node.split('.')[0]);
  checks.push({
    name: 'node',
    ok: major >= MIN_NODE_MAJOR,
    detail: `Node.js ${process.versions.node} (needs ${String(MIN_NODE_MAJOR)}+)`,
  });
  checks.push(bundles(paths));
  const registered = modeOf(join(paths.appsDir, 'whm2fa.conf')) !== undefined;
  checks.push({
    name: 'registration',
    ok: registered,
    detail: registered ? 'whm2fa is registered with WHM' : 'not registered: run install.sh again',
  });
  const bridge = cpanelBridge(paths, { epochSeconds });
  const hookPath = join(paths.programDir, 'whm2fa-hook');
  try {
    const health = hookHealth(bridge.listHooks(), hookPath);
    checks.push({ name: 'hooks', ok: health.registered, detail: health.detail });
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
  checks.push(settingsCheck(paths));
  checks.push(auditCheck(paths));
  checks.push(orphans(paths, fix, epochSeconds));
  checks.push(leftovers(paths, fix));
  checks.push(permissions(paths));
  return checks;
}
