import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../lib/cli/main';
import { readBaselineFile } from '../../../lib/drift';
import { ROOT, tempDir } from '../../support/app';

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; } });
  return { code, stdout, stderr };
}

const SAMPLE = path.join(ROOT, 'examples/hk-fraud/model/training-sample.csv');

test('builds a valid baseline from the example training sample, leaving the label out', async () => {
  const out = path.join(tempDir(), 'baseline.json');
  const r = await run(['baseline', SAMPLE, '--out', out, '--target', 'is_fraud']);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(`baseline: 2000 rows analyzed, 0 rejected, 10 features -> ${out}\n`);
  const b = readBaselineFile(out);
  expect(b.features).toHaveLength(10);
  expect(b.features.some((f) => f.name === 'is_fraud')).toBe(false);
});

test('counts corrupt rows by reason and still writes the baseline', async () => {
  const dir = tempDir();
  const input = path.join(dir, 'data.csv');
  fs.writeFileSync(input, 'x,region\n1,hk\n2\nabc,kln\n3,kln\n');
  const out = path.join(dir, 'b.json');
  const r = await run(['baseline', input, '--out', out, '--categorical', 'region']);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('2 rows analyzed, 2 rejected (1 wrong-column-count, 1 non-numeric)');
});

test.each([
  [['baseline', 'missing.csv', '--out', 'x.json'], 'cannot read missing.csv'],
  [['baseline', SAMPLE], '--out <baseline.json> is required'],
  [['baseline', SAMPLE, '--out', 'x.json', '--bins', 'ten'], '--bins must be a positive integer, got "ten"'],
  [['baseline', SAMPLE, '--out', 'x.json', '--categorical', 'nope'], 'column "nope" is not in the data'],
  [['baseline', SAMPLE, '--out', 'x.json', '--colour', 'red'], 'unknown option --colour'],
])('exit 2 with a one-line reason: %j', async (argv, phrase) => {
  const r = await run(argv);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(phrase);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
});

test('the committed example baseline is valid and covers the ten claim features', () => {
  const b = readBaselineFile(path.join(ROOT, 'examples/hk-fraud/model/baseline.json'));
  expect(b.rows).toBe(2000);
  expect(b.features.map((f) => f.name)).toEqual(fs.readFileSync(SAMPLE, 'utf8').split('\n')[0]!.split(',').filter((c) => c !== 'is_fraud'));
});
