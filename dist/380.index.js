export const id = 380;
export const ids = [380];
export const modules = {

/***/ 11380:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  installScanner: () => (/* binding */ installScanner)
});

// UNUSED EXPORTS: platformKey, versionOf

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./node_modules/@actions/tool-cache/lib/tool-cache.js + 2 modules
var tool_cache = __webpack_require__(59805);
// EXTERNAL MODULE: ./src/util/errors.ts
var errors = __webpack_require__(70017);
// EXTERNAL MODULE: ./src/scanners/process.ts
var scanners_process = __webpack_require__(59278);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
// EXTERNAL MODULE: external "node:stream/promises"
var external_node_stream_promises_ = __webpack_require__(46466);
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

// EXTERNAL MODULE: ./node_modules/@sigstore/bundle/dist/index.js
var dist = __webpack_require__(61040);
// EXTERNAL MODULE: ./node_modules/@sigstore/protobuf-specs/dist/index.js
var protobuf_specs_dist = __webpack_require__(19654);
// EXTERNAL MODULE: ./node_modules/@sigstore/verify/dist/index.js
var verify_dist = __webpack_require__(54187);
;// CONCATENATED MODULE: ./src/scanners/install/signature.ts





/** A bundle is a few kilobytes; anything far larger is not one. */
const MAX_BUNDLE_BYTES = 1024 * 1024;
/** Parses a trusted_root.json (Fulcio CAs, Rekor and CT log keys); throws with what is wrong. */
function trustMaterialOf(trustedRoot) {
    if (!trustedRoot || typeof trustedRoot !== 'object')
        throw new Error('it is not a JSON object');
    const mediaType = trustedRoot.mediaType;
    if (typeof mediaType !== 'string' || !mediaType.startsWith('application/vnd.dev.sigstore.trustedroot')) {
        throw new Error(`its mediaType is ${JSON.stringify(mediaType)}, not a Sigstore trusted root's`);
    }
    const root = protobuf_specs_dist.TrustedRoot.fromJSON(trustedRoot);
    if (root.certificateAuthorities.length === 0 || root.tlogs.length === 0)
        throw new Error('it lists no certificate authority or no transparency log');
    return (0,verify_dist/* toTrustMaterial */.jO)(root);
}
function describe(error) {
    if (error instanceof verify_dist/* PolicyError */.pn)
        return `the signer is not the one required (${error.message})`;
    if (error instanceof verify_dist/* VerificationError */.mk) {
        switch (error.code) {
            case 'SIGNATURE_ERROR':
                return 'the signature does not match the asset (the asset or the bundle was changed)';
            case 'CERTIFICATE_ERROR':
                return `the signing certificate is not trusted (${error.message})`;
            case 'TIMESTAMP_ERROR':
                return `the signature has no trusted time (${error.message})`;
            default:
                return `its transparency-log entry does not verify (${error.message})`;
        }
    }
    return (0,errors/* errorMessage */.gJ)(error);
}
/**
 * Verifies a Sigstore bundle for a release asset, offline, against a trusted root: the leaf
 * certificate chains to a trusted Fulcio CA and was valid when the transparency log recorded the
 * signature, it carries an SCT from a trusted CT log, the log entry verifies and matches, the
 * signature is over these exact bytes, and the signer is the release workflow at the tag asked for.
 */
function verifyAssetSignature(asset, bundleText, policy, trust) {
    let bundle;
    try {
        bundle = (0,dist/* bundleFromJSON */.vw)(JSON.parse(bundleText));
    }
    catch (error) {
        return { ok: false, reason: `it is not a Sigstore bundle (${(0,errors/* errorMessage */.gJ)(error)})` };
    }
    // A release blob is signed as a message with a short-lived certificate; a bare public key or
    // an attestation envelope proves nothing about who built it.
    if (bundle.content.$case !== 'messageSignature')
        return { ok: false, reason: 'it holds no message signature over the asset' };
    const material = bundle.verificationMaterial.content.$case;
    if (material !== 'certificate' && material !== 'x509CertificateChain')
        return { ok: false, reason: 'it is signed with a bare key, not a Sigstore certificate' };
    const digest = bundle.content.messageSignature.messageDigest?.digest;
    if (digest && !digest.equals((0,external_node_crypto_.createHash)('sha256').update(asset).digest()))
        return { ok: false, reason: 'the digest it signs is not the sha256 of the asset (the asset or the bundle was changed)' };
    try {
        const verifier = new verify_dist/* Verifier */.BL(trust, { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 });
        const signer = verifier.verify((0,verify_dist/* toSignedEntity */.DC)(bundle, asset), {
            subjectAlternativeName: policy.identity,
            extensions: { issuer: policy.issuer },
        });
        return {
            ok: true,
            identity: signer.identity?.subjectAlternativeName ?? policy.identity,
            issuer: signer.identity?.extensions?.issuer ?? policy.issuer,
            logIndex: bundle.verificationMaterial.tlogEntries[0]?.logIndex ?? '?',
        };
    }
    catch (error) {
        return { ok: false, reason: describe(error) };
    }
}

