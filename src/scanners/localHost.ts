import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { platformKey } from './install/platform.js';
import type { Logger } from '../util/logger.js';
import type { ScannerHost } from './runScanners.js';
import type { TrivyDbCache } from './trivyDatabases.js';

/**
 * Where scanners are installed and keep their data on this machine: the runner's tool cache
 * and temp directory in the action, the user's cache directory from the CLI. Trivy's database
 * lives under the home directory, never in the workspace, so it never dirties the checkout.
 */
export function localScannerHost(env: NodeJS.ProcessEnv, logger: Logger, dbCache?: TrivyDbCache): ScannerHost {
  // The home of the environment bulkhead was given (the runner's, or a test's), as for RUNNER_TEMP.
  const cacheRoot = join(env.HOME || homedir(), '.cache', 'bulkhead');
  return {
    platform: platformKey(),
    toolCacheDir: env.RUNNER_TOOL_CACHE || join(cacheRoot, 'tools'),
    tempDir: join(env.RUNNER_TEMP || tmpdir(), 'bulkhead'),
    trivyCacheDir: join(cacheRoot, 'trivy'),
    env,
    logger,
    ...(dbCache ? { dbCache } : {}),
    now: () => new Date(),
  };
}
