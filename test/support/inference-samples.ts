import type { Tensor } from '../../lib/inference';

/** One tensor per datatype, with values JSON can carry (limits included). */
export const SAMPLES: readonly Tensor[] = [
  { name: 'bool', datatype: 'BOOL', shape: [3], data: new Uint8Array([1, 0, 1]) },
  { name: 'u8', datatype: 'UINT8', shape: [3], data: new Uint8Array([0, 7, 255]) },
  { name: 'u16', datatype: 'UINT16', shape: [2], data: new Uint16Array([0, 65535]) },
  { name: 'u32', datatype: 'UINT32', shape: [2], data: new Uint32Array([0, 4294967295]) },
  { name: 'u64', datatype: 'UINT64', shape: [2], data: new BigUint64Array([0n, 2n ** 53n - 1n]) },
  { name: 'i8', datatype: 'INT8', shape: [2], data: new Int8Array([-128, 127]) },
  { name: 'i16', datatype: 'INT16', shape: [2], data: new Int16Array([-32768, 32767]) },
  { name: 'i32', datatype: 'INT32', shape: [2], data: new Int32Array([-2147483648, 2147483647]) },
  { name: 'i64', datatype: 'INT64', shape: [2], data: new BigInt64Array([-(2n ** 53n - 1n), 2n ** 53n - 1n]) },
  { name: 'fp16', datatype: 'FP16', shape: [2, 2], data: new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001]) },
  { name: 'fp32', datatype: 'FP32', shape: [3, 2], data: new Float32Array([1.0, 1.1, 2.0, 2.1, 3.0, 3.1]) },
  { name: 'fp64', datatype: 'FP64', shape: [3], data: new Float64Array([Math.PI, -1e300, 5e-324]) },
  { name: 'bytes', datatype: 'BYTES', shape: [4], data: ['', 'abc', '世界', '🙂'] },
];
