import { useState } from 'preact/hooks';
import { api, ApiError, type Status } from '../api';
import { CodeField, cleanCode } from '../components/CodeField';
import { Dialog, RemoveActions } from '../components/Dialog';
import { LockNotice, Notice, Problem } from '../components/Problem';
import { Setup } from './Setup';

type Mode = 'view' | 'setup' | 'reconfigure';

/** "Manage My Account": the caller's own 2FA — set up, reconfigure, remove. */
export function MyAccount(props: { status: Status; onChanged: () => void }) {
  const { status } = props;
  const [mode, setMode] = useState<Mode>('view');
  const [removing, setRemoving] = useState(false);
  const [notice, setNotice] = useState<string | undefined>();

  const finished = (text: string) => {
    setMode('view');
    setRemoving(false);
    setNotice(text);
    props.onChanged();
  };

  if (mode !== 'view') {
    return (
      <Setup
        replacing={mode === 'reconfigure'}
        onCancel={() => setMode('view')}
        onDone={() =>
          finished(
            mode === 'reconfigure'
              ? 'Your new device is set up. From now on only its codes work.'
              : status.policyEnabled
                ? 'Two-factor authentication is on. From your next login, WHM asks for a security code from your app after your password.'
                : 'Two-factor authentication is set up. Logins will ask for a code once the host turns on the two-factor login policy.',
          )
        }
      />
    );
  }
  return (
    <section aria-labelledby="whm2fa-mine-title">
      <h2 id="whm2fa-mine-title">Your account ({status.user})</h2>
      <Notice text={notice} />
      {status.lockedUntil === null ? null : <LockNotice until={status.lockedUntil} />}
      {status.enabled ? (
        <div>
          <p class="whm2fa-state">
            <span class="label label-success">On</span> Two-factor authentication is on: logging in asks for a security
            code from your authenticator app.
          </p>
          <p>
            <button type="button" class="btn btn-primary" onClick={() => setMode('reconfigure')}>
              Reconfigure Two-Factor Authentication
            </button>{' '}
            <button type="button" class="btn btn-danger" onClick={() => setRemoving(true)}>
              Remove Two-Factor Authentication
            </button>
          </p>
          <p class="help-block">
            Reconfigure when you get a new phone; your current device keeps working until the new one is set up.
          </p>
        </div>
      ) : (
        <div>
          <p class="whm2fa-state">
            <span class="label label-default">Off</span> Two-factor authentication is off: logging in needs only your
            password.
          </p>
          {status.pending ? (
            <p class="help-block">A setup was started and not finished; starting again makes a new key.</p>
          ) : null}
          <p>
            <button type="button" class="btn btn-primary" onClick={() => setMode('setup')}>
              Set up Two-Factor Authentication
            </button>
          </p>
        </div>
      )}
      {removing ? (
        <RemoveOwn
          onClose={() => setRemoving(false)}
          onDone={() => finished('Two-factor authentication is off. Logging in needs only your password.')}
        />
      ) : null}
    </section>
  );
}

function RemoveOwn(props: { onClose: () => void; onDone: () => void }) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = (e: Event) => {
    e.preventDefault();
    setBusy(true);
    api
      .remove(cleanCode(code))
      .then(props.onDone, (err: ApiError) => {
        setError(err);
        setCode('');
      })
      .finally(() => setBusy(false));
  };
  return (
    <Dialog title="Remove Two-Factor Authentication?" onClose={props.onClose}>
      <form onSubmit={submit} noValidate>
        <p>
          Logging in will need only your password, and your authenticator app's codes will stop working for this
          account. Enter a current code to confirm it is you.
        </p>
        <Problem error={error} />
        <CodeField id="whm2fa-remove-code" label="Security code" value={code} onInput={setCode} />
        <RemoveActions busy={busy} onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}
