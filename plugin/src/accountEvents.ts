/**
 * What the account hook remembers between events (docs/decisions/one-key-writes.md):
 *
 * - which creation or rename of which account it already handled, so an event seen twice
 *   changes nothing more. An account is told apart from a later one of the same name by
 *   cPanel's `STARTDATE`; without one, every event is handled as new.
 * - the domains of an account WHM is about to remove (the `Accounts::Remove` pre stage),
 *   so the post stage clears the keys of exactly that account's mailboxes, whose domains
 *   cPanel has unmapped by then.
 *
 * One small JSON file, changed only under the state lock; names are plain keys (a null
 * prototype), and entries of names that no longer exist are dropped as it is written.
 */
import { readJson, writeJsonAtomic } from './store';
import { StateError } from './errors';
import type { ServerPaths } from './paths';

/** The last event handled for a name. */
export interface HandledEvent {
  readonly kind: 'create' | 'rename';
  /** The account's STARTDATE when the event was handled. */
  readonly start: string;
  /** The old name, for a rename. */
  readonly from?: string;
}

interface AccountEvents {
  readonly handled: Record<string, HandledEvent>;
  readonly departing: Record<string, readonly string[]>;
}

function plain<T>(value: unknown, keep: (v: unknown) => v is T): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return out;
  for (const [name, v] of Object.entries(value)) if (keep(v)) out[name] = v;
  return out;
}

const isHandled = (v: unknown): v is HandledEvent => {
  const e = v as Partial<HandledEvent> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    (e.kind === 'create' || e.kind === 'rename') &&
    typeof e.start === 'string' &&
    (e.from === undefined || typeof e.from === 'string')
  );
};
const isDomains = (v: unknown): v is string[] => Array.isArray(v) && v.every((d) => typeof d === 'string');

function read(paths: ServerPaths): AccountEvents {
  const value = readJson(paths.accountEventsFile);
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new StateError(`${paths.accountEventsFile} does not hold account events (left untouched)`);
  }
  const record = (value ?? {}) as Record<string, unknown>;
  return { handled: plain(record['handled'], isHandled), departing: plain(record['departing'], isDomains) };
}

function write(paths: ServerPaths, events: AccountEvents, exists: (user: string) => boolean): void {
  const keep = <T>(r: Record<string, T>, alive: boolean): Record<string, T> =>
    Object.fromEntries(Object.entries(r).filter(([name]) => exists(name) === alive));
  // Handled events matter while their account exists; departing domains until it is gone.
  writeJsonAtomic(paths.accountEventsFile, {
    handled: keep(events.handled, true),
    departing: events.departing,
  });
}

/** Whether this very event was handled already. The caller holds the state lock. */
export function wasHandledLocked(paths: ServerPaths, user: string, event: HandledEvent): boolean {
  const last = read(paths).handled[user];
  return last !== undefined && last.kind === event.kind && last.start === event.start && last.from === event.from;
}

/** Remembers a handled event. The caller holds the state lock. */
export function rememberHandledLocked(
  paths: ServerPaths,
  user: string,
  event: HandledEvent,
  exists: (user: string) => boolean,
): void {
  const events = read(paths);
  events.handled[user] = event;
  write(paths, events, exists);
}

/** Notes the domains of an account about to be removed. The caller holds the state lock. */
export function noteDepartingLocked(
  paths: ServerPaths,
  user: string,
  domains: readonly string[],
  exists: (user: string) => boolean,
): void {
  const events = read(paths);
  events.departing[user] = [...domains];
  write(paths, events, exists);
}

/** Takes (and forgets) the domains noted for a removed account; undefined when none were. */
export function takeDepartingLocked(
  paths: ServerPaths,
  user: string,
  exists: (user: string) => boolean,
): readonly string[] | undefined {
  const events = read(paths);
  const domains = events.departing[user];
  if (domains === undefined) return undefined;
  delete events.departing[user];
  write(paths, events, exists);
  return domains;
}
