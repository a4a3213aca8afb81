/**
 * Coverage over time: the share of accounts with 2FA, for the server and for each
 * reseller, now and about 30 days ago. Once a day (the first users.list, hook run or
 * command of a UTC day) the server's figures are kept as a snapshot in
 * /var/cpanel/whm2fa/coverage.json (0600, under the state lock); snapshots older than
 * {@link COVERAGE_KEEP_DAYS} days are dropped on that write. The file holds counts only.
 * It is statistics, not a rule: a damaged file reads as no history ("not known yet") and
 * is replaced by the next day's snapshot (docs/decisions/reminders-and-coverage.md).
 */
import { countProtected, serverAccounts, type ManagedView } from './access';
import { isValidUsername, readResellers } from './accounts';
import { readSecrets } from './cpanelState';
import { readJson, withLock, writeTextAtomic } from './store';
import { COVERAGE_KEEP_DAYS, COVERAGE_LOOKBACK_DAYS } from './rules';
import type { ServerPaths } from './paths';

const DAY_SECONDS = 86_400;

/** How many of `total` accounts have 2FA. */
export interface Share {
  readonly protected: number;
  readonly total: number;
}

/**
 * The figures of one view: the server's (null in a reseller's own view) and each
 * reseller's (the accounts it owns, not itself).
 */
export interface CoverageCounts {
  readonly server: Share | null;
  readonly resellers: ReadonlyMap<string, Share>;
}

/** One day's figures for the whole server. */
export interface Snapshot {
  /** The UTC day, `YYYY-MM-DD`. */
  readonly day: string;
  readonly server: Share;
  readonly resellers: ReadonlyMap<string, Share>;
}

/** A figure as users.list answers it: now, and the snapshot of about 30 days ago (null: not known yet). */
export interface Figure {
  readonly now: Share;
  readonly thirtyDaysAgo: (Share & { readonly day: string }) | null;
}

/** users.list's `coverage`: the server's figure (root-level callers only) and each reseller's in the caller's scope. */
export interface CoverageReport {
  readonly server: Figure | null;
  readonly resellers: ReadonlyArray<Figure & { readonly reseller: string }>;
}

/** The UTC day of `epochSeconds`, `YYYY-MM-DD`. */
export function dayOf(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 10);
}

/**
 * Counts the accounts of `owners` (account → owner) for the server, and for each of
 * `resellers` the accounts it owns other than its own; `secrets` is cPanel's store.
 */
export function countOwners(
  owners: ReadonlyMap<string, string>,
  secrets: ReadonlyMap<string, string>,
  resellers: Iterable<string>,
): CoverageCounts {
  const per = new Map<string, { protected: number; total: number }>();
  for (const reseller of resellers) if (reseller !== 'root') per.set(reseller, { protected: 0, total: 0 });
  const server = { protected: 0, total: 0 };
  // forEach, not for…of: an entry array per account is garbage a fresh process pays for.
  owners.forEach((owner, user) => {
    const on = secrets.has(user) ? 1 : 0;
    server.total += 1;
    server.protected += on;
    const mine = owner === user ? undefined : per.get(owner);
    if (mine !== undefined) {
      mine.total += 1;
      mine.protected += on;
    }
  });
  return { server, resellers: per };
}

/** The whole server's counts, read from cPanel's files (root's view, as a snapshot keeps them). */
export function countCoverage(paths: ServerPaths): CoverageCounts {
  return countOwners(serverAccounts(paths), readSecrets(paths), readResellers(paths).keys());
}

/** The counts of a caller's view, and its own share (Manage Users' "N of M accounts protected"). */
export interface ViewCounts extends CoverageCounts {
  /** The accounts the caller manages ({@link ManagedView}'s `users`) and how many have 2FA. */
  readonly own: Share;
}

/**
 * The counts of the caller's view: a root-level caller's view holds the whole server (the
 * caller included, as a snapshot counts it); a reseller's gives its own figure only. With
 * `own`, the caller's share as Manage Users shows it: each account's 2FA is looked up once
 * per request, not once for the figures and again for the page.
 */
