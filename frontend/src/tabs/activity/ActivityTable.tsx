import type { AuditAction } from '../../../../plugin/src/audit';
import type { AuditEntry } from '../../api';
import { ScrollRegion } from '../../components/ScrollRegion';
import { localTime } from '../../messages';
import { t, type MessageId } from '../../i18n';

/** The message naming each audit action on the page (and in the Activity filter). */
const ACTION_IDS: Readonly<Record<AuditAction, MessageId>> = {
  'enroll.start': 'action.enrollStart',
  'enroll.cancel': 'action.enrollCancel',
  enable: 'action.enable',
  replace: 'action.replace',
  remove: 'action.remove',
  'admin.remove': 'action.adminRemove',
  'recovery.regenerate': 'action.recoveryRegenerate',
  verify: 'action.verify',
  lock: 'action.lock',
  'issuer.set': 'action.issuerSet',
  'policy.set': 'action.policySet',
  'config.set': 'action.configSet',
  mail: 'action.mail',
  remind: 'action.remind',
  'account.create': 'action.accountCreate',
  'account.remove': 'action.accountRemove',
  'account.rename': 'action.accountRename',
  'cpanel.change': 'action.cpanelChange',
  'orphan.remove': 'action.orphanRemove',
};

/** What an audit action reads as in the page's language; an unknown one as recorded. */
export function actionLabel(action: string): string {
  return Object.hasOwn(ACTION_IDS, action) ? t(ACTION_IDS[action as AuditAction]) : action;
}

/** The audit entries as a table, times in the user's local time. */
export function ActivityTable({ entries }: { entries: readonly AuditEntry[] }) {
  return (
    <ScrollRegion label={t('activity.tableLabel')}>
      <table class="table table-striped whm2fa-activity">
        <caption class="sr-only">{t('activity.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('activity.column.when')}</th>
            <th scope="col">{t('activity.column.who')}</th>
            <th scope="col">{t('activity.column.account')}</th>
            <th scope="col">{t('activity.column.what')}</th>
            <th scope="col">{t('activity.column.result')}</th>
            <th scope="col">{t('activity.column.from')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e, i) => (
            <tr key={`${e.at}-${String(i)}`}>
              <td>
                <time dateTime={e.at}>{localTime(e.at)}</time>
              </td>
              {/* Labelled for the narrow-screen cards, where the header row is hidden (app.css). */}
              <td data-label={t('activity.column.who')}>{e.actor}</td>
              <td data-label={t('activity.column.account')}>{e.subject}</td>
              <td data-label={t('activity.column.what')}>{actionLabel(e.action)}</td>
              <td data-label={t('activity.column.result')}>
                {e.result.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, localTime)}
                {e.reason === undefined ? null : (
                  <span class="whm2fa-reason">{t('activity.reason', { reason: e.reason })}</span>
                )}
              </td>
              {/* Left to right on the address only, so in Arabic the label stays beside it. */}
              <td data-label={t('activity.column.from')}>
                <bdi dir="ltr">{e.ip}</bdi>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
