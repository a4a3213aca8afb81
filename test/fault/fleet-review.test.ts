// Review of issue 18 (fleet): defects found against an installed tree, each shown by a
// test that fails on the defect. A damaged gzip segment of the audit archive must not
// lose new entries nor make a change report "nothing was changed"; `whm2fa report` must
// not answer "warning" (exit 1) when it could not judge the server; a partly registered
// set of account hooks is not "registered".
import { mkdirSync, readFileSync, rmSync, writeFileSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync } from 'node:fs';
import { api, auditLines, cpanelTool, makeServer, replaceTool, whm2fa, type Server } from '../support/server';

/** `count` entries of about 1 KB by `actor`, as the trail holds them. */
function entries(count: number, actor: string): string {
  const at = Date.now() - 86_400_000;
  return Array.from(
    { length: count },
    (_, n) =>
      `${JSON.stringify({
        at: new Date(at + n).toISOString(),
        actor,
        subject: actor,
        owner: 'root',
        action: 'issuer.set',
        ip: '',
        result: `set to "x${String(n)}" ${'x'.repeat(900)}`,
      })}\n`,
  ).join('');
}

describe('a damaged segment of the audit archive', () => {
  let server: Server;
  let state: string;
  beforeAll(() => {
    server = makeServer({ resellers: { reseller1: ['list-accts'], reseller2: [] } });
    state = join(server.root, 'var/cpanel/whm2fa');
    // A full active log, rotated by the next entry into the first segment.
    writeFileSync(join(state, 'audit.log'), entries(1200, 'reseller2'), { mode: 0o600 });
    expect(whm2fa(server, 'config', 'set', 'tool_timeout', '21').status).toBe(0);
    const segment = readdirSync(state).find((f) => /^audit-\d{6}-\d+\.log\.gz$/.test(f)) ?? '';
    expect(segment).not.toBe('');
    // One flipped byte (a bad disk block, a hand edit): the segment no longer gunzips.
    const bytes = readFileSync(join(state, segment));
    bytes.writeUInt8((bytes[bytes.length >> 1] ?? 0) ^ 0xff, bytes.length >> 1);
    writeFileSync(join(state, segment), bytes);
    // The active log is full again: the next entry starts a compaction, which reads every segment.
    writeFileSync(join(state, 'audit.log'), entries(1200, 'reseller2'), { mode: 0o600 });
  });
  afterAll(() => server.cleanup());

  it('whm2fa config set still records its change, and says what it did', () => {
    const r = whm2fa(server, 'config', 'set', 'tool_timeout', '33');
    const now = whm2fa(server, 'config', 'get', 'tool_timeout').out.trim();
    // Today: exit 1, "nothing was changed", yet tool_timeout is 33 and no config.set entry exists.
    expect({ status: r.status, now }).toEqual({ status: 0, now: '33' });
    expect(auditLines(server).at(-1)).toMatchObject({ action: 'config.set', result: 'tool_timeout: 21 -> 33' });
  });

  it('a reseller’s issuer save on the page is recorded, not answered "nothing was changed" after it was saved', async () => {
    const r = await api(server, 'reseller1', { action: 'settings.set', issuer: 'After Damage' });
    const got = await api(server, 'reseller1', { action: 'settings.get' });
    const saved = (got.json().data as { issuer: string }).issuer;
    // Today: 500 INTERNAL "nothing was changed", while the issuer is saved and no entry is written.
    expect({ ok: r.json().ok, saved }).toEqual({ ok: true, saved: 'After Damage' });
    expect(auditLines(server).at(-1)).toMatchObject({ actor: 'reseller1', action: 'issuer.set' });
  });

  it('whm2fa audit still lists the readable entries', () => {
    const r = whm2fa(server, 'audit', '--limit', '5000');
    expect(r.status, r.err).toBe(0);
    // The full active log, the two entries above, and nothing of the damaged segment.
    expect(r.out.trim().split('\n')).toHaveLength(1202);
  });

  it('names the damaged segment in doctor and the report, and keeps it for inspection', () => {
    const doctor = whm2fa(server, 'doctor');
    expect(doctor.out).toMatch(/FAIL {2}audit: damaged audit segment\(s\).*audit-000001-\d+\.log\.gz/);
    const report = JSON.parse(whm2fa(server, 'report', '--json').out) as {
      data: { checks: Array<{ name: string; level: string; detail: string }> };
    };
    expect(report.data.checks.find((c) => c.name === 'audit')).toMatchObject({ level: 'warning' });
    expect(readdirSync(state).filter((f) => f.endsWith('.log.gz.damaged'))).toHaveLength(1);
  });

  it('whm2fa audit says on stderr which segment it skipped', () => {
    const segment = readdirSync(state).find((f) => f.endsWith('.log.gz.damaged')) ?? '';
    // Put back under its segment name, as a restore from backup would: readers meet it again.
    renameSync(join(state, segment), join(state, segment.replace(/\.damaged$/, '')));
    const r = whm2fa(server, 'audit', '--limit', '5000');
    expect(r.status, r.err).toBe(0);
    expect(r.err).toContain(`skipped ${join(state, segment.replace(/\.damaged$/, ''))}: it is damaged`);
    expect(r.out.trim().split('\n')).toHaveLength(1202);
  });
});

