import { parseStages, stagesInImage } from '../../dockerfile/stages.js';
import type { Finding } from '../../model/finding.js';
import { builtinFinding } from './finding.js';

/** BH109: base images of the stages that end in the image, pinned by digest or not. BH106: ADD from a URL without a checksum. */

const DIGEST = /@[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;

function tagOf(reference: string): string | undefined {
  const lastSlash = reference.lastIndexOf('/');
  const colon = reference.indexOf(':', lastSlash + 1);
  return colon >= 0 ? reference.slice(colon + 1) : undefined;
}

function unpinned(reference: string): string | undefined {
  if (reference.toLowerCase() === 'scratch' || DIGEST.test(reference)) return undefined;
  // A FROM the ARG defaults could not resolve: its real value is only known at build time.
  if (reference.includes('$')) return undefined;
  const tag = tagOf(reference);
  return tag === undefined ? 'no tag (so latest)' : tag === 'latest' ? 'the latest tag' : `tag ${tag}`;
}

export function checkDockerfile(dockerfile: string, text: string): Finding[] {
  const findings: Finding[] = [];
  const subject = { input: dockerfile, key: dockerfile };
  for (const stage of stagesInImage(parseStages(text))) {
    if (stage.baseStage === undefined) {
      const how = unpinned(stage.base);
      if (how) {
        findings.push(
          builtinFinding('BH109', subject, {
            message: `FROM ${stage.base}${stage.name ? ` (stage ${stage.name})` : ''} is pinned by ${how}, not by digest: pin it as ${stage.base.split('@')[0]}@sha256:<digest>.`,
            subject: `from:${stage.base.replace(/:[^/:]*$/, '')}`,
            file: dockerfile,
            line: stage.fromLine,
          }),
        );
      }
    }
    for (const add of stage.adds) {
      if (add.checksum) continue;
      for (const source of add.sources) {
        if (!/^https?:\/\//i.test(source)) continue;
        let shown = source;
        try {
          const url = new URL(source);
          shown = `${url.protocol}//${url.host}${url.pathname}`;
        } catch {
          // An unparsable URL is shown as written, minus nothing: it holds no query to hide.
        }
        findings.push(
          builtinFinding('BH106', subject, {
            message: `ADD ${shown} fetches a file without a checksum: download and verify it, or use ADD --checksum=sha256:….`,
            subject: `add:${shown}`,
            file: dockerfile,
            line: add.line,
          }),
        );
      }
    }
    for (const copy of stage.copiesFrom) {
      const how = copy.image !== undefined ? unpinned(copy.image) : undefined;
      if (copy.image !== undefined && how) {
        findings.push(
          builtinFinding('BH109', subject, {
            message: `COPY --from=${copy.image} takes files from an image pinned by ${how}, not by digest.`,
            subject: `copy-from:${copy.image.replace(/:[^/:]*$/, '')}`,
            file: dockerfile,
            line: copy.line,
          }),
        );
      }
    }
  }
  return findings;
}
