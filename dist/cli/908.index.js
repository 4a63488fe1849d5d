export const id = 908;
export const ids = [908];
export const modules = {

/***/ 3908:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  installScanner: () => (/* binding */ installScanner)
});

// UNUSED EXPORTS: platformKey, versionOf

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./node_modules/@actions/tool-cache/lib/tool-cache.js + 17 modules
var tool_cache = __webpack_require__(5991);
// EXTERNAL MODULE: ./src/util/errors.ts
var errors = __webpack_require__(17);
// EXTERNAL MODULE: ./src/scanners/process.ts
var scanners_process = __webpack_require__(9278);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
// EXTERNAL MODULE: external "node:stream/promises"
var external_node_stream_promises_ = __webpack_require__(6466);
// EXTERNAL MODULE: ./src/util/network.ts
var network = __webpack_require__(4506);
;// CONCATENATED MODULE: ./src/scanners/install/download.ts







function causeOf(error, url) {
    const message = (0,network/* innermostMessage */.Zv)(error);
    if (/redirect count exceeded/i.test(message))
        return 'too many redirects (a redirect loop?)';
    return (0,network/* networkCause */.u6)(error, url) ?? message;
}
/**
 * Downloads one URL to a file while hashing it. Redirects are followed (GitHub sends release
 * assets through one) up to fetch's limit; a partial file is removed on any failure.
 */
async function downloadFile(url, file, tool, options) {
    const overall = AbortSignal.timeout(options.timeoutMs);
    const stall = new AbortController();
    let stallTimer = setTimeout(() => stall.abort(), options.stallTimeoutMs);
    const signal = AbortSignal.any([overall, stall.signal]);
    const fail = (what) => {
        throw new errors/* ToolError */.v4(tool, `download of ${url} failed: ${what}`);
    };
    try {
        let response;
        try {
            response = await fetch(url, { redirect: 'follow', signal, ...(options.headers ? { headers: options.headers } : {}) });
        }
        catch (error) {
            if (stall.signal.aborted)
                fail(`the server sent nothing for ${options.stallTimeoutMs / 1000} s`);
            if (overall.aborted)
                fail(`it did not finish within ${options.timeoutMs / 1000} s`);
            return fail(causeOf(error, url));
        }
        if (!response.ok || !response.body)
            fail(`the server answered ${response.status} ${response.statusText}`.trim());
        const declared = Number(response.headers.get('content-length') ?? NaN);
        if (Number.isFinite(declared) && declared > options.maxBytes)
            fail(`it is ${declared} bytes, more than the ${options.maxBytes} expected`);
        const hash = (0,external_node_crypto_.createHash)('sha256');
        let bytes = 0;
        const body = external_node_stream_.Readable.fromWeb(response.body);
        body.on('data', (chunk) => {
            bytes += chunk.length;
            hash.update(chunk);
            clearTimeout(stallTimer);
            stallTimer = setTimeout(() => stall.abort(), options.stallTimeoutMs);
            if (bytes > options.maxBytes)
                body.destroy(new Error(`more than the ${options.maxBytes} bytes expected`));
        });
        try {
            await (0,external_node_stream_promises_.pipeline)(body, (0,external_node_fs_.createWriteStream)(file, { mode: 0o600 }));
        }
        catch (error) {
            if (stall.signal.aborted)
                fail(`the server stopped sending after ${bytes} bytes (nothing for ${options.stallTimeoutMs / 1000} s)`);
            if (overall.aborted)
                fail(`it did not finish within ${options.timeoutMs / 1000} s`);
            fail(`the transfer broke off after ${bytes} bytes (${causeOf(error, url)})`);
        }
        if (Number.isFinite(declared) && bytes !== declared)
            fail(`the server announced ${declared} bytes but sent ${bytes}`);
        return { file, bytes, sha256: hash.digest('hex') };
    }
    catch (error) {
        await (0,promises_.rm)(file, { force: true });
        throw error;
    }
    finally {
        clearTimeout(stallTimer);
    }
}

