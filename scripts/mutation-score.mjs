// After `stryker run` (npm run mutate): the one figure issue 21 asks for, the mutation
// score over every module Stryker mutated (all of plugin/src but vendor), from its JSON
// report. Stryker's "total" score: killed and timed-out mutants over all valid ones
// (survived and not covered count against it; compile errors and ignored ones do not).
// With `--survivors`, prints instead every mutant that survived or was not covered, per
// file, as a Markdown list (docs/mutation-survivors.md is written this way).
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
if (!process.argv.includes('--survivors')) {
  console.log(
    `mutation score over plugin/src (${files} files): ${score.toFixed(1)}% ` +
      `(${detected} of ${valid} killed or timed out; ${n('Survived')} survived, ${n('NoCoverage')} not covered)`,
  );
}

if (process.argv.includes('--survivors')) {
  /** The mutated text at a location (one line, shortened), from the file's source in the report. */
  const snippet = (source, { start, end }) => {
    const lines = source.split('\n');
    const text =
      start.line === end.line
        ? (lines[start.line - 1] ?? '').slice(start.column - 1, end.column - 1)
        : `${(lines[start.line - 1] ?? '').slice(start.column - 1)} …`;
    const one = text.replace(/\s+/g, ' ').trim();
    return one.length > 70 ? `${one.slice(0, 67)}…` : one;
  };
  const code = (text) => `\`${text.replace(/`/g, "'")}\``;
  const out = [
    '# Surviving mutants',
    '',
    `Every mutant that survived or was not covered in the last \`npm run mutate\`, as \`node scripts/mutation-score.mjs --survivors\` writes them from its report; why each is left (equivalent, or untested and why) is in docs/decisions/mutation-testing.md, by module.`,
    '',
  ];
  for (const [name, file] of Object.entries(report.files).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const left = file.mutants
      .filter((m) => m.status === 'Survived' || m.status === 'NoCoverage')
      .sort(
        (a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column,
      );
    if (left.length === 0) continue;
    out.push(`## ${name.replace(/^.*plugin\/src\//, '')} (${String(left.length)})`, '');
    for (const m of left) {
      const where = `${String(m.location.start.line)}:${String(m.location.start.column)}`;
      const status = m.status === 'NoCoverage' ? ' (not covered)' : '';
      out.push(
        `- ${where} ${m.mutatorName}${status}: ${code(snippet(file.source, m.location))} → ${code((m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 70))}`,
      );
    }
    out.push('');
  }
  console.log(out.join('\n'));
}
