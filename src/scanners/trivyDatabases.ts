import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatabaseRecord, JavaDatabaseRecord } from '../model/scanResult.js';
import { isObject, str } from '../util/json.js';
import { formatDuration, startStep, type Logger } from '../util/logger.js';
import { readRegularFile } from '../util/textFile.js';
import { describeExit, runProcess, stderrTail } from './process.js';
import { readTrivyDatabase, trivyDbArgs, trivyJavaDbArgs, type TrivySettings } from './trivy/run.js';

/** Trivy's two databases, each under its own folder of the cache directory and its own cache key. */
export type TrivyDatabaseKind = 'db' | 'java-db';

/** Keeps Trivy's databases between runs (the Actions cache in the action; nothing in the CLI). */
export interface TrivyDbCache {
  restore(kind: TrivyDatabaseKind, dir: string): Promise<DatabaseRecord['cache']>;
  save(kind: TrivyDatabaseKind, dir: string): Promise<void>;
}

export interface DatabaseHost {
  logger: Logger;
  dbCache?: TrivyDbCache;
  now: () => Date;
}

/** Downloads (or refreshes) Trivy's vulnerability database once, so that the image scans can share it read-only. */
export async function prepareDatabase(settings: TrivySettings, host: DatabaseHost): Promise<{ record: DatabaseRecord; error?: string }> {
  const dir = join(settings.cacheDir, 'db');
  await mkdir(dir, { recursive: true });
  const step = startStep(host.logger, 'Trivy vulnerability database');
  const cache = host.dbCache ? await host.dbCache.restore('db', dir) : 'not-used';
  const ran = await runProcess(settings.executable, trivyDbArgs(settings), {
    cwd: settings.tempDir,
    env: settings.env,
    timeoutMs: settings.timeoutMs,
  });
  host.logger.group(`Trivy database (${describeExit(ran, settings.timeoutMs)}, ${formatDuration(ran.durationMs)})`, ran.stderr);
  if (ran.spawnError || ran.timedOut || ran.signal || ran.exitCode !== 0) {
    step.failed(`Trivy ${describeExit(ran, settings.timeoutMs)}`);
    return {
      record: { cache },
      error: `Trivy could not prepare its vulnerability database: it ${describeExit(ran, settings.timeoutMs)}${stderrTail(ran.stderr) ? `: ${stderrTail(ran.stderr, 3)}` : ''}`,
    };
  }
  const db = await readTrivyDatabase(settings);
  const ageHours = db?.updatedAt ? Math.max(0, (host.now().getTime() - Date.parse(db.updatedAt)) / 3_600_000) : undefined;
  const dbRecord: DatabaseRecord = {
    cache,
    ...(db?.version !== undefined ? { version: db.version } : {}),
    ...(db?.updatedAt ? { updatedAt: db.updatedAt } : {}),
    ...(ageHours !== undefined && Number.isFinite(ageHours) ? { ageHours: Math.round(ageHours * 10) / 10 } : {}),
  };
  step.done(cache === 'hit' ? 'restored from the cache' : 'ready');
  host.logger.info(
    `Trivy vulnerability database${db?.version !== undefined ? ` v${db.version}` : ''}${db?.updatedAt ? `, built ${db.updatedAt}` : ''}${dbRecord.ageHours !== undefined ? ` (${dbRecord.ageHours} h old)` : ''}.`,
  );
  // Saved now, not at the end of the job: a job that fails later still leaves today's copy.
  if (host.dbCache && cache !== 'hit') await host.dbCache.save('db', dir);
  return { record: dbRecord };
}

/** What Trivy's Java DB metadata says; a missing or unreadable file is no database. */
interface JavaDbMetadata {
  updatedAt?: string;
  downloadedAt?: string;
}

const MAX_METADATA_BYTES = 64 * 1024;

async function readJavaDbMetadata(dir: string): Promise<JavaDbMetadata | undefined> {
  const file = join(dir, 'metadata.json');
  if (!existsSync(file)) return undefined;
  try {
    const parsed: unknown = JSON.parse(await readRegularFile(file, MAX_METADATA_BYTES, (detail) => new Error(detail)));
    if (!isObject(parsed)) return undefined;
    const updatedAt = str(parsed.UpdatedAt);
    const downloadedAt = str(parsed.DownloadedAt);
    return { ...(updatedAt ? { updatedAt } : {}), ...(downloadedAt ? { downloadedAt } : {}) };
  } catch {
    return undefined;
  }
}

