/**
 * Runs a program and waits for it, with text output. child_process is loaded on first
 * use: loading it costs every CGI start ~10 ms, and most requests run no program.
 * Callers are the cPanel bridge and the mailer only.
 */
import type * as ChildProcess from 'node:child_process';

/** Runs `command` with `args` and waits for it (child_process.spawnSync, loaded on first use). */
export function runProgram(
  command: string,
  args: readonly string[],
  options: ChildProcess.SpawnSyncOptionsWithStringEncoding,
): ChildProcess.SpawnSyncReturns<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const childProcess = require('node:child_process') as typeof ChildProcess;
  return childProcess.spawnSync(command, args, options);
}
