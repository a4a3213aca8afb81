/**
 * The `whm2fa` command's bundle: it only wires the process (the time, the arguments,
 * stdout, stderr, the exit code) to commandLine.ts, which holds the command line itself.
 */
import { runCommandLine } from '../src/commandLine';

/** What the installed `whm2fa` wrapper passes to `main`: the server root and the arguments. */
export interface CliOptions {
  readonly root: string;
  readonly argv: readonly string[];
}

/** Runs one `whm2fa` command and sets its exit code (commandLine.ts lists them). */
export function main(options: CliOptions): void {
  const out = runCommandLine(options, Date.now() / 1000);
  if (out.stdout !== '') process.stdout.write(out.stdout);
  if (out.stderr !== '') process.stderr.write(out.stderr);
  process.exitCode = out.exitCode;
}
