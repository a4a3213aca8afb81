// A user record's recovery codes as read back (plugin/src/userState.ts): a set is taken only
// when every part is well formed and its scrypt cost within what a request can afford;
// anything else is a StateError, and the file is left as it is.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readUserState } from '../../plugin/src/userState';
import { makeRecoveryCodes } from '../../plugin/src/recoveryCodes';
import { StateError } from '../../plugin/src/errors';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';

const FP = '0123456789abcdef';
const good = makeRecoveryCodes(FP).set;
const code = good.codes[0] ?? { salt: '', hash: '' };

let root: string;
let paths: ServerPaths;
const file = (): string => join(paths.userStateDir, 'bob.json');

function withRecovery(recovery: unknown): void {
  writeFileSync(file(), JSON.stringify({ failures: 0, lockCount: 0, recovery }));
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'whm2fa-userrec-'));
  paths = serverPaths(root);
  mkdirSync(paths.userStateDir, { recursive: true, mode: 0o700 });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('recovery codes in a user record', () => {
  it('reads a well-formed set, at the limits of its cost and size', () => {
    withRecovery(good);
    expect(readUserState(paths, 'bob').recovery).toEqual(good);
    const most = { key: FP, scrypt: { N: 2 ** 16, r: 16, p: 4 }, codes: Array.from({ length: 100 }, () => code) };
    withRecovery(most);
    expect(readUserState(paths, 'bob').recovery).toEqual(most);
    const least = { key: FP, scrypt: { N: 2, r: 1, p: 1 }, codes: [] };
    withRecovery(least);
    expect(readUserState(paths, 'bob').recovery).toEqual(least);
  });

  it('refuses a damaged set, leaving the file untouched', () => {
    const cases: unknown[] = [
      null,
      'x',
      [],
      { ...good, key: 5 },
      { ...good, key: 'not-a-fingerprint' },
      { ...good, key: `x${FP}` },
      { ...good, key: `${FP}0` },
      { ...good, scrypt: null },
      { ...good, scrypt: 'cheap' },
      { key: FP, codes: good.codes },
      { ...good, scrypt: { N: 3, r: 8, p: 1 } },
      { ...good, scrypt: { N: 1, r: 8, p: 1 } },
      { ...good, scrypt: { N: 0, r: 8, p: 1 } },
      { ...good, scrypt: { N: 2 ** 17, r: 8, p: 1 } },
      { ...good, scrypt: { N: 2048.5, r: 8, p: 1 } },
      { ...good, scrypt: { N: '2048', r: 8, p: 1 } },
      { ...good, scrypt: { N: 2048, r: 0, p: 1 } },
      { ...good, scrypt: { N: 2048, r: 17, p: 1 } },
      { ...good, scrypt: { N: 2048, r: 8, p: 0 } },
      { ...good, scrypt: { N: 2048, r: 8, p: 5 } },
      { ...good, codes: 'x' },
      { ...good, codes: null },
      { ...good, codes: Array.from({ length: 101 }, () => code) },
      { ...good, codes: [null] },
      { ...good, codes: ['x'] },
      { ...good, codes: [{ ...code, salt: 5 }] },
      { ...good, codes: [{ ...code, salt: `!${code.salt}` }] },
      { ...good, codes: [{ ...code, salt: `${code.salt}!` }] },
      { ...good, codes: [{ ...code, salt: Buffer.alloc(15).toString('base64') }] },
      { ...good, codes: [{ ...code, hash: Buffer.alloc(31).toString('base64') }] },
      { ...good, codes: [{ salt: code.salt }] },
    ];
    for (const recovery of cases) {
      withRecovery(recovery);
      const before = readFileSync(file(), 'utf8');
      expect(() => readUserState(paths, 'bob'), JSON.stringify(recovery).slice(0, 80)).toThrow(StateError);
      expect(() => readUserState(paths, 'bob')).toThrow(`${file()} does not hold a whm2fa user record`);
      expect(readFileSync(file(), 'utf8')).toBe(before);
    }
  });
});
