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

type Listener = (event: SetupEvent) => void;

/**
 * The page's one listening channel and who listens to it: every part of the page that
 * follows the other tabs shares it, so all of them hear each message (a channel opened
 * while messages are arriving on another of the same name has been seen to miss them).
 */
let hub: { channel: BroadcastChannel; listeners: Set<Listener> } | undefined;

/** Calls `onEvent` for the other tabs' events about `user`; returns the unsubscribe. */
export function listen(user: string, onEvent: (event: SetupEvent) => void): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => undefined;
  if (hub === undefined) {
    const listeners = new Set<Listener>();
    const channel = new BroadcastChannel(NAME);
    channel.onmessage = (e: MessageEvent<SetupEvent>) => {
      for (const l of [...listeners]) l(e.data);
    };
    hub = { channel, listeners };
  }
  const own = hub;
  const listener: Listener = (event) => {
    if (event.user === user) onEvent(event);
  };
  own.listeners.add(listener);
  return () => {
    own.listeners.delete(listener);
    if (own.listeners.size > 0 || hub !== own) return;
    own.channel.close();
    hub = undefined;
  };
}
