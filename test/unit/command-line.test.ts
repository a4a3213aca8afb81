// `whm2fa` in-process (plugin/src/commandLine.ts) against a scratch tree: what each command
// prints, on which stream, and its exit code. test/install/cli.test.ts runs the installed
// command as a process; these cover the rules without a process each.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCommandLine } from '../../plugin/src/commandLine';
import { appendAudit } from '../../plugin/src/audit';
import type { ServerPaths } from '../../plugin/src/paths';
import { scratchServer, storeSecrets, writeAccounts, writeStore } from '../support/fakeBridge';

const T0 = 1_800_000_000;
const K = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

let root: string;
let paths: ServerPaths;

const run = (...argv: string[]) => runCommandLine({ root, argv }, T0);

beforeEach(() => {
  ({ root, paths } = scratchServer('whm2fa-cli-'));
  writeAccounts(paths, { shop1: { domains: ['shop1.example'], owner: 'reseller1' }, blog2: {} }, ['reseller1']);
  writeStore(paths, { shop1: K });
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('whm2fa (in-process)', () => {
  it('prints the usage on stdout for --help and help, exit 0', () => {
    for (const argv of [['--help'], ['help'], ['status', '--help']]) {
      const out = runCommandLine({ root, argv }, T0);
      expect(out.exitCode).toBe(0);
      expect(out.stdout).toMatch(/^Usage: whm2fa <command>/);
      expect(out.stderr).toBe('');
    }
  });

  it('refuses usage errors with exit 2, the reason and the usage on stderr', () => {
    const cases: Array<[string[], string]> = [
      [[], 'name a command'],
      [['frobnicate'], 'unknown command "frobnicate"'],
      [['list', 'shop1'], 'list takes no account name'],
      [['remove', 'shop1'], 'remove needs --reason TEXT'],
      [['report', 'x'], 'report takes no argument'],
      [['report', '--json', '--prometheus'], 'report takes --json or --prometheus, not both'],
      [['audit', 'shop1'], 'audit takes --user U'],
      [['config'], 'config needs get, set or check'],
    ];
    for (const [argv, reason] of cases) {
      const out = run(...argv);
      expect(out.exitCode, argv.join(' ')).toBe(2);
      if (!argv.includes('--json')) expect(out.stdout, argv.join(' ')).toBe('');
      expect(out.stderr, argv.join(' ')).toContain(`whm2fa: ${reason}`);
      expect(out.stderr).toContain('Usage: whm2fa');
    }
  });

  it('answers a usage error with --json as the API envelope on stdout', () => {
    const out = run('frobnicate', '--json');
    expect(out.exitCode).toBe(2);
    expect(JSON.parse(out.stdout)).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'unknown command "frobnicate"' },
    });
  });

  it('says an account state, in text and as JSON', () => {
    const text = run('status', 'shop1');
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/^shop1: two-factor authentication ON\n/);
    const off = run('status', 'blog2');
    expect(off.stdout).toMatch(/^blog2: two-factor authentication off\n/);
    const json = JSON.parse(run('status', 'shop1', '--json').stdout) as { ok: boolean; data: { enabled: boolean } };
    expect(json.ok).toBe(true);
    expect(json.data.enabled).toBe(true);
  });

  it('refuses an unknown account with exit 1 and the reason on stderr, changing nothing', () => {
    const before = storeSecrets(paths);
    const out = run('status', 'nobody');
    expect(out).toEqual({ stdout: '', stderr: 'whm2fa: There is no account named "nobody".\n', exitCode: 1 });
    const json = run('status', 'nobody', '--json');
    expect(json.exitCode).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(storeSecrets(paths)).toEqual(before);
  });

  it('lists every account with its state and counts the protected ones', () => {
    const out = run('list');
    expect(out.exitCode).toBe(0);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^USER\s+2FA\s+OWNER\s+DOMAIN$/);
    expect(lines.find((l) => l.startsWith('shop1'))).toMatch(/^shop1\s+on\s+reseller1\s+shop1\.example$/);
    expect(lines.find((l) => l.startsWith('blog2'))).toMatch(/^blog2\s+off\s+root/);
    // Root and the reseller are accounts too.
    expect(lines.find((l) => l.startsWith('reseller1'))).toMatch(/^reseller1\s+off\s+root/);
    expect(lines.at(-1)).toBe('1 of 4 accounts protected');
  });

  it('takes --limit from 1 to 10000 only: 0 and 10001 are usage errors', () => {
    for (const limit of ['0', '10001', '-1', '2.5']) {
      const out = run('audit', '--limit', limit);
      expect(out.exitCode, limit).toBe(2);
      expect(out.stderr, limit).toContain('whm2fa: --limit takes a whole number from 1 to 10000');
    }
    expect(run('audit', '--limit', '1').exitCode).toBe(0);
    expect(run('audit', '--limit', '10000').exitCode).toBe(0);
  });

  it('says an unexpected failure in its own words on stderr with every secret-looking run removed', () => {
    // A damaged settings file's line is quoted in the error; a key pasted there must not reach the terminal.
    mkdirSync(dirname(paths.ownSettingsFile), { recursive: true });
    writeFileSync(paths.ownSettingsFile, `${K}=on\n`);
    for (const argv of [
      ['config', 'get'],
      ['config', 'get', '--json'],
    ]) {
      const out = run(...argv);
      expect(out.exitCode, argv.join(' ')).toBe(1);
      expect(out.stderr, argv.join(' ')).toContain('unknown setting "[redacted]"');
      expect(`${out.stdout}${out.stderr}`, argv.join(' ')).not.toContain(K);
      expect(`${out.stdout}${out.stderr}`.toUpperCase(), argv.join(' ')).not.toContain(K.slice(0, 16));
    }
  });
});

