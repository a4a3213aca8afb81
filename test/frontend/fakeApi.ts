// The JSON API as msw serves it to the page's component tests: a small in-memory
// server with the shapes of docs/api.md, plus per-test overrides for failures. Its rules
// and words are the server's own functions and messages (reasons, issuers, paging, code
// checks, locks, rate limits), and test/unit/fake-contract.test.ts proves that it answers
// as the real handler does for the same requests.
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { totp } from '../support/rfc6238';
import type { CoverageReport } from '../../frontend/src/api';
import { accountPage, MAX_PAGE, MAX_SORT_LENGTH, pageQuery } from '../../plugin/src/accountPage';
import { countProtected } from '../../plugin/src/access';
import { optionalInteger, optionalString } from '../../plugin/src/api/params';
import { forbidden, Whm2faError } from '../../plugin/src/errors';
import { validIssuer } from '../../plugin/src/issuer';
import { BURST, rateLimited, REFILL_SECONDS, type LimitedAction } from '../../plugin/src/rateLimit';
import { validReason } from '../../plugin/src/removal';
import { MAX_USERS_SEARCH_LENGTH } from '../../plugin/src/rules';
import { FIRST_LOCK_SECONDS, lockMessage } from '../../plugin/src/verification';
import { english, type ApiMessageId, type Words } from '../../plugin/src/messages';
import { resultIn } from '../../plugin/src/auditResult';
import { formatMessage, type Catalog } from '../../plugin/src/messageFormat';
import apiEnglish from '../../locales/en/api.json';

// The server's own words for a wrong or malformed code (English: the page's tests run in English).
const WRONG_MESSAGE = english('verify.wrong');
const MALFORMED_MESSAGE = english('verify.malformed');
const RECOVERY_WRONG_MESSAGE = english('verify.recoveryWrong');

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

/** An audit entry as the trail stores it, with its result's message id and values when it has them. */
type FakeEntry = Partial<
  Record<'at' | 'actor' | 'subject' | 'owner' | 'action' | 'ip' | 'result' | 'reason', string>
> & {
  said?: { id: string; values?: Record<string, string | number> };
};

export const state = {
  status: { ...DEFAULT_STATUS },
  users: [] as Array<{ user: string; domain: string; owner: string; enabled: boolean; lastReminded?: string | null }>,
  /** users.list's coverage (the plugin computes it from its daily snapshots). */
  coverage: { server: null, resellers: [] } as CoverageReport,
  /** The trail as stored: an entry may carry its result's message id and values (`said`). */
  entries: [] as FakeEntry[],
  /** The caller's language of the server's messages (audit.list's results); English when empty. */
  apiCatalog: {} as Catalog,
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
  /** Each rate-limited action's bucket, as the server keeps one per actor (rateLimit.ts). */
  buckets: new Map<LimitedAction, { tokens: number; at: number }>(),
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
  state.apiCatalog = {};
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
  state.buckets = new Map();
}

