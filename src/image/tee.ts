import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** Copies a stream to a file as it passes, waiting for the file when it falls behind (bounded memory). */
export async function* teed(source: AsyncIterable<Buffer>, file: string | undefined, done: { complete: boolean }): AsyncGenerator<Buffer> {
  if (!file) {
    yield* source;
    return;
  }
  const out = createWriteStream(file, { flags: 'wx', mode: 0o600 });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  try {
    for await (const chunk of source) {
      if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
      yield chunk;
    }
    out.end();
    await Promise.race([once(out, 'finish'), failed]);
    done.complete = true;
  } finally {
    if (!out.writableFinished) out.destroy();
  }
}
