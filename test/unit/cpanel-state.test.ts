// cPanel's own files read in-process from a temporary tree: the 2FA store, the policy
// line, the issuers, the version, the hostname cPanel uses for the default issuer, and
// the tool time limit install.sh recorded.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cpanelVersion,
  isAccountKey,
  policyEnabled,
  readCpanelIssuers,
  readSecrets,
  secretOf,
  serverHostname,
} from '../../plugin/src/cpanelState';
import { DEFAULT_TOOL_TIMEOUT_SECONDS, toolTimeoutMs } from '../../plugin/src/installConfig';
import { Whm2faError } from '../../plugin/src/errors';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';

let root: string;
let paths: ServerPaths;

function put(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

function cpanelFailed(fn: () => unknown): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(Whm2faError);
  expect((thrown as Whm2faError).code).toBe('CPANEL_FAILED');
  expect((thrown as Whm2faError).message).toBe(
    "cPanel's two-factor authentication data could not be read. Ask your host to check the server.",
  );
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'whm2fa-cpstate-'));
  paths = serverPaths(root);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('readSecrets', () => {
  it('reads every key with a secret, skipping entries without one', () => {
    put(
      paths.tfaUserdata,
      JSON.stringify({
        bob: { secret: 'AAAA' },
        'info@bob.example': { secret: 'BBBB' },
        empty: { secret: '' },
        numeric: { secret: 5 },
        none: {},
        nothing: null,
        text: 'CCCC',
      }),
    );
    expect([...readSecrets(paths)]).toEqual([
      ['bob', 'AAAA'],
      ['info@bob.example', 'BBBB'],
    ]);
    expect(secretOf(paths, 'bob')).toBe('AAAA');
    expect(secretOf(paths, 'empty')).toBeUndefined();
    expect(secretOf(paths, 'toString')).toBeUndefined();
  });

  it('reads a missing or empty store as empty', () => {
    expect(readSecrets(paths).size).toBe(0);
    put(paths.tfaUserdata, ' \n');
    expect(readSecrets(paths).size).toBe(0);
  });

  it('refuses a damaged or unreadable store with a coded error', () => {
    for (const text of ['{"bob":', '[]', 'null', '"x"', '7']) {
      put(paths.tfaUserdata, text);
      cpanelFailed(() => readSecrets(paths));
    }
    rmSync(paths.tfaUserdata);
    mkdirSync(paths.tfaUserdata);
    cpanelFailed(() => readSecrets(paths));
  });
});

describe('policyEnabled', () => {
  it('is off without cpanel.config', () => {
    expect(policyEnabled(paths)).toBe(false);
  });

  it('reads the policy line, the last one winning', () => {
    const cases: Array<[string, boolean]> = [
      ['SecurityPolicy::TwoFactorAuth=1\n', true],
      ['a=b\nSecurityPolicy::TwoFactorAuth=1 \r\nc=d', true],
      ['SecurityPolicy::TwoFactorAuth=0\n', false],
      ['SecurityPolicy::TwoFactorAuth=1\nSecurityPolicy::TwoFactorAuth=0\n', false],
      ['SecurityPolicy::TwoFactorAuth=0\nSecurityPolicy::TwoFactorAuth=1\n', true],
      [' SecurityPolicy::TwoFactorAuth=1\n', false],
      ['XSecurityPolicy::TwoFactorAuth=1\n', false],
      ['SecurityPolicy::TwoFactorAuth=11\n', false],
      ['', false],
    ];
    for (const [text, enabled] of cases) {
      put(paths.cpanelConfig, text);
      expect(policyEnabled(paths), JSON.stringify(text)).toBe(enabled);
    }
  });

  it('refuses an unreadable cpanel.config', () => {
    mkdirSync(paths.cpanelConfig, { recursive: true });
    cpanelFailed(() => policyEnabled(paths));
  });
});

describe('readCpanelIssuers', () => {
  it('reads the text entries only', () => {
    put(paths.issuerUserdata, JSON.stringify({ system_wide_issuer: 'Host', res1: 'Res', blank: '', n: 1, o: {} }));
    expect([...readCpanelIssuers(paths)]).toEqual([
      ['system_wide_issuer', 'Host'],
      ['res1', 'Res'],
    ]);
  });

  it('is empty without the file, and refuses a damaged one', () => {
    expect(readCpanelIssuers(paths).size).toBe(0);
    put(paths.issuerUserdata, '{');
    cpanelFailed(() => readCpanelIssuers(paths));
  });
});

