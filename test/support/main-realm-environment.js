'use strict';
// onnxruntime-node checks tensors with `instanceof Float32Array` etc. against the
// constructors of the realm it was loaded in (the main Node realm). Jest runs each test
// file in its own vm context whose typed-array constructors are different objects, so a
// tensor built in a test would be rejected. This environment hands the test realm the
// main realm's constructors, so both sides agree.
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer', 'SharedArrayBuffer', 'DataView',
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
];

class MainRealmEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) {
      this.global[name] = globalThis[name];
    }
  }
}

module.exports = MainRealmEnvironment;
