// The JSON API as msw serves it to the page's component tests: a small in-memory
// server with the shapes of docs/api.md, plus per-test overrides for failures.
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { totp } from '../support/rfc6238';
import type { CoverageReport } from '../../frontend/src/api';
import { accountPage, MAX_PAGE, MAX_SORT_LENGTH, pageQuery } from '../../plugin/src/accountPage';
import { optionalInteger, optionalString } from '../../plugin/src/api/params';
import { Whm2faError } from '../../plugin/src/errors';
import { MAX_USERS_SEARCH_LENGTH } from '../../plugin/src/rules';

export interface Call {
  action: string;
  [key: string]: unknown;
}

export const calls: Call[] = [];

const DEFAULT_STATUS = {
  user: 'reseller1',
  isRoot: false,
  enabled: false,
  policyEnabled: true,
  issuer: 'whm.example.test',
  pending: false,
  lockedUntil: null as string | null,
  attemptsLeft: 5,
  pendingKeyId: null as string | null,
  removedByAdmin: null as { by: string; at: string; reason: string } | null,
  keyLabel: null as { issuer: string; account: string; at: string } | null,
  recoveryCodesLeft: null as number | null,
};

/** Ten recovery codes as the plugin shows them; `n` makes each set different. */
export function recoveryCodes(n: number): string[] {
  return Array.from({ length: 10 }, (_, i) => `${'ABCDEFGHJK'[i] ?? 'A'}${String(n + 2).padStart(3, '2')}-QRST-UVWX`);
}

export const state = {
  status: { ...DEFAULT_STATUS },
  users: [] as Array<{ user: string; domain: string; owner: string; enabled: boolean; lastReminded?: string | null }>,
  /** users.list's coverage (the plugin computes it from its daily snapshots). */
  coverage: { server: null, resellers: [] } as CoverageReport,
  entries: [] as Array<Record<string, string>>,
  issuer: 'whm.example.test',
  systemWideIssuer: 'whm.example.test',
  /** Keys made so far; the newest is the pending one while `status.pendingKeyId` names it. */
  keys: 0,
  /** How many seconds a new setup lasts (a test shortens it instead of waiting). */
  pendingSeconds: 600,
  /** Accounts whose removal cPanel refuses, with its reason. */
  refuse: {} as Record<string, string>,
  /** Accounts without a contact address: removed or reminded, but not emailed. */
  noContact: [] as string[],
  /** The server's own records cannot be written: changes still happen, with a warning. */
  recordsBroken: false,
  /** The server's clock minus the page's (ms): the page's clock is off by this much. */
  serverClockMs: 0,
  /** Each account's recovery codes (the fake keeps them as given; the plugin keeps hashes). */
  recovery: {} as Record<string, string[]>,
  /** How many sets of recovery codes were made. */
  codeSets: 0,
};

/** The fake server's time: its expiry and lock times, and its Date header. */
const serverNow = (): number => Date.now() + state.serverClockMs;

/** What the plugin adds to a done change when it could not write its own records. */
export const RECORDS_WARNING =
  'whm2fa could not update its own records of this change. Ask your host to run "whm2fa doctor".';
const withWarning = (data: Record<string, unknown>): Record<string, unknown> =>
  state.recordsBroken ? { ...data, warning: RECORDS_WARNING } : data;

export const SECRET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** The device already set up when 2FA is on (for `currentCode`). */
export const CURRENT_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

/** The secret of the n-th key the fake made (the first is {@link SECRET}). */
export function secretOf(n: number): string {
  return n <= 1 ? SECRET : `${SECRET.slice(0, 30)}${'ABCDEFGH'[n % 8] ?? 'A'}A`;
}

/** The code an app shows now for `secret` (the tests' own RFC 6238, not the page's). */
export function codeNow(secret: string): string {
  return totp(secret, Date.now() / 1000);
}

/** Whether `code` is right for `secret` now, one 30-second step of drift each way (as the plugin allows). */
export function rightNow(secret: string, code: unknown): boolean {
  return [-30, 0, 30].some((drift) => totp(secret, Date.now() / 1000 + drift) === code);
}

/** A 6-digit code that is wrong for `secret` now, even allowing for drift. */
export function wrongFor(secret: string): string {
  return ['000000', '111111', '222222', '333333'].find((c) => !rightNow(secret, c)) ?? '444444';
}

