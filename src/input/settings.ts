/**
 * The stack configuration (namespace `exchange-lab:` plus `azure-native:location`),
 * parsed and validated into typed settings. Pure: it reads a plain key -> text map, the
 * form both `pulumi.runtime.allConfig()` and the offline plan's stack-file reader give.
 *
 * Network rules come from Microsoft Learn:
 * - subnet sizes and reserved addresses: `virtual-network/virtual-networks-faq.md`;
 * - `GatewaySubnet` name, /29 minimum, /27 recommended:
 *   `vpn-gateway/vpn-gateway-about-vpn-gateway-settings.md`;
 * - resource and subnet names: `azure-resource-manager/management/resource-name-rules.md`.
 */
import { AZURE_SMALLEST_SUBNET_PREFIX, Cidr, cidrContains, cidrOverlaps, isPublicIpv4, parseCidr } from "./addresses";
import { findRegion, resolveTimeZone } from "./catalogues";
import { Problem } from "./problems";
import { IKE_VERSIONS, IkeVersion, VPN_GATEWAY_GENERATIONS, VPN_GATEWAY_SKUS, VpnGatewayGeneration, VpnGatewaySku, VpnSettings, checkSharedKey, draytekKeyWarnings, parseIpsecPolicy } from "./vpn";

export { CONFIG_DEFAULTS, CONFIG_KEYS, LOCATION_KEY, LOCATION_SPEC, NAMESPACE, configKeySpec } from "./stackKeys";
export type { ConfigKey, ConfigKeySpec } from "./stackKeys";
import { CONFIG_DEFAULTS, CONFIG_KEYS, ConfigKey, LOCATION_KEY, NAMESPACE, configKeySpec } from "./stackKeys";

/** A lab subnet: its name (as used in the CSV) and address block. */
export interface SubnetSetting {
  name: string;
  cidr: Cidr;
}

/** The office network at the other end of the site-to-site VPN. */
export interface OnPremisesSetting {
  /** The DrayTek's WAN address (dotted-quad IPv4); exactly one of publicIp and fqdn. */
  publicIp?: string;
  /** The DrayTek's DNS name, for a dynamic WAN address (DrayTek DDNS). */
  fqdn?: string;
  /** The office LAN networks reached through the tunnel. */
  addressSpaces: Cidr[];
}

/** Validated stack settings. */
export interface StackSettings {
  /** ARM region name, e.g. `westeurope`. */
  location: string;
  resourceGroupName: string;
  diskResourceGroupName: string;
  /** Path of the lab CSV. */
  csv: string;
  virtualNetworkName: string;
  addressSpace: Cidr[];
  gatewaySubnet: Cidr;
  /** In stack-file order. */
  subnets: SubnetSetting[];
  onPremises?: OnPremisesSetting;
  /** The Azure side of the VPN; absent when `vpn` is false. */
  vpn?: VpnSettings;
  /** Internet sources admitted to the public endpoints (CIDR text, or the tag `Internet` when written literally). */
  allowedSourcePrefixes: string[];
  /** DNS servers as written (VM names or IPv4), resolved against the CSV in `lab.ts`. */
  dnsServers: string[];
  /** Where `dnsServers` is written, for problems found while resolving it. */
  dnsServersLocation: { file: string; line: number };
  /** Daily shutdown (deallocation) of every VM, if set. */
  autoShutdown?: { time: string; timeZone: string };
  /** DNS labels of the public IPs: `<dns.label>-vpn` (gateway) and `<dns.label>-lab` (endpoints). */
  dns: { label: string; scope?: DnsLabelScope };
  /** Readiness gates of the WaitForBoot=Yes VMs (src/azure/readinessGate.ts). */
  readiness: ReadinessSettings;
}

/**
 * The domain name label scopes a re-created public IP keeps its FQDN under (the FQDN then carries a
 * hash of the tenant, subscription or resource group; `NoReuse` would give a new one every time):
 * https://learn.microsoft.com/azure/virtual-network/ip-services/public-ip-addresses#domain-name-label-scope
 */
export const DNS_LABEL_SCOPES = ["TenantReuse", "SubscriptionReuse", "ResourceGroupReuse"] as const;
export type DnsLabelScope = (typeof DNS_LABEL_SCOPES)[number];
/** A public IP's DNS label: 3-63 lowercase letters, digits and '-', starting with a letter and
 * ending with a letter or digit (public-ip-addresses, "Domain name label"). The lab's labels add
 * `-vpn` / `-lab`, so the stack's label stops at 59 characters. */
