import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Enrollment, type Status } from '../api';
import { useCodeForm } from '../codeForm';
import { Problem, useSecondsLeft } from '../components/Problem';
import { useFocusHere } from '../focus';
import { clockTime } from '../messages';
import { announce } from '../setupChannel';
import { ConfirmForm } from './setup/ConfirmForm';
import { Ended } from './setup/Ended';
import { KeyPanel } from './setup/KeyPanel';
import { SetupSteps } from './setup/SetupSteps';
import { useOtherTabs, type SetupEnd } from './setup/useOtherTabs';

/**
 * Setting up (or, with `replacing`, reconfiguring) a device: QR code and key for a new
 * secret, then the code that proves it (and the current device's code when replacing).
 * A key that expires or is replaced elsewhere leaves the screen.
 */
export function Setup(props: {
  status: Status;
  replacing: boolean;
  onDone: () => void;
  onCancel: () => void;
  onChanged: () => void;
}) {
  const user = props.status.user;
  const [enrollment, setEnrollment] = useState<Enrollment | undefined>();
  const [end, setEnd] = useState<SetupEnd | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  // Reconfiguring asks for two codes; a first setup only for the new key's (the form holds only `code`).
  const form = useCodeForm<'code' | 'currentCode'>(
    (props.replacing
      ? { code: 'from the new device', currentCode: 'from your current device' }
      : { code: '' }) as Record<'code' | 'currentCode', string>,
  );
  const heading = useFocusHere<HTMLHeadingElement>();
  const left = useSecondsLeft(enrollment?.expiresAt);
  useOtherTabs(user, enrollment, setEnd);

  const show = (next: Enrollment) => {
    setEnrollment(next);
    setEnd(undefined);
    setError(undefined);
  };
  const start = () => {
    setError(undefined);
    setEnd(undefined);
    setEnrollment(undefined);
    api.enrollStart().then((next) => {
      show(next);
      announce({ kind: 'started', user, enrollment: next });
    }, setError);
  };
  useEffect(start, []);

  const submit = () => {
    const codes = form.checked();
    if (enrollment === undefined || codes === undefined) return;
    setBusy(true);
    setError(undefined);
    api
      .enrollConfirm(enrollment.keyId, codes.code, props.replacing ? codes.currentCode : undefined)
      .then(
        () => {
          announce({ kind: 'done', user });
          props.onDone();
        },
        (err: ApiError) => {
          if (err.code === 'NO_PENDING')
            return setEnd({ message: err.message || 'This setup expired or was cancelled.' });
          setError(err);
          form.refused(err);
          props.onChanged();
        },
      )
      .finally(() => setBusy(false));
  };
  const cancel = () => {
    const back = () => {
      announce({ kind: 'cancelled', user });
      props.onCancel();
    };
    api.enrollCancel().then(back, back);
  };

  const expired =
    enrollment !== undefined && left <= 0
      ? {
          message: `This setup expired at ${clockTime(enrollment.expiresAt)} before it was confirmed, so this key no longer works.`,
        }
      : undefined;
  const ended = end ?? expired;
  const title = props.replacing ? 'Reconfigure Two-Factor Authentication' : 'Set up Two-Factor Authentication';
  return (
    <section aria-labelledby="whm2fa-setup-title" class="whm2fa-setup">
      <h2 id="whm2fa-setup-title" tabIndex={-1} ref={heading}>
        {title}
      </h2>
      {ended !== undefined ? (
        <Ended
          message={ended.message}
          hasNext={end?.next !== undefined}
          onNew={() => (end?.next === undefined ? start() : show(end.next))}
          onBack={props.onCancel}
        />
      ) : enrollment === undefined ? (
        <>
          <Problem error={error} />
          {error === undefined ? (
            <p aria-busy="true">Making a new key…</p>
          ) : (
            <p>
              <button type="button" class="btn btn-default" onClick={start}>
                Try again
              </button>{' '}
              <button type="button" class="btn btn-link" onClick={props.onCancel}>
                Back
              </button>
            </p>
          )}
        </>
      ) : (
        <>
          <SetupSteps enrollment={enrollment} replacing={props.replacing}>
            <KeyPanel enrollment={enrollment} />
          </SetupSteps>
          <ConfirmForm
            status={props.status}
            form={form}
            replacing={props.replacing}
            expiresAt={enrollment.expiresAt}
            error={error}
            busy={busy}
            onSubmit={submit}
            onCancel={cancel}
          />
        </>
      )}
    </section>
  );
}
