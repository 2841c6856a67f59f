// Preloaded with --import into a measured process: reports its peak resident
// memory on exit, on fd 2, as one line that tests and the benchmark parse.
//
// VmHWM, not process.resourceUsage().maxRSS: the rusage high-water mark
// survives exec, so in a freshly spawned child it still counts the memory of
// the process that forked it (a jest worker, say).
import { readFileSync, writeSync } from 'node:fs';

process.on('exit', () => {
  const kb =
    /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 'unknown';
  writeSync(2, `\ngatepass-bench-max-rss-kb ${kb}\n`);
});
