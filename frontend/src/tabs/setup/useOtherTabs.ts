import { useEffect } from 'preact/hooks';
import { api, type Enrollment, type Status } from '../../api';
import { listen } from '../../setupChannel';
import { t } from '../../i18n';

/** Why the key on screen stopped working, and the key that replaced it when this tab knows it. */
export interface SetupEnd {
  message: string;
  next?: Enrollment | undefined;
  /** 2FA was set up or reconfigured elsewhere meanwhile: no new key is offered. */
  finished?: boolean;
  /** The key on screen is the one now in use: its app entry is not to be deleted. */
  inUse?: boolean;
}

const replaced = (next?: Enrollment): SetupEnd => ({ message: t('setup.endReplaced'), next });

/** The setup was finished elsewhere with another key. */
const finishedElsewhere = (): SetupEnd => ({ message: t('setup.endFinishedElsewhere'), finished: true });

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
      if (event.kind === 'started' && event.enrollment.keyId !== keyId) end(replaced(event.enrollment));
      else if (event.kind === 'cancelled') end({ message: t('setup.endCancelled') });
      else if (event.kind === 'done')
        end(
          event.keyId === keyId
            ? {
                message: t('setup.endFinishedHere'),
                finished: true,
                inUse: true,
              }
            : finishedElsewhere(),
        );
    });
    const check = () => {
      if (over || document.visibilityState !== 'visible') return;
      api.status().then(
        (s) => {
          if (s.pendingKeyId === keyId || over) return;
          end(
            finished(s) ? finishedElsewhere() : s.pendingKeyId === null ? { message: t('setup.endEnded') } : replaced(),
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
