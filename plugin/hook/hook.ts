/**
 * The account hook script, registered in describe mode (`--describe` is the one list of
 * what is registered; install.sh deletes its hooks by category, event and stage and adds
 * them again on every install, because cPanel skips a stage and path that is already
 * registered and its describe-mode delete misses a hook whose attributes changed; an
 * event a release drops is found in `manage_hooks list`, whose format on a server is
 * unverified: docs/cpanel.md, "Standardized Hooks"). It must never block or abort an
 * operation: it reads stdin until it ends or holds a complete document, within the bounds
 * of rules.ts, and sends errors to stderr. Whostmgr events are answered `1 …`; Cpanel
 * events are answered with nothing at all, because cPanel adds a hook's message to the
 * user's UAPI result (docs/cpanel.md, "Standardized Hooks").
 */
import { serverPaths } from '../src/paths';
import { cpanelBridge } from '../src/cpanel';
import { accountCreated, accountRemoved, accountRemoving, accountRenamed, renameOf } from '../src/lifecycle';
import { reconcile } from '../src/reconcile';
import { recordCoverageIfDue } from '../src/coverage';
import { isValidUsername } from '../src/accounts';
import { redactText } from '../src/redact';
import { loadTotp } from '../src/totp';
import { bestEffort } from '../src/store';
import { HOOK_INPUT_CEILING_MS, HOOK_INPUT_IDLE_MS } from '../src/rules';
import type { Readable } from 'node:stream';

/** Everything is read (cPanel expects it), but only the first MiB is kept. */
const MAX_KEPT_BYTES = 1024 * 1024;
/** What a `Cpanel` event carries, seen in a document that did not arrive in full. */
const CPANEL_CATEGORY = /"category"\s*:\s*"Cpanel"/;

/** What the installed hook wrapper passes: the server root and the arguments. */
export interface HookOptions {
  readonly root: string;
  readonly argv: readonly string[];
}

/** The hooks whm2fa registers, as cPanel reads them from `--describe`. */
export function describe(hookPath: string): object[] {
  const entry = (category: string, event: string, stage = 'post'): object => ({
    category,
    event,
    stage,
    hook: hookPath,
    exectype: 'script',
    blocking: 0,
    // A Cpanel hook runs as the account's own user unless escalated; whm2fa's records
    // are root's. It trusts nothing in the event: it only compares cPanel's store with
    // its records (reconcile.ts), which it would also do at the next Activity read.
    ...(category === 'Cpanel' ? { escalateprivs: 1 } : {}),
  });
  return [
    entry('Whostmgr', 'Accounts::Create'),
    // Not blocking: the pre stage only notes the account's domains, and can never stop
    // a removal; the post stage clears the keys cPanel leaves (lifecycle.ts).
    entry('Whostmgr', 'Accounts::Remove', 'pre'),
    entry('Whostmgr', 'Accounts::Remove'),
    entry('Whostmgr', 'Accounts::Modify'),
    entry('Cpanel', 'UAPI::TwoFactorAuth::set_user_configuration'),
    entry('Cpanel', 'UAPI::TwoFactorAuth::remove_user_configuration'),
  ];
}

/** What reading the event gave. */
export interface EventInput {
  /** The event: what arrived, once it parses as a JSON object with members. */
  readonly doc: Record<string, unknown> | undefined;
  /** What arrived (its first MiB), as text. */
  readonly text: string;
  /** True when the input neither ended nor completed a document within rules.ts's bounds. */
  readonly gaveUp: boolean;
}

/** Whether a chunk may end a JSON object: its last byte that is not white space is `}`. */
function mayEndObject(chunk: Buffer): boolean {
  for (let i = chunk.length - 1; i >= 0; i -= 1) {
    const byte = chunk[i];
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return byte === 0x7d;
  }
  return true;
}

/**
 * Reads the event from `input` however slowly it arrives: until the input ends, or as soon
 * as what arrived is a complete JSON object (a writer may keep stdin open), or until
 * {@link HOOK_INPUT_IDLE_MS} pass without a byte or {@link HOOK_INPUT_CEILING_MS} in all.
 */
