// 100 trials that kill api.cgi with SIGKILL in the middle of a state write (when its
// first file event happens, or a few events later): every file still parses and holds
// the old or the new state, and the next request works.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, watch } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, cgiEnv, makeServer, type Server } from '../support/server';

let server: Server;
let stateDir: string;
beforeAll(async () => {
  server = makeServer();
  stateDir = join(server.root, 'var/cpanel/whm2fa');
  // Make the files exist first, so each trial overwrites something.
  expect((await api(server, 'reseller1', { action: 'settings.set', issuer: 'v0' })).json().ok).toBe(true);
  expect((await api(server, 'reseller2', { action: 'enroll.start' })).json().ok).toBe(true);
});
afterAll(() => server.cleanup());

/** Runs one request and kills it at its `killAt`-th file event in the state folder. */
function killDuringWrite(user: string, body: Record<string, unknown>, killAt: number): Promise<void> {
  return new Promise((resolve) => {
    const text = JSON.stringify(body);
    const child = spawn(join(server.cgiDir, 'api.cgi'), [], { env: cgiEnv({ user, body: text }) });
    let events = 0;
    const watchers = [stateDir, join(stateDir, 'users')].map((dir) =>
      watch(dir, () => {
        events += 1;
        if (events >= killAt) child.kill('SIGKILL');
      }),
    );
    child.stdout.resume();
    child.stderr.resume();
    child.on('close', () => {
      for (const w of watchers) w.close();
      resolve();
    });
    child.stdin.end(text);
  });
}

function issuerNow(): string {
  const settings = JSON.parse(readFileSync(join(stateDir, 'settings.json'), 'utf8')) as {
    issuers: Record<string, string>;
  };
  return settings.issuers['reseller1'] ?? '';
}

describe('SIGKILL during state writes', () => {
  it('100 trials: old or new state, never a torn file', async () => {
    let previous = 'v0';
    let sawOld = 0;
    let sawNew = 0;
    for (let trial = 1; trial <= 100; trial += 1) {
      const killAt = 1 + ((trial * 7) % 16);
      if (trial % 2 === 0) {
        const next = `v${String(trial)}`;
        await killDuringWrite('reseller1', { action: 'settings.set', issuer: next }, killAt);
        const now = issuerNow();
        expect([previous, next]).toContain(now);
        if (now === next) sawNew += 1;
        else sawOld += 1;
        previous = now;
      } else {
        await killDuringWrite('reseller2', { action: 'enroll.start' }, killAt);
        const state = JSON.parse(readFileSync(join(stateDir, 'users/reseller2.json'), 'utf8')) as {
          pending?: { secret: string };
        };
        expect(state.pending?.secret).toMatch(/^[A-Z2-7]{32}$/);
      }
      for (const file of readdirSync(join(stateDir, 'users')).filter((f) => f.endsWith('.json'))) {
        expect(() => JSON.parse(readFileSync(join(stateDir, 'users', file), 'utf8'))).not.toThrow();
      }
      for (const line of readFileSync(join(stateDir, 'audit.log'), 'utf8').split('\n')) {
        // A kill can cut the line being written; it stays a cut line of its own, never
        // mixed with the next entry.
        if (line === '') continue;
        try {
          JSON.parse(line);
        } catch {
          expect(line.startsWith('{"at":"')).toBe(true);
          expect(line.indexOf('{"at":"', 1)).toBe(-1);
        }
      }
    }
    // Both outcomes happened, so kills really landed before and after the rename.
    expect(sawOld).toBeGreaterThan(0);
    expect(sawNew).toBeGreaterThan(0);
    // A lock left by a killed process does not block the next request.
    const after = await api(server, 'reseller1', { action: 'settings.set', issuer: 'final' });
    expect(after.json().ok).toBe(true);
    expect(issuerNow()).toBe('final');
    expect((await api(server, 'reseller2', { action: 'status' })).json().data).toMatchObject({ pending: true });
  });
});
