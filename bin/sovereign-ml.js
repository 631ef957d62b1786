#!/usr/bin/env node
'use strict';
// The sources are TypeScript: tsx compiles them on require, so the CLI runs without a
// build step. The bundled copy (sovereign-ml.js in the on-prem folder, built by
// scripts/build-onnx-server.ts) has them compiled in and defines SOVEREIGN_ML_BUNDLE.
if (process.env.SOVEREIGN_ML_BUNDLE !== '1') require('tsx/cjs');

const { main } = require('../lib/cli/main.ts');

main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  // Wired here, not in lib/ (which imports no AWS SDK client); loaded on first use, so
  // only `drift --cloudwatch-region` runs parse the CloudWatch client.
  driftMetrics: {
    publish: (summary, target) => require('../lambda/drift-monitor/cloudwatch-publisher.ts').cloudWatchDriftPublisher().publish(summary, target),
  },
}).then(
  (code) => { process.exitCode = code; },
  (err) => {
    process.stderr.write(`sovereign-ml: internal error: ${err && err.message ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
