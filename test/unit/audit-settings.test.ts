// The trail under the settings file's retention (audit_days, audit_mib): entries past the
// age limit are dropped, the size bound is the setting's, rotated entries sit in gzip
// segments that listing reads newest first, a segment that loses nothing is not
// rewritten, and damaged settings trim nothing.
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ROTATE_BYTES,
  appendAudit,
  auditSegments,
  compactAuditLocked,
  listAudit,
  selectRetained,
} from '../../plugin/src/audit';
import { DEFAULT_SETTINGS } from '../../plugin/src/settingsFile';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';

let root: string;
let paths: ServerPaths;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'whm2fa-audit-settings-'));
  paths = serverPaths(root);
  mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const DAY = 86_400;
const NOW = 1_800_000_000;
const iso = (epoch: number): string => new Date(epoch * 1000).toISOString();

/** A stored entry line of `bytes` bytes (newline included) by `actor` at `epoch`. */
function entry(actor: string, n: number, epoch: number, bytes = 1000): string {
  const fields = { at: iso(epoch), actor, subject: actor, action: 'verify', n };
  const base = JSON.stringify({ ...fields, pad: '' });
  return `${JSON.stringify({ ...fields, pad: 'p'.repeat(bytes - 1 - base.length) })}\n`;
}
const input = (epochSeconds: number) => ({
  epochSeconds,
  actor: 'root',
  subject: 'root',
  action: 'verify' as const,
  ip: '',
  result: 'new',
});
const archived = (): { actor: string; n: number; at: string }[] =>
  auditSegments(paths)
    .map((s) => gunzipSync(readFileSync(s.file)).toString('utf8'))
    .join('')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { actor: string; n: number; at: string });
const settings = (text: string): void => writeFileSync(paths.ownSettingsFile, text);

describe('retention by age', () => {
  it('drops entries older than audit_days at rotation, and keeps the rest in a gzip segment', () => {
    settings('audit_days=30\n');
    const old = Array.from({ length: 600 }, (_, n) => entry('a', n, NOW - 40 * DAY));
    const young = Array.from({ length: 600 }, (_, n) => entry('a', 600 + n, NOW - 29 * DAY));
    writeFileSync(paths.auditFile, [...old, ...young].join(''));
    appendAudit(paths, input(NOW));
    const kept = archived();
    expect(kept.map((e) => e.n)).toEqual(Array.from({ length: 600 }, (_, i) => 600 + i));
    const [segment] = auditSegments(paths);
    expect(segment?.oldest).toBe(NOW - 29 * DAY);
    expect(segment?.file).toMatch(/\/audit-000001-\d+\.log\.gz$/);
    expect(statSync(segment?.file ?? '').mode & 0o777).toBe(0o600);
  });

  it('runs on age alone once the oldest entry is a day past the limit, not before', () => {
    settings('audit_days=30\n');
    writeFileSync(paths.auditFile, entry('a', 0, NOW - 30 * DAY - DAY + 1) + entry('a', 1, NOW - DAY));
    expect(compactAuditLocked(paths, { ...DEFAULT_SETTINGS, auditDays: 30 }, NOW)).toBe(false);
    writeFileSync(paths.auditFile, entry('a', 0, NOW - 31 * DAY - 1) + entry('a', 1, NOW - DAY));
    expect(compactAuditLocked(paths, { ...DEFAULT_SETTINGS, auditDays: 30 }, NOW)).toBe(true);
    // A small active log stays active, without what expired.
    expect(auditSegments(paths)).toEqual([]);
    expect(listAudit(paths, { limit: 10, visible: () => true }).map((e) => (e as unknown as { n: number }).n)).toEqual([
      1,
    ]);
  });

  it('expires whole old segments and leaves a segment that loses nothing untouched', () => {
    const days = { ...DEFAULT_SETTINGS, auditDays: 30 };
    writeFileSync(paths.auditFile, entry('a', 0, NOW - 100 * DAY, ROTATE_BYTES));
    compactAuditLocked(paths, days, NOW - 80 * DAY);
    writeFileSync(paths.auditFile, entry('a', 1, NOW - 10 * DAY, ROTATE_BYTES));
    compactAuditLocked(paths, days, NOW - 9 * DAY);
    expect(auditSegments(paths).map((s) => s.seq)).toEqual([2]);
    const before = statSync(auditSegments(paths)[0]?.file ?? '');
    writeFileSync(paths.auditFile, entry('a', 2, NOW, ROTATE_BYTES));
    compactAuditLocked(paths, days, NOW);
    const after = auditSegments(paths);
    expect(after.map((s) => s.seq)).toEqual([2, 3]);
    expect(statSync(after[0]?.file ?? '').mtimeMs).toBe(before.mtimeMs);
    expect(statSync(after[0]?.file ?? '').ino).toBe(before.ino);
  });

  it('runs on age when the active log is missing (just rotated): the segments’ names say their age', () => {
    const days = { ...DEFAULT_SETTINGS, auditDays: 30 };
    writeFileSync(
      join(paths.stateDir, `audit-000001-${String(NOW - 40 * DAY)}.log.gz`),
      gzipSync(entry('a', 0, NOW - 40 * DAY)),
    );
    expect(compactAuditLocked(paths, days, NOW)).toBe(true);
    expect(auditSegments(paths)).toEqual([]);
  });

  it('keeps entries whatever their age with audit_days=0 (the default)', () => {
    writeFileSync(paths.auditFile, entry('a', 0, NOW - 3000 * DAY, ROTATE_BYTES));
    appendAudit(paths, input(NOW));
    expect(archived().map((e) => e.n)).toEqual([0]);
  });
});

