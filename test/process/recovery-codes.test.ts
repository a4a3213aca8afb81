// Recovery codes through the installed api.cgi and `whm2fa`: made by every setup, returned
// once and kept only as hashes (no file under var/, no mail, no stderr holds one), each
// good once; wrong ones counted and locked with the security codes; new ones only with a
// current security code; removals with and without one recorded and mailed apart; and a
// reseller cannot use one on an account it does not own.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api as callApi,
  auditLines,
  cpanelSecrets,
  mails,
  makeServer,
  replaceTool,
  whm2fa,
  type CgiResult,
  type Server,
} from '../support/server';
import { codeForStep, stepNow, wrongCodeNow } from '../support/rfc6238';

const FORMAT = /^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/;
const SUBS = ['sub1', 'sub2', 'sub3', 'sub4'];

let server: Server;
/** Every answer and every stderr of every process this file ran. */
const answers: string[] = [];
const stderrs: string[] = [];
/** Every code any answer gave. */
const issued: string[] = [];

beforeAll(() => {
  server = makeServer({
    resellers: Object.fromEntries([
      ['reseller1', ['list-accts']],
      ['reseller2', ['list-accts']],
      ...SUBS.map((u) => [u, ['list-accts']]),
    ]),
    // Resellers owned by reseller1: WHM users that set up 2FA here, and that reseller1 manages.
    extraAccounts: SUBS.map((user) => ({
      user,
      owner: 'reseller1',
      domain: `${user}.example.com`,
      email: `${user}@example.com`,
    })),
  });
});
afterAll(() => server.cleanup());

async function api(user: string, body: Record<string, unknown>): Promise<CgiResult> {
  const r = await callApi(server, user, body);
  answers.push(r.body);
  stderrs.push(r.stderr);
  const codes = (r.json().data?.['recoveryCodes'] as string[] | undefined) ?? [];
  issued.push(...codes);
  return r;
}

function cli(...args: string[]): ReturnType<typeof whm2fa> {
  const r = whm2fa(server, ...args);
  answers.push(r.out);
  stderrs.push(r.err);
  return r;
}

/** Sets up 2FA for `user` at the current step; returns its key, the step used and its codes. */
async function enroll(user: string): Promise<{ secret: string; step: number; codes: string[] }> {
  const start = await api(user, { action: 'enroll.start' });
  const secret = (start.json().data?.['secret'] as string | undefined) ?? '';
  const step = stepNow();
  const r = await api(user, { action: 'enroll.confirm', code: codeForStep(secret, step) });
  expect(r.json().ok).toBe(true);
  return { secret, step, codes: (r.json().data?.['recoveryCodes'] as string[] | undefined) ?? [] };
}

const status = async (user: string): Promise<Record<string, unknown>> =>
  (await api(user, { action: 'status' })).json().data ?? {};

/** A well-formed code that is none of `codes`. */
function wrongFor(codes: readonly string[]): string {
  for (const c of ['AAAA-AAAA-AAAA', 'BBBB-BBBB-BBBB', 'CCCC-CCCC-CCCC']) if (!codes.includes(c)) return c;
  return 'DDDD-DDDD-DDDD';
}

const removeWith = (caller: string, user: string, recoveryCode: string, reason?: string): Promise<CgiResult> =>
  api(caller, { action: 'users.remove', users: [user], recoveryCode, ...(reason === undefined ? {} : { reason }) });

