/**
 * Reminders that raise coverage: root or a reseller emails accounts it manages that have
 * no 2FA, saying how to turn it on in cPanel (Security › Two-Factor Authentication) with
 * the address of cPanel's own 2FA page on this server. Never a secret, never a code.
 *
 * At most one reminder per account every {@link REMINDER_INTERVAL_DAYS} days, whoever
 * sends it: when each account was last reminded is kept in
 * /var/cpanel/whm2fa/reminders.json (0600, under the state lock), one time per account
 * that still exists. An account is claimed under the lock before its mail goes out and the
 * claim is given back if sendmail fails, so two requests never both mail it; the mails
 * themselves are sent outside the lock (a thousand of them take longer than another
 * process may wait for it). Each sent reminder is an audit entry (`remind`).
 */
import { appendAuditLocked, type AuditInput } from './audit';
import { assertCanManage, serverAccounts } from './access';
import { accountTheme, contactEmail, isValidUsername, readResellers } from './accounts';
import { readSecrets, serverHostname } from './cpanelState';
import { sendMail } from './mailer';
import { StateError } from './errors';
import { bestEffort, readJson, withLock, writeJsonAtomic } from './store';
import { REMINDER_INTERVAL_DAYS } from './rules';
import { mailWords, said, t, tell } from './messages';
import { fieldLines, sender, type MailWords } from './mailText';
import { recipientLocale } from './userLocale';
import type { RequestContext } from './context';
import type { ServerPaths } from './paths';

const INTERVAL_SECONDS = REMINDER_INTERVAL_DAYS * 86_400;

/** cPanel's port for its own pages over HTTPS (docs/cpanel.md, "cPanel's own 2FA page"). */
export const CPANEL_PORT = 2083;
/** The Jupiter theme's 2FA page, under `https://HOST:2083/` (docs/cpanel.md, "cPanel's own 2FA page"). */
export const CPANEL_2FA_PAGE = 'frontend/jupiter/security/2fa/index.html';

/** Why an account was not reminded, and for a recent reminder when the next one may go. */
export interface Skip {
  readonly reason: string;
  /** ISO time from which the account may be reminded again. */
  readonly nextAllowed?: string;
}

/** What users.remind did, per account: sent, not sent (why) or skipped (why). */
export interface RemindOutcome {
  readonly sent: string[];
  readonly notSent: Record<string, string>;
  readonly skipped: Record<string, Skip>;
  readonly warning?: string;
}

function iso(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString();
}

/** 9999-12-31T23:59:59Z in Unix seconds. */
const LATEST_TIME = 253_402_300_799;

function parse(file: string, value: unknown): Map<string, number> {
  const reminded = new Map<string, number>();
  if (value === undefined) return reminded;
  const map = (value as { reminded?: unknown } | null)?.reminded;
  if (typeof map !== 'object' || map === null || Array.isArray(map))
    throw new StateError(`${file} does not hold whm2fa's reminders (left untouched)`);
  for (const [user, at] of Object.entries(map)) {
    // A time a date can hold (up to the year 9999): anything else is damage, and skipped.
    if (isValidUsername(user) && typeof at === 'number' && at >= 0 && at <= LATEST_TIME) reminded.set(user, at);
  }
  return reminded;
}

/** When each account was last reminded (epoch seconds); a damaged file is a StateError. */
export function readReminders(paths: ServerPaths): Map<string, number> {
  return parse(paths.remindersFile, readJson(paths.remindersFile));
}

/**
 * {@link readReminders} for display: a damaged file shows no reminder rather than keep
 * Manage Users from listing anyone (sending one still refuses: the file is left as it is).
 */
export function lastReminders(paths: ServerPaths): Map<string, number> {
  try {
    return readReminders(paths);
  } catch {
    return new Map();
  }
}

/** Saves `reminded` (under the state lock), keeping only accounts that still exist. */
function writeRemindersLocked(paths: ServerPaths, reminded: ReadonlyMap<string, number>): void {
  const accounts = serverAccounts(paths);
  const kept = Object.create(null) as Record<string, number>;
  for (const [user, at] of [...reminded].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (accounts.has(user)) kept[user] = at;
  }
  writeJsonAtomic(paths.remindersFile, { reminded: kept });
}

/**
 * Moves the reminder record of `from` to `to` (an account renamed), or drops it (`to`
 * undefined: the name was removed or created anew). Under the state lock. A damaged file
 * is left for inspection: an account event never fails over it.
 */
export function renameReminderLocked(paths: ServerPaths, from: string, to: string | undefined): void {
  bestEffort(() => {
    const reminded = readReminders(paths);
    const at = reminded.get(from);
    if (at === undefined) return;
    reminded.delete(from);
    if (to !== undefined) reminded.set(to, at);
    writeRemindersLocked(paths, reminded);
  });
}

/** The facts a reminder states. */
export interface Reminder {
  readonly user: string;
  /** Who asked for it: root or the reseller. */
  readonly actor: string;
  /** This server's hostname (cpanelState.ts `serverHostname`). */
  readonly host: string;
  /** The account's cPanel theme (`RS=`); cPanel's page address is known for Jupiter, the default. */
  readonly theme: string | undefined;
  /** The account is a reseller, who also logs in to WHM. */
  readonly isReseller: boolean;
}

