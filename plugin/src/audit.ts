/**
 * The audit trail: one JSON line per change and per failed or locked verification, in
 * /var/cpanel/whm2fa/audit.log. Never a secret or a code: entries are built from the
 * fixed fields below only. Each entry also records the subject's owner in
 * /etc/trueuserowners when it is written, so a reader later sees only the history of
 * accounts it owned then (access.ts). Each entry also goes to the system log when the
 * settings say so (syslog.ts), after it is written here.
 *
 * Retention is fair and set in the settings file (docs/decisions/audit-retention.md):
 * past {@link ROTATE_BYTES} the active log is rotated into a gzip segment
 * (`audit-NNNNNN-OLDEST.log.gz`), entries older than `audit_days` are dropped, and when the
 * trail is over `audit_mib`, each account keeps its newest {@link PER_ACTOR_KEEP} entries
 * whatever others write and the rest of the budget goes to the newest other entries. An
 * entry counts against its actor, except a change made in cPanel's own pages, which counts
 * against the account it concerns ({@link retentionKey}).
 */
import { readFileSync, readdirSync, renameSync, statSync, openSync, readSync, closeSync } from 'node:fs';
import type * as Zlib from 'node:zlib';
import { appendLine, isNoEntry, readTextOrEmpty, removeFile, withLock, writeTextAtomic } from './store';
import { DamagedSegmentError, StateError } from './errors';
import { readOwners } from './accounts';
import { cleanTextMembers } from './userText';
import { readOwnSettings, type OwnSettings } from './settingsFile';
import { sendToSyslog } from './syslog';
import { redactReason } from './redact';
import type { ServerPaths } from './paths';
import { record, type Said } from './messages';

// node:zlib is loaded on first use: only a rotation and a read past the active log need
// it, and every request (status included) loads this module.
let zlib: typeof Zlib | undefined;
function zlibModule(): typeof Zlib {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  zlib ??= require('node:zlib') as typeof Zlib;
  return zlib;
}

/** Past this size the active log is rotated into a compressed segment. */
export const ROTATE_BYTES = 1024 * 1024;
/** The archive's bound with the default settings (6 MiB in all, the active file included). */
export const ARCHIVE_BYTES = 5 * 1024 * 1024;
/** Each actor's newest entries that survive a compaction whatever other actors wrote. */
export const PER_ACTOR_KEEP = 1000;
/** Rotated files of earlier versions (audit.log.1 … .5, plain text): read, and folded into a segment. */
const LEGACY_FILES = 5;
/** An age-driven compaction waits until the oldest entry is this far past the limit, so it runs at most about daily. */
const AGE_SLACK_SECONDS = 86_400;
const MIB = 1024 * 1024;

/** What an audit entry says was done. */
export type AuditAction =
  | 'enroll.start'
  | 'enroll.cancel'
  | 'enable'
  | 'replace'
  | 'remove'
  | 'admin.remove'
  | 'recovery.regenerate'
  | 'verify'
  | 'lock'
  | 'issuer.set'
  | 'policy.set'
  | 'config.set'
  | 'mail'
  | 'remind'
  | 'account.create'
  | 'orphan.remove'
  | 'account.remove'
  | 'account.rename'
  | 'cpanel.change';

/** One line of the audit trail. */
export interface AuditEntry {
  readonly at: string;
  readonly actor: string;
  readonly subject: string;
  /**
   * The subject's owner in /etc/trueuserowners when the entry was written; "" when it had
   * no line there (root, a reseller without an account, an account already removed).
   * Missing on entries written before owners were recorded.
   */
  readonly owner?: string;
  readonly action: AuditAction;
  readonly ip: string;
  /** What came of it, in English: the record (the system log, `whm2fa audit`). */
  readonly result: string;
  /**
   * The result's message id and values, for results whm2fa words itself, so a reader can
   * be told it in their language (auditResult.ts). Missing on older entries and on
   * results that carry cPanel's own words.
   */
  readonly said?: Said;
  readonly reason?: string;
}

/**
 * What a caller gives to record an entry: the time as epoch seconds; the owner is looked
 * up here. A result given as {@link Said} is stored in English and with its id.
 */
