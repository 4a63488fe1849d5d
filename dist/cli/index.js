import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
var __webpack_exports__ = {};

;// CONCATENATED MODULE: external "node:util"
const external_node_util_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");
;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: ./src/errors.ts
/**
 * A mistake the user can fix by changing an input, a flag or a file. The message is one sentence
 * that names the input and says what to change. Exit code 2.
 */
class UsageError extends Error {
    name = 'UsageError';
}
/** A report file that exists but cannot be read as the tool's output. Also the user's to fix. */
class ReportError extends UsageError {
    file;
    constructor(file, detail) {
        super(`${file}: ${detail}`);
        this.file = file;
    }
}
/** A scanner or external tool failed: says which tool and what happened. */
class ToolError extends Error {
    tool;
    name = 'ToolError';
    constructor(tool, detail) {
        super(`${tool}: ${detail}`);
        this.tool = tool;
    }
}
function errorMessage(error) {
    if (error instanceof Error)
        return error.message;
    return String(error);
}

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: ./src/findings.ts

/** Ordered from most to least severe; index 0 is the worst. */
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];
const TOOLS = ['trivy', 'hadolint', 'bulkhead'];
function severityRank(severity) {
    return SEVERITIES.indexOf(severity);
}
/** True when `severity` is at or above `threshold` (inclusive). */
function atOrAbove(severity, threshold) {
    return severityRank(severity) <= severityRank(threshold);
}
function isSeverity(value) {
    return SEVERITIES.includes(value);
}
/** Most severe first; ties keep a stable, readable order. */
function compareFindings(a, b) {
    return (severityRank(a.severity) - severityRank(b.severity) ||
        (b.cvss ?? 0) - (a.cvss ?? 0) ||
        a.ruleId.localeCompare(b.ruleId) ||
        (a.pkg?.name ?? '').localeCompare(b.pkg?.name ?? '') ||
        (a.path ?? a.file ?? '').localeCompare(b.path ?? b.file ?? ''));
}
/**
 * The repository part of a registry/daemon image reference: no tag, no digest.
 * Fingerprints and SARIF categories use it so that a rebuild (new tag or digest) keeps them.
 */
function imageRepository(reference) {
    let ref = reference.trim();
    const at = ref.indexOf('@');
    if (at >= 0)
        ref = ref.slice(0, at);
    // A colon after the last slash is a tag; before it, a registry port.
    const lastSlash = ref.lastIndexOf('/');
    const colon = ref.indexOf(':', lastSlash + 1);
    if (colon >= 0)
        ref = ref.slice(0, colon);
    return ref;
}
/** Stable identity of a finding: never line numbers, never tags or digests. */
function fingerprintOf(parts) {
    const hash = (0,external_node_crypto_namespaceObject.createHash)('sha256');
    for (const part of parts)
        hash.update(`${part ?? ''}\u0000`);
    return hash.digest('hex').slice(0, 32);
}

;// CONCATENATED MODULE: ./src/glob.ts