export function reset(overrides: Partial<typeof state.status> = {}): void {
  calls.length = 0;
  state.status = { ...DEFAULT_STATUS, ...overrides };
  state.users = [
    { user: 'shop1', domain: 'shop1.example.com', owner: 'reseller1', enabled: true },
    { user: 'shop2', domain: 'shop2.example.com', owner: 'reseller1', enabled: false },
  ];
  state.entries = [];
  state.issuer = 'whm.example.test';
  state.systemWideIssuer = 'whm.example.test';
  state.keys = 0;
  state.pendingSeconds = 600;
  state.refuse = {};
  state.noContact = [];
  state.coverage = {
    server: null,
    resellers: [{ reseller: 'reseller1', now: { protected: 1, total: 2 }, thirtyDaysAgo: null }],
  };
  state.recordsBroken = false;
  state.serverClockMs = 0;
  state.recovery = {};
  state.codeSets = 0;
}

/** A new set of codes for the caller, as `enroll.confirm` and `recovery.regenerate` make them. */
function newCodes(): string[] {
  state.codeSets += 1;
  const codes = recoveryCodes(state.codeSets);
  state.recovery[state.status.user] = codes;
  state.status.recoveryCodesLeft = codes.length;
  return codes;
}

const ok = (data: unknown) => HttpResponse.json({ ok: true, data });
export const fail = (status: number, code: string, message: string, lockedUntil?: string, fields?: string[]) =>
  HttpResponse.json(
    {
      ok: false,
      error: {
        code,
        message,
        ...(lockedUntil === undefined ? {} : { lockedUntil }),
        ...(fields === undefined ? {} : { fields }),
      },
    },
    { status },
  );

type Handler = (body: Call) => Response | undefined;
const overrides = new Map<string, Handler>();

/** Makes `action` answer differently in this test. */
export function override(action: string, handler: Handler): void {
  overrides.set(action, handler);
}

/** A wrong code counts; the fifth in a row locks for five minutes (as the plugin does). */
function wrongCode(fields: string[]): Response {
  state.status.attemptsLeft -= 1;
  if (state.status.attemptsLeft > 0)
    return fail(
      422,
      'CODE_INVALID',
      'That security code is not correct. Check that your phone sets its time automatically.',
      undefined,
      fields,
    );
  state.status.attemptsLeft = 0;
  state.status.lockedUntil = new Date(serverNow() + 300_000).toISOString();
  return fail(422, 'CODE_INVALID', 'locked', state.status.lockedUntil, fields);
}

/** Checks codes as the plugin does: malformed first (not counted), then wrong (counted once). */
function checkCodes(checks: Array<[field: string, code: unknown, secret: string]>): Response | undefined {
  if (state.status.lockedUntil !== null && Date.parse(state.status.lockedUntil) > serverNow())
    return fail(429, 'LOCKED', 'locked', state.status.lockedUntil);
  const malformed = checks.filter(([, code]) => typeof code !== 'string' || !/^\d{6}$/.test(code)).map(([f]) => f);
  if (malformed.length > 0)
    return fail(
      422,
      'CODE_INVALID',
      'Enter the 6-digit security code from your authenticator app.',
      undefined,
      malformed,
    );
  const wrong = checks.filter(([, code, secret]) => !rightNow(secret, code)).map(([f]) => f);
  if (wrong.length > 0) return wrongCode(wrong);
  state.status.attemptsLeft = 5;
  return undefined;
}

