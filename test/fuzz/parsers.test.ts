import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStages } from '../../src/dockerfile/stages.js';
import { parseImageConfig } from '../../src/image/config.js';
import { resolveOciIndex } from '../../src/image/oci.js';
import { readTar } from '../../src/image/tar.js';
import { parsePolicyFile } from '../../src/policy/file.js';
import { parseTrivyIgnore, parseTrivyIgnoreYaml } from '../../src/policy/trivyignore.js';
import { parseOpenVex, purlMatches } from '../../src/policy/vex.js';
import { readBaseline } from '../../src/report/json.js';
import { checkDockerfile } from '../../src/scanners/builtin/dockerfile.js';
import { parseHadolintReport } from '../../src/scanners/hadolint/parse.js';
import { parseTrivyReport } from '../../src/scanners/trivy/parse.js';
import { FormatError, UsageError } from '../../src/util/errors.js';
import { parseJsonSequence } from '../../src/util/jsonStream.js';
import { readCompose } from '../../src/workloads/compose.js';
import { analyzeWorkloads } from '../../src/workloads/index.js';
import { interpolate, InterpolationError } from '../../src/workloads/interpolate.js';
import { readKubernetes } from '../../src/workloads/kubernetes.js';
import { emptyManifestSet } from '../../src/workloads/model.js';
import { parseYamlFile } from '../../src/workloads/yamlView.js';
import { fixture } from '../helpers.js';

/**
 * Every parser of input a pull request controls, fed generated and mutated input: it returns, or
 * throws one of the error model's errors (never a TypeError, a RangeError or a hang). The number
 * of runs is bounded here; scripts/fuzz.js runs long campaigns with BULKHEAD_FUZZ_RUNS.
 */
const RUNS = Number(process.env.BULKHEAD_FUZZ_RUNS ?? 300);
const SEED = process.env.BULKHEAD_FUZZ_SEED ? Number(process.env.BULKHEAD_FUZZ_SEED) : undefined;
const options = { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) };
/** A call that takes longer than this has hung for the purpose of these tests. */
const HANG_MS = 5000;

function expectTyped(run: () => unknown): void {
  const started = performance.now();
  try {
    run();
  } catch (error) {
    if (!(error instanceof FormatError || error instanceof UsageError)) throw error;
  }
  expect(performance.now() - started).toBeLessThan(HANG_MS);
}

async function expectTypedAsync(run: () => Promise<unknown>): Promise<void> {
  const started = performance.now();
  try {
    await run();
  } catch (error) {
    if (!(error instanceof FormatError || error instanceof UsageError)) throw error;
  }
  expect(performance.now() - started).toBeLessThan(HANG_MS);
}

/** JSON values shaped like the documents each parser reads, with every field free to be wrong. */
const loose = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, 0, -1, 4, 2, 'CRITICAL', 'SUPER', 'FAIL', '', 'sha256:' + 'a'.repeat(64), 'not_affected', 'error'),
    fc.string({ maxLength: 12 }),
    fc.array(tie('value'), { maxLength: 4 }),
    tie('object'),
  ),
  object: fc.dictionary(
    fc.constantFrom(
      'SchemaVersion',
      'ArtifactName',
      'ArtifactType',
      'Results',
      'Target',
      'Vulnerabilities',
      'VulnerabilityID',
      'PkgName',
      'Severity',
      'Secrets',
      'RuleID',
      'Misconfigurations',
      'Status',
      'ID',
      'Licenses',
      'Name',
      'Metadata',
      'ImageConfig',
      'history',
      'DiffIDs',
      'code',
      'level',
      'file',
      'line',
      'message',
      'statements',
      'vulnerability',
      'status',
      'products',
      'format',
      'decisions',
      'finding',
      'fingerprint',
      'manifests',
      'mediaType',
      'digest',
      'size',
      'platform',
      'config',
      'layers',
      'rootfs',
      'diff_ids',
      'runs',
      'version',
    ),
    tie('value'),
    { maxKeys: 6 },
  ),
})).value;

