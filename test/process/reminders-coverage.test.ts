// Reminders and coverage over time through the installed api.cgi, hook and command line:
// reminders mailed with cPanel's own 2FA page, one per account every 7 days (driven by
// writing the reminder record's time: the CGI reads the real clock), audited, refused for
// accounts the caller does not own, 1,000 at once and not 1,001; coverage now and 30 days
// ago from prepared snapshots, and the day's snapshot kept once.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, auditLines, cpanelTool, HOST, mails, makeServer, whm2fa, type Server } from '../support/server';

const KEY = 'JBSWY3DPEHPK3PXP';
const DAY = 86_400;
const BULK = Array.from({ length: 1001 }, (_, i) => `bulk${String(i + 1).padStart(4, '0')}`);

let server: Server;
beforeAll(() => {
  server = makeServer({
    secrets: { shop1: KEY },
    extraAccounts: [
      { user: 'nomail', owner: 'reseller1', domain: 'nomail.example.com' },
      // Without contact addresses: reminding them sends nothing, so a thousand stay quick.
      ...BULK.slice(0, 1000).map((user) => ({ user, owner: 'reseller1' })),
    ],
  });
});
afterAll(() => server.cleanup());

const state = (name: string): string => join(server.root, 'var/cpanel/whm2fa', name);
const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();
const remindLines = () => auditLines(server).filter((l) => l['action'] === 'remind');
const setReminded = (times: Record<string, number>): void =>
  writeFileSync(state('reminders.json'), JSON.stringify({ reminded: times }), { mode: 0o600 });
const today = (): string => new Date().toISOString().slice(0, 10);
const dayBefore = (days: number): string => new Date(Date.now() - days * DAY * 1000).toISOString().slice(0, 10);

type Figure = {
  now: { protected: number; total: number };
  thirtyDaysAgo: { protected: number; total: number; day: string } | null;
};
type ListData = {
  users: Array<{ user: string; enabled: boolean; lastReminded: string | null }>;
  total: number;
  protected: number;
  coverage: { server: Figure | null; resellers: Array<Figure & { reseller: string }> };
};
const list = async (user: string, params: Record<string, unknown> = {}): Promise<ListData> =>
  (await api(server, user, { action: 'users.list', ...params })).json().data as unknown as ListData;

