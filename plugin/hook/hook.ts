/**
 * The account hook script, registered in describe mode (`--describe` is the one list of
 * what is registered; install.sh deletes its hooks by category, event and stage and adds
 * them again on every install, because cPanel skips a stage and path that is already
 * registered and its describe-mode delete misses a hook whose attributes changed; an
 * event a release drops is found in `manage_hooks list`, whose format on a server is
 * unverified: docs/cpanel.md, "Standardized Hooks"). It must never block or abort an
 * operation: it reads all of stdin and sends errors to stderr. Whostmgr events
 * are answered `1 …`; Cpanel events are answered with nothing at all, because cPanel adds
 * a hook's message to the user's UAPI result (docs/cpanel.md, "Standardized Hooks").
 */
import { serverPaths } from '../src/paths';
import { cpanelBridge } from '../src/cpanel';
import { accountCreated, accountRemoved, accountRenamed, renameOf } from '../src/lifecycle';
import { reconcile } from '../src/reconcile';
import { isValidUsername } from '../src/accounts';
import { redactText } from '../src/redact';
import { bestEffort } from '../src/store';

/** cPanel waits for the hook; whatever arrives after this is not waited for. */
const STDIN_WAIT_MS = 800;
const MAX_KEPT_BYTES = 1024 * 1024;

/** What the installed hook wrapper passes: the server root and the arguments. */
export interface HookOptions {
  readonly root: string;
  readonly argv: readonly string[];
}

/** The hooks whm2fa registers, as cPanel reads them from `--describe`. */
export function describe(hookPath: string): object[] {
  const entry = (category: string, event: string): object => ({
    category,
    event,
    stage: 'post',
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
    entry('Whostmgr', 'Accounts::Remove'),
    entry('Whostmgr', 'Accounts::Modify'),
    entry('Cpanel', 'UAPI::TwoFactorAuth::set_user_configuration'),
    entry('Cpanel', 'UAPI::TwoFactorAuth::remove_user_configuration'),
  ];
}

function readAllStdin(): Promise<string> {
  return new Promise((resolve) => {
    const kept: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      clearTimeout(timer);
      process.stdin.removeAllListeners();
      process.stdin.destroy();
      resolve(Buffer.concat(kept).toString('utf8'));
    };
    const timer = setTimeout(done, STDIN_WAIT_MS);
    process.stdin.on('data', (chunk: Buffer) => {
      // Everything is read (cPanel expects it), but only the first MiB is kept.
      if (size < MAX_KEPT_BYTES) kept.push(chunk.subarray(0, MAX_KEPT_BYTES - size));
      size += chunk.length;
    });
    process.stdin.on('end', done);
    process.stdin.on('error', done);
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
  const ctx = { paths, cpanel: cpanelBridge(paths), epochSeconds, actor: 'WHM' };
  const named = data['user'] ?? data['username'];
  const user = typeof named === 'string' && isValidUsername(named) ? named : undefined;
  switch (event) {
    case 'Whostmgr/Accounts::Create/post':
      if (user === undefined) return 'whm2fa: no account named; nothing to do';
      return `whm2fa: ${user} created: ${accountCreated(ctx, user)}`;
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

/** The hook's entry: `--describe` prints the registration; otherwise one event on stdin is handled. */
export function main(options: HookOptions): void {
  const hookPath = `${serverPaths(options.root).programDir}/whm2fa-hook`;
  if (options.argv.includes('--describe')) {
    process.stdout.write(`${JSON.stringify(describe(hookPath))}\n`);
    return;
  }
  readAllStdin()
    .then((input) => {
      const doc = parse(input);
      const isRoot = process.getuid?.() === 0;
      if (doc === undefined) {
        // Unreadable (cut at 1 MiB, late or not JSON): it may be a Cpanel event, whose
        // answer the user would see, so say nothing. As root, still compare cPanel's
        // store with whm2fa's records, which needs nothing from the event.
        if (isRoot) bestEffort(() => reconcile(serverPaths(options.root), Date.now() / 1000));
        return '';
      }
      const quiet = eventOf(doc).startsWith('Cpanel/');
      // Not root (a Cpanel hook cPanel did not escalate): whm2fa's records are out of
      // reach; the change is recorded when whm2fa next compares cPanel's store.
      if (!isRoot) return quiet ? '' : '1 whm2fa: not running as root; nothing to do\n';
      let message: string | undefined;
      try {
        message = handle(options.root, doc, Date.now() / 1000);
      } catch (err) {
        process.stderr.write(
          `whm2fa hook: ${redactText(err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err))}\n`,
        );
        message = quiet
          ? undefined
          : 'whm2fa: could not update its records (see the error log); the account operation is not affected';
      }
      return message === undefined ? '' : `1 ${message.replace(/\s+/g, ' ')}\n`;
    })
    .catch(() => '')
    .then((out) => {
      if (out !== '') process.stdout.write(out);
    })
    .finally(() => process.exit(0));
}
