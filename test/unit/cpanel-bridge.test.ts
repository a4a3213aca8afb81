// The cPanel bridge in-process against small shell tools in a temporary tree: each tool
// writes down its arguments, its input and its environment, and answers what the test put
// beside it. What the bridge sends (never a secret on a command line), how it reads
// cPanel's two envelopes, and how each way a tool can fail becomes a CpanelCallError.
import {
  chmodSync,
  closeSync,
  existsSync,
  openSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CpanelCallError, SET_FOR_USER_SINCE, cpanelBridge, keyAloneBody } from '../../plugin/src/cpanel';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';

const KEY = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

let root: string;
let paths: ServerPaths;

/** A tool at `file` that records its call and answers from `file.out`, `file.err`, `file.status`. */
function installTool(file: string, extra = ''): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    [
      '#!/bin/sh',
      `printf '%s\\n' "$@" > "$0.args"`,
      `env > "$0.env"`,
      `cat > "$0.in"`,
      extra,
      `[ -f "$0.err" ] && cat "$0.err" >&2`,
      `[ -f "$0.out" ] && cat "$0.out"`,
      `exit $(cat "$0.status" 2>/dev/null || echo 0)`,
      '',
    ].join('\n'),
  );
  chmodSync(file, 0o755);
}

function answer(file: string, stdout: unknown, status = 0, stderr?: string): void {
  writeFileSync(`${file}.out`, typeof stdout === 'string' ? stdout : JSON.stringify(stdout));
  writeFileSync(`${file}.status`, String(status));
  if (stderr !== undefined) writeFileSync(`${file}.err`, stderr);
}

const args = (file: string): string[] => readFileSync(`${file}.args`, 'utf8').split('\n').slice(0, -1);
const input = (file: string): string => readFileSync(`${file}.in`, 'utf8');
const ran = (file: string): boolean => existsSync(`${file}.args`);

const whmOk = (data?: unknown): unknown => ({
  metadata: { result: 1, reason: 'OK' },
  ...(data === undefined ? {} : { data }),
});
const whmNo = (reason: unknown): unknown => ({ metadata: { result: 0, reason } });
const uapiOk = (data: unknown = null): unknown => ({ result: { status: 1, errors: null, data } });

function failure(fn: () => unknown): CpanelCallError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CpanelCallError) return err;
    throw err;
  }
  throw new Error('the call did not fail');
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'whm2fa-bridge-'));
  paths = serverPaths(root);
  for (const tool of [paths.whmapi1, paths.uapi, paths.manageHooks]) installTool(tool);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('CpanelCallError', () => {
  it('carries the reason and whether cPanel refused', () => {
    const err = new CpanelCallError('no such user', true);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('CpanelCallError');
    expect(err.message).toBe('cPanel call failed: no such user');
    expect(err.reason).toBe('no such user');
    expect(err.refused).toBe(true);
  });
});

describe('keyAloneBody', () => {
  it('is the account with its primary key alone', () => {
    expect(JSON.parse(keyAloneBody('bob', KEY))).toEqual({ bob: { primary_account: { secret: KEY } } });
  });
});

describe('cPanel version', () => {
  const bridgeFor = (version: string | undefined): ReturnType<typeof cpanelBridge> => {
    if (version !== undefined) {
      mkdirSync(dirname(paths.cpanelVersionFile), { recursive: true });
      writeFileSync(paths.cpanelVersionFile, version);
    }
    return cpanelBridge(paths);
  };

  it('knows set_tfa_config_for_user from 11.122 on', () => {
    expect(SET_FOR_USER_SINCE).toEqual([11, 122]);
    const cases: Array<[string, boolean]> = [
      ['11.122.0.22\n', true],
      ['11.123.0.1', true],
      ['11.121.9.9', false],
      ['11.120.0.5', false],
      ['12.0.0.1', true],
      ['10.130.0.1', false],
    ];
    for (const [version, can] of cases) {
      expect(bridgeFor(version).canSetForUser(), version).toBe(can);
    }
  });

  it('tries the call when the version is unknown, and says so', () => {
    const bridge = bridgeFor(undefined);
    expect(bridge.canSetForUser()).toBe(true);
    expect(bridge.versionText()).toBe('unknown');
  });

  it('names the version as major.minor, read once per bridge', () => {
    const bridge = bridgeFor('11.120.0.5\n');
    expect(bridge.versionText()).toBe('11.120');
    writeFileSync(paths.cpanelVersionFile, '11.124.0.1\n');
    expect(bridge.versionText()).toBe('11.120');
    expect(bridge.canSetForUser()).toBe(false);
    expect(cpanelBridge(paths).versionText()).toBe('11.124');
  });
});

