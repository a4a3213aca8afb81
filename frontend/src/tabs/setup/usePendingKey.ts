import { useEffect, useState } from 'preact/hooks';
import { api, type ApiError, type Enrollment } from '../../api';
import { useSecondsLeft } from '../../components/Problem';
import { clockTime } from '../../messages';
import { announce } from '../../setupChannel';
import { useOtherTabs, type SetupEnd } from './useOtherTabs';

/** The key a setup shows, and why it ended when it no longer works. */
export interface PendingKey {
  readonly enrollment: Enrollment | undefined;
  /** Set when the key expired, or was replaced, cancelled or finished elsewhere. */
  readonly ended: SetupEnd | undefined;
  /** Why a new key could not be made. */
  readonly startError: ApiError | undefined;
  /** Makes a new key (and tells the other tabs theirs is replaced). */
  start(): void;
  /** Shows a key another tab made. */
  show(enrollment: Enrollment): void;
  /** Ends the key on screen, e.g. when the server says it was replaced. */
  end(end: SetupEnd): void;
}

/** A setup's key from enroll.start to its end: expiry by the clock, other tabs, the server. */
export function usePendingKey(user: string): PendingKey {
  const [enrollment, setEnrollment] = useState<Enrollment | undefined>();
  const [end, setEnd] = useState<SetupEnd | undefined>();
  const [startError, setStartError] = useState<ApiError | undefined>();
  const left = useSecondsLeft(enrollment?.expiresAt);
  useOtherTabs(user, enrollment, setEnd);
  const show = (next: Enrollment) => {
    setEnrollment(next);
    setEnd(undefined);
  };
  const start = () => {
    setStartError(undefined);
    setEnd(undefined);
    setEnrollment(undefined);
    api.enrollStart().then((next) => {
      show(next);
      announce({ kind: 'started', user, enrollment: next });
    }, setStartError);
  };
  useEffect(start, []);
  const expired =
    enrollment !== undefined && left <= 0
      ? {
          message: `This setup expired at ${clockTime(enrollment.expiresAt)} before it was confirmed, so this key no longer works.`,
        }
      : undefined;
  return { enrollment, ended: end ?? expired, startError, start, show, end: setEnd };
}