/** `*` and `?` stay inside one path segment; `**` spans segments. */
function globToRegExp(pattern) {
    let source = '';
    for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i];
        if (c === '*') {
            if (pattern[i + 1] === '*') {
                const slashAfter = pattern[i + 2] === '/';
                source += slashAfter ? '(?:.*/)?' : '.*';
                i += slashAfter ? 2 : 1;
            }
            else
                source += '[^/]*';
        }
        else if (c === '?')
            source += '[^/]';
        else
            source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    return new RegExp(`^${source}$`);
}
function hasGlob(pattern) {
    return /[*?]/.test(pattern);
}
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules']);
/** Files under `root` whose root-relative, '/'-separated path matches the pattern. */
function globFiles(root, pattern) {
    const matcher = globToRegExp(pattern.replace(/^\.\//, ''));
    const found = [];
    const walk = (directory) => {
        for (const entry of (0,external_node_fs_namespaceObject.readdirSync)(directory, { withFileTypes: true })) {
            const full = (0,external_node_path_namespaceObject.join)(directory, entry.name);
            if (entry.isDirectory()) {
                if (!SKIPPED_DIRECTORIES.has(entry.name))
                    walk(full);
            }
            else if (entry.isFile()) {
                const rel = (0,external_node_path_namespaceObject.relative)(root, full).split(external_node_path_namespaceObject.sep).join('/');
                if (matcher.test(rel))
                    found.push(rel);
            }
        }
    };
    walk(root);
    return found.sort();
}

;// CONCATENATED MODULE: ./src/inputs.ts
/**
 * Every input of the action, which is also every flag of the CLI (same name). action.yml and
 * the README's input table are generated from this list (`npm run docs`); a test fails when
 * they drift.
 */
const INPUTS = [
    {
        name: 'image',
        kind: 'list',
        default: '',
        description: 'Images to scan, one per line. A bare reference (`myapp:pr-42`) or `docker-daemon:REF` means the local Docker daemon; `docker-archive:PATH`, `oci:DIR[:TAG]`, `oci-archive:PATH` read files; `docker://REF` reads a registry.',
    },
    {
        name: 'dockerfile',
        kind: 'list',
        default: '',
        description: 'Dockerfiles to lint and to attribute image findings to, one path or glob per line, relative to the workspace. Default: `Dockerfile` when it exists.',
    },
    {
        name: 'scanners',
        kind: 'list',
        default: 'trivy,hadolint,bulkhead',
        description: 'Scanners to use, comma- or line-separated: `trivy`, `hadolint`, `bulkhead` (the built-in image and Dockerfile checks).',
    },
    {
        name: 'fail-on',
        kind: 'string',
        default: 'high',
        description: 'Lowest severity that fails the gate, inclusive: `critical`, `high`, `medium`, `low`, or `none` (report only). Everything is reported whatever this is.',
    },
    {
        name: 'ignore-unfixed',
        kind: 'boolean',
        default: 'false',
        description: 'When `true`, vulnerabilities without a fixed version are reported but do not fail the gate.',
    },
    {
        name: 'policy',
        kind: 'string',
        default: '',
        description: 'Policy file (exceptions with reasons and expiry, overrides). Default: `.bulkhead.yml` when it exists.',
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
        name: 'comment',
        kind: 'string',
        default: 'always',
        description: 'When to post or update the sticky pull-request comment: `always`, `on-failure`, or `never`.',
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
        description: 'Prefix of the code-scanning category of each SARIF run (default `bulkhead`). Set it when two jobs scan the same image, e.g. per architecture.',
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
        description: 'Trivy version to install. Default: the version pinned, with its checksum, in this release of bulkhead.',
    },
    {
        name: 'hadolint-version',
        kind: 'string',
        default: '',
        description: 'hadolint version to install. Default: the version pinned, with its checksum, in this release of bulkhead.',
    },
    {
        name: 'timeout',
        kind: 'string',
        default: '10m',
        description: 'Time limit for each scanner run, e.g. `90s`, `10m`, `1h`.',
    },
    {
        name: 'scanner-error',
        kind: 'string',
        default: 'fail',
        description: 'What a scanner that fails to run does to the gate: `fail` (default; the gate fails closed) or `warn` (the other scanners\' findings still decide).',
    },
];
const OUTPUTS = [
    { name: 'verdict', description: '`pass` or `fail`.' },
    { name: 'findings', description: 'Number of findings reported, all severities, suppressed included.' },
    { name: 'critical', description: 'Number of critical findings that are not suppressed.' },
    { name: 'high', description: 'Number of high findings that are not suppressed.' },
    { name: 'medium', description: 'Number of medium findings that are not suppressed.' },
    { name: 'low', description: 'Number of low findings that are not suppressed.' },
    { name: 'suppressed', description: 'Number of findings suppressed by policy.' },
    { name: 'sarif-file', description: 'Path of the SARIF log written.' },
    { name: 'report-file', description: 'Path of the JSON report written.' },
];
/** Inputs as the runner passes them (INPUT_<NAME>); an absent variable means the default. */
function rawInputsFromEnv(env) {
    const raw = {};
    for (const input of INPUTS) {
        const value = env[`INPUT_${input.name.toUpperCase()}`];
        if (value !== undefined)
            raw[input.name] = value;
    }
    return raw;
}

;// CONCATENATED MODULE: ./src/targets.ts


// Docker's reference grammar, simplified: [registry[:port]/]path[:tag][@digest].
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REFERENCE = new RegExp(`^(?:[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::[0-9]+)?/)?${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,})?$`);
function isImageReference(value) {
    return value.length <= 255 + 128 + 80 && REFERENCE.test(value);
}
function requireReference(value, input) {
    if (!isImageReference(value)) {
        throw new UsageError(`image "${input}" is not a valid image reference; write it as NAME[:TAG][@DIGEST] (e.g. ghcr.io/acme/app:pr-42), or use docker-archive:PATH, oci:DIR or oci-archive:PATH for files.`);
    }
    return value;
}
/** Parses one line of the `image` input (skopeo-style transports). */
function parseImageTarget(input) {
    const text = input.trim();
    const transport = /^(docker-daemon|docker-archive|oci-archive|oci|docker):/.exec(text);
    if (!transport) {
        const ref = requireReference(text, input);
        return { input, source: 'daemon', location: ref, key: imageRepository(ref) };
    }
    const rest = text.slice(transport[0].length);
    switch (transport[1]) {
        case 'docker-daemon': {
            const ref = requireReference(rest, input);
            return { input, source: 'daemon', location: ref, key: imageRepository(ref) };
        }
        case 'docker': {
            if (!rest.startsWith('//')) {
                throw new UsageError(`image "${input}" needs two slashes after the transport: docker://REF.`);
            }
            const ref = requireReference(rest.slice(2), input);
            return { input, source: 'registry', location: ref, key: imageRepository(ref) };
        }
        default: {
            const source = transport[1];
            if (rest.length === 0) {
                throw new UsageError(`image "${input}" names no path; write ${source}:PATH.`);
            }
            // skopeo: PATH[:REFERENCE]; a colon inside the path itself is rare and ambiguous.
            const colon = rest.lastIndexOf(':');
            const path = colon > 0 ? rest.slice(0, colon) : rest;
            const reference = colon > 0 ? rest.slice(colon + 1) : undefined;
            return {
                input,
                source,
                location: path,
                ...(reference ? { reference } : {}),
                key: reference && isImageReference(reference) ? imageRepository(reference) : path,
            };
        }
    }
}

;// CONCATENATED MODULE: ./src/config.ts







const DEFAULTS = Object.fromEntries(INPUTS.map((input) => [input.name, input.default]));
/** Reads one input: trims, splits lists on new lines (and commas where a list allows it). */
function config_valueOf(raw, name) {
    const value = raw[name];
    if (value === undefined)
        return DEFAULTS[name];
    return (typeof value === 'string' ? value : value.join('\n')).trim();
}
function listOf(raw, name, commas) {
    const value = config_valueOf(raw, name);
    return value
        .split(commas ? /[\n,]/ : /\n/)
        .map((item) => item.trim())
        .filter((item) => item.length > 0 && !item.startsWith('#'));
}
function booleanOf(raw, name) {
    const value = config_valueOf(raw, name).toLowerCase();
    if (['true', 'yes', '1', 'on'].includes(value))
        return true;
    if (['false', 'no', '0', 'off', ''].includes(value))
        return false;
    throw new UsageError(`${name} is "${config_valueOf(raw, name)}"; set it to true or false.`);
}
function oneOf(raw, name, allowed) {
    const value = config_valueOf(raw, name).toLowerCase();
    if (allowed.includes(value))
        return value;
    throw new UsageError(`${name} is "${config_valueOf(raw, name)}"; set it to one of: ${allowed.join(', ')}.`);
}
function parseDuration(text, name) {
    const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(text.trim());
    const value = match ? Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's')] : NaN;
    if (!Number.isFinite(value) || value <= 0) {
        throw new UsageError(`${name} is "${text}"; write a duration such as 90s, 10m or 1h.`);
    }
    return value;
}
/** A file the user named must exist and be a regular file. */
function requireFile(workspace, path, name) {
    const full = (0,external_node_path_namespaceObject.resolve)(workspace, path);
    if (!(0,external_node_fs_namespaceObject.existsSync)(full))
        throw new UsageError(`${name}: ${path} does not exist; check the path (it is relative to ${workspace}).`);
    if (!(0,external_node_fs_namespaceObject.statSync)(full).isFile())
        throw new UsageError(`${name}: ${path} is a directory; give the path of a file.`);
    return full;
}
function repoRelative(workspace, full) {
    const rel = (0,external_node_path_namespaceObject.relative)(workspace, full);
    return (rel.startsWith('..') || (0,external_node_path_namespaceObject.isAbsolute)(rel) ? full : rel).split(external_node_path_namespaceObject.sep).join('/');
}
function resolveDockerfiles(raw, workspace) {
    const patterns = listOf(raw, 'dockerfile', false);
    if (patterns.length === 0) {
        const full = (0,external_node_path_namespaceObject.resolve)(workspace, 'Dockerfile');
        return (0,external_node_fs_namespaceObject.existsSync)(full) && (0,external_node_fs_namespaceObject.statSync)(full).isFile() ? ['Dockerfile'] : [];
    }
    const files = new Set();
    for (const pattern of patterns) {
        if (hasGlob(pattern)) {
            const matches = globFiles(workspace, pattern);
            if (matches.length === 0)
                throw new UsageError(`dockerfile: the pattern ${pattern} matches no file under ${workspace}; fix the pattern or remove it.`);
            matches.forEach((m) => files.add(m));
        }
        else {
            files.add(repoRelative(workspace, requireFile(workspace, pattern, 'dockerfile')));
        }
    }
    return [...files];
}
function resolveScanners(raw) {
    const names = listOf(raw, 'scanners', true).map((s) => s.toLowerCase());
    const unknown = names.filter((name) => !TOOLS.includes(name));
    if (unknown.length > 0) {
        throw new UsageError(`scanners names ${unknown.map((u) => `"${u}"`).join(', ')}; the scanners are ${TOOLS.join(', ')}.`);
    }
    if (names.length === 0)
        throw new UsageError(`scanners is empty; name at least one of ${TOOLS.join(', ')}.`);
    return [...new Set(names)];
}
function resolvePolicy(raw, workspace) {
    const given = config_valueOf(raw, 'policy');
    if (given)
        return requireFile(workspace, given, 'policy');
    const fallback = (0,external_node_path_namespaceObject.resolve)(workspace, '.bulkhead.yml');
    return (0,external_node_fs_namespaceObject.existsSync)(fallback) ? fallback : undefined;
}
/** Inputs whose feature a later version brings: accepted at their defaults, refused otherwise. */
function refuseUnavailable(raw) {
    for (const name of ['trivy-version', 'hadolint-version']) {
        if (config_valueOf(raw, name) !== DEFAULTS[name]) {
            throw new UsageError(`${name} is not available yet in this version of bulkhead; remove it to use the pinned version.`);
        }
    }
}
/** Validates every input once, up front; the first problem is reported as one sentence. */
function parseConfig(raw, context) {
    const workspace = (0,external_node_path_namespaceObject.resolve)(context.workspace);
    if (!(0,external_node_fs_namespaceObject.existsSync)(workspace) || !(0,external_node_fs_namespaceObject.statSync)(workspace).isDirectory()) {
        throw new UsageError(`the workspace ${workspace} is not a directory.`);
    }
    refuseUnavailable(raw);
    const failOnText = config_valueOf(raw, 'fail-on').toLowerCase();
    if (failOnText !== 'none' && !isSeverity(failOnText)) {
        throw new UsageError(`fail-on is "${config_valueOf(raw, 'fail-on')}"; set it to critical, high, medium, low or none.`);
    }
    if (failOnText === 'info') {
        throw new UsageError('fail-on cannot be info; the lowest gate is low (use none to report without gating).');
    }
    const images = listOf(raw, 'image', false).map(parseImageTarget);
    for (const image of images) {
        if (image.source !== 'daemon' && image.source !== 'registry') {
            const full = (0,external_node_path_namespaceObject.resolve)(workspace, image.location);
            if (!(0,external_node_fs_namespaceObject.existsSync)(full))
                throw new UsageError(`image: ${image.location} does not exist; check the path in "${image.input}".`);
        }
    }
    const trivyReports = listOf(raw, 'trivy-report', false).map((p) => requireFile(workspace, p, 'trivy-report'));
    const hadolintReports = listOf(raw, 'hadolint-report', false).map((p) => requireFile(workspace, p, 'hadolint-report'));
    const token = config_valueOf(raw, 'github-token');
    const trivyVersion = config_valueOf(raw, 'trivy-version');
    const hadolintVersion = config_valueOf(raw, 'hadolint-version');
    const policyFile = resolvePolicy(raw, workspace);
    return {
        workspace,
        images,
        dockerfiles: resolveDockerfiles(raw, workspace),
        scanners: resolveScanners(raw),
        scannersExplicit: raw.scanners !== undefined && config_valueOf(raw, 'scanners') !== DEFAULTS.scanners,
        failOn: failOnText,
        ignoreUnfixed: booleanOf(raw, 'ignore-unfixed'),
        ...(policyFile ? { policyFile } : {}),
        sarifFile: (0,external_node_path_namespaceObject.resolve)(workspace, config_valueOf(raw, 'sarif-file') || DEFAULTS['sarif-file']),
        reportFile: (0,external_node_path_namespaceObject.resolve)(workspace, config_valueOf(raw, 'report-file') || DEFAULTS['report-file']),
        ...(context.markdownFile ? { markdownFile: (0,external_node_path_namespaceObject.resolve)(workspace, context.markdownFile) } : {}),
        trivyReports,
        hadolintReports,
        uploadSarif: booleanOf(raw, 'upload-sarif'),
        comment: oneOf(raw, 'comment', ['always', 'on-failure', 'never']),
        annotations: booleanOf(raw, 'annotations'),
        category: config_valueOf(raw, 'category') || 'bulkhead',
        ...(token && !token.startsWith('${{') ? { githubToken: token } : {}),
        ...(trivyVersion ? { trivyVersion } : {}),
        ...(hadolintVersion ? { hadolintVersion } : {}),
        timeoutMs: parseDuration(config_valueOf(raw, 'timeout'), 'timeout'),
        scannerError: oneOf(raw, 'scanner-error', ['fail', 'warn']),
    };
}

;// CONCATENATED MODULE: external "node:fs/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");
;// CONCATENATED MODULE: ./src/outputs.ts



async function write(path, text, what) {
    try {
        await (0,promises_namespaceObject.mkdir)((0,external_node_path_namespaceObject.dirname)(path), { recursive: true });
        await (0,promises_namespaceObject.writeFile)(path, text);
    }
    catch (error) {
        const code = error.code ?? String(error);
        throw new ToolError('bulkhead', `could not write the ${what} to ${path} (${code}).`);
    }
}
/** Writes the SARIF log, the JSON report and (when asked) the markdown summary, each redacted. */
async function writeReportFiles(outcome, redactor, markdownFile) {
    await write(outcome.config.sarifFile, redactor.apply(JSON.stringify(outcome.sarif, null, 2)), 'SARIF log');
    await write(outcome.config.reportFile, redactor.apply(JSON.stringify(outcome.report, null, 2)), 'JSON report');
    if (markdownFile)
        await write(markdownFile, redactor.apply(outcome.summaryMarkdown), 'markdown summary');
}

;// CONCATENATED MODULE: ./src/redact.ts
/**
 * Removes known secret values from any text bulkhead writes (logs, SARIF, comment, report.json).
 * Findings never carry secret values by construction; this is the second line of defence for
 * values that can reach text by other ways, such as the token or a value a scanner echoed.
 */
