// The report's rules, in process: each check's threshold (what is ok, a warning, critical),
// the worst level and its exit code, coverage by owner, and the text forms (the
// exposition format's escaping and the lines root reads).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildReport,
  exitCodeOf,
  RECENT_FAILURE_SECONDS,
  THRESHOLDS,
  worstLevel,
  type Report,
} from '../../plugin/src/report';
import { labelValue, prometheusText, reportText } from '../../plugin/src/reportText';
import type { CpanelBridge } from '../../plugin/src/cpanel';
import type { ServerPaths } from '../../plugin/src/paths';
import { scratchServer, writeAccounts, writeStore } from '../support/fakeBridge';

const NOW = 1_800_000_000;
let root: string;
let paths: ServerPaths;
let hooks: () => string;
const bridge = { listHooks: () => hooks() } as unknown as CpanelBridge;

beforeEach(() => {
  ({ root, paths } = scratchServer('whm2fa-report-'));
  writeAccounts(
    paths,
    { shop1: { owner: 'res1' }, shop2: { owner: 'res1' }, res1: { owner: 'root' }, blog: { owner: 'root' } },
    ['res1'],
  );
  writeStore(paths, { root: 'JBSWY3DPEHPK3PXP', shop1: 'KRSXG5CTMVRXEZLU' });
  mkdirSync(join(paths.cpanelConfig, '..'), { recursive: true });
  writeFileSync(paths.cpanelConfig, 'SecurityPolicy::TwoFactorAuth=1\n');
  mkdirSync(paths.programDir, { recursive: true });
  writeFileSync(paths.installConfig, '{"version": "9.8.7"}');
  mkdirSync(join(paths.cpanelVersionFile, '..'), { recursive: true });
  writeFileSync(paths.cpanelVersionFile, '11.124.0.3\n');
  hooks = () => `hook: ${join(paths.programDir, 'whm2fa-hook')}`;
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const report = (): Report => buildReport(paths, bridge, NOW);
const level = (r: Report, name: string): string | undefined => r.checks.find((c) => c.name === name)?.level;

describe('all well', () => {
  it('is ok, with versions and coverage by owner', () => {
    const r = report();
    expect(r.status).toBe('ok');
    expect(r.checks).toEqual([
      { name: 'policy', level: 'ok', detail: 'logins ask for codes' },
      { name: 'store', level: 'ok', detail: 'cPanel’s 2FA store is readable' },
      { name: 'root', level: 'ok', detail: 'root has 2FA' },
      { name: 'orphans', level: 'ok', detail: 'no orphan entries' },
      { name: 'hooks', level: 'ok', detail: 'account hooks registered' },
      { name: 'settings', level: 'ok', detail: 'settings file valid' },
      { name: 'locked', level: 'ok', detail: '0 user(s) locked' },
      { name: 'cpanel', level: 'ok', detail: 'no failed cPanel call recorded' },
      { name: 'audit', level: 'ok', detail: 'no damaged audit segment' },
      { name: 'accounts', level: 'ok', detail: expect.stringMatching(/^\d+ account\(s\), \d+ with 2FA$/) as string },
    ]);
    expect(r.versions).toEqual({ whm2fa: '9.8.7', cpanel: '11.124', node: process.versions.node });
    expect(r.generatedAt).toBe(new Date(NOW * 1000).toISOString());
    expect(r.accounts).toEqual({
      total: 4,
      with2fa: 1,
      without2fa: 3,
      byOwner: [
        { owner: 'res1', with2fa: 1, without2fa: 1 },
        { owner: 'root', with2fa: 0, without2fa: 2 },
      ],
    });
    expect(r).toMatchObject({
      loginPolicy: true,
      root2fa: true,
      orphanEntries: 0,
      hooksRegistered: true,
      settingsValid: true,
      issuer: expect.any(String) as string,
    });
  });

  it('says the issuer is unknown when cPanel’s issuer file is damaged', () => {
    writeFileSync(paths.issuerUserdata, '{damaged');
    expect(report().issuer).toBe('unknown');
    writeFileSync(paths.issuerUserdata, JSON.stringify({ system_wide_issuer: 'Host Z' }));
    expect(report().issuer).toBe('Host Z');
  });

  it('says unknown versions as such', () => {
    rmSync(paths.installConfig);
    rmSync(paths.cpanelVersionFile);
    expect(report().versions).toMatchObject({ whm2fa: 'unknown', cpanel: 'unknown' });
    for (const text of ['null', '{"version": 5}', '{']) {
      writeFileSync(paths.installConfig, text);
      expect(report().versions.whm2fa, text).toBe('unknown');
    }
  });

  it('lists owners in name order, whatever the order of cPanel’s owners file', () => {
    writeAccounts(paths, { zed: { owner: 'zz' }, amy: { owner: 'aa' }, mid: { owner: 'mm' }, bob: { owner: 'aa' } }, [
      'zz',
      'aa',
      'mm',
    ]);
    expect(report().accounts.byOwner.map((o) => o.owner)).toEqual(['aa', 'mm', 'root', 'zz']);
  });
});

describe('thresholds', () => {
  it('policy off is critical', () => {
    writeFileSync(paths.cpanelConfig, 'SecurityPolicy::TwoFactorAuth=0\n');
    const r = report();
    expect([r.status, level(r, 'policy'), r.loginPolicy]).toEqual(['critical', 'critical', false]);
    expect(r.checks[0]).toEqual({ name: 'policy', level: 'critical', detail: 'OFF: logins do not ask for codes' });
  });

  it('an unreadable store is critical, and root and orphans are then unknown', () => {
    writeFileSync(paths.tfaUserdata, '{not json');
    const r = report();
    expect(level(r, 'store')).toBe('critical');
    expect(r.checks.map((c) => c.name)).toEqual([
      'policy',
      'store',
      'hooks',
      'settings',
      'locked',
      'cpanel',
      'audit',
      'accounts',
    ]);
    expect(r.checks[1]).toEqual({ name: 'store', level: 'critical', detail: 'cPanel’s 2FA store cannot be read' });
    expect(r.root2fa).toBeNull();
    expect(r.orphanEntries).toBeNull();
    expect(r.status).toBe('critical');
  });

  it('hooks missing are critical; manage_hooks failing is a warning', () => {
    hooks = () => `hook: ${join(paths.programDir, 'other-hook')}`;
    expect([report().status, report().hooksRegistered]).toEqual(['critical', false]);
    expect(report().checks.find((c) => c.name === 'hooks')).toEqual({
      name: 'hooks',
      level: 'critical',
      detail: 'account hooks missing: run install.sh again',
    });
    hooks = () => {
      throw new Error('manage_hooks died');
    };
    expect([report().status, level(report(), 'hooks'), report().hooksRegistered]).toEqual(['warning', 'warning', null]);
    expect(report().checks.find((c) => c.name === 'hooks')?.detail).toBe('manage_hooks could not be asked');
  });

  it('damaged settings are critical', () => {
    mkdirSync(paths.stateDir, { recursive: true });
    writeFileSync(paths.ownSettingsFile, 'audit_mib=0\n');
    const r = report();
    expect([r.status, r.settingsValid]).toEqual(['critical', false]);
    expect(r.checks.find((c) => c.name === 'settings')).toEqual({
      name: 'settings',
      level: 'critical',
      detail: `${paths.ownSettingsFile}:1: audit_mib takes a whole number of MiB from 2 to 64`,
    });
  });

  it('an orphan entry and root without 2FA are warnings', () => {
    writeStore(paths, { gone1: 'KRSXG5CTMVRXEZLU' });
    const r = report();
    expect(r.orphanEntries).toBe(1);
    expect([level(r, 'orphans'), level(r, 'root'), r.status]).toEqual(['warning', 'warning', 'warning']);
    expect(r.checks.filter((c) => c.name === 'orphans' || c.name === 'root')).toEqual([
      { name: 'root', level: 'warning', detail: 'root has no 2FA' },
      { name: 'orphans', level: 'warning', detail: '1 orphan entries: run whm2fa doctor --fix' },
    ]);
  });

  it('a locked user is a warning; a lock that ended and a pending setup are not', () => {
    mkdirSync(paths.userStateDir, { recursive: true });
    writeFileSync(
      join(paths.userStateDir, 'shop1.json'),
      JSON.stringify({ failures: 0, lockCount: 1, lockedUntil: NOW + 1 }),
    );
    writeFileSync(
      join(paths.userStateDir, 'shop2.json'),
      JSON.stringify({ failures: 0, lockCount: 1, lockedUntil: NOW }),
    );
    writeFileSync(
      join(paths.userStateDir, 'res1.json'),
      JSON.stringify({
        failures: 0,
        lockCount: 0,
        pending: { secret: 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU', createdAt: NOW - 60, expiresAt: NOW + 60 },
      }),
    );
    writeFileSync(join(paths.userStateDir, 'broken.json'), '{');
    writeFileSync(join(paths.userStateDir, 'notes.txt'), 'x');
    // Not a record, though its name less five characters is a locked user's.
    writeFileSync(join(paths.userStateDir, 'shop1.save'), 'x');
    const r = report();
    expect(r.lockedUsers).toEqual(['shop1']);
    expect(r.checks.find((c) => c.name === 'locked')?.detail).toBe('1 user(s) locked');
    expect(r.pendingSetups).toBe(1);
    expect([level(r, 'locked'), r.status]).toEqual(['warning', 'warning']);
  });

  it('lists locked users in name order', () => {
    mkdirSync(paths.userStateDir, { recursive: true });
    for (const user of ['zed', 'amy', 'mid', 'bob'])
      writeFileSync(
        join(paths.userStateDir, `${user}.json`),
        JSON.stringify({ failures: 0, lockCount: 1, lockedUntil: NOW + 60 }),
      );
    expect(report().lockedUsers).toEqual(['amy', 'bob', 'mid', 'zed']);
  });

  it('an unreadable cPanel configuration is critical, and the policy unknown', () => {
    rmSync(paths.cpanelConfig);
    mkdirSync(paths.cpanelConfig);
    const r = report();
    expect([r.status, r.loginPolicy]).toEqual(['critical', null]);
    expect(r.checks[0]).toEqual({ name: 'policy', level: 'critical', detail: 'cPanel’s configuration cannot be read' });
  });

  it('a damaged audit segment is a warning that names it', () => {
    mkdirSync(paths.stateDir, { recursive: true });
    writeFileSync(join(paths.stateDir, 'audit-202701-2.log.gz.damaged'), 'x');
    writeFileSync(join(paths.stateDir, 'audit-202612-1.log.gz.damaged'), 'x');
    const r = report();
    expect(r.checks.find((c) => c.name === 'audit')).toEqual({
      name: 'audit',
      level: 'warning',
      detail: `damaged audit segment(s), skipped by readers and left for inspection: ${paths.stateDir}/audit-202612-1.log.gz.damaged, ${paths.stateDir}/audit-202701-2.log.gz.damaged`,
    });
    expect(r.status).toBe('warning');
  });

  it('a check whose file cannot be read is critical with its reason, and the others still run', () => {
    mkdirSync(paths.stateDir, { recursive: true });
    writeFileSync(paths.lastCpanelFailureFile, '{broken');
    rmSync(paths.trueUserOwners);
    mkdirSync(paths.trueUserOwners);
    const r = report();
    expect(r.status).toBe('critical');
    expect(r.checks.find((c) => c.name === 'cpanel')).toEqual({
      name: 'cpanel',
      level: 'critical',
      detail: `cannot be checked: ${paths.lastCpanelFailureFile} is not valid JSON (left untouched for inspection)`,
    });
    expect(r.lastCpanelFailure).toBeNull();
    expect(r.checks.find((c) => c.name === 'accounts')).toEqual({
      name: 'accounts',
      level: 'critical',
      detail: expect.stringMatching(/^cannot be checked: \S/) as string,
    });
    expect(r.accounts).toEqual({ total: 0, with2fa: 0, without2fa: 0, byOwner: [] });
    expect(r.checks.find((c) => c.name === 'policy')?.level).toBe('ok');
    // whm2fa's state folder is a file: the audit archive cannot be looked at either.
    rmSync(paths.stateDir, { recursive: true });
    writeFileSync(paths.stateDir, '');
    expect(report().checks.find((c) => c.name === 'audit')).toEqual({
      name: 'audit',
      level: 'critical',
      detail: expect.stringMatching(/^cannot be checked: .*ENOTDIR/) as string,
    });
  });

  it('a cPanel failure is a warning for 24 hours', () => {
    mkdirSync(paths.stateDir, { recursive: true });
    const failure = (ago: number): void =>
      writeFileSync(
        paths.lastCpanelFailureFile,
        JSON.stringify({ at: new Date((NOW - ago) * 1000).toISOString(), call: 'whmapi1 x', reason: 'no' }),
      );
    failure(RECENT_FAILURE_SECONDS - 1);
    expect(report().status).toBe('warning');
    expect(report().lastCpanelFailure).toMatchObject({ call: 'whmapi1 x', reason: 'no' });
    expect(report().checks.find((c) => c.name === 'cpanel')).toEqual({
      name: 'cpanel',
      level: 'warning',
      detail: `last failed call whmapi1 x at ${new Date((NOW - RECENT_FAILURE_SECONDS + 1) * 1000).toISOString()}`,
    });
    failure(RECENT_FAILURE_SECONDS);
    expect(report().status).toBe('ok');
    expect(RECENT_FAILURE_SECONDS).toBe(86_400);
    writeFileSync(paths.lastCpanelFailureFile, '{"at": 5}');
    expect(report().lastCpanelFailure).toBeNull();
  });

  it('documents a threshold for every check, and orders levels ok < warning < critical', () => {
    expect(Object.keys(THRESHOLDS).sort()).toEqual(
      report()
        .checks.map((c) => c.name)
        .sort(),
    );
    expect([exitCodeOf('ok'), exitCodeOf('warning'), exitCodeOf('critical')]).toEqual([0, 1, 2]);
    const c = (level: 'ok' | 'warning' | 'critical') => ({ name: level, level, detail: '' });
    expect(worstLevel([])).toBe('ok');
    expect(worstLevel([c('warning'), c('ok')])).toBe('warning');
    expect(worstLevel([c('critical'), c('warning')])).toBe('critical');
    expect(worstLevel([c('warning'), c('critical'), c('ok')])).toBe('critical');
  });
});

describe('text forms', () => {
  const sample: Report = {
    status: 'warning',
    generatedAt: '2027-01-15T08:00:00.000Z',
    versions: { whm2fa: '1.2.3', cpanel: '11.124', node: '20.1.0' },
    loginPolicy: true,
    issuer: 'Host "A"',
    root2fa: false,
    accounts: {
      total: 3,
      with2fa: 1,
      without2fa: 2,
      byOwner: [
        { owner: 'res1', with2fa: 1, without2fa: 1 },
        { owner: 'root', with2fa: 0, without2fa: 1 },
      ],
    },
    orphanEntries: 2,
    hooksRegistered: true,
    pendingSetups: 1,
    lockedUsers: ['shop1', 'shop2'],
    lastCpanelFailure: { at: '2027-01-15T07:00:00.000Z', call: 'whmapi1 twofactorauth_set_issuer', reason: 'No.' },
    settingsValid: true,
    checks: [
      { name: 'policy', level: 'ok', detail: 'logins ask for codes' },
      { name: 'root', level: 'warning', detail: 'root has no 2FA' },
      { name: 'settings', level: 'critical', detail: 'x' },
    ],
  };

  it('escapes label values as the exposition format says', () => {
    expect(labelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
  });

  it('writes every family with HELP and TYPE, then its samples', () => {
    expect(prometheusText(sample)).toBe(
      [
        '# HELP whm2fa_status Overall status: 0 ok, 1 warning, 2 critical (the exit code).',
        '# TYPE whm2fa_status gauge',
        'whm2fa_status 1',
        '# HELP whm2fa_info Versions and issuer of this server (always 1).',
        '# TYPE whm2fa_info gauge',
        'whm2fa_info{version="1.2.3",cpanel="11.124",node="20.1.0",issuer="Host \\"A\\""} 1',
        '# HELP whm2fa_login_policy_enabled Whether cPanel asks for 2FA codes at login.',
        '# TYPE whm2fa_login_policy_enabled gauge',
        'whm2fa_login_policy_enabled 1',
        '# HELP whm2fa_root_2fa_enabled Whether root has 2FA.',
        '# TYPE whm2fa_root_2fa_enabled gauge',
        'whm2fa_root_2fa_enabled 0',
        '# HELP whm2fa_accounts Accounts by owner and 2FA state.',
        '# TYPE whm2fa_accounts gauge',
        'whm2fa_accounts{owner="res1",twofa="on"} 1',
        'whm2fa_accounts{owner="res1",twofa="off"} 1',
        'whm2fa_accounts{owner="root",twofa="on"} 0',
        'whm2fa_accounts{owner="root",twofa="off"} 1',
        '# HELP whm2fa_orphan_entries Entries in cPanel’s 2FA store with no account behind them.',
        '# TYPE whm2fa_orphan_entries gauge',
        'whm2fa_orphan_entries 2',
        '# HELP whm2fa_hooks_registered Whether the account hooks are registered.',
        '# TYPE whm2fa_hooks_registered gauge',
        'whm2fa_hooks_registered 1',
        '# HELP whm2fa_pending_setups 2FA setups started and not finished.',
        '# TYPE whm2fa_pending_setups gauge',
        'whm2fa_pending_setups 1',
        '# HELP whm2fa_locked_users Users whose verification is locked now.',
        '# TYPE whm2fa_locked_users gauge',
        'whm2fa_locked_users 2',
        '# HELP whm2fa_last_cpanel_failure_timestamp_seconds When a cPanel call last failed (Unix time).',
        '# TYPE whm2fa_last_cpanel_failure_timestamp_seconds gauge',
        'whm2fa_last_cpanel_failure_timestamp_seconds 1799996400',
        '# HELP whm2fa_settings_valid Whether the settings file is valid.',
        '# TYPE whm2fa_settings_valid gauge',
        'whm2fa_settings_valid 1',
        '# HELP whm2fa_check_status Each check: 0 ok, 1 warning, 2 critical.',
        '# TYPE whm2fa_check_status gauge',
        'whm2fa_check_status{check="policy"} 0',
        'whm2fa_check_status{check="root"} 1',
        'whm2fa_check_status{check="settings"} 2',
        '',
      ].join('\n'),
    );
  });

  it('leaves out what is unknown, and says false as 0', () => {
    const text = prometheusText({
      ...sample,
      loginPolicy: null,
      root2fa: null,
      orphanEntries: null,
      hooksRegistered: false,
      lastCpanelFailure: null,
      settingsValid: false,
      accounts: { total: 0, with2fa: 0, without2fa: 0, byOwner: [] },
    });
    for (const name of [
      'whm2fa_login_policy_enabled',
      'whm2fa_root_2fa_enabled',
      'whm2fa_orphan_entries',
      'whm2fa_last_cpanel_failure_timestamp_seconds',
      'whm2fa_accounts',
    ])
      expect(text).not.toContain(name);
    expect(text).toContain('\nwhm2fa_hooks_registered 0\n');
    // Hooks that could not be listed are unknown, not missing.
    expect(prometheusText({ ...sample, hooksRegistered: null })).not.toContain('whm2fa_hooks_registered');
    expect(text).toContain('\nwhm2fa_settings_valid 0\n');
    expect(prometheusText({ ...sample, loginPolicy: false })).toContain('\nwhm2fa_login_policy_enabled 0\n');
  });

  it('gives root every fact, the status first', () => {
    expect(reportText(sample)).toBe(
      [
        'status: WARNING',
        'whm2fa 1.2.3, cPanel 11.124, Node.js 20.1.0',
        'login policy: on',
        'issuer: Host "A"',
        'root 2FA: off',
        'accounts: 1 of 3 with 2FA',
        '  res1: 1 with, 1 without',
        '  root: 0 with, 1 without',
        'orphan entries: 2',
        'hooks: registered',
        'pending setups: 1',
        'locked users: shop1, shop2',
        'last failed cPanel call: 2027-01-15T07:00:00.000Z whmapi1 twofactorauth_set_issuer: No.',
        '',
        'ok        policy: logins ask for codes',
        'WARNING   root: root has no 2FA',
        'CRITICAL  settings: x',
      ].join('\n'),
    );
    const unknown = reportText({
      ...sample,
      loginPolicy: false,
      root2fa: null,
      orphanEntries: null,
      hooksRegistered: false,
      lockedUsers: [],
      lastCpanelFailure: null,
    }).split('\n');
    expect(unknown).toEqual(
      expect.arrayContaining([
        'login policy: OFF',
        'root 2FA: unknown',
        'orphan entries: unknown',
        'hooks: MISSING',
        'locked users: none',
        'last failed cPanel call: none recorded',
      ]),
    );
    expect(reportText({ ...sample, loginPolicy: null, hooksRegistered: null, root2fa: true }).split('\n')).toEqual(
      expect.arrayContaining(['login policy: unknown', 'hooks: unknown', 'root 2FA: on']),
    );
  });
});
