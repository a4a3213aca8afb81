// Coverage over time, in-process with time as a parameter: the figures of each view, one
// snapshot a day kept for 40 days, and "30 days ago" from the newest snapshot that old
// (or not known yet).
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerPaths } from '../../plugin/src/paths';
import { countProtected, managedView, type Caller } from '../../plugin/src/access';
import { readSecrets } from '../../plugin/src/cpanelState';
import {
  countCoverage,
  coverageReport,
  dayOf,
  readHistory,
  recordCoverageIfDue,
  viewCounts,
  type CoverageCounts,
} from '../../plugin/src/coverage';
import { scratchServer, writeAccounts, writeStore } from '../support/fakeBridge';

const T0 = 1_800_000_000; // 2027-01-15
const DAY = 86_400;
const KEY = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

let root: string;
let paths: ServerPaths;

beforeEach(() => {
  ({ root, paths } = scratchServer('whm2fa-coverage-'));
  writeAccounts(
    paths,
    {
      reseller1: { domains: ['r1.example'], owner: 'reseller1' },
      reseller2: { domains: ['r2.example'] },
      shop1: { domains: ['shop1.example'], owner: 'reseller1' },
      shop2: { domains: ['shop2.example'], owner: 'reseller1' },
      blog9: { domains: ['blog9.example'], owner: 'reseller2' },
      solo: { domains: ['solo.example'] },
    },
    ['reseller1', 'reseller2', 'empty'],
  );
  writeStore(paths, { shop1: KEY, reseller2: KEY, 'info@shop2.example': KEY });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const share = (p: number, t: number) => ({ protected: p, total: t });
const plain = (c: CoverageCounts) => ({ server: c.server, resellers: Object.fromEntries(c.resellers) });
const writeHistory = (days: Array<{ day: string; server: number[]; resellers?: unknown[] }>): void => {
  mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  writeFileSync(paths.coverageFile, JSON.stringify({ days: days.map((d) => ({ resellers: [], ...d })) }));
};

describe('the figures of each view', () => {
  it('root: every account but root, and each reseller’s own accounts (not itself); mailbox keys do not count', () => {
    // reseller1 owns itself: its own account is in the server's figure, not in its own.
    expect(plain(countCoverage(paths))).toEqual({
      server: share(2, 7),
      resellers: { reseller1: share(1, 2), reseller2: share(0, 1), empty: share(0, 0) },
    });
    const view = managedView(paths, { user: 'root', isRoot: true, isReseller: false });
    expect(plain(viewCounts(paths, view, readSecrets(paths)))).toEqual(plain(countCoverage(paths)));
  });

  it('a reseller: its own figure only; a root-level reseller: the server’s, itself included', () => {
    const reseller = { user: 'reseller1', isRoot: false, isReseller: true };
    expect(plain(viewCounts(paths, managedView(paths, reseller), readSecrets(paths)))).toEqual({
      server: null,
      resellers: { reseller1: share(1, 2) },
    });
    const boss = { user: 'reseller2', isRoot: true, isReseller: true };
    expect(plain(viewCounts(paths, managedView(paths, boss), readSecrets(paths)))).toEqual(plain(countCoverage(paths)));
  });
});

describe('the caller’s own share (Manage Users’ “N of M accounts protected”)', () => {
  it('is the view’s accounts and their keys, counted with the figures: never the caller’s own', () => {
    const secrets = readSecrets(paths);
    const own = (caller: Caller) => viewCounts(paths, managedView(paths, caller), secrets).own;
    expect(own({ user: 'root', isRoot: true, isReseller: false })).toEqual(share(2, 7));
    expect(own({ user: 'reseller1', isRoot: false, isReseller: true })).toEqual(share(1, 2));
    // A root-level reseller with 2FA: the server's figure holds its key, its own share does not.
    expect(own({ user: 'reseller2', isRoot: true, isReseller: true })).toEqual(share(1, 6));
    // The same as counting the view's accounts one by one.
    for (const caller of [
      { user: 'root', isRoot: true, isReseller: false },
      { user: 'reseller1', isRoot: false, isReseller: true },
      { user: 'reseller2', isRoot: true, isReseller: true },
      { user: 'reseller1', isRoot: true, isReseller: true },
    ]) {
      const view = managedView(paths, caller);
      expect(own(caller)).toEqual(share(countProtected(view, secrets), view.users.length));
    }
  });
});

describe('the daily snapshot', () => {
  it('is kept once a day (0600): a later call the same day changes nothing', () => {
    const first = recordCoverageIfDue(paths, T0);
    expect(first.map((s) => s.day)).toEqual([dayOf(T0)]);
    expect(statSync(paths.coverageFile).mode & 0o777).toBe(0o600);
    const text = readFileSync(paths.coverageFile, 'utf8');
    writeStore(paths, { shop1: KEY, shop2: KEY });
    let asked = 0;
    recordCoverageIfDue(paths, T0 + 3600, () => {
      asked += 1;
      return countCoverage(paths);
    });
    expect(asked).toBe(0);
    expect(readFileSync(paths.coverageFile, 'utf8')).toBe(text);
    const next = recordCoverageIfDue(paths, T0 + DAY);
    expect(next.map((s) => [s.day, s.server])).toEqual([
      [dayOf(T0), share(2, 7)],
      [dayOf(T0 + DAY), share(2, 7)],
    ]);
    expect(Object.fromEntries(next[1]?.resellers ?? [])).toMatchObject({ reseller1: share(2, 2) });
  });

  it('keeps 40 days: older snapshots, and any dated after today, are dropped on the day’s write', () => {
    writeHistory(
      Array.from({ length: 60 }, (_, i) => ({ day: dayOf(T0 - (i + 1) * DAY), server: [1, 2] })).concat([
        { day: dayOf(T0 + 5 * DAY), server: [9, 9] },
      ]),
    );
    const kept = recordCoverageIfDue(paths, T0);
    expect(kept).toHaveLength(41);
    expect(kept[0]?.day).toBe(dayOf(T0 - 40 * DAY));
    expect(kept.at(-1)?.day).toBe(dayOf(T0));
    expect(readHistory(paths)).toEqual(kept);
  });

  it('a damaged file is no history, and is replaced by the day’s snapshot', () => {
    mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
    writeFileSync(paths.coverageFile, '{"days": [');
    expect(readHistory(paths)).toEqual([]);
    expect(recordCoverageIfDue(paths, T0).map((s) => s.day)).toEqual([dayOf(T0)]);
    // Entries that are not well formed are skipped, the rest kept.
    writeHistory([
      { day: 'yesterday', server: [1, 2] },
      { day: dayOf(T0 - DAY), server: [3, 2] },
      {
        day: dayOf(T0 - 2 * DAY),
        server: [1, 2],
        resellers: [
          ['reseller1', 1, 1],
          ['../x', 0, 0],
          ['r2', 2],
        ],
      },
    ]);
    expect(readHistory(paths).map((s) => [s.day, Object.fromEntries(s.resellers)])).toEqual([
      [dayOf(T0 - 2 * DAY), { reseller1: share(1, 1) }],
    ]);
  });
});

describe('30 days ago', () => {
  const now = (): CoverageCounts => countCoverage(paths);

  it('is the newest snapshot at least 30 days old, per reseller; null where none is that old', () => {
    writeHistory([
      { day: dayOf(T0 - 35 * DAY), server: [0, 5], resellers: [['reseller1', 0, 2]] },
      { day: dayOf(T0 - 31 * DAY), server: [1, 6], resellers: [['reseller1', 1, 2]] },
      { day: dayOf(T0 - 29 * DAY), server: [2, 6], resellers: [['reseller1', 2, 2]] },
    ]);
    const report = coverageReport(now(), readHistory(paths), T0);
    expect(report.server).toEqual({
      now: share(2, 7),
      thirtyDaysAgo: { ...share(1, 6), day: dayOf(T0 - 31 * DAY) },
    });
    expect(report.resellers.map((r) => [r.reseller, r.thirtyDaysAgo])).toEqual([
      ['empty', null],
      ['reseller1', { ...share(1, 2), day: dayOf(T0 - 31 * DAY) }],
      ['reseller2', null],
    ]);
    // Exactly 30 days old counts.
    expect(coverageReport(now(), readHistory(paths), T0 + 2 * DAY).server?.thirtyDaysAgo?.day).toBe(
      dayOf(T0 - 29 * DAY),
    );
  });

  it('is not known yet with younger snapshots only, or none', () => {
    writeHistory([{ day: dayOf(T0 - 29 * DAY), server: [2, 6] }]);
    expect(coverageReport(now(), readHistory(paths), T0).server?.thirtyDaysAgo).toBeNull();
    expect(coverageReport(now(), [], T0).server).toEqual({ now: share(2, 7), thirtyDaysAgo: null });
  });

  it('a reseller’s report holds its own figure and no server', () => {
    writeHistory([{ day: dayOf(T0 - 30 * DAY), server: [1, 6], resellers: [['reseller1', 0, 1]] }]);
    const reseller = { user: 'reseller1', isRoot: false, isReseller: true };
    const counts = viewCounts(paths, managedView(paths, reseller), readSecrets(paths));
    expect(coverageReport(counts, readHistory(paths), T0)).toEqual({
      server: null,
      resellers: [
        { reseller: 'reseller1', now: share(1, 2), thirtyDaysAgo: { ...share(0, 1), day: dayOf(T0 - 30 * DAY) } },
      ],
    });
  });
});