export function viewCounts(paths: ServerPaths, view: ManagedView, secrets: ReadonlyMap<string, string>): ViewCounts {
  const self = view.caller.user;
  if (view.caller.isRoot) {
    const counts = countOwners(view.owners, secrets, readResellers(paths).keys());
    // The server's figure counts the caller's own account (a root-level reseller's); the view does not.
    const mine = view.owners.has(self) && secrets.has(self) ? 1 : 0;
    const server = counts.server as Share;
    return { ...counts, own: { protected: server.protected - mine, total: view.users.length } };
  }
  const own = { protected: countProtected(view, secrets), total: view.users.length };
  return { server: null, resellers: new Map([[self, own]]), own };
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** `[protected, total]` as a share, or undefined when it is not one. */
export function shareOf(pair: unknown): Share | undefined {
  if (!Array.isArray(pair) || pair.length !== 2) return undefined;
  const [on, total] = pair as unknown[];
  return isCount(on) && isCount(total) && on <= total ? { protected: on, total } : undefined;
}

/** `[[reseller, protected, total], …]` as a map; entries that are not well formed are skipped. */
export function resellerShares(list: unknown): Map<string, Share> {
  const shares = new Map<string, Share>();
  if (!Array.isArray(list)) return shares;
  for (const item of list as unknown[]) {
    if (!Array.isArray(item) || item.length !== 3) continue;
    const [name, ...pair] = item as unknown[];
    const share = shareOf(pair);
    if (typeof name === 'string' && isValidUsername(name) && share !== undefined) shares.set(name, share);
  }
  return shares;
}

/** The snapshots kept, oldest first, one per day; none when the file is missing or damaged. */
export function readHistory(paths: ServerPaths): Snapshot[] {
  let value: unknown;
  try {
    value = readJson(paths.coverageFile);
  } catch {
    return [];
  }
  const days = (value as { days?: unknown } | null | undefined)?.days;
  if (!Array.isArray(days)) return [];
  const byDay = new Map<string, Snapshot>();
  for (const raw of days as unknown[]) {
    const entry = raw as { day?: unknown; server?: unknown; resellers?: unknown } | null;
    const server = shareOf(entry?.server);
    const day = entry?.day;
    if (typeof day !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(day) || server === undefined) continue;
    byDay.set(day, { day, server, resellers: resellerShares(entry?.resellers) });
  }
  return [...byDay.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
}

/**
 * Keeps today's snapshot if there is none yet, taking `counts()` (the whole server's)
 * only then; under the state lock, dropping snapshots older than {@link COVERAGE_KEEP_DAYS}
 * days and any dated after today (a clock put back). Returns the snapshots as kept.
 */
export function recordCoverageIfDue(
  paths: ServerPaths,
  epochSeconds: number,
  counts: () => CoverageCounts = () => countCoverage(paths),
): Snapshot[] {
  const today = dayOf(epochSeconds);
  const seen = readHistory(paths);
  if (seen.some((s) => s.day === today)) return seen;
  // cPanel's files are read outside the lock: it guards whm2fa's own files only.
  let now = counts();
  if (now.server === null) now = countCoverage(paths);
  const server = now.server;
  if (server === null) return seen;
  return withLock(paths.lockFile, () => {
    const history = readHistory(paths);
    if (history.some((s) => s.day === today)) return history;
    const oldest = dayOf(epochSeconds - COVERAGE_KEEP_DAYS * DAY_SECONDS);
    const kept = [
      ...history.filter((s) => s.day >= oldest && s.day < today),
      { day: today, server, resellers: now.resellers },
    ];
    const days = kept.map((s) => ({
      day: s.day,
      server: [s.server.protected, s.server.total],
      resellers: [...s.resellers].map(([name, share]) => [name, share.protected, share.total]),
    }));
    writeTextAtomic(paths.coverageFile, `${JSON.stringify({ days })}\n`);
    return kept;
  });
}

/**
 * The caller's figures: `now` (its view's counts) beside the newest snapshot at least
 * {@link COVERAGE_LOOKBACK_DAYS} days old, or null where there is none (or it did not
 * know the reseller yet). Resellers sorted by name.
 */
export function coverageReport(
  now: CoverageCounts,
  history: readonly Snapshot[],
  epochSeconds: number,
): CoverageReport {
  const limit = dayOf(epochSeconds - COVERAGE_LOOKBACK_DAYS * DAY_SECONDS);
  const then = history.filter((s) => s.day <= limit).at(-1);
  const figure = (share: Share, old: Share | undefined): Figure => ({
    now: { protected: share.protected, total: share.total },
    thirtyDaysAgo:
      old === undefined || then === undefined ? null : { protected: old.protected, total: old.total, day: then.day },
  });
  return {
    server: now.server === null ? null : figure(now.server, then?.server),
    resellers: [...now.resellers]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([reseller, share]) => ({ reseller, ...figure(share, then?.resellers.get(reseller)) })),
  };
}
