// Every audit entry also goes to the system log: captured from a datagram socket at the
// tree's dev/log (what rsyslog or journald hold at /dev/log), each line has facility
// authpriv (priority <86> = authpriv.info), tag whm2fa, and is the audit entry as JSON
// with no secret. A daemon that is down, gone or not reading changes nothing else, and
// `syslog=off` stops the lines.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, auditLines, makeServer, whm2fa, type Server } from '../support/server';
import { startSyslogSocket, type SyslogSocket } from '../support/syslogSocket';
import { totp } from '../support/rfc6238';

const ROOT_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
let server: Server;
beforeAll(() => {
  server = makeServer({ secrets: { root: ROOT_SECRET } });
});
afterAll(() => server.cleanup());

/** The JSON after `<86>… whm2fa: ` (logger's local format), or why the line is not one. */
function entryOf(line: string): Record<string, unknown> {
  const match = /^<86>.*? whm2fa(?:\[\d+\])?: (\{.*\})$/.exec(line);
  if (match?.[1] === undefined) throw new Error(`not an authpriv.info whm2fa line: ${line}`);
  return JSON.parse(match[1]) as Record<string, unknown>;
}

async function enrolAndConfirm(user: string): Promise<string> {
  const start = await api(server, user, { action: 'enroll.start' });
  const secret = (start.json().data as { secret: string }).secret;
  const now = Math.floor(Date.now() / 1000);
  await api(server, user, { action: 'enroll.confirm', code: '000000' === totp(secret, now) ? '111111' : '000000' });
  const ok = await api(server, user, { action: 'enroll.confirm', code: totp(secret, now) });
  expect(ok.json().ok).toBe(true);
  return secret;
}

describe('audit entries in the system log', () => {
  let socket: SyslogSocket;
  beforeAll(async () => {
    socket = await startSyslogSocket(server.root);
  });
  afterAll(() => socket.stop());

  it('sends each entry as one authpriv JSON line tagged whm2fa, equal to the local entry and with no secret', async () => {
    const before = auditLines(server).length;
    const secret = await enrolAndConfirm('reseller1');
    const local = auditLines(server).slice(before);
    expect(local.map((e) => e['action'])).toEqual(['verify', 'enable']);
    const lines = await socket.waitFor(local.length);
    const sent = lines.map(entryOf);
    // One datagram per entry, in order: what was written locally, field for field.
    expect(sent).toEqual(local);
    const text = lines.join('\n');
    for (const s of [secret, ROOT_SECRET, totp(secret, Math.floor(Date.now() / 1000))]) expect(text).not.toContain(s);
    expect(readFileSync(join(server.root, 'var/cpanel/whm2fa/audit.log'), 'utf8')).not.toContain(secret);
  });
});

describe('a log daemon that is down, gone or stuck', () => {
  it('changes nothing else: the answers and the local entries are as with a live one', async () => {
    // No socket at all (daemon down): logger fails, the request does not see it.
    const before = auditLines(server).length;
    await enrolAndConfirm('reseller2');
    expect(
      auditLines(server)
        .slice(before)
        .map((e) => e['action']),
    ).toEqual(['verify', 'enable']);
  });

  it('never holds a request while the daemon does not read (its queue full, every logger stuck)', async () => {
    const stuck = await startSyslogSocket(server.root, { reading: false });
    try {
      const before = auditLines(server).length;
      // More entries than a unix datagram queue holds (net.unix.max_dgram_qlen, 10 by
      // default, well under 60): a request that waited for its logger would hang here.
      for (let i = 0; i < 14; i += 1) {
        const r = await api(server, 'reseller1', { action: 'settings.set', issuer: `Stuck ${String(i)}` });
        expect(r.json().ok).toBe(true);
      }
      expect(auditLines(server).slice(before)).toHaveLength(14);
    } finally {
      stuck.stop();
    }
    // Normally about two seconds; a request that waited for its logger (killed after
    // LOGGER_LIMIT_SECONDS) would take forty.
  }, 20_000);

  it('syslog=off stops the lines and keeps the local entries', async () => {
    const socket = await startSyslogSocket(server.root);
    try {
      expect(whm2fa(server, 'config', 'set', 'syslog', 'off').status).toBe(0);
      const before = auditLines(server).length;
      await api(server, 'reseller1', { action: 'settings.set', issuer: 'Quiet' });
      expect(auditLines(server).length).toBe(before + 1);
      expect(whm2fa(server, 'config', 'set', 'syslog', 'on').status).toBe(0);
      // The switch back on is itself an audited change: it is the first line the daemon gets.
      const [first] = await socket.waitFor(1);
      expect(entryOf(first ?? '')).toMatchObject({ action: 'config.set', result: 'syslog: off -> on' });
    } finally {
      socket.stop();
    }
  });
});
