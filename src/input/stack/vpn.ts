/**
 * The Azure side of the site-to-site VPN as data: gateway SKU and generation, IKE version,
 * the one custom IPsec/IKE policy, and how the pre-shared key is obtained. Pure; the
 * declaration (`azure/vpn.ts`) and the DrayTek hints (`draytek.ts`) both read this one
 * description, so the two ends agree by construction.
 *
 * Sources (Microsoft Learn, MicrosoftDocs/azure-docs):
 * - SKUs: https://learn.microsoft.com/azure/vpn-gateway/gateway-sku-consolidation (only the AZ SKUs can be created);
 *   generations: https://learn.microsoft.com/azure/vpn-gateway/about-gateway-skus (VpnGw1AZ only as
 *   Generation1; VpnGw2AZ/3AZ as Generation1 or 2; VpnGw4AZ/5AZ Generation2).
 * - Policy values and limits: https://learn.microsoft.com/azure/vpn-gateway/ipsec-ike-policy-howto via
 *   https://learn.microsoft.com/azure/vpn-gateway/ipsec-ike-policy-howto ("If you use GCMAES for IPsec, you must use the
 *   same GCMAES algorithm and key length for both IPsec encryption and integrity"; SA lifetime
 *   minimum 300 s, default 27,000 s; SA data size minimum 1,024 KB, default 102,400,000 KB).
 * - IKE main-mode SA lifetime fixed at 28,800 s: https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-vpn-faq.
 * - Pre-shared key: "printable ASCII characters, except space, hyphen (-), or tilde (~)" (FAQ).
 */
import { randomBytes } from "crypto";

/**
 * Gateway SKUs that can still be created, with the generations each exists in; the first is the
 * default. Generation1 wherever the SKU has it: within one generation a SKU change is an in-place
 * resize, while a change of generation rebuilds the gateway (45 minutes or more), so VpnGw1AZ ->
 * VpnGw2AZ -> VpnGw3AZ stay cheap ("About gateway SKUs", resize and SKUs by generation:
 * https://learn.microsoft.com/azure/vpn-gateway/about-gateway-skus).
 */
export const VPN_GATEWAY_SKUS = {
  VpnGw1AZ: ["Generation1"],
  VpnGw2AZ: ["Generation1", "Generation2"],
  VpnGw3AZ: ["Generation1", "Generation2"],
  VpnGw4AZ: ["Generation2"],
  VpnGw5AZ: ["Generation2"],
} as const;
export type VpnGatewaySku = keyof typeof VPN_GATEWAY_SKUS;
export const VPN_GATEWAY_GENERATIONS = ["Generation1", "Generation2"] as const;
export type VpnGatewayGeneration = (typeof VPN_GATEWAY_GENERATIONS)[number];

export const IKE_VERSIONS = ["IKEv2", "IKEv1"] as const;
export type IkeVersion = (typeof IKE_VERSIONS)[number];

/** The values Azure accepts for each field of a custom IPsec/IKE policy. */
export const IPSEC_POLICY_VALUES = {
  ikeEncryption: ["GCMAES256", "GCMAES128", "AES256", "AES192", "AES128"],
  ikeIntegrity: ["SHA384", "SHA256", "SHA1", "MD5"],
  dhGroup: ["DHGroup24", "ECP384", "ECP256", "DHGroup14", "DHGroup2048", "DHGroup2", "DHGroup1", "None"],
  ipsecEncryption: ["GCMAES256", "GCMAES192", "GCMAES128", "AES256", "AES192", "AES128", "DES3", "DES", "None"],
  ipsecIntegrity: ["GCMAES256", "GCMAES192", "GCMAES128", "SHA256", "SHA1", "MD5"],
  pfsGroup: ["PFS24", "ECP384", "ECP256", "PFS2048", "PFS2", "PFS1", "None"],
} as const;

