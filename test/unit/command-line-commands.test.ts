// `whm2fa status, list, remove, doctor, report and sync` in-process (plugin/src/commandLine.ts)
// against a fake cPanel tree (the fake tools of scripts/fake-cpanel, run by the real bridge):
// the exact output, the exit code, and what cPanel's store, whm2fa's records, the audit trail
// and the mail hold afterwards. test/install/cli.test.ts runs the installed command as a
// process; these let the mutation run (npm run mutate) see every command's rules.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCommandLine } from '../../plugin/src/commandLine';
import { BUNDLES } from '../../plugin/src/doctor';
import { describe as describeHooks } from '../../plugin/src/hookEvents';
import { keyFingerprint } from '../../plugin/src/keyFingerprint';
import { makeRecoveryCodes } from '../../plugin/src/recoveryCodes';
import { EMPTY_STATE, readUserState, recoveryCodesLeft, writeUserState } from '../../plugin/src/userState';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';
import {
  auditLines,
  cpanelSecrets,
  mails,
  makeTree,
  replaceTool,
  type Server,
  type TreeOptions,
} from '../support/server';

const T0 = 1_800_000_000;
const K = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const ROOT_KEY = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

let server: Server;
let paths: ServerPaths;

function tree(options: TreeOptions = {}): void {
  server = makeTree({
    issuers: { system_wide_issuer: 'Sandbox Host', reseller1: 'Reseller One' },
    secrets: { shop1: K },
    ...options,
  });
  paths = serverPaths(server.root);
}

const run = (...argv: string[]) => runCommandLine({ root: server.root, argv }, T0);
const runAt = (at: number, ...argv: string[]) => runCommandLine({ root: server.root, argv }, at);

/** The account keys in cPanel's store (its email and team entries left out). */
const accountKeys = (): string[] =>
  Object.keys(cpanelSecrets(server))
    .filter((k) => !k.includes('@'))
    .sort();

beforeEach(() => tree());
afterEach(() => server.cleanup());

describe('whm2fa status', () => {
  it('says root’s state by default: off, the login policy and the issuer', () => {
    expect(run('status')).toEqual({
      stdout:
        'root: two-factor authentication off\nlogin policy: on (codes are asked at login)\nissuer: Sandbox Host\n',
      stderr: '',
      exitCode: 0,
    });
    expect(run('status', 'root')).toEqual(run('status'));
  });

  it('says an account’s state; a reseller’s own issuer is its own', () => {
    expect(run('status', 'shop1').stdout).toBe(
      'shop1: two-factor authentication ON\nlogin policy: on (codes are asked at login)\nissuer: Sandbox Host\n',
    );
    expect(run('status', 'reseller1').stdout).toBe(
      'reseller1: two-factor authentication off\nlogin policy: on (codes are asked at login)\nissuer: Reseller One\n',
    );
  });

  it('gives an account that is no longer a reseller the server’s issuer, not its old own', () => {
    server.cleanup();
    tree({ issuers: { system_wide_issuer: 'Sandbox Host', shop1: 'Former Reseller' } });
    expect(run('status', 'shop1').stdout).toContain('\nissuer: Sandbox Host\n');
  });

  it('knows a reseller that has no account of its own', () => {
    server.cleanup();
    tree({ resellers: { reseller1: ['list-accts'], lonely: ['list-accts'] } });
    const out = run('status', 'lonely', '--json');
    expect(out.exitCode).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({
      ok: true,
      data: {
        user: 'lonely',
        enabled: false,
        policyEnabled: true,
        issuer: 'Sandbox Host',
        pending: false,
        lockedUntil: null,
      },
    });
  });

  it('says when the login policy is off, a setup is in progress and verification is locked', () => {
    server.cleanup();
    tree({ policy: false });
    writeUserState(paths, 'shop1', {
      ...EMPTY_STATE,
      lockedUntil: T0 + 300,
      pending: { secret: ROOT_KEY, createdAt: T0 - 10, expiresAt: T0 + 600 },
    });
    expect(run('status', 'shop1').stdout).toBe(
      [
        'shop1: two-factor authentication ON',
        'login policy: OFF (codes are not asked at login)',
        'issuer: Sandbox Host',
        'a setup is in progress',
        `verification locked until ${new Date((T0 + 300) * 1000).toISOString()}`,
        '',
      ].join('\n'),
    );
    // Both end: the lock and the setup are no longer said.
    expect(runAt(T0 + 600, 'status', 'shop1').stdout).toBe(
      'shop1: two-factor authentication ON\nlogin policy: OFF (codes are not asked at login)\nissuer: Sandbox Host\n',
    );
  });

  it('refuses a bad name or a second argument with exit 2, an unknown account with exit 1', () => {
    const bad = run('status', 'Bad/Name');
    expect(bad.exitCode).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^whm2fa: "Bad\/Name" is not a valid account name\n\nUsage: whm2fa <command>/);
    const two = run('status', 'shop1', 'blog2');
    expect(two.exitCode).toBe(2);
    expect(two.stderr).toMatch(/^whm2fa: unexpected argument "blog2"\n\nUsage: whm2fa/);
    expect(run('status', 'nobody')).toEqual({
      stdout: '',
      stderr: 'whm2fa: There is no account named "nobody".\n',
      exitCode: 1,
    });
  });
});

