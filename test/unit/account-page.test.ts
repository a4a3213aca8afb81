// One page of Manage Users, in-process: the query's checks, searching, each sort in both
// directions (ties in name order), the page's bounds and counts, and the readers of
// cPanel's owners and domains files that feed it.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countProtected, managedView, type Caller, type ManagedView } from '../../plugin/src/access';
import {
  accountPage,
  matches,
  MAX_PAGE,
  pageOf,
  pageQuery,
  sortByValue,
  type AccountFacts,
  type PageQuery,
} from '../../plugin/src/accountPage';
import { readDomains, readDomainsOf, readOwners } from '../../plugin/src/accounts';
import { Whm2faError } from '../../plugin/src/errors';
import type { ServerPaths } from '../../plugin/src/paths';
import { scratchServer } from '../support/fakeBridge';

const ROOT: Caller = { user: 'root', isRoot: true, isReseller: false };

/**
 * Facts from plain tables: `accounts` is `[user, owner, domain, has 2FA, reminded at]`;
 * `asked` records which domains were asked for (undefined: all).
 */
function facts(
  accounts: Array<[string, string, string, boolean, number?]>,
  caller: Caller = ROOT,
): AccountFacts & { asked: Array<readonly string[] | undefined> } {
  const owners = new Map(accounts.map(([u, o]) => [u, o]));
  const domains = new Map(accounts.filter(([, , d]) => d !== '').map(([u, , d]) => [u, d]));
  const view: ManagedView = { caller, users: accounts.map(([u]) => u).sort(), owners };
  const asked: Array<readonly string[] | undefined> = [];
  const secrets = new Map(accounts.filter(([, , , on]) => on).map(([u]) => [u, 'KEY']));
  return {
    view,
    secrets,
    protectedCount: countProtected(view, secrets),
    reminded: new Map(accounts.filter(([, , , , at]) => at !== undefined).map(([u, , , , at]) => [u, at as number])),
    domains: (users) => {
      asked.push(users);
      return users === undefined
        ? domains
        : new Map(users.flatMap((u) => (domains.has(u) ? [[u, domains.get(u) as string]] : [])));
    },
    asked,
  };
}

const query = (over: Partial<PageQuery> = {}): PageQuery => ({
  search: '',
  sort: 'user',
  descending: false,
  page: 1,
  ...over,
});
const names = (f: AccountFacts, q: Partial<PageQuery>, size = 25): string[] =>
  accountPage(f, query(q), size).users.map((u) => u.user);
const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof Error) return `${(err as Whm2faError).code}: ${err.message}`;
  }
  return 'no error';
};

// Five accounts whose columns order them differently from their names.
const FIVE = facts([
  ['carol', 'reseller2', 'a-shop.example', false, 1_700_000_000],
  ['alice', 'reseller1', 'zeta.example', true],
  ['bob', 'reseller1', '', false, 1_600_000_000],
  ['dave', 'reseller2', 'Mid.Example', true, 1_700_000_000],
  ['erin', 'reseller1', 'mid.example', false],
]);

describe('the query', () => {
  it('takes the defaults and every column in either direction', () => {
    expect(pageQuery('', 'user', 1)).toEqual(query());
    expect(pageQuery('  Shop ', '-lastReminded', 7)).toEqual(
      query({ search: 'shop', sort: 'lastReminded', descending: true, page: 7 }),
    );
    for (const key of ['user', 'domain', 'owner', 'enabled', 'lastReminded'] as const) {
      expect(pageQuery('', key, 1).sort).toBe(key);
      expect(pageQuery('', `-${key}`, 1)).toMatchObject({ sort: key, descending: true });
    }
  });

  it('refuses a column it does not sort by, with what it does', () => {
    const message =
      'BAD_REQUEST: "sort" must be one of user, domain, owner, enabled, lastReminded, or one of them after "-" for the reverse order.';
    for (const bad of ['', '-', 'name', 'User', '--user', '+user', 'user ', 'constructor', '__proto__', 'toString'])
      expect(
        refusal(() => pageQuery('', bad, 1)),
        bad,
      ).toBe(message);
    expect(MAX_PAGE).toBe(1_000_000);
  });
});

