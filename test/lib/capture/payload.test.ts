import {
  classifyJsonFailure, readInputRows, readOutputValues, tensorOutputValues, tensorsToRows, type CaptureFeature,
} from '../../../lib/capture';

const numeric = (...names: string[]): CaptureFeature[] => names.map((name) => ({ name, kind: 'numeric' }));
const positional = (n: number): CaptureFeature[] => numeric(...Array.from({ length: n }, (_, i) => `f${i}`));

describe('classifyJsonFailure', () => {
  test.each([
    ['{"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INP', 'truncated-json'],
    ['{"a":[1,2', 'truncated-json'],
    ['{"a":"x\\"}', 'truncated-json'], // the escaped quote keeps the string open
    ['{"a":1}{"b":2}', 'not-json'], // two records on one line
    ['{"a" 1}', 'not-json'],
    ['START RequestId: 8f507cfc-xmpl-4697-b07a-ac58fc914c95 Version: $LATEST', 'not-json'],
    ['', 'not-json'],
  ])('%s is %s', (text, expected) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(classifyJsonFailure(text)).toBe(expected);
  });
});

describe('readInputRows', () => {
  // Common Data Formats for Inference: https://docs.aws.amazon.com/sagemaker/latest/dg/cdf-inference.html
  const cdf = numeric('a', 'b', 'c', 'd');

  test.each([
    ['CSV record of four features (cdf-inference)', 'csv', '1.5,16.0,14,23.0', [[1.5, 16, 14, 23]]],
    ['JSON dense instance (cdf-inference)', 'json', '{"instances": [{"features": [1.5, 16.0, 14.0, 23.0]}]}', [[1.5, 16, 14, 23]]],
    ['JSON multiple records (cdf-inference)', 'json',
      '{"instances": [{"features": [ 1.5, 16.0, 14.0, 23.0 ]}, {"features": [ -2.0, 100.2, 15.2, 9.2 ]}]}', [[1.5, 16, 14, 23], [-2, 100.2, 15.2, 9.2]]],
    ['JSON data.features.values (cdf-inference)', 'json',
      '{"instances": [{"data": {"features": {"values": [ 1.5, 16.0, 14.0, 23.0]}}}]}', [[1.5, 16, 14, 23]]],
    ['JSON Lines dense records (cdf-inference)', 'jsonlines',
      '{ "data": { "features": { "values": [ 1.5, 16.0, 14.0, 23.0] } } }\n{ "features": [1.5, 16.0, 14.0, 23.0] }\n', [[1.5, 16, 14, 23], [1.5, 16, 14, 23]]],
    ['instances as arrays', 'json', '{"instances": [[1, 2, 3, 4], [5, 6, 7, 8]]}', [[1, 2, 3, 4], [5, 6, 7, 8]]],
    ['a bare array of rows', 'json', '[[1, 2, 3, 4]]', [[1, 2, 3, 4]]],
    ['one flat array as one row', 'json', '[1, 2, 3, 4]', [[1, 2, 3, 4]]],
    ['instances keyed by name, absent keys missing', 'json', '{"instances": [{"b": 2, "a": 1, "d": null, "extra": "x"}]}', [[1, 2, null, null]]],
  ] as const)('%s', (_, format, text, rows) => {
    expect(readInputRows(text, format, cdf)).toEqual({ rows });
  });

  test('a CSV row from the Model Monitor docs, with an empty value read as missing', () => {
    // https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-pre-and-post-processing.html (inference_record structure)
    const result = readInputRows('132,25,113.2,96,269.9,107,,0,0,0,0,0,0,1,0,1,0,0,1', 'csv', positional(19));
    expect(result).toEqual({ rows: [[132, 25, 113.2, 96, 269.9, 107, null, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1]] });
  });

  test('categorical features keep strings, numbers become strings', () => {
    const features: CaptureFeature[] = [{ name: 'amount', kind: 'numeric' }, { name: 'region', kind: 'categorical' }];
    expect(readInputRows('310.5,kowloon\n12,"hk-island"\n7,', 'csv', features)).toEqual({ rows: [[310.5, 'kowloon'], [12, 'hk-island'], [7, null]] });
    expect(readInputRows('{"instances": [[1, 3], [2, true]]}', 'json', features)).toEqual({ rows: [[1, '3'], [2, 'true']] });
  });

  test.each([
    ['a row with too few columns', 'csv', '1,2,3,4\n1,2,3', 'wrong-column-count', 'row 2 has 3 columns, expected 4'],
    ['a non-numeric value', 'csv', '1,2,abc,4', 'non-numeric', 'row 1 has "abc" for numeric feature c'],
    ['an unclosed quote', 'csv', '1,2,"3,4', 'bad-payload', 'CSV payload has an unclosed quoted field'],
    ['an empty payload', 'csv', '\n', 'bad-payload', 'payload has no rows'],
    ['the sparse format (cdf-inference)', 'json',
      '{"instances": [{"data": {"features": {"keys": [26, 182, 232, 243, 431], "shape": [2000], "values": [1, 1, 1, 4, 1]}}}]}', 'bad-payload', 'row 1 is in the sparse format, which is not read'],
    ['JSON cut short', 'json', '{"instances": [[1, 2', 'bad-payload', 'JSON payload is not JSON (it ends early)'],
    ['an unknown JSON object', 'json', '{"text": "hello"}', 'bad-payload', expect.stringContaining('none of')],
    ['a nested value', 'json', '[[1, 2, [3], 4]]', 'bad-payload', 'row 1 has a nested value for c: [3]'],
    ['a named instance without any feature', 'json', '{"instances": [{"x": 1}]}', 'wrong-column-count', expect.stringContaining('none of the features')],
  ] as const)('%s', (_, format, text, failure, detail) => {
    expect(readInputRows(text, format, cdf)).toEqual({ failure, detail });
  });
});

