import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type ApiError, type Enrollment, type Status } from '../../api';
import { useSecondsLeft } from '../../components/Problem';
import { clockTime } from '../../messages';
import { announce } from '../../setupChannel';
import { useOtherTabs, type SetupEnd } from './useOtherTabs';
import { t } from '../../i18n';

const changed = (): SetupEnd => ({ message: t('setup.endChanged'), finished: true });

/** The account's key as a status shows it: changes when 2FA is set up or reconfigured. */
const keyOf = (s: Status): string => `${String(s.enabled)} ${s.keyLabel?.at ?? ''}`;

/** The key a setup shows, and why it ended when it no longer works. */
export interface PendingKey {
  readonly enrollment: Enrollment | undefined;
  /** Set when the key expired, or was replaced, cancelled or finished elsewhere. */
  readonly ended: SetupEnd | undefined;
  /** Why a new key could not be made. */
  readonly startError: ApiError | undefined;
  /**
   * Makes a new key (and tells the other tabs theirs is replaced), after status shows 2FA
   * as it was when this setup began: if it was set up elsewhere meanwhile, ends instead.
   */
  start(): void;
  /** Shows a key another tab made. */
  show(enrollment: Enrollment): void;
  /** Ends the key on screen, e.g. when the server says it was replaced. */
  end(end: SetupEnd): void;
}

/**
 * A setup's key from enroll.start to its end: expiry by the clock, other tabs, the server.
 * `replacing`: the page offered a reconfigure (2FA was on), not a first setup.
 */
export function usePendingKey(user: string, replacing: boolean): PendingKey {
  const [enrollment, setEnrollment] = useState<Enrollment | undefined>();
  const [end, setEnd] = useState<SetupEnd | undefined>();
  const [startError, setStartError] = useState<ApiError | undefined>();
  // The key when this setup began; '' when 2FA had already changed from what the page showed.
  const began = useRef<string>();
  const left = useSecondsLeft(enrollment?.expiresAt);
  useOtherTabs(user, enrollment, setEnd, (s) => keyOf(s) !== began.current);
  const show = (next: Enrollment) => {
    setEnrollment(next);
    setEnd(undefined);
  };
  const start = () => {
    setStartError(undefined);
    setEnd(undefined);
    setEnrollment(undefined);
    api
      .status()
      .then((s) => {
        began.current ??= s.enabled === replacing ? keyOf(s) : '';
        if (keyOf(s) !== began.current) return setEnd(changed());
        return api.enrollStart().then((next) => {
          show(next);
          announce({ kind: 'started', user, enrollment: next });
        });
      })
      .catch(setStartError);
  };
  useEffect(start, []);
  const expired =
    enrollment !== undefined && left <= 0
      ? {
          message: t('setup.endExpired', { time: clockTime(enrollment.expiresAt) }),
        }
      : undefined;
  return { enrollment, ended: end ?? expired, startError, start, show, end: setEnd };
}