// EXTERNAL MODULE: ./src/releases/choose.ts
var choose = __webpack_require__(28265);
// EXTERNAL MODULE: ./src/releases/catalog.ts + 1 modules
var releases_catalog = __webpack_require__(72490);
;// CONCATENATED MODULE: ./src/releases/sigstoreTrustedRoot.ts
// Generated by scripts/update-trusted-root.js from the copy in @sigstore/tuf's seeds, on 2026-12-03.
// The Sigstore public-good trusted root: Fulcio CAs, Rekor and CT log keys. Do not edit by hand.
const SIGSTORE_PUBLIC_GOOD_TRUSTED_ROOT = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
        {
            baseUrl: 'https://rekor.sigstore.dev',
            hashAlgorithm: 'SHA2_256',
            publicKey: {
                rawBytes: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE2G2Y+2tabdTV5BcGiBIx0a9fAFwrkBbmLSGtks4L3qX6yYY0zufBnhC8Ur/iy55GhWP/9A/bY2LhC30M9+RYtw==',
                keyDetails: 'PKIX_ECDSA_P256_SHA_256',
                validFor: {
                    start: '2021-01-12T11:53:27.000Z',
                },
            },
            logId: {
                keyId: 'wNI9atQGlz+VWfO6LRygH4QUfY/8W4RFwiT5i5WRgB0=',
            },
        },
        {
            baseUrl: 'https://log2025-1.rekor.sigstore.dev',
            hashAlgorithm: 'SHA2_256',
            publicKey: {
                rawBytes: 'MCowBQYDK2VwAyEAt8rlp1knGwjfbcXAYPYAkn0XiLz1x8O4t0YkEhie244=',
                keyDetails: 'PKIX_ED25519',
                validFor: {
                    start: '2025-09-23T00:00:00.000Z',
                },
            },
            logId: {
                keyId: 'zxGZFVvd0FEmjR8WrFwMdcAJ9vtaY/QXf44Y1wUeP6A=',
            },
        },
    ],
    certificateAuthorities: [
        {
            subject: {
                organization: 'sigstore.dev',
                commonName: 'sigstore',
            },
            uri: 'https://fulcio.sigstore.dev',
            certChain: {
                certificates: [
                    {
                        rawBytes: 'MIIB+DCCAX6gAwIBAgITNVkDZoCiofPDsy7dfm6geLbuhzAKBggqhkjOPQQDAzAqMRUwEwYDVQQKEwxzaWdzdG9yZS5kZXYxETAPBgNVBAMTCHNpZ3N0b3JlMB4XDTIxMDMwNzAzMjAyOVoXDTMxMDIyMzAzMjAyOVowKjEVMBMGA1UEChMMc2lnc3RvcmUuZGV2MREwDwYDVQQDEwhzaWdzdG9yZTB2MBAGByqGSM49AgEGBSuBBAAiA2IABLSyA7Ii5k+pNO8ZEWY0ylemWDowOkNa3kL+GZE5Z5GWehL9/A9bRNA3RbrsZ5i0JcastaRL7Sp5fp/jD5dxqc/UdTVnlvS16an+2Yfswe/QuLolRUCrcOE2+2iA5+tzd6NmMGQwDgYDVR0PAQH/BAQDAgEGMBIGA1UdEwEB/wQIMAYBAf8CAQEwHQYDVR0OBBYEFMjFHQBBmiQpMlEk6w2uSu1KBtPsMB8GA1UdIwQYMBaAFMjFHQBBmiQpMlEk6w2uSu1KBtPsMAoGCCqGSM49BAMDA2gAMGUCMH8liWJfMui6vXXBhjDgY4MwslmN/TJxVe/83WrFomwmNf056y1X48F9c4m3a3ozXAIxAKjRay5/aj/jsKKGIkmQatjI8uupHr/+CxFvaJWmpYqNkLDGRU+9orzh5hI2RrcuaQ==',
                    },
                ],
            },
            validFor: {
                start: '2021-03-07T03:20:29.000Z',
                end: '2022-12-31T23:59:59.999Z',
            },
        },
        {
            subject: {
                organization: 'sigstore.dev',
                commonName: 'sigstore',
            },
            uri: 'https://fulcio.sigstore.dev',
            certChain: {
                certificates: [
                    {
                        rawBytes: 'MIICGjCCAaGgAwIBAgIUALnViVfnU0brJasmRkHrn/UnfaQwCgYIKoZIzj0EAwMwKjEVMBMGA1UEChMMc2lnc3RvcmUuZGV2MREwDwYDVQQDEwhzaWdzdG9yZTAeFw0yMjA0MTMyMDA2MTVaFw0zMTEwMDUxMzU2NThaMDcxFTATBgNVBAoTDHNpZ3N0b3JlLmRldjEeMBwGA1UEAxMVc2lnc3RvcmUtaW50ZXJtZWRpYXRlMHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE8RVS/ysH+NOvuDZyPIZtilgUF9NlarYpAd9HP1vBBH1U5CV77LSS7s0ZiH4nE7Hv7ptS6LvvR/STk798LVgMzLlJ4HeIfF3tHSaexLcYpSASr1kS0N/RgBJz/9jWCiXno3sweTAOBgNVHQ8BAf8EBAMCAQYwEwYDVR0lBAwwCgYIKwYBBQUHAwMwEgYDVR0TAQH/BAgwBgEB/wIBADAdBgNVHQ4EFgQU39Ppz1YkEZb5qNjpKFWixi4YZD8wHwYDVR0jBBgwFoAUWMAeX5FFpWapesyQoZMi0CrFxfowCgYIKoZIzj0EAwMDZwAwZAIwPCsQK4DYiZYDPIaDi5HFKnfxXx6ASSVmERfsynYBiX2X6SJRnZU84/9DZdnFvvxmAjBOt6QpBlc4J/0DxvkTCqpclvziL6BCCPnjdlIB3Pu3BxsPmygUY7Ii2zbdCdliiow=',
                    },
                    {
                        rawBytes: 'MIIB9zCCAXygAwIBAgIUALZNAPFdxHPwjeDloDwyYChAO/4wCgYIKoZIzj0EAwMwKjEVMBMGA1UEChMMc2lnc3RvcmUuZGV2MREwDwYDVQQDEwhzaWdzdG9yZTAeFw0yMTEwMDcxMzU2NTlaFw0zMTEwMDUxMzU2NThaMCoxFTATBgNVBAoTDHNpZ3N0b3JlLmRldjERMA8GA1UEAxMIc2lnc3RvcmUwdjAQBgcqhkjOPQIBBgUrgQQAIgNiAAT7XeFT4rb3PQGwS4IajtLk3/OlnpgangaBclYpsYBr5i+4ynB07ceb3LP0OIOZdxexX69c5iVuyJRQ+Hz05yi+UF3uBWAlHpiS5sh0+H2GHE7SXrk1EC5m1Tr19L9gg92jYzBhMA4GA1UdDwEB/wQEAwIBBjAPBgNVHRMBAf8EBTADAQH/MB0GA1UdDgQWBBRYwB5fkUWlZql6zJChkyLQKsXF+jAfBgNVHSMEGDAWgBRYwB5fkUWlZql6zJChkyLQKsXF+jAKBggqhkjOPQQDAwNpADBmAjEAj1nHeXZp+13NWBNa+EDsDP8G1WWg1tCMWP/WHPqpaVo0jhsweNFZgSs0eE7wYI4qAjEA2WB9ot98sIkoF3vZYdd3/VtWB5b9TNMea7Ix/stJ5TfcLLeABLE4BNJOsQ4vnBHJ',
                    },
                ],
            },
            validFor: {
                start: '2022-04-13T20:06:15.000Z',
            },
        },
    ],
    ctlogs: [
        {
            baseUrl: 'https://ctfe.sigstore.dev/test',
            hashAlgorithm: 'SHA2_256',
            publicKey: {
                rawBytes: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEbfwR+RJudXscgRBRpKX1XFDy3PyudDxz/SfnRi1fT8ekpfBd2O1uoz7jr3Z8nKzxA69EUQ+eFCFI3zeubPWU7w==',
                keyDetails: 'PKIX_ECDSA_P256_SHA_256',
                validFor: {
                    start: '2021-03-14T00:00:00.000Z',
                    end: '2022-10-31T23:59:59.999Z',
                },
            },
            logId: {
                keyId: 'CGCS8ChS/2hF0dFrJ4ScRWcYrBY9wzjSbea8IgY2b3I=',
            },
        },
        {
            baseUrl: 'https://ctfe.sigstore.dev/2022',
            hashAlgorithm: 'SHA2_256',
            publicKey: {
                rawBytes: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEiPSlFi0CmFTfEjCUqF9HuCEcYXNKAaYalIJmBZ8yyezPjTqhxrKBpMnaocVtLJBI1eM3uXnQzQGAJdJ4gs9Fyw==',
                keyDetails: 'PKIX_ECDSA_P256_SHA_256',
                validFor: {
                    start: '2022-10-20T00:00:00.000Z',
                },
            },
            logId: {
                keyId: '3T0wasbHETJjGR4cmWc3AqJKXrjePK3/h4pygC8p7o4=',
            },
        },
    ],
    timestampAuthorities: [
        {
            subject: {
                organization: 'sigstore.dev',
                commonName: 'sigstore-tsa-selfsigned',
            },
            uri: 'https://timestamp.sigstore.dev/api/v1/timestamp',
            certChain: {
                certificates: [
                    {
                        rawBytes: 'MIICEDCCAZagAwIBAgIUOhNULwyQYe68wUMvy4qOiyojiwwwCgYIKoZIzj0EAwMwOTEVMBMGA1UEChMMc2lnc3RvcmUuZGV2MSAwHgYDVQQDExdzaWdzdG9yZS10c2Etc2VsZnNpZ25lZDAeFw0yNTA0MDgwNjU5NDNaFw0zNTA0MDYwNjU5NDNaMC4xFTATBgNVBAoTDHNpZ3N0b3JlLmRldjEVMBMGA1UEAxMMc2lnc3RvcmUtdHNhMHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE4ra2Z8hKNig2T9kFjCAToGG30jky+WQv3BzL+mKvh1SKNR/UwuwsfNCg4sryoYAd8E6isovVA3M4aoNdm9QDi50Z8nTEyvqgfDPtTIwXItfiW/AFf1V7uwkbkAoj0xxco2owaDAOBgNVHQ8BAf8EBAMCB4AwHQYDVR0OBBYEFIn9eUOHz9BlRsMCRscsc1t9tOsDMB8GA1UdIwQYMBaAFJjsAe9/u1H/1JUeb4qImFMHic6/MBYGA1UdJQEB/wQMMAoGCCsGAQUFBwMIMAoGCCqGSM49BAMDA2gAMGUCMDtpsV/6KaO0qyF/UMsX2aSUXKQFdoGTptQGc0ftq1csulHPGG6dsmyMNd3JB+G3EQIxAOajvBcjpJmKb4Nv+2Taoj8Uc5+b6ih6FXCCKraSqupe07zqswMcXJTe1cExvHvvlw==',
                    },
                    {
                        rawBytes: 'MIIB9zCCAXygAwIBAgIUV7f0GLDOoEzIh8LXSW80OJiUp14wCgYIKoZIzj0EAwMwOTEVMBMGA1UEChMMc2lnc3RvcmUuZGV2MSAwHgYDVQQDExdzaWdzdG9yZS10c2Etc2VsZnNpZ25lZDAeFw0yNTA0MDgwNjU5NDNaFw0zNTA0MDYwNjU5NDNaMDkxFTATBgNVBAoTDHNpZ3N0b3JlLmRldjEgMB4GA1UEAxMXc2lnc3RvcmUtdHNhLXNlbGZzaWduZWQwdjAQBgcqhkjOPQIBBgUrgQQAIgNiAAQUQNtfRT/ou3YATa6wB/kKTe70cfJwyRIBovMnt8RcJph/COE82uyS6FmppLLL1VBPGcPfpQPYJNXzWwi8icwhKQ6W/Qe2h3oebBb2FHpwNJDqo+TMaC/tdfkv/ElJB72jRTBDMA4GA1UdDwEB/wQEAwIBBjASBgNVHRMBAf8ECDAGAQH/AgEAMB0GA1UdDgQWBBSY7AHvf7tR/9SVHm+KiJhTB4nOvzAKBggqhkjOPQQDAwNpADBmAjEAwGEGrfGZR1cen1R8/DTVMI943LssZmJRtDp/i7SfGHmGRP6gRbuj9vOK3b67Z0QQAjEAuT2H673LQEaHTcyQSZrkp4mX7WwkmF+sVbkYY5mXN+RMH13KUEHHOqASaemYWK/E',
                    },
                ],
            },
            validFor: {
                start: '2025-07-04T00:00:00.000Z',
            },
        },
    ],
};

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
    const expected = wanted.asset.kind === 'binary' && wanted.proof.kind === 'sha256' ? wanted.proof.sha256 : recorded;
    if (!actual || actual !== expected) {
        log.push(`The cached ${request.tool} ${wanted.version} in ${dir} does not match what was installed; installing it again.`);
        return undefined;
    }
    log.push(`Using ${request.tool} ${wanted.version} from the tool cache: ${executable} (sha256 ${actual}).`);
    return { tool: request.tool, path: executable, version: wanted.version, sha256: actual, source: 'tool-cache', log };
}
function provenBySha256(tool, name, url, actual, expected) {
    if (actual !== expected) {
        throw new errors/* ToolError */.v4(tool, `the download of ${name} from ${url} has sha256 ${actual}, not the ${expected} bulkhead expects; it was deleted and not run (a corrupted or replaced release?).`);
    }
    return `sha256 ${actual} matches`;
}
async function trustMaterialFor(request) {
    if (!request.trustedRootFile)
        return trustMaterialOf(SIGSTORE_PUBLIC_GOOD_TRUSTED_ROOT);
    try {
        return trustMaterialOf(JSON.parse(await (0,promises_.readFile)(request.trustedRootFile, 'utf8')));
    }
    catch (error) {
        throw new errors/* UsageError */.eb(`sigstore-trusted-root ${request.trustedRootFile} is not a Sigstore trusted root: ${(0,errors/* errorMessage */.gJ)(error)}; give the trusted_root.json of your Sigstore instance, or remove sigstore-trusted-root.`);
    }
}
/** A release without a shipped sha256 runs only when its Sigstore bundle proves who built it. */
async function provenBySignature(request, policy, archive, url, work) {
    const trust = await trustMaterialFor(request);
    const bundleUrl = `${url.slice(0, url.lastIndexOf('/'))}/${policy.bundleName}`;
    const bundleFile = (0,external_node_path_.join)(work, policy.bundleName);
    const name = (0,external_node_path_.basename)(archive);
    const refuse = (why) => {
        throw new errors/* ToolError */.v4(request.tool, `${name} was deleted and not run: ${why} (bulkhead ships no sha256 for it, so only a valid signature lets it run: give ${request.tool}-sha256 from a source you trust, or use the pinned version).`);
    };
    await downloadFile(bundleUrl, bundleFile, request.tool, {
        timeoutMs: request.downloadTimeoutMs,
        stallTimeoutMs: request.stallTimeoutMs,
        maxBytes: MAX_BUNDLE_BYTES,
    }).catch((error) => refuse(`its signature bundle could not be fetched (${(0,errors/* errorMessage */.gJ)(error).replace(/^[a-z]+: /, '')})`));
    // The asset is read whole because the signature is over its bytes; release archives are tens of MB.
    const verdict = verifyAssetSignature(await (0,promises_.readFile)(archive), await (0,promises_.readFile)(bundleFile, 'utf8'), policy, trust);
    if (!verdict.ok)
        return refuse(`its signature bundle ${policy.bundleName} does not prove it: ${verdict.reason}`);
    return `its Sigstore signature verifies (signed by ${verdict.identity}, issuer ${verdict.issuer}, transparency-log entry ${verdict.logIndex})`;
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
        const proven = wanted.proof.kind === 'sha256'
            ? provenBySha256(request.tool, wanted.asset.name, url, got.sha256, wanted.proof.sha256)
            : await provenBySignature(request, wanted.proof, archive, url, work);
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
        log.push(`Downloaded ${wanted.asset.name} from ${url}; ${proven}; installed ${executable}.`);
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