export type AuditInput = Omit<AuditEntry, 'at' | 'owner' | 'result' | 'said'> & {
  readonly epochSeconds: number;
  readonly result: string | Said;
};

function entryLine(input: AuditInput, owner: string): string {
  const entry: AuditEntry = {
    at: new Date(input.epochSeconds * 1000).toISOString(),
    actor: input.actor,
    subject: input.subject,
    owner,
    action: input.action,
    ip: input.ip,
    ...(typeof input.result === 'string'
      ? { result: input.result }
      : { result: record(input.result), said: input.result }),
    // A typed reason may hold a pasted key or recovery code: never stored nor sent as typed.
    ...(input.reason === undefined ? {} : { reason: redactReason(input.reason) }),
  };
  return JSON.stringify(entry);
}

/**
 * Entries that count against the account they concern: changes made in cPanel's own pages
 * and the account events WHM's hooks report (all by actor `cPanel` or `WHM`), so that many
 * accounts created or removed cannot evict one another's entries, nor anyone else's.
 */
const PER_ACCOUNT: ReadonlySet<string> = new Set([
  'cpanel.change',
  'account.create',
  'account.remove',
  'account.rename',
]);

/**
 * Which budget an entry counts against: its actor's, except a change made in cPanel's own
 * pages (actor `cPanel`) and an account's creation, removal or rename (actor `WHM`), which
 * count against the account they concern, so one account's events cannot evict other
 * accounts' entries.
 */
export function retentionKey(entry: {
  readonly actor?: unknown;
  readonly subject?: unknown;
  readonly action?: unknown;
}): string {
  const actor = typeof entry.actor === 'string' ? entry.actor : '';
  if (typeof entry.action === 'string' && PER_ACCOUNT.has(entry.action) && typeof entry.subject === 'string')
    return `account:${entry.subject}`;
  return `actor:${actor}`;
}

function legacyFiles(paths: ServerPaths): string[] {
  return Array.from({ length: LEGACY_FILES }, (_, i) => `${paths.auditFile}.${String(i + 1)}`);
}

const SEGMENT = /^audit-([0-9]{6})-(\d+)\.log\.gz$/;

/** A compressed segment of the archive: its order (higher is newer) and its oldest entry's time. */
export interface Segment {
  readonly file: string;
  readonly seq: number;
  readonly oldest: number;
}

/** The archive's gzip segments, oldest first. */
export function auditSegments(paths: ServerPaths): Segment[] {
  let names: string[];
  try {
    names = readdirSync(paths.stateDir);
  } catch (err) {
    if (isNoEntry(err)) return [];
    throw err;
  }
  const segments: Segment[] = [];
  for (const name of names) {
    const match = SEGMENT.exec(name);
    if (match === null) continue;
    segments.push({ file: `${paths.stateDir}/${name}`, seq: Number(match[1]), oldest: Number(match[2]) });
  }
  return segments.sort((a, b) => a.seq - b.seq);
}

const DAMAGED = /^audit-[0-9]{6}-\d+\.log\.gz\.damaged$/;

/**
 * Segments found damaged (they no longer gunzip) and set aside by a compaction under a
 * `.damaged` name, untouched for inspection: no reader nor compaction opens them again.
 */
export function damagedSegments(paths: ServerPaths): string[] {
  try {
    return readdirSync(paths.stateDir)
      .filter((name) => DAMAGED.test(name))
      .sort()
      .map((name) => `${paths.stateDir}/${name}`);
  } catch (err) {
    if (isNoEntry(err)) return [];
    throw err;
  }
}

/**
 * Every damaged segment: those set aside, and those that fail to gunzip now (each read in
 * turn, one in memory at a time). For `whm2fa doctor`, which may take its time.
 */
export function auditDamage(paths: ServerPaths): string[] {
  const found = damagedSegments(paths);
  for (const segment of auditSegments(paths)) {
    try {
      readSegmentText(segment.file);
    } catch (err) {
      if (!(err instanceof DamagedSegmentError)) throw err;
      found.push(segment.file);
    }
  }
  return found;
}

/** A damaged segment's number. */
function seqOf(file: string): number {
  return Number(/audit-([0-9]{6})-/.exec(file)?.[1] ?? 0);
}

