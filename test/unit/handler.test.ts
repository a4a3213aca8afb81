// The checks api.cgi makes before it reads a body (plugin/src/api/handler.ts): a JSON
// body means exactly `application/json` (parameters and case aside), nothing that merely
// starts like it.
import { describe, expect, it } from 'vitest';
import { checkApiRequest } from '../../plugin/src/api/handler';
import { ACTION_ERRORS, mayAnswer } from '../../plugin/src/api/actionErrors';
import { Whm2faError } from '../../plugin/src/errors';
import { serverPaths } from '../../plugin/src/paths';
import type { CgiRequest } from '../../plugin/src/cgiTypes';

// root needs no file of cPanel's to be recognised, so no tree is written.
const paths = serverPaths('/nonexistent-whm2fa-root');
const request = (contentType: string | undefined): CgiRequest => ({
  method: 'POST',
  contentType,
  contentLength: '20',
  remoteUser: 'root',
  securityToken: '/cpsess1234567890',
  requestUri: '/cpsess1234567890/cgi/whm2fa/api.cgi',
  remoteAddr: '192.0.2.1',
});

function refusal(contentType: string | undefined): Whm2faError {
  try {
    checkApiRequest(paths, request(contentType));
  } catch (err) {
    if (err instanceof Whm2faError) return err;
    throw err;
  }
  throw new Error(`"${String(contentType)}" was accepted`);
}

describe('checkApiRequest, the content type', () => {
  it('accepts application/json, with parameters and in any case', () => {
    for (const type of [
      'application/json',
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      ' application/json ;x=1',
    ])
      expect(checkApiRequest(paths, request(type))).toEqual({
        caller: expect.objectContaining({ user: 'root' }),
        bytes: 20,
      });
  });

  it('refuses with 415 any other type, including ones that start like JSON', () => {
    for (const type of [
      'application/jsonx',
      'application/json-patch+json',
      'application/jsonp; charset=utf-8',
      'xapplication/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      '',
      undefined,
    ]) {
      const err = refusal(type);
      expect(err.code, String(type)).toBe('BAD_REQUEST');
      expect(err.status, String(type)).toBe(415);
    }
  });
});

describe('mayAnswer', () => {
  it('lets every action answer INTERNAL, and only its own codes otherwise', () => {
    expect(ACTION_ERRORS['enroll.cancel']).toEqual([]);
    expect(mayAnswer('enroll.cancel', 'INTERNAL')).toBe(true);
    expect(mayAnswer('enroll.cancel', 'BAD_REQUEST')).toBe(false);
    expect(mayAnswer('policy.set', 'FORBIDDEN')).toBe(true);
    expect(mayAnswer('policy.set', 'LOCKED')).toBe(false);
    expect(mayAnswer('constructor', 'BAD_REQUEST')).toBe(false);
    expect(mayAnswer('toString', 'INTERNAL')).toBe(true);
  });
});
