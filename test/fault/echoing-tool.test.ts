// cPanel's words pass through one redaction (plugin/src/redact.ts) before they reach an
// answer, an audit entry, a mail or a log. apitool's JSON parse error repeats its stdin,
// which holds the key and a code; a tool that refuses may also quote what it was sent. No
// base32 run of 16 or more characters, and no code sent, may come out the other side.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, makeServer, replaceTool, type Server } from '../support/server';
import { codeForStep, stepNow } from '../support/rfc6238';

let server: Server;
beforeAll(() => {
  server = makeServer({ resellers: { reseller1: ['list-accts'], reseller2: [], shop1: [] } });
});
afterAll(() => server.cleanup());

const node = process.execPath;
/** apitool given input it cannot take: status 255, nothing on stdout, the input on stderr. */
const PARSE_ERROR = `#!${node}
const input = require('node:fs').readFileSync(0, 'utf8');
process.stderr.write('malformed JSON string, at character offset 0 (before "' + input + '") at apitool line 1.\\n');
process.exit(255);
`;
/** A refusal that quotes the whole request back, as WHM API 1's reason and UAPI's errors. */
const QUOTING_REFUSAL = `#!${node}
const input = require('node:fs').readFileSync(0, 'utf8');
const said = 'Invalid data detected in input arguments: ' + input;
process.stdout.write(JSON.stringify({ metadata: { result: 0, reason: said }, result: { status: 0, errors: [said] } }));
`;

/** Everything whm2fa wrote that a person or a log collector could read. */
function everythingWritten(answer: string, stderr: string): string {
  const state = join(server.root, 'var/cpanel/whm2fa');
  const mail = join(server.root, 'var/mail');
  const files = [join(state, 'audit.log'), ...readdirSync(mail).map((f) => join(mail, f))];
  return [answer, stderr, ...files.map((f) => readFileSync(f, 'utf8'))].join('\n');
}

describe.each([
  ['a parse error repeating stdin', PARSE_ERROR],
  ['a refusal quoting the request', QUOTING_REFUSAL],
])('cPanel’s tools answering with %s', (_name, script) => {
  it.each(['shop1', 'root'])('%s’s setup: refused plainly, and no key or code leaks', async (user) => {
    const start = await api(server, user, { action: 'enroll.start' });
    const secret = (start.json().data as Record<string, string>)['secret'] ?? '';
    const code = codeForStep(secret, stepNow());
    const restore = [replaceTool(server, 'uapi', script), replaceTool(server, 'whmapi1', script)];
    let r;
    try {
      r = await api(server, user, { action: 'enroll.confirm', code });
    } finally {
      for (const undo of restore) undo();
    }
    expect(r.json().error?.code).toBe('CPANEL_FAILED');
    expect(r.json().error?.message).toMatch(/Two-factor authentication is still off\.$/);
    const written = everythingWritten(r.body, r.stderr);
    // The audit entry of the failure is among what was checked.
    expect(written).toMatch(/"action":"enable".*"result":"failed: cPanel did not save the key/);
    expect(written).not.toContain(secret);
    expect(written).not.toMatch(/[A-Z2-7]{16,}/);
    expect(r.body).not.toMatch(/[A-Za-z2-7]{16,}/);
    expect(r.body).not.toContain(`"${code}"`);
  });
});