/** One complete custom IPsec/IKE policy (the ARM `ipsecPolicies` entry). */
export interface IpsecPolicy {
  ikeEncryption: (typeof IPSEC_POLICY_VALUES.ikeEncryption)[number];
  ikeIntegrity: (typeof IPSEC_POLICY_VALUES.ikeIntegrity)[number];
  dhGroup: (typeof IPSEC_POLICY_VALUES.dhGroup)[number];
  ipsecEncryption: (typeof IPSEC_POLICY_VALUES.ipsecEncryption)[number];
  ipsecIntegrity: (typeof IPSEC_POLICY_VALUES.ipsecIntegrity)[number];
  pfsGroup: (typeof IPSEC_POLICY_VALUES.pfsGroup)[number];
  /** IPsec (quick mode, phase 2) SA lifetime in seconds, >= 300. */
  saLifeTimeSeconds: number;
  /** IPsec SA lifetime in kilobytes, >= 1024. */
  saDataSizeKilobytes: number;
}

/** The default policy: IKE AES256 + SHA256 + DH group 14; IPsec AES256 + SHA256 + PFS 2048 (group 14). */
export const DEFAULT_IPSEC_POLICY: IpsecPolicy = {
  ikeEncryption: "AES256",
  ikeIntegrity: "SHA256",
  dhGroup: "DHGroup14",
  ipsecEncryption: "AES256",
  ipsecIntegrity: "SHA256",
  pfsGroup: "PFS2048",
  saLifeTimeSeconds: 27000,
  saDataSizeKilobytes: 102400000,
};

export const MIN_SA_LIFETIME_SECONDS = 300;
export const MIN_SA_DATA_SIZE_KILOBYTES = 1024;
/** Both SA limits are 32-bit integers in the ARM API. */
const MAX_INT32 = 2147483647;
/** Azure's IKE (main mode, phase 1) SA lifetime: fixed, not configurable. */
export const AZURE_IKE_SA_LIFETIME_SECONDS = 28800;

/** Length of a suggested pre-shared key. Letters and digits only: the key is pasted into the
 * router's web form, where such characters survive every firmware; 32 of them carry ~190 bits. */
export const SUGGESTED_KEY_LENGTH = 32;
/** Longest pre-shared key accepted (the length Azure CLI generates up to; Microsoft documents no other limit). */
export const MAX_SHARED_KEY_LENGTH = 128;

/** The Azure side of the VPN, as validated from the stack settings. */
export interface VpnSettings {
  gatewaySku: VpnGatewaySku;
  gatewayGeneration: VpnGatewayGeneration;
  /** Availability zones of the gateway's public IP; empty in a region without zones. */
  zones: string[];
  ikeVersion: IkeVersion;
  policy: IpsecPolicy;
  /** Whether the secret `vpnSharedKey` is set. The key is never generated inside the stack: it
   * would die with `pulumi destroy`, and the router would need the new one after every cycle. */
  sharedKey: "configured" | "missing";
  /** DNS label of the gateway's public IP: the router dials this name, which survives destroy/up. */
  dnsLabel: string;
  /** `draytekProfileIndex`: the DrayTek LAN-to-LAN profile the telnet script writes; unset, the script leaves it to fill in. */
  draytekProfileIndex?: number;
}

/**
 * Highest DrayTek LAN-to-LAN profile index per model: `vpn option <index>` "Available index
 * numbers: 1 ~ 32" (Vigor2927 Series User's Guide V2.2, p.926) and 1 ~ 500 (Vigor3912 Series
 * User's Guide V1.01, p.765).
 */
export const DRAYTEK_PROFILE_INDEX_MAX = { v2927: 32, v3912: 500 } as const;

/**
 * A fresh pre-shared key for the user to store with `pulumi config set --secret`: letters and
 * digits from the operating system's CSPRNG (rejection sampling, so every character is equally
 * likely). Never stored by the program.
 */
export function suggestSharedKey(length = SUGGESTED_KEY_LENGTH): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let key = "";
  while (key.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && key.length < length) key += alphabet[byte % alphabet.length];
    }
  }
  return key;
}

/** The command that stores a key for the stack; the key is the one place this text is printed. */
export function setKeyCommand(key: string): string {
  return `pulumi config set --secret exchange-lab:vpnSharedKey ${key}`;
}

