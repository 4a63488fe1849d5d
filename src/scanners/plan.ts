import type { Config } from '../config/types.js';

/** What bulkhead must run itself: a scanner that is chosen, has targets, and has no report given. */
export function scannersToRun({ targets, scanners }: Pick<Config, 'targets' | 'scanners'>): { trivy: boolean; hadolint: boolean } {
  return {
    trivy: scanners.tools.includes('trivy') && targets.trivyReports.length === 0 && targets.images.length > 0,
    hadolint: scanners.tools.includes('hadolint') && targets.hadolintReports.length === 0 && targets.dockerfiles.length > 0,
  };
}
