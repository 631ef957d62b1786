/**
 * The tensor as the predictor sees it: a name, a datatype, a shape and flat typed data.
 */
import type { Datatype, TensorData } from './datatype';

/**
 * A named tensor with its elements in a flat typed array, row-major.
 *
 * `data.length` equals {@link elementCount}(`shape`); the array type follows `datatype` as
 * listed on {@link TensorData}.
 *
 * @see https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md#tensor-data
 */
export interface Tensor {
  /** The tensor's name, as in the model's metadata. */
  readonly name: string;
  /** The element type. */
  readonly datatype: Datatype;
  /** The dimensions, outermost first; `[]` is a scalar. */
  readonly shape: readonly number[];
  /** The elements, flat in row-major order. */
  readonly data: TensorData;
  /**
   * Protocol parameters of this tensor (string, number or boolean values), without the
   * transport-level `binary_data_size`.
   * @default - none
   */
  readonly parameters?: Record<string, unknown>;
}

/**
 * The number of elements of a tensor of `shape`: the product of its dimensions, 1 for a
 * scalar (`[]`). Expects non-negative integer dimensions (parsed requests have them).
 */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) {
    count *= dim;
  }
  return count;
}
