export const id = 936;
export const ids = [936];
export const modules = {

/***/ 86936:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runCli: () => (/* binding */ runCli)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./src/util/errors.ts
var errors = __webpack_require__(70017);
;// CONCATENATED MODULE: ./src/util/words.ts
/**
 * Splits a command line into words as a POSIX shell would split a simple command: blanks separate
 * words, single quotes keep everything, double quotes keep everything but `\"` and `\\`, a
 * backslash outside quotes keeps the next character. Nothing is expanded ($VAR, globs, ~), and
 * the words are passed to a program directly, never to a shell. Undefined when a quote is not
 * closed, so that the caller can say so.
 */
function splitWords(text) {
    const words = [];
    let word = '';
    let inWord = false;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
            if (inWord)
                words.push(word);
            word = '';
            inWord = false;
        }
        else if (c === "'") {
            const end = text.indexOf("'", i + 1);
            if (end < 0)
                return undefined;
            word += text.slice(i + 1, end);
            inWord = true;
            i = end;
        }
        else if (c === '"') {
            inWord = true;
            let closed = false;
            for (i++; i < text.length; i++) {
                const d = text[i];
                if (d === '"') {
                    closed = true;
                    break;
                }
                if (d === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
                    word += text[i + 1];
                    i++;
                }
                else
                    word += d;
            }
            if (!closed)
                return undefined;
        }
        else if (c === '\\') {
            if (i + 1 < text.length)
                word += text[++i];
            inWord = true;
        }
        else {
            word += c;
            inWord = true;
        }
    }
    if (inWord)
        words.push(word);
    return words;
}

;// CONCATENATED MODULE: ./src/util/paths.ts

/** A path as reports show it: workspace-relative and '/'-separated when inside the workspace, else as given. */
function workspacePath(workspace, full) {
    const rel = (0,external_node_path_.relative)(workspace, full);
    return (rel.startsWith('..') || (0,external_node_path_.isAbsolute)(rel) ? full : rel).split(external_node_path_.sep).join('/');
}

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
;// CONCATENATED MODULE: ./src/util/textFile.ts



/** Dockerfiles larger than this are refused: real ones are a few kilobytes, and parsing cost grows with size. */
const MAX_DOCKERFILE_BYTES = 256 * 1024;
/** Policy and ignore files larger than this are refused. */
const MAX_POLICY_BYTES = 1024 * 1024;
const sizeText = (bytes) => (bytes >= 1024 * 1024 ? `${Math.round(bytes / 1048576)} MiB` : `${bytes} bytes`);
/**
 * Opens a file only if it is a regular file no larger than `maxBytes`: a pull request can replace
 * any file bulkhead reads with a link to /dev/zero or a FIFO, which would otherwise never end or
 * never open (the open does not block on a FIFO). `refuse` makes the error for a detail such as
 * "is not a regular file", so each caller keeps its place in the error model. The caller closes it.
 */
async function openRegularFile(path, maxBytes, refuse) {
    const handle = await (0,promises_.open)(path, external_node_fs_.constants.O_RDONLY | external_node_fs_.constants.O_NONBLOCK).catch((error) => {
        throw refuse(`cannot be opened (${error.code ?? error.message}).`);
    });
    try {
        const info = await handle.stat();
        if (!info.isFile())
            throw refuse('is not a regular file (a device, FIFO, socket or directory); give a file.');
        if (info.size > maxBytes)
            throw refuse(`is ${sizeText(info.size)}, larger than the ${sizeText(maxBytes)} bulkhead reads for such a file; is it the right file?`);
        return { handle, size: info.size };
    }
    catch (error) {
        await handle.close();
        throw error;
    }
}
/** Reads a whole text file, only if openRegularFile lets it. */
async function readRegularFile(path, maxBytes, refuse, options = {}) {
    const { handle, size } = await openRegularFile(path, maxBytes, refuse);
    try {
        const bytes = Buffer.alloc(size);
        const { bytesRead } = await handle.read(bytes, 0, size, 0);
        let text;
        try {
            text = new TextDecoder('utf-8', { fatal: options.strictUtf8 === true }).decode(bytes.subarray(0, bytesRead));
        }
        catch {
            throw refuse('is not UTF-8 text; save it as UTF-8.');
        }
        return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    }
    catch (error) {
        if (error instanceof errors/* UsageError */.eb || error instanceof errors/* FormatError */.IF)
            throw error;
        throw refuse(`cannot be read (${error.code ?? String(error)}).`);
    }
    finally {
        await handle.close();
    }
}
/** A text file the repository holds (a Dockerfile, the policy file, an ignore file): not fit to read is the user's to fix (exit 2). */
function readTextFile(path, name, maxBytes) {
    return readRegularFile(path, maxBytes, (detail) => new errors/* UsageError */.eb(`${name} ${detail}`));
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
;// CONCATENATED MODULE: ./src/model/finding.ts

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
/** Code-unit order: the same on every machine and locale, and far cheaper than ICU collation on 25,000 findings. */
function byText(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
/** Most severe first; ties keep a stable, readable order. */
function compareFindings(a, b) {
    return (severityRank(a.severity) - severityRank(b.severity) ||
        (b.cvss ?? 0) - (a.cvss ?? 0) ||
        byText(a.ruleId, b.ruleId) ||
        byText(a.pkg?.name ?? '', b.pkg?.name ?? '') ||
        byText(a.path ?? a.file ?? '', b.path ?? b.file ?? ''));
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
    // One-shot hash of the parts joined (what updating part by part hashes): every finding has one.
    let text = '';
    for (const part of parts)
        text += `${part ?? ''}\u0000`;
    return (0,external_node_crypto_.hash)('sha256', text, 'hex').slice(0, 32);
}

;// CONCATENATED MODULE: ./src/config/types.ts
/** What Trivy's --scanners can name. */
const TRIVY_SCAN_KINDS = ['vuln', 'secret', 'misconfig', 'license'];
/** What Trivy's --pkg-types can name. */
const TRIVY_PKG_TYPES = ['os', 'library'];
/** The names kustomize looks for in a directory. */
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

;// CONCATENATED MODULE: ./src/util/glob.ts


/** The longest pattern bulkhead accepts: far above any real one, and it bounds the matching cost. */
const MAX_PATTERN_LENGTH = 1024;
/** `{a,b}{c,d}…` multiplies: the alternatives one pattern may expand to. */
const MAX_ALTERNATIVES = 256;
/** The index of the `}` closing the `{` at `open`, and its top-level commas; undefined when unbalanced. */
function braceGroup(pattern, open) {
    let depth = 0;
    const commas = [];
    for (let i = open; i < pattern.length; i++) {
        const c = pattern[i];
        if (c === '\\')
            i++;
        else if (c === '[') {
            const end = classEnd(pattern, i);
            if (end !== undefined)
                i = end;
        }
        else if (c === '{')
            depth++;
        else if (c === '}' && --depth === 0)
            return { close: i, commas };
        else if (c === ',' && depth === 1)
            commas.push(i);
    }
    return undefined;
}
/** `{a,b}` → the alternatives, nested groups included; a group without a comma stays literal. */
function expandBraces(pattern) {
    for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i];
        if (c === '\\') {
            i++;
            continue;
        }
        if (c === '[') {
            const end = classEnd(pattern, i);
            if (end !== undefined)
                i = end;
            continue;
        }
        if (c !== '{')
            continue;
        const group = braceGroup(pattern, i);
        if (!group || group.commas.length === 0)
            continue;
        const bounds = [i, ...group.commas, group.close];
        const head = pattern.slice(0, i);
        const rest = pattern.slice(group.close + 1);
        const out = [];
        for (let k = 0; k + 1 < bounds.length; k++) {
            const choice = pattern.slice(bounds[k] + 1, bounds[k + 1]);
            for (const expanded of expandBraces(`${head}${choice}${rest}`)) {
                out.push(expanded);
                if (out.length > MAX_ALTERNATIVES)
                    throw new RangeError(`a pattern expands to more than ${MAX_ALTERNATIVES} alternatives`);
            }
        }
        return out;
    }
    return [pattern];
}
/** The index of the `]` closing a class that starts at `open`; undefined when it does not close (then `[` is literal). */
function classEnd(pattern, open) {
    let i = open + 1;
    if (pattern[i] === '!' || pattern[i] === '^')
        i++;
    if (pattern[i] === ']')
        i++;
    for (; i < pattern.length; i++) {
        if (pattern[i] === '\\')
            i++;
        else if (pattern[i] === ']')
            return i;
    }
    return undefined;
}
function parseClass(body) {
    let i = 0;
    const negated = body[0] === '!' || body[0] === '^';
    if (negated)
        i++;
    const ranges = [];
    const chars = [];
    for (; i < body.length; i++)
        chars.push(body[i] === '\\' && i + 1 < body.length ? body[++i] : body[i]);
    for (let k = 0; k < chars.length; k++) {
        const from = chars[k].codePointAt(0);
        if (chars[k + 1] === '-' && k + 2 < chars.length) {
            ranges.push([from, chars[k + 2].codePointAt(0)]);
            k += 2;
        }
        else
            ranges.push([from, from]);
    }
    return { ranges, negated };
}
function tokenize(pattern) {
    const tokens = [];
    const segmentStart = (i) => i === 0 || pattern[i - 1] === '/';
    for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i];
        if (c === '\\' && i + 1 < pattern.length)
            tokens.push({ kind: 'char', char: pattern[++i] });
        else if (c === '*') {
            let last = i;
            while (pattern[last + 1] === '*')
                last++;
            // Exactly two stars: `***` is one star, as in picomatch.
            const wholeSegment = last === i + 1 && segmentStart(i) && (last + 1 === pattern.length || pattern[last + 1] === '/');
            if (!wholeSegment) {
                // `a**b` is `a*b`: ** is special only as a whole segment.
                if (tokens.at(-1)?.kind !== 'star')
                    tokens.push({ kind: 'star' });
                i = last;
            }
            else if (last + 1 === pattern.length) {
                // A final `/**` also matches the directory itself: take back the slash before it.
                const slash = tokens.at(-1);
                const bare = !(slash?.kind === 'char' && slash.char === '/');
                if (!bare)
                    tokens.pop();
                tokens.push({ kind: 'tail', bare, orNothing: bare || tokens.at(-1)?.kind !== 'star' });
                i = last;
            }
            else {
                tokens.push({ kind: 'segments' });
                i = last + 1;
            }
        }
        else if (c === '?')
            tokens.push({ kind: 'one' });
        else if (c === '[') {
            const end = classEnd(pattern, i);
            if (end === undefined)
                tokens.push({ kind: 'char', char: c });
            else {
                tokens.push({ kind: 'class', ...parseClass(pattern.slice(i + 1, end)) });
                i = end;
            }
        }
        else
            tokens.push({ kind: 'char', char: c });
    }
    return tokens;
}
function inClass(token, c) {
    if (c === '/')
        return false;
    const code = c.codePointAt(0);
    const hit = token.ranges.some(([from, to]) => code >= from && code <= to);
    return hit !== token.negated;
}
/** One alternative (no braces left) as a state machine over the text's characters. */
function compileAlternative(pattern) {
    const tokens = tokenize(pattern);
    const m = tokens.length;
    // State i: tokens[0..i) matched. `segments` and `tail` have a second, inner state (m + 1 + i):
    // inside the run of segments (before its closing '/'), or past the tail's slash.
    const size = 2 * m + 2;
    const close = (states) => {
        // Stars, segment runs and tails may match nothing: the next state is reachable for free.
        for (let i = 0; i < m; i++) {
            const kind = tokens[i]?.kind;
            const token = tokens[i];
            const free = kind === 'star' || kind === 'segments' || (token?.kind === 'tail' && token.orNothing);
            if (states[i] && free)
                states[i + 1] = 1;
            if (kind === 'tail' && states[m + 1 + i])
                states[i + 1] = 1;
        }
    };
    return (text) => {
        let current = new Uint8Array(size);
        let next = new Uint8Array(size);
        current[0] = 1;
        close(current);
        for (let p = 0; p < text.length; p++) {
            const c = text[p];
            next.fill(0);
            for (let i = 0; i < m; i++) {
                const token = tokens[i];
                const inner = m + 1 + i;
                if (current[i]) {
                    if (token.kind === 'char') {
                        if (token.char === c)
                            next[i + 1] = 1;
                    }
                    else if (token.kind === 'one') {
                        if (c !== '/')
                            next[i + 1] = 1;
                    }
                    else if (token.kind === 'class') {
                        if (inClass(token, c))
                            next[i + 1] = 1;
                    }
                    else if (token.kind === 'star') {
                        if (c !== '/')
                            next[i] = 1;
                    }
                    else if (token.kind === 'segments') {
                        if (c === '/')
                            next[i + 1] = next[inner] = 1;
                        else
                            next[inner] = 1;
                    }
                    else if (token.bare || c === '/')
                        next[inner] = 1;
                }
                if (current[inner]) {
                    if (token.kind === 'segments') {
                        next[inner] = 1;
                        if (c === '/')
                            next[i + 1] = 1;
                    }
                    else if (token.kind === 'tail')
                        next[inner] = 1;
                }
            }
            close(next);
            if (!next.includes(1))
                return false;
            [current, next] = [next, current];
        }
        return current[m] === 1;
    };
}
function compileGlob(pattern) {
    if (pattern.length > MAX_PATTERN_LENGTH)
        throw new RangeError(`a pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
    let body = pattern;
    let negated = false;
    while (body.startsWith('!')) {
        negated = !negated;
        body = body.slice(1);
    }
    // `./x` names x, as the paths matched here never start with ./; whole-segment globstars in a row are one.
    while (body.startsWith('./'))
        body = body.slice(2);
    body = body.replace(/(^|\/)\*\*(?:\/\*\*)+(?=\/|$)/g, '$1**');
    const alternatives = expandBraces(body).map(compileAlternative);
    return {
        pattern,
        negated,
        matches: (text) => alternatives.some((matches) => matches(text)) !== negated,
    };
}
function hasGlob(pattern) {
    return /[*?[{]|^!/.test(pattern);
}
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules']);
/** Files under `root` whose root-relative, '/'-separated path matches the pattern. */
function globFiles(root, pattern) {
    const matcher = compileGlob(pattern.replace(/^\.\//, ''));
    const found = [];
    const walk = (directory) => {
        for (const entry of (0,external_node_fs_.readdirSync)(directory, { withFileTypes: true })) {
            const full = (0,external_node_path_.join)(directory, entry.name);
            if (entry.isDirectory()) {
                if (!SKIPPED_DIRECTORIES.has(entry.name))
                    walk(full);
            }
            else if (entry.isFile()) {
                const rel = (0,external_node_path_.relative)(root, full).split(external_node_path_.sep).join('/');
                if (matcher.matches(rel))
                    found.push(rel);
            }
        }
    };
    walk(root);
    return found.sort();
}

;// CONCATENATED MODULE: ./src/config/inputs.ts
/**
 * Every input of the action, which is also every flag of the CLI (same name). action.yml and
 * the README's input table are generated from this list (`npm run docs`); a test fails when
 * they drift.
 */
const INPUTS = [
    {
        name: 'mode',
        kind: 'string',
        default: 'scan',
        description: '`scan` (default): scan and gate. `merge`: read the report-files of earlier jobs (a matrix; `reports`) and give one summary, one comment, one report-file and one verdict over all of them. `publish`: in a `workflow_run` workflow, upload the SARIF log and post the comment that a scan job on a fork pull request left as an artifact (`report-file`, `sarif-file`), without running any of its code.',
    },
    {
        name: 'reports',
        kind: 'list',
        default: '',
        description: 'With `mode: merge`: the report-files to merge, one path or glob per line (e.g. `reports/**/bulkhead-report.json` after actions/download-artifact). A report that cannot be read fails the verdict.',
    },
    {
        name: 'merge-sarif',
        kind: 'boolean',
        default: 'false',
        description: "With `mode: merge`: also upload one SARIF log holding the runs of every SARIF file beside the merged report-files (each job's artifact). Off by default, since each scan job uploads its own; when on, give each matrix job its own `category` (GitHub rejects two runs of one tool and category in one upload) and let the jobs set `upload-sarif: false`.",
    },
    {
        name: 'image',
        kind: 'list',
        default: '',
        description: 'Images to scan, one per line. A bare reference (`myapp:pr-42`) or `docker-daemon:REF` means the local Docker daemon (streamed with `docker save`); `docker-archive:PATH[:REF]`, `oci:DIR[:TAG]`, `oci-archive:PATH[:TAG]` read files; `docker://REF` (or `registry:REF`) pulls from a registry without Docker, once per run for every scanner (credentials: `registry-username`/`registry-password`, else `~/.docker/config.json` and its credential helpers).',
    },
    {
        name: 'dockerfile',
        kind: 'list',
        default: '',
        description: "Dockerfiles to lint and to attribute image findings to, one path or glob per line, relative to the workspace (`**/Dockerfile`, `svc/{api,web}/Dockerfile`; a `!pattern` line leaves out what the others found). With several images, the n-th Dockerfile is the n-th image's; a single Dockerfile is every image's. Default: `Dockerfile` when it exists.",
    },
    {
        name: 'manifests',
        kind: 'list',
        default: '',
        description: 'Kubernetes manifests to check for how the containers will run (BH3xx), one path or glob per line (a `!pattern` line leaves out what the others found): YAML or JSON files (several documents, `List` kinds), or directories. A directory with a `kustomization.yaml` is rendered with `kubectl kustomize` (kubectl must be on PATH); any other directory means its YAML and JSON files. No default.',
    },
    {
        name: 'compose',
        kind: 'list',
        default: '',
        description: 'Compose files to check for how the services will run (BH3xx), one path or glob per line (a `!pattern` line leaves out what the others found). `${VAR}` is interpolated from the environment and the `.env` beside the file. Default: `compose.yaml`, `compose.yml`, `docker-compose.yml` or `docker-compose.yaml` at the workspace root, when one exists.',
    },
    {
        name: 'pod-security',
        kind: 'string',
        default: '',
        description: "Pod Security Standards level every Kubernetes workload must meet: `restricted`, `baseline` or `none`. A workload below it is a high finding (BH320). Default: the policy file's `pod-security`, else `none` (levels are still shown).",
    },
    {
        name: 'platform',
        kind: 'string',
        default: 'linux/amd64',
        description: 'Which image to read from an OCI layout or archive that holds several platforms (`os/arch[/variant]`). The summary says which one was read.',
    },
    {
        name: 'registry-username',
        kind: 'string',
        default: '',
        description: 'User name for the registries of `docker://` images (e.g. `${{ github.actor }}` for ghcr.io). Without it, `~/.docker/config.json` (`auths`, `credHelpers`, `credsStore`) is used, as `docker login` left it. The CLI also reads `REGISTRY_USERNAME`.',
    },
    {
        name: 'registry-password',
        kind: 'string',
        default: '',
        description: 'Password or token for `registry-username` (e.g. `${{ secrets.GITHUB_TOKEN }}` with `packages: read`). Masked in the log and never written anywhere; sent only to the registry and its token service. The CLI also reads `REGISTRY_PASSWORD` (prefer it to the flag, which other users can see in the process list).',
    },
    {
        name: 'registry-insecure',
        kind: 'list',
        default: '',
        description: 'Registries to reach over plain HTTP, one `host:port` per line (e.g. `localhost:5000` for a registry service container). Nothing is plain HTTP unless listed, loopback included. For a registry with its own CA, set `NODE_EXTRA_CA_CERTS` to the CA file in the job or shell.',
    },
    {
        name: 'tools',
        kind: 'list',
        default: 'trivy,hadolint,bulkhead',
        description: 'Tools to run, comma- or line-separated: `trivy`, `hadolint`, `bulkhead` (the built-in image, Dockerfile and workload checks). Which kinds of scan Trivy does is `trivy-scanners`.',
    },
    {
        name: 'trivy-scanners',
        kind: 'list',
        default: 'vuln,secret',
        description: "What Trivy looks for in images, comma-separated, as trivy-action's `scanners` and Trivy's `--scanners`: `vuln`, `secret`, `misconfig`, `license`.",
    },
    {
        name: 'trivyignores',
        kind: 'list',
        default: '',
        description: "More Trivy ignore files, one path per line or comma-separated (as trivy-action's `trivyignores`): `.trivyignore` lines or, for a name ending in `.yaml`/`.yml`, the `.trivyignore.yaml` format. Read with the workspace's own `.trivyignore(.yaml)`; bulkhead applies them itself and lists each suppression with its file.",
    },
    {
        name: 'trivy-cache',
        kind: 'boolean',
        default: 'true',
        description: "Keep Trivy's vulnerability database and its Java database in the Actions cache between runs, each under its own key (restored before Trivy runs, saved right after a fresh download, so a job that fails later keeps it; the Java database only once an image with JARs needed it). `false` downloads them every run.",
    },
    {
        name: 'trivy-skip-dirs',
        kind: 'list',
        default: '',
        description: "Directories inside the image that Trivy does not scan, one per line (globs as Trivy reads them, e.g. `/usr/share/doc`, `**/testdata`), as trivy-action's `skip-dirs`. bulkhead's own checks still read them.",
    },
    {
        name: 'trivy-skip-files',
        kind: 'list',
        default: '',
        description: "Files inside the image that Trivy does not scan, one per line (globs as Trivy reads them), as trivy-action's `skip-files`.",
    },
    {
        name: 'trivy-pkg-types',
        kind: 'list',
        default: 'os,library',
        description: "Which packages Trivy reports vulnerabilities in, comma-separated: `os` (the distribution's packages), `library` (language packages: npm, pip, Go modules, jars …), as trivy-action's `pkg-types`.",
    },
    {
        name: 'scanners',
        kind: 'list',
        default: '',
        deprecated: 'bulkhead calls this input `tools` now; `scanners` still works until 0.3.0. Trivy scan kinds (vuln, secret, …) go in `trivy-scanners`.',
        description: 'Deprecated: the former name of `tools`, read as `tools` with a warning until 0.3.0.',
    },
    {
        name: 'fail-on',
        kind: 'string',
        default: '',
        description: "Lowest severity that fails the gate, inclusive: `critical`, `high`, `medium`, `low`, or `none` (report only). Everything is reported whatever this is. Default: the policy file's `fail-on`, else `high`.",
    },
    {
        name: 'ignore-unfixed',
        kind: 'boolean',
        default: '',
        description: "When `true`, vulnerabilities without a fixed version are reported but do not fail the gate. Default: the policy file's `ignore-unfixed`, else `false`.",
    },
    {
        name: 'only-new',
        kind: 'boolean',
        default: '',
        description: "When `true`, only findings that are not in the baseline fail the gate (all are still reported). Default: the policy file's `only-new`, else `false`.",
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
        description: 'Policy file: fail-on, ignore-unfixed, only-new, severity overrides, and exceptions with a reason, an owner and an expiry date. Default: `.bulkhead.yml` when it exists.',
    },
    {
        name: 'vex',
        kind: 'list',
        default: '',
        description: 'OpenVEX documents, one per line; `not_affected` and `fixed` statements suppress the findings they cover, with their justification as the reason.',
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
        description: 'Where to write an SBOM of the scanned image, from the same Trivy run (its package list, `--list-all-pkgs`) or the given `trivy-report` if it lists packages: every package with its version, purl, licenses and the layer that brought it in. One image per run. Empty: no SBOM.',
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
        description: "Submit the scanned images' packages to GitHub's dependency graph (the dependency submission API; needs `contents: write`), so that Dependabot alerts and dependency review cover what the image ships. Trivy then lists every package, as for `sbom-file`.",
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
        description: "Trivy version to install. Default: the version pinned, with its checksum, in this release of bulkhead. Any other version from 0.68.1 on is verified by its Sigstore signature (the `.sigstore.json` bundle beside the archive, signed by Trivy's release workflow at that tag); 0.69.4 to 0.69.6 are refused.",
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
        description: 'sha256 of the Trivy release archive for this runner, for a `trivy-version` bulkhead ships no sha256 for. Not needed from 0.68.1 on: those releases are verified by their Sigstore signature instead. Take it from a source you trust, not only the same release page.',
    },
    {
        name: 'hadolint-sha256',
        kind: 'string',
        default: '',
        description: 'sha256 of the hadolint release binary for this runner, required when `hadolint-version` is a version bulkhead does not know.',
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
        description: "hadolint before 2.13.1 publishes no macOS arm64 build (2.14.0, which bulkhead knows, has one and is used as it is). For those versions, `rosetta` (default): run the x86_64 build under Rosetta 2 (GitHub's arm64 macOS runners have it; elsewhere `softwareupdate --install-rosetta --agree-to-license`), failing closed when Rosetta is missing. `skip`: lint no Dockerfile there, with a warning, instead of failing. Other platforms and versions ignore it.",
    },
    {
        name: 'release-mirror',
        kind: 'string',
        default: 'https://github.com',
        description: 'Where scanner releases are downloaded from: a URL that serves `<owner>/<repo>/releases/download/<tag>/<asset>` like github.com (an internal mirror, GHES). Checksums still come from bulkhead, and signatures are still checked against the trusted root.',
    },
    {
        name: 'sigstore-trusted-root',
        kind: 'string',
        default: '',
        description: "A Sigstore trusted_root.json (Fulcio CAs, Rekor and CT log keys) to verify scanner release signatures against, for a private Sigstore instance. Default: Sigstore's public-good root, shipped with bulkhead and checked offline.",
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
        description: "OCI repositories for Trivy's Java database, in order (Trivy's `--java-db-repository`). It is downloaded once per run, only when an image has Java archives and no cached copy is fresh. Default: Trivy's own.",
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
        description: "Run each image from the local Docker engine for a while under least privilege (read-only root, no capabilities, no new privileges, a non-root user, no network, pid and memory limits) and report what it needed (BH401–BH404) with a securityContext and Compose fragment it really ran under: `false` (default), `true` (10 s) or a duration such as `5s`. This runs the image's own code on the runner; off for pull requests from forks unless `rehearse-forks` is true.",
    },
    {
        name: 'rehearse-command',
        kind: 'string',
        default: '',
        description: "Arguments that replace the image's CMD for the rehearsal (the ENTRYPOINT stays), split like a shell would split words (quotes group, nothing is expanded), e.g. `serve --port 8080`.",
    },
    {
        name: 'rehearse-env',
        kind: 'list',
        default: '',
        description: 'Environment for the rehearsal, one `NAME=value` per line. Not for secrets: the rehearsal runs with no network and needs none.',
    },
    {
        name: 'rehearse-ready',
        kind: 'string',
        default: '',
        description: 'What "it works" means in a rehearsal: `log:REGEX` (a log line matches), or `exec:COMMAND` (run inside the container, e.g. `exec:wget -qO- 127.0.0.1:8080/healthz`, exits 0). Default: the image\'s HEALTHCHECK when it has one, else that it is still running at the end.',
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
        description: "What a scanner that fails to run does to the gate: `fail` (default; the gate fails closed) or `warn` (the other scanners' findings still decide).",
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
    { name: 'sarif-id', description: 'The id code scanning gave the uploaded SARIF log (empty when it was not uploaded).' },
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

// EXTERNAL MODULE: ./src/releases/choose.ts
var choose = __webpack_require__(28265);
// EXTERNAL MODULE: ./src/releases/catalog.ts + 1 modules
var catalog = __webpack_require__(72490);
;// CONCATENATED MODULE: ./src/config/targets.ts


// Docker's reference grammar, simplified: [registry[:port]/]path[:tag][@digest].
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REFERENCE = new RegExp(`^(?:[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::[0-9]+)?/)?${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,})?$`);
/**
 * The Dockerfile an image was built from: the only one given, or the one at the image's position
 * when as many are given as images. Attribution and the dependency graph pair them alike.
 */
function targets_pairedDockerfile(images, dockerfiles, imageKey) {
    if (dockerfiles.length === 1)
        return dockerfiles[0];
    const index = images.findIndex((i) => i.key === imageKey);
    return index >= 0 && images.length === dockerfiles.length ? dockerfiles[index] : undefined;
}
function isImageReference(value) {
    return value.length <= 255 + 128 + 80 && REFERENCE.test(value);
}
function requireReference(value, input) {
    if (!isImageReference(value)) {
        throw new errors/* UsageError */.eb(`image "${input}" is not a valid image reference; write it as NAME[:TAG][@DIGEST] (e.g. ghcr.io/acme/app:pr-42), or use docker-archive:PATH, oci:DIR or oci-archive:PATH for files.`);
    }
    return value;
}
/** Parses one line of the `image` input (skopeo-style transports). */
function parseImageTarget(input) {
    const text = input.trim();
    const transport = /^(docker-daemon|docker-archive|oci-archive|oci|docker|registry):/.exec(text);
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
                throw new errors/* UsageError */.eb(`image "${input}" needs two slashes after the transport: docker://REF.`);
            }
            const ref = requireReference(rest.slice(2), input);
            return { input, source: 'registry', location: ref, key: imageRepository(ref) };
        }
        case 'registry': {
            // The clearer alias of docker://REF: no slashes, since nothing else could follow.
            const ref = requireReference(rest.replace(/^\/\//, ''), input);
            return { input, source: 'registry', location: ref, key: imageRepository(ref) };
        }
        default: {
            const source = transport[1];
            if (rest.length === 0) {
                throw new errors/* UsageError */.eb(`image "${input}" names no path; write ${source}:PATH.`);
            }
            // skopeo's PATH[:REFERENCE]: split at the first colon, as containers/image does, so that a
            // reference keeps its own registry port and tag (oci:layout:ghcr.io/acme/app:1).
            const colon = rest.indexOf(':');
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

;// CONCATENATED MODULE: ./src/config/parse.ts













const DEFAULTS = Object.fromEntries(INPUTS.map((input) => [input.name, input.default]));
/** Reads one input: trims, splits lists on new lines (and commas where a list allows it). */
function parse_valueOf(raw, name) {
    const value = raw[name];
    if (value === undefined)
        return DEFAULTS[name];
    return (typeof value === 'string' ? value : value.join('\n')).trim();
}
function listOf(raw, name, commas) {
    const value = parse_valueOf(raw, name);
    return value
        .split(commas ? /[\n,]/ : /\n/)
        .map((item) => item.trim())
        .filter((item) => item.length > 0 && !item.startsWith('#'));
}
function optionalBoolean(raw, name) {
    return parse_valueOf(raw, name) === '' ? undefined : booleanOf(raw, name);
}
const TRUE_WORDS = ['true', 'yes', '1', 'on'];
const FALSE_WORDS = ['false', 'no', '0', 'off', ''];
function booleanOf(raw, name) {
    const value = parse_valueOf(raw, name).toLowerCase();
    if (TRUE_WORDS.includes(value))
        return true;
    if (FALSE_WORDS.includes(value))
        return false;
    throw new errors/* UsageError */.eb(`${name} is "${parse_valueOf(raw, name)}"; set it to true or false.`);
}
function oneOf(raw, name, allowed) {
    const value = parse_valueOf(raw, name).toLowerCase();
    if (allowed.includes(value))
        return value;
    throw new errors/* UsageError */.eb(`${name} is "${parse_valueOf(raw, name)}"; set it to one of: ${allowed.join(', ')}.`);
}
const MIN_DURATION_MS = 1000;
const MAX_DURATION_MS = 6 * 3_600_000;
function parseDuration(text, name) {
    const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(text.trim());
    const value = match ? Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's')] : NaN;
    if (!Number.isFinite(value) || value <= 0) {
        throw new errors/* UsageError */.eb(`${name} is "${text}"; write a duration such as 90s, 10m or 1h.`);
    }
    // A GitHub job runs at most 6 hours; Node's timers cannot wait more than about 24 days and fire
    // at once beyond that, which would turn a long limit into none at all.
    if (value < MIN_DURATION_MS || value > MAX_DURATION_MS) {
        throw new errors/* UsageError */.eb(`${name} is "${text}"; give a duration from 1s to 6h.`);
    }
    return value;
}
/** A file the user named must exist and be a regular file. */
function requireFile(workspace, path, name) {
    const full = (0,external_node_path_.resolve)(workspace, path);
    if (!(0,external_node_fs_.existsSync)(full))
        throw new errors/* UsageError */.eb(`${name}: ${path} does not exist; check the path (it is relative to ${workspace}).`);
    const info = (0,external_node_fs_.statSync)(full);
    if (info.isDirectory())
        throw new errors/* UsageError */.eb(`${name}: ${path} is a directory; give the path of a file.`);
    if (!info.isFile())
        throw new errors/* UsageError */.eb(`${name}: ${path} is not a regular file (a device, FIFO or socket); give the path of a file.`);
    if (name === 'dockerfile' && info.size > MAX_DOCKERFILE_BYTES) {
        throw new errors/* UsageError */.eb(`dockerfile: ${path} is ${info.size} bytes, more than the ${MAX_DOCKERFILE_BYTES} bulkhead reads; is it a Dockerfile?`);
    }
    return full;
}
function resolveDockerfiles(raw, workspace) {
    const patterns = listOf(raw, 'dockerfile', false);
    if (patterns.length === 0) {
        // Found by default, so it is checked like a named one: a Dockerfile that is a link to a device is refused, not skipped.
        return (0,external_node_fs_.existsSync)((0,external_node_path_.resolve)(workspace, 'Dockerfile'))
            ? [workspacePath(workspace, requireFile(workspace, 'Dockerfile', 'dockerfile'))]
            : [];
    }
    const { include, keep } = pathPatterns(patterns, 'dockerfile');
    const files = new Set();
    for (const pattern of include) {
        if (hasGlob(pattern)) {
            const matches = globFiles(workspace, pattern);
            if (matches.length === 0)
                throw new errors/* UsageError */.eb(`dockerfile: the pattern ${pattern} matches no file under ${workspace}; fix the pattern or remove it.`);
            matches.forEach((m) => files.add(m));
        }
        else {
            files.add(workspacePath(workspace, requireFile(workspace, pattern, 'dockerfile')));
        }
    }
    return keep([...files]);
}
/**
 * A path-list input's lines: patterns to include, and `!pattern` lines that leave out what the
 * others found, as in GitHub's `paths` filters. Leaving out everything is a mistake, said so.
 */
function pathPatterns(patterns, input) {
    const exclusions = patterns.filter((p) => p.startsWith('!')).map((p) => compileGlob(p.slice(1)));
    return {
        include: patterns.filter((p) => !p.startsWith('!')),
        keep: (files) => {
            const kept = files.filter((file) => !exclusions.some((glob) => glob.matches(file)));
            if (kept.length === 0 && files.length > 0)
                throw new errors/* UsageError */.eb(`${input}: the ! patterns leave out every file the others found; keep at least one.`);
            return kept;
        },
    };
}
const MANIFEST_FILE = /\.(ya?ml|json)$/i;
const COMPOSE_DEFAULTS = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
/** A directory: rendered with kustomize when it has a kustomization, else its YAML and JSON files. */
function manifestDirectory(workspace, path, full) {
    const relativePath = workspacePath(workspace, full);
    if (KUSTOMIZATION_FILES.some((name) => (0,external_node_fs_.existsSync)((0,external_node_path_.resolve)(full, name))))
        return [{ kind: 'kustomize', path: relativePath }];
    const prefix = relativePath === '' || relativePath === '.' ? '' : `${relativePath}/`;
    const files = globFiles(workspace, `${prefix}**`).filter((f) => MANIFEST_FILE.test(f));
    if (files.length === 0)
        throw new errors/* UsageError */.eb(`manifests: the directory ${path} holds no .yaml, .yml or .json file and no kustomization.yaml; give files or a kustomize directory.`);
    return files.map((f) => ({ kind: 'file', path: f }));
}
function resolveManifests(raw, workspace) {
    const targets = new Map();
    const add = (target) => targets.set(`${target.kind}:${target.path}`, target);
    const { include, keep } = pathPatterns(listOf(raw, 'manifests', false), 'manifests');
    for (const pattern of include) {
        if (hasGlob(pattern)) {
            const matches = globFiles(workspace, pattern);
            if (matches.length === 0)
                throw new errors/* UsageError */.eb(`manifests: the pattern ${pattern} matches no file under ${workspace}; fix the pattern or remove it.`);
            matches.forEach((path) => add({ kind: 'file', path }));
            continue;
        }
        const full = (0,external_node_path_.resolve)(workspace, pattern);
        if ((0,external_node_fs_.existsSync)(full) && (0,external_node_fs_.statSync)(full).isDirectory())
            manifestDirectory(workspace, pattern, full).forEach(add);
        else
            add({ kind: 'file', path: workspacePath(workspace, requireFile(workspace, pattern, 'manifests')) });
    }
    const kept = new Set(keep([...targets.values()].map((t) => t.path)));
    return [...targets.values()].filter((t) => kept.has(t.path));
}
/** mode: merge's reports: files or globs, each must match; the order given, duplicates once. */
function resolveReports(raw, workspace) {
    const patterns = listOf(raw, 'reports', false);
    if (patterns.length === 0) {
        throw new errors/* UsageError */.eb('mode: merge needs reports: the report-files of the jobs to merge, one path or glob per line.');
    }
    const files = new Set();
    for (const pattern of patterns) {
        if (hasGlob(pattern)) {
            const matches = globFiles(workspace, pattern);
            if (matches.length === 0)
                throw new errors/* UsageError */.eb(`reports: the pattern ${pattern} matches no file under ${workspace}; did the artifacts download there?`);
            for (const match of matches)
                files.add((0,external_node_path_.resolve)(workspace, match));
        }
        else
            files.add(requireFile(workspace, pattern, 'reports'));
    }
    return [...files];
}
function resolveCompose(raw, workspace) {
    const patterns = listOf(raw, 'compose', false);
    if (patterns.length === 0) {
        const found = COMPOSE_DEFAULTS.find((name) => (0,external_node_fs_.existsSync)((0,external_node_path_.resolve)(workspace, name)));
        return { files: found ? [workspacePath(workspace, requireFile(workspace, found, 'compose'))] : [], explicit: false };
    }
    const { include, keep } = pathPatterns(patterns, 'compose');
    const files = new Set();
    for (const pattern of include) {
        if (hasGlob(pattern)) {
            const matches = globFiles(workspace, pattern);
            if (matches.length === 0)
                throw new errors/* UsageError */.eb(`compose: the pattern ${pattern} matches no file under ${workspace}; fix the pattern or remove it.`);
            matches.forEach((m) => files.add(m));
        }
        else
            files.add(workspacePath(workspace, requireFile(workspace, pattern, 'compose')));
    }
    return { files: keep([...files]), explicit: true };
}
/**
 * `tools`, or its former name `scanners` with a deprecation warning. trivy-action's `scanners`
 * means Trivy's scan kinds: a migrating user who writes `scanners: vuln,secret` is told where
 * those go instead of having them read as tool names.
 */
function resolveTools(raw, warnings) {
    const legacy = listOf(raw, 'scanners', true).map((s) => s.toLowerCase());
    const toolsGiven = raw.tools !== undefined && parse_valueOf(raw, 'tools') !== DEFAULTS.tools;
    let input = 'tools';
    let names = listOf(raw, 'tools', true).map((s) => s.toLowerCase());
    if (legacy.length > 0) {
        if (legacy.every((name) => TRIVY_SCAN_KINDS.includes(name))) {
            throw new errors/* UsageError */.eb(`scanners names Trivy's scan kinds (${legacy.join(', ')}), as in trivy-action; in bulkhead write them as trivy-scanners: ${legacy.join(',')}.`);
        }
        if (toolsGiven)
            throw new errors/* UsageError */.eb('both tools and scanners are set; keep tools (scanners is its former name) and remove scanners.');
        warnings.push('the input scanners is now called tools; rename it, as scanners stops working in bulkhead 0.3.0.');
        input = 'scanners';
        names = legacy;
    }
    const unknown = names.filter((name) => !TOOLS.includes(name));
    if (unknown.length > 0) {
        const kinds = unknown.filter((name) => TRIVY_SCAN_KINDS.includes(name));
        const hint = kinds.length > 0 ? `; Trivy's scan kinds (${kinds.join(', ')}) go in trivy-scanners` : '';
        throw new errors/* UsageError */.eb(`${input} has ${unknown.map((u) => `"${u}"`).join(', ')}, which bulkhead does not run; the tools are ${TOOLS.join(', ')}${hint}.`);
    }
    if (names.length === 0)
        throw new errors/* UsageError */.eb(`${input} is empty; name at least one of ${TOOLS.join(', ')}.`);
    return { tools: [...new Set(names)], explicit: toolsGiven || legacy.length > 0 };
}
function resolveTrivyScanKinds(raw) {
    const names = listOf(raw, 'trivy-scanners', true).map((s) => s.toLowerCase());
    const unknown = names.filter((name) => !TRIVY_SCAN_KINDS.includes(name));
    if (unknown.length > 0) {
        throw new errors/* UsageError */.eb(`trivy-scanners has ${unknown.map((u) => `"${u}"`).join(', ')}; Trivy's scan kinds are ${TRIVY_SCAN_KINDS.join(', ')}.`);
    }
    if (names.length === 0)
        throw new errors/* UsageError */.eb(`trivy-scanners is empty; name at least one of ${TRIVY_SCAN_KINDS.join(', ')}.`);
    return [...new Set(names)];
}
function resolveTrivyPkgTypes(raw) {
    const names = listOf(raw, 'trivy-pkg-types', true).map((s) => s.toLowerCase());
    const unknown = names.filter((name) => !TRIVY_PKG_TYPES.includes(name));
    if (unknown.length > 0)
        throw new errors/* UsageError */.eb(`trivy-pkg-types has ${unknown.map((u) => `"${u}"`).join(', ')}; Trivy's package types are ${TRIVY_PKG_TYPES.join(', ')}.`);
    if (names.length === 0)
        throw new errors/* UsageError */.eb(`trivy-pkg-types is empty; name os, library or both.`);
    return [...new Set(names)];
}
/**
 * Paths inside the image for --skip-dirs / --skip-files, one per line. Trivy splits a flag's value
 * at commas, so a path with one cannot be passed as it is: refused rather than split in two.
 */
function trivyPaths(raw, input) {
    const paths = listOf(raw, input, false);
    const comma = paths.find((p) => p.includes(','));
    if (comma !== undefined)
        throw new errors/* UsageError */.eb(`${input} has "${comma}", with a comma, which Trivy would read as two paths; give one path per line, without commas.`);
    return paths;
}
function resolvePolicy(raw, workspace) {
    const given = parse_valueOf(raw, 'policy');
    if (given)
        return requireFile(workspace, given, 'policy');
    const fallback = (0,external_node_path_.resolve)(workspace, '.bulkhead.yml');
    return (0,external_node_fs_.existsSync)(fallback) ? fallback : undefined;
}
/** A version choice that can never install is refused here, before anything runs. */
function scannerChoice(raw, workspace, tool) {
    const versionText = parse_valueOf(raw, `${tool}-version`);
    const sha256 = parse_valueOf(raw, `${tool}-sha256`).toLowerCase();
    const pathText = parse_valueOf(raw, `${tool}-path`);
    if (versionText && !/^v?\d+\.\d+\.\d+$/.test(versionText)) {
        throw new errors/* UsageError */.eb(`${tool}-version is "${versionText}"; write a release version such as ${catalog/* CATALOGS */.jF[tool].pinned}.`);
    }
    if (sha256 && !/^[0-9a-f]{64}$/.test(sha256))
        throw new errors/* UsageError */.eb(`${tool}-sha256 must be 64 hexadecimal characters (a sha256 digest).`);
    if (pathText && (versionText || sha256)) {
        throw new errors/* UsageError */.eb(`${tool}-path runs the given executable as it is; remove ${tool}-version and ${tool}-sha256, or remove ${tool}-path.`);
    }
    const version = versionText ? (0,choose/* normalizeVersion */.Q)(versionText) : undefined;
    if (version || sha256) {
        // Refusals and unknown versions do not depend on the platform: check them with any.
        (0,choose/* resolveWanted */.i)({ tool, platform: 'linux-x64', ...(version ? { version } : {}), ...(sha256 ? { sha256 } : {}) });
    }
    return {
        ...(version ? { version } : {}),
        ...(sha256 ? { sha256 } : {}),
        ...(pathText ? { path: requireFile(workspace, pathText, `${tool}-path`) } : {}),
    };
}
function publishOf(raw, targets, tools, token) {
    return {
        uploadSarif: booleanOf(raw, 'upload-sarif'),
        dependencyGraph: dependencyGraphOf(raw, targets, tools),
        comment: oneOf(raw, 'comment', ['always', 'on-failure', 'never']),
        resolvedComment: oneOf(raw, 'resolved-comment', ['update', 'delete']),
        annotations: booleanOf(raw, 'annotations'),
        ...(token && !token.startsWith('${{') ? { githubToken: token } : {}),
    };
}
/** How many images Trivy's package list can come from: images it scans, and Trivy reports. */
function trivyImageCount(targets, tools, input) {
    const count = (tools.includes('trivy') ? targets.images.length : 0) + targets.trivyReports.length;
    if (count === 0)
        throw new errors/* UsageError */.eb(`${input} takes the packages Trivy finds in an image; give an image (with trivy in tools) or a trivy-report.`);
    return count;
}
/** dependency-graph submits the packages Trivy lists, so it needs an image Trivy scans. */
function dependencyGraphOf(raw, targets, tools) {
    return booleanOf(raw, 'dependency-graph') && trivyImageCount(targets, tools, 'dependency-graph') > 0;
}
/** sbom-file describes one image that Trivy scans (or a Trivy report of one). */
function sbomOf(raw, workspace, targets, tools) {
    const file = parse_valueOf(raw, 'sbom-file');
    const format = oneOf(raw, 'sbom-format', ['cyclonedx', 'spdx']);
    if (!file)
        return {};
    const images = trivyImageCount(targets, tools, 'sbom-file');
    if (images > 1)
        throw new errors/* UsageError */.eb(`sbom-file describes one image, and this run scans ${images}; write the SBOM in a job per image (a matrix).`);
    return { sbom: { file: (0,external_node_path_.resolve)(workspace, file), format } };
}
function trustedRoot(raw, workspace) {
    const path = parse_valueOf(raw, 'sigstore-trusted-root');
    return path ? { trustedRootFile: requireFile(workspace, path, 'sigstore-trusted-root') } : {};
}
function releaseMirror(raw) {
    const text = parse_valueOf(raw, 'release-mirror') || DEFAULTS['release-mirror'];
    let url;
    try {
        url = new URL(text);
    }
    catch {
        throw new errors/* UsageError */.eb(`release-mirror is "${text}"; write a URL such as https://github.com.`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
        throw new errors/* UsageError */.eb(`release-mirror must be an http or https URL, not ${url.protocol}.`);
    return text.replace(/\/+$/, '');
}
function platformOf(raw) {
    const text = (parse_valueOf(raw, 'platform') || DEFAULTS.platform).toLowerCase();
    if (!/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(text)) {
        throw new errors/* UsageError */.eb(`platform is "${parse_valueOf(raw, 'platform')}"; write it as os/arch or os/arch/variant, e.g. linux/amd64 or linux/arm64/v8.`);
    }
    return text;
}
/** What to scan: images, Dockerfiles, manifests, Compose files and the reports that stand in for scanners. */
function targetsOf(raw, workspace) {
    const images = listOf(raw, 'image', false).map(parseImageTarget);
    for (const image of images) {
        if (image.source !== 'daemon' && image.source !== 'registry') {
            const full = (0,external_node_path_.resolve)(workspace, image.location);
            if (!(0,external_node_fs_.existsSync)(full))
                throw new errors/* UsageError */.eb(`image: ${image.location} does not exist; check the path in "${image.input}".`);
        }
    }
    const trivyReports = listOf(raw, 'trivy-report', false).map((p) => requireFile(workspace, p, 'trivy-report'));
    const hadolintReports = listOf(raw, 'hadolint-report', false).map((p) => requireFile(workspace, p, 'hadolint-report'));
    const compose = resolveCompose(raw, workspace);
    return {
        workspace,
        images,
        dockerfiles: resolveDockerfiles(raw, workspace),
        manifests: resolveManifests(raw, workspace),
        compose: compose.files,
        composeExplicit: compose.explicit,
        platform: platformOf(raw),
        trivyReports,
        hadolintReports,
    };
}
/** Validates every input once, up front; the first problem is reported as one sentence. */
/** Trivy's database mirrors: OCI repositories, never anything Trivy could read as a flag. */
function ociRepositories(raw, name, example) {
    const repositories = listOf(raw, name, true);
    for (const repository of repositories) {
        if (!/^[a-z0-9][a-z0-9.:/_-]*[a-z0-9](:[\w.-]+)?$/i.test(repository) || repository.startsWith('-')) {
            throw new errors/* UsageError */.eb(`${name} "${repository}" is not an OCI repository; write one such as ${example}.`);
        }
    }
    return repositories;
}
/** Trivy's slice: version choice, database mirrors, scan kinds, skipped paths, package types. */
function trivySlice(raw, workspace) {
    const dbRepositories = ociRepositories(raw, 'trivy-db-repository', 'mirror.gcr.io/aquasec/trivy-db:2');
    const javaDbRepositories = ociRepositories(raw, 'trivy-java-db-repository', 'mirror.gcr.io/aquasec/trivy-java-db:1');
    return {
        ...scannerChoice(raw, workspace, 'trivy'),
        dbRepositories,
        javaDbRepositories,
        scanKinds: resolveTrivyScanKinds(raw),
        skipDirs: trivyPaths(raw, 'trivy-skip-dirs'),
        skipFiles: trivyPaths(raw, 'trivy-skip-files'),
        pkgTypes: resolveTrivyPkgTypes(raw),
    };
}
const DEFAULT_REHEARSAL_MS = 10_000;
const MAX_REHEARSAL_MS = 10 * 60_000;
/** The rehearsal slice: off unless `rehearse` says true or a duration. */
function rehearsalSlice(raw) {
    // A boolean as every boolean input reads it (true means 10 s), else a duration.
    const text = parse_valueOf(raw, 'rehearse').toLowerCase();
    const enabled = !FALSE_WORDS.includes(text);
    const durationMs = !enabled || TRUE_WORDS.includes(text) ? DEFAULT_REHEARSAL_MS : parseDuration(text, 'rehearse');
    if (durationMs > MAX_REHEARSAL_MS) {
        throw new errors/* UsageError */.eb(`rehearse is "${parse_valueOf(raw, 'rehearse')}"; a rehearsal lasts at most 10m (it runs 4 times as long to explain a failure).`);
    }
    const commandText = parse_valueOf(raw, 'rehearse-command');
    const command = commandText === '' ? undefined : splitWords(commandText);
    if (command === undefined && commandText !== '') {
        throw new errors/* UsageError */.eb(`rehearse-command has a quote that is not closed: ${commandText}; close it or remove it.`);
    }
    const env = listOf(raw, 'rehearse-env', false);
    for (const entry of env) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(entry)) {
            throw new errors/* UsageError */.eb(`rehearse-env has "${entry.split('=')[0]}", which is not NAME=value; write one NAME=value per line.`);
        }
    }
    const readyText = parse_valueOf(raw, 'rehearse-ready');
    let ready;
    if (readyText.startsWith('log:')) {
        const pattern = readyText.slice(4);
        try {
            new RegExp(pattern);
        }
        catch (error) {
            throw new errors/* UsageError */.eb(`rehearse-ready: ${pattern} is not a regular expression (${(0,errors/* errorMessage */.gJ)(error)}); fix it.`);
        }
        ready = { kind: 'log', pattern };
    }
    else if (readyText.startsWith('exec:')) {
        const argv = splitWords(readyText.slice(5));
        if (!argv || argv.length === 0) {
            throw new errors/* UsageError */.eb(`rehearse-ready "${readyText}" names no command, or leaves a quote open; write exec:COMMAND ARGS.`);
        }
        ready = { kind: 'exec', argv };
    }
    else if (readyText !== '') {
        throw new errors/* UsageError */.eb(`rehearse-ready is "${readyText}"; write log:REGEX or exec:COMMAND (e.g. exec:wget -qO- 127.0.0.1:8080/healthz).`);
    }
    return {
        enabled,
        durationMs,
        ...(command && command.length > 0 ? { command } : {}),
        env,
        ...(ready ? { ready } : {}),
        forks: booleanOf(raw, 'rehearse-forks'),
    };
}
/** Registry credentials come as a pair; insecure hosts as host:port, checked once here. */
function registrySlice(raw) {
    const username = parse_valueOf(raw, 'registry-username');
    const password = parse_valueOf(raw, 'registry-password');
    if ((username === '') !== (password === '')) {
        // Never echo the password: name only which half is missing.
        throw new errors/* UsageError */.eb(username === ''
            ? 'registry-password is set but registry-username is not; set both, or neither to use ~/.docker/config.json.'
            : 'registry-username is set but registry-password is not; set both, or neither to use ~/.docker/config.json.');
    }
    const insecure = listOf(raw, 'registry-insecure', true).map((entry) => {
        const host = entry
            .toLowerCase()
            .replace(/^https?:\/\//, '')
            .replace(/\/+$/, '');
        if (!/^(?:[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?$/.test(host)) {
            throw new errors/* UsageError */.eb(`registry-insecure has "${entry}", which is not host:port; write one registry per line, e.g. localhost:5000.`);
        }
        return host;
    });
    return { ...(username ? { username, password } : {}), insecure };
}
function parseConfig(raw, context) {
    const workspace = (0,external_node_path_.resolve)(context.workspace);
    if (!(0,external_node_fs_.existsSync)(workspace) || !(0,external_node_fs_.statSync)(workspace).isDirectory()) {
        throw new errors/* UsageError */.eb(`the workspace ${workspace} is not a directory.`);
    }
    const failOnText = parse_valueOf(raw, 'fail-on').toLowerCase();
    if (failOnText !== '' && failOnText !== 'none' && !isSeverity(failOnText)) {
        throw new errors/* UsageError */.eb(`fail-on is "${parse_valueOf(raw, 'fail-on')}"; set it to critical, high, medium, low or none.`);
    }
    if (failOnText === 'info') {
        throw new errors/* UsageError */.eb('fail-on cannot be info; the lowest gate is low (use none to report without gating).');
    }
    const token = parse_valueOf(raw, 'github-token');
    const trivy = trivySlice(raw, workspace);
    const hadolint = scannerChoice(raw, workspace, 'hadolint');
    const policyFile = resolvePolicy(raw, workspace);
    const baseline = parse_valueOf(raw, 'baseline');
    const ignoreUnfixed = optionalBoolean(raw, 'ignore-unfixed');
    const onlyNew = optionalBoolean(raw, 'only-new');
    const podSecurity = parse_valueOf(raw, 'pod-security') === ''
        ? undefined
        : oneOf(raw, 'pod-security', ['restricted', 'baseline', 'none']);
    const workspaceTargets = targetsOf(raw, workspace);
    const warnings = [];
    const { tools, explicit } = resolveTools(raw, warnings);
    const rehearsal = rehearsalSlice(raw);
    const mode = oneOf(raw, 'mode', ['scan', 'merge', 'publish']);
    if (rehearsal.enabled && !tools.includes('bulkhead')) {
        throw new errors/* UsageError */.eb(`rehearse is part of bulkhead's own checks; add bulkhead to tools (now ${tools.join(', ')}) or set rehearse to false.`);
    }
    if ((workspaceTargets.manifests.length > 0 || workspaceTargets.composeExplicit) && !tools.includes('bulkhead')) {
        throw new errors/* UsageError */.eb(`manifests and compose are checked by bulkhead's own rules; add bulkhead to tools (now ${tools.join(', ')}).`);
    }
    return deepFreeze({
        mode,
        merge: { reports: mode === 'merge' ? resolveReports(raw, workspace) : [], sarif: mode === 'merge' && booleanOf(raw, 'merge-sarif') },
        targets: workspaceTargets,
        scanners: {
            tools,
            explicit,
            trivy,
            hadolint: { ...hadolint, darwinArm64: oneOf(raw, 'hadolint-darwin-arm64', ['rosetta', 'skip']) },
            releaseMirror: releaseMirror(raw),
            ...trustedRoot(raw, workspace),
            trivyCache: booleanOf(raw, 'trivy-cache'),
            timeoutMs: parseDuration(parse_valueOf(raw, 'timeout'), 'timeout'),
        },
        policy: {
            ...(failOnText ? { failOn: failOnText } : {}),
            ...(ignoreUnfixed !== undefined ? { ignoreUnfixed } : {}),
            ...(onlyNew !== undefined ? { onlyNew } : {}),
            ...(baseline ? { baselineFile: requireFile(workspace, baseline, 'baseline') } : {}),
            vexFiles: listOf(raw, 'vex', false).map((p) => requireFile(workspace, p, 'vex')),
            trivyIgnoreFiles: listOf(raw, 'trivyignores', true).map((p) => requireFile(workspace, p, 'trivyignores')),
            ...(policyFile ? { policyFile } : {}),
            ...(podSecurity ? { podSecurity } : {}),
            scannerError: oneOf(raw, 'scanner-error', ['fail', 'warn']),
        },
        reports: {
            sarifFile: (0,external_node_path_.resolve)(workspace, parse_valueOf(raw, 'sarif-file') || DEFAULTS['sarif-file']),
            reportFile: (0,external_node_path_.resolve)(workspace, parse_valueOf(raw, 'report-file') || DEFAULTS['report-file']),
            ...(context.markdownFile ? { markdownFile: (0,external_node_path_.resolve)(workspace, context.markdownFile) } : {}),
            ...sbomOf(raw, workspace, workspaceTargets, tools),
            category: parse_valueOf(raw, 'category') || 'bulkhead',
        },
        publish: publishOf(raw, workspaceTargets, tools, token),
        rehearsal,
        registry: registrySlice(raw),
        warnings,
    });
}
function deepFreeze(value) {
    if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const child of Object.values(value))
            deepFreeze(child);
    }
    return value;
}

// EXTERNAL MODULE: ./src/model/version.ts
var version = __webpack_require__(52621);
;// CONCATENATED MODULE: ./src/report/escape.ts
/**
 * Makes scanner- and image-provided text inert in GitHub-flavoured markdown: no HTML, no links
 * or images, no emphasis or headings that change the page, no @mentions or #references that
 * notify anyone, no table breakage. The text is always placed inline, never at the start of a
 * line, so list and heading markers (`-`, `+`, `1.`) need no escape there.
 */
function escape_escapeMarkdown(text) {
    // Control characters go first, so that what they separated ("ww\u0001w.") is seen joined.
    const clean = CONTROL.test(text) ? text.replace(CONTROL_ALL, '') : text;
    // One pass for the rest: a finding's description is escaped for every rule of a large report.
    return clean.replace(MARKDOWN, escapeOne);
}
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const CONTROL_ALL = new RegExp(CONTROL.source, 'g');
/** HTML's three, markdown's punctuation, mentions, autolinks (`://`, `www.`), line breaks. */
const MARKDOWN = /[&<>\\`*_[\]#|~@]|:\/\/|www\.|\r?\n/gi;
function escapeOne(match) {
    switch (match) {
        case '&':
            return '&amp;';
        case '<':
            return '&lt;';
        case '>':
            return '&gt;';
        case '@':
            return '@\u200b';
        case '://':
            return ':\u200b//';
        case '\n':
        case '\r\n':
            return ' ';
        default:
            // `www.` in any case keeps its letters; a punctuation mark gets its backslash.
            return match.length === 4 ? `${match.slice(0, 3)}\u200b.` : `\\${match}`;
    }
}
/** For text inside a code span: only backticks and line breaks need care; mentions cannot fire there. */
function codeSpan(text) {
    // GFM splits table cells on | even inside code spans unless it is escaped.
    const clean = text.replace(/\r?\n/g, ' ').replace(/`/g, "'").replace(/\|/g, '\\|');
    return `\`${clean}\``;
}

;// CONCATENATED MODULE: ./src/report/byLine.ts

function groupByLine(decisions) {
    const groups = new Map();
    for (const decision of decisions) {
        const f = decision.finding;
        if (decision.verdict === 'suppressed' ||
            !f.introducedBy ||
            f.introducedBy.kind === 'history' ||
            f.file === undefined ||
            f.line === undefined)
            continue;
        const key = `${f.file}\u0000${f.line}`;
        const group = groups.get(key) ?? {
            file: f.file,
            line: f.line,
            instruction: f.introducedBy.instruction,
            base: f.introducedBy.kind === 'base',
            ...(f.introducedBy.baseImage ? { baseImage: f.introducedBy.baseImage } : {}),
            vulnerabilities: 0,
            fixable: 0,
            other: 0,
            failing: 0,
        };
        if (f.kind === 'vulnerability') {
            group.vulnerabilities += 1;
            if (f.pkg?.fixed)
                group.fixable += 1;
        }
        else
            group.other += 1;
        if (decision.verdict === 'fails-gate')
            group.failing += 1;
        groups.set(key, group);
    }
    return [...groups.values()].sort((a, b) => b.failing - a.failing || b.vulnerabilities + b.other - (a.vulnerabilities + a.other) || a.line - b.line);
}
function plural(n, word) {
    return `${n} ${word}${n === 1 ? '' : 's'}`;
}
/** "12 vulnerabilities, 3 fixable, 1 other finding (2 fail the gate)". */
function describeGroup(group) {
    const parts = [];
    if (group.vulnerabilities > 0)
        parts.push(`${plural(group.vulnerabilities, 'vulnerability').replace('vulnerabilitys', 'vulnerabilities')}, ${group.fixable} fixable`);
    if (group.other > 0)
        parts.push(plural(group.other, group.vulnerabilities > 0 ? 'other finding' : 'finding'));
    return `${parts.join(', ')}${group.failing > 0 ? ` (${group.failing} fail${group.failing === 1 ? 's' : ''} the gate)` : ''}`;
}
/**
 * A short markdown section: where the findings come from, line by line, and how much is the base
 * image's versus the image's own layers. Empty when nothing was attributed.
 */
function renderByLine(decisions, lineLabel, maxRows = 10) {
    const groups = groupByLine(decisions);
    if (groups.length === 0)
        return [];
    const base = groups.filter((g) => g.base).reduce((n, g) => n + g.vulnerabilities + g.other, 0);
    const own = groups.filter((g) => !g.base).reduce((n, g) => n + g.vulnerabilities + g.other, 0);
    const baseImages = [...new Set(groups.filter((g) => g.base && g.baseImage).map((g) => g.baseImage))];
    const lines = ['**Where they come from**', ''];
    for (const group of groups.slice(0, maxRows)) {
        const what = group.base
            ? `the base image ${codeSpan(group.baseImage ?? group.instruction)}`
            : `this ${escape_escapeMarkdown(group.instruction.split(' ')[0] ?? '')} line`;
        lines.push(`- ${lineLabel(group.file, group.line)} ${codeSpan(group.instruction)}: ${what} brings ${describeGroup(group)}`);
    }
    if (groups.length > maxRows)
        lines.push(`- … and ${groups.length - maxRows} more lines`);
    lines.push('', `From the base image${baseImages.length ? ` (${baseImages.map(codeSpan).join(', ')})` : ''}: **${base}** · from this Dockerfile's own instructions: **${own}**.`, '');
    return lines;
}

;// CONCATENATED MODULE: ./src/report/counts.ts
/** Severity counts leave suppressed findings out; `findings` counts everything reported. */
function counts_countDecisions(decisions) {
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

;// CONCATENATED MODULE: ./src/report/jobs.ts


const jobs_SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];
/** mode: scan with several images: one row per image, as a merge has one per job. */
function jobs_imageRows(decisions, results) {
    const images = [
        ...new Set([
            ...results.filter((r) => r.tool === 'trivy' || r.imageHistory !== undefined).map((r) => r.target),
            ...decisions.flatMap((d) => (d.finding.image ? [d.finding.image] : [])),
        ]),
    ];
    return images.map((image) => {
        const counts = counts_countDecisions(decisions.filter((d) => d.finding.image === image));
        const problems = results.filter((r) => r.target === image && r.status === 'error').map((r) => `${r.tool}: ${r.error ?? 'failed'}`);
        return { file: '', targets: [image], verdict: counts.failing > 0 || problems.length > 0 ? 'fail' : 'pass', counts, problems };
    });
}
/** The table per image (job) and the totals, for the summary and the comment of a merge (or of several images). */
function renderJobTable(rows, maxRows = rows.length, options = {}) {
    if (rows.length === 0)
        return [];
    const perImage = options.perImage === true;
    const verdict = (row) => (row.verdict === 'pass' ? '✅ pass' : row.verdict === 'fail' ? '❌ fail' : '❌ unreadable');
    const cell = (row) => `| ${[
        row.targets.length > 0
            ? row.targets.slice(0, 5).map(codeSpan).join(', ') + (row.targets.length > 5 ? ` and ${row.targets.length - 5} more` : '')
            : '—',
        ...(perImage ? [] : [codeSpan(row.file)]),
        verdict(row),
        ...jobs_SEVERITIES.slice(0, 4).map((s) => String(row.counts[s])),
        String(row.counts.failing),
        row.problems.length > 0 ? escape_escapeMarkdown(row.problems.slice(0, 3).join('; ')) : '—',
    ].join(' | ')} |`;
    const shown = [...rows]
        .sort((a, b) => (a.verdict === 'pass' ? 1 : 0) - (b.verdict === 'pass' ? 1 : 0) || b.counts.failing - a.counts.failing)
        .slice(0, maxRows);
    const total = (s) => rows.reduce((n, r) => n + r.counts[s], 0);
    const failed = rows.filter((r) => r.verdict !== 'pass').length;
    const noun = perImage ? 'image' : 'job';
    return [
        `### ${rows.length} ${noun}${rows.length === 1 ? '' : 's'}: ${failed === 0 ? 'all pass' : `${failed} fail${failed === 1 ? 's' : ''}`}`,
        '',
        `| Image |${perImage ? '' : ' Report |'} Verdict | Critical | High | Medium | Low | Failing | Problems |`,
        `|---|${perImage ? '' : '---|'}---|--:|--:|--:|--:|--:|---|`,
        ...shown.map(cell),
        `| **Sum of the ${noun}s** |${perImage ? '' : ` ${rows.length} report${rows.length === 1 ? '' : 's'} |`} ${failed === 0 ? '✅ pass' : '❌ fail'} | ${jobs_SEVERITIES.slice(0, 4)
            .map((s) => `**${total(s)}**`)
            .join(' | ')} | **${rows.reduce((n, r) => n + r.counts.failing, 0)}** | |`,
        ...(shown.length < rows.length ? ['', `${rows.length - shown.length} more ${noun}s in the report file.`] : []),
        '',
    ];
}

// EXTERNAL MODULE: ./src/util/logger.ts
var util_logger = __webpack_require__(96618);
;// CONCATENATED MODULE: ./src/report/workloads.ts

/** The workloads part of the summary and the comment: Pod Security levels and one suggested fix per workload. */
function podSecurityLine(workloads) {
    const levels = workloads.flatMap((w) => (w.podSecurity ? [w.podSecurity.level] : []));
    if (levels.length === 0)
        return undefined;
    const count = (level) => levels.filter((l) => l === level).length;
    const rest = ['baseline', 'privileged'].filter((l) => count(l) > 0).map((l) => `${count(l)} only ${l}`);
    return `Pod Security Standards: **${count('restricted')} of ${levels.length}** Kubernetes workload${levels.length === 1 ? '' : 's'} meet restricted${rest.length > 0 ? ` (${rest.join(', ')})` : ''}.`;
}
/** Workloads with a suggested fix and at least one finding that fails the gate: the fixes worth showing first. */
function failingWorkloads(workloads, decisions) {
    const failing = new Set(decisions
        .filter((d) => d.verdict === 'fails-gate' && d.finding.workload)
        .map((d) => `${d.finding.file ?? ''}\u0000${d.finding.workload ?? ''}`));
    return workloads.filter((w) => w.suggestion && failing.has(`${w.file}\u0000${w.id}`));
}
function label(w) {
    return w.platform === 'compose' ? `service ${w.name}` : `${w.kind} ${w.namespace === 'default' ? '' : `${w.namespace}/`}${w.name}`;
}
/** A fence longer than any run of backticks in the text, so a hostile suggestion cannot close it. */
function fenced(text, language) {
    const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
    const fence = '`'.repeat(longest + 1);
    return [`${fence}${language}`, text, fence];
}
function suggestionBlock(w, where) {
    if (!w.suggestion)
        return [];
    return [
        `<details><summary>Suggested fix for ${escape_escapeMarkdown(label(w))} (${where})</summary>`,
        '',
        ...fenced(w.suggestion, 'yaml'),
        '',
        '</details>',
        '',
    ];
}
/** The summary's section: the level line, a table of workloads, and the suggested fixes (at most `maxRows` of each). */
function renderWorkloads(workloads, maxRows) {
    if (workloads.length === 0)
        return [];
    const out = ['### Workloads', ''];
    const levels = podSecurityLine(workloads);
    if (levels)
        out.push(levels, '');
    const shown = [...workloads].sort((a, b) => b.findings - a.findings).slice(0, Math.max(0, maxRows));
    out.push('| Workload | Where | Pod Security | Findings | Image scanned in this run |', '|---|---|---|---|---|');
    for (const w of shown) {
        out.push(`| ${[
            escape_escapeMarkdown(label(w)),
            codeSpan(`${w.file}:${w.line}`),
            w.podSecurity ? w.podSecurity.level : '—',
            String(w.findings),
            w.scannedImages.length > 0 ? w.scannedImages.map(codeSpan).join(', ') : '—',
        ].join(' | ')} |`);
    }
    if (shown.length < workloads.length)
        out.push('', `${workloads.length - shown.length} more in the report file.`);
    out.push('');
    for (const w of shown)
        out.push(...suggestionBlock(w, codeSpan(w.file)));
    return out;
}

;// CONCATENATED MODULE: ./src/report/rehearsals.ts



/** One sentence per image: what happened and, when it failed, what breaks it. */
function rehearsalLine({ image, rehearsal: r }) {
    const who = r.userSubstituted ? ` (its USER is root; rehearsed as ${r.user})` : '';
    switch (r.verdict) {
        case 'hardened':
            return `${codeSpan(image)} runs hardened: it ${escape_escapeMarkdown(r.hardened)} as ${escape_escapeMarkdown(r.verified?.profile ?? '')}${escape_escapeMarkdown(who)}.`;
        case 'explained':
            return `${codeSpan(image)} did not run hardened: it ${escape_escapeMarkdown(r.hardened)}${escape_escapeMarkdown(who)}. What breaks it: ${escape_escapeMarkdown(r.breaks.join('; '))}.${r.verified ? ` It ${escape_escapeMarkdown(r.verified.outcome)} as ${escape_escapeMarkdown(r.verified.profile)}.` : ' The resulting profile did not run as a whole (see the notes).'}`;
        case 'fails-anyway':
            return `${codeSpan(image)} fails with every restriction lifted (it ${escape_escapeMarkdown(r.hardened)} hardened): the hardening is not the cause.`;
        case 'incomplete':
            return `${codeSpan(image)} did not run hardened (it ${escape_escapeMarkdown(r.hardened)}); the rehearsal found no answer in its time.`;
    }
}
function fragmentBlocks({ rehearsal: r }) {
    const mark = r.fragments.verified ? `rehearsed for ${(0,util_logger/* formatDuration */.a3)(r.durationMs)}` : 'not verified';
    return [
        `<details><summary>securityContext it ran under (${mark})</summary>`,
        '',
        ...fenced(r.fragments.kubernetes, 'yaml'),
        '',
        '</details>',
        '',
        `<details><summary>Compose service it ran under (${mark})</summary>`,
        '',
        ...fenced(r.fragments.compose, 'yaml'),
        '',
        '</details>',
        '',
    ];
}
/** The summary's section: every image's line, its fragments, and the evidence. */
function renderRehearsals(images) {
    if (images.length === 0)
        return [];
    const out = ['### Rehearsal', ''];
    for (const entry of images) {
        const r = entry.rehearsal;
        out.push(rehearsalLine(entry), '');
        if (r.verified?.capabilities) {
            out.push(`PID 1 held ${r.verified.capabilities.length === 0 ? 'no capabilities' : escape_escapeMarkdown(r.verified.capabilities.join(', '))}; processes: ${escape_escapeMarkdown(r.verified.processes.map((p) => `${p.command} (uid ${p.uid})`).join(', ') || 'none listed')}.`, '');
        }
        if (r.written.length > 0)
            out.push(`Written outside /tmp and its VOLUMEs: ${r.written.map(codeSpan).join(', ')}.`, '');
        out.push(...fragmentBlocks(entry));
        if (r.logTail.length > 0) {
            out.push('<details><summary>Last log lines of the hardened run</summary>', '', ...fenced(r.logTail.join('\n'), 'text'), '', '</details>', '');
        }
        out.push(`<details><summary>${r.runs.length} run${r.runs.length === 1 ? '' : 's'} in ${(0,util_logger/* formatDuration */.a3)(r.elapsedMs)}</summary>`, '', '| Run | Profile | Outcome |', '|---|---|---|', ...r.runs.map((run) => `| ${escape_escapeMarkdown(run.purpose)} | ${escape_escapeMarkdown(run.profile)} | ${escape_escapeMarkdown(run.outcome)}${run.exitCode !== undefined ? ` (${run.exitCode})` : ''}, ${(0,util_logger/* formatDuration */.a3)(run.elapsedMs)} |`), '', '</details>', '');
    }
    return out;
}
/** The comment's part: the line per image and the fragments, nothing more. */
function rehearsalCommentLines(images) {
    return images.flatMap((entry) => [rehearsalLine(entry), '', ...fragmentBlocks(entry)]);
}
function rehearsals_rehearsedImages(results) {
    return results.flatMap((r) => (r.rehearsal ? [{ image: r.target, rehearsal: r.rehearsal }] : []));
}

;// CONCATENATED MODULE: ./src/report/markdown.ts






/** GitHub's limit for one step's summary. */
const SUMMARY_LIMIT_BYTES = 1024 * 1024;
function policySection(policy, outcome) {
    const { failOn, ignoreUnfixed, onlyNew } = policy.settings;
    const out = [
        '### Policy',
        '',
        `fail-on **${failOn.value}** (${failOn.source}) · ignore-unfixed **${ignoreUnfixed.value}** (${ignoreUnfixed.source}) · only-new **${onlyNew.value}** (${onlyNew.source})`,
        '',
    ];
    if (policy.files.length > 0)
        out.push(`Rules read from ${policy.files.map(codeSpan).join(', ')}.`, '');
    const baseline = outcome?.baseline;
    if (baseline) {
        out.push(`Compared with the baseline ${codeSpan(baseline.source)}: **${baseline.new} new**, ${baseline.unchanged} unchanged, ${baseline.fixed.length} fixed.`, '');
        if (baseline.fixed.length > 0) {
            out.push('<details><summary>' + `Fixed since the baseline (${baseline.fixed.length})` + '</summary>', '', ...baseline.fixed
                .slice(0, 100)
                .map((f) => `- ${SEVERITY_BADGE[f.severity]} ${escape_escapeMarkdown(f.ruleId)}: ${escape_escapeMarkdown(f.title)}`), '', '</details>', '');
        }
    }
    if (policy.hadolintIgnores.length > 0)
        out.push(`hadolint skips these rules itself: ${policy.hadolintIgnores.map(escape_escapeMarkdown).join(', ')}.`, '');
    return out;
}
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
    const id = escape_escapeMarkdown(f.ruleId);
    // Links are only those the finding came with, and only http(s).
    return f.helpUri && /^https?:\/\/[^\s()<>]+$/.test(f.helpUri) ? `[${id}](${f.helpUri})` : id;
}
/** Rendered rows, by decision and table kind: the summary renders again with fewer rows until it fits, and a row is the same each time. */
const rowCache = new WeakMap();
function findingsTable(decisions, withReason) {
    const header = withReason
        ? ['| Severity | Rule | Where | Package | Fixed in | Finding | Why |', '|---|---|---|---|---|---|---|']
        : ['| Severity | Rule | Where | Package | Fixed in | Finding |', '|---|---|---|---|---|---|'];
    return [...header, ...decisions.map((d) => renderRowCached(d, withReason))];
}
function renderRowCached(d, withReason) {
    const cached = rowCache.get(d) ?? {};
    const hit = withReason ? cached.withReason : cached.plain;
    if (hit !== undefined)
        return hit;
    const text = renderRow(d, withReason);
    rowCache.set(d, withReason ? { ...cached, withReason: text } : { ...cached, plain: text });
    return text;
}
function renderRow(d, withReason) {
    const cells = [SEVERITY_BADGE[d.finding.severity], ruleCell(d), where(d), packageCell(d), fixedCell(d), escape_escapeMarkdown(d.finding.title)];
    if (withReason)
        cells.push(escape_escapeMarkdown(d.reason));
    return `| ${cells.join(' | ')} |`;
}
function sorted(decisions) {
    return [...decisions].sort((a, b) => compareFindings(a.finding, b.finding));
}
function countsTable(decisions, results) {
    const tools = TOOLS.filter((t) => results.some((r) => r.tool === t));
    const lines = [
        `| Severity | ${tools.map((t) => TOOL_NAMES[t]).join(' | ')} | Total | Fail the gate |`,
        `|---|${tools.map(() => '--:|').join('')}--:|--:|`,
    ];
    for (const severity of SEVERITIES) {
        const active = decisions.filter((d) => d.finding.severity === severity && d.verdict !== 'suppressed');
        if (active.length === 0 && severity === 'info')
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
const SOURCE_NAMES = { given: 'given path', path: 'found on PATH', 'tool-cache': 'tool cache', download: 'verified download' };
const CACHE_WORDS = {
    hit: 'restored from the Actions cache',
    'restored-older': 'an older copy restored from the Actions cache, then refreshed',
    miss: 'downloaded (cache miss)',
    'not-used': 'local',
    failed: 'downloaded (the cache failed)',
};
/** A line on each of Trivy's databases: how old the data behind the verdict is. */
function databaseLine(results) {
    const db = results.find((r) => r.database?.updatedAt)?.database;
    if (!db?.updatedAt)
        return [];
    const lines = [
        '',
        `Trivy vulnerability database${db.version !== undefined ? ` v${db.version}` : ''}, built ${db.updatedAt}${db.ageHours !== undefined ? ` (${db.ageHours} h old)` : ''}; ${CACHE_WORDS[db.cache]}.`,
    ];
    const java = db.javaDb;
    if (java) {
        const how = java.downloaded
            ? java.cache === 'hit' || java.cache === 'restored-older'
                ? 'refreshed this run'
                : 'downloaded this run'
            : CACHE_WORDS[java.cache];
        lines.push('', `Trivy Java database${java.updatedAt ? `, built ${java.updatedAt}` : ''}; ${how}.`);
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
            r.origin === 'report' ? 'report file' : r.scanner ? `run (${SOURCE_NAMES[r.scanner.source]})` : 'run',
            r.status === 'ok' ? '✅ ok' : `❌ ${escape_escapeMarkdown(r.error ?? 'failed')}`,
            String(r.findings.length),
            `${(r.durationMs / 1000).toFixed(1)} s`,
            '',
        ]
            .join(' | ')
            .trim()),
    ];
}
function render(input, lists, maxRows) {
    const { gate, decisions } = input;
    const { failing, below, suppressed } = lists;
    const out = [];
    const heading = gate.verdict === 'pass' ? `## ✅ bulkhead: pass` : `## ❌ bulkhead: fail`;
    out.push(heading, '');
    if (gate.verdict === 'pass') {
        out.push(`No finding at or above **${input.failOn}** remains${input.failOn === 'none' ? ' (fail-on is none: the gate reports only)' : ''}. ${decisions.length} finding${decisions.length === 1 ? '' : 's'} reported in all.`);
    }
    else {
        out.push('The gate failed because of:', '', ...gate.reasons.map((r) => `- ${escape_escapeMarkdown(r)}`));
    }
    out.push('', ...countsTable(decisions, input.results), '');
    const images = jobs_imageRows(decisions, input.results);
    if (images.length > 1)
        out.push(...renderJobTable(images, maxRows, { perImage: true }));
    let cut = 0;
    const take = (list) => {
        const kept = list.slice(0, Math.max(0, maxRows));
        cut += list.length - kept.length;
        return kept;
    };
    if (failing.length > 0) {
        out.push(`### Fails the gate (${failing.length})`, '', ...findingsTable(take(failing), false), '');
    }
    out.push(...renderByLine(decisions, (file, line) => codeSpan(`${file}:${line}`)));
    out.push(...renderWorkloads(input.results.flatMap((r) => r.workloads ?? []), maxRows));
    out.push(...renderRehearsals(rehearsals_rehearsedImages(input.results)));
    if (below.length > 0) {
        out.push('<details><summary>' + `Below the gate (${below.length})` + '</summary>', '', ...findingsTable(take(below), true), '', '</details>', '');
    }
    if (suppressed.length > 0) {
        out.push('<details><summary>' + `Suppressed by policy (${suppressed.length})` + '</summary>', '', ...findingsTable(take(suppressed), true), '', '</details>', '');
    }
    if (cut > 0)
        out.push(`> ${cut} more finding${cut === 1 ? ' is' : 's are'} not listed here to keep this summary under GitHub's size limit; all are in ${codeSpan(input.reportFile)}.`, '');
    if (input.omitted.results > 0 || input.omitted.runs.length > 0) {
        const bySeverity = SEVERITIES.filter((s) => input.omitted.bySeverity[s])
            .map((s) => `${input.omitted.bySeverity[s]} ${s}`)
            .join(', ');
        out.push(`> The SARIF log leaves out ${input.omitted.results} of the least severe results (${bySeverity}) to stay within GitHub's code-scanning limits${input.omitted.runs.length > 0 ? `, including ${input.omitted.runs.length} whole run(s)` : ''}. ${codeSpan(input.reportFile)} has them all.`, '');
    }
    if (input.policy)
        out.push(...policySection(input.policy, input.policyOutcome));
    out.push('### Scanners', '', ...scannersTable(input.results), ...databaseLine(input.results), '');
    if (input.notes.length > 0) {
        out.push('### Notes', '', ...input.notes.map((n) => `- ${escape_escapeMarkdown(n)}`), '');
    }
    out.push(`SARIF: ${codeSpan(input.sarifFile)} · full report: ${codeSpan(input.reportFile)}`, '');
    return { text: out.join('\n'), cut };
}
/** The job summary: verdict first, counts, the failing findings, the rest folded. At most 1 MiB. */
function renderSummary(input) {
    const limit = input.limitBytes ?? SUMMARY_LIMIT_BYTES;
    // Start from what the limit can hold at the rows' own average size (measured on a sample, cached
    // for the render), so that a huge report does not render every row to throw most away.
    const sample = input.decisions.slice(0, 200);
    const averageRow = sample.length > 0 ? sample.reduce((n, d) => n + Buffer.byteLength(renderRowCached(d, true)) + 1, 0) / sample.length : 1;
    let maxRows = Math.min(input.decisions.length, Math.ceil(limit / averageRow));
    // Sorted once: a render that does not fit is redone with fewer rows of the same lists.
    const lists = {
        failing: sorted(input.decisions.filter((d) => d.verdict === 'fails-gate')),
        below: sorted(input.decisions.filter((d) => d.verdict === 'below-threshold')),
        suppressed: sorted(input.decisions.filter((d) => d.verdict === 'suppressed')),
    };
    for (;;) {
        const { text } = render(input, lists, maxRows);
        const size = Buffer.byteLength(text, 'utf8');
        if (size <= limit || maxRows === 0)
            return text;
        maxRows = Math.floor(maxRows * Math.min(0.9, limit / size));
    }
}

;// CONCATENATED MODULE: ./src/report/comment.ts






/** GitHub refuses comment bodies over 65,536 characters. */
const COMMENT_LIMIT_CHARS = 65_536;
/** Suggested fixes shown in the comment, for workloads whose findings fail the gate. */
const COMMENT_SUGGESTIONS = 3;
function workloadLines(input, maxRows) {
    const workloads = input.workloads ?? [];
    const out = [];
    const levels = podSecurityLine(workloads);
    if (levels)
        out.push(levels, '');
    if (maxRows === 0)
        return out;
    const worst = failingWorkloads(workloads, input.decisions).slice(0, COMMENT_SUGGESTIONS);
    for (const w of worst)
        out.push(...suggestionBlock(w, fileLineLink(w.file, w.line, input.links)));
    return out;
}
const ORDER = ['critical', 'high', 'medium', 'low', 'info'];
function fileLineLink(file, line, links) {
    const label = codeSpan(`${file}:${line}`);
    if (!links.commitSha || !/^[0-9a-f]{40,64}$/.test(links.commitSha))
        return label;
    const path = file.split('/').map(encodeURIComponent).join('/');
    return `[${label}](${links.repositoryUrl}/blob/${links.commitSha}/${path}#L${line})`;
}
function lineLink(decision, links) {
    const f = decision.finding;
    if (!f.file)
        return f.image ? codeSpan(f.image) : '—';
    return fileLineLink(f.file, f.line ?? 1, links);
}
function comment_render(input, maxRows) {
    const { gate, decisions, links } = input;
    const failing = sorted(decisions.filter((d) => d.verdict === 'fails-gate'));
    const open = decisions.filter((d) => d.verdict !== 'suppressed');
    const lines = [input.marker];
    lines.push(gate.verdict === 'pass' ? `### ✅ bulkhead: pass` : `### ❌ bulkhead: fail`, '');
    for (const reason of gate.reasons)
        lines.push(`- ${escape_escapeMarkdown(reason)}`);
    if (gate.reasons.length > 0)
        lines.push('');
    const counts = ORDER.filter((s) => s !== 'info').map((s) => `${SEVERITY_BADGE[s]}: **${open.filter((d) => d.finding.severity === s).length}**`);
    const suppressed = decisions.length - open.length;
    lines.push(`${counts.join(' · ')}${suppressed ? ` · suppressed: ${suppressed}` : ''} — ${input.jobs && input.failOnVaries ? "each job's gate used its own fail-on" : `the gate fails on ${input.failOn === 'none' ? 'nothing (fail-on: none)' : `${input.failOn} and above`}`}.`, '');
    if (input.jobs)
        lines.push(...renderJobTable(input.jobs, maxRows > 0 ? 50 : 10));
    else if (input.images && input.images.length > 1)
        lines.push(...renderJobTable(input.images, maxRows > 0 ? 50 : 10, { perImage: true }));
    if (input.baseline) {
        lines.push(`Compared with the baseline: **${input.baseline.new} new**, ${input.baseline.unchanged} unchanged, ${input.baseline.fixed.length} fixed.`, '');
    }
    if (failing.length > 0) {
        const shown = failing.slice(0, maxRows);
        lines.push('| Severity | Rule | Where | Package | Fixed in | Finding |', '|---|---|---|---|---|---|');
        for (const d of shown) {
            lines.push(`| ${[SEVERITY_BADGE[d.finding.severity], ruleCell(d), lineLink(d, links), packageCell(d), fixedCell(d), escape_escapeMarkdown(d.finding.title)].join(' | ')} |`);
        }
        if (shown.length < failing.length) {
            const left = failing.slice(shown.length);
            const bySeverity = ORDER.map((s) => [s, left.filter((d) => d.finding.severity === s).length]).filter(([, n]) => n > 0);
            lines.push('', `${left.length} more finding${left.length === 1 ? '' : 's'} that fail the gate (${bySeverity.map(([s, n]) => `${n} ${s}`).join(', ')}) did not fit here; the run summary lists them all.`);
        }
        lines.push('');
    }
    lines.push(...renderByLine(decisions, (file, line) => fileLineLink(file, line, links), maxRows > 0 ? 10 : 3));
    lines.push(...workloadLines(input, maxRows));
    if (maxRows > 0)
        lines.push(...rehearsalCommentLines(input.rehearsals ?? []));
    const footer = [
        links.runUrl ? `[Full summary of this run](${links.runUrl})` : undefined,
        `bulkhead ${escape_escapeMarkdown(input.version)}`,
    ].filter(Boolean);
    lines.push(`<sub>${footer.join(' · ')}</sub>`);
    return lines.join('\n');
}
/** The sticky pull-request comment: verdict and counts first, then what fails the gate, most severe first. */
function comment_renderComment(input) {
    const failing = input.decisions.filter((d) => d.verdict === 'fails-gate').length;
    let text = comment_render(input, failing);
    if (text.length <= COMMENT_LIMIT_CHARS)
        return text;
    // Cut rows, least severe first, until it fits.
    let low = 0;
    let high = failing;
    while (low < high) {
        const mid = Math.ceil((low + high) / 2);
        if (comment_render(input, mid).length <= COMMENT_LIMIT_CHARS)
            low = mid;
        else
            high = mid - 1;
    }
    text = comment_render(input, low);
    return text;
}
/** What the comment says once nothing fails the gate any more (resolved: update). */
function comment_renderResolvedComment(marker, links, version) {
    const footer = [links.runUrl ? `[Full summary of this run](${links.runUrl})` : undefined, `bulkhead ${escapeMarkdown(version)}`].filter(Boolean);
    return [marker, '### ✅ bulkhead: pass', '', 'Nothing fails the gate any more.', '', `<sub>${footer.join(' · ')}</sub>`].join('\n');
}

// EXTERNAL MODULE: ./src/util/network.ts
var network = __webpack_require__(4506);
;// CONCATENATED MODULE: ./src/github/client.ts



/**
 * The one GitHub client: the toolkit's Octokit (GITHUB_API_URL, so GHES works), retrying 5xx
 * with backoff and waiting out rate limits, both by Octokit's own plugins. The token never
 * reaches a log line from here. The toolkit is loaded here, not at start-up: importing it parses
 * GITHUB_EVENT_PATH, which github/context.ts checks first (a malformed payload would otherwise
 * throw before bulkhead could say what is wrong).
 */
async function client_createGitHubClient(token, logger, options) {
    const { getOctokit } = await Promise.all(/* import() */[__webpack_require__.e(119), __webpack_require__.e(413)]).then(__webpack_require__.bind(__webpack_require__, 92413));
    return getOctokit(token, {
        // From the runner's environment as read for this run, not as it was when the toolkit loaded.
        baseUrl: options.apiUrl,
        retry: {
            doNotRetry: [400, 401, 403, 404, 410, 422, 451],
            ...(options.retryBaseMs !== undefined ? { retryAfterBaseValue: options.retryBaseMs } : {}),
        },
        throttle: {
            onRateLimit: (retryAfter, request, _octokit, retryCount) => {
                logger.warning(`GitHub's rate limit was reached for ${request.method} ${request.url}; ${retryCount < 2 ? `retrying in ${retryAfter} s` : 'giving up'}.`);
                return retryCount < 2;
            },
            onSecondaryRateLimit: (retryAfter, request, _octokit, retryCount) => {
                logger.warning(`GitHub's secondary rate limit was reached for ${request.method} ${request.url}; ${retryCount < 1 ? `retrying in ${retryAfter} s` : 'giving up'}.`);
                return retryCount < 1;
            },
        },
    }, retry, throttling);
}
/** What GitHub said, in one line: status and message, never headers (they may carry the token). */
function client_describeGitHubError(error) {
    // Octokit reports a request that got no answer as status 500 without a response: name the real cause.
    const request = error?.request;
    const answered = typeof error === 'object' && error !== null && error.response !== undefined;
    if (!answered) {
        const url = typeof request?.url === 'string' ? request.url : '';
        const cause = networkCause(error, url);
        if (cause)
            return { message: `GitHub could not be reached: ${cause}` };
    }
    if (typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number') {
        const status = error.status;
        const response = error.response;
        const data = response?.data;
        const message = typeof data === 'object' && data !== null && 'message' in data ? String(data.message) : error instanceof Error ? error.message : '';
        return { status, message: `GitHub answered ${status}${message ? ` (${message.split('\n')[0]})` : ''}` };
    }
    return { message: error instanceof Error ? error.message : String(error) };
}

;// CONCATENATED MODULE: ./src/util/json.ts
/** Small readers for untyped JSON: each returns undefined rather than guessing. */
function json_isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function json_str(value) {
    return typeof value === 'string' && value.length > 0 ? value : undefined;
}
function json_num(value) {
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
/** Drops the keys whose value is undefined, so optional fields are absent rather than undefined. */
function compact(value) {
    // A loop, not Object.fromEntries(entries.filter): every Trivy finding passes through here.
    const out = {};
    for (const key in value) {
        const v = value[key];
        if (v !== undefined)
            out[key] = v;
    }
    return out;
}

;// CONCATENATED MODULE: ./src/report/json.ts



const REPORT_FORMAT = 'bulkhead-report/v1';
/** report-file: every finding with its decision and reason, and how each scanner fared. */
function buildJsonReport(input) {
    const { policy, policyOutcome } = input;
    return {
        format: REPORT_FORMAT,
        bulkhead: { version: input.version },
        createdAt: input.createdAt.toISOString(),
        verdict: input.gate.verdict,
        exitCode: input.gate.exitCode,
        reasons: input.gate.reasons,
        policy: {
            settings: policy.settings,
            scannerError: input.scannerError,
            files: policy.files,
            exceptions: policyOutcome.exceptions.map((use) => ({ ...use.exception, state: use.state, matched: use.matched })),
            overrides: policy.gate.overrides ?? [],
            vexStatements: policy.gate.vex?.length ?? 0,
            baseline: policyOutcome.baseline ?? null,
            hadolintIgnores: policy.hadolintIgnores,
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
            executable: r.scanner ?? null,
            database: r.database ?? null,
        })),
        workloads: input.results.flatMap((r) => r.workloads ?? []),
        rehearsals: input.results.flatMap((r) => (r.rehearsal ? [{ image: r.target, ...r.rehearsal }] : [])),
        sarifOmitted: input.omitted,
        notes: input.notes,
        decisions: input.decisions.map((d) => ({ verdict: d.verdict, reason: d.reason, finding: d.finding })),
        ...(input.github ? { github: input.github } : {}),
    };
}
/** Reads a previous run's report-file; the fingerprints of its findings are the baseline. */
function readBaseline(document, source) {
    if (!json_isObject(document) || document.format !== REPORT_FORMAT || !Array.isArray(document.decisions)) {
        throw new errors/* FormatError */.IF(source, `is not a bulkhead report file (${REPORT_FORMAT}); use the report-file of an earlier run.`);
    }
    const entries = new Map();
    for (const decision of document.decisions) {
        const finding = json_isObject(decision) && json_isObject(decision.finding) ? decision.finding : undefined;
        const fingerprint = finding ? json_str(finding.fingerprint) : undefined;
        if (!finding || !fingerprint)
            continue;
        const severity = json_str(finding.severity) ?? 'medium';
        entries.set(fingerprint, {
            fingerprint,
            ruleId: json_str(finding.ruleId) ?? '',
            title: json_str(finding.title) ?? '',
            severity: isSeverity(severity) ? severity : 'medium',
        });
    }
    return { source, entries };
}

;// CONCATENATED MODULE: ./src/util/jsonStream.ts

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
/** Deeper than any tool's report; a file of nothing but `[` would otherwise hold a frame per byte. */
const MAX_JSON_DEPTH = 512;
/** Where a spilled list is between its elements. */
const EXPECT_FIRST = 0;
const AFTER_ELEMENT = 1;
const AFTER_COMMA = 2;
/** How many keys the objects in a parsed value have, all told (a loop, not recursion: the nesting is the input's). */
function countKeys(value) {
    let count = 0;
    const pending = [value];
    while (pending.length > 0) {
        const next = pending.pop();
        if (typeof next !== 'object' || next === null)
            continue;
        if (Array.isArray(next)) {
            for (const element of next)
                if (typeof element === 'object' && element !== null)
                    pending.push(element);
            continue;
        }
        for (const key in next) {
            count++;
            const member = next[key];
            if (typeof member === 'object' && member !== null)
                pending.push(member);
        }
    }
    return count;
}
function pathText(segments) {
    let path = '';
    for (const segment of segments)
        path += typeof segment === 'number' ? `[${segment}]` : path === '' ? segment : `.${segment}`;
    return path;
}
const TOKEN = /"(?:[^"\\]|\\.)*"|[{}[\],:]/g;
/**
 * The first key repeated in one object of valid JSON text, and the path to that object. Only run
 * once a count has shown that there is one, so it may be plain rather than fast.
 */
function firstRepeatedKey(text) {
    const stack = [];
    for (const match of text.matchAll(TOKEN)) {
        const token = match[0];
        const frame = stack[stack.length - 1];
        if (token === '{')
            stack.push({ keys: new Set(), index: 0, expectKey: true });
        else if (token === '[')
            stack.push({ index: 0, expectKey: false });
        else if (token === '}' || token === ']')
            stack.pop();
        else if (token === ',') {
            if (frame?.keys)
                frame.expectKey = true;
            else if (frame)
                frame.index++;
        }
        else if (token.startsWith('"') && frame?.keys && frame.expectKey) {
            const key = JSON.parse(token);
            const path = stack.slice(0, -1).map((f) => (f.keys ? (f.key ?? '') : f.index));
            if (frame.keys.has(key))
                return { key, path };
            frame.keys.add(key);
            frame.key = key;
            frame.expectKey = false;
        }
    }
    return undefined;
}
class JsonSequenceParser {
    options;
    values = [];
    stack = [];
    /** Bytes before the current chunk. */
    consumed = 0;
    first = true;
    // The current top-level value.
    valueOffset = 0;
    skeleton = [];
    /** Where the skeleton continues in the current chunk; -1 while a spilled list's elements are skipped. */
    skeletonStart = -1;
    skeletonKeys = 0;
    spills = [];
    /** A top-level scalar: the rest of the input is that one document. */
    scalar;
    // A string the chunk ended inside.
    inString = false;
    stringIsKey = false;
    stringBackslashes = 0;
    /** A key on the way to a spilled list, decoded for the list's path: its bytes so far. */
    keyParts;
    keyStart = 0;
    element;
    /** Whether the element being read is a number or literal: white space, a comma or a bracket ends it. */
    scalarOpen = false;
    constructor(options) {
        this.options = options;
    }
    fail(detail) {
        throw new errors/* FormatError */.IF(this.options.source, detail);
    }
    invalid(offset) {
        this.fail(`is not valid JSON (unexpected character at offset ${offset}); it may be truncated or not a JSON report.`);
    }
    /** Parses one value's text; `prefix` is where the text sits in the whole, for a repeated key's message. */
    parse(bytes, keys, prefix = []) {
        const text = bytes.toString('utf8');
        let value;
        try {
            value = JSON.parse(text);
        }
        catch (error) {
            return this.fail(`is not valid JSON (${error instanceof Error ? error.message : String(error)}); it may be truncated or not a JSON report.`);
        }
        if (keys !== undefined && countKeys(value) !== keys) {
            const repeated = firstRepeatedKey(text);
            const where = repeated ? pathText([...prefix, ...repeated.path]) : '';
            this.fail(`has the key ${JSON.stringify((repeated?.key ?? '').slice(0, 60))} twice in ${where || 'the top-level object'}; a tool writes each key once, so the file was edited or is not the tool's output.`);
        }
        return value;
    }
    /** The path from the top of the value to the list just opened. */
    listPath() {
        const path = [];
        for (let f = 0; f < this.stack.length - 1; f++) {
            const frame = this.stack[f];
            path.push(frame.object ? (frame.key ?? '') : frame.index);
        }
        return path;
    }
    /** A spilled list's next element starts at `at` (its first byte). */
    startElement(frame, chunk, at, scalar) {
        const spill = frame.spill;
        // After an element only a comma or the list's end may come (a number still being read counts as one).
        if (spill.state === AFTER_ELEMENT || this.element)
            this.invalid(this.consumed + at);
        if (spill.state === EXPECT_FIRST && this.skeletonStart >= 0) {
            this.skeleton.push(Buffer.from(chunk.subarray(this.skeletonStart, at)));
            this.skeletonStart = -1;
        }
        this.element = { spill, index: frame.index, depth: this.stack.length, scalar, start: at, parts: [], keys: 0 };
        this.scalarOpen = scalar;
    }
    endElement(chunk, end) {
        const element = this.element;
        this.element = undefined;
        this.scalarOpen = false;
        const piece = chunk.subarray(element.start, end);
        const { spill } = element;
        const value = this.parse(element.parts.length === 0 ? piece : Buffer.concat([...element.parts, piece]), element.keys, [
            ...spill.path,
            element.index,
        ]);
        spill.elements.push(this.options.element ? this.options.element(value, spill.path, element.index) : value);
        spill.state = AFTER_ELEMENT;
    }
    /** The top-level value closed at `end`: the skeleton is parsed and the spilled lists put back. */
    endValue(chunk, end) {
        this.skeleton.push(chunk.subarray(this.skeletonStart, end));
        const document = this.parse(Buffer.concat(this.skeleton), this.skeletonKeys);
        this.skeleton = [];
        this.skeletonStart = -1;
        this.skeletonKeys = 0;
        let value = document;
        for (const spill of this.spills) {
            if (spill.path.length === 0) {
                value = spill.elements;
                continue;
            }
            let parent = value;
            for (const segment of spill.path.slice(0, -1))
                parent = parent[segment];
            parent[spill.path.at(-1)] = spill.elements;
        }
        this.spills = [];
        this.values.push(value);
    }
    /** Finds the end of a string from `from` (just past its opening quote, or the chunk's start); -1 if the chunk ends first. */
    stringEnd(chunk, from) {
        for (let end = chunk.indexOf(QUOTE, from); end !== -1; end = chunk.indexOf(QUOTE, end + 1)) {
            if (chunk[end - 1] !== BACKSLASH || end === from) {
                if (end > from || this.stringBackslashes % 2 === 0)
                    return end;
                continue;
            }
            let backslashes = 0;
            let j = end - 1;
            while (j >= from && chunk[j] === BACKSLASH) {
                backslashes++;
                j--;
            }
            // Backslashes at the start of this chunk continue those at the end of the last.
            if (j < from)
                backslashes += this.stringBackslashes;
            if (backslashes % 2 === 0)
                return end;
        }
        let trailing = 0;
        for (let j = chunk.length - 1; j >= from && chunk[j] === BACKSLASH; j--)
            trailing++;
        this.stringBackslashes = trailing === chunk.length - from ? this.stringBackslashes + trailing : trailing;
        return -1;
    }
    /** A string closed at `end` (its closing quote). */
    closeString(chunk, end) {
        this.inString = false;
        this.stringBackslashes = 0;
        if (this.stringIsKey) {
            const frame = this.stack[this.stack.length - 1];
            frame.expectKey = false;
            if (this.element)
                this.element.keys++;
            else {
                this.skeletonKeys++;
                if (this.keyParts) {
                    const piece = chunk.subarray(this.keyStart, end);
                    const raw = (this.keyParts.length === 0 ? piece : Buffer.concat([...this.keyParts, piece])).toString('utf8');
                    this.keyParts = undefined;
                    let key = raw;
                    if (raw.includes('\\')) {
                        try {
                            key = JSON.parse(`"${raw}"`);
                        }
                        catch {
                            // Left to JSON.parse of the skeleton, which says where the text is malformed.
                        }
                    }
                    frame.key = key;
                }
            }
        }
        else if (this.element && this.stack.length === this.element.depth)
            this.endElement(chunk, end + 1);
    }
    /** A number, literal or string at the top: only valid as the whole document, so the rest is kept for it. */
    topScalar(chunk, at) {
        this.scalar = [Buffer.from(chunk.subarray(at))];
        this.consumed += chunk.length;
    }
    /** A string opens at `at`; returns its closing quote, or -1 when the chunk ends inside it. */
    openString(frame, chunk, at) {
        if (frame.spill)
            this.startElement(frame, chunk, at, false);
        this.stringIsKey = frame.object && frame.expectKey;
        if (this.stringIsKey && this.element === undefined && this.options.spill) {
            this.keyParts = [];
            this.keyStart = at + 1;
        }
        const end = this.stringEnd(chunk, at + 1);
        if (end === -1)
            this.inString = true;
        else
            this.closeString(chunk, end);
        return end;
    }
    open(frame, chunk, at, object) {
        if (frame === undefined) {
            this.valueOffset = this.consumed + at;
            this.skeletonStart = at;
        }
        else if (frame.spill)
            this.startElement(frame, chunk, at, false);
        if (this.stack.length >= MAX_JSON_DEPTH)
            this.fail(`has lists and objects nested more than ${MAX_JSON_DEPTH} deep (at offset ${this.consumed + at}); no tool writes such a report.`);
        this.stack.push({ object, expectKey: object, index: 0, key: undefined, spill: undefined });
        if (!object && this.options.spill && this.element === undefined) {
            const path = this.listPath();
            if (this.options.spill(path))
                this.stack[this.stack.length - 1].spill = { path, elements: [], state: EXPECT_FIRST };
        }
    }
    comma(frame, chunk, at) {
        if (frame === undefined)
            this.invalid(this.consumed + at);
        if (this.scalarOpen && this.stack.length === this.element.depth)
            this.endElement(chunk, at);
        if (frame.object)
            frame.expectKey = true;
        else {
            frame.index++;
            if (frame.spill) {
                if (frame.spill.state !== AFTER_ELEMENT)
                    this.invalid(this.consumed + at);
                frame.spill.state = AFTER_COMMA;
            }
        }
    }
    close(frame, chunk, at, object) {
        if (frame === undefined || frame.object !== object)
            this.invalid(this.consumed + at);
        const stack = this.stack;
        if (this.scalarOpen && stack.length === this.element.depth)
            this.endElement(chunk, at);
        if (frame.spill) {
            if (frame.spill.state === AFTER_COMMA)
                this.invalid(this.consumed + at);
            if (frame.spill.state === AFTER_ELEMENT)
                this.skeletonStart = at;
            this.spills.push(frame.spill);
        }
        stack.pop();
        if (this.element && stack.length === this.element.depth)
            this.endElement(chunk, at + 1);
        if (stack.length === 0)
            this.endValue(chunk, at + 1);
    }
    push(input) {
        let chunk = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
        if (this.first && chunk.length > 0) {
            this.first = false;
            if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
                chunk = chunk.subarray(3);
                this.consumed += 3;
            }
        }
        const n = chunk.length;
        let i = 0;
        if (this.scalar) {
            this.scalar.push(Buffer.from(chunk));
            this.consumed += n;
            return;
        }
        if (this.inString) {
            const end = this.stringEnd(chunk, 0);
            if (end === -1)
                i = n;
            else {
                this.closeString(chunk, end);
                i = end + 1;
            }
        }
        const stack = this.stack;
        for (; i < n; i++) {
            const c = chunk[i];
            if (c === SPACE || c === LF || c === CR || c === TAB) {
                if (this.scalarOpen && stack.length === this.element.depth)
                    this.endElement(chunk, i);
                // Indentation: a tight loop over the run of spaces, which is most of a pretty-printed report.
                while (chunk[i + 1] === SPACE)
                    i++;
                continue;
            }
            const frame = stack[stack.length - 1];
            if (c === QUOTE) {
                if (frame === undefined)
                    return this.topScalar(chunk, i);
                const end = this.openString(frame, chunk, i);
                if (end === -1)
                    break;
                i = end;
            }
            else if (c === OPEN_BRACE || c === OPEN_BRACKET)
                this.open(frame, chunk, i, c === OPEN_BRACE);
            else if (c === COMMA)
                this.comma(frame, chunk, i);
            else if (c === CLOSE_BRACE || c === CLOSE_BRACKET)
                this.close(frame, chunk, i, c === CLOSE_BRACE);
            else if (frame === undefined)
                return this.topScalar(chunk, i);
            else if (frame.spill && this.element === undefined) {
                // A number or literal as an element of a spilled list; nothing else may stand between its elements.
                if (c === COLON)
                    this.invalid(this.consumed + i);
                this.startElement(frame, chunk, i, true);
            }
        }
        // Whatever is still open keeps its bytes: the chunk is the caller's to reuse.
        if (this.element) {
            this.element.parts.push(Buffer.from(chunk.subarray(this.element.start)));
            this.element.start = 0;
        }
        if (stack.length > 0 && this.skeletonStart >= 0) {
            this.skeleton.push(Buffer.from(chunk.subarray(this.skeletonStart)));
            this.skeletonStart = 0;
        }
        if (this.inString && this.keyParts) {
            this.keyParts.push(Buffer.from(chunk.subarray(this.keyStart)));
            this.keyStart = 0;
        }
        this.consumed += n;
    }
    /** The values read, once the input has ended; throws if the last one is not closed. */
    end() {
        if (this.scalar) {
            this.values.push(this.parse(Buffer.concat(this.scalar), undefined));
            this.scalar = undefined;
        }
        if (this.stack.length > 0 || this.inString) {
            this.fail(`is not valid JSON (the value starting at offset ${this.valueOffset} is not closed); it may be truncated or not a JSON report.`);
        }
        return this.values;
    }
}
/** Parses text holding one or more JSON values written one after another (`[][][{…}]`, or values separated by white space). */
function parseJsonSequence(text, source = 'the JSON text') {
    const parser = new JsonSequenceParser({ source });
    parser.push(Buffer.from(text, 'utf8'));
    return parser.end();
}

;// CONCATENATED MODULE: ./src/util/jsonFile.ts



/**
 * Largest scanner report bulkhead reads. Far above any real report (a Trivy report of a
 * 1,500-vulnerability image is ~2 MB); the reader streams it, so memory follows what the caller
 * keeps of it rather than the file's size.
 */
const MAX_REPORT_BYTES = 256 * 1024 * 1024;
/** Read size: large enough that the per-chunk work is negligible, small enough to stay in cache. */
const CHUNK_BYTES = 1024 * 1024;
/**
 * Reads a JSON report (a scanner's, a VEX document, a report-file): one document, or several
 * written back to back. Only a regular file no larger than the limit is read (openRegularFile).
 */
async function jsonFile_readJsonReport(path, options = {}) {
    const maxBytes = options.maxBytes ?? MAX_REPORT_BYTES;
    const refuse = (detail) => new errors/* FormatError */.IF(path, detail);
    const { handle, size } = await openRegularFile(path, maxBytes, refuse);
    try {
        const parser = new JsonSequenceParser({
            source: path,
            ...(options.spill ? { spill: options.spill } : {}),
            ...(options.element ? { element: options.element } : {}),
        });
        // One buffer, reused: the parser copies what it keeps of each chunk.
        const buffer = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(size, 1)));
        let total = 0;
        for (;;) {
            const { bytesRead } = await handle.read(buffer, 0, buffer.length, null).catch((error) => {
                throw refuse(`cannot be read (${error.code ?? String(error)}).`);
            });
            if (bytesRead === 0)
                break;
            total += bytesRead;
            // The file grew after the size check: still no more than the limit is read.
            if (total > maxBytes)
                throw refuse(`is larger than the ${sizeText(maxBytes)} bulkhead reads for such a file; is it the right file?`);
            parser.push(buffer.subarray(0, bytesRead));
        }
        const values = parser.end();
        if (values.length === 0)
            throw refuse('is empty; the scanner wrote no report (did it fail?).');
        return values;
    }
    finally {
        await handle.close();
    }
}

;// CONCATENATED MODULE: ./src/github/publishedReport.ts




const VERDICTS = ['fails-gate', 'below-threshold', 'suppressed'];
const KINDS = ['vulnerability', 'secret', 'misconfiguration', 'license', 'hardening', 'lint'];
const MAX_TEXT = 2000;
const publishedReport_text = (value, max = MAX_TEXT) => {
    const s = json_str(value);
    return s === undefined ? undefined : s.slice(0, max);
};
function findingOf(value) {
    if (!json_isObject(value))
        return undefined;
    const tool = json_str(value.tool);
    const severity = json_str(value.severity);
    const kind = json_str(value.kind);
    const ruleId = publishedReport_text(value.ruleId, 200);
    const title = publishedReport_text(value.title);
    const fingerprint = publishedReport_text(value.fingerprint, 200);
    if (!tool ||
        !TOOLS.includes(tool) ||
        !severity ||
        !isSeverity(severity) ||
        !kind ||
        !KINDS.includes(kind) ||
        !ruleId ||
        title === undefined ||
        !fingerprint) {
        return undefined;
    }
    const file = publishedReport_text(value.file, 500);
    const line = json_num(value.line);
    const image = publishedReport_text(value.image, 500);
    const path = publishedReport_text(value.path, 1000);
    const helpUri = publishedReport_text(value.helpUri, 500);
    const workload = publishedReport_text(value.workload, 500);
    const pkg = json_isObject(value.pkg) ? value.pkg : undefined;
    const pkgName = pkg ? publishedReport_text(pkg.name, 300) : undefined;
    return {
        tool: tool,
        ruleId,
        kind: kind,
        severity,
        title,
        message: publishedReport_text(value.message) ?? title,
        fingerprint,
        ...(file ? { file } : {}),
        ...(line !== undefined && Number.isInteger(line) && line > 0 ? { line } : {}),
        ...(image ? { image } : {}),
        ...(path ? { path } : {}),
        ...(helpUri ? { helpUri } : {}),
        ...(workload ? { workload } : {}),
        ...(pkg && pkgName
            ? {
                pkg: {
                    name: pkgName,
                    installed: publishedReport_text(pkg.installed, 200) ?? '',
                    ...(publishedReport_text(pkg.fixed, 200) ? { fixed: publishedReport_text(pkg.fixed, 200) } : {}),
                },
            }
            : {}),
    };
}
const LEVELS = ['privileged', 'baseline', 'restricted'];
/** One workload of the report, capped like findings; a malformed one is left out. */
function workloadOf(value) {
    if (!json_isObject(value))
        return undefined;
    const id = publishedReport_text(value.id, 500);
    const name = publishedReport_text(value.name, 300);
    const kind = publishedReport_text(value.kind, 100);
    const file = publishedReport_text(value.file, 500);
    const line = json_num(value.line);
    const platform = value.platform === 'kubernetes' || value.platform === 'compose' ? value.platform : undefined;
    if (!id || !name || !kind || !file || !platform || line === undefined || !Number.isInteger(line) || line < 1)
        return undefined;
    const pss = json_isObject(value.podSecurity) ? value.podSecurity : undefined;
    const level = pss ? json_str(pss.level) : undefined;
    const suggestion = publishedReport_text(value.suggestion, 4000);
    return {
        id,
        platform,
        kind,
        name,
        namespace: publishedReport_text(value.namespace, 300) ?? '',
        file,
        line,
        ...(level && LEVELS.includes(level)
            ? { podSecurity: { level: level, violations: [] } }
            : {}),
        scannedImages: [],
        findings: json_num(value.findings) ?? 0,
        ...(suggestion ? { suggestion } : {}),
    };
}
function scannerOf(value) {
    if (!json_isObject(value))
        return undefined;
    const tool = json_str(value.tool);
    const target = publishedReport_text(value.target, 500);
    const status = value.status === 'ok' || value.status === 'error' ? value.status : undefined;
    if (!tool || !TOOLS.includes(tool) || target === undefined || !status)
        return undefined;
    const error = publishedReport_text(value.error);
    return { tool: tool, target, status, ...(error ? { error } : {}) };
}
/**
 * Reads a report-file written by a scan job. The file comes from a pull request's workflow, so
 * it is treated as untrusted data: checked field by field, text capped, anything odd dropped.
 */
function publishedReport_parsePublishedReport(document, file) {
    if (!json_isObject(document) || document.format !== REPORT_FORMAT) {
        throw new errors/* FormatError */.IF(file, `is not a bulkhead report (format ${REPORT_FORMAT}); give the report-file the scan job wrote.`);
    }
    const verdict = document.verdict === 'pass' || document.verdict === 'fail' ? document.verdict : undefined;
    if (!verdict)
        throw new errors/* FormatError */.IF(file, 'has no verdict; give the report-file the scan job wrote.');
    const policy = json_isObject(document.policy) ? document.policy : {};
    const settings = json_isObject(policy.settings) ? policy.settings : {};
    const failOnSetting = json_isObject(settings.failOn) ? json_str(settings.failOn.value) : undefined;
    const failOn = (failOnSetting === 'none' || (failOnSetting && isSeverity(failOnSetting) && failOnSetting !== 'info') ? failOnSetting : 'high');
    const decisions = [];
    let dropped = 0;
    for (const entry of Array.isArray(document.decisions) ? document.decisions.slice(0, 100_000) : []) {
        const verdictOf = json_isObject(entry) ? json_str(entry.verdict) : undefined;
        const finding = json_isObject(entry) ? findingOf(entry.finding) : undefined;
        if (!finding || !verdictOf || !VERDICTS.includes(verdictOf)) {
            dropped++;
            continue;
        }
        decisions.push({ finding, verdict: verdictOf, reason: (json_isObject(entry) ? publishedReport_text(entry.reason) : undefined) ?? '' });
    }
    const reasons = (Array.isArray(document.reasons) ? document.reasons : [])
        .map((r) => publishedReport_text(r))
        .filter((r) => r !== undefined)
        .slice(0, 50);
    const baseline = json_isObject(policy.baseline) ? policy.baseline : undefined;
    const github = json_isObject(document.github) ? document.github : {};
    const marker = json_str(github.commentMarker);
    return {
        verdict,
        reasons,
        failOn,
        decisions,
        ...(baseline && json_num(baseline.new) !== undefined
            ? {
                baseline: {
                    source: publishedReport_text(baseline.source, 300) ?? 'baseline',
                    new: json_num(baseline.new) ?? 0,
                    unchanged: json_num(baseline.unchanged) ?? 0,
                    fixed: Array.isArray(baseline.fixed) ? baseline.fixed.filter(json_isObject).slice(0, 100_000) : [],
                },
            }
            : {}),
        ...(marker && /^<!-- bulkhead:comment [0-9a-f]{16} -->$/.test(marker) ? { marker } : {}),
        workloads: (Array.isArray(document.workloads) ? document.workloads.slice(0, 1000) : []).flatMap((w) => workloadOf(w) ?? []),
        scanners: (Array.isArray(document.scanners) ? document.scanners.slice(0, 1000) : []).flatMap((entry) => scannerOf(entry) ?? []),
        dropped,
    };
}

;// CONCATENATED MODULE: ./src/github/merge.ts







/** Reads every report; one that cannot be read is kept as an error, so the merge can say so. */
async function readReports(files, workspace) {
    return Promise.all(files.map(async (path) => {
        const file = workspacePath(workspace, path);
        try {
            const documents = await jsonFile_readJsonReport(path);
            return { file, report: publishedReport_parsePublishedReport(documents[0], file) };
        }
        catch (error) {
            return { file, error: error instanceof errors/* FormatError */.IF ? error.message : `${file} could not be read: ${(0,errors/* errorMessage */.gJ)(error)}` };
        }
    }));
}
/** Thresholds from the most lenient to the strictest. */
const FAIL_ON_ORDER = ['none', 'critical', 'high', 'medium', 'low'];
function rowOf(input) {
    const report = input.report;
    if (!report)
        return { file: input.file, targets: [], verdict: 'unreadable', counts: counts_countDecisions([]), problems: [input.error ?? 'unreadable'] };
    const images = [...new Set(report.decisions.flatMap((d) => (d.finding.image ? [d.finding.image] : [])))];
    const scanned = [...new Set(report.scanners.map((s) => s.target))];
    const problems = report.scanners.filter((s) => s.status === 'error').map((s) => `${s.tool} on ${s.target}: ${s.error ?? 'failed'}`);
    return {
        file: input.file,
        targets: images.length > 0 ? images : scanned,
        verdict: report.verdict,
        counts: counts_countDecisions(report.decisions),
        problems,
    };
}
/** The same finding reported by two jobs (one image scanned twice) counts once. */
function decisionKey(d) {
    return [d.finding.tool, d.finding.fingerprint, d.finding.image ?? '', d.finding.file ?? '', d.verdict].join('\u0000');
}
/** One verdict over all jobs: it fails when any job failed, any scanner failed, or any report could not be read. */
function mergeReports(inputs) {
    const jobs = inputs.map(rowOf);
    const reasons = [];
    let exitCode = 0;
    for (const [index, input] of inputs.entries()) {
        const row = jobs[index];
        if (!input.report) {
            reasons.push(input.error ?? `${input.file} could not be read`);
            exitCode = 3;
            continue;
        }
        if (row.problems.length > 0) {
            reasons.push(`${input.file}: ${row.problems.length} scanner${row.problems.length === 1 ? '' : 's'} failed (${row.problems[0]})`);
            exitCode = 3;
        }
        if (input.report.verdict === 'fail') {
            for (const reason of input.report.reasons.length > 0 ? input.report.reasons : ['the job failed']) {
                if (row.problems.length === 0 || !/scanner/i.test(reason))
                    reasons.push(`${input.file}: ${reason}`);
            }
            if (exitCode === 0)
                exitCode = 1;
        }
    }
    const seen = new Set();
    const decisions = inputs
        .flatMap((i) => i.report?.decisions ?? [])
        .filter((d) => {
        const key = decisionKey(d);
        if (seen.has(key))
            return false;
        seen.add(key);
        return true;
    });
    const thresholds = [...new Set(inputs.flatMap((i) => (i.report ? [i.report.failOn] : [])))];
    // Shown in the counts line: the strictest threshold any job used.
    const failOn = thresholds.sort((a, b) => FAIL_ON_ORDER.indexOf(b) - FAIL_ON_ORDER.indexOf(a))[0] ?? 'high';
    const verdict = exitCode === 0 ? 'pass' : 'fail';
    return {
        gate: { verdict, reasons, exitCode },
        decisions,
        jobs,
        failOn,
        failOnVaries: thresholds.length > 1,
        workloads: inputs.flatMap((i) => i.report?.workloads ?? []),
    };
}
/** One merge comment per workflow and category: a matrix's jobs keep their own (or none). */
function mergeMarker(context, category) {
    const key = [context.workflow, 'merge', category].join('\n');
    return `<!-- bulkhead:comment ${(0,external_node_crypto_.createHash)('sha256').update(key).digest('hex').slice(0, 16)} -->`;
}
/** The merged report-file: the format every reader of report-files knows, plus the table of jobs. */
function mergedReportDocument(outcome, options) {
    return {
        format: REPORT_FORMAT,
        bulkhead: { version: options.version },
        createdAt: options.createdAt.toISOString(),
        verdict: outcome.gate.verdict,
        exitCode: outcome.gate.exitCode,
        reasons: outcome.gate.reasons,
        policy: { settings: { failOn: { value: outcome.failOn, source: 'merge' } } },
        counts: counts_countDecisions(outcome.decisions),
        merged: outcome.jobs,
        workloads: outcome.workloads,
        decisions: outcome.decisions.map((d) => ({ verdict: d.verdict, reason: d.reason, finding: d.finding })),
        github: { commentMarker: options.marker },
    };
}

// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(38522);
;// CONCATENATED MODULE: ./src/util/jsonText.ts


/**
 * A value already serialized by JSON.stringify, written as it is: a list of 25,000 SARIF results
 * is kept as their texts rather than as 25,000 object trees the collector must keep and walk.
 */
class RawJson {
    text;
    constructor(value) {
        this.text = JSON.stringify(value);
    }
}
/** Arrays with at least this many elements are written element by element; smaller ones are descended into. */
const SPLIT_AT = 32;
function isLeaf(value) {
    return (value === null ||
        typeof value !== 'object' ||
        typeof value.toJSON === 'function' ||
        // Only plain objects and arrays are walked; anything else is JSON.stringify's to render.
        (!Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null));
}
/** JSON.stringify drops these as object members and writes them as null in arrays. */
function isAbsent(value) {
    return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}
/**
 * `value`'s JSON text in pieces, as they are made: a writer can encode and write them as they come,
 * so a 140 MB report file never exists whole in memory.
 */
function* jsonPieces(value) {
    if (value instanceof RawJson) {
        yield value.text;
        return;
    }
    if (isLeaf(value)) {
        yield JSON.stringify(value) ?? 'null';
        return;
    }
    if (Array.isArray(value)) {
        if (value.length === 0) {
            yield '[]';
            return;
        }
        const whole = value.length >= SPLIT_AT;
        yield '[';
        for (let index = 0; index < value.length; index++) {
            const element = value[index];
            if (index > 0)
                yield ',';
            if (isAbsent(element))
                yield 'null';
            else if (element instanceof RawJson)
                yield element.text;
            else if (whole)
                yield JSON.stringify(element);
            else
                yield* jsonPieces(element);
        }
        yield ']';
        return;
    }
    let first = true;
    yield '{';
    for (const [key, member] of Object.entries(value)) {
        if (isAbsent(member))
            continue;
        yield `${first ? '' : ','}${JSON.stringify(key)}:`;
        first = false;
        yield* jsonPieces(member);
    }
    yield '}';
}
/** `value` as JSON text in pieces; the pieces joined are byte for byte `JSON.stringify(value)` (compact). */
function toJsonText(value) {
    return { pieces: Array.from(jsonPieces(value)) };
}
/** The whole text as one string: for small texts, and for tests. */
function jsonTextString(text) {
    return text.pieces.join('');
}
/** The text's length in UTF-8 bytes. */
function jsonTextBytes(text) {
    let bytes = 0;
    for (const piece of text.pieces)
        bytes += Buffer.byteLength(piece, 'utf8');
    return bytes;
}
/**
 * Pieces of text as UTF-8, in buffers of about `size` bytes. A piece that is all ASCII (most are) is
 * copied in as Latin-1, several times faster than V8's UTF-8 encoder, which the rest go through.
 * Each buffer is new: a consumer may hold on to it.
 */
function* utf8Chunks(pieces, size = 1024 * 1024) {
    let buffer = Buffer.allocUnsafe(size);
    let used = 0;
    for (const piece of pieces) {
        const bytes = Buffer.byteLength(piece, 'utf8');
        if (bytes > size - used) {
            if (used > 0)
                yield buffer.subarray(0, used);
            buffer = Buffer.allocUnsafe(size);
            used = 0;
            if (bytes > size) {
                yield Buffer.from(piece, 'utf8');
                continue;
            }
        }
        used += buffer.write(piece, used, bytes === piece.length ? 'latin1' : 'utf8');
    }
    if (used > 0)
        yield buffer.subarray(0, used);
}
/** The text gzipped, streamed through zlib so that no copy of the whole text is made first. */
async function jsonText_gzipJsonText(text) {
    const chunks = [];
    const gzip = Readable.from(utf8Chunks(text.pieces)).pipe(createGzip());
    for await (const chunk of gzip)
        chunks.push(chunk);
    return Buffer.concat(chunks);
}

;// CONCATENATED MODULE: ./src/github/codeScanning.ts

/** Uploads a SARIF log, gzipped and base64-encoded as the API requires; returns GitHub's id for it. */
async function codeScanning_uploadSarif(client, repository, upload) {
    const response = await client.rest.codeScanning.uploadSarif({
        ...repository,
        commit_sha: upload.commitSha,
        ref: upload.ref,
        sarif: (await gzipJsonText(upload.sarif)).toString('base64'),
        ...(upload.checkoutUri ? { checkout_uri: upload.checkoutUri } : {}),
    });
    return response.data.id ?? '';
}
/** Polls the upload's processing status with growing waits until it settles or time runs out. */
async function codeScanning_waitForProcessing(client, repository, sarifId, options) {
    const sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    const deadline = Date.now() + options.timeoutMs;
    let wait = options.firstWaitMs;
    for (;;) {
        const { data } = await client.rest.codeScanning.getSarif({ ...repository, sarif_id: sarifId });
        const status = data.processing_status ?? 'pending';
        if (status !== 'pending')
            return { status, errors: [...(data.errors ?? [])] };
        if (Date.now() + wait > deadline)
            return { status: 'pending', errors: [] };
        await sleep(wait);
        wait = Math.min(wait * 2, 30_000);
    }
}

;// CONCATENATED MODULE: ./src/github/dependencyGraph.ts



/** The correlator of this job's snapshots: workflow, job, category and the images it scans. */
function dependencyGraph_snapshotCorrelator(workflow, job, category, imageKeys) {
    const images = createHash('sha256')
        .update([...imageKeys].sort().join('\n'))
        .digest('hex')
        .slice(0, 12);
    return `${workflow}/${job}/${category}/${images}`;
}
/**
 * The dependency submission API's snapshot for the scanned images: one manifest per image, its
 * packages keyed by purl (the dependency graph knows packages by purl only; those without one are
 * counted and left out), Trivy's DependsOn as each package's dependencies, and a package that
 * nothing depends on marked direct.
 */
function dependencyGraph_dependencySnapshot(images, context) {
    let withoutPurl = 0;
    const manifests = {};
    for (const { inventory, dockerfile } of images) {
        const purlOf = new Map();
        for (const pkg of inventory.packages) {
            if (pkg.purl)
                purlOf.set(packageKey(pkg), pkg.purl);
        }
        const resolved = {};
        const dependedOn = new Set();
        for (const pkg of inventory.packages) {
            if (!pkg.purl) {
                withoutPurl++;
                continue;
            }
            const dependencies = [
                ...new Set(pkg.dependsOn.flatMap((id) => purlOf.get(dependencyKey(pkg, id)) ?? []).filter((p) => p !== pkg.purl)),
            ];
            dependencies.forEach((d) => dependedOn.add(d));
            const known = resolved[pkg.purl];
            resolved[pkg.purl] = {
                package_url: pkg.purl,
                relationship: 'direct',
                scope: 'runtime',
                dependencies: known ? [...new Set([...known.dependencies, ...dependencies])] : dependencies,
            };
        }
        for (const purl of dependedOn) {
            const entry = resolved[purl];
            if (entry)
                entry.relationship = 'indirect';
        }
        manifests[inventory.image] = { name: inventory.image, ...(dockerfile ? { file: { source_location: dockerfile } } : {}), resolved };
    }
    return {
        withoutPurl,
        snapshot: {
            version: 0,
            sha: context.sha,
            ref: context.ref,
            job: { correlator: context.correlator, id: context.runId, ...(context.runUrl ? { html_url: context.runUrl } : {}) },
            detector: { name: 'bulkhead', version: BULKHEAD_VERSION, url: 'https://www.npmjs.com/package/bulkhead' },
            scanned: context.scanned.toISOString(),
            manifests,
        },
    };
}
/** Submits the snapshot; returns what GitHub made of it (SUCCESS, ACCEPTED or INVALID, and why). */
async function dependencyGraph_submitDependencySnapshot(client, repository, snapshot) {
    const { data } = await client.rest.dependencyGraph.createRepositorySnapshot({ ...repository, ...snapshot });
    return { id: data.id, result: data.result, message: data.message };
}

;// CONCATENATED MODULE: ./src/github/publish.ts










const FORK_HINT = 'on pull requests from forks GitHub gives the workflow a read-only token; the gate still decides, and the README shows the two-workflow setup that publishes results for forks';
/** The comment's hidden marker: one comment per workflow, job and set of scanned targets. */
function commentMarker(config, context) {
    const key = [
        context.workflow,
        context.job,
        config.reports.category,
        ...config.targets.images.map((i) => i.key).sort(),
        ...[...config.targets.dockerfiles].sort(),
    ].join('\n');
    return `<!-- bulkhead:comment ${createHash('sha256').update(key).digest('hex').slice(0, 16)} -->`;
}
/** A refused call as one warning; a 403 or 404 names the permission the call needs. */
function refusal(what, error, permission) {
    const { status, message } = describeGitHubError(error);
    return status === 403 || status === 404
        ? `${what}: ${message}; ${FORK_HINT} (the token needs \`${permission}\`).`
        : `${what}: ${message}.`;
}
/** The scanned images with their packages, each with the Dockerfile it pairs with (as attribution pairs them). */
function snapshotImages(config, outcome) {
    const { images, dockerfiles } = config.targets;
    return outcome.results.flatMap((r) => {
        if (r.tool !== 'trivy' || r.status !== 'ok' || !r.packages)
            return [];
        const dockerfile = pairedDockerfile(images, dockerfiles, r.key);
        return [{ inventory: r.packages, ...(dockerfile ? { dockerfile } : {}) }];
    });
}
/** Submits the images' packages to the dependency graph; every failure is a warning. */
async function publishDependencyGraph(client, repository, input) {
    const { config, context } = input;
    const images = snapshotImages(config, input.outcome);
    if (images.length === 0) {
        input.logger.warning('Nothing was submitted to the dependency graph: no image scan by Trivy succeeded.');
        return;
    }
    const { snapshot, withoutPurl } = dependencySnapshot(images, {
        sha: context.sha,
        ref: context.ref,
        correlator: snapshotCorrelator(context.workflow, context.job, config.reports.category, images.map((i) => i.inventory.image)),
        runId: context.runId,
        ...(context.runIdGiven ? { runUrl: `${context.serverUrl}/${context.repository}/actions/runs/${context.runIdGiven}` } : {}),
        scanned: input.now,
    });
    const count = Object.values(snapshot.manifests).reduce((n, m) => n + Object.keys(m.resolved).length, 0);
    try {
        const answer = await submitDependencySnapshot(client, repository, snapshot);
        const left = withoutPurl > 0 ? `; ${withoutPurl} without a package URL were left out` : '';
        const said = `${count} packages of ${images.length} image${images.length === 1 ? '' : 's'}${left}`;
        if (answer.result === 'INVALID')
            input.logger.warning(`The dependency graph refused the snapshot (${said}): ${answer.message}.`);
        else
            input.logger.info(`Submitted ${said} to the dependency graph (snapshot ${answer.id}, ${answer.result.toLowerCase()}).`);
    }
    catch (error) {
        input.logger.warning(refusal('Could not submit to the dependency graph', error, 'contents: write'));
    }
}
/** Uploads and waits for processing; every failure is a warning. */
async function publish_publishSarifLog(client, repository, target, io) {
    try {
        const id = await uploadSarif(client, repository, target);
        io.setOutput('sarif-id', id);
        io.logger.info(`Uploaded the SARIF log to code scanning (id ${id}).`);
        const processed = await waitForProcessing(client, repository, id, { timeoutMs: io.processingTimeoutMs ?? 120_000, firstWaitMs: 2000 });
        if (processed.status === 'complete')
            io.logger.info('Code scanning processed the SARIF log.');
        else if (processed.status === 'failed')
            io.logger.warning(`Code scanning could not process the SARIF log: ${processed.errors.join('; ') || 'no reason given'}.`);
        else
            io.logger.info('Code scanning is still processing the SARIF log; its alerts appear when it is done.');
    }
    catch (error) {
        io.logger.warning(refusal('Could not upload the SARIF log', error, 'security-events: write'));
    }
}
/** Creates, edits, leaves or removes the sticky comment; every failure is a warning. */
async function publish_publishPullRequestComment(client, repository, pullRequest, plan, logger) {
    try {
        const action = await upsertComment(client, repository, pullRequest, plan);
        logger.info({
            created: `Posted the pull-request comment on #${pullRequest}.`,
            updated: `Updated the pull-request comment on #${pullRequest}.`,
            unchanged: `The pull-request comment on #${pullRequest} is already up to date.`,
            deleted: `Deleted the pull-request comment on #${pullRequest}: nothing fails the gate.`,
            skipped: 'No pull-request comment: nothing fails the gate.',
        }[action]);
    }
    catch (error) {
        logger.warning(refusal(`Could not comment on pull request #${pullRequest}`, error, 'pull-requests: write'));
    }
}
/** The comment's links: Dockerfile lines at the pull request's head, and this run's summary. */
function publish_commentLinks(context, headSha, runId) {
    return {
        repositoryUrl: `${context.serverUrl}/${context.repository}`,
        ...(headSha ? { commitSha: headSha } : {}),
        ...(runId ? { runUrl: `${context.serverUrl}/${context.repository}/actions/runs/${runId}` } : {}),
    };
}
/** The comment plan for a verdict: shown always, or only on failure (then resolved otherwise). */
function publish_commentPlan(config, marker, links, content, redact) {
    const show = config.comment === 'always' || content.gate.verdict === 'fail';
    return {
        marker,
        body: show ? redact(renderComment({ ...content, marker, links, version: BULKHEAD_VERSION })) : undefined,
        resolvedBody: renderResolvedComment(marker, links, BULKHEAD_VERSION),
        resolved: config.resolvedComment,
    };
}
/**
 * The GitHub edge: code-scanning upload and the sticky comment. Failures here are warnings and
 * never change the verdict, which the scan alone decides.
 */
async function publishToGitHub(input) {
    const { config, context } = input;
    const wantsComment = config.publish.comment !== 'never' && context.pullRequest !== undefined;
    if (!config.publish.uploadSarif && !wantsComment && !config.publish.dependencyGraph)
        return;
    const [owner, repo] = context.repository.split('/');
    if (!owner || !repo) {
        input.logger.warning('GITHUB_REPOSITORY is not set, so nothing was sent to GitHub; this happens outside GitHub Actions.');
        return;
    }
    if (!input.token) {
        input.logger.warning('No github-token, so the SARIF log was not uploaded and no comment was posted; give github-token: ${{ github.token }}.');
        return;
    }
    const client = await createGitHubClient(input.token, input.logger, {
        apiUrl: context.apiUrl,
        ...(input.retryBaseMs !== undefined ? { retryBaseMs: input.retryBaseMs } : {}),
    });
    const repository = { owner, repo };
    const { outcome } = input;
    const pullRequest = context.pullRequest;
    await Promise.all([
        config.publish.dependencyGraph
            ? publishDependencyGraph(client, repository, { ...input, now: input.now ?? new Date() })
            : Promise.resolve(),
        config.publish.uploadSarif
            ? publish_publishSarifLog(client, repository, { commitSha: context.sha, ref: context.ref, sarif: { pieces: outcome.sarifText.pieces.map((piece) => input.redact(piece)) } }, input)
            : Promise.resolve(),
        wantsComment && pullRequest
            ? publish_publishPullRequestComment(client, repository, pullRequest.number, publish_commentPlan(config.publish, commentMarker(config, context), publish_commentLinks(context, pullRequest.headSha, context.runIdGiven), {
                gate: outcome.gate,
                decisions: outcome.decisions,
                failOn: outcome.policy.settings.failOn.value,
                workloads: outcome.results.flatMap((r) => r.workloads ?? []),
                rehearsals: rehearsedImages(outcome.results),
                images: imageRows(outcome.decisions, outcome.results),
                ...(outcome.policyOutcome.baseline ? { baseline: outcome.policyOutcome.baseline } : {}),
            }, (text) => input.redact(text)), input.logger)
            : Promise.resolve(),
    ]);
}

;// CONCATENATED MODULE: ./src/github/mergeSarif.ts





/** GitHub's limit on runs in one uploaded SARIF file. */
const MAX_RUNS_PER_UPLOAD = 20;
/** A job's SARIF log larger than this is not one bulkhead wrote (GitHub takes 10 MB gzipped). */
const MAX_SARIF_BYTES = (/* unused pure expression or super */ null && (64 * 1024 * 1024));
/** A run's identity for code scanning: its tool and its category (automationDetails.id up to the last slash). */
function runIdentity(run, file) {
    if (!isObject(run) || !isObject(run.tool) || !isObject(run.tool.driver) || typeof run.tool.driver.name !== 'string')
        throw new FormatError(file, 'has a run without tool.driver.name; it is not a SARIF log bulkhead wrote.');
    const id = isObject(run.automationDetails) && typeof run.automationDetails.id === 'string' ? run.automationDetails.id : '';
    const category = id.includes('/') ? id.slice(0, id.lastIndexOf('/') + 1) : id;
    return { tool: run.tool.driver.name, category };
}
/**
 * One SARIF log holding every run of the jobs' logs. Two runs of one tool and category would be
 * rejected by GitHub as a whole upload, so they are refused here, naming both files: each matrix
 * job needs its own `category`.
 */
function mergeSarif_mergeSarifLogs(logs) {
    const seen = new Map();
    const runs = [];
    for (const { file, json } of logs) {
        if (!isObject(json) || json.version !== '2.1.0' || !Array.isArray(json.runs))
            throw new FormatError(file, 'is not a SARIF 2.1.0 log (no version 2.1.0 and runs).');
        for (const run of json.runs) {
            const { tool, category } = runIdentity(run, file);
            const key = `${tool}\n${category}`;
            const earlier = seen.get(key);
            if (earlier !== undefined)
                throw new UsageError(`${earlier} and ${file} both have a ${tool} run with the category "${category}", which GitHub rejects in one upload; give each matrix job its own category input (e.g. category: bulkhead-\${{ matrix.name }}), or set merge-sarif to false.`);
            seen.set(key, file);
            runs.push(run);
        }
    }
    if (runs.length > MAX_RUNS_PER_UPLOAD)
        throw new UsageError(`the jobs' SARIF logs hold ${runs.length} runs, more than the ${MAX_RUNS_PER_UPLOAD} GitHub accepts in one upload; set merge-sarif to false and let each job upload its own.`);
    return { sarif: JSON.stringify({ version: '2.1.0', $schema: 'https://json.schemastore.org/sarif-2.1.0.json', runs }), runs: runs.length };
}
/** The SARIF files beside each report-file (a job's downloaded artifact), each read once. */
async function mergeSarif_readJobSarifLogs(reportFiles, workspace) {
    const files = new Set();
    for (const dir of new Set(reportFiles.map((f) => dirname(f)))) {
        const names = (await readdir(dir)).filter((n) => n.endsWith('.sarif')).sort();
        for (const name of names)
            files.add(join(dir, name));
    }
    if (files.size === 0)
        throw new UsageError("merge-sarif is true but no .sarif file lies beside the merged report-files; upload each job's sarif-file in its artifact next to its report-file.");
    const logs = [];
    for (const path of files) {
        const [json] = await readJsonReport(path, { maxBytes: MAX_SARIF_BYTES });
        logs.push({ file: relative(workspace, path) || path, json });
    }
    return logs;
}

;// CONCATENATED MODULE: ./src/github/publishMode.ts







function publishMode_readWorkflowRun(payload) {
    const run = isObject(payload) && isObject(payload.workflow_run) ? payload.workflow_run : undefined;
    const headSha = run ? str(run.head_sha) : undefined;
    if (!run || !headSha) {
        throw new UsageError('mode: publish runs in a workflow triggered by workflow_run (on: workflow_run), after the scan workflow; see the README.');
    }
    const headRepository = isObject(run.head_repository) ? run.head_repository : {};
    const owner = isObject(headRepository.owner) ? str(headRepository.owner.login) : undefined;
    const runId = num(run.id);
    return {
        headSha,
        headBranch: str(run.head_branch) ?? '',
        headOwner: owner ?? '',
        pullRequests: (Array.isArray(run.pull_requests) ? run.pull_requests : []).flatMap((pr) => {
            const number = isObject(pr) ? num(pr.number) : undefined;
            const sha = isObject(pr) && isObject(pr.head) ? str(pr.head.sha) : undefined;
            return number !== undefined ? [{ number, ...(sha ? { headSha: sha } : {}) }] : [];
        }),
        ...(runId !== undefined ? { runId } : {}),
    };
}
/**
 * Which pull request the scanned commit belongs to. GitHub lists it in the event for branches of
 * this repository; for forks the list is empty, so the open pull requests from the fork's branch
 * are asked for, and only one whose head is exactly the scanned commit counts.
 */
async function publishMode_findPullRequest(client, repository, run) {
    const listed = run.pullRequests.find((pr) => pr.headSha === undefined || pr.headSha === run.headSha);
    if (listed)
        return listed.number;
    if (!run.headOwner || !run.headBranch)
        return undefined;
    const { data } = await client.rest.pulls.list({
        ...repository,
        state: 'open',
        head: `${run.headOwner}:${run.headBranch}`,
        per_page: 100,
    });
    return data.find((pr) => pr.head.sha === run.headSha)?.number;
}
/**
 * mode: publish. Reads what a scan job left (report-file and sarif-file, downloaded from its
 * artifact) as untrusted data, and publishes it for the commit GitHub says was scanned. Runs no
 * code from the pull request. The scan job's own status remains the gate.
 */
async function runPublish(config, context, payload, io) {
    const run = publishMode_readWorkflowRun(payload);
    const [owner, repo] = context.repository.split('/');
    if (!owner || !repo)
        throw new UsageError('GITHUB_REPOSITORY is not set; mode: publish runs in GitHub Actions.');
    if (!io.token)
        throw new UsageError('mode: publish needs github-token (the workflow_run workflow gets a token that can write).');
    const { reportFile, sarifFile } = config.reports;
    const documents = await readJsonReport(reportFile);
    const report = parsePublishedReport(documents[0], reportFile);
    io.setOutput('verdict', report.verdict);
    if (report.dropped > 0)
        io.logger.warning(`${report.dropped} malformed entries of ${reportFile} were left out.`);
    const client = await createGitHubClient(io.token, io.logger, { apiUrl: context.apiUrl });
    const repository = { owner, repo };
    let pullRequest;
    try {
        pullRequest = await publishMode_findPullRequest(client, repository, run);
    }
    catch (error) {
        io.logger.warning(`Could not find the pull request for ${run.headSha}: ${describeGitHubError(error).message}.`);
    }
    if (pullRequest === undefined) {
        io.logger.warning(`No open pull request has ${run.headSha} as its head; nothing was published.`);
        return 0;
    }
    io.logger.info(`Publishing the scan of ${run.headSha} for pull request #${pullRequest}.`);
    const jobs = [];
    if (config.publish.uploadSarif) {
        const sarif = await readFile(sarifFile, 'utf8').catch(() => undefined);
        if (sarif === undefined)
            io.logger.warning(`${sarifFile} was not found, so no SARIF log was uploaded; download the scan job's artifact first.`);
        else
            jobs.push(publishSarifLog(client, repository, { commitSha: run.headSha, ref: `refs/pull/${pullRequest}/head`, sarif: { pieces: [io.redact(sarif)] } }, io));
    }
    if (config.publish.comment !== 'never') {
        const marker = report.marker ?? '<!-- bulkhead:comment 0000000000000000 -->';
        const links = commentLinks(context, run.headSha, run.runId !== undefined ? String(run.runId) : undefined);
        const plan = commentPlan(config.publish, marker, links, {
            gate: { verdict: report.verdict, reasons: report.reasons },
            decisions: report.decisions,
            failOn: report.failOn,
            workloads: report.workloads,
            ...(report.baseline ? { baseline: report.baseline } : {}),
        }, (text) => io.redact(text));
        jobs.push(publishPullRequestComment(client, repository, pullRequest, plan, io.logger));
    }
    await Promise.all(jobs);
    return 0;
}

;// CONCATENATED MODULE: ./src/github/mergeMode.ts











/** Reads, merges and writes the merged report-file (and the markdown file the CLI asks for): both faces. */
async function mergeAndWrite(config, context, markdownFile) {
    const reports = config.merge.reports;
    if (reports.includes(config.reports.reportFile)) {
        throw new errors/* UsageError */.eb(`report-file ${config.reports.reportFile} is one of the reports to merge; give the merged report another path.`);
    }
    const outcome = mergeReports(await readReports(reports, config.targets.workspace));
    const marker = mergeMarker(context, config.reports.category);
    const summaryMarkdown = comment_renderComment({
        marker: '',
        gate: outcome.gate,
        decisions: outcome.decisions,
        failOn: outcome.failOn,
        failOnVaries: outcome.failOnVaries,
        jobs: outcome.jobs,
        workloads: outcome.workloads,
        links: { repositoryUrl: '' },
        version: version/* BULKHEAD_VERSION */.w,
    }).replace(/^\n/, '');
    const document = mergedReportDocument(outcome, { version: version/* BULKHEAD_VERSION */.w, createdAt: new Date(), marker });
    await (0,promises_.mkdir)((0,external_node_path_.dirname)(config.reports.reportFile), { recursive: true });
    await (0,promises_.writeFile)(config.reports.reportFile, JSON.stringify(document));
    if (markdownFile)
        await (0,promises_.writeFile)(markdownFile, summaryMarkdown);
    return { outcome, summaryMarkdown, marker };
}
/**
 * The pull request a merge comments on: the one of this run, or for a workflow_run job (the
 * fork-safe way, as mode: publish) the one GitHub says the scanned commit belongs to.
 */
async function pullRequestOf(context, payload, find) {
    if (context.pullRequest)
        return { number: context.pullRequest.number, ...(context.pullRequest.headSha ? { headSha: context.pullRequest.headSha } : {}) };
    if (context.eventName !== 'workflow_run')
        return undefined;
    const run = readWorkflowRun(payload);
    const number = await find(run);
    return number === undefined
        ? undefined
        : { number, headSha: run.headSha, ...(run.runId !== undefined ? { runId: String(run.runId) } : {}) };
}
/** mode: merge in the action: the merged summary, one sticky comment, the outputs; the exit code of the merged verdict. */
async function runMerge(config, context, payload, io) {
    const { outcome, summaryMarkdown, marker } = await mergeAndWrite(config, context);
    // Read and checked before anything is posted: a category collision is the user's to fix, exit 2.
    const merged = config.merge.sarif ? mergeSarifLogs(await readJobSarifLogs(config.merge.reports, config.targets.workspace)) : undefined;
    await io.appendSummary(io.redact(summaryMarkdown));
    io.setOutput('verdict', outcome.gate.verdict);
    const counts = countDecisions(outcome.decisions);
    for (const name of ['findings', 'critical', 'high', 'medium', 'low', 'suppressed'])
        io.setOutput(name, String(counts[name]));
    io.setOutput('report-file', config.reports.reportFile);
    io.setOutput('sarif-id', '');
    if (config.publish.comment === 'never' && !merged)
        return outcome;
    const [owner, repo] = context.repository.split('/');
    if (!owner || !repo || !io.token) {
        io.logger.warning('The merged comment and SARIF log were not posted: they need GITHUB_REPOSITORY and github-token.');
        return outcome;
    }
    const client = await createGitHubClient(io.token, io.logger, { apiUrl: context.apiUrl });
    const repository = { owner, repo };
    let pullRequest;
    try {
        pullRequest = await pullRequestOf(context, payload, (run) => findPullRequest(client, repository, run));
    }
    catch (error) {
        if (error instanceof UsageError)
            throw error;
        io.logger.warning(`Could not find the pull request of this merge: ${describeGitHubError(error).message}.`);
    }
    if (merged && !pullRequest && context.eventName === 'workflow_run') {
        // This job's own ref is the default branch: the scanned commit's alerts would land there.
        io.logger.warning('The merged SARIF log was not uploaded: no open pull request has the scanned commit as its head.');
    }
    else if (merged) {
        io.logger.info(`Uploading one SARIF log with the ${merged.runs} runs of the jobs' logs.`);
        // In the pull request's own run, the ref and commit the scan jobs upload under; from a
        // workflow_run (fork-safe), the pull request's head, as mode: publish does.
        const target = pullRequest && !context.pullRequest
            ? { commitSha: pullRequest.headSha ?? context.sha, ref: `refs/pull/${pullRequest.number}/head` }
            : { commitSha: context.sha, ref: context.ref };
        await publishSarifLog(client, repository, { ...target, sarif: { pieces: [io.redact(merged.sarif)] } }, io);
    }
    if (config.publish.comment === 'never')
        return outcome;
    if (!pullRequest) {
        io.logger.info('No pull request to comment on (not a pull_request or workflow_run event): the merged summary is in the job summary.');
        return outcome;
    }
    const links = commentLinks(context, pullRequest.headSha ?? context.sha, pullRequest.runId ?? context.runId);
    const plan = commentPlan(config.publish, marker, links, {
        gate: outcome.gate,
        decisions: outcome.decisions,
        failOn: outcome.failOn,
        failOnVaries: outcome.failOnVaries,
        jobs: outcome.jobs,
        workloads: outcome.workloads,
    }, (text) => io.redact(text));
    await publishPullRequestComment(client, repository, pullRequest.number, plan, io.logger);
    return outcome;
}

;// CONCATENATED MODULE: ./src/model/scanResult.ts
/** How messages name a tool: the built-in checks are not a scanner called "bulkhead" to the reader of a bulkhead message. */
function toolLabel(tool) {
    return tool === 'bulkhead' ? 'the built-in checks' : tool;
}
/**
 * A failed result's error without what the sentence around it already says: errors name their
 * file or tool first ("app.tar: …", "hadolint: …"), and "hadolint failed on app.tar: app.tar: …"
 * would say it twice.
 */
function failureText(result) {
    let text = (result.error ?? 'unknown error').trim();
    for (let again = true; again;) {
        again = false;
        for (const prefix of [result.target, result.tool]) {
            if (prefix && text.toLowerCase().startsWith(`${prefix.toLowerCase()}: `)) {
                text = text.slice(prefix.length + 2);
                again = true;
            }
        }
    }
    return text;
}
/** "hadolint failed on Dockerfile: it exited with code 1": one failed result, in one clause. */
function describeFailure(result) {
    return `${toolLabel(result.tool)} failed on ${result.target}: ${failureText(result)}`;
}

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
;// CONCATENATED MODULE: ./src/scanners/install/platform.ts
/** The release-asset platform of this machine, or undefined where no scanner build exists. */
function platformKey(platform = process.platform, arch = process.arch) {
    const key = `${platform}-${arch}`;
    return ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64'].find((k) => k === key);
}

;// CONCATENATED MODULE: ./src/scanners/localHost.ts



/**
 * Where scanners are installed and keep their data on this machine: the runner's tool cache
 * and temp directory in the action, the user's cache directory from the CLI. Trivy's database
 * lives under the home directory, never in the workspace, so it never dirties the checkout.
 */
function localScannerHost(env, logger, dbCache) {
    // The home of the environment bulkhead was given (the runner's, or a test's), as for RUNNER_TEMP.
    const cacheRoot = (0,external_node_path_.join)(env.HOME || (0,external_node_os_.homedir)(), '.cache', 'bulkhead');
    return {
        platform: platformKey(),
        toolCacheDir: env.RUNNER_TOOL_CACHE || (0,external_node_path_.join)(cacheRoot, 'tools'),
        tempDir: (0,external_node_path_.join)(env.RUNNER_TEMP || (0,external_node_os_.tmpdir)(), 'bulkhead'),
        trivyCacheDir: (0,external_node_path_.join)(cacheRoot, 'trivy'),
        env,
        logger,
        ...(dbCache ? { dbCache } : {}),
        now: () => new Date(),
    };
}

// EXTERNAL MODULE: ./src/scanners/process.ts
var scanners_process = __webpack_require__(59278);
;// CONCATENATED MODULE: ./src/model/severity.ts
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
/** `severity` is one of Trivy's five names (the adapter refuses any other before asking). */
function fromTrivy(severity, cvss) {
    const known = TRIVY[severity];
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

;// CONCATENATED MODULE: ./src/scanners/hadolint/parse.ts




const HADOLINT_LEVELS = new Set(['error', 'warning', 'info', 'style']);
/**
 * Reads `hadolint -f json` output: one array of findings, or several arrays written one after
 * another when runs were appended to one file (`[][][{…}]`); the caller splits those with
 * parseJsonSequence. `resolveFile` turns the tool's file name ("-" for stdin, Windows paths)
 * into the repo-relative Dockerfile path.
 */
function parseHadolintReport(documents, resolveFile, source = 'the hadolint report') {
    const findings = [];
    const warnings = [];
    const occurrences = new Map();
    documents.forEach((document, index) => {
        if (json_isObject(document) && 'runs' in document) {
            throw new errors/* FormatError */.IF(source, "is a SARIF log; bulkhead reads hadolint's JSON (run hadolint with -f json)");
        }
        if (!Array.isArray(document)) {
            throw new errors/* FormatError */.IF(source, `holds JSON ${document === null ? 'null' : typeof document} where hadolint writes a list of findings (run hadolint with -f json)`);
        }
        document.forEach((entry, position) => {
            const at = `${documents.length > 1 ? `list ${index + 1}, ` : ''}[${position}]`;
            if (!json_isObject(entry))
                throw new errors/* FormatError */.IF(source, `has ${at} that is not an object; hadolint writes one object per finding.`);
            const code = json_str(entry.code);
            if (!code)
                throw new errors/* FormatError */.IF(source, `has ${at} without a rule code; hadolint writes one for every finding (is the report edited?).`);
            const level = entry.level;
            if (typeof level !== 'string' || !HADOLINT_LEVELS.has(level)) {
                throw new errors/* FormatError */.IF(source, `has ${at}.level ${level === undefined ? 'missing' : JSON.stringify(level).slice(0, 40)}; hadolint's levels are error, warning, info and style.`);
            }
            const file = resolveFile(json_str(entry.file) ?? '-');
            const message = json_str(entry.message) ?? code;
            const line = json_num(entry.line);
            // Same rule, same message, same file: told apart by order, so moving lines keeps identity.
            const identity = `${file}\u0000${code}\u0000${message}`;
            const occurrence = (occurrences.get(identity) ?? 0) + 1;
            occurrences.set(identity, occurrence);
            const helpUri = ruleHelpUri(code);
            findings.push({
                tool: 'hadolint',
                ruleId: code,
                kind: 'lint',
                severity: fromHadolint(level),
                title: message,
                message: `${message}${/[.!?]$/.test(message) ? '' : '.'}`,
                ...(helpUri ? { helpUri } : {}),
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

;// CONCATENATED MODULE: ./src/scanners/hadolint/run.ts






/** The repository's hadolint configuration, as hadolint itself would find it from the workspace. */
function hadolintConfigFile(workspace) {
    return ['.hadolint.yaml', '.hadolint.yml'].map((name) => (0,external_node_path_.resolve)(workspace, name)).find((file) => (0,external_node_fs_.existsSync)(file));
}
/** hadolint's arguments for one Dockerfile; the path comes last after `--`. */
function hadolintArgs(dockerfile, settings) {
    const config = hadolintConfigFile(settings.workspace);
    return ['--format', 'json', '--no-fail', ...(config ? ['--config', config] : []), '--', (0,external_node_path_.resolve)(settings.workspace, dockerfile)];
}
/**
 * hadolint 2.12 meets a config file it cannot read by printing the error (as a quoted Haskell
 * string) to stderr and linting as if there were none, exit 0: the team's ignores silently stop
 * applying. The last line of that message says what is wrong; '' when it cannot be read out.
 */
function configError(stderr) {
    if (!/Error parsing your config file/.test(stderr))
        return undefined;
    let text = stderr.trim();
    try {
        if (text.startsWith('"'))
            text = JSON.parse(text.slice(0, text.lastIndexOf('"') + 1));
    }
    catch {
        // Not a JSON-shaped string after all: read it as it is.
    }
    const lines = text
        .split(/\r?\n|\\n/)
        .map((l) => l.trim())
        .filter(Boolean);
    const cause = lines.at(-1) ?? '';
    return /^Error parsing your config file/.test(cause) ? '' : cause.slice(0, 200).replace(/[.]$/, '');
}
/** Runs hadolint on one Dockerfile (repo-relative path). Exit 0 or 1 with a JSON report is a result. */
async function runHadolint(dockerfile, settings, scanner) {
    const ran = await (0,scanners_process/* runProcess */.R3)(settings.executable, hadolintArgs(dockerfile, settings), {
        cwd: settings.workspace,
        env: settings.env,
        timeoutMs: settings.timeoutMs,
    });
    const base = {
        tool: 'hadolint',
        key: dockerfile,
        target: dockerfile,
        origin: 'run',
        version: scanner.version,
        scanner,
        durationMs: ran.durationMs,
        warnings: [],
    };
    const failed = (why) => ({
        ...base,
        status: 'error',
        findings: [],
        error: `hadolint ${why}${(0,scanners_process/* stderrTail */.be)(ran.stderr) ? `: ${(0,scanners_process/* stderrTail */.be)(ran.stderr, 3)}` : ''}`,
    });
    if (ran.spawnError || ran.timedOut || ran.signal || (ran.exitCode !== 0 && ran.exitCode !== 1))
        return failed((0,scanners_process/* describeExit */.KE)(ran, settings.timeoutMs));
    if (ran.stdoutTruncated)
        return failed('wrote more output than bulkhead reads');
    const configProblem = configError(ran.stderr);
    if (configProblem !== undefined) {
        const name = (0,external_node_path_.basename)(hadolintConfigFile(settings.workspace) ?? '.hadolint.yaml');
        return {
            ...base,
            status: 'error',
            findings: [],
            error: `hadolint could not read ${name}${configProblem ? ` (${configProblem})` : ''} and linted without it, so its ignored rules and overrides did not apply; fix ${name}.`,
        };
    }
    try {
        const text = ran.stdout.trim();
        if (text === '')
            return failed(`${(0,scanners_process/* describeExit */.KE)(ran, settings.timeoutMs)} and wrote no report`);
        const report = parseHadolintReport(parseJsonSequence(text, `hadolint's output for ${dockerfile}`), () => dockerfile);
        return { ...base, status: 'ok', findings: report.findings, warnings: report.warnings };
    }
    catch (error) {
        return failed(`${(0,scanners_process/* describeExit */.KE)(ran, settings.timeoutMs)} and wrote output bulkhead cannot read (${(0,errors/* errorMessage */.gJ)(error)})`);
    }
}

;// CONCATENATED MODULE: ./src/image/registry/reference.ts
const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
/**
 * Docker's normalization (distribution/reference): the first path component is a registry when
 * it has a dot or a port or is localhost; otherwise the image is on Docker Hub, and a one-part
 * name is an official image under library/. The reference was validated by config/targets.ts.
 */
function parseRegistryReference(ref) {
    let rest = ref;
    let digest;
    const at = rest.indexOf('@');
    if (at >= 0) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
    }
    const slash = rest.indexOf('/');
    const first = slash >= 0 ? rest.slice(0, slash) : '';
    const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
    const registry = hasRegistry ? first.toLowerCase() : 'docker.io';
    let path = hasRegistry ? rest.slice(slash + 1) : rest;
    let tag;
    const colon = path.lastIndexOf(':');
    if (colon > path.lastIndexOf('/')) {
        tag = path.slice(colon + 1);
        path = path.slice(0, colon);
    }
    const hub = DOCKER_HUB.has(registry);
    if (hub && !path.includes('/'))
        path = `library/${path}`;
    return {
        registry: hub ? 'docker.io' : registry,
        apiHost: hub ? 'registry-1.docker.io' : registry,
        repository: path,
        reference: digest ?? tag ?? 'latest',
        pinned: digest !== undefined,
    };
}
/** The keys `docker login` may have stored a registry's credentials under, most specific first. */
function credentialKeys(registry) {
    if (registry === 'docker.io')
        return ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];
    return [registry, `https://${registry}`, `http://${registry}`];
}
/** A key of config.json's `auths` reduced to host[:port] (`https://ghcr.io/v1/` → ghcr.io). */
function hostOfKey(key) {
    const host = key
        .toLowerCase()
        .replace(/^[a-z]+:\/\//, '')
        .replace(/\/.*$/, '');
    return DOCKER_HUB.has(host) ? 'docker.io' : host;
}

;// CONCATENATED MODULE: ./src/scanners/trivy/parse.ts




const UNFIXED_STATUSES = new Set(['affected', 'will_not_fix', 'fix_deferred', 'end_of_life', 'under_investigation', 'unknown']);
/**
 * The report contract: a report says what it scanned, and every entry in it names what it is and
 * how severe. Anything else is a FormatError naming the JSON path, never a pass: a report that
 * lost its findings on the way must not read as a clean image.
 */
function parseTrivyReport(document, source = 'the Trivy report') {
    const fail = (detail) => {
        throw new errors/* FormatError */.IF(source, detail);
    };
    if (document === null)
        fail('is JSON null, not a Trivy report: a report names what it scanned (did Trivy fail?).');
    if (Array.isArray(document)) {
        // Trivy before v0.20: a list of results, each naming its target.
        if (document.length === 0)
            fail('is an empty list: a Trivy report names what it scanned (did Trivy fail?).');
        const report = { schema: 'legacy', diffIds: [], history: [], findings: [], packages: [], warnings: [] };
        collectResults(document, '', report, source);
        return report;
    }
    if (!json_isObject(document))
        fail(`is JSON ${typeof document}, not a Trivy report (run Trivy with --format json).`);
    const top = document;
    if ('runs' in top && 'version' in top)
        fail("is a SARIF log; bulkhead reads Trivy's own JSON (run Trivy with --format json).");
    if (top.SchemaVersion !== 2) {
        const seen = top.SchemaVersion === undefined ? 'has no SchemaVersion' : `has SchemaVersion ${JSON.stringify(top.SchemaVersion)}`;
        fail(`${seen}; bulkhead reads Trivy JSON with SchemaVersion 2 (Trivy v0.20 and later) and the older array form.`);
    }
    const artifactName = json_str(top.ArtifactName);
    if (!artifactName)
        fail('has no ArtifactName: a Trivy report names what it scanned.');
    const metadata = json_isObject(top.Metadata) ? top.Metadata : {};
    const artifactType = json_str(top.ArtifactType);
    const image = artifactType === 'container_image' ? artifactName : undefined;
    const report = compact({
        schema: 2,
        trivyVersion: json_isObject(top.Trivy) ? json_str(top.Trivy.Version) : undefined,
        artifactName,
        artifactType,
        image,
        imageId: json_str(metadata.ImageID),
        diffIds: Array.isArray(metadata.DiffIDs) ? metadata.DiffIDs.filter((d) => typeof d === 'string') : [],
        history: readHistory(metadata),
        findings: [],
        packages: [],
        os: readOs(metadata),
        warnings: [],
    });
    if (top.Results !== undefined && top.Results !== null) {
        if (!Array.isArray(top.Results))
            fail('has Results that is not a list.');
        collectResults(top.Results, 'Results', report, source);
    }
    return report;
}
/** The image's packages for the SBOM (a ScanResult's `packages`): every image report has a list, empty without --list-all-pkgs. */
function inventoryField(report) {
    if (!report.image)
        return {};
    return { packages: compact({ image: report.image, imageId: report.imageId, os: report.os, packages: report.packages }) };
}
function readOs(metadata) {
    if (!json_isObject(metadata.OS))
        return undefined;
    const family = json_str(metadata.OS.Family);
    const name = json_str(metadata.OS.Name);
    return family && name ? { family, name } : undefined;
}
const strings = (value) => (Array.isArray(value) ? value.filter((v) => typeof v === 'string') : []);
/** One entry of a result's Packages; an entry without a name is a broken report. */
function readPackage(entry, context, at) {
    return compact({
        name: required(entry, 'Name', context, at),
        version: json_str(entry.Version),
        purl: json_isObject(entry.Identifier) ? json_str(entry.Identifier.PURL) : undefined,
        id: json_str(entry.ID),
        licenses: strings(entry.Licenses),
        kind: context.cls === 'os-pkgs' ? 'os' : 'library',
        ecosystem: context.type,
        target: context.target,
        layer: layerOf(entry),
        dependsOn: strings(entry.DependsOn),
    });
}
function readHistory(metadata) {
    const config = json_isObject(metadata.ImageConfig) ? metadata.ImageConfig : {};
    if (!Array.isArray(config.history))
        return [];
    return config.history.filter(json_isObject).map((entry) => ({
        createdBy: json_str(entry.created_by) ?? '',
        emptyLayer: entry.empty_layer === true,
    }));
}
function collectResults(results, where, report, source) {
    results.forEach((result, index) => {
        const at = `${where}[${index}]`;
        if (!json_isObject(result))
            throw new errors/* FormatError */.IF(source, `has ${at} that is not an object.`);
        // Trivy writes a Target for every result ("" for custom resources).
        const target = result.Target;
        if (typeof target !== 'string')
            throw new errors/* FormatError */.IF(source, `has ${at} without a Target: every result names what it scanned.`);
        const context = { target, cls: json_str(result.Class) ?? '', type: json_str(result.Type) ?? '', image: report.image, source };
        for (const [key, reader] of READERS) {
            const list = result[key];
            if (list === undefined || list === null)
                continue;
            if (!Array.isArray(list))
                throw new errors/* FormatError */.IF(source, `has ${at}.${key} that is not a list.`);
            list.forEach((entry, i) => {
                const entryAt = `${at}.${key}[${i}]`;
                if (!json_isObject(entry))
                    throw new errors/* FormatError */.IF(source, `has ${entryAt} that is not an object.`);
                const finding = reader(entry, context, entryAt);
                if (finding)
                    report.findings.push(finding);
            });
        }
        const packages = result.Packages;
        if (packages === undefined || packages === null)
            return;
        if (!Array.isArray(packages))
            throw new errors/* FormatError */.IF(source, `has ${at}.Packages that is not a list.`);
        packages.forEach((entry, i) => {
            if (!json_isObject(entry))
                throw new errors/* FormatError */.IF(source, `has ${at}.Packages[${i}] that is not an object.`);
            report.packages.push(readPackage(entry, context, `${at}.Packages[${i}]`));
        });
    });
}
const TRIVY_SEVERITIES = new Set(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN']);
/** A field the entry cannot be used without; its absence is a broken report, not an entry to skip. */
function required(entry, field, context, at) {
    const value = json_str(entry[field]);
    if (value === undefined)
        throw new errors/* FormatError */.IF(context.source, `has ${at} without ${field}; Trivy writes it for every entry (is the report edited or truncated?).`);
    return value;
}
/** Trivy's five severity names, exactly as it writes them; anything else is refused, never guessed. */
function severityOf(entry, context, at, cvss) {
    const value = entry.Severity;
    if (typeof value !== 'string' || !TRIVY_SEVERITIES.has(value)) {
        throw new errors/* FormatError */.IF(context.source, `has ${at}.Severity ${value === undefined ? 'missing' : JSON.stringify(value).slice(0, 40)}; Trivy's severities are CRITICAL, HIGH, MEDIUM, LOW and UNKNOWN.`);
    }
    return fromTrivy(value, cvss);
}
function layerOf(entry) {
    return json_isObject(entry.Layer) ? (json_str(entry.Layer.DiffID) ?? json_str(entry.Layer.Digest)) : undefined;
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
    if (!json_isObject(entry.CVSS))
        return undefined;
    const scoreOf = (source) => json_isObject(source) ? (json_num(source.V40Score) ?? json_num(source.V3Score) ?? json_num(source.V2Score)) : undefined;
    const preferred = json_str(entry.SeveritySource);
    const first = (preferred ? scoreOf(entry.CVSS[preferred]) : undefined) ?? scoreOf(entry.CVSS.nvd);
    if (first !== undefined)
        return first;
    const all = Object.values(entry.CVSS)
        .map(scoreOf)
        .filter((s) => s !== undefined);
    return all.length > 0 ? Math.max(...all) : undefined;
}
const readVulnerability = (entry, context, at) => {
    const id = required(entry, 'VulnerabilityID', context, at);
    const name = required(entry, 'PkgName', context, at);
    const installed = json_str(entry.InstalledVersion) ?? '';
    const fixed = json_str(entry.FixedVersion);
    const cvss = bestCvss(entry);
    const status = json_str(entry.Status) ?? (fixed ? 'fixed' : undefined);
    const title = json_str(entry.Title) ?? id;
    const pkgPath = json_str(entry.PkgPath) ?? targetPath(context);
    const purl = json_isObject(entry.PkgIdentifier) ? json_str(entry.PkgIdentifier.PURL) : undefined;
    const fix = fixed
        ? `fixed in ${fixed}`
        : status && UNFIXED_STATUSES.has(status)
            ? `no fix available (${status.replace(/_/g, ' ')})`
            : 'no fix available';
    return compact({
        tool: 'trivy',
        ruleId: id,
        kind: 'vulnerability',
        severity: severityOf(entry, context, at, cvss),
        title,
        message: `${name} ${installed} is affected by ${id}: ${title}; ${fix}.`,
        description: json_str(entry.Description),
        helpUri: json_str(entry.PrimaryURL),
        image: context.image,
        layer: layerOf(entry),
        path: pkgPath,
        pkg: { name, installed, ...(fixed ? { fixed } : {}), ...(purl ? { purl } : {}) },
        fixStatus: status,
        cvss,
        fingerprint: fingerprintOf(['trivy', id, subjectKey(context), name, pkgPath ?? context.type]),
    });
};
/**
 * Trivy masks the matched value in `Match` and `Code`, but the surrounding `Code` lines are
 * verbatim file content and may hold other secrets: none of it is copied.
 */
const readSecret = (entry, context, at) => {
    const rule = required(entry, 'RuleID', context, at);
    const title = json_str(entry.Title) ?? rule;
    const line = json_num(entry.StartLine);
    const where = `${context.target}${line ? `:${line}` : ''}`;
    return compact({
        tool: 'trivy',
        ruleId: `secret/${rule}`,
        kind: 'secret',
        severity: severityOf(entry, context, at),
        title,
        message: `${title} found in ${where} (${json_str(entry.Category) ?? 'secret'}); the value is not shown.`,
        image: context.image,
        layer: layerOf(entry),
        path: context.target || undefined,
        fingerprint: fingerprintOf(['trivy', `secret/${rule}`, subjectKey(context), context.target, String(json_num(entry.Offset) ?? line ?? '')]),
    });
};
const readMisconfiguration = (entry, context, at) => {
    const id = json_str(entry.ID) ?? required(entry, 'AVDID', context, at);
    const status = required(entry, 'Status', context, at);
    const severity = severityOf(entry, context, at);
    // PASS and EXCEPTION are checks that held (or that the team excepted in Trivy itself).
    if (status !== 'FAIL')
        return undefined;
    const title = json_str(entry.Title) ?? id;
    const cause = json_isObject(entry.CauseMetadata) ? entry.CauseMetadata : {};
    const line = json_num(cause.StartLine);
    const message = json_str(entry.Message) ?? title;
    const resolution = json_str(entry.Resolution);
    return compact({
        tool: 'trivy',
        ruleId: id,
        kind: 'misconfiguration',
        severity,
        title,
        // In an image the finding's line is the Dockerfile's that brought the file in: say where inside the image it is.
        message: `${context.image && context.target ? `${context.target}${line ? `:${line}` : ''}: ` : ''}${message}${/[.!?]$/.test(message) ? '' : '.'}${resolution ? ` Fix: ${resolution}${/[.!?]$/.test(resolution) ? '' : '.'}` : ''}`,
        description: json_str(entry.Description),
        helpUri: json_str(entry.PrimaryURL),
        image: context.image,
        layer: layerOf(entry),
        path: context.target || undefined,
        ...(context.image ? {} : { file: context.target || undefined, line }),
        fingerprint: fingerprintOf(['trivy', id, subjectKey(context), context.target, message]),
    });
};
const readLicense = (entry, context, at) => {
    const name = required(entry, 'Name', context, at);
    const pkgName = json_str(entry.PkgName);
    const category = json_str(entry.Category) ?? 'unknown';
    const where = pkgName ?? (json_str(entry.FilePath) || context.target);
    const ruleId = `license/${name.replace(/[^A-Za-z0-9.+-]+/g, '-')}`;
    return compact({
        tool: 'trivy',
        ruleId,
        kind: 'license',
        severity: severityOf(entry, context, at),
        title: `${name} license (${category})`,
        message: `${where} is licensed under ${name}, which Trivy classifies as ${category}.`,
        helpUri: json_str(entry.Link),
        image: context.image,
        layer: layerOf(entry),
        path: json_str(entry.FilePath) ?? targetPath(context),
        fingerprint: fingerprintOf(['trivy', ruleId, subjectKey(context), where]),
    });
};
const READERS = [
    ['Vulnerabilities', readVulnerability],
    ['Secrets', readSecret],
    ['Misconfigurations', readMisconfiguration],
    ['Licenses', readLicense],
];
/**
 * The fields each list's reader above reads (readPackage for Packages), and nothing else: a
 * streamed report keeps only these of each entry (trivyEntrySlimmer). A field a reader starts to read
 * must be added here; the test that parses every fixture both ways fails until it is.
 */
const ENTRY_FIELDS = new Map([
    [
        'Vulnerabilities',
        [
            'VulnerabilityID',
            'PkgName',
            'InstalledVersion',
            'FixedVersion',
            'Status',
            'Title',
            'Description',
            'PrimaryURL',
            'PkgPath',
            'PkgIdentifier',
            'Severity',
            'SeveritySource',
            'CVSS',
            'Layer',
        ],
    ],
    ['Secrets', ['RuleID', 'Title', 'StartLine', 'Category', 'Severity', 'Offset', 'Layer']],
    [
        'Misconfigurations',
        ['ID', 'AVDID', 'Status', 'Severity', 'Title', 'CauseMetadata', 'Message', 'Resolution', 'Description', 'PrimaryURL', 'Layer'],
    ],
    ['Licenses', ['Name', 'PkgName', 'Category', 'FilePath', 'Severity', 'Link', 'Layer']],
    ['Packages', ['Name', 'Version', 'Identifier', 'ID', 'Licenses', 'Layer', 'DependsOn']],
]);
/**
 * Whether a list in a report (by its path from the top) holds one result's entries:
 * `Results[n].<list>`, or `[n].<list>` in the legacy array form. Those are what a report's size
 * is made of, so they are read one entry at a time.
 */
function isTrivyEntryList(path) {
    const list = path[path.length - 1];
    const inResult = (path.length === 3 && path[0] === 'Results' && typeof path[1] === 'number') || (path.length === 2 && typeof path[0] === 'number');
    return inResult && typeof list === 'string' && ENTRY_FIELDS.has(list);
}
/** Texts that repeat across a report's entries: one CVE's description comes once per package it affects. */
const SHARED_TEXTS = ['Title', 'Description', 'PrimaryURL'];
/**
 * For one report: each entry of such a list with only the fields parseTrivyReport reads.
 * References, CWE ids, vendor severities, dates and a misconfiguration's code lines are dropped as
 * the report streams in, and a description met before is kept once (real reports repeat each 2 to
 * 8 times), so what is kept of a 200 MB report is a fraction of it. Anything but an object is left
 * for parseTrivyReport to refuse with its path.
 */
function trivyEntrySlimmer() {
    const texts = new Map();
    return (entry, path) => {
        const fields = ENTRY_FIELDS.get(String(path[path.length - 1]));
        if (!fields || !json_isObject(entry))
            return entry;
        const slim = {};
        for (const field of fields) {
            const value = entry[field];
            if (value !== undefined)
                slim[field] = value;
        }
        for (const field of SHARED_TEXTS) {
            const text = slim[field];
            if (typeof text !== 'string')
                continue;
            const known = texts.get(text);
            if (known === undefined)
                texts.set(text, text);
            else
                slim[field] = known;
        }
        // Only the line is read of a misconfiguration's cause; its Code holds file content.
        if (json_isObject(slim.CauseMetadata))
            slim.CauseMetadata = { StartLine: slim.CauseMetadata.StartLine };
        return slim;
    };
}

;// CONCATENATED MODULE: ./src/scanners/trivy/run.ts








const goDuration = (ms) => `${Math.max(1, Math.ceil(ms / 1000))}s`;
function repositoryArgs(flag, repositories) {
    return repositories.length > 0 ? [flag, repositories.join(',')] : [];
}
/**
 * Trivy's arguments for one image. The image comes last after `--`, so no reference can be read
 * as a flag; both databases are prepared once beforehand (trivyDatabases.ts), and the layer
 * cache lives in memory so that concurrent scans do not contend for Trivy's cache lock.
 */
function trivyImageArgs(image, outputFile, settings) {
    const common = [
        'image',
        '--format',
        'json',
        '--output',
        outputFile,
        '--scanners',
        settings.scanKinds.join(','),
        '--pkg-types',
        settings.pkgTypes.join(','),
        // One flag per path: a path is never joined to another (parse.ts refuses commas in them).
        ...settings.skipDirs.flatMap((dir) => ['--skip-dirs', dir]),
        ...settings.skipFiles.flatMap((file) => ['--skip-files', file]),
        ...(settings.listAllPackages ? ['--list-all-pkgs'] : []),
        // The checks the verified binary embeds: no per-scan fetch of the checks bundle from a
        // registry (a rate limit, then a silent fallback to these same embedded checks).
        ...(settings.scanKinds.includes('misconfig') ? ['--skip-check-update'] : []),
        '--cache-dir',
        settings.cacheDir,
        '--cache-backend',
        'memory',
        '--skip-db-update',
        '--skip-java-db-update',
        '--skip-version-check',
        '--disable-telemetry',
        '--no-progress',
        '--exit-code',
        '0',
        '--timeout',
        goDuration(settings.timeoutMs),
    ];
    switch (image.source) {
        case 'daemon':
            return [...common, '--image-src', 'docker', '--', image.location];
        case 'registry': {
            // Trivy's --insecure also allows plain HTTP: given only for a registry listed in registry-insecure.
            const host = parseRegistryReference(image.location).apiHost;
            const insecure = settings.registry?.insecure.includes(host) ? ['--insecure'] : [];
            return [...common, ...insecure, '--image-src', 'remote', '--', image.location];
        }
        default:
            return [...common, '--input', (0,external_node_path_.resolve)(settings.workspace, image.location)];
    }
}
/** A download of one of Trivy's databases and nothing else. */
function databaseDownloadArgs(only, settings, repositories) {
    return [
        'image',
        only,
        '--cache-dir',
        settings.cacheDir,
        '--skip-version-check',
        '--disable-telemetry',
        '--no-progress',
        '--timeout',
        goDuration(settings.timeoutMs),
        ...repositories,
    ];
}
function trivyDbArgs(settings) {
    return databaseDownloadArgs('--download-db-only', settings, repositoryArgs('--db-repository', settings.dbRepositories));
}
function trivyJavaDbArgs(settings) {
    return databaseDownloadArgs('--download-java-db-only', settings, repositoryArgs('--java-db-repository', settings.javaDbRepositories));
}
/** Trivy's words when a scan met a Java archive with --skip-java-db-update and no Java DB yet. */
const JAVA_DB_ABSENT = /cannot be specified on the first run|first run cannot skip downloading Java DB/;
function needsJavaDatabase(stderr) {
    return JAVA_DB_ABSENT.test(stderr);
}
/** Runs Trivy on one image; Trivy's exit code never decides the gate, its report does. */
async function runTrivyImage(image, settings, scanner) {
    // A fresh working directory: a repository's trivy.yaml or .trivyignore must not steer the scan
    // (bulkhead applies .trivyignore itself, and reports what it suppressed).
    const work = await (0,promises_.mkdtemp)((0,external_node_path_.join)(settings.tempDir, 'bulkhead-trivy-'));
    const outputFile = (0,external_node_path_.join)(work, 'report.json');
    const base = {
        tool: 'trivy',
        key: image.key,
        target: image.input,
        origin: 'run',
        version: scanner.version,
        scanner,
        warnings: [],
    };
    try {
        const ran = await (0,scanners_process/* runProcess */.R3)(settings.executable, trivyImageArgs(image, outputFile, settings), {
            cwd: work,
            // Trivy reads registry credentials from TRIVY_USERNAME / TRIVY_PASSWORD (else the Docker config).
            env: image.source === 'registry' && settings.registry?.username && settings.registry.password
                ? { ...settings.env, TRIVY_USERNAME: settings.registry.username, TRIVY_PASSWORD: settings.registry.password }
                : settings.env,
            timeoutMs: settings.timeoutMs,
        });
        const failed = (why) => ({
            result: {
                ...base,
                status: 'error',
                durationMs: ran.durationMs,
                findings: [],
                error: `Trivy ${why}${(0,scanners_process/* stderrTail */.be)(ran.stderr) ? `: ${(0,scanners_process/* stderrTail */.be)(ran.stderr, 3)}` : ''}`,
            },
            process: ran,
            lockContention: /cache may be in use by another process|database lock|acquire cache/i.test(ran.stderr),
            needsJavaDb: needsJavaDatabase(ran.stderr),
        });
        if (ran.spawnError || ran.timedOut || ran.signal || ran.exitCode !== 0)
            return failed((0,scanners_process/* describeExit */.KE)(ran, settings.timeoutMs));
        let documents;
        try {
            documents = await jsonFile_readJsonReport(outputFile, { spill: isTrivyEntryList, element: trivyEntrySlimmer() });
        }
        catch (error) {
            return failed(`exited 0 but its report could not be read (${(0,errors/* errorMessage */.gJ)(error)})`);
        }
        try {
            const report = parseTrivyReport(documents.length === 1 ? documents[0] : documents);
            return {
                result: {
                    ...base,
                    status: 'ok',
                    durationMs: ran.durationMs,
                    findings: report.findings,
                    warnings: report.warnings,
                    ...(report.diffIds.length > 0 ? { imageHistory: { diffIds: report.diffIds, history: report.history } } : {}),
                    ...inventoryField(report),
                },
                process: ran,
                lockContention: false,
                needsJavaDb: false,
            };
        }
        catch (error) {
            return failed(`wrote a report bulkhead cannot read (${(0,errors/* errorMessage */.gJ)(error)})`);
        }
    }
    finally {
        await (0,promises_.rm)(work, { recursive: true, force: true });
    }
}
/** Reads the database's metadata the way Trivy reports it (`trivy version --format json`). */
async function readTrivyDatabase(settings) {
    const ran = await (0,scanners_process/* runProcess */.R3)(settings.executable, ['version', '--format', 'json', '--cache-dir', settings.cacheDir], {
        cwd: settings.tempDir,
        env: settings.env,
        timeoutMs: 30_000,
        maxStdoutBytes: 1024 * 1024,
    });
    if (ran.exitCode !== 0)
        return undefined;
    try {
        const parsed = JSON.parse(ran.stdout);
        const db = json_isObject(parsed) && json_isObject(parsed.VulnerabilityDB) ? parsed.VulnerabilityDB : undefined;
        if (!db)
            return undefined;
        const version = json_num(db.Version);
        const updatedAt = json_str(db.UpdatedAt);
        return { ...(version !== undefined ? { version } : {}), ...(updatedAt ? { updatedAt } : {}) };
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/scanners/trivyDatabases.ts








/** Downloads (or refreshes) Trivy's vulnerability database once, so that the image scans can share it read-only. */
async function prepareDatabase(settings, host) {
    const dir = (0,external_node_path_.join)(settings.cacheDir, 'db');
    await (0,promises_.mkdir)(dir, { recursive: true });
    const step = (0,util_logger/* startStep */.bP)(host.logger, 'Trivy vulnerability database');
    const cache = host.dbCache ? await host.dbCache.restore('db', dir) : 'not-used';
    const ran = await (0,scanners_process/* runProcess */.R3)(settings.executable, trivyDbArgs(settings), {
        cwd: settings.tempDir,
        env: settings.env,
        timeoutMs: settings.timeoutMs,
    });
    host.logger.group(`Trivy database (${(0,scanners_process/* describeExit */.KE)(ran, settings.timeoutMs)}, ${(0,util_logger/* formatDuration */.a3)(ran.durationMs)})`, ran.stderr);
    if (ran.spawnError || ran.timedOut || ran.signal || ran.exitCode !== 0) {
        step.failed(`Trivy ${(0,scanners_process/* describeExit */.KE)(ran, settings.timeoutMs)}`);
        return {
            record: { cache },
            error: `Trivy could not prepare its vulnerability database: it ${(0,scanners_process/* describeExit */.KE)(ran, settings.timeoutMs)}${(0,scanners_process/* stderrTail */.be)(ran.stderr) ? `: ${(0,scanners_process/* stderrTail */.be)(ran.stderr, 3)}` : ''}`,
        };
    }
    const db = await readTrivyDatabase(settings);
    const ageHours = db?.updatedAt ? Math.max(0, (host.now().getTime() - Date.parse(db.updatedAt)) / 3_600_000) : undefined;
    const dbRecord = {
        cache,
        ...(db?.version !== undefined ? { version: db.version } : {}),
        ...(db?.updatedAt ? { updatedAt: db.updatedAt } : {}),
        ...(ageHours !== undefined && Number.isFinite(ageHours) ? { ageHours: Math.round(ageHours * 10) / 10 } : {}),
    };
    step.done(cache === 'hit' ? 'restored from the cache' : 'ready');
    host.logger.info(`Trivy vulnerability database${db?.version !== undefined ? ` v${db.version}` : ''}${db?.updatedAt ? `, built ${db.updatedAt}` : ''}${dbRecord.ageHours !== undefined ? ` (${dbRecord.ageHours} h old)` : ''}.`);
    // Saved now, not at the end of the job: a job that fails later still leaves today's copy.
    if (host.dbCache && cache !== 'hit')
        await host.dbCache.save('db', dir);
    return { record: dbRecord };
}
const MAX_METADATA_BYTES = 64 * 1024;
async function readJavaDbMetadata(dir) {
    const file = (0,external_node_path_.join)(dir, 'metadata.json');
    if (!(0,external_node_fs_.existsSync)(file))
        return undefined;
    try {
        const parsed = JSON.parse(await readRegularFile(file, MAX_METADATA_BYTES, (detail) => new Error(detail)));
        if (!json_isObject(parsed))
            return undefined;
        const updatedAt = json_str(parsed.UpdatedAt);
        const downloadedAt = json_str(parsed.DownloadedAt);
        return { ...(updatedAt ? { updatedAt } : {}), ...(downloadedAt ? { downloadedAt } : {}) };
    }
    catch {
        return undefined;
    }
}
/**
 * Trivy's Java DB (the index that names the Maven artifact of a JAR from its digest), prepared
 * at most once per run. Trivy would fetch it lazily in every scan that meets a JAR, racing
 * each other on the same folder and never cached; instead every scan runs with
 * --skip-java-db-update. A copy in the cache (the Actions cache holds one only for a repository
 * whose images needed it) is restored and refreshed before the scans; with none, an image
 * without JARs never needs one, and the first scan that meets a JAR fails with Trivy's "first
 * run" error: the database is then downloaded once, saved, and those scans run again.
 */
class JavaDatabase {
    settings;
    host;
    dir;
    cache = 'not-used';
    download;
    downloaded = false;
    constructor(settings, host) {
        this.settings = settings;
        this.host = host;
        this.dir = (0,external_node_path_.join)(settings.cacheDir, 'java-db');
    }
    /** Java archives matter to Trivy only when it looks for vulnerabilities in language packages. */
    static matters(settings) {
        return settings.scanKinds.includes('vuln') && settings.pkgTypes.includes('library');
    }
    /** Restores the cached copy and refreshes it if Trivy says it is due; a failed refresh leaves none. */
    async prepare() {
        if (this.host.dbCache) {
            await (0,promises_.mkdir)(this.dir, { recursive: true });
            this.cache = await this.host.dbCache.restore('java-db', this.dir);
        }
        const before = await readJavaDbMetadata(this.dir);
        if (!before)
            return;
        const error = await this.fetch('Trivy Java database (refresh)', before);
        if (error) {
            // A stale index would pass JARs it no longer knows: drop it, and let a scan that needs it fetch it again.
            this.host.logger.warning(`${error}; the cached copy is not used.`);
            await (0,promises_.rm)(this.dir, { recursive: true, force: true });
        }
    }
    /** Downloads the database for the scans that need it, once however many ask; an error says why it could not. */
    fetchOnce() {
        this.download ??= readJavaDbMetadata(this.dir).then((before) => this.fetch('Trivy Java database', before));
        return this.download;
    }
    async fetch(title, before) {
        await (0,promises_.mkdir)(this.dir, { recursive: true });
        const step = (0,util_logger/* startStep */.bP)(this.host.logger, title);
        const { settings } = this;
        const ran = await (0,scanners_process/* runProcess */.R3)(settings.executable, trivyJavaDbArgs(settings), {
            cwd: settings.tempDir,
            env: settings.env,
            timeoutMs: settings.timeoutMs,
        });
        this.host.logger.group(`${title} (${(0,scanners_process/* describeExit */.KE)(ran, settings.timeoutMs)}, ${(0,util_logger/* formatDuration */.a3)(ran.durationMs)})`, ran.stderr);
        const after = await readJavaDbMetadata(this.dir);
        if (ran.spawnError || ran.timedOut || ran.signal || ran.exitCode !== 0 || !after) {
            step.failed(`Trivy ${(0,scanners_process/* describeExit */.KE)(ran, settings.timeoutMs)}`);
            const tail = (0,scanners_process/* stderrTail */.be)(ran.stderr, 3);
            // An exit 0 that left no metadata is a failure too, and says so before Trivy's last lines.
            const how = ran.exitCode === 0 && !ran.signal && !ran.timedOut
                ? 'exited with code 0 but wrote no database'
                : (0,scanners_process/* describeExit */.KE)(ran, settings.timeoutMs);
            return `Trivy could not download its Java database: it ${how}${tail ? `: ${tail}` : ''}`;
        }
        const fresh = after.downloadedAt !== before?.downloadedAt;
        this.downloaded ||= fresh;
        step.done(fresh ? 'downloaded' : before && this.cache === 'hit' ? 'restored from the cache' : 'up to date');
        if (fresh && this.host.dbCache)
            await this.host.dbCache.save('java-db', this.dir);
        return undefined;
    }
    /** What the summary says of it when the scans had one (restored or downloaded); nothing when there was none. */
    async record() {
        const meta = await readJavaDbMetadata(this.dir);
        if (!meta)
            return undefined;
        return { cache: this.cache, downloaded: this.downloaded, ...(meta.updatedAt ? { updatedAt: meta.updatedAt } : {}) };
    }
}

;// CONCATENATED MODULE: ./src/scanners/plan.ts
/** What bulkhead must run itself: a scanner that is chosen, has targets, and has no report given. */
function scannersToRun({ targets, scanners }) {
    return {
        trivy: scanners.tools.includes('trivy') && targets.trivyReports.length === 0 && targets.images.length > 0,
        hadolint: scanners.tools.includes('hadolint') && targets.hadolintReports.length === 0 && targets.dockerfiles.length > 0,
    };
}

;// CONCATENATED MODULE: ./src/scanners/runScanners.ts










function failedResults(tool, targets, error) {
    return targets.map(({ key, target }) => ({
        tool,
        key,
        target,
        origin: 'run',
        status: 'error',
        durationMs: 0,
        findings: [],
        error,
        warnings: [],
    }));
}
function record(installed) {
    return { path: installed.path, version: installed.version, sha256: installed.sha256, source: installed.source };
}
/** Why an install failed, without the tool's name the installer's ToolError starts with. */
function installFailure(tool, error) {
    const message = (0,errors/* errorMessage */.gJ)(error);
    return message.startsWith(`${tool}: `) ? message.slice(tool.length + 2) : message;
}
/** Rosetta 2's runtime, present once it is installed (it has no command that says so without side effects). */
const ROSETTA_RUNTIME = '/Library/Apple/usr/libexec/oah/libRosettaRuntime';
/**
 * The build to install: the host's own, except hadolint before 2.13.1 on macOS arm64, which has
 * none: its x86_64 build runs under Rosetta 2; 'skip' when hadolint-darwin-arm64 says so.
 */
function buildFor(tool, scanners, host) {
    if (tool !== 'hadolint' || host.platform !== 'darwin-arm64' || scanners.hadolint.path)
        return host.platform;
    if ((0,catalog/* publishesBuild */.QV)('hadolint', scanners.hadolint.version ?? catalog/* CATALOGS */.jF.hadolint.pinned, 'darwin-arm64'))
        return host.platform;
    if (scanners.hadolint.darwinArm64 === 'skip')
        return 'skip';
    if (!(host.rosetta ?? (() => (0,external_node_fs_.existsSync)(ROSETTA_RUNTIME)))())
        throw new errors/* UsageError */.eb(`hadolint ${scanners.hadolint.version ?? catalog/* CATALOGS */.jF.hadolint.pinned} has no macOS arm64 build and Rosetta 2 is not installed to run its x86_64 build; set hadolint-version: 2.14.0 (which has one), install Rosetta (softwareupdate --install-rosetta --agree-to-license), give hadolint-path, or set hadolint-darwin-arm64: skip.`);
    return 'darwin-x64';
}
async function install(tool, scanners, host, platform = host.platform) {
    const choice = scanners[tool];
    if (!platform && !choice.path) {
        throw new errors/* UsageError */.eb(`bulkhead has no ${tool} build for ${process.platform}-${process.arch}; install ${tool} yourself and give ${tool}-path.`);
    }
    const step = (0,util_logger/* startStep */.bP)(host.logger, `Getting ${tool}`);
    // Loaded when a scanner is to be installed: the toolkit's HTTP and tool-cache code is a good part
    // of a start-up that only reads reports.
    const { installScanner } = await Promise.all(/* import() */[__webpack_require__.e(119), __webpack_require__.e(58), __webpack_require__.e(380)]).then(__webpack_require__.bind(__webpack_require__, 11380));
    const installed = await installScanner({
        tool,
        ...(choice.version ? { version: choice.version } : {}),
        ...(choice.sha256 ? { sha256: choice.sha256 } : {}),
        ...(choice.path ? { executablePath: choice.path } : {}),
        mirror: scanners.releaseMirror,
        ...(scanners.trustedRootFile ? { trustedRootFile: scanners.trustedRootFile } : {}),
        platform: platform ?? 'linux-x64',
        toolCacheDir: host.toolCacheDir,
        tempDir: host.tempDir,
        searchPath: host.env.PATH ?? '',
        env: host.env,
        downloadTimeoutMs: host.downloadTimeoutMs ?? Math.min(scanners.timeoutMs, 10 * 60_000),
        stallTimeoutMs: host.stallTimeoutMs ?? 60_000,
    }).catch((error) => {
        step.failed(installFailure(tool, error));
        throw error;
    });
    step.done(`version ${installed.version}`);
    for (const line of installed.log)
        host.logger.info(line);
    return installed;
}
async function runTrivy(plan, host, installed) {
    const { targets, scanners } = plan;
    const settings = {
        executable: installed.path,
        cacheDir: host.trivyCacheDir,
        dbRepositories: scanners.trivy.dbRepositories,
        javaDbRepositories: scanners.trivy.javaDbRepositories,
        scanKinds: scanners.trivy.scanKinds,
        skipDirs: scanners.trivy.skipDirs,
        skipFiles: scanners.trivy.skipFiles,
        pkgTypes: scanners.trivy.pkgTypes,
        timeoutMs: scanners.timeoutMs,
        workspace: targets.workspace,
        tempDir: host.tempDir,
        env: host.env,
        ...(plan.registry ? { registry: plan.registry } : {}),
        listAllPackages: plan.listPackages === true,
    };
    const images = targets.images;
    const javaDb = JavaDatabase.matters(settings) ? new JavaDatabase(settings, host) : undefined;
    // The two downloads are independent (Trivy prepares the Java DB before it looks at the other).
    const [database] = await Promise.all([prepareDatabase(settings, host), javaDb?.prepare()]);
    if (database.error)
        return failedResults('trivy', images.map((i) => ({ key: i.key, target: i.input })), database.error).map((r) => ({ ...r, scanner: record(installed), database: database.record }));
    const scanOne = async (image) => {
        const exported = await plan.sharedExports?.get(image.input);
        const step = (0,util_logger/* startStep */.bP)(host.logger, `Trivy ${image.input}`);
        // The export the built-in checks wrote: the same bytes, read once from the daemon.
        const target = exported
            ? { ...image, source: image.source === 'registry' ? 'oci' : 'docker-archive', location: exported }
            : image;
        const run = await runTrivyImage(target, settings, record(installed));
        if (run.result.status === 'ok')
            step.done(`${run.result.findings.length} finding${run.result.findings.length === 1 ? '' : 's'}`);
        else
            step.failed(run.needsJavaDb ? 'it needs the Java database' : (0,scanners_process/* describeExit */.KE)(run.process, settings.timeoutMs));
        return run;
    };
    const runs = await Promise.all(images.map(scanOne));
    // Scans that met a JAR before there was a Java DB: it is downloaded once, then they run again together.
    const withJava = await Promise.all(runs.map((run, index) => withJavaDatabase(run, images[index], scanOne, { javaDb, host })));
    // Trivy's own locks can still collide (an old Trivy, another job's Trivy): retry those one at a time.
    const finished = [];
    for (const [index, run] of withJava.entries()) {
        const image = images[index];
        if (run.lockContention && image) {
            host.logger.info(`Trivy on ${image.input} met a lock held by another Trivy; running it again on its own.`);
            finished.push(await scanOne(image));
        }
        else
            finished.push(run);
    }
    for (const run of finished) {
        host.logger.group(`Trivy ${run.result.target} (${(0,scanners_process/* describeExit */.KE)(run.process, settings.timeoutMs)}, ${(0,util_logger/* formatDuration */.a3)(run.process.durationMs)})`, run.process.stderr);
    }
    const javaRecord = await javaDb?.record();
    const databaseRecord = { ...database.record, ...(javaRecord ? { javaDb: javaRecord } : {}) };
    return finished.map((run) => ({ ...run.result, database: databaseRecord }));
}
/** A scan that met a Java archive before the Java DB existed, once more after the one download all such scans share. */
async function withJavaDatabase(run, image, scanOne, { javaDb, host }) {
    if (!image || !run.needsJavaDb || !javaDb)
        return run;
    host.logger.info(`Trivy found Java archives in ${image.input} and there is no Java database yet; downloading it once.`);
    const error = await javaDb.fetchOnce();
    if (error)
        return { ...run, result: { ...run.result, error: `${error} (${image.input} has Java archives, which need it)` } };
    return scanOne(image);
}
async function runHadolintAll(targets, scanners, host, installed) {
    const settings = { executable: installed.path, timeoutMs: scanners.timeoutMs, workspace: targets.workspace, env: host.env };
    return Promise.all(targets.dockerfiles.map(async (dockerfile) => {
        const step = (0,util_logger/* startStep */.bP)(host.logger, `hadolint ${dockerfile}`);
        const result = await runHadolint(dockerfile, settings, record(installed));
        if (result.status === 'ok')
            step.done(`${result.findings.length} finding${result.findings.length === 1 ? '' : 's'}`);
        else
            step.failed('failed');
        host.logger.group(`hadolint ${dockerfile} (${result.status === 'ok' ? 'ok' : 'failed'}, ${(0,util_logger/* formatDuration */.a3)(result.durationMs)})`, result.error ?? '');
        return result;
    }));
}
/**
 * Installs and runs the scanners bulkhead must run, all at once: hadolint does not wait for
 * Trivy's database, and every image is scanned concurrently. A scanner that cannot be installed
 * or run gives error results (the gate then fails closed unless scanner-error is warn).
 */
async function runLocalScanners(plan, host) {
    const { targets, scanners } = plan;
    const wanted = scannersToRun(plan);
    await (0,promises_.mkdir)(host.tempDir, { recursive: true });
    const jobs = [];
    const guarded = async (tool, targets, run) => {
        let installed;
        const build = buildFor(tool, scanners, host);
        if (build === 'skip') {
            host.logger.warning(`hadolint was skipped: it has no macOS arm64 build and hadolint-darwin-arm64 is skip; ${targets.length} Dockerfile${targets.length === 1 ? ' was' : 's were'} not linted.`);
            return [];
        }
        try {
            installed = await install(tool, scanners, host, build);
        }
        catch (error) {
            if (error instanceof errors/* UsageError */.eb)
                throw error;
            return failedResults(tool, targets, `${tool} could not be installed: ${installFailure(tool, error)}`);
        }
        return run(installed);
    };
    if (wanted.hadolint)
        jobs.push(guarded('hadolint', targets.dockerfiles.map((d) => ({ key: d, target: d })), (i) => runHadolintAll(targets, scanners, host, i)));
    if (wanted.trivy)
        jobs.push(guarded('trivy', targets.images.map((i) => ({ key: i.key, target: i.input })), (i) => runTrivy(plan, host, i)));
    return (await Promise.all(jobs)).flat();
}

;// CONCATENATED MODULE: ./src/dockerfile/history.ts
/**
 * Image history entries (`created_by`) as the Dockerfile instructions they record, for both
 * builders:
 *   classic   `/bin/sh -c #(nop)  ENV A=b`, `/bin/sh -c #(nop) COPY file:<hash> in /app`,
 *             `|1 TOKEN=x /bin/sh -c make` (RUN with build args), `/bin/sh -c make` (RUN)
 *   BuildKit  `RUN /bin/sh -c make # buildkit`, `RUN |2 A=1 B=2 /bin/sh -c make # buildkit`,
 *             `COPY --from=build /out /app # buildkit`, `ENV A=b`, `WORKDIR /app` …
 */
const INSTRUCTIONS = new Set([
    'RUN',
    'COPY',
    'ADD',
    'ENV',
    'ARG',
    'WORKDIR',
    'USER',
    'EXPOSE',
    'CMD',
    'ENTRYPOINT',
    'LABEL',
    'VOLUME',
    'HEALTHCHECK',
    'SHELL',
    'STOPSIGNAL',
    'ONBUILD',
    'MAINTAINER',
]);
const collapse = (text) => text.replace(/\s+/g, ' ').trim();
/** `|2 A=1 B=two words? …` : build args that the builder put before the shell. */
function stripBuildArgs(text) {
    const match = /^\|(\d+)\s+/.exec(text);
    if (!match)
        return text;
    let rest = text.slice(match[0].length);
    const count = Number(match[1]);
    for (let i = 0; i < count; i++) {
        const arg = /^[A-Za-z_][A-Za-z0-9_]*=(?:"[^"]*"|'[^']*'|\S*)\s*/.exec(rest);
        if (!arg)
            break;
        rest = rest.slice(arg[0].length);
    }
    return rest;
}
function shellCommand(text) {
    // The shells builders wrap RUN in: /bin/sh -c on Linux (or a SHELL), cmd /S /C on Windows.
    const shell = /^(?:(?:\/bin\/sh|\/bin\/bash|\/bin\/ash|sh|bash)\s+-c|cmd \/S \/C|powershell(?:\.exe)? -command)\s+/i.exec(text);
    return shell ? text.slice(shell[0].length) : undefined;
}
function classifyHistory(createdBy) {
    let text = createdBy.trim();
    const buildkit = / # buildkit$/.test(text);
    if (buildkit)
        text = text.replace(/ # buildkit$/, '');
    const nop = /^\/bin\/sh -c #\(nop\)\s+/.exec(text);
    if (nop) {
        const rest = text.slice(nop[0].length);
        const word = /^(\S+)\s*/.exec(rest);
        const kind = word?.[1]?.toUpperCase() ?? 'UNKNOWN';
        return { kind: INSTRUCTIONS.has(kind) ? kind : 'UNKNOWN', text: collapse(rest.slice(word?.[0].length ?? 0)), builder: 'classic' };
    }
    const word = /^([A-Z]+)\s+/.exec(text);
    if (word && INSTRUCTIONS.has(word[1])) {
        const kind = word[1];
        let rest = text.slice(word[0].length);
        if (kind === 'RUN') {
            rest = stripBuildArgs(rest);
            rest = shellCommand(rest) ?? rest;
        }
        return { kind, text: collapse(rest), builder: buildkit ? 'buildkit' : 'unknown' };
    }
    const command = shellCommand(stripBuildArgs(text));
    if (command !== undefined)
        return { kind: 'RUN', text: collapse(command), builder: buildkit ? 'buildkit' : 'classic' };
    return { kind: 'UNKNOWN', text: collapse(text), builder: 'unknown' };
}
/** How a history step reads in a message: "RUN apt-get install -y curl", cut to `max`. */
function describeStep(step, max = 80) {
    const text = step.kind === 'UNKNOWN' ? step.text : `${step.kind} ${step.text}`;
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

;// CONCATENATED MODULE: ./src/image/config.ts

function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function config_strings(value) {
    return Array.isArray(value) ? value.filter((v) => typeof v === 'string') : [];
}
function keys(value) {
    return isRecord(value) ? Object.keys(value) : [];
}
function optionalString(value) {
    return typeof value === 'string' ? value : undefined;
}
/** Reads an image config (OCI image config or Docker's, which is a superset) from untrusted JSON. */
function parseImageConfig(json, where) {
    if (!isRecord(json))
        throw new errors/* FormatError */.IF(where, `the image config is not a JSON object.`);
    const config = isRecord(json.config) ? json.config : {};
    const rootfs = isRecord(json.rootfs) ? json.rootfs : {};
    const diffIds = config_strings(rootfs.diff_ids);
    if (!Array.isArray(rootfs.diff_ids))
        throw new errors/* FormatError */.IF(where, `the image config has no rootfs.diff_ids; it is not an image config.`);
    const history = (Array.isArray(json.history) ? json.history : []).filter(isRecord).map((entry) => {
        const created = optionalString(entry.created);
        const comment = optionalString(entry.comment);
        return {
            createdBy: optionalString(entry.created_by) ?? '',
            emptyLayer: entry.empty_layer === true,
            ...(created ? { created } : {}),
            ...(comment ? { comment } : {}),
        };
    });
    const labels = {};
    if (isRecord(config.Labels))
        for (const [k, v] of Object.entries(config.Labels))
            if (typeof v === 'string')
                labels[k] = v;
    const healthcheck = isRecord(config.Healthcheck) ? config_strings(config.Healthcheck.Test) : undefined;
    const os = optionalString(json.os);
    const architecture = optionalString(json.architecture);
    const variant = optionalString(json.variant);
    return {
        user: optionalString(config.User) ?? '',
        env: config_strings(config.Env),
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
function layerHistory(config) {
    const withLayers = config.history.filter((h) => !h.emptyLayer);
    // When history and layers disagree in number (squashed or hand-made images), pair none rather than wrongly.
    if (withLayers.length !== config.diffIds.length)
        return config.diffIds.map(() => undefined);
    return withLayers;
}

;// CONCATENATED MODULE: ./src/model/workloadRules.ts
/**
 * BH3xx: how a container will run, read from Kubernetes manifests and Compose files. One rule set
 * for both; `fix` names the field of each. Severity is the rule's highest: a finding states its own
 * (e.g. BH310 is critical for a runtime socket, low for a project bind mount).
 */
const WORKLOAD_RULES = [
    {
        id: 'BH301',
        severity: 'critical',
        kind: 'hardening',
        title: 'Privileged container',
        what: 'Kubernetes `securityContext.privileged: true`, or Compose `privileged: true`.',
        why: 'A privileged container holds every capability, sees every host device and runs without seccomp or AppArmor confinement: root in it is root on the node.',
        fix: 'Remove `privileged: true`. Add only the capability the workload needs (`capabilities.add` / `cap_add`), or mount the one device it needs.',
        references: [
            'Pod Security Standards baseline: Privileged Containers',
            'CIS Docker Benchmark 5.4',
            'Trivy KSV017',
            'kube-score container-security-context-privileged',
        ],
    },
    {
        id: 'BH302',
        severity: 'medium',
        kind: 'hardening',
        title: 'Privilege escalation allowed',
        what: 'Kubernetes: `securityContext.allowPrivilegeEscalation` is not `false`. Compose: `security_opt` lacks `no-new-privileges:true`.',
        why: 'Without no_new_privs a process can gain privileges through setuid binaries or file capabilities, undoing a non-root user.',
        fix: 'Kubernetes: `allowPrivilegeEscalation: false` in each container\'s securityContext. Compose: `security_opt: ["no-new-privileges:true"]`.',
        references: ['Pod Security Standards restricted: Privilege Escalation', 'CIS Docker Benchmark 5.25', 'Trivy KSV001'],
    },
    {
        id: 'BH303',
        severity: 'high',
        kind: 'hardening',
        title: 'Host namespace shared',
        what: 'Kubernetes `hostNetwork`, `hostPID` or `hostIPC: true`; Compose `network_mode: host`, `pid: host`, `ipc: host`, `userns_mode: host` or `uts: host`.',
        why: "A host namespace removes one layer of isolation: the container sees the node's network interfaces and loopback services, its processes, or its shared memory.",
        fix: 'Remove the setting. Publish ports through a Service (Kubernetes) or `ports:` (Compose) instead of the host network.',
        references: [
            'Pod Security Standards baseline: Host Namespaces',
            'CIS Docker Benchmark 5.9, 5.15, 5.16, 5.20, 5.30',
            'Trivy KSV008, KSV009, KSV010',
        ],
    },
    {
        id: 'BH304',
        severity: 'high',
        kind: 'hardening',
        title: 'May run as root',
        what: "Kubernetes: neither `runAsNonRoot: true` nor a non-zero `runAsUser` at pod or container level. Compose: `user` unset, `root` or `0`. High when the image's own USER is root too, so the container surely runs as root.",
        why: "A root process in the container is root on the host kernel's terms; every escape starts from there.",
        fix: 'Kubernetes: `runAsNonRoot: true` and a numeric `runAsUser` (the image\'s own non-root UID). Compose: `user: "10001:10001"`.',
        references: [
            'Pod Security Standards restricted: Running as Non-root',
            'CIS Docker Benchmark 4.1',
            'Trivy KSV012',
            'Polaris runAsRootAllowed',
        ],
    },
    {
        id: 'BH305',
        severity: 'medium',
        kind: 'hardening',
        title: 'Writable root filesystem',
        what: 'Kubernetes `readOnlyRootFilesystem` is not `true`; Compose `read_only` is not `true`.',
        why: 'An attacker who gets code execution can replace binaries and drop tools into a writable root; a read-only root keeps the image as it was built.',
        fix: 'Kubernetes: `readOnlyRootFilesystem: true`, with an `emptyDir` volume for each path the process writes (often /tmp). Compose: `read_only: true` with `tmpfs: [/tmp]`.',
        references: ['CIS Docker Benchmark 5.12', 'Trivy KSV014', 'kube-score container-security-context-readonlyrootfilesystem'],
    },
    {
        id: 'BH306',
        severity: 'medium',
        kind: 'hardening',
        title: 'Capabilities not dropped',
        what: 'Kubernetes `securityContext.capabilities.drop` lacks `ALL`; Compose `cap_drop` lacks `ALL`.',
        why: 'Runtimes grant a default set (CHOWN, DAC_OVERRIDE, FOWNER, NET_RAW, SETUID, SETGID …) that few applications need; NET_RAW alone allows ARP and DNS spoofing on the node network.',
        fix: 'Drop every capability and add back the one you need: `capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}` / `cap_drop: [ALL]`.',
        references: ['Pod Security Standards restricted: Capabilities', 'CIS Docker Benchmark 5.3', 'Trivy KSV003'],
    },
    {
        id: 'BH307',
        severity: 'high',
        kind: 'hardening',
        title: 'Capabilities added',
        what: 'Kubernetes `capabilities.add` or Compose `cap_add` adds a capability: high for ALL, SYS_ADMIN, NET_ADMIN, SYS_MODULE, SYS_PTRACE, SYS_RAWIO, DAC_READ_SEARCH, BPF, PERFMON, SYS_BOOT and the like; medium for any other except NET_BIND_SERVICE.',
        why: 'SYS_ADMIN is nearly root, SYS_MODULE loads kernel code, SYS_PTRACE reads other processes, NET_ADMIN rewires the network: each is a known escape route.',
        fix: 'Remove the capability. If the workload truly needs it, add an exception to `.bulkhead.yml` with the reason and an owner.',
        references: ['Pod Security Standards baseline: Capabilities', 'CIS Docker Benchmark 5.3', 'Trivy KSV005, KSV022'],
    },
    {
        id: 'BH308',
        severity: 'high',
        kind: 'hardening',
        title: 'No seccomp profile',
        what: 'Kubernetes: no `seccompProfile` of type RuntimeDefault or Localhost at pod or container level (low), or type `Unconfined` (high). Compose: `security_opt: [seccomp=unconfined]` (high); Docker applies its default profile otherwise.',
        why: 'Seccomp removes the system calls most kernel exploits use. Kubernetes runs containers unconfined unless a profile is set.',
        fix: 'Kubernetes: `seccompProfile: {type: RuntimeDefault}` in the pod securityContext. Compose: remove `seccomp=unconfined`.',
        references: ['Pod Security Standards baseline and restricted: Seccomp', 'CIS Docker Benchmark 5.21', 'Trivy KSV030, KSV104'],
    },
    {
        id: 'BH309',
        severity: 'high',
        kind: 'hardening',
        title: 'AppArmor or SELinux disabled',
        what: 'Kubernetes `appArmorProfile.type: Unconfined` (or the legacy annotation `unconfined`), an SELinux type outside the container types (e.g. `spc_t`) or a custom SELinux user or role. Compose `security_opt` with `apparmor=unconfined`, `apparmor:unconfined`, `label=disable` or `label:disable`.',
        why: 'The mandatory access control profile is what stops a root process in the container from writing host files it can reach; disabling it removes that wall.',
        fix: 'Remove the setting: the runtime default profile applies. Write a Localhost AppArmor profile if the default is too tight.',
        references: ['Pod Security Standards baseline: AppArmor, SELinux', 'CIS Docker Benchmark 5.1, 5.2', 'Trivy KSV002, KSV025'],
    },
    {
        id: 'BH310',
        severity: 'critical',
        kind: 'hardening',
        title: 'Host path mounted',
        what: "A Kubernetes `hostPath` volume or a Compose bind mount: a container-runtime socket (`docker.sock`, `containerd.sock`, `crio.sock`, `/run/containerd`, `/var/run`) is critical; `/`, `/etc`, `/proc`, `/sys`, `/root`, `/home`, `/var/lib/kubelet`, `/var/log`, `/boot`, `/dev` high; any other absolute host path medium; a relative bind mount of the project's own files low. A mount that does not say read-only is writable, which the message says.",
        why: 'The Docker socket is root on the host for whoever can write to it; host system directories let the container rewrite the node.',
        fix: 'Remove the mount. Use a named volume, an `emptyDir`, a ConfigMap or Secret, or a CSI driver; if a host path is unavoidable, mount it read-only (`readOnly: true` / `:ro`).',
        references: ['Pod Security Standards baseline: HostPath Volumes', 'CIS Docker Benchmark 5.5, 5.31', 'Trivy KSV006, KSV023'],
    },
    {
        id: 'BH311',
        severity: 'low',
        kind: 'hardening',
        title: 'Port on the host',
        what: 'Kubernetes `hostPort`; a Compose port published without a host IP, i.e. on every interface of the host.',
        why: 'A host port bypasses Services and NetworkPolicies; a Compose port without an IP is reachable from every network the host is on, past the host firewall (Docker writes its own iptables rules).',
        fix: 'Kubernetes: remove `hostPort` and use a Service. Compose: bind to one interface, e.g. `"127.0.0.1:8080:80"`.',
        references: ['Pod Security Standards baseline: Host Ports', 'CIS Docker Benchmark 5.14', 'Trivy KSV024'],
    },
    {
        id: 'BH312',
        severity: 'medium',
        kind: 'hardening',
        title: 'No resource limit',
        what: 'No memory limit (medium), no CPU limit (low); Compose: no `pids_limit` or `deploy.resources.limits.pids` (low).',
        why: "Without limits one container can take all of a node's memory, CPU or process table: one compromised or leaking workload takes its neighbours down.",
        fix: 'Kubernetes: `resources.limits.memory` and `resources.limits.cpu` from observed use. Compose: `deploy.resources.limits` (`memory`, `cpus`, `pids`) or `mem_limit`, `cpus`, `pids_limit`.',
        references: ['CIS Docker Benchmark 5.10, 5.11, 5.28', 'Trivy KSV011, KSV018', 'kube-score container-resources'],
    },
    {
        id: 'BH313',
        severity: 'low',
        kind: 'hardening',
        title: 'Service-account token mounted',
        what: '`automountServiceAccountToken` is not `false` on the pod, nor on its ServiceAccount where the manifests include that ServiceAccount.',
        why: "Every process in the pod can read the token and call the Kubernetes API with the service account's rights; most workloads never call the API.",
        fix: '`automountServiceAccountToken: false` in the pod spec (or on the ServiceAccount), and mount a projected token only where the API is used.',
        references: ['CIS Kubernetes Benchmark 5.1.6', 'Trivy KSV036', 'Checkov CKV_K8S_38'],
    },
    {
        id: 'BH314',
        severity: 'high',
        kind: 'secret',
        title: 'Credential in the environment',
        what: 'A literal env value in a manifest or Compose file that is a credential: a credential-like name (PASSWORD, SECRET, TOKEN, API_KEY …) with a literal value, or a value a secret-detection rule recognises. The value is never printed: the variable, the kind and a short hash.',
        why: "The manifest is in the repository and in the cluster's API objects: everyone with read access to either reads the secret.",
        fix: 'Kubernetes: `valueFrom.secretKeyRef`. Compose: `secrets:`, `env_file:` kept out of the repository, or `${VAR}` from the environment. Rotate the exposed value.',
        references: ['Trivy KSV-secrets', 'Checkov CKV_K8S_35', 'kubesec'],
    },
    {
        id: 'BH315',
        severity: 'medium',
        kind: 'hardening',
        title: 'Image not pinned',
        what: "The workload's image has no tag or `:latest` (medium), or a tag without a digest (low).",
        why: 'A tag can be moved: the image that runs is whatever it points to on the day of the pull, not the one that was scanned.',
        fix: 'Pin the digest the pipeline scanned: `image: ghcr.io/acme/app:1.4.2@sha256:…`.',
        references: ['Trivy KSV013', 'kube-score container-image-tag', 'Polaris tagNotSpecified'],
    },
    {
        id: 'BH316',
        severity: 'high',
        kind: 'hardening',
        title: 'Pod Security baseline violation',
        what: 'A baseline control not covered by another rule: `procMount: Unmasked`, a sysctl outside the safe set, or a Windows `hostProcess` container.',
        why: 'Each of these lets a container see or change node-wide state: an unmasked /proc, kernel parameters shared by every pod, or a process on the Windows host itself.',
        fix: 'Remove the setting. Safe sysctls are listed by the Pod Security Standards (e.g. `net.ipv4.ip_local_port_range`).',
        references: ['Pod Security Standards baseline: /proc Mount Type, Sysctls, HostProcess'],
    },
    {
        id: 'BH317',
        severity: 'medium',
        kind: 'hardening',
        title: 'Workload outside every NetworkPolicy',
        what: "No NetworkPolicy in the workload's namespace selects its pods. Checked when the manifests define any NetworkPolicy, or always with `network-policies: required` in `.bulkhead.yml`.",
        why: 'Pods that no policy selects accept traffic from every pod in the cluster and reach every other: one compromised workload reaches them all.',
        fix: "Add a NetworkPolicy whose `podSelector` matches the workload's labels, or a default-deny policy for the namespace (`podSelector: {}`).",
        references: ['CIS Kubernetes Benchmark 5.3.2', 'kube-score pod-networkpolicy', 'Trivy KSV038'],
    },
    {
        id: 'BH318',
        severity: 'low',
        kind: 'hardening',
        title: 'No default-deny NetworkPolicy',
        what: 'A namespace with workloads has no NetworkPolicy with an empty `podSelector` that denies ingress (no ingress rules), or none that denies egress. Checked as BH317 is.',
        why: 'Without a default deny, every new workload starts open until someone remembers to write its policy.',
        fix: 'Add `{kind: NetworkPolicy, spec: {podSelector: {}, policyTypes: [Ingress, Egress]}}` to the namespace, then allow what each workload needs.',
        references: ['CIS Kubernetes Benchmark 5.3.2', 'NSA/CISA Kubernetes Hardening Guide'],
    },
    {
        id: 'BH319',
        severity: 'medium',
        kind: 'hardening',
        title: 'NetworkPolicy allows any source',
        what: 'An ingress rule that admits any source (no `from`, a `namespaceSelector: {}` without a pod selector, or an `ipBlock` of 0.0.0.0/0 or ::/0 without `except`) to a workload that no LoadBalancer or NodePort Service nor Ingress exposes (medium); or a NetworkPolicy that selects no workload in the manifests (low).',
        why: 'A policy that admits everything looks like segmentation and is none; one that selects nothing protects nothing, often after a label was renamed.',
        fix: 'Name the sources: `from: [{podSelector: {matchLabels: {app: frontend}}}]`. Fix the `podSelector` of a policy that selects nothing, or remove it.',
        references: ['kube-score networkpolicy-targets-pod'],
    },
    {
        id: 'BH320',
        severity: 'high',
        kind: 'hardening',
        title: 'Below the required Pod Security level',
        what: 'The workload does not meet the Pod Security Standards level that `pod-security` (or `pod-security` in `.bulkhead.yml`) requires: `baseline` or `restricted`.',
        why: 'A namespace that enforces that level refuses the pod: better to learn it in the pull request than at deploy time.',
        fix: "Apply the fixes of the workload's other BH3xx findings; the summary shows one securityContext that meets restricted.",
        references: ['Pod Security Standards', 'Pod Security Admission'],
    },
    {
        id: 'BH330',
        severity: 'high',
        kind: 'hardening',
        title: 'runAsNonRoot cannot hold for this image',
        what: 'The manifest sets `runAsNonRoot: true` and no `runAsUser`, but the image scanned in the same run runs as root, or names its USER rather than giving a number.',
        why: 'The kubelet refuses to start the container ("image will run as root" or "has non-numeric user"): the deployment fails, often only in production.',
        fix: "Set `runAsUser` to the image's non-root UID, or make the image's last USER a number (`USER 10001`).",
        references: ['Kubernetes: SecurityContext runAsNonRoot'],
    },
    {
        id: 'BH331',
        severity: 'medium',
        kind: 'hardening',
        title: 'A capability the image needs is dropped',
        what: 'The manifest drops a capability that a file of the image scanned in the same run carries (`security.capability`, see BH202), or the image EXPOSEs a port below 1024 while the container runs as non-root without NET_BIND_SERVICE.',
        why: 'The program fails at run time ("operation not permitted", "permission denied" on bind): hardening that breaks the workload gets reverted.',
        fix: 'Add back that one capability (`capabilities.add: [NET_BIND_SERVICE]`), or change the image: listen on a port above 1024, remove the file capability.',
        references: ['capabilities(7)'],
    },
    {
        id: 'BH332',
        severity: 'low',
        kind: 'hardening',
        title: 'Image VOLUME on a read-only root',
        what: 'The manifest sets `readOnlyRootFilesystem: true` while the image scanned in the same run declares a VOLUME that no volumeMount covers.',
        why: 'Kubernetes does not create the VOLUMEs an image declares: with a read-only root the program cannot write where its image says it will.',
        fix: 'Mount an `emptyDir` (or a persistent volume) at that path.',
        references: ['Kubernetes: Volumes'],
    },
];

;// CONCATENATED MODULE: ./src/model/builtinRules.ts

const RULES_URL = 'https://github.com/bulkhead-security/bulkhead/blob/main/docs/rules';
/** bulkhead's own rules: image (BH1xx, BH2xx) and workload (BH3xx). */
const BUILTIN_RULES = [
    {
        id: 'BH101',
        severity: 'high',
        kind: 'hardening',
        title: 'Image runs as root',
        what: 'The image config sets no USER, or sets `root`, `0`, or `0:<group>`: every container started from it runs as root unless the platform overrides it.',
        why: "Root in a container is root on the host kernel's terms: a kernel or runtime escape, a mounted socket or a writable host path turns an application bug into host compromise. A non-root user removes most of that.",
        fix: 'Create an unprivileged user and switch to it as the last USER instruction, e.g. `RUN useradd --system --uid 10001 app` then `USER 10001`. Use a numeric UID so that Kubernetes `runAsNonRoot` can verify it.',
        references: ['CIS Docker Benchmark 4.1', 'Dockle CIS-DI-0001'],
    },
    {
        id: 'BH102',
        severity: 'low',
        kind: 'hardening',
        title: 'No HEALTHCHECK',
        what: 'The image config has no HEALTHCHECK (or disables it with `HEALTHCHECK NONE`).',
        why: 'Without a health check the engine cannot tell a hung process from a healthy one, so a wedged container keeps receiving traffic and is never replaced.',
        fix: 'Add `HEALTHCHECK CMD ["/app/healthcheck"]` (or a `curl -f` against a local endpoint). On Kubernetes, where probes replace HEALTHCHECK, add an exception with that reason.',
        references: ['CIS Docker Benchmark 4.6', 'Dockle CIS-DI-0006'],
    },
    {
        id: 'BH103',
        severity: 'high',
        kind: 'secret',
        title: 'Secret in an environment variable',
        what: 'An ENV variable of the image has a credential-like name (PASSWORD, SECRET, TOKEN, API_KEY …) with a literal value, or a value that a secret-detection rule recognises. The value is never printed: only the variable name, the kind of secret and a short hash.',
        why: 'The environment is part of the image config: anyone who can pull the image reads it with `docker inspect`, and every process and crash dump in the container inherits it.',
        fix: 'Remove the ENV instruction and pass the secret at run time (orchestrator secrets, a mounted file, `--secret` for builds). Rotate the exposed value: it is in every copy of the image.',
        references: ['CIS Docker Benchmark 4.10', 'Dockle CIS-DI-0010'],
    },
    {
        id: 'BH104',
        severity: 'high',
        kind: 'secret',
        title: 'Secret in build history',
        what: 'A `created_by` entry of the image history holds a credential: a build-arg value with a credential-like name (`RUN |1 NPM_TOKEN=… /bin/sh -c …`), a `user:password` passed to curl or in a URL, or a token a secret-detection rule recognises.',
        why: 'Image history ships with the image and `docker history --no-trunc` prints it. Build arguments are recorded in it in plain text.',
        fix: 'Use BuildKit secret mounts (`RUN --mount=type=secret,id=npm …`) instead of ARG or inline credentials, rebuild, and rotate the exposed credential.',
        references: ['CIS Docker Benchmark 4.10', 'Dockle CIS-DI-0010'],
    },
    {
        id: 'BH105',
        severity: 'medium',
        kind: 'hardening',
        title: 'Sensitive port exposed',
        what: 'The image EXPOSEs a port of a remote-administration or control-plane service: SSH (22), telnet (23), FTP (21), the Docker API (2375, 2376), VNC (5900), RDP (3389), SMB (139, 445), rpcbind (111), WinRM (5985, 5986), etcd (2379, 2380), the kubelet (10250).',
        why: 'These services give a shell or control of other workloads; an application container should not offer them, and EXPOSE advertises them to every tool that wires ports automatically.',
        fix: 'Remove the EXPOSE and the service. Debug with `docker exec` / `kubectl exec`, not an SSH daemon in the image.',
        references: ['CIS Docker Benchmark 5.8'],
    },
    {
        id: 'BH106',
        severity: 'low',
        kind: 'hardening',
        title: 'ADD from a remote URL',
        what: 'An `ADD https://…` without `--checksum`: a file fetched at build time and never verified. Found in the Dockerfile (on the ADD line), and in the image history where BuildKit records the URL (the classic builder records only a content hash there).',
        why: 'Whatever the server returns on the day of the build goes into the image, unverified. A compromised or changed download changes your image silently.',
        fix: 'Download with `curl -fsSLO` and verify a pinned checksum in the same RUN, or use `ADD --checksum=sha256:… URL` (Dockerfile 1.6+).',
        references: ['CIS Docker Benchmark 4.9', 'Dockle CIS-DI-0009'],
    },
    {
        id: 'BH107',
        severity: 'medium',
        kind: 'hardening',
        title: 'Remote script piped to a shell',
        what: 'A RUN in the image history pipes a download straight into an interpreter: `curl … | sh`, `wget -O- … | bash`, `sh -c "$(curl …)"`.',
        why: 'The script is executed as root at build time without being verified or kept; a compromised server or a man-in-the-middle owns the image, and nobody can later see what ran.',
        fix: 'Download the script to a file, verify a pinned checksum (`echo "<sha256>  install.sh" | sha256sum -c`), then run it; better, install a package or a release artifact with a checksum.',
        references: ['Dockle CIS-DI-0009 (related)'],
    },
    {
        id: 'BH108',
        severity: 'medium',
        kind: 'hardening',
        title: 'VOLUME on a sensitive path',
        what: 'The image declares a VOLUME on a system path: `/`, `/etc`, `/proc`, `/sys`, `/dev`, `/boot`, `/root`, `/usr`, `/lib`, `/bin`, `/sbin`, `/run`, `/var/run`, `/var/lib/docker`, or the Docker socket.',
        why: 'A volume there invites mounting host paths over system directories, and its contents outlive the container, so a compromise persists.',
        fix: "Declare volumes only for application data (`/var/lib/app/data`), and mount nothing of the host's system paths.",
        references: ['CIS Docker Benchmark 5.5', 'Dockle DKL-DI-0002'],
    },
    {
        id: 'BH109',
        severity: 'low',
        kind: 'hardening',
        title: 'Base image not pinned by digest',
        what: 'A FROM instruction of a stage that ends in the image names its base by tag (`debian:bookworm`, or no tag at all, which means `latest`) instead of by digest (`debian:bookworm@sha256:…`).',
        why: 'A tag moves: the same Dockerfile builds a different image tomorrow, and a compromised or mistaken push to the tag flows into your build unnoticed. A digest is immutable, and a bot (Dependabot, Renovate) can still update it in a reviewed pull request.',
        fix: 'Pin every FROM by digest: `FROM debian:bookworm-slim@sha256:<digest>` (find it with `docker buildx imagetools inspect`), and let Dependabot or Renovate propose updates.',
        references: ['CIS Docker Benchmark 4.2 / 4.5 (content trust)', 'Dockle CIS-DI-0005', 'Dockle DKL-DI-0006 (latest tag)'],
    },
    {
        id: 'BH201',
        severity: 'low',
        kind: 'hardening',
        title: 'setuid or setgid files',
        what: 'Files in the final filesystem have the setuid or setgid bit (one finding per image, listing them).',
        why: 'setuid/setgid programs are the classic way from an unprivileged user to root; a container rarely needs them, and each is attack surface.',
        fix: 'Remove the bits in the last RUN of the final stage: `RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +`, or start from a distroless/minimal base.',
        references: ['CIS Docker Benchmark 4.8', 'Dockle CIS-DI-0008'],
    },
    {
        id: 'BH202',
        severity: 'medium',
        kind: 'hardening',
        title: 'Files with capabilities',
        what: 'Files carry file capabilities (the `security.capability` extended attribute), e.g. `cap_net_raw` on ping.',
        why: 'File capabilities grant privileges to whoever runs the file, like a finer-grained setuid; they survive into every container.',
        fix: 'Remove them with `setcap -r FILE` in the final stage, and grant only what the workload needs at run time (`--cap-add` / securityContext).',
        references: ['CIS Docker Benchmark 4.8 (related)'],
    },
    {
        id: 'BH203',
        severity: 'medium',
        kind: 'hardening',
        title: 'World-writable files or directories',
        what: 'Files or directories are writable by every user, and the directories lack the sticky bit (which `/tmp` has).',
        why: 'Any process in the container, whatever its user, can replace such a file or plant files in such a directory: a path to code execution as the user who runs or reads them.',
        fix: 'Fix the modes when copying: `COPY --chmod=0644` or `RUN chmod o-w PATH`; give directories that must be shared the sticky bit (`chmod 1777`).',
        references: [],
    },
    {
        id: 'BH204',
        severity: 'critical',
        kind: 'secret',
        title: 'Private key in the image',
        what: 'A file in the final filesystem holds private-key material: a PEM or OpenSSH private key (checked by structure, not just a header), a PuTTY key, or a PKCS#12 bundle (.p12/.pfx).',
        why: 'Anyone who can pull the image has the key: TLS impersonation, SSH access, signing as you.',
        fix: 'Remove the key from the build context (`.dockerignore`) and mount it at run time from a secret store. Revoke and replace the exposed key.',
        references: ['CIS Docker Benchmark 4.10', 'Dockle CIS-DI-0010'],
    },
    {
        id: 'BH205',
        severity: 'high',
        kind: 'secret',
        title: 'Credential file in the image',
        what: 'A credentials file with a credential in it: `.aws/credentials`, `.docker/config.json` with `auths`, `.npmrc`/`.yarnrc(.yml)` with auth tokens, `.netrc`, `.git-credentials`, `.pypirc` with a password, a kubeconfig with a token, client key or password, or a `.env` file holding secrets. Values are never printed.',
        why: 'These files are written by `docker login`, `npm login`, `aws configure` in a build and forgotten; they give registry, cloud or cluster access to anyone who pulls the image.',
        fix: 'Use BuildKit secret mounts for build-time credentials, add the files to `.dockerignore`, rebuild, and rotate the credentials.',
        references: ['CIS Docker Benchmark 4.10', 'Dockle CIS-DI-0010'],
    },
    {
        id: 'BH206',
        severity: 'critical',
        kind: 'secret',
        title: 'Secret deleted in a later layer',
        what: 'A private key or credential file was added by one layer and deleted or overwritten by a later one. It is gone from the final filesystem but still in the image: each layer is a tar that anyone who pulls the image can unpack.',
        why: '`RUN rm` does not remove a file from the layers below it. This is how secrets from `COPY . .` followed by cleanup leak.',
        fix: 'Never put the secret in a layer: use a BuildKit secret mount, or a multi-stage build where only the result is copied into the final stage. Rotate the secret.',
        references: ['CIS Docker Benchmark 4.10'],
    },
    {
        id: 'BH207',
        severity: 'low',
        kind: 'hardening',
        title: 'Package-manager caches left in the image',
        what: 'The final filesystem keeps package-manager caches: apt lists or downloaded .deb files, the apk cache, yum/dnf caches, pip, npm or yarn caches.',
        why: 'They add size and stale package indexes that scanners and attackers can read, and they show the install was not cleaned in the same layer.',
        fix: 'Clean in the same RUN that installs: `apt-get install … && rm -rf /var/lib/apt/lists/*`, `apk add --no-cache`, `pip install --no-cache-dir`, `npm ci && npm cache clean --force`, or use cache mounts (`RUN --mount=type=cache,…`).',
        references: ['Dockle DKL-DI-0004', 'Dockle DKL-DI-0005', 'Dockle DKL-LI-0003', 'Dockle CIS-DI-0007 (related)'],
    },
    {
        id: 'BH208',
        severity: 'medium',
        kind: 'hardening',
        title: 'sudo installed, or NOPASSWD in sudoers',
        what: 'The image contains `sudo`, or a sudoers file grants `NOPASSWD`.',
        why: 'sudo in a container is a ready privilege-escalation path (and behaves badly with TTYs and signals); NOPASSWD makes it free for any process running as that user.',
        fix: 'Do not install sudo; do the privileged work at build time before the final USER, and use `gosu`/`setpriv` for entrypoints that drop privileges.',
        references: ['Dockle DKL-DI-0001'],
    },
    {
        id: 'BH209',
        severity: 'high',
        kind: 'secret',
        title: 'SSH host private keys in the image',
        what: 'The image holds SSH host private keys (`/etc/ssh/ssh_host_*_key`), usually generated when openssh-server was installed during the build.',
        why: 'Every container from the image shares the same host keys, and anyone who pulls the image can impersonate those hosts.',
        fix: 'Do not ship an SSH server; if you must, delete the keys in the same RUN that installs it (`rm /etc/ssh/ssh_host_*`) and generate them at container start.',
        references: ['CIS Docker Benchmark 4.10 (related)'],
    },
    {
        id: 'BH210',
        severity: 'high',
        kind: 'hardening',
        title: 'Account other than root with UID 0',
        what: '`/etc/passwd` gives UID 0 to an account not named root.',
        why: 'A second UID 0 account is root under another name: a classic backdoor, and invisible to checks that look for the name root.',
        fix: 'Give the account its own UID (`usermod -u 10001 NAME`) or remove it.',
        references: ['Dockle DKL-LI-0002 (related)'],
    },
    {
        id: 'BH211',
        severity: 'high',
        kind: 'hardening',
        title: 'Account with an empty password',
        what: 'An account in `/etc/shadow` (or `/etc/passwd` without shadow) has an empty password field, so it logs in without a password.',
        why: "Anything that authenticates against the local accounts (su, login, an SSH server) lets anyone in: CVE-2019-5021 in Alpine's images was exactly this for root.",
        fix: "Lock the account: `passwd -l NAME` (or `usermod -p '*' NAME`).",
        references: ['Dockle DKL-LI-0001'],
    },
    {
        id: 'BH212',
        severity: 'medium',
        kind: 'hardening',
        title: '.git directory in the image',
        what: 'A `.git` directory was copied into the image.',
        why: "It holds the repository's whole history: source you meant to ship compiled, old secrets that were removed in later commits, internal URLs and credentials in `.git/config`.",
        fix: 'Add `.git` to `.dockerignore`, or copy only the files the image needs.',
        references: ['Dockle DKL-LI-0003'],
    },
    {
        id: 'BH213',
        severity: 'low',
        kind: 'hardening',
        title: 'Duplicate UID or GID',
        what: 'Two accounts in `/etc/passwd` share a UID, or two groups in `/etc/group` share a GID (UID 0 is BH210).',
        why: 'Shared IDs make file ownership and audit logs ambiguous: files of one account belong to the other.',
        fix: 'Give each account and group its own ID.',
        references: ['Dockle DKL-LI-0002'],
    },
    ...WORKLOAD_RULES,
    {
        id: 'BH401',
        severity: 'info',
        kind: 'hardening',
        title: 'Does not start under the hardened profile',
        what: 'Rehearsed on the local engine (`rehearse`), the image did not start, or did not become ready, with a read-only root filesystem, no capabilities, no new privileges, a non-root user, ports below 1024 closed to non-root, and no network. Looser runs then lifted one restriction at a time: the finding names the ones that break it and the profile under which it did run.',
        why: 'This is knowledge, not a vulnerability: it tells which hardening settings the platform can apply to this image as it is, and which the image must change for. Advice that nobody can prove safe is advice nobody applies.',
        fix: 'Apply the rehearsed fragment shown in the summary (it really ran under it), or change the image so that it needs less: write only to the suggested volumes, start as a non-root user, listen on a port above 1024.',
        references: ['Kubernetes Pod Security Standards (restricted)', 'CIS Docker Benchmark 5.3, 5.12, 5.25'],
    },
    {
        id: 'BH402',
        severity: 'low',
        kind: 'hardening',
        title: 'Writes outside its volumes and /tmp',
        what: 'Rehearsed with a writable root filesystem, the image wrote outside `/tmp` and the VOLUMEs it declares (the paths are listed, by the directory a volume would take them).',
        why: 'Writes to the image filesystem keep a read-only root from being used, vanish with the container, and let a compromised process change the programs it runs.',
        fix: 'Mount the listed directories as `emptyDir` (Kubernetes) or `tmpfs` (Compose), as the rehearsed fragment does, or declare them as VOLUMEs; move writes to files the image ships elsewhere.',
        references: ['CIS Docker Benchmark 5.12'],
    },
    {
        id: 'BH403',
        severity: 'medium',
        kind: 'hardening',
        title: 'Keeps running as root',
        what: "Rehearsed as the image's own user (root), the main process (PID 1) was still root when observed: it does not drop privileges after it starts.",
        why: 'A process that stays root turns any code-execution bug into root inside the container, one kernel or runtime flaw from the host.',
        fix: 'Add a non-root USER to the image (the rehearsal says whether it runs as uid 10001), or have the entrypoint drop to a non-root user before it starts the service.',
        references: ['CIS Docker Benchmark 4.1'],
    },
    {
        id: 'BH404',
        severity: 'info',
        kind: 'hardening',
        title: 'Needs a capability',
        what: "Rehearsed with all capabilities dropped, the image did not start; it started with the capability named kept (found by halving Docker's default set). NET_BIND_SERVICE is named when it binds a port below 1024.",
        why: 'Each capability kept is kernel privilege an attacker inherits; knowing which one the image needs lets the manifest drop all the others.',
        fix: 'Keep only the named capability (`capabilities: {drop: [ALL], add: [NAME]}`), or remove the need: fix file ownership at build time instead of `chown` at start, listen on a port above 1024.',
        references: ['Kubernetes Pod Security Standards (restricted: capabilities)'],
    },
];
const BY_ID = new Map(BUILTIN_RULES.map((r) => [r.id, r]));
function builtinRule(id) {
    const rule = BY_ID.get(id);
    if (!rule)
        throw new Error(`unknown built-in rule ${id}`);
    return rule;
}
function findBuiltinRule(id) {
    return BY_ID.get(id);
}
function ruleDocUrl(id) {
    return `${RULES_URL}/${id}.md`;
}
/** The docs/rules/BHxxx.md page of a rule. */
function renderRulePage(rule) {
    return [
        `# ${rule.id}: ${rule.title}`,
        '',
        `Severity: **${rule.severity}** · Kind: ${rule.kind}`,
        '',
        '## What',
        '',
        rule.what,
        '',
        '## Why it matters',
        '',
        rule.why,
        '',
        '## How to fix',
        '',
        rule.fix,
        '',
        ...(rule.references.length > 0 ? ['## References', '', ...rule.references.map((r) => `- ${r}`), ''] : []),
        'To accept a finding of this rule, add an exception with a reason and an expiry date to `.bulkhead.yml` (see the README, "Policy").',
        '',
    ].join('\n');
}

;// CONCATENATED MODULE: ./src/scanners/builtin/finding.ts




function builtinFinding(ruleId, image, detail) {
    const rule = builtinRule(ruleId);
    const diffId = detail.layer !== undefined ? image.model?.layers[detail.layer]?.diffId : undefined;
    const related = (detail.related ?? []).flatMap((r) => {
        const layer = image.model?.layers[r.layer]?.diffId;
        return layer ? [{ layer, role: r.role }] : [];
    });
    return {
        tool: 'bulkhead',
        ruleId,
        kind: rule.kind,
        severity: rule.severity,
        title: rule.title,
        message: detail.message,
        description: `${rule.what} ${rule.why}`,
        helpUri: ruleDocUrl(ruleId),
        // Findings about a Dockerfile (no image read) name no image.
        ...(image.model ? { image: image.input } : {}),
        ...(diffId ? { layer: diffId } : {}),
        ...(detail.historyStep !== undefined ? { historyStep: detail.historyStep } : {}),
        ...(detail.path !== undefined ? { path: `/${detail.path}` } : {}),
        ...(detail.file !== undefined ? { file: detail.file } : {}),
        ...(detail.line !== undefined ? { line: detail.line } : {}),
        fingerprint: fingerprintOf(['bulkhead', ruleId, image.key, detail.subject ?? detail.path ?? '']),
        ...(related.length > 0 ? { relatedLayers: related } : {}),
    };
}
/** "layer 3 (RUN apt-get install …)": how messages name a layer, quoting its masked command. */
function layerLabel(image, layer) {
    const entry = layerHistory(image.model.config)[layer];
    const index = entry ? image.model.config.history.indexOf(entry) : -1;
    const command = index >= 0 ? describeStep(classifyHistory(image.commands[index] ?? '')) : '';
    return `layer ${layer + 1} of ${image.model.layers.length}${command ? ` (${command})` : ''}`;
}
/** Lists in messages: the first few, then how many more. */
function listSome(items, max = 10) {
    const shown = items.slice(0, max).map((i) => (i.startsWith('/') ? i : `/${i}`));
    return items.length > max ? `${shown.join(', ')} and ${items.length - max} more` : shown.join(', ');
}
/**
 * The last history entry of this instruction kind whose arguments satisfy `sets`: the step that
 * set a config value (USER, ENV, EXPOSE, VOLUME). Both builders' forms are read by
 * classifyHistory; undefined when the history does not say (an image built without one).
 */
function settingStep(image, kind, sets) {
    const history = image.model.config.history;
    for (let i = history.length - 1; i >= 0; i--) {
        const step = classifyHistory(history[i]?.createdBy ?? '');
        if (step.kind === kind && sets(step.text))
            return { historyStep: i };
    }
    return {};
}

// EXTERNAL MODULE: ./node_modules/@secretlint/core/module/index.js + 17 modules
var core_module = __webpack_require__(198);
// EXTERNAL MODULE: ./node_modules/@secretlint/secretlint-rule-preset-recommend/module/index.js
var secretlint_rule_preset_recommend_module = __webpack_require__(31577);
;// CONCATENATED MODULE: ./src/secrets/shapes.ts



function secretHash(value) {
    return (0,external_node_crypto_.createHash)('sha256').update(value).digest('hex').slice(0, 12);
}
function secretHit(kind, value) {
    return { kind, hash: secretHash(value), value };
}
const SECRETLINT_CONFIG = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: secretlint_rule_preset_recommend_module/* creator */.x }] };
async function secretlintMatches(text, filePath) {
    if (text.length === 0)
        return [];
    const result = await (0,core_module/* lintSource */.n)({
        source: { filePath, content: text, ext: '', contentType: 'text' },
        options: { config: SECRETLINT_CONFIG, maskSecrets: true, noPhysicFilePath: true },
    });
    return result.messages.filter((m) => m.type === 'message').map((m) => ({ kind: m.messageId, range: m.range }));
}
async function detectSecrets(text, filePath) {
    const matches = await secretlintMatches(text, filePath);
    return dedupe(matches.map(({ kind, range: [start, end] }) => secretHit(kind, text.slice(start, end))));
}
function dedupe(hits) {
    const seen = new Set();
    return hits.filter((h) => {
        const key = `${h.kind}\u0000${h.hash}`;
        if (seen.has(key))
            return false;
        seen.add(key);
        return true;
    });
}
const CREDENTIAL_WORDS = new Set([
    'PASSWORD',
    'PASSWD',
    'PASSPHRASE',
    'SECRET',
    'TOKEN',
    'APIKEY',
    'CREDENTIAL',
    'CREDENTIALS',
    'PRIVATEKEY',
    'ACCESSKEY',
    'SECRETKEY',
    'AUTHTOKEN',
    'CLIENTSECRET',
]);
const PAIRS = new Set(['APIKEY', 'ACCESSKEY', 'SECRETKEY', 'PRIVATEKEY', 'AUTHTOKEN', 'CLIENTSECRET']);
// A name that ends like these names where a secret is, not the secret itself.
const NOT_A_SECRET_SUFFIX = new Set([
    'FILE',
    'PATH',
    'DIR',
    'ENABLED',
    'LENGTH',
    'TYPE',
    'NAME',
    'ID',
    'VERSION',
    'HOST',
    'PORT',
    'USER',
    'USERNAME',
    'URL',
    'ENDPOINT',
    'HEADER',
    'MODE',
    'POLICY',
    'MIN',
    'MAX',
    'AGE',
    'TTL',
    'EXPIRY',
    'EXPIRES',
    'LOCATION',
]);
/** NAME looks like it holds a credential: PASSWORD, DB_PASSWORD, NPM_TOKEN, API_KEY … but not *_FILE, *_ID. */
function isCredentialName(name) {
    const words = name
        .toUpperCase()
        .split(/[^A-Z0-9]+/)
        .filter(Boolean);
    if (words.length === 0)
        return false;
    if (NOT_A_SECRET_SUFFIX.has(words[words.length - 1]))
        return false;
    if (words.some((w) => CREDENTIAL_WORDS.has(w)))
        return true;
    for (let i = 0; i + 1 < words.length; i++)
        if (PAIRS.has(`${words[i]}${words[i + 1]}`))
            return true;
    return false;
}
/** A value that is literally a secret, not a reference to one or a flag. */
function isLiteralSecretValue(value) {
    const v = value.trim().replace(/^(['"])(.*)\1$/, '$2');
    if (v.length < 4)
        return false;
    if (/^\$([A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*([:?+-][^}]*)?\})$/.test(v))
        return false; // $VAR, ${VAR}, ${VAR:-default}
    if (v.startsWith('/') || v.startsWith('./') || v.startsWith('file:'))
        return false;
    if (/^(true|false|yes|no|on|off|none|null|required|optional|disabled|enabled)$/i.test(v))
        return false;
    return true;
}
// Credentials in command lines, shared by detection (BH104) and masking: NAME=value (build args,
// ENV), `curl -u user:password` / `--user user:password`, and `scheme://user:password@host`.
const ASSIGNMENT = /(^|[\s|])([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s"']+)/g;
const USER_PASSWORD = /(\s-u\s*|\s--user[=\s]+)(['"]?)([^\s'":]+):([^\s'"]+)/g;
const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^\s/@'"]+)@/gi;
/** Credentials a command line holds in plain sight, as hits (never the values). */
function credentialsInCommand(text) {
    const hits = [];
    for (const [, , name, value] of text.matchAll(ASSIGNMENT)) {
        if (isCredentialName(name) && isLiteralSecretValue(value))
            hits.push(secretHit(`${name}=…`, value));
    }
    for (const [, , , , password] of text.matchAll(USER_PASSWORD)) {
        if (isLiteralSecretValue(password))
            hits.push(secretHit('user:password passed to a download tool', password));
    }
    for (const [, , userinfo] of text.matchAll(URL_USERINFO)) {
        const password = userinfo.split(':')[1];
        if (password !== undefined && isLiteralSecretValue(password))
            hits.push(secretHit('password in a URL', password));
    }
    return hits;
}
/** The same three shapes, masked: values of credential names, passwords after `user:`, whole URL userinfo. */
function maskCredentials(text) {
    return text
        .replace(ASSIGNMENT, (whole, lead, name, value) => isCredentialName(name) && isLiteralSecretValue(value) ? `${lead}${name}=***` : whole)
        .replace(USER_PASSWORD, '$1$2$3:***')
        .replace(URL_USERINFO, '$1***@');
}
/**
 * Text fit to show: what secretlint finds, then maskCredentials. Used for every history line and
 * Dockerfile instruction a message quotes.
 */
async function redactSecrets(text) {
    const ranges = (await secretlintMatches(text, 'text')).map((m) => m.range).sort((a, b) => b[0] - a[0]);
    let masked = text;
    for (const [start, end] of ranges)
        masked = `${masked.slice(0, start)}***${masked.slice(end)}`;
    return maskCredentials(masked);
}

;// CONCATENATED MODULE: ./src/scanners/builtin/imageConfig.ts


/** BH101 BH102 BH103 BH105 BH108: what the image config says, each on the history step that set it. */
function runsAsRoot(user) {
    const name = user.trim().split(':')[0] ?? '';
    return name === '' || name === 'root' || /^0+$/.test(name);
}
function checkUser(image) {
    const user = image.model.config.user;
    if (!runsAsRoot(user))
        return [];
    const said = user.trim() === '' ? 'sets no USER, so containers run as root' : `sets USER ${user.trim()}, which is root`;
    return [
        builtinFinding('BH101', image, {
            message: `The image ${said}. Add a non-root USER (a numeric UID) as the last USER instruction.`,
            subject: 'user',
            ...(user.trim() === '' ? {} : settingStep(image, 'USER', () => true)),
        }),
    ];
}
function checkHealthcheck(image) {
    const test = image.model.config.healthcheck;
    if (test && test[0] !== 'NONE')
        return [];
    const said = test ? 'disables HEALTHCHECK (NONE)' : 'has no HEALTHCHECK';
    return [
        builtinFinding('BH102', image, {
            message: `The image ${said}: the engine cannot tell a hung container from a healthy one.`,
            subject: 'healthcheck',
        }),
    ];
}
async function checkEnvironment(image) {
    const findings = [];
    for (const entry of image.model.config.env) {
        const eq = entry.indexOf('=');
        const name = eq < 0 ? entry : entry.slice(0, eq);
        const value = eq < 0 ? '' : entry.slice(eq + 1);
        const hits = await detectSecrets(entry, 'environment');
        const byName = isCredentialName(name) && isLiteralSecretValue(value);
        if (hits.length === 0 && !byName)
            continue;
        for (const hit of hits)
            image.found.add(hit.value);
        if (byName)
            image.found.add(value);
        const kind = hits.length > 0 ? [...new Set(hits.map((h) => h.kind))].join(', ') : 'credential-like name with a literal value';
        findings.push(builtinFinding('BH103', image, {
            message: `Environment variable ${name} holds a secret (${kind}; value sha256 ${secretHash(value)}…, not shown). Pass it at run time instead and rotate it.`,
            subject: `env:${name}`,
            ...settingStep(image, 'ENV', (text) => text.split(/\s+/).some((word) => word === name || word.startsWith(`${name}=`))),
        }));
    }
    return findings;
}
const SENSITIVE_PORTS = {
    21: 'FTP',
    22: 'SSH',
    23: 'telnet',
    111: 'rpcbind',
    139: 'NetBIOS',
    445: 'SMB',
    2375: 'the Docker API (plain)',
    2376: 'the Docker API (TLS)',
    2379: 'etcd',
    2380: 'etcd peer',
    3389: 'RDP',
    5900: 'VNC',
    5985: 'WinRM',
    5986: 'WinRM (TLS)',
    10250: 'the kubelet API',
};
function checkPorts(image) {
    const findings = [];
    for (const spec of image.model.config.exposedPorts) {
        const port = Number.parseInt(spec.split('/')[0] ?? '', 10);
        const service = SENSITIVE_PORTS[port];
        if (!service)
            continue;
        findings.push(builtinFinding('BH105', image, {
            message: `The image exposes port ${spec}, ${service}: remove the EXPOSE and the service.`,
            subject: `port:${port}`,
            // EXPOSE 22 8080 (classic builder), EXPOSE map[22/tcp:{} 8080/tcp:{}] (BuildKit).
            ...settingStep(image, 'EXPOSE', (text) => new RegExp(`(^|[\\s\\[])${port}(?![0-9])`).test(text)),
        }));
    }
    return findings;
}
const SENSITIVE_VOLUMES = new Set([
    '/',
    '/etc',
    '/proc',
    '/sys',
    '/dev',
    '/boot',
    '/root',
    '/usr',
    '/lib',
    '/lib64',
    '/bin',
    '/sbin',
    '/run',
    '/var/run',
    '/var/lib/docker',
    '/var/run/docker.sock',
    '/run/docker.sock',
    '/run/containerd',
    '/var/lib/kubelet',
]);
function checkVolumes(image) {
    const findings = [];
    for (const volume of image.model.config.volumes) {
        const normalized = `/${volume.split('/').filter(Boolean).join('/')}`;
        if (!SENSITIVE_VOLUMES.has(normalized))
            continue;
        findings.push(builtinFinding('BH108', image, {
            message: `The image declares VOLUME ${normalized}, a system path: keep volumes to application data.`,
            subject: `volume:${normalized}`,
            ...settingStep(image, 'VOLUME', (text) => text.includes(normalized)),
        }));
    }
    return findings;
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(31421);
// EXTERNAL MODULE: external "node:timers/promises"
var external_node_timers_promises_ = __webpack_require__(58500);
;// CONCATENATED MODULE: ./src/image/paths.ts

/**
 * A tar member name as a path inside the image: no leading `/` or `./`, no `.` segments, no
 * trailing slash. `..` that stays inside the root is resolved; `..` that would leave it is hostile.
 * Returns '' for the root itself.
 */
function normalizeImagePath(name, where) {
    if (name.includes('\u0000'))
        throw new errors/* FormatError */.IF(where, `an entry name holds a NUL byte; the archive is corrupt or hostile.`);
    const out = [];
    for (const segment of name.split('/')) {
        if (segment === '' || segment === '.')
            continue;
        if (segment === '..') {
            if (out.length === 0) {
                throw new errors/* FormatError */.IF(where, `entry "${printable(name)}" climbs out of the image root with "..": the archive is hostile or corrupt, and was not read further.`);
            }
            out.pop();
            continue;
        }
        out.push(segment);
    }
    return out.join('/');
}
function parentOf(path) {
    const slash = path.lastIndexOf('/');
    return slash < 0 ? '' : path.slice(0, slash);
}
function baseName(path) {
    return path.slice(path.lastIndexOf('/') + 1);
}
/** Names from archives go into messages: keep them printable and short. */
function printable(text, max = 200) {
    const clean = text.replace(/[\u0000-\u001f\u007f]/g, '?');
    return clean.length > max ? `${clean.slice(0, max - 3)}...` : clean;
}

;// CONCATENATED MODULE: ./src/model/capabilities.ts
/** Linux capability names by bit number (linux/capability.h), without CAP_. */
const CAPABILITY_NAMES = [
    'CHOWN',
    'DAC_OVERRIDE',
    'DAC_READ_SEARCH',
    'FOWNER',
    'FSETID',
    'KILL',
    'SETGID',
    'SETUID',
    'SETPCAP',
    'LINUX_IMMUTABLE',
    'NET_BIND_SERVICE',
    'NET_BROADCAST',
    'NET_ADMIN',
    'NET_RAW',
    'IPC_LOCK',
    'IPC_OWNER',
    'SYS_MODULE',
    'SYS_RAWIO',
    'SYS_CHROOT',
    'SYS_PTRACE',
    'SYS_PACCT',
    'SYS_ADMIN',
    'SYS_BOOT',
    'SYS_NICE',
    'SYS_RESOURCE',
    'SYS_TIME',
    'SYS_TTY_CONFIG',
    'MKNOD',
    'LEASE',
    'AUDIT_WRITE',
    'AUDIT_CONTROL',
    'SETFCAP',
    'MAC_OVERRIDE',
    'MAC_ADMIN',
    'SYSLOG',
    'WAKE_ALARM',
    'BLOCK_SUSPEND',
    'AUDIT_READ',
    'PERFMON',
    'BPF',
    'CHECKPOINT_RESTORE',
];
/**
 * The names of the bits set in a capability mask given as its low and high 32-bit words (as
 * `security.capability` xattrs store it, and as /proc/PID/status prints it in hex). Bits the
 * table does not name yet are left out.
 */
function capabilityNames(low, high) {
    const names = [];
    for (let bit = 0; bit < CAPABILITY_NAMES.length; bit++) {
        const set = bit < 32 ? (low >>> bit) & 1 : (high >>> (bit - 32)) & 1;
        if (set)
            names.push(CAPABILITY_NAMES[bit]);
    }
    return names;
}

;// CONCATENATED MODULE: ./src/scanners/rehearsal/capabilities.ts

/** Decodes a CapEff mask ("00000000a80425fb", as /proc/PID/status prints it). */
function decodeCapabilities(hex) {
    if (!/^[0-9a-f]{1,16}$/i.test(hex))
        return undefined;
    const padded = hex.padStart(16, '0');
    return capabilityNames(Number.parseInt(padded.slice(8), 16), Number.parseInt(padded.slice(0, 8), 16));
}
/** The uid and CapEff of a `/proc/PID/status` text. */
function readStatus(text) {
    const uid = /^Uid:\s+(\d+)/m.exec(text)?.[1];
    const capEff = /^CapEff:\s+([0-9a-fA-F]+)/m.exec(text)?.[1];
    const nsPid = /^NSpid:\s+(?:\d+\s+)*(\d+)\s*$/m.exec(text)?.[1];
    const capabilities = capEff ? decodeCapabilities(capEff) : undefined;
    return {
        ...(uid !== undefined ? { uid: Number(uid) } : {}),
        ...(capabilities ? { capabilities } : {}),
        ...(nsPid !== undefined ? { nsPid: Number(nsPid) } : {}),
    };
}

;// CONCATENATED MODULE: ./src/scanners/rehearsal/changes.ts

/** Parses `docker diff` output; lines that are not a change are left out. */
function parseChanges(text) {
    const changes = [];
    for (const line of text.split('\n')) {
        const match = /^([ACD]) (\/.*)$/.exec(line.trimEnd());
        if (match)
            changes.push({ kind: match[1], path: external_node_path_.posix.normalize(match[2]) });
    }
    return changes;
}
function under(path, dir) {
    return path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`);
}
/** The most paths a summary lists; the rest are counted. */
const MAX_PATHS = 200;
/**
 * What a writable-root run wrote, as the volumes that would take it. A directory it created is
 * mounted at its parent (an emptyDir starts empty, like the directory did); a changed file of
 * the image cannot be moved to a volume without hiding its neighbours, so it is named instead.
 */
function writtenPaths(changes, imageVolumes) {
    const outside = changes.filter((c) => !under(c.path, '/tmp') && !imageVolumes.some((v) => under(c.path, external_node_path_.posix.normalize(v))));
    const added = new Set(outside.filter((c) => c.kind === 'A').map((c) => c.path));
    const paths = outside.map((c) => c.path);
    const hasChild = (path) => paths.some((p) => p !== path && under(p, path));
    const files = [...added].filter((p) => !hasChild(p)).sort();
    const topmost = [...added].filter((p) => !added.has(external_node_path_.posix.dirname(p)));
    const unmountable = [
        ...outside.filter((c) => (c.kind === 'C' && !hasChild(c.path)) || c.kind === 'D').map((c) => c.path),
        ...topmost.filter((p) => external_node_path_.posix.dirname(p) === '/'),
    ].sort();
    const parents = [...new Set(topmost.map((p) => external_node_path_.posix.dirname(p)).filter((d) => d !== '/'))].sort();
    const volumes = parents.filter((d) => !parents.some((other) => other !== d && under(d, other)));
    return { volumes, files: files.slice(0, MAX_PATHS), unmountable: unmountable.slice(0, MAX_PATHS) };
}

;// CONCATENATED MODULE: ./src/scanners/rehearsal/profile.ts
/**
 * The settings a rehearsal starts a container under, and the docker arguments that say them.
 * Pure: the engine edge (engine.ts) runs what this builds.
 */
/** What the hardened profile restricts and an explanation may lift, one at a time. */
const RESTRICTIONS = ['read-only', 'capabilities', 'privileged-ports', 'non-root', 'no-new-privileges'];
/** How messages name each restriction. */
const RESTRICTION_LABEL = {
    'read-only': 'the read-only root filesystem',
    capabilities: 'dropping all capabilities',
    'privileged-ports': 'ports below 1024 closed to non-root (net.ipv4.ip_unprivileged_port_start=1024)',
    'non-root': 'a non-root user',
    'no-new-privileges': 'no-new-privileges',
};
/** Docker's default capability set: what `--cap-drop ALL` takes away. */
const DEFAULT_CAPABILITIES = [
    'CHOWN',
    'DAC_OVERRIDE',
    'FOWNER',
    'FSETID',
    'KILL',
    'SETGID',
    'SETUID',
    'SETPCAP',
    'NET_BIND_SERVICE',
    'NET_RAW',
    'SYS_CHROOT',
    'MKNOD',
    'AUDIT_WRITE',
    'SETFCAP',
];
/** The uid:gid a root image is rehearsed as: not in any base image's accounts, like the suggested fixes. */
const SUBSTITUTE_USER = '10001:10001';
/** Never lifted: they bound what the image can do to the runner, not what it needs. */
const LIMITS = { pids: 256, memoryBytes: 512 * 1024 * 1024, tmpfsBytes: 64 * 1024 * 1024 };
function hardenedProfile(applicable) {
    return { restricted: new Set(applicable), volumes: [] };
}
function without(profile, lifted) {
    const restricted = new Set(profile.restricted);
    restricted.delete(lifted);
    return { ...profile, restricted };
}
function withRestriction(profile, added) {
    return { ...profile, restricted: new Set([...profile.restricted, added]) };
}
/** "read-only, no capabilities, uid 10001 …": how the summary names a profile. */
function describeProfile(profile, user) {
    const parts = [
        profile.restricted.has('read-only') ? 'read-only root' : 'writable root',
        profile.restricted.has('capabilities')
            ? 'no capabilities'
            : profile.capabilities
                ? `only ${profile.capabilities.join(', ')}`
                : "Docker's default capabilities",
        `as ${user}`,
        ...(profile.restricted.has('no-new-privileges') ? ['no new privileges'] : []),
        ...(profile.restricted.has('privileged-ports') ? [] : ['ports below 1024 open']),
        'no network',
    ];
    return parts.join(', ');
}
/** `docker create` arguments for one run. Never a shell: every value is one argument. */
function createArgs(profile, spec) {
    const args = ['create', '--name', spec.name];
    for (const [key, value] of Object.entries(spec.labels))
        args.push('--label', `${key}=${value}`);
    args.push('--network', 'none', '--pids-limit', String(LIMITS.pids), '--memory', String(LIMITS.memoryBytes), '--memory-swap', String(LIMITS.memoryBytes), '--restart', 'no');
    if (profile.restricted.has('read-only'))
        args.push('--read-only');
    if (profile.restricted.has('capabilities'))
        args.push('--cap-drop', 'ALL');
    else if (profile.capabilities) {
        args.push('--cap-drop', 'ALL');
        for (const capability of profile.capabilities)
            args.push('--cap-add', capability);
    }
    if (profile.restricted.has('no-new-privileges'))
        args.push('--security-opt', 'no-new-privileges');
    args.push('--sysctl', `net.ipv4.ip_unprivileged_port_start=${profile.restricted.has('privileged-ports') ? 1024 : 0}`);
    const user = profile.restricted.has('non-root') ? spec.user : spec.imageUser;
    if (user !== '')
        args.push('--user', user);
    // runc gives a tmpfs over an existing directory that directory's mode, not the one asked for;
    // owned by the user it runs as, it is as writable to it as an emptyDir (0777) is.
    const ids = /^(\d+)(?::(\d+))?$/.exec(user);
    const owner = ids && ids[1] !== '0' ? `,uid=${ids[1]}${ids[2] ? `,gid=${ids[2]}` : ''}` : '';
    const mounts = new Set(['/tmp', ...spec.imageVolumes, ...profile.volumes]);
    for (const path of mounts)
        args.push('--tmpfs', `${path}:rw,nosuid,nodev,size=${LIMITS.tmpfsBytes},mode=1777${owner}`);
    for (const entry of spec.env)
        args.push('--env', entry);
    if (spec.healthcheck)
        args.push('--health-interval', '1s', '--health-timeout', '2s', '--health-retries', '3', '--health-start-period', '0s');
    args.push('--', spec.image, ...(spec.command ?? []));
    return args;
}

;// CONCATENATED MODULE: ./src/scanners/rehearsal/engine.ts













/**
 * The rehearsal's edge: the docker CLI, one argument array per call, never a shell. Every
 * container it creates carries the label `bulkhead.rehearsal` with its owner and an expiry, is
 * removed when its run ends (and on SIGINT/SIGTERM), and a later rehearsal removes any that a
 * killed run left behind.
 */
const REHEARSAL_LABEL = 'bulkhead.rehearsal';
const CALL_TIMEOUT_MS = 60_000;
/** vfs copies the whole image on create: slower than any other call. */
const CREATE_TIMEOUT_MS = 180_000;
function docker(environment, args, timeoutMs = CALL_TIMEOUT_MS) {
    return (0,scanners_process/* runProcess */.R3)(environment.docker, args, {
        cwd: environment.cwd,
        env: environment.env,
        timeoutMs,
        maxStdoutBytes: 4 * 1024 * 1024,
        killGraceMs: 2000,
    });
}
function failed(result) {
    return Boolean(result.spawnError) || result.timedOut || result.exitCode !== 0;
}
function callError(what, result) {
    const why = result.spawnError
        ? result.spawnError.includes('was not found')
            ? 'the docker CLI is not installed or not on PATH'
            : result.spawnError
        : result.timedOut
            ? 'it did not answer in time'
            : (0,scanners_process/* stderrTail */.be)(result.stderr, 2) || `it exited with ${result.exitCode}`;
    return new errors/* ToolError */.v4('rehearsal', `docker ${what} failed: ${printable(why, 400)}`);
}
/** The facts of a daemon image that a rehearsal needs. */
async function inspectImage(environment, reference) {
    const result = await docker(environment, ['image', 'inspect', '--format', '{{json .}}', '--', reference]);
    if (failed(result))
        throw callError(`image inspect ${reference}`, result);
    let parsed;
    try {
        parsed = JSON.parse(result.stdout);
    }
    catch {
        throw new errors/* ToolError */.v4('rehearsal', `docker image inspect ${reference} printed something that is not JSON.`);
    }
    const config = json_isObject(parsed) && json_isObject(parsed.Config) ? parsed.Config : {};
    const id = json_isObject(parsed) && typeof parsed.Id === 'string' ? parsed.Id : '';
    if (!/^sha256:[0-9a-f]{64}$/.test(id))
        throw new errors/* ToolError */.v4('rehearsal', `docker image inspect ${reference} gave no image id.`);
    const test = json_isObject(config.Healthcheck) && Array.isArray(config.Healthcheck.Test) ? config.Healthcheck.Test : [];
    return {
        id,
        user: typeof config.User === 'string' ? config.User : '',
        volumes: json_isObject(config.Volumes) ? Object.keys(config.Volumes).filter((v) => v.startsWith('/')) : [],
        healthcheck: test.length > 0 && test[0] !== 'NONE',
    };
}
function processAlive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (error) {
        return error.code === 'EPERM';
    }
}
/** Removes containers of earlier rehearsals that outlived them: expired, or owned by a process of this host that is gone. */
async function sweepLeftovers(environment, now = Date.now()) {
    const listed = await docker(environment, [
        'ps',
        '--all',
        '--filter',
        `label=${REHEARSAL_LABEL}`,
        '--format',
        `{{.ID}}\t{{.Label "${REHEARSAL_LABEL}.owner"}}\t{{.Label "${REHEARSAL_LABEL}.expires"}}`,
    ]);
    if (failed(listed))
        throw callError('ps', listed);
    const host = (0,external_node_os_.hostname)();
    const stale = [];
    for (const line of listed.stdout.split('\n')) {
        const [id, owner = '', expires = ''] = line.split('\t');
        if (!id)
            continue;
        const at = owner.lastIndexOf(':');
        const ownerHost = owner.slice(0, at);
        const ownerPid = Number(owner.slice(at + 1));
        const expired = !(Number(expires) > now);
        const orphaned = ownerHost === host && Number.isInteger(ownerPid) && ownerPid > 0 && !processAlive(ownerPid);
        if (expired || orphaned)
            stale.push(id);
    }
    if (stale.length > 0) {
        const removed = await docker(environment, ['rm', '--force', '--volumes', ...stale]);
        if (failed(removed))
            throw callError('rm', removed);
    }
    return stale;
}
const POLL_MS = 250;
const MAX_LOG_BYTES = 64 * 1024;
async function containerState(environment, name) {
    const result = await docker(environment, ['inspect', '--format', '{{json .State}}', name]);
    if (failed(result))
        return undefined;
    try {
        const parsed = JSON.parse(result.stdout);
        return json_isObject(parsed) ? parsed : undefined;
    }
    catch {
        return undefined;
    }
}
async function containerLogs(environment, name, tail) {
    const result = await docker(environment, ['logs', '--tail', String(tail), name]);
    const text = `${result.stdout}\n${result.stderr}`;
    return text.length > MAX_LOG_BYTES ? text.slice(-MAX_LOG_BYTES) : text;
}
/** The rehearse-ready condition, else the image's HEALTHCHECK (run every second by createArgs). */
async function isReady(settings, name, current, pattern) {
    if (settings.ready?.kind === 'exec') {
        return !failed(await docker(settings.environment, ['exec', name, ...settings.ready.argv], 5000));
    }
    if (pattern)
        return (await containerLogs(settings.environment, name, 200)).split('\n').some((line) => pattern.test(line));
    return settings.image.healthcheck && current.Health?.Status === 'healthy';
}
/** PID 1's uid and capabilities: through `cat` inside, else the engine's own /proc when it runs on this host. */
async function pid1Status(environment, name, hostPid) {
    const result = await docker(environment, ['exec', name, 'cat', '/proc/1/status'], 5000);
    if (!failed(result))
        return readStatus(result.stdout);
    if (hostPid && hostPid > 0) {
        const status = readStatus(await (0,promises_.readFile)(`/proc/${hostPid}/status`, 'utf8').catch(() => ''));
        if (status.nsPid === 1)
            return status;
    }
    return {};
}
async function containerProcesses(environment, name) {
    const result = await docker(environment, ['top', name, '-o', 'pid,uid,args']);
    if (failed(result))
        return [];
    return result.stdout
        .split('\n')
        .slice(1)
        .flatMap((line) => {
        const match = /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(line);
        return match ? [{ pid: Number(match[1]), uid: match[2], command: printable(match[3], 160) }] : [];
    })
        .slice(0, 50);
}
/** Polls a started container until it exits, becomes ready, or the wait is over. */
async function waitForOutcome(settings, name, waitMs) {
    const hasReady = settings.ready !== undefined || settings.image.healthcheck;
    const pattern = settings.ready?.kind === 'log' ? new RegExp(settings.ready.pattern) : undefined;
    const startedAt = performance.now();
    for (;;) {
        const state = await containerState(settings.environment, name);
        if (!state)
            throw new errors/* ToolError */.v4('rehearsal', `docker inspect ${name} failed: the container went away.`);
        const elapsed = performance.now() - startedAt;
        let outcome;
        if (!state.Running)
            outcome = state.OOMKilled ? 'oom' : state.ExitCode === 0 && !hasReady ? 'completed' : 'exited';
        else if (hasReady && (await isReady(settings, name, state, pattern)))
            outcome = 'ready';
        else if (elapsed >= waitMs)
            outcome = hasReady ? 'not-ready' : 'up';
        if (outcome) {
            // The engine's own times say how long it lived; polling only says when it was noticed.
            const lived = !state.Running && state.StartedAt && state.FinishedAt ? Date.parse(state.FinishedAt) - Date.parse(state.StartedAt) : NaN;
            return { outcome, state, elapsedMs: Math.round(Number.isFinite(lived) && lived >= 0 ? lived : elapsed) };
        }
        await (0,external_node_timers_promises_.setTimeout)(Math.min(POLL_MS, Math.max(10, waitMs - elapsed)));
    }
}
/** What a finished wait shows: processes and capabilities while it runs, its changes, its last log lines when it failed. */
async function observe(settings, name, request, waited) {
    const { environment } = settings;
    const running = waited.state.Running === true;
    const seen = running ? await pid1Status(environment, name, waited.state.Pid) : {};
    const processes = running ? await containerProcesses(environment, name) : [];
    const diff = request.profile.restricted.has('read-only') ? undefined : await docker(environment, ['diff', name]);
    const ok = waited.outcome === 'ready' || waited.outcome === 'up' || waited.outcome === 'completed';
    const tail = ok ? '' : await redactSecrets(await containerLogs(environment, name, 20));
    return {
        processes,
        ...(seen.uid !== undefined ? { pid1Uid: seen.uid } : {}),
        ...(seen.capabilities ? { capabilities: seen.capabilities } : {}),
        changes: diff && !failed(diff) ? parseChanges(diff.stdout) : [],
        logTail: tail
            .split('\n')
            .map((l) => printable(l.trimEnd(), 300))
            .filter((l) => l.length > 0)
            .slice(-10),
    };
}
/** A probe on the local engine, and the names of the containers still alive (for the signal handler). */
function dockerProbe(settings) {
    const runId = (0,external_node_crypto_.randomBytes)(4).toString('hex');
    const live = new Set();
    let count = 0;
    const { environment } = settings;
    const probe = async (request) => {
        const name = `bulkhead-rehearsal-${runId}-${++count}`;
        const spec = {
            name,
            labels: {
                [REHEARSAL_LABEL]: runId,
                [`${REHEARSAL_LABEL}.owner`]: `${(0,external_node_os_.hostname)()}:${process.pid}`,
                [`${REHEARSAL_LABEL}.expires`]: String(settings.expiresAt),
            },
            image: settings.image.id,
            user: settings.user,
            imageUser: settings.image.user,
            imageVolumes: settings.image.volumes,
            env: settings.env,
            ...(settings.command ? { command: settings.command } : {}),
            healthcheck: settings.ready === undefined && settings.image.healthcheck,
        };
        live.add(name);
        try {
            const created = await docker(environment, createArgs(request.profile, spec), CREATE_TIMEOUT_MS);
            if (failed(created)) {
                if (created.spawnError || created.timedOut)
                    throw callError('create', created);
                const error = printable((0,scanners_process/* stderrTail */.be)(created.stderr, 2), 400);
                return { outcome: 'create-failed', elapsedMs: 0, processes: [], changes: [], logTail: [], error };
            }
            const started = await docker(environment, ['start', name]);
            if (started.spawnError || started.timedOut)
                throw callError('start', started);
            const waited = await waitForOutcome(settings, name, request.waitMs);
            return {
                outcome: waited.outcome,
                ...(waited.state.ExitCode !== undefined && !waited.state.Running ? { exitCode: waited.state.ExitCode } : {}),
                elapsedMs: waited.elapsedMs,
                ...(await observe(settings, name, request, waited)),
                ...(started.exitCode !== 0 ? { error: printable((0,scanners_process/* stderrTail */.be)(started.stderr, 2), 400) } : {}),
            };
        }
        finally {
            const removed = await docker(environment, ['rm', '--force', '--volumes', name]);
            if (!failed(removed) || /No such container/i.test(removed.stderr))
                live.delete(name);
        }
    };
    return { probe, live };
}
/**
 * While a rehearsal runs, SIGINT and SIGTERM (a cancelled job) first remove its containers, then
 * end the process as the signal would have. Returns the function that stops listening.
 */
function removeOnSignal(environment, live) {
    const handler = (signal) => {
        if (live.size > 0) {
            (0,external_node_child_process_.spawnSync)(environment.docker, ['rm', '--force', '--volumes', ...live], {
                env: environment.env,
                stdio: 'ignore',
                timeout: 30_000,
            });
        }
        stop();
        process.kill(process.pid, signal);
    };
    const stop = () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return stop;
}

;// CONCATENATED MODULE: ./src/scanners/rehearsal/explain.ts



function succeeded(observation) {
    return observation.outcome === 'ready' || observation.outcome === 'up' || observation.outcome === 'completed';
}
/** How long a looser run must last to count as "it starts": past the point where the hardened run died. */
function probeWait(hardened, durationMs) {
    if (hardened.outcome === 'not-ready' || hardened.outcome === 'up')
        return durationMs;
    return Math.min(durationMs, Math.max(1500, 3 * hardened.elapsedMs, hardened.elapsedMs + 1000));
}
function describeOutcome(observation, durationMs) {
    switch (observation.outcome) {
        case 'ready':
            return `became ready after ${(0,util_logger/* formatDuration */.a3)(observation.elapsedMs)}`;
        case 'up':
            return `ran for ${(0,util_logger/* formatDuration */.a3)(observation.elapsedMs)}`;
        case 'completed':
            return `ran to completion (exit 0) after ${(0,util_logger/* formatDuration */.a3)(observation.elapsedMs)}`;
        case 'exited':
            return `exited with ${observation.exitCode ?? 'an unknown code'} after ${(0,util_logger/* formatDuration */.a3)(observation.elapsedMs)}`;
        case 'oom':
            return `was killed for memory after ${(0,util_logger/* formatDuration */.a3)(observation.elapsedMs)} (limit 512 MiB)`;
        case 'not-ready':
            return `was still not ready after ${(0,util_logger/* formatDuration */.a3)(durationMs)}`;
        case 'create-failed':
            return `could not be started (${observation.error ?? 'the engine refused it'})`;
    }
}
/** One rehearsal in progress: its budget, its runs so far, and how it names users. */
class Session {
    subject;
    probe;
    clock;
    runs = [];
    notes = [];
    user;
    applicable;
    hardenedProfile;
    deadline;
    constructor(subject, probe, clock) {
        this.subject = subject;
        this.probe = probe;
        this.clock = clock;
        this.deadline = clock.now() + 4 * subject.durationMs;
        this.user = subject.imageUserIsRoot ? SUBSTITUTE_USER : subject.imageUser || SUBSTITUTE_USER;
        this.applicable = RESTRICTIONS.filter((r) => r !== 'non-root' || subject.imageUserIsRoot);
        this.hardenedProfile = hardenedProfile(this.applicable);
    }
    remaining() {
        return this.deadline - this.clock.now();
    }
    /** Enough time left for a run that must last `waitMs` (plus a second of engine work). */
    affords(waitMs) {
        return this.remaining() >= Math.min(waitMs, this.subject.durationMs) + 1000;
    }
    describe(profile) {
        return describeProfile(profile, profile.restricted.has('non-root') ? this.user : this.subject.imageUser || 'root');
    }
    async run(purpose, profile, waitMs) {
        const observation = await this.probe({ profile, waitMs: Math.max(0, Math.min(waitMs, this.remaining())) });
        this.runs.push({
            purpose,
            profile: this.describe(profile),
            outcome: observation.outcome,
            ...(observation.exitCode !== undefined ? { exitCode: observation.exitCode } : {}),
            elapsedMs: observation.elapsedMs,
        });
        return observation;
    }
    /** BH403's question, for root images: started as itself, does it give up root? */
    async staysRoot(seen) {
        if (!this.subject.imageUserIsRoot)
            return {};
        // A run as its own user that started already answers it.
        if (seen && !seen.profile.restricted.has('non-root') && succeeded(seen.observation) && seen.observation.pid1Uid !== undefined) {
            return { staysRoot: seen.observation.pid1Uid === 0 };
        }
        if (!this.affords(3000))
            return {};
        const loosest = RESTRICTIONS.reduce((p, r) => without(p, r), this.hardenedProfile);
        const own = await this.run('as its own user', loosest, Math.min(this.subject.durationMs, 3000));
        return succeeded(own) && own.pid1Uid !== undefined ? { staysRoot: own.pid1Uid === 0 } : {};
    }
}
const NO_WRITES = { volumes: [], files: [], unmountable: [] };
/**
 * Lifts restrictions one at a time, read-only first (its changes tell what to mount), until it
 * starts. The cumulative profiles do not depend on each other, so they run at once: the first
 * that starts, in order, is the answer; the time is that of one run.
 */
async function liftUntilStarts(session, wait) {
    const steps = [];
    let profile = session.hardenedProfile;
    for (const restriction of session.applicable) {
        profile = without(profile, restriction);
        steps.push({ lifted: [...(steps.at(-1)?.lifted ?? []), restriction], profile });
    }
    if (!session.affords(wait))
        return { lifted: [], profile: session.hardenedProfile, last: undefined, written: NO_WRITES };
    const observations = await Promise.all(steps.map((step) => session.run(`without ${step.lifted.join(', ')}`, step.profile, wait)));
    const first = observations.findIndex(succeeded);
    const index = first < 0 ? steps.length - 1 : first;
    const step = steps[index];
    const last = observations[index];
    const written = last ? writtenPaths(last.changes, session.subject.volumes) : NO_WRITES;
    return { lifted: step.lifted, profile: step.profile, last, written };
}
/**
 * The last restriction lifted breaks it; of the earlier ones, keeps those whose return breaks it
 * again. The read-only root comes back with the written directories on tmpfs.
 */
async function keepNeeded(session, lifted, starting, written, wait) {
    const last = lifted[lifted.length - 1];
    const breaks = new Set([last]);
    let readOnly = last === 'read-only' ? (written.volumes.length > 0 ? 'with-volumes' : 'writable') : 'fine';
    const checks = await Promise.all(lifted.slice(0, -1).map(async (restriction) => {
        if (!session.affords(wait))
            return { restriction, needed: true, unknown: true };
        const profile = restriction === 'read-only'
            ? { ...withRestriction(starting, 'read-only'), volumes: written.volumes }
            : withRestriction(starting, restriction);
        const again = await session.run(`with ${restriction} again`, profile, wait);
        return { restriction, needed: !succeeded(again), unknown: false };
    }));
    for (const check of checks) {
        if (check.unknown)
            session.notes.push(`There was no time left to tell whether ${check.restriction} matters too; it is counted as breaking it.`);
        if (check.restriction === 'read-only') {
            readOnly = check.needed ? 'writable' : written.volumes.length > 0 ? 'with-volumes' : 'fine';
            if (readOnly !== 'fine')
                breaks.add('read-only');
        }
        else if (check.needed)
            breaks.add(check.restriction);
    }
    return { breaks, readOnly };
}
/** Which capability: Docker's default set in quarters, run at once, narrowed to the quarter that starts. */
async function narrowCapabilities(session, starting, wait) {
    let candidates = [...DEFAULT_CAPABILITIES];
    const withCaps = (caps) => ({ ...starting, capabilities: caps });
    while (candidates.length > 1 && session.affords(wait)) {
        const size = Math.ceil(candidates.length / 4);
        const groups = [];
        for (let i = 0; i < candidates.length; i += size)
            groups.push(candidates.slice(i, i + size));
        const observations = await Promise.all(groups.map((group) => session.run(`only ${group.join(', ')}`, withCaps(group), wait)));
        const found = observations.findIndex(succeeded);
        if (found < 0)
            break;
        candidates = groups[found];
    }
    if (candidates.length > 1)
        session.notes.push(`No single capability was enough: it needs some of ${candidates.join(', ')}.`);
    return candidates;
}
/** The hardened profile with only what breaks it lifted, the needed capabilities kept, writes on tmpfs. */
function resultingProfile(hardened, breaks, readOnly, capabilities, written) {
    let profile = hardened;
    for (const restriction of breaks) {
        if (restriction !== 'read-only' || readOnly === 'writable')
            profile = without(profile, restriction);
    }
    if (breaks.has('capabilities'))
        profile = { ...profile, capabilities };
    if (readOnly === 'with-volumes')
        profile = { ...profile, volumes: written.volumes };
    return profile;
}
/**
 * Rehearses one image: the hardened run; if it fails, a writable-root run (its changes become
 * suggested volumes), then restrictions lifted one at a time until it starts, the ones lifted on
 * the way put back one by one to keep only those that matter, the capability it needs narrowed by
 * halves, and a last full run under the profile that results. Everything stays within 4 times the
 * duration; past that the answer is `incomplete`, never a guess.
 */
async function rehearse(subject, probe, clock = { now: () => Date.now() }) {
    const session = new Session(subject, probe, clock);
    const hardened = await session.run('hardened', session.hardenedProfile, subject.durationMs);
    const base = {
        proposed: session.hardenedProfile,
        durationMs: subject.durationMs,
        user: session.user,
        userSubstituted: subject.imageUserIsRoot,
        hardened,
        runs: session.runs,
        notes: session.notes,
        breaks: [],
        capabilities: [],
        written: NO_WRITES,
        readOnly: 'fine',
    };
    if (succeeded(hardened)) {
        const verified = { profile: session.hardenedProfile, description: session.describe(session.hardenedProfile), observation: hardened };
        return { ...base, verdict: 'hardened', verified, ...(await session.staysRoot()) };
    }
    if (hardened.outcome === 'oom') {
        session.notes.push('It was killed at the memory limit of the rehearsal (512 MiB); that limit is not lifted, so nothing else was tried.');
        return { ...base, verdict: 'incomplete' };
    }
    const wait = probeWait(hardened, subject.durationMs);
    const { lifted, profile: starting, last, written } = await liftUntilStarts(session, wait);
    if (!last || !succeeded(last)) {
        const allLifted = lifted.length === session.applicable.length;
        session.notes.push(allLifted && last
            ? `It ${describeOutcome(last, wait)} even with every restriction lifted (${session.describe(starting)}): the hardening is not what stops it. Check rehearse-command and rehearse-env.`
            : 'The rehearsal ran out of time (4 times its duration) before it found what stops the image.');
        return { ...base, verdict: allLifted ? 'fails-anyway' : 'incomplete', written };
    }
    const { breaks, readOnly } = await keepNeeded(session, lifted, starting, written, wait);
    const capabilities = breaks.has('capabilities') ? await narrowCapabilities(session, starting, wait) : [];
    const proposed = resultingProfile(session.hardenedProfile, breaks, readOnly, capabilities, written);
    const explained = {
        ...base,
        proposed,
        verdict: 'explained',
        breaks: session.applicable.filter((r) => breaks.has(r)),
        capabilities,
        written,
        readOnly,
    };
    if (!session.affords(subject.durationMs)) {
        session.notes.push('There was no time left to run the resulting profile for the whole duration; it is shown unverified.');
        return { ...explained, ...(await session.staysRoot({ profile: starting, observation: last })) };
    }
    const final = await session.run('the resulting profile', proposed, subject.durationMs);
    const root = await session.staysRoot(!proposed.restricted.has('non-root') ? { profile: proposed, observation: final } : { profile: starting, observation: last });
    if (!succeeded(final)) {
        session.notes.push(`Under the resulting profile (${session.describe(proposed)}) it ${describeOutcome(final, subject.durationMs)}: the lifted restrictions interact, so the profile is shown unverified.`);
        return { ...explained, ...root };
    }
    return { ...explained, verified: { profile: proposed, description: session.describe(proposed), observation: final }, ...root };
}

;// CONCATENATED MODULE: ./src/workloads/imageFacts.ts

/** USER '' (unset), root, 0, root:… and 0:… all run as root. */
function isRootUser(user) {
    const name = user.trim().split(':')[0] ?? '';
    return name === '' || name === 'root' || name === '0';
}
/** A numeric UID, or undefined for a name. */
function numericUid(user) {
    const name = user.trim().split(':')[0] ?? '';
    return /^\d+$/.test(name) ? name : undefined;
}
/**
 * Docker's normalisation of a reference: `nginx` → `docker.io/library/nginx:latest`,
 * `ghcr.io/a/b@sha256:…` unchanged. Manifests and image inputs compare in this form.
 */
function normalizeReference(reference) {
    let ref = reference.trim().replace(/^docker:\/\//, '');
    const at = ref.indexOf('@');
    const digest = at >= 0 ? ref.slice(at) : '';
    if (at >= 0)
        ref = ref.slice(0, at);
    const slash = ref.indexOf('/');
    const first = slash < 0 ? '' : ref.slice(0, slash);
    const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
    if (!hasRegistry)
        ref = `docker.io/${slash < 0 ? 'library/' : ''}${ref}`;
    const lastSlash = ref.lastIndexOf('/');
    if (!ref.slice(lastSlash + 1).includes(':') && !digest)
        ref = `${ref}:latest`;
    return `${ref}${digest}`;
}
/** True when a manifest's `image:` names this image: the same repository and tag, or the same digest. */
function sameImage(manifestImage, facts) {
    const wanted = normalizeReference(manifestImage);
    const [wantedName, wantedDigest] = wanted.split('@');
    return facts.names.some((name) => {
        const [knownName, knownDigest] = name.split('@');
        if (wantedDigest && knownDigest)
            return wantedDigest === knownDigest;
        if (wantedDigest)
            return false;
        return knownName === wantedName;
    });
}
/**
 * The permitted capabilities of a `security.capability` xattr (struct vfs_cap_data, little
 * endian: magic, then permitted/inheritable pairs of 32 bits, low word first). Unreadable → [].
 */
function decodeFileCapabilities(hex) {
    const bytes = Buffer.from(hex, 'hex');
    if (bytes.length < 12)
        return [];
    const low = bytes.readUInt32LE(4);
    const high = bytes.length >= 20 ? bytes.readUInt32LE(12) : 0;
    return capabilityNames(low, high);
}

;// CONCATENATED MODULE: ./src/scanners/rehearsal/findings.ts





/** BH401–BH404 from a rehearsal, and the fragments it ran under. Pure. */
/** The history step that set the command the rehearsal ran: where BH401, BH402 and BH404 point. */
function commandStep(subject) {
    const cmd = settingStep(subject, 'CMD', () => true);
    return 'historyStep' in cmd ? cmd : settingStep(subject, 'ENTRYPOINT', () => true);
}
function rehearsalFindings(rehearsal, subject) {
    const findings = [];
    const at = commandStep(subject);
    const ran = rehearsal.verified
        ? ` It ran for ${(0,util_logger/* formatDuration */.a3)(rehearsal.verified.observation.elapsedMs)} as ${rehearsal.verified.description}.`
        : '';
    if (!succeeded(rehearsal.hardened) && rehearsal.verdict === 'explained') {
        const breaks = rehearsal.breaks.map((r) => r === 'read-only' && rehearsal.readOnly === 'with-volumes'
            ? `${RESTRICTION_LABEL[r]} without volumes on ${listSome(rehearsal.written.volumes)}`
            : r === 'capabilities' && rehearsal.capabilities.length > 0
                ? `${RESTRICTION_LABEL[r]} (it needs ${rehearsal.capabilities.join(' or ')})`
                : RESTRICTION_LABEL[r]);
        findings.push(builtinFinding('BH401', subject, {
            message: `Under the hardened profile it ${describeOutcome(rehearsal.hardened, rehearsal.durationMs)}; what breaks it: ${breaks.join('; ')}.${ran}`,
            subject: 'rehearsal',
            ...at,
        }));
    }
    if (rehearsal.written.files.length > 0) {
        findings.push(builtinFinding('BH402', subject, {
            message: `With a writable root it wrote outside /tmp and its VOLUMEs: ${listSome(rehearsal.written.files)}${rehearsal.written.volumes.length > 0 ? `; mount ${listSome(rehearsal.written.volumes)} as emptyDir (Kubernetes) or tmpfs (Compose)` : ''}${rehearsal.written.unmountable.length > 0 ? `; it also changed image files no volume can take: ${listSome(rehearsal.written.unmountable)}` : ''}.`,
            subject: 'rehearsal-writes',
            ...at,
        }));
    }
    if (rehearsal.staysRoot) {
        findings.push(builtinFinding('BH403', subject, {
            message: `Started as its own user (root), its main process was still uid 0 after ${(0,util_logger/* formatDuration */.a3)(Math.min(rehearsal.durationMs, 3000))}: it never drops root.${rehearsal.verdict === 'hardened' ? ` It does run as uid ${rehearsal.user.split(':')[0]}: add USER ${rehearsal.user} to the image.` : ''}`,
            subject: 'rehearsal-root',
            ...settingStep(subject, 'USER', () => true),
        }));
    }
    const capabilities = [
        ...(rehearsal.breaks.includes('capabilities') ? rehearsal.capabilities : []),
        ...(rehearsal.breaks.includes('privileged-ports') ? ['NET_BIND_SERVICE'] : []),
    ];
    for (const capability of new Set(capabilities)) {
        const ports = capability === 'NET_BIND_SERVICE' && rehearsal.breaks.includes('privileged-ports');
        findings.push(builtinFinding('BH404', subject, {
            message: ports
                ? 'It binds a port below 1024: it starts only where that is allowed (NET_BIND_SERVICE, or the sysctl net.ipv4.ip_unprivileged_port_start=0). Listen on a port above 1024 instead.'
                : `It starts only with ${capability} kept${rehearsal.capabilities.length > 1 ? ` (one of ${rehearsal.capabilities.join(', ')})` : ''}: drop all the others.`,
            subject: `capability:${capability}`,
            ...at,
        }));
    }
    return findings;
}
function yamlList(items) {
    return `[${items.join(', ')}]`;
}
/** "var-cache" for /var/cache: a volume name Kubernetes accepts (DNS label). */
function volumeName(path) {
    const name = path
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 63)
        .replace(/-+$/, '');
    return name || 'root';
}
/**
 * The container securityContext (with its volumes) and the Compose service fields of a profile.
 * YAML written by hand: a few fixed keys, values that are paths and capability names only.
 */
function profileFragments(profile, settings) {
    const runsAs = profile.restricted.has('non-root') ? settings.user : settings.imageUser;
    const root = isRootUser(runsAs);
    const uid = numericUid(runsAs);
    const gid = numericUid(runsAs.split(':')[1] ?? '');
    const mounts = [...new Set(['/tmp', ...settings.imageVolumes, ...profile.volumes])];
    const drop = profile.restricted.has('capabilities') || profile.capabilities !== undefined;
    const add = profile.restricted.has('capabilities') ? [] : (profile.capabilities ?? []);
    const k8s = ['securityContext:'];
    if (!root)
        k8s.push('  runAsNonRoot: true');
    if (uid && !root)
        k8s.push(`  runAsUser: ${uid}`);
    else if (!root)
        k8s.push(`  # runAsUser: the numeric uid of ${runsAs} (runAsNonRoot cannot check a name)`);
    else
        k8s.push('  # it needs to start as root (BH401)');
    if (gid && !root)
        k8s.push(`  runAsGroup: ${gid}`);
    k8s.push(`  readOnlyRootFilesystem: ${profile.restricted.has('read-only')}`);
    k8s.push(`  allowPrivilegeEscalation: ${!profile.restricted.has('no-new-privileges')}`);
    if (drop)
        k8s.push('  capabilities:', '    drop: [ALL]', ...(add.length > 0 ? [`    add: ${yamlList(add)}`] : []));
    k8s.push('  seccompProfile:', '    type: RuntimeDefault');
    k8s.push('volumeMounts:', ...mounts.flatMap((m) => [`  - name: ${volumeName(m)}`, `    mountPath: ${m}`]));
    k8s.push('# and in the pod spec:', 'volumes:', ...mounts.flatMap((m) => [`  - name: ${volumeName(m)}`, '    emptyDir: {}']));
    if (!profile.restricted.has('privileged-ports')) {
        k8s.push('# and in the pod securityContext:', 'securityContext:', '  sysctls:', '    - name: net.ipv4.ip_unprivileged_port_start', '      value: "0"');
    }
    const compose = ['services:', '  app:', `    image: ${settings.image}`];
    if (runsAs !== '')
        compose.push(`    user: "${runsAs}"`);
    if (profile.restricted.has('read-only'))
        compose.push('    read_only: true');
    if (drop)
        compose.push('    cap_drop: [ALL]', ...(add.length > 0 ? [`    cap_add: ${yamlList(add)}`] : []));
    if (profile.restricted.has('no-new-privileges'))
        compose.push('    security_opt: ["no-new-privileges:true"]');
    // Docker gives a tmpfs over an existing directory that directory's mode: owned by the user, it is writable to it.
    const owner = uid && !root ? `:uid=${uid}${gid ? `,gid=${gid}` : ''}` : '';
    compose.push(`    tmpfs: ${yamlList(mounts.map((m) => `"${m}${owner}"`))}`);
    if (!profile.restricted.has('privileged-ports'))
        compose.push('    sysctls:', '      net.ipv4.ip_unprivileged_port_start: 0');
    compose.push('    network_mode: none  # as rehearsed; give it the networks it needs');
    return { kubernetes: k8s.join('\n'), compose: compose.join('\n') };
}
/** The report's record of a rehearsal. */
function summarizeRehearsal(rehearsal, fragments, elapsedMs, imageUser) {
    const verified = rehearsal.verified;
    return {
        durationMs: rehearsal.durationMs,
        verdict: rehearsal.verdict,
        user: rehearsal.user,
        userSubstituted: rehearsal.userSubstituted,
        hardened: describeOutcome(rehearsal.hardened, rehearsal.durationMs),
        breaks: rehearsal.breaks.map((r) => RESTRICTION_LABEL[r]),
        capabilities: rehearsal.capabilities,
        volumes: rehearsal.written.volumes,
        written: rehearsal.written.files,
        unmountable: rehearsal.written.unmountable,
        ...(verified
            ? {
                verified: {
                    profile: verified.description,
                    user: verified.profile.restricted.has('non-root') ? rehearsal.user : imageUser,
                    readOnly: verified.profile.restricted.has('read-only'),
                    keptCapabilities: verified.profile.restricted.has('capabilities') ? [] : [...(verified.profile.capabilities ?? [])],
                    outcome: describeOutcome(verified.observation, rehearsal.durationMs),
                    ...(verified.observation.capabilities ? { capabilities: [...verified.observation.capabilities] } : {}),
                    processes: verified.observation.processes.slice(0, 20).map((p) => ({ ...p })),
                },
            }
            : {}),
        ...(rehearsal.staysRoot !== undefined ? { staysRoot: rehearsal.staysRoot } : {}),
        fragments,
        logTail: succeeded(rehearsal.hardened) ? [] : [...rehearsal.hardened.logTail],
        runs: rehearsal.runs.map((r) => ({ ...r })),
        notes: [...rehearsal.notes],
        elapsedMs,
    };
}

;// CONCATENATED MODULE: ./src/scanners/rehearsal/index.ts






/**
 * Rehearses one daemon image: removes what killed runs left behind, reads the image's user and
 * volumes, runs the hardened profile and, when it fails, the runs that explain it. Throws a
 * ToolError when the engine cannot be used; the caller makes that a failed result.
 */
async function rehearseImage(reference, subject, config, environment, logger = util_logger/* silentLogger */.qq) {
    const step = (0,util_logger/* startStep */.bP)(logger, `Rehearsing ${subject.input} under least privilege`);
    const started = Date.now();
    try {
        const swept = await sweepLeftovers(environment);
        if (swept.length > 0)
            logger.info(`Removed ${swept.length} container${swept.length === 1 ? '' : 's'} an earlier rehearsal left behind.`);
        const image = await inspectImage(environment, reference);
        const imageUserIsRoot = runsAsRoot(image.user);
        const user = imageUserIsRoot ? SUBSTITUTE_USER : image.user;
        const { probe, live } = dockerProbe({
            environment,
            image,
            user,
            env: config.env,
            ...(config.command ? { command: config.command } : {}),
            ...(config.ready ? { ready: config.ready } : {}),
            // Past its budget and a minute of grace, any container of this run is a leftover.
            expiresAt: started + 4 * config.durationMs + 60_000,
        });
        const stopListening = removeOnSignal(environment, live);
        let rehearsal;
        try {
            rehearsal = await rehearse({
                imageUser: image.user,
                imageUserIsRoot,
                volumes: image.volumes,
                durationMs: config.durationMs,
            }, probe);
        }
        finally {
            stopListening();
        }
        const fragments = {
            ...profileFragments(rehearsal.proposed, { user, imageUser: image.user, imageVolumes: image.volumes, image: reference }),
            verified: rehearsal.verified !== undefined,
        };
        const findings = rehearsalFindings(rehearsal, subject);
        const summary = summarizeRehearsal(rehearsal, fragments, Date.now() - started, image.user);
        step.done(`${rehearsal.verdict === 'hardened' ? 'it runs hardened' : rehearsal.verdict === 'explained' ? `breaks on ${rehearsal.breaks.join(', ')}` : rehearsal.verdict}, ${rehearsal.runs.length} run${rehearsal.runs.length === 1 ? '' : 's'}`);
        return { findings, summary };
    }
    catch (error) {
        step.failed('the engine could not rehearse it');
        throw error;
    }
}

// EXTERNAL MODULE: external "node:v8"
var external_node_v8_ = __webpack_require__(78877);
// EXTERNAL MODULE: external "node:vm"
var external_node_vm_ = __webpack_require__(30714);
;// CONCATENATED MODULE: ./src/image/memory.ts


/**
 * Decompressed layer bytes are short-lived Buffers whose memory lives outside the JavaScript
 * heap; V8 collects them only after about 64 MB of them pile up, which alone would double the
 * reader's footprint. Asking for a collection every `every` bytes keeps peak memory flat. The
 * collector is reached through a flag set at run time because the action cannot pass node flags.
 */
function garbageCollector() {
    try {
        (0,external_node_v8_.setFlagsFromString)('--expose-gc');
        const gc = (0,external_node_vm_.runInNewContext)('gc');
        if (typeof gc !== 'function')
            return undefined;
        // A minor collection is enough: the Buffers are young, and it costs far less than a full one.
        return () => gc({ type: 'minor' });
    }
    catch {
        return undefined;
    }
}
class MemoryPacer {
    collect;
    every;
    pending = 0;
    constructor(collect, every = 8 * 1024 * 1024) {
        this.collect = collect;
        this.every = every;
    }
    /** Call with each chunk's size as the chunk is done with. */
    consumed(bytes) {
        if (!this.collect)
            return;
        this.pending += bytes;
        if (this.pending >= this.every) {
            this.pending = 0;
            this.collect();
        }
    }
}
let shared;
function memoryPacer() {
    shared ??= new MemoryPacer(garbageCollector());
    return shared;
}

;// CONCATENATED MODULE: ./src/image/decompress.ts




const DEFAULT_DECOMPRESS_LIMITS = {
    maxOutput: 32 * 1024 ** 3,
    maxRatio: 200,
    ratioFloor: 256 * 1024 * 1024,
};
function detectCompression(head) {
    if (head[0] === 0x1f && head[1] === 0x8b)
        return 'gzip';
    if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd)
        return 'zstd';
    return 'none';
}
function zstdDecompressor(where) {
    const factory = external_node_zlib_.createZstdDecompress;
    if (typeof factory !== 'function') {
        throw new errors/* FormatError */.IF(where, `the layer is zstd-compressed, which needs Node.js 22.15 or newer; run bulkhead on Node.js 24 (the action already does).`);
    }
    return factory({ chunkSize: 256 * 1024 });
}
/**
 * Yields the uncompressed bytes of `source`, whatever its compression (found from its first
 * bytes), and stops with a FormatError when the stream is corrupt or expands like a bomb.
 */
async function* decompress(source, where, onCompression, limits = DEFAULT_DECOMPRESS_LIMITS) {
    const iterator = source[Symbol.asyncIterator]();
    const head = [];
    let headLength = 0;
    let exhausted = false;
    while (headLength < 4) {
        const next = await iterator.next();
        if (next.done) {
            exhausted = true;
            break;
        }
        head.push(next.value);
        headLength += next.value.length;
    }
    const first = Buffer.concat(head);
    const compression = detectCompression(first);
    onCompression?.(compression);
    let inputBytes = first.length;
    async function* rest() {
        if (first.length > 0)
            yield first;
        if (exhausted)
            return;
        for (;;) {
            const next = await iterator.next();
            if (next.done)
                return;
            inputBytes += next.value.length;
            yield next.value;
        }
    }
    const pacer = memoryPacer();
    if (compression === 'none') {
        for await (const chunk of rest()) {
            yield chunk;
            pacer.consumed(chunk.length);
        }
        return;
    }
    const inflater = compression === 'gzip' ? external_node_zlib_.createGunzip({ chunkSize: 256 * 1024 }) : zstdDecompressor(where);
    const input = external_node_stream_.Readable.from(rest(), { objectMode: false });
    input.on('error', (error) => inflater.destroy(error));
    input.pipe(inflater);
    let outputBytes = 0;
    try {
        for await (const chunk of inflater) {
            outputBytes += chunk.length;
            if (outputBytes > limits.maxOutput) {
                throw new errors/* FormatError */.IF(where, `expands past ${limits.maxOutput} bytes; treated as a decompression bomb and not read further.`);
            }
            if (outputBytes > limits.ratioFloor && outputBytes / Math.max(inputBytes, 1) > limits.maxRatio) {
                throw new errors/* FormatError */.IF(where, `expands more than ${limits.maxRatio}:1 (${outputBytes} bytes from ${inputBytes}); treated as a decompression bomb and not read further.`);
            }
            yield chunk;
            pacer.consumed(chunk.length);
        }
    }
    catch (error) {
        if (error instanceof errors/* FormatError */.IF)
            throw error;
        const code = error.code;
        const detail = error instanceof Error ? error.message : String(error);
        throw new errors/* FormatError */.IF(where, `the ${compression} stream is corrupt or truncated (${code ?? detail}).`);
    }
    finally {
        input.destroy();
        inflater.destroy();
    }
}

;// CONCATENATED MODULE: ./src/image/digest.ts



const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
function isDigest(text) {
    return DIGEST.test(text);
}
/** A running digest of bytes as they stream past: no second pass over the data. */
class StreamDigest {
    algorithm;
    hash;
    result;
    bytes = 0;
    constructor(algorithm = 'sha256') {
        this.algorithm = algorithm;
        this.hash = (0,external_node_crypto_.createHash)(algorithm);
    }
    update(chunk) {
        this.hash.update(chunk);
        this.bytes += chunk.length;
    }
    /** The digest of everything passed so far; asked again, the same answer (a layer's stored digest can be its diff_id too). */
    digest() {
        this.result ??= `${this.algorithm}:${this.hash.digest('hex')}`;
        return this.result;
    }
}
function digestOf(bytes, algorithm = 'sha256') {
    return `${algorithm}:${(0,external_node_crypto_.createHash)(algorithm).update(bytes).digest('hex')}`;
}
function algorithmOf(digest) {
    return digest.startsWith('sha512:') ? 'sha512' : 'sha256';
}
/** Refuses bytes that are not what their descriptor says: the image was altered or is corrupt. */
function verifyBlob(where, what, claim, actual) {
    if (claim.size !== undefined && claim.size !== actual.size) {
        throw new errors/* FormatError */.IF(where, `${what} is ${actual.size} bytes but its descriptor says ${claim.size}; the image was altered or is corrupt.`);
    }
    if (actual.digest !== claim.digest) {
        throw new errors/* FormatError */.IF(where, `${what} does not match its digest: expected ${printable(claim.digest, 80)}, its content is ${actual.digest}; the image was altered or is corrupt.`);
    }
}
/**
 * Yields `source` unchanged while digesting it, and stops before reading past `maxBytes` (a
 * descriptor's size): a blob linked to /dev/zero ends there, not at the memory limit.
 */
async function* digesting(source, digest, maxBytes, where, what) {
    for await (const chunk of source) {
        if (digest.bytes + chunk.length > maxBytes) {
            throw new errors/* FormatError */.IF(where, `${what} holds more than the ${maxBytes} bytes its descriptor says; the image was altered or is corrupt.`);
        }
        digest.update(chunk);
        yield chunk;
    }
}

;// CONCATENATED MODULE: ./src/image/tar.ts


const DEFAULT_TAR_LIMITS = {
    maxEntrySize: 64 * 1024 ** 3,
    maxMetaSize: 1024 * 1024,
    maxEntries: 5_000_000,
};
const BLOCK = 512;
const TYPES = {
    '0': 'file',
    '\u0000': 'file',
    '1': 'hardlink',
    '2': 'symlink',
    '3': 'char',
    '4': 'block',
    '5': 'dir',
    '6': 'fifo',
};
function cString(buf, offset, length) {
    const end = buf.indexOf(0, offset);
    return buf.toString('utf8', offset, end >= 0 && end < offset + length ? end : offset + length);
}
/** Octal (NUL/space terminated) or GNU base-256 numbers. NaN when the field is garbage. Exported for its tests. */
function tarNumber(buf, offset, length) {
    const first = buf[offset];
    if (first & 0x80) {
        if (first === 0xff)
            return Number.NaN; // negative base-256: never valid here
        let value = first & 0x7f;
        for (let i = 1; i < length; i++) {
            value = value * 256 + buf[offset + i];
            if (value > Number.MAX_SAFE_INTEGER)
                return Number.POSITIVE_INFINITY;
        }
        return value;
    }
    // Read from the bytes (every entry has several numbers): NULs and spaces around the digits are
    // padding; anything else but 0-7 between them makes the field garbage.
    const [start, end] = octalDigits(buf, offset, length);
    let value = 0;
    for (let i = start; i < end; i++) {
        const digit = buf[i] - 0x30;
        if (digit < 0 || digit > 7)
            return Number.NaN;
        value = value * 8 + digit;
    }
    return value;
}
/** Where a field's digits are once the NUL and space padding on both sides is left out. */
function octalDigits(buf, offset, length) {
    let start = offset;
    let end = offset + length;
    while (start < end && (buf[start] === 0 || buf[start] === 0x20))
        start++;
    while (end > start && (buf[end - 1] === 0 || buf[end - 1] === 0x20))
        end--;
    return [start, end];
}
/** True when Go's parseNumeric reads the field without error. Exported for its tests. */
function numericOk(buf, offset, length) {
    if (buf[offset] & 0x80)
        return Number.isFinite(tarNumber(buf, offset, length));
    const [start, end] = octalDigits(buf, offset, length);
    if (end - start > 22)
        return false;
    for (let i = start; i < end; i++)
        if (buf[i] < 0x30 || buf[i] > 0x37)
            return false;
    return true;
}
/**
 * The ustar prefix joined to the name, as Go's readHeader decides it: USTAR/PAX headers (magic
 * "ustar\0") have a 155-byte prefix, star headers (trailer "tar\0") a 131-byte one; GNU headers
 * have none, unless their atime/ctime fields do not parse and the field is ASCII (pre-Go 1.8 files).
 */
function ustarPrefix(header) {
    // "ustar" then NUL (POSIX) or space (GNU), compared as bytes: every entry has a header.
    const ustar = header[257] === 0x75 && header[258] === 0x73 && header[259] === 0x74 && header[260] === 0x61 && header[261] === 0x72;
    if (ustar && header[262] === 0) {
        const star = header[508] === 0x74 && header[509] === 0x61 && header[510] === 0x72 && header[511] === 0;
        return star ? cString(header, 345, 131) : cString(header, 345, 155);
    }
    if (ustar && header[262] === 0x20 && header[263] === 0x20 && header[264] === 0) {
        const garbled = (header[345] !== 0 && !numericOk(header, 345, 12)) || (header[357] !== 0 && !numericOk(header, 357, 12));
        const text = cString(header, 345, 155);
        if (garbled && /^[\u0000-\u007f]*$/.test(header.toString('latin1', 345, 345 + Math.min(155, Buffer.byteLength(text)))))
            return text;
    }
    return '';
}
/** Exported for its tests. */
function checksumOk(header) {
    const stored = tarNumber(header, 148, 8);
    // The sum with the checksum field counted as spaces; the signed sum differs by 256 for each byte over 127.
    let unsigned = 8 * 0x20;
    let high = 0;
    for (let i = 0; i < BLOCK; i++) {
        if (i === 148)
            i = 156;
        const byte = header[i];
        unsigned += byte;
        high += byte >>> 7;
    }
    return stored === unsigned || stored === unsigned - 256 * high;
}
function isZeroBlock(header) {
    for (let i = 0; i < BLOCK; i++)
        if (header[i] !== 0)
            return false;
    return true;
}
/** Go's parsePAXRecord rules: `<length> <key>=<value>\n`, every part present, no NUL in keys or names. */
function parsePax(body, where) {
    const records = {};
    const malformed = () => {
        throw new errors/* FormatError */.IF(where, `a PAX header record is malformed; the archive is corrupt.`);
    };
    let pos = 0;
    while (pos < body.length) {
        const space = body.indexOf(0x20, pos);
        if (space < 0)
            malformed();
        const lengthText = body.toString('latin1', pos, space);
        const length = /^[0-9]+$/.test(lengthText) ? Number(lengthText) : Number.NaN;
        if (!Number.isSafeInteger(length) || length < 5 || pos + length > body.length || length <= space - pos)
            malformed();
        if (body[pos + length - 1] !== 0x0a)
            malformed();
        const record = body.subarray(space + 1, pos + length - 1);
        const eq = record.indexOf(0x3d);
        if (eq < 0)
            malformed();
        const key = record.toString('utf8', 0, eq);
        const value = record.subarray(eq + 1);
        const named = key === 'path' || key === 'linkpath' || key === 'uname' || key === 'gname';
        if (key === '' || (named ? value.includes(0) : key.includes('\u0000')))
            malformed();
        if (key === 'path')
            records.path = value.toString('utf8');
        else if (key === 'linkpath')
            records.linkpath = value.toString('utf8');
        else if (key === 'size' || key === 'uid' || key === 'gid') {
            const text = value.toString('latin1');
            const number = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
            if (!Number.isSafeInteger(number))
                throw new errors/* FormatError */.IF(where, `PAX ${key} "${printable(text, 40)}" is not a number; the archive is corrupt.`);
            records[key] = number;
        }
        else if (key.startsWith('SCHILY.xattr.')) {
            (records.xattrs ??= new Map()).set(key.slice('SCHILY.xattr.'.length), Buffer.from(value));
        }
        else if (key.startsWith('LIBARCHIVE.xattr.')) {
            let name;
            try {
                name = decodeURIComponent(key.slice('LIBARCHIVE.xattr.'.length));
            }
            catch {
                throw new errors/* FormatError */.IF(where, `a PAX xattr name is not valid percent-encoding; the archive is corrupt.`);
            }
            (records.xattrs ??= new Map()).set(name, Buffer.from(value.toString('latin1'), 'base64'));
        }
        pos += length;
    }
    return records;
}
/** One member's header as Go's archive/tar gives it, checked as containerd's apply would. */
function memberHeader(header, typeflag, headerSize, pending, where, limits) {
    const prefix = ustarPrefix(header);
    // Go's archive/tar: PAX records first, then a GNU long name or link over them.
    let name = pending.longName ?? pending.pax.path ?? (prefix ? `${prefix}/${cString(header, 0, 100)}` : cString(header, 0, 100));
    const linkname = pending.longLink ?? pending.pax.linkpath ?? cString(header, 157, 100);
    let size = pending.pax.size ?? headerSize;
    const uid = pending.pax.uid ?? tarNumber(header, 108, 8);
    const gid = pending.pax.gid ?? tarNumber(header, 116, 8);
    const mode = tarNumber(header, 100, 8);
    const xattrs = pending.pax.xattrs;
    if (size > limits.maxEntrySize) {
        throw new errors/* FormatError */.IF(where, `entry "${printable(name)}" claims ${size} bytes (limit ${limits.maxEntrySize}); the archive is hostile or corrupt.`);
    }
    if ([uid, gid, mode].some((n) => !Number.isFinite(n))) {
        throw new errors/* FormatError */.IF(where, `entry "${printable(name)}" has an unreadable mode, uid or gid; the archive is corrupt.`);
    }
    let type = TYPES[typeflag];
    if (type === undefined) {
        throw new errors/* FormatError */.IF(where, `entry "${printable(name)}" has type ${JSON.stringify(typeflag)}, which the container runtime refuses to extract; the layer cannot be run as it is.`);
    }
    // Old tars (type '\0') mark directories only by a trailing slash; a '0' entry never.
    if (typeflag === '\u0000' && name.endsWith('/'))
        type = 'dir';
    // Links, devices and directories have no body whatever the size field says (GNU writes 0 anyway).
    if (type === 'hardlink' || type === 'symlink' || type === 'dir' || type === 'char' || type === 'block' || type === 'fifo')
        size = 0;
    if (name === '')
        name = '.';
    return { name, type, mode: mode & 0o7777, uid, gid, size, linkname, ...(xattrs ? { xattrs } : {}) };
}
const padTo = (n) => (BLOCK - (n % BLOCK)) % BLOCK;
/** The reader's state between chunks: which part of the archive the next byte belongs to. */
class TarStream {
    onEntry;
    where;
    limits;
    header = Buffer.alloc(BLOCK);
    headerFill = 0;
    phase = 'header';
    remaining = 0;
    padding = 0;
    entries = 0;
    sink;
    metaKind = '';
    metaChunks = [];
    pending = { pax: {}, longName: undefined, longLink: undefined };
    lastName = '';
    sawZeroBlock = false;
    constructor(onEntry, where, limits) {
        this.onEntry = onEntry;
        this.where = where;
        this.limits = limits;
    }
    after() {
        return this.lastName ? ` after "${printable(this.lastName)}"` : '';
    }
    async startHeader() {
        const { header, where, limits } = this;
        if (isZeroBlock(header)) {
            if (this.sawZeroBlock)
                this.phase = 'end';
            this.sawZeroBlock = true;
            return;
        }
        if (this.sawZeroBlock) {
            throw new errors/* FormatError */.IF(where, `a zero block${this.after()} is followed by more entries; the archive ends there for the runtime, so it is hostile or corrupt.`);
        }
        if (!checksumOk(header))
            throw new errors/* FormatError */.IF(where, `a tar header${this.after()} has a bad checksum; the archive is corrupt or not a tar.`);
        const typeflag = String.fromCharCode(header[156]);
        const size = tarNumber(header, 124, 12);
        if (Number.isNaN(size))
            throw new errors/* FormatError */.IF(where, `a tar header holds an unreadable size; the archive is corrupt.`);
        if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
            if (size > limits.maxMetaSize) {
                throw new errors/* FormatError */.IF(where, `an extended header claims ${size} bytes (limit ${limits.maxMetaSize}); the archive is hostile or corrupt.`);
            }
            this.metaKind = typeflag;
            this.metaChunks = [];
            this.enterBody(size, 'meta');
            if (size === 0)
                this.finishMeta();
            return;
        }
        const member = memberHeader(header, typeflag, size, this.pending, where, limits);
        this.pending = { pax: {}, longName: undefined, longLink: undefined };
        this.entries += 1;
        if (this.entries > limits.maxEntries)
            throw new errors/* FormatError */.IF(where, `more than ${limits.maxEntries} entries; the archive is hostile.`);
        this.lastName = member.name;
        this.sink = (await this.onEntry(member)) ?? undefined;
        this.enterBody(member.size, 'data');
        if (member.size === 0)
            await this.endSink();
    }
    enterBody(size, kind) {
        this.remaining = size;
        this.padding = padTo(size);
        this.phase = size > 0 ? kind : this.padding > 0 ? 'padding' : 'header';
    }
    async endSink() {
        const sink = this.sink;
        this.sink = undefined;
        if (sink)
            await sink.end();
    }
    finishMeta() {
        const body = Buffer.concat(this.metaChunks);
        this.metaChunks = [];
        if (this.metaKind === 'x')
            this.pending.pax = parsePax(body, this.where);
        else if (this.metaKind === 'L')
            this.pending.longName = cString(body, 0, body.length);
        else if (this.metaKind === 'K')
            this.pending.longLink = cString(body, 0, body.length);
        // 'g' (global) records: checked as Go checks them (a malformed one is ErrHeader), then ignored as containerd does.
        else if (this.metaKind === 'g')
            parsePax(body, this.where);
    }
    /** Takes the body bytes at `pos`; returns the new position. */
    async body(chunk, pos) {
        const take = Math.min(this.remaining, chunk.length - pos);
        const slice = chunk.subarray(pos, pos + take);
        this.remaining -= take;
        if (this.phase === 'meta')
            this.metaChunks.push(slice);
        else if (this.sink)
            await this.sink.write(slice);
        if (this.remaining === 0) {
            if (this.phase === 'meta')
                this.finishMeta();
            else
                await this.endSink();
            this.phase = this.padding > 0 ? 'padding' : 'header';
        }
        return pos + take;
    }
    async feed(chunk) {
        let pos = 0;
        while (pos < chunk.length && this.phase !== 'end') {
            if (this.phase === 'header') {
                const take = Math.min(BLOCK - this.headerFill, chunk.length - pos);
                chunk.copy(this.header, this.headerFill, pos, pos + take);
                this.headerFill += take;
                pos += take;
                if (this.headerFill === BLOCK) {
                    this.headerFill = 0;
                    await this.startHeader();
                }
            }
            else if (this.phase === 'meta' || this.phase === 'data')
                pos = await this.body(chunk, pos);
            else if (this.phase === 'padding') {
                const take = Math.min(this.padding, chunk.length - pos);
                pos += take;
                this.padding -= take;
                if (this.padding === 0)
                    this.phase = 'header';
            }
        }
        // Bytes after the end-of-archive blocks are padding to the record size: not read.
    }
    finish() {
        if (this.phase === 'data' || this.phase === 'meta' || (this.phase === 'header' && this.headerFill > 0)) {
            throw new errors/* FormatError */.IF(this.where, `the archive ends in the middle of ${this.lastName ? `"${printable(this.lastName)}"` : 'a header'}; it is truncated.`);
        }
    }
}
/**
 * Reads a tar stream to its end. `onEntry` sees each member's header and may return a sink for its
 * body; bodies without a sink are skipped. Throws FormatError on corrupt, truncated or hostile
 * input; `where` names the archive in messages.
 */
async function readTar(source, onEntry, where, limits = DEFAULT_TAR_LIMITS) {
    const stream = new TarStream(onEntry, where, limits);
    for await (const input of source)
        await stream.feed(Buffer.isBuffer(input) ? input : Buffer.from(input));
    stream.finish();
    return { entries: stream.entries };
}

;// CONCATENATED MODULE: ./src/image/layer.ts






/** Files up to this size are sniffed for private-key material as they stream by. */
const KEY_SNIFF_LIMIT = 256 * 1024;
const KEY_MARKERS = [Buffer.from('PRIVATE KEY'), Buffer.from('PuTTY-User-Key-File-')];
const MARKER_OVERLAP = 24;
// A header, optional PEM headers (Proc-Type …), then a base64 body long enough to be a key (an Ed25519 PKCS#8 key is one 64-character line).
const PEM_PRIVATE = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY(?: BLOCK)?-----\r?\n(?:[A-Za-z-]+:[^\n]*\r?\n)*\r?\n?((?:[A-Za-z0-9+/=]{16,}\r?\n)+)-----END /;
const PUTTY_PRIVATE = /^PuTTY-User-Key-File-\d+: (\S+)[\s\S]*?Private-Lines: \d+/m;
/** The kind of private key a text holds, judged by structure (a header, then a body), or undefined. */
function privateKeyKind(content) {
    const text = content.toString('latin1');
    const pem = PEM_PRIVATE.exec(text);
    if (pem && (pem[2] ?? '').replace(/\s/g, '').length >= 60) {
        const label = (pem[1] ?? '').trim();
        return label === '' ? 'PKCS#8 private key' : label === 'ENCRYPTED' ? 'encrypted PKCS#8 private key' : `${label} private key`;
    }
    const putty = PUTTY_PRIVATE.exec(text);
    if (putty)
        return `PuTTY ${putty[1] ?? ''} private key`.replace('  ', ' ');
    return undefined;
}
function holdsMarker(slices) {
    let previousTail;
    for (const slice of slices) {
        for (const marker of KEY_MARKERS) {
            if (slice.indexOf(marker) >= 0)
                return true;
            if (previousTail) {
                const seam = Buffer.concat([previousTail, slice.subarray(0, MARKER_OVERLAP)]);
                if (seam.indexOf(marker) >= 0)
                    return true;
            }
        }
        previousTail = slice.subarray(Math.max(0, slice.length - MARKER_OVERLAP));
    }
    return false;
}
function shortHash(content) {
    return (0,external_node_crypto_.createHash)('sha256').update(content).digest('hex').slice(0, 16);
}
/**
 * Reads one layer (gzip, zstd or plain tar) into its list of members, whiteouts and opaque
 * directories. File bodies are not kept unless `wanted` asks for them or they hold key material.
 * `stored` is the digest the caller keeps of the same bytes as stored, fed before they reach
 * here: an uncompressed layer's sha256 is then its diff_id, and the bytes are hashed once, not
 * twice (hashing is most of the CPU of reading a plain layer).
 */
async function readLayer(source, where, wanted, stored) {
    const files = [];
    const whiteouts = [];
    const opaqueDirs = [];
    let compression = 'none';
    const onEntry = (header) => {
        const path = normalizeImagePath(header.name, where);
        const name = baseName(path);
        if (name.startsWith('.wh.')) {
            const dir = parentOf(path);
            if (name === '.wh..wh..opq')
                opaqueDirs.push(dir);
            else if (!name.startsWith('.wh..wh.'))
                whiteouts.push(dir === '' ? name.slice(4) : `${dir}/${name.slice(4)}`);
            return undefined;
        }
        if (path === '')
            return undefined; // the root directory itself
        const file = { path, type: header.type, mode: header.mode, uid: header.uid, gid: header.gid, size: header.size };
        if (header.type === 'symlink')
            file.linkTarget = header.linkname;
        if (header.type === 'hardlink') {
            const target = normalizeImagePath(header.linkname, where);
            if (target === '')
                throw new errors/* FormatError */.IF(where, `hard link "${printable(path)}" points at the image root; the archive is hostile or corrupt.`);
            file.linkTarget = target;
        }
        const capability = header.xattrs?.get('security.capability');
        if (capability)
            file.capability = capability.toString('hex');
        files.push(file);
        if (header.type !== 'file' || header.size === 0)
            return undefined;
        const keep = wanted(path, header.size);
        const sniff = header.size <= KEY_SNIFF_LIMIT;
        if (keep <= 0 && !sniff)
            return undefined;
        const limit = Math.max(keep, sniff ? header.size : 0);
        const slices = [];
        let held = 0;
        return {
            write(chunk) {
                if (held >= limit)
                    return;
                const part = chunk.length > limit - held ? chunk.subarray(0, limit - held) : chunk;
                slices.push(part);
                held += part.length;
            },
            end() {
                const marked = sniff && holdsMarker(slices);
                if (keep <= 0 && !marked)
                    return;
                const content = Buffer.concat(slices, held);
                if (marked) {
                    const kind = privateKeyKind(content);
                    if (kind)
                        file.privateKey = kind;
                }
                if (keep > 0 || file.privateKey) {
                    file.content = keep > 0 && content.length > keep ? content.subarray(0, keep) : content;
                    if (held < header.size || file.content.length < content.length)
                        file.contentTruncated = true;
                    file.contentHash = shortHash(content);
                }
            },
        };
    };
    const uncompressed = new StreamDigest();
    let storedIsUncompressed = false;
    const onCompression = (found) => {
        compression = found;
        storedIsUncompressed = found === 'none' && stored?.algorithm === 'sha256';
    };
    // decompress names the compression before it yields the first chunk.
    async function* hashed(chunks) {
        for await (const chunk of chunks) {
            if (!storedIsUncompressed)
                uncompressed.update(chunk);
            yield chunk;
        }
    }
    await readTar(hashed(decompress(source, where, onCompression)), onEntry, where);
    const diffId = storedIsUncompressed && stored ? stored.digest() : uncompressed.digest();
    return { files, whiteouts, opaqueDirs, compression, diffId };
}

;// CONCATENATED MODULE: ./src/image/archive.ts






/** JSON members (manifests, configs, index) larger than this are refused. */
const MAX_JSON = 16 * 1024 * 1024;
/** A push-to-pull bridge with backpressure: the outer tar reader pushes, the layer reader pulls. */
class ChunkChannel {
    queue = [];
    closed = false;
    draining = false;
    waiting;
    taken;
    push(chunk) {
        if (this.draining)
            return Promise.resolve();
        this.queue.push(chunk);
        this.wake();
        return new Promise((resolve) => {
            this.taken = resolve;
        });
    }
    close() {
        this.closed = true;
        this.wake();
    }
    /** The reader gave up: accept and drop whatever else arrives. */
    drain() {
        this.draining = true;
        this.queue = [];
        this.taken?.();
    }
    wake() {
        const waiting = this.waiting;
        this.waiting = undefined;
        waiting?.();
    }
    async *[Symbol.asyncIterator]() {
        for (;;) {
            const next = this.queue.shift();
            if (next) {
                const taken = this.taken;
                this.taken = undefined;
                taken?.();
                yield next;
                continue;
            }
            if (this.closed)
                return;
            await new Promise((resolve) => {
                this.waiting = resolve;
            });
        }
    }
}
async function readImageArchive(source, where, wanted) {
    const contents = { json: new Map(), layers: new Map(), blobs: new Map(), layerErrors: new Map(), links: new Map() };
    const onEntry = (header) => {
        const path = normalizeImagePath(header.name, where);
        if (header.type === 'symlink' || header.type === 'hardlink') {
            // docker save (20.10) links a repeated layer to its first copy: `../<id>/layer.tar`.
            const base = header.type === 'symlink' && !header.linkname.startsWith('/') ? `${path.split('/').slice(0, -1).join('/')}/` : '';
            contents.links.set(path, normalizeImagePath(base + header.linkname, where));
            return undefined;
        }
        if (header.type !== 'file' || header.size === 0)
            return undefined;
        let mode = 'undecided';
        const jsonChunks = [];
        let channel;
        let layerDone;
        const stored = new StreamDigest(path.startsWith('blobs/sha512/') ? 'sha512' : 'sha256');
        const where2 = `${where} ${printable(path)}`;
        return {
            async write(chunk) {
                if (mode === 'undecided') {
                    const looksJson = chunk[0] === 0x7b || path.endsWith('.json') || path === 'oci-layout' || path === 'repositories';
                    if (looksJson && header.size <= MAX_JSON)
                        mode = 'json';
                    else {
                        mode = 'layer';
                        channel = new ChunkChannel();
                        const reading = channel;
                        layerDone = readLayer(reading, where2, wanted, stored).then((layer) => {
                            contents.layers.set(path, layer);
                        }, (error) => {
                            reading.drain();
                            contents.layerErrors.set(path, error instanceof errors/* FormatError */.IF ? error : new errors/* FormatError */.IF(where2, (0,errors/* errorMessage */.gJ)(error)));
                        });
                    }
                }
                if (mode === 'json')
                    jsonChunks.push(chunk);
                else {
                    stored.update(chunk);
                    if (channel)
                        await channel.push(chunk);
                }
            },
            async end() {
                if (mode === 'json')
                    contents.json.set(path, Buffer.concat(jsonChunks));
                else if (channel) {
                    channel.close();
                    await layerDone;
                    contents.blobs.set(path, { digest: stored.digest(), size: stored.bytes });
                }
            },
        };
    };
    await readTar(decompress(source, where), onEntry, where);
    return contents;
}
function followArchiveLinks(contents, path) {
    let current = path;
    for (let hops = 0; hops < 16; hops++) {
        const next = contents.links.get(current);
        if (next === undefined)
            return current;
        current = next;
    }
    throw new errors/* FormatError */.IF(`"${printable(path)}"`, 'is a link loop inside the archive; the archive is hostile or corrupt.');
}

;// CONCATENATED MODULE: ./src/image/oci.ts



function blobPath(digest, where) {
    if (!isDigest(digest))
        throw new errors/* FormatError */.IF(where, `"${printable(digest, 80)}" is not a valid content digest; the layout is corrupt or hostile.`);
    const [algorithm, hex] = digest.split(':');
    return `blobs/${algorithm}/${hex}`;
}
function oci_isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function descriptors(value, where) {
    if (!Array.isArray(value))
        throw new errors/* FormatError */.IF(where, `the index has no manifests list.`);
    return value.filter(oci_isRecord).map((d) => {
        if (typeof d.digest !== 'string')
            throw new errors/* FormatError */.IF(where, `a manifest descriptor has no digest.`);
        if (d.size !== undefined && (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0)) {
            throw new errors/* FormatError */.IF(where, `the descriptor of ${printable(d.digest, 80)} has an invalid size.`);
        }
        const platform = oci_isRecord(d.platform) ? d.platform : undefined;
        const annotations = {};
        if (oci_isRecord(d.annotations))
            for (const [k, v] of Object.entries(d.annotations))
                if (typeof v === 'string')
                    annotations[k] = v;
        return {
            mediaType: typeof d.mediaType === 'string' ? d.mediaType : '',
            digest: d.digest,
            ...(typeof d.size === 'number' ? { size: d.size } : {}),
            ...(platform
                ? {
                    platform: {
                        ...(typeof platform.os === 'string' ? { os: platform.os } : {}),
                        ...(typeof platform.architecture === 'string' ? { architecture: platform.architecture } : {}),
                        ...(typeof platform.variant === 'string' ? { variant: platform.variant } : {}),
                    },
                }
                : {}),
            annotations,
        };
    });
}
function platformName(p) {
    if (!p?.os || !p.architecture)
        return undefined;
    return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}
function isIndex(mediaType, json) {
    return /image\.index|manifest\.list/.test(mediaType) || (Array.isArray(json.manifests) && !Array.isArray(json.layers));
}
function matchesPlatform(d, wanted) {
    const name = platformName(d.platform);
    if (!name)
        return false;
    if (name === wanted)
        return true;
    // linux/arm64 matches linux/arm64/v8 and the other way round.
    const [os, arch, variant] = wanted.split('/');
    return d.platform?.os === os && d.platform?.architecture === arch && (!variant || !d.platform?.variant || variant === d.platform.variant);
}
const isAttestation = (d) => d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' || platformName(d.platform) === 'unknown/unknown';
/**
 * From an index.json (or nested index), the manifest to read: the one tagged `reference` when
 * given, else the one for `platform` (default linux/amd64), else the only one.
 */
async function resolveOciIndex(index, readJson, where, reference, platform) {
    if (!oci_isRecord(index))
        throw new errors/* FormatError */.IF(where, `index.json is not a JSON object.`);
    let candidates = descriptors(index.manifests, `${where} index.json`);
    if (reference) {
        const tagged = candidates.filter((d) => {
            const name = d.annotations?.['org.opencontainers.image.ref.name'];
            const full = d.annotations?.['io.containerd.image.name'];
            return name === reference || full === reference || (full !== undefined && full.endsWith(`:${reference}`));
        });
        if (tagged.length === 0) {
            const names = candidates.map((d) => d.annotations?.['org.opencontainers.image.ref.name']).filter(Boolean);
            throw new errors/* FormatError */.IF(where, `no image is tagged "${printable(reference, 100)}"${names.length ? `; tags here: ${names.join(', ')}` : '; the layout has no tags'}.`);
        }
        candidates = tagged;
    }
    const seen = new Set();
    for (let depth = 0; depth < 4; depth++) {
        const usable = candidates.filter((d) => !isAttestation(d));
        let chosen;
        let note;
        if (usable.length === 1)
            chosen = usable[0];
        else {
            chosen = usable.find((d) => matchesPlatform(d, platform));
            const offered = usable.map((d) => platformName(d.platform) ?? d.digest.slice(0, 19)).join(', ');
            if (!chosen)
                throw new errors/* FormatError */.IF(where, `holds ${usable.length} images (${offered}) and none for ${platform}; set platform to one of them.`);
            note = `${where} holds images for ${offered}; read ${platformName(chosen.platform)}.`;
        }
        if (!chosen)
            throw new errors/* FormatError */.IF(where, `the index lists no image.`);
        if (seen.has(chosen.digest))
            throw new errors/* FormatError */.IF(where, `has an index that points to itself (${chosen.digest}); it is corrupt or hostile.`);
        seen.add(chosen.digest);
        const json = await readJson({ digest: chosen.digest, ...(chosen.size !== undefined ? { size: chosen.size } : {}) });
        if (!oci_isRecord(json))
            throw new errors/* FormatError */.IF(where, `manifest ${chosen.digest} is not a JSON object.`);
        if (isIndex(chosen.mediaType, json)) {
            candidates = descriptors(json.manifests, `${where} ${chosen.digest}`);
            continue;
        }
        const config = oci_isRecord(json.config) ? json.config : undefined;
        if (typeof config?.digest !== 'string' || !Array.isArray(json.layers)) {
            throw new errors/* FormatError */.IF(where, `manifest ${chosen.digest} has no config or layers; it is not an image manifest.`);
        }
        const claim = (d, what) => {
            if (!oci_isRecord(d) || typeof d.digest !== 'string')
                throw new errors/* FormatError */.IF(where, `${what} in ${chosen.digest} has no digest.`);
            blobPath(d.digest, where);
            if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) {
                throw new errors/* FormatError */.IF(where, `${what} in ${chosen.digest} has no valid size; an OCI descriptor always says it.`);
            }
            return { digest: d.digest, size: d.size };
        };
        const layers = json.layers.map((l) => claim(l, 'a layer'));
        const name = platformName(chosen.platform);
        const manifest = {
            digest: chosen.digest,
            ...(chosen.size !== undefined ? { size: chosen.size } : {}),
            mediaType: chosen.mediaType || (typeof json.mediaType === 'string' ? json.mediaType : ''),
        };
        return { manifest, config: claim(config, 'the config'), layers, ...(name ? { platform: name } : {}), ...(note ? { note } : {}) };
    }
    throw new errors/* FormatError */.IF(where, `indexes nest too deeply; the layout is corrupt or hostile.`);
}

;// CONCATENATED MODULE: ./src/image/overlay.ts


const MAX_SYMLINK_HOPS = 40;
function holdsSecret(file) {
    return file.privateKey !== undefined || file.content !== undefined;
}
/**
 * Stacks layers the way overlay filesystems do: whiteouts delete a path and everything under it,
 * an opaque directory hides everything below it from lower layers, later entries replace earlier
 * ones. Hard links take their target's attributes and content.
 */
function mergeLayers(layers, where = 'the image') {
    const files = new Map();
    const children = new Map();
    const hidden = [];
    const warnings = [];
    const link = (path) => {
        let child = path;
        while (child !== '') {
            const parent = parentOf(child);
            let set = children.get(parent);
            if (!set)
                children.set(parent, (set = new Set()));
            if (set.has(child))
                return;
            set.add(child);
            child = parent;
        }
    };
    const hide = (path, hiddenBy, how) => {
        const placed = files.get(path);
        if (placed) {
            if (holdsSecret(placed.file))
                hidden.push({ file: placed.file, layer: placed.layer, hiddenBy, how });
            files.delete(path);
        }
    };
    const removeTree = (path, hiddenBy, keepSelf) => {
        const stack = [path];
        while (stack.length > 0) {
            const current = stack.pop();
            const below = children.get(current);
            if (below) {
                for (const child of below)
                    stack.push(child);
                children.delete(current);
            }
            if (current !== path || !keepSelf) {
                hide(current, hiddenBy, 'deleted');
                children.get(parentOf(current))?.delete(current);
            }
        }
    };
    layers.forEach((layer, index) => {
        for (const dir of layer.opaqueDirs)
            removeTree(dir, index, true);
        for (const path of layer.whiteouts)
            removeTree(path, index, false);
        for (const file of layer.files) {
            let placedFile = file;
            if (file.type === 'hardlink' && file.linkTarget !== undefined) {
                const target = files.get(file.linkTarget);
                if (target) {
                    const { path: _targetPath, linkTarget: _targetLink, ...attributes } = target.file;
                    placedFile = {
                        ...attributes,
                        path: file.path,
                        linkTarget: file.linkTarget,
                        type: target.file.type === 'hardlink' ? 'file' : target.file.type,
                    };
                }
                else {
                    // containerd links to what is already there (a lower layer, or an earlier entry of this
                    // one): a link to nothing, or to a later entry, fails the layer's extraction.
                    throw new errors/* FormatError */.IF(where, `layer ${index + 1}: hard link "${printable(file.path)}" points at "${printable(file.linkTarget)}", which no earlier entry or layer holds; the runtime refuses such a layer.`);
                }
            }
            const existing = files.get(file.path);
            if (existing) {
                // A directory entry over a directory keeps what is below it; anything else replaces the tree.
                if (!(existing.file.type === 'dir' && placedFile.type === 'dir')) {
                    if (existing.file.type === 'dir')
                        removeTree(file.path, index, true);
                    if (holdsSecret(existing.file) && existing.file.contentHash !== placedFile.contentHash) {
                        hidden.push({ file: existing.file, layer: existing.layer, hiddenBy: index, how: 'overwritten' });
                    }
                }
            }
            files.set(file.path, { file: placedFile, layer: index });
            link(file.path);
        }
    });
    return { files, hidden, warnings };
}
/**
 * Looks a path up the way the container would, following symlinks in every component (absolute
 * targets start again at the image root); gives up on loops instead of spinning.
 */
function resolvePath(fs, path) {
    let pending = path.split('/').filter((s) => s !== '' && s !== '.');
    let resolved = [];
    let hops = 0;
    while (pending.length > 0) {
        const segment = pending.shift();
        if (segment === '..') {
            resolved.pop();
            continue;
        }
        const candidate = [...resolved, segment].join('/');
        const placed = fs.files.get(candidate);
        if (placed?.file.type === 'symlink' && placed.file.linkTarget !== undefined) {
            hops += 1;
            if (hops > MAX_SYMLINK_HOPS)
                return { kind: 'loop' };
            const target = placed.file.linkTarget;
            const targetSegments = target.split('/').filter((s) => s !== '' && s !== '.');
            if (target.startsWith('/'))
                resolved = [];
            pending = [...targetSegments, ...pending];
            continue;
        }
        resolved.push(segment);
    }
    const finalPath = resolved.join('/');
    const placed = fs.files.get(finalPath);
    return placed ? { kind: 'found', path: finalPath, placed } : { kind: 'missing' };
}

// EXTERNAL MODULE: external "node:events"
var external_node_events_ = __webpack_require__(78474);
;// CONCATENATED MODULE: ./src/image/tee.ts


/** Copies a stream to a file as it passes, waiting for the file when it falls behind (bounded memory). */
async function* teed(source, file, done) {
    if (!file) {
        yield* source;
        return;
    }
    const out = (0,external_node_fs_.createWriteStream)(file, { flags: 'wx', mode: 0o600 });
    const failed = new Promise((_, reject) => out.once('error', reject));
    failed.catch(() => undefined);
    try {
        for await (const chunk of source) {
            if (!out.write(chunk))
                await Promise.race([(0,external_node_events_.once)(out, 'drain'), failed]);
            yield chunk;
        }
        out.end();
        await Promise.race([(0,external_node_events_.once)(out, 'finish'), failed]);
        done.complete = true;
    }
    finally {
        if (!out.writableFinished)
            out.destroy();
    }
}

;// CONCATENATED MODULE: ./src/image/registry/challenge.ts
/**
 * Parses `Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:a/b:pull"`
 * and headers holding several challenges. Hand-written: it is twenty lines, and no maintained
 * npm package parses the header without pulling in an HTTP framework.
 */
function parseChallenges(header) {
    const challenges = [];
    const token = /\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)/y;
    const param = /\s*,?\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/y;
    let at = 0;
    let current;
    while (at < header.length && header.length <= 8192) {
        param.lastIndex = at;
        const p = current ? param.exec(header) : null;
        if (p && current) {
            current.params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? '');
            at = param.lastIndex;
            continue;
        }
        const rest = header.slice(at).replace(/^[\s,]+/, '');
        if (rest === '')
            break;
        at = header.length - rest.length;
        token.lastIndex = at;
        const t = token.exec(header);
        if (!t)
            break;
        current = { scheme: t[1].toLowerCase(), params: {} };
        challenges.push(current);
        at = token.lastIndex;
    }
    return challenges;
}

;// CONCATENATED MODULE: ./src/image/registry/client.ts




const MAX_ATTEMPTS = 5;
const MAX_REDIRECTS = 5;
const MAX_WAIT_MS = 60_000;
const MAX_TOKEN_BYTES = 1024 * 1024;
const RETRIED = new Set([408, 425, 429, 500, 502, 503, 504]);
const defaultSleep = (ms, signal) => new Promise((resolve, reject) => {
    if (signal.aborted)
        return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
});
/** Retry-After as seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
function retryAfterMs(header, now = Date.now()) {
    if (!header)
        return undefined;
    if (/^\s*\d+\s*$/.test(header))
        return Number(header) * 1000;
    const at = Date.parse(header);
    return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
/** Reads a body up to `max` bytes, refusing more: nothing a server sends is held unbounded. */
async function readBounded(response, max, what) {
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > max) {
        await response.body?.cancel().catch(() => undefined);
        throw new errors/* ToolError */.v4(what(), `is ${declared} bytes, more than the ${max} allowed.`);
    }
    const chunks = [];
    let bytes = 0;
    if (!response.body)
        return Buffer.alloc(0);
    const reader = response.body.getReader();
    for (;;) {
        const { done, value } = (await reader.read());
        if (done || !value)
            break;
        bytes += value.length;
        if (bytes > max) {
            await reader.cancel().catch(() => undefined);
            throw new errors/* ToolError */.v4(what(), `sends more than the ${max} bytes allowed; it was cut off.`);
        }
        chunks.push(Buffer.from(value));
    }
    return Buffer.concat(chunks);
}
/** The error a registry put in its JSON body ({"errors":[{"code","message"}]}), in one printable line. */
async function registryMessage(response) {
    try {
        const body = await readBounded(response, 16 * 1024, () => 'registry');
        const json = JSON.parse(body.toString('utf8'));
        const first = json.errors?.[0];
        if (first)
            return printable([first.code, first.message].filter((x) => typeof x === 'string').join(': '), 200);
    }
    catch {
        // Not the registry's error JSON: the status says enough.
    }
    return '';
}
/**
 * One repository of one registry over the OCI distribution API, on Node's fetch: the
 * WWW-Authenticate flow (Bearer token with scope, or Basic), redirects followed by hand so
 * that Authorization never reaches another host, retries with back-off on 429 and 5xx
 * (honouring Retry-After) and on a dropped connection, all within the pull's deadline.
 */
class RegistryClient {
    options;
    authorization;
    triedCredentials = false;
    fetcher;
    sleep;
    origin;
    constructor(options) {
        this.options = options;
        this.fetcher = options.fetch ?? fetch;
        this.sleep = options.sleep ?? defaultSleep;
        this.origin = `${this.isInsecure(options.apiHost) ? 'http' : 'https'}://${options.apiHost}`;
    }
    isInsecure(host) {
        return this.options.insecure.includes(host.toLowerCase());
    }
    fail(detail) {
        throw new errors/* ToolError */.v4(this.options.where, detail);
    }
    /** `/v2/<repository>/<kind>/<reference>` with every retry, redirect and challenge handled; the caller reads the body. */
    async request(kind, reference, request = {}) {
        const url = `${this.origin}/v2/${this.options.repository}/${kind}/${reference}`;
        let challenged = false;
        for (let attempt = 1;; attempt++) {
            const response = await this.send(url, request, attempt);
            if (response === 'retry')
                continue;
            if (response.status === 401 && !challenged) {
                challenged = true;
                await response.body?.cancel().catch(() => undefined);
                await this.answerChallenge(response.headers.get('www-authenticate') ?? '', kind);
                attempt--;
                continue;
            }
            if (response.status === 401 || response.status === 403) {
                const message = await registryMessage(response);
                const tried = this.triedCredentials ? 'the credentials given' : 'no credentials';
                this.fail(`${this.options.registry} refused access to ${this.options.repository} with ${tried} (${response.status}${message ? `: ${message}` : ''}); check registry-username and registry-password, or docker login, and that they may pull it.`);
            }
            return response;
        }
    }
    /** One exchange including redirects; 'retry' after waiting when it should be tried again. */
    async send(startUrl, request, attempt) {
        let url = startUrl;
        const startOrigin = new URL(startUrl).origin;
        for (let hops = 0; hops <= MAX_REDIRECTS; hops++) {
            const headers = {};
            if (request.accept)
                headers.accept = request.accept.join(', ');
            if (request.from)
                headers.range = `bytes=${request.from}-`;
            // The registry's credentials stay with the registry: a redirect elsewhere (a CDN, a bucket) gets none.
            if (this.authorization && new URL(url).origin === startOrigin)
                headers.authorization = this.authorization;
            const answer = AbortSignal.timeout(this.options.answerTimeoutMs ?? 60_000);
            const signal = AbortSignal.any([this.options.signal, answer, ...(request.signal ? [request.signal] : [])]);
            let response;
            try {
                response = await this.fetcher(url, { method: request.method ?? 'GET', headers, redirect: 'manual', signal });
            }
            catch (error) {
                if (this.options.signal.aborted || request.signal?.aborted)
                    throw error;
                const cause = answer.aborted
                    ? `${new URL(url).host} did not answer in time`
                    : ((0,network/* networkCause */.u6)(error, url) ?? (0,network/* innermostMessage */.Zv)(error));
                if ((0,network/* isPermanentNetworkError */.Ht)(error))
                    this.fail(`${cause}.`);
                await this.backOff(attempt, undefined, cause);
                return 'retry';
            }
            if (response.status >= 300 && response.status < 400 && response.status !== 304) {
                const location = response.headers.get('location');
                await response.body?.cancel().catch(() => undefined);
                if (!location)
                    this.fail(`${new URL(url).host} answered ${response.status} without a Location to follow.`);
                const next = new URL(location, url);
                if (next.protocol !== 'https:' && !(next.protocol === 'http:' && this.isInsecure(next.host)))
                    this.fail(`${new URL(url).host} redirected to ${printable(next.protocol + '//' + next.host, 100)}, which is not https; add it to registry-insecure if that is meant.`);
                url = next.href;
                continue;
            }
            if (RETRIED.has(response.status)) {
                const wait = retryAfterMs(response.headers.get('retry-after'));
                await response.body?.cancel().catch(() => undefined);
                await this.backOff(attempt, wait, `${new URL(url).host} answered ${response.status}`);
                return 'retry';
            }
            return response;
        }
        return this.fail(`more than ${MAX_REDIRECTS} redirects from ${this.options.registry} (a redirect loop?).`);
    }
    async backOff(attempt, retryAfter, cause) {
        if (attempt >= MAX_ATTEMPTS)
            this.fail(`${cause}, ${attempt} times; gave up.`);
        const wait = retryAfter ?? Math.min(MAX_WAIT_MS, 250 * 2 ** attempt + Math.floor(Math.random() * 250));
        if (wait > MAX_WAIT_MS)
            this.fail(`${cause} and asks to wait ${Math.ceil(wait / 1000)} s, longer than bulkhead waits (${MAX_WAIT_MS / 1000} s).`);
        await this.sleep(wait, this.options.signal);
    }
    /** A 401's challenge answered: a Bearer token from the realm, or Basic credentials. */
    async answerChallenge(header, kind) {
        const challenges = parseChallenges(header);
        const bearer = challenges.find((c) => c.scheme === 'bearer');
        const basic = challenges.find((c) => c.scheme === 'basic');
        const credentials = await this.options.credentials();
        this.triedCredentials = credentials !== undefined;
        if (credentials?.kind === 'basic')
            this.options.onSecret?.(credentials.password);
        if (credentials?.kind === 'identity-token')
            this.options.onSecret?.(credentials.token);
        if (bearer) {
            this.authorization = `Bearer ${await this.fetchToken(bearer.params, credentials)}`;
            return;
        }
        if (basic) {
            if (credentials?.kind !== 'basic')
                this.fail(`${this.options.registry} needs a user name and password for ${this.options.repository}; set registry-username and registry-password, or docker login.`);
            this.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
            return;
        }
        this.fail(`${this.options.registry} answered 401 to ${kind} without a challenge bulkhead can answer (${printable(header || 'none', 120)}).`);
    }
    /** The token endpoint of the distribution spec: GET with Basic, or POST with a refresh token (docker login's identity token). */
    async fetchToken(params, credentials) {
        const realm = params.realm;
        if (!realm)
            this.fail(`${this.options.registry} asks for a Bearer token but names no realm.`);
        let url;
        try {
            url = new URL(realm);
        }
        catch {
            return this.fail(`${this.options.registry} names a token realm that is not a URL (${printable(realm, 100)}).`);
        }
        if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.isInsecure(url.host)))
            this.fail(`${this.options.registry}'s token service ${printable(url.host, 100)} is not https; add it to registry-insecure if that is meant.`);
        const scope = params.scope ?? `repository:${this.options.repository}:pull`;
        const service = params.service;
        const headers = { accept: 'application/json' };
        let init;
        if (credentials?.kind === 'identity-token') {
            const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credentials.token, client_id: 'bulkhead', scope });
            if (service)
                form.set('service', service);
            init = { method: 'POST', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() };
        }
        else {
            if (service)
                url.searchParams.set('service', service);
            url.searchParams.set('scope', scope);
            if (credentials)
                headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
            init = { method: 'GET', headers };
        }
        let response;
        for (let attempt = 1; !response; attempt++) {
            try {
                const answer = await this.fetcher(url, {
                    ...init,
                    redirect: 'error',
                    signal: AbortSignal.any([this.options.signal, AbortSignal.timeout(this.options.answerTimeoutMs ?? 60_000)]),
                });
                if (RETRIED.has(answer.status)) {
                    await answer.body?.cancel().catch(() => undefined);
                    await this.backOff(attempt, retryAfterMs(answer.headers.get('retry-after')), `the token service ${url.host} answered ${answer.status}`);
                }
                else
                    response = answer;
            }
            catch (error) {
                if (this.options.signal.aborted || error instanceof errors/* ToolError */.v4)
                    throw error;
                if ((0,network/* isPermanentNetworkError */.Ht)(error))
                    this.fail(`the token service: ${(0,network/* networkCause */.u6)(error, url.href) ?? (0,network/* innermostMessage */.Zv)(error)}.`);
                await this.backOff(attempt, undefined, `the token service ${url.host}: ${(0,network/* networkCause */.u6)(error, url.href) ?? (0,network/* innermostMessage */.Zv)(error)}`);
            }
        }
        if (!response.ok) {
            await response.body?.cancel().catch(() => undefined);
            this.fail(`the token service ${url.host} refused a token for ${scope} (${response.status})${credentials ? '; check registry-username and registry-password' : '; the image may need credentials'}.`);
        }
        const body = await readBounded(response, MAX_TOKEN_BYTES, () => `the token service ${url.host}`);
        let token;
        try {
            const json = JSON.parse(body.toString('utf8'));
            token = json.token ?? json.access_token;
        }
        catch {
            this.fail(`the token service ${url.host} answered with something that is not JSON.`);
        }
        if (typeof token !== 'string' || token === '' || /[\r\n]/.test(token))
            this.fail(`the token service ${url.host} answered without a token.`);
        this.options.onSecret?.(token);
        return token;
    }
}

;// CONCATENATED MODULE: ./src/image/registry/credentials.ts








const MAX_CONFIG_BYTES = 1024 * 1024;
const HELPER_TIMEOUT_MS = 20_000;
const MAX_HELPER_OUTPUT = 64 * 1024;
async function readDockerConfig(env) {
    const dir = env.DOCKER_CONFIG || (0,external_node_path_.join)(env.HOME || (0,external_node_os_.homedir)(), '.docker');
    const path = (0,external_node_path_.join)(dir, 'config.json');
    let text;
    try {
        const handle = await (0,promises_.open)(path, 'r');
        try {
            const info = await handle.stat();
            if (!info.isFile())
                return undefined;
            if (info.size > MAX_CONFIG_BYTES)
                throw new errors/* UsageError */.eb(`${path} is ${info.size} bytes; a Docker config is a few kilobytes. Check the file.`);
            text = (await handle.readFile()).toString('utf8');
        }
        finally {
            await handle.close();
        }
    }
    catch (error) {
        if (error instanceof errors/* UsageError */.eb)
            throw error;
        return undefined;
    }
    try {
        const json = JSON.parse(text);
        return json_isObject(json) ? { path, json } : undefined;
    }
    catch {
        throw new errors/* UsageError */.eb(`${path} is not valid JSON; fix it (docker login writes it), or set registry-username and registry-password.`);
    }
}
/** The docker-credential-helpers protocol: `get` with the server URL on stdin, JSON {Username, Secret} on stdout. */
function runCredentialHelper(helper, serverUrl, env) {
    return new Promise((resolve, reject) => {
        const child = (0,external_node_child_process_.spawn)(`docker-credential-${helper}`, ['get'], { stdio: ['pipe', 'pipe', 'pipe'], env, timeout: HELPER_TIMEOUT_MS });
        const out = [];
        let outBytes = 0;
        let err = '';
        child.stdout.on('data', (chunk) => {
            outBytes += chunk.length;
            if (outBytes > MAX_HELPER_OUTPUT)
                child.kill('SIGKILL');
            else
                out.push(chunk);
        });
        child.stderr.on('data', (chunk) => {
            if (err.length < 2048)
                err += chunk.toString('utf8');
        });
        child.on('error', (error) => reject(new errors/* ToolError */.v4(`docker-credential-${helper}`, error.code === 'ENOENT'
            ? `is named by the Docker config but not on PATH; install it, or set registry-username and registry-password.`
            : `could not start (${error.message}).`)));
        child.on('close', (code, signal) => {
            const stdout = Buffer.concat(out).toString('utf8');
            // Helpers say "credentials not found in native keychain" (on stdout) when they hold nothing for the host.
            if (code !== 0 && /credentials not found/i.test(`${stdout} ${err}`))
                return resolve({ found: false });
            if (code !== 0 || signal) {
                // Its output may hold a secret: only its error stream is shown, and only a line of it.
                const why = signal
                    ? `was stopped (${signal}; it may have waited for input or run past ${HELPER_TIMEOUT_MS / 1000} s)`
                    : `exited with ${code}`;
                return reject(new errors/* ToolError */.v4(`docker-credential-${helper}`, `${why}${err.trim() ? `: ${printable(err.trim().split('\n')[0] ?? '', 200)}` : ''}.`));
            }
            resolve({ found: true, stdout });
        });
        child.stdin.on('error', () => undefined);
        child.stdin.end(serverUrl);
    });
}
function fromHelperOutput(helper, stdout) {
    let json;
    try {
        json = JSON.parse(stdout);
    }
    catch {
        throw new errors/* ToolError */.v4(`docker-credential-${helper}`, 'answered with something that is not JSON.');
    }
    if (!json_isObject(json) || typeof json.Secret !== 'string' || typeof json.Username !== 'string')
        throw new errors/* ToolError */.v4(`docker-credential-${helper}`, 'answered without Username and Secret.');
    // docker login stores an OAuth2 refresh token with the user name "<token>".
    return json.Username === '<token>'
        ? { kind: 'identity-token', token: json.Secret }
        : { kind: 'basic', username: json.Username, password: json.Secret };
}
function fromAuthEntry(entry, configPath, key) {
    if (!json_isObject(entry))
        return undefined;
    if (typeof entry.identitytoken === 'string' && entry.identitytoken)
        return { kind: 'identity-token', token: entry.identitytoken };
    if (typeof entry.auth === 'string' && entry.auth) {
        const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon <= 0)
            throw new errors/* UsageError */.eb(`${configPath}: the auth of ${printable(key, 80)} is not base64 of user:password; run docker login again.`);
        return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    if (typeof entry.username === 'string' && typeof entry.password === 'string')
        return { kind: 'basic', username: entry.username, password: entry.password };
    return undefined;
}
const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/**
 * Credentials for one registry, in Docker's order: the inputs, then config.json's credHelpers
 * entry for the host, its auths entry, and its credsStore. None found means anonymous.
 */
async function findCredentials(registry, sources) {
    if (sources.explicit)
        return { kind: 'basic', ...sources.explicit };
    const config = await readDockerConfig(sources.env);
    if (!config)
        return undefined;
    const { json, path } = config;
    const keys = credentialKeys(registry);
    const serverUrl = keys[0];
    const runHelper = sources.runHelper ?? runCredentialHelper;
    const ask = async (helper, what) => {
        if (typeof helper !== 'string' || helper === '')
            return undefined;
        if (!HELPER_NAME.test(helper))
            throw new errors/* UsageError */.eb(`${path}: ${what} "${printable(helper, 64)}" is not a helper name; fix the Docker config.`);
        const answer = await runHelper(helper, serverUrl, sources.env);
        return answer.found ? fromHelperOutput(helper, answer.stdout) : undefined;
    };
    const helpers = json_isObject(json.credHelpers) ? json.credHelpers : {};
    const helperKey = Object.keys(helpers).find((k) => hostOfKey(k) === registry);
    if (helperKey !== undefined)
        return ask(helpers[helperKey], `credHelpers of ${registry}`);
    const auths = json_isObject(json.auths) ? json.auths : {};
    const authKey = keys.find((k) => k in auths) ?? Object.keys(auths).find((k) => hostOfKey(k) === registry);
    const entry = authKey !== undefined ? fromAuthEntry(auths[authKey], path, authKey) : undefined;
    if (entry)
        return entry;
    return ask(json.credsStore, 'credsStore');
}

;// CONCATENATED MODULE: ./src/image/registry/pull.ts










const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
/** Every manifest kind an image can be served as; schema 1 is refused with its own message. */
const ACCEPTED = [OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST];
const INDEXES = new Set([OCI_INDEX, DOCKER_LIST]);
/** containerd's and distribution's own limit for a manifest. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const pull_MAX_CONFIG_BYTES = 16 * 1024 * 1024;
/** An interrupted blob is resumed (Range) this many times before the pull gives up. */
const MAX_RESUMES = 5;
function mediaTypeOf(header) {
    return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}
function describeStatus(status) {
    if (status === 404)
        return '404: not found';
    return String(status);
}
/** Fetches manifests and indexes of one repository, each kept by digest for the layout. */
function manifestFetcher(client, parsed, where) {
    const manifests = new Map();
    /** One manifest or index, by tag or digest: bounded, its media type checked, its digest verified when known. */
    const fetchManifest = async (reference, claim) => {
        const response = await client.request('manifests', reference, { accept: ACCEPTED });
        if (!response.ok) {
            await response.body?.cancel().catch(() => undefined);
            throw new errors/* ToolError */.v4(where, response.status === 404
                ? `${parsed.registry} has no ${parsed.repository}:${printable(reference, 80)} (404); check the name and tag, and that the image was pushed.`
                : `${parsed.registry} answered ${describeStatus(response.status)} for the manifest ${printable(reference, 80)}.`);
        }
        const bytes = await readBounded(response, Math.min(claim?.size ?? MAX_MANIFEST_BYTES, MAX_MANIFEST_BYTES), () => `${where}: the manifest ${printable(reference, 80)}`);
        const digest = digestOf(bytes, algorithmOf(claim?.digest ?? reference));
        if (claim)
            verifyBlob(where, `manifest ${claim.digest}`, claim, { digest, size: bytes.length });
        let json;
        try {
            json = JSON.parse(bytes.toString('utf8'));
        }
        catch {
            throw new errors/* FormatError */.IF(where, `manifest ${printable(reference, 80)} is not valid JSON.`);
        }
        const declared = typeof json.mediaType === 'string' ? json.mediaType : '';
        const header = mediaTypeOf(response.headers.get('content-type'));
        if (/^application\/vnd\.docker\.distribution\.manifest\.v1\+(prettyjws|json)$/.test(header) ||
            json.schemaVersion === 1)
            throw new errors/* FormatError */.IF(where, `is a Docker schema 1 manifest, which no current tool writes; push the image again with a current Docker or BuildKit.`);
        const mediaType = header && header !== 'application/json' ? header : declared;
        if (declared && header && header !== 'application/json' && declared !== header)
            throw new errors/* FormatError */.IF(where, `manifest ${printable(reference, 80)} is served as ${printable(header, 80)} but says it is ${printable(declared, 80)}; the registry is broken or hostile.`);
        if (!ACCEPTED.includes(mediaType))
            throw new errors/* FormatError */.IF(where, `is ${printable(mediaType || 'of no media type', 100)}, not an image (OCI or Docker v2 manifest or index); an artifact such as a Helm chart or a signature cannot be scanned as an image.`);
        const fetched = { bytes, mediaType, digest };
        manifests.set(digest, fetched);
        return fetched;
    };
    return { manifests, fetchManifest };
}
/**
 * Pulls `ref` over the OCI distribution API: HEAD then GET of the manifest (every image media
 * type accepted), the platform chosen from an index (attestations skipped), the config read,
 * each verified against its digest. With `layoutDir`, the image is also written as an OCI
 * layout there, once, for Trivy to read (`trivy image --input`).
 */
async function openRegistryImage(ref, where, platform, access, signal, layoutDir) {
    const parsed = parseRegistryReference(ref);
    let credentials;
    const client = new RegistryClient({
        apiHost: parsed.apiHost,
        registry: parsed.registry,
        repository: parsed.repository,
        insecure: access.insecure,
        credentials: () => (credentials ??= findCredentials(parsed.registry, access.credentials)),
        signal,
        where,
        ...(access.fetch ? { fetch: access.fetch } : {}),
        ...(access.sleep ? { sleep: access.sleep } : {}),
        ...(access.onSecret ? { onSecret: access.onSecret } : {}),
        ...(access.answerTimeoutMs ? { answerTimeoutMs: access.answerTimeoutMs } : {}),
    });
    const { manifests, fetchManifest } = manifestFetcher(client, parsed, where);
    // HEAD first: the digest a tag points to, so the GET that follows is by digest and verified.
    let top;
    if (parsed.pinned)
        top = await fetchManifest(parsed.reference, { digest: parsed.reference });
    else {
        const head = await client.request('manifests', parsed.reference, { method: 'HEAD', accept: ACCEPTED });
        const headDigest = head.headers.get('docker-content-digest') ?? '';
        if (head.status === 404)
            throw new errors/* ToolError */.v4(where, `${parsed.registry} has no ${parsed.repository}:${printable(parsed.reference, 80)} (404); check the name and tag, and that the image was pushed.`);
        top = head.ok && isDigest(headDigest) ? await fetchManifest(headDigest, { digest: headDigest }) : await fetchManifest(parsed.reference);
    }
    const index = INDEXES.has(top.mediaType)
        ? JSON.parse(top.bytes.toString('utf8'))
        : { manifests: [{ mediaType: top.mediaType, digest: top.digest, size: top.bytes.length }] };
    const resolved = await resolveOciIndex(index, async (claim) => {
        const known = manifests.get(claim.digest);
        const fetched = known ?? (await fetchManifest(claim.digest, claim));
        return JSON.parse(fetched.bytes.toString('utf8'));
    }, where, undefined, platform);
    const chosen = manifests.get(resolved.manifest.digest);
    if (!chosen || INDEXES.has(chosen.mediaType))
        throw new errors/* FormatError */.IF(where, `resolves to ${resolved.manifest.digest}, which is not an image manifest.`);
    const config = await fetchSmallBlob(client, resolved.config, where, pull_MAX_CONFIG_BYTES);
    const layout = layoutDir ? await startLayout(layoutDir, resolved, chosen, config, where) : undefined;
    return {
        resolved,
        config,
        layer: (claim) => {
            const chunks = blobChunks(client, claim, where, signal, access.stallMs ?? 60_000);
            return layout ? layout.save(claim, chunks) : chunks;
        },
        finish: async () => {
            await layout?.finish();
        },
    };
}
async function fetchSmallBlob(client, claim, where, max) {
    const response = await client.request('blobs', claim.digest);
    if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        throw new errors/* ToolError */.v4(where, `the registry answered ${describeStatus(response.status)} for the config ${claim.digest}.`);
    }
    const bytes = await readBounded(response, Math.min(claim.size ?? max, max), () => `${where}: the config ${claim.digest}`);
    verifyBlob(where, `the config ${claim.digest}`, claim, { digest: digestOf(bytes, algorithmOf(claim.digest)), size: bytes.length });
    return bytes;
}
/** Reads one chunk, or gives up after `stallMs` without one by aborting the request. */
async function readOrStall(reader, stallMs, request) {
    let timer;
    try {
        return await Promise.race([
            reader.read(),
            new Promise((_, reject) => {
                timer = setTimeout(() => {
                    request.abort();
                    reject(new Error(`no byte for ${stallMs / 1000} s`));
                }, stallMs);
            }),
        ]);
    }
    finally {
        clearTimeout(timer);
    }
}
/**
 * A blob's bytes as they arrive, never more than its descriptor's size, its digest checked at
 * the end (a mismatch fails closed, naming the digest). A connection that breaks or stalls is
 * resumed with a Range request from the last byte received; a server that ignores Range has
 * the bytes already passed skipped.
 */
async function* blobChunks(client, claim, where, signal, stallMs) {
    const size = claim.size ?? Number.MAX_SAFE_INTEGER;
    const digest = new StreamDigest(algorithmOf(claim.digest));
    const what = `layer ${claim.digest}`;
    let interruptions = 0;
    let lastCause = '';
    for (;;) {
        const from = digest.bytes;
        const request = new AbortController();
        const response = await client.request('blobs', claim.digest, { ...(from > 0 ? { from } : {}), signal: request.signal });
        let skip = 0;
        if (response.status === 206 && from > 0) {
            const range = /^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '');
            if (!range || Number(range[1]) !== from) {
                await response.body?.cancel().catch(() => undefined);
                throw new errors/* ToolError */.v4(where, `the registry resumed ${what} at the wrong byte (asked for ${from}).`);
            }
        }
        else if (response.status === 200) {
            skip = from;
            const declared = Number(response.headers.get('content-length') ?? NaN);
            if (Number.isFinite(declared) && claim.size !== undefined && declared !== claim.size) {
                await response.body?.cancel().catch(() => undefined);
                throw new errors/* FormatError */.IF(where, `${what} is announced as ${declared} bytes by the registry but its descriptor says ${claim.size}; the image was altered or is corrupt.`);
            }
        }
        else {
            await response.body?.cancel().catch(() => undefined);
            throw new errors/* ToolError */.v4(where, response.status === 404
                ? `${what} is named by the manifest but the registry does not have it (404).`
                : `the registry answered ${describeStatus(response.status)} for ${what}.`);
        }
        if (!response.body)
            throw new errors/* ToolError */.v4(where, `the registry sent no body for ${what}.`);
        const reader = response.body.getReader();
        try {
            for (;;) {
                const { done, value } = await readOrStall(reader, stallMs, request);
                if (done)
                    break;
                let chunk = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
                if (skip > 0) {
                    const dropped = Math.min(skip, chunk.length);
                    skip -= dropped;
                    chunk = chunk.subarray(dropped);
                    if (chunk.length === 0)
                        continue;
                }
                if (digest.bytes + chunk.length > size)
                    throw new errors/* FormatError */.IF(where, `${what} holds more than the ${size} bytes its descriptor says; the image was altered or is corrupt.`);
                digest.update(chunk);
                yield chunk;
            }
        }
        catch (error) {
            if (error instanceof errors/* FormatError */.IF || signal.aborted)
                throw error;
            lastCause = error instanceof Error ? error.message : String(error);
        }
        finally {
            await reader.cancel().catch(() => undefined);
        }
        if (digest.bytes >= size || claim.size === undefined)
            break;
        // Short of the descriptor's size: the connection broke. Resume where it stopped.
        if (++interruptions > MAX_RESUMES)
            throw new errors/* ToolError */.v4(where, `the transfer of ${what} broke off ${interruptions} times (last at byte ${digest.bytes} of ${size}${lastCause ? `: ${printable(lastCause, 120)}` : ''}); gave up.`);
    }
    verifyBlob(where, what, claim, { digest: digest.digest(), size: digest.bytes });
}
function configPlatform(config) {
    try {
        const json = JSON.parse(config.toString('utf8'));
        return [json.os, json.architecture, json.variant].filter((p) => typeof p === 'string' && /^[a-z0-9_]+$/.test(p)).join('/');
    }
    catch {
        return '';
    }
}
/**
 * The pulled image as an OCI layout: manifest and config written first, each layer as it
 * streams (under a temporary name until verified), index.json last, so that a layout with
 * an index.json is complete.
 */
async function startLayout(dir, resolved, manifest, config, where) {
    for (const algorithm of ['sha256', 'sha512'])
        await (0,promises_.mkdir)((0,external_node_path_.join)(dir, 'blobs', algorithm), { recursive: true, mode: 0o700 });
    const claimed = resolved.layers.reduce((sum, l) => sum + (l.size ?? 0), 0);
    const space = await (0,promises_.statfs)(dir);
    const free = space.bavail * space.bsize;
    if (claimed > free)
        throw new errors/* ToolError */.v4(where, `the image's layers claim ${claimed} bytes, more than the ${free} free where it is written (${dir}); free space or point RUNNER_TEMP elsewhere.`);
    const fileOf = (digest) => (0,external_node_path_.join)(dir, blobPath(digest, where));
    await (0,promises_.writeFile)(fileOf(resolved.manifest.digest), manifest.bytes, { mode: 0o600 });
    await (0,promises_.writeFile)(fileOf(resolved.config.digest), config, { mode: 0o600 });
    await (0,promises_.writeFile)((0,external_node_path_.join)(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}', { mode: 0o600 });
    return {
        async *save(claim, chunks) {
            const final = fileOf(claim.digest);
            const partial = `${final}.partial`;
            const done = { complete: false };
            yield* teed(chunks, partial, done);
            // teed completes only after the source ended, which blobChunks does only once verified.
            if (done.complete)
                await (0,promises_.rename)(partial, final);
        },
        async finish() {
            // The platform as the index said, else as the config says (a single-platform image).
            const [os, architecture, variant] = (resolved.platform ?? configPlatform(config)).split('/');
            const descriptor = {
                mediaType: manifest.mediaType,
                digest: resolved.manifest.digest,
                size: manifest.bytes.length,
                ...(os && architecture ? { platform: { os, architecture, ...(variant ? { variant } : {}) } } : {}),
            };
            await (0,promises_.writeFile)((0,external_node_path_.join)(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [descriptor] }), {
                mode: 0o600,
            });
        },
    };
}

;// CONCATENATED MODULE: ./src/image/read.ts















/** Passes a stream through, telling `onProgress` how far it has got. */
async function* counted(source, onProgress, extra = {}, start = 0) {
    let bytes = start;
    for await (const chunk of source) {
        bytes += chunk.length;
        onProgress?.({ bytes, ...extra });
        yield chunk;
    }
}
function parseJson(buffer, what) {
    if (!buffer)
        throw new errors/* FormatError */.IF(what, 'is missing.');
    try {
        return JSON.parse(buffer.toString('utf8'));
    }
    catch {
        throw new errors/* FormatError */.IF(what, 'is not valid JSON.');
    }
}
function assemble(config, layers, diffIds, notes, where, platform) {
    if (config.diffIds.length !== layers.length) {
        throw new errors/* FormatError */.IF(where, `the config lists ${config.diffIds.length} layers but the manifest ${layers.length}; the image is corrupt.`);
    }
    // Each layer is what the config says it is: the sha256 of its uncompressed tar stream.
    layers.forEach((layer, i) => {
        const expected = config.diffIds[i];
        if (layer.diffId !== expected) {
            throw new errors/* FormatError */.IF(where, `layer ${i + 1} does not match the config's diff_id ${printable(expected, 80)} (its content is ${layer.diffId}); the image was altered or is corrupt.`);
        }
    });
    const filesystem = mergeLayers(layers, where);
    notes.push(...filesystem.warnings);
    const detected = platform ?? (config.os && config.architecture ? [config.os, config.architecture, config.variant].filter(Boolean).join('/') : undefined);
    return {
        config,
        layers: layers.map((contents, i) => ({ contents, ...(diffIds[i] ? { diffId: diffIds[i] } : {}) })),
        filesystem,
        ...(detected ? { platform: detected } : {}),
        notes,
    };
}
function refMatches(tag, wanted) {
    const strip = (r) => r.replace(/^docker\.io\//, '').replace(/^library\//, '');
    return tag === wanted || strip(tag) === strip(wanted) || strip(tag) === `${strip(wanted)}:latest`;
}
function archiveLayer(contents, member, where) {
    const path = followArchiveLinks(contents, member);
    const error = contents.layerErrors.get(path);
    if (error)
        throw error;
    const layer = contents.layers.get(path);
    if (!layer)
        throw new errors/* FormatError */.IF(where, `layer ${printable(member)} is named by the manifest but not in the archive; it is truncated or corrupt.`);
    return layer;
}
/** A `docker save` archive (legacy or Docker ≥ 25) or an OCI archive, already read in one pass. */
async function fromArchive(contents, where, reference, platform) {
    const notes = [];
    const manifestJson = contents.json.get('manifest.json');
    if (manifestJson) {
        const manifest = parseJson(manifestJson, `${where}: manifest.json`);
        if (!Array.isArray(manifest) || manifest.length === 0)
            throw new errors/* FormatError */.IF(where, `manifest.json lists no image.`);
        const entries = manifest;
        const tagsOf = (e) => (Array.isArray(e.RepoTags) ? e.RepoTags.filter((t) => typeof t === 'string') : []);
        let entry;
        if (reference) {
            entry = entries.find((e) => tagsOf(e).some((t) => refMatches(t, reference)));
            if (!entry)
                throw new errors/* FormatError */.IF(where, `holds no image tagged "${printable(reference, 100)}"; tags here: ${entries.flatMap(tagsOf).join(', ') || 'none'}.`);
        }
        else if (entries.length > 1) {
            throw new errors/* FormatError */.IF(where, `holds ${entries.length} images (${entries.flatMap(tagsOf).join(', ') || 'untagged'}); name one as docker-archive:PATH:REF.`);
        }
        else
            entry = entries[0];
        if (!entry || typeof entry.Config !== 'string' || !Array.isArray(entry.Layers))
            throw new errors/* FormatError */.IF(where, `manifest.json has an entry without Config or Layers.`);
        const configPath = followArchiveLinks(contents, entry.Config);
        const configBytes = contents.json.get(configPath);
        // The config's name is its digest (`<hex>.json`, or `blobs/sha256/<hex>` since Docker 25).
        const named = /^(?:blobs\/sha256\/)?([a-f0-9]{64})(?:\.json)?$/.exec(configPath);
        if (configBytes && named) {
            verifyBlob(where, `the config ${printable(entry.Config)}`, { digest: `sha256:${named[1]}` }, { digest: digestOf(configBytes), size: configBytes.length });
        }
        const config = parseImageConfig(parseJson(configBytes, `${where}: config ${printable(entry.Config)}`), where);
        const layers = entry.Layers.map((l) => {
            if (typeof l !== 'string')
                throw new errors/* FormatError */.IF(where, `manifest.json names a layer that is not a path.`);
            return archiveLayer(contents, l, where);
        });
        const tags = tagsOf(entry);
        return { ...assemble(config, layers, config.diffIds, notes, where), ...(tags.length > 0 ? { tags } : {}) };
    }
    const index = contents.json.get('index.json');
    if (!index)
        throw new errors/* FormatError */.IF(where, `has neither manifest.json nor index.json; it is not an image archive.`);
    const readJson = (claim) => Promise.resolve().then(() => {
        const bytes = contents.json.get(followArchiveLinks(contents, blobPath(claim.digest, where)));
        if (bytes)
            verifyBlob(where, `blob ${claim.digest}`, claim, { digest: digestOf(bytes, algorithmOf(claim.digest)), size: bytes.length });
        return parseJson(bytes, `${where}: blob ${claim.digest}`);
    });
    const resolved = await resolveOciIndex(parseJson(index, `${where}: index.json`), readJson, where, reference, platform);
    if (resolved.note)
        notes.push(resolved.note);
    const config = parseImageConfig(await readJson(resolved.config), where);
    const layers = resolved.layers.map((claim) => {
        const path = followArchiveLinks(contents, blobPath(claim.digest, where));
        const layer = archiveLayer(contents, path, where);
        const stored = contents.blobs.get(path);
        if (stored)
            verifyBlob(where, `layer ${claim.digest}`, claim, stored);
        return layer;
    });
    return assemble(config, layers, config.diffIds, notes, where, resolved.platform);
}
/** index.json, manifests and configs larger than this are refused. */
const MAX_LAYOUT_JSON = 16 * 1024 * 1024;
/**
 * Opens a file of an OCI layout for reading, only if it is a regular file inside the layout:
 * no symlink anywhere on its path, no device, FIFO or directory (a FIFO would block the open,
 * /dev/zero would never end), and not larger than `maxBytes`.
 */
async function openLayoutFile(root, relative, where, maxBytes) {
    const full = (0,external_node_path_.join)(root, relative);
    let real;
    try {
        real = await (0,promises_.realpath)(full);
    }
    catch (error) {
        throw new errors/* FormatError */.IF(where, `${relative} cannot be read (${error.code ?? String(error)}).`);
    }
    if (real !== full)
        throw new errors/* FormatError */.IF(where, `${relative} is a link; the blobs of an OCI layout are regular files inside it.`);
    const handle = await (0,promises_.open)(full, external_node_fs_.constants.O_RDONLY | external_node_fs_.constants.O_NOFOLLOW | external_node_fs_.constants.O_NONBLOCK).catch((error) => {
        throw new errors/* FormatError */.IF(where, `${relative} cannot be opened (${error.code ?? error.message}).`);
    });
    const info = await handle.stat();
    if (!info.isFile()) {
        await handle.close();
        throw new errors/* FormatError */.IF(where, `${relative} is not a regular file; the blobs of an OCI layout are regular files.`);
    }
    if (info.size > maxBytes) {
        await handle.close();
        throw new errors/* FormatError */.IF(where, `${relative} is ${info.size} bytes, more than the ${maxBytes} its descriptor allows.`);
    }
    return { handle, size: info.size };
}
async function readLayoutJson(root, relative, where, claim) {
    const { handle, size } = await openLayoutFile(root, relative, where, Math.min(claim?.size ?? MAX_LAYOUT_JSON, MAX_LAYOUT_JSON));
    try {
        const bytes = Buffer.alloc(size);
        const { bytesRead } = await handle.read(bytes, 0, size, 0);
        if (claim)
            verifyBlob(where, `blob ${claim.digest}`, claim, {
                digest: digestOf(bytes.subarray(0, bytesRead), algorithmOf(claim.digest)),
                size: bytesRead,
            });
        return parseJson(bytes.subarray(0, bytesRead), `${where}: ${relative}`);
    }
    finally {
        await handle.close();
    }
}
/** An OCI image layout directory: every blob read from its file, no further than its descriptor's size, and verified. */
async function fromLayout(dir, where, reference, platform, wanted, signal, onProgress) {
    const notes = [];
    const root = await (0,promises_.realpath)(dir);
    let bytesBefore = 0;
    const readJson = (claim) => readLayoutJson(root, blobPath(claim.digest, where), where, claim);
    const index = await readLayoutJson(root, 'index.json', where);
    const resolved = await resolveOciIndex(index, readJson, where, reference, platform);
    if (resolved.note)
        notes.push(resolved.note);
    const config = parseImageConfig(await readJson(resolved.config), where);
    const layers = [];
    for (const [index, claim] of resolved.layers.entries()) {
        const what = `layer ${claim.digest}`;
        const { handle } = await openLayoutFile(root, blobPath(claim.digest, where), where, claim.size ?? Number.MAX_SAFE_INTEGER);
        const stored = new StreamDigest(algorithmOf(claim.digest));
        try {
            const stream = handle.createReadStream({ highWaterMark: 256 * 1024, autoClose: false, ...(signal ? { signal } : {}) });
            layers.push(await readLayer(digesting(counted(stream, onProgress, { layer: { index: index + 1, count: resolved.layers.length } }, bytesBefore), stored, claim.size ?? Number.MAX_SAFE_INTEGER, where, what), `${where} layer ${claim.digest.slice(0, 19)}`, wanted, stored));
        }
        finally {
            await handle.close();
        }
        verifyBlob(where, what, claim, { digest: stored.digest(), size: stored.bytes });
        bytesBefore += stored.bytes;
    }
    return assemble(config, layers, config.diffIds, notes, where, resolved.platform);
}
/** A registry image: each layer streamed from the registry into the layer reader (and the shared layout), verified as it ends. */
async function fromRegistry(reference, where, options, signal) {
    const access = options.registry ?? { credentials: { env: options.env ?? process.env }, insecure: [] };
    const image = await openRegistryImage(reference, where, options.platform, access, signal, options.saveTo);
    const config = parseImageConfig(parseJson(image.config, `${where}: config ${image.resolved.config.digest}`), where);
    const notes = image.resolved.note ? [image.resolved.note] : [];
    const layers = [];
    let bytesBefore = 0;
    const count = image.resolved.layers.length;
    for (const [index, claim] of image.resolved.layers.entries()) {
        layers.push(await readLayer(counted(image.layer(claim), options.onProgress, { layer: { index: index + 1, count } }, bytesBefore), `${where} layer ${claim.digest.slice(0, 19)}`, options.wanted));
        bytesBefore += claim.size ?? 0;
    }
    await image.finish();
    return assemble(config, layers, config.diffIds, notes, where, image.resolved.platform);
}
/** `docker save` streamed straight into the archive reader: no temporary file. */
async function fromDaemon(reference, where, options) {
    const child = (0,external_node_child_process_.spawn)(options.docker ?? 'docker', ['save', '--', reference], {
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(options.env ? { env: options.env } : {}),
    });
    const stderr = [];
    let stderrBytes = 0;
    child.stderr.on('data', (chunk) => {
        if (stderrBytes < 16 * 1024)
            stderr.push(chunk);
        stderrBytes += chunk.length;
    });
    const exited = new Promise((resolve) => {
        child.on('error', (error) => resolve({ code: null, error }));
        child.on('close', (code) => resolve({ code }));
    });
    let contents;
    let readError;
    let timedOut = false;
    // A copy the reader stopped short of (it had all it needed, or failed) is no export: removed.
    const saved = { complete: false };
    const timer = options.timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
        }, options.timeoutMs)
        : undefined;
    try {
        contents = await readImageArchive(counted(teed(child.stdout, options.saveTo, saved), options.onProgress), where, options.wanted);
    }
    catch (error) {
        readError = error;
        child.kill('SIGKILL');
    }
    const { code, error } = await exited;
    if (timer)
        clearTimeout(timer);
    if (options.saveTo && (!saved.complete || readError || timedOut || error || code !== 0))
        await (0,promises_.rm)(options.saveTo, { force: true });
    if (timedOut)
        throw new errors/* ToolError */.v4(where, `docker save did not finish within ${Math.round((options.timeoutMs ?? 0) / 1000)} s (the timeout input); it was stopped.`);
    if (error) {
        const missing = error.code === 'ENOENT';
        throw new errors/* ToolError */.v4(where, missing
            ? 'the docker CLI is not installed or not on PATH; install it, or pass the image as docker-archive:PATH.'
            : `docker save could not start (${error.message}).`);
    }
    if (code !== 0) {
        const message = Buffer.concat(stderr).toString('utf8').trim().split('\n').slice(-3).join(' ');
        throw new errors/* FormatError */.IF(where, (0,errors/* asSentence */.KG)(`docker save exited with ${code}${message ? `: ${printable(message, 400)}` : ''}`));
    }
    if (readError)
        throw readError instanceof Error ? readError : new errors/* FormatError */.IF(where, `${(0,errors/* errorMessage */.gJ)(readError)}`);
    return fromArchive(contents, where, undefined, options.platform);
}
async function read_requireFile(path, where, directory) {
    let info;
    try {
        info = await (0,promises_.stat)(path);
    }
    catch {
        throw new errors/* FormatError */.IF(where, `${path} does not exist.`);
    }
    if (directory && !info.isDirectory())
        throw new errors/* FormatError */.IF(where, `${path} is not a directory; an oci: image is an OCI layout directory (use oci-archive: for a tar).`);
    if (!directory && !info.isFile())
        throw new errors/* FormatError */.IF(where, `${path} is not a file.`);
    return { size: info.size };
}
/**
 * Reads any supported image source into an ImageModel, within `timeoutMs` (the timeout input)
 * for the whole read: streams are stopped when it runs out.
 */
async function readImage(target, options) {
    const where = target.input;
    if (target.source === 'daemon')
        return fromDaemon(target.location, where, options);
    const controller = new AbortController();
    const timer = options.timeoutMs ? setTimeout(() => controller.abort(), options.timeoutMs) : undefined;
    try {
        return await readLocalImage(target, where, options, controller.signal);
    }
    catch (error) {
        if (controller.signal.aborted) {
            throw new errors/* ToolError */.v4(where, `reading the image did not finish within ${Math.round((options.timeoutMs ?? 0) / 1000)} s (the timeout input); it was stopped.`);
        }
        throw error;
    }
    finally {
        if (timer)
            clearTimeout(timer);
    }
}
async function readLocalImage(target, where, options, signal) {
    switch (target.source) {
        case 'docker-archive':
        case 'oci-archive': {
            const totalBytes = (await read_requireFile(target.location, where, false)).size;
            const contents = await readImageArchive(counted((0,external_node_fs_.createReadStream)(target.location, { highWaterMark: 256 * 1024, signal }), options.onProgress, { totalBytes }), where, options.wanted);
            return fromArchive(contents, where, target.reference, options.platform);
        }
        case 'oci':
            await read_requireFile(target.location, where, true);
            return fromLayout(target.location, where, target.reference, options.platform, options.wanted, signal, options.onProgress);
        case 'registry':
            return fromRegistry(target.location, where, options, signal);
        case 'daemon':
            return fromDaemon(target.location, where, options);
    }
}

;// CONCATENATED MODULE: ./src/scanners/builtin/accounts.ts


/** BH210 BH211 BH213: local accounts in /etc/passwd, /etc/shadow and /etc/group. */
const ACCOUNT_FILES = new Set(['etc/passwd', 'etc/shadow', 'etc/group']);
const ACCOUNT_FILE_CAP = 1024 * 1024;
function accountContentWanted(path, size) {
    return ACCOUNT_FILES.has(path) ? Math.min(size, ACCOUNT_FILE_CAP) : 0;
}
function rows(text) {
    if (text === undefined)
        return [];
    return text
        .split('\n')
        .map((line, i) => ({ fields: line.split(':'), line: i + 1 }))
        .filter((r) => r.fields.length >= 3 && !(r.fields[0] ?? '').startsWith('#') && (r.fields[0] ?? '') !== '');
}
function read(image, path) {
    const found = resolvePath(image.model.filesystem, path);
    if (found.kind !== 'found' || !found.placed.file.content)
        return undefined;
    return { text: found.placed.file.content.toString('utf8'), layer: found.placed.layer };
}
function checkAccounts(image) {
    const findings = [];
    const passwd = read(image, 'etc/passwd');
    const shadow = read(image, 'etc/shadow');
    const group = read(image, 'etc/group');
    const users = rows(passwd?.text);
    for (const row of users) {
        const [name, , uid] = row.fields;
        if (uid === '0' && name !== 'root') {
            findings.push(builtinFinding('BH210', image, {
                message: `Account "${name}" has UID 0 (/etc/passwd line ${row.line}): it is root under another name.`,
                path: 'etc/passwd',
                ...(passwd ? { layer: passwd.layer } : {}),
                subject: `uid0:${name}`,
            }));
        }
    }
    const shadowed = new Set();
    for (const row of rows(shadow?.text)) {
        const [name, hash] = row.fields;
        shadowed.add(name);
        if (hash === '') {
            findings.push(builtinFinding('BH211', image, {
                message: `Account "${name}" has an empty password in /etc/shadow (line ${row.line}): it logs in without one. Lock it with passwd -l.`,
                path: 'etc/shadow',
                ...(shadow ? { layer: shadow.layer } : {}),
                subject: `empty:${name}`,
            }));
        }
    }
    for (const row of users) {
        const [name, password] = row.fields;
        if (password === '' && !shadowed.has(name)) {
            findings.push(builtinFinding('BH211', image, {
                message: `Account "${name}" has an empty password field in /etc/passwd (line ${row.line}) and no shadow entry: it logs in without a password.`,
                path: 'etc/passwd',
                ...(passwd ? { layer: passwd.layer } : {}),
                subject: `empty:${name}`,
            }));
        }
    }
    const duplicates = (list, what, file, layer) => {
        const byId = new Map();
        for (const row of list) {
            const id = row.fields[2];
            if (what === 'UID' && id === '0')
                continue; // BH210's business
            byId.set(id, [...(byId.get(id) ?? []), row.fields[0]]);
        }
        for (const [id, names] of byId) {
            if (names.length < 2)
                continue;
            findings.push(builtinFinding('BH213', image, {
                message: `${what} ${id} is shared by ${names.join(', ')} in /${file}.`,
                path: file,
                ...(layer !== undefined ? { layer } : {}),
                subject: `${what}:${id}`,
            }));
        }
    };
    duplicates(users, 'UID', 'etc/passwd', passwd?.layer);
    duplicates(rows(group?.text), 'GID', 'etc/group', group?.layer);
    return findings;
}

// EXTERNAL MODULE: ./node_modules/dockerfile-ast/lib/main.js
var main = __webpack_require__(78390);
;// CONCATENATED MODULE: ./src/dockerfile/stages.ts

function heredocBody(heredoc, lines) {
    const range = heredoc.getContentRange();
    if (!range)
        return '';
    return collapseText(lines.slice(range.start.line, range.end.line + 1).join('\n'));
}
const collapseText = (text) => text.replace(/\s+/g, ' ').trim();
/** `${VAR}`, `$VAR`, `${VAR:-default}` with the ARGs declared before the first FROM. */
function substitute(text, args) {
    return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced, fallback, bare) => {
        const name = braced ?? bare ?? '';
        const value = args.get(name);
        if (value !== undefined && value !== '')
            return value;
        return fallback ?? whole;
    });
}
function initialArgs(document) {
    const args = new Map();
    for (const arg of document.getInitialARGs()) {
        const property = arg.getProperty();
        const name = property?.getName();
        if (name)
            args.set(name, property?.getValue() ?? '');
    }
    return args;
}
/** The stages, each with its FROM; an instruction belongs to the stage whose FROM precedes it. */
class StageIndex {
    stages = [];
    byName = new Map();
    add(stage) {
        const indexed = { index: this.stages.length, ...stage };
        this.stages.push(indexed);
        if (stage.name)
            this.byName.set(stage.name.toLowerCase(), indexed.index);
    }
    /** The stage a line belongs to: the last one whose FROM is at or before it (stages are in line order). */
    at(line) {
        let low = 0;
        let high = this.stages.length - 1;
        let found;
        while (low <= high) {
            const middle = (low + high) >> 1;
            const stage = this.stages[middle];
            if (stage.fromLine <= line) {
                found = stage;
                low = middle + 1;
            }
            else
                high = middle - 1;
        }
        return found;
    }
    ref(reference) {
        const lower = reference.toLowerCase();
        if (this.byName.has(lower))
            return this.byName.get(lower);
        if (/^\d+$/.test(reference) && Number(reference) < this.stages.length)
            return Number(reference);
        return undefined;
    }
}
function readStages(document, args) {
    const index = new StageIndex();
    for (const from of document.getFROMs()) {
        const name = from.getBuildStage() ?? undefined;
        const base = substitute(from.getImage() ?? '', args);
        const baseStage = index.ref(base);
        index.add({
            ...(name ? { name } : {}),
            base,
            fromLine: from.getRange().start.line + 1,
            ...(baseStage !== undefined ? { baseStage } : {}),
            copiesFrom: [],
            adds: [],
            instructions: [],
        });
    }
    return index;
}
function readCopiesFrom(document, index, args) {
    for (const copy of document.getCOPYs()) {
        const source = copy.getFromFlag()?.getValue();
        if (!source)
            continue;
        const line = copy.getRange().start.line + 1;
        const owner = index.at(line);
        if (!owner)
            continue;
        const substituted = substitute(source, args);
        const stage = index.ref(substituted);
        owner.copiesFrom.push(stage !== undefined && stage < owner.index ? { line, stage } : { line, image: substituted });
    }
}
function readInstructions(document, index, lines, args) {
    for (const instruction of document.getInstructions()) {
        const keyword = instruction.getKeyword().toUpperCase();
        if (keyword === 'FROM')
            continue;
        const range = instruction.getRange();
        const owner = index.at(range.start.line + 1);
        if (!owner)
            continue;
        const text = collapseText(instruction.getArgumentsContent() ?? '');
        const heredocs = instruction instanceof main.Run || instruction instanceof main.Copy ? instruction.getHeredocs().map((h) => heredocBody(h, lines)) : [];
        const from = instruction instanceof main.Copy ? instruction.getFromFlag()?.getValue() : undefined;
        const display = collapseText(`${keyword} ${text}`);
        owner.instructions.push({
            kind: keyword,
            line: range.start.line + 1,
            endLine: range.end.line + 1,
            text,
            heredocs,
            ...(from ? { from } : {}),
            display: display.length > 100 ? `${display.slice(0, 99)}…` : display,
        });
        if (instruction instanceof main.Add) {
            const values = instruction.getArguments().map((a) => a
                .getValue()
                .replace(/^\[|\]$|,$/g, '')
                .replace(/^"(.*)"$/, '$1'));
            const checksum = instruction.getFlags().some((f) => f.getName() === 'checksum');
            owner.adds.push({ line: range.start.line + 1, sources: values.slice(0, -1).map((v) => substitute(v, args)), checksum });
        }
    }
}
function parseStages(text) {
    const document = main.DockerfileParser.parse(text);
    const args = initialArgs(document);
    const index = readStages(document, args);
    readCopiesFrom(document, index, args);
    readInstructions(document, index, text.split(/\r?\n/), args);
    return index.stages;
}
/** Stages whose content ends up in the final image: the last stage, its FROM chain, and what they COPY --from. */
function stagesInImage(stages) {
    const last = stages[stages.length - 1];
    if (!last)
        return [];
    const seen = new Set();
    const queue = [last.index];
    while (queue.length > 0) {
        const index = queue.pop();
        if (seen.has(index))
            continue;
        seen.add(index);
        const stage = stages[index];
        if (stage.baseStage !== undefined)
            queue.push(stage.baseStage);
        for (const copy of stage.copiesFrom)
            if (copy.stage !== undefined)
                queue.push(copy.stage);
    }
    return stages.filter((s) => seen.has(s.index));
}

;// CONCATENATED MODULE: ./src/scanners/builtin/dockerfile.ts


/** BH109: base images of the stages that end in the image, pinned by digest or not. BH106: ADD from a URL without a checksum. */
const dockerfile_DIGEST = /@[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;
function tagOf(reference) {
    const lastSlash = reference.lastIndexOf('/');
    const colon = reference.indexOf(':', lastSlash + 1);
    return colon >= 0 ? reference.slice(colon + 1) : undefined;
}
function unpinned(reference) {
    if (reference.toLowerCase() === 'scratch' || dockerfile_DIGEST.test(reference))
        return undefined;
    // A FROM the ARG defaults could not resolve: its real value is only known at build time.
    if (reference.includes('$'))
        return undefined;
    const tag = tagOf(reference);
    return tag === undefined ? 'no tag (so latest)' : tag === 'latest' ? 'the latest tag' : `tag ${tag}`;
}
function checkDockerfile(dockerfile, text) {
    const findings = [];
    const subject = { input: dockerfile, key: dockerfile };
    for (const stage of stagesInImage(parseStages(text))) {
        if (stage.baseStage === undefined) {
            const how = unpinned(stage.base);
            if (how) {
                findings.push(builtinFinding('BH109', subject, {
                    message: `FROM ${stage.base}${stage.name ? ` (stage ${stage.name})` : ''} is pinned by ${how}, not by digest: pin it as ${stage.base.split('@')[0]}@sha256:<digest>.`,
                    subject: `from:${stage.base.replace(/:[^/:]*$/, '')}`,
                    file: dockerfile,
                    line: stage.fromLine,
                }));
            }
        }
        for (const add of stage.adds) {
            if (add.checksum)
                continue;
            for (const source of add.sources) {
                if (!/^https?:\/\//i.test(source))
                    continue;
                let shown = source;
                try {
                    const url = new URL(source);
                    shown = `${url.protocol}//${url.host}${url.pathname}`;
                }
                catch {
                    // An unparsable URL is shown as written, minus nothing: it holds no query to hide.
                }
                findings.push(builtinFinding('BH106', subject, {
                    message: `ADD ${shown} fetches a file without a checksum: download and verify it, or use ADD --checksum=sha256:….`,
                    subject: `add:${shown}`,
                    file: dockerfile,
                    line: add.line,
                }));
            }
        }
        for (const copy of stage.copiesFrom) {
            const how = copy.image !== undefined ? unpinned(copy.image) : undefined;
            if (copy.image !== undefined && how) {
                findings.push(builtinFinding('BH109', subject, {
                    message: `COPY --from=${copy.image} takes files from an image pinned by ${how}, not by digest.`,
                    subject: `copy-from:${copy.image.replace(/:[^/:]*$/, '')}`,
                    file: dockerfile,
                    line: copy.line,
                }));
            }
        }
    }
    return findings;
}

;// CONCATENATED MODULE: ./src/scanners/builtin/filesystem.ts



/** BH201 BH202 BH203 BH207 BH208 BH212: what the final filesystem holds. */
const SETUID = 0o4000;
const SETGID = 0o2000;
const STICKY = 0o1000;
function newestLayer(items) {
    return items.reduce((max, p) => (max === undefined || p.layer > max ? p.layer : max), undefined);
}
function filesystem_sorted(items) {
    return items.sort((a, b) => a.file.path.localeCompare(b.file.path));
}
function checkFilesystem(image) {
    const findings = [];
    const setuid = [];
    const capable = [];
    const writable = [];
    const gitDirs = [];
    for (const placed of image.model.filesystem.files.values()) {
        const { file } = placed;
        if (file.type === 'file' && file.mode & (SETUID | SETGID))
            setuid.push(placed);
        if (file.capability !== undefined && file.type === 'file')
            capable.push(placed);
        if ((file.type === 'file' || file.type === 'dir') && file.mode & 0o002 && !(file.type === 'dir' && file.mode & STICKY))
            writable.push(placed);
        if (file.type === 'dir' && baseName(file.path) === '.git')
            gitDirs.push(placed);
    }
    if (setuid.length > 0) {
        const paths = filesystem_sorted(setuid).map((p) => `${p.file.path}${p.file.mode & SETUID ? '' : ' (setgid)'}`);
        findings.push(builtinFinding('BH201', image, {
            message: `${setuid.length} setuid/setgid file${setuid.length === 1 ? '' : 's'}: ${listSome(paths)}. Remove the bits unless the workload needs them.`,
            subject: 'setuid',
            ...filesystem_layerOf(newestLayer(setuid)),
        }));
    }
    for (const placed of filesystem_sorted(capable)) {
        findings.push(builtinFinding('BH202', image, {
            message: `/${placed.file.path} carries file capabilities (security.capability ${placed.file.capability?.slice(0, 24)}), added in ${layerLabel(image, placed.layer)}.`,
            path: placed.file.path,
            layer: placed.layer,
        }));
    }
    if (writable.length > 0) {
        findings.push(builtinFinding('BH203', image, {
            message: `${writable.length} world-writable path${writable.length === 1 ? '' : 's'} without the sticky bit: ${listSome(filesystem_sorted(writable).map((p) => `${p.file.path} (${(p.file.mode & 0o7777).toString(8).padStart(4, '0')})`))}.`,
            subject: 'world-writable',
            ...filesystem_layerOf(newestLayer(writable)),
        }));
    }
    for (const placed of filesystem_sorted(gitDirs)) {
        findings.push(builtinFinding('BH212', image, {
            message: `/${placed.file.path} is a git repository copied into the image by ${layerLabel(image, placed.layer)}: its history and config ship with the image.`,
            path: placed.file.path,
            layer: placed.layer,
        }));
    }
    findings.push(...checkCaches(image), ...checkSudo(image));
    return findings;
}
function filesystem_layerOf(layer) {
    return layer === undefined ? {} : { layer };
}
const CACHES = [
    { name: 'apt package lists', dir: /^var\/lib\/apt\/lists\//, ignore: /^var\/lib\/apt\/lists\/(lock|partial(\/.*)?|auxfiles(\/.*)?)$/ },
    { name: 'downloaded .deb files', dir: /^var\/cache\/apt\/archives\/[^/]+\.deb$/ },
    { name: 'apt package caches', dir: /^var\/cache\/apt\/(pkgcache|srcpkgcache)\.bin$/ },
    { name: 'apk cache', dir: /^(var\/cache\/apk|etc\/apk\/cache)\/[^/]+$/, ignore: /\/installed$/ },
    { name: 'yum/dnf cache', dir: /^var\/cache\/(yum|dnf)\/.+/ },
    { name: 'pip cache', dir: /^(root|home\/[^/]+)\/\.cache\/pip\/.+/ },
    { name: 'npm cache', dir: /^(root|home\/[^/]+)\/\.npm\/_cacache\/.+/ },
    { name: 'yarn cache', dir: /^(usr\/local\/share\/\.cache\/yarn|(root|home\/[^/]+)\/\.cache\/yarn)\/.+/ },
];
function checkCaches(image) {
    const found = new Map();
    for (const placed of image.model.filesystem.files.values()) {
        if (placed.file.type !== 'file')
            continue;
        const path = placed.file.path;
        for (const cache of CACHES) {
            if (!cache.dir.test(path) || cache.ignore?.test(path))
                continue;
            const entry = found.get(cache.name) ?? { files: 0, bytes: 0, layer: placed.layer, example: path };
            entry.files += 1;
            entry.bytes += placed.file.size;
            entry.layer = Math.max(entry.layer, placed.layer);
            found.set(cache.name, entry);
            break;
        }
    }
    if (found.size === 0)
        return [];
    const parts = [...found.entries()].map(([name, e]) => `${name} (${e.files} file${e.files === 1 ? '' : 's'}, ${formatBytes(e.bytes)}, e.g. /${e.example})`);
    const layer = Math.max(...[...found.values()].map((e) => e.layer));
    return [
        builtinFinding('BH207', image, {
            message: `Package-manager caches left in the image: ${parts.join('; ')}. Clean them in the same RUN that installs.`,
            subject: 'caches',
            layer,
        }),
    ];
}
function formatBytes(bytes) {
    if (bytes < 1024)
        return `${bytes} B`;
    if (bytes < 1024 * 1024)
        return `${(bytes / 1024).toFixed(1)} KiB`;
    return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
function checkSudo(image) {
    const findings = [];
    const fs = image.model.filesystem;
    for (const candidate of ['usr/bin/sudo', 'bin/sudo', 'usr/local/bin/sudo', 'usr/sbin/sudo']) {
        const found = resolvePath(fs, candidate);
        if (found.kind === 'found' && found.placed.file.type === 'file') {
            findings.push(builtinFinding('BH208', image, {
                message: `sudo is installed (/${found.path}, ${layerLabel(image, found.placed.layer)}).`,
                path: found.path,
                layer: found.placed.layer,
                subject: 'sudo',
            }));
            break;
        }
    }
    for (const placed of fs.files.values()) {
        const path = placed.file.path;
        if (path !== 'etc/sudoers' && !path.startsWith('etc/sudoers.d/'))
            continue;
        const text = placed.file.content?.toString('utf8') ?? '';
        const grants = text
            .split('\n')
            .map((line) => line.trim())
            .filter((line) => !line.startsWith('#') && /\bNOPASSWD\s*:/.test(line));
        if (grants.length === 0)
            continue;
        const who = grants.map((line) => line.split(/\s+/)[0]).join(', ');
        findings.push(builtinFinding('BH208', image, {
            message: `/${path} grants NOPASSWD to ${who}: any process running as them becomes root.`,
            path,
            layer: placed.layer,
        }));
    }
    return findings;
}

;// CONCATENATED MODULE: ./src/scanners/builtin/history.ts




/** BH104 BH106 BH107: what the image history (`created_by`) shows about the build. */
/** The layer index a history entry made, if it made one. */
function history_layerOf(entry, layers) {
    if (entry.emptyLayer)
        return undefined;
    const index = layers.indexOf(entry);
    return index >= 0 ? index : undefined;
}
/** Credentials in one history line, found without printing them. */
async function historySecrets(createdBy) {
    return dedupe([...(await detectSecrets(createdBy, 'history')), ...credentialsInCommand(createdBy)]);
}
const REMOTE_ADD = /^(?:\/bin\/sh -c #\(nop\)\s*)?ADD\s+(?:--[a-z-]+(?:=\S+)?\s+)*(https?:\/\/\S+)/i;
const PIPED_TO_SHELL = [
    /\b(?:curl|wget)\b[^|;&]*\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:env\s+\S+\s+)*(?:\/(?:usr\/)?bin\/)?(?:ba|z|da|k|c|tc)?sh\b/,
    /\b(?:curl|wget)\b[^|;&]*\|\s*(?:sudo\s+)?(?:\/(?:usr\/)?bin\/)?(?:python[0-9.]*|perl|ruby|node)\b/,
    /\b(?:ba|z|da)?sh\s+-c\s+["']?\$\(\s*(?:curl|wget)\b/,
    /\b(?:ba|z)?sh\s+<\(\s*(?:curl|wget)\b/,
];
function pipesRemoteScript(createdBy) {
    return PIPED_TO_SHELL.some((pattern) => pattern.test(createdBy));
}
function remoteAddUrl(createdBy) {
    const text = createdBy.replace(/ # buildkit$/, '');
    const match = REMOTE_ADD.exec(text);
    if (!match)
        return undefined;
    // Only scheme, host and path: a URL's query may hold a token.
    try {
        const url = new URL(match[1]);
        return `${url.protocol}//${url.host}${url.pathname}`;
    }
    catch {
        return undefined;
    }
}
async function checkHistory(image) {
    const findings = [];
    const history = image.model.config.history;
    const layers = layerHistory(image.model.config);
    for (const [position, entry] of history.entries()) {
        const layer = history_layerOf(entry, layers);
        const at = { historyStep: position, ...(layer !== undefined ? { layer } : {}) };
        // image.commands holds the history already masked.
        const step = `history step ${position + 1} (${describeStep(classifyHistory(image.commands[position] ?? ''), 60)})`;
        const secrets = await historySecrets(entry.createdBy);
        for (const hit of secrets)
            image.found.add(hit.value);
        if (secrets.length > 0) {
            findings.push(builtinFinding('BH104', image, {
                message: `Build history ${step} holds a credential (${secrets.map((s) => `${s.kind} sha256 ${s.hash}…`).join('; ')}; values not shown). Use a secret mount and rotate it.`,
                subject: `history:${secrets
                    .map((s) => s.hash)
                    .sort()
                    .join(',')}`,
                ...at,
            }));
        }
        const url = remoteAddUrl(entry.createdBy);
        if (url) {
            findings.push(builtinFinding('BH106', image, {
                message: `${step} ADDs ${url} without a checksum: download and verify it, or use ADD --checksum.`,
                subject: `add:${url}`,
                ...at,
            }));
        }
        if (pipesRemoteScript(entry.createdBy)) {
            findings.push(builtinFinding('BH107', image, {
                message: `${step} pipes a downloaded script into an interpreter: download it, verify a pinned checksum, then run it.`,
                subject: `pipe:${classifyHistory(entry.createdBy).text}`,
                ...at,
            }));
        }
    }
    return findings;
}

;// CONCATENATED MODULE: ./src/scanners/builtin/secretFiles.ts



/** BH204 BH205 BH206 BH209: keys and credential files, in the final view and in lower layers. */
const CREDENTIAL_FILE_CAP = 256 * 1024;
const SSH_HOST_KEY = /^etc\/ssh\/ssh_host_[a-z0-9]+_key$/;
const ENV_TEMPLATE = /\.(example|sample|template|dist|defaults|tmpl|tpl)$/i;
function credentialKind(path) {
    const name = baseName(path);
    if (path.endsWith('.aws/credentials'))
        return 'aws';
    if (path.endsWith('.docker/config.json'))
        return 'docker';
    if (name === '.npmrc' || path === 'etc/npmrc' || path.endsWith('/etc/npmrc'))
        return 'npm';
    if (name === '.yarnrc' || name === '.yarnrc.yml')
        return 'yarn';
    if (name === '.netrc' || name === '_netrc')
        return 'netrc';
    if (name === '.git-credentials')
        return 'git';
    if (name === '.pypirc')
        return 'pypi';
    if (path.endsWith('.kube/config') || name === 'kubeconfig' || name === 'admin.conf')
        return 'kube';
    if ((name === '.env' || name.startsWith('.env.')) && !ENV_TEMPLATE.test(name))
        return 'dotenv';
    return undefined;
}
const PKCS12 = /\.(p12|pfx)$/i;
/** Which file bodies the secret checks read: credential files, PKCS#12 headers. */
function secretContentWanted(path, size) {
    if (credentialKind(path))
        return Math.min(size, CREDENTIAL_FILE_CAP);
    if (PKCS12.test(path))
        return 16;
    return 0;
}
const lines = (text) => text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith(';'));
function assignmentHits(text, pattern, kind) {
    const hits = [];
    for (const line of lines(text)) {
        const match = pattern.exec(line);
        if (match && isLiteralSecretValue(match[1]))
            hits.push(secretHit(kind, match[1]));
    }
    return hits;
}
/** The credentials a credential file holds (structure of each format), plus secretlint's view. */
async function credentialFileSecrets(kind, text, path) {
    const hits = [];
    switch (kind) {
        case 'aws':
            hits.push(...assignmentHits(text, /^aws_secret_access_key\s*=\s*(\S+)/i, 'AWS secret access key'), ...assignmentHits(text, /^aws_session_token\s*=\s*(\S+)/i, 'AWS session token'));
            break;
        case 'docker': {
            try {
                const json = JSON.parse(text);
                for (const [registry, entry] of Object.entries(json.auths ?? {})) {
                    for (const field of ['auth', 'identitytoken', 'password']) {
                        const value = entry?.[field];
                        if (typeof value === 'string' && value.length > 0)
                            hits.push(secretHit(`registry ${field} for ${registry}`, value));
                    }
                }
            }
            catch {
                // Not JSON: secretlint below still looks at it.
            }
            break;
        }
        case 'npm':
            hits.push(...assignmentHits(text, /(?:^|:)_(?:authToken|auth|password)\s*=\s*(.+)$/, 'npm auth token'));
            break;
        case 'yarn':
            hits.push(...assignmentHits(text, /npmAuth(?:Token|Ident)\s*[:=]\s*["']?([^"'\s]+)/, 'yarn auth token'), ...assignmentHits(text, /_authToken\s*[= ]\s*["']?([^"'\s]+)/, 'yarn auth token'));
            break;
        case 'netrc':
            for (const match of text.matchAll(/\bpassword\s+(\S+)/g))
                if (isLiteralSecretValue(match[1]))
                    hits.push(secretHit('netrc password', match[1]));
            break;
        case 'git':
            for (const match of text.matchAll(/:\/\/[^\s:@/]+:([^\s@/]+)@/g))
                if (isLiteralSecretValue(match[1]))
                    hits.push(secretHit('git credential', match[1]));
            break;
        case 'pypi':
            hits.push(...assignmentHits(text, /^password\s*[:=]\s*(\S+)/i, 'PyPI password'));
            break;
        case 'kube':
            hits.push(...assignmentHits(text, /^-?\s*token:\s*["']?([^"'\s]+)/, 'kubeconfig token'), ...assignmentHits(text, /^client-key-data:\s*(\S+)/, 'kubeconfig client key'), ...assignmentHits(text, /^password:\s*["']?([^"'\s]+)/, 'kubeconfig password'));
            break;
        case 'dotenv':
            for (const line of lines(text)) {
                const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(line);
                if (match && isCredentialName(match[1]) && isLiteralSecretValue(match[2]))
                    hits.push(secretHit(`${match[1]}=…`, match[2].trim()));
            }
            break;
    }
    hits.push(...(await detectSecrets(text, path)));
    return dedupe(hits);
}
/** What secret a file holds, if any: a private key, a PKCS#12 bundle, or credentials. */
async function fileSecret(file, found) {
    if (file.type !== 'file')
        return undefined;
    if (file.privateKey)
        return { rule: SSH_HOST_KEY.test(file.path) ? 'BH209' : 'BH204', kinds: [file.privateKey] };
    if (PKCS12.test(file.path) && file.content && file.content[0] === 0x30)
        return { rule: 'BH204', kinds: ['PKCS#12 bundle'] };
    const kind = credentialKind(file.path);
    if (kind && file.content) {
        const hits = await credentialFileSecrets(kind, file.content.toString('utf8'), file.path);
        for (const hit of hits)
            found?.add(hit.value);
        if (hits.length > 0)
            return { rule: 'BH205', kinds: [...new Set(hits.map((h) => h.kind))] };
    }
    return undefined;
}
async function checkSecretFiles(image) {
    const findings = [];
    const fs = image.model.filesystem;
    const candidates = [...fs.files.values()]
        .filter((p) => p.file.privateKey || p.file.content)
        .sort((a, b) => a.file.path.localeCompare(b.file.path));
    for (const placed of candidates) {
        const secret = await fileSecret(placed.file, image.found);
        if (!secret)
            continue;
        const where = `/${placed.file.path}, added by ${layerLabel(image, placed.layer)}`;
        const message = secret.rule === 'BH209'
            ? `SSH host private key ${where}: every container shares it. Delete it in the RUN that installs the server.`
            : secret.rule === 'BH204'
                ? `Private key material (${secret.kinds.join(', ')}; sha256 ${placed.file.contentHash ?? '?'}…) at ${where}. Remove it and revoke the key.`
                : `Credential file ${where} holds ${secret.kinds.join(', ')} (values not shown). Remove it and rotate the credentials.`;
        findings.push(builtinFinding(secret.rule, image, { message, path: placed.file.path, layer: placed.layer }));
    }
    // A secret a later layer deleted or replaced is still in the lower layer's tar.
    const reported = new Set();
    for (const hidden of fs.hidden) {
        const secret = await fileSecret(hidden.file, image.found);
        if (!secret)
            continue;
        const key = `${hidden.file.path}\u0000${hidden.layer}`;
        if (reported.has(key))
            continue;
        reported.add(key);
        findings.push(builtinFinding('BH206', image, {
            message: `/${hidden.file.path} (${secret.kinds.join(', ')}) was added by ${layerLabel(image, hidden.layer)} and ${hidden.how} by ${layerLabel(image, hidden.hiddenBy)}, ` +
                `but it is still in ${hidden.layer === 0 ? 'the first' : 'the lower'} layer for anyone who pulls the image. Keep it out of every layer and rotate it.`,
            path: hidden.file.path,
            layer: hidden.layer,
            subject: `${hidden.file.path}@${hidden.file.contentHash ?? ''}`,
            related: [{ layer: hidden.hiddenBy, role: hidden.how }],
        }));
    }
    return findings;
}

;// CONCATENATED MODULE: ./src/workloads/compose.ts

/**
 * Compose services as workloads (Compose Specification). A service with `extends` (within the
 * file) reads its own fields first, then its base's; lists that Compose merges (cap_add,
 * security_opt, ports, volumes …) are joined. Services under `profiles` are read too: they run
 * whenever the profile is enabled.
 */
const JOINED = new Set(['cap_add', 'cap_drop', 'security_opt', 'ports', 'volumes', 'environment', 'sysctls']);
class ServiceFields {
    chain;
    constructor(chain) {
        this.chain = chain;
    }
    get(key) {
        for (const view of this.chain) {
            const found = view.get(key);
            if (found)
                return found;
        }
        return undefined;
    }
    at(...path) {
        const [first, ...rest] = path;
        return first === undefined ? undefined : this.get(first)?.at(...rest);
    }
    /** A list field, joined across extends (own items first). */
    list(key) {
        const views = JOINED.has(key) ? this.chain.map((v) => v.get(key)) : [this.get(key)];
        return views.flatMap((v) => (v ? v.items(key) : []));
    }
}
function extendsChain(services, name, notes) {
    const chain = [];
    const seen = new Set();
    let current = name;
    while (current !== undefined) {
        const view = services.get(current);
        if (!view) {
            chain[0]?.fail(`extends names the service "${current}", which the file does not define.`);
            break;
        }
        if (seen.has(current))
            throw view.error(`extends makes a loop through the service "${current}".`);
        seen.add(current);
        chain.push(view);
        const ext = view.get('extends');
        if (!ext)
            break;
        if (ext.isMap()) {
            if (ext.get('file')) {
                notes.push(`${view.file}: the service ${current} extends a service of another file, which bulkhead does not follow; its own fields are checked.`);
                break;
            }
            current = ext.get('service')?.text('extends.service');
        }
        else
            current = ext.text('extends');
    }
    return chain;
}
function textAt(view, what) {
    const value = view?.text(what);
    return view && value !== undefined ? { value, line: view.line } : undefined;
}
/** `[HOST:]CONTAINER[:MODE]` bind mounts and the long form `{type: bind, source, target, read_only}`. */
function bindOf(item) {
    if (item.isMap()) {
        if (item.get('type')?.text('volumes type') !== 'bind')
            return undefined;
        const source = item.get('source')?.text('volumes source');
        return {
            ...(source ? { source } : {}),
            target: item.get('target')?.text('volumes target') ?? '',
            readOnly: item.get('read_only')?.bool('volumes read_only') ?? false,
        };
    }
    const parts = (item.text('volumes') ?? '').split(':');
    // A Windows drive letter (C:\… or C:/…) keeps its colon.
    if (/^[A-Za-z]$/.test(parts[0] ?? '') && /^[\\/]/.test(parts[1] ?? ''))
        parts.splice(0, 2, `${parts[0]}:${parts[1]}`);
    if (parts.length < 2)
        return undefined;
    return { ...(parts[0] ? { source: parts[0] } : {}), target: parts[1] ?? '', readOnly: (parts[2] ?? '').split(',').includes('ro') };
}
function hostMountOf(item, service) {
    const bind = bindOf(item);
    if (!bind?.source)
        return undefined;
    const { source, target, readOnly } = bind;
    const relative = /^\.\.?([\\/]|$)/.test(source);
    const absolute = source.startsWith('/') || source.startsWith('~') || /^[A-Za-z]:[\\/]/.test(source);
    if (!relative && !absolute)
        return undefined; // a named volume
    return { hostPath: source, relative, mountedBy: [{ container: service, path: target, readOnly }], line: item.line };
}
/** `[[IP:]HOST:]CONTAINER[/PROTO]` and the long form `{target, published, host_ip}`. */
function portOf(item) {
    if (item.isMap()) {
        const hostIp = item.get('host_ip')?.text('ports host_ip');
        const published = item.get('published')?.text('ports published');
        const target = item.get('target')?.text('ports target') ?? '';
        const hostPort = Number.parseInt(published ?? '', 10);
        const containerPort = Number.parseInt(target, 10);
        return {
            text: `${hostIp ? `${hostIp}:` : ''}${published ? `${published}:` : ''}${target}`,
            ...(Number.isFinite(containerPort) ? { containerPort } : {}),
            ...(Number.isFinite(hostPort) ? { hostPort } : {}),
            ...(hostIp ? { hostIp } : {}),
            line: item.line,
        };
    }
    const text = item.text('ports') ?? '';
    const bare = text.replace(/\/(tcp|udp|sctp)$/i, '');
    // An IPv6 host IP is written in brackets: [::1]:8080:80.
    const ipv6 = /^\[([^\]]+)\]:(.*)$/.exec(bare);
    const parts = ipv6 ? [ipv6[1], ...ipv6[2].split(':')] : bare.split(':');
    const hostIp = parts.length === 3 ? parts[0] : undefined;
    const hostPort = parts.length >= 2 ? Number.parseInt(parts[parts.length - 2], 10) : undefined;
    const containerPort = Number.parseInt(parts[parts.length - 1], 10);
    return {
        text,
        ...(Number.isFinite(containerPort) ? { containerPort } : {}),
        ...(hostPort !== undefined && Number.isFinite(hostPort) ? { hostPort } : {}),
        ...(hostIp ? { hostIp } : {}),
        line: item.line,
    };
}
function environmentOf(fields) {
    const env = [];
    const view = fields.get('environment');
    if (view) {
        if (view.isMap()) {
            for (const [name, value] of view.entries()) {
                const raw = value.raw('environment value');
                value.text('environment value'); // interpolated as Compose does: a ${VAR:?} error or an unset variable is said
                if (raw !== undefined)
                    env.push({ name, value: raw, line: value.line });
            }
        }
        else {
            for (const item of view.items('environment')) {
                const raw = item.raw('environment') ?? '';
                item.text('environment');
                const eq = raw.indexOf('=');
                if (eq > 0)
                    env.push({ name: raw.slice(0, eq), value: raw.slice(eq + 1), line: item.line });
            }
        }
    }
    return env;
}
function securityOptions(fields) {
    const options = {};
    for (const item of fields.list('security_opt')) {
        const text = (item.text('security_opt') ?? '').trim();
        const [key = '', value = ''] = text.split(/[=:](.*)/s);
        const lower = key.toLowerCase();
        if (lower === 'no-new-privileges')
            options.noNewPrivileges = { value: value === '' || value === 'true', line: item.line };
        else if (lower === 'seccomp')
            options.seccomp = { value: value === 'unconfined' ? 'Unconfined' : value, line: item.line };
        else if (lower === 'apparmor')
            options.appArmor = { value: value === 'unconfined' ? 'Unconfined' : value, line: item.line };
        else if (lower === 'label' && value === 'disable')
            options.labelDisabled = { value: true, line: item.line };
    }
    return options;
}
function limitsOf(fields) {
    const pick = (...views) => {
        const view = views.find((v) => v !== undefined && !v.isNull());
        return textAt(view, 'limit');
    };
    const memory = pick(fields.at('deploy', 'resources', 'limits', 'memory'), fields.get('mem_limit'));
    const cpu = pick(fields.at('deploy', 'resources', 'limits', 'cpus'), fields.get('cpus'));
    const pids = pick(fields.at('deploy', 'resources', 'limits', 'pids'), fields.get('pids_limit'));
    return { ...(memory ? { memory } : {}), ...(cpu ? { cpu } : {}), ...(pids ? { pids } : {}) };
}
const HOST_MODES = [
    ['network_mode', 'network_mode: host'],
    ['pid', 'pid: host'],
    ['ipc', 'ipc: host'],
    ['userns_mode', 'userns_mode: host'],
    ['uts', 'uts: host'],
];
function serviceOf(name, fields, key, file) {
    const options = securityOptions(fields);
    const hostNamespaces = HOST_MODES.flatMap(([field, label]) => {
        const view = fields.get(field);
        return view?.text(field)?.trim().toLowerCase() === 'host' ? [{ field: label, line: view.line }] : [];
    });
    const hostMounts = fields.list('volumes').flatMap((item) => hostMountOf(item, name) ?? []);
    const image = textAt(fields.get('image'), 'image');
    const privileged = fields.get('privileged');
    const readOnly = fields.get('read_only');
    const user = textAt(fields.get('user'), 'user');
    const caps = (field) => fields.list(field).map((item) => ({ value: (item.text(field) ?? '').toUpperCase().replace(/^CAP_/, ''), line: item.line }));
    const container = {
        name,
        role: 'service',
        line: key.line,
        ...(image ? { image } : {}),
        ...(fields.get('build') ? { built: true } : {}),
        ...(privileged && privileged.bool('privileged') !== undefined
            ? { privileged: { value: privileged.bool('privileged'), line: privileged.line } }
            : {}),
        ...(options.noNewPrivileges
            ? { allowPrivilegeEscalation: { value: !options.noNewPrivileges.value, line: options.noNewPrivileges.line } }
            : {}),
        ...(user ? { runAsUser: { value: (user.value.split(':')[0] ?? '').trim(), line: user.line } } : {}),
        ...(readOnly && readOnly.bool('read_only') !== undefined
            ? { readOnlyRootFilesystem: { value: readOnly.bool('read_only'), line: readOnly.line } }
            : {}),
        capDrop: caps('cap_drop'),
        capAdd: caps('cap_add'),
        ...(options.seccomp ? { seccomp: options.seccomp } : {}),
        ...(options.appArmor ? { appArmor: options.appArmor } : {}),
        ...(options.labelDisabled ? { seLinux: { value: { disabled: true }, line: options.labelDisabled.line } } : {}),
        ports: fields.list('ports').map(portOf),
        env: environmentOf(fields),
        limits: limitsOf(fields),
        volumeMounts: [],
    };
    const sysctls = fields.get('sysctls');
    return {
        platform: 'compose',
        kind: 'service',
        name,
        namespace: file,
        file,
        line: key.line,
        podLabels: {},
        hostNamespaces,
        hostMounts,
        volumes: [],
        podLine: key.line,
        sysctls: sysctls?.isMap()
            ? sysctls.entries().map(([sysctl, view]) => ({ value: sysctl, line: view.line }))
            : (sysctls?.items('sysctls') ?? []).map((item) => ({ value: (item.text('sysctls') ?? '').split('=')[0] ?? '', line: item.line })),
        containers: [container],
    };
}
/** Reads the services of a Compose file (already parsed with interpolation). */
function readCompose(file, set, notes) {
    const [root, ...more] = file.documents;
    if (!root || root.isNull())
        throw new errors/* FormatError */.IF(file.file, 'is empty; a Compose file needs services.');
    if (more.length > 0)
        more[0]?.fail('a Compose file holds one YAML document; this is a second one.');
    if (!root.isMap())
        throw root.error('a Compose file must be a mapping with services.');
    const services = root.get('services');
    if (!services || !services.isMap())
        throw root.error('has no services mapping; is it a Compose file?');
    for (const [name, view] of services.entries()) {
        if (!view.isMap())
            throw view.error(`the service ${name} must be a mapping.`);
        const chain = extendsChain(services, name, notes);
        set.workloads.push(serviceOf(name, new ServiceFields(chain), view, file.file));
    }
}

;// CONCATENATED MODULE: ./src/workloads/crossCheck.ts

/**
 * BH330–BH332: the manifest read against the image the same run scanned. These are the settings
 * that look right in review and fail when the kubelet or the program meets the real image.
 */
function runsNonRoot(c, image) {
    if (c.runAsUser !== undefined)
        return !isRootUser(c.runAsUser.value);
    return c.runAsNonRoot?.value === true || !isRootUser(image.user);
}
function nonRootImpossible(workload, c, image) {
    if (workload.platform !== 'kubernetes' || c.runAsNonRoot?.value !== true || c.runAsUser !== undefined)
        return [];
    const root = isRootUser(image.user);
    if (!root && numericUid(image.user) !== undefined)
        return [];
    const why = root
        ? `the image ${image.reference} runs as root${image.user ? ` (USER ${image.user})` : ' (no USER)'}, so the kubelet refuses to start it ("image will run as root")`
        : `the image ${image.reference} names its user (USER ${image.user}) instead of giving a UID, so the kubelet cannot verify it and refuses to start it`;
    return [
        {
            ruleId: 'BH330',
            severity: 'high',
            line: c.runAsNonRoot.line,
            message: `Container ${c.name} of ${workload.kind} ${workload.name} sets runAsNonRoot: true with no runAsUser, but ${why}. Set \`runAsUser\` to the image's non-root UID, or make the image's last USER a number.`,
            subject: `${c.name}:nonroot-image`,
            container: c.name,
        },
    ];
}
function droppedNeeds(workload, c, image) {
    const hits = [];
    const dropsAll = c.capDrop.find((cap) => cap.value === 'ALL');
    const added = new Set(c.capAdd.map((cap) => cap.value));
    const label = workload.platform === 'kubernetes' ? `Container ${c.name} of ${workload.kind} ${workload.name}` : `Service ${workload.name}`;
    for (const file of image.fileCapabilities) {
        for (const capability of file.capabilities) {
            const drop = dropsAll ?? c.capDrop.find((cap) => cap.value === capability);
            if (!drop || added.has(capability))
                continue;
            hits.push({
                ruleId: 'BH331',
                severity: 'medium',
                line: drop.line,
                message: `${label} drops ${capability}, which ${file.path} in the image ${image.reference} carries as a file capability: that program fails with "operation not permitted". Add back \`${capability}\` (${workload.platform === 'kubernetes' ? 'capabilities.add' : 'cap_add'}) or remove the file capability from the image.`,
                subject: `${c.name}:cap:${capability}:${file.path}`,
                needs: capability,
                container: c.name,
            });
        }
    }
    if (workload.platform !== 'kubernetes' || !runsNonRoot(c, image) || added.has('NET_BIND_SERVICE'))
        return hits;
    const lowPorts = image.exposedPorts.map((p) => Number.parseInt(p, 10)).filter((p) => Number.isFinite(p) && p > 0 && p < 1024);
    const unprivilegedStart = workload.sysctls.some((s) => s.value === 'net.ipv4.ip_unprivileged_port_start');
    for (const port of lowPorts) {
        if (unprivilegedStart)
            break;
        hits.push({
            ruleId: 'BH331',
            severity: 'medium',
            line: c.runAsNonRoot?.line ?? c.runAsUser?.line ?? c.line,
            message: `${label} runs as non-root, but the image ${image.reference} EXPOSEs port ${port}, below 1024: binding it needs NET_BIND_SERVICE, unless the runtime lowers net.ipv4.ip_unprivileged_port_start. Listen on a port above 1024, or add \`NET_BIND_SERVICE\` and give the binary that file capability.`,
            subject: `${c.name}:port:${port}`,
            container: c.name,
        });
    }
    return hits;
}
function uncoveredVolumes(workload, c, image) {
    if (workload.platform !== 'kubernetes' || c.readOnlyRootFilesystem?.value !== true)
        return [];
    const covered = (path) => c.volumeMounts.some((m) => {
        const mount = m.mountPath.replace(/\/+$/, '') || '/';
        return path === mount || path.startsWith(`${mount === '/' ? '' : mount}/`);
    });
    return image.volumes
        .map((v) => v.replace(/\/+$/, '') || '/')
        .filter((path) => !covered(path))
        .map((path) => ({
        ruleId: 'BH332',
        severity: 'low',
        line: c.readOnlyRootFilesystem?.line ?? c.line,
        message: `Container ${c.name} of ${workload.kind} ${workload.name} has a read-only root, and the image ${image.reference} declares VOLUME ${path}, which no volumeMount covers: Kubernetes does not create it, so writes there fail. Mount an emptyDir at ${path}.`,
        subject: `${c.name}:volume:${path}`,
        container: c.name,
    }));
}
function crossCheck(workload, c, image) {
    return [...nonRootImpossible(workload, c, image), ...droppedNeeds(workload, c, image), ...uncoveredVolumes(workload, c, image)];
}

;// CONCATENATED MODULE: ./src/workloads/selectors.ts
/** Kubernetes label-selector semantics: every matchLabels pair and every expression must hold; an empty selector selects everything. */
function selects(selector, labels) {
    for (const [key, value] of Object.entries(selector.matchLabels)) {
        if (labels[key] !== value)
            return false;
    }
    for (const { key, operator, values } of selector.matchExpressions) {
        const has = Object.hasOwn(labels, key);
        const value = labels[key];
        switch (operator) {
            case 'In':
                if (!has || !values.includes(value))
                    return false;
                break;
            case 'NotIn':
                if (has && values.includes(value))
                    return false;
                break;
            case 'Exists':
                if (!has)
                    return false;
                break;
            case 'DoesNotExist':
                if (has)
                    return false;
                break;
            default:
                return false;
        }
    }
    return true;
}
function isEmptySelector(selector) {
    return selector !== undefined && Object.keys(selector.matchLabels).length === 0 && selector.matchExpressions.length === 0;
}
/** A Service's plain selector map: a missing or empty one selects no pod (its endpoints are managed by hand). */
function serviceSelects(selector, labels) {
    if (!selector || Object.keys(selector).length === 0)
        return false;
    return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

;// CONCATENATED MODULE: ./src/workloads/network.ts

function selectedBy(policy, workloads) {
    return workloads.filter((w) => w.namespace === policy.namespace && selects(policy.podSelector, w.podLabels));
}
/** A rule that admits every source: no `from`, an empty namespace selector without a pod selector, or a whole-internet ipBlock. */
function admitsAnySource(rule) {
    if (!rule.from)
        return true;
    return rule.from.some((peer) => (isEmptySelector(peer.namespaceSelector) && (peer.podSelector === undefined || isEmptySelector(peer.podSelector))) ||
        (peer.ipBlock !== undefined && ['0.0.0.0/0', '::/0'].includes(peer.ipBlock.cidr) && peer.ipBlock.except.length === 0));
}
/** Exposed on purpose: selected by a LoadBalancer or NodePort Service, or by a Service an Ingress routes to. */
function exposed(workload, set) {
    const routed = new Set(set.ingresses.filter((i) => i.namespace === workload.namespace).flatMap((i) => i.services));
    return set.services.some((s) => s.namespace === workload.namespace &&
        serviceSelects(s.selector, workload.podLabels) &&
        (s.type === 'LoadBalancer' || s.type === 'NodePort' || routed.has(s.name)));
}
function isDefaultDeny(policy, direction) {
    const rules = direction === 'Ingress' ? policy.ingress : policy.egress;
    return isEmptySelector(policy.podSelector) && policy.policyTypes.includes(direction) && rules.length === 0;
}
function checkSegmentation(set, required) {
    const workloads = set.workloads.filter((w) => w.platform === 'kubernetes');
    if (workloads.length === 0 && set.networkPolicies.length === 0)
        return [];
    if (set.networkPolicies.length === 0 && !required)
        return [];
    const hits = [];
    for (const w of workloads) {
        if (set.networkPolicies.some((p) => p.namespace === w.namespace && selects(p.podSelector, w.podLabels)))
            continue;
        hits.push({
            ruleId: 'BH317',
            severity: 'medium',
            line: w.line,
            file: w.file,
            owner: `${w.kind}/${w.namespace}/${w.name}`,
            subject: 'networkpolicy',
            message: `${w.kind} ${w.name} is selected by no NetworkPolicy in the namespace ${w.namespace}: every pod in the cluster reaches it. Add a NetworkPolicy whose podSelector matches its labels (${Object.entries(w.podLabels)
                .map(([k, v]) => `${k}: ${v}`)
                .join(', ') || 'it has none'}), or a default-deny for the namespace.`,
        });
    }
    const namespaces = new Map();
    for (const w of workloads)
        if (!namespaces.has(w.namespace))
            namespaces.set(w.namespace, w);
    for (const [namespace, first] of namespaces) {
        const policies = set.networkPolicies.filter((p) => p.namespace === namespace);
        const missing = ['Ingress', 'Egress'].filter((d) => !policies.some((p) => isDefaultDeny(p, d)));
        if (missing.length === 0)
            continue;
        hits.push({
            ruleId: 'BH318',
            severity: 'low',
            line: first.line,
            file: first.file,
            owner: `Namespace/${namespace}`,
            subject: 'default-deny',
            message: `The namespace ${namespace} has no default-deny NetworkPolicy for ${missing.join(' or ').toLowerCase()}: a new workload there starts open. Add one with \`podSelector: {}\` and \`policyTypes: [${missing.join(', ')}]\`, then allow what each workload needs.`,
        });
    }
    for (const policy of set.networkPolicies) {
        const selected = selectedBy(policy, workloads);
        const owner = `NetworkPolicy/${policy.namespace}/${policy.name}`;
        if (selected.length === 0 && workloads.length > 0) {
            hits.push({
                ruleId: 'BH319',
                severity: 'low',
                line: policy.podSelectorLine,
                file: policy.file,
                owner,
                subject: 'selects-nothing',
                message: `The NetworkPolicy ${policy.name} selects no workload of these manifests in the namespace ${policy.namespace}: it protects nothing. Fix its podSelector (a renamed label?) or remove it.`,
            });
            continue;
        }
        if (!policy.policyTypes.includes('Ingress'))
            continue;
        for (const [index, rule] of policy.ingress.entries()) {
            if (!admitsAnySource(rule))
                continue;
            const internal = selected.filter((w) => !exposed(w, set));
            if (internal.length === 0)
                continue;
            hits.push({
                ruleId: 'BH319',
                severity: 'medium',
                line: rule.line,
                file: policy.file,
                owner,
                subject: `any-source:${index}`,
                message: `The NetworkPolicy ${policy.name} admits traffic from any source to ${internal.map((w) => w.name).join(', ')}, which no LoadBalancer, NodePort or Ingress exposes. Name the sources: \`from: [{podSelector: {matchLabels: {…}}}]\`.`,
            });
        }
    }
    return hits;
}

;// CONCATENATED MODULE: ./src/model/workload.ts
/** What a scan tells about each workload of the manifests and Compose files, besides its findings. */
const POD_SECURITY_LEVELS = ['privileged', 'baseline', 'restricted'];

;// CONCATENATED MODULE: ./src/workloads/rules.ts


/** Two wordings of one fix: the Kubernetes field and the Compose one. */
function say(workload, kubernetes, compose) {
    return workload.platform === 'kubernetes' ? kubernetes : compose;
}
function who(workload, container) {
    if (workload.platform === 'compose')
        return `Service ${workload.name}`;
    const role = container.role === 'init' ? 'Init container' : container.role === 'ephemeral' ? 'Ephemeral container' : 'Container';
    return `${role} ${container.name} of ${workload.kind} ${workload.name}`;
}
/** Capabilities that are close to root or a known escape route. */
const DANGEROUS_CAPABILITIES = new Set([
    'ALL',
    'SYS_ADMIN',
    'NET_ADMIN',
    'SYS_MODULE',
    'SYS_PTRACE',
    'SYS_RAWIO',
    'DAC_READ_SEARCH',
    'BPF',
    'PERFMON',
    'SYS_BOOT',
    'SYS_TIME',
    'MAC_ADMIN',
    'MAC_OVERRIDE',
    'SYSLOG',
    'CHECKPOINT_RESTORE',
]);
/** SELinux types the Pod Security Standards accept: the confined container types. */
const SELINUX_CONTAINER_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
/** The Pod Security Standards' safe sysctls. */
const SAFE_SYSCTLS = new Set([
    'kernel.shm_rmid_forced',
    'net.ipv4.ip_local_port_range',
    'net.ipv4.ip_unprivileged_port_start',
    'net.ipv4.tcp_syncookies',
    'net.ipv4.ping_group_range',
    'net.ipv4.ip_local_reserved_ports',
    'net.ipv4.tcp_keepalive_time',
    'net.ipv4.tcp_fin_timeout',
    'net.ipv4.tcp_keepalive_intvl',
    'net.ipv4.tcp_keepalive_probes',
]);
function containerIsolation(workload, c) {
    const hits = [];
    const hit = (ruleId, severity, line, message, subject) => hits.push({ ruleId, severity, line, message, subject: `${c.name}:${subject}`, container: c.name });
    if (c.privileged?.value) {
        hit('BH301', 'critical', c.privileged.line, `${who(workload, c)} runs privileged: it holds every capability and every host device. Remove ${say(workload, '`privileged: true`', '`privileged: true`')} and add only the capability it needs.`, 'privileged');
    }
    if (c.role !== 'ephemeral' && c.allowPrivilegeEscalation?.value !== false) {
        hit('BH302', 'medium', c.allowPrivilegeEscalation?.line ?? c.line, `${who(workload, c)} may gain privileges through setuid files. ${say(workload, 'Set `allowPrivilegeEscalation: false` in its securityContext.', 'Add `security_opt: ["no-new-privileges:true"]`.')}`, 'escalation');
    }
    if (c.readOnlyRootFilesystem?.value !== true) {
        hit('BH305', 'medium', c.readOnlyRootFilesystem?.line ?? c.line, `${who(workload, c)} has a writable root filesystem. ${say(workload, 'Set `readOnlyRootFilesystem: true` and mount an emptyDir where it writes (e.g. /tmp).', 'Set `read_only: true` and `tmpfs: [/tmp]` where it writes.')}`, 'read-only');
    }
    if (!c.capDrop.some((cap) => cap.value === 'ALL')) {
        hit('BH306', 'medium', c.capDrop[0]?.line ?? c.line, `${who(workload, c)} keeps the runtime's default capabilities. ${say(workload, 'Add `capabilities: {drop: [ALL]}` to its securityContext', 'Add `cap_drop: [ALL]`')} and add back only what it needs.`, 'drop');
    }
    for (const cap of c.capAdd) {
        if (cap.value === 'NET_BIND_SERVICE')
            continue;
        const severity = DANGEROUS_CAPABILITIES.has(cap.value) ? 'high' : 'medium';
        hit('BH307', severity, cap.line, `${who(workload, c)} adds the capability ${cap.value}${severity === 'high' ? ', a known escape route' : ''}. Remove it, or record why it is needed in an exception.`, `add:${cap.value}`);
    }
    return hits;
}
function confinement(workload, c) {
    const hits = [];
    const hit = (ruleId, severity, line, message, subject) => hits.push({ ruleId, severity, line, message, subject: `${c.name}:${subject}`, container: c.name });
    const seccomp = c.seccomp?.value;
    if (seccomp === 'Unconfined') {
        hit('BH308', 'high', c.seccomp?.line ?? c.line, `${who(workload, c)} runs without seccomp (Unconfined). ${say(workload, 'Use `seccompProfile: {type: RuntimeDefault}`.', 'Remove `seccomp=unconfined` from security_opt.')}`, 'seccomp');
    }
    else if (workload.platform === 'kubernetes' && seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
        hit('BH308', 'low', c.seccomp?.line ?? c.line, `${who(workload, c)} has no seccomp profile, so Kubernetes runs it unconfined. Set \`seccompProfile: {type: RuntimeDefault}\` in the pod's securityContext.`, 'seccomp');
    }
    if (c.appArmor?.value === 'Unconfined') {
        hit('BH309', 'high', c.appArmor.line, `${who(workload, c)} runs with AppArmor disabled (unconfined). Remove the setting so that the runtime's default profile applies.`, 'apparmor');
    }
    const selinux = c.seLinux?.value;
    if (selinux?.disabled) {
        hit('BH309', 'high', c.seLinux?.line ?? c.line, `${who(workload, c)} disables SELinux labelling (label=disable). Remove it from security_opt.`, 'selinux');
    }
    else if (selinux && (!SELINUX_CONTAINER_TYPES.has(selinux.type ?? '') || selinux.user || selinux.role)) {
        const what = !SELINUX_CONTAINER_TYPES.has(selinux.type ?? '') ? `the SELinux type ${selinux.type}` : 'a custom SELinux user or role';
        hit('BH309', 'high', c.seLinux?.line ?? c.line, `${who(workload, c)} runs with ${what}, outside the confined container types. Remove seLinuxOptions or use container_t.`, 'selinux');
    }
    if (c.procMount && c.procMount.value !== 'Default') {
        hit('BH316', 'high', c.procMount.line, `${who(workload, c)} mounts /proc unmasked (procMount: ${c.procMount.value}). Remove procMount.`, 'procmount');
    }
    if (c.windowsHostProcess?.value) {
        hit('BH316', 'high', c.windowsHostProcess.line, `${who(workload, c)} is a Windows HostProcess container: it runs on the host itself. Remove windowsOptions.hostProcess.`, 'hostprocess');
    }
    return hits;
}
function rules_runsAsRoot(workload, c, image) {
    const user = c.runAsUser?.value;
    const explicitRoot = user !== undefined && isRootUser(user);
    const base = { ruleId: 'BH304', subject: `${c.name}:root`, container: c.name };
    if (workload.platform === 'kubernetes') {
        if (c.runAsNonRoot?.value === true && !explicitRoot)
            return [];
        if (user !== undefined && !explicitRoot)
            return [];
        if (explicitRoot) {
            return [
                {
                    ...base,
                    severity: 'high',
                    line: c.runAsUser?.line ?? c.line,
                    message: `${who(workload, c)} runs as root (runAsUser: 0)${c.runAsNonRoot?.value ? ', which contradicts runAsNonRoot: true: the kubelet refuses to start it' : ''}. Set runAsUser to a non-zero UID.`,
                },
            ];
        }
        const imageRoot = image !== undefined && isRootUser(image.user);
        return [
            {
                ...base,
                severity: imageRoot ? 'high' : 'medium',
                line: c.runAsNonRoot?.line ?? c.line,
                message: `${who(workload, c)} may run as root: neither runAsNonRoot: true nor a non-zero runAsUser is set${imageRoot ? `, and the image ${image.reference} runs as root, so it will` : image ? ` (the image ${image.reference} runs as ${image.user}, but nothing keeps it so)` : ''}. Set \`runAsNonRoot: true\` and \`runAsUser: ${image && !imageRoot && /^\d+/.test(image.user) ? image.user.split(':')[0] : '<non-root UID>'}\`.`,
            },
        ];
    }
    if (explicitRoot) {
        return [
            {
                ...base,
                severity: 'high',
                line: c.runAsUser?.line ?? c.line,
                message: `${who(workload, c)} runs as root (user: ${user}). Set \`user\` to a non-root UID, e.g. "10001:10001".`,
            },
        ];
    }
    if (user !== undefined)
        return [];
    if (image && !isRootUser(image.user))
        return [];
    const imageRoot = image !== undefined;
    return [
        {
            ...base,
            severity: imageRoot ? 'high' : 'medium',
            line: c.line,
            message: `${who(workload, c)} sets no user${imageRoot ? `, and the image ${image.reference} runs as root, so it will` : ', so it runs as whatever the image says (root unless the image sets USER)'}. Set \`user: "10001:10001"\` (a UID the image owns files for).`,
        },
    ];
}
function hostMountHit(workload, mount) {
    const path = mount.hostPath.replace(/\/+$/, '') || '/';
    const home = path.startsWith('~') ? `/home${path.slice(1)}` : path;
    const under = (prefix) => home === prefix || home.startsWith(`${prefix}/`);
    const writable = mount.mountedBy.length === 0 || mount.mountedBy.some((m) => !m.readOnly);
    let severity;
    let what;
    if (/(^|\/)(docker|containerd|crio|podman|cri-dockerd)\.sock$/.test(home) || ['/run', '/var/run'].some(under)) {
        severity = 'critical';
        what = 'a container-runtime socket or its directory: whoever writes to it controls every container on the host';
    }
    else if (home === '/' ||
        ['/etc', '/root', '/home', '/var/log'].includes(home) ||
        ['/proc', '/sys', '/var/lib/kubelet', '/boot', '/dev'].some(under) ||
        home.startsWith('/home/')) {
        severity = 'high';
        what = 'a host system directory';
    }
    else if (mount.relative) {
        severity = 'low';
        what = "the project's own files";
    }
    else {
        severity = 'medium';
        what = 'a host directory';
    }
    const where = mount.mountedBy.map((m) => `${m.path}${workload.platform === 'kubernetes' ? ` in ${m.container}` : ''}`).join(', ');
    const fix = say(workload, 'Use an emptyDir, a ConfigMap or a PersistentVolumeClaim instead, or set `readOnly: true` on the volumeMount.', 'Use a named volume instead, or append `:ro`.');
    return {
        ruleId: 'BH310',
        severity,
        line: mount.line,
        message: `${workload.platform === 'kubernetes' ? `${workload.kind} ${workload.name}` : `Service ${workload.name}`} mounts the host path ${mount.hostPath}, ${what}${where ? ` (at ${where})` : ' (declared, mounted by no container)'}${writable ? ', writable' : ', read-only'}. ${fix}`,
        subject: `hostpath:${mount.hostPath}`,
    };
}
function hostAccess(workload) {
    const hits = [];
    const label = workload.platform === 'kubernetes' ? `${workload.kind} ${workload.name}` : `Service ${workload.name}`;
    for (const ns of workload.hostNamespaces) {
        hits.push({
            ruleId: 'BH303',
            severity: 'high',
            line: ns.line,
            message: `${label} shares a host namespace (${ns.field}). Remove it${ns.field.startsWith('host') || ns.field.startsWith('network') ? '; expose ports through a Service or `ports:` instead' : ''}.`,
            subject: `ns:${ns.field}`,
        });
    }
    for (const mount of workload.hostMounts)
        hits.push(hostMountHit(workload, mount));
    for (const sysctl of workload.sysctls) {
        if (workload.platform === 'kubernetes' && !SAFE_SYSCTLS.has(sysctl.value)) {
            hits.push({
                ruleId: 'BH316',
                severity: 'high',
                line: sysctl.line,
                message: `${label} sets the sysctl ${sysctl.value}, outside the Pod Security Standards' safe set: it can change node-wide kernel state. Remove it.`,
                subject: `sysctl:${sysctl.value}`,
            });
        }
    }
    return hits;
}
function ports(workload, c) {
    return c.ports
        .filter((port) => workload.platform === 'kubernetes' || !port.hostIp)
        .map((port) => ({
        ruleId: 'BH311',
        severity: 'low',
        line: port.line,
        message: workload.platform === 'kubernetes'
            ? `${who(workload, c)} takes the host port ${port.hostPort ?? ''}, past Services and NetworkPolicies. Remove hostPort and use a Service.`
            : `${who(workload, c)} publishes ${port.text} on every interface of the host. Bind it to one, e.g. "127.0.0.1:${port.hostPort ?? port.containerPort ?? ''}:${port.containerPort ?? ''}".`,
        subject: `${c.name}:port:${port.text}`,
        container: c.name,
    }));
}
function limits(workload, c) {
    if (c.role === 'ephemeral')
        return [];
    const hits = [];
    const hit = (severity, what, fix) => hits.push({
        ruleId: 'BH312',
        severity,
        line: c.line,
        message: `${who(workload, c)} has no ${what} limit. ${fix}`,
        subject: `${c.name}:limit:${what}`,
        container: c.name,
    });
    if (!c.limits.memory)
        hit('medium', 'memory', say(workload, 'Set `resources.limits.memory` from its observed use.', 'Set `deploy.resources.limits.memory` (or `mem_limit`) from its observed use.'));
    if (!c.limits.cpu)
        hit('low', 'CPU', say(workload, 'Set `resources.limits.cpu`.', 'Set `deploy.resources.limits.cpus` (or `cpus`).'));
    if (workload.platform === 'compose' && !c.limits.pids)
        hit('low', 'process-count', 'Set `pids_limit` (or `deploy.resources.limits.pids`), e.g. 256.');
    return hits;
}
function token(workload, context) {
    if (workload.platform !== 'kubernetes' || workload.automountServiceAccountToken?.value === false)
        return [];
    const accountName = workload.serviceAccountName ?? 'default';
    const account = context.serviceAccounts.find((a) => a.name === accountName && a.namespace === workload.namespace);
    if (!workload.automountServiceAccountToken && account?.automount === false)
        return [];
    return [
        {
            ruleId: 'BH313',
            severity: 'low',
            line: workload.automountServiceAccountToken?.line ?? workload.serviceAccountLine ?? workload.podLine,
            message: `${workload.kind} ${workload.name} mounts the token of the service account ${accountName} into every container. Set \`automountServiceAccountToken: false\` in the pod spec${account ? ' or on the ServiceAccount' : ''} unless it calls the Kubernetes API.`,
            subject: 'token',
        },
    ];
}
async function credentials(workload, c, context) {
    const hits = [];
    for (const env of c.env) {
        const value = env.value;
        const detected = await detectSecrets(`${env.name}=${value}`, 'environment');
        const byName = isCredentialName(env.name) && isLiteralSecretValue(value);
        if (detected.length === 0 && !byName)
            continue;
        for (const found of detected)
            context.found.add(found.value);
        if (byName)
            context.found.add(value);
        const kind = detected.length > 0 ? [...new Set(detected.map((d) => d.kind))].join(', ') : 'credential-like name with a literal value';
        hits.push({
            ruleId: 'BH314',
            severity: 'high',
            line: env.line,
            message: `${who(workload, c)} has the secret ${env.name} written in the file (${kind}; value sha256 ${secretHash(value)}…, not shown). ${say(workload, 'Use `valueFrom.secretKeyRef`', 'Use `secrets:` or `${' + env.name + '}` from the environment')} and rotate the value.`,
            subject: `${c.name}:env:${env.name}`,
            container: c.name,
        });
    }
    return hits;
}
/** `name[:tag][@digest]`: what a reference pins. */
function imagePinning(reference) {
    if (reference.includes('@'))
        return 'digest';
    const lastSlash = reference.lastIndexOf('/');
    const colon = reference.indexOf(':', lastSlash + 1);
    if (colon < 0)
        return 'latest';
    return reference.slice(colon + 1) === 'latest' ? 'latest' : 'tag';
}
function pinning(workload, c) {
    if (!c.image || c.built)
        return [];
    const pin = imagePinning(c.image.value);
    if (pin === 'digest')
        return [];
    return [
        {
            ruleId: 'BH315',
            severity: pin === 'latest' ? 'medium' : 'low',
            line: c.image.line,
            message: `${who(workload, c)} runs ${c.image.value}, ${pin === 'latest' ? 'with no tag or :latest' : 'a tag without a digest'}: what runs is whatever the tag points to on the day. Pin the digest, e.g. ${c.image.value.replace(/:latest$/, '')}${pin === 'latest' ? ':<version>' : ''}@sha256:….`,
            subject: `${c.name}:image`,
            container: c.name,
        },
    ];
}
/** Every per-workload rule (BH301–BH316) on one workload. */
async function checkWorkload(workload, context) {
    const hits = [...hostAccess(workload), ...token(workload, context)];
    for (const c of workload.containers) {
        hits.push(...containerIsolation(workload, c), ...rules_runsAsRoot(workload, c, context.imageOf(c)), ...confinement(workload, c), ...ports(workload, c), ...limits(workload, c), ...(await credentials(workload, c, context)), ...pinning(workload, c));
    }
    return hits;
}

;// CONCATENATED MODULE: ./src/workloads/podSecurity.ts


/**
 * The Pod Security Standards (kubernetes.io/docs/concepts/security/pod-security-standards, the
 * checks of k8s.io/pod-security-admission, latest version): a workload's level is the strictest
 * whose every control it meets. Container fields are read as effective values (the container's
 * own, else the pod's), which is how the standards combine the two levels.
 */
const BASELINE_CAPABILITIES = new Set([
    'AUDIT_WRITE',
    'CHOWN',
    'DAC_OVERRIDE',
    'FOWNER',
    'FSETID',
    'KILL',
    'MKNOD',
    'NET_BIND_SERVICE',
    'SETFCAP',
    'SETGID',
    'SETPCAP',
    'SETUID',
    'SYS_CHROOT',
]);
const RESTRICTED_VOLUMES = new Set([
    'configMap',
    'csi',
    'downwardAPI',
    'emptyDir',
    'ephemeral',
    'persistentVolumeClaim',
    'projected',
    'secret',
]);
function baselineViolations(w) {
    const out = [];
    const names = (pick) => w.containers.filter(pick).map((c) => c.name);
    const report = (control, containers, what) => {
        if (containers.length > 0)
            out.push(`${control}: ${what} (${containers.join(', ')})`);
    };
    report('HostProcess', names((c) => c.windowsHostProcess?.value === true), 'hostProcess: true');
    if (w.hostNamespaces.length > 0)
        out.push(`Host Namespaces: ${w.hostNamespaces.map((n) => n.field).join(', ')}`);
    report('Privileged Containers', names((c) => c.privileged?.value === true), 'privileged: true');
    report('Capabilities', names((c) => c.capAdd.some((cap) => !BASELINE_CAPABILITIES.has(cap.value))), 'adds a capability outside the baseline set');
    const hostPaths = w.volumes.filter((v) => v.type === 'hostPath').map((v) => v.name);
    if (hostPaths.length > 0)
        out.push(`HostPath Volumes: ${hostPaths.join(', ')}`);
    report('Host Ports', names((c) => c.ports.some((p) => (p.hostPort ?? 0) !== 0)), 'hostPort');
    report('AppArmor', names((c) => c.appArmor !== undefined &&
        !['RuntimeDefault', 'Localhost', 'runtime/default'].includes(c.appArmor.value) &&
        !c.appArmor.value.startsWith('localhost/')), 'profile not RuntimeDefault or Localhost');
    report('SELinux', names((c) => {
        const s = c.seLinux?.value;
        return s !== undefined && (!SELINUX_CONTAINER_TYPES.has(s.type ?? '') || Boolean(s.user) || Boolean(s.role));
    }), 'custom type, user or role');
    report('/proc Mount Type', names((c) => c.procMount !== undefined && c.procMount.value !== 'Default'), 'procMount not Default');
    report('Seccomp', names((c) => c.seccomp?.value === 'Unconfined'), 'Unconfined');
    const sysctls = w.sysctls.filter((s) => !SAFE_SYSCTLS.has(s.value)).map((s) => s.value);
    if (sysctls.length > 0)
        out.push(`Sysctls: ${sysctls.join(', ')}`);
    return out;
}
function restrictedViolations(w) {
    const out = [];
    const names = (pick) => w.containers.filter(pick).map((c) => c.name);
    const report = (control, containers, what) => {
        if (containers.length > 0)
            out.push(`${control}: ${what} (${containers.join(', ')})`);
    };
    const volumes = w.volumes.filter((v) => !RESTRICTED_VOLUMES.has(v.type)).map((v) => `${v.name} (${v.type})`);
    if (volumes.length > 0)
        out.push(`Volume Types: ${volumes.join(', ')}`);
    report('Privilege Escalation', names((c) => c.allowPrivilegeEscalation?.value !== false), 'allowPrivilegeEscalation is not false');
    report('Running as Non-root', names((c) => c.runAsNonRoot?.value !== true), 'runAsNonRoot is not true');
    const rootUsers = names((c) => c.runAsUser?.value === '0');
    if (w.podRunAsUser?.value === '0')
        rootUsers.unshift('pod');
    report('Running as Non-root user', rootUsers, 'runAsUser: 0');
    report('Seccomp', names((c) => c.seccomp?.value !== 'RuntimeDefault' && c.seccomp?.value !== 'Localhost'), 'no RuntimeDefault or Localhost profile');
    report('Capabilities', names((c) => !c.capDrop.some((cap) => cap.value === 'ALL')), 'does not drop ALL');
    report('Capabilities', names((c) => c.capAdd.some((cap) => cap.value !== 'NET_BIND_SERVICE')), 'adds a capability other than NET_BIND_SERVICE');
    return out;
}
function podSecurityLevel(workload) {
    const baseline = baselineViolations(workload);
    const restricted = restrictedViolations(workload);
    const level = baseline.length > 0 ? 'privileged' : restricted.length > 0 ? 'baseline' : 'restricted';
    return { level, violations: [...baseline, ...restricted] };
}
function meets(level, required) {
    return POD_SECURITY_LEVELS.indexOf(level) >= POD_SECURITY_LEVELS.indexOf(required);
}

;// CONCATENATED MODULE: ./src/workloads/suggest.ts


/**
 * One fragment per workload that fixes all of its isolation findings at once: a securityContext
 * (Kubernetes) or service fields (Compose), as YAML to merge into the file. Values that bulkhead
 * cannot know (a UID the image does not give) are left as a comment for the user, never invented.
 */
const FIXABLE = new Set([
    'BH301',
    'BH302',
    'BH303',
    'BH304',
    'BH305',
    'BH306',
    'BH307',
    'BH308',
    'BH309',
    'BH310',
    'BH313',
    'BH330',
    'BH331',
]);
const POD_SPEC_PATH = {
    Pod: ['spec'],
    CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};
/** "  # rehearsed for 10 s": said beside every value a rehearsal of the image proved. */
function rehearsedNote(image) {
    return image?.rehearsed ? `  # rehearsed for ${(0,util_logger/* formatDuration */.a3)(image.rehearsed.durationMs)}` : '';
}
/** The UID to run as: the one a rehearsal ran it as, else the image's own, else left to the user. */
function runAsUid(image) {
    const rehearsed = image?.rehearsed && !isRootUser(image.rehearsed.user) ? numericUid(image.rehearsed.user) : undefined;
    return rehearsed ?? (image && !isRootUser(image.user) ? numericUid(image.user) : undefined);
}
function uidLine(image, indent, key) {
    const uid = runAsUid(image);
    return uid ? `${indent}${key}: ${uid}${rehearsedNote(image)}` : `${indent}# ${key}: <a non-root UID the image owns its files for>`;
}
function keptAdds(c, needs, image) {
    return [
        ...new Set([
            ...c.capAdd.map((cap) => cap.value).filter((cap) => cap === 'NET_BIND_SERVICE'),
            ...needs,
            ...(image?.rehearsed?.capabilities ?? []),
        ]),
    ];
}
/** The read-only line: where a rehearsal showed it must write, or the usual hint. */
function readOnlyLine(image, indent) {
    const rehearsed = image?.rehearsed;
    if (!rehearsed)
        return `${indent}readOnlyRootFilesystem: true  # mount an emptyDir where it writes (often /tmp)`;
    if (!rehearsed.readOnly)
        return `${indent}# readOnlyRootFilesystem: true did not start in the rehearsal (BH401): it changes files of the image`;
    return `${indent}readOnlyRootFilesystem: true  # rehearsed for ${(0,util_logger/* formatDuration */.a3)(rehearsed.durationMs)} with an emptyDir on ${rehearsed.volumes.join(', ')}`;
}
function kubernetesContainer(fix, image, indent) {
    const { container: c, rules } = fix;
    const lines = [`${indent}- name: ${c.name}`, `${indent}  securityContext:`];
    const sc = `${indent}    `;
    if (rules.has('BH301'))
        lines.push(`${sc}privileged: false`);
    if (rules.has('BH302') || rules.has('BH301'))
        lines.push(`${sc}allowPrivilegeEscalation: false`);
    if (rules.has('BH305'))
        lines.push(readOnlyLine(image, sc));
    // A container-level runAsUser: 0 or seccomp Unconfined overrides whatever the pod sets.
    if (rules.has('BH330') || (rules.has('BH304') && c.runAsUser?.value === '0'))
        lines.push(uidLine(image, sc, 'runAsUser'));
    if (rules.has('BH308') && c.seccomp?.value === 'Unconfined')
        lines.push(`${sc}seccompProfile:`, `${sc}  type: RuntimeDefault`);
    if (rules.has('BH306') || rules.has('BH307') || rules.has('BH331')) {
        const adds = keptAdds(c, fix.needs, image);
        lines.push(`${sc}capabilities:`, `${sc}  drop: [ALL]`, ...(adds.length > 0 ? [`${sc}  add: [${adds.join(', ')}]`] : []));
    }
    if (rules.has('BH309'))
        lines.push(`${sc}appArmorProfile:`, `${sc}  type: RuntimeDefault  # and remove seLinuxOptions`);
    return lines;
}
function kubernetesFragment(workload, fixes, podRules, imageOf) {
    const path = POD_SPEC_PATH[workload.kind] ?? ['spec', 'template', 'spec'];
    const lines = [];
    path.forEach((key, depth) => lines.push(`${'  '.repeat(depth)}${key}:`));
    const indent = '  '.repeat(path.length);
    if (podRules.has('BH303'))
        for (const ns of workload.hostNamespaces)
            lines.push(`${indent}${ns.field}: false`);
    if (podRules.has('BH313'))
        lines.push(`${indent}automountServiceAccountToken: false`);
    if (podRules.has('BH310'))
        for (const mount of workload.hostMounts)
            lines.push(`${indent}# volumes: replace the hostPath volume ${mount.volume ?? ''} (${mount.hostPath}) with an emptyDir or a PVC`);
    const runAsRoot = fixes.some((f) => f.rules.has('BH304'));
    if (runAsRoot || podRules.has('BH308')) {
        lines.push(`${indent}securityContext:`);
        if (runAsRoot) {
            lines.push(`${indent}  runAsNonRoot: true`);
            lines.push(uidLine(fixes.map((f) => imageOf(f.container)).find(Boolean), `${indent}  `, 'runAsUser'));
        }
        if (podRules.has('BH308'))
            lines.push(`${indent}  seccompProfile:`, `${indent}    type: RuntimeDefault`);
    }
    for (const [list, role] of [
        ['initContainers', 'init'],
        ['containers', 'container'],
    ]) {
        const own = fixes.filter((f) => f.container.role === role &&
            [...f.rules].some((r) => (r !== 'BH304' && r !== 'BH308') || f.container.runAsUser?.value === '0' || f.container.seccomp?.value === 'Unconfined'));
        if (own.length === 0)
            continue;
        lines.push(`${indent}${list}:`);
        for (const fix of own)
            lines.push(...kubernetesContainer(fix, imageOf(fix.container), `${indent}  `));
    }
    return lines.join('\n');
}
function composeFragment(workload, fix, image, podRules) {
    const { container: c, rules } = fix;
    const lines = ['services:', `  ${workload.name}:`];
    const f = '    ';
    if (rules.has('BH304')) {
        const uid = runAsUid(image);
        lines.push(uid ? `${f}user: "${uid}"${rehearsedNote(image)}` : `${f}# user: "<a non-root UID the image owns its files for>"`);
    }
    if (rules.has('BH301'))
        lines.push(`${f}privileged: false`);
    if (rules.has('BH305')) {
        const rehearsed = image?.rehearsed;
        if (rehearsed && !rehearsed.readOnly)
            lines.push(`${f}# read_only: true did not start in the rehearsal (BH401): it changes files of the image`);
        else if (rehearsed) {
            // Docker gives a tmpfs over an existing directory that directory's mode: owned by the user, it can write there.
            const uid = runAsUid(image);
            const mounts = rehearsed.volumes.map((v) => (uid ? `"${v}:uid=${uid}"` : v));
            lines.push(`${f}read_only: true`, `${f}tmpfs: [${mounts.join(', ')}]${rehearsedNote(image)}`);
        }
        else
            lines.push(`${f}read_only: true`, `${f}tmpfs: [/tmp]  # and any other path it writes`);
    }
    if (rules.has('BH306') || rules.has('BH307') || rules.has('BH331')) {
        const adds = keptAdds(c, fix.needs, image);
        lines.push(`${f}cap_drop: [ALL]`, ...(adds.length > 0 ? [`${f}cap_add: [${adds.join(', ')}]`] : []));
    }
    if (rules.has('BH302') || rules.has('BH308') || rules.has('BH309')) {
        lines.push(`${f}security_opt:`, `${f}  - no-new-privileges:true  # and remove any *=unconfined or label=disable`);
    }
    if (podRules.has('BH303'))
        lines.push(`${f}# remove: ${workload.hostNamespaces.map((n) => n.field).join(', ')}`);
    if (podRules.has('BH310'))
        for (const mount of workload.hostMounts)
            lines.push(`${f}# volumes: replace the bind mount of ${mount.hostPath} with a named volume, or add :ro`);
    return lines.join('\n');
}
/** The fragment for one workload, or undefined when none of its findings is a setting to change. */
function suggestFix(workload, hits, imageOf) {
    const fixable = hits.filter((h) => FIXABLE.has(h.ruleId));
    if (fixable.length === 0)
        return undefined;
    const podRules = new Set(fixable.filter((h) => h.container === undefined || h.ruleId === 'BH308').map((h) => h.ruleId));
    const fixes = workload.containers.flatMap((container) => {
        const own = fixable.filter((h) => h.container === container.name);
        if (own.length === 0)
            return [];
        const needs = own.flatMap((h) => h.needs ?? []);
        return [{ container, rules: new Set(own.map((h) => h.ruleId)), needs }];
    });
    if (workload.platform === 'compose') {
        const fix = fixes[0] ?? { container: workload.containers[0], rules: new Set(), needs: [] };
        return composeFragment(workload, fix, imageOf(fix.container), podRules);
    }
    return kubernetesFragment(workload, fixes, podRules, imageOf);
}

;// CONCATENATED MODULE: ./src/workloads/index.ts








function toFinding(hit, place, owner) {
    const rule = builtinRule(hit.ruleId);
    return {
        tool: 'bulkhead',
        ruleId: hit.ruleId,
        kind: rule.kind,
        severity: hit.severity,
        title: rule.title,
        message: hit.message,
        description: `${rule.what} ${rule.why}`,
        helpUri: ruleDocUrl(hit.ruleId),
        file: place.file,
        line: place.line,
        workload: owner,
        fingerprint: fingerprintOf(['bulkhead', hit.ruleId, place.file, owner, hit.subject]),
    };
}
function podSecurityHit(workload, result, required) {
    return {
        ruleId: 'BH320',
        severity: 'high',
        line: workload.line,
        subject: `pss:${required}`,
        message: `${workload.kind} ${workload.name} meets the Pod Security Standards at ${result.level}, not ${required} as required: ${result.violations.join('; ')}.`,
    };
}
function ownerOf(workload) {
    return workload.platform === 'compose' ? `service/${workload.name}` : `${workload.kind}/${workload.namespace}/${workload.name}`;
}
async function analyzeWorkloads(set, options) {
    const translate = options.translate ?? ((file, line) => ({ file, line }));
    const imageOf = (c) => (c.image ? options.images.find((facts) => sameImage(c.image?.value ?? '', facts)) : undefined);
    const found = new Set();
    const findings = new Map();
    const add = (source, finding) => {
        const list = findings.get(source);
        if (list)
            list.push(finding);
        else
            findings.set(source, [finding]);
    };
    const workloads = [];
    for (const workload of set.workloads) {
        const hits = await checkWorkload(workload, { serviceAccounts: set.serviceAccounts, imageOf, found });
        for (const c of workload.containers) {
            const image = imageOf(c);
            if (image)
                hits.push(...crossCheck(workload, c, image));
        }
        const podSecurity = workload.platform === 'kubernetes' ? podSecurityLevel(workload) : undefined;
        if (podSecurity && options.podSecurity !== 'none' && !meets(podSecurity.level, options.podSecurity)) {
            hits.push(podSecurityHit(workload, podSecurity, options.podSecurity));
        }
        const owner = ownerOf(workload);
        for (const hit of hits)
            add(workload.file, toFinding(hit, translate(workload.file, hit.line), owner));
        const suggestion = suggestFix(workload, hits, imageOf);
        const place = translate(workload.file, workload.line);
        workloads.push({
            source: workload.file,
            id: owner,
            platform: workload.platform,
            kind: workload.kind,
            name: workload.name,
            namespace: workload.namespace,
            file: place.file,
            line: place.line,
            ...(podSecurity ? { podSecurity } : {}),
            scannedImages: [...new Set(workload.containers.flatMap((c) => imageOf(c)?.reference ?? []))],
            findings: hits.length,
            ...(suggestion ? { suggestion } : {}),
        });
    }
    for (const hit of checkSegmentation(set, options.networkPolicies === 'required')) {
        add(hit.file, toFinding(hit, translate(hit.file, hit.line), hit.owner));
    }
    return { findings, workloads, secretValues: [...found] };
}

;// CONCATENATED MODULE: ./src/workloads/interpolate.ts
/**
 * Compose interpolation as the Compose Specification defines it: `$$` is a dollar, `$VAR` and
 * `${VAR}` the variable, `${VAR:-default}` / `${VAR-default}` a default when unset (or empty,
 * with the colon), `${VAR:+other}` / `${VAR+other}` a replacement when set, `${VAR:?message}` /
 * `${VAR?message}` an error when unset. Defaults may nest (`${A:-${B}}`). Written by hand: it is
 * twenty lines of grammar, and the libraries on npm implement shell rules instead.
 */
class InterpolationError extends Error {
}
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
/** The end of a `${…}` whose body starts at `start`, braces nested. */
function closingBrace(text, start) {
    let depth = 1;
    for (let i = start; i < text.length; i++) {
        const c = text[i];
        if (c === '$' && text[i + 1] === '$')
            i++;
        else if (c === '$' && text[i + 1] === '{') {
            depth++;
            i++;
        }
        else if (c === '}' && --depth === 0)
            return i;
    }
    return -1;
}
function braced(body, lookup, unset) {
    const name = NAME.exec(body)?.[0];
    if (!name)
        throw new InterpolationError(`"\${${body}}" is not a valid variable reference`);
    const rest = body.slice(name.length);
    const value = lookup(name);
    if (rest === '') {
        if (value === undefined)
            unset.add(name);
        return value ?? '';
    }
    const operator = /^(:?[-+?])/.exec(rest)?.[1];
    if (!operator)
        throw new InterpolationError(`"\${${body}}" is not a valid variable reference`);
    const argument = () => interpolate(rest.slice(operator.length), lookup, unset);
    const empty = value === undefined || (operator.startsWith(':') && value === '');
    switch (operator.slice(-1)) {
        case '-':
            return empty ? argument() : (value ?? '');
        case '+':
            return empty ? '' : argument();
        default:
            if (empty)
                throw new InterpolationError(`required variable ${name} is not set${rest.length > operator.length ? `: ${argument()}` : ''}`);
            return value ?? '';
    }
}
/** Interpolates one string; `unset` collects variables that had no value and no default. */
function interpolate(text, lookup, unset = new Set()) {
    if (!text.includes('$'))
        return text;
    let out = '';
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c !== '$') {
            out += c;
            continue;
        }
        const next = text[i + 1];
        if (next === '$') {
            out += '$';
            i++;
        }
        else if (next === '{') {
            const end = closingBrace(text, i + 2);
            if (end < 0)
                throw new InterpolationError(`"${text}" has a \${ without its closing brace`);
            out += braced(text.slice(i + 2, end), lookup, unset);
            i = end;
        }
        else {
            const name = NAME.exec(text.slice(i + 1))?.[0];
            if (!name) {
                out += '$';
                continue;
            }
            const value = lookup(name);
            if (value === undefined)
                unset.add(name);
            out += value ?? '';
            i += name.length;
        }
    }
    return out;
}
/**
 * A `.env` file as Compose reads it: `KEY=VALUE` lines, `export ` allowed, `#` comments (inline
 * only after a space in unquoted values), single quotes literal, double quotes with escapes.
 * Later values may use earlier ones (`${A}`).
 */
function parseDotEnv(text, lookup) {
    const values = new Map();
    const chained = (name) => lookup(name) ?? values.get(name);
    for (const raw of text.split(/\r?\n/)) {
        const line = raw.trim();
        if (line === '' || line.startsWith('#'))
            continue;
        const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
        if (!match)
            continue;
        const [, key, rest] = match;
        let value;
        if (rest.startsWith("'")) {
            const end = rest.indexOf("'", 1);
            value = end > 0 ? rest.slice(1, end) : rest.slice(1);
        }
        else if (rest.startsWith('"')) {
            const close = rest.slice(1).search(/(?<!\\)"/);
            const body = close >= 0 ? rest.slice(1, close + 1) : rest.slice(1);
            value = interpolate(body.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\'), chained);
        }
        else {
            value = interpolate(rest.replace(/\s+#.*$/, '').trim(), chained);
        }
        values.set(key, value);
    }
    return values;
}

;// CONCATENATED MODULE: ./src/workloads/kubernetes.ts
/** Where each workload kind keeps its pod template. */
const POD_TEMPLATE = {
    Pod: [],
    Deployment: ['spec', 'template'],
    StatefulSet: ['spec', 'template'],
    DaemonSet: ['spec', 'template'],
    ReplicaSet: ['spec', 'template'],
    ReplicationController: ['spec', 'template'],
    Job: ['spec', 'template'],
    CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};
const CONTAINER_LISTS = [
    ['initContainers', 'init'],
    ['containers', 'container'],
    ['ephemeralContainers', 'ephemeral'],
];
function at(view, read) {
    if (!view)
        return undefined;
    const value = read(view);
    return value === undefined ? undefined : { value, line: view.line };
}
function stringMap(view, what) {
    const map = {};
    if (!view || view.isNull())
        return map;
    if (!view.isMap())
        throw view.error(`${what} must be a mapping.`);
    for (const [key, value] of view.entries())
        map[key] = value.text(`${what}.${key}`) ?? '';
    return map;
}
function labelSelector(view) {
    const selector = { matchLabels: {}, matchExpressions: [] };
    if (!view || view.isNull())
        return selector;
    if (!view.isMap())
        throw view.error('a label selector must be a mapping (matchLabels, matchExpressions).');
    selector.matchLabels = stringMap(view.get('matchLabels'), 'matchLabels');
    for (const expression of view.get('matchExpressions')?.items('matchExpressions') ?? []) {
        const key = expression.get('key')?.text('key');
        const operator = expression.get('operator')?.text('operator');
        if (!key || !operator)
            throw expression.error('each matchExpressions item needs a key and an operator.');
        if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(operator)) {
            expression.fail(`operator is "${operator}"; write In, NotIn, Exists or DoesNotExist.`);
        }
        const values = (expression.get('values')?.items('values') ?? []).map((v) => v.text('values') ?? '');
        selector.matchExpressions.push({ key, operator, values });
    }
    return selector;
}
/** runAsUser as text, so that Compose names and Kubernetes numbers share one field. */
function userOf(view) {
    return at(view, (v) => {
        const n = v.integer('runAsUser');
        return n === undefined ? undefined : String(n);
    });
}
function seLinuxOf(view) {
    if (!view || view.isNull())
        return undefined;
    const type = view.get('type')?.text('seLinuxOptions.type');
    const user = view.get('user')?.text('seLinuxOptions.user');
    const role = view.get('role')?.text('seLinuxOptions.role');
    return { value: { ...(type ? { type } : {}), ...(user ? { user } : {}), ...(role ? { role } : {}) }, line: view.line };
}
function portsOf(view) {
    return (view.get('ports')?.items('ports') ?? []).flatMap((port) => {
        if (!port.isMap())
            port.fail('each ports entry must be a mapping with containerPort.');
        const hostPort = port.get('hostPort');
        const value = hostPort?.integer('hostPort');
        if (!hostPort || !value)
            return [];
        const containerPort = port.get('containerPort')?.integer('containerPort');
        const hostIp = port.get('hostIP')?.text('hostIP');
        return [
            {
                text: `hostPort ${value}`,
                hostPort: value,
                ...(containerPort ? { containerPort } : {}),
                ...(hostIp ? { hostIp } : {}),
                line: hostPort.line,
            },
        ];
    });
}
function envOf(view) {
    return (view.get('env')?.items('env') ?? []).flatMap((entry) => {
        if (!entry.isMap())
            entry.fail('each env entry must be a mapping with name and value (or valueFrom).');
        const value = entry.get('value');
        const text = value?.text('env value');
        const envName = entry.get('name')?.text('env name');
        return value && text !== undefined && envName ? [{ name: envName, value: text, line: value.line }] : [];
    });
}
function mountsOf(view) {
    return (view.get('volumeMounts')?.items('volumeMounts') ?? []).map((mount) => {
        if (!mount.isMap())
            mount.fail('each volumeMounts entry must be a mapping with name and mountPath.');
        return {
            name: mount.get('name')?.text('volumeMounts name') ?? '',
            mountPath: mount.get('mountPath')?.text('mountPath') ?? '',
            readOnly: mount.get('readOnly')?.bool('readOnly') ?? false,
            line: mount.line,
        };
    });
}
function container(view, role, pod, annotations) {
    const name = view.get('name')?.text('container name');
    if (!name)
        throw view.error('every container needs a name.');
    const sc = view.get('securityContext');
    const own = (field, read) => at(sc?.get(field), read);
    const either = (field, read) => own(field, read) ?? at(pod?.get(field), read);
    const caps = sc?.get('capabilities');
    const capList = (field) => (caps?.get(field)?.items(`capabilities.${field}`) ?? []).map((item) => ({
        value: (item.text('capability') ?? '').toUpperCase(),
        line: item.line,
    }));
    // The annotation that AppArmor profiles were set with before Kubernetes 1.30.
    const legacyAppArmor = at(annotations?.get(`container.apparmor.security.beta.kubernetes.io/${name}`), (v) => v.text('annotation'));
    const appArmor = at(sc?.at('appArmorProfile', 'type'), (v) => v.text('appArmorProfile.type')) ??
        (legacyAppArmor
            ? { ...legacyAppArmor, value: legacyAppArmor.value === 'unconfined' ? 'Unconfined' : legacyAppArmor.value }
            : undefined) ??
        at(pod?.at('appArmorProfile', 'type'), (v) => v.text('appArmorProfile.type'));
    const resources = view.get('resources');
    const limit = (field) => at(resources?.at('limits', field), (v) => v.text(`resources.limits.${field}`));
    const nameLine = view.get('name')?.line ?? view.line;
    const memory = limit('memory');
    const cpu = limit('cpu');
    const image = at(view.get('image'), (v) => v.text('image'));
    const privileged = own('privileged', (v) => v.bool('privileged'));
    const allowPrivilegeEscalation = own('allowPrivilegeEscalation', (v) => v.bool('allowPrivilegeEscalation'));
    const runAsNonRoot = either('runAsNonRoot', (v) => v.bool('runAsNonRoot'));
    const runAsUser = userOf(sc?.get('runAsUser')) ?? userOf(pod?.get('runAsUser'));
    const readOnlyRootFilesystem = own('readOnlyRootFilesystem', (v) => v.bool('readOnlyRootFilesystem'));
    const seccomp = at(sc?.at('seccompProfile', 'type'), (v) => v.text('seccompProfile.type')) ??
        at(pod?.at('seccompProfile', 'type'), (v) => v.text('seccompProfile.type'));
    const seLinux = seLinuxOf(sc?.get('seLinuxOptions')) ?? seLinuxOf(pod?.get('seLinuxOptions'));
    const procMount = own('procMount', (v) => v.text('procMount'));
    const windowsHostProcess = at(sc?.at('windowsOptions', 'hostProcess'), (v) => v.bool('hostProcess')) ??
        at(pod?.at('windowsOptions', 'hostProcess'), (v) => v.bool('hostProcess'));
    return {
        name,
        role,
        line: nameLine,
        ...(image ? { image } : {}),
        ...(privileged ? { privileged } : {}),
        ...(allowPrivilegeEscalation ? { allowPrivilegeEscalation } : {}),
        ...(runAsNonRoot ? { runAsNonRoot } : {}),
        ...(runAsUser ? { runAsUser } : {}),
        ...(readOnlyRootFilesystem ? { readOnlyRootFilesystem } : {}),
        capDrop: capList('drop'),
        capAdd: capList('add'),
        ...(seccomp ? { seccomp } : {}),
        ...(appArmor ? { appArmor } : {}),
        ...(seLinux ? { seLinux } : {}),
        ...(procMount ? { procMount } : {}),
        ...(windowsHostProcess ? { windowsHostProcess } : {}),
        ports: portsOf(view),
        env: envOf(view),
        limits: { ...(memory ? { memory } : {}), ...(cpu ? { cpu } : {}) },
        volumeMounts: mountsOf(view),
    };
}
function volumesOf(spec) {
    const volumes = [];
    const hostPaths = new Map();
    for (const item of spec.get('volumes')?.items('volumes') ?? []) {
        if (!item.isMap())
            item.fail('each volumes entry must be a mapping with a name and a volume source.');
        const name = item.get('name')?.text('volume name') ?? '';
        const source = item.entries().find(([key]) => key !== 'name');
        volumes.push({ name, type: source?.[0] ?? 'emptyDir', line: source?.[1].line ?? item.line });
        const hostPath = item.get('hostPath');
        if (hostPath) {
            const path = hostPath.get('path');
            hostPaths.set(name, { path: path?.text('hostPath.path') ?? '', line: path?.line ?? hostPath.line });
        }
    }
    return { volumes, hostPaths };
}
function kubernetes_workloadOf(object, kind, file, name, namespace) {
    const templatePath = POD_TEMPLATE[kind] ?? [];
    const template = templatePath.length > 0 ? object.at(...templatePath) : object;
    if (!template || !template.isMap())
        throw object.error(`the ${kind} has no pod template (${templatePath.join('.')}).`);
    const spec = template.get('spec');
    if (!spec || !spec.isMap())
        throw template.error(`the ${kind} has no pod spec.`);
    const metadata = template.get('metadata');
    const annotations = metadata?.get('annotations');
    const podSc = spec.get('securityContext');
    const containers = CONTAINER_LISTS.flatMap(([list, role]) => (spec.get(list)?.items(list) ?? []).map((item) => {
        if (!item.isMap())
            item.fail(`each ${list} entry must be a mapping with name and image.`);
        return container(item, role, podSc, annotations);
    }));
    if (containers.length === 0)
        throw spec.error(`the ${kind} ${name} has no containers.`);
    const { volumes, hostPaths } = volumesOf(spec);
    const hostMounts = [...hostPaths].map(([volume, { path, line }]) => ({
        hostPath: path,
        relative: false,
        volume,
        line,
        mountedBy: containers.flatMap((c) => c.volumeMounts.filter((m) => m.name === volume).map((m) => ({ container: c.name, path: m.mountPath, readOnly: m.readOnly }))),
    }));
    const hostNamespaces = ['hostNetwork', 'hostPID', 'hostIPC'].flatMap((field) => {
        const view = spec.get(field);
        return view?.bool(field) ? [{ field, line: view.line }] : [];
    });
    const automount = at(spec.get('automountServiceAccountToken'), (v) => v.bool('automountServiceAccountToken'));
    const serviceAccountName = spec.get('serviceAccountName')?.text('serviceAccountName');
    const podRunAsUser = userOf(podSc?.get('runAsUser'));
    return {
        platform: 'kubernetes',
        kind,
        name,
        namespace,
        file,
        line: object.at('metadata', 'name')?.line ?? object.line,
        podLabels: stringMap(metadata?.get('labels'), 'labels'),
        hostNamespaces,
        hostMounts,
        volumes,
        ...(podRunAsUser ? { podRunAsUser } : {}),
        podLine: spec.line,
        ...(spec.get('serviceAccountName') ? { serviceAccountLine: spec.get('serviceAccountName')?.line ?? spec.line } : {}),
        ...(automount ? { automountServiceAccountToken: automount } : {}),
        ...(serviceAccountName ? { serviceAccountName } : {}),
        sysctls: (podSc?.get('sysctls')?.items('sysctls') ?? []).map((item) => ({
            value: item.get('name')?.text('sysctl name') ?? '',
            line: item.line,
        })),
        containers,
    };
}
function peers(view, field) {
    if (!view || view.isNull())
        return undefined;
    return view.items(field).map((peer) => {
        const ipBlock = peer.get('ipBlock');
        return {
            ...(peer.get('podSelector') ? { podSelector: labelSelector(peer.get('podSelector')) } : {}),
            ...(peer.get('namespaceSelector') ? { namespaceSelector: labelSelector(peer.get('namespaceSelector')) } : {}),
            ...(ipBlock
                ? {
                    ipBlock: {
                        cidr: ipBlock.get('cidr')?.text('ipBlock.cidr') ?? '',
                        except: (ipBlock.get('except')?.items('except') ?? []).map((e) => e.text('except') ?? ''),
                    },
                }
                : {}),
            line: peer.line,
        };
    });
}
function rules(spec, field) {
    return (spec.get(field)?.items(field) ?? []).map((rule) => {
        const from = peers(rule.get(field === 'ingress' ? 'from' : 'to'), field === 'ingress' ? 'from' : 'to');
        return { ...(from && from.length > 0 ? { from } : {}), line: rule.line };
    });
}
function readObject(object, file, set, depth) {
    if (object.isNull())
        return;
    if (!object.isMap())
        throw object.error('each document must be a Kubernetes object: a mapping with apiVersion, kind and metadata.');
    const kind = object.get('kind')?.text('kind');
    const apiVersion = object.get('apiVersion')?.text('apiVersion');
    if (!kind || !apiVersion)
        throw object.error('a Kubernetes object needs apiVersion and kind.');
    if (kind === 'List' || kind.endsWith('List')) {
        if (depth > 0)
            throw object.error('a List inside a List is not a Kubernetes object.');
        for (const item of object.get('items')?.items('items') ?? [])
            readObject(item, file, set, depth + 1);
        return;
    }
    const name = object.at('metadata', 'name')?.text('metadata.name') ?? object.at('metadata', 'generateName')?.text('metadata.generateName');
    const namespace = object.at('metadata', 'namespace')?.text('metadata.namespace') ?? 'default';
    if (kind in POD_TEMPLATE) {
        if (!name)
            throw object.error(`the ${kind} has no metadata.name.`);
        set.workloads.push(kubernetes_workloadOf(object, kind, file, name, namespace));
    }
    else if (kind === 'NetworkPolicy' && apiVersion.startsWith('networking.k8s.io/')) {
        const spec = object.get('spec');
        if (!spec || !spec.isMap())
            throw object.error('the NetworkPolicy has no spec.');
        const declared = (spec.get('policyTypes')?.items('policyTypes') ?? []).map((t) => t.text('policyTypes'));
        // Without policyTypes, Kubernetes assumes Ingress, plus Egress when egress rules are given.
        const policyTypes = (declared.length > 0 ? declared : ['Ingress', ...(spec.get('egress') ? ['Egress'] : [])]).filter((t) => t === 'Ingress' || t === 'Egress');
        set.networkPolicies.push({
            name: name ?? '',
            namespace,
            file,
            line: object.at('metadata', 'name')?.line ?? object.line,
            podSelector: labelSelector(spec.get('podSelector')),
            podSelectorLine: spec.get('podSelector')?.line ?? spec.line,
            policyTypes,
            ingress: rules(spec, 'ingress'),
            egress: rules(spec, 'egress'),
        });
    }
    else if (kind === 'Service' && apiVersion === 'v1') {
        const selector = object.at('spec', 'selector');
        set.services.push({
            name: name ?? '',
            namespace,
            type: object.at('spec', 'type')?.text('spec.type') ?? 'ClusterIP',
            ...(selector && !selector.isNull() ? { selector: stringMap(selector, 'spec.selector') } : {}),
        });
    }
    else if (kind === 'Ingress') {
        const services = new Set();
        const backend = (view) => {
            const service = view?.at('service', 'name')?.text('backend service name') ?? view?.get('serviceName')?.text('serviceName');
            if (service)
                services.add(service);
        };
        backend(object.at('spec', 'defaultBackend'));
        for (const rule of object.at('spec', 'rules')?.items('rules') ?? []) {
            for (const path of rule.at('http', 'paths')?.items('paths') ?? [])
                backend(path.get('backend'));
        }
        set.ingresses.push({ namespace, services: [...services] });
    }
    else if (kind === 'ServiceAccount' && apiVersion === 'v1') {
        const automount = object.get('automountServiceAccountToken')?.bool('automountServiceAccountToken');
        set.serviceAccounts.push({ name: name ?? '', namespace, ...(automount !== undefined ? { automount } : {}) });
    }
    else if (kind === 'Namespace' && apiVersion === 'v1') {
        set.namespaces.push({ name: name ?? '', labels: stringMap(object.at('metadata', 'labels'), 'labels') });
    }
    else {
        set.skipped.set(kind, (set.skipped.get(kind) ?? 0) + 1);
    }
}
/** Reads every Kubernetes object of a parsed file into the set; a malformed object is an error with its line. */
function readKubernetes(file, set) {
    for (const document of file.documents)
        readObject(document, file.file, set, 0);
}

;// CONCATENATED MODULE: ./src/workloads/model.ts
/**
 * One model of "how a container will run", read from Kubernetes manifests or Compose files, so
 * that one set of rules judges both. Every setting carries the line it was written on; a setting
 * that is absent is undefined, and a finding about it points at the container's own line.
 */
function emptyManifestSet() {
    return { workloads: [], networkPolicies: [], services: [], ingresses: [], serviceAccounts: [], namespaces: [], skipped: new Map() };
}

;// CONCATENATED MODULE: ./src/workloads/sourceMap.ts
/**
 * Maps lines of kustomize's rendered output back to the files that define each object: the
 * object is found by kind and name, the field by its path (list items by their `name` where they
 * have one, so a patch that adds a container does not shift the others). A field the base does
 * not have (added by a patch) maps to its nearest ancestor; an object no base defines maps to the
 * kustomization file.
 */
const MAX_DEPTH = 64;
function walk(view, path, visit, depth) {
    visit(path, view.line);
    if (depth >= MAX_DEPTH)
        return;
    if (view.isMap()) {
        for (const [key, child] of view.entries())
            walk(child, `${path}/${key}`, visit, depth + 1);
    }
    else if (view.isSeq()) {
        view.items().forEach((item, index) => {
            const name = item.isMap() ? item.get('name')?.raw('name') : undefined;
            walk(item, `${path}/${name !== undefined ? `name=${name}` : index}`, visit, depth + 1);
        });
    }
}
function identity(document) {
    if (!document.isMap())
        return undefined;
    const kind = document.get('kind')?.raw('kind');
    const name = document.at('metadata', 'name')?.raw('metadata.name');
    return kind && name ? `${kind}/${name}` : undefined;
}
function kustomizeTranslator(rendered, bases, kustomization) {
    const byIdentity = new Map();
    for (const base of bases) {
        for (const document of base.documents) {
            const id = identity(document);
            if (!id || byIdentity.has(id))
                continue;
            const lines = new Map();
            walk(document, '', (path, line) => lines.set(path, line), 0);
            byIdentity.set(id, { file: base.file, lines });
        }
    }
    // For each rendered document: its first line, the base that defines it, and line → path.
    const documents = rendered.documents.map((document) => {
        // The deepest field wins a line: kustomize writes `- image: x` with the list item on the same line.
        const paths = new Map();
        walk(document, '', (path, line) => paths.set(line, path), 0);
        const id = identity(document);
        return { start: document.valueLine, paths, base: id ? byIdentity.get(id) : undefined };
    });
    return (line) => {
        const document = documents.filter((d) => d.start <= line).at(-1);
        if (!document?.base)
            return { file: kustomization, line: 1 };
        let path = document.paths.get(line) ?? '';
        for (;;) {
            const found = document.base.lines.get(path);
            if (found !== undefined)
                return { file: document.base.file, line: found };
            if (path === '')
                return { file: document.base.file, line: 1 };
            path = path.slice(0, path.lastIndexOf('/'));
        }
    };
}

// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(38815);
;// CONCATENATED MODULE: ./src/workloads/yamlView.ts


/**
 * A read-only view of a YAML node that knows the line it was written on. Rules read fields through
 * it, so every finding and every error can name the line; nothing is converted to plain objects,
 * so an alias bomb costs only the few paths a rule reads (each alias resolution is counted).
 */
/** More alias resolutions than this in one file is refused: no real manifest comes near it. */
const MAX_ALIAS_RESOLUTIONS = 10_000;
class YamlView {
    line;
    context;
    node;
    constructor(node, 
    /** The line of the key that holds this value (or of the item, in a list). */
    line, context) {
        this.line = line;
        this.context = context;
        this.node = resolve(node, context);
    }
    get file() {
        return this.context.file;
    }
    /** The line a value starts on (for a map or list, its first entry). */
    get valueLine() {
        const offset = this.node?.range?.[0];
        return offset === undefined ? this.line : this.context.lines.linePos(offset).line;
    }
    /** The error for this place: `file:line: detail`. */
    error(detail) {
        return new errors/* FormatError */.IF(`${this.context.file}:${this.line}`, detail);
    }
    fail(detail) {
        throw this.error(detail);
    }
    isMap() {
        return (0,dist/* isMap */.jh)(this.node);
    }
    isSeq() {
        return (0,dist/* isSeq */.oP)(this.node);
    }
    isNull() {
        return this.node === null || ((0,dist/* isScalar */.jn)(this.node) && this.node.value === null);
    }
    /** A field of a mapping; merge keys (`<<: *base`) are followed, the map's own keys first. */
    get(key) {
        if (!(0,dist/* isMap */.jh)(this.node))
            return undefined;
        for (const pair of this.node.items) {
            if (scalarKey(pair) === key)
                return this.child(pair);
        }
        for (const base of this.mergeSources()) {
            const found = base.get(key);
            if (found)
                return found;
        }
        return undefined;
    }
    /** A path of fields; undefined as soon as one is missing. */
    at(...path) {
        return path.reduce((view, key) => view?.get(key), this);
    }
    /** Every field of a mapping, merged ones included (own keys win). */
    entries() {
        if (!(0,dist/* isMap */.jh)(this.node))
            return [];
        const seen = new Map();
        for (const pair of this.node.items) {
            const key = scalarKey(pair);
            if (key !== undefined && !seen.has(key))
                seen.set(key, this.child(pair));
        }
        for (const base of this.mergeSources()) {
            for (const [key, view] of base.entries())
                if (!seen.has(key))
                    seen.set(key, view);
        }
        return [...seen];
    }
    /** The items of a list; a value that is not a list is an error when `what` is given. */
    items(what) {
        if ((0,dist/* isSeq */.oP)(this.node)) {
            return this.node.items.map((item) => {
                const offset = item?.range?.[0];
                return new YamlView(item, offset === undefined ? this.line : this.context.lines.linePos(offset).line, this.context);
            });
        }
        if (what !== undefined && !this.isNull())
            this.fail(`${what} must be a list.`);
        return [];
    }
    /** A scalar as text (numbers and booleans as written); a map or list is an error. */
    text(what) {
        if (this.isNull())
            return undefined;
        if (!(0,dist/* isScalar */.jn)(this.node))
            return this.fail(`${what} must be a single value, not a ${(0,dist/* isMap */.jh)(this.node) ? 'mapping' : 'list'}.`);
        const value = this.node.value;
        const text = typeof value === 'string' ? value : String(value);
        return typeof value === 'string' && this.context.interpolate ? this.context.interpolate(text, this.line) : text;
    }
    /** A scalar as written, before any interpolation: what a file itself says (e.g. a literal secret). */
    raw(what) {
        if (this.isNull())
            return undefined;
        if (!(0,dist/* isScalar */.jn)(this.node))
            return this.fail(`${what} must be a single value, not a ${(0,dist/* isMap */.jh)(this.node) ? 'mapping' : 'list'}.`);
        return String(this.node.value);
    }
    /**
     * A boolean. Kubernetes takes only YAML booleans (the API server refuses "true" in quotes);
     * Compose values may come from interpolation, so there the strings true and false count too.
     */
    bool(what) {
        if (this.isNull())
            return undefined;
        if ((0,dist/* isScalar */.jn)(this.node) && typeof this.node.value === 'boolean')
            return this.node.value;
        if (this.context.interpolate && (0,dist/* isScalar */.jn)(this.node) && typeof this.node.value === 'string') {
            const text = this.text(what)?.trim().toLowerCase();
            if (text === 'true')
                return true;
            if (text === 'false')
                return false;
        }
        return this.fail(`${what} must be true or false.`);
    }
    /** An integer (Compose also accepts one written as a string). */
    integer(what) {
        if (this.isNull())
            return undefined;
        if ((0,dist/* isScalar */.jn)(this.node) && typeof this.node.value === 'number' && Number.isInteger(this.node.value))
            return this.node.value;
        if (this.context.interpolate && (0,dist/* isScalar */.jn)(this.node) && typeof this.node.value === 'string') {
            const text = this.text(what)?.trim() ?? '';
            if (/^-?\d+$/.test(text))
                return Number(text);
        }
        return this.fail(`${what} must be a whole number.`);
    }
    child(pair) {
        const key = pair.key;
        const offset = key?.range?.[0] ?? pair.value?.range?.[0];
        return new YamlView(pair.value, offset === undefined ? this.line : this.context.lines.linePos(offset).line, this.context);
    }
    mergeSources() {
        if (!(0,dist/* isMap */.jh)(this.node))
            return [];
        const sources = [];
        for (const pair of this.node.items) {
            if (!isMergeKey(pair))
                continue;
            const value = this.child(pair);
            for (const base of value.isSeq() ? value.items() : [value]) {
                if (!base.isMap())
                    base.fail('a merge key (<<) must refer to a mapping.');
                sources.push(base);
            }
        }
        return sources;
    }
}
function resolve(node, context) {
    let current = node;
    while ((0,dist/* isAlias */.Vj)(current)) {
        context.aliases.used += 1;
        if (context.aliases.used > MAX_ALIAS_RESOLUTIONS) {
            throw new errors/* FormatError */.IF(context.file, `uses more than ${MAX_ALIAS_RESOLUTIONS} YAML alias references; write the values out.`);
        }
        current = current.resolve(context.document);
    }
    return current ?? null;
}
function scalarKey(pair) {
    const key = pair.key;
    if ((0,dist/* isScalar */.jn)(key) && (typeof key.value === 'string' || typeof key.value === 'number' || typeof key.value === 'boolean'))
        return String(key.value);
    return undefined;
}
function isMergeKey(pair) {
    return (0,dist/* isScalar */.jn)(pair.key) && typeof pair.key.value === 'symbol';
}
/** More documents than this in one file is refused. */
const MAX_DOCUMENTS = 20_000;
/**
 * Parses every document of a YAML (or JSON) file. Duplicate keys and syntax errors are refused
 * with the line, as the API server and Compose refuse them.
 */
function parseYamlFile(text, file, interpolate) {
    const lines = new dist/* LineCounter */.HN();
    let documents;
    try {
        documents = (0,dist/* parseAllDocuments */.hR)(text, { lineCounter: lines, uniqueKeys: true, merge: true, prettyErrors: false });
    }
    catch (error) {
        throw new errors/* FormatError */.IF(file, `cannot be parsed as YAML (${error instanceof Error ? error.message : String(error)}).`);
    }
    if (!Array.isArray(documents))
        documents = [documents];
    if (documents.length > MAX_DOCUMENTS)
        throw new errors/* FormatError */.IF(file, `holds more than ${MAX_DOCUMENTS} YAML documents; split it.`);
    const aliases = { used: 0 };
    return {
        file,
        documents: documents.map((document) => {
            const error = document.errors[0];
            if (error) {
                const line = lines.linePos(error.pos[0]).line;
                throw new errors/* FormatError */.IF(`${file}:${line}`, `is not valid YAML: ${error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}.`);
            }
            const offset = document.contents?.range?.[0] ?? 0;
            const context = { file, lines, document, aliases, ...(interpolate ? { interpolate } : {}) };
            return new YamlView(document.contents, lines.linePos(offset).line, context);
        }),
    };
}

;// CONCATENATED MODULE: ./src/scanners/builtin/workloads.ts















/**
 * The edge of the workload checks: reads manifests and Compose files (bounded, strict UTF-8),
 * renders kustomize directories with kubectl, and hands one ManifestSet to the pure analysis.
 * A file that cannot be read is an error result for that file: the gate fails closed on it.
 */
/** Larger manifests are refused: real ones are kilobytes; a generated bundle of a whole cluster stays well under this. */
const workloads_MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
const MAX_KUSTOMIZE_OUTPUT = 64 * 1024 * 1024;
const MAX_KUSTOMIZE_FILES = 1000;
function readManifestText(targets, path) {
    return readRegularFile((0,external_node_path_.resolve)(targets.workspace, path), workloads_MAX_MANIFEST_BYTES, (detail) => new errors/* FormatError */.IF(path, detail), {
        strictUtf8: true,
    });
}
/** The facts the cross-checks need from an image bulkhead read, and the names a manifest may call it by. */
function imageFacts(target, model, rehearsal) {
    const names = new Set();
    if (target.source === 'daemon' || target.source === 'registry')
        names.add(normalizeReference(target.location));
    if (target.reference)
        names.add(normalizeReference(target.reference));
    for (const tag of model.tags ?? [])
        names.add(normalizeReference(tag));
    const fileCapabilities = [];
    for (const placed of model.filesystem.files.values()) {
        if (placed.file.type !== 'file' || placed.file.capability === undefined)
            continue;
        const capabilities = decodeFileCapabilities(placed.file.capability);
        if (capabilities.length > 0)
            fileCapabilities.push({ path: `/${placed.file.path}`, capabilities });
    }
    return {
        reference: target.input,
        names: [...names],
        user: model.config.user,
        exposedPorts: model.config.exposedPorts,
        volumes: model.config.volumes,
        fileCapabilities,
        // Only a profile it really ran under replaces the guesses.
        ...(rehearsal?.verified
            ? {
                rehearsed: {
                    durationMs: rehearsal.durationMs,
                    user: rehearsal.verified.user,
                    readOnly: rehearsal.verified.readOnly,
                    volumes: ['/tmp', ...rehearsal.volumes],
                    capabilities: rehearsal.verified.keptCapabilities,
                },
            }
            : {}),
    };
}
/** The files a kustomization (and the kustomizations it names) takes resources from, inside the workspace. */
async function kustomizeSources(workspace, directory) {
    const files = new Set();
    const seen = new Set();
    const visit = async (dir, depth) => {
        if (seen.has(dir) || depth > 10 || files.size > MAX_KUSTOMIZE_FILES)
            return;
        seen.add(dir);
        const name = KUSTOMIZATION_FILES.find((f) => (0,external_node_fs_.existsSync)((0,external_node_path_.join)(dir, f)));
        if (!name)
            return;
        const rel = (0,external_node_path_.relative)(workspace, (0,external_node_path_.join)(dir, name)).split(external_node_path_.sep).join('/');
        const kustomization = parseYamlFile(await readManifestText({ workspace }, rel), rel).documents[0];
        for (const field of ['resources', 'bases', 'components']) {
            for (const item of kustomization?.get(field)?.items(field) ?? []) {
                const entry = item.text(field) ?? '';
                if (/^[a-z]+:\/\//i.test(entry) || entry.startsWith('github.com/'))
                    continue;
                const full = (0,external_node_path_.resolve)(dir, entry);
                if ((0,external_node_path_.relative)(workspace, full).startsWith('..'))
                    continue;
                if (KUSTOMIZATION_FILES.some((f) => (0,external_node_fs_.existsSync)((0,external_node_path_.join)(full, f))))
                    await visit(full, depth + 1);
                else if ((0,external_node_fs_.existsSync)(full))
                    files.add((0,external_node_path_.relative)(workspace, full).split(external_node_path_.sep).join('/'));
            }
        }
    };
    await visit((0,external_node_path_.resolve)(workspace, directory), 0);
    return [...files];
}
async function renderKustomize(target, targets, settings) {
    const kustomization = KUSTOMIZATION_FILES.find((f) => (0,external_node_fs_.existsSync)((0,external_node_path_.resolve)(targets.workspace, target.path, f))) ?? 'kustomization.yaml';
    const label = `${target.path === '' ? '' : `${target.path}/`}${kustomization}`;
    const base = { target: target.path, label, notes: [] };
    const kubectl = await (0,scanners_process/* findOnPath */.aY)('kubectl', settings.env.PATH);
    if (!kubectl) {
        return {
            ...base,
            error: `${target.path} is a kustomize directory, and kubectl is not on PATH to render it (bulkhead runs \`kubectl kustomize\`); install kubectl, or list the rendered manifests instead.`,
        };
    }
    const ran = await (0,scanners_process/* runProcess */.R3)(kubectl, ['kustomize', target.path === '' ? '.' : target.path], {
        cwd: targets.workspace,
        env: settings.env,
        timeoutMs: settings.timeoutMs,
        maxStdoutBytes: MAX_KUSTOMIZE_OUTPUT,
    });
    if (ran.spawnError || ran.timedOut || ran.signal || ran.exitCode !== 0 || ran.stdoutTruncated) {
        const why = ran.stdoutTruncated ? `wrote more than ${MAX_KUSTOMIZE_OUTPUT / 1048576} MiB` : (0,scanners_process/* describeExit */.KE)(ran, settings.timeoutMs);
        return {
            ...base,
            error: `kubectl kustomize ${target.path || '.'} ${why}${(0,scanners_process/* stderrTail */.be)(ran.stderr) ? `: ${(0,scanners_process/* stderrTail */.be)(ran.stderr, 3)}` : ''}`,
        };
    }
    const yaml = parseYamlFile(ran.stdout, label);
    const bases = [];
    for (const file of await kustomizeSources(targets.workspace, target.path)) {
        bases.push(parseYamlFile(await readManifestText(targets, file), file));
    }
    return { ...base, yaml, translate: kustomizeTranslator(yaml, bases, label) };
}
async function readComposeFile(path, targets, settings) {
    const notes = [];
    const dotEnvPath = (0,external_node_path_.join)((0,external_node_path_.dirname)(path), '.env');
    const shell = (name) => settings.env[name];
    const dotEnv = (0,external_node_fs_.existsSync)((0,external_node_path_.resolve)(targets.workspace, dotEnvPath))
        ? parseDotEnv(await readManifestText(targets, dotEnvPath), shell)
        : new Map();
    // Compose: the shell's environment wins over .env.
    const lookup = (name) => settings.env[name] ?? dotEnv.get(name);
    const unset = new Set();
    const yaml = parseYamlFile(await readManifestText(targets, path), path, (text, line) => {
        try {
            return interpolate(text, lookup, unset);
        }
        catch (error) {
            if (error instanceof InterpolationError)
                throw new errors/* FormatError */.IF(`${path}:${line}`, `${error.message}.`);
            throw error;
        }
    });
    return { target: path, label: path, yaml, notes, unset };
}
async function readSource(kind, target, targets, settings) {
    try {
        if (kind === 'compose')
            return await readComposeFile(target.path, targets, settings);
        if (target.kind === 'kustomize')
            return await renderKustomize(target, targets, settings);
        return {
            target: target.path,
            label: target.path,
            yaml: parseYamlFile(await readManifestText(targets, target.path), target.path),
            notes: [],
        };
    }
    catch (error) {
        const message = error instanceof errors/* FormatError */.IF ? error.message : `reading ${target.path} failed: ${(0,errors/* errorMessage */.gJ)(error)}`;
        return { target: target.path, label: target.path, error: message, notes: [] };
    }
}
function intoSet(source, kind, set) {
    if (!source.yaml)
        return source.error;
    // Objects are read into a scratch set first, so that a file with an error adds nothing.
    const scratch = emptyManifestSet();
    try {
        if (kind === 'compose')
            readCompose(source.yaml, scratch, source.notes);
        else
            readKubernetes(source.yaml, scratch);
    }
    catch (error) {
        return error instanceof errors/* FormatError */.IF ? error.message : `reading ${source.target} failed: ${(0,errors/* errorMessage */.gJ)(error)}`;
    }
    set.workloads.push(...scratch.workloads);
    set.networkPolicies.push(...scratch.networkPolicies);
    set.services.push(...scratch.services);
    set.ingresses.push(...scratch.ingresses);
    set.serviceAccounts.push(...scratch.serviceAccounts);
    set.namespaces.push(...scratch.namespaces);
    for (const [k, n] of scratch.skipped)
        set.skipped.set(k, (set.skipped.get(k) ?? 0) + n);
    return undefined;
}
/** Every manifest and Compose file of a scan, judged together (NetworkPolicies and Services reach across files). */
async function scanWorkloads(targets, settings, images) {
    const started = Date.now();
    const sources = await Promise.all([
        ...targets.manifests.map((t) => readSource('manifest', t, targets, settings).then((s) => ({ s, kind: 'manifest' }))),
        ...targets.compose.map((path) => readSource('compose', { kind: 'file', path }, targets, settings).then((s) => ({ s, kind: 'compose' }))),
    ]);
    const set = emptyManifestSet();
    const errors = new Map();
    for (const { s, kind } of sources) {
        const error = intoSet(s, kind, set);
        if (error)
            errors.set(s.label, error);
    }
    const translators = new Map(sources.flatMap(({ s }) => (s.translate ? [[s.label, s.translate]] : [])));
    const analysis = await analyzeWorkloads(set, {
        podSecurity: settings.podSecurity,
        networkPolicies: settings.networkPolicies,
        images,
        translate: (file, line) => translators.get(file)?.(line) ?? { file, line },
    });
    const notes = sources.flatMap(({ s }) => s.notes);
    for (const { s } of sources) {
        if (s.unset && s.unset.size > 0)
            notes.push(`${s.label}: ${[...s.unset].sort().join(', ')} ${s.unset.size === 1 ? 'is' : 'are'} not set; Compose reads an empty string.`);
    }
    if (set.skipped.size > 0) {
        const kinds = [...set.skipped].map(([kind, n]) => `${n} ${kind}`).join(', ');
        notes.push(`The manifests hold objects the workload checks do not read, skipped: ${kinds}.`);
    }
    const durationMs = Date.now() - started;
    const secretValues = analysis.secretValues;
    const results = sources.map(({ s }) => {
        const base = {
            tool: 'bulkhead',
            key: s.target,
            target: s.target,
            origin: 'run',
            version: version/* BULKHEAD_VERSION */.w,
            durationMs,
            warnings: [],
        };
        const error = errors.get(s.label);
        if (error)
            return { ...base, status: 'error', findings: [], error };
        const workloads = analysis.workloads.filter((w) => w.source === s.label).map(({ source: _, ...summary }) => summary);
        return {
            ...base,
            status: 'ok',
            findings: analysis.findings.get(s.label) ?? [],
            workloads,
            ...(secretValues.length > 0 ? { secretValues } : {}),
        };
    });
    return { results, notes };
}

;// CONCATENATED MODULE: ./src/scanners/builtin/index.ts















/** "12.4 MB": progress sizes, in decimal units as download tools print them. */
function builtin_formatBytes(bytes) {
    if (bytes < 1000)
        return `${bytes} B`;
    const units = ['kB', 'MB', 'GB', 'TB'];
    let value = bytes;
    let unit = -1;
    while (value >= 1000 && unit < units.length - 1) {
        value /= 1000;
        unit++;
    }
    return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
/** bulkhead's own checks: one ScanResult per image (BH1xx config/history, BH2xx filesystem) and per Dockerfile (BH109). */
const SUDOERS_CAP = 256 * 1024;
/** The union of what every check needs to read; everything else streams past unread. */
function contentWanted(path, size) {
    return Math.max(secretContentWanted(path, size), accountContentWanted(path, size), path === 'etc/sudoers' || path.startsWith('etc/sudoers.d/') ? Math.min(size, SUDOERS_CAP) : 0);
}
/** An image read, with its history masked once for every message that quotes it. */
async function imageSubject(input, key, model) {
    const commands = await Promise.all(model.config.history.map((h) => redactSecrets(h.createdBy)));
    return { input, key, model, commands, found: new Set() };
}
/** Every image check, on an image already read. */
async function checkImage(subject) {
    return [
        ...checkUser(subject),
        ...checkHealthcheck(subject),
        ...(await checkEnvironment(subject)),
        ...checkPorts(subject),
        ...checkVolumes(subject),
        ...(await checkHistory(subject)),
        ...checkFilesystem(subject),
        ...(await checkSecretFiles(subject)),
        ...checkAccounts(subject),
    ];
}
async function scanImage(target, config) {
    const step = (0,util_logger/* startStep */.bP)(config.logger ?? util_logger/* silentLogger */.qq, `Reading ${target.input}`);
    const started = Date.now();
    const located = target.source === 'daemon' || target.source === 'registry'
        ? target
        : { ...target, location: (0,external_node_path_.resolve)(config.workspace, target.location) };
    const base = { tool: 'bulkhead', key: target.key, target: target.input, origin: 'run', version: version/* BULKHEAD_VERSION */.w };
    try {
        const model = await readImage(located, {
            wanted: contentWanted,
            platform: config.platform,
            ...(config.timeoutMs ? { timeoutMs: config.timeoutMs } : {}),
            ...(config.env ? { env: config.env } : {}),
            ...(config.saveTo ? { saveTo: config.saveTo } : {}),
            ...(config.registry ? { registry: config.registry } : {}),
            onProgress: (p) => step.update(`${p.layer ? `layer ${p.layer.index} of ${p.layer.count}, ` : ''}${builtin_formatBytes(p.bytes)}${p.totalBytes ? ` of ${builtin_formatBytes(p.totalBytes)}` : ''}`),
        });
        const subject = await imageSubject(target.input, target.key, model);
        const findings = await checkImage(subject);
        const warnings = [...model.notes];
        const imageHistory = {
            diffIds: model.config.diffIds,
            history: model.config.history.map((h) => ({ createdBy: h.createdBy, emptyLayer: h.emptyLayer })),
        };
        const secretValues = [...subject.found];
        const entries = model.layers.reduce((n, layer) => n + layer.contents.files.length, 0);
        step.done(`${model.layers.length} layer${model.layers.length === 1 ? '' : 's'}, ${entries} files, ${findings.length} finding${findings.length === 1 ? '' : 's'}`);
        return { result: { ...base, status: 'ok', durationMs: Date.now() - started, findings, warnings, imageHistory, secretValues }, model };
    }
    catch (error) {
        const message = error instanceof errors/* FormatError */.IF || error instanceof errors/* ToolError */.v4 ? error.message : `reading ${target.input} failed: ${(0,errors/* errorMessage */.gJ)(error)}`;
        step.failed('could not be read');
        return { result: { ...base, status: 'error', durationMs: Date.now() - started, findings: [], error: message, warnings: [] } };
    }
}
async function scanDockerfile(dockerfile, workspace) {
    const started = Date.now();
    const base = { tool: 'bulkhead', key: dockerfile, target: dockerfile, origin: 'run', version: version/* BULKHEAD_VERSION */.w };
    try {
        const text = await readTextFile((0,external_node_path_.resolve)(workspace, dockerfile), dockerfile, MAX_DOCKERFILE_BYTES);
        const findings = checkDockerfile(dockerfile, text);
        return { ...base, status: 'ok', durationMs: Date.now() - started, findings, warnings: [] };
    }
    catch (error) {
        return {
            ...base,
            status: 'error',
            durationMs: Date.now() - started,
            findings: [],
            error: `reading ${dockerfile} failed: ${error instanceof Error ? error.message : String(error)}`,
            warnings: [],
        };
    }
}
/**
 * Rehearsals one image after another (each runs containers on the runner), each merged into its
 * image's result: findings beside the static ones, the record for the summary. A rehearsal the
 * engine cannot run makes the result an error, so that the gate fails closed as asked.
 */
async function rehearseAll(targets, images, config, context) {
    for (const [index, target] of targets.entries()) {
        const read = images[index];
        if (!read?.model)
            continue;
        if (target.source !== 'daemon') {
            context.notes.push(`${target.input} was not rehearsed: a rehearsal runs images of the local Docker engine; load it (docker load) and name it by its reference.`);
            continue;
        }
        const subject = { input: target.input, key: target.key, model: read.model };
        try {
            const outcome = await rehearseImage(target.location, subject, config, { docker: 'docker', env: context.env, cwd: context.workspace }, context.logger);
            read.result = { ...read.result, findings: [...read.result.findings, ...outcome.findings], rehearsal: outcome.summary };
            context.notes.push(...outcome.summary.notes.map((note) => `Rehearsal of ${target.input}: ${note}`));
        }
        catch (error) {
            read.result = {
                ...read.result,
                status: 'error',
                error: `the rehearsal of ${target.input} could not run: ${error instanceof errors/* ToolError */.v4 ? error.message.replace(/^rehearsal: /, '') : (0,errors/* errorMessage */.gJ)(error)}`,
            };
        }
    }
}
async function runBuiltin({ targets, scanners, rehearsal, exports, registry, }, workloads, logger = util_logger/* silentLogger */.qq) {
    const notes = [];
    const access = {
        credentials: {
            env: workloads.env,
            ...(registry?.username && registry.password ? { explicit: { username: registry.username, password: registry.password } } : {}),
        },
        insecure: registry?.insecure ?? [],
    };
    const images = await Promise.all(targets.images.map(async (image) => {
        const shared = exports?.get(image.input);
        const read = await scanImage(image, {
            ...targets,
            timeoutMs: scanners.timeoutMs,
            env: workloads.env,
            logger,
            ...(shared ? { saveTo: shared.path } : {}),
            registry: access,
        });
        shared?.settle(read.result.status === 'ok');
        return read;
    }));
    if (rehearsal?.enabled)
        await rehearseAll(targets.images, images, rehearsal, { workspace: targets.workspace, env: workloads.env, logger, notes });
    const dockerfiles = await Promise.all(targets.dockerfiles.map((d) => scanDockerfile(d, targets.workspace)));
    const manifests = targets.manifests.length > 0 || targets.compose.length > 0
        ? await scanWorkloads(targets, { ...workloads, timeoutMs: scanners.timeoutMs }, targets.images.flatMap((image, i) => {
            const model = images[i]?.model;
            return model ? [imageFacts(image, model, images[i]?.result.rehearsal)] : [];
        }))
        : { results: [], notes: [] };
    notes.push(...manifests.notes);
    return { results: [...images.map((i) => i.result), ...dockerfiles, ...manifests.results], notes };
}

;// CONCATENATED MODULE: ./src/scanners/hadolint/fromReport.ts


/**
 * Reads an existing hadolint JSON report (`hadolint-report` input). One result per Dockerfile
 * the report names, so that each gets its own SARIF run and category.
 */
async function hadolintFromReport(file, displayName, resolveFile) {
    const started = performance.now();
    const documents = await jsonFile_readJsonReport(file);
    const parsed = parseHadolintReport(documents, resolveFile, displayName);
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
        results.push({
            tool: 'hadolint',
            key: displayName,
            target: displayName,
            origin: 'report',
            status: 'ok',
            durationMs: 0,
            findings: [],
            warnings: [],
        });
    }
    const elapsed = performance.now() - started;
    for (const result of results)
        result.durationMs = elapsed / results.length;
    results[0]?.warnings.push(...parsed.warnings);
    return results;
}

;// CONCATENATED MODULE: ./src/scanners/trivy/fromReport.ts





/** Reads an existing Trivy JSON report (`trivy-report` input) into a scan result. */
async function trivyFromReport(file, displayName) {
    const started = performance.now();
    const documents = await jsonFile_readJsonReport(file, { spill: isTrivyEntryList, element: trivyEntrySlimmer() });
    if (documents.length !== 1) {
        throw new errors/* FormatError */.IF(displayName, `holds ${documents.length} JSON documents; a Trivy report is one (write one report per file).`);
    }
    const report = parseTrivyReport(documents[0], displayName);
    const key = report.image ? imageRepository(report.image) : (report.artifactName ?? (0,external_node_path_.basename)(file));
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
            ...(report.diffIds.length > 0 ? { imageHistory: { diffIds: report.diffIds, history: report.history } } : {}),
            ...inventoryField(report),
        },
    };
}

;// CONCATENATED MODULE: ./src/policy/resolved.ts
/** The first setting given wins: the input, then the policy file, then the default. */
function setting(input, file, fallback) {
    if (input !== undefined)
        return { value: input, source: 'input' };
    if (file !== undefined)
        return { value: file, source: 'policy file' };
    return { value: fallback, source: 'default' };
}

;// CONCATENATED MODULE: ./src/policy/file.ts




const TOP_LEVEL = ['fail-on', 'ignore-unfixed', 'only-new', 'pod-security', 'network-policies', 'overrides', 'exceptions'];
const EXCEPTION_KEYS = ['id', 'rule', 'tool', 'package', 'purl', 'image', 'path', 'dockerfile', 'reason', 'owner', 'expires'];
const OVERRIDE_KEYS = ['id', 'rule', 'tool', 'severity'];
/** Reads one YAML node of the policy file; every mistake is `file:line: what is wrong; what to write`. */
class PolicyReader {
    fileName;
    lines = new dist/* LineCounter */.HN();
    document;
    constructor(text, fileName) {
        this.fileName = fileName;
        this.document = (0,dist/* parseDocument */.Tp)(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
    }
    at(node) {
        const offset = node?.range?.[0];
        return offset === undefined ? this.fileName : `${this.fileName}:${this.lines.linePos(offset).line}`;
    }
    fail(node, message) {
        throw new errors/* UsageError */.eb(`${this.at(node)}: ${message}`);
    }
    lineOf(offset) {
        return this.lines.linePos(offset).line;
    }
    scalarText(node, what) {
        if (!(0,dist/* isScalar */.jn)(node) || node.value === null || typeof node.value === 'object')
            this.fail(node, `${what} must be a single value.`);
        return String(node.value).trim();
    }
    booleanOf(node, what) {
        if ((0,dist/* isScalar */.jn)(node) && typeof node.value === 'boolean')
            return node.value;
        return this.fail(node, `${what} must be true or false.`);
    }
    keyOf(pair) {
        const key = pair.key;
        return { name: (0,dist/* isScalar */.jn)(key) ? String(key.value) : '', node: key };
    }
    /** The fields of one override or exception, `rule` read as `id`, unknown fields refused. */
    fields(item, section) {
        if (!(0,dist/* isMap */.jh)(item))
            this.fail(item, `each item of ${section} must be a mapping such as "id: CVE-2024-1234".`);
        const allowed = section === 'exceptions' ? EXCEPTION_KEYS : OVERRIDE_KEYS;
        const fields = new Map();
        for (const field of item.items) {
            const key = this.keyOf(field);
            if (!allowed.includes(key.name))
                this.fail(key.node, `"${key.name}" is not a field of ${section}; the fields are ${allowed.join(', ')}.`);
            fields.set(key.name === 'rule' ? 'id' : key.name, field.value);
        }
        return fields;
    }
}
function readTool(reader, fields) {
    if (!fields.has('tool'))
        return undefined;
    const tool = reader.scalarText(fields.get('tool'), 'tool').toLowerCase();
    if (!TOOLS.includes(tool))
        reader.fail(fields.get('tool'), `tool is "${tool}"; write one of ${TOOLS.join(', ')}.`);
    return tool;
}
function readOverride(reader, item) {
    const fields = reader.fields(item, 'overrides');
    const text = (field) => (fields.has(field) ? reader.scalarText(fields.get(field), field) : undefined);
    const tool = readTool(reader, fields);
    const severity = text('severity')?.toLowerCase();
    if (severity === undefined)
        reader.fail(item, 'an override needs a severity (critical, high, medium, low or info).');
    if (!isSeverity(severity))
        reader.fail(fields.get('severity'), `severity is "${severity}"; write critical, high, medium, low or info.`);
    const id = text('id');
    if (id === undefined && tool === undefined)
        reader.fail(item, 'an override needs an id (rule) or a tool to apply to.');
    if (id !== undefined && id.length > MAX_PATTERN_LENGTH)
        reader.fail(fields.get('id'), `id is longer than ${MAX_PATTERN_LENGTH} characters.`);
    return { ...(id ? { id } : {}), ...(tool ? { tool } : {}), severity, source: reader.at(item) };
}
function readException(reader, item) {
    const fields = reader.fields(item, 'exceptions');
    const text = (field) => (fields.has(field) ? reader.scalarText(fields.get(field), field) : undefined);
    const tool = readTool(reader, fields);
    const reason = text('reason');
    if (!reason)
        reader.fail(item, 'every exception needs a reason: say why the finding is acceptable (reason: "…").');
    const match = {};
    for (const field of ['id', 'package', 'purl', 'image', 'path', 'dockerfile']) {
        const v = text(field);
        if (v !== undefined && v.length > MAX_PATTERN_LENGTH)
            reader.fail(fields.get(field), `${field} is longer than ${MAX_PATTERN_LENGTH} characters.`);
        if (v !== undefined)
            match[field] = v;
    }
    if (tool)
        match.tool = tool;
    if (Object.keys(match).length === 0)
        reader.fail(item, 'an exception must say what it matches: id, package, purl, image, path or dockerfile.');
    const expires = text('expires');
    if (expires !== undefined && !isIsoDate(expires)) {
        reader.fail(fields.get('expires'), `expires is "${expires}"; write a date as YYYY-MM-DD (a whole day, UTC).`);
    }
    const owner = text('owner');
    return { match, reason, ...(owner ? { owner } : {}), ...(expires ? { expires } : {}), source: reader.at(item) };
}
/**
 * Reads `.bulkhead.yml`. Every mistake is reported as `file:line: what is wrong; what to write`.
 * YAML aliases are refused: an exception is read as written, never through a reference that could
 * make it cover more than it seems to.
 */
function parsePolicyFile(text, fileName) {
    const reader = new PolicyReader(text, fileName);
    const { document } = reader;
    const firstError = document.errors[0];
    if (firstError) {
        throw new errors/* UsageError */.eb(`${fileName}:${reader.lineOf(firstError.pos[0])}: this is not valid YAML (${firstError.message.split('\n')[0]}); fix the syntax.`);
    }
    (0,dist/* visit */.YR)(document, {
        Alias: (_key, node) => reader.fail(node, `the alias *${node.source} is not allowed in the policy file; write the value out.`),
    });
    const policy = { overrides: [], exceptions: [] };
    if (document.contents === null || ((0,dist/* isScalar */.jn)(document.contents) && document.contents.value === null))
        return policy;
    if (!(0,dist/* isMap */.jh)(document.contents)) {
        reader.fail(document.contents, 'the policy must be a mapping of settings (fail-on, ignore-unfixed, only-new, pod-security, network-policies, overrides, exceptions).');
    }
    for (const pair of document.contents.items) {
        const { name, node: keyNode } = reader.keyOf(pair);
        const value = pair.value;
        if (name === 'fail-on') {
            const v = reader.scalarText(value, 'fail-on').toLowerCase();
            if (v !== 'none' && (!isSeverity(v) || v === 'info'))
                reader.fail(value, `fail-on is "${v}"; write critical, high, medium, low or none.`);
            policy.failOn = v;
        }
        else if (name === 'ignore-unfixed')
            policy.ignoreUnfixed = reader.booleanOf(value, 'ignore-unfixed');
        else if (name === 'only-new')
            policy.onlyNew = reader.booleanOf(value, 'only-new');
        else if (name === 'pod-security') {
            const v = reader.scalarText(value, 'pod-security').toLowerCase();
            if (v !== 'restricted' && v !== 'baseline' && v !== 'none')
                reader.fail(value, `pod-security is "${v}"; write restricted, baseline or none.`);
            policy.podSecurity = v;
        }
        else if (name === 'network-policies') {
            const v = reader.scalarText(value, 'network-policies').toLowerCase();
            if (v !== 'required' && v !== 'when-present')
                reader.fail(value, `network-policies is "${v}"; write required or when-present.`);
            policy.networkPolicies = v;
        }
        else if (name === 'overrides' || name === 'exceptions') {
            if (value === null || ((0,dist/* isScalar */.jn)(value) && value.value === null))
                continue;
            if (!(0,dist/* isSeq */.oP)(value))
                reader.fail(value, `${name} must be a list (each item starting with "- ").`);
            for (const item of value.items) {
                if (name === 'overrides')
                    policy.overrides.push(readOverride(reader, item));
                else
                    policy.exceptions.push(readException(reader, item));
            }
        }
        else
            reader.fail(keyNode, `"${name}" is not a policy setting; the settings are ${TOP_LEVEL.join(', ')}.`);
    }
    return policy;
}
/** A real calendar date written YYYY-MM-DD. */
function isIsoDate(text) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text))
        return false;
    const date = new Date(`${text}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

;// CONCATENATED MODULE: ./src/policy/trivyignore.ts




/**
 * `.trivyignore`: one ID a line, optionally `exp:YYYY-MM-DD`; `#` comments. The comment lines
 * right above an entry are its reason, as teams write them.
 */
function parseTrivyIgnore(text, fileName) {
    const exceptions = [];
    let comments = [];
    text.split(/\r?\n/).forEach((raw, index) => {
        const line = raw.trim();
        if (line.startsWith('#')) {
            comments.push(line.replace(/^#+\s*/, ''));
            return;
        }
        if (line === '') {
            comments = [];
            return;
        }
        // As Trivy reads it: the first field is the id, compared literally; the first field that
        // starts with exp: is the expiry, a date in Go's 2006-01-02 layout (Trivy skips a line whose
        // date does not parse; bulkhead stops, so that a typo never becomes "ignored for ever").
        const fields = line.split(/\s+/);
        const id = fields[0];
        const exp = fields.find((field) => field.startsWith('exp:'));
        const expires = exp === undefined ? undefined : exp.slice(4);
        if (expires !== undefined && !isIsoDate(expires)) {
            throw new errors/* UsageError */.eb(`${fileName}:${index + 1}: ${JSON.stringify(exp).slice(0, 60)} is not an expiry date; write exp:YYYY-MM-DD.`);
        }
        const reason = comments.filter(Boolean).join(' ') || `listed in ${fileName}`;
        exceptions.push({ match: { id, literalId: true }, reason, ...(expires ? { expires } : {}), source: `${fileName}:${index + 1}` });
        comments = [];
    });
    return exceptions;
}
const trivyignore_ENTRY_FIELDS = ['id', 'paths', 'purls', 'statement', 'expired_at'];
const SECTIONS = ['vulnerabilities', 'misconfigurations', 'secrets', 'licenses'];
/** Follows an alias (`*name`) to the node it names, as Trivy's YAML decoder does. */
function resolved(node, document) {
    let current = node;
    for (let hops = 0; (0,dist/* isAlias */.Vj)(current) && hops < 64; hops++)
        current = current.resolve(document);
    return current;
}
/**
 * `.trivyignore.yaml`: vulnerabilities, misconfigurations, secrets and licenses, each a list of
 * entries with id, paths, purls, statement and expired_at. Aliases are resolved as Trivy
 * resolves them, and every field is checked after that: `paths: *x` naming anything but a list of
 * strings is an error, never an exception that covers every path. Unknown fields (`path:` for
 * `paths:`) are refused for the same reason.
 */
function parseTrivyIgnoreYaml(text, fileName) {
    const lines = new dist/* LineCounter */.HN();
    const document = (0,dist/* parseDocument */.Tp)(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const at = (node) => `${fileName}:${(0,dist/* isNode */.Ll)(node) && node.range ? lines.linePos(node.range[0]).line : 1}`;
    const fail = (node, message) => {
        throw new errors/* UsageError */.eb(`${at(node)}: ${message}`);
    };
    if (document.errors[0])
        fail(undefined, 'this is not valid YAML; fix the syntax.');
    const root = resolved(document.contents, document);
    if (root === null || ((0,dist/* isScalar */.jn)(root) && root.value === null))
        return [];
    if (!(0,dist/* isMap */.jh)(root))
        return fail(root, `expected the sections ${SECTIONS.join(', ')}.`);
    const strings = (node, what) => {
        const list = resolved(node, document);
        if (!(0,dist/* isSeq */.oP)(list))
            return fail(node, `${what} must be a list of strings.`);
        return list.items.map((item) => {
            const value = resolved(item, document);
            if (!(0,dist/* isScalar */.jn)(value) || typeof value.value !== 'string' || value.value === '')
                return fail(item, `${what} must be a list of strings.`);
            if (value.value.length > MAX_PATTERN_LENGTH)
                return fail(item, `a pattern in ${what} is longer than ${MAX_PATTERN_LENGTH} characters.`);
            return value.value;
        });
    };
    const exceptions = [];
    for (const pair of root.items) {
        const key = resolved(pair.key, document);
        const section = (0,dist/* isScalar */.jn)(key) ? String(key.value) : '';
        if (!SECTIONS.includes(section))
            fail(pair.key, `"${section}" is not a section; the sections are ${SECTIONS.join(', ')}.`);
        const list = resolved(pair.value, document);
        if (list === null || ((0,dist/* isScalar */.jn)(list) && list.value === null))
            continue;
        if (!(0,dist/* isSeq */.oP)(list))
            return fail(pair.value, `${section} must be a list of entries with an id.`);
        for (const raw of list.items) {
            const item = resolved(raw, document);
            if (!(0,dist/* isMap */.jh)(item))
                return fail(raw, 'each entry needs an id.');
            const fields = new Map();
            for (const field of item.items) {
                const name = resolved(field.key, document);
                const fieldName = (0,dist/* isScalar */.jn)(name) ? String(name.value) : '';
                if (!trivyignore_ENTRY_FIELDS.includes(fieldName))
                    fail(field.key, `"${fieldName}" is not a field of an entry; the fields are ${trivyignore_ENTRY_FIELDS.join(', ')}.`);
                fields.set(fieldName, field.value);
            }
            const scalar = (name) => {
                if (!fields.has(name))
                    return undefined;
                const value = resolved(fields.get(name), document);
                if (!(0,dist/* isScalar */.jn)(value) || (typeof value.value !== 'string' && !(value.value instanceof Date)))
                    return fail(fields.get(name) ?? raw, `${name} must be a single value.`);
                return value.value instanceof Date ? value.value.toISOString() : value.value;
            };
            const id = scalar('id');
            if (!id)
                return fail(raw, 'each entry needs an id.');
            const expiredAt = scalar('expired_at');
            const expires = expiredAt === undefined ? undefined : expiredAt.slice(0, 10);
            if (expiredAt !== undefined && (!isIsoDate(expires) || !/^\d{4}-\d{2}-\d{2}([Tt ].*)?$/.test(expiredAt))) {
                fail(fields.get('expired_at'), `expired_at is ${JSON.stringify(expiredAt).slice(0, 40)}, not a date; write YYYY-MM-DD.`);
            }
            const statement = scalar('statement');
            const reason = statement || `listed in ${fileName}`;
            const base = { reason, ...(expires ? { expires } : {}), source: at(raw) };
            const paths = fields.has('paths') ? strings(fields.get('paths'), 'paths') : [];
            const purls = fields.has('purls') ? strings(fields.get('purls'), 'purls') : [];
            if (paths.length === 0 && purls.length === 0)
                exceptions.push({ ...base, match: { id, literalId: true } });
            for (const path of paths)
                exceptions.push({ ...base, match: { id, literalId: true, path } });
            for (const purl of purls)
                exceptions.push({ ...base, match: { id, literalId: true, purl } });
        }
    }
    return exceptions;
}

// EXTERNAL MODULE: ./node_modules/packageurl-js/index.js
var packageurl_js = __webpack_require__(87091);
;// CONCATENATED MODULE: ./src/policy/vex.ts




const STATUSES = ['not_affected', 'affected', 'fixed', 'under_investigation'];
function componentIds(value) {
    if (!Array.isArray(value))
        return [];
    return value.flatMap((c) => {
        if (typeof c === 'string')
            return [c];
        if (!json_isObject(c))
            return [];
        const ids = json_isObject(c.identifiers) ? [json_str(c.identifiers.purl)] : [];
        return [json_str(c['@id']), ...ids].filter((v) => v !== undefined);
    });
}
/** Reads an OpenVEX document (v0.0.x string forms and v0.2 objects alike). */
function parseOpenVex(document, fileName) {
    if (!json_isObject(document) || !Array.isArray(document.statements)) {
        throw new errors/* FormatError */.IF(fileName, 'is not an OpenVEX document (no "statements" list).');
    }
    const documentTime = json_str(document.timestamp) ?? '';
    return document.statements.map((statement, index) => {
        if (!json_isObject(statement))
            throw new errors/* FormatError */.IF(fileName, `has statement ${index + 1} that is not an object.`);
        const vuln = statement.vulnerability;
        const name = typeof vuln === 'string' ? vuln : json_isObject(vuln) ? (json_str(vuln.name) ?? json_str(vuln['@id'])) : undefined;
        if (!name)
            throw new errors/* FormatError */.IF(fileName, `has statement ${index + 1} that names no vulnerability.`);
        const status = json_str(statement.status);
        if (!status || !STATUSES.includes(status))
            throw new errors/* FormatError */.IF(fileName, `has statement ${index + 1} with status ${JSON.stringify(statement.status)}; OpenVEX statuses are ${STATUSES.join(', ')}.`);
        const aliases = json_isObject(vuln) && Array.isArray(vuln.aliases) ? vuln.aliases.filter((a) => typeof a === 'string') : [];
        const products = Array.isArray(statement.products) ? statement.products : [];
        const productSubcomponents = products.flatMap((p) => (json_isObject(p) ? componentIds(p.subcomponents) : []));
        const justification = json_str(statement.justification);
        const impactStatement = json_str(statement.impact_statement);
        return {
            vulnerability: name,
            aliases,
            products: componentIds(products),
            subcomponents: [...componentIds(statement.subcomponents), ...productSubcomponents],
            status: status,
            ...(justification ? { justification } : {}),
            ...(impactStatement ? { impactStatement } : {}),
            timestamp: json_str(statement.timestamp) ?? documentTime,
            source: `${fileName} statement ${index + 1}`,
        };
    });
}
/**
 * A purl as packageurl-js reads it, with each type's own normalisation (PyPI names lower-cased with
 * `_` as `-`, percent-decoding, qualifiers). One that does not parse names nothing, and so matches
 * nothing, rather than throwing: the library also throws on some it should refuse quietly.
 */
function parsePurl(text) {
    if (!text.startsWith('pkg:') || text.length > 2048)
        return undefined;
    try {
        const purl = packageurl_js.PackageURL.fromString(text);
        return {
            type: purl.type,
            namespace: purl.namespace ?? '',
            name: purl.name,
            ...(purl.version ? { version: purl.version } : {}),
            qualifiers: { ...(purl.qualifiers ?? {}) },
        };
    }
    catch {
        return undefined;
    }
}
/**
 * `pattern` names the same package as `actual`: type, namespace and name; a version in the
 * pattern must match too, and so must each qualifier it gives (`?arch=arm64` is not the amd64 build).
 */
function purlMatches(pattern, actual) {
    if (!actual)
        return false;
    const p = parsePurl(pattern);
    const a = parsePurl(actual);
    if (!p || !a)
        return false;
    if (p.type !== a.type || p.namespace !== a.namespace || p.name !== a.name)
        return false;
    if (p.version !== undefined && p.version !== a.version)
        return false;
    return Object.entries(p.qualifiers).every(([key, value]) => a.qualifiers[key] === value);
}
/** A product id names the image: a `pkg:oci/NAME` purl, or an image reference. */
function productIsImage(product, finding) {
    if (!finding.image)
        return false;
    const repository = imageRepository(finding.image);
    const purl = parsePurl(product);
    if (purl) {
        if (purl.type !== 'oci' && purl.type !== 'docker')
            return false;
        return repository === purl.name || repository.endsWith(`/${purl.name}`);
    }
    return imageRepository(product) === repository;
}
function statementApplies(statement, finding) {
    if (finding.kind !== 'vulnerability')
        return false;
    if (statement.vulnerability !== finding.ruleId && !statement.aliases.includes(finding.ruleId))
        return false;
    const packageMatches = (id) => purlMatches(id, finding.pkg?.purl);
    if (statement.products.length === 0)
        return statement.subcomponents.length === 0 || statement.subcomponents.some(packageMatches);
    return statement.products.some((product) => {
        if (packageMatches(product))
            return true;
        if (!productIsImage(product, finding))
            return false;
        return statement.subcomponents.length === 0 || statement.subcomponents.some(packageMatches);
    });
}
function timeOf(statement) {
    const time = Date.parse(statement.timestamp);
    return Number.isNaN(time) ? 0 : time;
}
/** The statement that decides a finding: the latest that applies to it, if any. */
function vexFor(finding, statements) {
    let latest;
    for (const statement of statements) {
        if (!statementApplies(statement, finding))
            continue;
        if (!latest || timeOf(statement) >= timeOf(latest))
            latest = statement;
    }
    return latest;
}

;// CONCATENATED MODULE: ./src/scan/loadPolicy.ts












/** `ignored` in .hadolint.yaml and `# hadolint ignore=` pragmas in the Dockerfiles. */
async function hadolintIgnores(config) {
    const found = [];
    for (const name of ['.hadolint.yaml', '.hadolint.yml']) {
        const path = (0,external_node_path_.resolve)(config.workspace, name);
        if (!(0,external_node_fs_.existsSync)(path))
            continue;
        const text = await readTextFile(path, name, MAX_POLICY_BYTES);
        let parsed;
        try {
            parsed = (0,dist/* parse */.qg)(text);
        }
        catch {
            throw new errors/* UsageError */.eb(`${name} is not valid YAML; fix it or remove it (hadolint reads it too).`);
        }
        const ignored = typeof parsed === 'object' && parsed !== null ? parsed.ignored : undefined;
        if (Array.isArray(ignored))
            for (const rule of ignored)
                found.push(`${String(rule)} (${name})`);
    }
    for (const dockerfile of config.dockerfiles) {
        const lines = (await readTextFile((0,external_node_path_.resolve)(config.workspace, dockerfile), dockerfile, MAX_DOCKERFILE_BYTES)).split(/\r?\n/);
        lines.forEach((line, index) => {
            const pragma = /^\s*#\s*hadolint\s+ignore=([A-Za-z0-9,\s]+)/.exec(line);
            if (pragma)
                for (const rule of pragma[1]
                    .split(',')
                    .map((r) => r.trim())
                    .filter(Boolean))
                    found.push(`${rule} (${dockerfile}:${index + 1})`);
        });
    }
    return found;
}
/**
 * Everything that decides the gate besides the findings: inputs, `.bulkhead.yml`, Trivy's
 * ignore files, VEX documents and the baseline. Inputs override the file.
 */
async function loadPolicy(targets, config, baselineSource) {
    const { workspace } = targets;
    const files = [];
    const notes = [];
    let file = { overrides: [], exceptions: [] };
    if (config.policyFile) {
        const name = workspacePath(workspace, config.policyFile);
        file = parsePolicyFile(await readTextFile(config.policyFile, name, MAX_POLICY_BYTES), name);
        files.push(name);
    }
    const exceptions = [...file.exceptions];
    for (const [name, parse] of [
        ['.trivyignore', parseTrivyIgnore],
        ['.trivyignore.yaml', parseTrivyIgnoreYaml],
    ]) {
        const path = (0,external_node_path_.resolve)(workspace, name);
        if (!(0,external_node_fs_.existsSync)(path))
            continue;
        exceptions.push(...parse(await readTextFile(path, name, MAX_POLICY_BYTES), name));
        files.push(name);
    }
    // trivyignores: each in the format its name says, as Trivy picks it.
    for (const path of config.trivyIgnoreFiles) {
        const name = workspacePath(workspace, path);
        if (files.includes(name))
            continue;
        const parse = /\.ya?ml$/i.test(path) ? parseTrivyIgnoreYaml : parseTrivyIgnore;
        exceptions.push(...parse(await readTextFile(path, name, MAX_POLICY_BYTES), name));
        files.push(name);
    }
    const vex = [];
    for (const path of config.vexFiles) {
        const name = workspacePath(workspace, path);
        const [document, ...extra] = await jsonFile_readJsonReport(path);
        if (extra.length > 0)
            throw new errors/* FormatError */.IF(name, 'holds more than one JSON document; write one OpenVEX document per file.');
        vex.push(...parseOpenVex(document, name));
        files.push(name);
    }
    const settings = {
        failOn: setting(config.failOn, file.failOn, 'high'),
        ignoreUnfixed: setting(config.ignoreUnfixed, file.ignoreUnfixed, false),
        onlyNew: setting(config.onlyNew, file.onlyNew, false),
        podSecurity: setting(config.podSecurity, file.podSecurity, 'none'),
        networkPolicies: setting(undefined, file.networkPolicies, 'when-present'),
    };
    let baseline;
    if (config.baselineFile) {
        const name = workspacePath(workspace, config.baselineFile);
        const [document] = await jsonFile_readJsonReport(config.baselineFile);
        baseline = readBaseline(document, name);
    }
    else if (settings.onlyNew.value && baselineSource) {
        baseline = await baselineSource.restore();
    }
    if (settings.onlyNew.value && !baseline) {
        notes.push('only-new is on but no baseline was found: every finding counts as new.');
    }
    return {
        gate: {
            failOn: settings.failOn.value,
            ignoreUnfixed: settings.ignoreUnfixed.value,
            onlyNew: settings.onlyNew.value,
            overrides: file.overrides,
            exceptions,
            vex,
            ...(baseline ? { baseline } : {}),
        },
        settings,
        files,
        hadolintIgnores: await hadolintIgnores(targets),
        notes,
    };
}

;// CONCATENATED MODULE: ./src/scan/collect.ts












/** hadolint names files as it was given them ("-" for stdin, Windows paths): map to the repo's Dockerfiles. */
function hadolintFileResolver(targets) {
    return (file) => {
        const single = targets.dockerfiles.length === 1 ? targets.dockerfiles[0] : undefined;
        if (file === '-' && single)
            return single;
        const normalized = file.replace(/\\/g, '/').replace(/^\.\//, '');
        const known = targets.dockerfiles.find((d) => d === normalized || normalized.endsWith(`/${d}`));
        if (known)
            return known;
        return (0,external_node_path_.isAbsolute)(normalized) ? workspacePath(targets.workspace, normalized) : normalized;
    };
}
function unavailable(tool, key, target, error) {
    return { tool, key, target, origin: 'run', status: 'error', durationMs: 0, findings: [], error, warnings: [] };
}
/** Where no way to run scanners was given (a library caller): every run is an error, never a pass. */
function noScannerRunner(plan) {
    const mustRun = scannersToRun(plan);
    const why = 'no scanner runner was configured for this scan';
    return Promise.resolve([
        ...(mustRun.trivy ? plan.targets.images.map((i) => unavailable('trivy', i.key, i.input, why)) : []),
        ...(mustRun.hadolint ? plan.targets.dockerfiles.map((d) => unavailable('hadolint', d, d, why)) : []),
    ]);
}
async function collect_collectResults(plan, notes, runScanners, workloads, logger, rehearsal) {
    const { targets, scanners } = plan;
    const mustRun = scannersToRun(plan);
    // The built-in checks read images while Trivy and hadolint run.
    const wantsBuiltin = scanners.tools.includes('bulkhead') &&
        (targets.images.length > 0 || targets.dockerfiles.length > 0 || targets.manifests.length > 0 || targets.compose.length > 0);
    const shared = wantsBuiltin && mustRun.trivy ? await sharedExports(targets.images, workloads.env) : undefined;
    try {
        const builtin = wantsBuiltin
            ? runBuiltin({ ...plan, ...(rehearsal ? { rehearsal } : {}), ...(shared ? { exports: shared.exports } : {}) }, workloads, logger)
            : Promise.resolve({ results: [], notes: [] });
        // However the built-in checks end, Trivy never waits on an export that will not come.
        if (shared)
            void builtin.finally(() => shared.exports.forEach((e) => e.settle(false))).catch(() => undefined);
        const ran = mustRun.trivy || mustRun.hadolint
            ? await (runScanners ?? noScannerRunner)({ ...plan, ...(shared ? { sharedExports: shared.ready } : {}) })
            : [];
        return await gather(plan, notes, { ran, builtin, mustRun, wantsBuiltin });
    }
    finally {
        if (shared)
            await (0,promises_.rm)(shared.dir, { recursive: true, force: true });
    }
}
/**
 * Daemon and registry images that both the built-in checks and Trivy read are fetched once:
 * `docker save` streams into the built-in reader and into a file beside it, a registry pull
 * into the reader and an OCI layout directory; Trivy reads that with --input once it is
 * complete (if the read failed, Trivy reads the daemon or the registry itself).
 */
async function sharedExports(images, env) {
    const daemon = images.filter((i) => i.source === 'daemon' || i.source === 'registry');
    if (daemon.length === 0)
        return undefined;
    const dir = await (0,promises_.mkdtemp)((0,external_node_path_.join)(env.RUNNER_TEMP || (0,external_node_os_.tmpdir)(), 'bulkhead-export-'));
    const exports = new Map();
    const ready = new Map();
    for (const [index, image] of daemon.entries()) {
        const path = (0,external_node_path_.join)(dir, image.source === 'registry' ? `image-${index}` : `image-${index}.tar`);
        let settle = () => undefined;
        ready.set(image.input, new Promise((resolve) => {
            settle = (complete) => resolve(complete && (0,external_node_fs_.existsSync)(path) ? path : undefined);
        }));
        exports.set(image.input, { path, settle: (complete) => settle(complete) });
    }
    return { dir, exports, ready };
}
/** Each chosen tool's results, in the order of `tools`: from its report, its run, or the built-in checks. */
async function gather({ targets, scanners }, notes, run) {
    const { ran, builtin, mustRun, wantsBuiltin } = run;
    const results = [];
    for (const tool of scanners.tools) {
        if (tool === 'trivy') {
            if (targets.trivyReports.length > 0) {
                for (const file of targets.trivyReports)
                    results.push((await trivyFromReport(file, workspacePath(targets.workspace, file))).result);
            }
            else if (mustRun.trivy) {
                results.push(...ran.filter((r) => r.tool === 'trivy'));
            }
            else
                notes.push('Trivy had nothing to scan: no image and no trivy-report.');
        }
        else if (tool === 'hadolint') {
            if (targets.hadolintReports.length > 0) {
                for (const file of targets.hadolintReports)
                    results.push(...(await hadolintFromReport(file, workspacePath(targets.workspace, file), hadolintFileResolver(targets))));
            }
            else if (mustRun.hadolint) {
                results.push(...ran.filter((r) => r.tool === 'hadolint'));
            }
            else
                notes.push('hadolint had nothing to lint: no Dockerfile and no hadolint-report.');
        }
        else if (wantsBuiltin) {
            const done = await builtin;
            results.push(...done.results);
            notes.push(...done.notes);
        }
    }
    return results;
}
/**
 * The edge of a scan: reads the policy, the Dockerfiles and the given reports, and runs the
 * scanners. What it returns is all the pipeline decides on.
 */
async function collect(config, options = {}) {
    const { targets, scanners } = config;
    if (targets.images.length === 0 &&
        targets.dockerfiles.length === 0 &&
        targets.trivyReports.length === 0 &&
        targets.hadolintReports.length === 0 &&
        targets.manifests.length === 0 &&
        targets.compose.length === 0) {
        throw new errors/* UsageError */.eb('there is nothing to scan; set image, dockerfile, manifests, compose, trivy-report or hadolint-report (no Dockerfile or Compose file was found in the workspace).');
    }
    const policy = await loadPolicy(targets, config.policy, options.baselineSource);
    const notes = [...policy.notes];
    const results = await collect_collectResults({ targets, scanners, registry: config.registry, listPackages: config.reports.sbom !== undefined || config.publish.dependencyGraph }, notes, options.runScanners, {
        podSecurity: policy.settings.podSecurity.value,
        networkPolicies: policy.settings.networkPolicies.value,
        env: options.env ?? process.env,
    }, options.logger, config.rehearsal);
    if (results.length === 0) {
        throw new errors/* UsageError */.eb(`none of the tools (${scanners.tools.join(', ')}) has anything to scan; check tools against image, dockerfile and the report inputs.`);
    }
    const dockerfiles = await Promise.all(targets.dockerfiles.map(async (path) => ({
        path,
        text: await readTextFile((0,external_node_path_.resolve)(targets.workspace, path), path, MAX_DOCKERFILE_BYTES),
    })));
    return { results, policy, dockerfiles, notes };
}

;// CONCATENATED MODULE: ./src/attribution/align.ts


/** The final stage and the stages it is built FROM, root first: their instructions are the image's own history. */
function chainOf(stages) {
    const chain = [];
    let current = stages[stages.length - 1];
    const seen = new Set();
    while (current && !seen.has(current.index)) {
        seen.add(current.index);
        chain.unshift(current);
        current = current.baseStage !== undefined ? stages[current.baseStage] : undefined;
    }
    return chain;
}
function runText(text) {
    let rest = text;
    // RUN --mount=… --network=… flags are not recorded in history.
    for (;;) {
        const flag = /^--[a-z-]+(?:=\S*)?\s+/.exec(rest);
        if (!flag)
            break;
        rest = rest.slice(flag[0].length);
    }
    if (rest.startsWith('[')) {
        try {
            const parts = JSON.parse(rest);
            if (Array.isArray(parts))
                return collapse(parts.map(String).join(' '));
        }
        catch {
            // Not JSON after all: compare as written.
        }
    }
    return collapse(rest);
}
function stepMatches(step, instruction) {
    if (step.kind !== instruction.kind)
        return false;
    if (step.kind !== 'RUN')
        return true;
    const written = runText(instruction.text);
    if (step.text === written)
        return true;
    const exec = /^\[.*\]$/.exec(step.text) ? runText(step.text) : undefined;
    if (exec === written)
        return true;
    // A heredoc RUN: BuildKit records the script inside the command.
    return instruction.heredocs.length > 0 && instruction.heredocs.every((body) => body === '' || step.text.includes(body));
}
/**
 * Aligns the image history with the Dockerfile from the last instruction backwards: every
 * instruction of the final stage's chain must meet a history entry of its kind (and, for RUN,
 * its command) in order; what is left before them is the base image. Anything else means the
 * Dockerfile is not the one that built the image, and nothing is attributed.
 */
function attribute(image, dockerfile) {
    const steps = image.history.map((h) => classifyHistory(h.createdBy));
    const withLayers = image.history.flatMap((h, i) => (h.emptyLayer ? [] : [i]));
    if (!dockerfile) {
        const layers = new Map();
        if (withLayers.length === image.diffIds.length)
            withLayers.forEach((entry, n) => layers.set(image.diffIds[n], describeStep(steps[entry])));
        return { kind: 'history-only', layers, steps: new Map(steps.map((step, i) => [i, describeStep(step)])) };
    }
    const stages = parseStages(dockerfile.text);
    const final = stages[stages.length - 1];
    if (!final)
        return { kind: 'mismatch', dockerfile: dockerfile.path, reason: 'it has no FROM instruction', finalFromLine: 1 };
    const mismatch = (reason) => ({
        kind: 'mismatch',
        dockerfile: dockerfile.path,
        reason,
        finalFromLine: final.fromLine,
    });
    if (withLayers.length !== image.diffIds.length)
        return mismatch(`the image's history names ${withLayers.length} layers but it has ${image.diffIds.length}`);
    const chain = chainOf(stages);
    const root = chain[0];
    const instructions = chain.flatMap((stage) => stage.instructions.map((i) => ({ ...i, ...(stage.name ? { stageName: stage.name } : {}), final: stage === final })));
    const assigned = new Map();
    let h = steps.length - 1;
    for (let j = instructions.length - 1; j >= 0; j--) {
        const instruction = instructions[j];
        const step = steps[h];
        if (step && stepMatches(step, instruction)) {
            assigned.set(h, instruction);
            h -= 1;
            continue;
        }
        // Builders differ on whether ARG leaves an entry; a missing one is no evidence either way.
        if (instruction.kind === 'ARG')
            continue;
        const found = step ? describeStep(step, 60) || 'an entry with no command' : 'nothing';
        return mismatch(`line ${instruction.line} (${instruction.display.slice(0, 60)}) meets ${found} in the image's history`);
    }
    const baseImage = root.base;
    const base = { kind: 'base', line: root.fromLine, instruction: `FROM ${baseImage}`, baseImage };
    const originSteps = new Map();
    steps.forEach((_, entry) => {
        const instruction = assigned.get(entry);
        originSteps.set(entry, instruction
            ? {
                kind: 'instruction',
                line: instruction.line,
                instruction: instruction.display,
                ...(instruction.stageName && !instruction.final ? { stage: instruction.stageName } : {}),
                ...(instruction.from ? { copiedFrom: instruction.from } : {}),
            }
            : base);
    });
    const layers = new Map();
    withLayers.forEach((entry, n) => layers.set(image.diffIds[n], originSteps.get(entry) ?? base));
    return { kind: 'matched', dockerfile: dockerfile.path, layers, steps: originSteps, finalFromLine: final.fromLine, baseImage };
}

;// CONCATENATED MODULE: ./src/attribution/apply.ts



function introduction(origin) {
    return origin.kind === 'base'
        ? { kind: 'base', instruction: origin.instruction, ...(origin.baseImage ? { baseImage: origin.baseImage } : {}) }
        : {
            kind: 'instruction',
            instruction: origin.instruction,
            ...(origin.stage ? { stage: origin.stage } : {}),
            ...(origin.copiedFrom ? { copiedFrom: origin.copiedFrom } : {}),
        };
}
function describeOrigin(origin, dockerfile) {
    if (origin.kind === 'base')
        return `From the base image ${origin.baseImage ?? ''} (${dockerfile}:${origin.line}).`;
    const stage = origin.stage ? ` in stage ${origin.stage}` : '';
    const copied = origin.copiedFrom ? `, copied from stage ${origin.copiedFrom}` : '';
    return `Came in with \`${origin.instruction}\` at ${dockerfile}:${origin.line}${stage}${copied}.`;
}
/** Where a finding came from: the history entry that made it, else the layer it is in. */
function originOf(finding, attribution) {
    return ((finding.historyStep !== undefined ? attribution.steps.get(finding.historyStep) : undefined) ??
        (finding.layer ? attribution.layers.get(finding.layer) : undefined));
}
/** One finding placed by an attribution: file, line, what introduced it, and a sentence saying so. */
function placeFinding(finding, attribution, fallback) {
    if (finding.file !== undefined)
        return finding;
    if (attribution?.kind === 'matched') {
        const origin = originOf(finding, attribution);
        const related = (finding.relatedLayers ?? []).flatMap((r) => {
            const other = attribution.layers.get(r.layer);
            return other ? [{ file: attribution.dockerfile, line: other.line, role: r.role, instruction: other.instruction }] : [];
        });
        const relatedText = related
            .map((r) => ` ${r.role[0]?.toUpperCase()}${r.role.slice(1)} by \`${r.instruction}\` at ${r.file}:${r.line}.`)
            .join('');
        if (origin) {
            return {
                ...finding,
                file: attribution.dockerfile,
                line: origin.line,
                introducedBy: introduction(origin),
                message: `${(0,errors/* asSentence */.KG)(finding.message)} ${describeOrigin(origin, attribution.dockerfile)}${relatedText}`,
                ...(related.length > 0 ? { relatedLines: related.map(({ file, line, role }) => ({ file, line, role })) } : {}),
            };
        }
        return { ...finding, file: attribution.dockerfile, line: attribution.finalFromLine };
    }
    if (attribution?.kind === 'history-only') {
        const step = originOf(finding, attribution);
        if (step) {
            const placed = {
                ...finding,
                introducedBy: { kind: 'history', instruction: step },
                message: `${(0,errors/* asSentence */.KG)(finding.message)} Created by: \`${step}\`.`,
            };
            return fallback ? { ...placed, file: fallback.path, line: fallback.fromLine } : placed;
        }
    }
    return fallback ? { ...finding, file: fallback.path, line: fallback.fromLine } : finding;
}
/**
 * Puts every image finding on the Dockerfile line that brought it in. `dockerfileFor` names the
 * Dockerfile given for an image key (if any); `fromLine` is the final FROM line used when the
 * Dockerfile does not match the image.
 */
/** The attribution with every quoted instruction and history line masked (redactSecrets). */
async function masked(attribution) {
    const cache = new Map();
    const redact = (text) => {
        let pending = cache.get(text);
        if (!pending)
            cache.set(text, (pending = redactSecrets(text)));
        return pending;
    };
    if (attribution.kind === 'mismatch')
        return { ...attribution, reason: await redact(attribution.reason) };
    if (attribution.kind === 'history-only') {
        const layers = new Map();
        for (const [layer, step] of attribution.layers)
            layers.set(layer, await redact(step));
        const steps = new Map();
        for (const [index, step] of attribution.steps)
            steps.set(index, await redact(step));
        return { ...attribution, layers, steps };
    }
    const maskOrigin = async (origin) => ({ ...origin, instruction: await redact(origin.instruction) });
    const layers = new Map();
    for (const [layer, origin] of attribution.layers)
        layers.set(layer, await maskOrigin(origin));
    const steps = new Map();
    for (const [index, origin] of attribution.steps)
        steps.set(index, await maskOrigin(origin));
    return { ...attribution, layers, steps };
}
async function placeImageFindings(results, dockerfileFor) {
    const notes = [];
    const histories = new Map();
    for (const result of results)
        if (result.imageHistory && !histories.has(result.key))
            histories.set(result.key, result.imageHistory);
    const attributions = new Map();
    const attributionFor = async (key) => {
        if (attributions.has(key))
            return attributions.get(key);
        const history = histories.get(key);
        const dockerfile = dockerfileFor(key);
        const attribution = history ? await masked(attribute(history, dockerfile)) : undefined;
        if (attribution?.kind === 'mismatch') {
            notes.push(`${attribution.dockerfile} does not match the image ${key} (${attribution.reason}): edited since the build, or another Dockerfile. Its image findings sit on the FROM line (line ${attribution.finalFromLine}).`);
        }
        attributions.set(key, attribution);
        return attribution;
    };
    const placed = [];
    for (const result of results) {
        if (result.tool === 'hadolint' || result.findings.every((f) => f.file !== undefined)) {
            placed.push(result);
            continue;
        }
        const attribution = await attributionFor(result.key);
        const fallback = dockerfileFor(result.key);
        placed.push({ ...result, findings: result.findings.map((f) => placeFinding(f, attribution, fallback)) });
    }
    return { results: placed, notes };
}

;// CONCATENATED MODULE: ./src/policy/match.ts



const compiled = new Map();
function glob(pattern, value) {
    if (value === undefined)
        return false;
    let matcher = compiled.get(pattern);
    if (!matcher) {
        matcher = compileGlob(pattern);
        compiled.set(pattern, matcher);
    }
    return matcher.matches(value);
}
/** Trivy misconfiguration IDs come as DS002, DS-0002 and AVD-DS-0002 across versions: one identity. */
function misconfigurationKey(id) {
    return id
        .toUpperCase()
        .replace(/^AVD-/, '')
        .replace(/-/g, '')
        .replace(/^([A-Z]+)0*(\d)/, '$1$2');
}
/** A pattern names a rule the way users write it: exact, glob, or without bulkhead's kind prefix. */
function idMatches(pattern, finding, literal = false) {
    const id = finding.ruleId;
    if (literal ? pattern === id : glob(pattern, id))
        return true;
    const bare = id.replace(/^(secret|license)\//, '');
    if (bare !== id && (literal ? pattern === bare : glob(pattern, bare)))
        return true;
    return finding.kind === 'misconfiguration' && misconfigurationKey(pattern) === misconfigurationKey(id);
}
function exceptionMatches(match, finding) {
    if (match.id !== undefined && !idMatches(match.id, finding, match.literalId))
        return false;
    if (match.tool !== undefined && match.tool !== finding.tool)
        return false;
    if (match.package !== undefined && !glob(match.package, finding.pkg?.name))
        return false;
    if (match.purl !== undefined && !purlMatches(match.purl, finding.pkg?.purl))
        return false;
    if (match.image !== undefined &&
        !(finding.image && (glob(match.image, imageRepository(finding.image)) || glob(match.image, finding.image))))
        return false;
    if (match.path !== undefined && !glob(match.path.replace(/^\//, ''), finding.path?.replace(/^\//, '')))
        return false;
    if (match.dockerfile !== undefined && !glob(match.dockerfile, finding.file))
        return false;
    return true;
}
/** The override for a finding: one naming its rule beats one naming only its tool; later beats earlier. */
function overrideFor(finding, overrides) {
    let best;
    for (const override of overrides) {
        if (override.tool !== undefined && override.tool !== finding.tool)
            continue;
        if (override.id !== undefined && !idMatches(override.id, finding))
            continue;
        if (best && best.id !== undefined && override.id === undefined)
            continue;
        best = override;
    }
    return best;
}

;// CONCATENATED MODULE: ./src/policy/decide.ts



/** Exceptions that expire within this many days are warned about. */
const EXPIRY_WARNING_DAYS = 14;
/** Trivy statuses that mean "no fixed version to move to". */
const UNFIXED = new Set(['affected', 'will_not_fix', 'fix_deferred', 'end_of_life']);
function isUnfixed(finding) {
    if (finding.kind !== 'vulnerability')
        return false;
    if (finding.pkg?.fixed)
        return false;
    return finding.fixStatus === undefined || UNFIXED.has(finding.fixStatus);
}
function todayUtc(now) {
    return now.toISOString().slice(0, 10);
}
function addDays(day, days) {
    return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
function exceptionState(exception, today) {
    if (exception.expires === undefined)
        return 'active';
    if (exception.expires <= today)
        return 'expired';
    return exception.expires <= addDays(today, EXPIRY_WARNING_DAYS) ? 'expiring' : 'active';
}
function describeException(exception) {
    const owner = exception.owner ? `, owner ${exception.owner}` : '';
    const expires = exception.expires ? `, until ${exception.expires}` : '';
    return `exception ${exception.source}${owner}${expires}: ${exception.reason}`;
}
function describeVex(statement) {
    const why = statement.justification ?? statement.impactStatement;
    return `VEX ${statement.source}: ${statement.status.replace('_', ' ')}${why ? ` (${why.replace(/_/g, ' ')})` : ''}`;
}
/**
 * One decision for every finding, with the rule of policy that made it. Precedence: severity
 * override, then VEX, then exceptions (suppressed); then ignore-unfixed, then the baseline, then
 * the threshold.
 */
function decide(findings, policy) {
    return applyPolicy(findings, policy).decisions;
}
function applyPolicy(findings, policy) {
    const today = policy.today ?? todayUtc(new Date());
    const uses = (policy.exceptions ?? []).map((exception) => ({ exception, state: exceptionState(exception, today), matched: 0 }));
    const useBaseline = policy.onlyNew === true && policy.baseline !== undefined;
    let newCount = 0;
    let unchanged = 0;
    const seen = new Set();
    const decisions = findings.map((original) => {
        const override = overrideFor(original, policy.overrides ?? []);
        const finding = override && override.severity !== original.severity ? { ...original, severity: override.severity } : original;
        const overridden = finding !== original ? ` (severity ${original.severity} → ${finding.severity} by override ${override?.source})` : '';
        seen.add(finding.fingerprint);
        const isNew = useBaseline ? !policy.baseline?.entries.has(finding.fingerprint) : true;
        if (useBaseline) {
            if (isNew)
                newCount++;
            else
                unchanged++;
        }
        const statement = vexFor(finding, policy.vex ?? []);
        if (statement && (statement.status === 'not_affected' || statement.status === 'fixed')) {
            return { finding, verdict: 'suppressed', reason: describeVex(statement) + overridden };
        }
        let suppressedBy;
        for (const use of uses) {
            if (!exceptionMatches(use.exception.match, finding))
                continue;
            use.matched++;
            if (use.state !== 'expired' && !suppressedBy)
                suppressedBy = use.exception;
        }
        if (suppressedBy)
            return { finding, verdict: 'suppressed', reason: describeException(suppressedBy) + overridden };
        if (policy.ignoreUnfixed && isUnfixed(finding)) {
            return { finding, verdict: 'below-threshold', reason: 'ignore-unfixed: no fixed version is available' + overridden };
        }
        if (!isNew) {
            return { finding, verdict: 'below-threshold', reason: `only-new: already in the baseline (${policy.baseline?.source})` + overridden };
        }
        if (policy.failOn === 'none') {
            return { finding, verdict: 'below-threshold', reason: 'fail-on is none: reported only' + overridden };
        }
        if (atOrAbove(finding.severity, policy.failOn)) {
            return {
                finding,
                verdict: 'fails-gate',
                reason: `${finding.severity} is at or above fail-on ${policy.failOn}${useBaseline ? ' and new since the baseline' : ''}` + overridden,
            };
        }
        return { finding, verdict: 'below-threshold', reason: `${finding.severity} is below fail-on ${policy.failOn}` + overridden };
    });
    const outcome = { decisions, exceptions: uses };
    if (useBaseline && policy.baseline) {
        const fixed = [...policy.baseline.entries.values()].filter((entry) => !seen.has(entry.fingerprint));
        outcome.baseline = { source: policy.baseline.source, new: newCount, unchanged, fixed };
    }
    return outcome;
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
            ? `${describeFailure(result)} (scanner-error: fail)`
            : `${toolLabel(result.tool)} failed on ${result.target} and was ignored (scanner-error: warn): ${failureText(result)}`);
    }
    const closedByScanner = scannerError === 'fail' && failedScanners.length > 0;
    const verdict = failingFindings > 0 || closedByScanner ? 'fail' : 'pass';
    const exitCode = failingFindings > 0 ? 1 : closedByScanner ? 3 : 0;
    return { verdict, reasons, exitCode, failingFindings, failedScanners };
}

;// CONCATENATED MODULE: ./src/report/sarif.ts






/** GitHub code scanning's upload limits. */
const SARIF_LIMITS = { runs: 20, resultsPerRun: 25_000, gzippedBytes: 10 * 1024 * 1024 };
/**
 * The log's gzipped size, or an estimate above it, as the upload gzips it. JSON never compresses
 * to more than its own length plus gzip's framing, so a log whose text is under the limit needs no
 * gzip at all. A larger one is estimated from 32 runs of about 64 KiB spread over it, each
 * compressed on its own (no shared window, so no better than the whole stream), with a 20% margin:
 * only when that estimate is over the limit is the whole text compressed, to know for sure.
 */
function gzippedSizeAtMost(text, limit) {
    const bytes = jsonTextBytes(text);
    const bound = bytes + Math.ceil(bytes / 1000) + 64;
    if (bound <= limit)
        return bound;
    const sampleChars = 64 * 1024;
    const { pieces } = text;
    if (bytes > 64 * sampleChars) {
        let raw = 0;
        let packed = 0;
        for (let i = 0; i < 32; i++) {
            let sample = '';
            for (let at = Math.floor((i * pieces.length) / 32); at < pieces.length && sample.length < sampleChars; at++)
                sample += pieces[at];
            const sampleBytes = Buffer.from(sample.slice(0, sampleChars), 'utf8');
            raw += sampleBytes.length;
            packed += (0,external_node_zlib_.gzipSync)(sampleBytes, { level: 1 }).length;
        }
        const estimate = Math.ceil((bytes * packed * 1.2) / raw) + 64;
        if (estimate <= limit)
            return estimate;
    }
    return (0,external_node_zlib_.gzipSync)(jsonTextString(text)).length;
}
const SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/**
 * Each run's driver is the tool that found its results, named as that tool names itself in its
 * own SARIF (Trivy's `--format sarif`, hadolint's `-f sarif`): code scanning's tool filter is the
 * driver name, and alerts from an earlier trivy-action or hadolint setup carry on under it.
 */
const DRIVERS = {
    trivy: { name: 'Trivy', fullName: 'Trivy Vulnerability Scanner', informationUri: 'https://github.com/aquasecurity/trivy' },
    hadolint: { name: 'Hadolint', fullName: 'Haskell Dockerfile Linter', informationUri: 'https://github.com/hadolint/hadolint' },
    bulkhead: {
        name: 'bulkhead',
        fullName: 'bulkhead container security gate',
        informationUri: 'https://github.com/bulkhead-security/bulkhead',
    },
};
/** Multitool (SARIF2005) wants a version that starts with an integer; the suffix says it is not known. */
const UNKNOWN_VERSION = '0.0.0-unknown';
/** What bulkhead did to a scanner's results before writing them, recorded on the run. */
const MAPPING = {
    trivy: "Trivy's severities (CRITICAL…UNKNOWN) as critical…info; security-severity from the highest CVSS score when Trivy gives one; image findings placed on the Dockerfile line that made their layer; each result carries bulkhead's gate decision.",
    hadolint: "hadolint's levels error, warning, info, style as high, medium, low, info; each result carries bulkhead's gate decision.",
};
/**
 * A SARIF-friendly rule name: Pascal case from the title ("Last USER should not be root" →
 * LastUserShouldNotBeRoot); it must differ from the id.
 */
function ruleName(id, title) {
    // The first eight runs of letters and digits; a long title is not split whole for them.
    let name = '';
    const words = /[A-Za-z0-9]+/g;
    for (let count = 0, match = words.exec(title); match && count < 8; count++, match = words.exec(title)) {
        const word = match[0];
        name += word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
    }
    const fallback = () => `Rule${id.replace(/[^A-Za-z0-9]+/g, '')}`;
    if (name.length === 0)
        return fallback();
    const candidate = /^[A-Za-z]/.test(name) ? name : `Rule${name}`;
    return candidate !== id ? candidate : fallback();
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
    const safeKey = key
        .replace(/[^A-Za-z0-9._/-]+/g, '-')
        .replace(/\/+/g, '/')
        .replace(/^\/|\/$/g, '') || 'default';
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
/** The catalog's markdown as plain text: code spans keep their content, without the backticks. */
function plainText(markdown) {
    return markdown.replace(/`([^`]*)`/g, '$1');
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
    const builtin = finding.tool === 'bulkhead' ? findBuiltinRule(finding.ruleId) : undefined;
    const description = builtin ? `${builtin.what} ${builtin.why}` : (finding.description ?? title);
    const fix = builtin
        ? builtin.fix
        : finding.kind === 'vulnerability'
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
            text: `${sentence(plainText(description))} ${plainText(fix)}${more}`,
            // The built-in catalog is bulkhead's own markdown (code spans and all); a scanner's text is not.
            markdown: (builtin
                ? `**${builtin.title}**\n\n${description}\n\n${fix}`
                : `**${escape_escapeMarkdown(title)}**\n\n${escape_escapeMarkdown(description)}\n\n${fix}`) +
                (finding.helpUri ? `\n\n[${escape_escapeMarkdown(finding.ruleId)}](${encodeURI(finding.helpUri)})` : ''),
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
    for (const key of ['image', 'layer', 'path', 'pkg', 'cvss', 'fixStatus', 'introducedBy']) {
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
        ...(finding.relatedLines && finding.relatedLines.length > 0
            ? {
                relatedLocations: finding.relatedLines.map((r, i) => ({
                    id: i + 1,
                    message: { text: `${r.role[0]?.toUpperCase() ?? ''}${r.role.slice(1)} here.` },
                    physicalLocation: { artifactLocation: { uri: toUri(r.file) }, region: { startLine: Math.max(1, r.line) } },
                })),
            }
            : {}),
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
        rules.push(new RawJson(buildRule(list)));
    }
    const seen = new Set();
    const results = [];
    for (const decision of kept) {
        // Two findings with one fingerprint would be one alert; keep the first (most severe).
        if (seen.has(decision.finding.fingerprint))
            continue;
        seen.add(decision.finding.fingerprint);
        results.push(new RawJson(buildResult(decision, ruleIndex.get(decision.finding.ruleId), result.key)));
    }
    const driver = DRIVERS[result.tool];
    const version = numericVersion(result.tool === 'bulkhead' ? input.bulkheadVersion : result.version);
    const properties = { scanner: result.tool, target: result.target, origin: result.origin };
    if (result.version)
        properties.scannerVersion = result.version;
    if (result.tool !== 'bulkhead')
        properties.bulkhead = { version: input.bulkheadVersion, mapping: MAPPING[result.tool] };
    if (omitted.length > 0)
        properties.omitted = summarizeOmitted(omitted);
    return {
        run: {
            tool: {
                // A report file often lacks its scanner's version: say so rather than leave it out (SARIF2005) or guess.
                driver: { ...driver, ...(version ? { version, semanticVersion: version } : { version: UNKNOWN_VERSION }), rules },
                // bulkhead merged, mapped and placed a scanner's results: it is on the run as an extension.
                ...(result.tool !== 'bulkhead'
                    ? {
                        extensions: [
                            {
                                ...DRIVERS.bulkhead,
                                version: input.bulkheadVersion,
                                semanticVersion: input.bulkheadVersion,
                            },
                        ],
                    }
                    : {}),
            },
            automationDetails: { id: automationId(input.category, result.tool, result.key) },
            invocations: [
                result.status === 'ok'
                    ? { executionSuccessful: true }
                    : {
                        executionSuccessful: false,
                        toolExecutionNotifications: [{ level: 'error', message: { text: sentence(result.error ?? `${result.tool} failed`) } }],
                    },
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
        if (omittedRuns.length > 0 && log.runs[0])
            (log.runs[0].properties ??= {}).omittedRuns = omittedRuns;
        const text = toJsonText(log);
        const size = gzippedSizeAtMost(text, limits.gzippedBytes);
        if (size <= limits.gzippedBytes || maxResults === 0) {
            const counted = summarizeOmitted([...omittedDecisions, ...dropped.flatMap((plan) => plan.decisions)]);
            const omitted = { runs: omittedRuns, results: counted.results, bySeverity: counted.bySeverity };
            return { text, omitted };
        }
        const largest = Math.max(...plans.map((p) => Math.min(p.decisions.length, maxResults)));
        maxResults = Math.floor(largest * Math.min(0.9, limits.gzippedBytes / size));
    }
}

;// CONCATENATED MODULE: ./src/scan/pipeline.ts











/**
 * Image findings go on the Dockerfile line that brought them in (src/attribution). The
 * Dockerfile of an image is the one given at the same position as the image, or the only one.
 */
async function locateImageFindings(config, dockerfiles, results, notes) {
    const { images } = config.targets;
    const sources = dockerfiles.map((d) => ({ ...d, fromLine: parseStages(d.text).at(-1)?.fromLine ?? 1 }));
    const placed = await placeImageFindings(results, (imageKey) => targets_pairedDockerfile(images, sources, imageKey));
    notes.push(...placed.notes);
    return placed.results;
}
function exceptionNotes(policyOutcome) {
    const notes = [];
    for (const use of policyOutcome.exceptions) {
        const { source, expires, owner } = use.exception;
        if (use.state === 'expired')
            notes.push(`Exception ${source} expired on ${expires} and no longer applies${use.matched ? ` (${use.matched} finding${use.matched === 1 ? '' : 's'} it covered now count)` : ''}.`);
        else if (use.state === 'expiring')
            notes.push(`Exception ${source} expires on ${expires}${owner ? ` (owner ${owner})` : ''}: renew it or fix the finding.`);
        if (use.state !== 'expired' && use.matched === 0)
            notes.push(`Exception ${source} matched no finding: it is stale and can be removed.`);
    }
    return notes;
}
/**
 * The pure part of a scan: attribution → policy → gate → reports. No file, process or network
 * is touched; the same collected input always gives the same outcome.
 */
async function runPipeline(config, collected, options) {
    const notes = [...collected.notes];
    for (const result of collected.results) {
        for (const warning of result.warnings)
            notes.push(`${result.tool} (${result.target}): ${warning}`);
    }
    const results = await locateImageFindings(config, collected.dockerfiles, collected.results, notes);
    const { policy } = collected;
    // Policy may change a finding's severity (an override): results carry the findings as decided.
    const all = results.flatMap((r) => r.findings);
    const policyOutcome = applyPolicy(all, { ...policy.gate, today: todayUtc(options.now) });
    const decided = new Map(all.map((finding, i) => [finding, policyOutcome.decisions[i]?.finding ?? finding]));
    const finalResults = results.map((r) => ({ ...r, findings: r.findings.map((f) => decided.get(f) ?? f) }));
    const decisions = policyOutcome.decisions;
    notes.push(...exceptionNotes(policyOutcome));
    const failOn = policy.settings.failOn.value;
    const scannerError = config.policy.scannerError;
    const outcome = gate(decisions, finalResults, { failOn, scannerError });
    const counts = counts_countDecisions(decisions);
    const { text: sarifText, omitted } = buildSarif({
        results: finalResults,
        decisions,
        category: config.reports.category,
        bulkheadVersion: version/* BULKHEAD_VERSION */.w,
    });
    const { workspace } = config.targets;
    const sarifFile = workspacePath(workspace, config.reports.sarifFile);
    const reportFile = workspacePath(workspace, config.reports.reportFile);
    const summaryMarkdown = renderSummary({
        gate: outcome,
        decisions,
        results: finalResults,
        counts,
        failOn,
        omitted,
        notes,
        sarifFile,
        reportFile,
        policy,
        policyOutcome,
    });
    const report = buildJsonReport({
        version: version/* BULKHEAD_VERSION */.w,
        scannerError,
        gate: outcome,
        counts,
        results: finalResults,
        decisions,
        omitted,
        notes,
        createdAt: options.now,
        policy,
        policyOutcome,
        ...(options.githubContext ? { github: options.githubContext } : {}),
    });
    return {
        results: finalResults,
        decisions,
        gate: outcome,
        counts,
        sarifText,
        omitted,
        summaryMarkdown,
        report,
        notes,
        policy,
        policyOutcome,
    };
}

;// CONCATENATED MODULE: ./src/scan/writeReports.ts





/**
 * mkdir -p, one level at a time: Node's own recursive mkdir never returns for a path under /proc
 * (it retries the ENOENT it gets there for ever), and a report path is an input.
 */
async function makeDirectories(directory) {
    try {
        await (0,promises_.mkdir)(directory);
    }
    catch (error) {
        const code = error.code;
        if (code === 'EEXIST')
            return;
        const parent = (0,external_node_path_.dirname)(directory);
        if (code !== 'ENOENT' || parent === directory)
            throw error;
        await makeDirectories(parent);
        try {
            await (0,promises_.mkdir)(directory);
        }
        catch (again) {
            if (again.code !== 'EEXIST')
                throw again;
        }
    }
}
async function write(path, text, what) {
    try {
        await makeDirectories((0,external_node_path_.dirname)(path));
        if (typeof text === 'string')
            await (0,promises_.writeFile)(path, text);
        else {
            const file = await (0,promises_.open)(path, 'w');
            try {
                for (const chunk of utf8Chunks(text))
                    await file.write(chunk);
            }
            finally {
                await file.close();
            }
        }
    }
    catch (error) {
        const code = error.code ?? String(error);
        throw new errors/* ToolError */.v4(path, `the ${what} could not be written there (${code}).`);
    }
}
/**
 * Writes the image's SBOM (sbom-file) from the packages Trivy listed. A given report without a
 * package list is refused rather than written as an image with no packages; a Trivy that failed
 * leaves no SBOM, and says so (its failure already closes the gate).
 */
async function writeSbom(results, reports, context, redactor, logger) {
    const sbom = reports.sbom;
    if (!sbom)
        return;
    const trivy = results.find((r) => r.tool === 'trivy');
    if (!trivy || trivy.status !== 'ok') {
        logger.warning(`No SBOM was written to ${sbom.file}: ${trivy ? describeFailure(trivy) : 'Trivy did not scan an image'}.`);
        return;
    }
    const inventory = trivy.packages;
    if (!inventory || (trivy.origin === 'report' && inventory.packages.length === 0)) {
        throw new errors/* FormatError */.IF(trivy.target, 'lists no packages, so no SBOM was written; write the report with trivy image --list-all-pkgs (or let bulkhead run Trivy).');
    }
    // Loaded only when an SBOM is asked for: the CycloneDX library is a good part of the bundle.
    const { renderSbom } = await Promise.all(/* import() */[__webpack_require__.e(567), __webpack_require__.e(824)]).then(__webpack_require__.bind(__webpack_require__, 12824));
    const text = renderSbom(sbom.format, inventory, { ...context, ...(trivy.version ? { trivyVersion: trivy.version } : {}) });
    await write(sbom.file, redactor.apply(text), 'SBOM');
    logger.info(`SBOM (${sbom.format === 'spdx' ? 'SPDX 2.3' : 'CycloneDX 1.6'}) of ${inventory.image}: ${inventory.packages.length} packages, written to ${sbom.file}.`);
}
/** Writes the SARIF log, the JSON report and (when asked) the markdown summary, each redacted. */
async function writeReportFiles(outcome, reports, redactor) {
    // Compact, as GitHub reads them: a 25,000-result log pretty-printed is half as large again and
    // costs a second serialization; `jq .` shows either.
    await write(reports.sarifFile, redactor.applyEach(outcome.sarifText.pieces), 'SARIF log');
    // Made, masked, encoded and written piece by piece: report.json is the largest output.
    await write(reports.reportFile, redactor.applyEach(jsonPieces(outcome.report)), 'JSON report');
    if (reports.markdownFile)
        await write(reports.markdownFile, redactor.apply(outcome.summaryMarkdown), 'markdown summary');
}

;// CONCATENATED MODULE: ./src/scan/engine.ts








/** A value as the reports may spell it: as is, inside a JSON string, and escaped for markdown. */
function renderedForms(value) {
    return [...new Set([value, JSON.stringify(value).slice(1, -1), escape_escapeMarkdown(value)])];
}
/**
 * One scan, as both entry points run it: collect (files, scanners) → pipeline (attribution,
 * policy, gate, reports) → report files. Throws the error model's errors; the entry points map
 * them to exit codes.
 */
async function scan(config, deps) {
    const runScanners = deps.runScanners ?? ((plan) => runLocalScanners(plan, localScannerHost(deps.env, deps.logger, deps.dbCache)));
    const collected = await collect(config, {
        runScanners,
        logger: deps.logger,
        env: deps.env,
        ...(deps.baselineSource ? { baselineSource: deps.baselineSource } : {}),
    });
    // Every secret value found is masked from here on, in every form a report writes it.
    for (const value of collected.results.flatMap((r) => r.secretValues ?? [])) {
        for (const form of renderedForms(value))
            deps.redactor.add(form);
    }
    for (const result of collected.results) {
        deps.logger.info(`${result.tool} ${result.target}: ${result.status === 'ok' ? `${result.findings.length} finding${result.findings.length === 1 ? '' : 's'}` : `failed: ${failureText(result)}`}`);
    }
    const now = (deps.now ?? (() => new Date()))();
    const outcome = await runPipeline(config, collected, {
        now,
        ...(deps.githubContext ? { githubContext: deps.githubContext } : {}),
    });
    await writeReportFiles(outcome, config.reports, deps.redactor);
    await writeSbom(outcome.results, config.reports, { bulkheadVersion: version/* BULKHEAD_VERSION */.w, now }, deps.redactor, deps.logger);
    return outcome;
}

;// CONCATENATED MODULE: ./src/secrets/redactor.ts
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
        return this.masker()(text);
    }
    /** JSON text in pieces (util/jsonText), each masked as it comes: a value inside a JSON string is always whole in one piece. */
    applyEach(pieces) {
        if (this.values.size === 0)
            return pieces;
        const mask = this.masker();
        return (function* () {
            for (const piece of pieces)
                yield mask(piece);
        })();
    }
    masker() {
        // Longest first: a value that holds another must be masked whole, not around the shorter one.
        const values = [...this.values].sort((a, b) => b.length - a.length);
        return (text) => {
            let out = text;
            for (const value of values)
                if (out.includes(value))
                    out = out.split(value).join('***');
            return out;
        };
    }
}

// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(57975);
;// CONCATENATED MODULE: ./src/cli/args.ts




const HELP = `bulkhead ${version/* BULKHEAD_VERSION */.w} — gate CI/CD on container security

Usage:
  bulkhead scan [flags]
  bulkhead merge REPORT… [flags]   one verdict over the report-files of several jobs (files or globs)
  bulkhead --help | --version

Every input of the GitHub Action is a flag of the same name; list inputs repeat the flag
(--image a --image b) or take one value per line. Boolean flags take no value (--ignore-unfixed)
or an explicit one (--ignore-unfixed=false).

${INPUTS.map((i) => `  --${i.name}${'aliases' in i ? ` (--${i.aliases.join(', --')})` : ''}${i.kind === 'boolean' ? '' : ' VALUE'}\n      ${i.description}${i.default && !i.default.startsWith('$') ? ` Default: ${i.default}.` : ''}`).join('\n')}
  --markdown FILE
      Also write the markdown summary (the job summary of the action) to FILE.
  --format table|json
      What to print on standard output: a table by severity and a verdict (default), or the JSON report.
  --color, --no-color
      Colour the table and the progress lines, or not. Default: on a terminal, unless NO_COLOR is set
      (FORCE_COLOR forces it). Never in JSON or in files.

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
        color: { type: 'boolean' },
        'no-color': { type: 'boolean' },
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
        parsed = (0,external_node_util_.parseArgs)({ args: normalizeBooleans(argv), options, allowPositionals: true, strict: true });
    }
    catch (error) {
        throw new errors/* UsageError */.eb(`${(0,errors/* errorMessage */.gJ)(error).replace(/\. To specify a positional.*$/s, '')}; see bulkhead --help.`);
    }
    const { values, positionals } = parsed;
    if (values.help)
        return { command: 'help', raw: {}, format: 'table' };
    if (values.version)
        return { command: 'version', raw: {}, format: 'table' };
    const [command, ...extra] = positionals;
    if (command !== undefined && command !== 'scan' && command !== 'merge')
        throw new errors/* UsageError */.eb(`unknown command "${command}"; the commands are scan and merge (see bulkhead --help).`);
    if (command !== 'merge' && extra.length > 0)
        throw new errors/* UsageError */.eb(`unexpected argument "${extra[0]}"; flags take the form --name VALUE (see bulkhead --help).`);
    const raw = {};
    // bulkhead merge REPORT…: the report-files are its arguments, as --reports would give them.
    if (command === 'merge') {
        if (values.mode !== undefined)
            throw new errors/* UsageError */.eb('bulkhead merge sets the mode itself; leave out --mode.');
        raw.mode = 'merge';
        raw.reports = extra;
    }
    for (const [key, value] of Object.entries(values)) {
        const name = (aliasOf.get(key) ?? key);
        if (!INPUTS.some((i) => i.name === name) || !Array.isArray(value))
            continue;
        if (name === 'mode' && raw.mode === 'merge')
            continue;
        const previous = raw[name];
        const list = [...(previous === undefined ? [] : typeof previous === 'string' ? [previous] : previous), ...value];
        const spec = INPUTS.find((i) => i.name === name);
        if (spec?.kind !== 'list' && list.length > 1)
            throw new errors/* UsageError */.eb(`--${name} was given ${list.length} times; give it once.`);
        raw[name] = spec?.kind === 'list' ? list : list[0];
    }
    const format = typeof values.format === 'string' ? values.format : 'table';
    if (format !== 'table' && format !== 'json')
        throw new errors/* UsageError */.eb(`--format is "${format}"; use table or json.`);
    return {
        command: 'scan',
        raw,
        ...(typeof values.markdown === 'string' ? { markdownFile: values.markdown } : {}),
        format,
        ...(values['no-color'] ? { color: false } : values.color ? { color: true } : {}),
    };
}

;// CONCATENATED MODULE: ./src/report/table.ts



const plain = (_style, text) => text;
/** Suggested fixes printed, for the workloads whose findings fail the gate. */
const MAX_SUGGESTIONS = 3;
function table_workloadLines(results, decisions) {
    const workloads = results.flatMap((r) => r.workloads ?? []);
    if (workloads.length === 0)
        return [];
    const lines = [];
    const levels = podSecurityLine(workloads);
    if (levels)
        lines.push(levels.replace(/\*\*/g, ''), '');
    for (const w of failingWorkloads(workloads, decisions).slice(0, MAX_SUGGESTIONS)) {
        lines.push(`Suggested fix for ${label(w)} (${w.file}:${w.line}):`);
        lines.push(...(w.suggestion ?? '').split('\n').map((l) => `  ${l}`), '');
    }
    return lines;
}
/** One failing finding: severity, rule, and the package (version, fix) or what the rule is about. */
function findingLine(f, paint) {
    // Without a package, the rule's title and the path in the image say what it is about.
    const what = f.pkg
        ? ` ${f.pkg.name} ${f.pkg.installed}${f.pkg.fixed ? ` -> ${f.pkg.fixed}` : ' (no fix)'}`
        : f.tool === 'bulkhead'
            ? ` ${f.title}${f.path ? ` (${f.path})` : ''}`
            : '';
    return `${paint(f.severity, f.severity.toUpperCase())}${' '.repeat(Math.max(1, 9 - f.severity.length))}${f.ruleId}${what}`;
}
/**
 * The failing findings under the line they sit on (file:line and the instruction there), the
 * worst line first: what to change, in the order to change it. At most `max` findings are listed.
 */
function failingByLocation(findings, max, paint) {
    const groups = new Map();
    for (const f of [...findings].sort(compareFindings)) {
        const where = f.file ? `${f.file}:${f.line ?? 1}` : (f.image ?? f.path ?? '');
        // What is at that line: the Dockerfile instruction, or the workload a manifest line belongs to.
        const context = f.introducedBy && f.introducedBy.kind !== 'history' ? f.introducedBy.instruction : f.workload;
        const group = groups.get(where) ?? {
            heading: context ? `${where}  ${context.length > 70 ? `${context.slice(0, 69)}…` : context}` : where,
            findings: [],
        };
        group.findings.push(f);
        groups.set(where, group);
    }
    const lines = [];
    let listed = 0;
    for (const group of groups.values()) {
        if (listed >= max)
            break;
        lines.push(`  ${paint('location', group.heading || '(no file)')}`);
        for (const f of group.findings.slice(0, max - listed))
            lines.push(`    ${findingLine(f, paint)}`);
        listed += Math.min(group.findings.length, max - listed);
    }
    if (findings.length > listed)
        lines.push(`  … and ${findings.length - listed} more (see the report file)`);
    return lines;
}
/** Terminal output and the action's job log: a compact table by severity, the failing findings by line, and a one-line verdict. */
function renderTable(input) {
    const { decisions, gate } = input;
    const paint = input.paint ?? plain;
    const tools = [...new Set(input.results.map((r) => r.tool))];
    const lines = [];
    const header = ['SEVERITY', ...tools.map((t) => t.toUpperCase()), 'TOTAL', 'FAILING'];
    const rows = SEVERITIES.map((severity) => {
        const active = decisions.filter((d) => d.finding.severity === severity && d.verdict !== 'suppressed');
        return [
            severity,
            ...tools.map((t) => String(active.filter((d) => d.finding.tool === t).length)),
            String(active.length),
            String(active.filter((d) => d.verdict === 'fails-gate').length),
        ];
    });
    const suppressed = decisions.filter((d) => d.verdict === 'suppressed');
    rows.push([
        'suppressed',
        ...tools.map((t) => String(suppressed.filter((d) => d.finding.tool === t).length)),
        String(suppressed.length),
        '0',
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const format = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
    lines.push(format(header), ...rows.map(format), '');
    const failing = decisions.filter((d) => d.verdict === 'fails-gate').map((d) => d.finding);
    if (failing.length > 0) {
        lines.push(paint('heading', `Fails the gate (${failing.length}):`));
        lines.push(...failingByLocation(failing, input.maxListed ?? 20, paint), '');
    }
    lines.push(...table_workloadLines(input.results, decisions));
    for (const r of gate.failedScanners)
        lines.push(`Failed: ${describeFailure(r)}`);
    if (input.verdictLine !== false)
        lines.push(gate.verdict === 'pass'
            ? paint('pass', `PASS: no finding at or above ${input.failOn} (${decisions.length} reported)`)
            : paint('fail', `FAIL: ${gate.reasons.join('; ')}`));
    return lines.join('\n').trimEnd();
}

;// CONCATENATED MODULE: ./src/cli/terminal.ts


/**
 * Colour or not, decided once: --color / --no-color, then FORCE_COLOR, then NO_COLOR
 * (https://no-color.org), then whether the stream is a terminal that is not "dumb".
 */
function colourWanted(flag, env, isTTY) {
    if (flag !== undefined)
        return flag;
    if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '')
        return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
    if (env.NO_COLOR !== undefined && env.NO_COLOR !== '')
        return false;
    return isTTY === true && env.TERM !== 'dumb';
}
/** Applies styles only when colour is on; the decision is ours, so styleText does not re-check the stream. */
function painter(colour) {
    return colour ? (style, text) => (0,external_node_util_.styleText)(style, text, { validateStream: false }) : (_style, text) => text;
}
/** How a terminal shows what the table marks. */
const STYLES = {
    critical: ['bold', 'red'],
    high: 'red',
    medium: 'yellow',
    low: 'cyan',
    info: 'gray',
    fail: ['bold', 'red'],
    pass: ['bold', 'green'],
    heading: 'bold',
    location: 'underline',
};
/** The table's painter for a terminal: its marks as colours, or nothing when colour is off. */
function tablePainter(colour) {
    const paint = painter(colour);
    return (style, text) => paint(STYLES[style], text);
}
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
/**
 * The CLI's logger on standard error: messages as lines, long steps as progress. On a terminal
 * each running step shows a spinner and its elapsed time on one redrawn line; when it ends a
 * line says how it ended and how long it took. Not on a terminal, only that last line is written.
 */
function terminalLogger(options) {
    const paint = painter(options.colour);
    const now = options.now ?? (() => performance.now());
    const running = new Map();
    let nextId = 0;
    let frame = 0;
    let drawn = false;
    let timer;
    const clear = () => {
        if (drawn)
            options.write('\r\x1b[2K');
        drawn = false;
    };
    const draw = () => {
        if (!options.live || running.size === 0)
            return;
        const [first] = running.values();
        if (!first)
            return;
        const others = running.size > 1 ? ` (+${running.size - 1} more)` : '';
        const elapsed = (0,util_logger/* formatDuration */.a3)(now() - first.started);
        const text = `${SPINNER[frame % SPINNER.length]} ${first.title}${first.detail ? `: ${first.detail}` : ''}${others} ${elapsed}`;
        frame += 1;
        clear();
        options.write(paint('cyan', options.redact(text).slice(0, 200)));
        drawn = true;
    };
    const line = (text) => {
        clear();
        options.write(`${options.redact(text)}\n`);
        draw();
    };
    const stopTimerIfIdle = () => {
        if (running.size === 0 && timer !== undefined) {
            (options.clearInterval ?? clearInterval)(timer);
            timer = undefined;
        }
    };
    return {
        info: (message) => line(message),
        warning: (message) => line(`${paint('yellow', 'warning:')} ${message}`),
        group: () => { },
        step: (title) => {
            const id = nextId++;
            running.set(id, { title, started: now(), detail: '' });
            if (options.live && timer === undefined) {
                const handle = (options.setInterval ?? setInterval)(draw, 100);
                handle.unref?.();
                timer = handle;
            }
            draw();
            const finish = (ok, detail) => {
                const step = running.get(id);
                if (!step)
                    return;
                running.delete(id);
                stopTimerIfIdle();
                line((0,util_logger/* stepEndLine */.m9)(ok ? paint('green', '✓') : paint('red', '✗'), title, detail, now() - step.started));
            };
            return {
                update: (detail) => {
                    const step = running.get(id);
                    if (step)
                        step.detail = detail;
                },
                done: (detail) => finish(true, detail),
                failed: (detail) => finish(false, detail),
            };
        },
    };
}

;// CONCATENATED MODULE: ./src/cli/run.ts









/** Runs the CLI and returns its exit code; never throws. */
/** bulkhead merge: the merged report-file and markdown written, the jobs' table and the verdict printed. */
async function runMergeCli(config, args, io, redactor) {
    const { outcome } = await mergeAndWrite(config, { workflow: 'cli' }, config.reports.markdownFile);
    if (args.format === 'json') {
        io.stdout(`${redactor.apply(JSON.stringify({ verdict: outcome.gate.verdict, reasons: outcome.gate.reasons, jobs: outcome.jobs }, null, 2))}\n`);
    }
    else {
        const lines = outcome.jobs.map((job) => `${job.verdict === 'pass' ? 'pass' : job.verdict === 'fail' ? 'FAIL' : 'UNREADABLE'}  ${job.file}  ${job.targets.slice(0, 3).join(', ') || '—'}  critical ${job.counts.critical}, high ${job.counts.high}, medium ${job.counts.medium}, low ${job.counts.low}; ${job.counts.failing} failing${job.problems.length > 0 ? `; ${job.problems.join('; ')}` : ''}`);
        const verdict = outcome.gate.verdict === 'pass' ? `PASS: ${outcome.jobs.length} jobs merged` : `FAIL: ${outcome.gate.reasons.join('; ')}`;
        io.stdout(`${redactor.apply([...lines, '', verdict].join('\n'))}\n`);
    }
    return outcome.gate.exitCode;
}
async function runCli(argv, io) {
    const redactor = new Redactor();
    try {
        const args = parseCliArguments(argv);
        if (args.command === 'help') {
            io.stdout(HELP);
            return 0;
        }
        if (args.command === 'version') {
            io.stdout(`${version/* BULKHEAD_VERSION */.w}\n`);
            return 0;
        }
        const token = typeof args.raw['github-token'] === 'string' ? args.raw['github-token'] : undefined;
        redactor.add(token);
        // Registry credentials may come from the environment, so that they stay out of the process list.
        const raw = {
            ...(io.env.REGISTRY_USERNAME ? { 'registry-username': io.env.REGISTRY_USERNAME } : {}),
            ...(io.env.REGISTRY_PASSWORD ? { 'registry-password': io.env.REGISTRY_PASSWORD } : {}),
            ...args.raw,
        };
        const password = raw['registry-password'];
        if (typeof password === 'string')
            redactor.add(password);
        const config = parseConfig(raw, { workspace: io.cwd, ...(args.markdownFile ? { markdownFile: args.markdownFile } : {}) });
        if (config.mode === 'publish') {
            throw new errors/* UsageError */.eb('--mode publish runs only in the GitHub Action (a workflow_run workflow); the CLI scans.');
        }
        if (config.mode === 'merge')
            return await runMergeCli(config, args, io, redactor);
        // Which scanner binary ran, and from where, is worth a line; tool output is not (group drops it).
        const logger = terminalLogger({
            write: io.stderr,
            live: io.stderrIsTTY === true && io.env.TERM !== 'dumb',
            colour: colourWanted(args.color, io.env, io.stderrIsTTY),
            redact: (text) => redactor.apply(text),
        });
        for (const warning of config.warnings)
            logger.warning(warning);
        const outcome = await scan(config, { logger, redactor, env: { ...io.env } });
        for (const note of outcome.notes)
            io.stderr(`note: ${redactor.apply(note)}\n`);
        if (args.format === 'json')
            io.stdout(`${redactor.apply(JSON.stringify(outcome.report, null, 2))}\n`);
        else {
            // Colour codes wrap whole words and lines, so no code can split a secret the redactor looks for.
            const table = renderTable({
                gate: outcome.gate,
                decisions: outcome.decisions,
                results: outcome.results,
                failOn: outcome.policy.settings.failOn.value,
                paint: tablePainter(colourWanted(args.color, io.env, io.stdoutIsTTY)),
            });
            io.stdout(`${redactor.apply(table)}\n`);
        }
        return outcome.gate.exitCode;
    }
    catch (error) {
        io.stderr(`bulkhead: ${redactor.apply((0,errors/* describeError */.Uc)(error))}\n`);
        if (io.env.BULKHEAD_DEBUG && error instanceof Error && error.stack)
            io.stderr(`${error.stack}\n`);
        return (0,errors/* exitCodeFor */.Rr)(error);
    }
}


/***/ }),

/***/ 72490:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  jF: () => (/* binding */ CATALOGS),
  Zy: () => (/* binding */ compareVersions),
  QV: () => (/* binding */ publishesBuild)
});

// UNUSED EXPORTS: HADOLINT, TRIVY

;// CONCATENATED MODULE: ./src/releases/checksums.ts
const SHIPPED_CHECKSUMS = {
    trivy: {
        '0.69.3': {
            'linux-x64': { name: 'trivy_0.69.3_Linux-64bit.tar.gz', sha256: '1816b632dfe529869c740c0913e36bd1629cb7688bd5634f4a858c1d57c88b75' },
            'linux-arm64': {
                name: 'trivy_0.69.3_Linux-ARM64.tar.gz',
                sha256: '7e3924a974e912e57b4a99f65ece7931f8079584dae12eb7845024f97087bdfd',
            },
            'darwin-x64': { name: 'trivy_0.69.3_macOS-64bit.tar.gz', sha256: 'fec4a9f7569b624dd9d044fca019e5da69e032700edbb1d7318972c448ec2f4e' },
            'darwin-arm64': {
                name: 'trivy_0.69.3_macOS-ARM64.tar.gz',
                sha256: 'a2f2179afd4f8bb265ca3c7aefb56a666bc4a9a411663bc0f22c3549fbc643a5',
            },
            'win32-x64': { name: 'trivy_0.69.3_windows-64bit.zip', sha256: '74362dc711383255308230ecbeb587eb1e4e83a8d332be5b0259afac6e0c2224' },
        },
    },
    hadolint: {
        '2.14.0': {
            'linux-x64': { name: 'hadolint-linux-x86_64', sha256: '6bf226944684f56c84dd014e8b979d27425c0148f61b3bd99bcc6f39e9dc5a47' },
            'linux-arm64': { name: 'hadolint-linux-arm64', sha256: '331f1d3511b84a4f1e3d18d52fec284723e4019552f4f47b19322a53ce9a40ed' },
            'darwin-x64': { name: 'hadolint-macos-x86_64', sha256: '2b69a853433f1eca522ffb921cd490bd1321424d03331fd8390f93b7fb4a02e9' },
            'darwin-arm64': { name: 'hadolint-macos-arm64', sha256: '3625e2e9f43dcfe7bd38738a5f5520ed50ce39ed28485266e6803dd7bc197b10' },
        },
        '2.12.0': {
            'linux-x64': { name: 'hadolint-Linux-x86_64', sha256: '56de6d5e5ec427e17b74fa48d51271c7fc0d61244bf5c90e828aab8362d55010' },
            'linux-arm64': { name: 'hadolint-Linux-arm64', sha256: '5798551bf19f33951881f15eb238f90aef023f11e7ec7e9f4c37961cb87c5df6' },
            'darwin-x64': { name: 'hadolint-Darwin-x86_64', sha256: '2a5b7afcab91645c39a7cebefcd835b865f7488e69be24567f433dfc3d41cd27' },
            'win32-x64': { name: 'hadolint-Windows-x86_64.exe', sha256: 'ed89a156290e15452276b2b4c84efa688a5183d3b578bfaec7cfdf986f0632a8' },
        },
    },
};

;// CONCATENATED MODULE: ./src/releases/catalog.ts
/**
 * The scanner releases bulkhead knows: where they come from, how their assets are named, which
 * are refused, and the signers whose Sigstore signature stands in for a checksum. The checksums
 * themselves are in checksums.ts: they ship inside bulkhead and are never fetched from the
 * release page the asset comes from, so a replaced asset cannot bring its own checksum.
 */

/** The releases checksums.ts lists for a tool, each asset of the kind the tool's assets are. */
function releasesOf(tool, kindOf) {
    return Object.fromEntries(Object.entries(SHIPPED_CHECKSUMS[tool]).map(([version, assets]) => [
        version,
        {
            version,
            assets: Object.fromEntries(Object.entries(assets).map(([platform, asset]) => [platform, { ...asset, kind: kindOf(platform) }])),
        },
    ]));
}
const TRIVY_PLATFORM = {
    'linux-x64': 'Linux-64bit.tar.gz',
    'linux-arm64': 'Linux-ARM64.tar.gz',
    'darwin-x64': 'macOS-64bit.tar.gz',
    'darwin-arm64': 'macOS-ARM64.tar.gz',
    'win32-x64': 'windows-64bit.zip',
};
const trivyAssetKind = (platform) => (platform === 'win32-x64' ? 'zip' : 'tar.gz');
const TRIVY_COMPROMISED = 'a malicious build published with stolen credentials in March 2026 (GHSA-69fq-xp46-6x23, CVE-2026-33634); use the pinned version';
const TRIVY = {
    repository: 'aquasecurity/trivy',
    pinned: '0.69.3',
    releases: releasesOf('trivy', trivyAssetKind),
    refused: {
        '0.69.4': TRIVY_COMPROMISED,
        '0.69.5': TRIVY_COMPROMISED,
        '0.69.6': TRIVY_COMPROMISED,
    },
    // Trivy's release workflow signs every asset with cosign (keyless, GitHub's OIDC token) since v0.68.1.
    signed: {
        since: '0.68.1',
        bundleName: (asset) => `${asset}.sigstore.json`,
        identity: (version) => `https://github.com/aquasecurity/trivy/.github/workflows/reusable-release.yaml@refs/tags/v${version}`,
        issuer: 'https://token.actions.githubusercontent.com',
    },
    assetName: (version, platform) => `trivy_${version}_${TRIVY_PLATFORM[platform]}`,
    assetKind: trivyAssetKind,
    executable: (platform) => (platform === 'win32-x64' ? 'trivy.exe' : 'trivy'),
};
const HADOLINT_PLATFORM = {
    'linux-x64': 'hadolint-Linux-x86_64',
    'linux-arm64': 'hadolint-Linux-arm64',
    'darwin-x64': 'hadolint-Darwin-x86_64',
    'win32-x64': 'hadolint-Windows-x86_64.exe',
};
/** From 2.13.1 hadolint names its assets in lower case, calls macOS `macos`, and builds for macOS arm64. */
const HADOLINT_PLATFORM_SINCE_2_13_1 = {
    'linux-x64': 'hadolint-linux-x86_64',
    'linux-arm64': 'hadolint-linux-arm64',
    'darwin-x64': 'hadolint-macos-x86_64',
    'darwin-arm64': 'hadolint-macos-arm64',
    'win32-x64': 'hadolint-windows-x86_64.exe',
};
/** Orders release versions `x.y.z` numerically; anything else sorts first. */
function compareVersions(a, b) {
    const parts = (v) => (/^\d+\.\d+\.\d+$/.test(v) ? v.split('.').map(Number) : [-1, -1, -1]);
    const [x, y] = [parts(a), parts(b)];
    for (let i = 0; i < 3; i++)
        if (x[i] !== y[i])
            return (x[i] ?? 0) - (y[i] ?? 0);
    return 0;
}
const HADOLINT = {
    repository: 'hadolint/hadolint',
    pinned: '2.12.0',
    releases: releasesOf('hadolint', () => 'binary'),
    refused: {},
    assetName: (version, platform) => compareVersions(version, '2.13.1') >= 0 ? HADOLINT_PLATFORM_SINCE_2_13_1[platform] : HADOLINT_PLATFORM[platform],
    assetKind: () => 'binary',
    executable: (platform) => (platform === 'win32-x64' ? 'hadolint.exe' : 'hadolint'),
};
const CATALOGS = { trivy: TRIVY, hadolint: HADOLINT };
/** Whether a version of a tool publishes a build for a platform (as bulkhead lists it, or by its naming). */
function publishesBuild(tool, version, platform) {
    const catalog = CATALOGS[tool];
    const known = catalog.releases[version];
    return known ? known.assets[platform] !== undefined : catalog.assetName(version, platform) !== undefined;
}


/***/ }),

/***/ 28265:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Q: () => (/* binding */ normalizeVersion),
/* harmony export */   i: () => (/* binding */ resolveWanted)
/* harmony export */ });
/* harmony import */ var _util_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(70017);
/* harmony import */ var _catalog_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(72490);


function normalizeVersion(text) {
    return text.trim().replace(/^v/i, '');
}
/** Decides what to download and how it will be proven, refusing what must not run, before anything touches the network. */
function resolveWanted(request) {
    const catalog = _catalog_js__WEBPACK_IMPORTED_MODULE_1__/* .CATALOGS */ .jF[request.tool];
    const input = `${request.tool}-version`;
    const version = normalizeVersion(request.version ?? catalog.pinned);
    const refusal = catalog.refused[version];
    if (refusal)
        throw new _util_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UsageError */ .eb(`${input} ${version} is refused: it is ${refusal}.`);
    const known = catalog.releases[version];
    if (known) {
        const asset = known.assets[request.platform];
        if (!asset) {
            throw new _util_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UsageError */ .eb(`${request.tool} ${version} publishes no build for ${request.platform}; install it yourself and give ${request.tool}-path, or run on another runner.`);
        }
        if (request.sha256 && request.sha256.toLowerCase() !== asset.sha256) {
            throw new _util_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UsageError */ .eb(`${request.tool}-sha256 does not match the checksum bulkhead ships for ${asset.name}; remove ${request.tool}-sha256 for a version bulkhead knows.`);
        }
        return { version, asset: { name: asset.name, kind: asset.kind }, proof: { kind: 'sha256', sha256: asset.sha256, shipped: true } };
    }
    const name = catalog.assetName(version, request.platform);
    if (!name)
        throw new _util_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UsageError */ .eb(`${request.tool} publishes no build for ${request.platform}; install it yourself and give ${request.tool}-path.`);
    const asset = { name, kind: catalog.assetKind(request.platform) };
    if (request.sha256)
        return { version, asset, proof: { kind: 'sha256', sha256: request.sha256.toLowerCase(), shipped: false } };
    const signed = catalog.signed;
    if (signed && (0,_catalog_js__WEBPACK_IMPORTED_MODULE_1__/* .compareVersions */ .Zy)(version, signed.since) >= 0) {
        return {
            version,
            asset,
            proof: { kind: 'signature', bundleName: signed.bundleName(name), identity: signed.identity(version), issuer: signed.issuer },
        };
    }
    const signedNote = signed ? `, and releases before ${signed.since} carry no signature to verify instead` : '';
    throw new _util_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UsageError */ .eb(`${input} ${version} is not a version bulkhead knows (it knows ${Object.keys(catalog.releases).join(', ')})${signedNote}; give ${request.tool}-sha256 with the sha256 of ${name} from a source you trust, or remove ${input}.`);
}


/***/ }),

/***/ 59278:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   KE: () => (/* binding */ describeExit),
/* harmony export */   R3: () => (/* binding */ runProcess),
/* harmony export */   TV: () => (/* binding */ isExecutable),
/* harmony export */   aY: () => (/* binding */ findOnPath),
/* harmony export */   be: () => (/* binding */ stderrTail)
/* harmony export */ });
/* harmony import */ var _util_logger_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(96618);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(31421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(51455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_3__);




/**
 * Runs one program with an argument array, never through a shell, in its own process group so
 * that a time limit ends the program and everything it started.
 */
function runProcess(command, args, options) {
    const maxStdout = options.maxStdoutBytes ?? 64 * 1024 * 1024;
    const maxStderr = options.maxStderrBytes ?? 64 * 1024;
    const started = performance.now();
    return new Promise((resolve) => {
        const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_1__.spawn)(command, [...args], {
            cwd: options.cwd,
            env: options.env ?? process.env,
            stdio: ['ignore', 'pipe', 'pipe'],
            shell: false,
            detached: process.platform !== 'win32',
            windowsHide: true,
        });
        const stdoutChunks = [];
        let stdoutBytes = 0;
        let stdoutTruncated = false;
        let stderr = Buffer.alloc(0);
        let timedOut = false;
        let spawnError;
        child.stdout.on('data', (chunk) => {
            if (stdoutBytes + chunk.length > maxStdout) {
                stdoutTruncated = true;
                chunk = chunk.subarray(0, Math.max(0, maxStdout - stdoutBytes));
            }
            stdoutBytes += chunk.length;
            if (chunk.length > 0)
                stdoutChunks.push(chunk);
        });
        child.stderr.on('data', (chunk) => {
            stderr = Buffer.concat([stderr, chunk]);
            if (stderr.length > maxStderr)
                stderr = stderr.subarray(stderr.length - maxStderr);
        });
        const killGroup = (signal) => {
            if (child.pid === undefined)
                return;
            try {
                if (process.platform === 'win32')
                    child.kill(signal);
                else
                    process.kill(-child.pid, signal);
            }
            catch {
                // The group is already gone: nothing left to stop.
            }
        };
        let killTimer;
        const timer = setTimeout(() => {
            timedOut = true;
            killGroup('SIGTERM');
            killTimer = setTimeout(() => killGroup('SIGKILL'), options.killGraceMs ?? 5000);
        }, options.timeoutMs);
        child.on('error', (error) => {
            spawnError =
                error.code === 'ENOENT' ? `${command} was not found` : error.code === 'EACCES' ? `${command} is not executable` : error.message;
        });
        child.on('close', (exitCode, signal) => {
            clearTimeout(timer);
            if (killTimer)
                clearTimeout(killTimer);
            // Children the program left behind (it exited, they did not) go with it.
            if (timedOut)
                killGroup('SIGKILL');
            resolve({
                command,
                args,
                exitCode,
                signal,
                timedOut,
                durationMs: performance.now() - started,
                stdout: Buffer.concat(stdoutChunks).toString('utf8'),
                stdoutTruncated,
                stderr: stderr.toString('utf8'),
                ...(spawnError ? { spawnError } : {}),
            });
        });
    });
}
/** One line that says how a process ended, for logs and scanner errors. */
function describeExit(result, timeoutMs) {
    if (result.spawnError)
        return result.spawnError;
    if (result.timedOut)
        return `did not finish within ${(0,_util_logger_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(timeoutMs)} and was stopped`;
    if (result.signal)
        return `was killed by ${result.signal}`;
    return `exited with code ${result.exitCode}`;
}
/** The last lines of a tool's stderr, for a one-paragraph failure summary. */
function stderrTail(stderr, lines = 5) {
    return stderr
        .replace(/\x1b\[[0-9;]*[A-Za-z]/g, '')
        .split(/\r?\n/)
        .map((l) => l.trimEnd())
        .filter((l) => l.length > 0)
        .slice(-lines)
        .join('\n');
}
/** A regular file this process may execute. */
async function isExecutable(file) {
    try {
        const info = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.stat)(file);
        if (!info.isFile())
            return false;
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.access)(file, node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.constants.X_OK);
        return true;
    }
    catch {
        return false;
    }
}
/** The first executable `name` on a PATH-style search path. */
async function findOnPath(name, searchPath) {
    for (const dir of (searchPath ?? '').split(node_path__WEBPACK_IMPORTED_MODULE_3__.delimiter)) {
        if (!dir)
            continue;
        const candidate = (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(dir, name);
        if (await isExecutable(candidate))
            return candidate;
    }
    return undefined;
}


/***/ }),

/***/ 70017:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   IF: () => (/* binding */ FormatError),
/* harmony export */   KG: () => (/* binding */ asSentence),
/* harmony export */   Rr: () => (/* binding */ exitCodeFor),
/* harmony export */   Uc: () => (/* binding */ describeError),
/* harmony export */   eb: () => (/* binding */ UsageError),
/* harmony export */   gJ: () => (/* binding */ errorMessage),
/* harmony export */   v4: () => (/* binding */ ToolError)
/* harmony export */ });
/**
 * bulkhead's one error model. Every error it means to raise is one of three classes, and
 * `exitCodeFor` maps any thrown value to the exit code the entry points return:
 *
 *   UsageError   2  a mistake the user fixes by changing an input, a flag, or a file they write
 *                   (the policy file, ignore files, VEX documents).
 *   FormatError  3  a file or image that cannot be read as what it claims to be: a scanner
 *                   report, an image archive or layout, a baseline, an event payload.
 *   ToolError    3  a scanner or external tool failed, or bulkhead could not do its own work.
 *
 * Anything else is a bug, still reported in one line and exit 3, never a pass.
 */
class UsageError extends Error {
    name = 'UsageError';
}
class FormatError extends Error {
    source;
    name = 'FormatError';
    /**
     * @param source the file, image or document, named as the user gave it
     * @param detail what is wrong with it, starting with a verb ("is not valid JSON …")
     */
    constructor(source, detail) {
        // "app.tar is not …", "app.tar: the archive ends …": a detail that starts with a verb reads on from the name.
        super(STARTS_WITH_VERB.test(detail) ? `${source} ${detail}` : `${source}: ${detail}`);
        this.source = source;
    }
}
const STARTS_WITH_VERB = /^(is|are|has|have|holds|uses|indexes|expands|cannot|names|lists|ends|does|contains|declares|gives|says|points|was|needs|lacks|looks|claims|links|refers)\b/;
/** Ends a clause as a sentence: a full stop unless it already ends in one (or in ? or !). */
function asSentence(text) {
    const trimmed = text.trim();
    return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
class ToolError extends Error {
    tool;
    name = 'ToolError';
    constructor(tool, detail) {
        super(`${tool}: ${detail}`);
        this.tool = tool;
    }
}
function exitCodeFor(error) {
    return error instanceof UsageError ? 2 : 3;
}
/** The message of any thrown value, in one line. */
function errorMessage(error) {
    const text = error instanceof Error ? error.message : String(error);
    return text.replace(/\s*\n\s*/g, ' ').trim();
}
/** What the entry points print for an error: one sentence, never a stack trace. */
function describeError(error) {
    if (error instanceof UsageError || error instanceof FormatError || error instanceof ToolError)
        return errorMessage(error);
    return `unexpected error: ${errorMessage(error)}`;
}


/***/ }),

/***/ 96618:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   a3: () => (/* binding */ formatDuration),
/* harmony export */   bP: () => (/* binding */ startStep),
/* harmony export */   m9: () => (/* binding */ stepEndLine),
/* harmony export */   qq: () => (/* binding */ silentLogger)
/* harmony export */ });
function formatDuration(ms) {
    if (ms < 1000)
        return `${Math.round(ms)} ms`;
    if (ms < 120_000)
        return `${Math.round(ms / 100) / 10} s`;
    return `${Math.round(ms / 6000) / 10} min`;
}
/** How a step's end reads in both faces: "✓ Reading app.tar: 7 layers (1.8 s)". */
function stepEndLine(mark, title, detail, ms) {
    return `${mark} ${title}${detail ? `: ${detail}` : ''} (${formatDuration(ms)})`;
}
const NO_STEP = { update: () => { }, done: () => { }, failed: () => { } };
/** The logger's step, or one that shows nothing where the logger has none. */
function startStep(logger, title) {
    return logger.step?.(title) ?? NO_STEP;
}
/** A logger that drops everything, for library callers and tests that do not read the log. */
const silentLogger = { info: () => { }, warning: () => { }, group: () => { } };


/***/ }),

/***/ 4506:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ht: () => (/* binding */ isPermanentNetworkError),
/* harmony export */   Zv: () => (/* binding */ innermostMessage),
/* harmony export */   u6: () => (/* binding */ networkCause)
/* harmony export */ });
/**
 * What went wrong when nothing answered: fetch (undici) and Octokit wrap the system error in one
 * or two causes, and their own messages ("fetch failed", "bad port") do not say it. This names
 * the real cause in words a user can act on.
 */
const CAUSES = {
    ECONNREFUSED: (host) => `the connection to ${host} was refused (nothing listens there)`,
    ENOTFOUND: (host) => `the host name ${host} could not be resolved (DNS)`,
    EAI_AGAIN: (host) => `the host name ${host} could not be resolved (DNS did not answer)`,
    ETIMEDOUT: (host) => `the connection to ${host} timed out`,
    UND_ERR_CONNECT_TIMEOUT: (host) => `the connection to ${host} timed out`,
    UND_ERR_HEADERS_TIMEOUT: (host) => `${host} accepted the connection but sent no answer in time`,
    UND_ERR_BODY_TIMEOUT: (host) => `${host} stopped sending in the middle of its answer`,
    UND_ERR_SOCKET: (host) => `the connection to ${host} was closed`,
    ECONNRESET: (host) => `the connection to ${host} was reset`,
    EPIPE: (host) => `the connection to ${host} was closed`,
    EHOSTUNREACH: (host) => `${host} is unreachable from here (no route)`,
    ENETUNREACH: (host) => `the network to ${host} is unreachable`,
    CERT_HAS_EXPIRED: (host) => `the TLS certificate of ${host} has expired`,
    DEPTH_ZERO_SELF_SIGNED_CERT: (host) => `the TLS certificate of ${host} is self-signed (set NODE_EXTRA_CA_CERTS to trust its CA)`,
    SELF_SIGNED_CERT_IN_CHAIN: (host) => `the TLS certificate of ${host} is signed by an unknown CA (set NODE_EXTRA_CA_CERTS)`,
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: (host) => `the TLS certificate of ${host} could not be verified (set NODE_EXTRA_CA_CERTS)`,
    ERR_TLS_CERT_ALTNAME_INVALID: (host) => `the TLS certificate of ${host} is for another host name`,
};
function codesOf(error) {
    const codes = [];
    const messages = [];
    let timedOut = false;
    let current = error;
    for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
        const { code, name, message } = current;
        if (typeof code === 'string')
            codes.push(code);
        if (typeof message === 'string' && message)
            messages.push(message);
        if (name === 'TimeoutError')
            timedOut = true;
        // AggregateError (happy eyeballs: one per address) holds its errors in `errors`.
        const errors = current.errors;
        if (Array.isArray(errors) && errors[0])
            current = errors[0];
        else
            current = current.cause;
    }
    return { codes, messages, timedOut };
}
/** "the connection to 127.0.0.1:2 was refused (nothing listens there)", or undefined when the error is not a network failure. */
function networkCause(error, url) {
    let host = url;
    try {
        host = new URL(url).host;
    }
    catch {
        // Not a URL: name it as given.
    }
    const { codes, timedOut } = codesOf(error);
    if (timedOut)
        return `${host} did not answer in time`;
    for (const code of codes) {
        const describe = CAUSES[code];
        if (describe)
            return describe(host);
    }
    return undefined;
}
/** Failures that trying again a second later will not change: nothing listens, no such host, a bad certificate. */
const PERMANENT = new Set([
    'ECONNREFUSED',
    'ENOTFOUND',
    'CERT_HAS_EXPIRED',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'ERR_TLS_CERT_ALTNAME_INVALID',
]);
function isPermanentNetworkError(error) {
    const { codes, messages } = codesOf(error);
    // fetch refuses the ports of other protocols (the Fetch standard's "bad ports") before connecting.
    return codes.some((code) => PERMANENT.has(code)) || messages.includes('bad port');
}
/** The innermost message of a wrapped error, for when no known cause applies. */
function innermostMessage(error) {
    const { messages } = codesOf(error);
    return messages.at(-1) ?? String(error);
}


/***/ })

};
