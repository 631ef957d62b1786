import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCode } from '../../lib/errors';
import { inspectModelFile, sha256OfFile } from '../../lib/model-file';
import { ABC_FILE, ABC_SHA256, tempDir } from '../support/app';
import { errorOf } from '../support/errors';

describe('sha256OfFile', () => {
  test('matches the FIPS 180-2 "abc" vector', () => {
    expect(sha256OfFile(ABC_FILE)).toBe(ABC_SHA256);
  });

  test('matches coreutils sha256sum on a file spanning several read chunks', () => {
    // Reference: `head -c 3000000 /dev/zero | tr '\0' a | sha256sum` (GNU coreutils 9.1).
    const file = path.join(tempDir(), 'a.bin');
    fs.writeFileSync(file, Buffer.alloc(3_000_000, 'a'));
    expect(sha256OfFile(file)).toBe('2a152c894398719c0570f83fac34ac03a0f6e8e474b995c2403aa5434f7b9dd4');
  });
});

describe('inspectModelFile', () => {
  test('returns name, size and digest', () => {
    const info = inspectModelFile(ABC_FILE);
    expect(info).toEqual({ absolutePath: ABC_FILE, fileName: 'abc.bin', sizeBytes: 3, sha256: ABC_SHA256 });
  });

  test('fails when the file does not exist, naming the prop and the value', () => {
    const e = errorOf(() => inspectModelFile('no/such/model.onnx', 'addModel.path'));
    expect(e.code).toBe(ErrorCode.MODEL_FILE_NOT_FOUND);
    expect(e.message).toMatch(/^addModel\.path must name an existing model file, got "no\/such\/model\.onnx"/);
  });

  test('fails when the path is a directory', () => {
    const e = errorOf(() => inspectModelFile(tempDir(), 'addModel.path'));
    expect(e.code).toBe(ErrorCode.MODEL_FILE_NOT_FOUND);
    expect(e.message).toContain('must name a regular file');
  });

  test('fails when the file is empty', () => {
    const file = path.join(tempDir(), 'empty.onnx');
    fs.writeFileSync(file, '');
    const e = errorOf(() => inspectModelFile(file, 'addModel.path'));
    expect(e.code).toBe(ErrorCode.MODEL_FILE_EMPTY);
    expect(e.message).toContain('which has 0 bytes');
  });
});
