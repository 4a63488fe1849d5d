/** Linux capability names by bit number (linux/capability.h), as `capsh --decode` prints them without CAP_. */
const NAMES = [
  'CHOWN',
  'DAC_OVERRIDE',
  'DAC_READ_SEARCH',
  'FOWNER',
  'FSETID',
  'KILL',
  'SETGID',
  'SETUID',
  'SETPCAP',
  'LINUX_IMMUTABLE',
  'NET_BIND_SERVICE',
  'NET_BROADCAST',
  'NET_ADMIN',
  'NET_RAW',
  'IPC_LOCK',
  'IPC_OWNER',
  'SYS_MODULE',
  'SYS_RAWIO',
  'SYS_CHROOT',
  'SYS_PTRACE',
  'SYS_PACCT',
  'SYS_ADMIN',
  'SYS_BOOT',
  'SYS_NICE',
  'SYS_RESOURCE',
  'SYS_TIME',
  'SYS_TTY_CONFIG',
  'MKNOD',
  'LEASE',
  'AUDIT_WRITE',
  'AUDIT_CONTROL',
  'SETFCAP',
  'MAC_OVERRIDE',
  'MAC_ADMIN',
  'SYSLOG',
  'WAKE_ALARM',
  'BLOCK_SUSPEND',
  'AUDIT_READ',
  'PERFMON',
  'BPF',
  'CHECKPOINT_RESTORE',
];

/** Decodes a CapEff mask ("00000000a80425fb"); bits without a name are shown by number. */
export function decodeCapabilities(hex: string): string[] | undefined {
  if (!/^[0-9a-f]{1,16}$/i.test(hex)) return undefined;
  const mask = BigInt(`0x${hex}`);
  const names: string[] = [];
  for (let bit = 0; bit < 64; bit++) {
    if ((mask >> BigInt(bit)) & 1n) names.push(NAMES[bit] ?? `bit ${bit}`);
  }
  return names;
}

/** The uid and CapEff of a `/proc/PID/status` text. */
export function readStatus(text: string): { uid?: number; capabilities?: string[]; nsPid?: number } {
  const uid = /^Uid:\s+(\d+)/m.exec(text)?.[1];
  const capEff = /^CapEff:\s+([0-9a-fA-F]+)/m.exec(text)?.[1];
  const nsPid = /^NSpid:\s+(?:\d+\s+)*(\d+)\s*$/m.exec(text)?.[1];
  const capabilities = capEff ? decodeCapabilities(capEff) : undefined;
  return {
    ...(uid !== undefined ? { uid: Number(uid) } : {}),
    ...(capabilities ? { capabilities } : {}),
    ...(nsPid !== undefined ? { nsPid: Number(nsPid) } : {}),
  };
}
