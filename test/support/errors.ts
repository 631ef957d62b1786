import { SovereignMlError } from '../../lib/errors';
import { InferenceError } from '../../lib/inference';

/** The SovereignMlError `fn` throws; fails the test when it throws nothing or something else. */
export function errorOf(fn: () => unknown): SovereignMlError {
  return caught(fn, SovereignMlError.isSovereignMlError, 'a SovereignMlError');
}

/** The InferenceError `fn` throws; fails the test when it throws nothing or something else. */
export function inferenceErrorOf(fn: () => unknown): InferenceError {
  return caught(fn, InferenceError.isInferenceError, 'an InferenceError');
}

function caught<E>(fn: () => unknown, is: (e: unknown) => e is E, what: string): E {
  try {
    fn();
  } catch (e) {
    if (is(e)) return e;
    throw e;
  }
  throw new Error(`expected ${what}`);
}
