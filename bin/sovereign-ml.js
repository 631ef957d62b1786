#!/usr/bin/env node
'use strict';
// The sources are TypeScript: tsx compiles them on require, so the CLI runs without a
// build step.
require('tsx/cjs');

const { main } = require('../lib/cli/main.ts');

main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
}).then(
  (code) => { process.exitCode = code; },
  (err) => {
    process.stderr.write(`sovereign-ml: internal error: ${err && err.message ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
