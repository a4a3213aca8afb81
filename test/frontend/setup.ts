import { afterAll, afterEach, beforeAll } from 'vitest';
import { cleanup, configure } from '@testing-library/preact';
import { server } from './fakeApi';

// The machine running the tests may be busy: give findBy/waitFor more than the default second.
configure({ asyncUtilTimeout: 4000 });

// Unhandled requests are errors: every call the page makes must be one the test expects.
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  cleanup();
  server.resetHandlers();
  // The page keeps its tab in the URL's hash; each test starts without one.
  history.replaceState(null, '', location.pathname);
});
afterAll(() => server.close());
