import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';
import { lockMessage, lockSecondsAfter, verifyCodes } from '../../plugin/src/verification';
import { readUserState, writeUserState } from '../../plugin/src/userState';
import { Whm2faError } from '../../plugin/src/errors';
import { loadTotp } from '../../plugin/src/totp';
import { totp } from '../support/rfc6238';
import { SHA1_SECRET_BASE32 as SECRET } from '../support/vectors';

let root: string;
let paths: ServerPaths;
const T0 = 1_800_000_000;

beforeAll(loadTotp);
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'whm2fa-verify-'));
  paths = serverPaths(root);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function attempt(code: string, at: number): Whm2faError | undefined {
  try {
    verifyCodes({
      paths,
      user: 'reseller1',
      actor: 'reseller1',
      ip: '198.51.100.1',
      epochSeconds: at,
      checks: [{ secret: SECRET, code }],
    });
    return undefined;
  } catch (err) {
    if (err instanceof Whm2faError) return err;
    throw err;
  }
}

function wrongCode(at: number): string {
  const right = new Set([-30, 0, 30].map((d) => totp(SECRET, at + d)));
  for (let n = 0; ; n += 1) {
    const candidate = String(n).padStart(6, '0');
    if (!right.has(candidate)) return candidate;
  }
}

describe('replay', () => {
  it('accepts a code once and refuses it again, then takes the next step', () => {
    const code = totp(SECRET, T0);
    expect(attempt(code, T0)).toBeUndefined();
    const again = attempt(code, T0 + 5);
    expect(again?.code).toBe('CODE_REPLAYED');
    expect(again?.message).toMatch(/already used/);
    expect(attempt(totp(SECRET, T0 + 30), T0 + 31)).toBeUndefined();
    // An older (still in-window) code is a replay too once a later step was accepted.
    expect(attempt(totp(SECRET, T0), T0 + 31)?.code).toBe('CODE_REPLAYED');
  });

  it('keeps the state file 0600 in a 0700 folder, with no code or secret in it', () => {
    const code = totp(SECRET, T0);
    attempt(code, T0);
    const file = join(paths.userStateDir, 'reseller1.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(paths.userStateDir).mode & 0o777).toBe(0o700);
    expect(statSync(paths.stateDir).mode & 0o777).toBe(0o700);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(code);
    expect(text).not.toContain(SECRET);
  });
});

describe('throttling', () => {
  it('locks for 5 minutes after 5 consecutive failures, and says until when', () => {
    for (let i = 1; i <= 4; i += 1) expect(attempt(wrongCode(T0), T0)?.code).toBe('CODE_INVALID');
    const fifth = attempt(wrongCode(T0), T0);
    expect(fifth?.code).toBe('CODE_INVALID');
    expect(fifth?.lockedUntil).toBe(new Date((T0 + 300) * 1000).toISOString());
    const locked = attempt(totp(SECRET, T0), T0 + 10);
    expect(locked?.code).toBe('LOCKED');
    expect(locked?.message).toMatch(/locked .* until/);
    expect(readUserState(paths, 'reseller1').lockedUntil).toBe(T0 + 300);
    // Still locked one second before the end, open at the end.
    expect(attempt(totp(SECRET, T0 + 299), T0 + 299)?.code).toBe('LOCKED');
    expect(attempt(totp(SECRET, T0 + 300), T0 + 300)).toBeUndefined();
  });

  it('doubles the lock on repeat up to an hour, and a success resets it', () => {
    expect([0, 1, 2, 3, 4, 5].map(lockSecondsAfter)).toEqual([300, 600, 1200, 2400, 3600, 3600]);
    let now = T0;
    const lockOnce = (): number => {
      for (let i = 0; i < 5; i += 1) attempt(wrongCode(now), now);
      const until = readUserState(paths, 'reseller1').lockedUntil ?? 0;
      now = until;
      return until;
    };
    const lengths = [];
    for (let i = 0; i < 6; i += 1) {
      const start = now;
      lengths.push(lockOnce() - start);
    }
    expect(lengths).toEqual([300, 600, 1200, 2400, 3600, 3600]);
    expect(attempt(totp(SECRET, now), now)).toBeUndefined();
    const state = readUserState(paths, 'reseller1');
    expect(state.failures).toBe(0);
    expect(state.lockCount).toBe(0);
    const start = now + 30;
    now = start;
    expect(lockOnce() - start).toBe(300);
  });

  it('counts failures only while consecutive', () => {
    for (let i = 0; i < 4; i += 1) attempt(wrongCode(T0), T0);
    expect(attempt(totp(SECRET, T0), T0)).toBeUndefined();
    for (let i = 0; i < 4; i += 1) expect(attempt(wrongCode(T0 + 60), T0 + 60)?.code).toBe('CODE_INVALID');
    expect(readUserState(paths, 'reseller1').lockedUntil).toBeUndefined();
  });

  it('does not count a malformed entry as a guess', () => {
    for (let i = 0; i < 10; i += 1) expect(attempt('12ab', T0)?.code).toBe('CODE_INVALID');
    expect(readUserState(paths, 'reseller1').failures).toBe(0);
  });

  it('writes failed and locked verifications to the audit log without the code', () => {
    const codes = [];
    for (let i = 0; i < 5; i += 1) {
      const code = wrongCode(T0);
      codes.push(code);
      attempt(code, T0);
    }
    attempt(totp(SECRET, T0), T0 + 1);
    const lines = readFileSync(paths.auditFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    expect(lines.filter((l) => l['action'] === 'verify' && l['result']?.startsWith('failed'))).toHaveLength(5);
    expect(lines.filter((l) => l['action'] === 'lock')).toHaveLength(1);
    expect(lines.at(-1)).toMatchObject({
      action: 'verify',
      result: 'refused: locked',
      ip: '198.51.100.1',
      subject: 'reseller1',
    });
    const text = readFileSync(paths.auditFile, 'utf8');
    for (const code of codes) expect(text).not.toContain(code);
    expect(text).not.toContain(SECRET);
  });
});

describe('two codes at once (replacing a device)', () => {
  it('needs both, and records each key’s step so neither can be replayed', () => {
    const other = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const both = [
      { secret: SECRET, code: totp(SECRET, T0) },
      { secret: other, code: totp(other, T0) },
    ];
    verifyCodes({ paths, user: 'root', actor: 'root', ip: '', epochSeconds: T0, checks: both });
    const steps = Object.values(readUserState(paths, 'root').steps ?? {});
    expect(steps).toEqual([Math.floor(T0 / 30), Math.floor(T0 / 30)]);
    expect(() =>
      verifyCodes({ paths, user: 'root', actor: 'root', ip: '', epochSeconds: T0, checks: [both[1]!] }),
    ).toThrow(/already used/);
    expect(() =>
      verifyCodes({ paths, user: 'root', actor: 'root', ip: '', epochSeconds: T0, checks: [both[0]!] }),
    ).toThrow(/already used/);
  });
});

describe('replay memory across keys', () => {
  it('a new device’s first code is not refused because the removed key was used in the same step', () => {
    const removedKey = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const newKey = 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U';
    verifyCodes({
      paths,
      user: 'reseller2',
      actor: 'reseller2',
      ip: '',
      epochSeconds: T0,
      checks: [{ secret: removedKey, code: totp(removedKey, T0) }],
    });
    expect(() =>
      verifyCodes({
        paths,
        user: 'reseller2',
        actor: 'reseller2',
        ip: '',
        epochSeconds: T0 + 5,
        checks: [{ secret: newKey, code: totp(newKey, T0 + 5) }],
      }),
    ).not.toThrow();
    // Each key still accepts each of its codes once.
    expect(() =>
      verifyCodes({
        paths,
        user: 'reseller2',
        actor: 'reseller2',
        ip: '',
        epochSeconds: T0 + 6,
        checks: [{ secret: newKey, code: totp(newKey, T0 + 6) }],
      }),
    ).toThrow(/already used/);
  });

  it('a record written before per-key memory still refuses its last step for every key', () => {
    writeUserState(paths, 'reseller1', { failures: 0, lockCount: 0, lastStep: Math.floor(T0 / 30) });
    expect(attempt(totp(SECRET, T0), T0)?.code).toBe('CODE_REPLAYED');
    expect(attempt(totp(SECRET, T0 + 30), T0 + 30)).toBeUndefined();
    const state = readUserState(paths, 'reseller1');
    expect(state.lastStep).toBeUndefined();
    expect(Object.values(state.steps ?? {})).toEqual([Math.floor(T0 / 30) + 1]);
  });
});

describe('expired setups', () => {
  it('are dropped from disk by the next verification', () => {
    writeUserState(paths, 'reseller1', {
      failures: 0,
      lockCount: 0,
      pending: { secret: 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U', createdAt: T0 - 700, expiresAt: T0 - 100 },
    });
    attempt(totp(SECRET, T0), T0);
    expect(readUserState(paths, 'reseller1').pending).toBeUndefined();
    expect(readFileSync(join(paths.userStateDir, 'reseller1.json'), 'utf8')).not.toContain('MFRGGZDFMZTWQ2LK');
  });
});

describe('exact answers and records', () => {
  const auditLines = (): Array<Record<string, string>> =>
    readFileSync(paths.auditFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);

  it('says what is wrong in words a reseller understands', () => {
    expect(attempt('12ab', T0)?.message).toBe('Enter the 6-digit security code from your authenticator app.');
    expect(attempt(wrongCode(T0), T0)?.message).toBe(
      'That security code is not correct. Check that your phone sets its time automatically, then enter the code your app shows now.',
    );
    const code = totp(SECRET, T0);
    attempt(code, T0);
    expect(attempt(code, T0)?.message).toBe(
      'That security code was already used. Wait for your app to show the next code (a new one appears every 30 seconds) and enter that one.',
    );
    expect(auditLines().at(-1)).toMatchObject({ action: 'verify', result: 'refused: code already used' });
    // Replaying it again and again is recorded once in five minutes, and never counted.
    for (let i = 0; i < 20; i += 1) expect(attempt(code, T0 + 1)?.code).toBe('CODE_REPLAYED');
    expect(auditLines().filter((l) => l['result'] === 'refused: code already used')).toHaveLength(1);
    // In the next window a replay is recorded again.
    const later = totp(SECRET, T0 + 330);
    expect(attempt(later, T0 + 330)).toBeUndefined();
    expect(attempt(later, T0 + 331)?.code).toBe('CODE_REPLAYED');
    expect(auditLines().filter((l) => l['result'] === 'refused: code already used')).toHaveLength(2);
  });

  it('the failure that locks, and the refusals after it, carry the lock end', () => {
    for (let i = 0; i < 4; i += 1) attempt(wrongCode(T0), T0);
    const locking = attempt(wrongCode(T0), T0);
    const until = T0 + 300;
    expect(lockMessage(until)).toBe(
      `Too many wrong security codes. Verification is locked for this account until ${new Date(until * 1000).toISOString().slice(11, 16)} UTC. Wait until then and try again.`,
    );
    expect(lockMessage(until)).toContain('until 08:05 UTC');
    expect(locking?.code).toBe('CODE_INVALID');
    expect(locking?.message).toBe(
      `That security code is not correct. Check that your phone sets its time automatically, then enter the code your app shows now. ${lockMessage(until)}`,
    );
    expect(locking?.lockedUntil).toBe(new Date(until * 1000).toISOString());
    expect(auditLines().slice(-2)).toMatchObject([
      { action: 'verify', result: 'failed: wrong code (5 of 5)' },
      { action: 'lock', result: `locked until ${new Date(until * 1000).toISOString()}` },
    ]);
    const refused = attempt(totp(SECRET, T0 + 10), T0 + 10);
    expect(refused?.code).toBe('LOCKED');
    expect(refused?.message).toBe(lockMessage(until));
    expect(refused?.lockedUntil).toBe(new Date(until * 1000).toISOString());
  });

  it('records step 0 when the first accepted code is from the first step of 1970', () => {
    expect(attempt(totp(SECRET, 15), 15)).toBeUndefined();
    expect(Object.values(readUserState(paths, 'reseller1').steps ?? {})).toEqual([0]);
  });

  it('applies onSuccess to the record in the same write, and not on failure', () => {
    const pending = { secret: 'X', createdAt: T0, expiresAt: T0 + 600 };
    const run = (code: string): void =>
      verifyCodes({
        paths,
        user: 'reseller1',
        actor: 'reseller1',
        ip: '',
        epochSeconds: T0,
        checks: [{ secret: SECRET, code }],
        onSuccess: (state) => ({ ...state, pending }),
      });
    expect(() => run(wrongCode(T0))).toThrow(Whm2faError);
    expect(readUserState(paths, 'reseller1').pending).toBeUndefined();
    run(totp(SECRET, T0));
    const record = readUserState(paths, 'reseller1');
    expect(record).toEqual({ failures: 0, lockCount: 0, steps: record.steps, pending });
    expect(Object.values(record.steps ?? {})).toEqual([Math.floor(T0 / 30)]);
  });
});

describe('which field a refusal names', () => {
  /** The refusal of `checks` at T0 for root, as thrown. */
  function refusal(checks: Array<{ secret: string; code: string; field?: string }>): Whm2faError {
    try {
      verifyCodes({ paths, user: 'root', actor: 'root', ip: '', epochSeconds: T0, checks });
    } catch (err) {
      if (err instanceof Whm2faError) return err;
      throw err;
    }
    throw new Error('accepted');
  }
  const other = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

  it('names the malformed, wrong and replayed fields, "code" when a check names none', () => {
    expect(refusal([{ secret: SECRET, code: '12ab' }]).fields).toEqual(['code']);
    expect(refusal([{ secret: SECRET, code: '12ab', field: 'currentCode' }]).fields).toEqual(['currentCode']);
    expect(refusal([{ secret: SECRET, code: wrongCode(T0) }]).fields).toEqual(['code']);
    expect(refusal([{ secret: SECRET, code: wrongCode(T0), field: 'currentCode' }]).toJSON().fields).toEqual([
      'currentCode',
    ]);
    // Accept both codes once, then send both again: both are replays.
    const both = [
      { secret: SECRET, code: totp(SECRET, T0), field: 'currentCode' },
      { secret: other, code: totp(other, T0) },
    ];
    verifyCodes({ paths, user: 'root', actor: 'root', ip: '', epochSeconds: T0, checks: both });
    const replay = refusal(both);
    expect(replay.code).toBe('CODE_REPLAYED');
    expect(replay.fields).toEqual(['currentCode', 'code']);
  });
});
