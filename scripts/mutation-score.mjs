// After `stryker run` (npm run mutate): the one figure issue 21 asks for, the mutation
// score over every module Stryker mutated (all of plugin/src but vendor), from its JSON
// report. Stryker's "total" score: killed and timed-out mutants over all valid ones
// (survived and not covered count against it; compile errors and ignored ones do not).
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync('reports/mutation/mutation.json', 'utf8'));
const counts = new Map();
for (const file of Object.values(report.files)) {
  for (const mutant of file.mutants) counts.set(mutant.status, (counts.get(mutant.status) ?? 0) + 1);
}
const n = (status) => counts.get(status) ?? 0;
const detected = n('Killed') + n('Timeout');
const valid = detected + n('Survived') + n('NoCoverage');
const score = valid === 0 ? 0 : (100 * detected) / valid;
const files = Object.keys(report.files).length;
console.log(
  `mutation score over plugin/src (${files} files): ${score.toFixed(1)}% ` +
    `(${detected} of ${valid} killed or timed out; ${n('Survived')} survived, ${n('NoCoverage')} not covered)`,
);
