/**
 * One page of Manage Users, made on the server: the accounts the caller manages, narrowed
 * by a search, sorted by a column and cut into pages of {@link USERS_PAGE_SIZE}, with the
 * counts the page shows (docs/api.md, `users.list`). Pure: the accounts come in already
 * read (access.ts), so the rules here are tested without a server.
 */
import { badRequest } from './errors';
import { t } from './messages';
import { USERS_PAGE_SIZE } from './rules';
import { accountRows, type ManagedAccount, type ManagedView } from './access';

/** The columns Manage Users sorts by. */
export const SORT_KEYS = ['user', 'domain', 'owner', 'enabled', 'lastReminded'] as const;
/** One of {@link SORT_KEYS}. */
export type SortKey = (typeof SORT_KEYS)[number];

/** `users.list`'s `sort`: a column, or `-column` for descending. */
export type SortText = SortKey | `-${SortKey}`;

/** What one `users.list` asks for, checked. */
export interface PageQuery {
  /** Lower-cased and trimmed; empty: every account. */
  readonly search: string;
  readonly sort: SortKey;
  readonly descending: boolean;
  /** From 1. */
  readonly page: number;
}

/** One page and its counts, as `users.list` answers them (with `coverage` beside). */
export interface AccountPage {
  readonly users: ManagedAccount[];
  /** Accounts the caller manages. */
  readonly total: number;
  /** Of those, how many have 2FA. */
  readonly protected: number;
  /** Accounts that match the search (all of them without one). */
  readonly matching: number;
  /** The page served, from 1: the one asked for, or the last when that is beyond the end. */
  readonly page: number;
  /** At least 1: no match is one empty page. */
  readonly pages: number;
  readonly pageSize: number;
}

const isSortKey = (value: string): value is SortKey => (SORT_KEYS as readonly string[]).includes(value);

/** Longer than any `sort` users.list takes (`-lastReminded`): a longer text is refused before it is looked at. */
export const MAX_SORT_LENGTH = 20;

/** The highest page number users.list takes (25 million accounts); beyond the end is the last page. */
export const MAX_PAGE = 1_000_000;

/**
 * The query of a request's `search` (any text, already bounded by params.ts), `sort` and
 * `page` (a whole number from 1), or BAD_REQUEST naming the sorts allowed.
 */
export function pageQuery(search: string, sort: string, page: number): PageQuery {
  const descending = sort.startsWith('-');
  const key = descending ? sort.slice(1) : sort;
  if (!isSortKey(key)) throw badRequest(t('param.badSort', { keys: SORT_KEYS.join(', ') }));
  return { search: search.trim().toLowerCase(), sort: key, descending, page };
}

/** What a page is made from: the caller's accounts read once, and cPanel's and whm2fa's facts about them. */
export interface AccountFacts {
  readonly view: ManagedView;
  /** cPanel's 2FA store: an account has 2FA when it holds its key. */
  readonly secrets: ReadonlyMap<string, string>;
  /**
   * How many of the view's accounts have 2FA: counted once by the caller, with the
   * coverage figures (coverage.ts, viewCounts), not again here.
   */
  readonly protectedCount: number;
  /** Account → when it was last reminded (epoch seconds). */
  readonly reminded: ReadonlyMap<string, number>;
  /** The primary domains of `users`, or of every account when undefined. */
  readonly domains: (users?: readonly string[]) => ReadonlyMap<string, string>;
}

/** Whether an account's name, owner or domain holds `needle` (lower-cased; empty matches all). */
export function matches(user: string, owner: string, domain: string, needle: string): boolean {
  return needle === '' || user.includes(needle) || owner.includes(needle) || domain.toLowerCase().includes(needle);
}

/**
 * `byName` (sorted by name) sorted by the text `valueOf` gives, reversed when
 * `descending`; accounts with the same value stay in name order either way. By grouping
 * and the engine's own sort of the distinct values: a comparator function called for
 * every pair is several times slower over tens of thousands of accounts in a fresh process.
 */
export function sortByValue(
  byName: readonly string[],
  valueOf: (user: string) => string,
  descending: boolean,
): string[] {
  const groups = new Map<string, string[]>();
  for (const user of byName) {
    const value = valueOf(user);
    const group = groups.get(value);
    if (group === undefined) groups.set(value, [user]);
    else group.push(user);
  }
  const values = [...groups.keys()].sort();
  if (descending) values.reverse();
  const sorted: string[] = [];
  for (const value of values) for (const user of groups.get(value) as string[]) sorted.push(user);
  return sorted;
}

/** The page numbered `page` (from 1) of `count` items, or the last when beyond; and how many pages there are. */
export function pageOf(count: number, page: number, pageSize: number): { page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(count / pageSize));
  return { page: Math.min(page, pages), pages };
}

/**
 * The page `query` asks for, with its counts. Every domain is read only when the search
 * or the sort needs them; otherwise only the page's own. Sort values: the domain ("" for
 * none, first), 2FA (off first), the owner, the last reminder (never first, then oldest).
 */
export function accountPage(facts: AccountFacts, query: PageQuery, pageSize = USERS_PAGE_SIZE): AccountPage {
  const { view, secrets, reminded } = facts;
  const all = query.search !== '' || query.sort === 'domain' ? facts.domains() : undefined;
  const owner = (user: string): string => view.owners.get(user) ?? '';
  const domain = (user: string): string => all?.get(user) ?? '';
  const matching =
    query.search === '' ? view.users : view.users.filter((u) => matches(u, owner(u), domain(u), query.search));
  const { page, pages } = pageOf(matching.length, query.page, pageSize);
  const start = (page - 1) * pageSize;
  let users: string[];
  if (query.sort === 'user') {
    // Name order needs no sort; the reverse is read from the end.
    users = query.descending
      ? matching.slice(Math.max(0, matching.length - start - pageSize), matching.length - start).reverse()
      : matching.slice(start, start + pageSize);
  } else {
    const valueOf: Record<Exclude<SortKey, 'user'>, (user: string) => string> = {
      domain,
      owner,
      enabled: (user) => (secrets.has(user) ? '1' : '0'),
      // ISO times sort as text.
      lastReminded: (user) => {
        const at = reminded.get(user);
        return at === undefined ? '' : new Date(at * 1000).toISOString();
      },
    };
    users = sortByValue(matching, valueOf[query.sort], query.descending).slice(start, start + pageSize);
  }
  return {
    users: accountRows(view, users, { domains: all ?? facts.domains(users), secrets, reminded }),
    total: view.users.length,
    protected: facts.protectedCount,
    matching: matching.length,
    page,
    pages,
    pageSize,
  };
}
