import { useFocusHere } from '../../focus';

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
        {props.dead === undefined ? null : (
          <p>
            If you added this key to your app, delete its entry “{props.dead}” now: it will never work, and a new key
            may get the same name.
          </p>
        )}
      </div>
      <p>
        {props.onNew === undefined ? null : (
          <>
            <button type="button" class="btn btn-primary" onClick={props.onNew}>
              {props.hasNext ? 'Show the new key' : 'Get a new key'}
            </button>{' '}
          </>
        )}
        <button
          type="button"
          class={`btn btn-${props.onNew === undefined ? 'primary' : 'default'}`}
          onClick={props.onBack}
        >
          Back
        </button>
      </p>
    </div>
  );
}
