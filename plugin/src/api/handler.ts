/**
 * One JSON API request, from cpsrvd's view of it to the response: the checks of
 * docs/cpanel.md ("Callers and ownership") in order (token, caller, method, type, size, JSON, action), then the
 * action. Knows nothing of process.env or stdio; cgi.ts feeds it.
 */
import { Whm2faError, badRequest, toWhm2faError } from '../errors';
import { checkSession } from '../session';
import { cpanelBridge } from '../cpanel';
import { t } from '../messages';
import { ACTIONS } from './actions';
import { mayAnswer } from './actionErrors';
import type { ServerPaths } from '../paths';
import type { CgiRequest, CgiResponse } from '../cgiTypes';
import type { Caller } from '../access';

/** The largest request body accepted. */
export const MAX_BODY_BYTES = 64 * 1024;

/** The response to send, and what to log when the failure was unexpected. */
export interface ApiOutcome {
  readonly response: CgiResponse;
  /** Set for an unexpected failure: what goes to the server's error log. */
  readonly logged?: unknown;
}

/** A request that passed the checks made before its body is read. */
export interface CheckedRequest {
  readonly caller: Caller;
  /** How many body bytes to read. */
  readonly bytes: number;
}

/** Validates everything that can be judged before the body is read. */
export function checkApiRequest(paths: ServerPaths, request: CgiRequest): CheckedRequest {
  const caller = checkSession(paths, request);
  if (request.method !== 'POST') throw badRequest(t('request.postOnly'), 405);
  const type = (request.contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw badRequest(t('request.jsonOnly'), 415);
  const length = request.contentLength;
  if (length === undefined || !/^\d{1,12}$/.test(length)) throw badRequest(t('request.noLength'), 411);
  const bytes = Number(length);
  if (bytes > MAX_BODY_BYTES) {
    throw new Whm2faError('PAYLOAD_TOO_LARGE', t('request.tooLarge', { count: MAX_BODY_BYTES / 1024 }));
  }
  return { caller, bytes };
}

function parseBody(body: Buffer): { action: string; params: Record<string, unknown> } {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw badRequest(t('request.badJson'));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest(t('request.notObject'));
  const params = value as Record<string, unknown>;
  const action = params['action'];
  if (typeof action !== 'string') throw badRequest(t('request.noAction'));
  if (!Object.hasOwn(ACTIONS, action)) throw badRequest(t('request.unknownAction', { action: action.slice(0, 40) }));
  return { action, params };
}

/** A JSON response with `status`, never cached. */
export function jsonResponse(status: number, payload: unknown): CgiResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
    body: JSON.stringify(payload),
  };
}

/**
 * The failure envelope for `err` (with `Retry-After` when it says when to try again);
 * unexpected failures are also marked for the error log.
 */
export function errorResponse(err: unknown): ApiOutcome {
  const coded = toWhm2faError(err);
  const plain = jsonResponse(coded.status, { ok: false, error: coded.toJSON() });
  const retry = coded.retryAfter === undefined ? undefined : new Date(coded.retryAfter).toUTCString();
  const response = retry === undefined ? plain : { ...plain, headers: { ...plain.headers, 'Retry-After': retry } };
  return coded.code === 'INTERNAL' ? { response, logged: err } : { response };
}

/** Runs the action of a request {@link checkApiRequest} accepted, once its body is read. */
export async function runApiRequest(
  paths: ServerPaths,
  request: CgiRequest & { readonly caller: Caller },
  body: Buffer,
  epochSeconds: number,
): Promise<ApiOutcome> {
  const caller = request.caller;
  let action: string | undefined;
  try {
    const parsed = parseBody(body);
    action = parsed.action;
    const params = parsed.params;
    const handler = Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
    if (handler === undefined) throw badRequest(t('request.unknownActionShort'));
    const ctx = {
      paths,
      caller,
      ip: request.remoteAddr ?? '',
      epochSeconds,
      cpanel: cpanelBridge(paths, { epochSeconds }),
    };
    const data: unknown = await handler(ctx, params);
    return { response: jsonResponse(200, { ok: true, data }) };
  } catch (err) {
    return errorResponse(action === undefined ? err : declared(action, err));
  }
}

/**
 * `err` as `action` may answer it: a coded error the action does not declare
 * (actionErrors.ts) becomes an unexpected failure, answered INTERNAL and logged.
 */
function declared(action: string, err: unknown): unknown {
  if (!(err instanceof Whm2faError) || mayAnswer(action, err.code)) return err;
  return new Error(`"${action}" answered ${err.code}, which api/actionErrors.ts does not declare: ${err.message}`, {
    cause: err,
  });
}
