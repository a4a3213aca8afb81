/**
 * What the account hook does with an event (plugin/hook/hook.ts wires it): the hooks
 * whm2fa registers (`--describe` is the one list of what is registered; install.sh deletes
 * its hooks by category, event and stage and adds them again on every install, because
 * cPanel skips a stage and path that is already registered and its describe-mode delete
 * misses a hook whose attributes changed; an event a release drops is found in
 * `manage_hooks list`, whose format on a server is unverified: docs/cpanel.md,
 * "Standardized Hooks"), and the answer to each. Whostmgr events are answered `1 …`;
 * Cpanel events are answered with nothing at all, because cPanel adds a hook's message
 * to the user's UAPI result (docs/cpanel.md, "Standardized Hooks"). Errors go to stderr.
 */
import { serverPaths } from './paths';
import { cpanelBridge } from './cpanel';
import { accountCreated, accountRemoved, accountRemoving, accountRenamed, renameOf } from './lifecycle';
import { reconcile } from './reconcile';
import { recordCoverageIfDue } from './coverage';
import { isValidUsername } from './accounts';
import { errorLogText } from './redact';
import { bestEffort } from './store';
import { record, type EventInput } from './hookInput';

/** What a `Cpanel` event carries, seen in a document that did not arrive in full. */
const CPANEL_CATEGORY = /"category"\s*:\s*"Cpanel"/;

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

/**
 * Which of the hooks whm2fa registers (`Category/Event/stage`) `manage_hooks list` does not
 * show for `hookPath`; undefined when the listing is not the JSON list it prints (then only
 * the path can be looked for). A partly registered set is not registered: a missing
 * `Accounts::Remove` post stage alone lets a removed account's key pass to its name's next holder.
 */
export function missingHooks(listed: string, hookPath: string): string[] | undefined {
  let hooks: unknown;
  try {
    hooks = JSON.parse(listed);
  } catch {
    return undefined;
  }
  if (!Array.isArray(hooks)) return undefined;
  const key = (h: Record<string, unknown>): string =>
    `${String(h['category'])}/${String(h['event'])}/${String(h['stage'])}`;
  const present = new Set(
    hooks
      .filter((h): h is Record<string, unknown> => typeof h === 'object' && h !== null)
      .filter((h) => h['hook'] === hookPath)
      .map(key),
  );
  return describe(hookPath)
    .map((h) => key(h as Record<string, unknown>))
    .filter((k) => !present.has(k));
}

/** Whether every hook is registered, and a line saying which are missing (report and doctor). */
export function hookHealth(
  listed: string,
  hookPath: string,
): { readonly registered: boolean; readonly detail: string } {
  const missing = missingHooks(listed, hookPath) ?? (listed.includes(hookPath) ? [] : ['all']);
  if (missing.length === 0) return { registered: true, detail: 'account hooks registered' };
  return {
    registered: false,
    detail:
      missing[0] === 'all' || missing.length === describe(hookPath).length
        ? 'account hooks missing: run install.sh again'
        : `account hooks partly registered, missing ${missing.join(', ')}: run install.sh again`,
  };
}

/** The event's category, name and stage as `Category/Event/stage`. */
export function eventOf(doc: Record<string, unknown>): string {
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

/** Said when the hook stopped waiting for an event that never arrived whole. */
export const GAVE_UP_ANSWER =
  '1 whm2fa: stopped waiting for the event (its input stayed open without completing it); nothing was done for it; whm2fa doctor shows anything left behind\n';

/**
 * What the hook prints for what it read (`1 …`, or "" for nothing), after acting on it.
 * Only root acts: whm2fa's records are root's. `epochSeconds` is the time it acts at.
 */
export function answer(root: string, input: EventInput, isRoot: boolean, epochSeconds: number): string {
  const { doc } = input;
  if (doc === undefined) {
    // Unreadable (cut at 1 MiB, not JSON, or never completed): it may be a Cpanel event,
    // whose answer the user would see, so say nothing, unless the hook stopped waiting for
    // a document that does not name that category. As root, still compare cPanel's store
    // with whm2fa's records, which needs nothing from the event.
    if (isRoot) {
      bestEffort(() => reconcile(serverPaths(root), epochSeconds));
      bestEffort(() => recordCoverageIfDue(serverPaths(root), epochSeconds));
    }
    return input.gaveUp && !CPANEL_CATEGORY.test(input.text) ? GAVE_UP_ANSWER : '';
  }
  const quiet = eventOf(doc).startsWith('Cpanel/');
  // Not root (a Cpanel hook cPanel did not escalate): whm2fa's records are out of
  // reach; the change is recorded when whm2fa next compares cPanel's store.
  if (!isRoot) return quiet ? '' : '1 whm2fa: not running as root; nothing to do\n';
  let message: string | undefined;
  try {
    message = handle(root, doc, epochSeconds);
  } catch (err) {
    process.stderr.write(errorLogText('hook', err));
    message = quiet
      ? undefined
      : 'whm2fa: could not update its records (see the error log); the account operation is not affected';
  }
  // The day's coverage snapshot, if no one kept it yet (coverage.ts).
  bestEffort(() => recordCoverageIfDue(serverPaths(root), epochSeconds));
  return message === undefined ? '' : `1 ${message.replace(/\s+/g, ' ')}\n`;
}
