// `whm2fa config` and the settings file: get, set one key, set from a file, check; a
// damaged or invalid file refused with its line and the reason, nothing applied; the page
// and `config get` always agree (each value has one home); install.sh keeps the file on
// upgrade and puts --tool-timeout in it.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, auditLines, makeServer, snapshot, TOP, whm2fa, type Server } from '../support/server';

let server: Server;
let settingsFile: string;
beforeAll(() => {
  server = makeServer({ secrets: { root: 'JBSWY3DPEHPK3PXP' } });
  settingsFile = join(server.root, 'var/cpanel/whm2fa/settings.conf');
});
afterAll(() => server.cleanup());

function file(name: string, text: string): string {
  const path = join(server.root, name);
  writeFileSync(path, text);
  return path;
}
const get = (key?: string): string => whm2fa(server, 'config', 'get', ...(key === undefined ? [] : [key])).out.trim();

describe('config get', () => {
  it('prints every setting as key=value lines, defaults included, or one value', () => {
    expect(get()).toBe(
      ['issuer=', 'login_policy=on', 'syslog=on', 'audit_days=0', 'audit_mib=6', 'tool_timeout=20'].join('\n'),
    );
    expect(get('audit_mib')).toBe('6');
    expect(whm2fa(server, 'config', 'get', 'nonsense').status).toBe(2);
  });
});

describe('config check and set --file', () => {
  it('refuses a bad file with each line and reason, and changes nothing', () => {
    const bad = file(
      'bad.conf',
      [
        '# a comment, then a blank line',
        '',
        'syslog=maybe',
        'audit_days=30',
        'no equals sign here',
        'colour=blue',
        'audit_days=31',
        'issuer=Bad!Issuer',
        'tool_timeout=0',
        '',
      ].join('\n'),
    );
    const state = snapshot(join(server.root, 'var'));
    for (const args of [
      ['check', bad],
      ['set', '--file', bad],
    ]) {
      const r = whm2fa(server, 'config', ...args);
      expect(r.status).toBe(1);
      const lines = r.err
        .replace(/^whm2fa: /, '')
        .trim()
        .split('\n');
      expect(lines).toEqual([
        `${bad}:3: syslog takes on or off`,
        `${bad}:5: expected key=value`,
        `${bad}:6: unknown setting "colour" (known: issuer, login_policy, syslog, audit_days, audit_mib, tool_timeout)`,
        `${bad}:7: audit_days is given twice`,
        expect.stringMatching(new RegExp(`^${bad}:8: “!” cannot be used in the issuer`)) as string,
        `${bad}:9: tool_timeout takes a whole number of seconds from 1 to 600`,
        'Nothing was changed.',
      ]);
    }
    // Not one setting of the good lines (audit_days=30) was applied.
    expect(snapshot(join(server.root, 'var'))).toEqual(state);
  });

  it('refuses a file that is not text, or cannot be read', () => {
    const binary = file('binary.conf', 'syslog=on\u0000\n');
    expect(whm2fa(server, 'config', 'check', binary).err).toContain(`${binary}:1: not a text file`);
    const missing = whm2fa(server, 'config', 'check', join(server.root, 'missing.conf'));
    expect(missing.status).toBe(1);
    expect(missing.err).toContain('cannot be read (ENOENT)');
  });

  it('accepts a good file, applies it whole, audits it, and a second run changes nothing', () => {
    const good = file(
      'good.conf',
      '# written by Ansible\nissuer = Example Hosting\nlogin_policy=on\r\nsyslog=off\naudit_days=400\naudit_mib=64\ntool_timeout=45\n',
    );
    expect(whm2fa(server, 'config', 'check', good)).toMatchObject({ status: 0, out: `${good}: ok\n` });
    const before = auditLines(server).length;
    const first = whm2fa(server, 'config', 'set', '--file', good);
    expect(first.status).toBe(0);
    expect(first.out.trim().split('\n')).toEqual([
      'changed issuer: "" -> "Example Hosting" (now Example Hosting)',
      'changed syslog: on -> off',
      'changed audit_days: 0 -> 400',
      'changed audit_mib: 6 -> 64',
      'changed tool_timeout: 20 -> 45',
    ]);
    expect(
      auditLines(server)
        .slice(before)
        .map((e) => [e['action'], e['result']]),
    ).toEqual([
      ['issuer.set', 'system-wide set to "Example Hosting"'],
      ['config.set', 'syslog: on -> off, audit_days: 0 -> 400, audit_mib: 6 -> 64, tool_timeout: 20 -> 45'],
    ]);
    expect(get()).toBe(
      [
        'issuer=Example Hosting',
        'login_policy=on',
        'syslog=off',
        'audit_days=400',
        'audit_mib=64',
        'tool_timeout=45',
      ].join('\n'),
    );
    const again = whm2fa(server, 'config', 'set', '--file', good);
    expect(again).toMatchObject({ status: 0, out: 'unchanged\n' });
    expect(auditLines(server).length).toBe(before + 2);
    // The installed file is itself a valid settings file.
    expect(whm2fa(server, 'config', 'check')).toMatchObject({ status: 0 });
    expect(whm2fa(server, 'config', 'check', settingsFile).status).toBe(0);
    // `config get` output is a settings file that applies as a no-op.
    const round = file('round.conf', `${get()}\n`);
    expect(whm2fa(server, 'config', 'set', '--file', round).out).toBe('unchanged\n');
  });
});