class Redactor {
    values = new Set();
    /** Values shorter than 6 characters would redact ordinary words; they are not secrets worth the noise. */
    add(value) {
        if (value && value.length >= 6)
            this.values.add(value);
    }
    apply(text) {
        let out = text;
        for (const value of this.values) {
            if (out.includes(value))
                out = out.split(value).join('***');
        }
        return out;
    }
}

;// CONCATENATED MODULE: ./src/report/table.ts

/** Terminal output: a compact table by severity, the failing findings, and a one-line verdict. */
function renderTable(input) {
    const { decisions, gate } = input;
    const tools = [...new Set(input.results.map((r) => r.tool))];
    const lines = [];
    const header = ['SEVERITY', ...tools.map((t) => t.toUpperCase()), 'TOTAL', 'FAILING'];
    const rows = SEVERITIES.map((severity) => {
        const active = decisions.filter((d) => d.finding.severity === severity && d.verdict !== 'suppressed');
        return [severity, ...tools.map((t) => String(active.filter((d) => d.finding.tool === t).length)), String(active.length), String(active.filter((d) => d.verdict === 'fails-gate').length)];
    });
    const suppressed = decisions.filter((d) => d.verdict === 'suppressed');
    rows.push(['suppressed', ...tools.map((t) => String(suppressed.filter((d) => d.finding.tool === t).length)), String(suppressed.length), '0']);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const format = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
    lines.push(format(header), ...rows.map(format), '');
    const failing = decisions.filter((d) => d.verdict === 'fails-gate').sort((a, b) => compareFindings(a.finding, b.finding));
    const maxListed = input.maxListed ?? 20;
    if (failing.length > 0) {
        lines.push('Fails the gate:');
        for (const d of failing.slice(0, maxListed)) {
            const f = d.finding;
            const pkg = f.pkg ? ` ${f.pkg.name} ${f.pkg.installed}${f.pkg.fixed ? ` -> ${f.pkg.fixed}` : ' (no fix)'}` : '';
            const at = f.file ? `  ${f.file}:${f.line ?? 1}` : f.image ? `  ${f.image}` : '';
            lines.push(`  ${f.severity.toUpperCase().padEnd(8)} ${f.ruleId}${pkg}${at}`);
        }
        if (failing.length > maxListed)
            lines.push(`  … and ${failing.length - maxListed} more (see the report file)`);
        lines.push('');
    }
    for (const r of gate.failedScanners)
        lines.push(`Scanner failed: ${r.tool} on ${r.target}: ${r.error ?? 'unknown error'}`);
    lines.push(gate.verdict === 'pass'
        ? `PASS: no finding at or above ${input.failOn} (${decisions.length} reported)`
        : `FAIL: ${gate.reasons.join('; ')}`);
    return lines.join('\n');
}

;// CONCATENATED MODULE: ./src/dockerfile.ts
/**
 * Line of the final stage's FROM instruction (1-based), or undefined when the text has none.
 * Image findings are placed there until attribution finds the instruction that caused them.
 */
function finalFromLine(text) {
    const lines = text.split(/\r?\n/);
    let found;
    let continued = false;
    lines.forEach((line, index) => {
        // A line that continues the previous instruction cannot start a new one.
        if (!continued && /^\s*FROM\s/i.test(line))
            found = index + 1;
        const trimmed = line.trimEnd();
        continued = !/^\s*#/.test(line) && (trimmed.endsWith('\\') || (continued && trimmed === ''));
    });
    return found;
}

;// CONCATENATED MODULE: ./src/policy/decide.ts

/** Trivy statuses that mean "no fixed version to move to". */
const UNFIXED = new Set(['affected', 'will_not_fix', 'fix_deferred', 'end_of_life']);
function isUnfixed(finding) {
    if (finding.kind !== 'vulnerability')
        return false;
    if (finding.pkg?.fixed)
        return false;
    return finding.fixStatus === undefined || UNFIXED.has(finding.fixStatus);
}
/** One decision for every finding, with the rule of policy that made it. */
function decide(findings, policy) {
    return findings.map((finding) => {
        if (policy.ignoreUnfixed && isUnfixed(finding)) {
            return { finding, verdict: 'below-threshold', reason: 'ignore-unfixed: no fixed version is available' };
        }
        if (policy.failOn === 'none') {
            return { finding, verdict: 'below-threshold', reason: 'fail-on is none: reported only' };
        }
        if (atOrAbove(finding.severity, policy.failOn)) {
            return { finding, verdict: 'fails-gate', reason: `${finding.severity} is at or above fail-on ${policy.failOn}` };
        }
        return { finding, verdict: 'below-threshold', reason: `${finding.severity} is below fail-on ${policy.failOn}` };
    });
}

;// CONCATENATED MODULE: ./src/policy/gate.ts
/** The verdict comes from the decisions and scanner statuses, and from nothing else. */
function gate(decisions, results, options) {
    const { scannerError } = options;
    const failingFindings = decisions.filter((d) => d.verdict === 'fails-gate').length;
    const failedScanners = results.filter((r) => r.status === 'error');
    const reasons = [];
    if (failingFindings > 0) {
        reasons.push(`${failingFindings} finding${failingFindings === 1 ? '' : 's'} at or above ${options.failOn}`);
    }
    for (const result of failedScanners) {
        reasons.push(scannerError === 'fail'
            ? `${result.tool} failed on ${result.target}: ${result.error ?? 'unknown error'} (scanner-error: fail)`
            : `${result.tool} failed on ${result.target} and was ignored (scanner-error: warn): ${result.error ?? 'unknown error'}`);
    }
    const closedByScanner = scannerError === 'fail' && failedScanners.length > 0;
    const verdict = failingFindings > 0 || closedByScanner ? 'fail' : 'pass';
    const exitCode = failingFindings > 0 ? 1 : closedByScanner ? 3 : 0;
    return { verdict, reasons, exitCode, failingFindings, failedScanners };
}

;// CONCATENATED MODULE: ./src/report/counts.ts
/** Severity counts leave suppressed findings out; `findings` counts everything reported. */
function countDecisions(decisions) {
    const counts = { findings: decisions.length, critical: 0, high: 0, medium: 0, low: 0, info: 0, suppressed: 0, failing: 0 };
    for (const d of decisions) {
        if (d.verdict === 'suppressed')
            counts.suppressed++;
        else
            counts[d.finding.severity]++;
        if (d.verdict === 'fails-gate')
            counts.failing++;
    }
    return counts;
}

;// CONCATENATED MODULE: ./src/report/json.ts
const REPORT_FORMAT = 'bulkhead-report/v1';
/** report-file: every finding with its decision and reason, and how each scanner fared. */
function buildJsonReport(input) {
    return {
        format: REPORT_FORMAT,
        bulkhead: { version: input.version },
        createdAt: input.createdAt.toISOString(),
        verdict: input.gate.verdict,
        exitCode: input.gate.exitCode,
        reasons: input.gate.reasons,
        policy: {
            failOn: input.config.failOn,
            ignoreUnfixed: input.config.ignoreUnfixed,
            scannerError: input.config.scannerError,
        },
        counts: input.counts,
        scanners: input.results.map((r) => ({
            tool: r.tool,
            key: r.key,
            target: r.target,
            origin: r.origin,
            version: r.version ?? null,
            status: r.status,
            error: r.error ?? null,
            durationMs: Math.round(r.durationMs),
            findings: r.findings.length,
            warnings: r.warnings,
        })),
        sarifOmitted: input.omitted,
        notes: input.notes,
        decisions: input.decisions.map((d) => ({ verdict: d.verdict, reason: d.reason, finding: d.finding })),
    };
}

;// CONCATENATED MODULE: ./src/report/escape.ts
/**
 * Makes scanner- and image-provided text inert in GitHub-flavoured markdown: no HTML, no links
 * or images, no emphasis or headings that change the page, no @mentions or #references that
 * notify anyone, no table breakage.
 */
function escapeMarkdown(text) {
    return text
        .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/[\\`*_{}[\]()#+\-!|~]/g, '\\$&')
        .replace(/@/g, '@\u200b')
        .replace(/:\/\//g, ':\u200b//')
        .replace(/www\./gi, (m) => `${m.slice(0, 3)}\u200b.`)
        .replace(/\r?\n/g, ' ');
}
/** For text inside a code span: only backticks and line breaks need care; mentions cannot fire there. */
function codeSpan(text) {
    // GFM splits table cells on | even inside code spans unless it is escaped.
    const clean = text.replace(/\r?\n/g, ' ').replace(/`/g, "'").replace(/\|/g, '\\|');
    return `\`${clean}\``;
}

;// CONCATENATED MODULE: ./src/report/markdown.ts