describe('whm2fa audit and config (in-process)', () => {
  it('audit: no entries, then the newest first with who, whom, what, from where and why', () => {
    expect(run('audit').stdout).toBe('No audit entries.\n');
    appendAudit(
      paths,
      {
        epochSeconds: T0,
        actor: 'reseller1',
        subject: 'shop1',
        action: 'remove',
        ip: '192.0.2.7',
        result: 'ok',
        reason: 'lost',
      },
      { epochSeconds: T0 + 60, actor: 'root', subject: 'blog2', action: 'remind', ip: '', result: 'ok' },
    );
    const at = (s: number) => new Date(s * 1000).toISOString();
    const out = run('audit');
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toBe(
      [
        `${at(T0 + 60)}  root -> blog2  remind  ok`,
        `${at(T0)}  reseller1 -> shop1  remove  ok  from 192.0.2.7  reason: lost`,
        '',
      ].join('\n'),
    );
    // --user matches the subject or the actor; --limit caps the count.
    expect(run('audit', '--user', 'shop1').stdout).toBe(
      `${at(T0)}  reseller1 -> shop1  remove  ok  from 192.0.2.7  reason: lost\n`,
    );
    expect(run('audit', '--user', 'reseller1').stdout).toContain('reseller1 -> shop1');
    expect(run('audit', '--user', 'root').stdout).toContain('root -> blog2');
    expect(run('audit', '--user', 'nobody').stdout).toBe('No audit entries.\n');
    expect(run('audit', '--limit', '1').stdout.trimEnd().split('\n')).toEqual([
      `${at(T0 + 60)}  root -> blog2  remind  ok`,
    ]);
    expect(run('audit', '--limit', '10000').exitCode).toBe(0);
    const json = JSON.parse(run('audit', '--json', '--limit', '1').stdout);
    expect(json.ok).toBe(true);
    expect(json.data.entries).toHaveLength(1);
  });

  it('audit: refuses a limit out of 1 to 10000 or a name that is not one, exit 2', () => {
    for (const limit of ['0', '10001', '1.5', 'x', '-1']) {
      const out = run('audit', '--limit', limit);
      expect(out.exitCode, limit).toBe(2);
      expect(out.stderr, limit).toContain('whm2fa: --limit takes a whole number from 1 to 10000');
    }
    const bad = run('audit', '--user', 'Bad/Name');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('whm2fa: "Bad/Name" is not a valid account name');
  });

  it('config check: the installed file or a named one, each problem as FILE:LINE', () => {
    expect(run('config', 'check').stdout).toBe(`${paths.ownSettingsFile}: ok\n`);
    writeFileSync(paths.ownSettingsFile, 'syslog=maybe\n');
    const damaged = run('config', 'check');
    expect(damaged.exitCode).toBe(1);
    expect(damaged.stderr).toContain('syslog');
    const file = join(root, 'fleet.conf');
    writeFileSync(file, '# fleet\naudit_days=30\n');
    expect(run('config', 'check', file).stdout).toBe(`${file}: ok\n`);
    expect(run('config', 'check', '--file', file).stdout).toBe(`${file}: ok\n`);
    writeFileSync(file, 'audit_days=30\nnope=1\ntool_timeout=0\n');
    const bad = run('config', 'check', file);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain(`${file}:2: `);
    expect(bad.stderr).toContain(`${file}:3: tool_timeout takes a whole number of seconds from 1 to 600`);
    expect(bad.stderr).toContain('Nothing was changed.');
    expect(bad.stderr).toBe(
      `whm2fa: ${file}:2: unknown setting "nope" (known: issuer, login_policy, syslog, audit_days, audit_mib, tool_timeout)\n` +
        `${file}:3: tool_timeout takes a whole number of seconds from 1 to 600\nNothing was changed.\n`,
    );
    expect(JSON.parse(run('config', 'check', file, '--json').stdout)).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    const missing = run('config', 'check', join(root, 'none.conf'));
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain(`${join(root, 'none.conf')}: cannot be read (ENOENT)`);
    expect(JSON.parse(run('config', 'check', join(root, 'none.conf'), '--json').stdout)).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    writeFileSync(file, 'audit_days=30\n');
    expect(JSON.parse(run('config', 'check', file, '--json').stdout)).toEqual({ ok: true, data: { ok: true, file } });
    expect(JSON.parse(run('config', 'check', '--json').stdout)).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringContaining('syslog') },
    });
    writeFileSync(paths.ownSettingsFile, 'syslog=off\n');
    expect(JSON.parse(run('config', 'check', '--json').stdout)).toEqual({
      ok: true,
      data: { ok: true, file: paths.ownSettingsFile },
    });
    expect(run('config', 'check', file, 'other').exitCode).toBe(2);
    expect(run('config', 'check', file, '--file', file).stderr).toContain('config check takes at most one FILE');
  });

  it('config set and get: one setting of whm2fa’s own, read back as key=value', () => {
    const set = run('config', 'set', 'audit_days', ' 30 ');
    expect(set.exitCode).toBe(0);
    expect(set.stdout).toMatch(/^changed /);
    expect(run('config', 'get', 'audit_days').stdout).toBe('30\n');
    expect(JSON.parse(run('config', 'get', 'audit_days', '--json').stdout)).toEqual({
      ok: true,
      data: { audit_days: '30' },
    });
    expect(run('config', 'get').stdout).toContain('\naudit_days=30\n');
    expect(JSON.parse(run('config', 'get', '--json').stdout).data.settings.audit_days).toBe('30');
    expect(run('config', 'set', 'audit_days', '30').stdout).toBe('unchanged\n');
    const bad = run('config', 'set', 'audit_days', '-2');
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain(
      'audit_days takes a whole number of days (0: no age limit) from 0 to 3650. Nothing was changed.',
    );
    expect(JSON.parse(run('config', 'set', 'audit_days', '-2', '--json').stdout)).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(run('config', 'get', 'audit_days').stdout).toBe('30\n');
    expect(run('config', 'get', 'nope').stderr).toContain(
      'whm2fa: unknown setting "nope" (known: issuer, login_policy',
    );
    expect(run('config', 'get', 'a', 'b').stderr).toContain('config get takes at most one KEY');
    expect(run('config', 'set', 'audit_days').stderr).toContain('config set takes KEY VALUE (or --file FILE)');
    expect(run('config', 'set', 'x', '--file', 'f').stderr).toContain(
      'config set takes KEY VALUE or --file FILE, not both',
    );
    expect(run('config', 'frob').stderr).toContain('whm2fa: unknown config command "frob"');
  });

  it('config set --file: the whole file checked first, then applied', () => {
    const file = join(root, 'fleet.conf');
    writeFileSync(file, 'audit_days=12\nsyslog=off\n');
    expect(run('config', 'set', '--file', file)).toEqual({
      stdout: 'changed syslog: on -> off\nchanged audit_days: 0 -> 12\n',
      stderr: '',
      exitCode: 0,
    });
    expect(run('config', 'get', 'audit_days').stdout).toBe('12\n');
    writeFileSync(file, 'audit_days=13\nsyslog=maybe\n');
    expect(run('config', 'set', '--file', file).exitCode).toBe(1);
    expect(run('config', 'get', 'audit_days').stdout).toBe('12\n');
  });

  it('config set over a damaged settings file: the others back to their defaults, and said', () => {
    mkdirSync(dirname(paths.ownSettingsFile), { recursive: true });
    writeFileSync(paths.ownSettingsFile, 'syslog=maybe\n');
    const out = run('config', 'set', 'audit_days', '30');
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toMatch(
      /\nnote: the settings file was damaged; the settings not named are back to their defaults\n$/,
    );
    expect(run('config', 'get', 'syslog').stdout).toBe('on\n');
  });
});