/** Takes one token of `action`, or throws the server's RATE_LIMITED (the same bucket maths as rateLimit.ts). */
function charge(action: LimitedAction): void {
  const now = serverNow() / 1000;
  const before = state.buckets.get(action) ?? { tokens: BURST, at: now };
  const tokens = Math.min(BURST, before.tokens + Math.max(0, now - before.at) / REFILL_SECONDS);
  if (tokens < 1) throw rateLimited(action, Math.ceil(now + (1 - tokens) * REFILL_SECONDS));
  state.buckets.set(action, { tokens: tokens - 1, at: now });
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

/** A wrong code counts; the fifth in a row locks for five minutes, with the server's words. */
function wrongCode(fields: string[], said = WRONG_MESSAGE): never {
  state.status.attemptsLeft -= 1;
  if (state.status.attemptsLeft > 0) throw new Whm2faError('CODE_INVALID', said, { fields });
  state.status.attemptsLeft = 0;
  const until = serverNow() / 1000 + FIRST_LOCK_SECONDS;
  state.status.lockedUntil = new Date(until * 1000).toISOString();
  throw new Whm2faError('CODE_INVALID', `${said} ${lockMessage(until)}`, {
    lockedUntil: state.status.lockedUntil,
    fields,
  });
}

/** The end of the caller's verification lock (epoch seconds), if one is running. */
function lockedUntil(): number | undefined {
  const until = state.status.lockedUntil === null ? undefined : Date.parse(state.status.lockedUntil) / 1000;
  return until !== undefined && until * 1000 > serverNow() ? until : undefined;
}

/** Checks codes as the plugin does: locked first, then malformed (not counted), then wrong (counted once). */
function checkCodes(checks: Array<[field: string, code: unknown, secret: string]>): Response | undefined {
  const locked = lockedUntil();
  if (locked !== undefined)
    throw new Whm2faError('LOCKED', lockMessage(locked), { lockedUntil: state.status.lockedUntil ?? '' });
  const malformed = checks.filter(([, code]) => typeof code !== 'string' || !/^\d{6}$/.test(code)).map(([f]) => f);
  if (malformed.length > 0) throw new Whm2faError('CODE_INVALID', MALFORMED_MESSAGE, { fields: malformed });
  const wrong = checks.filter(([, code, secret]) => !rightNow(secret, code)).map(([f]) => f);
  if (wrong.length > 0) return wrongCode(wrong);
  state.status.attemptsLeft = 5;
  return undefined;
}

const ACTIONS: Record<string, (body: Call) => Response> = {
  status: () => ok(state.status),
  'enroll.start': () => {
    charge('enroll.start');
    const locked = lockedUntil();
    if (locked !== undefined)
      throw new Whm2faError(
        'LOCKED',
        `${lockMessage(locked)} No new key was made: it could not be confirmed before then.`,
        { lockedUntil: state.status.lockedUntil ?? '' },
      );
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
    const view = { caller, users: [...owners.keys()].sort(), owners };
    const secrets = new Map(state.users.filter((u) => u.enabled).map((u) => [u.user, 'KEY']));
    const page = accountPage(
      {
        view,
        secrets,
        protectedCount: countProtected(view, secrets),
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
    const given = body['recoveryCode'] as string | undefined;
    const code = given?.trim() === '' ? undefined : given;
    // In the server's order (removal.ts): one account with a code, the reason, then who may be managed.
    if (code !== undefined && new Set(users).size !== 1)
      throw new Whm2faError('BAD_REQUEST', 'A recovery code confirms one account: name exactly one account with it.');
    if (code === undefined) validReason((body['reason'] as string | undefined) ?? '');
    for (const name of users)
      if (!state.users.some((u) => u.user === name)) throw forbidden(`You cannot manage the account "${name}".`);
    if (code !== undefined) {
      const codes = state.recovery[users[0] ?? ''] ?? [];
      const index = codes.indexOf(
        code
          .replace(/[\s-]+/g, '')
          .toUpperCase()
          .replace(/(.{4})(?=.)/g, '$1-'),
      );
      if (index === -1) return wrongCode(['recoveryCode'], RECOVERY_WRONG_MESSAGE);
      codes.splice(index, 1);
    }
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
    const issuer = validIssuer(typeof body['issuer'] === 'string' ? body['issuer'] : '');
    if (state.status.isRoot) charge('issuer.set');
    state.issuer = issuer || settings().defaultIssuer;
    if (state.status.isRoot) state.systemWideIssuer = state.issuer;
    return ok(settings());
  },
  'policy.set': (body) => {
    if (!state.status.isRoot) throw forbidden('Only root can switch the two-factor login policy. Ask your host.');
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
    // As the plugin does: the result in the caller's language where the entry names its message.
    const catalog: Catalog = { ...apiEnglish, ...state.apiCatalog };
    const words: Words<ApiMessageId> = {
      locale: 'en',
      tag: 'en',
      text: (id, v) => formatMessage(catalog[id] ?? id, 'en', v),
    };
    return ok({
      entries: older.slice(0, limit).map((entry) => {
        const { said: _said, ...shown } = entry;
        return { ...shown, result: resultIn({ result: entry['result'] ?? '', said: entry.said }, words) };
      }),
    });
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

/** The fake's answer to one request body, refusals as the server words them (its Whm2faError). */
export function answer(body: Call): Response {
  const action = ACTIONS[body.action];
  if (action === undefined) return fail(400, 'BAD_REQUEST', 'unknown');
  try {
    return action(body);
  } catch (err) {
    if (!(err instanceof Whm2faError)) throw err;
    return HttpResponse.json({ ok: false, error: err.toJSON() }, { status: err.status });
  }
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
    const response = overrides.get(body.action)?.(body) ?? answer(body);
    // Every answer carries the server's time, as a web server's Date header does.
    response.headers.set('Date', new Date(serverNow()).toUTCString());
    return response;
  }),
);

server.events.on('request:start', () => undefined);
export function clearOverrides(): void {
  overrides.clear();
}
