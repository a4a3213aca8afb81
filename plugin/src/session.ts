/**
 * The checks every request starts with (docs/cpanel.md, "Callers and ownership"): the CSRF token is in the
 * URL, and the caller is root or a reseller. Shared by api.cgi and index.cgi.
 */
import { forbidden } from './errors';
import { t } from './messages';
import { identifyCaller, type Caller } from './access';
import type { ServerPaths } from './paths';
import type { CgiRequest } from './cgiTypes';

const TOKEN = /^\/cpsess\d{10}$/;

/** The caller of a request that carries this WHM session's token; FORBIDDEN otherwise. */
export function checkSession(paths: ServerPaths, request: CgiRequest): Caller {
  const token = request.securityToken;
  if (token === undefined || !TOKEN.test(token) || !(request.requestUri ?? '').startsWith(`${token}/`)) {
    throw forbidden(t('session.notYours'));
  }
  return identifyCaller(paths, request.remoteUser);
}