export function readEvent(input: Readable): Promise<EventInput> {
  return new Promise((resolve) => {
    const kept: Buffer[] = [];
    let size = 0;
    let settled = false;
    const text = (): string => Buffer.concat(kept).toString('utf8');
    const finish = (gaveUp: boolean, doc?: Record<string, unknown>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      clearTimeout(ceiling);
      // Not destroyed: a writer still finishing (a last newline) is not cut off; the hook
      // exits when its work is done, whatever the input still holds.
      input.removeAllListeners();
      input.on('error', () => undefined);
      input.pause();
      const received = text();
      resolve({ doc: doc ?? parse(received), text: received, gaveUp });
    };
    const idle = setTimeout(() => finish(true), HOOK_INPUT_IDLE_MS);
    const ceiling = setTimeout(() => finish(true), HOOK_INPUT_CEILING_MS);
    input.on('data', (chunk: Buffer) => {
      idle.refresh();
      if (size < MAX_KEPT_BYTES) kept.push(chunk.subarray(0, MAX_KEPT_BYTES - size));
      size += chunk.length;
      if (size <= MAX_KEPT_BYTES && mayEndObject(chunk)) {
        const doc = parse(text());
        if (doc !== undefined) finish(false, doc);
      }
    });
    input.on('end', () => finish(false));
    input.on('error', () => finish(false));
  });
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The event's category, name and stage as `Category/Event/stage`. */
function eventOf(doc: Record<string, unknown>): string {
  const context = record(doc['context']);
  return `${String(context['category'])}/${String(context['event'])}/${String(context['stage'])}`;
}

/**
 * Handles one event; returns the message for `1 …`, or undefined to print nothing
 * (Cpanel events, whose message would reach the user's UAPI result).
 */
function handle(root: string, doc: Record<string, unknown>, epochSeconds: number): string | undefined {
  const data = record(doc['data']);
  const event = eventOf(doc);
  const paths = serverPaths(root);
  if (event.startsWith('Cpanel/UAPI::TwoFactorAuth::')) {
    reconcile(paths, epochSeconds);
    return undefined;
  }
  const ctx = { paths, cpanel: cpanelBridge(paths, { epochSeconds }), epochSeconds, actor: 'WHM' };
  const named = data['user'] ?? data['username'];
  const user = typeof named === 'string' && isValidUsername(named) ? named : undefined;
  switch (event) {
    case 'Whostmgr/Accounts::Create/post':
      if (user === undefined) return 'whm2fa: no account named; nothing to do';
      return `whm2fa: ${user} created: ${accountCreated(ctx, user)}`;
    case 'Whostmgr/Accounts::Remove/pre':
      if (user === undefined) return 'whm2fa: no account named; nothing to do';
      return `whm2fa: ${user} about to be removed: ${accountRemoving(ctx, user)}`;
    case 'Whostmgr/Accounts::Remove/post':
      if (user === undefined) return 'whm2fa: no account named; nothing to do';
      return `whm2fa: ${user} removed: ${accountRemoved(ctx, user)}`;
    case 'Whostmgr/Accounts::Modify/post': {
      const rename = renameOf(data);
      if (rename === undefined) return 'whm2fa: not a rename; nothing to do';
      return `whm2fa: ${accountRenamed(ctx, rename.from, rename.to)}`;
    }
    default:
      return 'whm2fa: event not handled; nothing to do';
  }
}

function parse(input: string): Record<string, unknown> | undefined {
  try {
    const doc = record(JSON.parse(input));
    return Object.keys(doc).length === 0 ? undefined : doc;
  } catch {
    return undefined;
  }
}

/** Said when the hook stopped waiting for an event that never arrived whole. */
export const GAVE_UP_ANSWER =
  '1 whm2fa: stopped waiting for the event (its input stayed open without completing it); nothing was done for it; whm2fa doctor shows anything left behind\n';

/**
 * What the hook prints for what it read (`1 …`, or "" for nothing), after acting on it.
 * Only root acts: whm2fa's records are root's.
 */
export function answer(root: string, input: EventInput, isRoot: boolean): string {
  const { doc } = input;
  if (doc === undefined) {
    // Unreadable (cut at 1 MiB, not JSON, or never completed): it may be a Cpanel event,
    // whose answer the user would see, so say nothing, unless the hook stopped waiting for
    // a document that does not name that category. As root, still compare cPanel's store
    // with whm2fa's records, which needs nothing from the event.
    if (isRoot) {
      bestEffort(() => reconcile(serverPaths(root), Date.now() / 1000));
      bestEffort(() => recordCoverageIfDue(serverPaths(root), Date.now() / 1000));
    }
    return input.gaveUp && !CPANEL_CATEGORY.test(input.text) ? GAVE_UP_ANSWER : '';
  }
  const quiet = eventOf(doc).startsWith('Cpanel/');
  // Not root (a Cpanel hook cPanel did not escalate): whm2fa's records are out of
  // reach; the change is recorded when whm2fa next compares cPanel's store.
  if (!isRoot) return quiet ? '' : '1 whm2fa: not running as root; nothing to do\n';
  let message: string | undefined;
  try {
    message = handle(root, doc, Date.now() / 1000);
  } catch (err) {
    process.stderr.write(
      `whm2fa hook: ${redactText(err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err))}\n`,
    );
    message = quiet
      ? undefined
      : 'whm2fa: could not update its records (see the error log); the account operation is not affected';
  }
  // The day's coverage snapshot, if no one kept it yet (coverage.ts).
  bestEffort(() => recordCoverageIfDue(serverPaths(root), Date.now() / 1000));
  return message === undefined ? '' : `1 ${message.replace(/\s+/g, ' ')}\n`;
}

/** The hook's entry: `--describe` prints the registration; otherwise one event on stdin is handled. */
export function main(options: HookOptions): void {
  const hookPath = `${serverPaths(options.root).programDir}/whm2fa-hook`;
  if (options.argv.includes('--describe')) {
    process.stdout.write(`${JSON.stringify(describe(hookPath))}\n`);
    return;
  }
  readEvent(process.stdin)
    .then(async (input) => {
      // A rename saves the account's key with cPanel's one-key call, which wants a code.
      if (input.doc !== undefined && eventOf(input.doc) === 'Whostmgr/Accounts::Modify/post') await loadTotp();
      return answer(options.root, input, process.getuid?.() === 0);
    })
    .catch(() => '')
    .then((out) => {
      if (out !== '') process.stdout.write(out);
    })
    .finally(() => process.exit(0));
}
