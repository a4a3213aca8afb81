// The coverage snapshots as read back (plugin/src/coverage.ts): shares, reseller lists,
// counts and the history file, each taken only when well formed; anything else is skipped
// or read as none, never trusted.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readHistory, resellerShares, shareOf } from '../../plugin/src/coverage';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';

describe('shareOf', () => {
  it('takes [protected, total] of whole counts, protected at most total', () => {
    expect(shareOf([0, 0])).toEqual({ protected: 0, total: 0 });
    expect(shareOf([2, 5])).toEqual({ protected: 2, total: 5 });
    expect(shareOf([5, 5])).toEqual({ protected: 5, total: 5 });
    for (const bad of [
      [6, 5],
      [-1, 5],
      [1.5, 5],
      [1, 2.5],
      ['1', 5],
      [1, '5'],
      [1],
      [1, 2, 3],
      null,
      '1,2',
      { 0: 1, 1: 2 },
    ]) {
      expect(shareOf(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });
});

describe('resellerShares', () => {
  it('takes [name, protected, total] entries of valid names only', () => {
    const shares = resellerShares([
      ['res1', 1, 2],
      ['Bad', 1, 2],
      [5, 1, 2],
      ['res2', 3, 2],
      ['res3', 1],
      ['res4', 1, 2, 3],
      'res5',
      ['res6', 0, 0],
    ]);
    expect([...shares]).toEqual([
      ['res1', { protected: 1, total: 2 }],
      ['res6', { protected: 0, total: 0 }],
    ]);
    expect(resellerShares({ res1: [1, 2] }).size).toBe(0);
    expect(resellerShares(null).size).toBe(0);
  });
});

describe('readHistory', () => {
  let root: string;
  let paths: ServerPaths;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'whm2fa-history-'));
    paths = serverPaths(root);
    mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const write = (value: unknown): void => writeFileSync(paths.coverageFile, JSON.stringify(value));

  it('reads well-formed days, one per day, oldest first', () => {
    write({
      days: [
        { day: '2026-12-03', server: [1, 2], resellers: [['res1', 1, 1]] },
        { day: '2026-12-01', server: [0, 2] },
        { day: '2026-12-03', server: [2, 2], resellers: [] },
        { day: '2026-12-02', server: [3, 2] },
        { day: 'x2026-12-02', server: [1, 2] },
        { day: '2026-12-022', server: [1, 2] },
        { day: 20261202, server: [1, 2] },
        { day: '2026-12-04' },
        null,
        'day',
      ],
    });
    expect(readHistory(paths)).toEqual([
      { day: '2026-12-01', server: { protected: 0, total: 2 }, resellers: new Map() },
      { day: '2026-12-03', server: { protected: 2, total: 2 }, resellers: new Map() },
    ]);
  });

  it('reads a missing, damaged or odd file as no history', () => {
    expect(readHistory(paths)).toEqual([]);
    for (const text of ['{', 'null', '[]', '{"days":{}}', '{"days":"x"}']) {
      writeFileSync(paths.coverageFile, text);
      expect(readHistory(paths), text).toEqual([]);
    }
  });
});
