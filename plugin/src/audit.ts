/**
 * The audit trail: one JSON line per change and per failed or locked verification, in
 * /var/cpanel/whm2fa/audit.log. Never a secret or a code: entries are built from the
 * fixed fields below only. Each entry also records the subject's owner in
 * /etc/trueuserowners when it is written, so a reseller later sees only the history of
 * accounts it owned then (access.ts).
 *
 * Retention is fair (docs/decisions/audit-retention.md): past {@link ROTATE_BYTES} the
 * log is compacted into audit.log.1, where each actor keeps its newest
 * {@link PER_ACTOR_KEEP} entries whatever others write, and the rest of
 * {@link ARCHIVE_BYTES} goes to the newest other entries.
 */
import { readFileSync, statSync } from 'node:fs';
import { appendLine, isNoEntry, readTextOrEmpty, removeFile, withLock, writeTextAtomic } from './store';
import { StateError } from './errors';
import { readOwners } from './accounts';
import { cleanTextMembers } from './userText';
import type { ServerPaths } from './paths';

/** Past this size the current log is compacted into the archive (audit.log.1). */
export const ROTATE_BYTES = 1024 * 1024;
/** The archive's bound after a compaction: the trail never holds much more than this plus {@link ROTATE_BYTES}. */
export const ARCHIVE_BYTES = 5 * 1024 * 1024;
/** Each actor's newest entries that survive a compaction whatever other actors wrote. */
export const PER_ACTOR_KEEP = 1000;
/** Rotated files of earlier versions (audit.log.2 … .5): read, and folded into the archive. */
const LEGACY_FILES = 5;

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
  readonly result: string;
  readonly reason?: string;
}

/** What a caller gives to record an entry: the time as epoch seconds; the owner is looked up here. */
export type AuditInput = Omit<AuditEntry, 'at' | 'owner'> & { readonly epochSeconds: number };

function entryLine(input: AuditInput, owner: string): string {
  const entry: AuditEntry = {
    at: new Date(input.epochSeconds * 1000).toISOString(),
    actor: input.actor,
    subject: input.subject,
    owner,
    action: input.action,
    ip: input.ip,
    result: input.result,
    ...(input.reason === undefined ? {} : { reason: input.reason }),
  };
  return JSON.stringify(entry);
}

function archiveFiles(paths: ServerPaths): string[] {
  return Array.from({ length: LEGACY_FILES }, (_, i) => `${paths.auditFile}.${String(i + 1)}`);
}

interface Line {
  readonly text: string;
  readonly actor: string;
  readonly bytes: number;
}

/**
 * Which of `lines` (oldest first) a compaction keeps: each actor's newest `n` entries,
 * with `n` the largest number up to {@link PER_ACTOR_KEEP} whose total fits
 * {@link ARCHIVE_BYTES} (max-min fair: only the busiest actors are cut, all to the same
 * count); then the newest of the other entries while they fit.
 */
function selectRetained(lines: readonly Line[]): boolean[] {
  const byActor = new Map<string, number[]>();
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const actor = lines[i]?.actor ?? '';
    const list = byActor.get(actor);
    if (list === undefined) byActor.set(actor, [i]);
    else list.push(i);
  }
  // prefix[a][k] = bytes of actor a's newest k entries.
  const prefixes = [...byActor.values()].map((indexes) => {
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
    if (bytesFor(mid) <= ARCHIVE_BYTES) low = mid;
    else high = mid - 1;
  }
  const keep = lines.map(() => false);
  let used = 0;
  for (const indexes of byActor.values()) {
    for (const i of indexes.slice(0, low)) {
      keep[i] = true;
      used += lines[i]?.bytes ?? 0;
    }
  }
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    if (keep[i] === true) continue;
    const bytes = lines[i]?.bytes ?? 0;
    if (used + bytes > ARCHIVE_BYTES) break;
    keep[i] = true;
    used += bytes;
  }
  return keep;
}

/** Folds the current log (and any older rotated files) into a fair, bounded archive. */
function compactIfLarge(paths: ServerPaths): void {
  const file = paths.auditFile;
  let size = 0;
  try {
    size = statSync(file).size;
  } catch (err) {
    if (isNoEntry(err)) return;
    throw err;
  }
  if (size < ROTATE_BYTES) return;
  const lines: Line[] = [];
  for (const source of [...archiveFiles(paths).reverse(), file]) {
    for (const text of readTextOrEmpty(source).split('\n')) {
      if (text === '') continue;
      let actor: unknown;
      try {
        actor = (JSON.parse(text) as { actor?: unknown }).actor;
      } catch {
        continue; // A line cut by a crash is dropped here.
      }
      lines.push({ text, actor: typeof actor === 'string' ? actor : '', bytes: Buffer.byteLength(text) + 1 });
    }
  }
  const keep = selectRetained(lines);
  const kept = lines.filter((_, i) => keep[i] === true).map((l) => `${l.text}\n`);
  const [archive, ...legacy] = archiveFiles(paths);
  if (archive === undefined) return;
  writeTextAtomic(archive, kept.join(''));
  // A crash before these removals only shows the moved entries twice until the next compaction.
  removeFile(file);
  for (const old of legacy) removeFile(old);
}

/** Appends entries; the caller holds the state lock. */
export function appendAuditLocked(paths: ServerPaths, inputs: readonly AuditInput[]): void {
  if (inputs.length === 0) return;
  compactIfLarge(paths);
  const owners = readOwners(paths);
  appendLine(paths.auditFile, inputs.map((input) => entryLine(input, owners.get(input.subject) ?? '')).join('\n'));
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
  },
): AuditEntry[] {
  const found: AuditEntry[] = [];
  // Entries at exactly `beforeIso` still to pass over; without `skip`, none is shown.
  let skip = options.skip ?? Infinity;
  const files = [paths.auditFile, ...archiveFiles(paths)];
  for (const file of files) {
    const entries = readFileEntries(file);
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
