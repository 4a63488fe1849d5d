import { errorMessage } from '../util/errors.js';
import type { DatabaseRecord } from '../model/scanResult.js';
import type { Logger } from '../util/logger.js';
import type { TrivyDbCache } from '../scanners/runScanners.js';

/**
 * Trivy's vulnerability database in the Actions cache, under a key that rolls daily: the first
 * run of a day refreshes it and saves it, later runs restore it and download nothing. A cache
 * failure is a warning: Trivy then downloads the database itself.
 */
export class ActionsTrivyDbCache implements TrivyDbCache {
  private readonly prefix: string;
  private readonly key: string;

  constructor(
    platform: string,
    now: Date,
    private readonly logger: Logger,
  ) {
    this.prefix = `bulkhead-trivy-db-v1-${platform}-`;
    this.key = `${this.prefix}${now.toISOString().slice(0, 10)}`;
  }

  async restore(dir: string): Promise<DatabaseRecord['cache']> {
    // Loaded when Trivy's database is wanted: a run that only reads reports never needs it.
    const cache = await import('@actions/cache');
    if (!cache.isFeatureAvailable()) return 'not-used';
    try {
      const hit = await cache.restoreCache([dir], this.key, [this.prefix]);
      if (hit === this.key) {
        this.logger.info(`Trivy database cache hit: ${hit}.`);
        return 'hit';
      }
      if (hit) {
        this.logger.info(`Trivy database cache: restored ${hit}; Trivy will refresh it and today's copy is saved as ${this.key}.`);
        return 'restored-older';
      }
      this.logger.info(`Trivy database cache miss (${this.key}): Trivy downloads it.`);
      return 'miss';
    } catch (error) {
      this.logger.warning(`Could not restore Trivy's database from the Actions cache: ${errorMessage(error)}. Trivy downloads it.`);
      return 'failed';
    }
  }

  async save(dir: string): Promise<void> {
    const cache = await import('@actions/cache');
    if (!cache.isFeatureAvailable()) return;
    try {
      await cache.saveCache([dir], this.key);
      this.logger.info(`Saved Trivy's database to the Actions cache: ${this.key}.`);
    } catch (error) {
      // Another job of the same run may have saved today's key first: that is as good.
      this.logger.warning(`Could not save Trivy's database to the Actions cache (${this.key}): ${errorMessage(error)}.`);
    }
  }
}
