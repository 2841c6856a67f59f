#!/usr/bin/env node
import { run } from '../cli/cli.js';
import { onProcessSignals } from '../platform/signals.js';

void run(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signals: {
    subscribe: onProcessSignals,
    exit: (code) => {
      process.exit(code);
    },
  },
}).then((code) => {
  process.exitCode = code;
});
