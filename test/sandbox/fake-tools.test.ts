// The fake cPanel tools against docs/cpanel.md (registration, command-line APIs, hooks), call by call: envelopes,
// error texts and effects on the tree.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript module of the local WHM
import { createServerTree } from '../../scripts/fake-cpanel/tree.mjs';
import { totp } from '../support/rfc6238';
import { HOST } from '../support/server';

// The tools' answers, read as loosely typed JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'whm2fa-fakes-'));
  (createServerTree as (r: string, o: Record<string, unknown>) => void)(root, {
    secrets: { blog2: 'JBSWY3DPEHPK3PXP' },
    resellers: { reseller1: ['list-accts'], reseller2: [], lonely: [] },
  });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const bin = (tool: string): string =>
  join(root, tool === 'sendmail' ? 'usr/sbin/sendmail' : `usr/local/cpanel/bin/${tool}`);
function tool(name: string, args: string[], input = ''): { status: number | null; out: string; json: () => Json } {
  const r = spawnSync(bin(name), args, { input, encoding: 'utf8' });
  return { status: r.status, out: r.stdout, json: () => JSON.parse(r.stdout) as Json };
}
const whmapi1 = (...args: string[]) => tool('whmapi1', ['--output=json', ...args]).json();
const uapi = (user: string, ...args: string[]) =>
  tool('uapi', ['--output=json', `--user=${user}`, 'TwoFactorAuth', ...args]).json();
const store = (): Record<string, { secret: string }> =>
  JSON.parse(readFileSync(join(root, 'var/cpanel/authn/twofactor_auth/tfa_userdata.json'), 'utf8'));
const now = (): number => Date.now() / 1000;

describe('whmapi1', () => {
  it('twofactorauth_policy_status and enable/disable, with the WHM API 1 envelope', () => {
    expect(whmapi1('twofactorauth_policy_status')).toEqual({
      metadata: { command: 'twofactorauth_policy_status', reason: 'OK', result: 1, version: 1 },
      data: { is_enabled: 1 },
    });
    expect(whmapi1('twofactorauth_disable_policy').metadata.result).toBe(1);
    expect(readFileSync(join(root, 'var/cpanel/cpanel.config'), 'utf8')).toContain('SecurityPolicy::TwoFactorAuth=0');
    expect(whmapi1('twofactorauth_policy_status').data).toEqual({ is_enabled: 0 });
    whmapi1('twofactorauth_enable_policy');
    expect(whmapi1('twofactorauth_policy_status').data).toEqual({ is_enabled: 1 });
  });

  it('twofactorauth_get_issuer / set_issuer: root writes system_wide_issuer; invalid is refused', () => {
    expect(whmapi1('twofactorauth_get_issuer').data).toEqual({
      issuer: HOST,
      system_wide_issuer: HOST,
    });
    expect(whmapi1('twofactorauth_set_issuer', 'issuer=My Host').metadata.result).toBe(1);
    expect(
      JSON.parse(readFileSync(join(root, 'var/cpanel/authn/twofactor_auth/issuer_userdata.json'), 'utf8')),
    ).toEqual({ system_wide_issuer: 'My Host' });
    const bad = whmapi1('twofactorauth_set_issuer', 'issuer=bad:name');
    expect(bad.metadata.result).toBe(0);
    expect(bad.metadata.reason).toMatch(/32 characters/);
    whmapi1('twofactorauth_set_issuer', 'issuer=');
    expect(whmapi1('twofactorauth_get_issuer').data.system_wide_issuer).toBe(HOST);
  });

  it('twofactorauth_generate_tfa_config makes a 16-character secret and stores nothing', () => {
    const before = JSON.stringify(store());
    const data = whmapi1('twofactorauth_generate_tfa_config').data;
    expect(data.secret).toMatch(/^[A-Z2-7]{16}$/);
    expect(data.otpauth_str).toBe(`otpauth://totp/${HOST}:root?secret=${String(data.secret)}&issuer=${HOST}`);
    expect(JSON.stringify(store())).toBe(before);
  });

  it('twofactorauth_set_tfa_config checks the code and saves root’s secret', () => {
    const secret = 'KRSXG5CTMVRXEZLUKN2XAZLSKNSWC4TF';
    const bad = whmapi1('twofactorauth_set_tfa_config', `secret=${secret}`, 'tfa_token=000000');
    expect(bad.metadata).toMatchObject({ result: 0, reason: 'The security code is invalid.' });
    expect(store()['root']).toBeUndefined();
    // cPanel accepts the previous, current and next step, and does not remember codes.
    for (const delta of [-30, 0, 30, 0]) {
      const ok = whmapi1(
        'twofactorauth_set_tfa_config',
        `secret=${secret}`,
        `tfa_token=${totp(secret, now() + delta)}`,
      );
      expect(ok.metadata.result).toBe(1);
      expect(ok.data).toEqual({ success: 1 });
    }
    expect(
      whmapi1('twofactorauth_set_tfa_config', `secret=${secret}`, `tfa_token=${totp(secret, now() + 90)}`).metadata
        .result,
    ).toBe(0);
    expect(store()['root']).toEqual({ secret });
    const dir = join(root, 'var/cpanel/authn/twofactor_auth');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'tfa_userdata.json')).mode & 0o777).toBe(0o600);
  });

  it('twofactorauth_get_user_configs lists accounts with and without 2FA', () => {
    const data = whmapi1('twofactorauth_get_user_configs').data;
    expect(data['blog2']).toEqual({ is_enabled: 1, primary_domain: 'blog2.example.com' });
    expect(data['shop1']).toEqual({ is_enabled: 0, primary_domain: 'shop1.example.com' });
    expect(data['lonely']).toEqual({ is_enabled: 0, primary_domain: '' });
    expect(Object.keys(whmapi1('twofactorauth_get_user_configs', 'user=shop1').data)).toEqual(['shop1']);
  });

  it('twofactorauth_set_tfa_config_for_user takes its JSON body (no code check)', () => {
    const r = tool(
      'whmapi1',
      ['--output=json', '--input=json', 'twofactorauth_set_tfa_config_for_user'],
      JSON.stringify({ lonely: { primary_account: { secret: 'GEZDGNBVGY3TQOJQ' } } }),
    ).json();
    expect(r.metadata.result).toBe(1);
    expect(store()['lonely']).toEqual({ secret: 'GEZDGNBVGY3TQOJQ' });
  });

  it('twofactorauth_remove_user_config removes listed users and reports the unknown', () => {
    const r = whmapi1('twofactorauth_remove_user_config', 'user=lonely', 'user-1=ghost');
    expect(r.data).toEqual({
      users_modified: ['lonely'],
      failed: { ghost: 'You are not authorized to modify “ghost”: The user “ghost” does not exist.' },
    });
    expect(store()['lonely']).toBeUndefined();
  });

  it('an unknown function fails with result 0', () => {
    expect(whmapi1('no_such_thing').metadata).toMatchObject({ result: 0 });
  });
});

