import type { Config } from '../config.js';

/** What bulkhead must run itself: a scanner that is chosen, has targets, and has no report given. */
export function scannersToRun(config: Config): { trivy: boolean; hadolint: boolean } {
  return {
    trivy: config.scanners.includes('trivy') && config.trivyReports.length === 0 && config.images.length > 0,
    hadolint: config.scanners.includes('hadolint') && config.hadolintReports.length === 0 && config.dockerfiles.length > 0,
  };
}
