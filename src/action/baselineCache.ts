import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config/types.js';
import { errorMessage } from '../util/errors.js';
import type { Baseline } from '../policy/baseline.js';
import type { BaselineSource } from '../policy/resolved.js';
import { readBaseline } from '../report/json.js';
import type { Logger } from '../util/logger.js';
import type { RunnerContext } from '../github/context.js';

/**
 * The baseline that `only-new` compares with, kept in the Actions cache: saved from pushes to
 * the default branch, whose caches pull-request branches can read, and restored (newest first)
 * on pull requests. One key per scan set (images and Dockerfiles), never per tag.
 */
export class BaselineCache implements BaselineSource {
  readonly prefix: string;
  private readonly dir: string;

  constructor(
    config: Pick<Config, 'targets' | 'reports'>,
    private readonly context: RunnerContext,
    private readonly logger: Logger,
  ) {
    const scanSet = [
      config.reports.category,
      ...config.targets.images.map((i) => i.key).sort(),
      ...[...config.targets.dockerfiles].sort(),
    ].join('\n');
    this.prefix = `bulkhead-baseline-v1-${createHash('sha256').update(scanSet).digest('hex').slice(0, 16)}-`;
    this.dir = join(context.tempDir, 'bulkhead-baseline');
  }

  async restore(): Promise<Baseline | undefined> {
    try {
      const cache = await import('@actions/cache');
      const hit = await cache.restoreCache([this.dir], `${this.prefix}${this.context.runId}`, [this.prefix]);
      if (!hit) {
        this.logger.info(`Baseline cache miss (${this.prefix}*): no baseline from the default branch yet.`);
        return undefined;
      }
      this.logger.info(`Baseline cache hit: ${hit}.`);
      return readBaseline(JSON.parse(await readFile(join(this.dir, 'baseline.json'), 'utf8')), `cache ${hit}`);
    } catch (error) {
      this.logger.warning(
        `Could not restore the baseline from the Actions cache: ${errorMessage(error).replace(/\.?$/, '.')} Every finding counts as new.`,
      );
      return undefined;
    }
  }

  /** Saves the run's report as the newest baseline; a failure is a warning, never a failed gate. */
  async save(reportFile: string): Promise<void> {
    const key = `${this.prefix}${this.context.runId}-${this.context.runAttempt}`;
    try {
      await mkdir(this.dir, { recursive: true });
      await copyFile(reportFile, join(this.dir, 'baseline.json'));
      const cache = await import('@actions/cache');
      await cache.saveCache([this.dir], key);
      this.logger.info(`Saved the baseline for pull requests: ${key}.`);
    } catch (error) {
      this.logger.warning(`Could not save the baseline to the Actions cache (${key}): ${errorMessage(error)}.`);
    }
  }
}
