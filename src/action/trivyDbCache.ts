import { errorMessage } from '../util/errors.js';
import type { DatabaseRecord } from '../model/scanResult.js';
import type { Logger } from '../util/logger.js';
import type { TrivyDatabaseKind, TrivyDbCache } from '../scanners/trivyDatabases.js';

const NAMES: Record<TrivyDatabaseKind, { label: string; prefix: string }> = {
  db: { label: "Trivy's database", prefix: 'bulkhead-trivy-db-v2' },
  'java-db': { label: "Trivy's Java database", prefix: 'bulkhead-trivy-java-db-v1' },
};

/**
 * Trivy's databases in the Actions cache, each under its own key that rolls daily: the first
 * run of a day refreshes it and saves it, later runs restore it and download nothing. The Java
 * DB is saved only when a run downloaded it, so a repository whose images hold no JAR never has
 * one to restore. A cache failure is a warning: Trivy then downloads the database itself.
 */
export class ActionsTrivyDbCache implements TrivyDbCache {
  private readonly day: string;

  constructor(
    private readonly platform: string,
    now: Date,
    private readonly logger: Logger,
  ) {
    this.day = now.toISOString().slice(0, 10);
  }

  private keys(kind: TrivyDatabaseKind): { label: string; prefix: string; key: string } {
    const { label, prefix } = NAMES[kind];
    const platformPrefix = `${prefix}-${this.platform}-`;
    return { label, prefix: platformPrefix, key: `${platformPrefix}${this.day}` };
  }

  async restore(kind: TrivyDatabaseKind, dir: string): Promise<DatabaseRecord['cache']> {
    // Loaded when Trivy's database is wanted: a run that only reads reports never needs it.
    const cache = await import('@actions/cache');
    if (!cache.isFeatureAvailable()) return 'not-used';
    const { label, prefix, key } = this.keys(kind);
    try {
      const hit = await cache.restoreCache([dir], key, [prefix]);
      if (hit === key) {
        this.logger.info(`${label} cache hit: ${hit}.`);
        return 'hit';
      }
      if (hit) {
        this.logger.info(`${label} cache: restored ${hit}; Trivy refreshes it if it is due, and a new copy is saved as ${key}.`);
        return 'restored-older';
      }
      this.logger.info(`${label} cache miss (${key}): Trivy downloads it${kind === 'java-db' ? ' if an image has Java archives' : ''}.`);
      return 'miss';
    } catch (error) {
      this.logger.warning(`Could not restore ${label} from the Actions cache: ${errorMessage(error)}. Trivy downloads it.`);
      return 'failed';
    }
  }

  async save(kind: TrivyDatabaseKind, dir: string): Promise<void> {
    const cache = await import('@actions/cache');
    if (!cache.isFeatureAvailable()) return;
    const { label, key } = this.keys(kind);
    try {
      await cache.saveCache([dir], key);
      this.logger.info(`Saved ${label} to the Actions cache: ${key}.`);
    } catch (error) {
      // Another job of the same run may have saved today's key first: that is as good.
      this.logger.warning(`Could not save ${label} to the Actions cache (${key}): ${errorMessage(error)}.`);
    }
  }
}
