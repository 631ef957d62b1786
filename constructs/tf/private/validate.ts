import type { IsUnresolved } from '../../private/props';
import { Token } from './cdktf';

export { ErrorCode, fail, validateProps, withPath } from '../../private/props';

/** cdktf's token check, handed to the token-aware schemas of lib/validation. */
export const isUnresolved: IsUnresolved = (value) => Token.isUnresolved(value);
