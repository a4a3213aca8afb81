import type { ApiError } from '../../api';
import { Problem } from '../../components/Problem';
import { t } from '../../i18n';

/** While the server makes the key, or when it could not: the reason, Try again and Back. */
export function Starting(props: { error: ApiError | undefined; onRetry: () => void; onBack: () => void }) {
  return (
    <>
      <Problem error={props.error} />
      {props.error === undefined ? (
        <p aria-busy="true">{t('setup.making')}</p>
      ) : (
        <p>
          <button type="button" class="btn btn-default" onClick={props.onRetry}>
            {t('common.tryAgain')}
          </button>{' '}
          <button type="button" class="btn btn-link" onClick={props.onBack}>
            {t('common.back')}
          </button>
        </p>
      )}
    </>
  );
}
