/**
 * `whm2fa config`: the server's settings read from their homes and changed through the
 * same paths as the page. The issuer and the login policy live in cPanel (the page's
 * Settings tab reads and writes them there, with the same audit entries and read-back);
 * whm2fa's own settings live in settings.conf (settingsFile.ts). So the page, the file
 * and `config get` cannot disagree: each value has one home.
 *
 * A request (one `KEY VALUE`, or a whole file) is checked whole before anything changes;
 * a value equal to the current one is not applied again, so a config tool's run that
 * changes nothing leaves no audit entry and says `unchanged`.
 */
import { setIssuer, setPolicy } from './configuration';
import { appendAuditLocked } from './audit';
import { policyEnabled } from './cpanelState';
import { systemWideIssuer } from './issuer';
import { readCpanelIssuers } from './cpanelState';
import { withLock } from './store';
import { Whm2faError } from './errors';
import {
  DEFAULT_SETTINGS,
  ownSettingsLines,
  readOwnSettings,
  writeOwnSettingsLocked,
  type OwnSettings,
  type SettingKey,
  type SettingsRequest,
} from './settingsFile';
import type { RequestContext } from './context';
import type { ServerPaths } from './paths';

/** Every setting as `key=value` lines, as a settings file holds them. */
export function currentSettingsLines(paths: ServerPaths): string[] {
  // The issuer as root chose it in cPanel; empty when it is the hostname (cPanel's default).
  const issuer = readCpanelIssuers(paths).get('system_wide_issuer') ?? '';
  return [
    `issuer=${issuer}`,
    `login_policy=${policyEnabled(paths) ? 'on' : 'off'}`,
    ...ownSettingsLines(readOwnSettings(paths)),
  ];
}

/** One setting's current value as the file writes it. */
export function currentSetting(paths: ServerPaths, key: SettingKey): string {
  const line = currentSettingsLines(paths).find((l) => l.startsWith(`${key}=`)) ?? '';
  return line.slice(key.length + 1);
}

const shown = (value: boolean | number): string =>
  typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value);

/** What applying a request changed: `key: from -> to` for each change. */
export interface Applied {
  readonly changed: readonly string[];
  /** settings.conf was damaged: the keys the request did not name are back to their defaults. */
  readonly resetDamaged: boolean;
}

const OWN_KEYS: ReadonlyArray<readonly [keyof OwnSettings, SettingKey]> = [
  ['syslog', 'syslog'],
  ['auditDays', 'audit_days'],
  ['auditMib', 'audit_mib'],
  ['toolTimeoutSeconds', 'tool_timeout'],
];

/**
 * Applies a checked request as root: cPanel's settings first (each through the page's own
 * path, audited; a refusal stops here with nothing of whm2fa's own changed), then
 * whm2fa's own in one atomic write, audited as `config.set`.
 */
export function applySettings(ctx: RequestContext, request: SettingsRequest): Applied {
  const { paths } = ctx;
  const changed: string[] = [];
  try {
    if (request.issuer !== undefined) {
      const before = readCpanelIssuers(paths).get('system_wide_issuer') ?? '';
      if (before !== request.issuer) {
        setIssuer(ctx, request.issuer);
        changed.push(`issuer: "${before}" -> "${request.issuer}" (now ${systemWideIssuer(paths)})`);
      }
    }
    if (request.loginPolicy !== undefined && policyEnabled(paths) !== request.loginPolicy) {
      setPolicy(ctx, request.loginPolicy);
      changed.push(`login_policy: ${request.loginPolicy ? 'off -> on' : 'on -> off'}`);
    }
  } catch (err) {
    // A refusal after an earlier key was applied: say both, so the host knows the state.
    if (changed.length === 0 || !(err instanceof Whm2faError)) throw err;
    throw new Whm2faError(
      err.code,
      `${err.message} Applied before that: ${changed.join('; ')}. Not applied: every later setting of the request (whm2fa's own settings included).`,
    );
  }
  let resetDamaged = false;
  withLock(paths.lockFile, () => {
    let before: OwnSettings;
    try {
      before = readOwnSettings(paths);
    } catch {
      before = DEFAULT_SETTINGS;
      resetDamaged = true;
    }
    const after: OwnSettings = { ...before, ...request.own };
    const own = OWN_KEYS.filter(([field]) => before[field] !== after[field]).map(
      ([field, key]) => `${key}: ${shown(before[field])} -> ${shown(after[field])}`,
    );
    if (own.length === 0 && !resetDamaged) return;
    writeOwnSettingsLocked(paths, after);
    changed.push(...own);
    appendAuditLocked(paths, [
      {
        epochSeconds: ctx.epochSeconds,
        actor: ctx.caller.user,
        subject: ctx.caller.user,
        action: 'config.set',
        ip: ctx.ip,
        result: own.length === 0 ? 'settings file rewritten' : own.join(', '),
      },
    ]);
  });
  return { changed, resetDamaged };
}
