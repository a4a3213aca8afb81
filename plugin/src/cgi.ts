/**
 * The CGI layer: the only module that reads the environment cpsrvd sets. It also reads
 * the body from stdin (exactly CONTENT_LENGTH bytes) and prints responses with CGI
 * headers. What a request means is decided elsewhere (api/serve.ts, page.ts).
 */
import { statusText } from './errors';
import { redactText } from './redact';
import type { CgiRequest, CgiResponse } from './cgiTypes';

/** A body that has not fully arrived by then is refused. */
const BODY_TIMEOUT_MS = 10_000;

export interface CgiOptions {
  /** The server root the installer recorded ("/" on a real server). */
  readonly root: string;
}

/** The request as cpsrvd describes it in the environment (whm-contract.md §2). */
export function cgiRequest(): CgiRequest {
  const env = process.env;
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
export function readStdin(bytes: number): Promise<Buffer> {
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

export function respond(response: CgiResponse): void {
  process.stdout.write(formatResponse(response));
}

/** Details of an unexpected failure for the server's error log, secrets removed. */
export function logError(where: string, err: unknown): void {
  const detail = err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err);
  process.stderr.write(`whm2fa ${where}: ${redactText(detail)}\n`);
}
