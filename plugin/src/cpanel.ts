/**
 * The cPanel bridge: the only module that runs cPanel's tools. Every write into cPanel's
 * 2FA store goes through these calls (docs/cpanel.md, "Command-line APIs"), so cPanel's
 * own locked transactions are respected. Each call is bounded in time.
 *
 * A failed call proves nothing about the store: a tool may save and then die, hang or
 * print garbage. So a failure here is a {@link CpanelCallError} carrying what went wrong,
 * and the caller reads cPanel's store back before it says anything to the user.
 *
 * No secret ever goes on a command line, where every local user can read it
 * (/proc/PID/cmdline): keys and codes travel as a JSON body on stdin (`--input=json`).
 * See docs/decisions/secrets-off-the-command-line.md.
 *
 * Each save call changes one key (docs/decisions/one-key-writes.md): root's own through
 * WHM API 1 `twofactorauth_set_tfa_config`, an account's through UAPI
 * `set_user_configuration` run as that account. `set_tfa_config_for_user` rewrites an
 * account's whole set (its mailboxes' and team users' keys too), so it is sent only a
 * primary key, and only by callers that checked nothing else can be touched.
 *
 * Every word of cPanel's that leaves here has been through {@link redactCpanelWords}.
 */
import { runProgram } from './program';
import { pause } from './descriptor';
import { cpanelVersion } from './cpanelState';
import { toolTimeoutMs } from './installConfig';
import { redactCpanelWords } from './redact';
import { bestEffort, readJson, writeJsonAtomic } from './store';
import type { ServerPaths } from './paths';

const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/** The first cPanel release with `twofactorauth_set_tfa_config_for_user` (docs/cpanel.md). */
export const SET_FOR_USER_SINCE: readonly [number, number] = [11, 122];

/** A cPanel call that did not report success. What the store holds must be read back. */
export class CpanelCallError extends Error {
  /** cPanel's own reason when it gave one, else what happened to the tool. */
  readonly reason: string;
  /** True when the tool gave a clear "no" (it ran and refused); false when it died, hung or garbled. */
  readonly refused: boolean;
  constructor(reason: string, refused: boolean) {
    super(`cPanel call failed: ${reason}`);
    this.name = 'CpanelCallError';
    this.reason = reason;
    this.refused = refused;
  }
}

/** What `twofactorauth_remove_user_config` reported. */
export interface RemoveOutcome {
  readonly removed: readonly string[];
  readonly failed: ReadonlyMap<string, string>;
}

