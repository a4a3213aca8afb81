// Tenants stay apart and history stays whole: one reseller's volume cannot push root's or
// another reseller's audit entries out, and a reseller sees only the history of accounts
// it owned when the entries were written. Everything runs through the real code paths,
// in-process, with time as a parameter.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit, listAudit, type AuditEntry, type AuditInput } from '../../plugin/src/audit';
import { auditVisibility, type Caller } from '../../plugin/src/access';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';
import { setIssuer } from '../../plugin/src/configuration';
import { ACTIONS } from '../../plugin/src/api/actions';
import { verifyCodes } from '../../plugin/src/verification';
import { writeUserState } from '../../plugin/src/userState';
import { Whm2faError } from '../../plugin/src/errors';
import { BURST, REFILL_SECONDS, takeToken } from '../../plugin/src/rateLimit';
import { withLock } from '../../plugin/src/store';
import { loadTotp } from '../../plugin/src/totp';
import type { CpanelBridge } from '../../plugin/src/cpanel';
import type { RequestContext } from '../../plugin/src/context';

let root: string;
let paths: ServerPaths;
const T0 = 1_800_000_000;

const ROOT: Caller = { user: 'root', isRoot: true, isReseller: false };
const reseller = (user: string): Caller => ({ user, isRoot: false, isReseller: true });

beforeAll(loadTotp);
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'whm2fa-tenants-'));
  paths = serverPaths(root);
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'var/cpanel'), { recursive: true });
  writeFileSync(paths.resellers, 'reseller1:create-acct\nreseller2:create-acct\n');
  owners({ reseller1: 'root', reseller2: 'root', shop1: 'reseller1', blog2: 'reseller2' });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function owners(map: Record<string, string>): void {
  writeFileSync(
    paths.trueUserOwners,
    Object.entries(map)
      .map(([user, owner]) => `${user}: ${owner}`)
      .join('\n') + '\n',
  );
}

function ctx(caller: Caller, epochSeconds: number): RequestContext {
  return {
    paths,
    caller,
    ip: '198.51.100.9',
    epochSeconds,
    // Saves what it is sent where cPanel keeps it, so the read-back sees the change.
    cpanel: {
      setSystemIssuer: (issuer: string) => {
        mkdirSync(dirname(paths.issuerUserdata), { recursive: true });
        writeFileSync(paths.issuerUserdata, JSON.stringify(issuer === '' ? {} : { system_wide_issuer: issuer }));
      },
    } as unknown as CpanelBridge,
  };
}

function visibleTo(caller: Caller, limit = 10_000): AuditEntry[] {
  return listAudit(paths, { limit, visible: auditVisibility(paths, caller) });
}

function refusal(fn: () => unknown): Whm2faError | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (err instanceof Whm2faError) return err;
    throw err;
  }
}