const realTrivy = JSON.parse(readFileSync(fixture('trivy', 'alpine-39.json'), 'utf8')) as Record<string, unknown>;

describe('parsers never throw anything but the typed errors, and always finish', () => {
  it('the JSON sequence reader, on arbitrary and on cut or spliced JSON text', () => {
    const text = JSON.stringify(realTrivy);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.nat(text.length).map((n) => text.slice(0, n)),
          fc.tuple(fc.nat(text.length), fc.string({ maxLength: 20 })).map(([n, s]) => text.slice(0, n) + s + text.slice(n)),
        ),
        (input) => expectTyped(() => parseJsonSequence(input, 'fuzz')),
      ),
      options,
    );
  });

  it('the Trivy, hadolint, VEX and baseline readers, on generated documents and on a real report with one field changed', () => {
    const mutated = fc
      .tuple(fc.constantFrom('SchemaVersion', 'ArtifactName', 'Results', 'Metadata'), loose)
      .map(([key, value]) => ({ ...realTrivy, [key]: value }));
    fc.assert(
      fc.property(fc.oneof(loose, mutated), (document) => {
        expectTyped(() => parseTrivyReport(document, 'fuzz'));
        expectTyped(() => parseHadolintReport([document], (f) => f, 'fuzz'));
        expectTyped(() => parseOpenVex(document, 'fuzz'));
        expectTyped(() => readBaseline(document, 'fuzz'));
        expectTyped(() => parseImageConfig(document, 'fuzz'));
      }),
      options,
    );
  });

  it('OCI index resolution, on generated indexes and manifests', async () => {
    await fc.assert(
      fc.asyncProperty(loose, loose, async (index, manifest) =>
        expectTypedAsync(() => resolveOciIndex(index, () => Promise.resolve(manifest), 'fuzz', undefined, 'linux/amd64')),
      ),
      options,
    );
  });

  const dockerfileLine = fc.oneof(
    fc.constantFrom(
      'FROM alpine',
      'FROM --platform=$P ${BASE:-x} AS b',
      'ARG BASE=debian',
      'COPY --from=b / /',
      'RUN <<EOF',
      'EOF',
      'ADD https://x/y /z',
      'USER 0',
      '\\',
      '# escape=`',
      'ONBUILD RUN x',
    ),
    fc.string({ maxLength: 40 }),
  );
  it('the Dockerfile reader and its checks, on generated Dockerfiles', () => {
    fc.assert(
      fc.property(fc.array(dockerfileLine, { maxLength: 12 }), (lines) => {
        const text = lines.join('\n');
        expectTyped(() => parseStages(text));
        expectTyped(() => checkDockerfile('Dockerfile', text));
      }),
      options,
    );
  });

  const yamlLine = fc.oneof(
    fc.constantFrom(
      'exceptions:',
      '  - id: CVE-1',
      '    reason: ok',
      '    expires: 2020-01-01',
      'vulnerabilities:',
      '    paths: &p [a]',
      '    paths: *p',
      '<<: *p',
      'fail-on: high',
      '  - *p',
      '    purls:',
      '      - pkg:npm/x',
      '- ',
      '? x',
      '!!binary ==',
      'overrides:',
      '    severity: low',
      '    expired_at: soon',
    ),
    fc.string({ maxLength: 30 }),
  );
  it('the policy file and both Trivy ignore files, on generated text', () => {
    fc.assert(
      fc.property(fc.array(yamlLine, { maxLength: 10 }), (lines) => {
        const text = lines.join('\n');
        expectTyped(() => parsePolicyFile(text, 'fuzz.yml'));
        expectTyped(() => parseTrivyIgnoreYaml(text, 'fuzz.yaml'));
        expectTyped(() => parseTrivyIgnore(text, 'fuzz'));
      }),
      options,
    );
  });

  it('package URLs with any percent-encoding, in VEX statements and exceptions', () => {
    const purl = fc.string({ unit: fc.constantFrom('pkg:', 'npm/', '%', 'E0', 'A4', 'zz', '@', '1.0', '?', '#', '/'), maxLength: 12 });
    fc.assert(
      fc.property(purl, purl, (pattern, actual) => {
        expectTyped(() => purlMatches(pattern, actual));
      }),
      options,
    );
  });

  it('the tar reader, on arbitrary bytes and on real headers with bytes changed', async () => {
    const header = Buffer.alloc(512);
    header.write('file', 0);
    header.write('0000644\u0000', 100);
    header.write('00000000010\u0000', 124);
    header.write('0', 156);
    header.write('ustar\u000000', 257);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a)),
          fc.array(fc.tuple(fc.nat(511), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }).map((edits) => {
            const copy = Buffer.concat([header, Buffer.alloc(1536)]);
            for (const [at, byte] of edits) copy[at] = byte;
            return copy;
          }),
        ),
        async (bytes) => expectTypedAsync(() => readTar(Readable.from([bytes]) as AsyncIterable<Buffer>, () => undefined, 'fuzz')),
      ),
      options,
    );
  });

  it('the manifest and Compose readers and the workload rules, on generated YAML and on the hand-made fixtures with bytes changed', async () => {
    const piece = fc.constantFrom(
      'apiVersion: v1\n',
      'kind: Pod\n',
      'kind: Deployment\n',
      'kind: NetworkPolicy\n',
      'kind: List\nitems:\n',
      'metadata: {name: a}\n',
      'spec:\n',
      '  template:\n',
      '  containers:\n',
      '    - name: c\n',
      '      image: x\n',
      '      securityContext:\n',
      '        privileged: true\n',
      '        capabilities: {drop: [ALL], add: [SYS_ADMIN]}\n',
      '      env: [{name: TOKEN, value: abcd1234}]\n',
      '  podSelector: {}\n',
      '  ingress: [{}]\n',
      '  volumes: [{name: v, hostPath: {path: /}}]\n',
      'services:\n',
      '  web:\n',
      '    image: ${IMG:-x}\n',
      '    extends: web\n',
      '    <<: *a\n',
      'x: &a {b: 1}\n',
      '    ports: ["80:80", {target: 1}]\n',
      '    volumes: ["/:/h:ro", {type: bind, source: ./s}]\n',
      '---\n',
      '- \n',
      '  ',
      ': ',
      '[',
      '{',
      '"',
      "'",
      '*',
      '&',
      '$',
      '${',
      '}',
      '\t',
      '\n',
    );
    const generated = fc.array(piece, { maxLength: 30 }).map((parts) => parts.join(''));
    const mutated = fc
      .tuple(
        fc.constantFrom('risky-deployment.yaml', 'risky-compose.yaml'),
        fc.array(fc.tuple(fc.nat(4000), fc.constantFrom(' ', ':', '-', '\n', '*', '&', 'x', '{', '"')), { maxLength: 6 }),
      )
      .map(([name, edits]) => {
        const chars = readFileSync(fixture('workloads', 'rules', name), 'utf8').split('');
        for (const [at, c] of edits) chars[at % chars.length] = c;
        return chars.join('');
      });
    const lookup = (name: string) => (name === 'IMG' ? 'img' : undefined);
    await fc.assert(
      fc.asyncProperty(fc.oneof(generated, mutated), async (text) => {
        for (const compose of [false, true]) {
          await expectTypedAsync(async () => {
            const set = emptyManifestSet();
            const file = parseYamlFile(
              text,
              'fuzz.yaml',
              compose
                ? (t, line) => {
                    try {
                      return interpolate(t, lookup);
                    } catch (error) {
                      if (error instanceof InterpolationError) throw new FormatError(`fuzz.yaml:${line}`, error.message);
                      throw error;
                    }
                  }
                : undefined,
            );
            if (compose) readCompose(file, set, []);
            else readKubernetes(file, set);
            await analyzeWorkloads(set, { podSecurity: 'restricted', networkPolicies: 'required', images: [] });
          });
        }
      }),
      options,
    );
  });
});
