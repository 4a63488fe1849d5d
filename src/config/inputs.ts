/**
 * Every input of the action, which is also every flag of the CLI (same name). action.yml and
 * the README's input table are generated from this list (`npm run docs`); a test fails when
 * they drift.
 */

export type InputKind = 'string' | 'list' | 'boolean';

export interface InputSpec {
  name: string;
  description: string;
  /** The value action.yml declares; '' means "not set". */
  default: string;
  kind: InputKind;
  /** CLI-only spellings, e.g. --sarif for --sarif-file. */
  aliases?: readonly string[];
  /** Set for a former name: action.yml's deprecationMessage, and the warning both faces print. */
  deprecated?: string;
}

export const INPUTS = [
  {
    name: 'mode',
    kind: 'string',
    default: 'scan',
    description:
      '`scan` (default): scan and gate. `merge`: read the report-files of earlier jobs (a matrix; `reports`) and give one summary, one comment, one report-file and one verdict over all of them. `publish`: in a `workflow_run` workflow, upload the SARIF log and post the comment that a scan job on a fork pull request left as an artifact (`report-file`, `sarif-file`), without running any of its code.',
  },
  {
    name: 'reports',
    kind: 'list',
    default: '',
    description:
      'With `mode: merge`: the report-files to merge, one path or glob per line (e.g. `reports/**/bulkhead-report.json` after actions/download-artifact). A report that cannot be read fails the verdict.',
  },
  {
    name: 'merge-sarif',
    kind: 'boolean',
    default: 'false',
    description:
      "With `mode: merge`: also upload one SARIF log holding the runs of every SARIF file beside the merged report-files (each job's artifact). Off by default, since each scan job uploads its own; when on, give each matrix job its own `category` (GitHub rejects two runs of one tool and category in one upload) and let the jobs set `upload-sarif: false`.",
  },
  {
    name: 'image',
    kind: 'list',
    default: '',
    description:
      'Images to scan, one per line. A bare reference (`myapp:pr-42`) or `docker-daemon:REF` means the local Docker daemon (streamed with `docker save`); `docker-archive:PATH[:REF]`, `oci:DIR[:TAG]`, `oci-archive:PATH[:TAG]` read files; `docker://REF` (or `registry:REF`) pulls from a registry without Docker, once per run for every scanner (credentials: `registry-username`/`registry-password`, else `~/.docker/config.json` and its credential helpers).',
  },
  {
    name: 'dockerfile',
    kind: 'list',
    default: '',
    description:
      "Dockerfiles to lint and to attribute image findings to, one path or glob per line, relative to the workspace (`**/Dockerfile`, `svc/{api,web}/Dockerfile`; a `!pattern` line leaves out what the others found). With several images, the n-th Dockerfile is the n-th image's; a single Dockerfile is every image's. Default: `Dockerfile` when it exists.",
  },
  {
    name: 'manifests',
    kind: 'list',
    default: '',
    description:
      'Kubernetes manifests to check for how the containers will run (BH3xx), one path or glob per line (a `!pattern` line leaves out what the others found): YAML or JSON files (several documents, `List` kinds), or directories. A directory with a `kustomization.yaml` is rendered with `kubectl kustomize` (kubectl must be on PATH); any other directory means its YAML and JSON files. No default.',
  },
  {
    name: 'compose',
    kind: 'list',
    default: '',
    description:
      'Compose files to check for how the services will run (BH3xx), one path or glob per line (a `!pattern` line leaves out what the others found). `${VAR}` is interpolated from the environment and the `.env` beside the file. Default: `compose.yaml`, `compose.yml`, `docker-compose.yml` or `docker-compose.yaml` at the workspace root, when one exists.',
  },
  {
    name: 'pod-security',
    kind: 'string',
    default: '',
    description:
      "Pod Security Standards level every Kubernetes workload must meet: `restricted`, `baseline` or `none`. A workload below it is a high finding (BH320). Default: the policy file's `pod-security`, else `none` (levels are still shown).",
  },
  {
    name: 'platform',
    kind: 'string',
    default: 'linux/amd64',
    description:
      'Which image to read from an OCI layout or archive that holds several platforms (`os/arch[/variant]`). The summary says which one was read.',
  },
  {
    name: 'registry-username',
    kind: 'string',
    default: '',
    description:
      'User name for the registries of `docker://` images (e.g. `${{ github.actor }}` for ghcr.io). Without it, `~/.docker/config.json` (`auths`, `credHelpers`, `credsStore`) is used, as `docker login` left it. The CLI also reads `REGISTRY_USERNAME`.',
  },
  {
    name: 'registry-password',
    kind: 'string',
    default: '',
    description:
      'Password or token for `registry-username` (e.g. `${{ secrets.GITHUB_TOKEN }}` with `packages: read`). Masked in the log and never written anywhere; sent only to the registry and its token service. The CLI also reads `REGISTRY_PASSWORD` (prefer it to the flag, which other users can see in the process list).',
  },
  {
    name: 'registry-insecure',
    kind: 'list',
    default: '',
    description:
      'Registries to reach over plain HTTP, one `host:port` per line (e.g. `localhost:5000` for a registry service container). Nothing is plain HTTP unless listed, loopback included. For a registry with its own CA, set `NODE_EXTRA_CA_CERTS` to the CA file in the job or shell.',
  },
  {
    name: 'tools',
    kind: 'list',
    default: 'trivy,hadolint,bulkhead',
    description:
      'Tools to run, comma- or line-separated: `trivy`, `hadolint`, `bulkhead` (the built-in image, Dockerfile and workload checks). Which kinds of scan Trivy does is `trivy-scanners`.',
  },
  {
    name: 'trivy-scanners',
    kind: 'list',
    default: 'vuln,secret',
    description:
      "What Trivy looks for in images, comma-separated, as trivy-action's `scanners` and Trivy's `--scanners`: `vuln`, `secret`, `misconfig`, `license`.",
  },
  {
    name: 'trivyignores',
    kind: 'list',
    default: '',
    description:
      "More Trivy ignore files, one path per line or comma-separated (as trivy-action's `trivyignores`): `.trivyignore` lines or, for a name ending in `.yaml`/`.yml`, the `.trivyignore.yaml` format. Read with the workspace's own `.trivyignore(.yaml)`; bulkhead applies them itself and lists each suppression with its file.",
  },
  {
    name: 'trivy-cache',
    kind: 'boolean',
    default: 'true',
    description:
      "Keep Trivy's vulnerability database and its Java database in the Actions cache between runs, each under its own key (restored before Trivy runs, saved right after a fresh download, so a job that fails later keeps it; the Java database only once an image with JARs needed it). `false` downloads them every run.",
  },
  {
    name: 'trivy-skip-dirs',
    kind: 'list',
    default: '',
    description:
      "Directories inside the image that Trivy does not scan, one per line (globs as Trivy reads them, e.g. `/usr/share/doc`, `**/testdata`), as trivy-action's `skip-dirs`. bulkhead's own checks still read them.",
  },
  {
    name: 'trivy-skip-files',
    kind: 'list',
    default: '',
    description:
      "Files inside the image that Trivy does not scan, one per line (globs as Trivy reads them), as trivy-action's `skip-files`.",
  },
  {
    name: 'trivy-pkg-types',
    kind: 'list',
    default: 'os,library',
    description:
      "Which packages Trivy reports vulnerabilities in, comma-separated: `os` (the distribution's packages), `library` (language packages: npm, pip, Go modules, jars …), as trivy-action's `pkg-types`.",
  },
  {
    name: 'scanners',
    kind: 'list',
    default: '',
    deprecated:
      'bulkhead calls this input `tools` now; `scanners` still works until 0.3.0. Trivy scan kinds (vuln, secret, …) go in `trivy-scanners`.',
    description: 'Deprecated: the former name of `tools`, read as `tools` with a warning until 0.3.0.',
  },
  {
    name: 'fail-on',
    kind: 'string',
    default: '',
    description:
      "Lowest severity that fails the gate, inclusive: `critical`, `high`, `medium`, `low`, or `none` (report only). Everything is reported whatever this is. Default: the policy file's `fail-on`, else `high`.",
  },
  {
    name: 'ignore-unfixed',
    kind: 'boolean',
    default: '',
    description:
      "When `true`, vulnerabilities without a fixed version are reported but do not fail the gate. Default: the policy file's `ignore-unfixed`, else `false`.",
  },
  {
    name: 'only-new',
    kind: 'boolean',
    default: '',
    description:
      "When `true`, only findings that are not in the baseline fail the gate (all are still reported). Default: the policy file's `only-new`, else `false`.",
  },
  {
    name: 'baseline',
    kind: 'string',
    default: '',
    description: 'A report-file from an earlier run (e.g. of the base branch) whose findings count as known for `only-new`.',
  },
  {
    name: 'policy',
    kind: 'string',
    default: '',
    description:
      'Policy file: fail-on, ignore-unfixed, only-new, severity overrides, and exceptions with a reason, an owner and an expiry date. Default: `.bulkhead.yml` when it exists.',
  },
  {
    name: 'vex',
    kind: 'list',
    default: '',
    description:
      'OpenVEX documents, one per line; `not_affected` and `fixed` statements suppress the findings they cover, with their justification as the reason.',
  },
  {
    name: 'sarif-file',
    kind: 'string',
    default: 'bulkhead.sarif',
    aliases: ['sarif'],
    description: 'Where to write the merged SARIF log.',
  },
  {
    name: 'report-file',
    kind: 'string',
    default: 'bulkhead-report.json',
    aliases: ['report'],
    description: 'Where to write the full JSON report: every finding with the decision about it and why.',
  },
  {
    name: 'sbom-file',
    kind: 'string',
    default: '',
    description:
      'Where to write an SBOM of the scanned image, from the same Trivy run (its package list, `--list-all-pkgs`) or the given `trivy-report` if it lists packages: every package with its version, purl, licenses and the layer that brought it in. One image per run. Empty: no SBOM.',
  },
  {
    name: 'sbom-format',
    kind: 'string',
    default: 'cyclonedx',
    description: '`cyclonedx` (CycloneDX 1.6 JSON) or `spdx` (SPDX 2.3 JSON).',
  },
  {
    name: 'trivy-report',
    kind: 'list',
    default: '',
    description: 'Existing Trivy JSON reports (`--format json`) to use instead of running Trivy, one per line.',
  },
  {
    name: 'hadolint-report',
    kind: 'list',
    default: '',
    description: 'Existing hadolint JSON reports (`-f json`) to use instead of running hadolint, one per line.',
  },
  {
    name: 'upload-sarif',
    kind: 'boolean',
    default: 'true',
    description: 'Upload the SARIF log to GitHub code scanning (needs `security-events: write`).',
  },
  {
    name: 'dependency-graph',
    kind: 'boolean',
    default: 'false',
    description:
      "Submit the scanned images' packages to GitHub's dependency graph (the dependency submission API; needs `contents: write`), so that Dependabot alerts and dependency review cover what the image ships. Trivy then lists every package, as for `sbom-file`.",
  },
  {
    name: 'comment',
    kind: 'string',
    default: 'always',
    description: 'When to post or update the sticky pull-request comment: `always`, `on-failure`, or `never`.',
  },
  {
    name: 'resolved-comment',
    kind: 'string',
    default: 'update',
    description: 'What happens to the sticky comment once nothing fails the gate: `update` (edit it to say so) or `delete`.',
  },
  {
    name: 'annotations',
    kind: 'boolean',
    default: 'true',
    description: 'Annotate the Dockerfile lines of the most severe findings (at most 10 errors and 10 warnings).',
  },
  {
    name: 'category',
    kind: 'string',
    default: '',
    description:
      'Prefix of the code-scanning category of each SARIF run (default `bulkhead`). Set it when two jobs scan the same image, e.g. per architecture.',
  },
  {
    name: 'github-token',
    kind: 'string',
    default: '${{ github.token }}',
    description: 'Token for code-scanning upload and the pull-request comment.',
  },
  {
    name: 'trivy-version',
    kind: 'string',
    default: '',
    description:
      "Trivy version to install. Default: the version pinned, with its checksum, in this release of bulkhead. Any other version from 0.68.1 on is verified by its Sigstore signature (the `.sigstore.json` bundle beside the archive, signed by Trivy's release workflow at that tag); 0.69.4 to 0.69.6 are refused.",
  },
  {
    name: 'hadolint-version',
    kind: 'string',
    default: '',
    description: 'hadolint version to install. Default: the version pinned, with its checksum, in this release of bulkhead.',
  },
  {
    name: 'trivy-sha256',
    kind: 'string',
    default: '',
    description:
      'sha256 of the Trivy release archive for this runner, for a `trivy-version` bulkhead ships no sha256 for. Not needed from 0.68.1 on: those releases are verified by their Sigstore signature instead. Take it from a source you trust, not only the same release page.',
  },
  {
    name: 'hadolint-sha256',
    kind: 'string',
    default: '',
    description:
      'sha256 of the hadolint release binary for this runner, required when `hadolint-version` is a version bulkhead does not know.',
  },
  {
    name: 'trivy-path',
    kind: 'string',
    default: '',
    description: 'A Trivy executable to run as it is (preinstalled, air-gapped runners). Its version and sha256 are logged and recorded.',
  },
  {
    name: 'hadolint-path',
    kind: 'string',
    default: '',
    description: 'A hadolint executable to run as it is. Its version and sha256 are logged and recorded.',
  },
  {
    name: 'hadolint-darwin-arm64',
    kind: 'string',
    default: 'rosetta',
    description:
      "hadolint before 2.13.1 publishes no macOS arm64 build (2.14.0, which bulkhead knows, has one and is used as it is). For those versions, `rosetta` (default): run the x86_64 build under Rosetta 2 (GitHub's arm64 macOS runners have it; elsewhere `softwareupdate --install-rosetta --agree-to-license`), failing closed when Rosetta is missing. `skip`: lint no Dockerfile there, with a warning, instead of failing. Other platforms and versions ignore it.",
  },
  {
    name: 'release-mirror',
    kind: 'string',
    default: 'https://github.com',
    description:
      'Where scanner releases are downloaded from: a URL that serves `<owner>/<repo>/releases/download/<tag>/<asset>` like github.com (an internal mirror, GHES). Checksums still come from bulkhead, and signatures are still checked against the trusted root.',
  },
  {
    name: 'sigstore-trusted-root',
    kind: 'string',
    default: '',
    description:
      "A Sigstore trusted_root.json (Fulcio CAs, Rekor and CT log keys) to verify scanner release signatures against, for a private Sigstore instance. Default: Sigstore's public-good root, shipped with bulkhead and checked offline.",
  },
  {
    name: 'trivy-db-repository',
    kind: 'list',
    default: '',
    description: "OCI repositories for Trivy's vulnerability database, in order (Trivy's `--db-repository`). Default: Trivy's own.",
  },
  {
    name: 'trivy-java-db-repository',
    kind: 'list',
    default: '',
    description:
      "OCI repositories for Trivy's Java database, in order (Trivy's `--java-db-repository`). It is downloaded once per run, only when an image has Java archives and no cached copy is fresh. Default: Trivy's own.",
  },
  {
    name: 'timeout',
    kind: 'string',
    default: '10m',
    description: 'Time limit for each scanner run, e.g. `90s`, `10m`, `1h`.',
  },
  {
    name: 'rehearse',
    kind: 'string',
    default: 'false',
    description:
      "Run each image from the local Docker engine for a while under least privilege (read-only root, no capabilities, no new privileges, a non-root user, no network, pid and memory limits) and report what it needed (BH401–BH404) with a securityContext and Compose fragment it really ran under: `false` (default), `true` (10 s) or a duration such as `5s`. This runs the image's own code on the runner; off for pull requests from forks unless `rehearse-forks` is true.",
  },
  {
    name: 'rehearse-command',
    kind: 'string',
    default: '',
    description:
      "Arguments that replace the image's CMD for the rehearsal (the ENTRYPOINT stays), split like a shell would split words (quotes group, nothing is expanded), e.g. `serve --port 8080`.",
  },
  {
    name: 'rehearse-env',
    kind: 'list',
    default: '',
    description:
      'Environment for the rehearsal, one `NAME=value` per line. Not for secrets: the rehearsal runs with no network and needs none.',
  },
  {
    name: 'rehearse-ready',
    kind: 'string',
    default: '',
    description:
      'What "it works" means in a rehearsal: `log:REGEX` (a log line matches), or `exec:COMMAND` (run inside the container, e.g. `exec:wget -qO- 127.0.0.1:8080/healthz`, exits 0). Default: the image\'s HEALTHCHECK when it has one, else that it is still running at the end.',
  },
  {
    name: 'rehearse-forks',
    kind: 'boolean',
    default: 'false',
    description: 'Rehearse on pull requests from forks too (their code then runs on the runner, with no network and no secrets).',
  },
  {
    name: 'scanner-error',
    kind: 'string',
    default: 'fail',
    description:
      "What a scanner that fails to run does to the gate: `fail` (default; the gate fails closed) or `warn` (the other scanners' findings still decide).",
  },
] as const satisfies readonly InputSpec[];

