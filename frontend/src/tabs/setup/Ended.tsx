import { useFocusHere } from '../../focus';
import { t } from '../../i18n';

/**
 * A setup that can no longer be confirmed (expired, cancelled or replaced, maybe in another
 * tab): the old key and QR code are gone from the screen, the app entry it may have made is
 * named for deletion (`dead`), and one click gets a new key, unless 2FA was set up elsewhere
 * meanwhile (no `onNew`): then Back is the only way on.
 */
export function Ended(props: {
  message: string;
  dead: string | undefined;
  hasNext: boolean;
  onNew: (() => void) | undefined;
  onBack: () => void;
}) {
  const ref = useFocusHere<HTMLDivElement>(props.message);
  return (
    <div>
      <div class="alert alert-warning whm2fa-ended" role="alert" tabIndex={-1} ref={ref}>
        <p>{props.message}</p>
        {props.dead === undefined ? null : <p>{t('setup.deleteDeadEntry', { name: props.dead })}</p>}
      </div>
      <p>
        {props.onNew === undefined ? null : (
          <>
            <button type="button" class="btn btn-primary" onClick={props.onNew}>
              {props.hasNext ? t('setup.showNewKey') : t('setup.getNewKey')}
            </button>{' '}
          </>
        )}
        <button
          type="button"
          class={`btn btn-${props.onNew === undefined ? 'primary' : 'default'}`}
          onClick={props.onBack}
        >
          {t('common.back')}
        </button>
      </p>
    </div>
  );
}
