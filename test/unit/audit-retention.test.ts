// The audit trail's rules beyond appending: the owner recorded with each entry, the exact
// line written, when a compaction happens, what it keeps (each actor's newest entries
// first, then the newest others, within ARCHIVE_BYTES; docs/decisions/audit-retention.md),
// legacy files folded in, and how listing pages through the files.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ARCHIVE_BYTES,
  PER_ACTOR_KEEP,
  ROTATE_BYTES,
  appendAudit,
  appendAuditLocked,
  auditDamage,
  auditSegments,
  compactAuditLocked,
  damagedSegments,
  listAudit,
  retentionKey,
  type AuditEntry,
} from '../../plugin/src/audit';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';
import { StateError } from '../../plugin/src/errors';
import { DEFAULT_SETTINGS } from '../../plugin/src/settingsFile';
import { writeAccounts } from '../support/fakeBridge';

let root: string;
let paths: ServerPaths;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'whm2fa-audit-rules-'));
  paths = serverPaths(root);
  mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const T0 = 1_800_000_000;
const input = (n: number, actor = 'root', subject = 'shop1') => ({
  epochSeconds: T0 + n,
  actor,
  subject,
  action: 'verify' as const,
  ip: '203.0.113.1',
  result: `r${String(n)}`,
});

/** A stored line of exactly `bytes` bytes (newline included) for `actor`, numbered `n`. */
function line(actor: string, n: number, bytes = 1000): string {
  const base = JSON.stringify({ at: 'x', actor, n, pad: '' });
  return `${JSON.stringify({ at: 'x', actor, n, pad: 'p'.repeat(bytes - 1 - base.length) })}\n`;
}

const parse = (text: string): { actor: string; n: number }[] =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { actor: string; n: number });
const lines = (file: string): { actor: string; n: number }[] => parse(readFileSync(file, 'utf8'));
/** The compressed archive's text, every segment oldest first. */
const archiveText = (): string =>
  auditSegments(paths)
    .map((s) => gunzipSync(readFileSync(s.file)).toString('utf8'))
    .join('');
const archived = (): { actor: string; n: number }[] => parse(archiveText());
const archiveBytes = (): number => Buffer.byteLength(archiveText());

describe('writing entries', () => {
  it('records the subject’s owner at the time, the ISO time, and a reason only when given', () => {
    writeAccounts(paths, { shop1: { owner: 'res1' } });
    appendAudit(paths, input(1), { ...input(2, 'res1', 'gone9'), reason: 'why' });
    expect(readFileSync(paths.auditFile, 'utf8')).toBe(
      `${JSON.stringify({ at: new Date((T0 + 1) * 1000).toISOString(), actor: 'root', subject: 'shop1', owner: 'res1', action: 'verify', ip: '203.0.113.1', result: 'r1' })}\n` +
        `${JSON.stringify({ at: new Date((T0 + 2) * 1000).toISOString(), actor: 'res1', subject: 'gone9', owner: '', action: 'verify', ip: '203.0.113.1', result: 'r2', reason: 'why' })}\n`,
    );
  });

  it('writes nothing for no entries', () => {
    appendAuditLocked(paths, []);
    expect(existsSync(paths.auditFile)).toBe(false);
  });
});

