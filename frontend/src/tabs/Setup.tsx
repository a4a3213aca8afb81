import { useState } from 'preact/hooks';
import { api, ApiError, type Confirmed, type Enrollment, type Status } from '../api';
import { useCodeForm } from '../codeForm';
import { useFocusHere } from '../focus';
import { entryName } from '../messages';
import { announce } from '../setupChannel';
import { ConfirmForm } from './setup/ConfirmForm';
import { Ended } from './setup/Ended';
import { KeyPanel } from './setup/KeyPanel';
import { SetupSteps } from './setup/SetupSteps';
import { Starting } from './setup/Starting';
import { usePendingKey } from './setup/usePendingKey';
import { t } from '../i18n';

/**
 * Setting up (or, with `replacing`, reconfiguring) a device: QR code and key for a new
 * secret, then the code that proves it (and the current device's code when replacing).
 * A key that expires or is replaced elsewhere leaves the screen.
 */
export function Setup(props: {
  status: Status;
  replacing: boolean;
  /** The answer: `warning` when the server could not finish its own records; `replaced` names the old key. */
  onDone: (done: Confirmed, key: Enrollment) => void;
  onCancel: () => void;
  onChanged: () => void;
}) {
  const user = props.status.user;
  const key = usePendingKey(user, props.replacing);
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  // Reconfiguring asks for two codes; a first setup only for the new key's (the form holds only `code`).
  const form = useCodeForm<'code' | 'currentCode'>(
    (props.replacing
      ? { code: t('code.fromNewDevice'), currentCode: t('code.fromCurrentDevice') }
      : { code: '' }) as Record<'code' | 'currentCode', string>,
  );
  // Each new key (Get a new key, Show the new key) is a new step: focus goes back to the heading.
  const [step, setStep] = useState(0);
  const heading = useFocusHere<HTMLHeadingElement>(step);
  const { enrollment, ended } = key;

  const submit = () => {
    if (busy) return;
    const codes = form.checked();
    if (enrollment === undefined || codes === undefined) return;
    setBusy(true);
    setError(undefined);
    api
      .enrollConfirm(enrollment.keyId, codes.code, props.replacing ? codes.currentCode : undefined)
      .then(
        (done) => {
          announce({ kind: 'done', user, keyId: enrollment.keyId });
          props.onDone(done, enrollment);
        },
        (err: ApiError) => {
          // The key was replaced or expired: nothing was checked or counted; offer a new one.
          if (err.code === 'NO_PENDING') return key.end({ message: err.message || t('setup.expiredShort') });
          setError(err);
          form.refused(err);
          props.onChanged();
        },
      )
      .finally(() => setBusy(false));
  };
  // Leaving reloads status: the stale "setup was started" line must not come back.
  const leave = () => {
    props.onChanged();
    props.onCancel();
  };
  const cancel = () => {
    const back = () => {
      announce({ kind: 'cancelled', user });
      leave();
    };
    api.enrollCancel().then(back, back);
  };
  const again = (next?: typeof enrollment) => {
    setError(undefined);
    setStep(step + 1);
    if (next === undefined) key.start();
    else key.show(next);
  };

  const title = props.replacing ? t('setup.titleReconfigure') : t('setup.title');
  return (
    <section aria-labelledby="whm2fa-setup-title" class="whm2fa-setup">
      <h2 id="whm2fa-setup-title" tabIndex={-1} ref={heading}>
        {title}
      </h2>
      {ended !== undefined ? (
        <Ended
          message={ended.message}
          dead={enrollment === undefined || ended.inUse === true ? undefined : entryName(enrollment)}
          hasNext={ended.next !== undefined}
          onNew={ended.finished === true ? undefined : () => again(ended.next)}
          onBack={leave}
        />
      ) : enrollment === undefined ? (
        <Starting error={key.startError} onRetry={() => again()} onBack={leave} />
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
