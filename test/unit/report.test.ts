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
    expect(r.checks.map((c) => `${c.name}:${c.level}`)).toEqual([
      'policy:ok',
      'store:ok',
      'root:ok',
      'orphans:ok',
      'hooks:ok',
      'settings:ok',
      'locked:ok',
      'cpanel:ok',
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
    expect(r).toMatchObject({ loginPolicy: true, root2fa: true, orphanEntries: 0, hooksRegistered: true });
  });

  it('says unknown versions as such', () => {
    rmSync(paths.installConfig);
    rmSync(paths.cpanelVersionFile);
    expect(report().versions).toMatchObject({ whm2fa: 'unknown', cpanel: 'unknown' });
  });
});

describe('thresholds', () => {
  it('policy off is critical', () => {
    writeFileSync(paths.cpanelConfig, 'SecurityPolicy::TwoFactorAuth=0\n');
    const r = report();
    expect([r.status, level(r, 'policy'), r.loginPolicy]).toEqual(['critical', 'critical', false]);
  });

  it('an unreadable store is critical, and root and orphans are then unknown', () => {
    writeFileSync(paths.tfaUserdata, '{not json');
    const r = report();
    expect(level(r, 'store')).toBe('critical');
    expect(r.root2fa).toBeNull();
    expect(r.orphanEntries).toBeNull();
    expect(r.status).toBe('critical');
  });

  it('hooks missing are critical; manage_hooks failing is a warning', () => {
    hooks = () => 'nothing of ours';
    expect([report().status, report().hooksRegistered]).toEqual(['critical', false]);
    hooks = () => {
      throw new Error('manage_hooks died');
    };
    expect([report().status, level(report(), 'hooks'), report().hooksRegistered]).toEqual(['warning', 'warning', null]);
  });

  it('damaged settings are critical', () => {
    mkdirSync(paths.stateDir, { recursive: true });
    writeFileSync(paths.ownSettingsFile, 'audit_mib=0\n');
    const r = report();
    expect([r.status, r.settingsValid]).toEqual(['critical', false]);
  });

  it('an orphan entry and root without 2FA are warnings', () => {
    writeStore(paths, { gone1: 'KRSXG5CTMVRXEZLU' });
    const r = report();
    expect(r.orphanEntries).toBe(1);
    expect([level(r, 'orphans'), level(r, 'root'), r.status]).toEqual(['warning', 'warning', 'warning']);
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
    const r = report();
    expect(r.lockedUsers).toEqual(['shop1']);
    expect(r.pendingSetups).toBe(1);
    expect([level(r, 'locked'), r.status]).toEqual(['warning', 'warning']);
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
  it('escapes label values as the exposition format says', () => {
    expect(labelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
  });

  it('writes HELP and TYPE before each family’s samples, and leaves unknown values out', () => {
    writeFileSync(paths.tfaUserdata, '{not json');
    const text = prometheusText(report());
    expect(text.endsWith('\n')).toBe(true);
    expect(text).toContain(
      '# HELP whm2fa_status Overall status: 0 ok, 1 warning, 2 critical (the exit code).\n# TYPE whm2fa_status gauge\nwhm2fa_status 2\n',
    );
    expect(text).not.toContain('whm2fa_orphan_entries');
    expect(text).not.toContain('whm2fa_root_2fa_enabled');
    expect(text).toContain('whm2fa_accounts{owner="res1",twofa="on"} 0\n');
    expect(text).toContain('whm2fa_check_status{check="store"} 2\n');
    expect(text).toContain('whm2fa_settings_valid 1\n');
    expect(text).not.toContain('whm2fa_last_cpanel_failure_timestamp_seconds');
  });

  it('gives root the status first and each check with its level', () => {
    writeFileSync(paths.cpanelConfig, 'SecurityPolicy::TwoFactorAuth=0\n');
    const lines = reportText(report()).split('\n');
    expect(lines[0]).toBe('status: CRITICAL');
    expect(lines).toContain('login policy: OFF');
    expect(lines).toContain('accounts: 1 of 4 with 2FA');
    expect(lines).toContain('  res1: 1 with, 1 without');
    expect(lines).toContain('CRITICAL  policy: OFF: logins do not ask for codes');
    expect(lines).toContain('ok        store: cPanel’s 2FA store is readable');
  });
});
