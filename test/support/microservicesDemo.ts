/**
 * What reading GoogleCloudPlatform/microservices-demo's manifests predicts (test/fixtures/workloads):
 * the set is hardened (non-root, read-only root, drop ALL, no escalation, limits), so what remains
 * is no seccomp profile (BH308), the service-account token (BH313), unpinned images (BH315), the
 * redis Deployment's default service account, and loadgenerator's init container without limits.
 */

export const DEMO_SERVICES = [
  'adservice',
  'cartservice',
  'checkoutservice',
  'currencyservice',
  'emailservice',
  'frontend',
  'loadgenerator',
  'paymentservice',
  'productcatalogservice',
  'recommendationservice',
  'shippingservice',
];

// Read from the files: [service file, container `name:` line, `image:` line, `serviceAccountName:` line].
const CONTAINERS: [string, number, number, number][] = [
  ['adservice', 38, 46, 30],
  ['cartservice', 38, 46, 30],
  ['checkoutservice', 37, 45, 30],
  ['currencyservice', 38, 46, 30],
  ['emailservice', 38, 46, 30],
  ['frontend', 39, 47, 32],
  ['loadgenerator', 72, 80, 32],
  ['paymentservice', 38, 46, 30],
  ['productcatalogservice', 38, 46, 30],
  ['recommendationservice', 38, 46, 30],
  ['shippingservice', 37, 45, 30],
];

/** `RULE@file:line:severity`, sorted; `imagePin` is what the own images' tags earn (none in kubernetes-manifests, a version in kustomize/base). */
export function predictedDemoFindings(dir: string, imagePin: 'medium' | 'low', services = DEMO_SERVICES): string[] {
  const file = (name: string) => `${dir}/${name}.yaml`;
  const has = (name: string) => services.includes(name);
  return [
    ...CONTAINERS.filter(([name]) => has(name)).flatMap(([name, nameLine, imageLine, saLine]) => [
      `BH308@${file(name)}:${nameLine}:low`,
      `BH313@${file(name)}:${saLine}:low`,
      `BH315@${file(name)}:${imageLine}:${imagePin}`,
    ]),
    ...(has('cartservice')
      ? [`BH308@${file('cartservice')}:110:low`, `BH315@${file('cartservice')}:118:low`, `BH313@${file('cartservice')}:103:low`]
      : []),
    ...(has('loadgenerator')
      ? [`BH308@${file('loadgenerator')}:59:low`, `BH312@${file('loadgenerator')}:59:medium`, `BH312@${file('loadgenerator')}:59:low`]
      : []),
  ].sort();
}
