import type { IConstruct } from 'constructs';
import type { z } from 'zod';
import { ErrorCode, SovereignMlError } from '../../lib/errors';
import { parseWith, type IsUnresolved } from '../../lib/validation';

/**
 * Props validation shared by the CDK constructs (`constructs/aws`) and the CDK for Terraform
 * ones (`constructs/tf`). Only the token check differs between the two; each side's
 * `private/validate.ts` binds it.
 */

/** Parses props with a zod schema; errors carry the construct path. */
export function validateProps<S extends z.ZodType>(scope: IConstruct, schema: S, input: unknown, path: string): z.output<S> {
  return withPath(scope, () => parseWith(schema, input, { path }));
}

/** Runs `fn`, adding the construct path to any SovereignMlError it throws. */
export function withPath<T>(scope: IConstruct, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (SovereignMlError.isSovereignMlError(e) && !e.constructPath) {
      throw e.withConstructPath(scope.node.path);
    }
    throw e;
  }
}

/** Throws a SovereignMlError naming the construct. */
export function fail(scope: IConstruct, code: ErrorCode, detail: string): never {
  throw new SovereignMlError(code, detail, { constructPath: scope.node.path });
}

export { ErrorCode, type IsUnresolved };
