#!/usr/bin/env node
// The bundled CLI needs Node.js 22.15 or newer (its dependencies need 22; zstd layers need 22.15).
// This file stays plain enough for older Node to parse, so that it can say so in one sentence.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 15)) {
  process.stderr.write(
    `bulkhead: needs Node.js 22.15 or newer, and this is Node.js ${process.versions.node}; install a current Node.js (24 is what the action uses).\n`,
  );
  process.exit(2);
}
await import('../dist/cli/index.js');
