/**
 * The Settings tab: the issuer authenticator apps show, and cPanel's 2FA login policy.
 * Root-level callers set the system-wide issuer in cPanel; a reseller's own issuer is
 * kept in whm2fa's settings (see settings.ts for why).
 */
import { cpanelFailed, forbidden } from './errors';
import { said, t } from './messages';
import { appendAudit, appendAuditLocked } from './audit';
import { CpanelCallError } from './cpanel';
import { policyEnabled, readCpanelIssuers, serverHostname } from './cpanelState';
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

/** Runs a cPanel call; a failure of the call itself is returned, to be judged by reading cPanel's state back. */
function attempt(call: () => void): CpanelCallError | undefined {
  try {
    call();
    return undefined;
  } catch (err) {
    if (err instanceof CpanelCallError) return err;
    throw err;
  }
}

/** ` (cPanel said: …)` for a failed call, else nothing. */
/** cPanel's reason for the audit trail (kept in English). */
function saidBy(failure: CpanelCallError | undefined): string {
  return failure === undefined ? '' : ` (cPanel said: ${failure.reason})`;
}

/** cPanel's reason for the caller, in the request's language ("" when cPanel gave none). */
function cpanelSaid(failure: CpanelCallError | undefined): string {
  return failure === undefined ? '' : t('cpanel.said', { reason: failure.reason });
}

/**
 * Sets the caller's issuer; "" resets it to the default. Each actor's saves are
 * rate-limited (rateLimit.ts): past the limit the answer is RATE_LIMITED with a time to retry.
 * Root's goes to cPanel, and cPanel's file is read back: when it does not hold the issuer
 * (whatever the call answered), the answer is CPANEL_FAILED with cPanel's reason and the issuer it holds now.
 */
export function setIssuer(ctx: RequestContext, input: string): SettingsView {
  const { paths, caller, epochSeconds } = ctx;
  const issuer = validIssuer(input);
  const result = issuer === '' ? 'reset to default' : `set to "${issuer}"`;
  // Said in the reader's language where whm2fa words it all (a cPanel reason stays English).
  const own = issuer === '' ? said('result.issuerReset') : said('result.issuerSet', { issuer });
  const systemWide = issuer === '' ? said('result.systemIssuerReset') : said('result.systemIssuerSet', { issuer });
  if (caller.isRoot) {
    limitRate(ctx, 'issuer.set');
    const failure = attempt(() => ctx.cpanel.setSystemIssuer(issuer));
    const held = readCpanelIssuers(paths).get('system_wide_issuer') ?? '';
    // Judged by what cPanel holds, whatever the call answered: a success that changed
    // nothing is not reported as saved (only what was read back is said).
    const saved = held === issuer;
    appendAudit(paths, {
      epochSeconds,
      actor: caller.user,
      subject: caller.user,
      action: 'issuer.set',
      ip: ctx.ip,
      result:
        saved && failure === undefined
          ? systemWide
          : saved
            ? `system-wide ${result}${saidBy(failure)}`
            : `failed: system-wide not ${result}${saidBy(failure)}`,
    });
    if (!saved) {
      throw cpanelFailed(
        held === ''
          ? t('issuer.notSavedHostname', { said: cpanelSaid(failure), host: serverHostname(paths) })
          : t('issuer.notSaved', { said: cpanelSaid(failure), issuer: held }),
      );
    }
  } else {
    withLock(paths.lockFile, () => {
      chargeLocked(ctx, 'issuer.set');
      const settings = readSettings(paths);
      writeSettings(paths, { ...settings, issuers: { ...settings.issuers, [caller.user]: issuer } });
      appendAuditLocked(paths, [
        { epochSeconds, actor: caller.user, subject: caller.user, action: 'issuer.set', ip: ctx.ip, result: own },
      ]);
    });
  }
  return getSettings(ctx);
}

/**
 * Switches cPanel's 2FA login policy (root-level callers only) and reads it back: when the
 * policy is not as asked (the call failed, or answered success and changed nothing), the
 * answer is CPANEL_FAILED with cPanel's reason, if any, and the policy as it is now.
 */
export function setPolicy(ctx: RequestContext, enabled: boolean): boolean {
  const { paths, caller, epochSeconds } = ctx;
  if (!caller.isRoot) throw forbidden(t('policy.rootOnly'));
  const failure = attempt(() => ctx.cpanel.setPolicy(enabled));
  const now = policyEnabled(paths);
  // Judged by the policy read back: a call that answered success without changing it is refused too.
  const refused = now !== enabled;
  appendAudit(paths, {
    epochSeconds,
    actor: caller.user,
    subject: caller.user,
    action: 'policy.set',
    ip: ctx.ip,
    result:
      failure === undefined
        ? said(now ? 'result.policyOn' : 'result.policyOff')
        : `${refused ? 'failed: still ' : ''}${now ? 'on' : 'off'}${saidBy(failure)}`,
  });
  if (refused) {
    throw cpanelFailed(t(enabled ? 'policy.notTurnedOn' : 'policy.notTurnedOff', { said: cpanelSaid(failure) }));
  }
  return now;
}
