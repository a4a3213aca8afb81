import { useState } from 'preact/hooks';
import { Dialog } from '../../components/Dialog';
import { t } from '../../i18n';

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
      <h3>{t('policy.heading')}</h3>
      <p>{t('policy.text')}</p>
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
        {t('policy.switch')}
      </button>
      <p class="help-block" id="whm2fa-policy-state">
        {busy ? (
          enabled ? (
            t('policy.turningOff')
          ) : (
            t('policy.turningOn')
          )
        ) : (
          <>
            <strong>{enabled ? t('policy.stateOn') : t('policy.stateOff')}</strong>{' '}
            {enabled ? t('policy.stateOnText') : t('policy.stateOffText')}
          </>
        )}
      </p>
      {confirming ? (
        <Dialog title={t('policy.offTitle')} onClose={() => setConfirming(false)}>
          <p class="alert alert-danger">{t('policy.offText')}</p>
          <p>
            <button
              type="button"
              class="btn btn-danger"
              onClick={() => {
                setConfirming(false);
                props.onSwitch(false);
              }}
            >
              {t('policy.offButton')}
            </button>{' '}
            <button type="button" class="btn btn-default" data-safe onClick={() => setConfirming(false)}>
              {t('policy.keepOn')}
            </button>
          </p>
        </Dialog>
      ) : null}
    </div>
  );
}
