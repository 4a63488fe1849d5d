#!/usr/bin/env node
// The bundled CLI needs Node.js 22.22 or newer (24.15 or newer on 24): what its Sigstore
// verification libraries declare; zstd layers need 22.15. This file stays plain enough for older
// Node to parse, so that it can say so in one sentence.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 22) || major === 23 || (major === 24 && minor < 15)) {
  process.stderr.write(
    `bulkhead: needs Node.js 22.22 or newer (24.15 or newer on 24), and this is Node.js ${process.versions.node}; install a current Node.js (24 is what the action uses).\n`,
  );
  process.exit(2);
}
// V8's compile cache (Node 22.1+): the bundle is 2.4 MB of JavaScript, and compiling it is most of
// a start-up. It lives in the user's own cache folder (mode 0700), not a shared temp folder.
const { enableCompileCache } = await import('node:module');
const { homedir } = await import('node:os');
const { mkdirSync } = await import('node:fs');
const { join } = await import('node:path');
if (!process.env.BULKHEAD_NO_COMPILE_CACHE) {
  try {
    const dir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'bulkhead', 'compile-cache');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    enableCompileCache(dir);
  } catch {
    // No writable cache folder: start without it.
  }
}
await import('../dist/cli/index.js');
