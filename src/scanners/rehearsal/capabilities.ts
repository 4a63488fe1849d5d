import { capabilityNames } from '../../model/capabilities.js';

/** Decodes a CapEff mask ("00000000a80425fb", as /proc/PID/status prints it). */
export function decodeCapabilities(hex: string): string[] | undefined {
  if (!/^[0-9a-f]{1,16}$/i.test(hex)) return undefined;
  const padded = hex.padStart(16, '0');
  return capabilityNames(Number.parseInt(padded.slice(8), 16), Number.parseInt(padded.slice(0, 8), 16));
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