const ACTIONS: Record<string, (body: Call) => Response> = {
  status: () => ok(state.status),
  'enroll.start': () => {
    state.keys += 1;
    const secret = secretOf(state.keys);
    state.status.pending = true;
    state.status.pendingKeyId = `key-${String(state.keys)}`;
    return ok({
      secret,
      otpauthUri: `otpauth://totp/whm.example.test:reseller1?secret=${secret}&issuer=whm.example.test`,
      qrSvg: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>',
      account: state.status.user,
      issuer: state.status.issuer,
      expiresAt: new Date(serverNow() + state.pendingSeconds * 1000).toISOString(),
      keyId: state.status.pendingKeyId,
    });
  },
  'enroll.confirm': (body) => {
    if (state.status.pendingKeyId === null)
      return fail(409, 'NO_PENDING', 'There is no setup in progress, or it expired.');
    if (body['keyId'] !== state.status.pendingKeyId)
      return fail(409, 'NO_PENDING', 'This key was replaced by a newer setup (in another tab or window).');
    const checks: Array<[string, unknown, string]> = [['code', body['code'], secretOf(state.keys)]];
    if (state.status.enabled) checks.push(['currentCode', body['currentCode'], CURRENT_SECRET]);
    const refused = checkCodes(checks);
    if (refused !== undefined) return refused;
    // As the plugin answers a replace: the old key's name in the app, null when whm2fa did not save it.
    const old = state.status.keyLabel;
    const replaced = state.status.enabled
      ? { replaced: old === null ? null : { issuer: old.issuer, account: old.account } }
      : {};
    state.status.enabled = true;
    state.status.pending = false;
    state.status.pendingKeyId = null;
    state.status.keyLabel = {
      issuer: state.status.issuer,
      account: state.status.user,
      at: new Date(serverNow()).toISOString(),
    };
    return ok(withWarning({ enabled: true, ...replaced, recoveryCodes: newCodes() }));
  },
  'enroll.cancel': () => {
    state.status.pending = false;
    state.status.pendingKeyId = null;
    return ok({ pending: false });
  },
  remove: (body) => {
    if (!state.status.enabled)
      return fail(409, 'NOT_ENABLED', 'Two-factor authentication is not turned on for this account.');
    const refused = checkCodes([['code', body['code'], CURRENT_SECRET]]);
    if (refused !== undefined) return refused;
    state.status.enabled = false;
    state.status.recoveryCodesLeft = null;
    return ok(withWarning({ enabled: false }));
  },
  'recovery.regenerate': (body) => {
    if (!state.status.enabled)
      return fail(409, 'NOT_ENABLED', 'Two-factor authentication is not turned on for this account.');
    const refused = checkCodes([['code', body['code'], CURRENT_SECRET]]);
    return refused ?? ok({ recoveryCodes: newCodes() });
  },
  'users.list': (body) => {
    // The server's own checks and page rules (accountPage.ts), over the fake's accounts.
    let query;
    try {
      query = pageQuery(
        optionalString(body, 'search', MAX_USERS_SEARCH_LENGTH) ?? '',
        optionalString(body, 'sort', MAX_SORT_LENGTH) ?? 'user',
        optionalInteger(body, 'page', 1, MAX_PAGE) ?? 1,
      );
    } catch (err) {
      if (err instanceof Whm2faError) return fail(400, err.code, err.message);
      throw err;
    }
    const caller = { user: state.status.user, isRoot: state.status.isRoot, isReseller: true };
    const owners = new Map(state.users.map((u) => [u.user, u.owner]));
    const domains = new Map(state.users.map((u) => [u.user, u.domain]));
    const page = accountPage(
      {
        view: { caller, users: [...owners.keys()].sort(), owners },
        secrets: new Map(state.users.filter((u) => u.enabled).map((u) => [u.user, 'KEY'])),
        reminded: new Map(
          state.users.flatMap((u) =>
            u.lastReminded === undefined || u.lastReminded === null
              ? []
              : [[u.user, Date.parse(u.lastReminded) / 1000]],
          ),
        ),
        domains: () => domains,
      },
      query,
    );
    return ok({ ...page, coverage: state.coverage });
  },
  'users.remind': (body) => {
    // As the plugin does: every account must be the caller's; 2FA on or reminded within
    // 7 days is skipped; no contact address is not sent.
    const sent: string[] = [];
    const notSent: Record<string, string> = {};
    const skipped: Record<string, { reason: string; nextAllowed?: string }> = {};
    const names = body['users'] as string[];
    for (const name of names)
      if (!state.users.some((u) => u.user === name))
        return fail(403, 'FORBIDDEN', `You cannot manage the account "${name}".`);
    for (const name of names) {
      const account = state.users.find((u) => u.user === name);
      const last = account?.lastReminded;
      if (account?.enabled === true) skipped[name] = { reason: 'Two-factor authentication is already on.' };
      else if (last !== undefined && last !== null && Date.parse(last) + 7 * 86_400_000 > serverNow())
        skipped[name] = {
          reason: 'A reminder was sent less than 7 days ago.',
          nextAllowed: new Date(Date.parse(last) + 7 * 86_400_000).toISOString(),
        };
      else if (state.noContact.includes(name)) notSent[name] = 'no contact address on file';
      else if (account !== undefined) {
        account.lastReminded = new Date(serverNow()).toISOString();
        sent.push(name);
      }
    }
    return ok({ sent, notSent, skipped });
  },
  'users.remove': (body) => {
    const removed: string[] = [];
    const failed: Record<string, string> = {};
    const notMailed: Record<string, string> = {};
    const users = body['users'] as string[];
    const code = body['recoveryCode'] as string | undefined;
    if (code !== undefined) {
      if (users.length !== 1) return fail(400, 'BAD_REQUEST', 'A recovery code confirms one account.');
      const codes = state.recovery[users[0] ?? ''] ?? [];
      const index = codes.indexOf(code.toUpperCase());
      if (index === -1) return wrongCode(['recoveryCode']);
      codes.splice(index, 1);
    } else if (typeof body['reason'] !== 'string' || body['reason'].trim() === '')
      return fail(400, 'BAD_REQUEST', 'Give a reason.');
    for (const name of users) {
      const account = state.users.find((u) => u.user === name);
      if (account === undefined) return fail(403, 'FORBIDDEN', `You cannot manage the account "${name}".`);
      const refusal = state.refuse[name];
      if (!account.enabled) failed[name] = 'Two-factor authentication is not turned on for this account.';
      else if (refusal !== undefined) failed[name] = refusal;
      else {
        account.enabled = false;
        removed.push(name);
      }
    }
    for (const name of removed) if (state.noContact.includes(name)) notMailed[name] = 'no contact address on file';
    const mailed = removed.filter((name) => !(name in notMailed));
    return ok(withWarning({ removed, failed, mailed, notMailed }));
  },
  'settings.get': () => ok(settings()),
  'settings.set': (body) => {
    state.issuer = (body['issuer'] as string) || settings().defaultIssuer;
    if (state.status.isRoot) state.systemWideIssuer = state.issuer;
    return ok(settings());
  },
  'policy.set': (body) => {
    state.status.policyEnabled = body['enabled'] as boolean;
    return ok({ policyEnabled: state.status.policyEnabled });
  },
  'audit.list': (body) => {
    const limit = body['limit'] as number;
    const { before, skip, user, auditAction } = body as {
      before?: string;
      skip?: number;
      user?: string;
      auditAction?: string;
    };
    // As the plugin does: strictly older than `before`, or at exactly `before` past the first `skip`.
    let atBefore = 0;
    const older = state.entries.filter(
      (e) =>
        (user === undefined || e['subject'] === user) &&
        (auditAction === undefined || e['action'] === auditAction) &&
        (before === undefined ||
          (e['at'] ?? '') < before ||
          (e['at'] === before && skip !== undefined && (atBefore += 1) > skip)),
    );
    return ok({ entries: older.slice(0, limit) });
  },
};

