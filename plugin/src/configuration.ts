/**
 * The Settings tab: the issuer authenticator apps show, and cPanel's 2FA login policy.
 * Root-level callers set the system-wide issuer in cPanel; a reseller's own issuer is
 * kept in whm2fa's settings (see settings.ts for why).
 */
import { forbidden } from './errors';
import { appendAudit, appendAuditLocked } from './audit';
import { policyEnabled, serverHostname } from './cpanelState';
import { issuerFor, systemWideIssuer, validIssuer } from './issuer';
import { readSettings, writeSettings } from './settings';
import { withLock } from './store';
import { chargeLocked, limitRate } from './rateLimit';
import type { RequestContext } from './context';

/** What the Settings tab shows: the caller's issuer, the system-wide one and the login policy. */
export interface SettingsView {
  readonly issuer: string;
  readonly systemWideIssuer: string;
  readonly policyEnabled: boolean;
  /** What saving an empty issuer gives this caller: the hostname for root, the system-wide issuer for a reseller. */
  readonly defaultIssuer: string;
}

/** The caller's issuer settings, and what an empty field would fall back to. */
export function getSettings(ctx: RequestContext): SettingsView {
  const { paths, caller } = ctx;
  const systemWide = systemWideIssuer(paths);
  return {
    issuer: caller.isRoot ? systemWide : issuerFor(paths, caller.user, true),
    systemWideIssuer: systemWide,
    policyEnabled: policyEnabled(paths),
    defaultIssuer: caller.isRoot ? serverHostname(paths) : systemWide,
  };
}

/**
 * Sets the caller's issuer; "" resets it to the default. Each actor's saves are
 * rate-limited (rateLimit.ts): past the limit the answer is RATE_LIMITED with a time to retry.
 */
export function setIssuer(ctx: RequestContext, input: string): SettingsView {
  const { paths, caller, epochSeconds } = ctx;
  const issuer = validIssuer(input);
  const result = issuer === '' ? 'reset to default' : `set to "${issuer}"`;
  if (caller.isRoot) {
    limitRate(ctx, 'issuer.set');
    ctx.cpanel.setSystemIssuer(issuer);
    appendAudit(paths, {
      epochSeconds,
      actor: caller.user,
      subject: caller.user,
      action: 'issuer.set',
      ip: ctx.ip,
      result: `system-wide ${result}`,
    });
  } else {
    withLock(paths.lockFile, () => {
      chargeLocked(ctx, 'issuer.set');
      const settings = readSettings(paths);
      writeSettings(paths, { ...settings, issuers: { ...settings.issuers, [caller.user]: issuer } });
      appendAuditLocked(paths, [
        { epochSeconds, actor: caller.user, subject: caller.user, action: 'issuer.set', ip: ctx.ip, result },
      ]);
    });
  }
  return getSettings(ctx);
}

/** Switches cPanel's 2FA login policy (root-level callers only). */
export function setPolicy(ctx: RequestContext, enabled: boolean): boolean {
  const { paths, caller, epochSeconds } = ctx;
  if (!caller.isRoot) throw forbidden('Only root can switch the two-factor login policy. Ask your host.');
  ctx.cpanel.setPolicy(enabled);
  const now = policyEnabled(paths);
  appendAudit(paths, {
    epochSeconds,
    actor: caller.user,
    subject: caller.user,
    action: 'policy.set',
    ip: ctx.ip,
    result: now ? 'on' : 'off',
  });
  return now;
}
