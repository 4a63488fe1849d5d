import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Decompressed layer bytes are short-lived Buffers whose memory lives outside the JavaScript
 * heap; V8 collects them only after about 64 MB of them pile up, which alone would double the
 * reader's footprint. Asking for a collection every `every` bytes keeps peak memory flat. The
 * collector is reached through a flag set at run time because the action cannot pass node flags.
 */
export function garbageCollector(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    if (typeof gc !== 'function') return undefined;
    // A minor collection is enough: the Buffers are young, and it costs far less than a full one.
    return () => (gc as (options: { type: string }) => void)({ type: 'minor' });
  } catch {
    return undefined;
  }
}

export class MemoryPacer {
  private pending = 0;
  constructor(
    private readonly collect: (() => void) | undefined,
    private readonly every = 8 * 1024 * 1024,
  ) {}

  /** Call with each chunk's size as the chunk is done with. */
  consumed(bytes: number): void {
    if (!this.collect) return;
    this.pending += bytes;
    if (this.pending >= this.every) {
      this.pending = 0;
      this.collect();
    }
  }
}

let shared: MemoryPacer | undefined;

export function memoryPacer(): MemoryPacer {
  shared ??= new MemoryPacer(garbageCollector());
  return shared;
}
