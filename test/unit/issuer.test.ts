// Which issuer an authenticator app shows, and the rule for one a person types
// (docs/cpanel.md, "Issuers"). The kernel's node name is stubbed, in mixed case, so the
// default must lower-case it as cPanel does; each branch of cPanel's hostname rule is
// tried with a prepared tree, against the plugin and the fake cPanel alike.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';
import { issuerFor, systemWideIssuer, validIssuer } from '../../plugin/src/issuer';
import { serverHostname } from '../../plugin/src/cpanelState';
import { writeSettings } from '../../plugin/src/settings';
import { Whm2faError } from '../../plugin/src/errors';
// @ts-expect-error: plain JavaScript module of the local WHM
import { hostnameOf, treePaths } from '../../scripts/fake-cpanel/lib.mjs';

const node = vi.hoisted(() => ({ name: 'Server1.Example.TEST' }));
vi.mock('node:os', async (importOriginal) => {
  const os = await importOriginal<typeof import('node:os')>();
  return { ...os, hostname: () => node.name };
});

let root: string;
let paths: ServerPaths;
beforeEach(() => {
  node.name = 'Server1.Example.TEST';
  root = mkdtempSync(join(tmpdir(), 'whm2fa-issuer-'));
  paths = serverPaths(root);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function cpanelIssuers(value: Record<string, unknown>): void {
  mkdirSync(dirname(paths.issuerUserdata), { recursive: true });
  writeFileSync(paths.issuerUserdata, JSON.stringify(value));
}

describe('validIssuer', () => {
  it('trims, accepts cPanel’s characters up to 32, and "" as the default', () => {
    expect(validIssuer('  My Host_1.example-2 \t')).toBe('My Host_1.example-2');
    expect(validIssuer('   ')).toBe('');
    expect(validIssuer('')).toBe('');
    expect(validIssuer('x'.repeat(32))).toBe('x'.repeat(32));
  });

  const RULE =
    'Use 1 to 32 characters: the letters A–Z and a–z (no accents), digits, spaces, dots (.), underscores (_) and hyphens (-).';
  it.each([
    ['x'.repeat(33), 'The issuer has 33 characters, more than 32.'],
    ['"Host"', '“"” cannot be used in the issuer.'],
    ["'Host'", "“'” cannot be used in the issuer."],
    ['Host/Co', '“/” cannot be used in the issuer.'],
    ['Hôst', '“ô” cannot be used in the issuer.'],
    ['Hébergement Élégant', '“é” and “É” cannot be used in the issuer.'],
    ['a:b;c:d', '“:” and “;” cannot be used in the issuer.'],
    ['ü/ö:' + 'x'.repeat(40), '“ü”, “/”, “ö” and “:” cannot be used in the issuer.'],
    ['tab\there', 'a tab cannot be used in the issuer.'],
    ['no\u00a0break', 'an invisible character (U+00A0) cannot be used in the issuer.'],
    ['He\u0301bergement', 'an accent on its own (U+0301) cannot be used in the issuer.'],
    ['Host 🔒', '“🔒” cannot be used in the issuer.'],
  ])('refuses %j, naming what and the rule', (input, what) => {
    let err: unknown;
    try {
      validIssuer(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Whm2faError);
    expect((err as Whm2faError).code).toBe('BAD_REQUEST');
    expect((err as Whm2faError).message).toBe(`${what} ${RULE}`);
  });
});

describe('issuerFor and systemWideIssuer', () => {
  it('fall back to the kernel hostname, lower-cased, when cPanel has no system-wide issuer', () => {
    expect(systemWideIssuer(paths)).toBe('server1.example.test');
    expect(issuerFor(paths, 'root', false)).toBe('server1.example.test');
    expect(issuerFor(paths, 'res1', true)).toBe('server1.example.test');
    cpanelIssuers({ system_wide_issuer: '' });
    expect(systemWideIssuer(paths)).toBe('server1.example.test');
  });

  it('use cPanel’s system-wide issuer for root-level users, whatever a reseller entry says', () => {
    cpanelIssuers({ system_wide_issuer: 'Host Co', root: 'Not This', res1: 'Res CP' });
    writeSettings(paths, { issuers: { root: 'Nor This' } });
    expect(systemWideIssuer(paths)).toBe('Host Co');
    expect(issuerFor(paths, 'root', false)).toBe('Host Co');
    expect(issuerFor(paths, 'res1', false)).toBe('Host Co');
  });

  it('give a reseller its own whm2fa issuer, else cPanel’s entry for it, else the system-wide one', () => {
    cpanelIssuers({ system_wide_issuer: 'Host Co', res1: 'Res CP', res2: 'Res2 CP' });
    writeSettings(paths, { issuers: { res1: 'Res Own', res3: '' } });
    expect(issuerFor(paths, 'res1', true)).toBe('Res Own');
    expect(issuerFor(paths, 'res2', true)).toBe('Res2 CP');
    expect(issuerFor(paths, 'res4', true)).toBe('Host Co');
  });

  it('treat a reseller’s "" as reset to the system-wide issuer, not to cPanel’s old entry', () => {
    cpanelIssuers({ system_wide_issuer: 'Host Co', res3: 'Stale CP' });
    writeSettings(paths, { issuers: { res3: '' } });
    expect(issuerFor(paths, 'res3', true)).toBe('Host Co');
    cpanelIssuers({ res3: 'Stale CP' });
    expect(issuerFor(paths, 'res3', true)).toBe('server1.example.test');
  });

  it('never take an inherited member for a reseller’s own issuer', () => {
    cpanelIssuers({ system_wide_issuer: 'Host Co' });
    expect(issuerFor(paths, 'constructor', true)).toBe('Host Co');
    expect(issuerFor(paths, 'tostring', true)).toBe('Host Co');
  });
});

describe('serverHostname: cPanel’s hostname rule (Cpanel::Sys::Hostname)', () => {
  /** The plugin's answer, after checking the fake cPanel gives the same. */
  function hostname(): string {
    const plugin = serverHostname(paths);
    expect((hostnameOf as (p: unknown) => string)((treePaths as (r: string) => unknown)(root))).toBe(plugin);
    return plugin;
  }
  function file(path: string, text: string): void {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  const HOSTS = [
    '# static table',
    '127.0.0.1   localhost localhost.localdomain',
    'not-an-address  Web1  # a line the resolver skips',
    '10.0.0.9 other.example.test # names web1 only in a comment',
    '192.0.2.10\tServer-A.Example.NET\tweb1   www',
    '192.0.2.11 second.example.net web1',
    '',
  ].join('\n');

  it('takes the node name when it has a dot, whatever the files say', () => {
    file(paths.hostsFile, '192.0.2.10 other.example.net Server1.Example.TEST\n');
    file(paths.kernelHostnameFile, 'kernel.example.org\n');
    expect(hostname()).toBe('server1.example.test');
  });

  it('else the official name of the first hosts entry that lists the node name, any case', () => {
    node.name = 'WEB1';
    file(paths.hostsFile, HOSTS);
    file(paths.kernelHostnameFile, 'kernel.example.org\n');
    expect(hostname()).toBe('server-a.example.net');
  });

  it('takes that canonical name even without a dot, as cPanel does', () => {
    node.name = 'web1';
    file(paths.hostsFile, '::1 Web1 web1.example.net\n');
    file(paths.kernelHostnameFile, 'kernel.example.org\n');
    expect(hostname()).toBe('web1');
  });

  it('else the kernel’s hostname file, lower-cased, without its line ending', () => {
    node.name = 'web2';
    file(paths.hostsFile, HOSTS);
    file(paths.kernelHostnameFile, 'Kernel.Example.ORG\r\n');
    expect(hostname()).toBe('kernel.example.org');
  });

  it('else the node name, lower-cased', () => {
    node.name = 'Web2';
    expect(hostname()).toBe('web2');
    file(paths.kernelHostnameFile, '\n');
    expect(hostname()).toBe('web2');
  });

  it('is the default issuer', () => {
    node.name = 'web1';
    file(paths.hostsFile, HOSTS);
    expect(systemWideIssuer(paths)).toBe('server-a.example.net');
    expect(issuerFor(paths, 'res1', true)).toBe('server-a.example.net');
  });
});
