// Reminders to set up 2FA, in-process with time as a parameter: who may be reminded, one
// per account every 7 days whoever sends it, a failed send gives its turn back, what the
// mail says (cPanel's 2FA page on this server, no secret), the audit trail, and the
// record following an account through removal and rename.
import { chmodSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerPaths } from '../../plugin/src/paths';
import { listAudit } from '../../plugin/src/audit';
import { manageableAccounts } from '../../plugin/src/access';
import { serverHostname } from '../../plugin/src/cpanelState';
import { StateError, Whm2faError } from '../../plugin/src/errors';
import {
  CPANEL_2FA_PAGE,
  lastReminders,
  readReminders,
  reminderText,
  remindUsers,
  renameReminderLocked,
} from '../../plugin/src/reminders';
import { withLock } from '../../plugin/src/store';
import type { RequestContext } from '../../plugin/src/context';
import { sentMail, scratchServer, writeAccounts, writeStore, type FakeCpanel } from '../support/fakeBridge';

const T0 = 1_800_000_000;
const DAY = 86_400;
const KEY = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

let root: string;
let paths: ServerPaths;
let cpanel: FakeCpanel;

beforeEach(() => {
  ({ root, paths, cpanel } = scratchServer('whm2fa-remind-'));
  writeAccounts(
    paths,
    {
      reseller1: { domains: ['r1.example'], contact: 'r1@r1.example' },
      reseller2: { domains: ['r2.example'], contact: 'r2@r2.example' },
      shop1: { domains: ['shop1.example'], owner: 'reseller1', contact: 'one@shop1.example' },
      shop2: { domains: ['shop2.example'], owner: 'reseller1', contact: 'two@shop2.example' },
      shop3: { domains: ['shop3.example'], owner: 'reseller1' },
      constructor: { domains: ['c.example'], owner: 'reseller1', contact: 'c@c.example' },
      blog9: { domains: ['blog9.example'], owner: 'reseller2', contact: 'nine@blog9.example' },
    },
    ['reseller1', 'reseller2'],
  );
  writeStore(paths, { shop1: KEY });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const reseller1 = { user: 'reseller1', isRoot: false, isReseller: true };
const rootCaller = { user: 'root', isRoot: true, isReseller: false };
function ctx(at: number, caller = reseller1): RequestContext {
  return { paths, caller, ip: '198.51.100.7', epochSeconds: at, cpanel };
}
const iso = (s: number): string => new Date(s * 1000).toISOString();
const reminds = () =>
  listAudit(paths, { limit: 100, visible: (e) => e.action === 'remind' })
    .reverse()
    .map((e) => `${e.actor}>${e.subject}:${e.result}@${e.at}`);

describe('users.remind', () => {
  it('emails accounts without 2FA, skips those with it, says who has no contact address; audits what was sent', () => {
    const outcome = remindUsers(ctx(T0), ['shop1', 'shop2', 'shop3', 'constructor']);
    expect(outcome).toEqual({
      sent: ['shop2', 'constructor'],
      notSent: { shop3: 'no contact address on file' },
      skipped: { shop1: { reason: 'Two-factor authentication is already on.' } },
    });
    expect(sentMail(paths).map((m) => m.to)).toEqual(['two@shop2.example', 'c@c.example']);
    expect(reminds()).toEqual([
      `reseller1>shop2:sent to the contact address@${iso(T0)}`,
      `reseller1>constructor:sent to the contact address@${iso(T0)}`,
    ]);
    // Manage Users shows when each was last reminded; accounts never reminded show null.
    const rows = manageableAccounts(paths, reseller1, lastReminders(paths));
    expect(Object.fromEntries(rows.map((r) => [r.user, r.lastReminded]))).toEqual({
      constructor: iso(T0),
      shop1: null,
      shop2: iso(T0),
      shop3: null,
    });
    expect(statSync(paths.remindersFile).mode & 0o777).toBe(0o600);
  });

  it('sends at most one per account every 7 days, whoever asks, and says when the next may go', () => {
    expect(remindUsers(ctx(T0), ['shop2']).sent).toEqual(['shop2']);
    const early = remindUsers(ctx(T0 + 7 * DAY - 1, rootCaller), ['shop2', 'blog9']);
    expect(early.sent).toEqual(['blog9']);
    expect(early.skipped).toEqual({
      shop2: { reason: 'A reminder was sent less than 7 days ago.', nextAllowed: iso(T0 + 7 * DAY) },
    });
    expect(sentMail(paths)).toHaveLength(2);
    const due = remindUsers(ctx(T0 + 7 * DAY), ['shop2']);
    expect(due.sent).toEqual(['shop2']);
    expect(readReminders(paths).get('shop2')).toBe(T0 + 7 * DAY);
    expect(sentMail(paths)).toHaveLength(3);
  });

  it('refuses the whole request when one account is not the caller’s: nothing sent, nothing recorded', () => {
    for (const users of [['shop2', 'blog9'], ['reseller1'], ['root'], ['shop2', 'nosuch']]) {
      let caught: unknown;
      try {
        remindUsers(ctx(T0), users);
      } catch (err) {
        caught = err;
      }
      expect((caught as Whm2faError).code, users.join()).toBe('FORBIDDEN');
    }
    expect(sentMail(paths)).toEqual([]);
    expect(readReminders(paths).size).toBe(0);
    expect(reminds()).toEqual([]);
  });

  it('a mail sendmail refused does not count: the account may be reminded again at once', () => {
    writeFileSync(paths.sendmail, '#!/bin/sh\ncat >/dev/null\nexit 75\n');
    chmodSync(paths.sendmail, 0o755);
    const failed = remindUsers(ctx(T0), ['shop2']);
    expect(failed).toEqual({ sent: [], notSent: { shop2: 'sendmail exited with status 75' }, skipped: {} });
    expect(readReminders(paths).has('shop2')).toBe(false);
    expect(reminds()).toEqual([]);
  });

  it('a failed send gives back the earlier reminder’s time, not none', () => {
    remindUsers(ctx(T0), ['shop2']);
    writeFileSync(paths.sendmail, '#!/bin/sh\ncat >/dev/null\nexit 1\n');
    chmodSync(paths.sendmail, 0o755);
    expect(remindUsers(ctx(T0 + 8 * DAY), ['shop2']).notSent).toEqual({ shop2: 'sendmail exited with status 1' });
    expect(readReminders(paths).get('shop2')).toBe(T0);
  });

  it('refuses to send while its record is damaged, and leaves the file for inspection', () => {
    mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
    writeFileSync(paths.remindersFile, '{"reminded": [1, 2]}');
    expect(() => remindUsers(ctx(T0), ['shop2'])).toThrow(StateError);
    expect(sentMail(paths)).toEqual([]);
    expect(readFileSync(paths.remindersFile, 'utf8')).toBe('{"reminded": [1, 2]}');
    // Manage Users still lists everyone, with no reminder shown.
    expect(lastReminders(paths).size).toBe(0);
  });

  it('skips a time no date can hold, so the list still shows everyone', () => {
    mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
    writeFileSync(paths.remindersFile, JSON.stringify({ reminded: { shop1: 9e12, blog2: -5, news1: 1e308 } }));
    expect([...readReminders(paths)]).toEqual([]);
    writeFileSync(paths.remindersFile, JSON.stringify({ reminded: { shop1: 253_402_300_799 } }));
    expect(readReminders(paths).get('shop1')).toBe(253_402_300_799);
  });

  it('keeps only accounts that exist, and follows an account’s rename and removal', () => {
    remindUsers(ctx(T0), ['shop2', 'constructor']);
    withLock(paths.lockFile, () => renameReminderLocked(paths, 'shop2', 'shop2new'));
    // The rename's new name is not in the owners file yet here: the record is dropped with it.
    expect([...readReminders(paths).keys()]).toEqual(['constructor']);
    writeAccounts(
      paths,
      {
        reseller1: { domains: ['r1.example'] },
        shopx: { domains: ['shopx.example'], owner: 'reseller1', contact: 'x@shopx.example' },
        shopy: { domains: ['shopy.example'], owner: 'reseller1' },
        constructor: { domains: ['c.example'], owner: 'reseller1' },
      },
      ['reseller1'],
    );
    remindUsers(ctx(T0 + DAY), ['shopx']);
    withLock(paths.lockFile, () => renameReminderLocked(paths, 'shopx', 'shopy'));
    expect(Object.fromEntries(readReminders(paths))).toEqual({ constructor: T0, shopy: T0 + DAY });
    withLock(paths.lockFile, () => renameReminderLocked(paths, 'constructor', undefined));
    expect(Object.fromEntries(readReminders(paths))).toEqual({ shopy: T0 + DAY });
    expect(Object.getPrototypeOf(JSON.parse(readFileSync(paths.remindersFile, 'utf8')))).toBe(Object.prototype);
  });
});

describe('the reminder mail', () => {
  const host = 'server.example.net';

  it('says how to turn 2FA on in cPanel, with cPanel’s own page on this server, and holds no secret', () => {
    const { subject, body } = reminderText({
      user: 'shop2',
      actor: 'reseller1',
      host,
      theme: 'jupiter',
      isReseller: false,
    });
    expect(subject).toBe('Please turn on two-factor authentication (shop2 on server.example.net)');
    expect(body).toContain('Log in to cPanel: https://server.example.net:2083/');
    expect(body).toContain('Security › Two-Factor Authentication');
    expect(body).toContain('https://server.example.net:2083/frontend/jupiter/security/2fa/index.html');
    expect(body).toContain('Sent by:  reseller1');
    expect(body).not.toMatch(/WHM: Plugins/);
    expect(body).not.toMatch(/\b[A-Z2-7]{16,}\b/);
    expect(CPANEL_2FA_PAGE).toBe('frontend/jupiter/security/2fa/index.html');
  });

  it('names the page for Jupiter (cPanel’s default) only; tells a reseller about WHM too', () => {
    const other = reminderText({ user: 'shop2', actor: 'root', host, theme: 'x3', isReseller: false }).body;
    expect(other).toContain('https://server.example.net:2083/');
    expect(other).not.toContain('frontend/');
    const unset = reminderText({ user: 'shop2', actor: 'root', host, theme: undefined, isReseller: false }).body;
    expect(unset).toContain(CPANEL_2FA_PAGE);
    const reseller = reminderText({ user: 'reseller2', actor: 'root', host, theme: 'jupiter', isReseller: true }).body;
    expect(reseller).toContain('WHM: Plugins › Two-Factor Authentication');
  });

  it('is sent with this server’s hostname and the account’s theme', () => {
    writeFileSync(
      join(paths.cpanelUsersDir, 'shop3'),
      'USER=shop3\nRS=paper_lantern\nCONTACTEMAIL=three@shop3.example\n',
    );
    remindUsers(ctx(T0), ['shop2', 'shop3']);
    const [two, three] = sentMail(paths);
    const host = serverHostname(paths);
    expect(two?.body).toContain(`https://${host}:2083/${CPANEL_2FA_PAGE}`);
    expect(three?.body).toContain(`https://${host}:2083/`);
    expect(three?.body).not.toContain(CPANEL_2FA_PAGE);
  });
});
