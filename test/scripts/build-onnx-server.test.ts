/**
 * The on-prem folder as it ships, beyond the server (tested in
 * test/lambda/onnx-inference/server.test.ts): the bundled `sovereign-ml.js` CLI, run with
 * plain node from a copy of the folder (no repository, no tsx, an environment of PATH
 * only), as the on-prem drift CronJob runs it in the server image.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BaselineBuilder } from '../../lib/drift';
import { buildOnnxServer, CLI_BUNDLE } from '../../scripts/build-onnx-server';
import { tempDir } from '../support/app';

const TEST_TIMEOUT = 60_000;
const WAIT_MS = 30_000;

test('refuses to replace a non-empty folder that is not a previous build', () => {
  const dir = tempDir('onnx-server-other-');
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'keep me');
  expect(() => buildOnnxServer(dir, 'x64')).toThrow('is a non-empty folder without server.js; refusing to replace it');
  expect(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
});

describe('the bundled drift CLI in the same folder (for the on-prem drift CronJob)', () => {
  /** `node sovereign-ml.js args` from a copy of the folder elsewhere, with PATH (and `env`) only: no repository, no tsx. */
  let copy = '';
  beforeAll(() => {
    const built = buildOnnxServer(path.join(tempDir('onnx-server-'), 'server'), process.arch === 'arm64' ? 'arm64' : 'x64');
    expect(fs.readdirSync(built).sort()).toEqual(['Dockerfile', CLI_BUNDLE, 'node_modules', 'server.js'].sort());
    copy = path.join(tempDir('onnx-server-copy-'), 'app');
    fs.cpSync(built, copy, { recursive: true });
  }, 120_000);
  const cli = (args: readonly string[], env: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [CLI_BUNDLE, ...args], { cwd: copy, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: WAIT_MS });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  /** A baseline of 300 rows and a capture file of 120 records whose feature y is shifted by +50. */
  function driftFixture(): { baseline: string; capture: string } {
    const dir = tempDir('onnx-server-drift-');
    const builder = new BaselineBuilder(['x', 'y'], { seed: 5 });
    for (let i = 0; i < 300; i++) builder.addRow([i % 60, (i * 13) % 60]);
    const baseline = path.join(dir, 'baseline.json');
    fs.writeFileSync(baseline, JSON.stringify(builder.build()));
    const capture = path.join(dir, 'capture', '2026', '11', '24', '06');
    fs.mkdirSync(capture, { recursive: true });
    const lines = Array.from({ length: 120 }, (_, i) => JSON.stringify({
      kind: 'sovereign-ml.capture', v: 1, time: '2026-11-24T06:00:00.000Z', model: { name: 'm', version: '1' }, requestId: `r-${i}`,
      inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 2], data: [(i * 7) % 60, ((i * 13) % 60) + 50] }],
      outputs: [{ name: 'p', datatype: 'FP32', shape: [1, 1], data: [0.5] }],
    }));
    fs.writeFileSync(path.join(capture, 'part-1.jsonl'), `${lines.join('\n')}\n`);
    return { baseline, capture: path.join(dir, 'capture') };
  }

  test('drift --help documents the CloudWatch options', () => {
    const r = cli(['drift', '--help']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('usage: sovereign-ml drift --baseline');
    expect(r.stdout).toContain('--cloudwatch-region <r>');
  }, TEST_TIMEOUT);

  test('a real drift run over a capture folder: the shifted feature drifts, exit 1', () => {
    const fx = driftFixture();
    const r = cli(['drift', '--baseline', fx.baseline, '--capture', fx.capture, '--format', 'onnx', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { report: { status: string; records: number; features: Array<{ feature: string; drifted: boolean }> } };
    expect(doc.report).toMatchObject({ status: 'ok', records: 120 });
    expect(doc.report.features.map((f) => [f.feature, f.drifted])).toEqual([['x', false], ['y', true]]);
  }, TEST_TIMEOUT);

  test('the CloudWatch publisher is wired in: an unknown region is exit 2, an unreachable endpoint exit 3 after the report', () => {
    const fx = driftFixture();
    const args = ['drift', '--baseline', fx.baseline, '--capture', fx.capture, '--format', 'onnx', '--model', 'm'];
    const unknown = cli([...args, '--cloudwatch-region', 'ap-east-9']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--cloudwatch-region "ap-east-9" is not a known AWS region');
    // Port 1 on the loopback interface refuses at once: no network, no AWS account, no credentials looked up elsewhere.
    // NODE_NO_WARNINGS: under Node 20 the SDK warns that its 2027 releases need Node 22 (the image's).
    const refused = cli([...args, '--cloudwatch-region', 'ap-east-1'], {
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'test', AWS_ENDPOINT_URL_CLOUDWATCH: 'http://127.0.0.1:1', AWS_MAX_ATTEMPTS: '1', NODE_NO_WARNINGS: '1',
    });
    expect(refused.stdout).toContain('DATASET DRIFT');
    expect(refused.stderr).toMatch(/^sovereign-ml drift: cannot publish drift metrics to CloudWatch in ap-east-1: .*ECONNREFUSED.*\n$/);
    expect(refused.code).toBe(3);
  }, TEST_TIMEOUT);
});
