/**
 * Every audit entry also goes to the system log, one JSON line each (facility authpriv,
 * tag whm2fa), so rsyslog or journald forward it to the host's central log. The lines are
 * the audit entries themselves, which never hold a secret (audit.ts), and travel on
 * `logger`'s stdin, never its command line.
 *
 * A log daemon that is down or does not read never holds a request: `logger` is started
 * and not waited for (program.ts `startProgram`), and coreutils' `timeout` kills one stuck
 * on a full socket. The local audit file is written first and does not depend on this.
 * See docs/decisions/audit-syslog.md.
 */
import { startProgram } from './program';
import type { ServerPaths } from './paths';

/** The syslog tag of every line. */
export const SYSLOG_TAG = 'whm2fa';
/** Facility authpriv (access records), level info. */
export const SYSLOG_PRIORITY = 'authpriv.info';
/** A `logger` still running after this is killed: a stuck daemon must not gather processes. */
export const LOGGER_LIMIT_SECONDS = 10;
/** logger's default message bound is 1 KiB; an entry with a long reason is longer. */
const MAX_LINE_BYTES = 8192;

/** The command line that sends stdin's lines to the system log (fixed flags only). */
export function loggerCommand(paths: ServerPaths): { command: string; args: string[] } {
  return {
    command: paths.timeoutTool,
    args: [
      '-s',
      'KILL',
      String(LOGGER_LIMIT_SECONDS),
      paths.logger,
      '-p',
      SYSLOG_PRIORITY,
      '-t',
      SYSLOG_TAG,
      '--size',
      String(MAX_LINE_BYTES),
      '-u',
      paths.devLog,
    ],
  };
}

/** Sends `lines` (JSON without line breaks) to the system log; never throws, never waits. */
export function sendToSyslog(paths: ServerPaths, lines: readonly string[]): boolean {
  if (lines.length === 0) return false;
  const { command, args } = loggerCommand(paths);
  return startProgram(command, args, `${lines.join('\n')}\n`, { PATH: '/usr/bin:/bin', LANG: 'C' });
}
