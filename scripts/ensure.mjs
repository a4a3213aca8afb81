// Set-up that `npm test`, `npm start` and `npm run bench` do by themselves on a fresh
// machine: the npm dependencies (npm ci, only when node_modules is missing or the lock
// file changed since the last install) and, for the browser tests, Debian's Chromium.
// Imports nothing from node_modules, since it runs before they exist.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's top folder. */
export const TOP = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Where Debian's Chromium package puts the browser the browser tests drive. */
export const CHROMIUM = '/usr/bin/chromium';
/** Written into node_modules after an install: the hash of the lock file it installed. */
export const STAMP = '.whm2fa-lock.sha256';

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: TOP, ...options });
  if (result.status !== 0) {
    console.error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

function lockHash(top) {
  return createHash('sha256')
    .update(readFileSync(join(top, 'package-lock.json')))
    .digest('hex');
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Whether `top/node_modules` holds what `top/package-lock.json` asks for, and why not.
 * The stamp written after our own install answers at once; without it (npm ci run by
 * hand), npm's record of what it installed (`node_modules/.package-lock.json`) must list
 * every non-optional package of the lock file at the same version.
 */
export function dependencyState(top = TOP) {
  const modules = join(top, 'node_modules');
  if (!existsSync(modules)) return { current: false, reason: 'node_modules is missing' };
  const hash = lockHash(top);
  let stamp;
  try {
    stamp = readFileSync(join(modules, STAMP), 'utf8').trim();
  } catch {
    stamp = undefined;
  }
  if (stamp === hash) return { current: true, hash };
  if (stamp !== undefined) return { current: false, reason: 'package-lock.json changed since the last install', hash };
  const wanted = readJson(join(top, 'package-lock.json'))?.packages ?? {};
  const installed = readJson(join(modules, '.package-lock.json'))?.packages;
  if (installed === undefined) return { current: false, reason: 'node_modules has no record of an install', hash };
  for (const [name, entry] of Object.entries(wanted)) {
    if (name === '' || entry.link === true) continue;
    const have = installed[name];
    if (have === undefined && entry.optional === true) continue; // another platform's build
    if (have?.version !== entry.version)
      return { current: false, reason: `${name} is not installed at ${String(entry.version)}`, hash };
  }
  return { current: true, hash, stampMissing: true };
}

/**
 * Installs the npm dependencies from the lock file when node_modules is missing or does
 * not match it, then records the lock file's hash. `install` is the command (npm ci).
 */
export function ensureDependencies({
  top = TOP,
  install = () => run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: top }),
} = {}) {
  const state = dependencyState(top);
  if (!state.current) {
    console.log(`Installing npm dependencies (npm ci): ${state.reason}…`);
    install();
  } else if (state.stampMissing !== true) {
    return false;
  }
  writeFileSync(join(top, 'node_modules', STAMP), `${lockHash(top)}\n`);
  return !state.current;
}

/** Installs Debian's `package` with apt-get (through sudo when not root). */
function aptInstall(packageName, runner = run) {
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  runner(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), 'update'], { env });
  runner(
    sudo[0] ?? 'apt-get',
    [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), 'install', '-y', '--no-install-recommends', packageName],
    { env },
  );
}

/** Installs Debian's Chromium for the browser tests when it is missing. */
export function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  console.log('Installing Chromium from Debian packages for the browser tests…');
  aptInstall('chromium');
}

/** Whether `command` runs (is on the PATH). */
function runs(command) {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Makes sure rpmbuild is there (`npm run package` builds the RPM with it): installs
 * Debian's `rpm` package when it is missing. Returns undefined when rpmbuild runs, else
 * why it cannot be had (no apt-get, or the install failed): the caller says so.
 */
export function ensureRpmbuild() {
  if (runs('rpmbuild')) return undefined;
  if (!runs('apt-get'))
    return 'rpmbuild is missing and there is no apt-get to install it (install the rpm-build package)';
  console.log('Installing rpmbuild (Debian package rpm) to build the RPM…');
  let failed;
  aptInstall('rpm', (command, args, options) => {
    if (failed !== undefined) return;
    const result = spawnSync(command, args, { stdio: 'inherit', cwd: TOP, ...options });
    if (result.status !== 0)
      failed = `${command} ${args.join(' ')} failed (exit ${String(result.status ?? result.signal)})`;
  });
  if (failed !== undefined) return failed;
  return runs('rpmbuild') ? undefined : 'the rpm package was installed but rpmbuild does not run';
}

/** Prints a step's label and runs it, stopping the script if it fails. */
export function runStep(label, command, args, options = {}) {
  console.log(`\n▶ ${label}`);
  run(command, args, options);
}
