import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { initializeCA, initializeCTLog, initializeTLog } from '@sigstore/mock';

/**
 * A Sigstore of the tests' own: a Fulcio-like CA with a CT log that embeds SCTs, and a Rekor-like
 * transparency log that returns signed entry timestamps and inclusion proofs (all from
 * @sigstore/mock, with keys made here). `sign` makes the bundle cosign's `sign-blob --bundle`
 * writes (v0.3, message signature, hashedrekord entry), and `trustedRoot` is the
 * trusted_root.json that trusts exactly these keys.
 */
export interface TestSigstore {
  trustedRoot: object;
  sign(asset: Buffer, options: SignOptions): Promise<string>;
}

export interface SignOptions {
  /** The certificate's subject alternative name (a workflow ref for GitHub Actions). */
  identity: string;
  issuer?: string;
  /** When the certificate was issued; it is valid for ten minutes. Default: now. */
  issuedAt?: Date;
  /** When the transparency log recorded the signature. Default: now. */
  loggedAt?: Date;
}

const OID_FULCIO_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';
const REKOR_URL = 'https://rekor.bulkhead.test';
const VALID_SINCE = '2020-01-01T00:00:00Z';

function keyPair(): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

function spki(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' });
}

function logKey(baseUrl: string, publicKey: Buffer, logId: Buffer): object {
  return {
    baseUrl,
    hashAlgorithm: 'SHA2_256',
    publicKey: { rawBytes: publicKey.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: VALID_SINCE } },
    logId: { keyId: logId.toString('base64') },
  };
}

export async function testSigstore(): Promise<TestSigstore> {
  const [caKeys, ctKeys, tlogKeys] = [keyPair(), keyPair(), keyPair()];
  const ctLog = await initializeCTLog(ctKeys);
  const caNow = await initializeCA(caKeys, ctLog);
  const tlogNow = await initializeTLog(REKOR_URL, tlogKeys);
  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [logKey(REKOR_URL, tlogNow.publicKey, createHash('sha256').update(tlogNow.publicKey).digest())],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: 'https://fulcio.bulkhead.test',
        certChain: { certificates: [{ rawBytes: Buffer.from(caNow.rootCertificate.buffer).toString('base64') }] },
        validFor: { start: VALID_SINCE },
      },
    ],
    ctlogs: [logKey('https://ctfe.bulkhead.test', ctLog.publicKey, Buffer.from(ctLog.logID.buffer))],
    timestampAuthorities: [],
  };

  async function signAsset(asset: Buffer, options: SignOptions): Promise<string> {
    // The same keys with another clock: a certificate issued (or an entry logged) at that time.
    const ca = options.issuedAt ? await initializeCA(caKeys, await initializeCTLog(ctKeys, options.issuedAt), options.issuedAt) : caNow;
    const tlog = options.loggedAt ? await initializeTLog(REKOR_URL, tlogKeys, options.loggedAt) : tlogNow;
    const signer = keyPair();
    const certificate = Buffer.from(
      (
        await ca.issueCertificate({
          publicKey: new Uint8Array(spki(signer.publicKey)),
          subjectAltName: options.identity,
          extensions: [{ oid: OID_FULCIO_ISSUER_V2, value: options.issuer ?? 'https://token.actions.githubusercontent.com' }],
        })
      ).buffer,
    );
    const digest = createHash('sha256').update(asset).digest();
    const signature = sign('sha256', asset, signer.privateKey);
    const pem = `-----BEGIN CERTIFICATE-----\n${certificate.toString('base64')}\n-----END CERTIFICATE-----\n`;
    const logged = await tlog.log({
      apiVersion: '0.0.1',
      kind: 'hashedrekord',
      spec: {
        data: { hash: { algorithm: 'sha256', value: digest.toString('hex') } },
        signature: { content: signature.toString('base64'), publicKey: { content: Buffer.from(pem).toString('base64') } },
      },
    });
    const entry = Object.values(logged)[0] as {
      body: string;
      integratedTime: number;
      logID: string;
      logIndex: number;
      verification: {
        signedEntryTimestamp: string;
        inclusionProof: { logIndex: number; treeSize: number; rootHash: string; hashes: string[]; checkpoint: string };
      };
    };
    const proof = entry.verification.inclusionProof;
    return JSON.stringify({
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      verificationMaterial: {
        certificate: { rawBytes: certificate.toString('base64') },
        tlogEntries: [
          {
            logIndex: String(entry.logIndex),
            logId: { keyId: Buffer.from(entry.logID, 'hex').toString('base64') },
            kindVersion: { kind: 'hashedrekord', version: '0.0.1' },
            integratedTime: String(entry.integratedTime),
            inclusionPromise: { signedEntryTimestamp: entry.verification.signedEntryTimestamp },
            inclusionProof: {
              logIndex: String(proof.logIndex),
              rootHash: Buffer.from(proof.rootHash, 'hex').toString('base64'),
              treeSize: String(proof.treeSize),
              hashes: proof.hashes,
              checkpoint: { envelope: proof.checkpoint },
            },
            canonicalizedBody: entry.body,
          },
        ],
      },
      messageSignature: {
        messageDigest: { algorithm: 'SHA2_256', digest: digest.toString('base64') },
        signature: signature.toString('base64'),
      },
    });
  }

  return { trustedRoot, sign: signAsset };
}
