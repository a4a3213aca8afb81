import { useState } from 'preact/hooks';
import type { Enrollment } from '../../api';

/** The key in groups of four, as people copy it into an app by hand. */
export function groupKey(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

/**
 * The new key three ways: the QR code, an "Open in authenticator app" link (shown on
 * phone-sized screens, where the app is on the same device), and the key typed by hand.
 */
export function KeyPanel({ enrollment }: { enrollment: Enrollment }) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    navigator.clipboard?.writeText(enrollment.secret).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  return (
    <div class="whm2fa-enroll">
      <div class="whm2fa-qrbox">
        <img
          class="whm2fa-qr"
          src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrollment.qrSvg)}`}
          width={200}
          height={200}
          alt={`QR code for ${enrollment.account} at ${enrollment.issuer}: scan it with your authenticator app, or type the key shown beside it`}
        />
        <a class="btn btn-default whm2fa-open" href={enrollment.otpauthUri}>
          Open in authenticator app
        </a>
      </div>
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
  );
}