describe('tensorsToRows (Open Inference Protocol inputs)', () => {
  // https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md#inference-request-examples
  const input0 = { name: 'input0', shape: [2, 2], datatype: 'UINT32', data: [1, 2, 3, 4] };

  test('one [batch, n] input maps columns by index', () => {
    expect(tensorsToRows([input0], numeric('x', 'y'))).toEqual({ rows: [[1, 2], [3, 4]] });
  });

  test('nested data along the shape reads the same', () => {
    expect(tensorsToRows([{ ...input0, data: [[1, 2], [3, 4]] }], numeric('x', 'y'))).toEqual({ rows: [[1, 2], [3, 4]] });
  });

  test('several [batch] or [batch, 1] inputs map by name, other inputs left out', () => {
    const inputs = [
      { name: 'region', shape: [2], datatype: 'BYTES', data: ['kowloon', 'hk-island'] },
      { name: 'amount', shape: [2, 1], datatype: 'FP32', data: [310.5, 12] },
      { name: 'request_id', shape: [2], datatype: 'BYTES', data: ['a', 'b'] },
    ];
    const features: CaptureFeature[] = [{ name: 'amount', kind: 'numeric' }, { name: 'region', kind: 'categorical' }];
    expect(tensorsToRows(inputs, features)).toEqual({ rows: [[310.5, 'kowloon'], [12, 'hk-island']] });
  });

  test('the spec example request is inconsistent (input1 has shape [3] and one element) and is refused', () => {
    const input1 = { name: 'input1', shape: [3], datatype: 'BOOL', data: [true] };
    expect(tensorsToRows([input0, input1], numeric('input1', 'input0'))).toEqual({
      failure: 'bad-payload', detail: 'input "input1" has 1 elements but shape [3] needs 3',
    });
  });

  test.each([
    ['a width other than the features', [input0], numeric('x', 'y', 'z'), 'wrong-column-count'],
    ['a feature without an input', [input0, { ...input0, name: 'b' }], numeric('x', 'y'), 'wrong-column-count'],
    ['no inputs', [], numeric('x'), 'missing-input'],
    ['a rank-3 input', [{ ...input0, shape: [1, 2, 2] }], numeric('x', 'y'), 'bad-payload'],
    ['a BYTES value for a numeric feature', [{ ...input0, datatype: 'BYTES', data: ['1', 'two', '3', '4'] }], numeric('x', 'y'), 'non-numeric'],
  ] as const)('%s', (_, inputs, features, failure) => {
    expect(tensorsToRows(inputs, features)).toMatchObject({ failure });
  });
});

