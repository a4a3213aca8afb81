// The Settings tab's rules in-process, against a bridge of the test's own that writes
// cPanel's files as cPanel does, and can fail before or after saving: the issuer of root
// and of a reseller, the login policy (root only), each read back after a failed call,
// recorded in the audit trail, and said truly to the caller.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getSettings, setIssuer, setPolicy } from '../../plugin/src/configuration';
import { CpanelCallError, type CpanelBridge } from '../../plugin/src/cpanel';
import { readSettings, ownIssuer, writeSettings } from '../../plugin/src/settings';
import { listAudit } from '../../plugin/src/audit';
import { StateError } from '../../plugin/src/errors';
import { refusal } from '../support/refusal';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';
import type { Caller } from '../../plugin/src/access';
import type { RequestContext } from '../../plugin/src/context';

const T0 = 1_800_000_000;
const ROOT: Caller = { user: 'root', isRoot: true, isReseller: false };
const RES: Caller = { user: 'res1', isRoot: false, isReseller: true };
const HOST = hostname().includes('.') ? hostname().toLowerCase() : 'kernel.example';

let root: string;
let paths: ServerPaths;
/** How the next call of the bridge behaves. */
let mode: 'ok' | 'refuse' | 'saved-then-died' | 'ignored' = 'ok';

