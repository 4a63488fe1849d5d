// What the bench scripts share: a preload that reports the process's CPU and peak RSS at exit,
// and the median.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes the preload into `dir` and returns its path: `node --require it …` prints `BENCH <cpu ms> <rss MB>` to stderr at exit. */
export function usageReporter(dir) {
  const file = join(dir, 'report-usage.cjs');
  writeFileSync(
    file,
    `process.on('exit', () => { const u = process.resourceUsage(); process.stderr.write('BENCH ' + ((u.userCPUTime + u.systemCPUTime) / 1000).toFixed(1) + ' ' + (u.maxRSS / 1024).toFixed(1) + '\\n'); });`,
  );
  return file;
}

/** The CPU (ms) and peak RSS (MB) a `BENCH` line in this stderr says; undefined when there is none. */
export function usageOf(stderr) {
  const line = stderr.split('\n').find((l) => l.startsWith('BENCH '));
  if (!line) return undefined;
  const [, cpu, rss] = line.split(' ');
  return { cpu: Number(cpu), rss: Number(rss) };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