describe('retention by size', () => {
  it('bounds the archive by audit_mib less the active log’s MiB', () => {
    settings('audit_mib=2\n');
    writeFileSync(paths.auditFile, Array.from({ length: 1500 }, (_, n) => entry('a', n, NOW - 1000 + n)).join(''));
    appendAudit(paths, input(NOW));
    const kept = archived();
    // 1 MiB of 1000-byte entries; a's share is capped at PER_ACTOR_KEEP, then the newest others.
    expect(kept.length).toBe(Math.floor((2 * 1024 * 1024 - ROTATE_BYTES) / 1000));
    expect(kept.at(-1)?.n).toBe(1499);
  });

  it('keeps years of entries when the bound allows', () => {
    settings('audit_mib=64\naudit_days=1825\n');
    for (let round = 0; round < 3; round += 1) {
      writeFileSync(
        paths.auditFile,
        Array.from({ length: 1100 }, (_, n) =>
          entry(`u${String(n % 7)}`, round * 1100 + n, NOW - 1500 * DAY + round * DAY),
        ).join(''),
      );
      appendAudit(paths, input(NOW - 1000 * DAY + round));
    }
    expect(archived()).toHaveLength(3300);
    expect(auditSegments(paths).map((s) => s.seq)).toEqual([1, 2, 3]);
    // Listing reads the active log, then the segments newest first.
    const listed = listAudit(paths, { limit: 5000, visible: () => true });
    // Each round's file replaced the active log, with the entry the round before appended.
    expect(listed).toHaveLength(3301);
    expect(listed[1]?.at).toBe(iso(NOW - 1500 * DAY + 2 * DAY));
    expect(listed.at(-1)?.at).toBe(iso(NOW - 1500 * DAY));
  });
});

describe('damaged settings', () => {
  it('trims nothing and still records the entry', () => {
    settings('audit_mib=lots\n');
    writeFileSync(paths.auditFile, Array.from({ length: 1500 }, (_, n) => entry('a', n, NOW - 100 * DAY)).join(''));
    appendAudit(paths, input(NOW));
    expect(auditSegments(paths)).toEqual([]);
    expect(listAudit(paths, { limit: 2000, visible: () => true })).toHaveLength(1501);
  });
});

describe('the copy to syslog', () => {
  it('follows the syslog setting: off sends nothing, on (and damaged settings) send the entry lines', async () => {
    const fifo = join(root, 'syslog.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    mkdirSync(join(paths.timeoutTool, '..'), { recursive: true });
    // The stand-in for timeout + logger: its stdin into the FIFO, whole, then closed.
    writeFileSync(
      paths.timeoutTool,
      `#!/bin/sh\n# bounded: a test that fails leaves no writer waiting on the FIFO\nexec /usr/bin/timeout 10 sh -c "cat > '${fifo}'"\n`,
      { mode: 0o755 },
    );
    const next = (): Promise<string> =>
      new Promise((resolve, reject) => {
        let text = '';
        createReadStream(fifo, 'utf8')
          .on('data', (chunk) => (text += String(chunk)))
          .on('end', () => resolve(text))
          .on('error', reject);
      });
    const first = next();
    settings('syslog=off\n');
    appendAudit(paths, { ...input(NOW), result: 'not sent' });
    settings('syslog=on\n');
    appendAudit(paths, { ...input(NOW), result: 'sent' });
    const sent = await first;
    expect(
      sent
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { result: string }).result),
    ).toEqual(['sent']);
    const second = next();
    settings('syslog=maybe\n');
    appendAudit(paths, { ...input(NOW), result: 'damaged settings' }, { ...input(NOW), result: 'two' });
    expect((await second).trim().split('\n')).toHaveLength(2);
  });
});

describe('selectRetained', () => {
  const line = (key: string, at: number, bytes = 10) => ({ text: '', key, bytes, at });
  it('keeps nothing older than the cutoff and entries without a time', () => {
    expect(selectRetained([line('a', 5), line('a', 10), line('a', Number.NaN)], 1000, 10)).toEqual([false, true, true]);
  });
  it('stops filling at the first entry that does not fit, newest first', () => {
    expect(selectRetained([line('a', 1), line('b', 2, 30), line('c', 3)], 25, -Infinity)).toEqual([false, false, true]);
    expect(selectRetained([line('a', 1), line('b', 2), line('c', 3)], 25, -Infinity)).toEqual([false, true, true]);
  });
});
