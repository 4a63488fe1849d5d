import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture } from '../helpers.js';
import { DEMO_SERVICES, predictedDemoFindings } from '../support/microservicesDemo.js';
import { checkWorkloads, expectedPlaces, places } from '../support/workloads.js';

const RULES = fixture('workloads', 'rules');

function severitiesOf(findings: Awaited<ReturnType<typeof checkWorkloads>>['findings'], wanted: readonly string[]): string[] {
  const keys = new Set(wanted.map((w) => w.slice(0, w.lastIndexOf(':'))));
  return places(findings, true).filter((p) => keys.has(p.slice(0, p.lastIndexOf(':'))));
}

describe('workload rules on hand-made manifests', () => {
  it('fire on every trigger of the Kubernetes fixture, on the line of the field, with its severity', async () => {
    const scan = await checkWorkloads(RULES, { manifests: ['risky-deployment.yaml'] });
    const expected = expectedPlaces(RULES, 'risky-deployment.yaml');
    expect(places(scan.findings)).toEqual(expected.all);
    for (const wanted of expected.severities) expect(severitiesOf(scan.findings, [wanted])).toContain(wanted);
  });

  it('fire on every trigger of the Compose fixture, through merge keys, extends and interpolation', async () => {
    const scan = await checkWorkloads(RULES, { compose: ['risky-compose.yaml'], env: {} });
    const expected = expectedPlaces(RULES, 'risky-compose.yaml');
    expect(places(scan.findings)).toEqual(expected.all);
    for (const wanted of expected.severities) expect(severitiesOf(scan.findings, [wanted])).toContain(wanted);
    // ${REGISTRY:-ghcr.io/acme} took its default; the unset variables are named once.
    expect(scan.findings.find((f) => f.ruleId === 'BH315' && f.severity === 'medium')?.message).toContain('ghcr.io/acme/web:latest');
    expect(scan.notes).toContain('risky-compose.yaml: SECRET_TOKEN is not set; Compose reads an empty string.');
  });

  it('give nothing on the hardened twins, and the twins meet restricted', async () => {
    const scan = await checkWorkloads(RULES, {
      manifests: ['hardened-deployment.yaml'],
      compose: ['hardened-compose.yaml'],
      podSecurity: 'restricted',
    });
    expect(scan.results.map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(places(scan.findings)).toEqual([]);
    expect(scan.results[0]?.workloads?.map((w) => [w.name, w.podSecurity?.level])).toEqual([['hardened', 'restricted']]);
    expect(scan.results[1]?.workloads?.map((w) => w.name)).toEqual(['web', 'worker']);
  });

  it('never print an env secret, and fingerprints stay when unrelated lines move', async () => {
    const scan = await checkWorkloads(RULES, { manifests: ['risky-deployment.yaml'] });
    const text = JSON.stringify(scan.findings);
    expect(text).not.toContain('hunter2-but-longer');
    expect(text).not.toContain('ghp_0123456789abcdefghijklmnopqrstuvwxyzAB');
    expect(scan.results[0]?.secretValues).toEqual(expect.arrayContaining(['hunter2-but-longer']));
    const moved = mkdtempSync(join(tmpdir(), 'bulkhead-moved-'));
    writeFileSync(
      join(moved, 'risky-deployment.yaml'),
      `# a comment\n# another\n${readFileSync(join(RULES, 'risky-deployment.yaml'), 'utf8')}`,
    );
    const again = await checkWorkloads(moved, { manifests: ['risky-deployment.yaml'] });
    expect(again.findings.map((f) => f.fingerprint).sort()).toEqual(scan.findings.map((f) => f.fingerprint).sort());
    expect(again.findings.map((f) => f.line)).toEqual(scan.findings.map((f) => (f.line ?? 0) + 2));
  });

  it('compute Pod Security levels and gate on the required one (BH320)', async () => {
    const scan = await checkWorkloads(RULES, { manifests: ['risky-deployment.yaml', 'hardened-deployment.yaml'], podSecurity: 'baseline' });
    const levels = scan.results.flatMap((r) => r.workloads ?? []).map((w) => [w.kind, w.name, w.podSecurity?.level]);
    expect(levels).toEqual([
      ['Deployment', 'risky', 'privileged'],
      ['CronJob', 'report', 'baseline'],
      ['Deployment', 'hardened', 'restricted'],
    ]);
    const gated = scan.findings.filter((f) => f.ruleId === 'BH320');
    expect(places(gated)).toEqual(['BH320@risky-deployment.yaml:6']);
    expect(gated[0]?.message).toMatch(
      /meets the Pod Security Standards at privileged, not baseline.*Privileged Containers.*HostPath Volumes/,
    );
    const restricted = await checkWorkloads(RULES, { manifests: ['risky-deployment.yaml'], podSecurity: 'restricted' });
    expect(places(restricted.findings.filter((f) => f.ruleId === 'BH320'))).toEqual([
      'BH320@risky-deployment.yaml:118',
      'BH320@risky-deployment.yaml:6',
    ]);
  });

  it('suggest one securityContext per workload that fixes its isolation findings, with no invented user id', async () => {
    const scan = await checkWorkloads(RULES, { manifests: ['risky-deployment.yaml'], compose: ['risky-compose.yaml'], env: {} });
    const [deployment] = scan.results[0]?.workloads ?? [];
    const { parse } = await import('yaml');
    const suggestion = parse(deployment?.suggestion ?? '') as { spec: { template: { spec: Record<string, unknown> } } };
    const pod = suggestion.spec.template.spec;
    expect(pod).toMatchObject({
      hostNetwork: false,
      hostPID: false,
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    });
    expect(deployment?.suggestion).toContain('# runAsUser: <a non-root UID');
    const app = (pod.containers as { name: string; securityContext: Record<string, unknown> }[]).find((c) => c.name === 'app');
    expect(app?.securityContext).toMatchObject({
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
    });
    expect((pod.initContainers as { name: string }[]).map((c) => c.name)).toEqual(['setup']);
    const web = scan.results[1]?.workloads?.find((w) => w.name === 'web');
    expect(parse(web?.suggestion ?? '')).toEqual({
      services: {
        web: { privileged: false, read_only: true, tmpfs: ['/tmp'], cap_drop: ['ALL'], security_opt: ['no-new-privileges:true'] },
      },
    });
  });
});

describe('workload rules on real manifests (GoogleCloudPlatform/microservices-demo)', () => {
  const DEMO = fixture('workloads', 'kubernetes', 'microservices-demo');
  const files = DEMO_SERVICES;

  it('give exactly the findings that reading kubernetes-manifests/ predicts, all at baseline', async () => {
    const dir = 'kubernetes-manifests';
    const scan = await checkWorkloads(DEMO, { manifests: [...files.map((f) => `${dir}/${f}.yaml`), `${dir}/kustomization.yaml`] });
    expect(scan.results.every((r) => r.status === 'ok')).toBe(true);
    expect(places(scan.findings, true)).toEqual(predictedDemoFindings(dir, 'medium'));
    const workloads = scan.results.flatMap((r) => r.workloads ?? []);
    expect(workloads).toHaveLength(12);
    expect(new Set(workloads.map((w) => w.podSecurity?.level))).toEqual(new Set(['baseline']));
    expect(
      workloads.every(
        (w) =>
          w.podSecurity?.violations.join() ===
          `Seccomp: no RuntimeDefault or Localhost profile (${w.name === 'loadgenerator' ? 'frontend-check, main' : w.name === 'redis-cart' ? 'redis' : 'server'})`,
      ),
    ).toBe(true);
    expect(scan.notes).toContain('The manifests hold objects the workload checks do not read, skipped: 1 Kustomization.');
  });

  it('find no segmentation gap with the network-policies component, and one stale policy without loadgenerator', async () => {
    const policies = [
      'adservice',
      'cartservice',
      'checkoutservice',
      'currencyservice',
      'deny-all',
      'emailservice',
      'frontend',
      'loadgenerator',
      'paymentservice',
      'productcatalogservice',
      'recommendationservice',
      'redis',
      'shippingservice',
    ].map((p) => `kustomize/components/network-policies/network-policy-${p}.yaml`);
    const manifests = files.map((f) => `kubernetes-manifests/${f}.yaml`);
    const all = await checkWorkloads(DEMO, { manifests: [...manifests, ...policies], networkPolicies: 'required' });
    expect(all.findings.filter((f) => ['BH317', 'BH318', 'BH319'].includes(f.ruleId))).toEqual([]);
    const withoutLoadgenerator = await checkWorkloads(DEMO, {
      manifests: [...manifests.filter((m) => !m.includes('loadgenerator')), ...policies],
    });
    expect(
      places(
        withoutLoadgenerator.findings.filter((f) => f.ruleId.startsWith('BH31') && Number(f.ruleId.slice(2)) >= 317),
        true,
      ),
    ).toEqual(['BH319@kustomize/components/network-policies/network-policy-loadgenerator.yaml:20:low']);
    const noDenyAll = await checkWorkloads(DEMO, { manifests: [...manifests, ...policies.filter((p) => !p.includes('deny-all'))] });
    expect(
      places(
        noDenyAll.findings.filter((f) => ['BH317', 'BH318', 'BH319'].includes(f.ruleId)),
        true,
      ),
    ).toEqual(['BH318@kubernetes-manifests/adservice.yaml:18:low']);
  });

  it('without any NetworkPolicy, check segmentation only when the policy file requires it', async () => {
    const manifests = ['kubernetes-manifests/frontend.yaml'];
    expect((await checkWorkloads(DEMO, { manifests })).findings.filter((f) => f.ruleId === 'BH317')).toEqual([]);
    const required = await checkWorkloads(DEMO, { manifests, networkPolicies: 'required' });
    expect(places(required.findings.filter((f) => ['BH317', 'BH318'].includes(f.ruleId)))).toEqual([
      'BH317@kubernetes-manifests/frontend.yaml:18',
      'BH318@kubernetes-manifests/frontend.yaml:18',
    ]);
  });
});

describe('workload rules on real Compose files (docker/awesome-compose)', () => {
  const COMPOSE = fixture('workloads', 'compose');
  /** The rules every unhardened service gets on its key line: escalation, read-only root, capabilities, user, limits. */
  const unhardened = (file: string, line: number, { user = true, memory = true } = {}) => [
    `BH302@${file}:${line}:medium`,
    `BH305@${file}:${line}:medium`,
    `BH306@${file}:${line}:medium`,
    ...(user ? [`BH304@${file}:${line}:medium`] : []),
    ...(memory ? [`BH312@${file}:${line}:medium`] : []),
    `BH312@${file}:${line}:low`,
    `BH312@${file}:${line}:low`,
  ];
  const cases: [string, string[]][] = [
    [
      'portainer/compose.yaml',
      [
        ...unhardened('portainer/compose.yaml', 2),
        'BH315@portainer/compose.yaml:3:low',
        'BH311@portainer/compose.yaml:7:low',
        'BH310@portainer/compose.yaml:9:critical',
      ],
    ],
    [
      'wireguard/compose.yaml',
      [
        ...unhardened('wireguard/compose.yaml', 3),
        'BH315@wireguard/compose.yaml:4:medium',
        'BH307@wireguard/compose.yaml:7:high',
        'BH307@wireguard/compose.yaml:8:high',
        'BH310@wireguard/compose.yaml:20:medium',
        'BH310@wireguard/compose.yaml:21:medium',
        'BH310@wireguard/compose.yaml:22:medium',
        'BH311@wireguard/compose.yaml:24:low',
      ],
    ],
    [
      'gitea-postgres/compose.yaml',
      [
        ...unhardened('gitea-postgres/compose.yaml', 2),
        'BH315@gitea-postgres/compose.yaml:3:medium',
        'BH314@gitea-postgres/compose.yaml:9:high',
        'BH311@gitea-postgres/compose.yaml:14:low',
        ...unhardened('gitea-postgres/compose.yaml', 15),
        'BH315@gitea-postgres/compose.yaml:16:low',
        'BH314@gitea-postgres/compose.yaml:19:high',
      ],
    ],
    [
      'prometheus-grafana/compose.yaml',
      [
        ...unhardened('prometheus-grafana/compose.yaml', 2),
        'BH315@prometheus-grafana/compose.yaml:3:medium',
        'BH311@prometheus-grafana/compose.yaml:8:low',
        'BH310@prometheus-grafana/compose.yaml:11:low',
        ...unhardened('prometheus-grafana/compose.yaml', 13),
        'BH315@prometheus-grafana/compose.yaml:14:medium',
        'BH311@prometheus-grafana/compose.yaml:17:low',
        'BH314@prometheus-grafana/compose.yaml:21:high',
        'BH310@prometheus-grafana/compose.yaml:23:low',
      ],
    ],
    [
      // Built services (backend, proxy) have no image to pin; the database reads its password from a secret file.
      'nginx-flask-mysql/compose.yaml',
      [
        ...unhardened('nginx-flask-mysql/compose.yaml', 2),
        'BH315@nginx-flask-mysql/compose.yaml:4:low',
        ...unhardened('nginx-flask-mysql/compose.yaml', 27),
        'BH311@nginx-flask-mysql/compose.yaml:35:low',
        ...unhardened('nginx-flask-mysql/compose.yaml', 43),
        'BH311@nginx-flask-mysql/compose.yaml:47:low',
      ],
    ],
  ];
  it.each(cases)('%s gives exactly the findings that reading it predicts', async (file, expected) => {
    const scan = await checkWorkloads(COMPOSE, { compose: [file], env: {} });
    expect(scan.results[0]?.error).toBeUndefined();
    expect(places(scan.findings, true)).toEqual(expected.sort());
  });
});
