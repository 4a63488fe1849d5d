import type { RehearsalConfig } from '../../config/types.js';
import type { Finding } from '../../model/finding.js';
import type { RehearsalSummary } from '../../model/rehearsal.js';
import { silentLogger, startStep, type Logger } from '../../util/logger.js';
import type { ImageSubject } from '../builtin/finding.js';
import { runsAsRoot } from '../builtin/imageConfig.js';
import { dockerProbe, inspectImage, removeOnSignal, sweepLeftovers, type DockerEnvironment } from './engine.js';
import { rehearse } from './explain.js';
import { profileFragments, rehearsalFindings, summarizeRehearsal } from './findings.js';
import { SUBSTITUTE_USER } from './profile.js';

export interface RehearsalOutcome {
  findings: Finding[];
  summary: RehearsalSummary;
}

/**
 * Rehearses one daemon image: removes what killed runs left behind, reads the image's user and
 * volumes, runs the hardened profile and, when it fails, the runs that explain it. Throws a
 * ToolError when the engine cannot be used; the caller makes that a failed result.
 */
export async function rehearseImage(
  reference: string,
  subject: Pick<ImageSubject, 'input' | 'key' | 'model'>,
  config: RehearsalConfig,
  environment: DockerEnvironment,
  logger: Logger = silentLogger,
): Promise<RehearsalOutcome> {
  const step = startStep(logger, `Rehearsing ${subject.input} under least privilege`);
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
      rehearsal = await rehearse(
        {
          imageUser: image.user,
          imageUserIsRoot,
          volumes: image.volumes,
          durationMs: config.durationMs,
        },
        probe,
      );
    } finally {
      stopListening();
    }
    const fragments = {
      ...profileFragments(rehearsal.proposed, { user, imageUser: image.user, imageVolumes: image.volumes, image: reference }),
      verified: rehearsal.verified !== undefined,
    };
    const findings = rehearsalFindings(rehearsal, subject);
    const summary = summarizeRehearsal(rehearsal, fragments, Date.now() - started, image.user);
    step.done(
      `${rehearsal.verdict === 'hardened' ? 'it runs hardened' : rehearsal.verdict === 'explained' ? `breaks on ${rehearsal.breaks.join(', ')}` : rehearsal.verdict}, ${rehearsal.runs.length} run${rehearsal.runs.length === 1 ? '' : 's'}`,
    );
    return { findings, summary };
  } catch (error) {
    step.failed('the engine could not rehearse it');
    throw error;
  }
}
