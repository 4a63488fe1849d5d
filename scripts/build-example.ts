// Rebuilds examples/shop-api/image.tar from the example's Dockerfile, app/ and packages.tsv, and
// its trivy.json from real Trivy output for the same packages (test/support/exampleImage.ts says
// how). test/repo/example.test.ts checks that the committed files are what this writes.
// Usage: npm run example
import { readFileSync, writeFileSync } from 'node:fs';
import { buildExampleImage, exampleTrivyReport, EXAMPLE_TRIVY_SOURCE } from '../test/support/exampleImage.js';

const image = buildExampleImage('examples/shop-api');
writeFileSync('examples/shop-api/image.tar', image.archive);
const report = exampleTrivyReport(image, JSON.parse(readFileSync(EXAMPLE_TRIVY_SOURCE, 'utf8')) as Record<string, unknown>);
writeFileSync('examples/shop-api/trivy.json', report);
console.log(
  `examples/shop-api/image.tar: ${image.archive.length} bytes, ${image.diffIds.length} layers; trivy.json: ${report.length} bytes`,
);
