import { FormatError } from '../util/errors.js';

export interface HistoryEntry {
  createdBy: string;
  /** True for instructions that made no layer (ENV, USER, CMD …). */
  emptyLayer: boolean;
  created?: string;
  comment?: string;
}

/** The parts of an image's config JSON the checks and attribution read. */
export interface ImageConfig {
  user: string;
  env: string[];
  exposedPorts: string[];
  volumes: string[];
  /** The HEALTHCHECK test, e.g. ["CMD-SHELL", "curl -f …"]; ["NONE"] when disabled; undefined when absent. */
  healthcheck?: string[];
  labels: Record<string, string>;
  history: HistoryEntry[];
  diffIds: string[];
  os?: string;
  architecture?: string;
  variant?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function keys(value: unknown): string[] {
  return isRecord(value) ? Object.keys(value) : [];
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Reads an image config (OCI image config or Docker's, which is a superset) from untrusted JSON. */
export function parseImageConfig(json: unknown, where: string): ImageConfig {
  if (!isRecord(json)) throw new FormatError(where, `the image config is not a JSON object.`);
  const config = isRecord(json.config) ? json.config : {};
  const rootfs = isRecord(json.rootfs) ? json.rootfs : {};
  const diffIds = strings(rootfs.diff_ids);
  if (!Array.isArray(rootfs.diff_ids)) throw new FormatError(where, `the image config has no rootfs.diff_ids; it is not an image config.`);
  const history = (Array.isArray(json.history) ? json.history : []).filter(isRecord).map((entry): HistoryEntry => {
    const created = optionalString(entry.created);
    const comment = optionalString(entry.comment);
    return {
      createdBy: optionalString(entry.created_by) ?? '',
      emptyLayer: entry.empty_layer === true,
      ...(created ? { created } : {}),
      ...(comment ? { comment } : {}),
    };
  });
  const labels: Record<string, string> = {};
  if (isRecord(config.Labels)) for (const [k, v] of Object.entries(config.Labels)) if (typeof v === 'string') labels[k] = v;
  const healthcheck = isRecord(config.Healthcheck) ? strings(config.Healthcheck.Test) : undefined;
  const os = optionalString(json.os);
  const architecture = optionalString(json.architecture);
  const variant = optionalString(json.variant);
  return {
    user: optionalString(config.User) ?? '',
    env: strings(config.Env),
    exposedPorts: keys(config.ExposedPorts),
    volumes: keys(config.Volumes),
    ...(healthcheck && healthcheck.length > 0 ? { healthcheck } : {}),
    labels,
    history,
    diffIds,
    ...(os ? { os } : {}),
    ...(architecture ? { architecture } : {}),
    ...(variant ? { variant } : {}),
  };
}

/** Pairs each layer with the history entry that made it (entries without empty_layer, in order). */
export function layerHistory(config: ImageConfig): (HistoryEntry | undefined)[] {
  const withLayers = config.history.filter((h) => !h.emptyLayer);
  // When history and layers disagree in number (squashed or hand-made images), pair none rather than wrongly.
  if (withLayers.length !== config.diffIds.length) return config.diffIds.map(() => undefined);
  return withLayers;
}