describe('made at setup', () => {
  it('enroll.confirm returns ten distinct codes once; status counts them and never shows one', async () => {
    const { codes } = await enroll('sub1');
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(FORMAT);
    const data = await status('sub1');
    expect(data['recoveryCodesLeft']).toBe(10);
    expect(JSON.stringify(data)).not.toMatch(/[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}/);
    // Kept in sub1's own record, 0600, as salted hashes.
    const file = join(server.root, 'var/cpanel/whm2fa/users/sub1.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const record = JSON.parse(readFileSync(file, 'utf8')) as { recovery: { codes: unknown[] } };
    expect(record.recovery.codes).toHaveLength(10);
    // Another user has none.
    expect((await status('reseller2'))['recoveryCodesLeft']).toBeNull();
  });
});

describe('who may use one', () => {
  it('a reseller cannot recover an account it does not own: refused before the code is looked at', async () => {
    const { codes } = await enroll('sub2');
    const before = auditLines(server).length;
    const r = await removeWith('reseller2', 'sub2', codes[0] ?? '', 'let me in');
    expect(r.status).toBe(403);
    expect(r.json().error?.code).toBe('FORBIDDEN');
    expect(cpanelSecrets(server)['sub2']).toBeDefined();
    // Neither counted nor spent nor recorded as a code check.
    expect(await status('sub2')).toMatchObject({ attemptsLeft: 5, recoveryCodesLeft: 10 });
    expect(auditLines(server).slice(before)).toEqual([]);
  });

  it('the owning reseller removes with a valid one: confirmed in the answer’s records, the audit trail and the mail', async () => {
    const codes = issued.slice(-10);
    const r = await removeWith('reseller1', 'sub2', codes[3]?.toLowerCase().replace(/-/g, ' ') ?? '');
    expect(r.json()).toEqual({ ok: true, data: { removed: ['sub2'], failed: {}, mailed: ['sub2'], notMailed: {} } });
    expect(cpanelSecrets(server)['sub2']).toBeUndefined();
    const entry = auditLines(server).find((l) => l['action'] === 'admin.remove' && l['subject'] === 'sub2');
    expect(entry).toMatchObject({ actor: 'reseller1', result: 'ok: identity confirmed with a recovery code' });
    expect(entry?.['reason']).toBeUndefined();
    const mail = mails(server).find((m) => m.includes('To: sub2@example.com') && m.includes('by an administrator'));
    expect(mail).toContain('Identity: confirmed with one of your recovery codes');
    // The codes went with 2FA.
    expect(await status('sub2')).toMatchObject({ enabled: false, recoveryCodesLeft: null });
  });

  it('a removal without one still works with its reason, recorded and mailed as not confirmed', async () => {
    await enroll('sub3');
    const r = await api('reseller1', { action: 'users.remove', users: ['sub3'], reason: 'Lost phone, called in' });
    expect(r.json().data?.['removed']).toEqual(['sub3']);
    const entry = auditLines(server).find((l) => l['action'] === 'admin.remove' && l['subject'] === 'sub3');
    expect(entry).toMatchObject({
      reason: 'Lost phone, called in',
      result: 'ok: identity not confirmed (no recovery code)',
    });
    const mail = mails(server).find((m) => m.includes('To: sub3@example.com') && m.includes('by an administrator'));
    expect(mail).toContain('Identity: not confirmed with a recovery code');
    expect(mail).toContain('Reason:   Lost phone, called in');
    // Without a code, the reason is still required; a code names one account only.
    expect((await api('reseller1', { action: 'users.remove', users: ['sub1'] })).json().error?.code).toBe(
      'BAD_REQUEST',
    );
    const two = await api('reseller1', {
      action: 'users.remove',
      users: ['sub1', 'sub3'],
      recoveryCode: issued[0],
      reason: 'x',
    });
    expect(two.json().error?.code).toBe('BAD_REQUEST');
    expect(cpanelSecrets(server)['sub1']).toBeDefined();
  });
});

describe('each code once', () => {
  it('a code is spent when accepted, even when cPanel then keeps the key', async () => {
    const codes = issued.slice(0, 10); // sub1's
    const restore = replaceTool(
      server,
      'whmapi1',
      '#!/bin/sh\necho \'{"metadata":{"result":0,"reason":"cPanel is busy."}}\'\n',
    );
    try {
      const r = await removeWith('reseller1', 'sub1', codes[0] ?? '', 'phone stolen');
      expect(r.json().data).toMatchObject({ removed: [], failed: { sub1: expect.any(String) } });
    } finally {
      restore();
    }
    expect(cpanelSecrets(server)['sub1']).toBeDefined();
    expect((await status('sub1'))['recoveryCodesLeft']).toBe(9);
    const again = await removeWith('reseller1', 'sub1', codes[0] ?? '');
    expect(again.status).toBe(422);
    expect(again.json().error).toMatchObject({ code: 'CODE_INVALID', fields: ['recoveryCode'] });
    expect(cpanelSecrets(server)['sub1']).toBeDefined();
  });

  it('root at the command line: a wrong code fails (exit 1), a right one removes without a reason', async () => {
    const codes = issued.slice(0, 10);
    const wrong = cli('remove', 'sub1', '--recovery-code', wrongFor(codes), '--json');
    expect(wrong.status).toBe(1);
    expect(JSON.parse(wrong.out)).toMatchObject({ ok: false, error: { code: 'CODE_INVALID' } });
    expect(cpanelSecrets(server)['sub1']).toBeDefined();
    const right = cli('remove', 'sub1', '--recovery-code', codes[5] ?? '');
    expect(right.status).toBe(0);
    expect(right.out).toContain('Two-factor authentication removed from sub1 (identity confirmed with a recovery code');
    expect(cpanelSecrets(server)['sub1']).toBeUndefined();
    expect(auditLines(server).at(-1)).toMatchObject({
      actor: 'root',
      subject: 'sub1',
      action: 'admin.remove',
      ip: '',
      result: 'ok: identity confirmed with a recovery code',
    });
    expect(cli('remove', 'sub1').status).toBe(2);
  });

  it('codes of an earlier setup do not work after a new one', async () => {
    const old = issued.slice(0, 10);
    const fresh = await enroll('sub1');
    expect(fresh.codes.some((c) => old.includes(c))).toBe(false);
    const r = await removeWith('reseller1', 'sub1', old[6] ?? '');
    expect(r.json().error?.code).toBe('CODE_INVALID');
    expect(cpanelSecrets(server)['sub1']).toBeDefined();
    expect((await status('sub1'))['attemptsLeft']).toBe(4);
  });
});

describe('new codes', () => {
  it('need a current security code, checked like every code; then only the new ones work', async () => {
    const { secret, step, codes } = await enroll('sub3');
    expect((await api('sub3', { action: 'recovery.regenerate' })).json().error?.code).toBe('BAD_REQUEST');
    const wrong = await api('sub3', { action: 'recovery.regenerate', code: wrongCodeNow(secret) });
    expect(wrong.json().error?.code).toBe('CODE_INVALID');
    expect((await status('sub3'))['attemptsLeft']).toBe(4);
    const replayed = await api('sub3', { action: 'recovery.regenerate', code: codeForStep(secret, step) });
    expect(replayed.json().error?.code).toBe('CODE_REPLAYED');
    const r = await api('sub3', { action: 'recovery.regenerate', code: codeForStep(secret, step + 1) });
    const fresh = (r.json().data?.['recoveryCodes'] as string[] | undefined) ?? [];
    expect(Object.keys(r.json().data ?? {})).toEqual(['recoveryCodes']);
    expect(fresh).toHaveLength(10);
    expect(fresh.some((c) => codes.includes(c))).toBe(false);
    expect(await status('sub3')).toMatchObject({ recoveryCodesLeft: 10, attemptsLeft: 5 });
    expect(auditLines(server).at(-1)).toMatchObject({ actor: 'sub3', action: 'recovery.regenerate', result: 'ok' });
    expect(mails(server).some((m) => m.includes('To: sub3@example.com') && m.includes('New recovery codes'))).toBe(
      true,
    );
    expect((await removeWith('reseller1', 'sub3', codes[0] ?? '')).json().error?.code).toBe('CODE_INVALID');
    expect((await removeWith('reseller1', 'sub3', fresh[0] ?? '')).json().data?.['removed']).toEqual(['sub3']);
  });
});

describe('wrong codes', () => {
  it('count with the account’s wrong security codes and lock it after 5, recorded without the code', async () => {
    const { secret, step, codes } = await enroll('sub4');
    // One wrong security code by sub4 itself …
    expect((await api('sub4', { action: 'recovery.regenerate', code: wrongCodeNow(secret) })).status).toBe(422);
    // … and wrong recovery codes from its owner share one counter.
    const guesses = ['AAAA-AAAA-AAAA', 'BBBB-BBBB-BBBB', 'CCCC-CCCC-CCCC', 'DDDD-DDDD-DDDD'].filter(
      (c) => !codes.includes(c),
    );
    for (const guess of guesses.slice(0, 3)) {
      const r = await removeWith('reseller1', 'sub4', guess, 'guessing');
      expect(r.json().error).toMatchObject({ code: 'CODE_INVALID', fields: ['recoveryCode'] });
      expect(r.json().error?.lockedUntil).toBeUndefined();
    }
    expect((await status('sub4'))['attemptsLeft']).toBe(1);
    const fifth = await removeWith('reseller1', 'sub4', guesses[3] ?? 'EEEE-EEEE-EEEE', 'guessing');
    expect(fifth.json().error?.code).toBe('CODE_INVALID');
    expect(fifth.json().error?.lockedUntil).toBeDefined();
    // Locked: a right recovery code is refused unchecked, and so is sub4's own right code.
    const locked = await removeWith('reseller1', 'sub4', codes[0] ?? '');
    expect(locked.status).toBe(429);
    expect(locked.json().error?.code).toBe('LOCKED');
    const own = await api('sub4', { action: 'recovery.regenerate', code: codeForStep(secret, step + 1) });
    expect(own.json().error?.code).toBe('LOCKED');
    expect(cpanelSecrets(server)['sub4']).toBeDefined();
    expect((await status('sub4'))['recoveryCodesLeft']).toBe(10);
    const trail = auditLines(server).filter((l) => l['subject'] === 'sub4');
    expect(trail.filter((l) => l['actor'] === 'reseller1' && l['action'] === 'verify').map((l) => l['result'])).toEqual(
      [
        'failed: wrong recovery code (2 of 5)',
        'failed: wrong recovery code (3 of 5)',
        'failed: wrong recovery code (4 of 5)',
        'failed: wrong recovery code (5 of 5)',
        'refused: locked',
      ],
    );
    expect(trail.some((l) => l['action'] === 'lock')).toBe(true);
    // A removal without a code still works while locked (and lifts the lock).
    const plain = await api('reseller1', {
      action: 'users.remove',
      users: ['sub4'],
      reason: 'identity checked by phone',
    });
    expect(plain.json().data?.['removed']).toEqual(['sub4']);
    expect(await status('sub4')).toMatchObject({ lockedUntil: null, attemptsLeft: 5 });
  });
});

describe('never a code at rest', () => {
  /** Every file under `dir`, as text. */
  const texts = (dir: string): Array<[string, string]> =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .map((f) => join(dir, f))
      .filter((f) => statSync(f).isFile())
      .map((f) => [f, readFileSync(f, 'latin1')]);

  it('no file under var/ (whm2fa’s state, the audit trail, the mails) and no stderr holds any code', () => {
    expect(issued.length).toBeGreaterThanOrEqual(60);
    const files = texts(join(server.root, 'var'));
    expect(files.some(([f]) => f.includes('/var/mail/'))).toBe(true);
    expect(files.some(([f]) => f.endsWith('audit.log'))).toBe(true);
    for (const code of issued) {
      for (const form of [code, code.replace(/-/g, ''), code.toLowerCase()]) {
        for (const [file, text] of files) expect(text.includes(form), `${file} holds a code`).toBe(false);
        for (const err of stderrs) expect(err).not.toContain(form);
      }
      // Each code was in exactly one answer: the one that made it.
      expect(answers.filter((a) => a.includes(code))).toHaveLength(1);
    }
  });
});