describe('whm2fa list', () => {
  it('lists root first, then every account aligned, and counts the protected ones', () => {
    expect(run('list')).toEqual({
      stdout: [
        'USER       2FA  OWNER       DOMAIN',
        'root       off  root        ',
        'blog2      off  reseller2   blog2.example.com',
        'reseller1  off  root        reseller1.example.com',
        'reseller2  off  root        reseller2.example.com',
        'shop1      on   reseller1   shop1.example.com',
        '1 of 5 accounts protected',
        '',
      ].join('\n'),
      stderr: '',
      exitCode: 0,
    });
  });

  it('says root’s own 2FA and when each account was last reminded, as JSON', () => {
    server.cleanup();
    tree({ secrets: { root: ROOT_KEY, shop1: K } });
    mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
    writeFileSync(paths.remindersFile, JSON.stringify({ reminded: { blog2: T0 - 60 } }), { mode: 0o600 });
    const out = run('list', '--json');
    expect(out.exitCode).toBe(0);
    const users = (JSON.parse(out.stdout) as { data: { users: Array<Record<string, unknown>> } }).data.users;
    expect(users[0]).toEqual({ user: 'root', domain: '', owner: 'root', enabled: true, lastReminded: null });
    expect(users.find((u) => u['user'] === 'blog2')).toMatchObject({
      enabled: false,
      lastReminded: new Date((T0 - 60) * 1000).toISOString(),
    });
    expect(run('list').stdout).toMatch(/^USER {7}2FA {2}OWNER {7}DOMAIN\nroot {7}on {3}root {8}\n/);
    expect(run('list').stdout).toMatch(/\n2 of 5 accounts protected\n$/);
  });

  it('refuses an argument with exit 2, a bad name as a bad name', () => {
    expect(run('list', 'shop1').stderr).toMatch(/^whm2fa: list takes no account name\n\nUsage: whm2fa/);
    expect(run('list', 'Bad/Name').stderr).toMatch(/^whm2fa: "Bad\/Name" is not a valid account name\n/);
    expect(run('list', 'shop1', 'blog2').stderr).toMatch(/^whm2fa: unexpected argument "blog2"\n/);
    expect(run('list', 'shop1').exitCode).toBe(2);
  });
});

