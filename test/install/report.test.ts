// `whm2fa report` against prepared server trees: each exit code (0 ok, 1 warning,
// 2 critical) from the state that should cause it, `--json` valid against the schema in
// docs/report.schema.json, and `--prometheus` valid text exposition format.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  api,
  cpanelTool,
  makeServer,
  replaceTool,
  TOP,
  whm2fa,
  type Server,
  type TreeOptions,
} from '../support/server';
import { validate } from '../support/jsonSchema';
import { parseExposition } from '../support/prometheus';
import { wrongCodeNow } from '../support/rfc6238';

const SCHEMA = JSON.parse(readFileSync(join(TOP, 'docs/report.schema.json'), 'utf8')) as Record<string, unknown>;
const ROOT_SECRET = 'JBSWY3DPEHPK3PXP';

let servers: Server[] = [];
afterEach(() => {
  for (const s of servers) s.cleanup();
  servers = [];
});
function tree(options: TreeOptions = {}): Server {
  const server = makeServer({ secrets: { root: ROOT_SECRET, shop1: 'KRSXG5CTMVRXEZLUKN2XAZLSKNSWC4TF' }, ...options });
  servers.push(server);
  return server;
}

interface Reported {
  status: number | null;
  data: Record<string, unknown> & { status: string; checks: Array<{ name: string; level: string }> };
}
function report(server: Server): Reported {
  const r = whm2fa(server, 'report', '--json');
  const parsed = JSON.parse(r.out) as { data: Reported['data'] };
  expect(validate(SCHEMA, parsed)).toEqual([]);
  return { status: r.status, data: parsed.data };
}
const levels = (r: Reported): Record<string, string> => Object.fromEntries(r.data.checks.map((c) => [c.name, c.level]));

describe('exit 0: all is well', () => {
  it('reports versions, policy, issuer and coverage by owner, and exits 0 in every form', () => {
    const server = tree();
    const r = report(server);
    expect(r.status).toBe(0);
    expect(r.data).toMatchObject({
      status: 'ok',
      versions: { whm2fa: '1.0.0', cpanel: '11.122', node: process.versions.node },
      loginPolicy: true,
      root2fa: true,
      accounts: {
        total: 4,
        with2fa: 1,
        without2fa: 3,
        byOwner: [
          { owner: 'reseller1', with2fa: 1, without2fa: 0 },
          { owner: 'reseller2', with2fa: 0, without2fa: 1 },
          { owner: 'root', with2fa: 0, without2fa: 2 },
        ],
      },
      orphanEntries: 0,
      hooksRegistered: true,
      pendingSetups: 0,
      lockedUsers: [],
      lastCpanelFailure: null,
      settingsValid: true,
    });
    expect(whm2fa(server, 'report').status).toBe(0);
    expect(whm2fa(server, 'report').out).toContain('status: OK');
    expect(whm2fa(server, 'report', '--prometheus').status).toBe(0);
  });

  it('counts a pending setup without a warning', async () => {
    const server = tree();
    await api(server, 'reseller1', { action: 'enroll.start' });
    const r = report(server);
    expect(r.data.pendingSetups).toBe(1);
    expect(r.status).toBe(0);
  });
});

