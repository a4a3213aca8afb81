import { useEffect } from 'preact/hooks';
import { api, type Enrollment, type Status } from '../../api';
import { listen } from '../../setupChannel';

/** Why the key on screen stopped working, and the key that replaced it when this tab knows it. */
export interface SetupEnd {
  message: string;
  next?: Enrollment | undefined;
  /** 2FA was set up or reconfigured elsewhere meanwhile: no new key is offered. */
  finished?: boolean;
  /** The key on screen is the one now in use: its app entry is not to be deleted. */
  inUse?: boolean;
}

const REPLACED =
  'This key was replaced: a newer setup was started in another tab or window, so this key no longer works.';

/** The setup was finished elsewhere with another key. */
const FINISHED: SetupEnd = {
  message: 'This setup was finished in another tab or window, so this key is not needed.',
  finished: true,
};

/**
 * Ends the setup on screen when another tab replaces, cancels or finishes it: at once for
 * tabs of this browser, and on return to this tab (status names the live pending key)
 * for anything else. `finished` says whether a status shows 2FA changed since the setup began.
 */
export function useOtherTabs(
  user: string,
  enrollment: Enrollment | undefined,
  onEnd: (end: SetupEnd) => void,
  finished: (s: Status) => boolean,
): void {
  const keyId = enrollment?.keyId;
  useEffect(() => {
    if (keyId === undefined) return undefined;
    // Once ended, a later look at status is not needed (and could not tell this key was the one confirmed).
    let over = false;
    const end = (e: SetupEnd) => {
      over = true;
      onEnd(e);
    };
    const stop = listen(user, (event) => {
      if (event.kind === 'started' && event.enrollment.keyId !== keyId)
        end({ message: REPLACED, next: event.enrollment });
      else if (event.kind === 'cancelled')
        end({ message: 'This setup was cancelled in another tab, so this key no longer works.' });
      else if (event.kind === 'done')
        end(
          event.keyId === keyId
            ? {
                message: 'This setup was finished in another tab with this key: it now works.',
                finished: true,
                inUse: true,
              }
            : FINISHED,
        );
    });
    const check = () => {
      if (over || document.visibilityState !== 'visible') return;
      api.status().then(
        (s) => {
          if (s.pendingKeyId === keyId || over) return;
          end(
            finished(s)
              ? FINISHED
              : {
                  message:
                    s.pendingKeyId === null
                      ? 'This setup ended: it expired, or was cancelled or finished in another tab or window. This key no longer works.'
                      : REPLACED,
                },
          );
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
