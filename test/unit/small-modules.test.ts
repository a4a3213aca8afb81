// Small modules in-process: coded errors and their statuses, the server paths under a
// root, the QR code of a key URI (decoded by nothing but its shape: an SVG of the right
// size), and what the account hook remembers between events.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  HTTP_STATUS,
  StateError,
  Whm2faError,
  badRequest,
  cpanelFailed,
  forbidden,
  statusText,
  toWhm2faError,
} from '../../plugin/src/errors';
import { english } from '../../plugin/src/messages';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';
import { cleanCode } from '../../plugin/src/rules';
import QRCode from 'qrcode';
import { qrSvg } from '../../plugin/src/qr';
import {
  noteDepartingLocked,
  rememberHandledLocked,
  takeDepartingLocked,
  wasHandledLocked,
} from '../../plugin/src/accountEvents';

describe('errors', () => {
  it('gives each code its HTTP status', () => {
    expect(HTTP_STATUS).toEqual({
      BAD_REQUEST: 400,
      PAYLOAD_TOO_LARGE: 413,
      FORBIDDEN: 403,
      CODE_INVALID: 422,
      CODE_REPLAYED: 422,
      LOCKED: 429,
      RATE_LIMITED: 429,
      NO_PENDING: 409,
      NOT_ENABLED: 409,
      CPANEL_FAILED: 502,
      INTERNAL: 500,
    });
    expect(Object.isFrozen(HTTP_STATUS)).toBe(true);
  });

  it("names each status cpsrvd's Status line needs", () => {
    const names: Array<[number, string]> = [
      [200, 'OK'],
      [400, 'Bad Request'],
      [403, 'Forbidden'],
      [405, 'Method Not Allowed'],
      [409, 'Conflict'],
      [411, 'Length Required'],
      [413, 'Payload Too Large'],
      [415, 'Unsupported Media Type'],
      [422, 'Unprocessable Entity'],
      [429, 'Too Many Requests'],
      [500, 'Internal Server Error'],
      [502, 'Bad Gateway'],
      [418, 'Error'],
    ];
    for (const [status, text] of names) expect(statusText(status)).toBe(text);
  });

  it('carries its details and lists them in JSON only when set', () => {
    const plain = new Whm2faError('NO_PENDING', 'Nothing pending.');
    expect(plain).toBeInstanceOf(Error);
    expect(plain.name).toBe('Whm2faError');
    expect(plain.status).toBe(409);
    expect(plain.toJSON()).toEqual({ code: 'NO_PENDING', message: 'Nothing pending.' });
    expect(Object.keys(plain.toJSON())).toEqual(['code', 'message']);
    const full = new Whm2faError('LOCKED', 'Locked.', {
      lockedUntil: '2027-01-01T00:00:00.000Z',
      retryAfter: '2027-01-01T00:01:00.000Z',
      fields: ['code'],
      status: 418,
    });
    expect(full.status).toBe(418);
    expect(full.toJSON()).toEqual({
      code: 'LOCKED',
      message: 'Locked.',
      lockedUntil: '2027-01-01T00:00:00.000Z',
      retryAfter: '2027-01-01T00:01:00.000Z',
      fields: ['code'],
    });
  });

  it('makes the common ones', () => {
    expect(badRequest('x').status).toBe(400);
    expect(badRequest('x', 415).status).toBe(415);
    expect(badRequest('x').code).toBe('BAD_REQUEST');
    expect(forbidden('y')).toMatchObject({ code: 'FORBIDDEN', message: 'y', status: 403 });
    expect(cpanelFailed('z')).toMatchObject({ code: 'CPANEL_FAILED', message: 'z', status: 502 });
  });

  it('turns anything else into INTERNAL that tells nothing', () => {
    // The request's language is English until a CGI sets another.
    const INTERNAL_MESSAGE = english('error.internal');
    const STATE_MESSAGE = english('error.state');
    const coded = forbidden('no');
    expect(toWhm2faError(coded)).toBe(coded);
    const state = toWhm2faError(new StateError('/var/x is damaged'));
    expect(state).toMatchObject({ code: 'INTERNAL', message: STATE_MESSAGE, status: 500 });
    expect(toWhm2faError(new Error('/var/secret'))).toMatchObject({ code: 'INTERNAL', message: INTERNAL_MESSAGE });
    expect(toWhm2faError('text').message).toBe(INTERNAL_MESSAGE);
    expect(INTERNAL_MESSAGE.length).toBeGreaterThan(40);
    expect(STATE_MESSAGE.length).toBeGreaterThan(40);
    expect(STATE_MESSAGE).not.toBe(INTERNAL_MESSAGE);
    const err = new StateError('m', { cause: 'c' });
    expect(err.name).toBe('StateError');
    expect(err.cause).toBe('c');
  });
});

