// `npm test`: everything, from a fresh clone. Installs what is missing, builds, then
// typecheck, lint, format check and every vitest project (node, DOM, browser).
import { ensureChromium, ensureDependencies, runStep } from './ensure.mjs';

ensureDependencies();
ensureChromium();
const bin = (name) => `node_modules/.bin/${name}`;
runStep('build', process.execPath, ['scripts/build.mjs']);
runStep('typecheck', bin('tsc'), ['-p', '.']);
runStep('lint', bin('eslint'), ['--max-warnings=0', '.']);
runStep('format', bin('prettier'), ['--check', '--log-level=warn', '.']);
runStep('tests', bin('vitest'), ['run', ...process.argv.slice(2)]);