export type InputName = (typeof INPUTS)[number]['name'];

/** Raw values as the user gave them; absent means "use the default". */
export type RawInputs = Partial<Record<InputName, string | readonly string[]>>;

export const OUTPUTS = [
  { name: 'verdict', description: '`pass` or `fail`.' },
  { name: 'findings', description: 'Number of findings reported, all severities, suppressed included.' },
  { name: 'critical', description: 'Number of critical findings that are not suppressed.' },
  { name: 'high', description: 'Number of high findings that are not suppressed.' },
  { name: 'medium', description: 'Number of medium findings that are not suppressed.' },
  { name: 'low', description: 'Number of low findings that are not suppressed.' },
  { name: 'suppressed', description: 'Number of findings suppressed by policy.' },
  { name: 'sarif-file', description: 'Path of the SARIF log written.' },
  { name: 'report-file', description: 'Path of the JSON report written.' },
  { name: 'sarif-id', description: 'The id code scanning gave the uploaded SARIF log (empty when it was not uploaded).' },
] as const;

export type OutputName = (typeof OUTPUTS)[number]['name'];

/** Inputs as the runner passes them (INPUT_<NAME>); an absent variable means the default. */
export function rawInputsFromEnv(env: Readonly<Record<string, string | undefined>>): RawInputs {
  const raw: RawInputs = {};
  for (const input of INPUTS) {
    const value = env[`INPUT_${input.name.toUpperCase()}`];
    if (value !== undefined) raw[input.name] = value;
  }
  return raw;
}