/** The subject and body of the reminder for `reminder`, in the language of `words`. Holds no secret and asks for none. */
export function reminderText(
  reminder: Reminder,
  words: MailWords = mailWords('', 'en'),
): { subject: string; body: string } {
  const { user, host } = reminder;
  const w = words.text;
  const base = `https://${host}:${String(CPANEL_PORT)}/`;
  const page =
    reminder.theme === undefined || reminder.theme === 'jupiter'
      ? [w('remind.directLink', { url: `${base}${CPANEL_2FA_PAGE}` })]
      : [];
  const lines = [
    w('mail.hello', { user }),
    '',
    w('remind.intro'),
    '',
    w('remind.howTo'),
    '',
    w('remind.step1', { url: base }),
    w('remind.step2'),
    ...page,
    w('remind.step3'),
  ];
  if (reminder.isReseller) lines.push('', w('remind.reseller'));
  lines.push(
    '',
    ...fieldLines(words, [
      ['account', user],
      ['server', host],
      ['sentBy', reminder.actor],
    ]),
    '',
    w('remind.neverAsks'),
    '',
    w('mail.signature', { host }),
  );
  return {
    subject: w('mail.subjectLine', { subject: w('remind.subject'), user, host }),
    body: lines.join('\n'),
  };
}

/**
 * Root or a reseller reminds `users` (each one it may manage, else FORBIDDEN and nothing
 * is sent) to set 2FA up: accounts with 2FA and accounts reminded in the last
 * {@link REMINDER_INTERVAL_DAYS} days are skipped (with when the next may go), accounts
 * without a contact address are not sent, the others are emailed and audited.
 */
export function remindUsers(ctx: RequestContext, users: readonly string[]): RemindOutcome {
  const { paths, caller, epochSeconds } = ctx;
  assertCanManage(paths, caller, users);
  const secrets = readSecrets(paths);
  // Keyed by account names: null prototypes keep "constructor" and "__proto__" plain.
  const skipped = Object.create(null) as Record<string, Skip>;
  const notSent = Object.create(null) as Record<string, string>;
  const addresses = new Map<string, string | undefined>();
  for (const user of new Set(users)) {
    if (secrets.has(user)) skipped[user] = { reason: t('remind.alreadyOn') };
    else addresses.set(user, contactEmail(paths, user));
  }
  // Claimed under the lock: a reminder sent by another request meanwhile is seen.
  const { toSend, previous } = withLock(paths.lockFile, () => {
    const reminded = readReminders(paths);
    const claims: Array<{ user: string; to: string }> = [];
    const before = new Map<string, number | undefined>();
    for (const [user, to] of addresses) {
      const last = reminded.get(user);
      if (last !== undefined && epochSeconds < last + INTERVAL_SECONDS) {
        skipped[user] = {
          reason: t('remind.recentlySent', { count: REMINDER_INTERVAL_DAYS }),
          nextAllowed: iso(last + INTERVAL_SECONDS),
        };
      } else if (to === undefined) notSent[user] = tell(said('mail.noAddress'));
      else {
        claims.push({ user, to });
        before.set(user, last);
        reminded.set(user, epochSeconds);
      }
    }
    if (claims.length > 0) writeRemindersLocked(paths, reminded);
    return { toSend: claims, previous: before };
  });
  const host = serverHostname(paths);
  const resellers = readResellers(paths);
  const sent: string[] = [];
  const failed: string[] = [];
  for (const { user, to } of toSend) {
    // In the recipient's language (their own setting, else the server's), not the sender's.
    const words = mailWords(paths.localesDir, recipientLocale(paths, user));
    const text = reminderText(
      { user, actor: caller.user, host, theme: accountTheme(paths, user), isReseller: resellers.has(user) },
      words,
    );
    const problem = sendMail(paths, { to, ...text, ...sender(words, host) });
    if (problem === undefined) sent.push(user);
    else {
      notSent[user] = tell(problem);
      failed.push(user);
    }
  }
  const entries: AuditInput[] = sent.map((user) => ({
    epochSeconds,
    actor: caller.user,
    subject: user,
    action: 'remind',
    ip: ctx.ip,
    result: said('result.reminderSent'),
  }));
  const recorded = bestEffort(() =>
    withLock(paths.lockFile, () => {
      if (failed.length > 0) {
        // A reminder that did not go out does not count: the claim is given back.
        const reminded = readReminders(paths);
        for (const user of failed) {
          if (reminded.get(user) !== epochSeconds) continue;
          const last = previous.get(user);
          if (last === undefined) reminded.delete(user);
          else reminded.set(user, last);
        }
        writeRemindersLocked(paths, reminded);
      }
      appendAuditLocked(paths, entries);
    }),
  );
  const outcome = { sent, notSent: { ...notSent }, skipped: { ...skipped } };
  return recorded ? outcome : { ...outcome, warning: t('remind.notRecorded') };
}
