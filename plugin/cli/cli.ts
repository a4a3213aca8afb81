/**
 * `whm2fa`, root's command line: the lost-phone path when the web is out of reach, and a
 * health check. Same rules, audit entries and emails as the page. Every subcommand takes
 * --json (the API's envelope) and --help.
 * Exit codes: 0 done, 1 the operation failed, 2 usage error, 3 doctor found a problem.
 */
import { Whm2faError, toWhm2faError } from '../src/errors';
import { serverPaths } from '../src/paths';
import { cpanelBridge } from '../src/cpanel';
import { auditVisibility, manageableAccounts, ROOT_CALLER } from '../src/access';
import { isValidUsername, readResellers } from '../src/accounts';
import { listAudit } from '../src/audit';
import { readSecrets } from '../src/cpanelState';
import { accountStatus } from '../src/accountStatus';
import { removeForUsers } from '../src/removal';
import { runDoctor } from '../src/doctor';
import { reconcile } from '../src/reconcile';
import { recordCoverageIfDue } from '../src/coverage';
import { lastReminders } from '../src/reminders';
import { bestEffort } from '../src/store';
import { redactText } from '../src/redact';
import type { RequestContext } from '../src/context';

/** What the installed `whm2fa` wrapper passes to `main`: the server root and the arguments. */
export interface CliOptions {
  readonly root: string;
  readonly argv: readonly string[];
}

const USAGE = `Usage: whm2fa <command> [options]

Commands:
  status [USER]                  2FA state of USER (default: root)
  list                           every account with its 2FA state
  remove USER --reason TEXT      remove USER's 2FA (lost device); USER is emailed
  remove USER --recovery-code CODE [--reason TEXT]
                                 the same, confirmed by one of USER's recovery codes
                                 (spent; 5 wrong codes lock USER's verification)
  audit [--user U] [--limit N]   the audit trail, newest first (changes made in
                                 cPanel's own pages are recorded first)
  doctor [--fix]                 check the installation, cPanel's tools and store;
                                 --fix removes orphan 2FA entries and crash leftovers
  sync                           record changes made outside whm2fa (install.sh runs it)

Options: --json (machine-readable output), --help
Exit codes: 0 done, 1 failed, 2 usage error, 3 doctor found a problem`;

class UsageError extends Error {}

interface Parsed {
  readonly command: string | undefined;
  readonly args: string[];
  readonly options: Map<string, string | true>;
}

const VALUE_OPTIONS = new Set(['reason', 'user', 'limit', 'recovery-code']);

function parse(argv: readonly string[]): Parsed {
  const args: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      if (VALUE_OPTIONS.has(name)) {
        const value = eq === -1 ? argv[(i += 1)] : arg.slice(eq + 1);
        if (value === undefined) throw new UsageError(`--${name} needs a value`);
        options.set(name, value);
      } else if (name === 'json' || name === 'help' || name === 'fix') options.set(name, true);
      else throw new UsageError(`unknown option --${name}`);
    } else args.push(arg);
  }
  const [command, ...rest] = args;
  return { command, args: rest, options };
}

function rootContext(root: string, epochSeconds: number): RequestContext {
  const paths = serverPaths(root);
  return { paths, caller: ROOT_CALLER, ip: '', epochSeconds, cpanel: cpanelBridge(paths) };
}

function userArg(args: readonly string[], required: boolean): string | undefined {
  const user = args[0];
  if (user === undefined) {
    if (required) throw new UsageError('name the account');
    return undefined;
  }
  if (args.length > 1) throw new UsageError(`unexpected argument "${args[1] ?? ''}"`);
  if (user !== 'root' && !isValidUsername(user)) throw new UsageError(`"${user}" is not a valid account name`);
  return user;
}

interface Outcome {
  readonly data: unknown;
  readonly text: string;
  readonly exitCode?: number;
}

function status(ctx: RequestContext, user: string): Outcome {
  const { paths, epochSeconds } = ctx;
  const known =
    user === 'root' ||
    readResellers(paths).has(user) ||
    manageableAccounts(paths, ctx.caller).some((a) => a.user === user);
  if (!known) throw new Whm2faError('BAD_REQUEST', `There is no account named "${user}".`);
  const data = { user, ...accountStatus(paths, user, user !== 'root' && readResellers(paths).has(user), epochSeconds) };
  const text = [
    `${user}: two-factor authentication ${data.enabled ? 'ON' : 'off'}`,
    `login policy: ${data.policyEnabled ? 'on (codes are asked at login)' : 'OFF (codes are not asked at login)'}`,
    `issuer: ${data.issuer}`,
    data.pending ? 'a setup is in progress' : '',
    data.lockedUntil === null ? '' : `verification locked until ${data.lockedUntil}`,
  ]
    .filter((l) => l !== '')
    .join('\n');
  return { data, text };
}

function list(ctx: RequestContext): Outcome {
  const users = [
    { user: 'root', domain: '', owner: 'root', enabled: readSecrets(ctx.paths).has('root'), lastReminded: null },
    ...manageableAccounts(ctx.paths, ctx.caller, lastReminders(ctx.paths)),
  ];
  const width = Math.max(4, ...users.map((u) => u.user.length));
  const text = [
    `${'USER'.padEnd(width)}  2FA  OWNER       DOMAIN`,
    ...users.map(
      (u) => `${u.user.padEnd(width)}  ${(u.enabled ? 'on' : 'off').padEnd(3)}  ${u.owner.padEnd(10)}  ${u.domain}`,
    ),
    `${String(users.filter((u) => u.enabled).length)} of ${String(users.length)} accounts protected`,
  ].join('\n');
  return { data: { users }, text };
}

