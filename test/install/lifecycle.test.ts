// Accounts created, removed and renamed through WHM (the fake whmapi1's createacct,
// removeacct and modifyacct, which fire the installed hook as cPanel does), 2FA changed in
// cPanel's own interface, and the doctor's view of orphan entries — on cPanel 11.122 and
// 11.120 as docs/cpanel.md describes them.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  api,
  auditLines,
  cpanelSecrets,
  cpanelTool,
  mails,
  makeServer,
  TOP,
  whm2fa,
  type Server,
} from '../support/server';
import { codeForStep, stepNow } from '../support/rfc6238';

let server: Server | undefined;
afterEach(() => server?.cleanup());

const SHOP1 = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const NODOMAIN = 'KRSXG5CTMVRXEZLUKN2XAZLSKNSWC4TF';
const open = (version = '11.122.0.22'): Server =>
  (server = makeServer({
    version,
    secrets: { shop1: SHOP1, nodomain: NODOMAIN },
    resellers: { reseller1: ['list-accts'], reseller2: ['list-accts'], nodomain: [] },
  }));
const whmapi1 = (s: Server, ...args: string[]): Record<string, unknown> =>
  cpanelTool(s, 'whmapi1', ['--output=json', ...args]).json();
const ok = (answer: Record<string, unknown>): void =>
  expect((answer['metadata'] as Record<string, unknown>)['result']).toBe(1);
const otherEntries = {
  'info@shop1.example.com': { secret: 'MFRGGZDFMZTWQ2LK' },
  'dev@shop1': { secret: 'ONSWG4TFOQYTEMZU' },
  'news@blog2.example.com': { secret: 'NBSWY3DPO5XXE3DE' },
};

describe('a rename (Accounts::Modify with a new name)', () => {
  it('on 11.122 keeps the account’s 2FA and leaves email and team-user entries intact', () => {
    const s = open();
    const state = join(s.root, 'var/cpanel/whm2fa/users');
    mkdirSync(state, { recursive: true });
    writeFileSync(join(state, 'shop1.json'), '{"failures":2,"lockCount":0}', { mode: 0o600 });
    ok(whmapi1(s, 'modifyacct', 'user=shop1', 'newuser=shop9'));
    const store = cpanelSecrets(s);
    expect(store['shop9']).toEqual({ secret: SHOP1 });
    // The team moved with the account (its config is renamed): so does its user's key.
    const { 'dev@shop1': dev, ...mailboxes } = otherEntries;
    expect(store).toEqual({ ...mailboxes, shop9: { secret: SHOP1 }, 'dev@shop9': dev, nodomain: { secret: NODOMAIN } });
    expect(existsSync(join(state, 'shop9.json'))).toBe(true);
    expect(existsSync(join(state, 'shop1.json'))).toBe(false);
    const entry = auditLines(s).find((l) => l['action'] === 'account.rename');
    expect(entry).toMatchObject({
      subject: 'shop9',
      result: expect.stringMatching(/shop1 renamed to shop9: 2FA carried over/) as unknown,
    });
  });

  it('on 11.120 carries the key with the account’s one-key call, its team with it', () => {
    const s = open('11.120.0.16');
    ok(whmapi1(s, 'modifyacct', 'user=shop1', 'newuser=shop9'));
    const store = cpanelSecrets(s);
    expect(store['shop9']).toEqual({ secret: SHOP1 });
    expect(store['dev@shop9']).toEqual(otherEntries['dev@shop1']);
    expect(store['dev@shop1']).toBeUndefined();
    expect(store['shop1']).toBeUndefined();
    const entry = auditLines(s).find((l) => l['action'] === 'account.rename');
    expect(entry?.['result']).toMatch(/^shop1 renamed to shop9: 2FA carried over \(ok\)/);
  });

  it('without the twofactorauth feature says plainly that 2FA was not carried over, and mails the account and its owner', () => {
    const s = open('11.120.0.16');
    const users = join(s.root, 'var/cpanel/users/shop1');
    writeFileSync(users, readFileSync(users, 'utf8').replace('FEATURE-TWOFACTORAUTH=1', 'FEATURE-TWOFACTORAUTH=0'));
    ok(whmapi1(s, 'modifyacct', 'user=shop1', 'newuser=shop9'));
    const store = cpanelSecrets(s);
    expect(store['shop9']).toBeUndefined();
    expect(store['dev@shop9']).toEqual(otherEntries['dev@shop1']);
    expect(store['info@shop1.example.com']).toEqual(otherEntries['info@shop1.example.com']);
    const entry = auditLines(s).find((l) => l['action'] === 'account.rename');
    expect(entry?.['result']).toMatch(/2FA could not be carried over: not saved: cPanel refused to save the key/);
    const sent = mails(s);
    expect(sent.some((m) => m.includes('To: owner@shop1.example.com') && m.includes('set it up again'))).toBe(true);
    expect(sent.some((m) => m.includes('To: reseller1@example.com') && m.includes('Account:  shop9'))).toBe(true);
  });

  it('a rename whose old name still exists changes nothing', async () => {
    const s = open();
    const before = JSON.stringify(cpanelSecrets(s));
    const hook = join(s.root, 'usr/local/cpanel/3rdparty/whm2fa/whm2fa-hook');
    const out = cpanelTool(
      s,
      'manage_hooks',
      ['fire', 'Whostmgr', 'Accounts::Modify', 'post'],
      JSON.stringify({ user: 'shop1', newuser: 'blog2' }),
    );
    expect(out.out).toContain(`${hook}: 1`);
    expect(out.out).toContain('nothing changed');
    expect(JSON.stringify(cpanelSecrets(s))).toBe(before);
    expect(auditLines(s).filter((l) => l['action'] === 'account.rename')).toEqual([]);
  });
});