describe('a reseller flooding the audit', () => {
  it('does not push root’s or another reseller’s entries out, and the total stays bounded', () => {
    appendAudit(paths, {
      epochSeconds: T0,
      actor: 'root',
      subject: 'shop1',
      action: 'admin.remove',
      ip: '203.0.113.1',
      result: 'ok',
      reason: 'root was here',
    });
    appendAudit(paths, {
      epochSeconds: T0 + 1,
      actor: 'reseller2',
      subject: 'blog2',
      action: 'admin.remove',
      ip: '203.0.113.2',
      result: 'ok',
      reason: 'reseller2 was here',
    });
    // 60,000 entries (about 11 MB) from one reseller, in batches as a fast loop would write them.
    const flood = (n: number): AuditInput => ({
      epochSeconds: T0 + 2 + n,
      actor: 'reseller1',
      subject: 'reseller1',
      action: 'verify',
      ip: '198.51.100.66',
      result: `refused: locked (${String(n)})`,
    });
    for (let batch = 0; batch < 120; batch += 1) {
      appendAudit(paths, ...Array.from({ length: 500 }, (_, i) => flood(batch * 500 + i)));
    }
    const all = visibleTo(ROOT, 1_000_000);
    expect(all.find((e) => e.reason === 'root was here')).toMatchObject({ actor: 'root', subject: 'shop1' });
    expect(all.find((e) => e.reason === 'reseller2 was here')).toMatchObject({ actor: 'reseller2' });
    expect(visibleTo(reseller('reseller2')).map((e) => e.reason)).toEqual(['reseller2 was here']);
    // The flood's newest entry is kept, and the whole trail stays within its bound.
    expect(all[0]?.result).toBe('refused: locked (59999)');
    expect(all.length).toBeLessThan(60_000);
  });

  it('thousands of issuer saves are cut off by a per-actor limit; one refusal is recorded per episode', () => {
    const refusals: Whm2faError[] = [];
    for (let n = 0; n < 2000; n += 1) {
      const err = refusal(() => setIssuer(ctx(reseller('reseller1'), T0 + n / 100), `Issuer ${String(n % 7)}`));
      if (err !== undefined) refusals.push(err);
    }
    expect(refusals.length).toBeGreaterThan(1900);
    const first = refusals[0];
    expect(first?.code).toBe('RATE_LIMITED');
    expect(first?.status).toBe(429);
    expect(first?.message).toMatch(/Try again after \d\d:\d\d UTC/);
    expect(first?.retryAfter).toMatch(/^\d{4}-\d\d-\d\dT/);
    const entries = visibleTo(ROOT).filter((e) => e.actor === 'reseller1' && e.action === 'issuer.set');
    expect(entries.filter((e) => e.result.startsWith('refused')).length).toBeLessThanOrEqual(25);
    expect(entries.length).toBeLessThan(150);
    // Root's issuer save is not affected by the reseller's budget.
    expect(refusal(() => setIssuer(ctx(ROOT, T0 + 21), 'Root Hosting'))).toBeUndefined();
  });

  it('gives exactly BURST in a row at one moment, then one more every REFILL_SECONDS', () => {
    const take = (epochSeconds: number) =>
      withLock(paths.lockFile, () => takeToken(paths, 'reseller1', 'issuer.set', epochSeconds));
    for (let n = 0; n < BURST; n += 1) expect(take(T0)).toEqual({ ok: true });
    expect(take(T0)).toEqual({ ok: false, retryAt: T0 + REFILL_SECONDS, firstRefusal: true });
    expect(take(T0 + REFILL_SECONDS - 1)).toEqual({ ok: false, retryAt: T0 + REFILL_SECONDS, firstRefusal: false });
    expect(take(T0 + REFILL_SECONDS)).toEqual({ ok: true });
    expect(take(T0 + REFILL_SECONDS).ok).toBe(false);
  });

  it('enroll.start/enroll.cancel pairs are cut off by a per-actor limit', async () => {
    const start = ACTIONS['enroll.start'];
    const cancel = ACTIONS['enroll.cancel'];
    let refused: Whm2faError | undefined;
    for (let n = 0; n < 200 && refused === undefined; n += 1) {
      try {
        await start?.(ctx(reseller('reseller1'), T0 + n), {});
      } catch (err) {
        if (!(err instanceof Whm2faError)) throw err;
        refused = err;
      }
      await cancel?.(ctx(reseller('reseller1'), T0 + n), {});
    }
    expect(refused?.code).toBe('RATE_LIMITED');
    expect(refused?.message).toMatch(/Try again after/);
    const cancels = visibleTo(ROOT).filter((e) => e.action === 'enroll.cancel');
    expect(cancels.length).toBeLessThanOrEqual(BURST + 1);
  });

  it('attempts while locked are recorded once per lock period, not once per attempt', () => {
    writeUserState(paths, 'reseller1', { failures: 0, lockCount: 1, lockedUntil: T0 + 300 });
    for (let n = 0; n < 500; n += 1) {
      const err = refusal(() =>
        verifyCodes({
          paths,
          user: 'reseller1',
          actor: 'reseller1',
          ip: '198.51.100.66',
          epochSeconds: T0 + n / 10,
          checks: [{ secret: 'JBSWY3DPEHPK3PXP', code: '000000' }],
        }),
      );
      expect(err?.code).toBe('LOCKED');
    }
    const locked = visibleTo(ROOT).filter((e) => e.result === 'refused: locked');
    expect(locked).toHaveLength(1);
    // A new lock period is recorded again.
    writeUserState(paths, 'reseller1', { failures: 0, lockCount: 2, lockedUntil: T0 + 1000 });
    for (let n = 0; n < 3; n += 1) {
      refusal(() =>
        verifyCodes({
          paths,
          user: 'reseller1',
          actor: 'reseller1',
          ip: '198.51.100.66',
          epochSeconds: T0 + 400 + n,
          checks: [{ secret: 'JBSWY3DPEHPK3PXP', code: '000000' }],
        }),
      );
    }
    expect(visibleTo(ROOT).filter((e) => e.result === 'refused: locked')).toHaveLength(2);
  });
});

