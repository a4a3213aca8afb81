import { afterAll, afterEach, beforeAll } from 'vitest';
import { cleanup } from '@testing-library/preact';
import { server } from './fakeApi';

// Unhandled requests are errors: every call the page makes must be one the test expects.
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  cleanup();
  server.resetHandlers();
});
afterAll(() => server.close());