function put(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

function bridge(): CpanelBridge {
  const fail = (): void => {
    if (mode === 'refuse') throw new CpanelCallError('cPanel says no', true);
    if (mode === 'saved-then-died') throw new CpanelCallError('it died', false);
  };
  const unused = (): never => {
    throw new Error('not used');
  };
  return {
    setSystemIssuer(issuer) {
      if (mode === 'refuse') fail();
      const issuers = JSON.parse(readFileSync(paths.issuerUserdata, 'utf8')) as Record<string, string>;
      if (issuer === '') delete issuers['system_wide_issuer'];
      else issuers['system_wide_issuer'] = issuer;
      writeFileSync(paths.issuerUserdata, JSON.stringify(issuers));
      fail();
    },
    setPolicy(enabled) {
      if (mode === 'refuse') fail();
      // cPanel answered success without changing anything.
      if (mode === 'ignored') return;
      put(paths.cpanelConfig, `SecurityPolicy::TwoFactorAuth=${enabled ? 1 : 0}\n`);
      fail();
    },
    canSetForUser: unused,
    versionText: unused,
    setRootKey: unused,
    setAccountKey: unused,
    setKeyAlone: unused,
    removeSecrets: unused,
    policyStatus: unused,
    listHooks: unused,
  };
}

const ctx = (caller: Caller, epochSeconds = T0): RequestContext => ({
  paths,
  caller,
  ip: '192.0.2.6',
  epochSeconds,
  cpanel: bridge(),
});

const audit = (): Array<[string, string, string, string]> =>
  listAudit(paths, { limit: 100, visible: () => true })
    .reverse()
    .map((e) => [e.actor, e.action, e.ip, e.result]);

beforeEach(() => {
  mode = 'ok';
  root = mkdtempSync(join(tmpdir(), 'whm2fa-config-'));
  paths = serverPaths(root);
  mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  put(paths.issuerUserdata, JSON.stringify({ system_wide_issuer: 'Host Inc', res2: 'Res Two' }));
  put(paths.kernelHostnameFile, 'kernel.example\n');
  put(paths.cpanelConfig, 'SecurityPolicy::TwoFactorAuth=1\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('getSettings', () => {
  it('gives root the system-wide issuer, and the hostname as its default', () => {
    expect(getSettings(ctx(ROOT))).toEqual({
      issuer: 'Host Inc',
      systemWideIssuer: 'Host Inc',
      policyEnabled: true,
      defaultIssuer: HOST,
    });
  });

  it("gives a reseller its own issuer, cPanel's entry for it, or the system-wide one as default", () => {
    expect(getSettings(ctx(RES))).toEqual({
      issuer: 'Host Inc',
      systemWideIssuer: 'Host Inc',
      policyEnabled: true,
      defaultIssuer: 'Host Inc',
    });
    expect(getSettings(ctx({ ...RES, user: 'res2' })).issuer).toBe('Res Two');
  });

  it('falls back to the hostname without a system-wide issuer', () => {
    put(paths.issuerUserdata, '{}');
    expect(getSettings(ctx(RES))).toMatchObject({ issuer: HOST, systemWideIssuer: HOST, defaultIssuer: HOST });
  });
});

describe('setIssuer as a reseller', () => {
  it("keeps the reseller's own issuer in whm2fa's settings, trimmed, and records it", () => {
    expect(setIssuer(ctx(RES), '  My Hosting ')).toMatchObject({ issuer: 'My Hosting', systemWideIssuer: 'Host Inc' });
    expect(ownIssuer(readSettings(paths), 'res1')).toBe('My Hosting');
    // cPanel's file is not touched: its writer acts on root's system-wide issuer.
    expect(JSON.parse(readFileSync(paths.issuerUserdata, 'utf8'))).toEqual({
      system_wide_issuer: 'Host Inc',
      res2: 'Res Two',
    });
    expect(audit()).toEqual([['res1', 'issuer.set', '192.0.2.6', 'set to "My Hosting"']]);
  });

  it("resets to the default with an empty issuer, also over cPanel's own entry", () => {
    const res2 = { ...RES, user: 'res2' };
    expect(setIssuer(ctx(res2), '')).toMatchObject({ issuer: 'Host Inc' });
    expect(ownIssuer(readSettings(paths), 'res2')).toBe('');
    expect(audit()).toEqual([['res2', 'issuer.set', '192.0.2.6', 'reset to default']]);
  });

  it("keeps the other resellers' issuers", () => {
    writeSettings(paths, { issuers: { res9: 'Nine' } });
    setIssuer(ctx(RES), 'Mine');
    expect(readSettings(paths).issuers).toEqual({ res9: 'Nine', res1: 'Mine' });
  });

  it('refuses an issuer cPanel would refuse, changing nothing', () => {
    expect(refusal(() => setIssuer(ctx(RES), 'Bad/Issuer')).code).toBe('BAD_REQUEST');
    expect(refusal(() => setIssuer(ctx(RES), 'x'.repeat(33))).code).toBe('BAD_REQUEST');
    expect(audit()).toEqual([]);
  });

  it('is rate-limited per actor', () => {
    for (let i = 0; i < 60; i += 1) setIssuer(ctx(RES), `N${String(i)}`);
    const limited = refusal(() => setIssuer(ctx(RES), 'Again'));
    expect(limited.code).toBe('RATE_LIMITED');
    expect(limited.message).toMatch(/^Too many issuer changes in a short time/);
    expect(ownIssuer(readSettings(paths), 'res1')).toBe('N59');
  });

  it('refuses damaged settings rather than overwrite them', () => {
    put(paths.settingsFile, '{"issuers":"x"}');
    expect(() => setIssuer(ctx(RES), 'Mine')).toThrow(StateError);
    expect(readFileSync(paths.settingsFile, 'utf8')).toBe('{"issuers":"x"}');
  });
});

describe('readSettings', () => {
  it('reads the text issuers into a map without a prototype', () => {
    put(paths.settingsFile, JSON.stringify({ issuers: { res1: 'A', res2: 5, constructor: 'C' } }));
    const settings = readSettings(paths);
    expect({ ...settings.issuers }).toEqual({ res1: 'A', constructor: 'C' });
    expect(ownIssuer(settings, 'toString')).toBeUndefined();
    expect(ownIssuer(settings, 'res2')).toBeUndefined();
    for (const text of ['null', '[]', '{"issuers":[]}', '{"issuers":null}', '{}']) {
      put(paths.settingsFile, text);
      expect(() => readSettings(paths), text).toThrow(StateError);
      expect(() => readSettings(paths), text).toThrow(`${paths.settingsFile} does not hold whm2fa settings`);
    }
  });
});

describe('setIssuer as root', () => {
  it('sets the system-wide issuer in cPanel and records it', () => {
    expect(setIssuer(ctx(ROOT), 'New Host')).toMatchObject({ issuer: 'New Host', systemWideIssuer: 'New Host' });
    expect(audit()).toEqual([['root', 'issuer.set', '192.0.2.6', 'system-wide set to "New Host"']]);
    expect(readSettings(paths).issuers).toEqual({});
  });

  it('resets it to the hostname', () => {
    expect(setIssuer(ctx(ROOT), '')).toMatchObject({ issuer: HOST });
    expect(audit()).toEqual([['root', 'issuer.set', '192.0.2.6', 'system-wide reset to default']]);
  });

  it('believes a failed call that saved anyway, and says what cPanel said', () => {
    mode = 'saved-then-died';
    expect(setIssuer(ctx(ROOT), 'New Host').issuer).toBe('New Host');
    expect(audit()).toEqual([
      ['root', 'issuer.set', '192.0.2.6', 'system-wide set to "New Host" (cPanel said: it died)'],
    ]);
  });

  it('says what cPanel holds when it refused', () => {
    mode = 'refuse';
    const err = refusal(() => setIssuer(ctx(ROOT), 'New Host'));
    expect(err.code).toBe('CPANEL_FAILED');
    expect(err.message).toBe(
      'cPanel did not save the issuer (cPanel said: cPanel says no). The server-wide issuer is “Host Inc”: authenticator apps show that for new setups.',
    );
    expect(audit()).toEqual([
      ['root', 'issuer.set', '192.0.2.6', 'failed: system-wide not set to "New Host" (cPanel said: cPanel says no)'],
    ]);
    put(paths.issuerUserdata, '{}');
    expect(refusal(() => setIssuer(ctx(ROOT), 'New Host')).message).toBe(
      `cPanel did not save the issuer (cPanel said: cPanel says no). The server-wide issuer is the server hostname (${HOST}): authenticator apps show that for new setups.`,
    );
  });

  it('is rate-limited as issuer changes', () => {
    for (let i = 0; i < 60; i += 1) setIssuer(ctx(ROOT), `N${String(i)}`);
    const limited = refusal(() => setIssuer(ctx(ROOT), 'Again'));
    expect(limited.code).toBe('RATE_LIMITED');
    expect(limited.message).toMatch(/^Too many issuer changes in a short time/);
  });

  it('passes on a failure that is not a cPanel call', () => {
    const c = ctx(ROOT);
    const broken: RequestContext = {
      ...c,
      cpanel: {
        ...c.cpanel,
        setSystemIssuer: () => {
          throw new TypeError('bug');
        },
      },
    };
    expect(() => setIssuer(broken, 'X')).toThrow(TypeError);
  });
});

describe('setPolicy', () => {
  it('is for root only', () => {
    const err = refusal(() => setPolicy(ctx(RES), false));
    expect(err.code).toBe('FORBIDDEN');
    expect(err.message).toBe('Only root can switch the two-factor login policy. Ask your host.');
    expect(readFileSync(paths.cpanelConfig, 'utf8')).toContain('=1');
  });

  it('switches it, reads it back and records it', () => {
    expect(setPolicy(ctx(ROOT), false)).toBe(false);
    expect(setPolicy(ctx(ROOT), true)).toBe(true);
    expect(audit()).toEqual([
      ['root', 'policy.set', '192.0.2.6', 'off'],
      ['root', 'policy.set', '192.0.2.6', 'on'],
    ]);
  });

  it("believes cPanel's file when the call failed after saving", () => {
    mode = 'saved-then-died';
    expect(setPolicy(ctx(ROOT), false)).toBe(false);
    expect(audit()).toEqual([['root', 'policy.set', '192.0.2.6', 'off (cPanel said: it died)']]);
  });

  it('says the policy as it is when cPanel refused', () => {
    mode = 'refuse';
    const off = refusal(() => setPolicy(ctx(ROOT), false));
    expect(off.code).toBe('CPANEL_FAILED');
    expect(off.message).toBe(
      'cPanel did not turn the two-factor login policy off (cPanel said: cPanel says no). It is still on: logins of accounts with two-factor authentication ask for a security code.',
    );
    put(paths.cpanelConfig, 'SecurityPolicy::TwoFactorAuth=0\n');
    const on = refusal(() => setPolicy(ctx(ROOT), true));
    expect(on.message).toBe(
      'cPanel did not turn the two-factor login policy on (cPanel said: cPanel says no). It is still off: no login on this server asks for a security code.',
    );
    expect(audit()).toEqual([
      ['root', 'policy.set', '192.0.2.6', 'failed: still on (cPanel said: cPanel says no)'],
      ['root', 'policy.set', '192.0.2.6', 'failed: still off (cPanel said: cPanel says no)'],
    ]);
  });

  it('refuses a call that reported success but changed nothing, saying the policy as cPanel holds it', () => {
    mode = 'ignored';
    expect(() => setPolicy(ctx(ROOT), false)).toThrow(expect.objectContaining({ code: 'CPANEL_FAILED' }));
    expect(audit()).toHaveLength(1);
    expect(audit()[0]?.slice(0, 3)).toEqual(['root', 'policy.set', '192.0.2.6']);
  });

  it('takes a refused call that asked for what already holds as done', () => {
    mode = 'refuse';
    expect(setPolicy(ctx(ROOT), true)).toBe(true);
    expect(audit()).toEqual([['root', 'policy.set', '192.0.2.6', 'on (cPanel said: cPanel says no)']]);
  });
});