// EXTERNAL MODULE: ./src/releases/choose.ts
var choose = __webpack_require__(8265);
// EXTERNAL MODULE: ./src/releases/catalog.ts
var releases_catalog = __webpack_require__(3921);
;// CONCATENATED MODULE: ./src/scanners/install/installer.ts










const MAX_ASSET_BYTES = 512 * 1024 * 1024;
const CHECKSUM_FILE = '.bulkhead-executable.sha256';

async function sha256Of(file) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    for await (const chunk of (0,external_node_fs_.createReadStream)(file))
        hash.update(chunk);
    return hash.digest('hex');
}
/** Asks a scanner binary for its version (`trivy --version`, `hadolint --version`). */
async function versionOf(executable, tool, env) {
    const ran = await (0,scanners_process/* runProcess */.R3)(executable, ['--version'], {
        cwd: process.cwd(),
        timeoutMs: 30_000,
        maxStdoutBytes: 64 * 1024,
        ...(env ? { env } : {}),
    });
    if (ran.spawnError || ran.exitCode !== 0)
        return undefined;
    const match = (tool === 'trivy' ? /Version:\s*v?(\d+\.\d+\.\d+\S*)/ : /(\d+\.\d+\.\d+)/).exec(ran.stdout) ?? /(\d+\.\d+\.\d+)/.exec(ran.stdout);
    return match?.[1];
}
async function findExecutable(dir, name) {
    const entries = await (0,promises_.readdir)(dir, { withFileTypes: true, recursive: true });
    const matches = entries.filter((e) => e.isFile() && e.name === name).map((e) => (0,external_node_path_.join)(e.parentPath, e.name));
    return matches.length === 1 ? matches[0] : undefined;
}
/** A tool-cache entry is trusted only while its executable still hashes to what was installed. */
async function fromToolCache(request, wanted, arch, log) {
    const dir = tool_cache/* find */.I6(request.tool, wanted.version, arch);
    if (!dir)
        return undefined;
    const executable = (0,external_node_path_.join)(dir, releases_catalog/* CATALOGS */.jF[request.tool].executable(request.platform));
    const recorded = (await (0,promises_.readFile)((0,external_node_path_.join)(dir, CHECKSUM_FILE), 'utf8').catch(() => '')).trim();
    const actual = (await (0,scanners_process/* isExecutable */.TV)(executable)) ? await sha256Of(executable) : '';
    const expected = wanted.asset.kind === 'binary' ? wanted.asset.sha256 : recorded;
    if (!actual || actual !== expected) {
        log.push(`The cached ${request.tool} ${wanted.version} in ${dir} does not match what was installed; installing it again.`);
        return undefined;
    }
    log.push(`Using ${request.tool} ${wanted.version} from the tool cache: ${executable} (sha256 ${actual}).`);
    return { tool: request.tool, path: executable, version: wanted.version, sha256: actual, source: 'tool-cache', log };
}
async function download(request, wanted, arch, log) {
    const catalog = releases_catalog/* CATALOGS */.jF[request.tool];
    const url = `${request.mirror.replace(/\/+$/, '')}/${catalog.repository}/releases/download/v${wanted.version}/${wanted.asset.name}`;
    const work = (0,external_node_path_.join)(request.tempDir, `bulkhead-install-${(0,external_node_crypto_.randomUUID)()}`);
    await (0,promises_.mkdir)(work, { recursive: true });
    try {
        const archive = (0,external_node_path_.join)(work, wanted.asset.name);
        const got = await downloadFile(url, archive, request.tool, {
            timeoutMs: request.downloadTimeoutMs,
            stallTimeoutMs: request.stallTimeoutMs,
            maxBytes: MAX_ASSET_BYTES,
        });
        if (got.sha256 !== wanted.asset.sha256) {
            throw new errors/* ToolError */.v4(request.tool, `the download of ${wanted.asset.name} from ${url} has sha256 ${got.sha256}, not the ${wanted.asset.sha256} bulkhead expects; it was deleted and not run (a corrupted or replaced release?).`);
        }
        const unpacked = (0,external_node_path_.join)(work, 'unpacked');
        await (0,promises_.mkdir)(unpacked);
        const executableName = catalog.executable(request.platform);
        try {
            if (wanted.asset.kind === 'tar.gz')
                await tool_cache/* extractTar */.nN(archive, unpacked);
            else if (wanted.asset.kind === 'zip')
                await tool_cache/* extractZip */.JE(archive, unpacked);
            else
                await (0,promises_.copyFile)(archive, (0,external_node_path_.join)(unpacked, executableName));
        }
        catch (error) {
            throw new errors/* ToolError */.v4(request.tool, `${wanted.asset.name} could not be unpacked: ${(0,errors/* errorMessage */.gJ)(error)}`);
        }
        const found = await findExecutable(unpacked, executableName);
        if (!found)
            throw new errors/* ToolError */.v4(request.tool, `${wanted.asset.name} does not hold exactly one ${executableName}.`);
        const staged = (0,external_node_path_.join)(work, 'staged');
        await (0,promises_.mkdir)(staged);
        const stagedExecutable = (0,external_node_path_.join)(staged, executableName);
        await (0,promises_.copyFile)(found, stagedExecutable);
        await (0,promises_.chmod)(stagedExecutable, 0o755);
        const sha256 = await sha256Of(stagedExecutable);
        await (0,promises_.writeFile)((0,external_node_path_.join)(staged, CHECKSUM_FILE), `${sha256}\n`);
        // cacheDir writes its `.complete` marker last: an interrupted install is never found.
        const cached = await tool_cache/* cacheDir */.e8(staged, request.tool, wanted.version, arch);
        const executable = (0,external_node_path_.join)(cached, executableName);
        log.push(`Downloaded ${wanted.asset.name} from ${url}; sha256 ${got.sha256} matches; installed ${executable}.`);
        return { tool: request.tool, path: executable, version: wanted.version, sha256, source: 'download', log };
    }
    finally {
        await (0,promises_.rm)(work, { recursive: true, force: true });
    }
}
/**
 * Finds or installs the scanner to run: the executable the user named; else one on PATH whose
 * version is the wanted one; else the tool cache; else a verified download.
 */
