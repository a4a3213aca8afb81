// Set-up that `npm test` and `npm start` do by themselves on a fresh machine: the npm
// dependencies (npm ci) and, for the browser tests, Debian's Chromium. Imports nothing
// from node_modules, since it runs before they exist.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TOP = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CHROMIUM = '/usr/bin/chromium';

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: TOP, ...options });
  if (result.status !== 0) {
    console.error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

/** Installs the npm dependencies from the lock file when any is missing. */
export function ensureDependencies() {
  const needed = [
    'esbuild',
    'vitest',
    'typescript',
    'otplib',
    'qrcode',
    'preact',
    'playwright-core',
    'eslint',
    'prettier',
  ];
  if (needed.every((name) => existsSync(join(TOP, 'node_modules', name, 'package.json')))) return;
  console.log('Installing npm dependencies (npm ci)…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

/** Installs Debian's Chromium for the browser tests when it is missing. */
export function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  console.log('Installing Chromium from Debian packages for the browser tests…');
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), 'update'], { env });
  run(
    sudo[0] ?? 'apt-get',
    [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), 'install', '-y', '--no-install-recommends', 'chromium'],
    { env },
  );
}

export function runStep(label, command, args, options = {}) {
  console.log(`\n▶ ${label}`);
  run(command, args, options);
}
