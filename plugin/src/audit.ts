/**
 * The audit trail: one JSON line per change and per failed or locked verification, in
 * /var/cpanel/whm2fa/audit.log (append-only, rotated past a size limit). Never a secret
 * or a code: entries are built from the fixed fields below only.
 */
import { readFileSync, renameSync, statSync } from 'node:fs';
import { appendLine, isNoEntry, withLock } from './store';
import { StateError } from './errors';
import type { ServerPaths } from './paths';

/** Past this size the log is rotated to audit.log.1 … audit.log.{KEPT_FILES}. */
const ROTATE_BYTES = 1024 * 1024;
const KEPT_FILES = 5;

export type AuditAction =
  | 'enroll.start'
  | 'enroll.cancel'
  | 'enable'
  | 'replace'
  | 'remove'
  | 'admin.remove'
  | 'verify'
  | 'lock'
  | 'issuer.set'
  | 'policy.set'
  | 'mail'
  | 'account.remove'
  | 'account.rename'
  | 'cpanel.change';

export interface AuditEntry {
  readonly at: string;
  readonly actor: string;
  readonly subject: string;
  readonly action: AuditAction;
  readonly ip: string;
  readonly result: string;
  readonly reason?: string;
}

export type AuditInput = Omit<AuditEntry, 'at'> & { readonly epochSeconds: number };

function entryLine(input: AuditInput): string {
  const entry: AuditEntry = {
    at: new Date(input.epochSeconds * 1000).toISOString(),
    actor: input.actor,
    subject: input.subject,
    action: input.action,
    ip: input.ip,
    result: input.result,
    ...(input.reason === undefined ? {} : { reason: input.reason }),
  };
  return JSON.stringify(entry);
}

function rotateIfLarge(file: string): void {
  let size = 0;
  try {
    size = statSync(file).size;
  } catch (err) {
    if (isNoEntry(err)) return;
    throw err;
  }
  if (size < ROTATE_BYTES) return;
  for (let n = KEPT_FILES - 1; n >= 1; n -= 1) {
    try {
      renameSync(`${file}.${String(n)}`, `${file}.${String(n + 1)}`);
    } catch (err) {
      if (!isNoEntry(err)) throw err;
    }
  }
  renameSync(file, `${file}.1`);
}

/** Appends entries; the caller holds the state lock. */
export function appendAuditLocked(paths: ServerPaths, inputs: readonly AuditInput[]): void {
  if (inputs.length === 0) return;
  rotateIfLarge(paths.auditFile);
  appendLine(paths.auditFile, inputs.map(entryLine).join('\n'));
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
 * Entries newest first that `visible` accepts, older than `beforeIso` when given, at most
 * `limit`. Reads the current log and then the rotated ones only as far as needed.
 */
export function listAudit(
  paths: ServerPaths,
  options: {
    limit: number;
    beforeIso?: string | undefined;
    visible: (entry: AuditEntry) => boolean;
    /** Read at most this many files, newest first (default: the log and every rotated one). */
    maxFiles?: number;
  },
): AuditEntry[] {
  const found: AuditEntry[] = [];
  const files = [
    paths.auditFile,
    ...Array.from({ length: KEPT_FILES }, (_, i) => `${paths.auditFile}.${String(i + 1)}`),
  ].slice(0, options.maxFiles ?? KEPT_FILES + 1);
  for (const file of files) {
    const entries = readFileEntries(file);
    for (let i = entries.length - 1; i >= 0 && found.length < options.limit; i -= 1) {
      const entry = entries[i];
      if (entry === undefined) continue;
      if (options.beforeIso !== undefined && !(entry.at < options.beforeIso)) continue;
      if (options.visible(entry)) found.push(entry);
    }
    if (found.length >= options.limit) break;
  }
  return found;
}