/** Sets a damaged segment aside (the caller holds the state lock); a failure leaves it where it is. */
function setAside(file: string): void {
  try {
    renameSync(file, `${file}.damaged`);
  } catch {
    // Still damaged next time: the compaction skips it again and retries the rename.
  }
}

function segmentFile(paths: ServerPaths, seq: number, oldest: number): string {
  return `${paths.stateDir}/audit-${String(seq).padStart(6, '0')}-${String(oldest)}.log.gz`;
}

interface Line {
  readonly text: string;
  readonly key: string;
  readonly bytes: number;
  /** Epoch seconds of the entry, NaN when it has none. */
  readonly at: number;
}

function parseLines(text: string): Line[] {
  const lines: Line[] = [];
  for (const raw of text.split('\n')) {
    if (raw === '') continue;
    let entry: { at?: unknown };
    try {
      entry = JSON.parse(raw) as { at?: unknown };
    } catch {
      continue; // A line cut by a crash is dropped here.
    }
    lines.push({
      text: raw,
      key: retentionKey(entry as Record<string, unknown>),
      bytes: Buffer.byteLength(raw) + 1,
      at: typeof entry.at === 'string' ? Date.parse(entry.at) / 1000 : Number.NaN,
    });
  }
  return lines;
}

function readSegmentText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    if (isNoEntry(err)) return '';
    throw new StateError(`cannot read ${file}`, { cause: err });
  }
  try {
    return zlibModule().gunzipSync(bytes).toString('utf8');
  } catch (err) {
    throw new DamagedSegmentError(`${file} is not a readable gzip file (left untouched for inspection)`, {
      cause: err,
    });
  }
}

/**
 * Which of `lines` (oldest first) a compaction keeps: none older than `cutoff` (epoch
 * seconds; entries without a time are kept); then, within `budget` bytes, each retention
 * key's ({@link retentionKey}) newest `n` entries, with `n` the largest number up to
 * {@link PER_ACTOR_KEEP} whose total fits (max-min fair: only the busiest are cut, all to
 * the same count); then the newest of the other entries while they fit.
 */
export function selectRetained(lines: readonly Line[], budget: number, cutoff: number): boolean[] {
  const byKey = new Map<string, number[]>();
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const line = lines[i];
    if (line === undefined || line.at < cutoff) continue;
    const list = byKey.get(line.key);
    if (list === undefined) byKey.set(line.key, [i]);
    else list.push(i);
  }
  // prefix[a][k] = bytes of key a's newest k entries.
  const prefixes = [...byKey.values()].map((indexes) => {
    const prefix = [0];
    for (const i of indexes) prefix.push((prefix.at(-1) ?? 0) + (lines[i]?.bytes ?? 0));
    return prefix;
  });
  const bytesFor = (n: number): number =>
    prefixes.reduce((sum, prefix) => sum + (prefix[Math.min(n, prefix.length - 1)] ?? 0), 0);
  let low = 0;
  let high = PER_ACTOR_KEEP;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (bytesFor(mid) <= budget) low = mid;
    else high = mid - 1;
  }
  const keep = lines.map(() => false);
  let used = 0;
  for (const indexes of byKey.values()) {
    for (const i of indexes.slice(0, low)) {
      keep[i] = true;
      used += lines[i]?.bytes ?? 0;
    }
  }
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const line = lines[i];
    if (keep[i] === true || line === undefined || line.at < cutoff) continue;
    if (used + line.bytes > budget) break;
    keep[i] = true;
    used += line.bytes;
  }
  return keep;
}

/** The active log's first entry's time (epoch seconds), NaN when it has none. */
function firstEntryTime(file: string): number {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return Number.NaN;
  }
  try {
    const head = Buffer.alloc(512);
    const n = readSync(fd, head, 0, head.length, 0);
    const match = /"at":"([^"]+)"/.exec(head.subarray(0, n).toString('utf8'));
    return match?.[1] === undefined ? Number.NaN : Date.parse(match[1]) / 1000;
  } finally {
    closeSync(fd);
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch (err) {
    if (isNoEntry(err)) return 0;
    throw err;
  }
}

