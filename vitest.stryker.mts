import { defineConfig } from 'vitest/config';

// The in-process unit tests only, for `npm run mutate` (StrykerJS): they import
// plugin/src directly, so a mutant in a rule module is what they run.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/unit/**/*.test.ts'],
    // lint-boundaries lints plugin/'s files, which Stryker's copy holds instrumented.
    exclude: ['test/unit/{doc-comments,self-contained,api-doc,ensure,lint-boundaries}.test.ts'],
    testTimeout: 60_000,
  },
});