describe('stale entries', () => {
  it('an account renamed to a stale name does not inherit its key', () => {
    const s = open();
    ok(whmapi1(s, 'removeacct', 'user=nodomain'));
    ok(whmapi1(s, 'modifyacct', 'user=blog2', 'newuser=nodomain'));
    expect(cpanelSecrets(s)['nodomain']).toBeUndefined();
    expect(auditLines(s).find((l) => l['action'] === 'account.rename')?.['result']).toMatch(
      /no 2FA to carry over; stale 2FA entry .* removed/,
    );
  });

  it('a name reused by another tenant shows nothing of the old account’s history', async () => {
    const s = open();
    const removed = await api(s, 'reseller1', {
      action: 'users.remove',
      users: ['shop1'],
      reason: 'private: phone lost in Lisbon',
    });
    expect(removed.json().data).toMatchObject({ removed: ['shop1'] });
    ok(whmapi1(s, 'modifyacct', 'user=shop1', 'newuser=shop9'));
    ok(whmapi1(s, 'createacct', 'username=shop1', 'domain=newshop.example.com', 'owner=reseller2'));
    const resellers = join(s.root, 'var/cpanel/resellers');
    writeFileSync(resellers, `${readFileSync(resellers, 'utf8')}shop1:list-accts\n`);
    const theirs = JSON.stringify((await api(s, 'shop1', { action: 'audit.list' })).json());
    expect(theirs).not.toContain('Lisbon');
    expect(theirs).not.toContain('admin.remove');
    const owner2 = JSON.stringify((await api(s, 'reseller2', { action: 'audit.list' })).json());
    expect(owner2).not.toContain('Lisbon');
    // The old owner still sees what it did to the account it owned then.
    const owner1 = JSON.stringify((await api(s, 'reseller1', { action: 'audit.list' })).json());
    expect(owner1).toContain('Lisbon');
  });

  it('whm2fa doctor --fix records what it removed, as its own change', async () => {
    const s = open();
    ok(whmapi1(s, 'removeacct', 'user=nodomain'));
    expect(whm2fa(s, 'doctor', '--fix').status).toBe(0);
    const activity = (await api(s, 'root', { action: 'audit.list' })).json().data as {
      entries: Array<Record<string, string>>;
    };
    expect(activity.entries.find((e) => e['subject'] === 'nodomain')).toMatchObject({
      actor: 'root',
      action: 'orphan.remove',
    });
    expect(activity.entries.some((e) => e['action'] === 'cpanel.change')).toBe(false);
  });

  it('a domainless reseller removed without hooks leaves an orphan the doctor lists and fixes', () => {
    const s = open();
    ok(whmapi1(s, 'removeacct', 'user=nodomain'));
    expect(cpanelSecrets(s)['nodomain']).toEqual({ secret: NODOMAIN });
    const report = whm2fa(s, 'doctor');
    expect(report.status).toBe(3);
    expect(report.out).toMatch(/FAIL\s+orphans: 1 2FA entry with no account behind: nodomain/);
    const fixed = whm2fa(s, 'doctor', '--fix', '--json');
    const checks = (JSON.parse(fixed.out) as { data: { checks: Array<{ name: string; ok: boolean; detail: string }> } })
      .data.checks;
    expect(checks.find((c) => c.name === 'orphans')).toMatchObject({
      ok: true,
      detail: expect.stringContaining('removed 1 orphan entry: nodomain') as unknown,
    });
    expect(cpanelSecrets(s)['nodomain']).toBeUndefined();
    expect(cpanelSecrets(s)).toMatchObject({ shop1: { secret: SHOP1 }, ...otherEntries });
  });

  it('doctor --fix judges mailbox and team keys by cPanel’s domain map: a subdomain’s mailbox keeps its key', () => {
    const s = open();
    const tfa = join(s.root, 'var/cpanel/authn/twofactor_auth/tfa_userdata.json');
    const live = {
      // blog.shop1.example.com is shop1's subdomain: in /etc/userdomains, not in its DNS lines.
      'box@blog.shop1.example.com': { secret: 'GEZDGNBVGY3TQOJQ' },
      'dev@shop1': otherEntries['dev@shop1'],
    };
    const orphans = {
      'box@gone.example.com': { secret: 'MFRGGZDFMZTWQ2LK' },
      'ops@gone9': { secret: 'KRSXG5CTMVRXEZLU' },
    };
    writeFileSync(tfa, JSON.stringify({ ...JSON.parse(readFileSync(tfa, 'utf8')), ...live, ...orphans }));
    const report = whm2fa(s, 'doctor');
    expect(report.out).toMatch(
      /orphans: 2 2FA entries with no account behind: box@gone\.example\.com \([^)]*\), ops@gone9 \([^)]*\)\./,
    );
    expect(report.out).not.toContain('blog.shop1');
    expect(whm2fa(s, 'doctor', '--fix').status).toBe(0);
    const store = cpanelSecrets(s);
    expect(store).toMatchObject({ ...live, ...otherEntries, shop1: { secret: SHOP1 } });
    for (const key of Object.keys(orphans)) expect(store[key]).toBeUndefined();
  });

  it('an account created under a stale name has no 2FA', () => {
    const s = open();
    ok(whmapi1(s, 'removeacct', 'user=nodomain'));
    ok(whmapi1(s, 'createacct', 'username=nodomain', 'domain=fresh.example.com', 'owner=reseller2'));
    expect(cpanelSecrets(s)['nodomain']).toBeUndefined();
    expect(whmapi1(s, 'twofactorauth_get_user_configs', 'user=nodomain')['data']).toEqual({
      nodomain: { is_enabled: 0, primary_domain: 'fresh.example.com' },
    });
    expect(auditLines(s).find((l) => l['action'] === 'account.create')?.['result']).toMatch(
      /stale 2FA entry .* removed/,
    );
  });

  it('a remove event for an account that still exists changes nothing', () => {
    const s = open();
    const before = JSON.stringify(cpanelSecrets(s));
    const out = cpanelTool(
      s,
      'manage_hooks',
      ['fire', 'Whostmgr', 'Accounts::Remove', 'post'],
      JSON.stringify({ user: 'shop1' }),
    );
    expect(out.out).toContain('shop1 still exists; nothing changed');
    expect(JSON.stringify(cpanelSecrets(s))).toBe(before);
  });

  it('removing an account clears the mailbox and team keys cPanel leaves, and records each', () => {
    const s = open();
    ok(whmapi1(s, 'removeacct', 'user=shop1'));
    const store = cpanelSecrets(s);
    expect(Object.keys(store).sort()).toEqual(['news@blog2.example.com', 'nodomain']);
    expect(auditLines(s).find((l) => l['action'] === 'account.remove')).toMatchObject({
      subject: 'shop1',
      result: 'account removed; 2FA entries left in cPanel’s store removed: info@shop1.example.com, dev@shop1',
    });
  });

  it('a rename onto a removed account’s name carries only the renamed account’s own keys', () => {
    const s = open();
    // cPanel (as in 11.122) removes shop1's own key only; the hook clears the rest. Put a
    // former tenant's leftovers back by hand, as an older whm2fa would have left them.
    ok(whmapi1(s, 'removeacct', 'user=shop1'));
    const tfa = join(s.root, 'var/cpanel/authn/twofactor_auth/tfa_userdata.json');
    const former = { 'dev@shop1': { secret: 'KRSXG5CTMVRXEZLU' }, shop1: { secret: 'MFRGGZDFMZTWQ2LK' } };
    writeFileSync(tfa, JSON.stringify({ ...JSON.parse(readFileSync(tfa, 'utf8')), ...former }));
    ok(whmapi1(s, 'modifyacct', 'user=blog2', 'newuser=shop1'));
    const store = cpanelSecrets(s);
    expect(store['shop1']).toBeUndefined();
    expect(store['dev@shop1']).toBeUndefined();
    expect(store['news@blog2.example.com']).toEqual({ secret: 'NBSWY3DPO5XXE3DE' });
    expect(auditLines(s).find((l) => l['action'] === 'account.rename')?.['result']).toMatch(
      /^blog2 renamed to shop1: no 2FA to carry over; stale 2FA entry of an earlier account of this name removed$/,
    );
  });

  it('a created account inherits nothing a former holder of its name or domain left', () => {
    const s = open();
    ok(whmapi1(s, 'removeacct', 'user=shop1'));
    const tfa = join(s.root, 'var/cpanel/authn/twofactor_auth/tfa_userdata.json');
    const former = {
      shop1: { secret: 'MFRGGZDFMZTWQ2LK' },
      'dev@shop1': { secret: 'KRSXG5CTMVRXEZLU' },
      'info@shop1.example.com': { secret: 'ONSWG4TFOQYTEMZU' },
    };
    writeFileSync(tfa, JSON.stringify({ ...JSON.parse(readFileSync(tfa, 'utf8')), ...former }));
    ok(whmapi1(s, 'createacct', 'username=shop1', 'domain=shop1.example.com', 'owner=reseller2'));
    const store = cpanelSecrets(s);
    for (const key of Object.keys(former)) expect(store[key]).toBeUndefined();
    expect(store['news@blog2.example.com']).toEqual({ secret: 'NBSWY3DPO5XXE3DE' });
  });
});

