import { useState } from 'preact/hooks';
import type { AuditFilter } from '../../api';
import { AUDIT_ACTIONS } from '../../../../plugin/src/rules';
import { actionLabel } from './ActivityTable';
import { t } from '../../i18n';

/** Account and action filters, applied by the server when the form is sent. */
export function Filters(props: { onApply: (filter: AuditFilter) => void }) {
  const [user, setUser] = useState('');
  const [action, setAction] = useState('');
  const apply = (e: Event) => {
    e.preventDefault();
    const filter: AuditFilter = {};
    if (user.trim() !== '') filter.user = user.trim();
    const known = AUDIT_ACTIONS.find((a) => a === action);
    if (known !== undefined) filter.auditAction = known;
    props.onApply(filter);
  };
  return (
    <form class="whm2fa-toolbar" onSubmit={apply} role="search" aria-label={t('activity.filterLabel')}>
      <div class="form-group">
        <label class="control-label" for="whm2fa-audit-user">
          {t('activity.filterAccount')}
        </label>
        <input
          id="whm2fa-audit-user"
          class="form-control"
          type="text"
          autoComplete="off"
          spellcheck={false}
          maxLength={64}
          value={user}
          aria-describedby="whm2fa-audit-user-hint"
          onInput={(e) => setUser((e.currentTarget as HTMLInputElement).value)}
        />
        <p class="help-block" id="whm2fa-audit-user-hint">
          {t('activity.filterAccountHint')}
        </p>
      </div>
      <div class="form-group">
        <label class="control-label" for="whm2fa-audit-action">
          {t('activity.filterAction')}
        </label>
        <select
          id="whm2fa-audit-action"
          class="form-control"
          value={action}
          onChange={(e) => setAction((e.currentTarget as HTMLSelectElement).value)}
        >
          <option value="">{t('activity.anyAction')}</option>
          {AUDIT_ACTIONS.map((a) => (
            <option value={a} key={a}>
              {actionLabel(a)}
            </option>
          ))}
        </select>
        <p class="help-block">&nbsp;</p>
      </div>
      <p>
        <button type="submit" class="btn btn-default">
          {t('activity.apply')}
        </button>
      </p>
    </form>
  );
}
