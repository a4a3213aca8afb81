import { useEffect, useState } from 'preact/hooks';
import { serverNow, type ApiError, type Status } from '../api';
import { useFocusHere } from '../focus';
import { countdown, errorMessage, localTime } from '../messages';
import { rich, t } from '../i18n';

/** Seconds until `iso` by the server's clock, ticking once a second while it is in the future. */
export function useSecondsLeft(iso: string | null | undefined): number {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    if (iso === null || iso === undefined) return undefined;
    const timer = setInterval(() => setNow(serverNow()), 1000);
    return () => clearInterval(timer);
  }, [iso]);
  return iso === null || iso === undefined ? 0 : (Date.parse(iso) - now) / 1000;
}

/** Calls `onEnd` once the lock that lasts `until` has ended (e.g. to reload status). */
export function useLockEnd(until: string | null | undefined, onEnd: () => void): void {
  useEffect(() => {
    const ms = until ? Date.parse(until) - serverNow() : 0;
    if (!(ms > 0)) return undefined;
    const timer = setTimeout(onEnd, ms + 250);
    return () => clearTimeout(timer);
  }, [until]);
}

/** How many wrong codes are left before a lock, once one has counted (not while locked). */
export function AttemptsLeft({ status, locked }: { status: Status; locked: boolean }) {
  const n = status.attemptsLeft;
  return locked || n >= 5 ? null : (
    <p class="help-block whm2fa-attempts" role="status">
      {t('code.attemptsLeft', { count: n })}
    </p>
  );
}

/** A verification lock with its end in local time and a live countdown. */
export function LockNotice({ until }: { until: string }) {
  const left = useSecondsLeft(until);
  if (left <= 0) return <p class="alert alert-info">{t('lock.ended')}</p>;
  return (
    <p class="alert alert-warning whm2fa-lock">
      {rich('lock.until', {
        time: localTime(until),
        countdown: <span class="whm2fa-countdown">{countdown(left)}</span>,
      })}
    </p>
  );
}

/** The one announced place for a failure (aria-live), empty when there is none. */
export function Problem({
  error,
  lead,
  page = false,
}: {
  error: ApiError | undefined;
  lead?: string | undefined;
  /** The page's own place: an ended session is said there once, not beside every form. */
  page?: boolean;
}) {
  const lockedUntil = error?.lockedUntil;
  const shown = error?.code === 'SESSION_ENDED' && !page ? undefined : error;
  return (
    <div class="whm2fa-problem" role="alert" aria-live="assertive" aria-atomic="true">
      {shown === undefined || error === undefined ? null : (
        <div class="alert alert-danger">
          <p>
            {lead === undefined ? null : <strong>{lead} </strong>}
            {errorMessage(error)}
          </p>
          {error.code === 'SESSION_ENDED' ? (
            <p>
              <a href="/">{t('session.logInAgain')}</a>
            </p>
          ) : null}
          {lockedUntil === undefined ? null : <LockNotice until={lockedUntil} />}
        </div>
      )}
    </div>
  );
}

/**
 * A polite announcement of an outcome, focused when it changes. Only a plain success is
 * green: a change that weakens protection or did not fully succeed is a warning.
 */
export function Notice({
  text,
  tone = 'success',
}: {
  text: string | undefined;
  tone?: 'success' | 'warning' | undefined;
}) {
  const ref = useFocusHere<HTMLDivElement>(text);
  return (
    <div class="whm2fa-notice" role="status" aria-live="polite">
      {text === undefined ? null : (
        <div class={`alert alert-${tone}`} tabIndex={-1} ref={ref}>
          {text}
        </div>
      )}
    </div>
  );
}
