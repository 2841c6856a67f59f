import { run } from '../flow/job.js';
import { failStep, githubMainRuntime } from '../platform/github.js';

void run(githubMainRuntime()).then((code) => {
  process.exitCode = code;
}, failStep);