describe('searching', () => {
  it('matches the name, the owner or the domain (any case), anywhere in it', () => {
    expect(matches('shop1', 'reseller1', 'Shop1.Example.com', '')).toBe(true);
    expect(matches('shop1', 'reseller1', 'x.example', 'hop')).toBe(true);
    expect(matches('shop1', 'reseller1', 'x.example', 'seller1')).toBe(true);
    expect(matches('shop1', 'reseller1', 'Shop1.Example.COM', 'example.com')).toBe(true);
    expect(matches('shop1', 'reseller1', 'x.example', 'shop2')).toBe(false);
    expect(matches('shop1', 'reseller1', 'x.example', 'shop1 reseller1')).toBe(false);
  });

  it('counts what matches, sorts only that, and reads every domain only when it needs them', () => {
    const f = facts([
      ['shop1', 'reseller1', 'one.example', false],
      ['blog2', 'reseller2', 'SHOP-blog.example', true],
      ['mail3', 'reseller1', 'three.example', true],
    ]);
    const asked = f.asked;
    const page = accountPage(f, query({ search: 'shop' }));
    expect(page.users.map((u) => u.user)).toEqual(['blog2', 'shop1']);
    expect(page).toMatchObject({ total: 3, protected: 2, matching: 2, page: 1, pages: 1, pageSize: 25 });
    expect(asked).toEqual([undefined]);
    asked.length = 0;
    accountPage(f, query({ sort: 'owner' }));
    // Without a search or the domain sort, only the page's own domains are read.
    expect(asked).toEqual([['mail3', 'shop1', 'blog2']]);
    asked.length = 0;
    accountPage(f, query({ sort: 'domain' }));
    expect(asked).toEqual([undefined]);
  });

  it('says when nothing matches: one empty page, and the counts', () => {
    expect(accountPage(FIVE, query({ search: 'nobody' }))).toEqual({
      users: [],
      total: 5,
      protected: 2,
      matching: 0,
      page: 1,
      pages: 1,
      pageSize: 25,
    });
  });
});

describe('sorting', () => {
  it('by name, either way', () => {
    expect(names(FIVE, {})).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);
    expect(names(FIVE, { descending: true })).toEqual(['erin', 'dave', 'carol', 'bob', 'alice']);
  });

  it('by domain: none first, then the text in code order; ties in name order either way', () => {
    expect(names(FIVE, { sort: 'domain' })).toEqual(['bob', 'dave', 'carol', 'erin', 'alice']);
    expect(names(FIVE, { sort: 'domain', descending: true })).toEqual(['alice', 'erin', 'carol', 'dave', 'bob']);
  });

  it('by owner and by 2FA (off first), ties in name order either way', () => {
    expect(names(FIVE, { sort: 'owner' })).toEqual(['alice', 'bob', 'erin', 'carol', 'dave']);
    expect(names(FIVE, { sort: 'owner', descending: true })).toEqual(['carol', 'dave', 'alice', 'bob', 'erin']);
    expect(names(FIVE, { sort: 'enabled' })).toEqual(['bob', 'carol', 'erin', 'alice', 'dave']);
    expect(names(FIVE, { sort: 'enabled', descending: true })).toEqual(['alice', 'dave', 'bob', 'carol', 'erin']);
  });

  it('by last reminder: never first, then oldest; ties in name order either way', () => {
    expect(names(FIVE, { sort: 'lastReminded' })).toEqual(['alice', 'erin', 'bob', 'carol', 'dave']);
    expect(names(FIVE, { sort: 'lastReminded', descending: true })).toEqual(['carol', 'dave', 'bob', 'alice', 'erin']);
  });

  it('groups by value and keeps each group in the order given', () => {
    expect(sortByValue(['a', 'b', 'c', 'd'], (u) => ({ a: 'y', b: 'x', c: 'y', d: 'x' })[u] ?? '', false)).toEqual([
      'b',
      'd',
      'a',
      'c',
    ]);
    expect(sortByValue(['a', 'b', 'c', 'd'], (u) => ({ a: 'y', b: 'x', c: 'y', d: 'x' })[u] ?? '', true)).toEqual([
      'a',
      'c',
      'b',
      'd',
    ]);
    expect(sortByValue([], () => '', false)).toEqual([]);
  });
});

describe('pages', () => {
  // 7 accounts, pages of 3: 3 + 3 + 1.
  const SEVEN = facts(
    ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'].map((u, i) => [u, 'reseller1', `${u}.example`, i % 2 === 0]),
  );

  it('cuts the sorted accounts into pages of the size given, the last one short', () => {
    expect(names(SEVEN, { page: 1 }, 3)).toEqual(['a1', 'a2', 'a3']);
    expect(names(SEVEN, { page: 2 }, 3)).toEqual(['a4', 'a5', 'a6']);
    expect(names(SEVEN, { page: 3 }, 3)).toEqual(['a7']);
    expect(names(SEVEN, { page: 1, descending: true }, 3)).toEqual(['a7', 'a6', 'a5']);
    expect(names(SEVEN, { page: 3, descending: true }, 3)).toEqual(['a1']);
    expect(names(SEVEN, { page: 2, sort: 'enabled' }, 3)).toEqual(['a1', 'a3', 'a5']);
    expect(accountPage(SEVEN, query({ page: 3 }), 3)).toMatchObject({ page: 3, pages: 3, matching: 7, total: 7 });
  });

  it('serves the last page for a page beyond the end, and says which', () => {
    expect(accountPage(SEVEN, query({ page: 4 }), 3)).toMatchObject({ page: 3, pages: 3, users: [{ user: 'a7' }] });
    expect(accountPage(SEVEN, query({ page: MAX_PAGE, descending: true }), 3).users.map((u) => u.user)).toEqual(['a1']);
    expect(accountPage(SEVEN, query({ page: 9, search: 'a2' }), 3)).toMatchObject({ page: 1, pages: 1, matching: 1 });
  });

  it('counts pages exactly at the edges', () => {
    expect(pageOf(0, 1, 25)).toEqual({ page: 1, pages: 1 });
    expect(pageOf(1, 1, 25)).toEqual({ page: 1, pages: 1 });
    expect(pageOf(25, 2, 25)).toEqual({ page: 1, pages: 1 });
    expect(pageOf(26, 2, 25)).toEqual({ page: 2, pages: 2 });
    expect(pageOf(50, 3, 25)).toEqual({ page: 2, pages: 2 });
    expect(pageOf(51, 3, 25)).toEqual({ page: 3, pages: 3 });
  });

  it('gives each row its domain, owner, 2FA and last reminder, and counts 2FA over every account', () => {
    const page = accountPage(FIVE, query({ page: 1 }), 2);
    expect(page).toEqual({
      users: [
        { user: 'alice', domain: 'zeta.example', owner: 'reseller1', enabled: true, lastReminded: null },
        {
          user: 'bob',
          domain: '',
          owner: 'reseller1',
          enabled: false,
          lastReminded: new Date(1_600_000_000_000).toISOString(),
        },
      ],
      total: 5,
      protected: 2,
      matching: 5,
      page: 1,
      pages: 3,
      pageSize: 2,
    });
  });
});