describe('whm2fa report when it cannot judge the server', () => {
  let server: Server;
  beforeAll(() => {
    server = makeServer({ secrets: { root: 'JBSWY3DPEHPK3PXP' } });
  });
  afterAll(() => server.cleanup());

  it('does not exit 1 (a Nagios WARNING) when a file it reads is damaged', () => {
    expect(whm2fa(server, 'report').status).toBe(0);
    // A record cut short (by hand, a full disk, a restore): the report cannot be made.
    writeFileSync(join(server.root, 'var/cpanel/whm2fa/last-cpanel-failure.json'), '{"at":"2026-', { mode: 0o600 });
    const r = whm2fa(server, 'report');
    // "a broken check is treated as critical" (docs/fleet.md): today it exits 1, warning.
    expect(r.status, r.err).toBe(2);
    const json = JSON.parse(whm2fa(server, 'report', '--json').out) as {
      data: { checks: Array<{ name: string; level: string; detail: string }> };
    };
    expect(json.data.checks.find((c) => c.name === 'cpanel')).toMatchObject({
      level: 'critical',
      detail: expect.stringContaining('last-cpanel-failure.json is not valid JSON') as string,
    });
    expect(whm2fa(server, 'report', '--prometheus').out).toMatch(/^whm2fa_status 2$/m);
  });

  it('is critical, and still printed, when cPanel’s owners file cannot be read', () => {
    const owners = join(server.root, 'etc/trueuserowners');
    const saved = readFileSync(owners);
    rmSync(owners);
    mkdirSync(owners);
    try {
      const r = whm2fa(server, 'report', '--json');
      expect(r.status, r.err).toBe(2);
      const checks = (JSON.parse(r.out) as { data: { checks: Array<{ name: string; level: string }> } }).data.checks;
      expect(checks.find((c) => c.name === 'accounts')?.level).toBe('critical');
      expect(whm2fa(server, 'report').out).toContain('accounts');
    } finally {
      rmSync(owners, { recursive: true });
      writeFileSync(owners, saved);
    }
  });
});

describe('whm2fa report and partly registered hooks', () => {
  let server: Server;
  beforeAll(() => {
    server = makeServer({ secrets: { root: 'JBSWY3DPEHPK3PXP' } });
  });
  afterAll(() => server.cleanup());

  it('is critical when the hook that cleans up a removed account is gone', () => {
    const hook = join(server.root, 'usr/local/cpanel/3rdparty/whm2fa/whm2fa-hook');
    const deleted = cpanelTool(server, 'manage_hooks', [
      'delete',
      'script',
      hook,
      '--manual',
      '--category=Whostmgr',
      '--event=Accounts::Remove',
      '--stage=post',
    ]);
    expect(deleted.status, deleted.err).toBe(0);
    const r = whm2fa(server, 'report', '--json');
    const checks = (JSON.parse(r.out) as { data: { checks: Array<{ name: string; level: string }> } }).data.checks;
    // Today: "account hooks registered", ok, exit 0.
    expect(checks.find((c) => c.name === 'hooks')).toMatchObject({
      level: 'critical',
      detail: expect.stringContaining('missing Whostmgr/Accounts::Remove/post') as string,
    });
    expect(r.status).toBe(2);
    expect(whm2fa(server, 'doctor').out).toMatch(/FAIL {2}hooks: account hooks partly registered/);
  });
});