describe('WHM API 1 calls', () => {
  it("saves root's key with the key and code on stdin, never as arguments", () => {
    answer(paths.whmapi1, whmOk());
    cpanelBridge(paths).setRootKey(KEY, '123456');
    expect(args(paths.whmapi1)).toEqual(['--output=json', '--input=json', 'twofactorauth_set_tfa_config']);
    expect(JSON.parse(input(paths.whmapi1))).toEqual({ secret: KEY, tfa_token: '123456' });
  });

  it('runs the tool with a plain environment', () => {
    answer(paths.whmapi1, whmOk());
    process.env['WHM2FA_BRIDGE_TEST'] = 'leak';
    try {
      cpanelBridge(paths).setPolicy(true);
    } finally {
      delete process.env['WHM2FA_BRIDGE_TEST'];
    }
    const env = readFileSync(`${paths.whmapi1}.env`, 'utf8');
    expect(env).toContain('PATH=/usr/local/cpanel/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n');
    expect(env).toContain('LANG=C\n');
    expect(env).not.toContain('WHM2FA_BRIDGE_TEST');
  });

  it('sets a key alone with the body on stdin', () => {
    answer(paths.whmapi1, whmOk());
    cpanelBridge(paths).setKeyAlone('bob', KEY);
    expect(args(paths.whmapi1)).toEqual(['--output=json', '--input=json', 'twofactorauth_set_tfa_config_for_user']);
    expect(input(paths.whmapi1)).toBe(keyAloneBody('bob', KEY));
  });

  it('takes a result of "1" as success too', () => {
    answer(paths.whmapi1, { metadata: { result: '1' } });
    expect(() => cpanelBridge(paths).setRootKey(KEY, '123456')).not.toThrow();
  });

  it("reports cPanel's refusal with its reason, the key and the body cut out", () => {
    answer(paths.whmapi1, whmNo(`The token is wrong for ${KEY.toLowerCase()}.`));
    const err = failure(() => cpanelBridge(paths).setRootKey(KEY, '123456'));
    expect(err.refused).toBe(true);
    expect(err.reason).toBe('The token is wrong for [redacted].');

    answer(paths.whmapi1, whmNo(`could not parse ${keyAloneBody('bob', KEY)}`));
    const echoed = failure(() => cpanelBridge(paths).setKeyAlone('bob', KEY));
    expect(echoed.reason).toBe('could not parse [request]');
    expect(echoed.reason).not.toContain(KEY);
  });

  it('puts a multi-line reason on one line', () => {
    answer(paths.whmapi1, whmNo('  first\n\tsecond   third \n'));
    expect(failure(() => cpanelBridge(paths).setPolicy(false)).reason).toBe('first second third');
  });

  it('cuts a long reason at 300 characters', () => {
    answer(paths.whmapi1, whmNo('word '.repeat(100)));
    const reason = failure(() => cpanelBridge(paths).setPolicy(false)).reason;
    expect(reason).toBe(`${'word '.repeat(60).slice(0, 300)}…`);
    answer(paths.whmapi1, whmNo('1'.repeat(300)));
    expect(failure(() => cpanelBridge(paths).setPolicy(false)).reason).toBe('1'.repeat(300));
    answer(paths.whmapi1, whmNo('1'.repeat(301)));
    expect(failure(() => cpanelBridge(paths).setPolicy(false)).reason).toBe(`${'1'.repeat(300)}…`);
  });

  it('says "no reason" when cPanel gives none', () => {
    for (const reason of ['', '   ', 7, null]) {
      answer(paths.whmapi1, whmNo(reason));
      const err = failure(() => cpanelBridge(paths).setPolicy(true));
      expect(err.reason).toBe('no reason');
      expect(err.refused).toBe(true);
    }
    answer(paths.whmapi1, { data: {} });
    expect(failure(() => cpanelBridge(paths).setPolicy(true)).reason).toBe('no reason');
    answer(paths.whmapi1, { metadata: [1], data: {} });
    expect(failure(() => cpanelBridge(paths).setPolicy(true)).refused).toBe(true);
  });

  it('switches the policy with the matching function', () => {
    answer(paths.whmapi1, whmOk());
    const bridge = cpanelBridge(paths);
    bridge.setPolicy(true);
    expect(args(paths.whmapi1)).toEqual(['--output=json', 'twofactorauth_enable_policy']);
    bridge.setPolicy(false);
    expect(args(paths.whmapi1)).toEqual(['--output=json', 'twofactorauth_disable_policy']);
  });

  it('sets the system issuer as an argument (it is no secret)', () => {
    answer(paths.whmapi1, whmOk());
    cpanelBridge(paths).setSystemIssuer('Example Hosting');
    expect(args(paths.whmapi1)).toEqual(['--output=json', 'twofactorauth_set_issuer', 'issuer=Example Hosting']);
    expect(input(paths.whmapi1)).toBe('');
  });

  it('reads the policy status', () => {
    const bridge = cpanelBridge(paths);
    const cases: Array<[unknown, boolean]> = [
      [{ is_enabled: 1 }, true],
      [{ is_enabled: '1' }, true],
      [{ is_enabled: 0 }, false],
      [{ is_enabled: '0' }, false],
      [{}, false],
      [[1], false],
      [null, false],
    ];
    for (const [data, enabled] of cases) {
      answer(paths.whmapi1, { metadata: { result: 1 }, data });
      expect(bridge.policyStatus(), JSON.stringify(data)).toBe(enabled);
    }
    expect(args(paths.whmapi1)).toEqual(['--output=json', 'twofactorauth_policy_status']);
  });
});

