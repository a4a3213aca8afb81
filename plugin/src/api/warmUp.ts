/**
 * Requests served against an empty scratch server, so that the code cache install.sh
 * writes holds the functions a real request compiles: most of a CGI's start-up beyond
 * Node's own is compiling (docs/decisions/code-cache.md). `root` is a scratch folder, so
 * nothing here reaches the real server; none of these requests runs cPanel's tools or
 * sends mail, and their answers are discarded.
 */
import { formatHead } from '../cgi';
import { serverPaths } from '../paths';
import { checkApiRequest, errorResponse, runApiRequest, type ApiOutcome } from './handler';
import type { CgiRequest } from '../cgiTypes';

/** A session token of the right shape: the scratch server has no sessions to check it against. */
const SCRATCH_TOKEN = '/cpsess0000000000';

/**
 * The bodies sent: the page's common requests, and refusals (wrong codes, bad JSON). Kept
 * as text so that loading api.js for a real request does no work for them.
 */
const BODIES: readonly string[] = [
  '{"action":"status"}',
  '{"action":"enroll.start"}',
  '{"action":"enroll.confirm","code":"000000"}',
  '{"action":"enroll.cancel"}',
  '{"action":"remove","code":"000000"}',
  '{"action":"users.list"}',
  '{"action":"settings.get"}',
  '{"action":"audit.list","limit":50}',
  '{',
];

/** Serves the requests above as root of the scratch server at `root`. */
export async function warmUpApi(root: string): Promise<void> {
  const paths = serverPaths(root);
  for (const text of BODIES) {
    const request: CgiRequest = {
      method: 'POST',
      contentType: 'application/json',
      contentLength: String(Buffer.byteLength(text)),
      remoteUser: 'root',
      securityToken: SCRATCH_TOKEN,
      requestUri: `${SCRATCH_TOKEN}/cgi/whm2fa/api.cgi`,
      remoteAddr: '127.0.0.1',
    };
    let outcome: ApiOutcome;
    try {
      const { caller } = checkApiRequest(paths, request);
      outcome = await runApiRequest(paths, { ...request, caller }, Buffer.from(text), Date.now() / 1000);
    } catch (err) {
      outcome = errorResponse(err);
    }
    formatHead(outcome.response);
  }
}
