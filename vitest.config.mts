import { defineConfig } from 'vitest/config';

// Three projects: the backend and tools as real processes (node), the page's components
// against msw (DOM), and the whole thing in headless Chromium through the local WHM.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/{unit,process,install,sandbox,fault}/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'dom',
          environment: 'happy-dom',
          environmentOptions: {
            happyDOM: { url: 'https://whm.example.test:2087/cpsess1234567890/cgi/whm2fa/index.cgi' },
          },
          include: ['test/frontend/**/*.test.tsx'],
          setupFiles: ['test/frontend/setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          environment: 'node',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
