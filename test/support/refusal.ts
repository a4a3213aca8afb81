// The coded error a call refuses with, for in-process tests of plugin/src.
import { Whm2faError } from '../../plugin/src/errors';

/** The Whm2faError `fn` throws; any other exception is rethrown, and no refusal fails the test. */
export function refusal(fn: () => unknown): Whm2faError {
  try {
    fn();
  } catch (err) {
    if (err instanceof Whm2faError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}
