import * as fs from 'node:fs';
import * as path from 'node:path';
import { floatToHalf, halfToFloat, type Datatype, type Tensor, type TensorData } from '../../lib/inference';
import { ROOT } from './app';

/** Folder of the conformance models (test/fixtures/onnx, made by make_fixtures.py). */
export const ONNX_FIXTURES = path.join(ROOT, 'test', 'fixtures', 'onnx');

/** A tensor as reference.json writes it. */
export interface RefTensor {
  readonly datatype: Datatype;
  readonly shape: number[];
  readonly data: Array<number | boolean | string>;
}

/** One conformance case: numpy's outputs for given inputs. */
export interface RefCase {
  readonly model: string;
  readonly inputs: Record<string, RefTensor>;
  readonly outputs: Record<string, RefTensor>;
}

/** The conformance cases. */
export const REFERENCE_CASES: RefCase[] = JSON.parse(fs.readFileSync(path.join(ONNX_FIXTURES, 'reference.json'), 'utf8')) as RefCase[];

/** A reference tensor as a typed tensor. */
export function toTensor(name: string, t: RefTensor): Tensor {
  return { name, datatype: t.datatype, shape: t.shape, data: typedData(t.datatype, t.data) };
}

function typedData(dt: Datatype, data: Array<number | boolean | string>): TensorData {
  const nums = data as number[];
  switch (dt) {
    case 'FP32': return Float32Array.from(nums);
    case 'FP64': return Float64Array.from(nums);
    case 'INT64': return BigInt64Array.from(nums, (v) => BigInt(v));
    case 'UINT8': return Uint8Array.from(nums);
    case 'BOOL': return Uint8Array.from(data as boolean[], (v) => (v ? 1 : 0));
    case 'FP16': return Uint16Array.from(nums, floatToHalf);
    case 'BYTES': return data as string[];
    default: throw new Error(`fixture datatype ${dt} not handled`);
  }
}

/** Plain numbers (or strings/booleans) of any tensor data, for comparison with references. */
export function plain(dt: Datatype, data: TensorData | ReadonlyArray<unknown>): Array<number | boolean | string> {
  if (Array.isArray(data)) return data as Array<number | boolean | string>;
  if (dt === 'BOOL') return Array.from(data as Uint8Array, (v) => v !== 0);
  if (dt === 'FP16') return Array.from(data as Uint16Array, halfToFloat);
  return Array.from(data as ArrayLike<number | bigint>, Number);
}

/** Asserts `actual` matches numpy's `expected` (|a-e| <= 1e-5*|e| + 1e-6 for floats, exact otherwise). */
export function expectClose(dt: Datatype, actual: Array<number | boolean | string>, expected: Array<number | boolean | string>): void {
  expect(actual).toHaveLength(expected.length);
  if (dt === 'FP32' || dt === 'FP64' || dt === 'FP16') {
    actual.forEach((a, i) => {
      const e = expected[i] as number;
      expect(Math.abs((a as number) - e)).toBeLessThanOrEqual(1e-5 * Math.abs(e) + 1e-6);
    });
  } else {
    expect(actual).toEqual(expected);
  }
}
