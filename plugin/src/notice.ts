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

const SUBJECTS: Readonly<Record<NoticeKind, string>> = {
  enabled: 'Two-factor authentication was turned on',
  replaced: 'Your two-factor authentication device was replaced',
  removed: 'Two-factor authentication was turned off',
  'removed-by-admin': 'Two-factor authentication was removed from your account',
  'recovery-regenerated': 'New recovery codes were made for your two-factor authentication',
  'renamed-lost': 'Set up two-factor authentication again after your account was renamed',
  'renamed-lost-owner': 'An account you own lost two-factor authentication when it was renamed',
};

const WHAT: Readonly<Record<NoticeKind, string>> = {
  enabled:
    'Two-factor authentication was turned on. From now on, logging in also asks for a security code from your authenticator app.',
  replaced:
    'The authenticator device for two-factor authentication was replaced. Codes from the old device no longer work.',
  removed: 'Two-factor authentication was turned off. Logging in no longer asks for a security code.',
  'removed-by-admin':
    'Two-factor authentication was removed from your account by an administrator. Logging in no longer asks for a security code until you set it up again.',
  'recovery-regenerated':
    'New recovery codes were made for your two-factor authentication and shown once on the page. Your earlier recovery codes no longer work.',
  'renamed-lost':
    'Your account was renamed, and two-factor authentication could not be carried over to the new name. Log in and set it up again under "Two-Factor Authentication".',
  'renamed-lost-owner':
    'An account you own was renamed, and cPanel offered no safe way to carry its two-factor authentication over to the new name, so logging in to it no longer asks for a code. Ask the account holder to set it up again.',
};

/** The subject and body of the email for `notice`, naming this server as `host`. */
export function noticeText(notice: Notice, host: string): { subject: string; body: string } {
  const when = new Date(notice.epochSeconds * 1000).toUTCString();
  const lines = [
    `Hello ${notice.user},`,
    '',
    `${WHAT[notice.kind]}`,
    '',
    `Account:  ${notice.account ?? notice.user}`,
    `Server:   ${host}`,
    `When:     ${when}`,
    `By:       ${notice.actor === notice.user ? `${notice.actor} (you)` : notice.actor}`,
    `From:     ${notice.ip === '' ? 'the server itself' : notice.ip}`,
  ];
  if (notice.reason !== undefined) lines.push(`Reason:   ${cleanUserText(notice.reason)}`);
  if (notice.identity !== undefined)
    lines.push(
      `Identity: ${notice.identity === 'recovery-code' ? 'confirmed with one of your recovery codes' : 'not confirmed with a recovery code'}`,
      '',
      'Your recovery codes no longer work. You get new ones when you set up two-factor authentication again.',
    );
  if (notice.newRecoveryCodes === true)
    lines.push('', 'New recovery codes were made and shown once on the page; any earlier ones no longer work.');
  lines.push(
    '',
    'If this was not you or someone you trust, change your password now and contact your hosting provider.',
    '',
    `-- Two-Factor Authentication on ${host}`,
  );
  return { subject: `${SUBJECTS[notice.kind]} (${notice.user} on ${host})`, body: lines.join('\n') };
}

/**
 * Emails the user about a change; a missing address or a failed send goes into the audit
 * log. Returns why no mail was sent, or `undefined` when sendmail took it.
 */
export function notify(paths: ServerPaths, notice: Notice): string | undefined {
  const host = serverHostname(paths);
  const to = contactEmail(paths, notice.user);
  const problem = to === undefined ? 'no contact address on file' : send(paths, to, host, notice);
  if (problem === undefined) return undefined;
  // The change is done whatever happens to its email; a broken audit log is the doctor's.
  bestEffort(() =>
    appendAudit(paths, {
      epochSeconds: notice.epochSeconds,
      actor: notice.actor,
      subject: notice.user,
      action: 'mail',
      ip: notice.ip,
      result: `not sent: ${problem}`,
    }),
  );
  return problem;
}

function send(paths: ServerPaths, to: string, host: string, notice: Notice): string | undefined {
  const { subject, body } = noticeText(notice, host);
  return sendMail(paths, { to, subject, body, from: `Two-Factor Authentication <root@${host}>` });
}