describe('serverPaths', () => {
  it('puts every path under the root, once normalized', () => {
    const paths = serverPaths('/srv//tree/');
    expect(paths.root).toBe('/srv//tree/');
    expect(paths.tfaUserdata).toBe('/srv/tree/var/cpanel/authn/twofactor_auth/tfa_userdata.json');
    expect(paths.userStateDir).toBe('/srv/tree/var/cpanel/whm2fa/users');
    expect(paths.installConfig).toBe('/srv/tree/usr/local/cpanel/3rdparty/whm2fa/install.json');
    expect(Object.isFrozen(paths)).toBe(true);
    const onServer = serverPaths('/');
    expect(onServer.whmapi1).toBe('/usr/local/cpanel/bin/whmapi1');
    expect(onServer.resellers).toBe('/var/cpanel/resellers');
    expect(onServer.hostsFile).toBe('/etc/hosts');
    for (const [name, value] of Object.entries(onServer)) {
      if (name === 'root') continue;
      expect(value, name).toMatch(/^\/(etc|usr|var|proc|root|dev)\/[^/]/);
      expect(value, name).not.toMatch(/\/\/|\/$/);
    }
    const values = Object.entries(onServer)
      .filter(([n]) => n !== 'root')
      .map(([, v]) => v);
    expect(new Set(values).size).toBe(values.length);
  });

  it('names the files a server has where cPanel keeps them', () => {
    const p = serverPaths('/');
    expect({ ...p }).toEqual({
      root: '/',
      resellers: '/var/cpanel/resellers',
      trueUserOwners: '/etc/trueuserowners',
      trueUserDomains: '/etc/trueuserdomains',
      userDomains: '/etc/userdomains',
      cpanelUsersDir: '/var/cpanel/users',
      wwwacctConf: '/etc/wwwacct.conf',
      cpanelConfig: '/var/cpanel/cpanel.config',
      rootCpanelConfig: '/root/.cpanel_config',
      serverLocale: '/var/cpanel/server_locale',
      cpanelVersionFile: '/usr/local/cpanel/version',
      teamDir: '/var/cpanel/team',
      installConfig: '/usr/local/cpanel/3rdparty/whm2fa/install.json',
      tfaUserdata: '/var/cpanel/authn/twofactor_auth/tfa_userdata.json',
      issuerUserdata: '/var/cpanel/authn/twofactor_auth/issuer_userdata.json',
      stateDir: '/var/cpanel/whm2fa',
      userStateDir: '/var/cpanel/whm2fa/users',
      settingsFile: '/var/cpanel/whm2fa/settings.json',
      ownSettingsFile: '/var/cpanel/whm2fa/settings.conf',
      lastCpanelFailureFile: '/var/cpanel/whm2fa/last-cpanel-failure.json',
      auditFile: '/var/cpanel/whm2fa/audit.log',
      lockFile: '/var/cpanel/whm2fa/state.lock',
      tmpDir: '/var/cpanel/whm2fa/tmp',
      knownKeysFile: '/var/cpanel/whm2fa/cpanel-keys.json',
      expectedKeysFile: '/var/cpanel/whm2fa/expected-keys.json',
      accountEventsFile: '/var/cpanel/whm2fa/account-events.json',
      remindersFile: '/var/cpanel/whm2fa/reminders.json',
      coverageFile: '/var/cpanel/whm2fa/coverage.json',
      whmapi1: '/usr/local/cpanel/bin/whmapi1',
      uapi: '/usr/local/cpanel/bin/uapi',
      sendmail: '/usr/sbin/sendmail',
      logger: '/usr/bin/logger',
      timeoutTool: '/usr/bin/timeout',
      devLog: '/dev/log',
      manageHooks: '/usr/local/cpanel/bin/manage_hooks',
      registerAppconfig: '/usr/local/cpanel/bin/register_appconfig',
      headerDir: '/var/cpanel/caches/_generated_header_files',
      footerFile: '/var/cpanel/caches/_generated_footer_files/footer.html',
      appsDir: '/var/cpanel/apps',
      cgiDir: '/usr/local/cpanel/whostmgr/docroot/cgi/whm2fa',
      programDir: '/usr/local/cpanel/3rdparty/whm2fa',
      localesDir: '/usr/local/cpanel/3rdparty/whm2fa/locales',
      iconFile: '/usr/local/cpanel/whostmgr/docroot/addon_plugins/whm2fa.png',
      cliLink: '/usr/local/sbin/whm2fa',
      passengerNode: '/etc/cpanel/ea4/passenger.nodejs',
      hostsFile: '/etc/hosts',
      kernelHostnameFile: '/proc/sys/kernel/hostname',
    });
  });
});

