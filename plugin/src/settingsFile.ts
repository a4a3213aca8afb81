/**
 * The settings file a host's config tool (Ansible, Puppet) writes: `key=value` lines, `#`
 * comments, the format of cPanel's own cpanel.config. whm2fa keeps its own settings
 * (syslog, audit retention, tool timeout) in /var/cpanel/whm2fa/settings.conf; the
 * issuer and the login policy live in cPanel, their only home, and a file that names them
 * is applied there (see docs/decisions/settings-file.md). A file is checked whole before
 * anything is applied: one bad line and nothing changes.
 */
import { readFileSync } from 'node:fs';
import { isNoEntry, writeTextAtomic } from './store';
import { StateError } from './errors';
import { issuerProblem } from './rules';
import { issuerProblemText } from './issuerWords';
import { english } from './messages';
import type { ServerPaths } from './paths';

/** whm2fa's own settings, as kept in settings.conf. */
export interface OwnSettings {
  /** Every audit entry also goes to the system log (facility authpriv, tag whm2fa). */
  readonly syslog: boolean;
  /** Entries older than this many days are dropped at the next rotation; 0 keeps them whatever their age. */
  readonly auditDays: number;
  /** The whole trail's bound in MiB (active file plus compressed archive). */
  readonly auditMib: number;
  /** How long one of cPanel's tools may run before whm2fa stops waiting. */
  readonly toolTimeoutSeconds: number;
}

/** Today's behaviour: syslog on, no age limit, the 6 MiB trail, 20 s per tool. */
export const DEFAULT_SETTINGS: OwnSettings = Object.freeze({
  syslog: true,
  auditDays: 0,
  auditMib: 6,
  toolTimeoutSeconds: 20,
});

/** Ten years: hosts with legal duties keep a year or more. */
export const MAX_AUDIT_DAYS = 3650;
/** A compaction reads the whole archive: past about a GiB it would hold the state lock for seconds. */
// A compaction reads the whole archive under the state lock (fair per key needs every
// entry): measured at about 5.9 s for 282 MiB on a 2-core machine, so 64 MiB keeps it near
// a second, well inside the 10 s other requests wait for the lock. Years of records are
// kept by age on a central log server (syslog), not in this file (docs/fleet.md).
export const MAX_AUDIT_MIB = 64;
/** The active file alone is 1 MiB: the trail needs at least one more for its archive. */
export const MIN_AUDIT_MIB = 2;

/** Every key a settings file may hold, in the order `config get` prints them. */
export const SETTING_KEYS = ['issuer', 'login_policy', 'syslog', 'audit_days', 'audit_mib', 'tool_timeout'] as const;
/** A key a settings file may hold. */
export type SettingKey = (typeof SETTING_KEYS)[number];

/** What a settings file asks for: only the keys it names. */
export interface SettingsRequest {
  readonly issuer?: string;
  readonly loginPolicy?: boolean;
  readonly own: Partial<OwnSettings>;
}

/** A line the file cannot be applied with, and why. */
export interface SettingsProblem {
  readonly line: number;
  readonly reason: string;
}

function isKey(key: string): key is SettingKey {
  return (SETTING_KEYS as readonly string[]).includes(key);
}

function onOff(value: string): boolean | string {
  if (value === 'on') return true;
  if (value === 'off') return false;
  return 'takes on or off';
}

function wholeNumber(value: string, low: number, high: number, unit: string): number | string {
  if (!/^\d+$/.test(value)) return `takes a whole number of ${unit} from ${String(low)} to ${String(high)}`;
  const n = Number(value);
  return n >= low && n <= high ? n : `takes a whole number of ${unit} from ${String(low)} to ${String(high)}`;
}

/** The checked value of one key, or why it is refused. */
export function parseValue(key: SettingKey, value: string): string | number | boolean | { problem: string } {
  let parsed: string | number | boolean;
  switch (key) {
    case 'issuer': {
      const problem = issuerProblem(value);
      return problem === undefined ? value : { problem: issuerProblemText(english, problem) };
    }
    case 'login_policy':
    case 'syslog':
      parsed = onOff(value);
      return typeof parsed === 'string' ? { problem: `${key} ${parsed}` } : parsed;
    case 'audit_days':
      parsed = wholeNumber(value, 0, MAX_AUDIT_DAYS, 'days (0: no age limit)');
      break;
    case 'audit_mib':
      parsed = wholeNumber(value, MIN_AUDIT_MIB, MAX_AUDIT_MIB, 'MiB');
      break;
    case 'tool_timeout':
      parsed = wholeNumber(value, 1, 600, 'seconds');
      break;
  }
  return typeof parsed === 'string' ? { problem: `${key} ${parsed}` } : parsed;
}