describe('whm2fa remove', () => {
  const at = new Date(T0 * 1000).toISOString();

  it('removes an account’s 2FA with a reason: store, record, audit entry and email', () => {
    const out = run('remove', 'shop1', '--reason', 'lost phone');
    expect(out).toEqual({
      stdout: 'Two-factor authentication removed from shop1 (identity not confirmed); the account was emailed.\n',
      stderr: '',
      exitCode: 0,
    });
    expect(accountKeys()).toEqual([]);
    expect(readUserState(paths, 'shop1').adminRemoval).toEqual({ by: 'root', at: T0, reason: 'lost phone' });
    expect(auditLines(server)).toEqual([
      {
        at,
        actor: 'root',
        subject: 'shop1',
        owner: 'reseller1',
        action: 'admin.remove',
        ip: '',
        result: 'ok: identity not confirmed (no recovery code)',
        said: { id: 'result.notConfirmed' },
        reason: 'lost phone',
      },
    ]);
    const sent = mails(server);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain('To: owner@shop1.example.com\n');
    expect(sent[0]).toContain('Reason:   lost phone\n');
    expect(sent[0]).toContain('Identity: not confirmed with a recovery code\n');
  });

  it('takes --reason=TEXT and answers --json with what was done', () => {
    const out = run('remove', '--json', 'shop1', '--reason=lost phone');
    expect(out.exitCode).toBe(0);
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout)).toEqual({
      ok: true,
      data: { removed: ['shop1'], failed: {}, mailed: ['shop1'], notMailed: {} },
    });
    expect(accountKeys()).toEqual([]);
  });

  it('removes root’s own 2FA: over SSH, root recovers its own lost device', () => {
    server.cleanup();
    tree({ secrets: { root: ROOT_KEY, shop1: K } });
    const out = run('remove', 'root', '--reason', 'lost phone');
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toMatch(/^Two-factor authentication removed from root \(identity not confirmed\); /);
    expect(accountKeys()).toEqual(['shop1']);
  });

  it('says when no email was sent and why', () => {
    server.cleanup();
    tree({ extraAccounts: [{ user: 'quiet1', owner: 'root', domain: 'quiet1.example.com' }], secrets: { quiet1: K } });
    const out = run('remove', 'quiet1', '--reason', 'lost phone');
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toMatch(
      /^Two-factor authentication removed from quiet1 \(identity not confirmed\); no email was sent \(.+\)\.\n$/,
    );
    expect(JSON.parse(run('status', 'quiet1', '--json').stdout).data.enabled).toBe(false);
  });

  it('warns when the key is gone but whm2fa’s records could not be written', () => {
    mkdirSync(paths.auditFile, { recursive: true });
    const out = run('remove', 'shop1', '--reason', 'lost phone');
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toMatch(
      /^Two-factor authentication removed from shop1 \(identity not confirmed\); the account was emailed\.\nwarning: .+\n$/,
    );
    expect(accountKeys()).toEqual([]);
  });

  it('confirms the holder with a recovery code, spent; the reason may be left out', () => {
    const made = makeRecoveryCodes(keyFingerprint(K));
    writeUserState(paths, 'shop1', { ...EMPTY_STATE, recovery: made.set });
    const out = run('remove', 'shop1', '--recovery-code', made.codes[3] ?? '');
    expect(out).toEqual({
      stdout:
        'Two-factor authentication removed from shop1 (identity confirmed with a recovery code, now spent); the account was emailed.\n',
      stderr: '',
      exitCode: 0,
    });
    expect(accountKeys()).toEqual([]);
    expect(readUserState(paths, 'shop1').recovery).toBeUndefined();
    expect(auditLines(server).map((l) => [l['action'], l['result'], l['reason']])).toEqual([
      ['admin.remove', 'ok: identity confirmed with a recovery code', undefined],
    ]);
    expect(mails(server)[0]).toContain('Identity: confirmed with one of your recovery codes');
  });

  it('takes a blank recovery code as none: the reason is then required', () => {
    const blank = run('remove', 'shop1', '--recovery-code', '  ', '--reason', 'lost phone');
    expect(blank.exitCode).toBe(0);
    expect(blank.stdout).toMatch(/^Two-factor authentication removed from shop1 \(identity not confirmed\); /);
    server.cleanup();
    tree();
    const none = run('remove', 'shop1', '--recovery-code=');
    expect(none.exitCode).toBe(1);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(/^whm2fa: .*reason.*\n$/i);
    expect(accountKeys()).toEqual(['shop1']);
  });

  it('refuses a wrong recovery code, changing nothing but the count, and locks after 5', () => {
    const made = makeRecoveryCodes(keyFingerprint(K));
    writeUserState(paths, 'shop1', { ...EMPTY_STATE, recovery: made.set });
    const first = made.codes[0] ?? '';
    const wrong = first.startsWith('A') ? `B${first.slice(1)}` : `A${first.slice(1)}`;
    const out = run('remove', 'shop1', '--recovery-code', wrong, '--json');
    expect(out.exitCode).toBe(1);
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout)).toMatchObject({ ok: false, error: { code: 'CODE_INVALID' } });
    for (let i = 2; i <= 5; i += 1) expect(run('remove', 'shop1', '--recovery-code', wrong).exitCode).toBe(1);
    expect(accountKeys()).toEqual(['shop1']);
    expect(recoveryCodesLeft(readUserState(paths, 'shop1'), K)).toBe(10);
    expect(run('status', 'shop1').stdout).toContain(
      `\nverification locked until ${new Date((T0 + 300) * 1000).toISOString()}\n`,
    );
    const locked = run('remove', 'shop1', '--recovery-code', first);
    expect(locked.exitCode).toBe(1);
    expect(locked.stderr).toMatch(/^whm2fa: .+\n$/);
    expect(accountKeys()).toEqual(['shop1']);
  });

  it('refuses an account without 2FA as NOT_ENABLED, exit 1, changing nothing', () => {
    const before = readFileSync(join(server.root, 'var/cpanel/authn/twofactor_auth/tfa_userdata.json'), 'utf8');
    expect(run('remove', 'blog2', '--reason', 'lost phone')).toEqual({
      stdout: '',
      stderr: 'whm2fa: blog2: Two-factor authentication is not turned on for this account.\n',
      exitCode: 1,
    });
    expect(JSON.parse(run('remove', 'blog2', '--reason', 'lost phone', '--json').stdout)).toEqual({
      ok: false,
      error: { code: 'NOT_ENABLED', message: 'blog2: Two-factor authentication is not turned on for this account.' },
    });
    expect(readFileSync(join(server.root, 'var/cpanel/authn/twofactor_auth/tfa_userdata.json'), 'utf8')).toBe(before);
    expect(mails(server)).toEqual([]);
  });

  it('says CPANEL_FAILED when cPanel keeps the key', () => {
    // whmapi1 refuses the removal (the key stays in the store); every other call goes to
    // the fake tool as it is.
    const whmapi1 = join(server.root, 'usr/local/cpanel/bin/whmapi1');
    copyFileSync(whmapi1, `${whmapi1}.real`);
    replaceTool(
      server,
      'whmapi1',
      `#!/bin/bash\ncase "$*" in *twofactorauth_remove_user_config*) echo '{"metadata":{"result":0,"reason":"the store is busy","command":"twofactorauth_remove_user_config"}}'; exit 0;; esac\nexec '${whmapi1}.real' "$@"\n`,
    );
    const out = run('remove', 'shop1', '--reason', 'lost phone', '--json');
    expect(out.exitCode).toBe(1);
    const error = (JSON.parse(out.stdout) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('CPANEL_FAILED');
    expect(error.message).toMatch(/^shop1: /);
    expect(accountKeys()).toEqual(['shop1']);
    // The failed call is kept, at the command's time, for whm2fa report.
    expect(JSON.parse(readFileSync(paths.lastCpanelFailureFile, 'utf8'))).toMatchObject({ at });
  });

  it('refuses usage errors with exit 2 and changes nothing', () => {
    const cases: Array<[string[], string]> = [
      [['remove'], 'name the account'],
      [['remove', '--reason', 'x'], 'name the account'],
      [['remove', 'shop1', 'blog2', '--reason', 'x'], 'unexpected argument "blog2"'],
      [['remove', 'Bad/Name', '--reason', 'x'], '"Bad/Name" is not a valid account name'],
      [['remove', 'shop1'], 'remove needs --reason TEXT (it is recorded and emailed) or --recovery-code CODE'],
      [['remove', 'shop1', '--reason'], '--reason needs a value'],
      [['remove', 'shop1', '--recovery-code'], '--recovery-code needs a value'],
      [['remove', 'shop1', '--force'], 'unknown option --force'],
      [['remove', 'shop1', '--force=yes'], 'unknown option --force'],
    ];
    for (const [argv, reason] of cases) {
      const out = run(...argv);
      expect(out.exitCode, argv.join(' ')).toBe(2);
      expect(out.stdout, argv.join(' ')).toBe('');
      expect(out.stderr.split('\n\n')[0], argv.join(' ')).toBe(`whm2fa: ${reason}`);
    }
    expect(accountKeys()).toEqual(['shop1']);
    expect(auditLines(server)).toEqual([]);
  });
});

