/**
 * `whm2fa`, root's command line: the lost-phone path when the web is out of reach, and a
 * health check. Same rules, audit entries and emails as the page. Every subcommand takes
 * --json (the API's envelope) and --help.
 * Exit codes: 0 done, 1 the operation failed, 2 usage error, 3 doctor found a problem
 * (`whm2fa report`: 0 ok, 1 warning, 2 critical). plugin/cli/cli.ts only wires this to the
 * process: the time, the arguments, stdout, stderr and the exit code.
 */
import { Whm2faError, toWhm2faError } from './errors';
import { serverPaths } from './paths';
import { cpanelBridge } from './cpanel';
import { auditVisibility, manageableAccounts, ROOT_CALLER } from './access';
import { isValidUsername, readResellers } from './accounts';
import { listAudit } from './audit';
import { readSecrets } from './cpanelState';
import { accountStatus } from './accountStatus';
import { removeForUsers } from './removal';
import { runDoctor } from './doctor';
import { reconcile } from './reconcile';
import { recordCoverageIfDue } from './coverage';
import { lastReminders } from './reminders';
import { bestEffort } from './store';
import { redactText } from './redact';
import { readFileSync } from 'node:fs';
import { REPORT_TOOL_TIMEOUT_MS, buildReport, exitCodeOf } from './report';
import { toolTimeoutMs } from './installConfig';
import { prometheusText, reportText } from './reportText';
import { applySettings, currentSetting, currentSettingsLines } from './serverConfig';
import { parseSettingsText, readOwnSettings, requestWith, SETTING_KEYS, type SettingKey } from './settingsFile';
import type { RequestContext } from './context';

/** One command: the server root and the arguments. */
export interface CommandLine {
  readonly root: string;
  readonly argv: readonly string[];
}

/** What a command printed and its exit code. */
export interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
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
  report [--json | --prometheus] the server at a glance for monitoring; exits 0 ok,
                                 1 warning, 2 critical (docs/fleet.md)
  config get [KEY]               the settings as key=value lines (or one value)
  config set KEY VALUE           change one setting
  config set --file FILE         apply a settings file (checked whole first)
  config check [FILE]            check a settings file (default: the installed one)

Settings: issuer, login_policy (on|off), syslog (on|off), audit_days (0-3650, 0: no
age limit), audit_mib (2-64), tool_timeout (1-600 seconds)

Options: --json (machine-readable output), --help
Exit codes: 0 done, 1 failed, 2 usage error, 3 doctor found a problem;
report: 0 ok, 1 warning, 2 critical`;

class UsageError extends Error {}

interface Parsed {
  readonly command: string | undefined;
  readonly args: string[];
  readonly options: Map<string, string | true>;
}

const VALUE_OPTIONS = new Set(['reason', 'user', 'limit', 'recovery-code', 'file']);
const FLAG_OPTIONS = new Set(['json', 'help', 'fix', 'prometheus']);

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
      } else if (FLAG_OPTIONS.has(name)) options.set(name, true);
      else throw new UsageError(`unknown option --${name}`);
    } else args.push(arg);
  }
  const [command, ...rest] = args;
  return { command, args: rest, options };
}

function rootContext(root: string, epochSeconds: number): RequestContext {
  const paths = serverPaths(root);
  return { paths, caller: ROOT_CALLER, ip: '', epochSeconds, cpanel: cpanelBridge(paths, { epochSeconds }) };
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
  /** Said on stderr whatever the form: what the command skipped and why. */
  readonly warnings?: readonly string[];
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
  const warnings: string[] = [];
  const entries = listAudit(ctx.paths, {
    limit,
    visible: (e) => allowed(e) && (user === undefined || e.subject === user || e.actor === user),
    damaged: (file) =>
      warnings.push(`whm2fa: skipped ${file}: it is damaged (it no longer gunzips); see whm2fa doctor`),
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
  return { data: { entries }, text, warnings };
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

function report(ctx: RequestContext, prometheus: boolean): Outcome {
  // Its own bound on each tool, the tool's process group killed at it (report.ts).
  const bridge = cpanelBridge(ctx.paths, {
    epochSeconds: ctx.epochSeconds,
    timeoutMs: Math.min(toolTimeoutMs(ctx.paths), REPORT_TOOL_TIMEOUT_MS),
    killGroup: { timeoutTool: ctx.paths.timeoutTool },
  });
  const data = buildReport(ctx.paths, bridge, ctx.epochSeconds);
  const text = prometheus ? prometheusText(data).trimEnd() : reportText(data);
  return { data, text, exitCode: exitCodeOf(data.status) };
}

function isSettingKey(key: string): key is SettingKey {
  return (SETTING_KEYS as readonly string[]).includes(key);
}

/** A file's problems as `FILE:LINE: reason` lines, or nothing to apply. */
function checkedFile(file: string): ReturnType<typeof parseSettingsText> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Whm2faError('BAD_REQUEST', `${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const checked = parseSettingsText(text);
  if (checked.problems.length > 0) {
    throw new Whm2faError(
      'BAD_REQUEST',
      checked.problems.map((p) => `${file}:${String(p.line)}: ${p.reason}`).join('\n') + '\nNothing was changed.',
    );
  }
  return checked;
}

