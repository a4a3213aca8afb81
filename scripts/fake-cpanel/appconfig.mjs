// Fake `register_appconfig FILE` / `unregister_appconfig NAME` (docs/cpanel.md, "Registration"): the
// file is validated by cPanel's rules and copied to /var/cpanel/apps/NAME.conf (0600).
import { chmodSync, copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readText, treePaths } from './lib.mjs';

/** Parses an AppConfig file exactly as cPanel does: split at the first "=", no trimming. */
export function parseAppConfig(text) {
  const keys = {};
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const eq = line.indexOf('=');
    if (eq === -1) continue;
    keys[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return keys;
}

export function validateAppConfig(keys) {
  if (!/^[A-Za-z0-9_-]+$/.test(keys.name ?? '')) return 'The "name" key is missing or invalid.';
  if (keys.service !== 'whostmgr') return 'The "service" key must be "whostmgr".';
  if (!keys.url || !keys.url.startsWith('/')) return 'The "url" key is missing or invalid.';
  if (!keys.acls) return 'The "acls" key is missing.';
  for (const [key, value] of Object.entries(keys)) {
    if (/^url\d*$/.test(key) && !value.startsWith('/')) return `The "${key}" key is invalid.`;
  }
  return undefined;
}

export function register(root, argv) {
  const paths = treePaths(root);
  const file = argv[0];
  const text = file ? readText(file, null) : null;
  if (text === null) {
    process.stdout.write(`The file "${file ?? ''}" does not exist.\n`);
    process.exit(1);
  }
  const keys = parseAppConfig(text);
  const problem = validateAppConfig(keys);
  if (problem !== undefined) {
    process.stdout.write(`${problem}\n`);
    process.exit(1);
  }
  mkdirSync(paths.appsDir, { recursive: true });
  const target = join(paths.appsDir, `${keys.name}.conf`);
  copyFileSync(file, target);
  chmodSync(target, 0o600);
  process.stdout.write(`${keys.name} registered\n`);
}

export function unregister(root, argv) {
  const paths = treePaths(root);
  const name = argv[0] ?? '';
  const target = join(paths.appsDir, `${name}.conf`);
  if (!/^[A-Za-z0-9_-]+$/.test(name) || readText(target, null) === null) {
    process.stdout.write(`The application "${name}" is not registered.\n`);
    process.exit(1);
  }
  rmSync(target);
  process.stdout.write(`${name} unregistered\n`);
}
