// An unprivileged local user (uid 65534, as any shell or cron user on a shared server)
// polls every /proc/*/cmdline while root and a reseller set up, replace and remove their
// 2FA: no secret may be readable there. The poller proves it was watching by catching
// cPanel's tools, and proves it could catch a secret by catching a planted one.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, makeServer, type Server } from '../support/server';
import { codeForStep, stepNow } from '../support/rfc6238';

const NOBODY = 65534;
const POLLER = `
const { readdirSync, readFileSync, appendFileSync } = require('node:fs');
const out = process.argv[1];
const seen = new Set();
for (;;) {
  for (const pid of readdirSync('/proc')) {
    if (!/^\\d+$/.test(pid)) continue;
    let cmd = '';
    try { cmd = readFileSync('/proc/' + pid + '/cmdline', 'latin1').split('\\0').join(' ').trim(); } catch { continue; }
    if (cmd === '' || seen.has(cmd)) continue;
    seen.add(cmd);
    appendFileSync(out, cmd + '\\n');
  }
}`;

let server: Server;
let work: string;
let poller: ChildProcess;
const seen = (): string => readFileSync(join(work, 'seen.txt'), 'utf8');

beforeAll(() => {
  server = makeServer({ resellers: { reseller1: ['list-accts'], reseller2: [] } });
  work = mkdtempSync(join(tmpdir(), 'whm2fa-poll-'));
  chmodSync(work, 0o777);
  poller = spawn(process.execPath, ['-e', POLLER, join(work, 'seen.txt')], {
    uid: NOBODY,
    gid: NOBODY,
    stdio: 'ignore',
  });
});
afterAll(() => {
  poller.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
  server.cleanup();
});

async function setUp(user: string, step: number, current?: string): Promise<string> {
  const start = await api(server, user, { action: 'enroll.start' });
  const secret = (start.json().data as Record<string, string>)['secret'] ?? '';
  const body: Record<string, unknown> = { action: 'enroll.confirm', code: codeForStep(secret, step) };
  // The current key's code must be a later step than the one it was just proven with.
  if (current !== undefined) body['currentCode'] = codeForStep(current, step + 1);
  expect((await api(server, user, body)).json()).toMatchObject({ ok: true, data: { enabled: true } });
  return secret;
}

describe('secrets and command lines', () => {
  it('the poller runs as an unprivileged user and catches a secret put on a command line', () => {
    expect(poller.pid).toBeDefined();
    const status = readFileSync(`/proc/${String(poller.pid)}/status`, 'utf8');
    expect(status).toMatch(new RegExp(`^Uid:\\s+${String(NOBODY)}\\s`, 'm'));
    const planted = 'PLANTEDSECRETXYZPLANTEDSECRETXYZ';
    spawnSync(process.execPath, ['-e', 'const t = Date.now(); while (Date.now() - t < 300);', planted]);
    expect(seen()).toContain(planted);
  });

  it.each(['root', 'reseller1'])(
    '%s: setup, replacement and removal put no secret on any command line',
    async (user) => {
      const step = stepNow();
      const first = await setUp(user, step);
      const second = await setUp(user, step, first);
      const remove = await api(server, user, { action: 'remove', code: codeForStep(second, step + 1) });
      expect(remove.json()).toMatchObject({ ok: true, data: { enabled: false } });
      const text = seen();
      // It was watching: cPanel's tools ran and were seen.
      // Each key is saved with the call that changes that key alone (root's own, or the account's).
      expect(text).toContain(user === 'root' ? 'twofactorauth_set_tfa_config' : 'set_user_configuration');
      expect(text).toContain('twofactorauth_remove_user_config');
      for (const secret of [first, second]) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/secret=/);
      expect(text).not.toMatch(/tfa_token/);
    },
  );
});
