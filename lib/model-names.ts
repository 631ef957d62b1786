/**
 * The shape of model names and versions, shared by the CloudFormation and Terraform
 * constructs: they become S3 key segments (`models/<name>/<version>/<file>`) and arguments
 * of the server and drift CLIs (`--model <name>`).
 */

/**
 * A model name or version: 1-64 letters, digits, `.`, `_` and `-`, starting with a letter
 * or digit. The first character rules out `.` and `..` (which would climb out of the key
 * prefix of an S3 key) and a leading `-` (which a command line reads as an option).
 */
export const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** What {@link MODEL_NAME_PATTERN} accepts, as a validation message (`<prop> must be ...`). */
export const MODEL_NAME_RULE = 'must be 1-64 letters, digits, ".", "_" and "-", starting with a letter or digit';

/** Whether `value` is a valid model name or version ({@link MODEL_NAME_PATTERN}). */
export function isModelName(value: string): boolean {
  return MODEL_NAME_PATTERN.test(value);
}