/** Whether a compaction is due: the active log is full, or an entry is a day past the age limit. */
function compactionDue(paths: ServerPaths, settings: OwnSettings, epochSeconds: number): boolean {
  if (fileSize(paths.auditFile) >= ROTATE_BYTES) return true;
  if (settings.auditDays === 0) return false;
  const late = epochSeconds - settings.auditDays * 86_400 - AGE_SLACK_SECONDS;
  // A missing active log (just rotated) has no first entry: only the times known count.
  const oldest = Math.min(
    ...[firstEntryTime(paths.auditFile), ...auditSegments(paths).map((s) => s.oldest)].filter(Number.isFinite),
  );
  return oldest < late || legacyFiles(paths).some((f) => fileSize(f) > 0);
}

function gzipLines(lines: readonly Line[]): Buffer {
  return zlibModule().gzipSync(lines.map((l) => `${l.text}\n`).join(''));
}

/** The oldest time among `lines` as whole epoch seconds (`fallback` when none has a time). */
function oldestOf(lines: readonly Line[], fallback: number): number {
  // A loop, not Math.min(...): a segment may hold more lines than a call has arguments.
  let oldest = Infinity;
  for (const line of lines) if (line.at < oldest) oldest = line.at;
  return Math.floor(oldest === Infinity ? fallback : oldest);
}

/**
 * Rotates and trims the trail when due: reads every segment, the legacy files and the
 * active log, keeps what {@link selectRetained} keeps under the settings, rewrites only
 * the segments that lost entries, and turns a full active log (with the legacy files)
 * into a new segment. The caller holds the state lock.
 */
export function compactAuditLocked(paths: ServerPaths, settings: OwnSettings, epochSeconds: number): boolean {
  if (!compactionDue(paths, settings, epochSeconds)) return false;
  const rotate = fileSize(paths.auditFile) >= ROTATE_BYTES;
  const listed = auditSegments(paths);
  // Numbered past every segment, a damaged one set aside included: no name is reused.
  const nextSeq = Math.max(0, ...listed.map((s) => s.seq), ...damagedSegments(paths).map(seqOf)) + 1;
  const segments: Segment[] = [];
  const groups: Line[][] = [];
  for (const segment of listed) {
    let text: string;
    try {
      text = readSegmentText(segment.file);
    } catch (err) {
      // A segment that no longer gunzips is set aside, not rewritten nor counted: the rest
      // of the trail keeps rotating, and doctor and the report name it.
      if (!(err instanceof DamagedSegmentError)) throw err;
      setAside(segment.file);
      continue;
    }
    segments.push(segment);
    groups.push(parseLines(text));
  }
  const legacy = legacyFiles(paths).reverse();
  const folded = legacy.flatMap((f) => parseLines(readTextOrEmpty(f)));
  const active = parseLines(readTextOrEmpty(paths.auditFile));
  const all = [...groups.flat(), ...folded, ...active];
  // The active log's own bytes stay outside the archive's share, as before settings existed.
  const budget = Math.max(0, settings.auditMib * MIB - ROTATE_BYTES);
  const cutoff = settings.auditDays === 0 ? -Infinity : epochSeconds - settings.auditDays * 86_400;
  const keep = selectRetained(all, budget, cutoff);
  let index = 0;
  const kept = (lines: readonly Line[]): Line[] => {
    const out = lines.filter((_, i) => keep[index + i] === true);
    index += lines.length;
    return out;
  };
  const writes: Array<() => void> = [];
  segments.forEach((segment, i) => {
    const lines = groups[i] ?? [];
    const left = kept(lines);
    if (left.length === lines.length) return;
    writes.push(() => {
      if (left.length > 0) {
        const file = segmentFile(paths, segment.seq, oldestOf(left, epochSeconds));
        writeTextAtomic(file, gzipLines(left));
        if (file !== segment.file) removeFile(segment.file);
      } else removeFile(segment.file);
    });
  });
  const foldedLeft = kept(folded);
  const activeLeft = kept(active);
  const fresh = rotate ? [...foldedLeft, ...activeLeft] : foldedLeft;
  // A crash part-way only shows some entries twice until the next compaction.
  for (const write of writes) write();
  if (fresh.length > 0) writeTextAtomic(segmentFile(paths, nextSeq, oldestOf(fresh, epochSeconds)), gzipLines(fresh));
  for (const old of legacy) removeFile(old);
  if (rotate) removeFile(paths.auditFile);
  else if (activeLeft.length !== active.length)
    writeTextAtomic(paths.auditFile, activeLeft.map((l) => `${l.text}\n`).join(''));
  return true;
}

