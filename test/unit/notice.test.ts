// The change emails in-process: what each says (who, when, from where, why; never a
// secret), to whom it goes (the contact address on file), how sendmail is run (headers
// without line breaks, `-t -i`, a plain environment), and that a mail that cannot be sent
// is recorded and never stops the change.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { noticeText, notify, type Notice, type NoticeKind } from '../../plugin/src/notice';
import { encodedHeader, sendMail } from '../../plugin/src/mailer';
import { listAudit } from '../../plugin/src/audit';
import { record, type Said } from '../../plugin/src/messages';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';
import { installSendmail, sentMail, writeAccounts } from '../support/fakeBridge';

const T0 = 1_800_000_000;
const KINDS: readonly NoticeKind[] = [
  'enabled',
  'replaced',
  'removed',
  'removed-by-admin',
  'recovery-regenerated',
  'renamed-lost',
  'renamed-lost-owner',
];

let root: string;
let paths: ServerPaths;

const base: Notice = { kind: 'enabled', user: 'bob', actor: 'bob', ip: '192.0.2.8', epochSeconds: T0 };

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'whm2fa-notice-'));
  paths = serverPaths(root);
  mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  installSendmail(paths);
  writeAccounts(paths, { bob: { contact: 'bob@example.com' }, carol: {} });
  mkdirSync(dirname(paths.kernelHostnameFile), { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Why no mail was sent, as the audit trail records it (English). */
const why = (problem: Said | undefined): string | undefined => (problem === undefined ? undefined : record(problem));

describe('noticeText', () => {
  it('gives each kind of change its own subject and words, naming the user and the server', () => {
    const subjects = new Set<string>();
    const bodies = new Set<string>();
    for (const kind of KINDS) {
      const { subject, body } = noticeText({ ...base, kind }, 'host.example');
      expect(subject.endsWith(' (bob on host.example)'), kind).toBe(true);
      expect(subject.length).toBeGreaterThan(' (bob on host.example)'.length + 10);
      subjects.add(subject);
      const what = body.split('\n')[2] ?? '';
      expect(what.length, kind).toBeGreaterThan(20);
      bodies.add(what);
    }
    expect(subjects.size).toBe(KINDS.length);
    expect(bodies.size).toBe(KINDS.length);
  });

  it('says who, where, when and from where, the caller as "you"', () => {
    const { body } = noticeText(base, 'host.example');
    const lines = body.split('\n');
    expect(lines[0]).toContain('bob');
    expect(lines[1]).toBe('');
    expect(lines[3]).toBe('');
    expect(lines.slice(4, 9)).toEqual([
      'Account:  bob',
      'Server:   host.example',
      `When:     ${new Intl.DateTimeFormat('en', { dateStyle: 'full', timeStyle: 'long', timeZone: 'UTC' }).format(new Date(T0 * 1000))}`,
      'By:       bob (you)',
      'From:     192.0.2.8',
    ]);
    expect(lines.at(-1)).toContain('host.example');
    expect(lines.at(-2)).toBe('');
    expect(lines.at(-3)?.length).toBeGreaterThan(20);
    expect(lines.at(-4)).toBe('');
    expect(body).not.toContain('Reason:');
    expect(body).not.toContain('Identity:');
  });

  it('names another actor, the server itself, the account an owner is told about, and the reason', () => {
    const { body } = noticeText(
      { ...base, kind: 'renamed-lost-owner', user: 'res1', actor: 'root', ip: '', account: 'shop1', reason: 'renamed' },
      'h',
    );
    expect(body).toContain('\nAccount:  shop1\n');
    expect(body).toContain('\nBy:       root\n');
    expect(body).toContain('\nFrom:     the server itself\n');
    expect(body).toContain('\nReason:   renamed\n');
  });

  it("says how an administrator's removal was confirmed, and that the codes are gone", () => {
    const confirmed = noticeText({ ...base, kind: 'removed-by-admin', actor: 'res1', identity: 'recovery-code' }, 'h');
    const unconfirmed = noticeText(
      { ...base, kind: 'removed-by-admin', actor: 'res1', identity: 'not-confirmed' },
      'h',
    );
    const line = (b: string): string => b.split('\n').find((l) => l.startsWith('Identity: ')) ?? '';
    expect(line(confirmed.body).length).toBeGreaterThan(20);
    expect(line(unconfirmed.body).length).toBeGreaterThan(20);
    expect(line(confirmed.body)).not.toBe(line(unconfirmed.body));
    const after = confirmed.body.split('\n');
    const at = after.findIndex((l) => l.startsWith('Identity: '));
    expect(after[at + 1]).toBe('');
    expect(after[at + 2]?.length).toBeGreaterThan(20);
  });

  it('mentions new recovery codes only when some were made', () => {
    const without = noticeText(base, 'h').body;
    const made = noticeText({ ...base, newRecoveryCodes: true }, 'h').body;
    const before = without.split('\n');
    const after = made.split('\n');
    expect(after.length).toBe(before.length + 2);
    // Two lines before the closing four: a blank one and the words about the codes.
    expect(after.slice(0, before.length - 4)).toEqual(before.slice(0, -4));
    expect(after[before.length - 4]).toBe('');
    expect(after[before.length - 3]?.length).toBeGreaterThan(20);
    expect(after.slice(-4)).toEqual(before.slice(-4));
    expect(noticeText({ ...base, newRecoveryCodes: false }, 'h').body).toBe(without);
  });
});

describe('notify', () => {
  it('mails the contact address on file from this server', () => {
    writeFileSync(paths.kernelHostnameFile, 'mail-host\n');
    expect(notify(paths, base)).toBeUndefined();
    const mails = sentMail(paths);
    expect(mails).toHaveLength(1);
    const mail = mails[0];
    expect(mail?.to).toBe('bob@example.com');
    // The server's name as cPanel takes it (the kernel's, in this tree).
    const host = hostname().includes('.') ? hostname().toLowerCase() : 'mail-host';
    expect(mail?.subject).toBe(noticeText(base, host).subject);
    expect(mail?.body).toContain(`From: Two-Factor Authentication <root@${host}>`);
    expect(mail?.body).toContain('Content-Type: text/plain; charset=UTF-8');
    expect(mail?.body).toContain('Auto-Submitted: auto-generated');
    expect(listAudit(paths, { limit: 5, visible: () => true })).toEqual([]);
  });

  it('records a user without an address', () => {
    expect(why(notify(paths, { ...base, user: 'carol', actor: 'root' }))).toBe('no contact address on file');
    expect(sentMail(paths)).toEqual([]);
    const [entry] = listAudit(paths, { limit: 5, visible: () => true });
    expect(entry).toMatchObject({
      actor: 'root',
      subject: 'carol',
      action: 'mail',
      ip: '192.0.2.8',
      result: 'not sent: no contact address on file',
      at: new Date(T0 * 1000).toISOString(),
    });
  });

  it('records a failed send, and still answers when the audit trail is broken', () => {
    writeFileSync(paths.sendmail, '#!/bin/sh\ncat >/dev/null\nexit 75\n');
    expect(why(notify(paths, base))).toBe('sendmail exited with status 75');
    expect(listAudit(paths, { limit: 5, visible: () => true })[0]?.result).toBe(
      'not sent: sendmail exited with status 75',
    );
    rmSync(paths.auditFile);
    mkdirSync(paths.auditFile);
    expect(why(notify(paths, base))).toBe('sendmail exited with status 75');
  });
});

describe('sendMail', () => {
  const mail = { to: 'a@example.com', subject: 'Hi', body: 'Line 1\nLine 2', from: 'root@h', fromName: 'X' };

  it('runs sendmail -t -i with the message on stdin and a plain environment', () => {
    writeFileSync(
      paths.sendmail,
      `#!/bin/sh\nprintf '%s\\n' "$@" > '${root}/args'\nenv > '${root}/env'\ncat > '${root}/msg'\n`,
    );
    expect(sendMail(paths, mail)).toBeUndefined();
    expect(readFileSync(join(root, 'args'), 'utf8')).toBe('-t\n-i\n');
    const env = readFileSync(join(root, 'env'), 'utf8');
    expect(env).toContain('PATH=/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/bin\n');
    expect(env).toContain('LANG=C\n');
    expect(readFileSync(join(root, 'msg'), 'utf8')).toBe(
      [
        'From: X <root@h>',
        'To: a@example.com',
        'Subject: Hi',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=UTF-8',
        'Content-Transfer-Encoding: 8bit',
        'Auto-Submitted: auto-generated',
        '',
        'Line 1\nLine 2',
        '',
      ].join('\n'),
    );
  });

  it('keeps line breaks out of the headers', () => {
    writeFileSync(paths.sendmail, `#!/bin/sh\ncat > '${root}/msg'\n`);
    sendMail(paths, {
      ...mail,
      to: 'a@example.com\r\nBcc: x@y',
      subject: 'Hi\n\nthere',
      fromName: 'X\r\n',
      from: 'root@h\n',
    });
    const head = readFileSync(join(root, 'msg'), 'utf8').split('\n\n')[0];
    expect(head?.split('\n').slice(0, 3)).toEqual([
      'From: X  <root@h >',
      'To: a@example.com Bcc: x@y',
      'Subject: Hi there',
    ]);
  });

  it('writes a header in another script as RFC 2047 words of at most 75 characters, each of whole characters', () => {
    // Cyrillic (2 bytes), CJK (3) and an emoji (4): a word cut by bytes would split one.
    const text = 'Двухфакторная аутентификация отключена: shop1 на сервере — 二要素認証 ✓ 🔐 '.repeat(3);
    const words = encodedHeader(text).split('\r\n ');
    expect(words.length).toBeGreaterThan(3);
    const decoded = words.map((word) => {
      expect(word.length, word).toBeLessThanOrEqual(75);
      const b64 = /^=\?UTF-8\?B\?([A-Za-z0-9+/]+=*)\?=$/.exec(word)?.[1];
      expect(b64, word).toBeDefined();
      const bytes = Buffer.from(b64 ?? '', 'base64');
      // Whole characters: the word's bytes are UTF-8 on their own.
      expect(Buffer.from(bytes.toString('utf8')).equals(bytes), word).toBe(true);
      return bytes.toString('utf8');
    });
    expect(decoded.join('')).toBe(text);
    expect(encodedHeader('Two-factor authentication was turned on')).toBe('Two-factor authentication was turned on');
  });

  it('says why a mail was not sent', () => {
    rmSync(paths.sendmail);
    expect(why(sendMail(paths, mail))).toBe('sendmail could not be run (ENOENT)');
    writeFileSync(paths.sendmail, '#!/bin/sh\ncat >/dev/null\nexit 1\n');
    chmodSync(paths.sendmail, 0o755);
    expect(why(sendMail(paths, mail))).toBe('sendmail exited with status 1');
  });
});