describe('isAccountKey', () => {
  it("is an account's own key when it has no @", () => {
    expect(isAccountKey('bob')).toBe(true);
    expect(isAccountKey('info@bob.example')).toBe(false);
    expect(isAccountKey('dev@bob')).toBe(false);
  });
});

describe('cpanelVersion', () => {
  it('reads major and minor', () => {
    put(paths.cpanelVersionFile, '11.122.0.22\n');
    expect(cpanelVersion(paths)).toEqual([11, 122]);
    put(paths.cpanelVersionFile, ' 11.120 \n');
    expect(cpanelVersion(paths)).toEqual([11, 120]);
  });

  it('is unknown when missing or not a version', () => {
    expect(cpanelVersion(paths)).toBeUndefined();
    for (const text of ['', '11', 'eleven.120', '11.x.0', '11.1e.0']) {
      put(paths.cpanelVersionFile, text);
      expect(cpanelVersion(paths), text).toBeUndefined();
    }
  });
});

describe('serverHostname', () => {
  const node = hostname();
  const dotted = node.includes('.');

  it.skipIf(dotted)('takes the official name of the first hosts line that lists the node name', () => {
    put(
      paths.hostsFile,
      [
        '# comment ' + node,
        `not-an-address ${node}.wrong.example ${node}`,
        `10.0.0.1`,
        `10.0.0.2 other.example other`,
        `10.0.0.3 commented.example # ${node}`,
        `a10.0.0.4 prefixed.example ${node}`,
        `10.0.0.5zz suffixed.example ${node}`,
        `127.0.1.1  ${node.toUpperCase()}.Example.COM\t ${node.toUpperCase()} # the host`,
        `127.0.1.2 ${node}.second.example ${node}`,
      ].join('\n'),
    );
    expect(serverHostname(paths)).toBe(`${node}.example.com`);
  });

  it.skipIf(dotted)('accepts an IPv6 address column', () => {
    put(paths.hostsFile, `fe80::1%eth0 ${node}.v6.example ${node}\n`);
    expect(serverHostname(paths)).toBe(`${node}.v6.example`);
    put(paths.hostsFile, `::1 ${node}.local6 ${node}\n`);
    expect(serverHostname(paths)).toBe(`${node}.local6`);
  });

  it.skipIf(dotted)("falls back to the kernel's hostname file, then the node name", () => {
    put(paths.hostsFile, `10.0.0.2 other.example other\n`);
    expect(serverHostname(paths)).toBe(node.toLowerCase());
    put(paths.kernelHostnameFile, 'Kernel.Example\r\n');
    expect(serverHostname(paths)).toBe('kernel.example');
  });

  it.skipIf(!dotted)('takes a dotted node name as it is', () => {
    expect(serverHostname(paths)).toBe(node.toLowerCase());
  });
});

describe('toolTimeoutMs', () => {
  it("defaults to 20 s when whm2fa's settings file says nothing usable", () => {
    expect(DEFAULT_TOOL_TIMEOUT_SECONDS).toBe(20);
    expect(toolTimeoutMs(paths)).toBe(20_000);
    for (const text of ['', '# tool_timeout=5\n', 'syslog=off\n', 'tool_timeout=\n', 'tool_timeout=five\n']) {
      put(paths.ownSettingsFile, text);
      expect(toolTimeoutMs(paths), text).toBe(20_000);
    }
    for (const seconds of ['0', '601', '1.5', '-1']) {
      put(paths.ownSettingsFile, `tool_timeout=${seconds}\n`);
      expect(toolTimeoutMs(paths), seconds).toBe(20_000);
    }
  });

  it("takes 1 to 600 s from whm2fa's settings file", () => {
    for (const seconds of [1, 45, 600]) {
      put(paths.ownSettingsFile, `tool_timeout=${String(seconds)}\n`);
      expect(toolTimeoutMs(paths)).toBe(seconds * 1000);
    }
  });
});
