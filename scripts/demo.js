// Runs the real CLI on the example in examples/shop-api, with its bundled scanner reports.
import { spawnSync } from 'node:child_process';

const args = [
  'bin/bulkhead.js',
  'scan',
  '--image',
  'docker-archive:examples/shop-api/image.tar',
  '--dockerfile',
  'examples/shop-api/Dockerfile',
  '--trivy-report',
  'examples/shop-api/trivy.json',
  '--hadolint-report',
  'examples/shop-api/hadolint.json',
  '--manifests',
  'examples/shop-api/deploy.yaml',
  '--tools',
  'trivy,hadolint,bulkhead',
  '--sarif',
  'out/demo/bulkhead.sarif',
  '--report',
  'out/demo/bulkhead-report.json',
  '--markdown',
  'out/demo/summary.md',
];
console.log(`$ bulkhead ${args.slice(1).join(' ')}\n`);
const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
console.log(`\nbulkhead exited with ${run.status}.`);
if (run.status === 1) {
  console.log('That is the gate failing as it should. Each finding sits on the line to change:');
  console.log('critical CVEs in libssh2 and GnuTLS on line 4, the RUN that installed curl (which pulled them in);');
  console.log('the base image on line 2; the token on the ENV line, the .env file on the COPY line, root on the USER line.');
  console.log(
    'Its Deployment mounts the Docker socket, and says runAsNonRoot for an image whose USER is root: the kubelet would refuse it.',
  );
  console.log('Written: out/demo/bulkhead.sarif, out/demo/bulkhead-report.json, out/demo/summary.md');
  process.exit(0);
}
process.exit(run.status ?? 1);
