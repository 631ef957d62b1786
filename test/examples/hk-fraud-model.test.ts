/**
 * The example's model through real onnxruntime, with tensors built in the test's own
 * realm: proves the test environment hands onnxruntime typed arrays it accepts, and that
 * the committed model computes what numpy computed from its exported parameters.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { ROOT } from '../support/app';

interface Reference {
  inputName: string;
  outputName: string;
  rows: number[][];
  probabilities: number[];
}

const MODEL_DIR = path.join(ROOT, 'examples', 'hk-fraud', 'model');
const reference = JSON.parse(fs.readFileSync(path.join(MODEL_DIR, 'reference-predictions.json'), 'utf8')) as Reference;

test('fraud.onnx reproduces the numpy reference probabilities', async () => {
  const session = await ort.InferenceSession.create(path.join(MODEL_DIR, 'fraud.onnx'));
  expect(session.inputNames).toEqual([reference.inputName]);
  expect(session.outputNames).toEqual([reference.outputName]);
  const input = new ort.Tensor('float32', Float32Array.from(reference.rows.flat()), [reference.rows.length, 10]);
  const out = await session.run({ [reference.inputName]: input });
  const probabilities = Array.from(out[reference.outputName]!.data as Float32Array);
  expect(probabilities).toHaveLength(reference.probabilities.length);
  probabilities.forEach((p, i) => expect(p).toBeCloseTo(reference.probabilities[i]!, 6));
  await session.release();
});
