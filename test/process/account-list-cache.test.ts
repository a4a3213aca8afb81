// Manage Users' list is kept as JSON text per caller and rebuilt when cPanel's owners,
// domains or resellers files or its 2FA store change: every change shows at once, each
// caller sees only its own list, and the kept file holds no secret.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, cpanelTool, makeServer, type Server } from '../support/server';

let server: Server;
beforeAll(() => {
  server = makeServer({ secrets: { blog2: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' } });
});
afterAll(() => server.cleanup());

type Row = { user: string; domain: string; owner: string; enabled: boolean; lastReminded: string | null };
const list = async (user: string): Promise<Row[]> =>
  ((await api(server, user, { action: 'users.list' })).json().data?.['users'] as Row[]) ?? [];
const row = (rows: Row[], user: string): Row | undefined => rows.find((r) => r.user === user);
const cacheFile = (user: string): string => join(server.root, `var/cpanel/whm2fa/cache/users.${user}.json`);

describe('the Manage Users list', () => {
  it('follows a change to cPanel’s 2FA store at once', async () => {
    expect(row(await list('root'), 'shop1')?.enabled).toBe(false);
    expect(row(await list('root'), 'shop1')?.enabled).toBe(false);
    const set = cpanelTool(
      server,
      'whmapi1',
      ['--output=json', '--input=json', 'twofactorauth_set_tfa_config_for_user'],
      JSON.stringify({ shop1: { primary_account: { secret: 'GEZDGNBVGY3TQOJQ' } } }),
    );
    expect(set.status).toBe(0);
    expect(row(await list('root'), 'shop1')?.enabled).toBe(true);
  });

  it('follows a reminder at once, and whm2fa’s record of reminders changed by hand', async () => {
    expect(row(await list('root'), 'reseller2')?.lastReminded).toBeNull();
    const sent = await api(server, 'root', { action: 'users.remind', users: ['reseller2'] });
    expect(sent.json().data?.['sent']).toEqual(['reseller2']);
    const at = row(await list('root'), 'reseller2')?.lastReminded ?? '';
    expect(Date.now() - Date.parse(at)).toBeLessThan(60_000);
    writeFileSync(
      join(server.root, 'var/cpanel/whm2fa/reminders.json'),
      JSON.stringify({ reminded: { reseller2: 1_700_000_000 } }),
    );
    expect(row(await list('root'), 'reseller2')?.lastReminded).toBe('2023-11-14T22:13:20.000Z');
  });

  it('follows accounts created and moved between owners', async () => {
    await list('reseller1');
    cpanelTool(server, 'whmapi1', [
      '--output=json',
      'createacct',
      'username=new1',
      'domain=new1.example.com',
      'owner=reseller1',
    ]);
    expect(row(await list('reseller1'), 'new1')).toEqual({
      user: 'new1',
      domain: 'new1.example.com',
      owner: 'reseller1',
      enabled: false,
      lastReminded: null,
    });
    const owners = join(server.root, 'etc/trueuserowners');
    writeFileSync(owners, readFileSync(owners, 'utf8').replace('new1: reseller1', 'new1: reseller2'));
    expect(row(await list('reseller1'), 'new1')).toBeUndefined();
    expect(row(await list('reseller2'), 'new1')?.owner).toBe('reseller2');
  });

  it('follows an owners file rewritten in place with its size and modification time put back', async () => {
    const owners = join(server.root, 'etc/trueuserowners');
    const stamp = join(server.root, 'owners-time');
    const text = readFileSync(owners, 'utf8');
    expect(text).toContain('shop1: reseller1');
    expect(row(await list('reseller1'), 'shop1')?.owner).toBe('reseller1');
    const before = statSync(owners, { bigint: true });
    // The same length, the same inode (written in place), the old modification time to the
    // nanosecond (touch -r copies it), as cp -p, rsync -t or touch -d leave a file.
    expect(spawnSync('touch', ['-r', owners, stamp]).status).toBe(0);
    try {
      writeFileSync(owners, text.replace('shop1: reseller1', 'shop1: reseller2'));
      expect(spawnSync('touch', ['-r', stamp, owners]).status).toBe(0);
      const after = statSync(owners, { bigint: true });
      expect([after.ino, after.size, after.mtimeNs]).toEqual([before.ino, before.size, before.mtimeNs]);
      expect(row(await list('reseller1'), 'shop1')).toBeUndefined();
    } finally {
      writeFileSync(owners, text);
    }
  });

  it('is kept per caller, 0600, without secrets; a damaged copy is rebuilt', async () => {
    const theirs = await list('reseller2');
    expect(theirs.map((r) => r.user)).not.toContain('shop1');
    expect(statSync(cacheFile('reseller2')).mode & 0o777).toBe(0o600);
    expect(readFileSync(cacheFile('root'), 'utf8')).not.toContain('JBSWY3DPEHPK3PXP');
    writeFileSync(cacheFile('reseller2'), 'garbage\n[]');
    expect(await list('reseller2')).toEqual(theirs);
  });

  it('rebuilds a copy cut short or holding zeros (it is written without fsync, so a crash can leave one)', async () => {
    const full = await list('root');
    const text = readFileSync(cacheFile('root'), 'utf8');
    // The key line is intact; the list after it has lost its end.
    writeFileSync(cacheFile('root'), text.slice(0, text.length - 40));
    expect(await list('root')).toEqual(full);
    expect(readFileSync(cacheFile('root'), 'utf8')).toBe(text);
    // The right length, but its end, or a block inside it, lost to zeros (what some file
    // systems leave after a crash).
    writeFileSync(cacheFile('root'), `${text.slice(0, text.length - 40)}${'\0'.repeat(40)}`);
    expect(await list('root')).toEqual(full);
    expect(readFileSync(cacheFile('root'), 'utf8')).toBe(text);
    const middle = Math.floor(text.length / 2);
    writeFileSync(cacheFile('root'), `${text.slice(0, middle)}${'\0'.repeat(64)}${text.slice(middle + 64)}`);
    expect(await list('root')).toEqual(full);
    expect(readFileSync(cacheFile('root'), 'utf8')).toBe(text);
  });
});
