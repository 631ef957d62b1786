/**
 * Buffers for request bodies laid out so the binary tensor data can be read in place.
 */

/**
 * The alignment, in bytes, of the binary section in a buffer from
 * {@link alignedRequestBody}: the widest element size (INT64, UINT64, FP64), so a first
 * binary tensor of any fixed-size type starts at a multiple of its element size.
 */
export const BINARY_SECTION_ALIGNMENT = 8;

/**
 * A fresh buffer of `byteLength` bytes for a request body whose binary section starts at
 * `headerLength` (the `Inference-Header-Content-Length`), placed so that the section
 * starts at a multiple of {@link BINARY_SECTION_ALIGNMENT} in the underlying
 * `ArrayBuffer`. Fill it with the body, then parse with `copyBinary: false`.
 *
 * Why: a typed array can only view its buffer at a multiple of its element size, so an
 * FP32 tensor after a 141-byte JSON header has to be copied (a fresh allocation per
 * request, with its page faults) while one after an aligned start is used where it lies.
 * Tensors after the first are aligned when the ones before them have sizes that keep
 * them so (equal datatypes, or sizes that are multiples of 8).
 *
 * The contents are not initialized: write every byte before reading (or cut the buffer
 * to what was written). A `headerLength` that is not a non-negative integer, or
 * `undefined` (a JSON body), gets no padding: the router rejects the former anyway.
 */
export function alignedRequestBody(byteLength: number, headerLength: number | undefined): Buffer {
  const start = headerLength !== undefined && Number.isInteger(headerLength) && headerLength >= 0 ? headerLength : 0;
  const pad = (BINARY_SECTION_ALIGNMENT - (start % BINARY_SECTION_ALIGNMENT)) % BINARY_SECTION_ALIGNMENT;
  // allocUnsafeSlow: an ArrayBuffer of its own (never the shared pool) at offset 0, not zero-filled.
  return Buffer.allocUnsafeSlow(pad + byteLength).subarray(pad);
}

/**
 * The `Inference-Header-Content-Length` header as a number, for laying out the body; an
 * absent or malformed value is `undefined` (the router reports malformed ones).
 */
export function headerLengthForLayout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}
