import { useEffect } from 'preact/hooks';
import { api, type Enrollment } from '../../api';
import { listen } from '../../setupChannel';

/** Why the key on screen stopped working, and the key that replaced it when this tab knows it. */
export interface SetupEnd {
  message: string;
  next?: Enrollment | undefined;
}

const REPLACED =
  'This key was replaced: a newer setup was started in another tab or window, so this key no longer works.';

/**
 * Ends the setup on screen when another tab replaces, cancels or finishes it: at once for
 * tabs of this browser, and on return to this tab (status names the live pending key)
 * for anything else.
 */
export function useOtherTabs(user: string, enrollment: Enrollment | undefined, onEnd: (end: SetupEnd) => void): void {
  const keyId = enrollment?.keyId;
  useEffect(() => {
    if (keyId === undefined) return undefined;
    const stop = listen(user, (event) => {
      if (event.kind === 'started' && event.enrollment.keyId !== keyId)
        onEnd({ message: REPLACED, next: event.enrollment });
      else if (event.kind === 'cancelled')
        onEnd({ message: 'This setup was cancelled in another tab, so this key no longer works.' });
      else if (event.kind === 'done')
        onEnd({ message: 'This setup was finished in another tab, so this key is not needed.' });
    });
    const check = () => {
      if (document.visibilityState !== 'visible') return;
      api.status().then(
        (s) => {
          if (s.pendingKeyId === keyId) return;
          onEnd({
            message:
              s.pendingKeyId === null
                ? 'This setup ended: it expired, or was cancelled or finished in another tab or window. This key no longer works.'
                : REPLACED,
          });
        },
        () => undefined,
      );
    };
    window.addEventListener('focus', check);
    document.addEventListener('visibilitychange', check);
    return () => {
      stop();
      window.removeEventListener('focus', check);
      document.removeEventListener('visibilitychange', check);
    };
  }, [keyId]);
}
