// The installed CGI in the user's language, as cpsrvd calls it: index.cgi's <html lang>
// and dir, and the API's messages follow the session_locale cookie, then the user's own
// setting (LOCALE= for resellers, root's ~/.cpanel_config), then /var/cpanel/server_locale;
// codes never change; a mail goes in its recipient's language, not the actor's. German,
// Japanese and Arabic are generated pseudo-locales marked [de], [ja], [ar], written into
// the installed tree, so those tests hold whatever the translations say; the mail is in
// the shipped Russian.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, callCgi, cpanelSecrets, mails, makeServer, replaceTool, TOP, type Server } from '../support/server';
import { pseudoCatalog } from '../support/pseudoLocale';
// @ts-expect-error: plain JavaScript module of the local WHM
import { DEFAULT_ACCOUNTS } from '../../scripts/fake-cpanel/tree.mjs';

const LOCALES: Record<string, string> = { de: 'de', ja: 'ja', ar: 'ar' };
let server: Server;

const defaults = DEFAULT_ACCOUNTS as { accounts: Array<Record<string, string>> };
const withLocale = (user: string, locale: string) =>
  defaults.accounts.map((a) => (a['user'] === user ? { ...a, locale } : a));

beforeAll(() => {
  server = makeServer({
    accounts: withLocale('reseller1', 'de').map((a) => (a['user'] === 'shop1' ? { ...a, locale: 'ru' } : a)) as never,
    rootLocale: 'ja',
    secrets: { shop1: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' },
  });
  for (const [locale, tag] of Object.entries(LOCALES)) {
    const dir = join(server.root, 'usr/local/cpanel/3rdparty/whm2fa/locales', locale);
    mkdirSync(dir, { recursive: true });
    for (const name of ['api', 'mail'])
      writeFileSync(join(dir, `${name}.json`), JSON.stringify(pseudoCatalog(name, `[${locale}]`, tag)));
  }
});
afterAll(() => server.cleanup());

const page = (user: string, cookie?: string) =>
  callCgi(server, {
    script: 'index.cgi',
    method: 'GET',
    user,
    ...(cookie === undefined ? {} : { extraEnv: { HTTP_COOKIE: `whostmgrsession=abc; ${cookie}` } }),
  });
const refusal = async (user: string, cookie?: string) => {
  const r = await api(
    server,
    user,
    { action: 'users.remove', users: ['root'], reason: 'x' },
    cookie === undefined ? {} : { extraEnv: { HTTP_COOKIE: `whostmgrsession=abc; ${cookie}` } },
  );
  return r.json().error as { code: string; message: string };
};

describe('index.cgi', () => {
  it('sets <html lang> and dir from the user’s own setting, the cookie first, and names the page’s catalog', async () => {
    const own = await page('reseller1');
    expect(own.status).toBe(200);
    expect(own.body).toMatch(/<html lang="de" dir="ltr"/);
    expect(own.body).toContain('data-locale="de"');
    const root = await page('root');
    expect(root.body).toMatch(/<html lang="ja" dir="ltr"/);
    const arabic = await page('reseller1', 'session_locale=ar');
    expect(arabic.body).toMatch(/<html lang="ar" dir="rtl"/);
    expect(arabic.body).toMatch(/<div id="whm2fa" class="whm2fa" lang="ar" dir="rtl" data-locale="ar"/);
    expect(arabic.body).toContain('[ar]');
    const english = await page('reseller2');
    expect(english.body).toMatch(/<html lang="en" dir="ltr"/);
    expect(english.body).not.toMatch(/\[(de|ja|ru|ar)\]/);
  });

  it('a cookie that is no locale id is passed over: no file is looked for, the next setting answers', async () => {
    for (const bad of ['../../etc/passwd', '..%2f..%2fetc', '', '<script>'])
      expect((await page('reseller1', `session_locale=${bad}`)).body).toMatch(/<html lang="de" dir="ltr"/);
    // A language whm2fa lacks is English (WHM shows French; whm2fa falls back, not to German).
    expect((await page('reseller1', 'session_locale=fr')).body).toMatch(/<html lang="en" dir="ltr"/);
    expect((await page('reseller1', 'session_locale=pt')).body).toMatch(/<html lang="pt-BR" dir="ltr"/);
  });
});

describe('api.cgi', () => {
  it('says its messages in the caller’s language; the code stays the same', async () => {
    const german = await refusal('reseller1');
    expect(german.code).toBe('FORBIDDEN');
    expect(german.message.startsWith('[de]')).toBe(true);
    expect(german.message).toContain('root');
    const cookie = await refusal('reseller1', 'session_locale=ar');
    expect(cookie).toMatchObject({ code: 'FORBIDDEN' });
    expect(cookie.message.startsWith('[ar]')).toBe(true);
    const english = await refusal('reseller2');
    expect(english).toEqual({ code: 'FORBIDDEN', message: 'You cannot manage the account "root".' });
    // Refused before the caller is known (no WHM user): still the cookie's language.
    const early = await callCgi(server, {
      user: undefined,
      body: '{}',
      extraEnv: { HTTP_COOKIE: 'session_locale=ja' },
    });
    expect(early.json().error?.code).toBe('FORBIDDEN');
    expect(early.json().error?.message.startsWith('[ja]')).toBe(true);
  });

  it('falls back to the server’s language when the user has none', async () => {
    writeFileSync(join(server.root, 'var/cpanel/server_locale'), 'de\n');
    try {
      expect((await refusal('reseller2')).message.startsWith('[de]')).toBe(true);
      expect((await page('reseller2')).body).toMatch(/<html lang="de" dir="ltr"/);
    } finally {
      writeFileSync(join(server.root, 'var/cpanel/server_locale'), '');
    }
  });
});

/** A mail's Subject, its RFC 2047 words decoded. */
function subjectOf(mail: string): string {
  const folded = /^Subject: (.*(?:\r?\n .*)*)/m.exec(mail)?.[1] ?? '';
  return folded
    .split(/\r?\n /)
    .map((w) => /^=\?UTF-8\?B\?(.*)\?=$/.exec(w)?.[1])
    .map((b64, i) => (b64 === undefined ? (folded.split(/\r?\n /)[i] ?? '') : Buffer.from(b64, 'base64').toString()))
    .join('');
}

describe('mail', () => {
  it('goes to the recipient in their own language (shop1: ru), whatever the actor reads (English)', async () => {
    const r = await api(
      server,
      'reseller1',
      { action: 'users.remove', users: ['shop1'], reason: 'Lost phone' },
      { extraEnv: { HTTP_COOKIE: 'whostmgrsession=abc; session_locale=en' } },
    );
    expect(r.json()).toMatchObject({ ok: true, data: { removed: ['shop1'], mailed: ['shop1'] } });
    expect(cpanelSecrets(server)['shop1']).toBeUndefined();
    const mail = mails(server).find((m) => m.includes('To: owner@shop1.example.com'));
    expect(mail).toBeDefined();
    const body = (mail ?? '')
      .split(/\r?\n\r?\n/)
      .slice(1)
      .join('\n\n');
    const russian = JSON.parse(readFileSync(join(TOP, 'locales/ru/mail.json'), 'utf8')) as Record<string, string>;
    expect(body).toContain(russian['notice.what.removedByAdmin']);
    expect(body).toContain((russian['mail.hello'] ?? '').replace('{user}', 'shop1'));
    expect(body).not.toMatch(/\[(de|ja|ar)\]/);
    expect(body).not.toContain('Two-factor authentication was removed');
    expect(body).toContain('Lost phone');
    expect(subjectOf(mail ?? '')).toContain(russian['notice.subject.removedByAdmin']);
    // The sender's name is in the recipient's language too, as RFC 2047 words.
    expect(mail).toMatch(/^From: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=(\r?\n =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=)* <root@/m);
    expect(mail).toContain('Content-Type: text/plain; charset=UTF-8');
  });
});

describe('Activity', () => {
  let trail: Server;
  beforeAll(() => {
    trail = makeServer({
      accounts: withLocale('reseller1', 'de') as never,
      secrets: { shop1: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', reseller1: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' },
    });
    const dir = join(trail.root, 'usr/local/cpanel/3rdparty/whm2fa/locales/de');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'api.json'), JSON.stringify(pseudoCatalog('api', '[de]', 'de')));
  });
  afterAll(() => trail.cleanup());

  it('answers each result in the caller’s language; the trail keeps English, and older entries stay as recorded', async () => {
    const removed = await api(trail, 'reseller1', { action: 'users.remove', users: ['shop1'], reason: 'Lost phone' });
    expect(removed.json()).toMatchObject({ ok: true, data: { removed: ['shop1'] } });
    // An entry of an earlier version: English only, no message id.
    const file = join(trail.root, 'var/cpanel/whm2fa/audit.log');
    const old = {
      at: '2020-01-01T00:00:00.000Z',
      actor: 'root',
      subject: 'shop1',
      action: 'remove',
      ip: '',
      result: 'ok',
    };
    writeFileSync(file, `${JSON.stringify(old)}\n${readFileSync(file, 'utf8')}`);

    const list = async (cookie?: string, user = 'shop1') =>
      (
        await api(
          trail,
          'reseller1',
          { action: 'audit.list', user },
          cookie === undefined ? {} : { extraEnv: { HTTP_COOKIE: `whostmgrsession=abc; ${cookie}` } },
        )
      ).json().data?.entries as Array<Record<string, unknown>>;
    const german = await list();
    expect(german.length).toBeGreaterThan(1);
    const removal = german.find((e) => e['action'] === 'admin.remove');
    expect(removal?.['result']).toBe(pseudoCatalog('api', '[de]', 'de')['result.notConfirmed']);
    expect(removal).not.toHaveProperty('said');
    expect(german.find((e) => e['at'] === old.at)?.['result']).toBe('ok');
    const english = await list('session_locale=en');
    expect(english.find((e) => e['action'] === 'admin.remove')?.['result']).toBe(
      'ok: identity not confirmed (no recovery code)',
    );
    // A value of the result (an issuer the reseller set) goes into the caller's words.
    expect((await api(trail, 'reseller1', { action: 'settings.set', issuer: 'My Host' })).json().ok).toBe(true);
    const issuer = (await list(undefined, 'reseller1')).find((e) => e['action'] === 'issuer.set');
    expect(issuer?.['result']).toBe(
      (pseudoCatalog('api', '[de]', 'de')['result.issuerSet'] as string).replace('{issuer}', 'My Host'),
    );
    // The record itself, and so the system log and `whm2fa audit`, stays English.
    const stored = readFileSync(file, 'utf8');
    expect(stored).toContain('"result":"ok: identity not confirmed (no recovery code)"');
    expect(stored).not.toContain('[de]');
  });

  it('a key cPanel kept without words of its own is said in the caller’s language, not in English', async () => {
    // cPanel's answer names the account as failed, with something that is not text.
    const keeps =
      '#!/bin/sh\necho \'{"metadata":{"result":1,"reason":"OK"},"data":{"users_modified":[],"failed":{"reseller1":{"x":1}}}}\'\n';
    const restore = replaceTool(trail, 'whmapi1', keeps);
    let failed: Record<string, string>;
    try {
      const r = await api(
        trail,
        'root',
        { action: 'users.remove', users: ['reseller1'], reason: 'Lost phone' },
        {
          extraEnv: { HTTP_COOKIE: 'whostmgrsession=abc; session_locale=de' },
        },
      );
      failed = (r.json().data as { failed: Record<string, string> }).failed;
    } finally {
      restore();
    }
    expect(failed).toEqual({ reseller1: pseudoCatalog('api', '[de]', 'de')['removal.keptKey'] });
  });
});