const DNS_LABEL = /^[a-z][a-z0-9-]{1,57}[a-z0-9]$/;

/** The default DNS label: resource group and network names, lowercased, reduced to Azure's label
 * alphabet and length. Deterministic, so a re-created public IP gets the same FQDN. */
export function defaultDnsLabel(resourceGroupName: string, virtualNetworkName: string): string {
  const text = `${resourceGroupName}-${virtualNetworkName}`.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-+/g, "-");
  const label = text.replace(/^[^a-z]+/, "").slice(0, 59).replace(/-+$/, "");
  return label.length >= 3 ? label : `lab-${label}`.replace(/-+$/, "").padEnd(3, "0");
}

/** The FQDN Azure gives a public IP with a label and no scope: `<label>.<region>.cloudapp.azure.com`
 * (public-ip-addresses, "Domain name label"). With a scope Azure adds a hash known after creation. */
export function publicIpFqdn(label: string, location: string): string {
  return `${label}.${location}.cloudapp.azure.com`;
}

/** The readiness gates' settings: the deadline, and which barriers have no gate. */
export interface ReadinessSettings {
  /** The gate script's deadline, in minutes. */
  timeoutMinutes: number;
  /** False: no gate at all (every later VM waits for the barrier VM, as before gates existed). */
  gates: boolean;
  /** VM names (as written) whose barrier has no gate; checked against the CSV in program.ts. */
  skip: string[];
  /** Where `readinessGatesSkip` is written. */
  skipLocation: { file: string; line: number };
}

/** Bounds of `readinessTimeoutMinutes`: the gate's Run Command gets 5 more minutes, within the
 * 90 minutes Run Command allows a script (learn.microsoft.com/azure/virtual-machines/windows/run-command). */
export const MIN_READINESS_MINUTES = 5;
export const MAX_READINESS_MINUTES = 85;

/**
 * Namespaces a stack file may use besides `exchange-lab:`: `azure-native:` is the Azure
 * provider's own configuration (`location`, which the program reads, and keys such as
 * `subscriptionId`, `tenantId` or `environment`, which Pulumi hands to the provider and the
 * provider checks), and `pulumi:` holds Pulumi's own settings (e.g.
 * `pulumi:disable-default-providers`). A key in any other namespace, or in none, is read by
 * nobody: an error, so that `vpn: false` written without `exchange-lab:` cannot leave the VPN on.
 */
export const OTHER_NAMESPACES = ["azure-native", "pulumi"] as const;

/**
 * Ranges Azure refuses in a virtual network's address space (Microsoft Learn,
 * `virtual-network/virtual-networks-faq.md`, "Are there any restrictions on using IP addresses
 * within these address spaces?"): multicast, broadcast, loopback, link-local and the Azure
 * platform address (DNS, DHCP, health probes).
 */
export const RESERVED_RANGES: readonly { cidr: Cidr; why: string }[] = [
  { cidr: parseCidr("224.0.0.0/4"), why: "multicast" },
  { cidr: parseCidr("255.255.255.255/32"), why: "broadcast" },
  { cidr: parseCidr("127.0.0.0/8"), why: "loopback" },
  { cidr: parseCidr("169.254.0.0/16"), why: "link-local" },
  { cidr: parseCidr("168.63.129.16/32"), why: "Azure's platform address for DNS, DHCP and health probes" },
];

/** The reserved range a block overlaps, as a message; `undefined` when it overlaps none. */
export function reservedOverlap(block: Cidr): string | undefined {
  const hit = RESERVED_RANGES.find((r) => cidrOverlaps(block, r.cidr));
  return hit && `${block.text} overlaps ${hit.cidr.text} (${hit.why}), which Azure reserves and refuses in a virtual network`;
}

/** Sources that open an endpoint to the whole internet; accepted only when written literally. */
export const WHOLE_INTERNET = ["*", "Internet", "0.0.0.0/0", "Any"];

/** Where a config key is written: the stack file's path and the key's line (0 if unknown). */
export type ConfigLocator = (key: string) => { file: string; line: number };

/** Subnet names Azure reserves for its own services (not usable for lab VMs). */
const RESERVED_SUBNET_NAMES = ["GatewaySubnet", "AzureBastionSubnet", "AzureFirewallSubnet", "AzureFirewallManagementSubnet", "RouteServerSubnet"];
const SUBNET_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?$/;
// A lab subnet's NSG is named <subnet>-nsg, and NSG names stop at 80 characters.
const MAX_LAB_SUBNET_NAME = 76;
const RESOURCE_GROUP_NAME = /^[-\p{L}\p{N}_.()]{1,90}$/u;
/** GatewaySubnet size Microsoft recommends (vpn-gateway-about-vpn-gateway-settings.md). */
export const RECOMMENDED_GATEWAY_SUBNET_PREFIX = 27;
// A DNS name: labels of letters, digits and '-', at least one dot.
const FQDN = /^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,61}[A-Za-z0-9]$/;

