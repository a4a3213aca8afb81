import { useState } from 'preact/hooks';
import { api, ApiError, type Status } from '../../api';
import { useCodeForm } from '../../codeForm';
import { CurrentCodeCheck } from '../../components/CodeField';
import { Dialog, RemoveActions } from '../../components/Dialog';
import { useSecondsLeft } from '../../components/Problem';
import { rich, t } from '../../i18n';

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
    <Dialog title={t('remove.ownTitle')} onClose={props.onClose}>
      <form onSubmit={submit} noValidate>
        <p>{t('remove.ownText')}</p>
        <p>
          {rich(
            'remove.ownNewPhone',
            {},
            {
              button: (s) => (
                <button type="button" class="btn btn-link whm2fa-inline" onClick={props.onReconfigure}>
                  {s}
                </button>
              ),
            },
          )}
        </p>
        <CurrentCodeCheck id="whm2fa-remove-code" form={form} error={error} status={props.status} locked={locked} />
        <RemoveActions busy={busy} disabled={locked} onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}
