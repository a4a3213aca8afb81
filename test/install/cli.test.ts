// The `whm2fa` command as root runs it over SSH, against an installed tree.
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, auditLines, cpanelSecrets, mails, makeServer, type Server, HOST } from '../support/server';

let server: Server;
let cli: string;
beforeAll(() => {
  server = makeServer({ secrets: { root: 'JBSWY3DPEHPK3PXP', shop1: 'KRSXG5CTMVRXEZLUKN2XAZLSKNSWC4TF' } });
  cli = join(server.root, 'usr/local/sbin/whm2fa');
});
afterAll(() => server.cleanup());

function run(...args: string[]): {
  status: number | null;
  out: string;
  err: string;
  json: () => { ok: boolean; data?: Record<string, unknown>; error?: { code: string; message: string } };
} {
  const r = spawnSync(cli, args, { encoding: 'utf8' });
  return {
    status: r.status,
    out: r.stdout,
    err: r.stderr,
    json: () => JSON.parse(r.stdout) as ReturnType<ReturnType<typeof run>['json']>,
  };
}

describe('whm2fa status', () => {
  it('tells root’s own state by default, and any user’s by name', () => {
    const root = run('status', '--json');
    expect(root.status).toBe(0);
    expect(root.json()).toEqual({
      ok: true,
      data: {
        user: 'root',
        enabled: true,
        policyEnabled: true,
        issuer: HOST,
        pending: false,
        lockedUntil: null,
      },
    });
    expect(run('status', 'reseller1', '--json').json().data).toMatchObject({ user: 'reseller1', enabled: false });
    const text = run('status', 'shop1');
    expect(text.out).toContain('shop1: two-factor authentication ON');
  });

  it('an unknown account fails with exit 1; a malformed one is a usage error', () => {
    const unknown = run('status', 'ghost', '--json');
    expect(unknown.status).toBe(1);
    expect(unknown.json()).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(run('status', '../etc').status).toBe(2);
  });
});

describe('whm2fa list', () => {
  it('lists root and every account with its 2FA state', () => {
    const r = run('list', '--json');
    expect(r.status).toBe(0);
    const users = (r.json().data?.['users'] as Array<{ user: string; enabled: boolean }>).map(
      (u) => `${u.user}:${String(u.enabled)}`,
    );
    expect(users).toEqual(['root:true', 'blog2:false', 'reseller1:false', 'reseller2:false', 'shop1:true']);
    expect(run('list').out).toContain('2 of 5 accounts protected');
  });
});

describe('whm2fa remove', () => {
  it('needs --reason', () => {
    const r = run('remove', 'shop1');
    expect(r.status).toBe(2);
    expect(r.err).toContain('--reason');
    expect(cpanelSecrets(server)['shop1']).toBeDefined();
  });

  it('removes, audits and emails like the page', () => {
    const r = run('remove', 'shop1', '--reason', 'Lost phone, verified by phone call', '--json');
    expect(r.status).toBe(0);
    expect(r.json()).toEqual({ ok: true, data: { removed: ['shop1'], failed: {}, mailed: ['shop1'], notMailed: {} } });
    expect(cpanelSecrets(server)['shop1']).toBeUndefined();
    expect(auditLines(server).at(-1)).toMatchObject({
      actor: 'root',
      subject: 'shop1',
      action: 'admin.remove',
      ip: '',
      reason: 'Lost phone, verified by phone call',
    });
    expect(mails(server).some((m) => m.includes('To: owner@shop1.example.com') && m.includes('Lost phone'))).toBe(true);
  });

  it('says when there is nothing to remove (exit 1)', () => {
    const r = run('remove', 'shop1', '--reason', 'again', '--json');
    expect(r.status).toBe(1);
    expect(r.json().error?.code).toBe('NOT_ENABLED');
  });

  it('recovers root itself when its phone is lost', () => {
    expect(run('remove', 'root', '--reason', 'root lost the phone').status).toBe(0);
    expect(cpanelSecrets(server)['root']).toBeUndefined();
  });
});

describe('whm2fa audit', () => {
  it('prints the trail newest first, filtered by user and limited', async () => {
    await api(server, 'reseller1', { action: 'settings.set', issuer: 'Reseller One' });
    const all = run('audit', '--json');
    const entries = all.json().data?.['entries'] as Array<Record<string, string>>;
    expect(entries[0]).toMatchObject({ actor: 'reseller1', action: 'issuer.set' });
    const shop = run('audit', '--user', 'shop1', '--limit', '1', '--json').json().data?.['entries'] as Array<
      Record<string, string>
    >;
    expect(shop).toHaveLength(1);
    expect(shop[0]).toMatchObject({ subject: 'shop1' });
    expect(run('audit', '--limit', 'lots').status).toBe(2);
  });
});

