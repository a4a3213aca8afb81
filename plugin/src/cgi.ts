/**
 * The CGI layer: the only module that reads the environment cpsrvd sets. It also reads
 * the body from stdin (exactly CONTENT_LENGTH bytes) and prints responses with CGI
 * headers. What a request means is decided elsewhere (api/serve.ts, page.ts).
 */
import { readSync } from 'node:fs';
import { pause, writeAll } from './descriptor';
import { statusText } from './errors';
import { errorLogText } from './redact';
import type { CgiRequest, CgiResponse } from './cgiTypes';

/** A body that has not fully arrived by then is refused. */
const BODY_TIMEOUT_MS = 10_000;

/** What the installed wrapper passes to a CGI bundle's `main`. */
export interface CgiOptions {
  /** The server root the installer recorded ("/" on a real server). */
  readonly root: string;
}

/** The request as cpsrvd describes it in the environment (docs/cpanel.md, "How cpsrvd runs a CGI"). */
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
    cookie: env['HTTP_COOKIE'],
  };
}

/**
 * Reads exactly `bytes` bytes of stdin; fewer (stdin closed early) is an error. It reads
 * the descriptor directly: process.stdin (and process.stdout below) would load Node's
 * stream machinery, a tenth of the start-up time the CGI is allowed.
 */
export function readStdin(bytes: number): Buffer {
  const body = Buffer.alloc(bytes);
  const deadline = Date.now() + BODY_TIMEOUT_MS;
  let received = 0;
  while (received < bytes) {
    let n: number;
    try {
      n = readSync(0, body, received, bytes - received, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN' || Date.now() > deadline) throw err;
      pause(2);
      continue;
    }
    if (n === 0) throw new Error('body shorter than CONTENT_LENGTH');
    received += n;
  }
  return body;
}

/** The CGI header block of a response: `Status:` first, then its headers, then a blank line. */
export function formatHead(response: CgiResponse): string {
  const lines = [`Status: ${String(response.status)} ${statusText(response.status)}`];
  for (const [name, value] of Object.entries(response.headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * Prints a response on stdout. The head and the body are written one after the other,
 * so a large body (10,000 accounts) is never copied into one string with its head.
 */
export function respond(response: CgiResponse): void {
  writeAll(1, formatHead(response));
  writeAll(1, response.body);
}

/** Writes the details of an unexpected failure to the server's error log (stderr). */
export function logError(where: string, err: unknown): void {
  writeAll(2, errorLogText(where, err));
}
