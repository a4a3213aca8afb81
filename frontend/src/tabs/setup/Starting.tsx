import type { ApiError } from '../../api';
import { Problem } from '../../components/Problem';

/** While the server makes the key, or when it could not: the reason, Try again and Back. */
export function Starting(props: { error: ApiError | undefined; onRetry: () => void; onBack: () => void }) {
  return (
    <>
      <Problem error={props.error} />
      {props.error === undefined ? (
        <p aria-busy="true">Making a new key…</p>
      ) : (
        <p>
          <button type="button" class="btn btn-default" onClick={props.onRetry}>
            Try again
          </button>{' '}
          <button type="button" class="btn btn-link" onClick={props.onBack}>
            Back
          </button>
        </p>
      )}
    </>
  );
}
