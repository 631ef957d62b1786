import {
  capturedPayloadFormat, decodeCapturedData, parseSageMakerCaptureLine, toSageMakerCaptureEvent, type SageMakerCapturedData,
} from '../../../lib/capture';

// "View Captured Data", https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture-endpoint.html
// The page wraps the record over three lines for display; capture files hold it on one.
const DOC_LINE = '{"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT",'
  + '"data":"69,0,153.7,109,194.0,105,256.1,114,14.1,6,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,1,0,1,0\\n",'
  + '"encoding":"CSV"},"endpointOutput":{"observedContentType":"text/csv; charset=utf-8","mode":"OUTPUT","data":"0.0254181120544672","encoding":"CSV"}},'
  + '"eventMetadata":{"eventId":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee","inferenceTime":"2022-02-14T17:25:49Z"},"eventVersion":"0"}';

test('parses the documented capture line', () => {
  const parsed = parseSageMakerCaptureLine(DOC_LINE);
  expect(parsed).toEqual({
    event: {
      captureData: {
        endpointInput: expect.objectContaining({ observedContentType: 'text/csv', mode: 'INPUT', encoding: 'CSV', data: expect.stringMatching(/^69,0,153\.7,.*,1,0\n$/) }),
        endpointOutput: { observedContentType: 'text/csv; charset=utf-8', mode: 'OUTPUT', data: '0.0254181120544672', encoding: 'CSV' },
      },
      eventMetadata: { eventId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee', inferenceTime: '2022-02-14T17:25:49Z' },
      eventVersion: '0',
    },
  });
});

test.each([
  ['a line cut short', DOC_LINE.slice(0, 120), 'truncated-json'],
  ['not JSON', 'INFO capture started', 'not-json'],
  ['JSON that is not a capture', '{"level":"INFO","message":"request"}', 'not-a-capture'],
  ['a JSON array', '[1,2]', 'not-a-capture'],
  ['another event version', DOC_LINE.replace('"eventVersion":"0"', '"eventVersion":"1"'), 'unsupported-version'],
  ['captureData not an object', '{"captureData":"x"}', 'malformed'],
  ['data not a string', DOC_LINE.replace('"data":"0.0254181120544672"', '"data":0.0254181120544672'), 'malformed'],
  ['an unknown encoding', DOC_LINE.replace('"encoding":"CSV"},"endpointOutput"', '"encoding":"GZIP"},"endpointOutput"'), 'malformed'],
  ['eventMetadata not an object', DOC_LINE.replace(/"eventMetadata":\{[^}]*\}/, '"eventMetadata":7'), 'malformed'],
])('%s is %s', (_, line, failure) => {
  expect(parseSageMakerCaptureLine(line)).toMatchObject({ failure });
});

test('an Output-only capture has no endpointInput and is still an event', () => {
  const parsed = toSageMakerCaptureEvent({ captureData: { endpointOutput: { observedContentType: 'text/csv', mode: 'OUTPUT', data: '0.1', encoding: 'CSV' } }, eventMetadata: {}, eventVersion: '0' });
  expect('event' in parsed && parsed.event.captureData.endpointInput).toBeUndefined();
  expect(parsed).toMatchObject({ event: { captureData: { endpointOutput: { data: '0.1' } } } });
});

describe('capturedPayloadFormat', () => {
  // CaptureContentTypeHeader: content types listed as CSV or JSON are captured as such, others
  // base64 encoded. https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CaptureContentTypeHeader.html
  test.each([
    ['text/csv', 'CSV', 'csv'],
    ['text/csv; charset=utf-8', 'CSV', 'csv'],
    ['text/csv', 'BASE64', 'csv'],
    ['application/json', 'JSON', 'json'],
    ['application/json', 'BASE64', 'json'],
    ['application/vnd.example+json', 'BASE64', 'json'],
    ['application/jsonlines', 'JSON', 'jsonlines'],
    ['application/x-custom-csv', 'CSV', 'csv'],
    ['application/x-custom', 'JSON', 'json'],
    ['image/jpeg', 'BASE64', undefined],
    ['application/x-recordio-protobuf', 'BASE64', undefined],
    ['application/vnd.sagemaker-triton.binary+json;json-header-size=120', 'BASE64', undefined],
  ] as const)('%s with encoding %s is %s', (observedContentType, encoding, format) => {
    expect(capturedPayloadFormat({ observedContentType, encoding })).toBe(format);
  });
});

describe('decodeCapturedData', () => {
  const side = (data: string, encoding: SageMakerCapturedData['encoding'], observedContentType = 'text/csv'): SageMakerCapturedData =>
    ({ observedContentType, mode: 'INPUT', data, encoding });
  const row = '132,25,113.2,96,269.9,107,,0,0,0,0,0,0,1,0,1,0,0,1';

  test.each([
    ['CSV as text', side(row, 'CSV'), { text: row, format: 'csv' }],
    ['BASE64 CSV', side(Buffer.from(row).toString('base64'), 'BASE64'), { text: row, format: 'csv' }],
    ['BASE64 UTF-8 JSON', side(Buffer.from('{"instances":[["九龍"]]}').toString('base64'), 'BASE64', 'application/json'), { text: '{"instances":[["九龍"]]}', format: 'json' }],
    ['empty BASE64', side('', 'BASE64'), { text: '', format: 'csv' }],
  ])('%s', (_, captured, expected) => {
    expect(decodeCapturedData(captured)).toEqual(expected);
  });

  test.each([
    ['base64 of the wrong length', side('MTMyLDI1', 'BASE64').data.slice(0, 7), 'bad-base64'],
    ['characters outside the alphabet', 'MTMy!DI1', 'bad-base64'],
    ['padding in the middle', 'MT==MTMy', 'bad-base64'],
    ['bytes that are not UTF-8', '/w==', 'bad-payload'],
  ])('%s is %s', (_, data, failure) => {
    expect(decodeCapturedData(side(data, 'BASE64'))).toMatchObject({ failure });
  });

  test('a binary content type is unsupported without decoding', () => {
    expect(decodeCapturedData(side('not base64 at all', 'BASE64', 'image/jpeg'))).toMatchObject({ failure: 'unsupported-content-type' });
  });
});
