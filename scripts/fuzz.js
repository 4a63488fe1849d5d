// A long fuzz campaign: the parser properties (test/fuzz) and the differential tar test against
// Go's archive/tar, with many more runs than CI's and a fresh seed each time (printed, so that a
// failure can be replayed with BULKHEAD_FUZZ_SEED). Minimise what it finds into
// test/fixtures/regressions/.
//   node scripts/fuzz.js [runs]        default 100000 runs per property
import { spawnSync } from 'node:child_process';

const runs = process.argv[2] ?? '100000';
const seed = process.env.BULKHEAD_FUZZ_SEED ?? String(Math.floor(Math.random() * 2 ** 31));
console.log(`fuzz campaign: ${runs} runs per property, seed ${seed}`);
const env = { ...process.env, BULKHEAD_FUZZ_RUNS: runs, BULKHEAD_FUZZ_SEED: seed };
let failed = false;
for (const [config, file] of [
  ['vitest.config.ts', 'test/fuzz/parsers.test.ts'],
  ['vitest.itg.config.ts', 'test/image/tarDifferential.test.itg.ts'],
]) {
  const run = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', config, '--testTimeout', '0', file], {
    stdio: 'inherit',
    env,
  });
  if (run.status !== 0) failed = true;
}
console.log(failed ? `fuzz campaign found a failure; replay with BULKHEAD_FUZZ_SEED=${seed}` : `fuzz campaign clean (seed ${seed})`);
process.exit(failed ? 1 : 0);