describe('readOutputValues', () => {
  // k-means responses: https://docs.aws.amazon.com/sagemaker/latest/dg/cdf-inference.html#ir-deserialization
  const kmeans = '{"predictions": [{"closest_cluster": 5, "distance_to_cluster": 36.5}, {"closest_cluster": 2, "distance_to_cluster": 90.3}]}';
  const kmeansLines = '{"distance_to_cluster": 23.40593910217285, "closest_cluster": 0.0}\n{"distance_to_cluster": 27.250282287597656, "closest_cluster": 0.0}';
  // The spec's example response, with the comma it lacks after "id" restored and the model_name it requires added.
  const oip = '{"model_name": "mymodel", "id": "42", "outputs": [{"name": "output0", "shape": [3, 2], "datatype": "FP32", "data": [1.0, 1.1, 2.0, 2.1, 3.0, 3.1]}]}';

  test.each([
    ['a CSV value (Model Monitor docs)', 'csv', '0.0254181120544672', {}, 1, [0.0254181120544672]],
    ['CSV, one value per line', 'csv', '0.1\n0.2\n', {}, 2, [0.1, 0.2]],
    ['CSV, a batch answered on one line', 'csv', '0.1,0.2,0.3', {}, 3, [0.1, 0.2, 0.3]],
    ['CSV, column index', 'csv', '1,0.85\n0,0.1', { index: 1 }, 2, [0.85, 0.1]],
    ['CSV, a label', 'csv', 'fraud', {}, 1, ['fraud']],
    ['k-means predictions, a named field', 'json', kmeans, { name: 'distance_to_cluster' }, 2, [36.5, 90.3]],
    ['k-means predictions, the first field', 'json', kmeans, {}, 2, [5, 2]],
    ['k-means JSON Lines, a named field', 'jsonlines', kmeansLines, { name: 'distance_to_cluster' }, 2, [23.40593910217285, 27.250282287597656]],
    ['inference protocol response, column 0', 'json', oip, {}, 3, [1, 2, 3]],
    ['inference protocol response, column 1 of the named output', 'json', oip, { name: 'output0', index: 1 }, 3, [1.1, 2.1, 3.1]],
    ['a top-level key with one value per row', 'json', '{"predictions": [1], "probabilities": [0.85]}', { name: 'probabilities' }, 1, [0.85]],
    ['a bare array', 'json', '[0.2, 0.7]', {}, 2, [0.2, 0.7]],
    ['one row of class scores', 'json', '[0.2, 0.8]', { index: 1 }, 1, [0.8]],
    ['a single number', 'json', '0.5', {}, 1, [0.5]],
  ] as const)('%s', (_, format, text, output, rows, values) => {
    expect(readOutputValues(text, format, output, rows)).toEqual({ values });
  });

  test.each([
    ['fewer outputs than rows', 'json', kmeans, {}, 3, 'row-count-mismatch'],
    ['a response batch other than the input', 'json', oip, {}, 2, 'row-count-mismatch'],
    ['an unknown output name', 'json', oip, { name: 'nope' }, 3, 'bad-payload'],
    ['the spec example response as printed (no comma after "id")', 'json',
      '{ "id" : "42"\n "outputs" : [ { "name" : "output0", "shape" : [ 3, 2 ], "datatype"  : "FP32", "data" : [ 1.0, 1.1, 2.0, 2.1, 3.0, 3.1 ] } ] }', {}, 3, 'bad-payload'],
  ] as const)('%s', (_, format, text, output, rows, failure) => {
    expect(readOutputValues(text, format, output, rows)).toMatchObject({ failure });
  });

  test('tensor outputs: [batch] and scalar shapes', () => {
    expect(tensorOutputValues([{ name: 'p', shape: [2], data: [0.1, 0.9] }], {}, 2)).toEqual({ values: [0.1, 0.9] });
    expect(tensorOutputValues([{ name: 'p', shape: [], data: [0.4] }], {}, 1)).toEqual({ values: [0.4] });
    expect(tensorOutputValues([{ name: 'p', shape: [1, 2], data: [0.1, null] }], { index: 1 }, 1)).toEqual({ values: [null] });
  });
});
