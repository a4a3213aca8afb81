import { useState } from 'preact/hooks';
import type { Status } from '../api';
import { LockNotice, Notice } from '../components/Problem';
import { AdminRemoved, LostDevice } from './account/Guidance';
import { RemoveOwn } from './account/RemoveOwn';
import { Setup } from './Setup';

type Mode = 'view' | 'setup' | 'reconfigure';

/** "Manage my Account": the caller's own 2FA — set up, reconfigure, remove. */
export function MyAccount(props: { status: Status; onChanged: () => void }) {
  const { status } = props;
  const [mode, setMode] = useState<Mode>('view');
  const [removing, setRemoving] = useState(false);
  const [notice, setNotice] = useState<{ text: string; tone?: 'warning' } | undefined>();

  const finished = (text: string, tone?: 'warning') => {
    setMode('view');
    setRemoving(false);
    setNotice(tone === undefined ? { text } : { text, tone });
    props.onChanged();
  };

  if (mode !== 'view') {
    return (
      <Setup
        status={status}
        replacing={mode === 'reconfigure'}
        onCancel={() => setMode('view')}
        onChanged={props.onChanged}
        onDone={() =>
          finished(
            mode === 'reconfigure'
              ? `Your new device is set up. From now on only its codes work. Delete the old entry for ${status.issuer} (${status.user}) from the authenticator app on your old device: its codes no longer work.`
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
      <Notice text={notice?.text} tone={notice?.tone} />
      <AdminRemoved status={status} />
      {status.lockedUntil === null ? null : <LockNotice until={status.lockedUntil} />}
      <p class="whm2fa-state">
        {status.enabled ? <span class="label label-success">On</span> : <span class="label label-default">Off</span>}{' '}
        {!status.enabled
          ? 'Two-factor authentication is off: logging in needs only your password.'
          : status.policyEnabled
            ? 'Two-factor authentication is on: logging in asks for a security code from your authenticator app.'
            : 'Two-factor authentication is set up, but logins do not ask for a code while the server’s two-factor login policy is off.'}
      </p>
      {status.enabled ? (
        <>
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
        </>
      ) : (
        <>
          {status.pending ? (
            <p class="help-block">A setup was started and not finished; starting again makes a new key.</p>
          ) : null}
          <p>
            <button type="button" class="btn btn-primary" onClick={() => setMode('setup')}>
              Set up Two-Factor Authentication
            </button>
          </p>
        </>
      )}
      <LostDevice status={status} />
      {removing ? (
        <RemoveOwn
          status={status}
          onClose={() => setRemoving(false)}
          onChanged={props.onChanged}
          onReconfigure={() => {
            setRemoving(false);
            setMode('reconfigure');
          }}
          onDone={() => finished('Two-factor authentication is off. Logging in needs only your password.', 'warning')}
        />
      ) : null}
    </section>
  );
}
