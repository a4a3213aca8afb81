// Which issuer an authenticator app shows, and the rule for one a person types
// (docs/cpanel.md, "Issuers"). The kernel hostname is stubbed in mixed case, so the
// fallback must lower-case it as cPanel does.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';
import { issuerFor, systemWideIssuer, validIssuer } from '../../plugin/src/issuer';
import { writeSettings } from '../../plugin/src/settings';
import { Whm2faError } from '../../plugin/src/errors';

vi.mock('node:os', async (importOriginal) => {
  const os = await importOriginal<typeof import('node:os')>();
  return { ...os, hostname: () => 'Server1.Example.TEST' };
});

let root: string;
let paths: ServerPaths;
beforeEach(() => {
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

  it.each(['x'.repeat(33), '"Host"', "'Host'", 'Host/Co', 'Hôst', 'a:b'])('refuses %s', (input) => {
    let err: unknown;
    try {
      validIssuer(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Whm2faError);
    expect((err as Whm2faError).code).toBe('BAD_REQUEST');
    expect((err as Whm2faError).message).toBe(
      'The issuer must be 1 to 32 letters, digits, spaces, dots, underscores or hyphens.',
    );
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
