import type { Account } from '../../api';

/**
 * How many accounts have 2FA, said so that it never contradicts the policy banner, and
 * what this tab is for: cPanel users set 2FA up in cPanel itself.
 */
export function Coverage(props: { accounts: Account[]; policyEnabled: boolean }) {
  const on = props.accounts.filter((a) => a.enabled).length;
  const all = props.accounts.length;
  return (
    <>
      <p class="whm2fa-coverage">
        {props.policyEnabled ? (
          <>
            <strong>
              {on} of {all} accounts protected
            </strong>{' '}
            with two-factor authentication.
          </>
        ) : (
          <>
            <strong>
              {on} of {all} accounts
            </strong>{' '}
            have two-factor authentication set up, but no login asks for a code while the login policy is off.
          </>
        )}
      </p>
      <p class="help-block">
        cPanel users turn two-factor authentication on in cPanel itself (Security › Two-Factor Authentication). Here you
        can remove it, for example when someone loses their phone; they are emailed if they have a contact address.
      </p>
    </>
  );
}
