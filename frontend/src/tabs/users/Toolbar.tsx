import { t } from '../../i18n';

/**
 * The account filter and the bulk actions, each counting exactly the checked accounts it
 * acts on: removal the checked accounts with 2FA, reminders the checked ones without.
 * `unprotected` says whether every account on the page without 2FA is checked (undefined:
 * there is none), for the box that checks them all.
 */
export function Toolbar(props: {
  filter: string;
  onFilter: (value: string) => void;
  checked: string[];
  onRemove: (users: string[]) => void;
  toRemind: string[];
  onRemind: (users: string[]) => void;
  unprotected: boolean | undefined;
  onSelectUnprotected: (on: boolean) => void;
}) {
  return (
    <div class="whm2fa-toolbar">
      <div class="form-group">
        <label for="whm2fa-filter" class="control-label">
          {t('users.filter')}
        </label>
        <input
          id="whm2fa-filter"
          class="form-control"
          type="search"
          value={props.filter}
          onInput={(e) => props.onFilter((e.currentTarget as HTMLInputElement).value)}
        />
      </div>
      <button
        type="button"
        class="btn btn-danger"
        disabled={props.checked.length === 0}
        onClick={() => props.onRemove(props.checked)}
      >
        {t('users.removeSelected', { count: props.checked.length })}
      </button>
      <div class="whm2fa-remind">
        <label class="checkbox-inline">
          <input
            type="checkbox"
            checked={props.unprotected === true}
            disabled={props.unprotected === undefined}
            onChange={() => props.onSelectUnprotected(props.unprotected !== true)}
          />{' '}
          {t('users.checkUnprotected')}
        </label>
        <button
          type="button"
          class="btn btn-primary"
          disabled={props.toRemind.length === 0}
          onClick={() => props.onRemind(props.toRemind)}
        >
          {t('users.remindSelected', { count: props.toRemind.length })}
        </button>
      </div>
    </div>
  );
}
