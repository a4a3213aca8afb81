import { useState } from 'preact/hooks';
import type { Enrollment } from '../../api';
import { t } from '../../i18n';

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
          alt={t('key.qrAlt', { account: enrollment.account, issuer: enrollment.issuer })}
        />
        <a class="btn btn-default whm2fa-open" href={enrollment.otpauthUri}>
          {t('key.openInApp')}
        </a>
      </div>
      <dl class="whm2fa-key">
        <dt>{t('key.account')}</dt>
        {/* Left to right on the value only: a whole cell marked so would sit at the far left in Arabic. */}
        <dd>
          <bdi dir="ltr">{enrollment.account}</bdi>
        </dd>
        <dt>{t('key.issuer')}</dt>
        <dd>
          <bdi dir="ltr">{enrollment.issuer}</bdi>
        </dd>
        <dt id="whm2fa-key-label">{t('key.key')}</dt>
        <dd>
          <code class="whm2fa-secret" dir="ltr" aria-labelledby="whm2fa-key-label">
            {groupKey(enrollment.secret)}
          </code>{' '}
          <button type="button" class="btn btn-default btn-sm" onClick={copy}>
            {copied ? t('key.copied') : t('key.copy')}
          </button>
        </dd>
        <dt>{t('key.type')}</dt>
        <dd>{t('key.typeValue')}</dd>
      </dl>
    </div>
  );
}
