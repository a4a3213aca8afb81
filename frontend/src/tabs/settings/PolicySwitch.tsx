import { useState } from 'preact/hooks';
import { Dialog } from '../../components/Dialog';

/**
 * Root's switch for cPanel's two-factor login policy: a labelled switch with its state in
 * words, applied at once. Turning it on is immediate; turning it off weakens every login
 * on the server, so it asks first, in danger style. While cPanel saves it, it says so
 * and takes no second press.
 */
export function PolicySwitch(props: { enabled: boolean; busy: boolean; onSwitch: (enabled: boolean) => void }) {
  const [confirming, setConfirming] = useState(false);
  const { enabled, busy } = props;
  return (
    <div class="whm2fa-policy">
      <h3>Two-factor login policy</h3>
      <p>
        When it is on, cPanel asks for a security code at WHM, cPanel and Webmail login for every account that has
        two-factor authentication set up. When it is off, no login asks for a code, even for those accounts.
      </p>
      <button
        type="button"
        role="switch"
        class="whm2fa-switch"
        aria-checked={enabled}
        aria-describedby="whm2fa-policy-state"
        aria-disabled={busy}
        aria-busy={busy}
        onClick={() => {
          if (busy) return;
          if (enabled) setConfirming(true);
          else props.onSwitch(true);
        }}
      >
        <span class="whm2fa-track" aria-hidden="true" />
        Ask for a security code at login
      </button>
      <p class="help-block" id="whm2fa-policy-state">
        {busy ? (
          `Turning it ${enabled ? 'off' : 'on'}…`
        ) : (
          <>
            <strong>{enabled ? 'On' : 'Off'}:</strong>{' '}
            {enabled
              ? 'logins ask for a security code wherever two-factor authentication is set up.'
              : 'no login on this server asks for a security code.'}
          </>
        )}
      </p>
      {confirming ? (
        <Dialog title="Turn off the two-factor login policy?" onClose={() => setConfirming(false)}>
          <p class="alert alert-danger">
            Every login on this server — WHM, cPanel and Webmail, for root, resellers and all their accounts — will ask
            for a password only. No one will be asked for a security code, even accounts that set up two-factor
            authentication, until the policy is turned on again.
          </p>
          <p>
            <button
              type="button"
              class="btn btn-danger"
              onClick={() => {
                setConfirming(false);
                props.onSwitch(false);
              }}
            >
              Turn off the login policy
            </button>{' '}
            <button type="button" class="btn btn-default" data-safe onClick={() => setConfirming(false)}>
              Keep it on
            </button>
          </p>
        </Dialog>
      ) : null}
    </div>
  );
}