/**
 * Checks a pre-shared key without ever echoing it (the messages are safe to print).
 * @returns an error message, or `undefined` when Azure accepts the key.
 */
export function checkSharedKey(key: string): string | undefined {
  if (key.length === 0) return "is empty";
  if (key.length > MAX_SHARED_KEY_LENGTH) return `is longer than ${MAX_SHARED_KEY_LENGTH} characters`;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 0x21 || c > 0x7e || key[i] === "-" || key[i] === "~") {
      return `has a character Azure does not accept at position ${i + 1} (only printable ASCII, no space, '-' or '~')`;
    }
  }
  return undefined;
}

/**
 * Validates a (possibly partial) `ipsecPolicy` object over {@link DEFAULT_IPSEC_POLICY}.
 * @returns the complete policy, and problems as `[field, message]` pairs. Never throws.
 */
export function parseIpsecPolicy(value: unknown): { policy: IpsecPolicy; problems: [string | undefined, string][]; warnings: [string, string][] } {
  const problems: [string | undefined, string][] = [];
  const warnings: [string, string][] = [];
  if (value === undefined) return { policy: DEFAULT_IPSEC_POLICY, problems, warnings };
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { policy: DEFAULT_IPSEC_POLICY, problems: [[undefined, "expected a map of IPsec/IKE policy fields, e.g. { ikeEncryption: AES256, dhGroup: DHGroup14 }"]], warnings };
  }
  const given = value as Record<string, unknown>;
  const policy: Record<string, unknown> = { ...DEFAULT_IPSEC_POLICY };
  const fields = Object.keys(DEFAULT_IPSEC_POLICY);
  for (const [field, v] of Object.entries(given)) {
    if (!fields.includes(field)) {
      problems.push([field, `unknown field; the fields are ${fields.join(", ")}`]);
      continue;
    }
    if (field === "saLifeTimeSeconds" || field === "saDataSizeKilobytes") {
      const min = field === "saLifeTimeSeconds" ? MIN_SA_LIFETIME_SECONDS : MIN_SA_DATA_SIZE_KILOBYTES;
      const n = typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : NaN;
      if (!Number.isSafeInteger(n) || n < min || n > MAX_INT32) problems.push([field, `must be a whole number from ${min} to ${MAX_INT32}, got ${JSON.stringify(v)}`]);
      else policy[field] = n;
      continue;
    }
    const allowed = IPSEC_POLICY_VALUES[field as keyof typeof IPSEC_POLICY_VALUES] as readonly string[];
    if (typeof v !== "string" || !allowed.includes(v)) problems.push([field, `${JSON.stringify(v)} is not accepted by Azure; use one of ${allowed.join(", ")}`]);
    else policy[field] = v;
  }
  const p = policy as unknown as IpsecPolicy;
  const gcm = (s: string) => s.startsWith("GCMAES");
  if ((gcm(p.ipsecEncryption) || gcm(p.ipsecIntegrity)) && p.ipsecEncryption !== p.ipsecIntegrity) {
    problems.push(["ipsecIntegrity", `with GCMAES, IPsec encryption and integrity must be the same GCMAES algorithm (now ${p.ipsecEncryption} and ${p.ipsecIntegrity})`]);
  }
  for (const [field, weak] of [["ikeIntegrity", "MD5"], ["ikeIntegrity", "SHA1"], ["dhGroup", "DHGroup1"], ["dhGroup", "DHGroup2"], ["ipsecEncryption", "DES"], ["ipsecEncryption", "DES3"], ["ipsecEncryption", "None"], ["pfsGroup", "None"]] as const) {
    if ((p as unknown as Record<string, string>)[field] === weak) warnings.push([field, `${weak} is weak; use it only if the router offers nothing stronger`]);
  }
  for (const [field, message] of draytekPolicyWarnings(p)) warnings.push([field, message]);
  return { policy: p, problems, warnings };
}

