/**
 * `whm2fa report`: the server at a glance for a monitoring system — versions, login
 * policy, issuer, 2FA coverage by owner, orphan entries, hook registration, pending
 * setups, locked users, the last failed cPanel call, and the settings file's health —
 * with one status a Nagios check reads from the exit code (0 ok, 1 warning, 2 critical).
 * Each check's threshold is in {@link THRESHOLDS} and docs/fleet.md; a check that cannot
 * be made (a file it reads is damaged) is critical with its reason, and the rest still run. The shape of the
 * JSON form is docs/report.schema.json; the text forms are reportText.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastCpanelFailure, type CpanelBridge, type CpanelFailure } from './cpanel';
import { cpanelVersion, policyEnabled, readSecrets } from './cpanelState';
import { serverAccounts } from './access';
import { findOrphans } from './orphans';
import { systemWideIssuer } from './issuer';
import { activeLock, livePending, readUserState } from './userState';
import { readOwnSettings } from './settingsFile';
import { damagedSegments } from './audit';
import { hookHealth } from './hookEvents';
import type { ServerPaths } from './paths';

/** A check's verdict, and the report's: the worst of them. */
export type Level = 'ok' | 'warning' | 'critical';

/** One judged fact: its name, its level and a line saying why. */
export interface ReportCheck {
  readonly name: string;
  readonly level: Level;
  readonly detail: string;
}

/** Accounts with and without 2FA under one owner. */
export interface OwnerCoverage {
  readonly owner: string;
  readonly with2fa: number;
  readonly without2fa: number;
}

/** Everything `whm2fa report` says about the server (its JSON form is docs/report.schema.json). */
export interface Report {
  readonly status: Level;
  readonly generatedAt: string;
  readonly versions: { readonly whm2fa: string; readonly cpanel: string; readonly node: string };
  /** null when cPanel's configuration cannot be read. */
  readonly loginPolicy: boolean | null;
  readonly issuer: string;
  readonly root2fa: boolean | null;
  readonly accounts: {
    readonly total: number;
    readonly with2fa: number;
    readonly without2fa: number;
    readonly byOwner: readonly OwnerCoverage[];
  };
  /** null when cPanel's store cannot be read. */
  readonly orphanEntries: number | null;
  /** null when manage_hooks could not be asked. */
  readonly hooksRegistered: boolean | null;
  readonly pendingSetups: number;
  readonly lockedUsers: readonly string[];
  readonly lastCpanelFailure: CpanelFailure | null;
  readonly settingsValid: boolean;
  readonly checks: readonly ReportCheck[];
}

/**
 * The longest the report waits for one of cPanel's tools, whatever `tool_timeout` says:
 * a monitoring check gives up sooner (NRPE's default is 10 s), and an answer late is no answer.
 */
export const REPORT_TOOL_TIMEOUT_MS = 8000;

/** How recent a failed cPanel call must be to be a warning. */
export const RECENT_FAILURE_SECONDS = 24 * 3600;

/**
 * The thresholds, one per check: what makes it critical (2FA is not protecting logins, or
 * removed accounts' keys can be inherited, or the settings are not applied) or a warning
 * (something a host should look at soon).
 */
export const THRESHOLDS: Readonly<Record<string, string>> = Object.freeze({
  policy: 'critical when cPanel’s 2FA login policy is off (logins do not ask for codes)',
  store: 'critical when cPanel’s 2FA store cannot be read',
  hooks:
    'critical when the account hooks are not registered (a removed account’s key would pass to the next holder of its name); warning when manage_hooks cannot be asked',
  settings: 'critical when the settings file is damaged (retention and syslog fall back, nothing is trimmed)',
  orphans: 'warning when cPanel’s store holds 2FA entries with no account behind them',
  root: 'warning when root has no 2FA',
  locked: 'warning when any user’s verification is locked now',
  cpanel: 'warning when a cPanel call failed in the last 24 hours',
  accounts: 'critical when the accounts cannot be counted (cPanel’s owners file is unreadable)',
  audit: 'warning when a segment of the audit archive was found damaged (set aside as *.log.gz.damaged)',
});

const RANK: Readonly<Record<Level, number>> = { ok: 0, warning: 1, critical: 2 };

/** The exit code for a level: 0 ok, 1 warning, 2 critical. */
export function exitCodeOf(level: Level): number {
  return RANK[level];
}

/** The worst of `checks`' levels. */
export function worstLevel(checks: readonly ReportCheck[]): Level {
  return checks.reduce<Level>((worst, c) => (RANK[c.level] > RANK[worst] ? c.level : worst), 'ok');
}

