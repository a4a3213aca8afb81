// The account hook script as cPanel runs it: every event, and empty, truncated,
// oversized and garbage stdin. It always answers "1 …" within a second.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLines, cpanelSecrets, mails, makeServer, type Server } from '../support/server';

let server: Server;
let hook: string;
beforeAll(() => {
  server = makeServer({
    secrets: {
      shop1: 'JBSWY3DPEHPK3PXP',
      nodomain: 'KRSXG5CTMVRXEZLUKN2XAZLSKNSWC4TF',
      blog2: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
    },
    resellers: { reseller1: ['list-accts'], reseller2: ['list-accts'], nodomain: [] },
  });
  hook = join(server.root, 'usr/local/cpanel/3rdparty/whm2fa/whm2fa-hook');
});
afterAll(() => server.cleanup());

function runHook(input: string | Buffer, args: string[] = []): Promise<{ out: string; err: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(hook, args);
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', () => resolve({ out, err, ms: Date.now() - started }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

const event = (category: string, name: string, data: Record<string, unknown>, stage = 'post'): string =>
  JSON.stringify({ context: { category, event: name, stage, blocking: 0, point: 'main' }, data, hook: {} });

function expectOk(result: { out: string; ms: number }): void {
  expect(result.out).toMatch(/^1 \S.*\n$/);
  expect(result.out).not.toMatch(/BAILOUT|^0/);
  expect(result.ms).toBeLessThan(1000);
}

describe('describe mode', () => {
  it('lists the four post-stage hooks with its own absolute path', async () => {
    const r = await runHook('', ['--describe']);
    const list = JSON.parse(r.out) as Array<Record<string, unknown>>;
    expect(list).toHaveLength(4);
    for (const h of list) expect(h).toMatchObject({ stage: 'post', hook, exectype: 'script' });
  });
});

describe('Accounts::Remove', () => {
  it('deletes whm2fa state and the secret cPanel leaves behind for a reseller without a domain', async () => {
    const state = join(server.root, 'var/cpanel/whm2fa/users/nodomain.json');
    mkdirSync(join(server.root, 'var/cpanel/whm2fa/users'), { recursive: true });
    writeFileSync(state, '{"failures":1,"lockCount":0}', { mode: 0o600 });
    const r = await runHook(
      event('Whostmgr', 'Accounts::Remove', { user: 'nodomain', killdns: 1, keep_remote_databases: 0 }),
    );
    expectOk(r);
    expect(existsSync(state)).toBe(false);
    expect(cpanelSecrets(server)['nodomain']).toBeUndefined();
    expect(auditLines(server).some((l) => l['action'] === 'account.remove' && l['subject'] === 'nodomain')).toBe(true);
  });
});

describe('Accounts::Modify', () => {
  it('a rename moves whm2fa state and carries the 2FA secret to the new name', async () => {
    const state = join(server.root, 'var/cpanel/whm2fa/users/shop1.json');
    writeFileSync(state, '{"failures":0,"lockCount":0,"lastStep":5}', { mode: 0o600 });
    const r = await runHook(
      event('Whostmgr', 'Accounts::Modify', { user: 'shop1', newuser: 'shop9', domain: 'shop1.example.com' }),
    );
    expectOk(r);
    expect(existsSync(state)).toBe(false);
    expect(readFileSync(join(server.root, 'var/cpanel/whm2fa/users/shop9.json'), 'utf8')).toContain('"lastStep":5');
    expect(cpanelSecrets(server)['shop9']).toEqual({ secret: 'JBSWY3DPEHPK3PXP' });
    expect(cpanelSecrets(server)['shop1']).toBeUndefined();
  });

  it('when the server cannot carry the secret, removes the stale entry and emails the user', async () => {
    const whmapi1 = join(server.root, 'usr/local/cpanel/bin/whmapi1');
    const original = readFileSync(whmapi1, 'utf8');
    // A server without set_tfa_config_for_user (before 11.122): that call fails, the rest works.
    writeFileSync(
      whmapi1,
      original.replace(
        'process.argv.slice(2)',
        "process.argv.slice(2).includes('twofactorauth_set_tfa_config_for_user') ? ['--output=json', 'no_such_function'] : process.argv.slice(2)",
      ),
    );
    // By the post stage WHM has renamed the account's files.
    const users = join(server.root, 'var/cpanel/users');
    writeFileSync(join(users, 'blog3'), readFileSync(join(users, 'blog2'), 'utf8').replace('USER=blog2', 'USER=blog3'));
    try {
      const r = await runHook(event('Whostmgr', 'Accounts::Modify', { user: 'blog2', newuser: 'blog3' }));
      expectOk(r);
      expect(cpanelSecrets(server)['blog2']).toBeUndefined();
      expect(cpanelSecrets(server)['blog3']).toBeUndefined();
      expect(
        mails(server).some(
          (m) => m.includes('To: writer@blog2.example.com') && m.includes('Set up two-factor authentication again'),
        ),
      ).toBe(true);
    } finally {
      writeFileSync(whmapi1, original);
    }
  });

  it('a modification that is not a rename changes nothing', async () => {
    const before = JSON.stringify(cpanelSecrets(server));
    expectOk(
      await runHook(event('Whostmgr', 'Accounts::Modify', { user: 'reseller1', contactemail: 'x@example.com' })),
    );
    expect(JSON.stringify(cpanelSecrets(server))).toBe(before);
  });
});

describe('changes made in cPanel’s own pages', () => {
  it('are recorded in the audit trail', async () => {
    expectOk(await runHook(event('Cpanel', 'UAPI::TwoFactorAuth::set_user_configuration', { user: 'reseller2' })));
    expectOk(await runHook(event('Cpanel', 'UAPI::TwoFactorAuth::remove_user_configuration', { user: 'reseller2' })));
    const entries = auditLines(server).filter((l) => l['action'] === 'cpanel.change' && l['subject'] === 'reseller2');
    expect(entries.map((e) => e['result'])).toEqual(['enabled from cPanel', 'removed from cPanel']);
  });
});

describe('whatever the input, it answers 1 within a second', () => {
  const inputs: Array<[string, string | Buffer]> = [
    ['empty', ''],
    ['garbage', 'not json at all \u0000\u0001'],
    ['truncated', event('Whostmgr', 'Accounts::Remove', { user: 'shop9' }).slice(0, 40)],
    ['oversized (5 MiB)', Buffer.alloc(5 * 1024 * 1024, 0x61)],
    ['unknown event', event('Whostmgr', 'Accounts::Suspend', { user: 'shop9' })],
    ['pre stage', event('Whostmgr', 'Accounts::Remove', { user: 'shop9' }, 'pre')],
    ['hostile user name', event('Whostmgr', 'Accounts::Remove', { user: '../../etc/passwd' })],
    ['array', '[1,2,3]'],
    ['no data', JSON.stringify({ context: { category: 'Whostmgr', event: 'Accounts::Remove', stage: 'post' } })],
  ];
  it.each(inputs)('%s', async (_name, input) => {
    const before = JSON.stringify(cpanelSecrets(server));
    expectOk(await runHook(input));
    expect(JSON.stringify(cpanelSecrets(server))).toBe(before);
  });

  it('still answers 1 when its state is damaged, with the error on stderr', async () => {
    const settings = join(server.root, 'var/cpanel/whm2fa/settings.json');
    writeFileSync(settings, '{broken', { mode: 0o600 });
    try {
      const r = await runHook(event('Whostmgr', 'Accounts::Remove', { user: 'reseller1' }));
      expectOk(r);
      expect(r.err).toMatch(/settings\.json/);
    } finally {
      writeFileSync(settings, '{"issuers":{}}', { mode: 0o600 });
    }
  });
});