describe('whm2fa config set and a cPanel that answers success without changing the policy', () => {
  let server: Server;
  beforeAll(() => {
    server = makeServer({ policy: false, secrets: { root: 'JBSWY3DPEHPK3PXP' } });
  });
  afterAll(() => server.cleanup());

  it('does not report the policy changed when cPanel still has it off', () => {
    const whmapi1 = join(server.root, 'usr/local/cpanel/bin/whmapi1');
    copyFileSync(whmapi1, `${whmapi1}.real`);
    const restore = replaceTool(
      server,
      'whmapi1',
      `#!/bin/bash\ncase "$*" in *twofactorauth_enable_policy*) echo '{"metadata":{"result":1,"reason":"OK","command":"twofactorauth_enable_policy"}}'; exit 0;; esac\nexec ${whmapi1}.real "$@"\n`,
    );
    try {
      const r = whm2fa(server, 'config', 'set', 'login_policy', 'on');
      const now = whm2fa(server, 'config', 'get', 'login_policy').out.trim();
      expect(now).toBe('off');
      // Today: exit 0 and "changed login_policy: off -> on" while logins still ask for no code.
      expect(r.status === 0 && r.out.includes('off -> on')).toBe(false);
    } finally {
      restore();
    }
  });

  it('does not report the issuer changed when cPanel answered success and kept the old one', () => {
    const whmapi1 = join(server.root, 'usr/local/cpanel/bin/whmapi1');
    copyFileSync(whmapi1, `${whmapi1}.real`);
    const restore = replaceTool(
      server,
      'whmapi1',
      `#!/bin/bash\ncase "$*" in *twofactorauth_set_issuer*) echo '{"metadata":{"result":1,"reason":"OK","command":"twofactorauth_set_issuer"}}'; exit 0;; esac\nexec ${whmapi1}.real "$@"\n`,
    );
    try {
      const before = whm2fa(server, 'config', 'get', 'issuer').out.trim();
      const r = whm2fa(server, 'config', 'set', 'issuer', 'Never Saved');
      expect(whm2fa(server, 'config', 'get', 'issuer').out.trim()).toBe(before);
      expect(r.status).toBe(1);
      expect(r.out).not.toContain('Never Saved');
      expect(auditLines(server).at(-1)).toMatchObject({
        action: 'issuer.set',
        result: expect.stringMatching(/^failed/),
      });
    } finally {
      restore();
    }
  });
});

describe('whm2fa report and a manage_hooks that hangs', () => {
  let server: Server;
  beforeAll(() => {
    server = makeServer({ secrets: { root: 'JBSWY3DPEHPK3PXP' } });
  });
  afterAll(() => server.cleanup());

  it('answers within its own bound, the tool and the child holding its output killed', () => {
    // Longer than the report's own bound (8 s), as a host may set it for slow servers.
    expect(whm2fa(server, 'config', 'set', 'tool_timeout', '40').status).toBe(0);
    // A tool that leaves a child holding its output open and never answers.
    const restore = replaceTool(server, 'manage_hooks', '#!/bin/bash\n/bin/sleep 60 &\nexec /bin/sleep 60\n');
    try {
      const started = Date.now();
      const r = whm2fa(server, 'report', '--json');
      const took = Date.now() - started;
      expect(r.status, r.err).toBe(1);
      const checks = (JSON.parse(r.out) as { data: { checks: Array<{ name: string; level: string }> } }).data.checks;
      expect(checks.find((c) => c.name === 'hooks')?.level).toBe('warning');
      // The report's bound (8 s) and start-up; not tool_timeout's 40 s.
      expect(took).toBeGreaterThanOrEqual(8000);
      expect(took).toBeLessThan(12_000);
    } finally {
      restore();
    }
  });
});

describe('whm2fa config set --file when cPanel refuses a later key', () => {
  let server: Server;
  beforeAll(() => {
    server = makeServer({ policy: false, secrets: { root: 'JBSWY3DPEHPK3PXP' } });
  });
  afterAll(() => server.cleanup());

  it('says what was applied before the refusal and what was not', () => {
    const whmapi1 = join(server.root, 'usr/local/cpanel/bin/whmapi1');
    copyFileSync(whmapi1, `${whmapi1}.real`);
    const restore = replaceTool(
      server,
      'whmapi1',
      `#!/bin/bash\ncase "$*" in *twofactorauth_enable_policy*) echo '{"metadata":{"result":0,"reason":"Policy locked by the host","command":"twofactorauth_enable_policy"}}'; exit 0;; esac\nexec ${whmapi1}.real "$@"\n`,
    );
    const file = join(server.root, 'fleet.conf');
    writeFileSync(file, 'issuer=Fleet Host\nlogin_policy=on\ntool_timeout=30\n');
    try {
      const r = whm2fa(server, 'config', 'set', '--file', file);
      expect(r.status).toBe(1);
      expect(r.err).toContain('Policy locked by the host');
      expect(r.err).toContain('Applied before that: issuer: "" -> "Fleet Host"');
      expect(r.err).toContain('Not applied');
      expect(whm2fa(server, 'config', 'get', 'issuer').out.trim()).toBe('Fleet Host');
      expect(whm2fa(server, 'config', 'get', 'tool_timeout').out.trim()).toBe('20');
    } finally {
      restore();
    }
  });
});
