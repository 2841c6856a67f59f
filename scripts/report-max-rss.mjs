// Preloaded with --import into a measured process: reports its peak resident
// memory on exit, on fd 2, as one line the benchmark parses.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  writeSync(2, `\ngatepass-bench-max-rss-kb ${process.resourceUsage().maxRSS}\n`);
});
