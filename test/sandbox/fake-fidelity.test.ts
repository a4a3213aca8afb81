// The fake cPanel against what cPanel's own source shows (docs/cpanel.md), call by call:
// email and team-user entries in the store, set_tfa_config_for_user's version gate and
// wipe, remove_user_config refusing orphans, account operations and their hooks, Cpanel
// hooks running as the account's uid, manage_hooks skipping a registered path, and the
// fault knobs the fault tests use.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript module of the local WHM
import { createServerTree } from '../../scripts/fake-cpanel/tree.mjs';
import { codeForStep, stepNow } from '../support/rfc6238';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

let root: string;
const build = (options: Record<string, unknown> = {}): void => {
  root = mkdtempSync(join(tmpdir(), 'whm2fa-fidelity-'));
  (createServerTree as (r: string, o: Record<string, unknown>) => void)(root, options);
};
beforeEach(() =>
  build({
    secrets: { shop1: 'JBSWY3DPEHPK3PXP', nodomain: 'KRSXG5CTMVRXEZLU' },
    resellers: { reseller1: ['list-accts'], reseller2: [], nodomain: [] },
  }),
);
afterEach(() => rmSync(root, { recursive: true, force: true }));

function tool(name: string, args: string[], input = ''): { status: number | null; signal: string | null; out: string } {
  const r = spawnSync(join(root, `usr/local/cpanel/bin/${name}`), args, { input, encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, signal: r.signal, out: r.stdout };
}
const whmapi1 = (...args: string[]): Json => JSON.parse(tool('whmapi1', ['--output=json', ...args]).out) as Json;
const setForUser = (body: unknown): Json =>
  JSON.parse(
    tool('whmapi1', ['--output=json', '--input=json', 'twofactorauth_set_tfa_config_for_user'], JSON.stringify(body))
      .out,
  ) as Json;
const store = (): Record<string, { secret: string }> =>
  JSON.parse(readFileSync(join(root, 'var/cpanel/authn/twofactor_auth/tfa_userdata.json'), 'utf8')) as Record<
    string,
    { secret: string }
  >;
const setVersion = (v: string): void => writeFileSync(join(root, 'usr/local/cpanel/version'), `${v}\n`);

describe('apitool’s --input=json', () => {
  it('reads stdin as one JSON object and drops key=value words', () => {
    const secret = 'GEZDGNBVGY3TQOJQ';
    const body = JSON.stringify({ secret, tfa_token: codeForStep(secret, stepNow()) });
    const other = 'MFRGGZDFMZTWQ2LK';
    const r = tool(
      'whmapi1',
      ['--output=json', '--input=json', 'twofactorauth_set_tfa_config', `secret=${other}`, 'user=shop1'],
      body,
    );
    expect((JSON.parse(r.out) as Json).metadata.result).toBe(1);
    // The body counts; the words and a `user` argument do not: root's own key is saved.
    expect(store()['root']).toEqual({ secret });
    expect(store()['shop1']).toEqual({ secret: 'JBSWY3DPEHPK3PXP' });
  });

  it.each([
    ['an array', '["x"]'],
    ['bad JSON', '{"secret":"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",'],
  ])('given %s, exits 255 with nothing on stdout and the input repeated in its error', (_name, input) => {
    const r = spawnSync(
      join(root, 'usr/local/cpanel/bin/whmapi1'),
      ['--output=json', '--input=json', 'twofactorauth_set_tfa_config'],
      { input, encoding: 'utf8' },
    );
    expect(r.status).toBe(255);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(input);
  });

  it('uapi reads stdin too, runs as the account, changes its key alone, and refuses nested values', () => {
    const secret = 'GEZDGNBVGY3TQOJQ';
    const run = (body: unknown): Json =>
      JSON.parse(
        tool(
          'uapi',
          ['--output=json', '--input=json', '--user=shop1', 'TwoFactorAuth', 'set_user_configuration'],
          JSON.stringify(body),
        ).out,
      ) as Json;
    const before = store();
    expect(run({ secret, tfa_token: { nested: 1 } }).result.status).toBe(0);
    expect(store()).toEqual(before);
    expect(run({ secret, tfa_token: codeForStep(secret, stepNow()) }).result.status).toBe(1);
    expect(store()).toEqual({ ...before, shop1: { secret } });
  });

  it('a racing writer set up by a test acts when the tool starts, before the tool’s own work', () => {
    const faults = join(root, 'var/fake-cpanel/faults.json');
    mkdirSync(join(root, 'var/fake-cpanel'), { recursive: true });
    writeFileSync(
      faults,
      JSON.stringify({
        'race:whmapi1:twofactorauth_set_tfa_config_for_user': {
          'info@shop1.example.com': 'KRSXG5CTMVRXEZLU',
          blog2: 'GEZDGNBVGY3TQOJQ',
        },
      }),
    );
    expect(setForUser({ shop1: { primary_account: { secret: 'MFRGGZDFMZTWQ2LK' } } }).metadata.result).toBe(1);
    // The purge came after the race: the mailbox key the race wrote is gone, its other write stays.
    expect(store()['info@shop1.example.com']).toBeUndefined();
    expect(store()['blog2']).toEqual({ secret: 'GEZDGNBVGY3TQOJQ' });
    // Taken once.
    expect(JSON.parse(readFileSync(faults, 'utf8'))).toEqual({});
  });

  it('set_user_configuration needs the twofactorauth feature', () => {
    const file = join(root, 'var/cpanel/users/shop1');
    writeFileSync(file, readFileSync(file, 'utf8').replace('FEATURE-TWOFACTORAUTH=1', 'FEATURE-TWOFACTORAUTH=0'));
    const secret = 'GEZDGNBVGY3TQOJQ';
    const r = JSON.parse(
      tool(
        'uapi',
        ['--output=json', '--input=json', '--user=shop1', 'TwoFactorAuth', 'set_user_configuration'],
        JSON.stringify({ secret, tfa_token: codeForStep(secret, stepNow()) }),
      ).out,
    ) as Json;
    expect(r.result.status).toBe(0);
    expect(store()['shop1']).toEqual({ secret: 'JBSWY3DPEHPK3PXP' });
  });
});

describe('the store', () => {
  it('holds email-account and team-user keys beside account keys', () => {
    expect(Object.keys(store()).sort()).toEqual(
      ['blog2', 'dev@shop1', 'info@shop1.example.com', 'news@blog2.example.com', 'nodomain', 'shop1']
        .filter((k) => k !== 'blog2')
        .sort(),
    );
  });
});

describe('twofactorauth_set_tfa_config_for_user', () => {
  it('is an unknown function on 11.120 and changes nothing', () => {
    setVersion('11.120.0.16');
    const before = store();
    const r = setForUser({ shop1: { primary_account: { secret: 'GEZDGNBVGY3TQOJQ' } } });
    expect(r.metadata.result).toBe(0);
    expect(r.metadata.reason).toMatch(/Unknown function/);
    expect(store()).toEqual(before);
  });

  it('takes exactly one user, who must exist', () => {
    const two = setForUser({
      shop1: { primary_account: { secret: 'GEZDGNBVGY3TQOJQ' } },
      blog2: { primary_account: { secret: 'GEZDGNBVGY3TQOJQ' } },
    });
    expect(two.metadata).toMatchObject({ result: 0, reason: 'Invalid data detected in input arguments.' });
    const ghost = setForUser({ ghost: { primary_account: { secret: 'GEZDGNBVGY3TQOJQ' } } });
    expect(ghost.metadata).toMatchObject({ result: 0, reason: 'Invalid user: ghost' });
    expect(store()['ghost']).toBeUndefined();
  });

  it('deletes that user’s email and team-user entries, then writes the body; others stay', () => {
    const r = setForUser({ shop1: { primary_account: { secret: 'GEZDGNBVGY3TQOJQ' } } });
    expect(r.metadata.result).toBe(1);
    const after = store();
    expect(after['shop1']).toEqual({ secret: 'GEZDGNBVGY3TQOJQ' });
    expect(after['info@shop1.example.com']).toBeUndefined();
    expect(after['dev@shop1']).toBeUndefined();
    expect(after['news@blog2.example.com']).toEqual({ secret: 'NBSWY3DPO5XXE3DE' });
  });

  it('keeps the email and team entries the body carries, and refuses ones the user does not own', () => {
    const ok = setForUser({
      shop1: {
        primary_account: { secret: 'GEZDGNBVGY3TQOJQ' },
        email: { 'info@shop1.example.com': { secret: 'MFRGGZDFMZTWQ2LK' } },
        team: { 'dev@shop1': { secret: 'ONSWG4TFOQYTEMZU' } },
      },
    });
    expect(ok.metadata.result).toBe(1);
    expect(store()['info@shop1.example.com']).toEqual({ secret: 'MFRGGZDFMZTWQ2LK' });
    expect(store()['dev@shop1']).toEqual({ secret: 'ONSWG4TFOQYTEMZU' });
    const before = store();
    const bad = setForUser({
      shop1: {
        primary_account: { secret: 'KRSXG5CTMVRXEZLU' },
        email: { 'news@blog2.example.com': { secret: 'MFRGGZDFMZTWQ2LK' } },
      },
    });
    expect(bad.metadata.result).toBe(0);
    expect(bad.metadata.reason).toContain('does not own an email account named ‘news@blog2.example.com’');
    expect(store()).toEqual(before);
  });

  it('reads its body from stdin only with --input=json', () => {
    const r = JSON.parse(tool('whmapi1', ['--output=json', 'twofactorauth_set_tfa_config_for_user']).out) as Json;
    expect(r.metadata.result).toBe(0);
  });
});

describe('twofactorauth_remove_user_config', () => {
  it('puts a name without a users file that is not a reseller in failed; removes a domainless reseller and root', () => {
    const data = store();
    data['gone'] = { secret: 'GEZDGNBVGY3TQOJQ' };
    writeFileSync(join(root, 'var/cpanel/authn/twofactor_auth/tfa_userdata.json'), JSON.stringify(data));
    const r = whmapi1('twofactorauth_remove_user_config', 'user=gone', 'user-1=nodomain', 'user-2=root');
    expect(r.data.users_modified).toEqual(['nodomain', 'root']);
    expect(Object.keys(r.data.failed)).toEqual(['gone']);
    expect(store()['gone']).toEqual({ secret: 'GEZDGNBVGY3TQOJQ' });
    expect(store()['nodomain']).toBeUndefined();
  });
});

describe('account operations', () => {
  function probeHook(name: string, describeJson: object[]): { path: string; log: string } {
    const path = join(root, name);
    const log = join(root, `${name}.log`);
    writeFileSync(
      path,
      `#!/bin/sh\nif [ "$1" = --describe ]; then echo '${JSON.stringify(describeJson)}'; exit 0; fi\n{ id -u; cat; echo; } >> ${log}\necho "1 hello from $(id -u)"\n`,
    );
    chmodSync(path, 0o755);
    writeFileSync(log, '');
    chmodSync(log, 0o666);
    expect(tool('manage_hooks', ['add', 'script', path]).status).toBe(0);
    return { path, log };
  }
  const entry = (category: string, event: string, extra: object = {}): object => ({
    category,
    event,
    stage: 'post',
    exectype: 'script',
    ...extra,
  });

  it('removing a domainless reseller fires no hook and leaves its 2FA entry', () => {
    const { log } = probeHook('probe', [entry('Whostmgr', 'Accounts::Remove')]);
    const r = whmapi1('removeacct', 'user=nodomain');
    expect(r.metadata.result).toBe(1);
    expect(readFileSync(log, 'utf8')).toBe('');
    expect(readFileSync(join(root, 'var/cpanel/resellers'), 'utf8')).not.toContain('nodomain');
    expect(store()['nodomain']).toBeDefined();
  });

  it('removing an account deletes its own key only and fires Accounts::Remove with its data', () => {
    const { log } = probeHook('probe', [entry('Whostmgr', 'Accounts::Remove')]);
    whmapi1('removeacct', 'user=shop1');
    expect(store()['shop1']).toBeUndefined();
    // cPanel leaves the account's mailbox and team-user keys in the store.
    expect(store()['info@shop1.example.com']).toEqual({ secret: 'MFRGGZDFMZTWQ2LK' });
    expect(store()['dev@shop1']).toEqual({ secret: 'ONSWG4TFOQYTEMZU' });
    expect(readFileSync(join(root, 'etc/userdomains'), 'utf8')).not.toContain('shop1');
    expect(existsSync(join(root, 'var/cpanel/users/shop1'))).toBe(false);
    expect(readFileSync(log, 'utf8')).toContain('"data":{"user":"shop1","killdns":1,"keep_remote_databases":0}');
  });

  it('a new account inherits a stale entry under its name', () => {
    whmapi1('removeacct', 'user=nodomain');
    const r = whmapi1('createacct', 'username=nodomain', 'domain=fresh.example.com');
    expect(r.metadata.result).toBe(1);
    expect(whmapi1('twofactorauth_get_user_configs', 'user=nodomain').data).toEqual({
      nodomain: { is_enabled: 1, primary_domain: 'fresh.example.com' },
    });
  });

  it('a rename moves the account files and leaves the 2FA entry under the old name', () => {
    const { log } = probeHook('probe', [entry('Whostmgr', 'Accounts::Modify')]);
    whmapi1('modifyacct', 'user=shop1', 'newuser=shop9');
    expect(existsSync(join(root, 'var/cpanel/users/shop9'))).toBe(true);
    expect(readFileSync(join(root, 'etc/trueuserowners'), 'utf8')).toContain('shop9: reseller1');
    expect(store()['shop1']).toEqual({ secret: 'JBSWY3DPEHPK3PXP' });
    expect(store()['shop9']).toBeUndefined();
    expect(readFileSync(log, 'utf8')).toContain('"user":"shop1","newuser":"shop9"');
  });

  it('Cpanel hooks run as the account’s uid unless escalated, and their message joins the UAPI messages', () => {
    const plain = probeHook('plain', [entry('Cpanel', 'UAPI::TwoFactorAuth::remove_user_configuration')]);
    const raised = probeHook('raised', [
      entry('Cpanel', 'UAPI::TwoFactorAuth::remove_user_configuration', { escalateprivs: 1 }),
    ]);
    const r = JSON.parse(
      tool('uapi', ['--output=json', '--user=shop1', 'TwoFactorAuth', 'remove_user_configuration']).out,
    ) as Json;
    expect(r.result.status).toBe(1);
    const uid = /^UID=(\d+)$/m.exec(readFileSync(join(root, 'var/cpanel/users/shop1'), 'utf8'))?.[1];
    expect(uid).toBeDefined();
    expect(Number(uid)).toBeGreaterThan(0);
    expect(r.result.messages).toEqual([`hello from ${String(uid)}`, 'hello from 0']);
    expect(readFileSync(plain.log, 'utf8').split('\n')[0]).toBe(uid);
    const doc = JSON.parse(readFileSync(raised.log, 'utf8').split('\n')[1] ?? '{}') as Json;
    expect(doc['data']).toMatchObject({ user: 'shop1', result: { tfa_removed: 1 } });
  });

  it('a set through UAPI passes its arguments (the secret too) to the hook, only after success', () => {
    const { log } = probeHook('probe', [
      entry('Cpanel', 'UAPI::TwoFactorAuth::set_user_configuration', { escalateprivs: 1 }),
    ]);
    const secret = 'GEZDGNBVGY3TQOJQ';
    const bad = JSON.parse(
      tool('uapi', [
        '--output=json',
        '--user=shop1',
        'TwoFactorAuth',
        'set_user_configuration',
        `secret=${secret}`,
        'tfa_token=000000',
      ]).out,
    ) as Json;
    expect(bad.result.status).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe('');
    const code = codeForStep(secret, stepNow());
    tool('uapi', [
      '--output=json',
      '--user=shop1',
      'TwoFactorAuth',
      'set_user_configuration',
      `secret=${secret}`,
      `tfa_token=${code}`,
    ]);
    expect(readFileSync(log, 'utf8')).toContain(`"args":{"secret":"${secret}"`);
  });
});

describe('manage_hooks add of a registered stage and path', () => {
  it('is skipped: changed attributes take effect only after delete and add', () => {
    const path = join(root, 'h');
    const describeWith = (blocking: number): void =>
      writeFileSync(
        path,
        `#!/bin/sh\necho '[{"category":"Whostmgr","event":"Accounts::Remove","stage":"post","exectype":"script","blocking":${String(blocking)}}]'\n`,
      );
    describeWith(0);
    chmodSync(path, 0o755);
    tool('manage_hooks', ['add', 'script', path]);
    describeWith(1);
    expect(tool('manage_hooks', ['add', 'script', path]).out).toContain('Added 0');
    const listed = (): Json[] => JSON.parse(tool('manage_hooks', ['list']).out) as Json[];
    expect(listed()[0]?.['blocking']).toBe(0);
    tool('manage_hooks', manual('delete', path));
    tool('manage_hooks', ['add', 'script', path]);
    expect(listed()[0]?.['blocking']).toBe(1);
  });
});

const manual = (verb: 'add' | 'delete', path: string, event = 'Accounts::Remove'): string[] => [
  verb,
  'script',
  path,
  '--manual',
  '--category=Whostmgr',
  `--event=${event}`,
  '--stage=post',
];

describe('manage_hooks delete (cPanel 11.122 Cpanel/Hooks/Manage.pm, _cmp_hooks)', () => {
  const listed = (): Json[] => JSON.parse(tool('manage_hooks', ['list']).out) as Json[];
  function registerThenChange(path: string, before: object, after: object): void {
    const describeAs = (extra: object): void =>
      writeFileSync(
        path,
        `#!/bin/sh\necho '${JSON.stringify([{ category: 'Whostmgr', event: 'Accounts::Remove', stage: 'post', ...extra }])}'\n`,
      );
    describeAs(before);
    chmodSync(path, 0o755);
    expect(tool('manage_hooks', ['add', 'script', path]).status).toBe(0);
    describeAs(after);
  }

  it.each([
    ['escalateprivs', { escalateprivs: 0 }, { escalateprivs: 1 }],
    ['blocking', { blocking: 1 }, {}],
    ['exectype', {}, { exectype: 'module' }],
  ])('in describe mode, after %s changed, deletes nothing and exits 1', (_name, before, after) => {
    const path = join(root, 'h');
    registerThenChange(path, before, after);
    const r = tool('manage_hooks', ['delete', 'script', path]);
    expect(r.status).toBe(1);
    expect(r.out).toContain("No matching hooks found for 'Accounts::Remove' in category 'Whostmgr'");
    expect(listed()).toHaveLength(1);
  });

  it('in describe mode ignores weight and description, and deletes only what is described', () => {
    const path = join(root, 'h');
    registerThenChange(path, { escalateprivs: 1 }, { escalateprivs: 1, weight: 500, description: 'new words' });
    expect(tool('manage_hooks', manual('add', path, 'Accounts::Create')).status).toBe(0);
    const r = tool('manage_hooks', ['delete', 'script', path]);
    expect(r.status).toBe(0);
    expect(r.out).toContain('Deleted 1');
    expect(listed().map((h) => h['event'])).toEqual(['Accounts::Create']);
  });

  it('--manual deletes the hook of that category, event, stage and path whatever its attributes', () => {
    const path = join(root, 'h');
    const other = join(root, 'other');
    registerThenChange(path, { escalateprivs: 0, blocking: 1 }, { escalateprivs: 1 });
    registerThenChange(other, {}, {});
    expect(tool('manage_hooks', manual('delete', path, 'Accounts::Create')).status).toBe(1);
    const r = tool('manage_hooks', manual('delete', path));
    expect(r.status).toBe(0);
    expect(r.out).toContain('Deleted 1');
    expect(listed().map((h) => h['hook'])).toEqual([other]);
    expect(tool('manage_hooks', manual('delete', path)).status).toBe(1);
  });
});

describe('fault knobs', () => {
  const fault = (key: string, kind: string): void =>
    writeFileSync(join(root, 'var/fake-cpanel/faults.json'), JSON.stringify({ [key]: kind }));
  const remove = (): ReturnType<typeof tool> =>
    tool('whmapi1', ['--output=json', 'twofactorauth_remove_user_config', 'user=shop1']);

  it.each([
    ['exit', (r: ReturnType<typeof tool>) => expect(r.status).toBe(255)],
    ['kill', (r: ReturnType<typeof tool>) => expect(r.signal).toBe('SIGKILL')],
    ['garbage', (r: ReturnType<typeof tool>) => expect(r.out).toMatch(/^<html>/)],
  ])('%s: the work is done, then the tool misbehaves', (kind, check) => {
    spawnSync('mkdir', ['-p', join(root, 'var/fake-cpanel')]);
    fault('whmapi1:twofactorauth_remove_user_config', kind);
    check(remove());
    expect(store()['shop1']).toBeUndefined();
  });

  it('break-state: the tool answers, and whm2fa’s audit log can no longer be written', () => {
    spawnSync('mkdir', ['-p', join(root, 'var/fake-cpanel')]);
    fault('whmapi1:twofactorauth_remove_user_config', 'break-state');
    expect(JSON.parse(remove().out)).toMatchObject({ metadata: { result: 1 } });
    expect(statSync(join(root, 'var/cpanel/whm2fa/audit.log')).isDirectory()).toBe(true);
  });
});
