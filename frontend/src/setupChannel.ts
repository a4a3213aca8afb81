/**
 * Tells the user's other tabs of this page what a setup did, so a tab never keeps showing
 * a key that is no longer the pending one. Same browser only (BroadcastChannel, in
 * memory, same origin); other browsers are caught by the status check on focus.
 */
import type { Enrollment } from './api';

/** What one tab tells the others: a new key (which replaces theirs), a cancel, or 2FA finished with a key. */
export type SetupEvent =
  | { kind: 'started'; user: string; enrollment: Enrollment }
  | { kind: 'cancelled'; user: string }
  | { kind: 'done'; user: string; keyId: string };

const NAME = 'whm2fa-setup';

/** Sends `event` to the other tabs (a no-op where BroadcastChannel is missing). */
export function announce(event: SetupEvent): void {
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(NAME);
  channel.postMessage(event);
  channel.close();
}

/** Calls `onEvent` for the other tabs' events about `user`; returns the unsubscribe. */
export function listen(user: string, onEvent: (event: SetupEvent) => void): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => undefined;
  const channel = new BroadcastChannel(NAME);
  channel.onmessage = (e: MessageEvent<SetupEvent>) => {
    if (e.data.user === user) onEvent(e.data);
  };
  return () => channel.close();
}
