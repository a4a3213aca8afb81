import type { Status } from '../../api';
import { t } from '../../i18n';

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
          {status.enabled ? (
            <span class="label label-success">{t('state.on')}</span>
          ) : (
            <span class="label label-default">{t('state.off')}</span>
          )}{' '}
          {!status.enabled
            ? t('mine.stateOff')
            : status.policyEnabled
              ? t('mine.stateOn')
              : status.isRoot
                ? t('mine.statePolicyOffRoot')
                : t('mine.statePolicyOff')}
        </p>
      )}
      {status.enabled ? (
        <>
          <p>
            <button type="button" class="btn btn-primary" disabled={props.locked} onClick={() => props.onReconfigure()}>
              {t('setup.titleReconfigure')}
            </button>{' '}
            <button type="button" class="btn btn-danger" disabled={props.locked} onClick={() => props.onRemove()}>
              {t('remove.button')}
            </button>
          </p>
          <p class="help-block">{t('mine.reconfigureHint')}</p>
        </>
      ) : (
        <>
          {status.pending ? <p class="help-block">{t('mine.pendingHint')}</p> : null}
          <p>
            <button type="button" class="btn btn-primary" disabled={props.locked} onClick={() => props.onSetup()}>
              {t('setup.title')}
            </button>
          </p>
        </>
      )}
    </>
  );
}
