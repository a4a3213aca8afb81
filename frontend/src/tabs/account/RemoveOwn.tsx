import { useState } from 'preact/hooks';
import { api, ApiError, type Status } from '../../api';
import { useCodeForm } from '../../codeForm';
import { CurrentCodeCheck } from '../../components/CodeField';
import { Dialog, RemoveActions } from '../../components/Dialog';
import { useSecondsLeft } from '../../components/Problem';

/**
 * "Remove Two-Factor Authentication?": what it changes at which logins, Reconfigure
 * offered instead for a new phone, and the current code to confirm.
 */
export function RemoveOwn(props: {
  status: Status;
  onClose: () => void;
  /** `warning`: the change is done, but the server could not finish its own records. */
  onDone: (warning?: string) => void;
  onReconfigure: () => void;
  onChanged: () => void;
}) {
  const form = useCodeForm({ code: '' });
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  const locked = useSecondsLeft(props.status.lockedUntil) > 0;
  const submit = (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const codes = form.checked();
    if (codes === undefined) return;
    setBusy(true);
    api
      .remove(codes.code)
      .then(
        (done) => props.onDone(done.warning),
        (err: ApiError) => {
          setError(err);
          form.refused(err);
          props.onChanged();
        },
      )
      .finally(() => setBusy(false));
  };
  return (
    <Dialog title="Remove Two-Factor Authentication?" onClose={props.onClose}>
      <form onSubmit={submit} noValidate>
        <p>
          Your WHM, cPanel and Webmail logins will need only your password, and your authenticator app's codes will stop
          working for this account. Enter a current code to confirm it is you.
        </p>
        <p>
          Got a new phone? Keep your account protected:{' '}
          <button type="button" class="btn btn-link whm2fa-inline" onClick={props.onReconfigure}>
            Reconfigure Two-Factor Authentication
          </button>{' '}
          instead.
        </p>
        <CurrentCodeCheck id="whm2fa-remove-code" form={form} error={error} status={props.status} locked={locked} />
        <RemoveActions busy={busy} disabled={locked} onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}