/** GitHub's limit for one step's summary. */
const SUMMARY_LIMIT_BYTES = 1024 * 1024;
const TOOL_NAMES = { trivy: 'Trivy', hadolint: 'hadolint', bulkhead: 'bulkhead' };
const SEVERITY_BADGE = {
    critical: '🟥 critical',
    high: '🟧 high',
    medium: '🟨 medium',
    low: '🟦 low',
    info: '⬜ info',
};
function where(decision) {
    const f = decision.finding;
    const parts = [];
    if (f.file)
        parts.push(codeSpan(`${f.file}:${f.line ?? 1}`));
    if (f.image)
        parts.push(codeSpan(f.image));
    if (f.path && f.kind !== 'vulnerability')
        parts.push(codeSpan(f.path));
    return parts.join(' ') || '—';
}
function packageCell(decision) {
    const pkg = decision.finding.pkg;
    return pkg ? codeSpan(`${pkg.name} ${pkg.installed}`.trim()) : '—';
}
function fixedCell(decision) {
    const f = decision.finding;
    if (f.kind !== 'vulnerability')
        return '—';
    return f.pkg?.fixed ? codeSpan(f.pkg.fixed) : 'no fix';
}
function ruleCell(decision) {
    const f = decision.finding;
    const id = escapeMarkdown(f.ruleId);
    // Links are only those the finding came with, and only http(s).
    return f.helpUri && /^https?:\/\/[^\s()<>]+$/.test(f.helpUri) ? `[${id}](${f.helpUri})` : id;
}
function findingsTable(decisions, withReason) {
    const header = withReason
        ? ['| Severity | Rule | Where | Package | Fixed in | Finding | Why |', '|---|---|---|---|---|---|---|']
        : ['| Severity | Rule | Where | Package | Fixed in | Finding |', '|---|---|---|---|---|---|'];
    return [
        ...header,
        ...decisions.map((d) => {
            const cells = [SEVERITY_BADGE[d.finding.severity], ruleCell(d), where(d), packageCell(d), fixedCell(d), escapeMarkdown(d.finding.title)];
            if (withReason)
                cells.push(escapeMarkdown(d.reason));
            return `| ${cells.join(' | ')} |`;
        }),
    ];
}
function sorted(decisions) {
    return [...decisions].sort((a, b) => compareFindings(a.finding, b.finding));
}
function countsTable(decisions, results) {
    const tools = TOOLS.filter((t) => results.some((r) => r.tool === t));
    const lines = [`| Severity | ${tools.map((t) => TOOL_NAMES[t]).join(' | ')} | Total | Fail the gate |`, `|---|${tools.map(() => '--:|').join('')}--:|--:|`];
    for (const severity of SEVERITIES) {
        const active = decisions.filter((d) => d.finding.severity === severity && d.verdict !== 'suppressed');
        if (active.length === 0 && (severity === 'info'))
            continue;
        const perTool = tools.map((t) => String(active.filter((d) => d.finding.tool === t).length));
        const failing = active.filter((d) => d.verdict === 'fails-gate').length;
        lines.push(`| ${SEVERITY_BADGE[severity]} | ${perTool.join(' | ')} | ${active.length} | ${failing} |`);
    }
    const suppressed = decisions.filter((d) => d.verdict === 'suppressed');
    if (suppressed.length > 0) {
        lines.push(`| suppressed | ${tools.map((t) => String(suppressed.filter((d) => d.finding.tool === t).length)).join(' | ')} | ${suppressed.length} | 0 |`);
    }
    return lines;
}
function scannersTable(results) {
    return [
        '| Scanner | Target | Version | Source | Status | Findings | Time |',
        '|---|---|---|---|---|--:|--:|',
        ...results.map((r) => [
            '',
            TOOL_NAMES[r.tool],
            codeSpan(r.target),
            r.version ? codeSpan(r.version) : '—',
            r.origin === 'report' ? 'report file' : 'run',
            r.status === 'ok' ? '✅ ok' : `❌ ${escapeMarkdown(r.error ?? 'failed')}`,
            String(r.findings.length),
            `${(r.durationMs / 1000).toFixed(1)} s`,
            '',
        ].join(' | ').trim()),
    ];
}
function render(input, maxRows) {
    const { gate, decisions } = input;
    const failing = sorted(decisions.filter((d) => d.verdict === 'fails-gate'));
    const below = sorted(decisions.filter((d) => d.verdict === 'below-threshold'));
    const suppressed = sorted(decisions.filter((d) => d.verdict === 'suppressed'));
    const out = [];
    const heading = gate.verdict === 'pass'
        ? `## ✅ bulkhead: pass`
        : `## ❌ bulkhead: fail`;
    out.push(heading, '');
    if (gate.verdict === 'pass') {
        out.push(`No finding at or above **${input.failOn}** remains${input.failOn === 'none' ? ' (fail-on is none: the gate reports only)' : ''}. ${decisions.length} finding${decisions.length === 1 ? '' : 's'} reported in all.`);
    }
    else {
        out.push('The gate failed because of:', '', ...gate.reasons.map((r) => `- ${escapeMarkdown(r)}`));
    }
    out.push('', ...countsTable(decisions, input.results), '');
    let cut = 0;
    const take = (list) => {
        const kept = list.slice(0, Math.max(0, maxRows));
        cut += list.length - kept.length;
        return kept;
    };
    if (failing.length > 0) {
        out.push(`### Fails the gate (${failing.length})`, '', ...findingsTable(take(failing), false), '');
    }
    if (below.length > 0) {
        out.push('<details><summary>' + `Below the gate (${below.length})` + '</summary>', '', ...findingsTable(take(below), true), '', '</details>', '');
    }
    if (suppressed.length > 0) {
        out.push('<details><summary>' + `Suppressed by policy (${suppressed.length})` + '</summary>', '', ...findingsTable(take(suppressed), true), '', '</details>', '');
    }
    if (cut > 0)
        out.push(`> ${cut} more finding${cut === 1 ? ' is' : 's are'} not listed here to keep this summary under GitHub's size limit; all are in ${codeSpan(input.reportFile)}.`, '');
    if (input.omitted.results > 0 || input.omitted.runs.length > 0) {
        const bySeverity = SEVERITIES.filter((s) => input.omitted.bySeverity[s]).map((s) => `${input.omitted.bySeverity[s]} ${s}`).join(', ');
        out.push(`> The SARIF log leaves out ${input.omitted.results} of the least severe results (${bySeverity}) to stay within GitHub's code-scanning limits${input.omitted.runs.length > 0 ? `, including ${input.omitted.runs.length} whole run(s)` : ''}. ${codeSpan(input.reportFile)} has them all.`, '');
    }
    out.push('### Scanners', '', ...scannersTable(input.results), '');
    if (input.notes.length > 0) {
        out.push('### Notes', '', ...input.notes.map((n) => `- ${escapeMarkdown(n)}`), '');
    }
    out.push(`SARIF: ${codeSpan(input.sarifFile)} · full report: ${codeSpan(input.reportFile)}`, '');
    return { text: out.join('\n'), cut };
}
/** The job summary: verdict first, counts, the failing findings, the rest folded. At most 1 MiB. */
function renderSummary(input) {
    const limit = input.limitBytes ?? SUMMARY_LIMIT_BYTES;
    let maxRows = input.decisions.length;
    for (;;) {
        const { text } = render(input, maxRows);
        const size = Buffer.byteLength(text, 'utf8');
        if (size <= limit || maxRows === 0)
            return text;
        maxRows = Math.floor(maxRows * Math.min(0.9, limit / size));
    }
}

;// CONCATENATED MODULE: external "node:zlib"
const external_node_zlib_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");
;// CONCATENATED MODULE: ./src/severity.ts
/**
 * Every mapping from a tool's severity to bulkhead's, in one place.
 *
 * Trivy
 *   CRITICAL → critical, HIGH → high, MEDIUM → medium, LOW → low.
 *   UNKNOWN (no vendor or NVD rating yet) → from the best CVSS score when the report has one,
 *   else medium: an unrated CVE is often a fresh one, so it must not sit silently below a
 *   `fail-on: medium` gate, yet it should not fail a `high` gate on no evidence.
 * hadolint
 *   error → high, warning → medium, info → low, style → info.
 *   (`ignore` is never emitted by hadolint.)
 * SARIF security-severity, which GitHub buckets by score:
 *   critical 9.5, high 8.0, medium 5.5, low 2.0, info 0.0 — unless the finding has its own CVSS score
 *   inside its band, which is then used as is.
 */
const TRIVY = {
    CRITICAL: 'critical',
    HIGH: 'high',
    MEDIUM: 'medium',
    LOW: 'low',
};
function fromTrivy(severity, cvss) {
    const known = typeof severity === 'string' ? TRIVY[severity.toUpperCase()] : undefined;
    if (known)
        return known;
    if (cvss !== undefined)
        return fromCvss(cvss);
    return 'medium';
}
const HADOLINT = {
    error: 'high',
    warning: 'medium',
    info: 'low',
    style: 'info',
};
function fromHadolint(level) {
    return (typeof level === 'string' && HADOLINT[level.toLowerCase()]) || 'medium';
}
/** CVSS v3 qualitative rating bands. */
function fromCvss(score) {
    if (score >= 9)
        return 'critical';
    if (score >= 7)
        return 'high';
    if (score >= 4)
        return 'medium';
    if (score > 0)
        return 'low';
    return 'info';
}
const BANDS = {
    critical: { min: 9.0, max: 10.0, nominal: 9.5 },
    high: { min: 7.0, max: 8.9, nominal: 8.0 },
    medium: { min: 4.0, max: 6.9, nominal: 5.5 },
    low: { min: 0.1, max: 3.9, nominal: 2.0 },
    info: { min: 0.0, max: 0.0, nominal: 0.0 },
};
/** The `security-severity` string GitHub code scanning reads; always inside the severity's band. */
function securitySeverity(severity, cvss) {
    const band = BANDS[severity];
    const score = cvss !== undefined && cvss >= band.min && cvss <= band.max ? cvss : band.nominal;
    return score.toFixed(1);
}

;// CONCATENATED MODULE: ./src/report/sarif.ts




/** GitHub code scanning's upload limits. */
const SARIF_LIMITS = { runs: 20, resultsPerRun: 25_000, gzippedBytes: 10 * 1024 * 1024 };
const SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
const SCANNERS = {
    trivy: { name: 'Trivy', informationUri: 'https://github.com/aquasecurity/trivy' },
    hadolint: { name: 'hadolint', informationUri: 'https://github.com/hadolint/hadolint' },
};
const BULKHEAD_URI = 'https://github.com/bulkhead-security/bulkhead';
/**
 * A SARIF-friendly rule name: Pascal case from the title ("Last USER should not be root" →
 * LastUserShouldNotBeRoot); it must differ from the id.
 */
