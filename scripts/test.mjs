// `npm test`: everything, from a fresh clone. Installs what is missing, builds, then
// typecheck, lint, format check and every vitest project (node, DOM, browser), and ends
// with one plain "N passed, N failed" line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ensureChromium, ensureDependencies, runStep, TOP } from './ensure.mjs';

ensureDependencies();
ensureChromium();
const bin = (name) => `node_modules/.bin/${name}`;
runStep('build', process.execPath, ['scripts/build.mjs']);
runStep('typecheck', bin('tsc'), ['-p', '.']);
runStep('lint', bin('eslint'), ['--max-warnings=0', '.']);
runStep('format', bin('prettier'), ['--check', '--log-level=warn', '.']);
console.log('\n▶ tests');
const report = join(TOP, 'test-results', 'vitest.json');
const run = spawnSync(
  bin('vitest'),
  ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: 'inherit', cwd: TOP },
);
let summary = 'tests: no report was written';
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  summary = `tests: ${String(r.numPassedTests)} passed, ${String(r.numFailedTests)} failed, ${String(r.numPendingTests + r.numTodoTests)} skipped`;
} catch {
  // Reported below through the exit code.
}
console.log(`\n${summary}`);
process.exit(run.status ?? 1);