describe('removeSecrets', () => {
  it('runs nothing for no users', () => {
    expect(cpanelBridge(paths).removeSecrets([])).toEqual({ removed: [], failed: new Map() });
    expect(ran(paths.whmapi1)).toBe(false);
  });

  it("names each user as cPanel's numbered arguments", () => {
    answer(paths.whmapi1, whmOk({ users_modified: ['a1', 'b2', 'c3'] }));
    const outcome = cpanelBridge(paths).removeSecrets(['a1', 'b2', 'c3']);
    expect(args(paths.whmapi1)).toEqual([
      '--output=json',
      'twofactorauth_remove_user_config',
      'user=a1',
      'user-1=b2',
      'user-2=c3',
    ]);
    expect(outcome.removed).toEqual(['a1', 'b2', 'c3']);
    expect(outcome.failed.size).toBe(0);
  });

  it("reads cPanel's failures with their reasons redacted; one without words is left to the caller's own words", () => {
    answer(
      paths.whmapi1,
      whmOk({ users_modified: ['a1', 5, null], failed: { b2: `no such user ${KEY}`, c3: { why: 1 } } }),
    );
    const outcome = cpanelBridge(paths).removeSecrets(['a1', 'b2', 'c3']);
    expect(outcome.removed).toEqual(['a1']);
    expect([...outcome.failed]).toEqual([['b2', 'no such user [redacted]']]);
  });

  it('reads a missing or odd list as nothing removed', () => {
    answer(paths.whmapi1, whmOk({ users_modified: 'a1', failed: ['b2'] }));
    const outcome = cpanelBridge(paths).removeSecrets(['a1']);
    expect(outcome.removed).toEqual([]);
    expect(outcome.failed.size).toBe(0);
  });
});

describe('UAPI calls', () => {
  it("saves an account's key as that account, key and code on stdin", () => {
    answer(paths.uapi, uapiOk());
    cpanelBridge(paths).setAccountKey('bob', KEY, '654321');
    expect(args(paths.uapi)).toEqual([
      '--output=json',
      '--input=json',
      '--user=bob',
      'TwoFactorAuth',
      'set_user_configuration',
    ]);
    expect(JSON.parse(input(paths.uapi))).toEqual({ secret: KEY, tfa_token: '654321' });
  });

  it('takes a status of "1" as success too', () => {
    answer(paths.uapi, { result: { status: '1' } });
    expect(() => cpanelBridge(paths).setAccountKey('bob', KEY, '654321')).not.toThrow();
  });

  it("reports cPanel's errors joined, blank and non-text ones left out", () => {
    answer(paths.uapi, { result: { status: 0, errors: ['Bad token.', '  ', 3, `Key ${KEY} refused.`] } });
    const err = failure(() => cpanelBridge(paths).setAccountKey('bob', KEY, '654321'));
    expect(err.refused).toBe(true);
    expect(err.reason).toBe('Bad token. Key [redacted] refused.');
  });

  it('says "no reason" without usable errors', () => {
    for (const errors of [null, [], ['', ' '], 'Bad token.']) {
      answer(paths.uapi, { result: { status: 0, errors } });
      expect(failure(() => cpanelBridge(paths).setAccountKey('bob', KEY, '654321')).reason).toBe('no reason');
    }
    answer(paths.uapi, { result: 'ok' });
    expect(failure(() => cpanelBridge(paths).setAccountKey('bob', KEY, '654321')).reason).toBe('no reason');
  });
});

