/**
 * cPanel's own 2FA state, read straight from its files (whm-contract.md §5). Reading is
 * allowed and fast; every write goes through the bridge in cpanel.ts instead.
 */
import { readFileSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { Whm2faError } from './errors';
import { isNoEntry } from './store';
import type { ServerPaths } from './paths';

function cpanelDataError(): Whm2faError {
  return new Whm2faError(
    'CPANEL_FAILED',
    "cPanel's two-factor authentication data could not be read. Nothing was changed. Ask your host to check the server.",
  );
}

function readCpanelJson(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (isNoEntry(err)) return {};
    throw cpanelDataError();
  }
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw cpanelDataError();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw cpanelDataError();
  return value as Record<string, unknown>;
}

/** Every user with a secret in cPanel's store, with the secret. */
export function readSecrets(paths: ServerPaths): Map<string, string> {
  const secrets = new Map<string, string>();
  for (const [user, entry] of Object.entries(readCpanelJson(paths.tfaUserdata))) {
    const secret = (entry as { secret?: unknown } | null)?.secret;
    if (typeof secret === 'string' && secret !== '') secrets.set(user, secret);
  }
  return secrets;
}

/** The user's secret in cPanel's store: "2FA is enabled" means this exists. */
export function secretOf(paths: ServerPaths, user: string): string | undefined {
  return readSecrets(paths).get(user);
}

/** `SecurityPolicy::TwoFactorAuth=1` in cpanel.config: whether cpsrvd asks for codes at login. */
export function policyEnabled(paths: ServerPaths): boolean {
  let text: string;
  try {
    text = readFileSync(paths.cpanelConfig, 'utf8');
  } catch (err) {
    if (isNoEntry(err)) return false;
    throw cpanelDataError();
  }
  let enabled = false;
  for (const line of text.split('\n')) {
    // cpanel.config is key=value without trimming; a repeated key: the last wins.
    if (line.startsWith('SecurityPolicy::TwoFactorAuth=')) {
      enabled = line.slice('SecurityPolicy::TwoFactorAuth='.length).trim() === '1';
    }
  }
  return enabled;
}

/** issuer_userdata.json: `system_wide_issuer` and per-reseller entries. */
export function readCpanelIssuers(paths: ServerPaths): Map<string, string> {
  const issuers = new Map<string, string>();
  for (const [key, value] of Object.entries(readCpanelJson(paths.issuerUserdata))) {
    if (typeof value === 'string' && value !== '') issuers.set(key, value);
  }
  return issuers;
}

/** The server's hostname: cPanel's default issuer. */
export function serverHostname(paths: ServerPaths): string {
  try {
    const name = readFileSync(paths.hostnameFile, 'utf8').trim();
    if (name !== '') return name;
  } catch {
    // Fall through to the kernel's name.
  }
  return osHostname();
}