describe('compaction', () => {
  it('starts at exactly ROTATE_BYTES, not one byte before', () => {
    writeFileSync(paths.auditFile, `${'x'.repeat(ROTATE_BYTES - 2)}\n`);
    appendAudit(paths, input(1));
    expect(auditSegments(paths)).toEqual([]);
    writeFileSync(paths.auditFile, `${line('a', 0, ROTATE_BYTES)}`);
    appendAudit(paths, input(2));
    expect(archived()).toEqual([{ actor: 'a', n: 0, at: 'x', pad: expect.any(String) as string }]);
    expect(lines(paths.auditFile).map((e) => e.actor)).toEqual(['root']);
  });

  it('keeps a quiet actor’s old entries when a noisy one floods the trail, and fills the rest with the newest', () => {
    const quiet = Array.from({ length: 10 }, (_, n) => line('quiet', n)).join('');
    const noisy = Array.from({ length: 6000 }, (_, n) => line('noisy', n)).join('');
    writeFileSync(paths.auditFile, quiet + noisy);
    appendAudit(paths, input(1));
    const archive = archived();
    const size = archiveBytes();
    expect(size).toBeLessThanOrEqual(ARCHIVE_BYTES);
    expect(size + 1000).toBeGreaterThan(ARCHIVE_BYTES);
    expect(archive.filter((e) => e.actor === 'quiet').map((e) => e.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const kept = archive.filter((e) => e.actor === 'noisy').map((e) => e.n);
    const count = Math.floor(ARCHIVE_BYTES / 1000) - 10;
    expect(kept).toEqual(Array.from({ length: count }, (_, i) => 6000 - count + i));
    // Oldest first, as written.
    expect(archive[0]?.actor).toBe('quiet');
  });

  it('cuts only the busiest actors, all to the same count, when their newest entries do not all fit', () => {
    // Seven actors of 1000 entries each: 7000 × 1000 bytes is more than ARCHIVE_BYTES.
    const all: string[] = [];
    for (let n = 0; n < PER_ACTOR_KEEP; n += 1)
      for (const a of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) all.push(line(a, n));
    writeFileSync(paths.auditFile, `${all.join('')}${line('small', 0)}`);
    appendAudit(paths, input(1));
    const archive = archived();
    const per = Math.floor((ARCHIVE_BYTES - 1000) / 7000);
    // The room left after each actor's `per` newest goes to the newest others: g, f, e, …
    const extra = Math.floor((ARCHIVE_BYTES - 1000 - per * 7000) / 1000);
    const counts = new Map<string, number>();
    for (const e of archive) counts.set(e.actor, (counts.get(e.actor) ?? 0) + 1);
    expect(counts.get('small')).toBe(1);
    ['g', 'f', 'e', 'd', 'c', 'b', 'a'].forEach((a, i) => {
      expect(counts.get(a)).toBe(per + (i < extra ? 1 : 0));
    });
    for (const a of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) {
      // Each actor's newest entries are the ones kept.
      const kept = archive.filter((e) => e.actor === a).map((e) => e.n);
      expect(kept.at(-1)).toBe(PER_ACTOR_KEEP - 1);
    }
    expect(archiveBytes()).toBeLessThanOrEqual(ARCHIVE_BYTES);
  });

  it('keeps at most PER_ACTOR_KEEP of an actor before the newest others', () => {
    const older = Array.from({ length: 1500 }, (_, n) => line('a', n, 200)).join('');
    const filler = Array.from({ length: 5300 }, (_, n) => line('b', n, 1000)).join('');
    writeFileSync(paths.auditFile, older + filler);
    appendAudit(paths, input(1));
    const archive = archived();
    const a = archive.filter((e) => e.actor === 'a').map((e) => e.n);
    expect(a).toEqual(Array.from({ length: PER_ACTOR_KEEP }, (_, i) => 500 + i));
  });

  it('gives the oldest entry a place when it fits, and fills the archive to the exact byte', () => {
    const fits = Array.from({ length: 1001 }, (_, n) => line('a', n, 1100)).join('');
    writeFileSync(paths.auditFile, fits);
    appendAudit(paths, input(1));
    expect(archived().map((e) => e.n)).toEqual(Array.from({ length: 1001 }, (_, n) => n));
    for (const s of auditSegments(paths)) rmSync(s.file);
    // Everything but the oldest line adds up to ARCHIVE_BYTES exactly.
    const rest = ARCHIVE_BYTES - 1000 * 1000 - 880;
    const count = rest / 1000;
    const exact =
      line('a', 0) + line('a', 1, 880) + Array.from({ length: count + 1000 }, (_, n) => line('a', n + 2)).join('');
    writeFileSync(paths.auditFile, exact);
    appendAudit(paths, input(1));
    expect(archiveBytes()).toBe(ARCHIVE_BYTES);
    expect(archived()[0]?.n).toBe(1);
  });

  it('folds legacy rotated files in, oldest first, drops cut lines, and removes them', () => {
    writeFileSync(`${paths.auditFile}.3`, line('legacy3', 0));
    writeFileSync(`${paths.auditFile}.2`, `${line('legacy2', 0)}{"cut`);
    writeFileSync(`${paths.auditFile}.1`, line('archive', 0));
    writeFileSync(paths.auditFile, `${line('current', 0, ROTATE_BYTES)}${JSON.stringify({ n: 1 })}\n`);
    appendAudit(paths, input(1));
    expect(archived().map((e) => e.actor ?? '')).toEqual(['legacy3', 'legacy2', 'archive', 'current', '']);
    for (const n of [1, 2, 3, 4, 5]) expect(existsSync(`${paths.auditFile}.${String(n)}`)).toBe(false);
    expect(lines(paths.auditFile)).toHaveLength(1);
  });

  it('records the entry when a rotated file cannot be read, and compacts once it can', () => {
    mkdirSync(`${paths.auditFile}.2`);
    writeFileSync(paths.auditFile, line('a', 0, ROTATE_BYTES));
    expect(() => appendAudit(paths, input(1))).not.toThrow();
    // Nothing rotated: the compaction failed whole and the entry went to the active log.
    expect(lines(paths.auditFile)).toHaveLength(2);
    expect(() => compactAuditLocked(paths, DEFAULT_SETTINGS, 1)).toThrow(
      new StateError(`cannot read ${paths.auditFile}.2`),
    );
    rmSync(`${paths.auditFile}.2`, { recursive: true });
    appendAudit(paths, input(2));
    expect(archived()).toHaveLength(2);
    expect(lines(paths.auditFile)).toHaveLength(1);
  });

  it('sets a segment that no longer gunzips aside, numbers past it, and listing skips it', () => {
    writeFileSync(paths.auditFile, line('a', 0, ROTATE_BYTES));
    appendAudit(paths, input(1));
    const [first] = auditSegments(paths);
    const bytes = readFileSync(first?.file ?? '');
    bytes.writeUInt8((bytes[bytes.length >> 1] ?? 0) ^ 0xff, bytes.length >> 1);
    writeFileSync(first?.file ?? '', bytes);
    const skipped: string[] = [];
    expect(listAudit(paths, { limit: 10, visible: () => true, damaged: (f) => skipped.push(f) })).toHaveLength(1);
    expect(skipped).toEqual([first?.file]);
    writeFileSync(paths.auditFile, line('b', 0, ROTATE_BYTES));
    appendAudit(paths, input(2));
    expect(damagedSegments(paths)).toEqual([`${first?.file ?? ''}.damaged`]);
    expect(auditSegments(paths).map((s) => s.seq)).toEqual([2]);
    expect(archived().map((e) => e.actor)).toEqual(['b']);
    expect(auditDamage(paths)).toEqual([`${first?.file ?? ''}.damaged`]);
  });
});

describe('fairness for changes made in cPanel’s own pages', () => {
  /** A stored `cpanel.change` line of 1000 bytes about `subject`, numbered `n`. */
  function cpanelLine(subject: string, n: number): string {
    const fields = { at: 'x', actor: 'cPanel', subject, action: 'cpanel.change', n };
    const base = JSON.stringify({ ...fields, pad: '' });
    return `${JSON.stringify({ ...fields, pad: 'p'.repeat(1000 - 1 - base.length) })}\n`;
  }

  it('counts each against the account it concerns: one account’s toggles cannot evict another’s', () => {
    const quiet = Array.from({ length: 10 }, (_, n) => cpanelLine('quiet1', n)).join('');
    const noisy = Array.from({ length: 6000 }, (_, n) => cpanelLine('noisy1', n)).join('');
    writeFileSync(paths.auditFile, quiet + noisy);
    appendAudit(paths, input(1));
    const kept = archived() as unknown as { subject: string; n: number }[];
    expect(kept.filter((e) => e.subject === 'quiet1').map((e) => e.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(kept.filter((e) => e.subject === 'noisy1').length).toBe(Math.floor(ARCHIVE_BYTES / 1000) - 10);
  });

  it('gives such an entry the account’s budget, and every other entry its actor’s', () => {
    expect(retentionKey({ actor: 'cPanel', subject: 'shop1', action: 'cpanel.change' })).toBe('account:shop1');
    expect(retentionKey({ actor: 'cPanel', subject: 'shop2', action: 'cpanel.change' })).not.toBe(
      retentionKey({ actor: 'cPanel', subject: 'shop1', action: 'cpanel.change' }),
    );
    expect(retentionKey({ actor: 'reseller1', subject: 'shop1', action: 'admin.remove' })).toBe('actor:reseller1');
    expect(retentionKey({ actor: 'reseller1', subject: 'shop1', action: 'remove' })).not.toBe(
      retentionKey({ actor: 'reseller2', subject: 'shop1', action: 'remove' }),
    );
    expect(retentionKey({ subject: 'shop1', action: 'verify' })).toBe('actor:');
    for (const action of ['account.create', 'account.remove', 'account.rename'])
      expect(retentionKey({ actor: 'WHM', subject: 'shop1', action })).toBe('account:shop1');
    expect(retentionKey({ actor: 'WHM', subject: 'shop1', action: 'orphan.remove' })).toBe('actor:WHM');
  });
});

describe('listAudit at a page’s edge', () => {
  // Five entries, two of them (c, d) hidden from this caller; b, c, d, e share one time.
  beforeEach(() => {
    const lines = [
      ['a', 't1'],
      ['b', 't2'],
      ['c', 't2'],
      ['d', 't2'],
      ['e', 't2'],
      ['f', 't3'],
    ].map(([actor, at]) => JSON.stringify({ ...input(0, actor), at }));
    writeFileSync(paths.auditFile, `${lines.join('\n')}\n`);
  });
  const visible = (e: AuditEntry): boolean => e.actor !== 'c' && e.actor !== 'd';
  const page = (beforeIso: string, skip: number | undefined, limit = 10): string[] =>
    listAudit(paths, { limit, beforeIso, skip, visible }).map((e) => e.actor);

  it('passes over the entries at the edge time a page already showed, counting only those shown', () => {
    // Newest first at t2: e, (d), (c), b. The first page ended with e.
    expect(page('t2', 1)).toEqual(['b', 'a']);
    expect(page('t2', 0)).toEqual(['e', 'b', 'a']);
    expect(page('t2', 2)).toEqual(['a']);
    expect(page('t2', 0, 1)).toEqual(['e']);
    // Without a count, nothing at the edge time is shown again.
    expect(page('t2', undefined)).toEqual(['a']);
    expect(page('t3', 0)).toEqual(['f', 'e', 'b', 'a']);
  });
});

describe('listAudit', () => {
  beforeEach(() => {
    writeFileSync(`${paths.auditFile}.1`, `${JSON.stringify({ ...input(0), at: 'a0' })}\n`);
    const current = [1, 2, 3].map((n) => JSON.stringify({ ...input(n), at: `a${String(n)}` }));
    writeFileSync(paths.auditFile, `${current.join('\n')}\n\n`);
  });

  it('sees every entry newest first, even those newer than the page, and stops at the limit', () => {
    const seen: string[] = [];
    const visible = (e: AuditEntry): boolean => {
      seen.push(e.at);
      return true;
    };
    expect(listAudit(paths, { limit: 2, beforeIso: 'a3', visible }).map((e) => e.at)).toEqual(['a2', 'a1']);
    expect(seen).toEqual(['a3', 'a2', 'a1']);
    expect(listAudit(paths, { limit: 10, beforeIso: 'a2', visible: () => true }).map((e) => e.at)).toEqual([
      'a1',
      'a0',
    ]);
    expect(listAudit(paths, { limit: 10, visible: (e) => e.at !== 'a2' }).map((e) => e.at)).toEqual(['a3', 'a1', 'a0']);
  });

  it('reads the archive only when the current log does not fill the page', () => {
    rmSync(`${paths.auditFile}.1`);
    mkdirSync(`${paths.auditFile}.1`);
    expect(listAudit(paths, { limit: 3, visible: () => true })).toHaveLength(3);
    expect(() => listAudit(paths, { limit: 4, visible: () => true })).toThrow(
      new StateError(`cannot read ${paths.auditFile}.1`),
    );
    try {
      listAudit(paths, { limit: 4, visible: () => true });
    } catch (err) {
      expect((err as Error).cause).toMatchObject({ code: 'EISDIR' });
    }
  });
});
