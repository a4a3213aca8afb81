// `whm2fa config`'s rules in process: the settings read from their homes (cPanel for the
// issuer and policy, settings.conf for whm2fa's own), a request applied through the page's
// own paths, only what differs changed and audited, a damaged file replaced whole, and the
// syslog command line (fixed flags only, the lines on stdin).
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applySettings, currentSetting, currentSettingsLines } from '../../plugin/src/serverConfig';
import { readOwnSettings } from '../../plugin/src/settingsFile';
import { listAudit } from '../../plugin/src/audit';
import { ROOT_CALLER } from '../../plugin/src/access';
import { loggerCommand, sendToSyslog, LOGGER_LIMIT_SECONDS } from '../../plugin/src/syslog';
import type { CpanelBridge } from '../../plugin/src/cpanel';
import type { RequestContext } from '../../plugin/src/context';
import type { ServerPaths } from '../../plugin/src/paths';
import { scratchServer } from '../support/fakeBridge';

const NOW = 1_800_000_000;
let root: string;
let paths: ServerPaths;
let calls: string[];
let ctx: RequestContext;

beforeEach(() => {
  ({ root, paths } = scratchServer('whm2fa-server-config-'));
  mkdirSync(join(paths.cpanelConfig, '..'), { recursive: true });
  writeFileSync(paths.cpanelConfig, 'SecurityPolicy::TwoFactorAuth=1\n');
  writeFileSync(paths.issuerUserdata, '{}');
  // syslog off in the tree: these tests look at the local trail only.
  mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  calls = [];
  // cPanel as its tools behave: the issuer and policy land in its files.
  const cpanel = {
    setSystemIssuer(issuer: string) {
      calls.push(`issuer ${issuer}`);
      writeFileSync(paths.issuerUserdata, JSON.stringify(issuer === '' ? {} : { system_wide_issuer: issuer }));
    },
    setPolicy(enabled: boolean) {
      calls.push(`policy ${String(enabled)}`);
      writeFileSync(paths.cpanelConfig, `SecurityPolicy::TwoFactorAuth=${enabled ? 1 : 0}\n`);
    },
  } as unknown as CpanelBridge;
  ctx = { paths, caller: ROOT_CALLER, ip: '', epochSeconds: NOW, cpanel };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const audit = (): string[] =>
  listAudit(paths, { limit: 100, visible: () => true })
    .reverse()
    .map((e) => `${e.action}: ${e.result}`);

describe('current settings', () => {
  it('reads the issuer and policy from cPanel and the rest from settings.conf', () => {
    expect(currentSettingsLines(paths)).toEqual([
      'issuer=',
      'login_policy=on',
      'syslog=on',
      'audit_days=0',
      'audit_mib=6',
      'tool_timeout=20',
    ]);
    writeFileSync(paths.issuerUserdata, JSON.stringify({ system_wide_issuer: 'Host A' }));
    writeFileSync(paths.cpanelConfig, 'SecurityPolicy::TwoFactorAuth=0\n');
    writeFileSync(paths.ownSettingsFile, 'syslog=off\naudit_days=9\n');
    expect(currentSetting(paths, 'issuer')).toBe('Host A');
    expect(currentSetting(paths, 'login_policy')).toBe('off');
    expect(currentSetting(paths, 'syslog')).toBe('off');
    expect(currentSetting(paths, 'audit_days')).toBe('9');
    expect(currentSetting(paths, 'tool_timeout')).toBe('20');
  });
});

describe('applying a request', () => {
  it('changes cPanel’s settings through its calls, then whm2fa’s own in one audited write', () => {
    writeFileSync(paths.ownSettingsFile, 'syslog=off\n');
    const applied = applySettings(ctx, {
      issuer: 'Host B',
      loginPolicy: false,
      own: { auditDays: 30, toolTimeoutSeconds: 5, syslog: false },
    });
    expect(calls).toEqual(['issuer Host B', 'policy false']);
    expect(applied).toEqual({
      changed: [
        'issuer: "" -> "Host B" (now Host B)',
        'login_policy: on -> off',
        'audit_days: 0 -> 30',
        'tool_timeout: 20 -> 5',
      ],
      resetDamaged: false,
    });
    expect(readOwnSettings(paths)).toEqual({ syslog: false, auditDays: 30, auditMib: 6, toolTimeoutSeconds: 5 });
    expect(audit()).toEqual([
      'issuer.set: system-wide set to "Host B"',
      'policy.set: off',
      'config.set: audit_days: 0 -> 30, tool_timeout: 20 -> 5',
    ]);
  });

  it('applies nothing that is already so: no call, no write, no entry', () => {
    writeFileSync(paths.issuerUserdata, JSON.stringify({ system_wide_issuer: 'Host C' }));
    writeFileSync(paths.ownSettingsFile, 'syslog=off\n');
    const before = readFileSync(paths.ownSettingsFile, 'utf8');
    expect(applySettings(ctx, { issuer: 'Host C', loginPolicy: true, own: { syslog: false, auditMib: 6 } })).toEqual({
      changed: [],
      resetDamaged: false,
    });
    expect(calls).toEqual([]);
    expect(readFileSync(paths.ownSettingsFile, 'utf8')).toBe(before);
    expect(audit()).toEqual([]);
  });

  it('names each of whm2fa’s own settings it changes', () => {
    expect(applySettings(ctx, { own: { auditMib: 9 } }).changed).toEqual(['audit_mib: 6 -> 9']);
    expect(applySettings(ctx, { own: { syslog: false } }).changed).toEqual(['syslog: on -> off']);
    expect(applySettings(ctx, { own: { syslog: true } }).changed).toEqual(['syslog: off -> on']);
    expect(readOwnSettings(paths)).toEqual({ syslog: true, auditDays: 0, auditMib: 9, toolTimeoutSeconds: 20 });
  });

  it('rewrites a damaged file even when the request changes no value', () => {
    writeFileSync(paths.ownSettingsFile, 'audit_days=never\n');
    expect(applySettings(ctx, { own: { syslog: true } })).toEqual({ changed: [], resetDamaged: true });
    expect(readOwnSettings(paths)).toEqual({ syslog: true, auditDays: 0, auditMib: 6, toolTimeoutSeconds: 20 });
    expect(audit()).toEqual(['config.set: settings file rewritten']);
  });

  it('turns the policy on and says so', () => {
    writeFileSync(paths.cpanelConfig, 'SecurityPolicy::TwoFactorAuth=0\n');
    expect(applySettings(ctx, { loginPolicy: true, own: {} }).changed).toEqual(['login_policy: off -> on']);
    expect(calls).toEqual(['policy true']);
  });

  it('replaces a damaged settings file whole, saying the unnamed keys are back to their defaults', () => {
    writeFileSync(paths.ownSettingsFile, 'syslog=off\naudit_days=never\n');
    const applied = applySettings(ctx, { own: { syslog: false } });
    expect(applied.resetDamaged).toBe(true);
    expect(readOwnSettings(paths)).toEqual({ syslog: false, auditDays: 0, auditMib: 6, toolTimeoutSeconds: 20 });
    expect(audit()).toEqual(['config.set: syslog: on -> off']);
  });

  it('stops at a cPanel refusal with whm2fa’s own settings untouched', () => {
    ctx = {
      ...ctx,
      cpanel: {
        setSystemIssuer() {
          throw new Error('refused');
        },
      } as unknown as CpanelBridge,
    };
    expect(() => applySettings(ctx, { issuer: 'Host D', own: { auditDays: 5 } })).toThrow();
    expect(readOwnSettings(paths).auditDays).toBe(0);
  });
});

describe('the syslog command', () => {
  it('is timeout, then logger with fixed flags only: authpriv.info, tag whm2fa, the tree’s dev/log', () => {
    const { command, args } = loggerCommand(paths);
    expect(command).toBe(paths.timeoutTool);
    expect(args).toEqual([
      '-s',
      'KILL',
      String(LOGGER_LIMIT_SECONDS),
      paths.logger,
      '-p',
      'authpriv.info',
      '-t',
      'whm2fa',
      '--size',
      '8192',
      '-u',
      paths.devLog,
    ]);
    expect(LOGGER_LIMIT_SECONDS).toBe(10);
  });

  it('hands logger the lines on stdin, one per entry, with a plain environment', async () => {
    mkdirSync(join(paths.timeoutTool, '..'), { recursive: true });
    const fifo = join(root, 'syslog.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    writeFileSync(
      paths.timeoutTool,
      `#!/bin/sh\n{ printf 'PATH=%s LANG=%s\\n' "$PATH" "$LANG"; printf '%s\\n' "$@"; cat; } > '${fifo}'\n`,
      { mode: 0o755 },
    );
    // Read as the stand-in writes: the stream ends when it closes the pipe.
    const received = new Promise<string>((resolve, reject) => {
      let text = '';
      createReadStream(fifo, 'utf8')
        .on('data', (chunk) => (text += String(chunk)))
        .on('end', () => resolve(text))
        .on('error', reject);
    });
    expect(sendToSyslog(paths, ['{"a":1}', '{"b":2}'])).toBe(true);
    const lines = (await received).split('\n');
    expect(lines[0]).toBe('PATH=/usr/bin:/bin LANG=C');
    expect(lines.slice(1, 13)).toEqual(loggerCommand(paths).args);
    expect(lines.slice(13)).toEqual(['{"a":1}', '{"b":2}', '']);
  });

  it('sends nothing for no lines, and reports a program that cannot start', () => {
    expect(sendToSyslog(paths, ['{"a":1}'])).toBe(false);
    mkdirSync(join(paths.timeoutTool, '..'), { recursive: true });
    writeFileSync(paths.timeoutTool, `#!/bin/sh\necho ran >> '${join(root, 'ran')}'\n`, { mode: 0o755 });
    expect(sendToSyslog(paths, [])).toBe(false);
    expect(sendToSyslog(paths, ['{"a":1}'])).toBe(true);
  });
});