/** The calls whm2fa makes into cPanel. */
export interface CpanelBridge {
  /**
   * Whether this cPanel has `twofactorauth_set_tfa_config_for_user` (11.122+), the only
   * call that saves the key of a WHM user without a cPanel account. Read once per bridge.
   */
  canSetForUser(): boolean;
  /** The version for messages: `11.120` or `unknown`. */
  versionText(): string;
  /**
   * Saves root's own key: WHM API 1 `twofactorauth_set_tfa_config` acts on the caller
   * (root when root runs it) and changes that key alone. `token` is a current code for it.
   */
  setRootKey(secret: string, token: string): void;
  /**
   * Saves an account's own key: UAPI `TwoFactorAuth::set_user_configuration` run as the
   * account changes that key alone. Needs a cPanel account with the `twofactorauth`
   * feature; `token` is a current code for the key.
   */
  setAccountKey(user: string, secret: string, token: string): void;
  /**
   * Sets `user`'s key through set_tfa_config_for_user (11.122+), which also deletes the
   * keys of the account's existing mailboxes and team users: the caller checks first that
   * the store holds none.
   */
  setKeyAlone(user: string, secret: string): void;
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

/** How the bridge runs the tools. */
export interface BridgeOptions {
  /** How long a tool may take; by default what install.sh recorded (installConfig.ts). */
  readonly timeoutMs?: number;
  /** The request's time, for the record of a failed call (the report shows the last one). */
  readonly epochSeconds?: number;
  /**
   * Run each tool under coreutils `timeout`, which kills the tool's whole process group
   * when the time is up: a child the tool left holding its output cannot hold the caller
   * (`whm2fa report`, which a monitoring check waits for).
   */
  readonly killGroup?: { readonly timeoutTool: string };
}

/** The last cPanel call that failed, as `whm2fa report` shows it. */
export interface CpanelFailure {
  readonly at: string;
  /** The WHM API 1 or UAPI function, or the tool. */
  readonly call: string;
  readonly reason: string;
}

/**
 * Remembers `failure` as the last failed call. Written atomically but without the state
 * lock: a bridge call is often made under it (the lock is not re-entrant), and of two
 * failures at once either is a true "last". Never throws: the failure itself is what counts.
 */
function recordFailure(paths: ServerPaths, call: string, failure: CpanelCallError, epochSeconds: number): void {
  const record: CpanelFailure = { at: new Date(epochSeconds * 1000).toISOString(), call, reason: failure.reason };
  bestEffort(() => writeJsonAtomic(paths.lastCpanelFailureFile, record));
}

/** The last failed cPanel call whm2fa made, if one is recorded. */
export function lastCpanelFailure(paths: ServerPaths): CpanelFailure | undefined {
  const value = readJson(paths.lastCpanelFailureFile) as Partial<CpanelFailure> | undefined;
  if (typeof value?.at !== 'string' || typeof value.call !== 'string' || typeof value.reason !== 'string')
    return undefined;
  return { at: value.at, call: value.call, reason: value.reason };
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/** Start-up failures that pass: the tool being replaced (an update), or the process table full. */
const TRANSIENT = new Set(['ETXTBSY', 'EAGAIN']);
const START_ATTEMPTS = 3;

function run(
  tool: string,
  args: readonly string[],
  timeoutMs: number,
  input?: string,
  killGroup?: BridgeOptions['killGroup'],
): string {
  const words = (text: string): string => oneLine(redactCpanelWords(text, input === undefined ? [] : [input]));
  // Under `timeout`, the group is killed at the bound; Node's own timeout (a second later)
  // only backs it up, as it kills the tool alone and then waits for its output to close.
  const [command, commandArgs] =
    killGroup === undefined
      ? [tool, args]
      : [killGroup.timeoutTool, ['-s', 'KILL', `${String(timeoutMs / 1000)}s`, tool, ...args]];
  let result: ReturnType<typeof runProgram>;
  for (let attempt = 1; ; attempt += 1) {
    result = runProgram(command, commandArgs, {
      input: input ?? '',
      encoding: 'utf8',
      timeout: killGroup === undefined ? timeoutMs : timeoutMs + 1000,
      killSignal: 'SIGKILL',
      maxBuffer: MAX_OUTPUT_BYTES,
      // The tools get a plain environment: nothing from the web request reaches them.
      env: { PATH: '/usr/local/cpanel/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' },
    });
    // A tool that never started did nothing, so trying again is safe.
    const code = (result.error as NodeJS.ErrnoException | undefined)?.code;
    if (code === undefined || !TRANSIENT.has(code) || attempt === START_ATTEMPTS) break;
    pause(100);
  }
  // A tool that answers without reading its input makes writing that input fail (EPIPE):
  // it still ran, and its answer is what counts.
  const ignorable = (result.error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE' && result.status !== null;
  if (result.error !== undefined && !ignorable) {
    const code = (result.error as NodeJS.ErrnoException).code;
    throw new CpanelCallError(
      code === 'ETIMEDOUT'
        ? 'it did not answer in time and was stopped'
        : `its command-line tool could not be run (${code ?? 'unknown error'})`,
      false,
    );
  }
  // coreutils `timeout` says 137 (128 + KILL) when it stopped the tool at the bound.
  if (killGroup !== undefined && result.status === 137)
    throw new CpanelCallError('it did not answer in time and was stopped', false);
  if (result.signal !== null) throw new CpanelCallError(`its tool was killed (${result.signal})`, false);
  if (result.status !== 0 && result.stdout.trim() === '') {
    const detail = result.stderr.trim() === '' ? '' : `: ${words(result.stderr)}`;
    throw new CpanelCallError(`its tool exited with status ${String(result.status)}${detail}`, false);
  }
  return result.stdout;
}

function parseJson(stdout: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(stdout);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  throw new CpanelCallError('its answer could not be understood', false);
}

/** cPanel's own words, on one line and with nothing of what whm2fa sent it. */
function said(text: string, input: string | undefined): string {
  return oneLine(redactCpanelWords(text, input === undefined ? [] : [input]));
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The JSON body of set_tfa_config_for_user that sets an account's own key alone (docs/cpanel.md). */
export function keyAloneBody(user: string, secret: string): string {
  return JSON.stringify({ [user]: { primary_account: { secret } } });
}

/** The cPanel bridge for a server tree. */
export function cpanelBridge(paths: ServerPaths, options: BridgeOptions = {}): CpanelBridge {
  let timeout: number | undefined;
  // Read on first use: most requests run no tool.
  const timeoutMs = (): number => (timeout ??= options.timeoutMs ?? toolTimeoutMs(paths));
  const recorded = <T>(call: string, work: () => T): T => {
    try {
      return work();
    } catch (err) {
      // A bridge made without the request's time (a test's) records nothing.
      if (err instanceof CpanelCallError && options.epochSeconds !== undefined)
        recordFailure(paths, call, err, options.epochSeconds);
      throw err;
    }
  };
  let version: readonly [number, number] | undefined | null = null;
  const knownVersion = (): readonly [number, number] | undefined => {
    if (version === null) version = cpanelVersion(paths);
    return version;
  };

  /** WHM API 1: `{metadata:{result, reason}, data}`. */
  const whmapi1 = (fn: string, args: readonly string[], input?: string): Record<string, unknown> =>
    recorded(`whmapi1 ${fn}`, () => whmapi1Call(fn, args, input));
  const whmapi1Call = (fn: string, args: readonly string[], input?: string): Record<string, unknown> => {
    const flags = input === undefined ? ['--output=json'] : ['--output=json', '--input=json'];
    const answer = parseJson(run(paths.whmapi1, [...flags, fn, ...args], timeoutMs(), input, options.killGroup));
    const metadata = asRecord(answer['metadata']);
    if (metadata['result'] !== 1 && metadata['result'] !== '1') {
      const reason = metadata['reason'];
      throw new CpanelCallError(
        typeof reason === 'string' && reason.trim() !== '' ? said(reason, input) : 'no reason',
        true,
      );
    }
    return asRecord(answer['data']);
  };

  /** UAPI as `user`: `{result:{status, errors, data}}`, flat arguments from the JSON body on stdin. */
  const uapi = (user: string, module: string, fn: string, input: string): Record<string, unknown> =>
    recorded(`uapi ${module}::${fn}`, () => uapiCall(user, module, fn, input));
  const uapiCall = (user: string, module: string, fn: string, input: string): Record<string, unknown> => {
    const answer = parseJson(
      run(
        paths.uapi,
        ['--output=json', '--input=json', `--user=${user}`, module, fn],
        timeoutMs(),
        input,
        options.killGroup,
      ),
    );
    const result = asRecord(answer['result']);
    if (result['status'] !== 1 && result['status'] !== '1') {
      const errors = Array.isArray(result['errors'])
        ? result['errors'].filter((e): e is string => typeof e === 'string' && e.trim() !== '')
        : [];
      throw new CpanelCallError(errors.length > 0 ? said(errors.join(' '), input) : 'no reason', true);
    }
    return asRecord(result['data']);
  };

  return {
    canSetForUser() {
      const v = knownVersion();
      // Unknown version: try the call; an old cPanel answers "unknown function".
      if (v === undefined) return true;
      return v[0] > SET_FOR_USER_SINCE[0] || (v[0] === SET_FOR_USER_SINCE[0] && v[1] >= SET_FOR_USER_SINCE[1]);
    },
    versionText() {
      const v = knownVersion();
      return v === undefined ? 'unknown' : `${String(v[0])}.${String(v[1])}`;
    },
    setRootKey(secret, token) {
      // Flat arguments on stdin: with --input=json, cPanel drops any key=value word.
      whmapi1('twofactorauth_set_tfa_config', [], JSON.stringify({ secret, tfa_token: token }));
    },
    setAccountKey(user, secret, token) {
      uapi(user, 'TwoFactorAuth', 'set_user_configuration', JSON.stringify({ secret, tfa_token: token }));
    },
    setKeyAlone(user, secret) {
      // The body arrives on stdin (--input=json): the key is never on a command line.
      whmapi1('twofactorauth_set_tfa_config_for_user', [], keyAloneBody(user, secret));
    },
    removeSecrets(users) {
      if (users.length === 0) return { removed: [], failed: new Map() };
      const args = users.map((user, index) => (index === 0 ? `user=${user}` : `user-${String(index)}=${user}`));
      const data = whmapi1('twofactorauth_remove_user_config', args);
      const modified = Array.isArray(data['users_modified'])
        ? data['users_modified'].filter((u): u is string => typeof u === 'string')
        : [];
      const failedUsers = new Map<string, string>();
      // Only cPanel's own words are passed on; without them the read-back's kept key speaks
      // (removal.ts), in the caller's language.
      for (const [user, reason] of Object.entries(asRecord(data['failed'])))
        if (typeof reason === 'string') failedUsers.set(user, said(reason, undefined));
      return { removed: modified, failed: failedUsers };
    },
    setPolicy(enabled) {
      whmapi1(enabled ? 'twofactorauth_enable_policy' : 'twofactorauth_disable_policy', []);
    },
    setSystemIssuer(issuer) {
      whmapi1('twofactorauth_set_issuer', [`issuer=${issuer}`]);
    },
    policyStatus() {
      const data = whmapi1('twofactorauth_policy_status', []);
      return data['is_enabled'] === 1 || data['is_enabled'] === '1';
    },
    listHooks() {
      return recorded('manage_hooks list', () =>
        run(paths.manageHooks, ['list'], timeoutMs(), undefined, options.killGroup),
      );
    },
  };
}
