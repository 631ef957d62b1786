import * as z from 'zod';
import { isKnownRegion } from '../../../lib/regions';
import { isUnresolved } from './validate';

/** An AWS region from the catalog (tokens pass unchecked). */
export const regionSchema = z.string().refine((r) => isUnresolved(r) || isKnownRegion(r), { message: 'must be an AWS region in the catalog, such as "ap-east-1"' });