describe('uapi TwoFactorAuth', () => {
  it('get_user_configuration, with UAPI’s envelope', () => {
    expect(uapi('blog2', 'get_user_configuration')).toEqual({
      apiversion: 3,
      func: 'get_user_configuration',
      module: 'TwoFactorAuth',
      result: {
        data: { is_enabled: 1, issuer: HOST },
        errors: null,
        messages: null,
        metadata: {},
        status: 1,
        warnings: null,
      },
    });
  });

  it('set_user_configuration needs a valid code, then saves for that user', () => {
    const secret = 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U';
    const bad = uapi('shop1', 'set_user_configuration', `secret=${secret}`, 'tfa_token=123456');
    expect(bad.result).toMatchObject({
      status: 0,
      errors: ['Failed to set user configuration: The security code is invalid.'],
    });
    const ok = uapi('shop1', 'set_user_configuration', `secret=${secret}`, `tfa_token=${totp(secret, now())}`);
    expect(ok.result).toMatchObject({ status: 1, data: { tfa_configured: 1 } });
    expect(store()['shop1']).toEqual({ secret });
  });

  it('remove_user_configuration removes it', () => {
    expect(uapi('shop1', 'remove_user_configuration').result).toMatchObject({ status: 1, data: { tfa_removed: 1 } });
    expect(store()['shop1']).toBeUndefined();
  });

  it('needs a cPanel account and the twofactorauth feature', () => {
    expect(uapi('lonely', 'get_user_configuration').result.status).toBe(0);
    const userFile = join(root, 'var/cpanel/users/shop1');
    const original = readFileSync(userFile, 'utf8');
    writeFileSync(userFile, original.replace('FEATURE-TWOFACTORAUTH=1', 'FEATURE-TWOFACTORAUTH=0'));
    expect(uapi('shop1', 'set_user_configuration', 'secret=JBSWY3DPEHPK3PXP', 'tfa_token=1').result.status).toBe(0);
    writeFileSync(userFile, original);
  });
});

