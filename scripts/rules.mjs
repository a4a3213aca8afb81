// plugin/src/rules.ts for the node scripts (which cannot import TypeScript): esbuild turns
// it into JavaScript in memory, so the scripts read the very limits the plugin uses.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { transform } from 'esbuild';
import { TOP } from './ensure.mjs';

/** The exports of plugin/src/rules.ts. */
export async function loadRules() {
  const source = readFileSync(join(TOP, 'plugin/src/rules.ts'), 'utf8');
  const { code } = await transform(source, { loader: 'ts', format: 'esm' });
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}
