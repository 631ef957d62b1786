import { execFile } from 'node:child_process';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake AWS endpoint received. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** A reply of the fake endpoint. */
export interface FakeReply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** A loopback HTTP server that records requests and answers through `reply`. */
export async function startFakeEndpoint(reply: (req: RecordedRequest) => FakeReply): Promise<{ url: string; requests: RecordedRequest[]; close: () => Promise<void> }> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      const out = reply(recorded);
      res.writeHead(out.status, out.headers ?? {});
      res.end(out.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Runs `handler(event)` of a bundled `index.js` in a separate Node process (the Lambda
 * runtime's shape: CommonJS, plain globals) and returns what it printed.
 */
export function runBundledHandler(bundleDir: string, event: unknown, env: Record<string, string>): Promise<{ stdout: string; stderr: string; code: number }> {
  const driver = `require(${JSON.stringify(`${bundleDir}/index.js`)}).handler(JSON.parse(process.env.TEST_EVENT))`
    + '.then(() => process.exit(0), (e) => { console.error("HANDLER THREW", e && e.message); process.exit(3); })';
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', driver], {
      env: { PATH: process.env.PATH ?? '', TEST_EVENT: JSON.stringify(event), AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'ap-east-1', ...env },
      timeout: 60_000,
    }, (error, stdout, stderr) => {
      resolve({ stdout, stderr, code: error ? (typeof error.code === 'number' ? error.code : 1) : 0 });
    });
  });
}
