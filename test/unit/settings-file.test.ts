// The settings file's rules, in process: every key's range at its edges, comments and
// blanks, each kind of bad line with its number, reading the installed file (defaults,
// damaged, naming cPanel's settings), and the file whm2fa writes.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  MAX_AUDIT_DAYS,
  MAX_AUDIT_MIB,
  MIN_AUDIT_MIB,
  ownSettingsLines,
  ownSettingsOrDefaults,
  parseSettingsText,
  parseValue,
  readOwnSettings,
  requestWith,
  writeOwnSettingsLocked,
} from '../../plugin/src/settingsFile';
import { toolTimeoutMs } from '../../plugin/src/installConfig';
import { StateError } from '../../plugin/src/errors';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';

let root: string;
let paths: ServerPaths;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'whm2fa-settings-file-'));
  paths = serverPaths(root);
  mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('values', () => {
  it('takes on and off for switches, nothing else', () => {
    expect(parseValue('syslog', 'on')).toBe(true);
    expect(parseValue('syslog', 'off')).toBe(false);
    expect(parseValue('login_policy', 'on')).toBe(true);
    expect(parseValue('login_policy', 'off')).toBe(false);
    for (const bad of ['ON', 'yes', '1', 'true', ''])
      expect(parseValue('syslog', bad)).toEqual({ problem: 'syslog takes on or off' });
    expect(parseValue('login_policy', 'no')).toEqual({ problem: 'login_policy takes on or off' });
  });

  it('takes whole numbers within each range, at both edges', () => {
    const edges: Array<[Parameters<typeof parseValue>[0], number, number]> = [
      ['audit_days', 0, MAX_AUDIT_DAYS],
      ['audit_mib', MIN_AUDIT_MIB, MAX_AUDIT_MIB],
      ['tool_timeout', 1, 600],
    ];
    for (const [key, low, high] of edges) {
      expect(parseValue(key, String(low))).toBe(low);
      expect(parseValue(key, String(high))).toBe(high);
      for (const bad of [String(high + 1), '1.5', '-1', '1e3', ' 5', '', 'ten'])
        expect(parseValue(key, bad), `${key}=${bad}`).toHaveProperty('problem');
      if (low > 0) expect(parseValue(key, String(low - 1))).toHaveProperty('problem');
    }
    expect(MAX_AUDIT_DAYS).toBe(3650);
    expect(MIN_AUDIT_MIB).toBe(2);
    expect(MAX_AUDIT_MIB).toBe(64);
    expect(parseValue('audit_days', '99999')).toEqual({
      problem: 'audit_days takes a whole number of days (0: no age limit) from 0 to 3650',
    });
    expect(parseValue('audit_mib', '1')).toEqual({ problem: 'audit_mib takes a whole number of MiB from 2 to 64' });
    expect(parseValue('audit_mib', 'ten')).toEqual({ problem: 'audit_mib takes a whole number of MiB from 2 to 64' });
    expect(parseValue('tool_timeout', '0')).toEqual({
      problem: 'tool_timeout takes a whole number of seconds from 1 to 600',
    });
  });

  it('takes an issuer by cPanel’s rule; empty means the hostname', () => {
    expect(parseValue('issuer', 'Example Host-1.a_b')).toBe('Example Host-1.a_b');
    expect(parseValue('issuer', '')).toBe('');
    expect(parseValue('issuer', 'x'.repeat(33))).toHaveProperty('problem');
    expect(parseValue('issuer', 'Café')).toHaveProperty('problem');
  });

  it('puts each key in its place of the request', () => {
    let request = { own: {} };
    for (const [key, value] of [
      ['issuer', 'Host'],
      ['login_policy', 'off'],
      ['syslog', 'off'],
      ['audit_days', '7'],
      ['audit_mib', '9'],
      ['tool_timeout', '11'],
    ] as const) {
      const next = requestWith(request, key, value);
      if ('problem' in next) throw new Error(next.problem);
      request = next.request;
    }
    expect(request).toEqual({
      issuer: 'Host',
      loginPolicy: false,
      own: { syslog: false, auditDays: 7, auditMib: 9, toolTimeoutSeconds: 11 },
    });
    expect(requestWith({ own: {} }, 'toString', '1')).toEqual({
      problem: 'unknown setting "toString" (known: issuer, login_policy, syslog, audit_days, audit_mib, tool_timeout)',
    });
  });
});

