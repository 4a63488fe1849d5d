import { WORKLOAD_RULES } from './workloadRules.js';
import type { BuiltinRule } from './rule.js';

export type { BuiltinRule } from './rule.js';

export const RULES_URL = 'https://github.com/bulkhead-security/bulkhead/blob/main/docs/rules';

/** bulkhead's own rules: image (BH1xx, BH2xx) and workload (BH3xx). */
export const BUILTIN_RULES: readonly BuiltinRule[] = [
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
];

const BY_ID = new Map(BUILTIN_RULES.map((r) => [r.id, r]));

export function builtinRule(id: string): BuiltinRule {
  const rule = BY_ID.get(id);
  if (!rule) throw new Error(`unknown built-in rule ${id}`);
  return rule;
}

export function findBuiltinRule(id: string): BuiltinRule | undefined {
  return BY_ID.get(id);
}

export function ruleDocUrl(id: string): string {
  return `${RULES_URL}/${id}.md`;
}

/** The docs/rules/BHxxx.md page of a rule. */
export function renderRulePage(rule: BuiltinRule): string {
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