function remove(ctx: RequestContext, user: string, reason: string | undefined, recoveryCode?: string): Outcome {
  const outcome = removeForUsers(ctx, [user], reason, { allowSelf: true, recoveryCode });
  const failure = Object.hasOwn(outcome.failed, user) ? outcome.failed[user] : undefined;
  if (failure !== undefined) {
    const code = failure.startsWith('Two-factor authentication is not turned on') ? 'NOT_ENABLED' : 'CPANEL_FAILED';
    throw new Whm2faError(code, `${user}: ${failure}`);
  }
  const warning = outcome.warning === undefined ? '' : `\nwarning: ${outcome.warning}`;
  const notMailed = Object.hasOwn(outcome.notMailed, user) ? outcome.notMailed[user] : undefined;
  const mail = notMailed === undefined ? 'the account was emailed' : `no email was sent (${notMailed})`;
  const identity =
    (recoveryCode ?? '').trim() === ''
      ? 'identity not confirmed'
      : 'identity confirmed with a recovery code, now spent';
  return { data: outcome, text: `Two-factor authentication removed from ${user} (${identity}); ${mail}.${warning}` };
}

function audit(ctx: RequestContext, user: string | undefined, limitText: string | undefined): Outcome {
  const limit = limitText === undefined ? 50 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10000)
    throw new UsageError('--limit takes a whole number from 1 to 10000');
  if (user !== undefined && user !== 'root' && !isValidUsername(user))
    throw new UsageError(`"${user}" is not a valid account name`);
  const allowed = auditVisibility(ctx.paths, ctx.caller);
  const entries = listAudit(ctx.paths, {
    limit,
    visible: (e) => allowed(e) && (user === undefined || e.subject === user || e.actor === user),
  });
  const text =
    entries.length === 0
      ? 'No audit entries.'
      : entries
          .map(
            (e) =>
              `${e.at}  ${e.actor} -> ${e.subject}  ${e.action}  ${e.result}${e.ip === '' ? '' : `  from ${e.ip}`}${e.reason === undefined ? '' : `  reason: ${e.reason}`}`,
          )
          .join('\n');
  return { data: { entries }, text };
}

function doctor(root: string, fix: boolean, epochSeconds: number): Outcome {
  const checks = runDoctor(serverPaths(root), epochSeconds, { fix });
  const failed = checks.filter((c) => !c.ok).length;
  const text = [
    ...checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'}  ${c.name}: ${c.detail}`),
    failed === 0 ? 'All checks passed.' : `${String(failed)} check(s) failed.`,
  ].join('\n');
  return { data: { checks, ok: failed === 0 }, text, exitCode: failed === 0 ? 0 : 3 };
}

function run(options: CliOptions, parsed: Parsed): Outcome {
  const ctx = rootContext(options.root, Date.now() / 1000);
  const value = (name: string): string | undefined => {
    const v = parsed.options.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  switch (parsed.command) {
    case 'status':
      return status(ctx, userArg(parsed.args, false) ?? 'root');
    case 'list':
      userArg(parsed.args, false);
      if (parsed.args.length > 0) throw new UsageError('list takes no account name');
      return list(ctx);
    case 'remove': {
      const user = userArg(parsed.args, true) ?? '';
      const reason = value('reason');
      const recoveryCode = value('recovery-code');
      if (reason === undefined && recoveryCode === undefined)
        throw new UsageError('remove needs --reason TEXT (it is recorded and emailed) or --recovery-code CODE');
      return remove(ctx, user, reason, recoveryCode);
    }
    case 'audit':
      if (parsed.args.length > 0) throw new UsageError('audit takes --user U, not an argument');
      reconcile(ctx.paths, ctx.epochSeconds);
      return audit(ctx, value('user'), value('limit'));
    case 'doctor':
      return doctor(options.root, parsed.options.has('fix'), ctx.epochSeconds);
    case 'sync': {
      const recorded = reconcile(ctx.paths, ctx.epochSeconds);
      return { data: { recorded }, text: `${String(recorded)} change(s) made outside whm2fa recorded.` };
    }
    default:
      throw new UsageError(parsed.command === undefined ? 'name a command' : `unknown command "${parsed.command}"`);
  }
}

/** Runs one `whm2fa` command and exits with its code (0 done, 1 failed, 2 usage, 3 doctor found a problem). */
export function main(options: CliOptions): void {
  const json = options.argv.includes('--json');
  let exitCode = 0;
  try {
    const parsed = parse(options.argv);
    if (parsed.options.has('help') || parsed.command === 'help') {
      process.stdout.write(`${USAGE}\n`);
    } else {
      const outcome = run(options, parsed);
      // The day's coverage snapshot, if no one kept it yet (coverage.ts).
      bestEffort(() => recordCoverageIfDue(serverPaths(options.root), Date.now() / 1000));
      process.stdout.write(json ? `${JSON.stringify({ ok: true, data: outcome.data })}\n` : `${outcome.text}\n`);
      exitCode = outcome.exitCode ?? 0;
    }
  } catch (err) {
    if (err instanceof UsageError) {
      if (json)
        process.stdout.write(
          `${JSON.stringify({ ok: false, error: { code: 'BAD_REQUEST', message: err.message } })}\n`,
        );
      process.stderr.write(`whm2fa: ${err.message}\n\n${USAGE}\n`);
      exitCode = 2;
    } else {
      const coded = toWhm2faError(err);
      // An unexpected failure's own words, secret-looking runs removed (redact.ts).
      if (coded.code === 'INTERNAL')
        process.stderr.write(`whm2fa: ${redactText(err instanceof Error ? err.message : String(err))}\n`);
      if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: coded.toJSON() })}\n`);
      else process.stderr.write(`whm2fa: ${coded.message}\n`);
      exitCode = 1;
    }
  }
  process.exitCode = exitCode;
}
