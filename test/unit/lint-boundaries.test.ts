// The boundaries ESLint enforces (eslint.config.mjs): a forbidden snippet placed at a path
// in plugin/ is reported, in every form that reaches the forbidden thing (import, export
// from, require, import(), import = require()); the one place of each boundary, and
// scripts and tests, pass.
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const BOUNDARY_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax', 'no-restricted-properties']);
const top = resolve(import.meta.dirname, '../..');
let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: top });
});

/** The boundary rules `code` breaks when it stands at `file` (relative to the repository). */
async function broken(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(top, file) });
  return (result?.messages ?? []).filter((m) => BOUNDARY_RULES.has(m.ruleId ?? '')).map((m) => m.message);
}

const RUN = [
  `import { spawnSync } from 'node:child_process';\nspawnSync('whmapi1');\n`,
  `import { execSync } from 'child_process';\nexecSync('x');\n`,
  `import type { SpawnSyncOptions } from 'node:child_process';\nexport type O = SpawnSyncOptions;\n`,
  `export { spawn } from 'node:child_process';\n`,
  `export const cp: unknown = require('child_process');\n`,
  `export const cp: unknown = require('node:child_process');\n`,
  `export const cp: unknown = module.require('child_process');\n`,
  `export async function f(): Promise<unknown> {\n  return import('node:child_process');\n}\n`,
  `import cp = require('child_process');\nexport const x = cp;\n`,
  `import { runProgram } from './program';\nrunProgram('x', [], { encoding: 'utf8' });\n`,
];
const OTPLIB = [
  `import { authenticator } from 'otplib';\nexport const a = authenticator;\n`,
  `import { generateSync } from '@otplib/totp';\nexport const g = generateSync;\n`,
  `import { verifySync } from './vendor/otplib';\nexport const v = verifySync;\n`,
  `export { NodeCryptoPlugin } from './vendor/otplib-crypto';\n`,
  `export async function f(): Promise<unknown> {\n  return import('./vendor/otplib');\n}\n`,
  `export const o: unknown = require('./vendor/otplib');\n`,
];
const ENVIRONMENT = [
  `export const home = process.env['HOME'];\n`,
  `export const all = process['env'];\n`,
  `const { env } = process;\nexport const e = env;\n`,
  `export const e = globalThis.process.env;\n`,
  `import { env } from 'node:process';\nexport const e = env;\n`,
  `import proc from 'process';\nexport const e = proc;\n`,
];

describe('ESLint’s boundaries', () => {
  it.each([
    'plugin/src/accounts.ts',
    'plugin/src/api/actions.ts',
    'plugin/cli/cli.ts',
    'plugin/hook/hook.ts',
    'plugin/cgi/api.ts',
    'plugin/launch/launcher.ts',
  ])('refuse running a program, otplib and the environment in %s', async (file) => {
    const rel = file.startsWith('plugin/src/api/') ? '../' : file.startsWith('plugin/src/') ? './' : '../src/';
    for (const code of [...RUN, ...OTPLIB, ...ENVIRONMENT]) {
      const placed = code.replace(/'\.\/(program|vendor\/)/g, `'${rel}$1`);
      expect(await broken(placed, file), `${file}:\n${placed}`).not.toEqual([]);
    }
  });

  it('refuse in each one place what belongs to another', async () => {
    expect(await broken(RUN[0] ?? '', 'plugin/src/cpanel.ts')).not.toEqual([]);
    expect(await broken(OTPLIB[2] ?? '', 'plugin/src/program.ts')).not.toEqual([]);
    expect(await broken(ENVIRONMENT[0] ?? '', 'plugin/src/totp.ts')).not.toEqual([]);
    expect(await broken(RUN[9] ?? '', 'plugin/src/cgi.ts')).not.toEqual([]);
  });

  it('let each one place do its own thing', async () => {
    expect(await broken(RUN[5] ?? '', 'plugin/src/program.ts')).toEqual([]);
    expect(await broken(RUN[9] ?? '', 'plugin/src/cpanel.ts')).toEqual([]);
    expect(await broken(RUN[9] ?? '', 'plugin/src/mailer.ts')).toEqual([]);
    expect(await broken(OTPLIB[4] ?? '', 'plugin/src/totp.ts')).toEqual([]);
    expect(await broken(OTPLIB[1] ?? '', 'plugin/src/vendor/otplib.ts')).toEqual([]);
    expect(await broken(ENVIRONMENT[0] ?? '', 'plugin/src/cgi.ts')).toEqual([]);
  });

  it('pass the real files of plugin/, and leave scripts and tests alone', async () => {
    const results = await eslint.lintFiles(['plugin']);
    const problems = results.flatMap((r) =>
      r.messages.filter((m) => BOUNDARY_RULES.has(m.ruleId ?? '')).map((m) => `${r.filePath}: ${m.message}`),
    );
    expect(problems).toEqual([]);
    expect(results.length).toBeGreaterThan(50);
    for (const code of [...RUN.slice(0, 9), ...OTPLIB.slice(0, 2), ...ENVIRONMENT])
      expect(await broken(code, 'test/unit/x.test.ts')).toEqual([]);
  });
});
