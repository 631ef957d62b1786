import { checkedString } from '../../../lib/validation';
import { isUnresolved } from './validate';

/** Prefix of the IAM names derived from a site name. */
const PREFIX = 'sovereign-ml-';

/** Suffixes of the IAM names derived from a site name: the registry's pull identity, the drift metrics identity. */
export const SITE_IDENTITY_SUFFIX = { modelPull: '-model-pull', metrics: '-metrics' } as const;

/** Most characters of an IAM user or role name. */
const IAM_NAME_MAX = 64;

/**
 * Most characters of a site name: the longest IAM name derived from it,
 * `sovereign-ml-<site>-model-pull`, must fit IAM's 64 (13 + 40 + 11).
 */
export const SITE_NAME_MAX = IAM_NAME_MAX - PREFIX.length - Math.max(...Object.values(SITE_IDENTITY_SUFFIX).map((s) => s.length));

/** The name of a site's IAM user or role: `sovereign-ml-<site><suffix>`. */
export function siteIdentityName(siteName: string, suffix: (typeof SITE_IDENTITY_SUFFIX)[keyof typeof SITE_IDENTITY_SUFFIX]): string {
  return `${PREFIX}${siteName}${suffix}`;
}

const SITE_NAME = new RegExp(`^[a-z0-9][a-z0-9-]{0,${SITE_NAME_MAX - 1}}$`);

/** The `siteName` prop of the constructs naming a site's identities, default `site`. */
export const siteNameSchema = checkedString(isUnresolved, (v) => SITE_NAME.test(v),
  `must be 1-${SITE_NAME_MAX} lower-case letters, digits and hyphens, starting with a letter or digit (IAM names hold 64 characters)`).default('site');
