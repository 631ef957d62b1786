/**
 * Tensor data in Triton's binary tensor data extension: little-endian, row-major, no
 * padding; BOOL one byte (0 or 1) per element; BYTES a 4-byte little-endian length then the
 * bytes, per element.
 *
 * @see https://github.com/triton-inference-server/server/blob/main/docs/protocol/extension_binary_data.md
 */
import { bytesPerElement, type Datatype, type TensorData } from '../datatype';
import { InferenceError, InferenceErrorCode } from '../inference-error';
import { elementCount } from '../tensor';
import { formatShape, plural } from './json-data';

/** Whether this host stores numbers little-endian (every AWS Lambda architecture does). */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const UTF8_ENCODER = new TextEncoder();

/**
 * Reverses the byte order of each `width`-byte element of `bytes` in place, to turn
 * little-endian wire data into host order on a big-endian host (and back).
 */
export function swapBytesInPlace(bytes: Uint8Array, width: number): void {
  if (width === 1) {
    return;
  }
  for (let i = 0; i + width <= bytes.length; i += width) {
    for (let lo = i, hi = i + width - 1; lo < hi; lo++, hi--) {
      const t = bytes[lo] as number;
      bytes[lo] = bytes[hi] as number;
      bytes[hi] = t;
    }
  }
}

/**
 * Converts the binary data of one tensor into its typed array. `bytes` is the tensor's
 * segment of the body, at any offset; BYTES elements are decoded as UTF-8.
 *
 * Fixed-size types are copied into a fresh, aligned buffer (never a view of the body),
 * unless `copy` is false: then, on a little-endian host, a segment whose offset in its
 * buffer is a multiple of the element size is returned as a typed-array view of `bytes`'
 * buffer, without copying (BOOL, UINT8 and INT8 always qualify). Unaligned segments are
 * still copied. Pass `copy: false` only when the caller owns the body and will not change
 * or reuse it while the tensor is in use.
 *
 * @throws InferenceError INVALID_BINARY_DATA naming the tensor
 */
export function readBinaryData(datatype: Datatype, shape: readonly number[], bytes: Uint8Array, label: string, copy = true): TensorData {
  const count = elementCount(shape);
  if (datatype === 'BYTES') {
    return readByteStrings(bytes, count, shape, label);
  }
  const width = bytesPerElement(datatype) as number;
  if (bytes.length !== count * width) {
    throw new InferenceError(InferenceErrorCode.INVALID_BINARY_DATA,
      `${label}.parameters.binary_data_size is ${bytes.length} but shape ${formatShape(shape)} of ${datatype} needs ${count * width} bytes`);
  }
  if (!copy && HOST_LITTLE_ENDIAN && bytes.byteOffset % width === 0) {
    return typedView(datatype, bytes.buffer, bytes.byteOffset, count, label);
  }
  // Copying through the Uint8Array constructor gives a buffer of our own at offset 0.
  const own = new Uint8Array(bytes);
  if (!HOST_LITTLE_ENDIAN) {
    swapBytesInPlace(own, width);
  }
  return typedView(datatype, own.buffer, 0, count, label);
}

/**
 * The typed array of `datatype` over `count` elements of `buffer` from `byteOffset`
 * (a multiple of the element size), in host order. BOOL bytes are checked to be 0 or 1.
 */
function typedView(datatype: Exclude<Datatype, 'BYTES'>, buffer: ArrayBufferLike, byteOffset: number, count: number, label: string): TensorData {
  switch (datatype) {
    case 'BOOL': {
      const bools = new Uint8Array(buffer, byteOffset, count);
      for (let i = 0; i < count; i++) {
        if ((bools[i] as number) > 1) {
          throw new InferenceError(InferenceErrorCode.INVALID_BINARY_DATA,
            `${label} element ${i} is byte ${bools[i]} but BOOL elements must be 0 or 1`);
        }
      }
      return bools;
    }
    case 'UINT8': return new Uint8Array(buffer, byteOffset, count);
    case 'INT8': return new Int8Array(buffer, byteOffset, count);
    case 'INT16': return new Int16Array(buffer, byteOffset, count);
    case 'UINT16': case 'FP16': return new Uint16Array(buffer, byteOffset, count);
    case 'INT32': return new Int32Array(buffer, byteOffset, count);
    case 'UINT32': return new Uint32Array(buffer, byteOffset, count);
    case 'INT64': return new BigInt64Array(buffer, byteOffset, count);
    case 'UINT64': return new BigUint64Array(buffer, byteOffset, count);
    case 'FP32': return new Float32Array(buffer, byteOffset, count);
    case 'FP64': return new Float64Array(buffer, byteOffset, count);
  }
}

function readByteStrings(bytes: Uint8Array, count: number, shape: readonly number[], label: string): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: string[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const i = out.length;
    if (i === count) {
      throw new InferenceError(InferenceErrorCode.INVALID_BINARY_DATA,
        `${label} has ${plural(bytes.length - pos, 'byte')} left after the ${plural(count, 'BYTES element')} shape ${formatShape(shape)} needs`);
    }
    if (pos + 4 > bytes.length) {
      throw new InferenceError(InferenceErrorCode.INVALID_BINARY_DATA,
        `${label} element ${i} has a truncated 4-byte length prefix at byte ${pos} of ${bytes.length}`);
    }
    const length = view.getUint32(pos, true);
    pos += 4;
    if (length > bytes.length - pos) {
      throw new InferenceError(InferenceErrorCode.INVALID_BINARY_DATA,
        `${label} element ${i} declares ${length} bytes but only ${bytes.length - pos} remain`);
    }
    try {
      out.push(UTF8.decode(bytes.subarray(pos, pos + length)));
    } catch (e) {
      throw new InferenceError(InferenceErrorCode.INVALID_BINARY_DATA,
        `${label} element ${i} is not valid UTF-8 (BYTES tensors are read as text)`, { cause: e });
    }
    pos += length;
  }
  if (out.length !== count) {
    throw new InferenceError(InferenceErrorCode.INVALID_BINARY_DATA,
      `${label} has ${plural(out.length, 'BYTES element')} but shape ${formatShape(shape)} needs ${count}`);
  }
  return out;
}

/**
 * The binary form of a tensor's data, little-endian. On a little-endian host numeric data
 * is returned as a view of the tensor's own buffer, not a copy.
 */
export function writeBinaryData(datatype: Datatype, data: TensorData): Uint8Array {
  if (datatype === 'BYTES') {
    return writeByteStrings(data as string[]);
  }
  const typed = data as Exclude<TensorData, string[]>;
  if (datatype === 'BOOL') {
    return Uint8Array.from(typed as Uint8Array, (v) => (v !== 0 ? 1 : 0));
  }
  const bytes = new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
  if (HOST_LITTLE_ENDIAN) {
    return bytes;
  }
  const copy = new Uint8Array(bytes);
  swapBytesInPlace(copy, bytesPerElement(datatype) as number);
  return copy;
}

function writeByteStrings(data: readonly string[]): Uint8Array {
  const encoded = data.map((s) => UTF8_ENCODER.encode(s));
  let total = 0;
  for (const e of encoded) {
    total += 4 + e.length;
  }
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let pos = 0;
  for (const e of encoded) {
    view.setUint32(pos, e.length, true);
    out.set(e, pos + 4);
    pos += 4 + e.length;
  }
  return out;
}
