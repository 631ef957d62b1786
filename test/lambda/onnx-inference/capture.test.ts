import { parseCaptureLine } from '../../../lib/capture';
import { floatToHalf, type InferenceRequest, type InferenceResponse } from '../../../lib/inference';
import { createCapture, toCaptured } from '../../../lambda/onnx-inference/capture';

const request: InferenceRequest = { id: 'i1', inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 2], data: Float32Array.from([0.5, 2]) }], binaryOutputs: false };
const response: InferenceResponse = { model_name: 'm', model_version: '1', outputs: [{ name: 'p', datatype: 'INT64', shape: [1], data: BigInt64Array.from([7n]) }] };

test.each([
  [0, [0, 0.5, 0.99], 0],
  [100, [0, 0.5, 0.99], 3],
  [50, [0.1, 0.49, 0.5, 0.9], 2],
  [10, [0.05, 0.1, 0.2], 1],
])('samplingPercent %d over draws %j captures %d', (samplingPercent, draws, count) => {
  const lines: string[] = [];
  let i = 0;
  const capture = createCapture({ samplingPercent, modelName: 'm', modelVersion: '1', write: (l) => lines.push(l), random: () => draws[i++]! });
  draws.forEach(() => capture(request, response, 'r'));
  expect(lines).toHaveLength(count);
});

test('a record names the model version, the request and holds the tensors as JSON values', () => {
  const lines: string[] = [];
  createCapture({ samplingPercent: 100, modelName: 'fraud', modelVersion: '3', write: (l) => lines.push(l), now: () => new Date('2026-11-24T06:00:00Z') })(request, response, 'req-9');
  const parsed = parseCaptureLine(lines[0]!.trim());
  expect(parsed).toEqual({ record: {
    kind: 'sovereign-ml.capture', v: 1, time: '2026-11-24T06:00:00.000Z', model: { name: 'fraud', version: '3' }, requestId: 'req-9', inferenceId: 'i1',
    inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 2], data: [0.5, 2] }],
    outputs: [{ name: 'p', datatype: 'INT64', shape: [1], data: [7] }],
  } });
});

test('BOOL, FP16 and BYTES become booleans, numbers and strings', () => {
  expect(toCaptured({ name: 'b', datatype: 'BOOL', shape: [2], data: Uint8Array.from([1, 0]) }).data).toEqual([true, false]);
  // IEEE 754 half: 0x3C00 = 1.0, 0xC000 = -2.0.
  expect(toCaptured({ name: 'h', datatype: 'FP16', shape: [2], data: Uint16Array.from([0x3c00, 0xc000]) }).data).toEqual([1, -2]);
  expect(toCaptured({ name: 'h', datatype: 'FP16', shape: [1], data: Uint16Array.from([floatToHalf(0.5)]) }).data).toEqual([0.5]);
  expect(toCaptured({ name: 's', datatype: 'BYTES', shape: [1], data: ['ünï'] }).data).toEqual(['ünï']);
});