describe('users.remind', () => {
  it('mails each account without 2FA how to turn it on in cPanel; answers per account; audits what was sent', async () => {
    const before = mails(server).length;
    const r = await api(server, 'root', { action: 'users.remind', users: ['shop1', 'blog2', 'nomail'] });
    expect(r.status).toBe(200);
    expect(r.json().data).toEqual({
      sent: ['blog2'],
      notSent: { nomail: 'no contact address on file' },
      skipped: { shop1: { reason: 'Two-factor authentication is already on.' } },
    });
    const sent = mails(server).slice(before);
    expect(sent).toHaveLength(1);
    const mail = sent[0] ?? '';
    expect(mail).toMatch(/^To: writer@blog2\.example\.com$/m);
    expect(mail).toMatch(/^Subject: Please turn on two-factor authentication \(blog2 on /m);
    expect(mail).toContain('Security › Two-Factor Authentication');
    expect(mail).toContain(`https://${HOST}:2083/frontend/jupiter/security/2fa/index.html`);
    expect(mail).not.toContain(KEY);
    expect(remindLines()).toEqual([
      expect.objectContaining({
        actor: 'root',
        subject: 'blog2',
        owner: 'reseller2',
        result: 'sent to the contact address',
      }),
    ]);
    const rows = [
      ...(await list('root', { search: 'blog2' })).users,
      ...(await list('root', { search: 'nomail' })).users,
    ];
    const blog2 = rows.find((u) => u.user === 'blog2')?.lastReminded ?? '';
    expect(Math.abs(Date.parse(blog2) - Date.parse(remindLines()[0]?.['at'] ?? ''))).toBe(0);
    expect(rows.find((u) => u.user === 'nomail')?.lastReminded).toBeNull();
    expect(statSync(state('reminders.json')).mode & 0o777).toBe(0o600);
  });

  it('sends at most one per account every 7 days, whoever asks, and says when the next is allowed', async () => {
    const sixDaysAgo = Math.floor(Date.now() / 1000) - 6 * DAY;
    setReminded({ blog2: sixDaysAgo });
    const before = mails(server).length;
    const audited = remindLines().length;
    const early = await api(server, 'reseller2', { action: 'users.remind', users: ['blog2'] });
    expect(early.json().data).toEqual({
      sent: [],
      notSent: {},
      skipped: {
        blog2: { reason: 'A reminder was sent less than 7 days ago.', nextAllowed: iso(sixDaysAgo + 7 * DAY) },
      },
    });
    expect(mails(server)).toHaveLength(before);
    expect(remindLines()).toHaveLength(audited);

    setReminded({ blog2: Math.floor(Date.now() / 1000) - 7 * DAY - 60 });
    const due = await api(server, 'reseller2', { action: 'users.remind', users: ['blog2'] });
    expect(due.json().data?.['sent']).toEqual(['blog2']);
    expect(mails(server)).toHaveLength(before + 1);
    expect(remindLines().at(-1)).toMatchObject({ actor: 'reseller2', subject: 'blog2' });
    const recorded = (JSON.parse(readFileSync(state('reminders.json'), 'utf8')) as { reminded: Record<string, number> })
      .reminded['blog2'];
    expect(Math.abs((recorded ?? 0) - Date.now() / 1000)).toBeLessThan(60);
  });

  it('a reseller cannot remind an account it does not own: FORBIDDEN, nothing sent or recorded', async () => {
    setReminded({});
    const before = mails(server).length;
    const audited = remindLines().length;
    for (const users of [['blog2'], ['nomail', 'blog2'], ['reseller1'], ['root']]) {
      const r = await api(server, 'reseller1', { action: 'users.remind', users });
      expect(r.status, users.join()).toBe(403);
      expect(r.json().error?.code).toBe('FORBIDDEN');
    }
    expect(mails(server)).toHaveLength(before);
    expect(remindLines()).toHaveLength(audited);
    expect(readFileSync(state('reminders.json'), 'utf8')).toBe('{"reminded":{}}');
  });

  it('takes 1,000 accounts at once and refuses 1,001 (BAD_REQUEST, nothing sent)', async () => {
    const thousand = await api(server, 'reseller1', { action: 'users.remind', users: BULK.slice(0, 1000) });
    expect(thousand.status).toBe(200);
    const data = thousand.json().data as { sent: string[]; notSent: Record<string, string> };
    expect(data.sent).toEqual([]);
    expect(Object.keys(data.notSent)).toHaveLength(1000);
    expect(data.notSent['bulk1000']).toBe('no contact address on file');
    const before = mails(server).length;
    const over = await api(server, 'reseller1', { action: 'users.remind', users: BULK });
    expect(over.status).toBe(400);
    expect(over.json().error).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('1,000') });
    expect(mails(server)).toHaveLength(before);
  });
});

