import { BULKHEAD_VERSION } from './model/version.js';

// `bulkhead --version` answers before the rest of the bundle is loaded: the engine is a chunk of
// its own (the dynamic import below), and compiling it is most of a start-up.
if (process.argv.length === 3 && process.argv[2] === '--version') {
  process.stdout.write(`${BULKHEAD_VERSION}\n`);
  process.exit(0);
}
const { runCli } = await import('./cli/run.js');

// Standard output belongs to the report (--format json must stay parseable). The toolkit
// libraries the installer uses write workflow commands and tool echoes there; on a terminal
// their debug lines are dropped and the rest goes to standard error.
const writeReport = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  const kept = text
    .split(/(?<=\n)/)
    .filter((line) => !line.startsWith('::debug::'))
    .join('');
  const callback = rest.find((r): r is () => void => typeof r === 'function');
  if (kept) return process.stderr.write(kept, callback);
  callback?.();
  return true;
};

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => writeReport(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
  stdoutIsTTY: process.stdout.isTTY,
  stderrIsTTY: process.stderr.isTTY,
});
