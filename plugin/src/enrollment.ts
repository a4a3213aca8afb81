/**
 * Setting up and replacing a device. The new secret waits as a pending enrollment (10
 * minutes) until a code proves it; replacing also proves the current device. Only then
 * is the secret saved into cPanel's store, and if cPanel refuses, everything stays as
 * it was, pending enrollment included.
 */
import { Whm2faError, badRequest } from './errors';
import { appendAudit, appendAuditLocked } from './audit';
import { hasCpanelAccount } from './accounts';
import { secretOf } from './cpanelState';
import { issuerFor } from './issuer';
import { notify } from './notice';
import { codeAt, keyUri, loadTotp, newSecret } from './totp';
import { livePending, readUserState, withoutPending, writeUserState } from './userState';
import { iso, verifyCodes } from './verification';
import { withLock } from './store';
import { qrSvg } from './qr';
import type { RequestContext } from './context';

export const PENDING_SECONDS = 10 * 60;

export interface EnrollmentStart {
  readonly secret: string;
  readonly otpauthUri: string;
  readonly qrSvg: string;
  readonly account: string;
  readonly issuer: string;
  readonly expiresAt: string;
}

/** Makes a new secret and keeps it pending; a previous pending one is replaced. */
export async function startEnrollment(ctx: RequestContext): Promise<EnrollmentStart> {
  const { paths, caller, epochSeconds } = ctx;
  const secret = newSecret();
  const issuer = issuerFor(paths, caller.user, caller.isReseller);
  const otpauthUri = keyUri({ issuer, account: caller.user, secret });
  const svg = await qrSvg(otpauthUri);
  const expiresAt = epochSeconds + PENDING_SECONDS;
  withLock(paths.lockFile, () => {
    const state = readUserState(paths, caller.user);
    writeUserState(paths, caller.user, { ...state, pending: { secret, createdAt: epochSeconds, expiresAt } });
  });
  return { secret, otpauthUri, qrSvg: svg, account: caller.user, issuer, expiresAt: iso(expiresAt) };
}

/** Proves the pending secret (and the current one when replacing) and saves it into cPanel. */
export async function confirmEnrollment(
  ctx: RequestContext,
  code: string,
  currentCode: string | undefined,
): Promise<void> {
  const { paths, caller, epochSeconds } = ctx;
  await loadTotp();
  const user = caller.user;
  const pending = livePending(readUserState(paths, user), epochSeconds);
  if (pending === undefined) {
    throw new Whm2faError(
      'NO_PENDING',
      'There is no setup in progress, or it expired after 10 minutes. Start the setup again.',
    );
  }
  const current = secretOf(paths, user);
  if (current !== undefined && currentCode === undefined) {
    throw badRequest('Enter the current security code from your existing device to replace it.');
  }
  const checks = [{ secret: pending.secret, code }];
  if (current !== undefined && currentCode !== undefined) checks.push({ secret: current, code: currentCode });
  verifyCodes({ paths, user, actor: user, ip: ctx.ip, epochSeconds, checks });

  const action = current === undefined ? 'enable' : 'replace';
  try {
    saveIntoCpanel(ctx, pending.secret);
  } catch (err) {
    appendAudit(paths, {
      epochSeconds,
      actor: user,
      subject: user,
      action,
      ip: ctx.ip,
      result: 'failed: cPanel refused',
    });
    throw err;
  }
  withLock(paths.lockFile, () => {
    const state = readUserState(paths, user);
    if (state.pending?.secret === pending.secret) writeUserState(paths, user, withoutPending(state));
    appendAuditLocked(paths, [{ epochSeconds, actor: user, subject: user, action, ip: ctx.ip, result: 'ok' }]);
  });
  notify(paths, { kind: current === undefined ? 'enabled' : 'replaced', user, actor: user, ip: ctx.ip, epochSeconds });
}

/** Drops the pending enrollment, if any. */
export function cancelEnrollment(ctx: RequestContext): void {
  const { paths, caller } = ctx;
  const had = withLock(paths.lockFile, () => {
    const state = readUserState(paths, caller.user);
    if (state.pending === undefined) return false;
    writeUserState(paths, caller.user, withoutPending(state));
    return true;
  });
  if (had) {
    appendAudit(paths, {
      epochSeconds: ctx.epochSeconds,
      actor: caller.user,
      subject: caller.user,
      action: 'enroll.cancel',
      ip: ctx.ip,
      result: 'ok',
    });
  }
}

/**
 * cPanel's save path for this user (whm-contract.md §5): root through WHM API 1, a
 * reseller through UAPI as itself, a reseller without a cPanel account through
 * `set_tfa_config_for_user` when UAPI cannot serve it. Then the store is read back: whm2fa only reports success
 * when cPanel really holds the new secret.
 */
function saveIntoCpanel(ctx: RequestContext, secret: string): void {
  const { paths, caller, cpanel } = ctx;
  // A fresh code for the new secret: cPanel checks one, and this one cannot be stale.
  const token = codeAt(secret, ctx.epochSeconds);
  if (caller.user === 'root') cpanel.saveRootSecret(secret, token);
  else if (hasCpanelAccount(paths, caller.user)) cpanel.saveUserSecret(caller.user, secret, token);
  else {
    // No cPanel account on file: UAPI probably cannot serve this reseller, and
    // set_tfa_config_for_user (11.122+) is the fallback. UAPI is still tried first in case
    // the account files are just not where we look (unverified: README checklist).
    try {
      cpanel.saveUserSecret(caller.user, secret, token);
    } catch {
      cpanel.saveSecretForUser(caller.user, secret);
    }
  }
  if (secretOf(paths, caller.user) !== secret) {
    throw new Whm2faError(
      'CPANEL_FAILED',
      'cPanel reported success but did not store the new key, so nothing was changed. Ask your host to check the server.',
    );
  }
}
