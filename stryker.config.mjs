// `npm run mutate`: StrykerJS mutation testing over the modules that hold whm2fa's rules,
// run against the in-process unit tests (vitest.stryker.mts). Prints the score per module
// and writes an HTML report to reports/mutation/ (git-ignored). Not part of `npm test`:
// it takes several minutes.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.mts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'plugin/src/verification.ts',
    'plugin/src/totp.ts',
    'plugin/src/access.ts',
    'plugin/src/api/params.ts',
    'plugin/src/userState.ts',
    'plugin/src/store.ts',
    'plugin/src/enrollment.ts',
    'plugin/src/removal.ts',
    'plugin/src/lifecycle.ts',
    'plugin/src/audit.ts',
    'plugin/src/issuer.ts',
    'plugin/src/settingsFile.ts',
    'plugin/src/serverConfig.ts',
    'plugin/src/report.ts',
    'plugin/src/reportText.ts',
    'plugin/src/syslog.ts',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 20_000,
  reporters: ['clear-text', 'html', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  thresholds: { high: 85, low: 70, break: null },
};
