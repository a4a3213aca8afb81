/**
 * The account hook script's bundle: `--describe` prints the registration; otherwise one
 * event is read from stdin (hookInput.ts) and answered (hookEvents.ts), and the process
 * exits whatever its stdin still holds, so a writer that keeps the pipe open never holds
 * up an account operation.
 */
import { serverPaths } from '../src/paths';
import { loadTotp } from '../src/totp';
import { readEvent } from '../src/hookInput';
import { answer, describe, eventOf } from '../src/hookEvents';

/** What the installed hook wrapper passes: the server root and the arguments. */
export interface HookOptions {
  readonly root: string;
  readonly argv: readonly string[];
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
      return answer(options.root, input, process.getuid?.() === 0, Date.now() / 1000);
    })
    .catch(() => '')
    .then((out) => {
      if (out !== '') process.stdout.write(out);
    })
    .finally(() => process.exit(0));
}
