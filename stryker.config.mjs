// `npm run mutate`: StrykerJS mutation testing over all of whm2fa's backend (plugin/src),
// run against the in-process unit tests (vitest.stryker.mts). Prints the score per module
// and over plugin/src (scripts/mutation-score.mjs reads the JSON report), and writes an HTML
// report to reports/mutation/ (git-ignored). Not part of `npm test`: it takes a long time.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.mts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  // plugin/src/vendor is left out: its files only re-export third-party packages (otplib,
  // qrcode) so they can be bundled and loaded on their own; there is no code of ours there
  // to mutate, and the packages' code is theirs to test.
  mutate: ['plugin/src/**/*.ts', '!plugin/src/vendor/**'],
  coverageAnalysis: 'perTest',
  // Static mutants (in tables and catalogs built when a module loads) are left out: each
  // reruns every test, and they were estimated at four fifths of a whole run's time. They
  // are counted neither way (docs/decisions/mutation-testing.md).
  ignoreStatic: true,
  concurrency: 2,
  timeoutMS: 20_000,
  reporters: ['clear-text', 'html', 'json', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  thresholds: { high: 85, low: 70, break: null },
};