describe('coverage over time', () => {
  it('users.list gives the caller’s figures now and 30 days ago, from prepared snapshots', async () => {
    writeFileSync(
      state('coverage.json'),
      JSON.stringify({
        days: [
          { day: dayBefore(45), server: [0, 1], resellers: [] },
          { day: dayBefore(31), server: [1, 10], resellers: [['reseller1', 0, 3]] },
          { day: dayBefore(20), server: [5, 10], resellers: [['reseller1', 3, 3]] },
        ],
      }),
    );
    const asRoot = await list('root');
    // Root's view is the server: its counts are the server's figure now.
    expect(asRoot.coverage.server).toEqual({
      now: { protected: asRoot.protected, total: asRoot.total },
      thirtyDaysAgo: { protected: 1, total: 10, day: dayBefore(31) },
    });
    expect(asRoot.coverage.resellers).toEqual([
      {
        reseller: 'reseller1',
        now: { protected: 1, total: 1002 },
        thirtyDaysAgo: { protected: 0, total: 3, day: dayBefore(31) },
      },
      { reseller: 'reseller2', now: { protected: 0, total: 1 }, thirtyDaysAgo: null },
    ]);
    const asReseller = await list('reseller2');
    expect(asReseller.coverage).toEqual({
      server: null,
      resellers: [{ reseller: 'reseller2', now: { protected: 0, total: 1 }, thirtyDaysAgo: null }],
    });
    // The day's snapshot was added; the one older than 40 days dropped.
    const kept = JSON.parse(readFileSync(state('coverage.json'), 'utf8')) as { days: Array<{ day: string }> };
    expect(kept.days.map((d) => d.day)).toEqual([dayBefore(31), dayBefore(20), today()]);
  });

  it('says "not known yet" (null) when no snapshot is 30 days old', async () => {
    rmSync(state('coverage.json'));
    expect((await list('root')).coverage.server?.thirtyDaysAgo).toBeNull();
    expect((await list('reseller1')).coverage.resellers[0]?.thirtyDaysAgo).toBeNull();
  });

  it('keeps one snapshot a day, written by users.list, the hook or the command line, whichever runs first', async () => {
    const snapshotDays = (): string[] =>
      (JSON.parse(readFileSync(state('coverage.json'), 'utf8')) as { days: Array<{ day: string }> }).days.map(
        (d) => d.day,
      );
    const text = readFileSync(state('coverage.json'), 'utf8');
    expect(snapshotDays()).toEqual([today()]);
    expect(statSync(state('coverage.json')).mode & 0o777).toBe(0o600);
    // A change later that day shows in "now" but does not rewrite the day's snapshot.
    const set = cpanelTool(
      server,
      'whmapi1',
      ['--output=json', '--input=json', 'twofactorauth_set_tfa_config_for_user'],
      JSON.stringify({ blog2: { primary_account: { secret: KEY } } }),
    );
    expect(set.status).toBe(0);
    expect((await list('reseller2')).coverage.resellers[0]?.now).toEqual({ protected: 1, total: 1 });
    expect(readFileSync(state('coverage.json'), 'utf8')).toBe(text);

    rmSync(state('coverage.json'));
    expect(whm2fa(server, 'status').status).toBe(0);
    expect(snapshotDays()).toEqual([today()]);

    rmSync(state('coverage.json'));
    const hook = spawnSync(join(server.root, 'usr/local/cpanel/3rdparty/whm2fa/whm2fa-hook'), [], {
      input: JSON.stringify({
        context: { category: 'Whostmgr', event: 'Accounts::Create', stage: 'post' },
        data: { user: 'nosuch' },
      }),
      encoding: 'utf8',
    });
    expect(hook.status).toBe(0);
    expect(existsSync(state('coverage.json'))).toBe(true);
    expect(snapshotDays()).toEqual([today()]);
  });
});

describe('users.remind at the same moment', () => {
  it('six requests at once for one account send one reminder', async () => {
    setReminded({});
    // blog2 without 2FA (an earlier test turned it on), so it may be reminded.
    const tfa = join(server.root, 'var/cpanel/authn/twofactor_auth/tfa_userdata.json');
    const store = JSON.parse(readFileSync(tfa, 'utf8')) as Record<string, unknown>;
    delete store['blog2'];
    writeFileSync(tfa, JSON.stringify(store));
    const before = mails(server).filter((m) => m.includes('To: writer@blog2.example.com')).length;
    const answers = await Promise.all(
      ['root', 'reseller2', 'root', 'reseller2', 'root', 'reseller2'].map((user) =>
        api(server, user, { action: 'users.remind', users: ['blog2'] }),
      ),
    );
    const sent = answers.filter((r) => (r.json().data?.['sent'] as string[] | undefined)?.includes('blog2'));
    expect(sent).toHaveLength(1);
    expect(mails(server).filter((m) => m.includes('To: writer@blog2.example.com')).length - before).toBe(1);
    setReminded({});
  });
});