/** Normalises a region as written by people (`West Europe`) to its ARM name (`westeurope`). */
export function normaliseLocation(text: string): string {
  return text.toLowerCase().replace(/\s+/g, "");
}

/**
 * Parses and validates the stack configuration.
 *
 * @param raw full config keys (`exchange-lab:subnets`) to their text; structured values
 *   (lists, maps) are JSON text, as Pulumi stores them.
 * @param locate where each key is written, for problem locations.
 * @param unreadable keys whose value is encrypted and unknown here (the offline plan's `secure:`
 *   values): a warning each unless it is `vpnSharedKey`, the one secret; their own checks are
 *   skipped (`pulumi up` makes them), and `csv` falls back to its default.
 * @returns the settings, or `undefined` with at least one problem; warnings do not stop a
 *   deployment. Never throws. Messages never contain the value of `vpnSharedKey`.
 */
export function parseSettings(
  raw: Readonly<Record<string, string>>,
  locate: ConfigLocator,
  unreadable: readonly string[] = [],
): { settings?: StackSettings; problems: Problem[]; warnings: Problem[] } {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const report = (key: string, message: string, sub?: string) => {
    const column = sub ? `${key}.${sub}` : key;
    problems.push({ ...locate(key), column, message });
  };
  const warn = (key: string, message: string, sub?: string) => {
    warnings.push({ ...locate(key), column: sub ? `${key}.${sub}` : key, message });
  };
  const full = (key: ConfigKey) => `${NAMESPACE}:${key}`;

  for (const key of Object.keys(raw)) {
    const colon = key.indexOf(":");
    const namespace = colon < 0 ? undefined : key.slice(0, colon);
    const name = colon < 0 ? key : key.slice(colon + 1);
    const ours = configKeySpec(name) ? `${NAMESPACE}:${name}` : name.toLowerCase() === "location" ? LOCATION_KEY : undefined;
    if (namespace === NAMESPACE) {
      if (!configKeySpec(name)) report(key, `unknown configuration key; the keys are ${Object.keys(CONFIG_KEYS).join(", ")}`);
    } else if (namespace === undefined) {
      const message = `the key has no namespace, so nothing reads it; write ${ours ?? `${NAMESPACE}:<key>`}`;
      if (key.trim() === "") problems.push({ ...locate(key), column: "(empty key)", message });
      else report(key, message);
    } else if (!(OTHER_NAMESPACES as readonly string[]).includes(namespace)) {
      report(key, `namespace '${namespace}' is not this project's (${NAMESPACE}) nor one it uses (${OTHER_NAMESPACES.join(", ")}), so nothing reads it${ours ? `; did you mean ${ours}?` : ""}`);
    }
  }
  for (const key of unreadable) {
    if (key !== full("vpnSharedKey") && raw[key] !== undefined) {
      warn(key, "a secure: value on a key that is not a secret: the plan cannot read it, so it is not checked here (pulumi up checks it); only vpnSharedKey needs --secret");
    }
  }
  const isUnreadable = (key: string) => key !== full("vpnSharedKey") && unreadable.includes(key);

  const text = (key: ConfigKey, required: boolean): string | undefined => {
    const value = raw[full(key)];
    if (value === undefined || value.trim() === "") {
      if (required) report(full(key), `required: ${CONFIG_KEYS[key].description}`);
      return undefined;
    }
    return value.trim();
  };
  const structured = (key: ConfigKey, required: boolean): unknown => {
    const value = text(key, required);
    if (value === undefined) return undefined;
    try {
      return JSON.parse(value);
    } catch {
      return value; // a plain scalar, e.g. addressSpace: 10.20.0.0/16
    }
  };
  const cidr = (key: string, value: unknown, sub?: string): Cidr | undefined => {
    if (typeof value !== "string") {
      report(key, `expected a CIDR block such as 10.20.0.0/16, got ${JSON.stringify(value)}`, sub);
      return undefined;
    }
    try {
      return parseCidr(value);
    } catch (err) {
      report(key, (err as Error).message, sub);
      return undefined;
    }
  };
  const cidrList = (key: string, value: unknown): Cidr[] => {
    const items = Array.isArray(value) ? value : [value];
    if (items.length === 0) report(key, "needs at least one CIDR block");
    return items.map((v, i) => {
      const sub = Array.isArray(value) ? `${i}` : undefined;
      const block = cidr(key, v, sub);
      const reserved = block && reservedOverlap(block);
      if (reserved) report(key, reserved, sub);
      return block;
    }).filter((c): c is Cidr => c !== undefined);
  };

  /** A map-valued key: reports a non-map and unknown fields; returns the fields, or undefined. */
  const fieldsOf = (key: string, value: unknown, fields: readonly string[], shape: string): Record<string, unknown> | undefined => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      report(key, `expected ${shape}`);
      return undefined;
    }
    for (const k of Object.keys(value)) if (!fields.includes(k)) report(key, `unknown field '${k}'; the fields are ${fields.join(", ")}`, k);
    return value as Record<string, unknown>;
  };

  // Location
  const locationText = raw[LOCATION_KEY]?.trim();
  let location = "";
  if (!locationText) {
    report(LOCATION_KEY, "required: the Azure region, e.g. westeurope");
  } else {
    location = normaliseLocation(locationText);
    // Checked against the bundled region catalogue (src/input/catalogues.ts): a typo would otherwise
    // reach Azure, and the cost estimate would find no prices.
    const found = findRegion(locationText);
    if ("error" in found) report(LOCATION_KEY, found.error);
    else location = found.region.name;
  }

  // Resource groups: the disks must live outside the one the stack owns.
  const resourceGroupName = text("resourceGroupName", true) ?? "";
  const diskResourceGroupName = text("diskResourceGroupName", true) ?? "";
  for (const [key, name] of [["resourceGroupName", resourceGroupName], ["diskResourceGroupName", diskResourceGroupName]] as const) {
    if (name && (!RESOURCE_GROUP_NAME.test(name) || name.endsWith("."))) {
      report(full(key), `'${name}' is not a valid resource group name (1-90 letters, digits, '-', '_', '.', '(', ')'; not ending in '.')`);
    }
  }
  if (resourceGroupName && diskResourceGroupName && resourceGroupName.toLowerCase() === diskResourceGroupName.toLowerCase()) {
    report(
      full("diskResourceGroupName"),
      `must differ from resourceGroupName '${resourceGroupName}': pulumi destroy deletes the resource group the stack owns and every disk inside it`,
    );
  }

  const csv = isUnreadable(full("csv")) ? String(CONFIG_DEFAULTS.csv) : text("csv", false) ?? String(CONFIG_DEFAULTS.csv);
  const virtualNetworkName = text("virtualNetworkName", false) ?? String(CONFIG_DEFAULTS.virtualNetworkName);
  // Virtual networks: 2-64 characters of the same set as subnets.
  if (!SUBNET_NAME.test(virtualNetworkName) || virtualNetworkName.length < 2 || virtualNetworkName.length > 64) {
    report(full("virtualNetworkName"), `'${virtualNetworkName}' is not a valid virtual network name (2-64 letters, digits, '_', '.', '-'; starts with a letter or digit, ends with a letter, digit or '_')`);
  }

  // Address space, GatewaySubnet, lab subnets
  const addressSpaceValue = structured("addressSpace", true);
  const addressSpace = addressSpaceValue === undefined ? [] : cidrList(full("addressSpace"), addressSpaceValue);
  for (let i = 0; i < addressSpace.length; i++) {
    for (let j = i + 1; j < addressSpace.length; j++) {
      if (cidrOverlaps(addressSpace[i], addressSpace[j])) {
        report(full("addressSpace"), `${addressSpace[i].text} and ${addressSpace[j].text} overlap`);
      }
    }
  }
  const inAddressSpace = (block: Cidr) => addressSpace.length === 0 || addressSpace.some((space) => cidrContains(space, block));

  const gatewayText = text("gatewaySubnet", true);
  const gatewaySubnet = gatewayText === undefined ? undefined : cidr(full("gatewaySubnet"), gatewayText);
  if (gatewaySubnet) {
    if (!inAddressSpace(gatewaySubnet)) report(full("gatewaySubnet"), `${gatewaySubnet.text} is not inside addressSpace (${addressSpace.map((c) => c.text).join(", ")})`);
    if (gatewaySubnet.prefix > AZURE_SMALLEST_SUBNET_PREFIX) report(full("gatewaySubnet"), `${gatewaySubnet.text} is smaller than /29, the smallest GatewaySubnet Azure accepts`);
    else if (gatewaySubnet.prefix > RECOMMENDED_GATEWAY_SUBNET_PREFIX) warn(full("gatewaySubnet"), `${gatewaySubnet.text} is smaller than the /27 Microsoft recommends for GatewaySubnet`);
  }

  const subnetsValue = structured("subnets", true);
  const subnets: SubnetSetting[] = [];
  if (subnetsValue !== undefined) {
    if (typeof subnetsValue !== "object" || subnetsValue === null || Array.isArray(subnetsValue)) {
      report(full("subnets"), "expected a map from subnet name to CIDR, e.g. { Oxford: 10.20.1.0/24 }");
    } else if (Object.keys(subnetsValue).length === 0) {
      report(full("subnets"), "needs at least one lab subnet");
    } else {
      for (const [name, value] of Object.entries(subnetsValue as Record<string, unknown>)) {
        if (RESERVED_SUBNET_NAMES.some((r) => r.toLowerCase() === name.toLowerCase())) {
          report(full("subnets"), `'${name}' is reserved by Azure; GatewaySubnet is declared from gatewaySubnet`, name);
          continue;
        }
        if (!SUBNET_NAME.test(name) || name.length > MAX_LAB_SUBNET_NAME) {
          report(full("subnets"), `'${name}' is not a valid lab subnet name (1-76 letters, digits, '_', '.', '-'; starts with a letter or digit, ends with a letter, digit or '_')`, name);
          continue;
        }
        const block = cidr(full("subnets"), value, name);
        if (!block) continue;
        if (block.prefix > AZURE_SMALLEST_SUBNET_PREFIX) report(full("subnets"), `${block.text} is smaller than /29, the smallest subnet Azure accepts`, name);
        const reserved = reservedOverlap(block);
        if (reserved) report(full("subnets"), reserved, name);
        if (!inAddressSpace(block)) report(full("subnets"), `${block.text} is not inside addressSpace (${addressSpace.map((c) => c.text).join(", ")})`, name);
        if (gatewaySubnet && cidrOverlaps(block, gatewaySubnet)) report(full("subnets"), `${block.text} overlaps gatewaySubnet ${gatewaySubnet.text}`, name);
        for (const other of subnets) {
          if (other.name.toLowerCase() === name.toLowerCase()) report(full("subnets"), `subnet name '${name}' is used twice (names are case-insensitive in Azure)`, name);
          else if (cidrOverlaps(block, other.cidr)) report(full("subnets"), `${block.text} overlaps subnet ${other.name} (${other.cidr.text})`, name);
        }
        subnets.push({ name, cidr: block });
      }
    }
  }

  // The office side of the VPN
  const onPremisesValue = structured("onPremises", false);
  let onPremises: OnPremisesSetting | undefined;
  if (onPremisesValue !== undefined) {
    const key = full("onPremises");
    const value = fieldsOf(key, onPremisesValue, ["publicIp", "fqdn", "addressSpaces"], "{ publicIp: <DrayTek WAN IPv4>, addressSpaces: [CIDR...] }");
    if (value) {
      const addressSpaces: Cidr[] = [];
      if (value.addressSpaces === undefined) report(key, "required: the office LAN networks (CIDR list)", "addressSpaces");
      else {
        const items = Array.isArray(value.addressSpaces) ? value.addressSpaces : [value.addressSpaces];
        items.forEach((v, i) => {
          const block = cidr(key, v, `addressSpaces.${i}`);
          if (!block) return;
          const reserved = reservedOverlap(block);
          if (reserved) report(key, reserved, `addressSpaces.${i}`);
          for (const space of addressSpace) {
            if (cidrOverlaps(block, space)) report(key, `${block.text} overlaps the lab's addressSpace ${space.text}; the two ends of a VPN need distinct networks`, `addressSpaces.${i}`);
          }
          for (const other of addressSpaces) {
            if (cidrOverlaps(block, other)) report(key, `${block.text} overlaps ${other.text}; list each office network once`, `addressSpaces.${i}`);
          }
          addressSpaces.push(block);
        });
        if (items.length === 0) report(key, "needs at least one office LAN network (CIDR)", "addressSpaces");
      }
      const scalar = (field: "publicIp" | "fqdn"): string | undefined => {
        const v = value[field];
        if (v === undefined) return undefined;
        if (typeof v === "string") return v.trim();
        report(key, `expected text, got ${JSON.stringify(v)}`, field);
        return "";
      };
      const publicIp = scalar("publicIp");
      const fqdn = scalar("fqdn");
      if (publicIp !== undefined && fqdn !== undefined) report(key, "give publicIp or fqdn, not both", "fqdn");
      else if (publicIp === undefined && fqdn === undefined) report(key, "required: publicIp (the DrayTek's WAN IPv4 address) or fqdn (its DNS name, for a dynamic address)", "publicIp");
      if (publicIp && !isPublicIpv4(publicIp)) {
        report(key, `'${publicIp}' is not a public IPv4 address; the DrayTek's WAN address must be reachable from the internet (not private, CGNAT or NAT'ed)`, "publicIp");
      }
      if (fqdn && !FQDN.test(fqdn)) report(key, `'${fqdn}' is not a DNS name such as office.example.net`, "fqdn");
      onPremises = { publicIp, fqdn, addressSpaces };
    }
  }

  // The site-to-site VPN
  const vpnText = (text("vpn", false) ?? "true").toLowerCase();
  if (vpnText !== "true" && vpnText !== "false") report(full("vpn"), `expected true or false, got '${raw[full("vpn")]}'`);
  let vpn: VpnSettings | undefined;
  if (vpnText !== "false") {
    if (onPremisesValue === undefined) report(full("onPremises"), "required when vpn is true: { publicIp or fqdn, addressSpaces: [CIDR...] } of the DrayTek side");
    const skuText = text("vpnGatewaySku", false) ?? String(CONFIG_DEFAULTS.vpnGatewaySku);
    const sku = Object.keys(VPN_GATEWAY_SKUS).find((k) => k.toLowerCase() === skuText.toLowerCase()) as VpnGatewaySku | undefined;
    if (!sku) {
      const retired = /^(VpnGw[1-5]|Basic|Standard|HighPerformance)$/i.test(skuText) ? " (non-AZ and legacy SKUs can no longer be created)" : "";
      report(full("vpnGatewaySku"), `'${skuText}' is not accepted${retired}; use one of ${Object.keys(VPN_GATEWAY_SKUS).join(", ")}`);
    }
    const ikeText = text("ikeVersion", false) ?? String(CONFIG_DEFAULTS.ikeVersion);
    const ikeVersion = IKE_VERSIONS.find((v) => v.toLowerCase() === ikeText.toLowerCase()) as IkeVersion | undefined;
    if (!ikeVersion) report(full("ikeVersion"), `'${ikeText}' is not an IKE version; use IKEv2 or IKEv1`);
    // A DrayTek LAN-to-LAN profile proposes its networks (policy-based traffic selectors); Microsoft
    // supports that only over IKEv2 (vpn-gateway-connect-multiple-policybased-rm-ps). See draytek.ts.
    if (ikeVersion === "IKEv1") {
      warn(full("ikeVersion"), "IKEv1: a DrayTek LAN-to-LAN profile proposes its networks (policy-based traffic selectors), which Microsoft supports only over IKEv2 (usePolicyBasedTrafficSelectors); phase 2 may be refused: use IKEv2 unless the router's firmware has none");
    }
    const zonesValue = structured("vpnGatewayZones", false) ?? CONFIG_DEFAULTS.vpnGatewayZones;
    const zoneItems: unknown[] = Array.isArray(zonesValue) ? zonesValue : [zonesValue];
    const zones = zoneItems.map((z) => (typeof z === "number" ? String(z) : z)).filter((z): z is string => typeof z === "string");
    if (zones.length !== zoneItems.length || !zones.every((z) => ["1", "2", "3"].includes(z)) || new Set(zones).size !== zones.length) {
      report(full("vpnGatewayZones"), `expected a list of distinct zones from "1", "2", "3" (or [] in a region without zones), got ${JSON.stringify(zonesValue)}`);
    }
    const policy = parseIpsecPolicy(structured("ipsecPolicy", false));
    for (const [field, message] of policy.problems) report(full("ipsecPolicy"), message, field);
    for (const [field, message] of policy.warnings) warn(full("ipsecPolicy"), message, field);
    if (ikeVersion === "IKEv1" && policy.policy.ikeEncryption.startsWith("GCMAES")) {
      warn(full("ipsecPolicy"), "GCMAES IKE encryption is listed for IKEv2; with IKEv1 use AES256", "ikeEncryption");
    }
    const key = raw[full("vpnSharedKey")];
    if (key !== undefined) {
      const keyProblem = checkSharedKey(key);
      if (keyProblem) report(full("vpnSharedKey"), `the key ${keyProblem}`);
      else for (const message of draytekKeyWarnings(key)) warn(full("vpnSharedKey"), `the key ${message}`);
    }
    const generationText = text("vpnGatewayGeneration", false);
    let generation: VpnGatewayGeneration | undefined = sku ? VPN_GATEWAY_SKUS[sku][0] : undefined;
    if (generationText !== undefined) {
      const named = VPN_GATEWAY_GENERATIONS.find((g) => g.toLowerCase() === generationText.toLowerCase());
      if (!named) report(full("vpnGatewayGeneration"), `'${generationText}' is not a gateway generation; use Generation1 or Generation2`);
      else if (sku && !(VPN_GATEWAY_SKUS[sku] as readonly string[]).includes(named)) {
        report(full("vpnGatewayGeneration"), `${sku} exists only as ${VPN_GATEWAY_SKUS[sku].join(" or ")}`);
      }
      generation = named;
    }
    if (sku && ikeVersion && generation) {
      vpn = { gatewaySku: sku, gatewayGeneration: generation, zones, ikeVersion, policy: policy.policy, sharedKey: key === undefined ? "missing" : "configured", dnsLabel: "" };
    }
    // A DrayTek profile proposes every office x Azure network pair (see draytek.ts).
    const offices = onPremises?.addressSpaces.length ?? 0;
    if (offices * addressSpace.length > 1) {
      const [at, sub] = offices > 1 ? [full("onPremises"), "addressSpaces"] : [full("addressSpace"), undefined];
      warn(at, `${offices} office x ${addressSpace.length} Azure networks: the DrayTek needs every pair, in one LAN-to-LAN profile (the other networks added with More) or one profile per pair; the hints list them`, sub);
    }
  }

  // Who may reach the public endpoints: never the whole internet unless written here literally.
  const allowedValue = structured("allowedSourcePrefixes", false);
  let allowedSourcePrefixes: string[] = [];
  if (allowedValue === undefined) {
    if (onPremises?.publicIp) allowedSourcePrefixes = [`${onPremises.publicIp}/32`];
  } else {
    const items: unknown[] = Array.isArray(allowedValue) ? allowedValue : [allowedValue];
    items.forEach((item, i) => {
      const sub = Array.isArray(allowedValue) ? String(i) : undefined;
      if (typeof item !== "string") return report(full("allowedSourcePrefixes"), `expected an IPv4 address or CIDR, got ${JSON.stringify(item)}`, sub);
      const match = WHOLE_INTERNET.find((w) => w.toLowerCase() === item.trim().toLowerCase());
      if (match) {
        allowedSourcePrefixes.push(match === "0.0.0.0/0" ? match : "Internet");
        warn(full("allowedSourcePrefixes"), `'${item}' opens RDP and every published port to the whole internet`, sub);
        return;
      }
      const text = /^[\d.]+$/.test(item.trim()) ? `${item.trim()}/32` : item.trim();
      const block = cidr(full("allowedSourcePrefixes"), text, sub);
      if (block && !allowedSourcePrefixes.includes(block.text)) allowedSourcePrefixes.push(block.text);
    });
  }

  // Lab DNS: names are resolved against the CSV in lab.ts.
  const dnsValue = structured("dnsServers", false) ?? [];
  const dnsServers = (Array.isArray(dnsValue) ? dnsValue : [dnsValue]).filter((d, i) => {
    if (typeof d === "string" && d.trim() !== "") return true;
    report(full("dnsServers"), `expected a VM name or IPv4 address, got ${JSON.stringify(d)}`, String(i));
    return false;
  }).map((d) => (d as string).trim());

  // Auto-shutdown: Microsoft.DevTestLab/schedules takes dailyRecurrence.time as "HHmm".
  const shutdownValue = structured("autoShutdown", false);
  let autoShutdown: StackSettings["autoShutdown"];
  if (shutdownValue !== undefined) {
    const key = full("autoShutdown");
    const v = fieldsOf(key, shutdownValue, ["time", "timeZone"], "{ time: HHmm, timeZone: <Windows time zone ID, e.g. GMT Standard Time> }");
    if (v) {
      const time = typeof v.time === "number" ? String(v.time).padStart(4, "0") : v.time;
      const timeZone = v.timeZone === undefined ? "UTC" : v.timeZone;
      if (typeof time !== "string" || !/^([01]\d|2[0-3])[0-5]\d$/.test(time)) report(key, `expected a time of day as HHmm (e.g. 1900), got ${JSON.stringify(v.time)}`, "time");
      else if (typeof timeZone !== "string" || timeZone.trim() === "") report(key, `expected a Windows time zone ID such as 'GMT Standard Time' or 'UTC', got ${JSON.stringify(v.timeZone)}`, "timeZone");
      else {
        // Azure's schedule takes a Windows time zone ID; an IANA name is mapped through CLDR.
        const zone = resolveTimeZone(timeZone.trim());
        if ("error" in zone) report(key, zone.error, "timeZone");
        else {
          if (zone.fromIana) warn(key, `'${zone.fromIana}' is an IANA name; Azure takes a Windows time zone ID, so '${zone.id}' is used (write it to silence this)`, "timeZone");
          autoShutdown = { time, timeZone: zone.id };
        }
      }
    }
  }

  // DNS labels of the public IPs: the router dials a name that survives pulumi destroy + up.
  const dnsLabelText = text("dnsLabel", false);
  const dnsLabel = dnsLabelText ?? defaultDnsLabel(resourceGroupName, virtualNetworkName);
  if (dnsLabelText !== undefined && !DNS_LABEL.test(dnsLabelText)) {
    report(full("dnsLabel"), `'${dnsLabelText}' is not a DNS label Azure accepts for the lab's public IPs (3-59 lowercase letters, digits and '-', starting with a letter, ending with a letter or digit; -vpn and -lab are added)`);
  }
  const scopeText = text("dnsLabelScope", false);
  const dnsScope = scopeText === undefined ? undefined : DNS_LABEL_SCOPES.find((x) => x.toLowerCase() === scopeText.toLowerCase());
  if (scopeText !== undefined && !dnsScope) {
    report(full("dnsLabelScope"), `'${scopeText}' is not accepted; use ${DNS_LABEL_SCOPES.join(", ")} (NoReuse would give the router a new name after every destroy)`);
  }
  if (vpn) vpn.dnsLabel = `${dnsLabel}-vpn`;
  // Readiness gates: the deadline must leave the Run Command's own 90-minute limit some room.
  const timeoutText = text("readinessTimeoutMinutes", false) ?? String(CONFIG_DEFAULTS.readinessTimeoutMinutes);
  const timeoutMinutes = /^\d{1,3}$/.test(timeoutText) ? Number(timeoutText) : NaN;
  if (!(timeoutMinutes >= MIN_READINESS_MINUTES && timeoutMinutes <= MAX_READINESS_MINUTES)) {
    report(full("readinessTimeoutMinutes"), `expected whole minutes from ${MIN_READINESS_MINUTES} to ${MAX_READINESS_MINUTES}, got '${timeoutText}'`);
  }
  const gatesText = (text("readinessGates", false) ?? "true").toLowerCase();
  if (gatesText !== "true" && gatesText !== "false") report(full("readinessGates"), `expected true or false, got '${raw[full("readinessGates")]}'`);
  const skipValue = structured("readinessGatesSkip", false) ?? [];
  const skip = (Array.isArray(skipValue) ? skipValue : [skipValue]).filter((v, i) => {
    if (typeof v === "string" && v.trim() !== "") return true;
    report(full("readinessGatesSkip"), `expected a VM name of the CSV, got ${JSON.stringify(v)}`, String(i));
    return false;
  }).map((v) => (v as string).trim());
  const readiness: ReadinessSettings = { timeoutMinutes, gates: gatesText !== "false", skip, skipLocation: locate(full("readinessGatesSkip")) };

  // An encrypted value was checked as its placeholder text: those findings say nothing.
  for (let i = problems.length - 1; i >= 0; i--) {
    if (unreadable.some((k) => isUnreadable(k) && (problems[i].column === k || problems[i].column.startsWith(`${k}.`)))) problems.splice(i, 1);
  }
  if (problems.length === 0 && !gatewaySubnet && isUnreadable(full("gatewaySubnet"))) {
    report(full("gatewaySubnet"), "the plan needs this value to lay out the network and it is encrypted (secure:); write it in plain text (it is not a secret), or use pulumi preview");
  }
  if (problems.length > 0 || !gatewaySubnet) return { problems, warnings };
  return {
    settings: {
      location, resourceGroupName, diskResourceGroupName, csv, virtualNetworkName, addressSpace, gatewaySubnet, subnets, onPremises, vpn,
      allowedSourcePrefixes, dnsServers, dnsServersLocation: locate(full("dnsServers")), autoShutdown, dns: { label: dnsLabel, scope: dnsScope },
      readiness,
    },
    problems,
    warnings,
  };
}
