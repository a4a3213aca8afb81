// The page's fake API (test/frontend/fakeApi.ts) answers as the server does: the same
// requests are sent to the fake and to the real actions with the real error envelope
// (errorResponse), in-process against a scratch cPanel tree, and the answers compared:
// HTTP status, code, message, the refused fields, lock and retry times. Covered: the
// reason a removal needs, the issuer rule, the policy for root only, paging's checks and
// rows, malformed and wrong codes, the lock and LOCKED, and the rate limit on new setups.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_CALLER, type Caller } from '../../plugin/src/access';
import { ACTIONS } from '../../plugin/src/api/actions';
import { errorResponse } from '../../plugin/src/api/handler';
import type { RequestContext } from '../../plugin/src/context';
import type { ServerPaths } from '../../plugin/src/paths';
import { BURST } from '../../plugin/src/rateLimit';
import { answer, CURRENT_SECRET, reset, state, wrongFor, type Call } from '../frontend/fakeApi';
import { scratchServer, writeAccounts, writeStore, type FakeCpanel } from '../support/fakeBridge';

const KEY = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const RESELLER: Caller = { user: 'reseller1', isRoot: false, isReseller: true };

let root: string;
let paths: ServerPaths;
let cpanel: FakeCpanel;
beforeAll(() => {
  ({ root, paths, cpanel } = scratchServer('whm2fa-fake-contract-'));
  writeAccounts(
    paths,
    {
      reseller1: { domains: ['reseller1.example.com'], owner: 'root' },
      shop1: { domains: ['shop1.example.com'], owner: 'reseller1' },
      shop2: { domains: ['shop2.example.com'], owner: 'reseller1' },
    },
    ['reseller1'],
  );
  writeStore(paths, { shop1: KEY, reseller1: CURRENT_SECRET });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** An answer as the page reads it. */
interface Answer {
  status: number;
  ok: boolean;
  data?: Record<string, unknown>;
  error?: { code: string; message: string; fields?: string[]; lockedUntil?: string; retryAfter?: string };
}

/** The real action's answer to `body` from `caller`, in the envelope api.cgi prints. */
async function real(caller: Caller, body: Call): Promise<Answer> {
  const { action, ...params } = body;
  const ctx: RequestContext = { paths, caller, ip: '203.0.113.9', epochSeconds: Date.now() / 1000, cpanel };
  cpanel.epochSeconds = ctx.epochSeconds;
  try {
    const run = ACTIONS[action];
    if (run === undefined) throw new Error(`no action ${action}`);
    const data = (await run(ctx, params)) as Record<string, unknown>;
    return { status: 200, ok: true, data: JSON.parse(JSON.stringify(data)) as Record<string, unknown> };
  } catch (err) {
    const { response } = errorResponse(err);
    return { status: response.status, ...(JSON.parse(response.body) as Omit<Answer, 'status'>) };
  }
}

/** The fake's answer to `body`, its state set to the same caller. */
async function fake(body: Call): Promise<Answer> {
  const response = answer(body);
  return { status: response.status, ...((await response.json()) as Omit<Answer, 'status'>) };
}

/** A refusal with its times made comparable: a minute may turn between the two answers. */
function refusal(a: Answer) {
  const e = a.error;
  return {
    status: a.status,
    ok: a.ok,
    code: e?.code,
    message: e?.message.replace(/\d\d:\d\d UTC/g, 'HH:MM UTC'),
    fields: e?.fields,
    locked: e?.lockedUntil !== undefined,
    retry: e?.retryAfter !== undefined,
  };
}

/** Sends `body` to both and expects the same refusal (times within 5 s of each other). */
async function same(caller: Caller, body: Call): Promise<Answer> {
  const [r, f] = [await real(caller, body), await fake(body)];
  expect(refusal(f), JSON.stringify(body)).toEqual(refusal(r));
  for (const key of ['lockedUntil', 'retryAfter'] as const) {
    const [x, y] = [r.error?.[key], f.error?.[key]];
    if (x !== undefined && y !== undefined) expect(Math.abs(Date.parse(x) - Date.parse(y))).toBeLessThan(5000);
  }
  return r;
}

const asReseller = (): void => {
  reset({ user: 'reseller1', isRoot: false, enabled: true });
  state.users = [
    { user: 'shop1', domain: 'shop1.example.com', owner: 'reseller1', enabled: true },
    { user: 'shop2', domain: 'shop2.example.com', owner: 'reseller1', enabled: false },
  ];
};

describe('the fake answers as the server', () => {
  it('a removal needs a reason, one account with a recovery code, and accounts the caller manages', async () => {
    asReseller();
    for (const body of [
      { action: 'users.remove', users: ['shop1'] },
      { action: 'users.remove', users: ['shop1'], reason: ' \t ' },
      { action: 'users.remove', users: ['shop1', 'shop2'], reason: '', recoveryCode: 'ABCD-EFGH-JKLM' },
      { action: 'users.remove', users: ['nobody'], reason: 'lost phone' },
      { action: 'users.remove', users: ['shop1', 'reseller9'], reason: 'lost phone' },
    ])
      expect((await same(RESELLER, body)).ok).toBe(false);
  });

  it('the issuer rule, and the login policy for root only', async () => {
    asReseller();
    for (const issuer of ['Bad:Name', 'Ünïcode', 'x'.repeat(33), 'tab\there'])
      expect((await same(RESELLER, { action: 'settings.set', issuer })).error?.code).toBe('BAD_REQUEST');
    const policy = await same(RESELLER, { action: 'policy.set', enabled: false });
    expect(policy.error?.code).toBe('FORBIDDEN');
  });

  it('paging: the same checks, and the same page of the same accounts', async () => {
    asReseller();
    for (const params of [{ sort: 'name' }, { sort: 3 }, { page: 0 }, { page: 1.5 }, { search: 9 }])
      expect((await same(RESELLER, { action: 'users.list', ...params })).error?.code).toBe('BAD_REQUEST');
    for (const params of [{}, { sort: '-enabled' }, { search: 'SHOP2' }, { page: 9, sort: '-user' }]) {
      const [r, f] = [
        await real(RESELLER, { action: 'users.list', ...params }),
        await fake({ action: 'users.list', ...params }),
      ];
      const { coverage: _real, ...page } = r.data ?? {};
      const { coverage: _fake, ...fakePage } = f.data ?? {};
      expect(fakePage, JSON.stringify(params)).toEqual(page);
    }
  });

  it('codes: malformed is not counted, four wrong ones are, the fifth locks, then LOCKED, even for a new setup', async () => {
    asReseller();
    expect((await same(RESELLER, { action: 'remove', code: '12' })).error?.fields).toEqual(['code']);
    const wrong = wrongFor(CURRENT_SECRET);
    for (let i = 0; i < 4; i += 1) {
      const r = await same(RESELLER, { action: 'remove', code: wrong });
      expect([r.error?.code, r.error?.lockedUntil]).toEqual(['CODE_INVALID', undefined]);
    }
    const fifth = await same(RESELLER, { action: 'remove', code: wrong });
    expect(fifth.error?.lockedUntil).toBeDefined();
    expect((await same(RESELLER, { action: 'remove', code: wrong })).error?.code).toBe('LOCKED');
    expect((await same(RESELLER, { action: 'enroll.start' })).error?.code).toBe('LOCKED');
  });

  it(`new setups: ${String(BURST)} in a row, then RATE_LIMITED with when to try again`, async () => {
    reset({ user: 'root', isRoot: true });
    for (let i = 0; i < BURST; i += 1) {
      const [r, f] = [await real(ROOT_CALLER, { action: 'enroll.start' }), await fake({ action: 'enroll.start' })];
      expect([r.ok, f.ok], String(i)).toEqual([true, true]);
      expect(Object.keys(f.data ?? {}).sort()).toEqual(Object.keys(r.data ?? {}).sort());
    }
    expect((await same(ROOT_CALLER, { action: 'enroll.start' })).error?.code).toBe('RATE_LIMITED');
  });
});