function installedVersion(paths: ServerPaths): string {
  try {
    const value = JSON.parse(readFileSync(paths.installConfig, 'utf8')) as { version?: unknown } | null;
    return typeof value?.version === 'string' ? value.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

function userStates(paths: ServerPaths, epochSeconds: number): { pending: number; locked: string[] } {
  let names: string[] = [];
  try {
    names = readdirSync(paths.userStateDir);
  } catch {
    // No user has a record yet.
  }
  let pending = 0;
  const locked: string[] = [];
  for (const name of names.sort()) {
    if (!name.endsWith('.json')) continue;
    const user = name.slice(0, -5);
    try {
      const state = readUserState(paths, user);
      if (livePending(state, epochSeconds) !== undefined) pending += 1;
      if (activeLock(state, epochSeconds) !== undefined) locked.push(user);
    } catch {
      // A damaged record is the doctor's; the report counts the others.
    }
  }
  return { pending, locked };
}

function coverage(paths: ServerPaths, secrets: ReadonlyMap<string, string>): Report['accounts'] {
  const byOwner = new Map<string, { with2fa: number; without2fa: number }>();
  let with2fa = 0;
  let total = 0;
  for (const [user, owner] of serverAccounts(paths)) {
    const counts = byOwner.get(owner) ?? { with2fa: 0, without2fa: 0 };
    byOwner.set(owner, counts);
    total += 1;
    if (secrets.has(user)) {
      counts.with2fa += 1;
      with2fa += 1;
    } else counts.without2fa += 1;
  }
  return {
    total,
    with2fa,
    without2fa: total - with2fa,
    byOwner: [...byOwner].sort((x, y) => (x[0] < y[0] ? -1 : 1)).map(([owner, counts]) => ({ owner, ...counts })),
  };
}

function issuerOrUnknown(paths: ServerPaths): string {
  try {
    return systemWideIssuer(paths);
  } catch {
    return 'unknown';
  }
}

/** Gathers the report at `epochSeconds`; `bridge` asks cPanel for its hooks. */
export function buildReport(paths: ServerPaths, bridge: CpanelBridge, epochSeconds: number): Report {
  const checks: ReportCheck[] = [];
  const check = (name: string, level: Level, detail: string): void => {
    checks.push({ name, level, detail });
  };

  let loginPolicy: boolean | null = null;
  try {
    loginPolicy = policyEnabled(paths);
    check(
      'policy',
      loginPolicy ? 'ok' : 'critical',
      loginPolicy ? 'logins ask for codes' : 'OFF: logins do not ask for codes',
    );
  } catch {
    check('policy', 'critical', 'cPanel’s configuration cannot be read');
  }

  let secrets: Map<string, string> | undefined;
  try {
    secrets = readSecrets(paths);
    check('store', 'ok', 'cPanel’s 2FA store is readable');
  } catch {
    check('store', 'critical', 'cPanel’s 2FA store cannot be read');
  }
  const root2fa = secrets === undefined ? null : secrets.has('root');
  if (root2fa !== null) check('root', root2fa ? 'ok' : 'warning', root2fa ? 'root has 2FA' : 'root has no 2FA');

  let orphanEntries: number | null = null;
  if (secrets !== undefined) {
    try {
      orphanEntries = findOrphans(paths).size;
      check(
        'orphans',
        orphanEntries === 0 ? 'ok' : 'warning',
        orphanEntries === 0 ? 'no orphan entries' : `${String(orphanEntries)} orphan entries: run whm2fa doctor --fix`,
      );
    } catch {
      // Counted as the store's problem above.
    }
  }

  let hooksRegistered: boolean | null = null;
  try {
    const health = hookHealth(bridge.listHooks(), join(paths.programDir, 'whm2fa-hook'));
    hooksRegistered = health.registered;
    check('hooks', hooksRegistered ? 'ok' : 'critical', health.detail);
  } catch {
    check('hooks', 'warning', 'manage_hooks could not be asked');
  }

  let settingsValid = true;
  try {
    readOwnSettings(paths);
    check('settings', 'ok', 'settings file valid');
  } catch (err) {
    settingsValid = false;
    check('settings', 'critical', err instanceof Error ? err.message : 'settings file damaged');
  }

  // Each check below stands alone: one that throws (a file it reads is damaged or
  // unreadable) is a critical finding with its reason, and the report is still made.
  const guarded = <T>(name: string, fallback: T, judge: () => T): T => {
    try {
      return judge();
    } catch (err) {
      check(name, 'critical', `cannot be checked: ${err instanceof Error ? err.message : String(err)}`);
      return fallback;
    }
  };

  const { pending, locked } = guarded('locked', { pending: 0, locked: [] as string[] }, () => {
    const states = userStates(paths, epochSeconds);
    check('locked', states.locked.length === 0 ? 'ok' : 'warning', `${String(states.locked.length)} user(s) locked`);
    return states;
  });

  const failure = guarded<CpanelFailure | null>('cpanel', null, () => {
    const last = lastCpanelFailure(paths) ?? null;
    const recent = last !== null && Date.parse(last.at) / 1000 > epochSeconds - RECENT_FAILURE_SECONDS;
    check(
      'cpanel',
      recent ? 'warning' : 'ok',
      last === null ? 'no failed cPanel call recorded' : `last failed call ${last.call} at ${last.at}`,
    );
    return last;
  });

  guarded('audit', undefined, () => {
    const damaged = damagedSegments(paths);
    check(
      'audit',
      damaged.length === 0 ? 'ok' : 'warning',
      damaged.length === 0
        ? 'no damaged audit segment'
        : `damaged audit segment(s), skipped by readers and left for inspection: ${damaged.join(', ')}`,
    );
  });

  const accounts = guarded<Report['accounts']>('accounts', { total: 0, with2fa: 0, without2fa: 0, byOwner: [] }, () => {
    const counted = coverage(paths, secrets ?? new Map());
    check('accounts', 'ok', `${String(counted.total)} account(s), ${String(counted.with2fa)} with 2FA`);
    return counted;
  });

  const version = cpanelVersion(paths);
  return {
    status: worstLevel(checks),
    generatedAt: new Date(epochSeconds * 1000).toISOString(),
    versions: {
      whm2fa: installedVersion(paths),
      cpanel: version === undefined ? 'unknown' : version.join('.'),
      node: process.versions.node,
    },
    loginPolicy,
    issuer: issuerOrUnknown(paths),
    root2fa,
    accounts,
    orphanEntries,
    hooksRegistered,
    pendingSetups: pending,
    lockedUsers: locked,
    lastCpanelFailure: failure,
    settingsValid,
    checks,
  };
}
