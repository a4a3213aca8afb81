/**
 * Runs programs: the one module that loads child_process. child_process is loaded on
 * first use: loading it costs every CGI start ~10 ms, and most requests run no program.
 * Callers are the cPanel bridge, the mailer and the syslog writer only.
 */
import type * as ChildProcess from 'node:child_process';

function childProcess(): typeof ChildProcess {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('node:child_process') as typeof ChildProcess;
}

/** Runs `command` with `args` and waits for it (child_process.spawnSync, loaded on first use). */
export function runProgram(
  command: string,
  args: readonly string[],
  options: ChildProcess.SpawnSyncOptionsWithStringEncoding,
): ChildProcess.SpawnSyncReturns<string> {
  return childProcess().spawnSync(command, args, options);
}

/**
 * Starts `command` with `input` on its stdin and does not wait for it: the child is in its
 * own process group, nothing holds this process for it, and a failure to start is
 * ignored. The input is in the pipe when this returns (a small write to an empty pipe is
 * done at once), so the caller may exit. Returns whether the program started.
 */
export function startProgram(command: string, args: readonly string[], input: string, env: NodeJS.ProcessEnv): boolean {
  try {
    const child = childProcess().spawn(command, args, { detached: true, stdio: ['pipe', 'ignore', 'ignore'], env });
    child.on('error', () => undefined);
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
    child.unref();
    return child.pid !== undefined;
  } catch {
    return false;
  }
}