/** What install.sh leaves for doctor and report to find: bundles, registration, hooks, CGI files. */
function installed(): void {
  mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  chmodSync(paths.stateDir, 0o700);
  const put = (file: string, text: string, mode: number): void => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    chmodSync(file, mode);
  };
  // Stand-ins for the bundles: each loads, and ours export `main` as the real ones do.
  for (const name of BUNDLES)
    put(
      join(paths.programDir, `${name}.js`),
      name.startsWith('vendor-') ? 'module.exports = {};\n' : 'exports.main = () => undefined;\n',
      0o644,
    );
  put(join(paths.appsDir, 'whm2fa.conf'), 'name=whm2fa\n', 0o644);
  put(join(paths.cgiDir, 'api.cgi'), '', 0o755);
  put(join(paths.cgiDir, 'index.cgi'), '', 0o755);
  // The hooks as the fake manage_hooks lists them once `add script` has registered them.
  put(
    join(server.root, 'var/cpanel/hooks/registry.json'),
    JSON.stringify({ hooks: describeHooks(join(paths.programDir, 'whm2fa-hook')) }),
    0o644,
  );
}

describe('whm2fa doctor', () => {
  it('passes every check on an installed server: exit 0', () => {
    installed();
    const out = run('doctor');
    expect(out.exitCode).toBe(0);
    expect(out.stderr).toBe('');
    const lines = out.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      `ok    node: Node.js ${process.versions.node} (needs 18+)`,
      `ok    bundles: all ${String(BUNDLES.length)} bundles load with Node's require`,
      'ok    registration: whm2fa is registered with WHM',
    ]);
    expect(lines.slice(-3)).toEqual(['ok    permissions: state 0700/0600, CGI 0755', 'All checks passed.', '']);
    expect(lines.filter((l) => l.startsWith('ok    '))).toHaveLength(11);
    expect(JSON.parse(run('doctor', '--json').stdout)).toMatchObject({ ok: true, data: { ok: true } });
  });

  it('says each failed check and how many, exit 3; --fix removes an orphan entry from cPanel’s store', () => {
    installed();
    const store = join(server.root, 'var/cpanel/authn/twofactor_auth/tfa_userdata.json');
    writeFileSync(store, JSON.stringify({ ...cpanelSecrets(server), gone1: { secret: K } }));
    const out = run('doctor');
    expect(out.exitCode).toBe(3);
    expect(out.stdout).toMatch(/\nFAIL {2}orphans: 1 2FA entry with no account behind: gone1 \(.+\)\. /);
    expect(out.stdout).toMatch(/\n1 check\(s\) failed\.\n$/);
    expect(out.stdout).not.toContain('All checks passed.');
    const json = JSON.parse(run('doctor', '--json').stdout) as { data: { ok: boolean; checks: unknown[] } };
    expect(json.data.ok).toBe(false);
    expect(json.data.checks).toContainEqual(expect.objectContaining({ name: 'orphans', ok: false }));
    expect(Object.keys(cpanelSecrets(server))).toContain('gone1');

    const fixed = run('doctor', '--fix');
    expect(fixed.exitCode).toBe(0);
    expect(fixed.stdout).toContain('\nok    orphans: removed 1 orphan entry: gone1\n');
    expect(fixed.stdout).toMatch(/\nAll checks passed\.\n$/);
    expect(Object.keys(cpanelSecrets(server))).not.toContain('gone1');
    expect(accountKeys()).toEqual(['shop1']);
  });

  it('fails on a tree without whm2fa installed, naming what is missing', () => {
    const out = run('doctor');
    expect(out.exitCode).toBe(3);
    expect(out.stdout).toContain('\nFAIL  registration: not registered: run install.sh again\n');
    expect(out.stdout).toContain("\nok    cpanel: cPanel's WHM API answers\n");
    expect(out.stdout).toMatch(/\n4 check\(s\) failed\.\n$/);
  });

  it('takes no argument but --fix', () => {
    const out = run('doctor', '--limit', '3', '--fixit');
    expect(out.exitCode).toBe(2);
    expect(out.stderr).toMatch(/^whm2fa: unknown option --fixit\n/);
  });
});

