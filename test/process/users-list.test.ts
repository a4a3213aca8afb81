// Manage Users' pages through the built CGI: search, sort and page travel in the request,
// the answer holds one page and the counts, bad values are refused with what is allowed,
// and nothing is kept between requests, so every change to cPanel's files shows at once.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, cpanelTool, makeServer, snapshot, type Server } from '../support/server';

const KEY = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
// 30 accounts of reseller1 (every third with 2FA) beside the sandbox's own four.
const EXTRA = Array.from({ length: 30 }, (_, i) => ({
  user: `site${String(i).padStart(2, '0')}`,
  owner: 'reseller1',
  domain: `site${String(i).padStart(2, '0')}.example.org`,
}));

let server: Server;
beforeAll(() => {
  server = makeServer({
    extraAccounts: EXTRA,
    secrets: { blog2: KEY, ...Object.fromEntries(EXTRA.filter((_, i) => i % 3 === 0).map((a) => [a.user, KEY])) },
  });
});
afterAll(() => server.cleanup());

type Row = { user: string; domain: string; owner: string; enabled: boolean; lastReminded: string | null };
type Page = {
  users: Row[];
  total: number;
  protected: number;
  matching: number;
  page: number;
  pages: number;
  pageSize: number;
  coverage: unknown;
};
const list = async (user: string, params: Record<string, unknown> = {}): Promise<Page> => {
  const r = await api(server, user, { action: 'users.list', ...params });
  expect(r.status, r.body).toBe(200);
  return r.json().data as unknown as Page;
};
const counts = ({ total, protected: on, matching, page, pages, pageSize }: Page) => ({
  total,
  protected: on,
  matching,
  page,
  pages,
  pageSize,
});

describe('a page of Manage Users', () => {
  it('is the first 25 accounts by name, with the counts and the coverage', async () => {
    const first = await list('root');
    expect(first.users).toHaveLength(25);
    expect(first.users[0]).toEqual({
      user: 'blog2',
      domain: 'blog2.example.com',
      owner: 'reseller2',
      enabled: true,
      lastReminded: null,
    });
    expect(counts(first)).toEqual({ total: 34, protected: 11, matching: 34, page: 1, pages: 2, pageSize: 25 });
    expect(first.coverage).toMatchObject({ server: { now: { protected: 11, total: 34 } } });
    const second = await list('root', { page: 2 });
    expect(counts(second)).toMatchObject({ page: 2, pages: 2 });
    expect(second.users.map((u) => u.user)).toEqual(EXTRA.slice(21).map((a) => a.user));
  });

  it('searches names, owners and domains, sorts either way, and serves the last page for one beyond it', async () => {
    const found = await list('root', { search: ' .EXAMPLE.ORG ', sort: '-enabled', page: 1 });
    expect(counts(found)).toMatchObject({ total: 34, matching: 30, pages: 2 });
    expect(found.users.slice(0, 3).map((u) => [u.user, u.enabled])).toEqual([
      ['site00', true],
      ['site03', true],
      ['site06', true],
    ]);
    const beyond = await list('root', { search: 'site2', sort: '-user', page: 40 });
    expect(counts(beyond)).toMatchObject({ matching: 10, page: 1, pages: 1 });
    expect(beyond.users.map((u) => u.user)).toEqual([
      'site29',
      'site28',
      'site27',
      'site26',
      'site25',
      'site24',
      'site23',
      'site22',
      'site21',
      'site20',
    ]);
    // Owners in reverse: root's accounts first, then reseller2's, each in name order.
    const byOwner = await list('root', { sort: '-owner' });
    expect(byOwner.users.slice(0, 4).map((u) => u.user)).toEqual(['reseller1', 'reseller2', 'blog2', 'shop1']);
  });

  it('is a reseller’s own accounts only, counted as its own', async () => {
    const mine = await list('reseller2');
    expect(mine.users.map((u) => u.user)).toEqual(['blog2']);
    expect(counts(mine)).toEqual({ total: 1, protected: 1, matching: 1, page: 1, pages: 1, pageSize: 25 });
    expect(counts(await list('reseller1', { search: 'blog' }))).toMatchObject({ total: 31, matching: 0, pages: 1 });
  });

  it('refuses a sort, page or search it does not take, with what it takes, and changes nothing', async () => {
    const before = snapshot(server.root);
    const refused = async (params: Record<string, unknown>): Promise<string> => {
      const r = await api(server, 'root', { action: 'users.list', ...params });
      expect(r.status).toBe(400);
      const error = r.json().error as { code: string; message: string };
      expect(error.code).toBe('BAD_REQUEST');
      return error.message;
    };
    const sortMessage =
      '"sort" must be one of user, domain, owner, enabled, lastReminded, or one of them after "-" for the reverse order.';
    for (const sort of ['name', '-', 'USER', '__proto__', 'user,domain'])
      expect(await refused({ sort })).toBe(sortMessage);
    expect(await refused({ sort: 5 })).toBe('"sort" must be text.');
    for (const page of [0, -1, 1.5, '2', true, 1_000_001])
      expect(await refused({ page })).toBe('"page" must be a whole number from 1 to 1,000,000.');
    expect(await refused({ search: 7 })).toBe('"search" must be text.');
    expect(await refused({ search: 'x'.repeat(101) })).toBe('"search" is too long (at most 100 characters).');
    expect(snapshot(server.root)).toEqual(before);
  });

  it('keeps nothing between requests: no list file, and nothing secret in the answer', async () => {
    const text = (await api(server, 'root', { action: 'users.list' })).body;
    expect(text).not.toContain(KEY);
    expect(existsSync(join(server.root, 'var/cpanel/whm2fa/cache'))).toBe(false);
  });
});

