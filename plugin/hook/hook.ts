/**
 * The account hook script, registered in describe mode. It must never block or abort a
 * WHM operation: it reads all of stdin, always answers `1 …`, and sends errors to stderr.
 */
import { serverPaths } from '../src/paths';
import { cpanelBridge } from '../src/cpanel';
import { accountRemoved, accountRenamed, cpanelChange, renameOf } from '../src/lifecycle';
import { isValidUsername } from '../src/accounts';
import { redactText } from '../src/redact';

/** cPanel waits for the hook; whatever arrives after this is not waited for. */
const STDIN_WAIT_MS = 800;
const MAX_KEPT_BYTES = 1024 * 1024;

export interface HookOptions {
  readonly root: string;
  readonly argv: readonly string[];
}

export function describe(hookPath: string): object[] {
  const entry = (category: string, event: string): object => ({
    category,
    event,
    stage: 'post',
    hook: hookPath,
    exectype: 'script',
    blocking: 0,
  });
  return [
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

function handle(root: string, input: string): string {
  let doc: Record<string, unknown>;
  try {
    doc = record(JSON.parse(input));
  } catch {
    return 'whm2fa: input was not a hook event; nothing to do';
  }
  const context = record(doc['context']);
  const data = record(doc['data']);
  const event = `${String(context['category'])}/${String(context['event'])}/${String(context['stage'])}`;
  const paths = serverPaths(root);
  const ctx = { paths, cpanel: cpanelBridge(paths), epochSeconds: Date.now() / 1000, actor: 'WHM' };
  const user = typeof data['user'] === 'string' && isValidUsername(data['user']) ? data['user'] : undefined;
  switch (event) {
    case 'Whostmgr/Accounts::Remove/post':
      if (user === undefined) return 'whm2fa: no account named; nothing to do';
      return `whm2fa: ${user} removed: ${accountRemoved(ctx, user)}`;
    case 'Whostmgr/Accounts::Modify/post': {
      const rename = renameOf(data);
      if (rename === undefined) return 'whm2fa: not a rename; nothing to do';
      return `whm2fa: ${accountRenamed(ctx, rename.from, rename.to)}`;
    }
    case 'Cpanel/UAPI::TwoFactorAuth::set_user_configuration/post':
    case 'Cpanel/UAPI::TwoFactorAuth::remove_user_configuration/post': {
      const who =
        user ?? (typeof context['user'] === 'string' && isValidUsername(context['user']) ? context['user'] : undefined);
      if (who === undefined) return 'whm2fa: no user named; nothing to do';
      cpanelChange(ctx, who, event.includes('set_user') ? 'enabled' : 'removed');
      return 'whm2fa: recorded';
    }
    default:
      return 'whm2fa: event not handled; nothing to do';
  }
}

export function main(options: HookOptions): void {
  const hookPath = `${serverPaths(options.root).programDir}/whm2fa-hook`;
  if (options.argv.includes('--describe')) {
    process.stdout.write(`${JSON.stringify(describe(hookPath))}\n`);
    return;
  }
  readAllStdin()
    .then((input) => {
      let message: string;
      try {
        message = handle(options.root, input);
      } catch (err) {
        process.stderr.write(
          `whm2fa hook: ${redactText(err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err))}\n`,
        );
        message = 'whm2fa: could not update its records (see the error log); the account operation is not affected';
      }
      process.stdout.write(`1 ${message.replace(/\s+/g, ' ')}\n`);
    })
    .catch(() => process.stdout.write('1 whm2fa: nothing to do\n'))
    .finally(() => process.exit(0));
}