describe('cPanel’s owners and domains files', () => {
  let root: string;
  let paths: ServerPaths;
  beforeEach(() => ({ root, paths } = scratchServer('whm2fa-account-page-')));
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const write = (file: string, text: string): void => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  };

  it('owners: a later line replaces an earlier one; `#`, malformed and invalid lines are skipped', () => {
    write(
      paths.trueUserOwners,
      [
        'shop1: reseller1',
        '# old: reseller1',
        'moved: reseller1',
        '  spaced  :  reseller1  \r',
        'BadName: reseller1',
        'a..b: reseller1',
        'noowner:',
        ': reseller1',
        'just text',
        'moved: reseller2',
        'blog2: reseller2',
      ].join('\n'),
    );
    expect([...readOwners(paths)]).toEqual([
      ['shop1', 'reseller1'],
      ['moved', 'reseller2'],
      ['spaced', 'reseller1'],
      ['blog2', 'reseller2'],
    ]);
    // Only one owner's accounts: the later line took "moved" away from reseller1.
    expect([...readOwners(paths, 'reseller1').keys()]).toEqual(['shop1', 'spaced']);
  });

  it('a view: sorted names without the caller or root; a root-level caller’s owners hold the whole server', () => {
    write(paths.trueUserOwners, 'root: root\nboss: root\nzed: boss\nabe: reseller1\nreseller1: root\n');
    write(paths.resellers, 'boss:all\nreseller1:list-accts\nlonely:\n');
    const boss = managedView(paths, { user: 'boss', isRoot: true, isReseller: true });
    expect(boss.users).toEqual(['abe', 'lonely', 'reseller1', 'zed']);
    expect([...boss.owners.keys()].sort()).toEqual(['abe', 'boss', 'lonely', 'reseller1', 'zed']);
    const r1 = managedView(paths, { user: 'reseller1', isRoot: false, isReseller: true });
    expect(r1.users).toEqual(['abe']);
  });

  it('domains of a page’s accounts are the ones the whole file gives them', () => {
    write(
      paths.trueUserDomains,
      [
        'first.example: shop1',
        'second.example: shop1',
        '# hidden.example: blog2',
        'blog2.example:blog2  \r',
        'shop10.example: shop10',
        'a.b: c: shop1x',
        'dot.example: a.b',
        'dash.example: a-b',
        'axb.example: axb',
        ' : shop2',
        'shop2.example: shop2',
        'last.example: last',
      ].join('\n'),
    );
    const users = ['shop1', 'blog2', 'shop10', 'shop1x', 'a.b', 'a-b', 'axb', 'shop2', 'last', 'none'];
    const all = readDomains(paths);
    const expected = new Map(users.flatMap((u) => (all.has(u) ? [[u, all.get(u) as string]] : [])));
    expect(readDomainsOf(paths, users)).toEqual(expected);
    expect(Object.fromEntries(expected)).toEqual({
      shop1: 'first.example',
      blog2: 'blog2.example',
      shop10: 'shop10.example',
      'a.b': 'dot.example',
      'a-b': 'dash.example',
      axb: 'axb.example',
      shop2: 'shop2.example',
      last: 'last.example',
    });
    // A name alone, or one that is not an account name, finds nothing else.
    expect(readDomainsOf(paths, ['a.b'])).toEqual(new Map([['a.b', 'dot.example']]));
    expect(readDomainsOf(paths, ['.*', ''])).toEqual(new Map());
    expect(readDomainsOf(paths, [])).toEqual(new Map());
  });
});