describe('changes made in cPanel’s own interface', () => {
  const setThroughUapi = (s: Server, user: string, secret: string): Record<string, unknown> =>
    cpanelTool(s, 'uapi', [
      '--output=json',
      `--user=${user}`,
      'TwoFactorAuth',
      'set_user_configuration',
      `secret=${secret}`,
      `tfa_token=${codeForStep(secret, stepNow())}`,
    ]).json();

  it('show in Activity and put nothing into the UAPI messages (hook escalated, as registered)', async () => {
    const s = open();
    const answer = setThroughUapi(s, 'blog2', 'GEZDGNBVGY3TQOJQ');
    expect((answer['result'] as Record<string, unknown>)['status']).toBe(1);
    expect((answer['result'] as Record<string, unknown>)['messages']).toBeNull();
    expect(auditLines(s).find((l) => l['action'] === 'cpanel.change')).toMatchObject({
      subject: 'blog2',
      actor: 'cPanel',
    });
    const activity = await api(s, 'reseller2', { action: 'audit.list' });
    expect(JSON.stringify(activity.json().data)).toContain('turned on outside whm2fa');
  });

  it('show in Activity when the hook ran unprivileged, and put nothing into the UAPI messages', async () => {
    const s = open();
    // A registration without escalateprivs: cPanel runs the hook as the account's uid.
    const registry = join(s.root, 'var/cpanel/hooks/registry.json');
    writeFileSync(registry, readFileSync(registry, 'utf8').replace(/"escalateprivs": 1/g, '"escalateprivs": 0'));
    const answer = setThroughUapi(s, 'blog2', 'GEZDGNBVGY3TQOJQ');
    expect((answer['result'] as Record<string, unknown>)['messages']).toBeNull();
    expect(auditLines(s).some((l) => l['action'] === 'cpanel.change')).toBe(false);
    const removed = cpanelTool(s, 'uapi', [
      '--output=json',
      '--user=shop1',
      'TwoFactorAuth',
      'remove_user_configuration',
    ]).json();
    expect((removed['result'] as Record<string, unknown>)['messages']).toBeNull();
    const activity = JSON.stringify((await api(s, 'root', { action: 'audit.list' })).json().data);
    expect(activity).toContain('"subject":"blog2"');
    expect(activity).toContain('turned on outside whm2fa');
    expect(activity).toContain('turned off outside whm2fa');
    // Recorded once: a second read adds nothing.
    const again = (await api(s, 'root', { action: 'audit.list' })).json().data as { entries: unknown[] };
    expect(again.entries.filter((e) => JSON.stringify(e).includes('outside whm2fa'))).toHaveLength(2);
  });
});

