/**
 * The server's command line: defaults, environment fallbacks (the variables the Lambda
 * adapter reads too), and every way an argument list is refused.
 */
import { ModelLoadError } from '../../../lambda/onnx-inference/model-source';
import { parseServerArgs } from '../../../lambda/onnx-inference/server';

const SHA = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

describe('parseServerArgs', () => {
  test('defaults: port 8080 on all interfaces, 6 MiB bodies, no capture, name and version from the predictor', () => {
    expect(parseServerArgs(['--model', '/models/model.onnx'])).toEqual({
      model: { path: '/models/model.onnx', s3Uri: undefined, sha256: undefined, name: undefined, version: undefined },
      port: 8080,
      host: '0.0.0.0',
      maxBodyBytes: 6 * 1024 * 1024,
      capturePercent: 0,
    });
  });

  test('every option', () => {
    expect(parseServerArgs([
      '--model', 'm.onnx', '--sha256', SHA, '--name', 'fraud', '--version', '3', '--port', '0',
      '--host', '127.0.0.1', '--max-body-bytes', '1024', '--capture-percent', '12.5',
    ])).toEqual({
      model: { path: 'm.onnx', s3Uri: undefined, sha256: SHA, name: 'fraud', version: '3' },
      port: 0,
      host: '127.0.0.1',
      maxBodyBytes: 1024,
      capturePercent: 12.5,
    });
  });

  test.each([
    ['MODEL_PATH', [], { MODEL_PATH: '/models/a.onnx' }, { path: '/models/a.onnx', s3Uri: undefined }],
    ['MODEL_S3_URI with MODEL_SHA256', [], { MODEL_S3_URI: 's3://registry/models/a.onnx', MODEL_SHA256: SHA }, { path: undefined, s3Uri: 's3://registry/models/a.onnx', sha256: SHA }],
    ['--model s3:// with MODEL_SHA256', ['--model', 's3://registry/a.onnx'], { MODEL_SHA256: SHA }, { s3Uri: 's3://registry/a.onnx', sha256: SHA }],
    ['MODEL_PATH over MODEL_S3_URI', [], { MODEL_PATH: '/models/a.onnx', MODEL_S3_URI: 's3://registry/b.onnx' }, { path: '/models/a.onnx', s3Uri: undefined }],
    ['--model over MODEL_PATH', ['--model', '/models/cli.onnx'], { MODEL_PATH: '/models/env.onnx' }, { path: '/models/cli.onnx' }],
    ['--sha256 over MODEL_SHA256', ['--model', 's3://r/a.onnx', '--sha256', SHA], { MODEL_SHA256: 'f'.repeat(64) }, { sha256: SHA }],
    ['MODEL_NAME and MODEL_VERSION', ['--model', 'a.onnx'], { MODEL_NAME: 'fraud', MODEL_VERSION: '4' }, { name: 'fraud', version: '4' }],
    ['--name and --version over the environment', ['--model', 'a.onnx', '--name', 'n', '--version', '9'], { MODEL_NAME: 'fraud', MODEL_VERSION: '4' }, { name: 'n', version: '9' }],
  ])('env fallback: %s', (_name, argv, env, model) => {
    expect(parseServerArgs(argv, env).model).toMatchObject(model);
  });

  test('CAPTURE_SAMPLING_PERCENT is the capture share unless --capture-percent is given', () => {
    expect(parseServerArgs(['--model', 'a.onnx'], { CAPTURE_SAMPLING_PERCENT: '5' }).capturePercent).toBe(5);
    expect(parseServerArgs(['--model', 'a.onnx', '--capture-percent', '100'], { CAPTURE_SAMPLING_PERCENT: '5' }).capturePercent).toBe(100);
  });

  test('--capture-dir, else CAPTURE_DIR, names the capture directory; without either there is none', () => {
    expect(parseServerArgs(['--model', 'a.onnx', '--capture-dir', '/capture']).captureDir).toBe('/capture');
    expect(parseServerArgs(['--model', 'a.onnx'], { CAPTURE_DIR: '/var/capture' }).captureDir).toBe('/var/capture');
    expect(parseServerArgs(['--model', 'a.onnx', '--capture-dir', '/capture'], { CAPTURE_DIR: '/var/capture' }).captureDir).toBe('/capture');
    expect(parseServerArgs(['--model', 'a.onnx'])).not.toHaveProperty('captureDir');
  });

  test.each([
    ['an empty --capture-dir', ['--model', 'a.onnx', '--capture-dir', ''], {}],
    ['a blank CAPTURE_DIR', ['--model', 'a.onnx'], { CAPTURE_DIR: '  ' }],
  ])('refuses %s', (_name, argv, env) => {
    expect(() => parseServerArgs(argv, env)).toThrow(ModelLoadError);
    expect(() => parseServerArgs(argv, env)).toThrow('--capture-dir (or CAPTURE_DIR) must be a directory path');
  });

  test('the process environment is not read unless passed', () => {
    const saved = process.env.MODEL_PATH;
    process.env.MODEL_PATH = '/models/from-process-env.onnx';
    try {
      expect(() => parseServerArgs([])).toThrow('--model <path | s3://bucket/key> is required');
    } finally {
      if (saved === undefined) delete process.env.MODEL_PATH;
      else process.env.MODEL_PATH = saved;
    }
  });

  test.each([
    ['no model at all', [], {}, '--model <path | s3://bucket/key> is required'],
    ['s3:// without a SHA-256', ['--model', 's3://registry/a.onnx'], {}, 'a model from S3 needs --sha256 (or MODEL_SHA256)'],
    ['MODEL_S3_URI without MODEL_SHA256', [], { MODEL_S3_URI: 's3://registry/a.onnx' }, 'a model from S3 needs --sha256'],
    ['an unknown option', ['--model', 'a.onnx', '--modle', 'b.onnx'], {}, 'unknown option --modle; options are --model, --sha256, --name, --version, --port, --host, --max-body-bytes, --capture-percent'],
    ['a value at the end', ['--model'], {}, '--model needs a value'],
    ['an option where a value belongs', ['--port', '--model', 'a.onnx'], {}, '--port needs a value'],
    ['a positional argument', ['a.onnx'], {}, 'unexpected argument "a.onnx"'],
    ['a port that is not a number', ['--model', 'a.onnx', '--port', 'http'], {}, '--port must be an integer from 0 to 65535, got "http"'],
    ['a negative port', ['--model', 'a.onnx', '--port', '-1'], {}, '--port must be an integer from 0 to 65535, got "-1"'],
    ['a fractional port', ['--model', 'a.onnx', '--port', '80.5'], {}, '--port must be an integer from 0 to 65535, got "80.5"'],
    ['a port over 65535', ['--model', 'a.onnx', '--port', '70000'], {}, '--port must be an integer from 0 to 65535, got "70000"'],
    ['an empty port', ['--model', 'a.onnx', '--port', ''], {}, '--port must be an integer from 0 to 65535, got ""'],
    ['a body limit that is not a number', ['--model', 'a.onnx', '--max-body-bytes', '6MB'], {}, '--max-body-bytes must be an integer from 0 to'],
    ['a capture share that is not a number', ['--model', 'a.onnx', '--capture-percent', 'all'], {}, '--capture-percent (or CAPTURE_SAMPLING_PERCENT) must be a number from 0 to 100, got "all"'],
    ['a capture share over 100', ['--model', 'a.onnx', '--capture-percent', '150'], {}, 'must be a number from 0 to 100, got "150"'],
    ['an empty CAPTURE_SAMPLING_PERCENT', ['--model', 'a.onnx'], { CAPTURE_SAMPLING_PERCENT: '' }, 'must be a number from 0 to 100, got ""'],
  ])('fails when %s', (_name, argv, env, phrase) => {
    let error: unknown;
    try {
      parseServerArgs(argv, env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as Error).message).toContain(phrase);
  });
});
