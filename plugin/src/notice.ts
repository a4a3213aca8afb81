/**
 * The email a user gets on every change to their two-factor authentication: what
 * changed, when, by whom, from where, and what to do if it was not them. Never a secret.
 * A failed send is written to the audit log and never blocks the change.
 */
import { appendAudit } from './audit';
import { contactEmail } from './accounts';
import { serverHostname } from './cpanelState';
import { sendMail } from './mailer';
import { bestEffort } from './store';
import { cleanUserText } from './userText';
import { mailWords, record, said, type Said } from './messages';
import { fieldLines, mailTime, sender, type MailWords } from './mailText';
import { recipientLocale } from './userLocale';
import type { ServerPaths } from './paths';

/** The changes a user (or an account's owner) is emailed about. */
export type NoticeKind =
  | 'enabled'
  | 'replaced'
  | 'removed'
  | 'removed-by-admin'
  | 'recovery-regenerated'
  | 'renamed-lost'
  | 'renamed-lost-owner';

/** One change to tell a user about, with who made it, from where and when. */
export interface Notice {
  readonly kind: NoticeKind;
  readonly user: string;
  readonly actor: string;
  readonly ip: string;
  readonly epochSeconds: number;
  readonly reason?: string;
  /** For a notice to an account's owner: the account it is about. */
  readonly account?: string;
  /** For an administrator's removal: whether one of the user's recovery codes confirmed who asked. */
  readonly identity?: 'recovery-code' | 'not-confirmed';
  /** New recovery codes were made (and shown once on the page). */
  readonly newRecoveryCodes?: boolean;
}

/** The message id part of each kind (`notice.subject.<id>`, `notice.what.<id>`). */
const IDS = {
  enabled: 'enabled',
  replaced: 'replaced',
  removed: 'removed',
  'removed-by-admin': 'removedByAdmin',
  'recovery-regenerated': 'recoveryRegenerated',
  'renamed-lost': 'renamedLost',
  'renamed-lost-owner': 'renamedLostOwner',
} as const satisfies Record<NoticeKind, string>;

/** The subject and body of the email for `notice`, naming this server as `host`, in the language of `words`. */
export function noticeText(
  notice: Notice,
  host: string,
  words: MailWords = mailWords('', 'en'),
): { subject: string; body: string } {
  const w = words.text;
  const id = IDS[notice.kind];
  const fields: Array<readonly [Parameters<typeof fieldLines>[1][number][0], string]> = [
    ['account', notice.account ?? notice.user],
    ['server', host],
    ['when', mailTime(words, notice.epochSeconds)],
    ['by', notice.actor === notice.user ? w('notice.byYou', { actor: notice.actor }) : notice.actor],
    ['from', notice.ip === '' ? w('notice.fromServer') : notice.ip],
  ];
  if (notice.reason !== undefined) fields.push(['reason', cleanUserText(notice.reason)]);
  if (notice.identity !== undefined)
    fields.push([
      'identity',
      notice.identity === 'recovery-code' ? w('notice.identityConfirmed') : w('notice.identityNotConfirmed'),
    ]);
  const lines = [w('mail.hello', { user: notice.user }), '', w(`notice.what.${id}`), '', ...fieldLines(words, fields)];
  if (notice.identity !== undefined) lines.push('', w('notice.recoveryCodesGone'));
  if (notice.newRecoveryCodes === true) lines.push('', w('notice.newRecoveryCodes'));
  lines.push('', w('notice.notYou'), '', w('mail.signature', { host }));
  return {
    subject: w('mail.subjectLine', { subject: w(`notice.subject.${id}`), user: notice.user, host }),
    body: lines.join('\n'),
  };
}

/**
 * Emails the user about a change; a missing address or a failed send goes into the audit
 * log (in English). Returns why no mail was sent, or `undefined` when sendmail took it.
 */
export function notify(paths: ServerPaths, notice: Notice): Said | undefined {
  const host = serverHostname(paths);
  const to = contactEmail(paths, notice.user);
  const problem = to === undefined ? said('mail.noAddress') : send(paths, to, host, notice);
  if (problem === undefined) return undefined;
  // The change is done whatever happens to its email; a broken audit log is the doctor's.
  bestEffort(() =>
    appendAudit(paths, {
      epochSeconds: notice.epochSeconds,
      actor: notice.actor,
      subject: notice.user,
      action: 'mail',
      ip: notice.ip,
      result: `not sent: ${record(problem)}`,
    }),
  );
  return problem;
}

/** Sends the notice in its recipient's language (their own setting, else the server's): not the actor's. */
function send(paths: ServerPaths, to: string, host: string, notice: Notice): Said | undefined {
  const words = mailWords(paths.localesDir, recipientLocale(paths, notice.user));
  const { subject, body } = noticeText(notice, host, words);
  return sendMail(paths, { to, subject, body, ...sender(words, host) });
}
