import { Token } from 'aws-cdk-lib';
import type { IsUnresolved } from '../../private/props';

export { ErrorCode, fail, validateProps, withPath } from '../../private/props';

/** Token check handed to the token-aware schemas of lib/validation. */
export const isUnresolved: IsUnresolved = (value) => Token.isUnresolved(value);