describe('upgrades', () => {
  it('a second install.sh over an older registration updates the hook attributes', () => {
    const s = open();
    const hook = join(s.root, 'usr/local/cpanel/3rdparty/whm2fa/whm2fa-hook');
    cpanelTool(s, 'manage_hooks', ['delete', 'script', hook]);
    cpanelTool(s, 'manage_hooks', [
      'add',
      'script',
      hook,
      '--manual',
      '--category=Cpanel',
      '--event=UAPI::TwoFactorAuth::set_user_configuration',
      '--stage=post',
    ]);
    const listed = (): Array<Record<string, unknown>> =>
      JSON.parse(cpanelTool(s, 'manage_hooks', ['list']).out) as Array<Record<string, unknown>>;
    expect(listed()).toHaveLength(1);
    expect(listed()[0]?.['escalateprivs']).toBe(0);
    // Install again, as an upgrade does.
    const again = makeServerInstall(s);
    expect(again).toBe(0);
    const hooks = listed();
    expect(
      hooks.map((h) => `${String(h['category'])} ${String(h['event'])} ${String(h['escalateprivs'])}`).sort(),
    ).toEqual([
      'Cpanel UAPI::TwoFactorAuth::remove_user_configuration 1',
      'Cpanel UAPI::TwoFactorAuth::set_user_configuration 1',
      'Whostmgr Accounts::Create 0',
      'Whostmgr Accounts::Modify 0',
      'Whostmgr Accounts::Remove 0',
      'Whostmgr Accounts::Remove 0',
    ]);
  });
});