describe('a file', () => {
  it('skips comments and blank lines, trims around = and at the ends, and takes CRLF lines', () => {
    const { request, problems } = parseSettingsText(
      '# comment\n\n   # indented comment\r\n  syslog =  off  \r\naudit_days=30\n',
    );
    expect(problems).toEqual([]);
    expect(request).toEqual({ own: { syslog: false, auditDays: 30 } });
  });

  it('names every bad line, and keeps the value after the first =', () => {
    const { problems } = parseSettingsText('syslog=on\nsyslog=off\nfoo\n=on\nissuer=a=b\n');
    expect(problems).toEqual([
      { line: 2, reason: 'syslog is given twice' },
      { line: 3, reason: 'expected key=value' },
      {
        line: 4,
        reason: 'unknown setting "" (known: issuer, login_policy, syslog, audit_days, audit_mib, tool_timeout)',
      },
      { line: 5, reason: expect.stringContaining('“=” cannot be used in the issuer') as string },
    ]);
  });

  it('asks nothing when it holds nothing', () => {
    expect(parseSettingsText('')).toEqual({ request: { own: {} }, problems: [] });
    expect(parseSettingsText('# only a comment\n')).toEqual({ request: { own: {} }, problems: [] });
  });

  it('refuses a file with a NUL byte as not text', () => {
    expect(parseSettingsText('syslog=on\u0000').problems).toEqual([{ line: 1, reason: 'not a text file' }]);
  });
});

describe('the installed file', () => {
  it('is the defaults when missing: syslog on, no age limit, 6 MiB, 20 s', () => {
    expect(readOwnSettings(paths)).toEqual({ syslog: true, auditDays: 0, auditMib: 6, toolTimeoutSeconds: 20 });
    expect(DEFAULT_SETTINGS).toEqual({ syslog: true, auditDays: 0, auditMib: 6, toolTimeoutSeconds: 20 });
    expect(toolTimeoutMs(paths)).toBe(20_000);
  });

  it('fills what it does not name with the defaults', () => {
    writeFileSync(paths.ownSettingsFile, 'tool_timeout=45\n');
    expect(readOwnSettings(paths)).toEqual({ ...DEFAULT_SETTINGS, toolTimeoutSeconds: 45 });
    expect(toolTimeoutMs(paths)).toBe(45_000);
  });

  it('is a StateError naming the first bad line when damaged; the tool timeout falls back', () => {
    writeFileSync(paths.ownSettingsFile, 'tool_timeout=45\naudit_mib=0\nsyslog=x\n');
    expect(() => readOwnSettings(paths)).toThrow(
      new StateError(`${paths.ownSettingsFile}:2: audit_mib takes a whole number of MiB from 2 to 64`),
    );
    expect(ownSettingsOrDefaults(paths)).toBe(DEFAULT_SETTINGS);
    expect(toolTimeoutMs(paths)).toBe(20_000);
  });

  it('may not hold cPanel’s settings', () => {
    writeFileSync(paths.ownSettingsFile, 'issuer=Host\n');
    expect(() => readOwnSettings(paths)).toThrow(/names the issuer or login policy/);
    writeFileSync(paths.ownSettingsFile, 'login_policy=on\n');
    expect(() => readOwnSettings(paths)).toThrow(/names the issuer or login policy/);
  });

  it('cannot be read when it is a folder', () => {
    mkdirSync(paths.ownSettingsFile);
    expect(() => readOwnSettings(paths)).toThrow(new StateError(`cannot read ${paths.ownSettingsFile}`));
    try {
      readOwnSettings(paths);
    } catch (err) {
      expect((err as Error).cause).toMatchObject({ code: 'EISDIR' });
    }
  });

  it('is written whole, 0600, and reads back as written', () => {
    const settings = { syslog: false, auditDays: 365, auditMib: 50, toolTimeoutSeconds: 9 };
    writeOwnSettingsLocked(paths, settings);
    const text = readFileSync(paths.ownSettingsFile, 'utf8');
    expect(text.split('\n').filter((l) => !l.startsWith('#'))).toEqual([
      'syslog=off',
      'audit_days=365',
      'audit_mib=50',
      'tool_timeout=9',
      '',
    ]);
    expect(statSync(paths.ownSettingsFile).mode & 0o777).toBe(0o600);
    expect(readOwnSettings(paths)).toEqual(settings);
    expect(ownSettingsLines(DEFAULT_SETTINGS)).toEqual(['syslog=on', 'audit_days=0', 'audit_mib=6', 'tool_timeout=20']);
  });
});
