import { useEffect, useState } from 'preact/hooks';
import type { ApiError } from '../api';
import { countdown, errorMessage, localTime } from '../messages';

/** Seconds until `iso`, ticking once a second while it is in the future. */
export function useSecondsLeft(iso: string | null | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (iso === null || iso === undefined) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [iso]);
  return iso === null || iso === undefined ? 0 : (Date.parse(iso) - now) / 1000;
}

/** A verification lock with its end and a live countdown. */
export function LockNotice({ until }: { until: string }) {
  const left = useSecondsLeft(until);
  if (left <= 0) return <p class="alert alert-info">The lock has ended. You can enter a code again.</p>;
  return (
    <p class="alert alert-warning whm2fa-lock">
      Verification is locked until {localTime(until)}. Try again in{' '}
      <span class="whm2fa-countdown">{countdown(left)}</span>.
    </p>
  );
}

/** The one announced place for a failure (aria-live), empty when there is none. */
export function Problem({ error }: { error: ApiError | undefined }) {
  const lockedUntil = error?.lockedUntil;
  return (
    <div class="whm2fa-problem" role="alert" aria-live="assertive" aria-atomic="true">
      {error === undefined ? null : (
        <div class="alert alert-danger">
          <p>{errorMessage(error)}</p>
          {lockedUntil === undefined ? null : <LockNotice until={lockedUntil} />}
        </div>
      )}
    </div>
  );
}

/** A polite announcement of a success. */
export function Notice({ text }: { text: string | undefined }) {
  return (
    <div class="whm2fa-notice" role="status" aria-live="polite">
      {text === undefined ? null : <div class="alert alert-success">{text}</div>}
    </div>
  );
}
