import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Enrollment } from '../api';
import { CodeField, cleanCode } from '../components/CodeField';
import { Problem } from '../components/Problem';

/** The key in groups of four, as people copy it into an app by hand. */
export function groupKey(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/**
 * Setting up (or, with `replacing`, reconfiguring) a device: QR code and key for a new
 * secret, then the code that proves it (and the current device's code when replacing).
 */
export function Setup(props: { replacing: boolean; onDone: () => void; onCancel: () => void }) {
  const [enrollment, setEnrollment] = useState<Enrollment | undefined>();
  const [code, setCode] = useState('');
  const [currentCode, setCurrentCode] = useState('');
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState(false);

  const start = () => {
    setError(undefined);
    api.enrollStart().then(setEnrollment, (e: ApiError) => setError(e));
  };
  useEffect(start, []);

  const submit = (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    api
      .enrollConfirm(cleanCode(code), props.replacing ? cleanCode(currentCode) : undefined)
      .then(
        () => props.onDone(),
        (err: ApiError) => {
          setError(err);
          if (err.code === 'CODE_INVALID' || err.code === 'CODE_REPLAYED') setCode('');
        },
      )
      .finally(() => setBusy(false));
  };

  const cancel = () => {
    api.enrollCancel().then(props.onCancel, props.onCancel);
  };

  const copy = () => {
    if (enrollment === undefined) return;
    navigator.clipboard?.writeText(enrollment.secret).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };

  const title = props.replacing ? 'Reconfigure Two-Factor Authentication' : 'Set up Two-Factor Authentication';
  if (enrollment === undefined) {
    return (
      <section aria-labelledby="whm2fa-setup-title">
        <h2 id="whm2fa-setup-title">{title}</h2>
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
      </section>
    );
  }
  return (
    <section aria-labelledby="whm2fa-setup-title" class="whm2fa-setup">
      <h2 id="whm2fa-setup-title">{title}</h2>
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
          <div class="whm2fa-enroll">
            <img
              class="whm2fa-qr"
              src={svgDataUrl(enrollment.qrSvg)}
              width={200}
              height={200}
              alt={`QR code for ${enrollment.account} at ${enrollment.issuer}: scan it with your authenticator app, or type the key shown beside it`}
            />
            <dl class="whm2fa-key">
              <dt>Account</dt>
              <dd>{enrollment.account}</dd>
              <dt>Issuer</dt>
              <dd>{enrollment.issuer}</dd>
              <dt id="whm2fa-key-label">Key</dt>
              <dd>
                <code class="whm2fa-secret" aria-labelledby="whm2fa-key-label">
                  {groupKey(enrollment.secret)}
                </code>{' '}
                <button type="button" class="btn btn-default btn-sm" onClick={copy}>
                  {copied ? 'Key copied' : 'Copy key'}
                </button>
              </dd>
              <dt>Type</dt>
              <dd>Time-based, 6 digits, every 30 seconds</dd>
            </dl>
          </div>
        </li>
        <li>
          <strong>Enter the code</strong> the app now shows for {enrollment.issuer} ({enrollment.account}).
        </li>
      </ol>
      <form onSubmit={submit} noValidate>
        <Problem error={error} />
        <CodeField
          id="whm2fa-code"
          label="Security code"
          value={code}
          onInput={setCode}
          hint={props.replacing ? 'The 6-digit code from the new device.' : undefined}
        />
        {props.replacing ? (
          <CodeField
            id="whm2fa-current-code"
            label="Current security code"
            value={currentCode}
            onInput={setCurrentCode}
            hint="The 6-digit code from the device you use now."
          />
        ) : null}
        <p>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            Configure Two-Factor Authentication
          </button>{' '}
          <button type="button" class="btn btn-default" onClick={cancel}>
            Cancel
          </button>
        </p>
        <p class="help-block">
          This key expires at {new Date(enrollment.expiresAt).toLocaleTimeString()} if not confirmed.
        </p>
      </form>
    </section>
  );
}