function config(ctx: RequestContext, args: readonly string[], file: string | undefined): Outcome {
  const [verb, ...rest] = args;
  switch (verb) {
    case 'get': {
      if (rest.length > 1) throw new UsageError('config get takes at most one KEY');
      const [key] = rest;
      if (key === undefined) {
        const lines = currentSettingsLines(ctx.paths);
        return {
          data: { settings: Object.fromEntries(lines.map((l) => l.split(/=(.*)/s).slice(0, 2))) },
          text: lines.join('\n'),
        };
      }
      if (!isSettingKey(key)) throw new UsageError(`unknown setting "${key}" (known: ${SETTING_KEYS.join(', ')})`);
      const value = currentSetting(ctx.paths, key);
      return { data: { [key]: value }, text: value };
    }
    case 'set': {
      let request;
      if (file !== undefined) {
        if (rest.length > 0) throw new UsageError('config set takes KEY VALUE or --file FILE, not both');
        request = checkedFile(file).request;
      } else {
        if (rest.length !== 2) throw new UsageError('config set takes KEY VALUE (or --file FILE)');
        const [key = '', value = ''] = rest;
        const next = requestWith({ own: {} }, key, value.trim());
        if ('problem' in next) throw new Whm2faError('BAD_REQUEST', `${next.problem}. Nothing was changed.`);
        request = next.request;
      }
      const applied = applySettings(ctx, request);
      const note = applied.resetDamaged
        ? '\nnote: the settings file was damaged; the settings not named are back to their defaults'
        : '';
      return {
        data: applied,
        text:
          (applied.changed.length === 0 ? 'unchanged' : applied.changed.map((c) => `changed ${c}`).join('\n')) + note,
      };
    }
    case 'check': {
      if (rest.length > 1 || (rest.length === 1 && file !== undefined))
        throw new UsageError('config check takes at most one FILE');
      const target = rest[0] ?? file;
      if (target === undefined) {
        try {
          readOwnSettings(ctx.paths);
        } catch (err) {
          throw new Whm2faError('BAD_REQUEST', err instanceof Error ? err.message : 'the settings file is damaged');
        }
        return { data: { ok: true, file: ctx.paths.ownSettingsFile }, text: `${ctx.paths.ownSettingsFile}: ok` };
      }
      checkedFile(target);
      return { data: { ok: true, file: target }, text: `${target}: ok` };
    }
    default:
      throw new UsageError(verb === undefined ? 'config needs get, set or check' : `unknown config command "${verb}"`);
  }
}

function run(options: CommandLine, parsed: Parsed, epochSeconds: number): Outcome {
  const ctx = rootContext(options.root, epochSeconds);
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
    case 'report':
      if (parsed.args.length > 0) throw new UsageError('report takes no argument');
      if (parsed.options.has('json') && parsed.options.has('prometheus'))
        throw new UsageError('report takes --json or --prometheus, not both');
      return report(ctx, parsed.options.has('prometheus'));
    case 'config':
      return config(ctx, parsed.args, value('file'));
    case 'sync': {
      const recorded = reconcile(ctx.paths, ctx.epochSeconds);
      return { data: { recorded }, text: `${String(recorded)} change(s) made outside whm2fa recorded.` };
    }
    default:
      throw new UsageError(parsed.command === undefined ? 'name a command' : `unknown command "${parsed.command}"`);
  }
}

/**
 * Runs one `whm2fa` command at `epochSeconds`: what it prints on stdout and stderr, and its
 * exit code (0 done, 1 failed, 2 usage, 3 doctor found a problem; report: 0, 1, 2).
 */
export function runCommandLine(options: CommandLine, epochSeconds: number): CommandOutput {
  const json = options.argv.includes('--json');
  try {
    const parsed = parse(options.argv);
    if (parsed.options.has('help') || parsed.command === 'help')
      return { stdout: `${USAGE}\n`, stderr: '', exitCode: 0 };
    const outcome = run(options, parsed, epochSeconds);
    // The day's coverage snapshot, if no one kept it yet (coverage.ts).
    bestEffort(() => recordCoverageIfDue(serverPaths(options.root), epochSeconds));
    return {
      stdout: json ? `${JSON.stringify({ ok: true, data: outcome.data })}\n` : `${outcome.text}\n`,
      stderr: (outcome.warnings ?? []).map((w) => `${w}\n`).join(''),
      exitCode: outcome.exitCode ?? 0,
    };
  } catch (err) {
    if (err instanceof UsageError) {
      return {
        stdout: json ? `${JSON.stringify({ ok: false, error: { code: 'BAD_REQUEST', message: err.message } })}\n` : '',
        stderr: `whm2fa: ${err.message}\n\n${USAGE}\n`,
        exitCode: 2,
      };
    }
    const coded = toWhm2faError(err);
    // An unexpected failure's own words, secret-looking runs removed (redact.ts).
    const internal =
      coded.code === 'INTERNAL' ? `whm2fa: ${redactText(err instanceof Error ? err.message : String(err))}\n` : '';
    return json
      ? { stdout: `${JSON.stringify({ ok: false, error: coded.toJSON() })}\n`, stderr: internal, exitCode: 1 }
      : { stdout: '', stderr: `${internal}whm2fa: ${coded.message}\n`, exitCode: 1 };
  }
}
