/**
 * Changes made to cPanel's 2FA store outside whm2fa (cPanel's own 2FA pages, its API, a
 * host's script) are recorded in the audit trail by comparing the store with what whm2fa
 * last saw. whm2fa keeps only a fingerprint of each account's key (keyFingerprint.ts),
 * never the key. This does not depend on cPanel's hooks: a `Cpanel` hook runs as the
 * account's own user unless escalated, and cannot write whm2fa's root-only state. See
 * docs/decisions/cpanel-side-changes.md.
 */
import { appendAuditLocked, type AuditInput } from './audit';
import { isAccountKey, readSecrets } from './cpanelState';
import { keyFingerprint } from './keyFingerprint';
import { readJson, removeFile, withLock, writeJsonAtomic } from './store';
import { StateError } from './errors';
import type { ServerPaths } from './paths';
import { said, type Said } from './messages';

type Known = Map<string, string>;

function readKnown(paths: ServerPaths): Known | undefined {
  const value = readJson(paths.knownKeysFile);
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new StateError(`${paths.knownKeysFile} does not hold key fingerprints (left untouched)`);
  }
  const known: Known = new Map();
  for (const [user, fp] of Object.entries(value)) if (typeof fp === 'string') known.set(user, fp);
  return known;
}

function writeKnown(paths: ServerPaths, known: Known): void {
  writeJsonAtomic(paths.knownKeysFile, Object.fromEntries([...known].sort((a, b) => (a[0] < b[0] ? -1 : 1))));
}

function storeFingerprints(paths: ServerPaths): Known {
  const now: Known = new Map();
  for (const [key, secret] of readSecrets(paths)) if (isAccountKey(key)) now.set(key, keyFingerprint(secret));
  return now;
}

interface Expected {
  readonly fp: string;
  readonly until: number;
}

function readExpected(paths: ServerPaths): Map<string, Expected> {
  const value = readJson(paths.expectedKeysFile);
  const expected = new Map<string, Expected>();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return expected;
  for (const [user, e] of Object.entries(value)) {
    const { fp, until } = (e ?? {}) as Partial<Expected>;
    if (typeof fp === 'string' && typeof until === 'number') expected.set(user, { fp, until });
  }
  return expected;
}

function writeExpected(paths: ServerPaths, expected: ReadonlyMap<string, Expected>): void {
  if (expected.size === 0) removeFile(paths.expectedKeysFile);
  else writeJsonAtomic(paths.expectedKeysFile, Object.fromEntries(expected));
}

/** How long an expected key stays expected: past any tool's time limit (a crash leaves none for long). */
const EXPECTED_SECONDS = 15 * 60;

/**
 * Notes that whm2fa is about to save `secret` as `user`'s key (or remove it: undefined).
 * cPanel's one-key UAPI call fires cPanel's own hook, which runs {@link reconcile} before
 * whm2fa has recorded its change: the store then holding the expected key is whm2fa's own
 * doing, not an outside change. The caller holds the state lock.
 */
export function expectKeyLocked(paths: ServerPaths, user: string, secret: string, epochSeconds: number): void {
  const expected = readExpected(paths);
  expected.set(user, { fp: keyFingerprint(secret), until: epochSeconds + EXPECTED_SECONDS });
  writeExpected(paths, expected);
}

/** The save is over, whatever it did: `user`'s key is no longer expected. The caller holds the state lock. */
export function forgetExpectedLocked(paths: ServerPaths, user: string): void {
  const expected = readExpected(paths);
  if (expected.delete(user)) writeExpected(paths, expected);
}

function describeChange(before: string | undefined, after: string | undefined): Said {
  if (before === undefined) return said('result.turnedOnInCpanel');
  if (after === undefined) return said('result.turnedOffInCpanel');
  return said('result.keyReplacedInCpanel');
}

/**
 * Records every difference between cPanel's store and whm2fa's last view as a
 * `cpanel.change` audit entry, then remembers the store as it is. The first run only
 * takes the baseline. Returns how many changes were recorded.
 */
export function reconcile(paths: ServerPaths, epochSeconds: number): number {
  const now = storeFingerprints(paths);
  return withLock(paths.lockFile, () => {
    const known = readKnown(paths);
    if (known === undefined) {
      writeKnown(paths, now);
      return 0;
    }
    const entries: AuditInput[] = [];
    const expected = readExpected(paths);
    let changed = false;
    for (const user of new Set([...known.keys(), ...now.keys()])) {
      const before = known.get(user);
      const after = now.get(user);
      if (before === after) continue;
      changed = true;
      const mine = expected.get(user);
      // whm2fa's own save, seen by cPanel's hook before whm2fa recorded it.
      if (mine !== undefined && mine.fp === after && mine.until >= epochSeconds) continue;
      entries.push({
        epochSeconds,
        actor: 'cPanel',
        subject: user,
        action: 'cpanel.change',
        ip: '',
        result: describeChange(before, after),
      });
    }
    if (!changed) return 0;
    writeKnown(paths, now);
    if (entries.length > 0) appendAuditLocked(paths, entries);
    return entries.length;
  });
}

/**
 * Remembers what whm2fa itself just did to cPanel's store (user → the key it now holds,
 * or undefined when it holds none), so {@link reconcile} does not report it as an
 * outside change. The caller holds the state lock. Without a baseline yet, nothing is
 * kept: the first reconcile takes the store as it is.
 */
export function rememberKeysLocked(paths: ServerPaths, changes: ReadonlyMap<string, string | undefined>): void {
  const known = readKnown(paths);
  if (known === undefined || changes.size === 0) return;
  for (const [user, secret] of changes) {
    if (secret === undefined) known.delete(user);
    else known.set(user, keyFingerprint(secret));
  }
  writeKnown(paths, known);
}
