/**
 * The CGI layer: the only module that reads the environment cpsrvd sets, reads the body
 * from stdin (exactly CONTENT_LENGTH bytes, never past the size limit) and prints the
 * response with CGI headers.
 */
import { Whm2faError, statusText } from './errors';
import { checkApiRequest, errorResponse, runApiRequest } from './api/handler';
import { servePage } from './page';
import { serverPaths } from './paths';
import { redactText } from './redact';
import type { CgiRequest, CgiResponse } from './cgiTypes';

/** A body that has not fully arrived by then is refused. */
const BODY_TIMEOUT_MS = 10_000;

export interface CgiOptions {
  /** The server root the installer recorded ("/" on a real server). */
  readonly root: string;
}

export function requestFromEnv(env: NodeJS.ProcessEnv): CgiRequest {
  return {
    method: env['REQUEST_METHOD'],
    contentType: env['CONTENT_TYPE'],
    contentLength: env['CONTENT_LENGTH'],
    remoteUser: env['REMOTE_USER'],
    securityToken: env['cp_security_token'],
    requestUri: env['REQUEST_URI'],
    remoteAddr: env['REMOTE_ADDR'],
  };
}

/** Reads exactly `bytes` bytes of stdin; fewer (stdin closed early) is an error. */
function readStdin(bytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (bytes === 0) {
      resolve(Buffer.alloc(0));
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    const stdin = process.stdin;
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      stdin.removeAllListeners();
      stdin.pause();
      if (error === undefined) resolve(Buffer.concat(chunks).subarray(0, bytes));
      else reject(error);
    };
    const timer = setTimeout(() => finish(new Error('body timeout')), BODY_TIMEOUT_MS);
    stdin.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (received >= bytes) finish();
    });
    stdin.on('end', () => finish(new Error('body shorter than CONTENT_LENGTH')));
    stdin.on('error', (err) => finish(err));
  });
}

export function formatResponse(response: CgiResponse): string {
  const lines = [`Status: ${String(response.status)} ${statusText(response.status)}`];
  for (const [name, value] of Object.entries(response.headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n${response.body}`;
}

function logError(where: string, err: unknown): void {
  const detail = err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err);
  process.stderr.write(`whm2fa ${where}: ${redactText(detail)}\n`);
}

function respond(response: CgiResponse): void {
  process.stdout.write(formatResponse(response));
}

/** api.cgi: one JSON API request. */
export async function serveApi(options: CgiOptions): Promise<void> {
  const paths = serverPaths(options.root);
  const request = requestFromEnv(process.env);
  let length: number;
  try {
    length = checkApiRequest(paths, request);
  } catch (err) {
    const outcome = errorResponse(err);
    if (outcome.logged !== undefined) logError('api', outcome.logged);
    respond(outcome.response);
    return;
  }
  let body: Buffer;
  try {
    body = await readStdin(length);
  } catch {
    respond(errorResponse(new Whm2faError('BAD_REQUEST', 'The request body was incomplete.')).response);
    return;
  }
  const outcome = await runApiRequest(paths, request, body, Date.now() / 1000);
  if (outcome.logged !== undefined) logError('api', outcome.logged);
  respond(outcome.response);
}

/** index.cgi: the page inside WHM's chrome. */
export function servePageRequest(options: CgiOptions): void {
  const paths = serverPaths(options.root);
  const request = requestFromEnv(process.env);
  try {
    respond(servePage(paths, request));
  } catch (err) {
    logError('page', err);
    respond({
      status: 500,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
      body: 'Two-Factor Authentication could not be shown. Please try again, or ask your host to check the server error log.\n',
    });
  }
}
