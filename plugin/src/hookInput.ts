/**
 * How the account hook reads its event from stdin (plugin/hook/hook.ts wires it): cPanel
 * may write it slowly, or keep the pipe open after it, so the hook reads until the input
 * ends, or holds a complete JSON document, or the bounds of rules.ts pass. It must never
 * block an account operation.
 */
import { HOOK_INPUT_CEILING_MS, HOOK_INPUT_IDLE_MS } from './rules';
import type { Readable } from 'node:stream';

/** Everything is read (cPanel expects it), but only the first MiB is kept. */
const MAX_KEPT_BYTES = 1024 * 1024;

/** What reading the event gave. */
export interface EventInput {
  /** The event: what arrived, once it parses as a JSON object with members. */
  readonly doc: Record<string, unknown> | undefined;
  /** What arrived (its first MiB), as text. */
  readonly text: string;
  /** True when the input neither ended nor completed a document within rules.ts's bounds. */
  readonly gaveUp: boolean;
}

/**
 * Reads the event from `input` however slowly it arrives: until the input ends, or as soon
 * as what arrived is a complete JSON object (a writer may keep stdin open), or until
 * {@link HOOK_INPUT_IDLE_MS} pass without a byte or {@link HOOK_INPUT_CEILING_MS} in all.
 */
export function readEvent(input: Readable): Promise<EventInput> {
  return new Promise((resolve) => {
    const kept: Buffer[] = [];
    let size = 0;
    let settled = false;
    const text = (): string => Buffer.concat(kept).toString('utf8');
    const finish = (gaveUp: boolean, doc?: Record<string, unknown>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      clearTimeout(ceiling);
      // Not destroyed: a writer still finishing (a last newline) is not cut off; the hook
      // exits when its work is done, whatever the input still holds. The listeners go by
      // name: removing all at once makes Node set the stream flowing again on the next tick.
      for (const event of ['data', 'end', 'error']) input.removeAllListeners(event);
      input.on('error', () => undefined);
      input.pause();
      const received = text();
      resolve({ doc: doc ?? parseEvent(received), text: received, gaveUp });
    };
    const idle = setTimeout(() => finish(true), HOOK_INPUT_IDLE_MS);
    const ceiling = setTimeout(() => finish(true), HOOK_INPUT_CEILING_MS);
    input.on('data', (chunk: Buffer) => {
      idle.refresh();
      if (size < MAX_KEPT_BYTES) kept.push(chunk.subarray(0, MAX_KEPT_BYTES - size));
      size += chunk.length;
      if (size <= MAX_KEPT_BYTES && mayEndObject(chunk)) {
        const doc = parseEvent(text());
        if (doc !== undefined) finish(false, doc);
      }
    });
    input.on('end', () => finish(false));
    input.on('error', () => finish(false));
  });
}

/** Whether a chunk may end a JSON object: its last byte that is not white space is `}`. */
function mayEndObject(chunk: Buffer): boolean {
  for (let i = chunk.length - 1; i >= 0; i -= 1) {
    const byte = chunk[i];
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return byte === 0x7d;
  }
  return true;
}

/** `value` as a JSON object, or an empty one when it is not an object. */
export function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The event as a JSON object with members; undefined for anything else. */
export function parseEvent(input: string): Record<string, unknown> | undefined {
  try {
    const doc = record(JSON.parse(input));
    return Object.keys(doc).length === 0 ? undefined : doc;
  } catch {
    return undefined;
  }
}