function ruleName(id, title) {
    const words = title.replace(/[^A-Za-z0-9]+/g, ' ').trim().split(' ').filter(Boolean).slice(0, 8);
    const name = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()).join('');
    const fallback = `Rule${id.replace(/[^A-Za-z0-9]+/g, '')}`;
    if (name.length === 0)
        return fallback;
    const candidate = /^[A-Za-z]/.test(name) ? name : `Rule${name}`;
    return candidate !== id ? candidate : fallback;
}
function numericVersion(version) {
    const v = version?.replace(/^v/, '');
    return v && /^\d+(\.\d+)*([-+][0-9A-Za-z.-]+)?$/.test(v) ? v : undefined;
}
function levelOf(severity) {
    return severity === 'critical' || severity === 'high' ? 'error' : severity === 'medium' ? 'warning' : 'note';
}
/** `<category>/<tool>/<key>/`: stable per image repository or Dockerfile, never per tag. */
function automationId(category, tool, key) {
    const safeKey = key.replace(/[^A-Za-z0-9._/-]+/g, '-').replace(/\/+/g, '/').replace(/^\/|\/$/g, '') || 'default';
    return `${category}/${tool}/${safeKey}/`;
}
/** A repo-relative path as a URI reference: each segment percent-encoded, no leading slash. */
function toUri(path) {
    return path
        .replace(/\\/g, '/')
        .replace(/^\.?\/+/, '')
        .split('/')
        .map((segment) => encodeURIComponent(segment))
        .join('/');
}
function sentence(text) {
    const trimmed = text.trim();
    return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
function buildRule(decisions) {
    const first = decisions[0];
    const finding = first.finding;
    const worst = decisions.reduce((w, d) => (severityRank(d.finding.severity) < severityRank(w.finding.severity) ? d : w), first);
    const cvss = decisions.reduce((best, d) => (d.finding.cvss !== undefined && (best === undefined || d.finding.cvss > best) ? d.finding.cvss : best), undefined);
    const title = finding.title || finding.ruleId;
    const description = finding.description ?? title;
    const fix = finding.kind === 'vulnerability'
        ? 'Upgrade the affected package to a fixed version, or rebuild on a base image that has one.'
        : finding.kind === 'secret'
            ? 'Remove the secret from the image and from every layer that held it, then rotate it.'
            : finding.kind === 'lint'
                ? 'Change the Dockerfile instruction as the rule describes.'
                : 'Change the image or Dockerfile as the rule describes.';
    const more = finding.helpUri ? ` More: ${finding.helpUri}` : '';
    return {
        id: finding.ruleId,
        name: ruleName(finding.ruleId, title),
        shortDescription: { text: sentence(title.length > 1000 ? `${title.slice(0, 997)}...` : title) },
        fullDescription: { text: sentence(description.length > 4000 ? `${description.slice(0, 3997)}...` : description) },
        ...(finding.helpUri ? { helpUri: finding.helpUri } : {}),
        help: {
            text: `${sentence(description)} ${fix}${more}`,
            markdown: `**${escapeMarkdown(title)}**\n\n${escapeMarkdown(description)}\n\n${fix}` +
                (finding.helpUri ? `\n\n[${escapeMarkdown(finding.ruleId)}](${encodeURI(finding.helpUri)})` : ''),
        },
        defaultConfiguration: { level: levelOf(worst.finding.severity) },
        properties: {
            'security-severity': securitySeverity(worst.finding.severity, cvss !== undefined && cvss > 0 ? cvss : undefined),
            tags: ['security', finding.kind, finding.tool, worst.finding.severity],
            precision: finding.kind === 'lint' ? 'medium' : 'high',
        },
    };
}
function buildResult(decision, ruleIndex, fallbackUri) {
    const { finding } = decision;
    const uri = toUri(finding.file ?? fallbackUri);
    const properties = {
        severity: finding.severity,
        verdict: decision.verdict,
        reason: decision.reason,
        kind: finding.kind,
    };
    for (const key of ['image', 'layer', 'path', 'pkg', 'cvss', 'fixStatus']) {
        if (finding[key] !== undefined)
            properties[key] = finding[key];
    }
    return {
        ruleId: finding.ruleId,
        ruleIndex,
        level: levelOf(finding.severity),
        message: { text: sentence(finding.message) },
        locations: [{ physicalLocation: { artifactLocation: { uri }, region: { startLine: Math.max(1, finding.line ?? 1) } } }],
        partialFingerprints: { 'bulkhead/v1': finding.fingerprint, primaryLocationLineHash: `${finding.fingerprint}:1` },
        ...(decision.verdict === 'suppressed'
            ? { suppressions: [{ kind: 'external', status: 'accepted', justification: decision.reason }] }
            : {}),
        properties,
    };
}
function worstRank(decisions) {
    return decisions.reduce((w, d) => Math.min(w, severityRank(d.finding.severity)), SEVERITIES.length);
}
function buildRun(plan, input, maxResults) {
    const { result } = plan;
    const sorted = [...plan.decisions].sort((a, b) => compareFindings(a.finding, b.finding));
    const kept = sorted.slice(0, maxResults);
    const omitted = sorted.slice(maxResults);
    const rules = [];
    const ruleIndex = new Map();
    const byRule = new Map();
    for (const decision of kept) {
        const list = byRule.get(decision.finding.ruleId) ?? [];
        list.push(decision);
        byRule.set(decision.finding.ruleId, list);
    }
    for (const [id, list] of byRule) {
        ruleIndex.set(id, rules.length);
        rules.push(buildRule(list));
    }
    const seen = new Set();
    const results = [];
    for (const decision of kept) {
        // Two findings with one fingerprint would be one alert; keep the first (most severe).
        if (seen.has(decision.finding.fingerprint))
            continue;
        seen.add(decision.finding.fingerprint);
        results.push(buildResult(decision, ruleIndex.get(decision.finding.ruleId), result.key));
    }
    // The driver is bulkhead, which mapped severities and placed every result; the scanner that
    // found them is an extension, with its version when known (report files often lack it).
    const scanner = result.tool === 'bulkhead' ? undefined : SCANNERS[result.tool];
    const scannerVersion = numericVersion(result.version);
    const properties = { scanner: result.tool, target: result.target, origin: result.origin };
    if (result.version)
        properties.scannerVersion = result.version;
    if (omitted.length > 0)
        properties.omitted = summarizeOmitted(omitted);
    return {
        run: {
            tool: {
                driver: { name: 'bulkhead', version: input.bulkheadVersion, semanticVersion: input.bulkheadVersion, informationUri: BULKHEAD_URI, rules },
                ...(scanner ? { extensions: [{ ...scanner, ...(scannerVersion ? { version: scannerVersion } : {}) }] } : {}),
            },
            automationDetails: { id: automationId(input.category, result.tool, result.key) },
            invocations: [
                result.status === 'ok'
                    ? { executionSuccessful: true }
                    : { executionSuccessful: false, toolExecutionNotifications: [{ level: 'error', message: { text: sentence(result.error ?? `${result.tool} failed`) } }] },
            ],
            results,
            properties,
        },
        omitted,
    };
}
function summarizeOmitted(decisions) {
    const bySeverity = {};
    for (const d of decisions)
        bySeverity[d.finding.severity] = (bySeverity[d.finding.severity] ?? 0) + 1;
    return { results: decisions.length, bySeverity };
}
/**
 * One run per scan result. Within GitHub's limits the most severe results are kept; what was
 * cut is counted in the runs' properties and returned so the summary can say it too.
 */
function buildSarif(input) {
    const limits = input.limits ?? SARIF_LIMITS;
    const byResult = new Map();
    for (const result of input.results)
        byResult.set(result, []);
    // Decisions belong to the result whose findings array holds the finding.
    const owner = new Map();
    for (const result of input.results)
        for (const finding of result.findings)
            owner.set(finding, result);
    for (const decision of input.decisions) {
        const result = owner.get(decision.finding);
        if (!result)
            continue;
        byResult.get(result)?.push(decision);
    }
    let plans = [...byResult].map(([result, decisions]) => ({ result, decisions }));
    let dropped = [];
    if (plans.length > limits.runs) {
        plans.sort((a, b) => worstRank(a.decisions) - worstRank(b.decisions) || b.decisions.length - a.decisions.length);
        dropped = plans.slice(limits.runs);
        plans = plans.slice(0, limits.runs);
    }
    const omittedRuns = dropped.map((plan) => ({ tool: plan.result.tool, key: plan.result.key, results: plan.decisions.length }));
    let maxResults = limits.resultsPerRun;
    for (;;) {
        const built = plans.map((plan) => buildRun(plan, input, maxResults));
        const log = { $schema: SCHEMA, version: '2.1.0', runs: built.map((b) => b.run) };
        const omittedDecisions = built.flatMap((b) => b.omitted);
        const size = (0,external_node_zlib_namespaceObject.gzipSync)(JSON.stringify(log)).length;
        if (size <= limits.gzippedBytes || maxResults === 0) {
            const counted = summarizeOmitted([...omittedDecisions, ...dropped.flatMap((plan) => plan.decisions)]);
            const omitted = { runs: omittedRuns, results: counted.results, bySeverity: counted.bySeverity };
            if (omittedRuns.length > 0 && log.runs[0])
                log.runs[0].properties.omittedRuns = omittedRuns;
            return { log, omitted };
        }
        const largest = Math.max(...plans.map((p) => Math.min(p.decisions.length, maxResults)));
        maxResults = Math.floor(largest * Math.min(0.9, limits.gzippedBytes / size));
    }
}

;// CONCATENATED MODULE: ./src/json.ts
/** Small readers for untyped JSON: each returns undefined rather than guessing. */
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function str(value) {
    return typeof value === 'string' && value.length > 0 ? value : undefined;
}
function num(value) {
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
/**
 * Splits text that holds one or more JSON values written one after another
 * (`[][][{…}]`, or values separated by white space) and parses each. Throws SyntaxError
 * with the offset of the first malformed value.
 */
function parseJsonSequence(text) {
    const values = [];
    let i = 0;
    const n = text.length;
    while (i < n) {
        while (i < n && /\s/.test(text[i]))
            i++;
        if (i >= n)
            break;
        const start = i;
        const open = text[i];
        if (open !== '[' && open !== '{') {
            // A scalar (null, number, string): only valid as the whole document.
            values.push(JSON.parse(text.slice(start)));
            return values;
        }
        let depth = 0;
        let inString = false;
        for (; i < n; i++) {
            const c = text[i];
            if (inString) {
                if (c === '\\')
                    i++;
                else if (c === '"')
                    inString = false;
            }
            else if (c === '"')
                inString = true;
            else if (c === '[' || c === '{')
                depth++;
            else if (c === ']' || c === '}') {
                depth--;
                if (depth === 0) {
                    i++;
                    break;
                }
            }
        }
        if (depth !== 0)
            throw new SyntaxError(`unexpected end of JSON input (value starting at offset ${start} is not closed)`);
        values.push(JSON.parse(text.slice(start, i)));
    }
    return values;
}

;// CONCATENATED MODULE: ./src/reportFile.ts



/**
 * Largest scanner report bulkhead reads. Far above any real report (a Trivy report of a
 * 1,500-vulnerability image is ~2 MB); below the size where parsing it could exhaust a runner's memory.
 */
const MAX_REPORT_BYTES = 256 * 1024 * 1024;
/** Reads a scanner's JSON report: one document, or several written back to back. */
async function readJsonReport(path, maxBytes = MAX_REPORT_BYTES) {
    let text;
    const handle = await (0,promises_namespaceObject.open)(path, 'r').catch((error) => {
        throw new ReportError(path, `cannot be opened (${error.code ?? error.message}).`);
    });
    try {
        const stats = await handle.stat();
        if (!stats.isFile())
            throw new ReportError(path, 'is not a regular file; give the path of the JSON report.');
        if (stats.size > maxBytes) {
            throw new ReportError(path, `is ${(stats.size / 1048576).toFixed(0)} MiB, larger than the ${maxBytes / 1048576} MiB bulkhead reads; is it the right file?`);
        }
        text = await handle.readFile({ encoding: 'utf8' });
    }
    finally {
        await handle.close();
    }
    if (text.charCodeAt(0) === 0xfeff)
        text = text.slice(1);
    if (text.trim().length === 0)
        throw new ReportError(path, 'is empty; the scanner wrote no report (did it fail?).');
    try {
        return parseJsonSequence(text);
    }
    catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        throw new ReportError(path, `is not valid JSON (${detail}); it may be truncated or not a JSON report.`);
    }
}

;// CONCATENATED MODULE: ./src/scanners/hadolint/parse.ts



class HadolintFormatError extends Error {
}
/**
 * Reads `hadolint -f json` output: one array of findings, or several arrays written one after
 * another when runs were appended to one file (`[][][{…}]`); the caller splits those with
 * parseJsonSequence. `resolveFile` turns the tool's file name ("-" for stdin, Windows paths)
 * into the repo-relative Dockerfile path.
 */
function parseHadolintReport(documents, resolveFile) {
    const findings = [];
    const warnings = [];
    const occurrences = new Map();
    documents.forEach((document, index) => {
        if (isObject(document) && 'runs' in document) {
            throw new HadolintFormatError('is a SARIF log; bulkhead reads hadolint\'s JSON (run hadolint with -f json)');
        }
        if (!Array.isArray(document)) {
            throw new HadolintFormatError(`holds JSON ${document === null ? 'null' : typeof document} where hadolint writes a list of findings (run hadolint with -f json)`);
        }
        document.forEach((entry, position) => {
            const code = isObject(entry) ? str(entry.code) : undefined;
            if (!isObject(entry) || !code) {
                warnings.push(`entry ${position + 1} of list ${index + 1} has no rule code and was skipped`);
                return;
            }
            const file = resolveFile(str(entry.file) ?? '-');
            const message = str(entry.message) ?? code;
            const line = num(entry.line);
            // Same rule, same message, same file: told apart by order, so moving lines keeps identity.
            const identity = `${file}\u0000${code}\u0000${message}`;
            const occurrence = (occurrences.get(identity) ?? 0) + 1;
            occurrences.set(identity, occurrence);
            findings.push({
                tool: 'hadolint',
                ruleId: code,
                kind: 'lint',
                severity: fromHadolint(entry.level),
                title: message,
                message: `${message}${/[.!?]$/.test(message) ? '' : '.'}`,
                helpUri: ruleHelpUri(code),
                file,
                line: line !== undefined && line >= 1 ? line : 1,
                fingerprint: fingerprintOf(['hadolint', code, file, message, String(occurrence)]),
            });
        });
    });
    return { findings, warnings };
}
function ruleHelpUri(code) {
    if (/^DL\d{4}$/.test(code))
        return `https://github.com/hadolint/hadolint/wiki/${code}`;
    if (/^SC\d{4}$/.test(code))
        return `https://www.shellcheck.net/wiki/${code}`;
    return undefined;
}

;// CONCATENATED MODULE: ./src/scanners/hadolint/fromReport.ts



/**
 * Reads an existing hadolint JSON report (`hadolint-report` input). One result per Dockerfile
 * the report names, so that each gets its own SARIF run and category.
 */
async function hadolintFromReport(file, displayName, resolveFile) {
    const started = performance.now();
    const documents = await readJsonReport(file);
    let parsed;
    try {
        parsed = parseHadolintReport(documents, resolveFile);
    }
    catch (error) {
        if (error instanceof HadolintFormatError)
            throw new ReportError(displayName, error.message);
        throw error;
    }
    const byFile = new Map();
    for (const finding of parsed.findings) {
        const key = finding.file ?? displayName;
        let result = byFile.get(key);
        if (!result) {
            result = { tool: 'hadolint', key, target: key, origin: 'report', status: 'ok', durationMs: 0, findings: [], warnings: [] };
            byFile.set(key, result);
        }
        result.findings.push(finding);
    }
    const results = [...byFile.values()];
    if (results.length === 0) {
        // A clean report still says hadolint ran and found nothing.
        results.push({ tool: 'hadolint', key: displayName, target: displayName, origin: 'report', status: 'ok', durationMs: 0, findings: [], warnings: [] });
    }
    const elapsed = performance.now() - started;
    for (const result of results)
        result.durationMs = elapsed / results.length;
    results[0]?.warnings.push(...parsed.warnings);
    return results;
}

;// CONCATENATED MODULE: ./src/scanners/trivy/parse.ts



/** Thrown for a report whose shape is not Trivy's JSON; the message says what it is instead. */
class TrivyFormatError extends Error {
}
const UNFIXED_STATUSES = new Set(['affected', 'will_not_fix', 'fix_deferred', 'end_of_life', 'under_investigation', 'unknown']);
function parseTrivyReport(document) {
    if (document === null) {
        return { schema: 'legacy', diffIds: [], history: [], findings: [], warnings: [] };
    }
    if (Array.isArray(document)) {
        const report = { schema: 'legacy', diffIds: [], history: [], findings: [], warnings: [] };
        collectResults(document, 'the report', report);
        return report;
    }
    if (!isObject(document)) {
        throw new TrivyFormatError(`is JSON ${typeof document}, not a Trivy report (run Trivy with --format json)`);
    }
    if ('runs' in document && 'version' in document) {
        throw new TrivyFormatError('is a SARIF log; bulkhead reads Trivy\'s own JSON (run Trivy with --format json)');
    }
    if (document.SchemaVersion !== 2) {
        const seen = document.SchemaVersion === undefined ? 'has no SchemaVersion' : `has SchemaVersion ${JSON.stringify(document.SchemaVersion)}`;
        throw new TrivyFormatError(`${seen}; bulkhead reads Trivy JSON with SchemaVersion 2 (Trivy v0.20 and later) and the older array form`);
    }
    const metadata = isObject(document.Metadata) ? document.Metadata : {};
    const artifactType = str(document.ArtifactType);
    const artifactName = str(document.ArtifactName);
    const image = artifactType === 'container_image' ? artifactName : undefined;
    const report = {
        schema: 2,
        trivyVersion: isObject(document.Trivy) ? str(document.Trivy.Version) : undefined,
        artifactName,
        artifactType,
        image,
        imageId: str(metadata.ImageID),
        diffIds: Array.isArray(metadata.DiffIDs) ? metadata.DiffIDs.filter((d) => typeof d === 'string') : [],
        history: readHistory(metadata),
        findings: [],
        warnings: [],
    };
    if (document.Results !== undefined && document.Results !== null) {
        if (!Array.isArray(document.Results))
            throw new TrivyFormatError('has Results that is not a list');
        collectResults(document.Results, 'Results', report);
    }
    return report;
}
function readHistory(metadata) {
    const config = isObject(metadata.ImageConfig) ? metadata.ImageConfig : {};
    if (!Array.isArray(config.history))
        return [];
    return config.history.filter(isObject).map((entry) => ({
        createdBy: str(entry.created_by) ?? '',
        emptyLayer: entry.empty_layer === true,
    }));
}
function collectResults(results, where, report) {
    results.forEach((result, index) => {
        if (!isObject(result)) {
            report.warnings.push(`${where}[${index}] is not an object and was skipped`);
            return;
        }
        const context = {
            target: str(result.Target) ?? '',
            cls: str(result.Class) ?? '',
            type: str(result.Type) ?? '',
            image: report.image,
        };
        const at = `${where}[${index}]`;
        for (const [key, reader] of READERS) {
            const list = result[key];
            if (list === undefined || list === null)
                continue;
            if (!Array.isArray(list))
                throw new TrivyFormatError(`has ${at}.${key} that is not a list`);
            let skipped = 0;
            for (const entry of list) {
                const finding = isObject(entry) ? reader(entry, context) : undefined;
                if (finding === undefined) {
                    if (!(isObject(entry) && key === 'Misconfigurations' && str(entry.Status) !== 'FAIL'))
                        skipped++;
                    continue;
                }
                report.findings.push(finding);
            }
            if (skipped > 0) {
                report.warnings.push(`${at}.${key}: ${skipped} ${skipped === 1 ? 'entry' : 'entries'} without an ID or title could not be used`);
            }
        }
    });
}
function layerOf(entry) {
    return isObject(entry.Layer) ? (str(entry.Layer.DiffID) ?? str(entry.Layer.Digest)) : undefined;
}
/** The scanner target minus Trivy's " (alpine 3.10.2)" suffix on OS results, which names the image, not a path. */
function targetPath(context) {
    if (context.cls === 'os-pkgs')
        return undefined;
    return context.target || undefined;
}
/** The image or artefact key that findings are grouped and fingerprinted under. */
function subjectKey(context) {
    return context.image ? imageRepository(context.image) : '';
}
/** Best CVSS score: the severity source's, then NVD's, then the highest any source gives. */
function bestCvss(entry) {
    if (!isObject(entry.CVSS))
        return undefined;
    const scoreOf = (source) => isObject(source) ? (num(source.V40Score) ?? num(source.V3Score) ?? num(source.V2Score)) : undefined;
    const preferred = str(entry.SeveritySource);
    const first = (preferred ? scoreOf(entry.CVSS[preferred]) : undefined) ?? scoreOf(entry.CVSS.nvd);
    if (first !== undefined)
        return first;
    const all = Object.values(entry.CVSS).map(scoreOf).filter((s) => s !== undefined);
    return all.length > 0 ? Math.max(...all) : undefined;
}
const readVulnerability = (entry, context) => {
    const id = str(entry.VulnerabilityID);
    const name = str(entry.PkgName);
    if (!id || !name)
        return undefined;
    const installed = str(entry.InstalledVersion) ?? '';
    const fixed = str(entry.FixedVersion);
    const cvss = bestCvss(entry);
    const status = str(entry.Status) ?? (fixed ? 'fixed' : undefined);
    const title = str(entry.Title) ?? id;
    const pkgPath = str(entry.PkgPath) ?? targetPath(context);
    const purl = isObject(entry.PkgIdentifier) ? str(entry.PkgIdentifier.PURL) : undefined;
    const fix = fixed ? `fixed in ${fixed}` : status && UNFIXED_STATUSES.has(status) ? `no fix available (${status.replace(/_/g, ' ')})` : 'no fix available';
    return {
        tool: 'trivy',
        ruleId: id,
        kind: 'vulnerability',
        severity: fromTrivy(entry.Severity, cvss),
        title,
        message: `${name} ${installed} is affected by ${id}: ${title}; ${fix}.`,
        description: str(entry.Description),
        helpUri: str(entry.PrimaryURL),
        image: context.image,
        layer: layerOf(entry),
        path: pkgPath,
        pkg: { name, installed, ...(fixed ? { fixed } : {}), ...(purl ? { purl } : {}) },
        fixStatus: status,
        cvss,
        fingerprint: fingerprintOf(['trivy', id, subjectKey(context), name, pkgPath ?? context.type]),
    };
};
/**
 * Trivy masks the matched value in `Match` and `Code`, but the surrounding `Code` lines are
 * verbatim file content and may hold other secrets: none of it is copied.
 */
const readSecret = (entry, context) => {
    const rule = str(entry.RuleID);
    if (!rule)
        return undefined;
    const title = str(entry.Title) ?? rule;
    const line = num(entry.StartLine);
    const where = `${context.target}${line ? `:${line}` : ''}`;
    return {
        tool: 'trivy',
        ruleId: `secret/${rule}`,
        kind: 'secret',
        severity: fromTrivy(entry.Severity),
        title,
        message: `${title} found in ${where} (${str(entry.Category) ?? 'secret'}); the value is not shown.`,
        image: context.image,
        layer: layerOf(entry),
        path: context.target || undefined,
        fingerprint: fingerprintOf(['trivy', `secret/${rule}`, subjectKey(context), context.target, String(num(entry.Offset) ?? line ?? '')]),
    };
};
const readMisconfiguration = (entry, context) => {
    if (str(entry.Status) !== 'FAIL')
        return undefined;
    const id = str(entry.ID) ?? str(entry.AVDID);
    if (!id)
        return undefined;
    const title = str(entry.Title) ?? id;
    const cause = isObject(entry.CauseMetadata) ? entry.CauseMetadata : {};
    const line = num(cause.StartLine);
    const message = str(entry.Message) ?? title;
    const resolution = str(entry.Resolution);
    return {
        tool: 'trivy',
        ruleId: id,
        kind: 'misconfiguration',
        severity: fromTrivy(entry.Severity),
        title,
        message: `${message}${/[.!?]$/.test(message) ? '' : '.'}${resolution ? ` Fix: ${resolution}${/[.!?]$/.test(resolution) ? '' : '.'}` : ''}`,
        description: str(entry.Description),
        helpUri: str(entry.PrimaryURL),
        image: context.image,
        layer: layerOf(entry),
        path: context.target || undefined,
        ...(context.image ? {} : { file: context.target || undefined, line }),
        fingerprint: fingerprintOf(['trivy', id, subjectKey(context), context.target, message]),
    };
};
const readLicense = (entry, context) => {
    const name = str(entry.Name);
    if (!name)
        return undefined;
    const pkgName = str(entry.PkgName);
    const category = str(entry.Category) ?? 'unknown';
    const where = pkgName ?? (str(entry.FilePath) || context.target);
    const ruleId = `license/${name.replace(/[^A-Za-z0-9.+-]+/g, '-')}`;
    return {
        tool: 'trivy',
        ruleId,
        kind: 'license',
        severity: fromTrivy(entry.Severity),
        title: `${name} license (${category})`,
        message: `${where} is licensed under ${name}, which Trivy classifies as ${category}.`,
        helpUri: str(entry.Link),
        image: context.image,
        layer: layerOf(entry),
        path: str(entry.FilePath) ?? targetPath(context),
        fingerprint: fingerprintOf(['trivy', ruleId, subjectKey(context), where]),
    };
};
const READERS = [
    ['Vulnerabilities', readVulnerability],
    ['Secrets', readSecret],
    ['Misconfigurations', readMisconfiguration],
    ['Licenses', readLicense],
];

;// CONCATENATED MODULE: ./src/scanners/trivy/fromReport.ts





/** Reads an existing Trivy JSON report (`trivy-report` input) into a scan result. */
async function trivyFromReport(file, displayName) {
    const started = performance.now();
    const documents = await readJsonReport(file);
    if (documents.length !== 1) {
        throw new ReportError(displayName, `holds ${documents.length} JSON documents; a Trivy report is one (write one report per file).`);
    }
    let report;
    try {
        report = parseTrivyReport(documents[0]);
    }
    catch (error) {
        if (error instanceof TrivyFormatError)
            throw new ReportError(displayName, error.message);
        throw error;
    }
    const key = report.image ? imageRepository(report.image) : (report.artifactName ?? (0,external_node_path_namespaceObject.basename)(file));
    return {
        report,
        result: {
            tool: 'trivy',
            key,
            target: report.image ?? report.artifactName ?? displayName,
            origin: 'report',
            ...(report.trivyVersion ? { version: report.trivyVersion } : {}),
            status: 'ok',
            durationMs: performance.now() - started,
            findings: report.findings,
            warnings: report.warnings,
        },
    };
}

;// CONCATENATED MODULE: ./src/version.ts
/** bulkhead's own version; a test keeps it equal to package.json's. */
const BULKHEAD_VERSION = '0.1.0';

;// CONCATENATED MODULE: ./src/run.ts













function displayPath(config, full) {
    const rel = (0,external_node_path_namespaceObject.relative)(config.workspace, full);
    return rel.startsWith('..') || (0,external_node_path_namespaceObject.isAbsolute)(rel) ? full : rel.split(external_node_path_namespaceObject.sep).join('/');
}
/** hadolint names files as it was given them ("-" for stdin, Windows paths): map to the repo's Dockerfiles. */
function hadolintFileResolver(config) {
    return (file) => {
        const single = config.dockerfiles.length === 1 ? config.dockerfiles[0] : undefined;
        if (file === '-' && single)
            return single;
        const normalized = file.replace(/\\/g, '/').replace(/^\.\//, '');
        const known = config.dockerfiles.find((d) => d === normalized || normalized.endsWith(`/${d}`));
        if (known)
            return known;
        return (0,external_node_path_namespaceObject.isAbsolute)(normalized) ? displayPath(config, normalized) : normalized;
    };
}
function unavailable(tool, key, target, error) {
    return { tool, key, target, origin: 'run', status: 'error', durationMs: 0, findings: [], error, warnings: [] };
}
async function run_collectResults(config, notes) {
    const results = [];
    for (const tool of config.scanners) {
        if (tool === 'trivy') {
            if (config.trivyReports.length > 0) {
                for (const file of config.trivyReports)
                    results.push((await trivyFromReport(file, displayPath(config, file))).result);
            }
            else if (config.images.length > 0) {
                for (const image of config.images) {
                    results.push(unavailable('trivy', image.key, image.input, 'this version of bulkhead reads Trivy reports but cannot run Trivy yet; give trivy-report, or leave trivy out of scanners'));
                }
            }
            else
                notes.push('Trivy had nothing to scan: no image and no trivy-report.');
        }
        else if (tool === 'hadolint') {
            if (config.hadolintReports.length > 0) {
                for (const file of config.hadolintReports)
                    results.push(...(await hadolintFromReport(file, displayPath(config, file), hadolintFileResolver(config))));
            }
            else if (config.dockerfiles.length > 0) {
                for (const dockerfile of config.dockerfiles) {
                    results.push(unavailable('hadolint', dockerfile, dockerfile, 'this version of bulkhead reads hadolint reports but cannot run hadolint yet; give hadolint-report, or leave hadolint out of scanners'));
                }
            }
            else
                notes.push('hadolint had nothing to lint: no Dockerfile and no hadolint-report.');
        }
        else if (config.images.length > 0 || config.dockerfiles.length > 0) {
            if (config.scannersExplicit) {
                results.push(unavailable('bulkhead', 'builtin', 'built-in checks', 'the built-in image checks are not available in this version of bulkhead; leave bulkhead out of scanners'));
            }
            else {
                notes.push('The built-in image checks (bulkhead) are not available in this version and did not run.');
            }
        }
    }
    return results;
}
/**
 * Until attribution knows the instruction, an image finding sits on the FROM line of the final
 * stage of the Dockerfile that built the image: the Dockerfile given at the same position as the
 * image, or the only Dockerfile given.
 */
async function locateImageFindings(config, results) {
    const fromLines = new Map();
    for (const dockerfile of config.dockerfiles) {
        const text = await (0,promises_namespaceObject.readFile)((0,external_node_path_namespaceObject.resolve)(config.workspace, dockerfile), 'utf8');
        fromLines.set(dockerfile, finalFromLine(text) ?? 1);
    }
    const dockerfileFor = (imageKey) => {
        if (config.dockerfiles.length === 1)
            return config.dockerfiles[0];
        const index = config.images.findIndex((i) => i.key === imageKey);
        return index >= 0 && config.images.length === config.dockerfiles.length ? config.dockerfiles[index] : undefined;
    };
    return results.map((result) => {
        if (result.tool === 'hadolint')
            return result;
        const dockerfile = dockerfileFor(result.key);
        if (!dockerfile)
            return result;
        const place = (finding) => finding.file !== undefined ? finding : { ...finding, file: dockerfile, line: fromLines.get(dockerfile) ?? 1 };
        return { ...result, findings: result.findings.map(place) };
    });
}
async function runScan(config, logger, now = () => new Date()) {
    if (config.policyFile) {
        throw new UsageError(`policy: ${displayPath(config, config.policyFile)} cannot be applied by this version of bulkhead yet; remove the file or the policy input, or use fail-on and ignore-unfixed.`);
    }
    if (config.images.length === 0 && config.dockerfiles.length === 0 && config.trivyReports.length === 0 && config.hadolintReports.length === 0) {
        throw new UsageError('there is nothing to scan; set image, dockerfile, trivy-report or hadolint-report (no Dockerfile was found in the workspace).');
    }
    const notes = [];
    const collected = await run_collectResults(config, notes);
    if (collected.length === 0) {
        throw new UsageError(`none of the scanners (${config.scanners.join(', ')}) has anything to scan; check scanners against image, dockerfile and the report inputs.`);
    }
    for (const result of collected) {
        for (const warning of result.warnings)
            notes.push(`${result.tool} (${result.target}): ${warning}`);
        logger.info(`${result.tool} ${result.target}: ${result.status === 'ok' ? `${result.findings.length} findings` : `failed: ${result.error}`}`);
    }
    const results = await locateImageFindings(config, collected);
    const decisions = decide(results.flatMap((r) => r.findings), { failOn: config.failOn, ignoreUnfixed: config.ignoreUnfixed });
    const outcome = gate(decisions, results, { failOn: config.failOn, scannerError: config.scannerError });
    const counts = countDecisions(decisions);
    const { log: sarif, omitted } = buildSarif({ results, decisions, category: config.category, bulkheadVersion: BULKHEAD_VERSION });
    const sarifFile = displayPath(config, config.sarifFile);
    const reportFile = displayPath(config, config.reportFile);
    const summaryMarkdown = renderSummary({ gate: outcome, decisions, results, counts, failOn: config.failOn, omitted, notes, sarifFile, reportFile });
    const report = buildJsonReport({ version: BULKHEAD_VERSION, config, gate: outcome, counts, results, decisions, omitted, notes, createdAt: now() });
    return { config, results, decisions, gate: outcome, counts, sarif, omitted, summaryMarkdown, report, notes };
}

;// CONCATENATED MODULE: ./src/cli.ts









const HELP = `bulkhead ${BULKHEAD_VERSION} — gate CI/CD on container security

Usage:
  bulkhead scan [flags]
  bulkhead --help | --version

Every input of the GitHub Action is a flag of the same name; list inputs repeat the flag
(--image a --image b) or take one value per line. Boolean flags take no value (--ignore-unfixed)
or an explicit one (--ignore-unfixed=false).

${INPUTS.map((i) => `  --${i.name}${'aliases' in i ? ` (--${i.aliases.join(', --')})` : ''}${i.kind === 'boolean' ? '' : ' VALUE'}\n      ${i.description}${i.default && !i.default.startsWith('$') ? ` Default: ${i.default}.` : ''}`).join('\n')}
  --markdown FILE
      Also write the markdown summary (the job summary of the action) to FILE.
  --format table|json
      What to print on standard output: a table by severity and a verdict (default), or the JSON report.

Exit codes: 0 pass · 1 the gate failed on findings · 2 usage or configuration error ·
3 a scanner or tool failed and the gate was closed because of it.
`;
const BOOLEAN_INPUTS = new Set(INPUTS.filter((i) => i.kind === 'boolean').map((i) => i.name));
/** `--flag` alone means true for boolean inputs; `--no-flag` means false. */
function normalizeBooleans(args) {
    return args.map((arg) => {
        const name = arg.replace(/^--/, '');
        if (arg.startsWith('--') && BOOLEAN_INPUTS.has(name))
            return `${arg}=true`;
        if (arg.startsWith('--no-') && BOOLEAN_INPUTS.has(name.slice(3)))
            return `--${name.slice(3)}=false`;
        return arg;
    });
}
function parseCliArguments(argv) {
    const options = {
        help: { type: 'boolean' },
        version: { type: 'boolean' },
        markdown: { type: 'string' },
        format: { type: 'string' },
    };
    const aliasOf = new Map();
    for (const input of INPUTS) {
        options[input.name] = { type: 'string', multiple: true };
        for (const alias of 'aliases' in input ? input.aliases : []) {
            options[alias] = { type: 'string', multiple: true };
            aliasOf.set(alias, input.name);
        }
    }
    let parsed;
    try {
        parsed = (0,external_node_util_namespaceObject.parseArgs)({ args: normalizeBooleans(argv), options, allowPositionals: true, strict: true });
    }
    catch (error) {
        throw new UsageError(`${errorMessage(error).replace(/\. To specify a positional.*$/s, '')}; see bulkhead --help.`);
    }
    const { values, positionals } = parsed;
    if (values.help)
        return { command: 'help', raw: {}, format: 'table' };
    if (values.version)
        return { command: 'version', raw: {}, format: 'table' };
    const [command, ...extra] = positionals;
    if (command !== undefined && command !== 'scan')
        throw new UsageError(`unknown command "${command}"; the command is scan (see bulkhead --help).`);
    if (extra.length > 0)
        throw new UsageError(`unexpected argument "${extra[0]}"; flags take the form --name VALUE (see bulkhead --help).`);
    const raw = {};
    for (const [key, value] of Object.entries(values)) {
        const name = (aliasOf.get(key) ?? key);
        if (!INPUTS.some((i) => i.name === name) || !Array.isArray(value))
            continue;
        const previous = raw[name];
        const list = [...(previous === undefined ? [] : typeof previous === 'string' ? [previous] : previous), ...value];
        const spec = INPUTS.find((i) => i.name === name);
        if (spec?.kind !== 'list' && list.length > 1)
            throw new UsageError(`--${name} was given ${list.length} times; give it once.`);
        raw[name] = spec?.kind === 'list' ? list : list[0];
    }
    const format = typeof values.format === 'string' ? values.format : 'table';
    if (format !== 'table' && format !== 'json')
        throw new UsageError(`--format is "${format}"; use table or json.`);
    return {
        command: 'scan',
        raw,
        ...(typeof values.markdown === 'string' ? { markdownFile: values.markdown } : {}),
        format,
    };
}
/** Runs the CLI and returns its exit code; never throws. */
async function runCli(argv, io) {
    try {
        const args = parseCliArguments(argv);
        if (args.command === 'help') {
            io.stdout(HELP);
            return 0;
        }
        if (args.command === 'version') {
            io.stdout(`${BULKHEAD_VERSION}\n`);
            return 0;
        }
        const redactor = new Redactor();
        const token = typeof args.raw['github-token'] === 'string' ? args.raw['github-token'] : undefined;
        redactor.add(token);
        const config = parseConfig(args.raw, { workspace: io.cwd, ...(args.markdownFile ? { markdownFile: args.markdownFile } : {}) });
        const outcome = await runScan(config, { info: () => { }, warning: (m) => io.stderr(`warning: ${redactor.apply(m)}\n`) });
        await writeReportFiles(outcome, redactor, config.markdownFile);
        for (const note of outcome.notes)
            io.stderr(`note: ${redactor.apply(note)}\n`);
        if (args.format === 'json')
            io.stdout(`${redactor.apply(JSON.stringify(outcome.report, null, 2))}\n`);
        else
            io.stdout(`${redactor.apply(renderTable({ gate: outcome.gate, decisions: outcome.decisions, results: outcome.results, failOn: config.failOn }))}\n`);
        return outcome.gate.exitCode;
    }
    catch (error) {
        if (error instanceof UsageError) {
            io.stderr(`bulkhead: ${error.message}\n`);
            return 2;
        }
        const detail = error instanceof ToolError ? error.message : `unexpected error: ${errorMessage(error)}`;
        io.stderr(`bulkhead: ${detail}\n`);
        if (io.env.BULKHEAD_DEBUG && error instanceof Error && error.stack)
            io.stderr(`${error.stack}\n`);
        return 3;
    }
}

;// CONCATENATED MODULE: ./src/cliMain.ts

runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
}).then((code) => {
    process.exitCode = code;
});

