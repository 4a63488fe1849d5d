import { createHash } from 'node:crypto';
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { PolicyError, VerificationError, Verifier, toSignedEntity, toTrustMaterial, type TrustMaterial } from '@sigstore/verify';
import { errorMessage } from '../../util/errors.js';
import type { SignaturePolicy } from '../../releases/choose.js';

/** Why a bundle does not prove an asset, in words for the log; undefined when it does. */
export type SignatureVerdict = { ok: true; identity: string; issuer: string; logIndex: string } | { ok: false; reason: string };

/** A bundle is a few kilobytes; anything far larger is not one. */
export const MAX_BUNDLE_BYTES = 1024 * 1024;

/** Parses a trusted_root.json (Fulcio CAs, Rekor and CT log keys); throws with what is wrong. */
export function trustMaterialOf(trustedRoot: unknown): TrustMaterial {
  if (!trustedRoot || typeof trustedRoot !== 'object') throw new Error('it is not a JSON object');
  const mediaType = (trustedRoot as { mediaType?: unknown }).mediaType;
  if (typeof mediaType !== 'string' || !mediaType.startsWith('application/vnd.dev.sigstore.trustedroot')) {
    throw new Error(`its mediaType is ${JSON.stringify(mediaType)}, not a Sigstore trusted root's`);
  }
  const root = TrustedRoot.fromJSON(trustedRoot);
  if (root.certificateAuthorities.length === 0 || root.tlogs.length === 0)
    throw new Error('it lists no certificate authority or no transparency log');
  return toTrustMaterial(root);
}

function describe(error: unknown): string {
  if (error instanceof PolicyError) return `the signer is not the one required (${error.message})`;
  if (error instanceof VerificationError) {
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
  return errorMessage(error);
}

/**
 * Verifies a Sigstore bundle for a release asset, offline, against a trusted root: the leaf
 * certificate chains to a trusted Fulcio CA and was valid when the transparency log recorded the
 * signature, it carries an SCT from a trusted CT log, the log entry verifies and matches, the
 * signature is over these exact bytes, and the signer is the release workflow at the tag asked for.
 */
export function verifyAssetSignature(asset: Buffer, bundleText: string, policy: SignaturePolicy, trust: TrustMaterial): SignatureVerdict {
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(JSON.parse(bundleText));
  } catch (error) {
    return { ok: false, reason: `it is not a Sigstore bundle (${errorMessage(error)})` };
  }
  // A release blob is signed as a message with a short-lived certificate; a bare public key or
  // an attestation envelope proves nothing about who built it.
  if (bundle.content.$case !== 'messageSignature') return { ok: false, reason: 'it holds no message signature over the asset' };
  const material = bundle.verificationMaterial.content.$case;
  if (material !== 'certificate' && material !== 'x509CertificateChain')
    return { ok: false, reason: 'it is signed with a bare key, not a Sigstore certificate' };
  const digest = bundle.content.messageSignature.messageDigest?.digest;
  if (digest && !digest.equals(createHash('sha256').update(asset).digest()))
    return { ok: false, reason: 'the digest it signs is not the sha256 of the asset (the asset or the bundle was changed)' };
  try {
    const verifier = new Verifier(trust, { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 });
    const signer = verifier.verify(toSignedEntity(bundle, asset), {
      subjectAlternativeName: policy.identity,
      extensions: { issuer: policy.issuer },
    });
    return {
      ok: true,
      identity: signer.identity?.subjectAlternativeName ?? policy.identity,
      issuer: signer.identity?.extensions?.issuer ?? policy.issuer,
      logIndex: bundle.verificationMaterial.tlogEntries[0]?.logIndex ?? '?',
    };
  } catch (error) {
    return { ok: false, reason: describe(error) };
  }
}
