// The action's entry point (dist/index.js): everything happens in run().
import { run } from './action/run.js';

process.exitCode = await run();