describe('config set KEY VALUE', () => {
  it('changes one setting, refuses a bad value or key with nothing changed', () => {
    expect(whm2fa(server, 'config', 'set', 'audit_days', '3650').status).toBe(0);
    expect(get('audit_days')).toBe('3650');
    const before = readFileSync(settingsFile, 'utf8');
    const bad = whm2fa(server, 'config', 'set', 'audit_days', '3651');
    expect(bad.status).toBe(1);
    expect(bad.err).toContain('audit_days takes a whole number of days (0: no age limit) from 0 to 3650');
    expect(whm2fa(server, 'config', 'set', 'audit_mib', '1').status).toBe(1);
    expect(whm2fa(server, 'config', 'set', 'nope', '1').status).toBe(1);
    expect(whm2fa(server, 'config', 'set', 'syslog').status).toBe(2);
    expect(readFileSync(settingsFile, 'utf8')).toBe(before);
  });

  it('a damaged installed file is named by `check` and replaced whole by a set', () => {
    writeFileSync(settingsFile, 'syslog=on\naudit_mib=huge\n');
    const check = whm2fa(server, 'config', 'check');
    expect(check.status).toBe(1);
    expect(check.err).toContain(`${settingsFile}:2: audit_mib takes a whole number of MiB from 2 to 64`);
    const set = whm2fa(server, 'config', 'set', 'audit_mib', '8');
    expect(set.out).toContain('the settings file was damaged');
    expect(get('audit_mib')).toBe('8');
    expect(whm2fa(server, 'config', 'check').status).toBe(0);
  });
});

describe('the page and the settings agree', () => {
  it('an issuer or policy set on the page is what config get says, and the other way round', async () => {
    await api(server, 'root', { action: 'settings.set', issuer: 'From The Page' });
    expect(get('issuer')).toBe('From The Page');
    await api(server, 'root', { action: 'policy.set', enabled: false });
    expect(get('login_policy')).toBe('off');
    expect(whm2fa(server, 'config', 'set', 'issuer', 'From Ansible').status).toBe(0);
    expect(whm2fa(server, 'config', 'set', 'login_policy', 'on').status).toBe(0);
    const page = (await api(server, 'root', { action: 'settings.get' })).json().data;
    expect(page).toMatchObject({ issuer: 'From Ansible', systemWideIssuer: 'From Ansible', policyEnabled: true });
  });
});

describe('install.sh and the settings file', () => {
  const reinstall = (...args: string[]): number | null =>
    spawnSync('bash', [join(TOP, 'install.sh'), '--root', server.root, '--node', process.execPath, '--yes', ...args])
      .status;

  it('keeps the file byte for byte on upgrade, and --tool-timeout changes only that line', () => {
    expect(whm2fa(server, 'config', 'set', 'syslog', 'off').status).toBe(0);
    const before = readFileSync(settingsFile, 'utf8');
    expect(reinstall()).toBe(0);
    expect(readFileSync(settingsFile, 'utf8')).toBe(before);
    expect(reinstall('--tool-timeout', '7')).toBe(0);
    expect(get('tool_timeout')).toBe('7');
    expect(get('syslog')).toBe('off');
    expect(reinstall()).toBe(0);
    expect(get('tool_timeout')).toBe('7');
    expect(reinstall('--tool-timeout', '601')).toBe(2);
  });

  it('carries the tool timeout of an older release’s install.json over once', () => {
    const lines = readFileSync(settingsFile, 'utf8').split('\n');
    writeFileSync(settingsFile, lines.filter((l) => !l.startsWith('tool_timeout=')).join('\n'));
    const installJson = join(server.root, 'usr/local/cpanel/3rdparty/whm2fa/install.json');
    writeFileSync(installJson, '{"version": "0.9.0", "node": "/usr/bin/node", "root": "/", "toolTimeoutSeconds": 33}');
    expect(reinstall()).toBe(0);
    expect(get('tool_timeout')).toBe('33');
    expect(JSON.parse(readFileSync(installJson, 'utf8'))).not.toHaveProperty('toolTimeoutSeconds');
  });
});
