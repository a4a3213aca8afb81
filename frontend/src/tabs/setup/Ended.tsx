import { useFocusHere } from '../../focus';

/**
 * A setup that can no longer be confirmed (expired, cancelled or replaced, maybe in another
 * tab): the old key and QR code are gone from the screen, and one click gets a new one.
 */
export function Ended(props: { message: string; hasNext: boolean; onNew: () => void; onBack: () => void }) {
  const ref = useFocusHere<HTMLDivElement>(props.message);
  return (
    <div>
      <div class="alert alert-warning whm2fa-ended" role="alert" tabIndex={-1} ref={ref}>
        <p>{props.message}</p>
      </div>
      <p>
        <button type="button" class="btn btn-primary" onClick={props.onNew}>
          {props.hasNext ? 'Show the new key' : 'Get a new key'}
        </button>{' '}
        <button type="button" class="btn btn-default" onClick={props.onBack}>
          Back
        </button>
      </p>
    </div>
  );
}
