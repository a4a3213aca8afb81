// docs/architecture.md must say truly what plugin/ holds: every TypeScript file is named in
// its table of modules, every file named there exists, and an entry file it says only
// wires holds nothing but its `main` (the work is in plugin/src).
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const TOP = join(import.meta.dirname, '../..');
const doc = readFileSync(join(TOP, 'docs/architecture.md'), 'utf8');
/** The rows of the table of modules. */
const table = doc
  .slice(doc.indexOf('## Modules by layer'), doc.indexOf('## Where each boundary is crossed'))
  .split('\n')
  .filter((line) => line.startsWith('|'))
  .join('\n');

/** Every .ts file under plugin/ (type declarations aside), as the doc names it. */
function modules(): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) found.push(relative(TOP, file));
    }
  };
  walk(join(TOP, 'plugin'));
  return found.map((f) => (f.startsWith('plugin/src/') ? f.slice('plugin/src/'.length) : f)).sort();
}

const named = new Set([...table.matchAll(/`([\w./-]+\.ts)`/g)].map((m) => m[1] as string));

describe('docs/architecture.md', () => {
  it('names every module in plugin/', () => {
    const files = modules();
    expect(files.length).toBeGreaterThan(50);
    expect(files.filter((f) => !named.has(f))).toEqual([]);
  });

  it('names no module that is not there', () => {
    const files = new Set(modules());
    expect([...named].filter((n) => !files.has(n))).toEqual([]);
  });

  it('says "only wire" of entry files that hold nothing but main', () => {
    const row = /^\| entry points\s*\|(.*)$/m.exec(table)?.[1] ?? '';
    const wiring = [...(/^(.*?) only wire/.exec(row)?.[1] ?? '').matchAll(/`([\w./-]+\.ts)`/g)].map((m) => m[1] ?? '');
    expect(wiring).toEqual(['plugin/cgi/api.ts', 'plugin/cgi/index.ts', 'plugin/hook/hook.ts', 'plugin/cli/cli.ts']);
    for (const file of wiring) {
      const source = readFileSync(join(TOP, file), 'utf8');
      const functions = [...source.matchAll(/^(?:export )?(?:async )?function (\w+)/gm)].map((m) => m[1]);
      expect(functions, file).toEqual(['main']);
      expect(source.match(/^(?:export )?(?:const|let|class) /gm), file).toBeNull();
      expect(source.split('\n').length, file).toBeLessThan(45);
    }
  });
});
