import { failStep, runActionMain } from '../platform/github.js';

void runActionMain().then((code) => {
  process.exitCode = code;
}, failStep);
