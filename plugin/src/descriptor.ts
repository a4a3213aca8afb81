/**
 * Synchronous file-descriptor helpers shared by the state store and the CGI layer (which
 * writes stdout through a descriptor rather than Node's streams: see cgi.ts).
 */
import { writeSync } from 'node:fs';

const WAITER = new Int32Array(new SharedArrayBuffer(4));

/** Blocks this process for `ms` milliseconds (lock waits, a pipe that is full). */
export function pause(ms: number): void {
  Atomics.wait(WAITER, 0, 0, ms);
}

/** Writes all of `text` (a string as UTF-8, or bytes), retrying while a non-blocking pipe says EAGAIN. */
export function writeAll(fd: number, text: string | Buffer): void {
  const buffer = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  let offset = 0;
  while (offset < buffer.length) {
    try {
      offset += writeSync(fd, buffer, offset, buffer.length - offset);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      pause(2);
    }
  }
}