describe('the scan follows cPanel’s files as they change between two calls', () => {
  it('an account created and one removed: the counts and pages follow', async () => {
    const before = await list('reseller1', { page: 2 });
    expect(counts(before)).toEqual({ total: 31, protected: 10, matching: 31, page: 2, pages: 2, pageSize: 25 });
    const created = cpanelTool(server, 'whmapi1', [
      '--output=json',
      'createacct',
      'username=aaanew',
      'domain=aaanew.example.com',
      'owner=reseller1',
    ]);
    expect(created.status, created.out + created.err).toBe(0);
    const grown = await list('reseller1', { page: 1 });
    expect(counts(grown)).toMatchObject({ total: 32, matching: 32, pages: 2 });
    expect(grown.users[0]).toEqual({
      user: 'aaanew',
      domain: 'aaanew.example.com',
      owner: 'reseller1',
      enabled: false,
      lastReminded: null,
    });
    // Removing accounts shrinks the list to one page: page 2 is now beyond the end.
    for (const user of ['aaanew', 'site28', 'site29', 'site27', 'site26', 'site25', 'site24', 'site23']) {
      const removed = cpanelTool(server, 'whmapi1', ['--output=json', 'removeacct', `user=${user}`]);
      expect(removed.status, removed.out + removed.err).toBe(0);
    }
    const shrunk = await list('reseller1', { page: 2 });
    expect(counts(shrunk)).toEqual({ total: 24, protected: 8, matching: 24, page: 1, pages: 1, pageSize: 25 });
    expect(shrunk.users.map((u) => u.user)).not.toContain('site29');
  });

  it('a key saved in cPanel’s store, and a reminder recorded, show at once', async () => {
    const row = async (user: string) => (await list('root', { search: user })).users.find((u) => u.user === user);
    expect((await row('shop1'))?.enabled).toBe(false);
    const set = cpanelTool(
      server,
      'whmapi1',
      ['--output=json', '--input=json', 'twofactorauth_set_tfa_config_for_user'],
      JSON.stringify({ shop1: { primary_account: { secret: 'GEZDGNBVGY3TQOJQ' } } }),
    );
    expect(set.status).toBe(0);
    expect((await row('shop1'))?.enabled).toBe(true);
    writeFileSync(
      join(server.root, 'var/cpanel/whm2fa/reminders.json'),
      JSON.stringify({ reminded: { reseller2: 1_700_000_000 } }),
      { mode: 0o600 },
    );
    expect((await row('reseller2'))?.lastReminded).toBe('2023-11-14T22:13:20.000Z');
  });

  it('an owners file rewritten in place with its size and modification time put back', async () => {
    const owners = join(server.root, 'etc/trueuserowners');
    const stamp = join(server.root, 'owners-time');
    const text = readFileSync(owners, 'utf8');
    expect((await list('reseller1', { search: 'shop1' })).users.map((u) => u.user)).toEqual(['shop1']);
    const before = statSync(owners, { bigint: true });
    expect(spawnSync('touch', ['-r', owners, stamp]).status).toBe(0);
    try {
      writeFileSync(owners, text.replace('shop1: reseller1', 'shop1: reseller2'));
      expect(spawnSync('touch', ['-r', stamp, owners]).status).toBe(0);
      const after = statSync(owners, { bigint: true });
      expect([after.ino, after.size, after.mtimeNs]).toEqual([before.ino, before.size, before.mtimeNs]);
      expect((await list('reseller1', { search: 'shop1' })).users).toEqual([]);
      expect((await list('reseller2', { search: 'shop1' })).users.map((u) => u.owner)).toEqual(['reseller2']);
    } finally {
      writeFileSync(owners, text);
    }
  });
});
