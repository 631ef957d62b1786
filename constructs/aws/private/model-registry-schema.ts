/**
 * The plain-data part of ModelRegistry props and addModel options, validated in one
 * place with the defaults stated in the props' `@default` docs.
 */
import * as z from 'zod';
import { MODEL_NAME_PATTERN } from '../../../lib/model-names';
import { checkedNumber, checkedString } from '../../../lib/validation';
import { isUnresolved } from './validate';

/**
 * SageMaker model package group names.
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModelPackageGroup.html
 */
export const GROUP_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** Model versions become an S3 key segment: keep them short and URL-safe. */
export const VERSION_PATTERN = MODEL_NAME_PATTERN;

/**
 * Customer metadata keys and values of a model package.
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModelPackage.html#sagemaker-CreateModelPackage-request-CustomerMetadataProperties
 */
export const METADATA_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
export const METADATA_MAX_ENTRIES = 50;

/** Metadata keys the registry writes itself. */
export const RESERVED_METADATA_KEYS = ['sha256', 'version', 's3Uri', 'fileName', 'sizeBytes'] as const;

export const registryPropsSchema = z.object({
  modelPackageGroupName: z.string().refine((v) => !isUnresolved(v), {
    message: 'must be a literal string (it is part of every model\'s object key), not a deploy-time token',
  }).refine((v) => isUnresolved(v) || GROUP_NAME_PATTERN.test(v), {
    message: 'must be 1-63 characters of letters, digits and hyphens, starting and ending with a letter or digit',
  }),
  description: checkedString(isUnresolved, (v) => v.length <= 1024, 'must be at most 1024 characters').optional(),
  /** In days: the construct converts the Duration before validation. */
  noncurrentVersionExpiration: checkedNumber(isUnresolved, (v) => Number.isInteger(v) && v >= 1 && v <= 36500,
    'must be between 1 and 36500 whole days').default(365),
  noncurrentVersionsToRetain: checkedNumber(isUnresolved, (v) => Number.isInteger(v) && v >= 1 && v <= 100,
    'must be a whole number between 1 and 100 (the S3 limit)').default(10),
}).loose();

export const addModelSchema = z.object({
  path: z.string().min(1, { message: 'must be a path to a model file' }),
  version: z.string().refine((v) => !isUnresolved(v) && VERSION_PATTERN.test(v), {
    message: 'must be a literal of 1-64 characters of letters, digits, ".", "_" and "-", starting with a letter or digit',
  }),
  description: z.string().max(1024, { message: 'must be at most 1024 characters' }).optional(),
  metadata: z.record(
    z.string()
      .min(1, { message: 'keys must be 1-128 characters' })
      .max(128, { message: 'keys must be 1-128 characters' })
      .regex(METADATA_PATTERN, { message: 'keys may contain only letters, digits, spaces and _ . : / = + - @' })
      .refine((k) => !(RESERVED_METADATA_KEYS as readonly string[]).includes(k), {
        message: `keys ${RESERVED_METADATA_KEYS.join(', ')} are written by the registry and cannot be set`,
      }),
    z.string()
      .max(256, { message: 'must be at most 256 characters' })
      .regex(METADATA_PATTERN, { message: 'may contain only letters, digits, spaces and _ . : / = + - @' }),
  ).refine((m) => Object.keys(m).length <= METADATA_MAX_ENTRIES - RESERVED_METADATA_KEYS.length, {
    message: `must have at most ${METADATA_MAX_ENTRIES - RESERVED_METADATA_KEYS.length} entries (SageMaker allows ${METADATA_MAX_ENTRIES}, ${RESERVED_METADATA_KEYS.length} are the registry's own)`,
  }).default({}),
}).loose();
