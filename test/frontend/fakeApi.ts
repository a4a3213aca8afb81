// The JSON API as msw serves it to the page's component tests: a small in-memory
// server with the shapes of docs/api.md, plus per-test overrides for failures.
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';

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
};

export const state = {
  status: { ...DEFAULT_STATUS },
  users: [] as Array<{ user: string; domain: string; owner: string; enabled: boolean }>,
  entries: [] as Array<Record<string, string>>,
  issuer: 'whm.example.test',
  systemWideIssuer: 'whm.example.test',
};

export const SECRET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

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
}

const ok = (data: unknown) => HttpResponse.json({ ok: true, data });
export const fail = (status: number, code: string, message: string, lockedUntil?: string) =>
  HttpResponse.json(
    { ok: false, error: lockedUntil === undefined ? { code, message } : { code, message, lockedUntil } },
    { status },
  );

type Handler = (body: Call) => Response | undefined;
const overrides = new Map<string, Handler>();

/** Makes `action` answer differently in this test. */
export function override(action: string, handler: Handler): void {
  overrides.set(action, handler);
}

const ACTIONS: Record<string, (body: Call) => Response> = {
  status: () => ok(state.status),
  'enroll.start': () => {
    state.status.pending = true;
    return ok({
      secret: SECRET,
      otpauthUri: `otpauth://totp/whm.example.test:reseller1?secret=${SECRET}&issuer=whm.example.test`,
      qrSvg: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>',
      account: state.status.user,
      issuer: state.status.issuer,
      expiresAt: new Date(Date.now() + 600_000).toISOString(),
    });
  },
  'enroll.confirm': () => {
    state.status.enabled = true;
    state.status.pending = false;
    return ok({ enabled: true });
  },
  'enroll.cancel': () => {
    state.status.pending = false;
    return ok({ pending: false });
  },
  remove: () => {
    state.status.enabled = false;
    return ok({ enabled: false });
  },
  'users.list': () => ok({ users: state.users }),
  'users.remove': (body) => {
    const users = body['users'] as string[];
    for (const u of state.users) if (users.includes(u.user)) u.enabled = false;
    return ok({ removed: users, failed: {} });
  },
  'settings.get': () =>
    ok({ issuer: state.issuer, systemWideIssuer: state.systemWideIssuer, policyEnabled: state.status.policyEnabled }),
  'settings.set': (body) => {
    state.issuer = (body['issuer'] as string) || state.systemWideIssuer;
    return ok({
      issuer: state.issuer,
      systemWideIssuer: state.systemWideIssuer,
      policyEnabled: state.status.policyEnabled,
    });
  },
  'policy.set': (body) => {
    state.status.policyEnabled = body['enabled'] as boolean;
    return ok({ policyEnabled: state.status.policyEnabled });
  },
  'audit.list': (body) => {
    const limit = body['limit'] as number;
    const before = body['before'] as string | undefined;
    const older = state.entries.filter((e) => before === undefined || (e['at'] ?? '') < before);
    return ok({ entries: older.slice(0, limit) });
  },
};

export const server = setupServer(
  http.post('*/api.cgi', async ({ request }) => {
    // The page must send JSON to api.cgi under the /cpsess token.
    if (!new URL(request.url).pathname.startsWith('/cpsess1234567890/cgi/whm2fa/'))
      return fail(403, 'FORBIDDEN', 'no token');
    if (request.headers.get('content-type') !== 'application/json') return fail(415, 'BAD_REQUEST', 'not json');
    const body = (await request.json()) as Call;
    calls.push(body);
    const special = overrides.get(body.action)?.(body);
    if (special !== undefined) return special;
    const action = ACTIONS[body.action];
    return action === undefined ? fail(400, 'BAD_REQUEST', 'unknown') : action(body);
  }),
);

server.events.on('request:start', () => undefined);
export function clearOverrides(): void {
  overrides.clear();
}
