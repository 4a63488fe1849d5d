import { readFileSync } from 'node:fs';
import { bundleFromJSON } from '@sigstore/bundle';
import { Verifier, toSignedEntity } from '@sigstore/verify';
import { beforeAll, describe, expect, it } from 'vitest';
import { trustMaterialOf, verifyAssetSignature, type SignatureVerdict } from '../../../src/scanners/install/signature.js';
import { resolveWanted, type SignaturePolicy } from '../../../src/releases/choose.js';
import { SIGSTORE_PUBLIC_GOOD_TRUSTED_ROOT } from '../../../src/releases/sigstoreTrustedRoot.js';
import { fixture } from '../../helpers.js';
import { testSigstore, type TestSigstore } from '../../support/sigstoreSigner.js';

const MINUTE = 60_000;

function policyFor(version: string): SignaturePolicy {
  const wanted = resolveWanted({ tool: 'trivy', platform: 'linux-x64', version });
  if (wanted.proof.kind !== 'signature') throw new Error(`${version} is not verified by signature`);
  return wanted.proof;
}

function reason(verdict: SignatureVerdict): string {
  return verdict.ok ? 'verified' : verdict.reason;
}

describe('verifying a release asset by its Sigstore bundle', () => {
  const asset = Buffer.from('the bytes of trivy_0.70.0_Linux-64bit.tar.gz');
  const policy = policyFor('0.70.0');
  let sigstore: TestSigstore;
  beforeAll(async () => {
    sigstore = await testSigstore();
  });
  const verify = (bundle: string, bytes = asset, wanted = policy): SignatureVerdict =>
    verifyAssetSignature(bytes, bundle, wanted, trustMaterialOf(sigstore.trustedRoot));

  it('accepts a bundle by the release workflow at the tag of the version asked for, and names the signer', async () => {
    const verdict = verify(await sigstore.sign(asset, { identity: policy.identity }));
    expect(verdict).toMatchObject({
      ok: true,
      identity: 'https://github.com/aquasecurity/trivy/.github/workflows/reusable-release.yaml@refs/tags/v0.70.0',
      issuer: 'https://token.actions.githubusercontent.com',
    });
  });

  it('refuses another workflow of the same repository', async () => {
    const bundle = await sigstore.sign(asset, {
      identity: 'https://github.com/aquasecurity/trivy/.github/workflows/pr.yaml@refs/heads/attacker',
    });
    expect(reason(verify(bundle))).toMatch(/^the signer is not the one required \(.*pr\.yaml@refs\/heads\/attacker/);
  });

  it("refuses the release workflow of another tag (a good signature of 0.69.5 does not pass as 0.70.0's)", async () => {
    const bundle = await sigstore.sign(asset, { identity: policyFor('0.70.1').identity });
    expect(reason(verify(bundle))).toMatch(/^the signer is not the one required/);
  });

  it('refuses the right workflow name under another OIDC issuer', async () => {
    const bundle = await sigstore.sign(asset, { identity: policy.identity, issuer: 'https://attacker.example/oidc' });
    expect(reason(verify(bundle))).toMatch(/^the signer is not the one required/);
  });

  it('refuses a tampered asset, and a bundle whose signature was swapped', async () => {
    const bundle = await sigstore.sign(asset, { identity: policy.identity });
    const tampered = Buffer.from(asset);
    tampered[0] = (tampered[0] ?? 0) ^ 1;
    expect(reason(verify(bundle, tampered))).toBe(
      'the digest it signs is not the sha256 of the asset (the asset or the bundle was changed)',
    );
    const other = JSON.parse(await sigstore.sign(Buffer.from('another asset'), { identity: policy.identity }));
    const swapped = JSON.parse(bundle);
    swapped.messageSignature.signature = other.messageSignature.signature;
    expect(reason(verify(JSON.stringify(swapped)))).toMatch(/signature|transparency-log/);
  });

  it('refuses a certificate that had expired when the log recorded the signature, and takes one logged within its ten minutes', async () => {
    const issuedAt = new Date(Date.now() + 60 * MINUTE);
    const at = (minutes: number): Date => new Date(issuedAt.getTime() + minutes * MINUTE);
    const late = await sigstore.sign(asset, { identity: policy.identity, issuedAt, loggedAt: at(11) });
    expect(reason(verify(late))).toMatch(/^the signing certificate is not trusted/);
    const inTime = await sigstore.sign(asset, { identity: policy.identity, issuedAt, loggedAt: at(9) });
    expect(reason(verify(inTime))).toBe('verified');
  });

  it('refuses a bundle from another Sigstore, whose CA and logs the trusted root does not list', async () => {
    const stranger = await testSigstore();
    expect(reason(verify(await stranger.sign(asset, { identity: policy.identity })))).toMatch(/^the signing certificate is not trusted/);
  });

  it('refuses what is not a bundle, and a bundle without its transparency-log entry', async () => {
    expect(reason(verify('{"mediaType":"text/plain"}'))).toMatch(/^it is not a Sigstore bundle/);
    expect(reason(verify('not json'))).toMatch(/^it is not a Sigstore bundle/);
    const bundle = JSON.parse(await sigstore.sign(asset, { identity: policy.identity }));
    bundle.verificationMaterial.tlogEntries = [];
    expect(reason(verify(JSON.stringify(bundle)))).not.toBe('verified');
  });

  it('refuses an attestation envelope where a signature over the asset is needed', () => {
    const provenance = readFileSync(fixture('sigstore', 'sigstore.js@2.0.0-provenance.sigstore.json'), 'utf8');
    expect(reason(verifyAssetSignature(asset, provenance, policy, trustMaterialOf(SIGSTORE_PUBLIC_GOOD_TRUSTED_ROOT)))).toBe(
      'it holds no message signature over the asset',
    );
  });
});

describe('the trusted root bulkhead ships', () => {
  it("is Sigstore's public-good root: it verifies a real bundle that GitHub Actions signed there", () => {
    const bundle = bundleFromJSON(JSON.parse(readFileSync(fixture('sigstore', 'sigstore.js@2.0.0-provenance.sigstore.json'), 'utf8')));
    const verifier = new Verifier(trustMaterialOf(SIGSTORE_PUBLIC_GOOD_TRUSTED_ROOT), {
      tlogThreshold: 1,
      ctlogThreshold: 1,
      timestampThreshold: 1,
    });
    const signer = verifier.verify(toSignedEntity(bundle));
    expect(signer.identity?.subjectAlternativeName).toBe(
      'https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main',
    );
    expect(signer.identity?.extensions?.issuer).toBe('https://token.actions.githubusercontent.com');
  });

  it('refuses a bundle from a test Sigstore', async () => {
    const sigstore = await testSigstore();
    const asset = Buffer.from('asset');
    const policy = policyFor('0.70.0');
    const verdict = verifyAssetSignature(
      asset,
      await sigstore.sign(asset, { identity: policy.identity }),
      policy,
      trustMaterialOf(SIGSTORE_PUBLIC_GOOD_TRUSTED_ROOT),
    );
    expect(reason(verdict)).toMatch(/^the signing certificate is not trusted/);
  });

  it('says what is wrong with a file that is not a trusted root', () => {
    expect(() => trustMaterialOf({ mediaType: 'application/json' })).toThrow(/mediaType is "application\/json"/);
    expect(() => trustMaterialOf([])).toThrow(/mediaType is undefined/);
  });
});
