/**
 * The CloudWatch namespace of the drift metrics: its default, and the rule a namespace
 * must follow, shared by the `sovereign-ml drift` CLI (`--namespace`) and the constructs
 * that configure it, so that a namespace accepted at synthesis is one the CLI accepts.
 */

/** The default namespace of the drift metrics (the drift job's and the CLI's). */
export const DEFAULT_DRIFT_NAMESPACE = 'SovereignML/Drift';

/** What {@link isMetricNamespace} accepts, as a validation message (`<option> must be ...`). */
export const METRIC_NAMESPACE_RULE = 'must be 1 to 255 of letters, digits, . - _ / # : and space, not blank, not starting with ":" or "AWS/"';

/**
 * Whether `ns` is a CloudWatch namespace a custom metric may use: 1 to 255 of letters,
 * digits, `. - _ / # :` and space, at least one not a space, not starting with `:` nor
 * with `AWS/` (reserved for AWS services).
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#Namespace
 */
export function isMetricNamespace(ns: string): boolean {
  return /^[0-9A-Za-z.\-_/#: ]{1,255}$/.test(ns) && ns.trim() !== '' && !ns.startsWith(':') && !ns.startsWith('AWS/');
}