describe('whm2fa report', () => {
  it('exits 2 when critical (no hooks), in text, JSON and Prometheus forms', () => {
    const text = run('report');
    expect(text.exitCode).toBe(2);
    expect(text.stderr).toBe('');
    expect(text.stdout).toMatch(/^status: CRITICAL\n/);
    expect(text.stdout).toContain('\nCRITICAL  hooks: account hooks missing: run install.sh again\n');
    expect(text.stdout).toMatch(/\nok {8}accounts: 4 account\(s\), 1 with 2FA\n$/);
    const json = run('report', '--json');
    expect(json.exitCode).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, data: { status: 'critical' } });
    const prom = run('report', '--prometheus');
    expect(prom.exitCode).toBe(2);
    expect(prom.stdout).toMatch(/^# HELP whm2fa_status .*\n# TYPE whm2fa_status gauge\nwhm2fa_status 2\n/);
    // One line ending, as a node exporter's textfile collector expects.
    expect(prom.stdout).toMatch(/\nwhm2fa_check_status\{check="accounts"\} 0\n$/);
  });

  it('exits 1 on a warning (root without 2FA) and 0 when all is well', () => {
    installed();
    const warning = run('report');
    expect(warning.exitCode).toBe(1);
    expect(warning.stdout).toMatch(/^status: WARNING\n/);
    expect(warning.stdout).toContain('\nWARNING   root: root has no 2FA\n');
    expect(run('report', '--prometheus').stdout).toContain('\nwhm2fa_status 1\n');
    server.cleanup();
    tree({ secrets: { root: ROOT_KEY, shop1: K } });
    installed();
    const ok = run('report');
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toMatch(/^status: OK\n/);
    const json = run('report', '--json');
    expect(json.exitCode).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, data: { status: 'ok' } });
  });

  it('bounds a tool that never answers, its whole process group killed', () => {
    server.cleanup();
    tree({ secrets: { root: ROOT_KEY, shop1: K } });
    installed();
    expect(run('config', 'set', 'tool_timeout', '1').exitCode).toBe(0);
    // A manage_hooks that never answers and leaves a child behind (its pid in a file). The
    // report's own 8 s bound is measured by test/fault/fleet-review.test.ts, as a process.
    const pidFile = join(server.root, 'hung-child.pid');
    replaceTool(server, 'manage_hooks', `#!/bin/bash\n/bin/sleep 60 &\necho $! > '${pidFile}'\nexec /bin/sleep 60\n`);
    const out = run('report');
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toMatch(/^status: WARNING\n/);
    expect(out.stdout).toContain('\nWARNING   hooks: manage_hooks could not be asked\n');
    // Killed with the group: gone, a zombie not yet reaped, or still on its way out (a
    // killed process may show R for an instant); never asleep, waiting or stopped. A
    // group killed before the tool wrote the file left no child to look for.
    if (existsSync(pidFile)) {
      const stat = join('/proc', readFileSync(pidFile, 'utf8').trim(), 'stat');
      const state = existsSync(stat) ? (/\) (\S) /.exec(readFileSync(stat, 'utf8'))?.[1] ?? '') : 'gone';
      expect(['S', 'D', 'T', 't']).not.toContain(state);
    }
  });

  it('refuses an argument or both forms with exit 2', () => {
    expect(run('report', 'now').stderr).toMatch(/^whm2fa: report takes no argument\n\nUsage: whm2fa/);
    const both = run('report', '--prometheus', '--json');
    expect(both.exitCode).toBe(2);
    expect(JSON.parse(both.stdout)).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'report takes --json or --prometheus, not both' },
    });
  });
});