describe('listHooks', () => {
  it("returns manage_hooks' list as it printed it", () => {
    answer(paths.manageHooks, 'Whostmgr::Accounts::Create\n  stage: post\n');
    expect(cpanelBridge(paths).listHooks()).toBe('Whostmgr::Accounts::Create\n  stage: post\n');
    expect(args(paths.manageHooks)).toEqual(['list']);
  });
});

describe('a tool that fails', () => {
  it('that cannot be run is no refusal', () => {
    rmSync(paths.whmapi1);
    const err = failure(() => cpanelBridge(paths).setPolicy(true));
    expect(err.refused).toBe(false);
    expect(err.reason).toBe('its command-line tool could not be run (ENOENT)');
  });

  it('that does not answer in time is stopped', () => {
    installTool(paths.whmapi1, 'exec sleep 30');
    const started = Date.now();
    const err = failure(() => cpanelBridge(paths, { timeoutMs: 300 }).setPolicy(true));
    expect(err.refused).toBe(false);
    expect(err.reason).toBe('it did not answer in time and was stopped');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("takes its time limit from whm2fa's settings file by default", () => {
    mkdirSync(dirname(paths.ownSettingsFile), { recursive: true });
    writeFileSync(paths.ownSettingsFile, 'tool_timeout=1\n');
    installTool(paths.whmapi1, 'exec sleep 30');
    const started = Date.now();
    expect(failure(() => cpanelBridge(paths).setPolicy(true)).reason).toBe('it did not answer in time and was stopped');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('that is killed says by which signal', () => {
    installTool(paths.whmapi1, 'kill -KILL $$');
    const err = failure(() => cpanelBridge(paths).setPolicy(true));
    expect(err.refused).toBe(false);
    expect(err.reason).toBe('its tool was killed (SIGKILL)');
  });

  it('that exits without an answer says its status and its words, redacted', () => {
    answer(paths.whmapi1, '', 3);
    expect(failure(() => cpanelBridge(paths).setPolicy(true)).reason).toBe('its tool exited with status 3');
    answer(
      paths.whmapi1,
      '  \n',
      2,
      `cannot read ${JSON.stringify({ secret: KEY, tfa_token: '123456' })}\n  at line 1\n`,
    );
    const err = failure(() => cpanelBridge(paths).setRootKey(KEY, '123456'));
    expect(err.refused).toBe(false);
    expect(err.reason).toBe('its tool exited with status 2: cannot read [request] at line 1');
  });

  it('that exits with only blank words on stderr says its status alone', () => {
    answer(paths.whmapi1, '', 2, '  \n\t');
    expect(failure(() => cpanelBridge(paths).setPolicy(true)).reason).toBe('its tool exited with status 2');
  });

  it('that exits well without a word is not understood', () => {
    answer(paths.whmapi1, '', 0);
    const err = failure(() => cpanelBridge(paths).setPolicy(true));
    expect(err.refused).toBe(false);
    expect(err.reason).toBe('its answer could not be understood');
  });

  it('that cannot start for a moment (being replaced) is tried three times', () => {
    answer(paths.whmapi1, whmOk());
    // A program file open for writing cannot be run (ETXTBSY), as while an update replaces it.
    const fd = openSync(paths.whmapi1, 'r+');
    const started = performance.now();
    try {
      const err = failure(() => cpanelBridge(paths).setPolicy(true));
      expect(err.reason).toBe('its command-line tool could not be run (ETXTBSY)');
      expect(err.refused).toBe(false);
    } finally {
      closeSync(fd);
    }
    // Two pauses of 100 ms between the three attempts.
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(ran(paths.whmapi1)).toBe(false);
  });

  it('that exits with an error status but answers is read for its answer', () => {
    answer(paths.whmapi1, whmOk(), 1, 'warning: deprecated');
    expect(() => cpanelBridge(paths).setPolicy(true)).not.toThrow();
  });

  it('that prints something other than a JSON object is not understood', () => {
    for (const garbage of ['<html>error</html>', '[1,2]', 'null', '"ok"']) {
      answer(paths.whmapi1, garbage);
      const err = failure(() => cpanelBridge(paths).setPolicy(true));
      expect(err.refused, garbage).toBe(false);
      expect(err.reason).toBe('its answer could not be understood');
    }
    answer(paths.uapi, '{"result":');
    expect(failure(() => cpanelBridge(paths).setAccountKey('bob', KEY, '1')).reason).toBe(
      'its answer could not be understood',
    );
  });
});