describe('register_appconfig / unregister_appconfig', () => {
  it('refuses an invalid file with the reason and exit 1', () => {
    const file = join(root, 'bad.conf');
    writeFileSync(file, 'name=bad app\nservice=whostmgr\nurl=/cgi/x/y.cgi\nacls=any\n');
    const r = tool('register_appconfig', [file]);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/name/);
    writeFileSync(file, 'name=ok\nservice=whostmgr\nurl=/cgi/x/y.cgi\n');
    expect(tool('register_appconfig', [file]).out).toMatch(/acls/);
    // No trimming: "service = whostmgr" is the key "service " with value " whostmgr".
    writeFileSync(file, 'name=ok\nservice = whostmgr\nurl=/cgi/x/y.cgi\nacls=any\n');
    expect(tool('register_appconfig', [file]).status).toBe(1);
  });

  it('copies a valid file to /var/cpanel/apps (0600), and removes it by name', () => {
    const file = join(root, 'good.conf');
    writeFileSync(
      file,
      '# comment\nname=probe\nservice=whostmgr\nurl=/cgi/probe/env.cgi\nacls=all\nentryurl=probe/env.cgi\ndisplayname=Env Probe!\n',
    );
    const r = tool('register_appconfig', [file]);
    expect([r.status, r.out.trim()]).toEqual([0, 'probe registered']);
    expect(statSync(join(root, 'var/cpanel/apps/probe.conf')).mode & 0o777).toBe(0o600);
    // Menu caches are rebuilt: root's header now lists it under plugins_<key>.
    const keys = JSON.parse(
      readFileSync(join(root, 'var/cpanel/caches/_generated_header_files/cache_keys.json'), 'utf8'),
    ) as Record<string, string>;
    expect(
      readFileSync(join(root, `var/cpanel/caches/_generated_header_files/${keys['root'] ?? ''}_0_0.html`), 'utf8'),
    ).toContain('id="plugins_env_probe"');
    expect(
      readFileSync(join(root, `var/cpanel/caches/_generated_header_files/${keys['reseller1'] ?? ''}_0_0.html`), 'utf8'),
    ).not.toContain('plugins_env_probe');
    expect(tool('unregister_appconfig', ['probe']).out.trim()).toBe('probe unregistered');
    expect(existsSync(join(root, 'var/cpanel/apps/probe.conf'))).toBe(false);
    expect(tool('unregister_appconfig', ['probe']).status).toBe(1);
  });
});

describe('manage_hooks', () => {
  it('adds in describe mode once, adds manually, deletes, and fires events at the hooks', () => {
    const hook = join(root, 'probe-hook');
    const log = join(root, 'probe-hook.log');
    writeFileSync(
      hook,
      `#!/bin/sh\nif [ "$1" = --describe ]; then echo '[{"category":"Whostmgr","event":"Accounts::Remove","stage":"post","hook":"${hook}","exectype":"script"}]'; exit 0; fi\ncat > ${log}\necho "1 ok"\n`,
    );
    chmodSync(hook, 0o755);
    expect(tool('manage_hooks', ['add', 'script', hook]).status).toBe(0);
    expect(tool('manage_hooks', ['add', 'script', hook]).out).toContain('Added 0');
    expect(
      tool('manage_hooks', [
        'add',
        'script',
        hook,
        '--manual',
        '--category=Whostmgr',
        '--event=Accounts::Create',
        '--stage=post',
      ]).status,
    ).toBe(0);
    const listed = JSON.parse(tool('manage_hooks', ['list']).out) as Array<Record<string, string>>;
    expect(listed.filter((h) => h['hook'] === hook).map((h) => h['event'])).toEqual([
      'Accounts::Remove',
      'Accounts::Create',
    ]);
    const fired = tool(
      'manage_hooks',
      ['fire', 'Whostmgr', 'Accounts::Remove', 'post'],
      JSON.stringify({ user: 'gone' }),
    );
    expect(fired.out).toContain('1 ok');
    expect(JSON.parse(readFileSync(log, 'utf8'))).toMatchObject({
      context: { category: 'Whostmgr', event: 'Accounts::Remove', stage: 'post' },
      data: { user: 'gone' },
    });
    // Describe mode deletes what the script describes; the manual registration stays.
    expect(tool('manage_hooks', ['delete', 'script', hook]).out).toContain('Deleted 1');
    const manual = ['--manual', '--category=Whostmgr', '--event=Accounts::Create', '--stage=post'];
    expect(tool('manage_hooks', ['delete', 'script', hook, ...manual]).out).toContain('Deleted 1');
    expect(tool('manage_hooks', ['delete', 'script', hook, ...manual]).status).toBe(1);
    expect(JSON.parse(tool('manage_hooks', ['list']).out)).toEqual([]);
  });
});

describe('sendmail -t', () => {
  it('puts the message in var/mail/, and refuses one without a recipient', () => {
    const before = readdirSync(join(root, 'var/mail')).length;
    expect(tool('sendmail', ['-t', '-i'], 'To: a@example.com\nSubject: hi\n\nbody\n').status).toBe(0);
    expect(readdirSync(join(root, 'var/mail'))).toHaveLength(before + 1);
    expect(tool('sendmail', ['-t'], 'Subject: nobody\n\nx\n').status).toBe(1);
  });
});