describe('whm2fa sync', () => {
  it('records the changes made outside whm2fa since the last look, and says how many', () => {
    expect(run('sync')).toEqual({
      stdout: '0 change(s) made outside whm2fa recorded.\n',
      stderr: '',
      exitCode: 0,
    });
    const store = join(server.root, 'var/cpanel/authn/twofactor_auth/tfa_userdata.json');
    writeFileSync(store, JSON.stringify({ ...cpanelSecrets(server), blog2: { secret: ROOT_KEY } }));
    expect(runAt(T0 + 60, 'sync', '--json')).toEqual({
      stdout: '{"ok":true,"data":{"recorded":1}}\n',
      stderr: '',
      exitCode: 0,
    });
    expect(auditLines(server).map((l) => [l['subject'], l['action']])).toEqual([['blog2', expect.any(String)]]);
    expect(runAt(T0 + 120, 'sync').stdout).toBe('0 change(s) made outside whm2fa recorded.\n');
  });
});

describe('whm2fa, every command', () => {
  it('keeps the day’s coverage snapshot once a command has run', () => {
    expect(existsSync(paths.coverageFile)).toBe(false);
    run('status');
    expect(existsSync(paths.coverageFile)).toBe(true);
  });

  it('says each damaged audit segment on its own line of stderr and still lists the rest', () => {
    mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
    const segments = [1, 2].map((n) => join(paths.stateDir, `audit-00000${String(n)}-${String(T0 + n)}.log.gz`));
    for (const file of segments) writeFileSync(file, 'not gzip', { mode: 0o600 });
    const out = run('audit');
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toBe('No audit entries.\n');
    expect(out.stderr.split('\n').sort()).toEqual(
      [
        '',
        ...segments.map((f) => `whm2fa: skipped ${f}: it is damaged (it no longer gunzips); see whm2fa doctor`),
      ].sort(),
    );
  });

  it('answers a failure with --json on stdout alone, and an unexpected one with its words on stderr', () => {
    expect(run('status', 'nobody', '--json')).toEqual({
      stdout: '{"ok":false,"error":{"code":"BAD_REQUEST","message":"There is no account named \\"nobody\\"."}}\n',
      stderr: '',
      exitCode: 1,
    });
  });
});