describe('qrSvg', () => {
  it('draws a key URI as a 240 px SVG with a quiet zone', async () => {
    const svg = await qrSvg('otpauth://totp/Host:bob?secret=JBSWY3DPEHPK3PXP&issuer=Host');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg).toContain('width="240"');
    expect(svg).not.toMatch(/^\s|\s$/);
    // A byte-mode symbol of this length is version 4 (33 modules) with a margin of 2 each side.
    expect(svg).toContain('viewBox="0 0 37 37"');
    // The fixed choices (one byte segment, level M, mask 2) are what qrcode's own API draws with them.
    const uri = 'otpauth://totp/Host:bob?secret=JBSWY3DPEHPK3PXP&issuer=Host';
    const expected = await QRCode.toString([{ data: Buffer.from(uri), mode: 'byte' }], {
      type: 'svg',
      errorCorrectionLevel: 'M',
      maskPattern: 2,
      margin: 2,
      width: 240,
    });
    expect(svg).toBe(expected.trim());
    const other = await qrSvg('otpauth://totp/Host:bob?secret=GEZDGNBVGY3TQOJQ&issuer=Host');
    expect(other).not.toBe(svg);
  });
});

describe('account events', () => {
  let root: string;
  let paths: ServerPaths;
  const everyone = (): boolean => true;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'whm2fa-events-'));
    paths = serverPaths(root);
    mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('knows an event it handled, and only that very one', () => {
    const create = { kind: 'create', start: '1700000000' } as const;
    expect(wasHandledLocked(paths, 'bob', create)).toBe(false);
    rememberHandledLocked(paths, 'bob', create, everyone);
    expect(wasHandledLocked(paths, 'bob', create)).toBe(true);
    expect(wasHandledLocked(paths, 'bob', { kind: 'create', start: '1700000001' })).toBe(false);
    expect(wasHandledLocked(paths, 'bob', { kind: 'rename', start: '1700000000' })).toBe(false);
    expect(wasHandledLocked(paths, 'carol', create)).toBe(false);
    const rename = { kind: 'rename', start: '1700000000', from: 'old' } as const;
    rememberHandledLocked(paths, 'bob', rename, everyone);
    expect(wasHandledLocked(paths, 'bob', rename)).toBe(true);
    expect(wasHandledLocked(paths, 'bob', { ...rename, from: 'other' })).toBe(false);
    expect(wasHandledLocked(paths, 'bob', { kind: 'rename', start: '1700000000' })).toBe(false);
    expect(wasHandledLocked(paths, 'toString', create)).toBe(false);
  });

  it('forgets handled events of accounts that are gone, as it writes', () => {
    rememberHandledLocked(paths, 'bob', { kind: 'create', start: '1' }, everyone);
    rememberHandledLocked(paths, 'carol', { kind: 'create', start: '2' }, (user) => user === 'carol');
    const file = JSON.parse(readFileSync(paths.accountEventsFile, 'utf8')) as { handled: Record<string, unknown> };
    expect(Object.keys(file.handled)).toEqual(['carol']);
  });

  it('keeps the domains of an account being removed until they are taken', () => {
    noteDepartingLocked(paths, 'bob', ['bob.example', 'addon.example'], everyone);
    noteDepartingLocked(paths, 'carol', ['carol.example'], everyone);
    expect(takeDepartingLocked(paths, 'bob', everyone)).toEqual(['bob.example', 'addon.example']);
    expect(takeDepartingLocked(paths, 'bob', everyone)).toBeUndefined();
    expect(takeDepartingLocked(paths, 'dave', everyone)).toBeUndefined();
    expect(takeDepartingLocked(paths, 'carol', () => false)).toEqual(['carol.example']);
  });

  it('skips damaged entries and refuses a file that is not a record', () => {
    writeFileSync(
      paths.accountEventsFile,
      JSON.stringify({
        handled: {
          a: { kind: 'create', start: '1' },
          b: { kind: 'delete', start: '1' },
          c: { kind: 'create', start: 1 },
          d: { kind: 'rename', start: '1', from: 5 },
          e: null,
          f: { kind: 'rename', start: '1', from: 'x' },
        },
        departing: { a: ['x.example'], b: 'x.example', c: [1], d: [] },
      }),
    );
    expect(wasHandledLocked(paths, 'a', { kind: 'create', start: '1' })).toBe(true);
    expect(wasHandledLocked(paths, 'b', { kind: 'delete' as 'create', start: '1' })).toBe(false);
    expect(wasHandledLocked(paths, 'c', { kind: 'create', start: 1 as unknown as string })).toBe(false);
    expect(wasHandledLocked(paths, 'f', { kind: 'rename', start: '1', from: 'x' })).toBe(true);
    expect(takeDepartingLocked(paths, 'b', everyone)).toBeUndefined();
    expect(takeDepartingLocked(paths, 'c', everyone)).toBeUndefined();
    expect(takeDepartingLocked(paths, 'd', everyone)).toEqual([]);
    const file = JSON.parse(readFileSync(paths.accountEventsFile, 'utf8')) as Record<string, Record<string, unknown>>;
    expect(Object.keys(file['handled'] ?? {})).toEqual(['a', 'f']);
    expect(file['departing']).toEqual({ a: ['x.example'] });
    for (const text of ['[]', '"x"', 'null', '5']) {
      writeFileSync(paths.accountEventsFile, text);
      expect(() => wasHandledLocked(paths, 'a', { kind: 'create', start: '1' }), text).toThrow(
        `${paths.accountEventsFile} does not hold account events`,
      );
    }
    writeFileSync(paths.accountEventsFile, '{"handled":[1],"departing":null}');
    expect(wasHandledLocked(paths, '0', { kind: 'create', start: '1' })).toBe(false);
  });
});

describe('cleanCode', () => {
  it('drops blanks and dashes as typed, and keeps the rest as it is', () => {
    expect(cleanCode(' 123 456 ')).toBe('123456');
    expect(cleanCode('12--34\t56')).toBe('123456');
    expect(cleanCode('abcd-EFGH')).toBe('abcdEFGH');
    expect(cleanCode('')).toBe('');
  });
});
