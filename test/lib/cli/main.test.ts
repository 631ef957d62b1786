import { main } from '../../../lib/cli/main';

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; } });
  return { code, stdout, stderr };
}

describe('sovereign-ml', () => {
  test.each([['--help'], ['-h'], ['help']])('%s prints the usage on stdout and exits 0', async (flag) => {
    const r = await run(flag);
    expect(r).toEqual({ code: 0, stderr: '', stdout: expect.stringMatching(/^usage: sovereign-ml <command> \[options\]\n/) });
    expect(r.stdout).toMatch(/^ {2}residency +check synthesized CloudFormation/m);
  });

  test.each([
    [['nope'], 'sovereign-ml: unknown command "nope"'],
    [['toString'], 'sovereign-ml: unknown command "toString"'],
    [[], 'sovereign-ml: missing command'],
  ])('fails with exit 2 and the usage on stderr for %j', async (argv, message) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^${message}\\nusage: sovereign-ml <command>`));
  });
});