/**
 * Trivy's Java DB (the index that names the Maven artifact of a JAR from its digest), prepared
 * at most once per run. Trivy would fetch it lazily in every scan that meets a JAR, racing
 * each other on the same folder and never cached; instead every scan runs with
 * --skip-java-db-update. A copy in the cache (the Actions cache holds one only for a repository
 * whose images needed it) is restored and refreshed before the scans; with none, an image
 * without JARs never needs one, and the first scan that meets a JAR fails with Trivy's "first
 * run" error: the database is then downloaded once, saved, and those scans run again.
 */
export class JavaDatabase {
  private readonly dir: string;
  private cache: DatabaseRecord['cache'] = 'not-used';
  private download?: Promise<string | undefined>;
  private downloaded = false;

  constructor(
    private readonly settings: TrivySettings,
    private readonly host: DatabaseHost,
  ) {
    this.dir = join(settings.cacheDir, 'java-db');
  }

  /** Java archives matter to Trivy only when it looks for vulnerabilities in language packages. */
  static matters(settings: Pick<TrivySettings, 'scanKinds' | 'pkgTypes'>): boolean {
    return settings.scanKinds.includes('vuln') && settings.pkgTypes.includes('library');
  }

  /** Restores the cached copy and refreshes it if Trivy says it is due; a failed refresh leaves none. */
  async prepare(): Promise<void> {
    if (this.host.dbCache) {
      await mkdir(this.dir, { recursive: true });
      this.cache = await this.host.dbCache.restore('java-db', this.dir);
    }
    const before = await readJavaDbMetadata(this.dir);
    if (!before) return;
    const error = await this.fetch('Trivy Java database (refresh)', before);
    if (error) {
      // A stale index would pass JARs it no longer knows: drop it, and let a scan that needs it fetch it again.
      this.host.logger.warning(`${error}; the cached copy is not used.`);
      await rm(this.dir, { recursive: true, force: true });
    }
  }

  /** Downloads the database for the scans that need it, once however many ask; an error says why it could not. */
  fetchOnce(): Promise<string | undefined> {
    this.download ??= readJavaDbMetadata(this.dir).then((before) => this.fetch('Trivy Java database', before));
    return this.download;
  }

  private async fetch(title: string, before: JavaDbMetadata | undefined): Promise<string | undefined> {
    await mkdir(this.dir, { recursive: true });
    const step = startStep(this.host.logger, title);
    const { settings } = this;
    const ran = await runProcess(settings.executable, trivyJavaDbArgs(settings), {
      cwd: settings.tempDir,
      env: settings.env,
      timeoutMs: settings.timeoutMs,
    });
    this.host.logger.group(`${title} (${describeExit(ran, settings.timeoutMs)}, ${formatDuration(ran.durationMs)})`, ran.stderr);
    const after = await readJavaDbMetadata(this.dir);
    if (ran.spawnError || ran.timedOut || ran.signal || ran.exitCode !== 0 || !after) {
      step.failed(`Trivy ${describeExit(ran, settings.timeoutMs)}`);
      const tail = stderrTail(ran.stderr, 3);
      // An exit 0 that left no metadata is a failure too, and says so before Trivy's last lines.
      const how =
        ran.exitCode === 0 && !ran.signal && !ran.timedOut
          ? 'exited with code 0 but wrote no database'
          : describeExit(ran, settings.timeoutMs);
      return `Trivy could not download its Java database: it ${how}${tail ? `: ${tail}` : ''}`;
    }
    const fresh = after.downloadedAt !== before?.downloadedAt;
    this.downloaded ||= fresh;
    step.done(fresh ? 'downloaded' : before && this.cache === 'hit' ? 'restored from the cache' : 'up to date');
    if (fresh && this.host.dbCache) await this.host.dbCache.save('java-db', this.dir);
    return undefined;
  }

  /** What the summary says of it when the scans had one (restored or downloaded); nothing when there was none. */
  async record(): Promise<JavaDatabaseRecord | undefined> {
    const meta = await readJavaDbMetadata(this.dir);
    if (!meta) return undefined;
    return { cache: this.cache, downloaded: this.downloaded, ...(meta.updatedAt ? { updatedAt: meta.updatedAt } : {}) };
  }
}