describe('hook registrations an older release left (cPanel 11.122 Cpanel/Hooks/Manage.pm, _cmp_hooks)', () => {
  type Hook = Record<string, unknown>;
  const hookOf = (s: Server): string => join(s.root, 'usr/local/cpanel/3rdparty/whm2fa/whm2fa-hook');
  const listed = (s: Server): Hook[] => JSON.parse(cpanelTool(s, 'manage_hooks', ['list']).out) as Hook[];
  const byEvent = (hooks: Hook[]): Hook[] =>
    [...hooks].sort((a, b) =>
      `${String(a['category'])}${String(a['event'])}`.localeCompare(`${String(b['category'])}${String(b['event'])}`),
    );
  const otherPlugin: Hook = {
    category: 'Whostmgr',
    event: 'Accounts::Remove',
    stage: 'post',
    hook: '/usr/local/cpanel/3rdparty/otherplugin/hook',
    exectype: 'script',
    blocking: 1,
    escalateprivs: 0,
  };

  /**
   * The registry as an older release left it: the Cpanel hooks not escalated, one
   * Whostmgr hook blocking, and an event the new hook script no longer describes; beside
   * them another plugin's hook on one of the same events.
   */
  function olderRegistration(s: Server): void {
    const entry = (category: string, event: string, extra: Hook = {}): Hook => ({
      category,
      event,
      stage: 'post',
      hook: hookOf(s),
      exectype: 'script',
      blocking: 0,
      escalateprivs: 0,
      ...extra,
    });
    const hooks = [
      entry('Whostmgr', 'Accounts::Create', { blocking: 1 }),
      entry('Whostmgr', 'Accounts::Remove'),
      otherPlugin,
      entry('Whostmgr', 'Accounts::Modify'),
      entry('Whostmgr', 'Accounts::suspendacct'),
      entry('Cpanel', 'UAPI::TwoFactorAuth::set_user_configuration'),
      entry('Cpanel', 'UAPI::TwoFactorAuth::remove_user_configuration'),
    ];
    writeFileSync(join(s.root, 'var/cpanel/hooks/registry.json'), JSON.stringify({ hooks }));
  }

  it('an upgrade leaves exactly the hooks the new script describes, with the described attributes', () => {
    const s = open();
    olderRegistration(s);
    expect(makeServerInstall(s)).toBe(0);
    const described = JSON.parse(spawnSync(hookOf(s), ['--describe'], { encoding: 'utf8' }).stdout) as Hook[];
    expect(described).toHaveLength(6);
    const expected = described.map((d) => ({
      category: d['category'],
      event: d['event'],
      stage: d['stage'],
      hook: d['hook'] ?? hookOf(s),
      exectype: d['exectype'] ?? 'script',
      blocking: d['blocking'] ? 1 : 0,
      escalateprivs: d['escalateprivs'] ? 1 : 0,
    }));
    const hooks = listed(s);
    expect(byEvent(hooks.filter((h) => h['hook'] === hookOf(s)))).toEqual(byEvent(expected));
    expect(hooks.filter((h) => h['hook'] !== hookOf(s))).toEqual([otherPlugin]);
  });

  it('--uninstall leaves none of whm2fa’s hooks and keeps another plugin’s', () => {
    const s = open();
    olderRegistration(s);
    const r = spawnSync('bash', [join(TOP, 'install.sh'), '--root', s.root, '--uninstall'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('still lists');
    expect(listed(s)).toEqual([otherPlugin]);
  });
});

function makeServerInstall(s: Server): number | null {
  return spawnSync('bash', [join(TOP, 'install.sh'), '--root', s.root, '--node', process.execPath, '--yes']).status;
}