/** IKE group numbers of Azure's DH and PFS group names (RFC 3526, RFC 5903, RFC 5114); `None` has none. */
export const IKE_GROUP_NUMBERS: Readonly<Record<string, number | undefined>> = {
  DHGroup1: 1, PFS1: 1, DHGroup2: 2, PFS2: 2, DHGroup14: 14, DHGroup2048: 14, PFS2048: 14, ECP256: 19, ECP384: 20, DHGroup24: 24, PFS24: 24,
};

/** The pfsGroup name for each IKE group number. */
const PFS_FOR_GROUP: Readonly<Record<number, string>> = { 1: "PFS1", 2: "PFS2", 14: "PFS2048", 19: "ECP256", 20: "ECP384", 24: "PFS24" };

/**
 * What a DrayTek LAN-to-LAN profile cannot match in a policy, as `[field, message]` warnings:
 * its Perfect Forward Secret is on or off only, with no group to set (`vpn l2lset <index> pfs
 * <on/off>`: Vigor2927 Series User's Guide V2.2 p.919, Vigor3912 V1.01 p.758), and which group it
 * then uses is not documented, so only a pfsGroup equal to the dhGroup's (or None) stands a chance;
 * no DrayTek manual lists ECP groups or AES-GCM among a profile's phase 1 proposals. Pure.
 */
export function draytekPolicyWarnings(p: IpsecPolicy): [string, string][] {
  const warnings: [string, string][] = [];
  const dh = IKE_GROUP_NUMBERS[p.dhGroup];
  const pfs = IKE_GROUP_NUMBERS[p.pfsGroup];
  if (pfs !== undefined && pfs !== dh) {
    const fix = dh === undefined ? "None" : `${PFS_FOR_GROUP[dh]} (the dhGroup's) or None`;
    warnings.push(["pfsGroup", `${p.pfsGroup} (group ${pfs}) differs from dhGroup ${p.dhGroup}: a DrayTek has Perfect Forward Secret on or off only, with no group to set (which group it then uses is not documented), so it is unlikely to match; set pfsGroup to ${fix}`]);
  }
  if (p.dhGroup.startsWith("ECP")) {
    warnings.push(["dhGroup", `${p.dhGroup} (group ${dh}): no DrayTek manual lists ECP groups for a LAN-to-LAN profile's phase 1; unless your router's proposals include group ${dh}, use DHGroup14 (MODP 2048)`]);
  }
  if (p.ikeEncryption.startsWith("GCMAES")) {
    warnings.push(["ikeEncryption", `${p.ikeEncryption}: no DrayTek manual lists AES-GCM for IKE phase 1 (its proposals pair AES with a SHA hash); unless your router offers it, use AES256 with ikeIntegrity SHA256`]);
  }
  return warnings;
}

/** Longest pre-shared key to give a DrayTek: DrayTek documents "IKE pre-shared key: Maximum 64
 * characters" (DrayTek Australia FAQ "Password requirements for DrayTek devices", 2020-07-08),
 * and third-party guides report 63 on some firmware; 63 fits both. */
export const DRAYTEK_MAX_KEY_LENGTH = 63;

/** Characters the same DrayTek FAQ lists as not allowed in its passwords. */
const DRAYTEK_FORBIDDEN_KEY_CHARACTERS = `"',<>*+`;

/**
 * Warnings for a pre-shared key Azure accepts but a DrayTek may not, without echoing the key
 * (the messages give lengths and positions only). Pure.
 */
export function draytekKeyWarnings(key: string): string[] {
  const warnings: string[] = [];
  if (key.length > DRAYTEK_MAX_KEY_LENGTH) {
    warnings.push(`is ${key.length} characters; a DrayTek takes at most 64 (63 on some firmware): use ${DRAYTEK_MAX_KEY_LENGTH} or fewer`);
  }
  const bad = [...key].findIndex((c) => DRAYTEK_FORBIDDEN_KEY_CHARACTERS.includes(c));
  if (bad >= 0) warnings.push(`has a character at position ${bad + 1} that DrayTek's password rules do not allow (${DRAYTEK_FORBIDDEN_KEY_CHARACTERS.split("").join(" ")})`);
  return warnings;
}
