import type { Status } from '../../api';

/**
 * The account's 2FA state in words that agree with the policy banner, and the article's
 * buttons for it: set up when off; reconfigure or remove when on. `quiet`: a notice just
 * above already says the state, so it is not said twice.
 */
export function OwnState(props: {
  status: Status;
  /** Verification is locked: no button that needs a code (or makes a key) can be used. */
  locked: boolean;
  quiet: boolean;
  onSetup: () => void;
  onReconfigure: () => void;
  onRemove: () => void;
}) {
  const { status } = props;
  return (
    <>
      {props.quiet ? null : (
        <p class="whm2fa-state">
          {status.enabled ? <span class="label label-success">On</span> : <span class="label label-default">Off</span>}{' '}
          {!status.enabled
            ? 'Two-factor authentication is off: logging in needs only your password.'
            : status.policyEnabled
              ? 'Two-factor authentication is on: logging in asks for a security code from your authenticator app.'
              : `Two-factor authentication is set up, but logins do not ask for a code while the server’s two-factor login policy is off.${status.isRoot ? ' You can turn it on in Settings.' : ''}`}
        </p>
      )}
      {status.enabled ? (
        <>
          <p>
            <button type="button" class="btn btn-primary" disabled={props.locked} onClick={() => props.onReconfigure()}>
              Reconfigure Two-Factor Authentication
            </button>{' '}
            <button type="button" class="btn btn-danger" disabled={props.locked} onClick={() => props.onRemove()}>
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
            <button type="button" class="btn btn-primary" disabled={props.locked} onClick={() => props.onSetup()}>
              Set up Two-Factor Authentication
            </button>
          </p>
        </>
      )}
    </>
  );
}