/** settings.get's answer: an empty issuer gives root the hostname, a reseller the system-wide issuer. */
function settings() {
  return {
    issuer: state.issuer,
    systemWideIssuer: state.systemWideIssuer,
    policyEnabled: state.status.policyEnabled,
    defaultIssuer: state.status.isRoot ? 'host.example.test' : state.systemWideIssuer,
  };
}

export const server = setupServer(
  http.post('*/api.cgi', async ({ request }) => {
    // The page must send JSON to api.cgi under the /cpsess token.
    if (!new URL(request.url).pathname.startsWith('/cpsess1234567890/cgi/whm2fa/'))
      return fail(403, 'FORBIDDEN', 'no token');
    if (request.headers.get('content-type') !== 'application/json') return fail(415, 'BAD_REQUEST', 'not json');
    const body = (await request.json()) as Call;
    calls.push(body);
    // A lock that has ended is gone, and the count starts again (the plugin zeroes it when locking).
    if (state.status.lockedUntil !== null && Date.parse(state.status.lockedUntil) <= serverNow()) {
      state.status.lockedUntil = null;
      state.status.attemptsLeft = 5;
    }
    const action = ACTIONS[body.action];
    const response =
      overrides.get(body.action)?.(body) ?? (action === undefined ? fail(400, 'BAD_REQUEST', 'unknown') : action(body));
    // Every answer carries the server's time, as a web server's Date header does.
    response.headers.set('Date', new Date(serverNow()).toUTCString());
    return response;
  }),
);

server.events.on('request:start', () => undefined);
export function clearOverrides(): void {
  overrides.clear();
}
