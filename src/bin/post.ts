import { githubPostRuntime } from '../platform/github.js';
import { run } from '../flow/post.js';

void run(githubPostRuntime()).then((code) => {
  process.exitCode = code;
});