describe('who sees which history', () => {
  const about = (subject: string, at: number, actor = 'root', result = 'ok'): AuditInput => ({
    epochSeconds: at,
    actor,
    subject,
    action: 'admin.remove',
    ip: '',
    result,
    reason: `${subject} at ${String(at)}`,
  });

  const removal = (subject: string, at: number): AuditInput => ({
    epochSeconds: at,
    actor: 'root',
    subject,
    action: 'account.remove',
    ip: '',
    result: 'ok',
  });

  it('records the owner of the account when the entry is written', () => {
    appendAudit(paths, about('shop1', T0));
    expect(visibleTo(ROOT)[0]).toMatchObject({ subject: 'shop1', owner: 'reseller1' });
  });

  it('a name reused by another reseller shows nothing of the old account', () => {
    appendAudit(paths, about('shop1', T0), about('shop1', T0 + 1, 'reseller1'));
    expect(visibleTo(reseller('reseller1'))).toHaveLength(2);
    // WHM removes shop1 (the hook runs after the account is gone), and reseller2 creates
    // a new shop1.
    owners({ reseller1: 'root', reseller2: 'root', blog2: 'reseller2' });
    appendAudit(paths, removal('shop1', T0 + 2));
    owners({ reseller1: 'root', reseller2: 'root', blog2: 'reseller2', shop1: 'reseller2' });
    expect(visibleTo(reseller('reseller2'))).toEqual([]);
    appendAudit(paths, about('shop1', T0 + 3, 'reseller2'));
    expect(visibleTo(reseller('reseller2')).map((e) => e.reason)).toEqual([`shop1 at ${String(T0 + 3)}`]);
    // The old owner sees only what happened while it owned the old account (not the new
    // account, not the removal written after it was gone), and root sees everything.
    expect(visibleTo(reseller('reseller1')).map((e) => e.reason)).toEqual([
      `shop1 at ${String(T0 + 1)}`,
      `shop1 at ${String(T0)}`,
    ]);
    expect(visibleTo(ROOT)).toHaveLength(4);
  });

  it('an account moved to another reseller keeps its old history with the old owner', () => {
    appendAudit(paths, about('shop1', T0));
    owners({ reseller1: 'root', reseller2: 'root', blog2: 'reseller2', shop1: 'reseller2' });
    appendAudit(paths, about('shop1', T0 + 1));
    expect(visibleTo(reseller('reseller2')).map((e) => e.reason)).toEqual([`shop1 at ${String(T0 + 1)}`]);
    expect(visibleTo(reseller('reseller1')).map((e) => e.reason)).toEqual([`shop1 at ${String(T0)}`]);
  });

  it('before a removal, shows a subject’s entries only to the owner recorded then', () => {
    appendAudit(paths, about('shop1', T0));
    appendAudit(paths, removal('shop1', T0 + 1));
    // The name comes back under reseller2; its own entries are its.
    owners({ reseller1: 'root', reseller2: 'root', blog2: 'reseller2', shop1: 'reseller2' });
    appendAudit(paths, about('shop1', T0 + 2));
    expect(visibleTo(reseller('reseller2')).map((e) => e.reason)).toEqual([`shop1 at ${String(T0 + 2)}`]);
    // reseller1 owned shop1 when it was removed and before: it sees both.
    expect(visibleTo(reseller('reseller1')).map((e) => e.action)).toEqual(['account.remove', 'admin.remove']);
    // Paging past the removal shows reseller2 nothing older either.
    const older = listAudit(paths, {
      limit: 100,
      beforeIso: new Date((T0 + 2) * 1000).toISOString(),
      visible: auditVisibility(paths, reseller('reseller2')),
    });
    expect(older).toEqual([]);
  });

  it('an account created or renamed under a name starts its history afresh, even without a removal', () => {
    // A reseller without a domain is removed without any hook: no removal is recorded.
    appendAudit(paths, { ...about('ghost', T0, 'ghost'), action: 'enable' });
    appendAudit(paths, { ...about('ghost', T0 + 1, 'WHM'), action: 'account.create' });
    appendAudit(paths, { ...about('blog2', T0 + 2, 'reseller2'), action: 'enable' });
    appendAudit(paths, { ...about('blog2', T0 + 3, 'WHM'), action: 'account.rename' });
    writeFileSync(paths.resellers, 'reseller1:create-acct\nreseller2:create-acct\nghost:\nblog2:\n');
    expect(visibleTo(reseller('ghost')).map((e) => e.action)).toEqual(['account.create']);
    expect(visibleTo(reseller('blog2')).map((e) => e.action)).toEqual(['account.rename']);
  });

  it('a reseller name reused shows nothing of the old reseller’s own history', () => {
    appendAudit(paths, { ...about('reseller1', T0, 'reseller1'), action: 'issuer.set' });
    appendAudit(paths, removal('reseller1', T0 + 1));
    expect(visibleTo(reseller('reseller1'))).toEqual([]);
  });

  it('a filter by action shows nothing the whole trail hides: the visibility rule still reads every entry', async () => {
    // The old reseller1's own change, then its removal; the name now belongs to another reseller.
    appendAudit(paths, { ...about('reseller1', T0, 'reseller1'), action: 'issuer.set' });
    appendAudit(paths, removal('reseller1', T0 + 1));
    const list = async (params: Record<string, unknown>): Promise<AuditEntry[]> =>
      (
        (await ACTIONS['audit.list']?.(ctx(reseller('reseller1'), T0 + 2), { action: 'audit.list', ...params })) as {
          entries: AuditEntry[];
        }
      ).entries;
    expect(await list({})).toEqual([]);
    // Filtered to issuer changes, the removal that ends the old history is not among the
    // entries shown, but it must still be seen by the rule.
    expect(await list({ auditAction: 'issuer.set' })).toEqual([]);
    expect(await list({ user: 'reseller1', auditAction: 'issuer.set' })).toEqual([]);
    // Root still finds it.
    const all = (await ACTIONS['audit.list']?.(ctx(ROOT, T0 + 2), { auditAction: 'issuer.set' })) as {
      entries: AuditEntry[];
    };
    expect(all.entries.map((e) => e.subject)).toEqual(['reseller1']);
  });

  it('entries written before owners were recorded fall back to current ownership', () => {
    mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
    const legacy = (subject: string, n: number): string =>
      JSON.stringify({
        at: new Date((T0 + n) * 1000).toISOString(),
        actor: 'root',
        subject,
        action: 'admin.remove',
        ip: '',
        result: 'ok',
      });
    writeFileSync(paths.auditFile, `${legacy('shop1', 0)}\n${legacy('blog2', 1)}\n`, { mode: 0o600 });
    expect(visibleTo(reseller('reseller1')).map((e) => e.subject)).toEqual(['shop1']);
    expect(visibleTo(reseller('reseller2')).map((e) => e.subject)).toEqual(['blog2']);
  });
});
