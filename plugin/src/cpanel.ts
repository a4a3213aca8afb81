/**
 * The cPanel bridge: the only module that runs cPanel's tools. Every write into cPanel's
 * 2FA store goes through these calls (whm-contract.md §5), so cPanel's own locked
 * transactions are respected. Each call is bounded in time; any failure becomes
 * CPANEL_FAILED carrying cPanel's reason when it gave one.
 */
import { runProgram } from './program';
import { Whm2faError } from './errors';
import type { ServerPaths } from './paths';

/** A tool that has not answered by then is killed (whm2fa must never hang WHM). */
const TOOL_TIMEOUT_MS = 20_000;
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

export interface RemoveOutcome {
  readonly removed: readonly string[];
  readonly failed: Readonly<Record<string, string>>;
}

export interface CpanelBridge {
  /** Saves root's own secret (cPanel checks `token` against it). */
  saveRootSecret(secret: string, token: string): void;
  /** Saves a reseller's secret through UAPI as that user (needs a cPanel account). */
  saveUserSecret(user: string, secret: string, token: string): void;
  /** Saves a secret for a user without a cPanel account (cPanel 11.122+; no code check there). */
  saveSecretForUser(user: string, secret: string): void;
  /** Removes the secrets of `users` from cPanel's store. */
  removeSecrets(users: readonly string[]): RemoveOutcome;
  setPolicy(enabled: boolean): void;
  /** Run as root, this writes `system_wide_issuer`; empty resets it to the hostname. */
  setSystemIssuer(issuer: string): void;
  /** Asks cPanel for the login policy (the doctor's "is cPanel answering" probe). */
  policyStatus(): boolean;
  /** `manage_hooks list` output, to see whether our hooks are registered. */
  listHooks(): string;
}

function failed(reason: string | undefined): Whm2faError {
  const detail = reason === undefined || reason.trim() === '' ? '' : ` cPanel said: ${oneLine(reason)}`;
  return new Whm2faError('CPANEL_FAILED', `cPanel could not complete the change, so nothing was changed.${detail}`);
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

interface ToolRun {
  readonly stdout: string;
}

function run(tool: string, args: readonly string[], input?: string): ToolRun {
  const result = runProgram(tool, args, {
    input: input ?? '',
    encoding: 'utf8',
    timeout: TOOL_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    maxBuffer: MAX_OUTPUT_BYTES,
    // The tools get a plain environment: nothing from the web request reaches them.
    env: { PATH: '/usr/local/cpanel/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' },
  });
  if (result.error !== undefined) {
    const code = (result.error as NodeJS.ErrnoException).code;
    throw failed(code === 'ETIMEDOUT' ? 'it did not answer in time.' : 'its command-line tool could not be run.');
  }
  if (result.status !== 0 && result.stdout.trim() === '') {
    throw failed(result.stderr.trim() === '' ? `its tool exited with status ${String(result.status)}.` : result.stderr);
  }
  return { stdout: result.stdout };
}

function parseJson(stdout: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(stdout);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  throw failed('its answer could not be understood.');
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** WHM API 1: `{metadata:{result, reason}, data}`. */
function whmapi1(paths: ServerPaths, fn: string, args: readonly string[], input?: string): Record<string, unknown> {
  const flags = input === undefined ? ['--output=json'] : ['--output=json', '--input=json'];
  const answer = parseJson(run(paths.whmapi1, [...flags, fn, ...args], input).stdout);
  const metadata = asRecord(answer['metadata']);
  if (metadata['result'] !== 1 && metadata['result'] !== '1') {
    throw failed(typeof metadata['reason'] === 'string' ? metadata['reason'] : undefined);
  }
  return asRecord(answer['data']);
}

/** UAPI: `{result:{status, errors, data}}`. */
function uapi(
  paths: ServerPaths,
  user: string,
  module: string,
  fn: string,
  args: readonly string[],
): Record<string, unknown> {
  const answer = parseJson(run(paths.uapi, ['--output=json', `--user=${user}`, module, fn, ...args]).stdout);
  const result = asRecord(answer['result']);
  if (result['status'] !== 1 && result['status'] !== '1') {
    const errors = Array.isArray(result['errors']) ? result['errors'].filter((e) => typeof e === 'string') : [];
    throw failed(errors.length > 0 ? errors.join(' ') : undefined);
  }
  return asRecord(result['data']);
}

export function cpanelBridge(paths: ServerPaths): CpanelBridge {
  return {
    saveRootSecret(secret, token) {
      whmapi1(paths, 'twofactorauth_set_tfa_config', [`secret=${secret}`, `tfa_token=${token}`]);
    },
    saveUserSecret(user, secret, token) {
      uapi(paths, user, 'TwoFactorAuth', 'set_user_configuration', [`secret=${secret}`, `tfa_token=${token}`]);
    },
    saveSecretForUser(user, secret) {
      // The call takes a JSON body; from the command line it is given on stdin
      // (--input=json). Unverified on a live server: see the README's checklist.
      whmapi1(
        paths,
        'twofactorauth_set_tfa_config_for_user',
        [],
        JSON.stringify({ [user]: { primary_account: { secret } } }),
      );
    },
    removeSecrets(users) {
      if (users.length === 0) return { removed: [], failed: {} };
      const args = users.map((user, index) => (index === 0 ? `user=${user}` : `user-${String(index)}=${user}`));
      const data = whmapi1(paths, 'twofactorauth_remove_user_config', args);
      const modified = Array.isArray(data['users_modified'])
        ? data['users_modified'].filter((u) => typeof u === 'string')
        : [];
      const failedUsers = Object.create(null) as Record<string, string>; // keyed by user names: no prototype
      for (const [user, reason] of Object.entries(asRecord(data['failed']))) {
        failedUsers[user] = typeof reason === 'string' ? oneLine(reason) : 'cPanel could not remove it.';
      }
      return { removed: modified, failed: failedUsers };
    },
    setPolicy(enabled) {
      whmapi1(paths, enabled ? 'twofactorauth_enable_policy' : 'twofactorauth_disable_policy', []);
    },
    setSystemIssuer(issuer) {
      whmapi1(paths, 'twofactorauth_set_issuer', [`issuer=${issuer}`]);
    },
    policyStatus() {
      const data = whmapi1(paths, 'twofactorauth_policy_status', []);
      return data['is_enabled'] === 1 || data['is_enabled'] === '1';
    },
    listHooks() {
      return run(paths.manageHooks, ['list']).stdout;
    },
  };
}
