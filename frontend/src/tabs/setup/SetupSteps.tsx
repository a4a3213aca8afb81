import type { ComponentChildren } from 'preact';
import type { Enrollment } from '../../api';

/** The article's steps on screen: install an app, add the account (the key panel), enter the code. */
export function SetupSteps(props: { enrollment: Enrollment; replacing: boolean; children: ComponentChildren }) {
  const { enrollment } = props;
  return (
    <>
      {props.replacing ? (
        <p class="alert alert-info">
          Your current device keeps working until you prove the new one: enter a code from each below. Then only the new
          device works.
        </p>
      ) : null}
      <ol class="whm2fa-steps">
        <li>
          <strong>Install an authenticator app</strong> on your phone if you do not have one: Google Authenticator,
          Microsoft Authenticator, Authy, 1Password or any app for time-based codes.
        </li>
        <li>
          <strong>Add this account to the app.</strong> Scan the QR code, or type the key.
          {props.children}
        </li>
        <li>
          <strong>Enter the code</strong> the app now shows for {enrollment.issuer} ({enrollment.account}).
        </li>
      </ol>
    </>
  );
}