describe('exit 1: a warning', () => {
  it('an orphan entry in cPanel’s store', () => {
    const server = tree({ otherEntries: { gone9: 'MFRGGZDFMZTWQ2LK' } });
    const r = report(server);
    expect(r.status).toBe(1);
    expect(r.data.orphanEntries).toBe(1);
    expect(levels(r)).toMatchObject({ orphans: 'warning', policy: 'ok', hooks: 'ok' });
  });

  it('a locked user', async () => {
    const server = tree();
    for (let i = 0; i < 5; i += 1) await api(server, 'root', { action: 'remove', code: wrongCodeNow(ROOT_SECRET) });
    const r = report(server);
    expect(r.data.lockedUsers).toEqual(['root']);
    expect(r.status).toBe(1);
    expect(levels(r)['locked']).toBe('warning');
  });

  it('a cPanel call that failed, with which call and cPanel’s reason', () => {
    const server = tree();
    const restore = replaceTool(
      server,
      'whmapi1',
      `#!/bin/sh\necho '{"metadata":{"result":0,"reason":"Policy is locked by the host."}}'\n`,
    );
    expect(whm2fa(server, 'config', 'set', 'login_policy', 'off').status).toBe(1);
    restore();
    const r = report(server);
    expect(r.status).toBe(1);
    expect(r.data['lastCpanelFailure']).toMatchObject({
      call: 'whmapi1 twofactorauth_disable_policy',
      reason: 'Policy is locked by the host.',
    });
    expect(levels(r)).toMatchObject({ cpanel: 'warning', policy: 'ok' });
  });

  it('root without 2FA', () => {
    const server = makeServer({ secrets: {} });
    servers.push(server);
    const r = report(server);
    expect(r.status).toBe(1);
    expect(r.data.root2fa).toBe(false);
  });
});

describe('exit 2: critical', () => {
  it('the login policy is off', () => {
    const r = report(tree({ policy: false }));
    expect(r.status).toBe(2);
    expect(r.data.loginPolicy).toBe(false);
    expect(levels(r)['policy']).toBe('critical');
  });

  it('the account hooks are not registered', () => {
    const server = tree();
    const hook = join(server.root, 'usr/local/cpanel/3rdparty/whm2fa/whm2fa-hook');
    expect(cpanelTool(server, 'manage_hooks', ['delete', 'script', hook]).status).toBe(0);
    const r = report(server);
    expect(r.status).toBe(2);
    expect(r.data.hooksRegistered).toBe(false);
  });

  it('the settings file is damaged, named with its line', () => {
    const server = tree();
    writeFileSync(join(server.root, 'var/cpanel/whm2fa/settings.conf'), 'syslog=on\naudit_mib=lots\n');
    const r = report(server);
    expect(r.status).toBe(2);
    expect(r.data.settingsValid).toBe(false);
    expect(r.data.checks.find((c) => c.name === 'settings')).toMatchObject({
      level: 'critical',
      detail: expect.stringContaining('settings.conf:2: audit_mib takes a whole number') as string,
    });
    // The text form names the worst level first; the exit code is the same in every form.
    const text = whm2fa(server, 'report');
    expect(text.status).toBe(2);
    expect(text.out.split('\n')[0]).toBe('status: CRITICAL');
  });
});

describe('--prometheus', () => {
  it('parses as the text exposition format and carries the same facts', () => {
    const server = tree({
      otherEntries: { gone9: 'MFRGGZDFMZTWQ2LK' },
      issuers: { system_wide_issuer: 'Host "A" \\ B' },
    });
    const r = whm2fa(server, 'report', '--prometheus');
    expect(r.status).toBe(1);
    const families = parseExposition(r.out);
    for (const f of families.values()) {
      expect(f.type).toBe('gauge');
      expect(f.help).toMatch(/\S/);
      expect(f.name).toMatch(/^whm2fa_/);
    }
    const value = (name: string, labels: Record<string, string> = {}): number | undefined =>
      families.get(name)?.samples.find((s) => JSON.stringify(s.labels) === JSON.stringify(labels))?.value;
    expect(value('whm2fa_status')).toBe(1);
    expect(value('whm2fa_orphan_entries')).toBe(1);
    expect(value('whm2fa_login_policy_enabled')).toBe(1);
    expect(value('whm2fa_accounts', { owner: 'reseller1', twofa: 'on' })).toBe(1);
    expect(value('whm2fa_accounts', { owner: 'root', twofa: 'off' })).toBe(2);
    expect(value('whm2fa_check_status', { check: 'orphans' })).toBe(1);
    // A label value with quotes and a backslash comes back exactly.
    expect(families.get('whm2fa_info')?.samples[0]?.labels['issuer']).toBe('Host "A" \\ B');
  });
});