describe('whm2fa doctor', () => {
  it('passes on a good installation', () => {
    const r = run('doctor', '--json');
    expect(r.status).toBe(0);
    const checks = r.json().data?.['checks'] as Array<{ name: string; ok: boolean }>;
    expect(checks.map((c) => c.name)).toEqual([
      'node',
      'bundles',
      'registration',
      'hooks',
      'cpanel',
      'policy',
      'settings',
      'audit',
      'orphans',
      'leftovers',
      'permissions',
    ]);
    expect(checks.every((c) => c.ok)).toBe(true);
  });

  it('names a damaged settings file with its line (exit 3)', () => {
    const file = join(server.root, 'var/cpanel/whm2fa/settings.conf');
    writeFileSync(file, 'syslog=on\ntool_timeout=0\n', { mode: 0o600 });
    try {
      const r = run('doctor', '--json');
      expect(r.status).toBe(3);
      const checks = r.json().data?.['checks'] as Array<{ name: string; ok: boolean; detail: string }>;
      expect(checks.find((c) => c.name === 'settings')).toEqual({
        name: 'settings',
        ok: false,
        detail: `${file}:2: tool_timeout takes a whole number of seconds from 1 to 600: fix it with whm2fa config set`,
      });
    } finally {
      rmSync(file);
    }
  });

  it('finds a loosened permission and a policy that is off (exit 3)', async () => {
    await api(server, 'root', { action: 'policy.set', enabled: false });
    // (Any whm2fa write tightens the folder again, so loosen it after the API call.)
    chmodSync(join(server.root, 'var/cpanel/whm2fa'), 0o755);
    const r = run('doctor');
    expect(r.status).toBe(3);
    expect(r.out).toMatch(/FAIL\s+policy/);
    expect(r.out).toMatch(/FAIL\s+permissions: .*whm2fa is 0755, expected 0700/);
    chmodSync(join(server.root, 'var/cpanel/whm2fa'), 0o700);
  });

  it('says in one line that the bundles load, and names a damaged one without crashing (exit 3)', () => {
    expect(run('doctor').out).toMatch(/ok\s+bundles: all 7 bundles load with Node's require/);
    const program = join(server.root, 'usr/local/cpanel/3rdparty/whm2fa');
    const api = join(program, 'api.js');
    const qr = join(program, 'vendor-qrcode.js');
    const [apiText, qrText] = [readFileSync(api, 'utf8'), readFileSync(qr, 'utf8')];
    try {
      // Cut short, as a full disk leaves a copy; and a file that loads but is not a bundle.
      writeFileSync(api, apiText.slice(0, Math.floor(apiText.length / 2)));
      writeFileSync(qr, 'throw new Error("damaged");');
      const r = run('doctor');
      expect(r.status, r.err).toBe(3);
      expect(r.out).toMatch(
        /FAIL\s+bundles: api\.js does not load \(\w+Error: .*\); vendor-qrcode\.js does not load \(Error: damaged\): run install\.sh again/,
      );
      // The other checks still ran.
      expect(r.out).toMatch(/ok\s+hooks/);
    } finally {
      writeFileSync(api, apiText);
      writeFileSync(qr, qrText);
    }
  });

  it('names a wrapper’s bundle that loads but has no main (a wrapper would crash on it)', () => {
    const hook = join(server.root, 'usr/local/cpanel/3rdparty/whm2fa/hook.js');
    const hookText = readFileSync(hook, 'utf8');
    try {
      writeFileSync(hook, 'module.exports = { describe: () => 1 };');
      const r = run('doctor');
      expect(r.status, r.err).toBe(3);
      expect(r.out).toMatch(/FAIL\s+bundles: hook\.js has no main: run install\.sh again/);
    } finally {
      writeFileSync(hook, hookText);
    }
    expect(run('doctor').out).toMatch(/ok\s+bundles: all 7 bundles load/);
  });
});

describe('usage', () => {
  it('--help prints the commands; unknown ones exit 2', () => {
    const help = run('--help');
    expect(help.status).toBe(0);
    for (const c of ['status', 'list', 'remove', 'audit', 'doctor']) expect(help.out).toContain(c);
    expect(run('frobnicate').status).toBe(2);
    expect(run().status).toBe(2);
    expect(run('list', '--bogus').status).toBe(2);
  });
});