function withValue(request: SettingsRequest, key: SettingKey, value: string | number | boolean): SettingsRequest {
  switch (key) {
    case 'issuer':
      return { ...request, issuer: value as string };
    case 'login_policy':
      return { ...request, loginPolicy: value as boolean };
    case 'syslog':
      return { ...request, own: { ...request.own, syslog: value as boolean } };
    case 'audit_days':
      return { ...request, own: { ...request.own, auditDays: value as number } };
    case 'audit_mib':
      return { ...request, own: { ...request.own, auditMib: value as number } };
    case 'tool_timeout':
      return { ...request, own: { ...request.own, toolTimeoutSeconds: value as number } };
  }
}

/** Adds `key=value` (already split) to `request`, or says why it cannot. */
export function requestWith(
  request: SettingsRequest,
  key: string,
  value: string,
): { request: SettingsRequest } | { problem: string } {
  if (!isKey(key)) return { problem: `unknown setting "${key}" (known: ${SETTING_KEYS.join(', ')})` };
  const parsed = parseValue(key, value);
  if (typeof parsed === 'object') return parsed;
  return { request: withValue(request, key, parsed) };
}

/**
 * Reads a settings file's text: every line is checked, and any problem (a line without
 * `=`, an unknown key, a key given twice, a value out of range) is returned with its line
 * number; the request is only meaningful when there is none.
 */
export function parseSettingsText(text: string): { request: SettingsRequest; problems: SettingsProblem[] } {
  let request: SettingsRequest = { own: {} };
  const problems: SettingsProblem[] = [];
  const seen = new Set<string>();
  if (text.includes('\u0000')) return { request, problems: [{ line: 1, reason: 'not a text file' }] };
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const content = raw.trim();
    if (content === '' || content.startsWith('#')) return;
    const eq = content.indexOf('=');
    if (eq === -1) {
      problems.push({ line, reason: 'expected key=value' });
      return;
    }
    const key = content.slice(0, eq).trim();
    const value = content.slice(eq + 1).trim();
    if (seen.has(key)) {
      problems.push({ line, reason: `${key} is given twice` });
      return;
    }
    seen.add(key);
    const next = requestWith(request, key, value);
    if ('problem' in next) problems.push({ line, reason: next.problem });
    else request = next.request;
  });
  return { request, problems };
}

/** The settings file's lines for whm2fa's own settings. */
export function ownSettingsLines(settings: OwnSettings): string[] {
  return [
    `syslog=${settings.syslog ? 'on' : 'off'}`,
    `audit_days=${String(settings.auditDays)}`,
    `audit_mib=${String(settings.auditMib)}`,
    `tool_timeout=${String(settings.toolTimeoutSeconds)}`,
  ];
}

/**
 * whm2fa's own settings from settings.conf: the defaults for what it does not name (and
 * when it does not exist). A damaged file (a line out of place, an issuer or policy,
 * which live in cPanel) is a StateError: nothing of it is used.
 */
export function readOwnSettings(paths: ServerPaths): OwnSettings {
  let text: string;
  try {
    text = readFileSync(paths.ownSettingsFile, 'utf8');
  } catch (err) {
    if (isNoEntry(err)) return DEFAULT_SETTINGS;
    throw new StateError(`cannot read ${paths.ownSettingsFile}`, { cause: err });
  }
  const { request, problems } = parseSettingsText(text);
  const first = problems[0];
  if (first !== undefined) {
    throw new StateError(`${paths.ownSettingsFile}:${String(first.line)}: ${first.reason}`);
  }
  if (request.issuer !== undefined || request.loginPolicy !== undefined) {
    throw new StateError(`${paths.ownSettingsFile} names the issuer or login policy, which live in cPanel`);
  }
  return { ...DEFAULT_SETTINGS, ...request.own };
}

/** {@link readOwnSettings}, or the defaults when the file is damaged (for what must go on: a tool's time limit). */
export function ownSettingsOrDefaults(paths: ServerPaths): OwnSettings {
  try {
    return readOwnSettings(paths);
  } catch {
    return DEFAULT_SETTINGS;
  }
}

/** Writes settings.conf whole (atomically); the caller holds the state lock. */
export function writeOwnSettingsLocked(paths: ServerPaths, settings: OwnSettings): void {
  writeTextAtomic(
    paths.ownSettingsFile,
    [
      '# whm2fa settings: change them with `whm2fa config set` (see docs/fleet.md).',
      '# The issuer and the login policy live in cPanel: `whm2fa config get` shows them.',
      ...ownSettingsLines(settings),
      '',
    ].join('\n'),
  );
}