/** The settings that govern the trail; a damaged settings file stops trimming, never the entry. */
function trailSettings(paths: ServerPaths): OwnSettings | undefined {
  try {
    return readOwnSettings(paths);
  } catch {
    return undefined;
  }
}

/**
 * Appends entries; the caller holds the state lock. A compaction that fails (a full disk,
 * an unreadable legacy file) never costs the entry nor fails the request: the change it
 * records is made already, and the compaction is due again at the next entry.
 */
export function appendAuditLocked(paths: ServerPaths, inputs: readonly AuditInput[]): void {
  const first = inputs[0];
  if (first === undefined) return;
  const settings = trailSettings(paths);
  // Unreadable settings: keep everything (trimming by rules we cannot read could delete
  // what a host must keep) and log to syslog as by default; the report says it is damaged.
  if (settings !== undefined) {
    try {
      compactAuditLocked(paths, settings, first.epochSeconds);
    } catch {
      // Retried at the next entry; `whm2fa doctor` runs one and shows why it fails.
    }
  }
  const owners = readOwners(paths);
  const lines = inputs.map((input) => entryLine(input, owners.get(input.subject) ?? ''));
  appendLine(paths.auditFile, lines.join('\n'));
  if (settings?.syslog ?? true) sendToSyslog(paths, lines);
}

/** Appends entries, taking the state lock. */
export function appendAudit(paths: ServerPaths, ...inputs: AuditInput[]): void {
  withLock(paths.lockFile, () => appendAuditLocked(paths, inputs));
}

function readFileEntries(file: string): AuditEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (isNoEntry(err)) return [];
    throw new StateError(`cannot read ${file}`, { cause: err });
  }
  return parseEntries(text);
}

function parseEntries(text: string): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      entries.push(JSON.parse(line) as AuditEntry);
    } catch {
      // A line cut by a crash or a full disk is skipped; the rest of the trail still counts.
    }
  }
  return entries;
}

/**
 * Entries newest first that `visible` accepts, older than `beforeIso` when given (or at
 * exactly `beforeIso`, past the first `skip` of those: the ones a page already showed, so
 * entries sharing a time at a page's edge are neither lost nor repeated), at most `limit`. Reads the current log and then the archive only as far as needed. `visible` is
 * called on every entry read, newest first, including those newer than `beforeIso`, so
 * it may depend on what came later (see access.ts `auditVisibility`).
 */
export function listAudit(
  paths: ServerPaths,
  options: {
    limit: number;
    beforeIso?: string | undefined;
    skip?: number | undefined;
    visible: (entry: AuditEntry) => boolean;
    /** Told of each segment that could not be read; it is skipped and the rest still read. */
    damaged?: ((file: string) => void) | undefined;
  },
): AuditEntry[] {
  const found: AuditEntry[] = [];
  // Entries at exactly `beforeIso` still to pass over; without `skip`, none is shown.
  let skip = options.skip ?? Infinity;
  const readers = [
    () => readFileEntries(paths.auditFile),
    ...auditSegments(paths)
      .reverse()
      .map((segment) => () => {
        try {
          return parseEntries(readSegmentText(segment.file));
        } catch (err) {
          if (!(err instanceof DamagedSegmentError)) throw err;
          options.damaged?.(segment.file);
          return [];
        }
      }),
    ...legacyFiles(paths).map((file) => () => readFileEntries(file)),
  ];
  for (const read of readers) {
    const entries = read();
    for (let i = entries.length - 1; i >= 0 && found.length < options.limit; i -= 1) {
      const entry = entries[i];
      if (entry === undefined) continue;
      const shown = options.visible(entry);
      if (options.beforeIso !== undefined && !(entry.at < options.beforeIso)) {
        if (entry.at !== options.beforeIso || !shown) continue;
        skip -= 1;
        if (skip >= 0) continue;
      }
      // Entries written before reasons were cleaned may hold control characters (userText.ts).
      if (shown) found.push(cleanTextMembers(entry));
    }
    if (found.length >= options.limit) break;
  }
  return found;
}