async function installScanner(request) {
    const log = [];
    if (request.executablePath) {
        if (!(await (0,scanners_process/* isExecutable */.TV)(request.executablePath))) {
            throw new errors/* UsageError */.eb(`${request.tool}-path ${request.executablePath} is not an executable file; give the path of the ${request.tool} binary.`);
        }
        const version = (await versionOf(request.executablePath, request.tool, request.env)) ?? 'unknown';
        const sha256 = await sha256Of(request.executablePath);
        log.push(`Using ${request.tool} ${version} as given: ${request.executablePath} (sha256 ${sha256}).`);
        return { tool: request.tool, path: request.executablePath, version, sha256, source: 'given', log };
    }
    const wanted = (0,choose/* resolveWanted */.i)(request);
    const arch = request.platform.split('-')[1] ?? process.arch;
    const onPath = await (0,scanners_process/* findOnPath */.aY)(releases_catalog/* CATALOGS */.jF[request.tool].executable(request.platform), request.searchPath);
    if (onPath) {
        const version = await versionOf(onPath, request.tool, request.env);
        if (version === wanted.version) {
            const sha256 = await sha256Of(onPath);
            log.push(`Using ${request.tool} ${version} found on PATH: ${onPath} (sha256 ${sha256}).`);
            return { tool: request.tool, path: onPath, version, sha256, source: 'path', log };
        }
        log.push(`${onPath} is ${request.tool} ${version ?? 'of unknown version'}, not ${wanted.version}: not used.`);
    }
    // @actions/tool-cache reads its root from the environment.
    process.env.RUNNER_TOOL_CACHE = request.toolCacheDir;
    process.env.RUNNER_TEMP ??= request.tempDir;
    await (0,promises_.mkdir)(request.toolCacheDir, { recursive: true });
    return (await fromToolCache(request, wanted, arch, log)) ?? download(request, wanted, arch, log);
}


/***/ })

};
