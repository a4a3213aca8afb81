/**
 * cPanel's own 2FA state, read straight from its files (docs/cpanel.md, "The 2FA store").
 * Reading is allowed and fast; every write goes through the bridge in cpanel.ts instead.
 */
import { readFileSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { Whm2faError } from './errors';
import { t } from './messages';
import { isNoEntry } from './store';
import type { ServerPaths } from './paths';

function cpanelDataError(): Whm2faError {
  return new Whm2faError('CPANEL_FAILED', t('cpanel.dataUnreadable'));
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

/**
 * Every key with a secret in cPanel's store, with the secret. Keys are account names, and
 * also email accounts (`user@domain`) and team users (`team@owner`): see
 * {@link isAccountKey}.
 */
export function readSecrets(paths: ServerPaths): Map<string, string> {
  const secrets = new Map<string, string>();
  const store = readCpanelJson(paths.tfaUserdata);
  // The keys and an index loop, not Object.entries: a pair array per key, taken apart in a
  // fresh process's interpreter, cost ten times as much over a store of thousands of keys.
  const keys = Object.keys(store);
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i] as string;
    const secret = (store[key] as { secret?: unknown } | null)?.secret;
    if (typeof secret === 'string' && secret !== '') secrets.set(key, secret);
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

/** Whether a store key is an account's own (not an email account's or a team user's). */
export function isAccountKey(key: string): boolean {
  return !key.includes('@');
}

function readOptional(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * The address column of a hosts-file line: IPv4 dotted quad, or IPv6 (hex and colons, an
 * optional zone). A shape check is enough to skip a damaged line, and node:net would cost
 * every request its load time (about 2 ms) for it.
 */
const HOSTS_ADDRESS = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f]*:[0-9a-f:.]*(?:%\S+)?)$/i;

/**
 * The server's hostname as cPanel uses it for the default issuer, lower-cased
 * (docs/cpanel.md, "Issuers"): the kernel's node name (`uname -n`) when it has a dot;
 * else the canonical name the resolver gives for it, which whm2fa takes from the hosts
 * file only (the official name of the first line that lists the node name; no DNS query
 * from a page request); else /proc/sys/kernel/hostname; else the node name.
 */
export function serverHostname(paths: ServerPaths): string {
  const node = osHostname();
  if (node.includes('.')) return node.toLowerCase();
  if (node !== '') {
    const wanted = node.toLowerCase();
    for (const line of readOptional(paths.hostsFile).split('\n')) {
      const [address, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
      if (address === undefined || !HOSTS_ADDRESS.test(address) || names.length === 0) continue;
      if (names.some((name) => name.toLowerCase() === wanted)) return (names[0] ?? node).toLowerCase();
    }
  }
  const kernel = readOptional(paths.kernelHostnameFile).replace(/[\r\n]/g, '');
  return (kernel === '' ? node : kernel).toLowerCase();
}

/** cPanel's version as `[major, minor]` (`11.122.0.22` → `[11, 122]`); undefined when unknown. */
export function cpanelVersion(paths: ServerPaths): readonly [number, number] | undefined {
  let text: string;
  try {
    text = readFileSync(paths.cpanelVersionFile, 'utf8');
  } catch {
    return undefined;
  }
  const [major, minor] = text.trim().split('.').map(Number);
  if (major === undefined || minor === undefined || !Number.isInteger(major) || !Number.isInteger(minor)) {
    return undefined;
  }
  return [major, minor];
}
