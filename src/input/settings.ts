/**
 * The stack configuration (namespace `exchange-lab:` plus `azure-native:location`),
 * parsed and validated into typed settings. Pure: it reads a plain key -> text map, the
 * form both `pulumi.runtime.allConfig()` and the offline plan's stack-file reader give.
 *
 * Network rules come from Microsoft Learn:
 * - subnet sizes and reserved addresses: https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq;
 * - `GatewaySubnet` name, /29 minimum, /27 recommended:
 *   https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-about-vpn-gateway-settings;
 * - resource and subnet names: https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules.
 */
import { AZURE_SMALLEST_SUBNET_PREFIX, Cidr, cidrContains, cidrOverlaps, isPublicIpv4, parseCidr } from "./addresses";
import { findRegion, resolveTimeZone } from "./catalogues";
import { Problem } from "./problems";
import { IKE_VERSIONS, IkeVersion, VPN_GATEWAY_GENERATIONS, VPN_GATEWAY_SKUS, VpnGatewayGeneration, VpnGatewaySku, VpnSettings, checkSharedKey, draytekKeyWarnings, parseIpsecPolicy } from "./vpn";

export { CONFIG_DEFAULTS, CONFIG_KEYS, LOCATION_KEY, LOCATION_SPEC, NAMESPACE, SECRET_CONFIG_KEYS, configKeySpec } from "./stackKeys";
export type { ConfigKey, ConfigKeySpec } from "./stackKeys";
import { CONFIG_DEFAULTS, CONFIG_KEYS, LOCATION_KEY, NAMESPACE, SECRET_CONFIG_KEYS, configKeySpec } from "./stackKeys";
import { checkAdminPassword, checkAdminUsername } from "./images";
import { ConfigLocator, SettingsContext } from "./settingsContext";
export type { ConfigLocator } from "./settingsContext";

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
  /** VMs built from an image (the CSV's Image column): credentials, licence, disk type. */
  vmImage: VmImageSettings;
}

/** What VMs built from an image need from the stack; the password itself is never held here. */
export interface VmImageSettings {
  adminUsername?: string;
  /** Whether the secret `adminPassword` is set (it is read by the declaration, as a secret). */
  adminPassword: "configured" | "missing";
  /** `Windows_Server` (Azure Hybrid Benefit) or `None`, on every VM; unset when absent. */
  licenseType?: LicenseType;
  /** Storage type of the OS disks created from an image. */
  osDiskSku: OsDiskSku;
}

/** `licenseType` values for a Windows Server VM (ARM `VirtualMachineProperties.licenseType`;
 * https://learn.microsoft.com/azure/virtual-machines/windows/hybrid-use-benefit-licensing). */
export const LICENSE_TYPES = ["Windows_Server", "None"] as const;
export type LicenseType = (typeof LICENSE_TYPES)[number];
/** Storage types an OS disk can have (Ultra and Premium SSD v2 cannot be OS disks:
 * https://learn.microsoft.com/azure/virtual-machines/disks-types). */
export const OS_DISK_SKUS = ["Standard_LRS", "StandardSSD_LRS", "Premium_LRS", "StandardSSD_ZRS", "Premium_ZRS"] as const;
export type OsDiskSku = (typeof OS_DISK_SKUS)[number];

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
 * https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq, "Are there any restrictions on using IP addresses
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
 *   deployment. Never throws. Messages never contain the value of `vpnSharedKey` or `adminPassword`.
 */
export function parseSettings(
  raw: Readonly<Record<string, string>>,
  locate: ConfigLocator,
  unreadable: readonly string[] = [],
): { settings?: StackSettings; problems: Problem[]; warnings: Problem[] } {
  const ctx = new SettingsContext(raw, locate, unreadable, reservedOverlap);
  checkNamespaces(ctx);
  const location = readLocation(ctx);
  const { resourceGroupName, diskResourceGroupName } = readResourceGroups(ctx);
  const { csv, virtualNetworkName } = readNames(ctx);
  const { addressSpace, gatewaySubnet, subnets } = readNetwork(ctx);
  const office = readOnPremises(ctx, addressSpace);
  const onPremises = office.onPremises;
  const vpn = readVpn(ctx, office, addressSpace);
  const allowedSourcePrefixes = readAllowedSources(ctx, onPremises);
  const dnsServers = readDnsServers(ctx);
  const autoShutdown = readAutoShutdown(ctx);
  const dns = readDnsLabels(ctx, { resourceGroupName, virtualNetworkName }, vpn);
  const readiness = readReadiness(ctx);
  const vmImage = readVmImage(ctx);
  const { problems, warnings } = ctx;
  // An encrypted value was checked as its placeholder text: those findings say nothing.
  for (let i = ctx.problems.length - 1; i >= 0; i--) {
    if (ctx.unreadable.some((k) => ctx.isUnreadable(k) && (problems[i].column === k || problems[i].column.startsWith(`${k}.`)))) problems.splice(i, 1);
  }
  if (problems.length === 0 && !gatewaySubnet && ctx.isUnreadable(ctx.full("gatewaySubnet"))) {
    ctx.report(ctx.full("gatewaySubnet"), "the plan needs this value to lay out the network and it is encrypted (secure:); write it in plain text (it is not a secret), or use pulumi preview");
  }
  if (problems.length > 0 || !gatewaySubnet) return { problems, warnings };
  return {
    settings: {
      location, resourceGroupName, diskResourceGroupName, csv, virtualNetworkName, addressSpace, gatewaySubnet, subnets, onPremises, vpn,
      allowedSourcePrefixes, dnsServers, dnsServersLocation: locate(`${NAMESPACE}:dnsServers`), autoShutdown, dns,
      readiness, vmImage,
    },
    problems,
    warnings,
  };
}

/** Keys in no namespace or in one nobody reads are errors; a secure: value on a non-secret key is a warning. */
function checkNamespaces(ctx: SettingsContext): void {
  for (const key of Object.keys(ctx.raw)) {
    const colon = key.indexOf(":");
    const namespace = colon < 0 ? undefined : key.slice(0, colon);
    const name = colon < 0 ? key : key.slice(colon + 1);
    const ours = configKeySpec(name) ? `${NAMESPACE}:${name}` : name.toLowerCase() === "location" ? LOCATION_KEY : undefined;
    if (namespace === NAMESPACE) {
      if (!configKeySpec(name)) ctx.report(key, `unknown configuration key; the keys are ${Object.keys(CONFIG_KEYS).join(", ")}`);
    } else if (namespace === undefined) {
      const message = `the key has no namespace, so nothing reads it; write ${ours ?? `${NAMESPACE}:<key>`}`;
      if (key.trim() === "") ctx.problems.push({ ...ctx.locate(key), column: "(empty key)", message });
      else ctx.report(key, message);
    } else if (!(OTHER_NAMESPACES as readonly string[]).includes(namespace)) {
      ctx.report(key, `namespace '${namespace}' is not this project's (${NAMESPACE}) nor one it uses (${OTHER_NAMESPACES.join(", ")}), so nothing reads it${ours ? `; did you mean ${ours}?` : ""}`);
    }
  }
  for (const key of ctx.unreadable) {
    if (!SECRET_CONFIG_KEYS.some((k) => key === ctx.full(k)) && ctx.raw[key] !== undefined) {
      ctx.warn(key, `a secure: value on a key that is not a secret: the plan cannot read it, so it is not checked here (pulumi up checks it); only ${SECRET_CONFIG_KEYS.join(" and ")} need --secret`);
    }
  }
}

/** `azure-native:location`, checked against the region catalogue. */
function readLocation(ctx: SettingsContext): string {
  const locationText = ctx.raw[LOCATION_KEY]?.trim();
  let location = "";
  if (!locationText) {
    ctx.report(LOCATION_KEY, "required: the Azure region, e.g. westeurope");
  } else {
    location = normaliseLocation(locationText);
    // Checked against the bundled region catalogue (src/input/catalogues.ts): a typo would otherwise
    // reach Azure, and the cost estimate would find no prices.
    const found = findRegion(locationText);
    if ("error" in found) ctx.report(LOCATION_KEY, found.error);
    else location = found.region.name;
  }

  return location;
}

/** The two resource groups: the disks must live outside the one the stack owns. */
function readResourceGroups(ctx: SettingsContext): { resourceGroupName: string; diskResourceGroupName: string } {
  const resourceGroupName = ctx.text("resourceGroupName", true) ?? "";
  const diskResourceGroupName = ctx.text("diskResourceGroupName", true) ?? "";
  for (const [key, name] of [["resourceGroupName", resourceGroupName], ["diskResourceGroupName", diskResourceGroupName]] as const) {
    if (name && (!RESOURCE_GROUP_NAME.test(name) || name.endsWith("."))) {
      ctx.report(ctx.full(key), `'${name}' is not a valid resource group name (1-90 letters, digits, '-', '_', '.', '(', ')'; not ending in '.')`);
    }
  }
  if (resourceGroupName && diskResourceGroupName && resourceGroupName.toLowerCase() === diskResourceGroupName.toLowerCase()) {
    ctx.report(
      ctx.full("diskResourceGroupName"),
      `must differ from resourceGroupName '${resourceGroupName}': pulumi destroy deletes the resource group the stack owns and every disk inside it`,
    );
  }

  return { resourceGroupName, diskResourceGroupName };
}

/** The CSV path and the virtual network's name. */
function readNames(ctx: SettingsContext): { csv: string; virtualNetworkName: string } {
  const csv = ctx.isUnreadable(ctx.full("csv")) ? String(CONFIG_DEFAULTS.csv) : ctx.text("csv", false) ?? String(CONFIG_DEFAULTS.csv);
  const virtualNetworkName = ctx.text("virtualNetworkName", false) ?? String(CONFIG_DEFAULTS.virtualNetworkName);
  // Virtual networks: 2-64 characters of the same set as subnets.
  if (!SUBNET_NAME.test(virtualNetworkName) || virtualNetworkName.length < 2 || virtualNetworkName.length > 64) {
    ctx.report(ctx.full("virtualNetworkName"), `'${virtualNetworkName}' is not a valid virtual network name (2-64 letters, digits, '_', '.', '-'; starts with a letter or digit, ends with a letter, digit or '_')`);
  }

  return { csv, virtualNetworkName };
}

/** Address space, GatewaySubnet and the lab subnets. */
function readNetwork(ctx: SettingsContext): { addressSpace: Cidr[]; gatewaySubnet?: Cidr; subnets: SubnetSetting[] } {
  const addressSpaceValue = ctx.structured("addressSpace", true);
  const addressSpace = addressSpaceValue === undefined ? [] : ctx.cidrList(ctx.full("addressSpace"), addressSpaceValue);
  for (let i = 0; i < addressSpace.length; i++) {
    for (let j = i + 1; j < addressSpace.length; j++) {
      if (cidrOverlaps(addressSpace[i], addressSpace[j])) {
        ctx.report(ctx.full("addressSpace"), `${addressSpace[i].text} and ${addressSpace[j].text} overlap`);
      }
    }
  }
  const inAddressSpace = (block: Cidr) => addressSpace.length === 0 || addressSpace.some((space) => cidrContains(space, block));

  const gatewayText = ctx.text("gatewaySubnet", true);
  const gatewaySubnet = gatewayText === undefined ? undefined : ctx.cidr(ctx.full("gatewaySubnet"), gatewayText);
  if (gatewaySubnet) {
    if (!inAddressSpace(gatewaySubnet)) ctx.report(ctx.full("gatewaySubnet"), `${gatewaySubnet.text} is not inside addressSpace (${addressSpace.map((c) => c.text).join(", ")})`);
    if (gatewaySubnet.prefix > AZURE_SMALLEST_SUBNET_PREFIX) ctx.report(ctx.full("gatewaySubnet"), `${gatewaySubnet.text} is smaller than /29, the smallest GatewaySubnet Azure accepts`);
    else if (gatewaySubnet.prefix > RECOMMENDED_GATEWAY_SUBNET_PREFIX) ctx.warn(ctx.full("gatewaySubnet"), `${gatewaySubnet.text} is smaller than the /27 Microsoft recommends for GatewaySubnet`);
  }

  const subnetsValue = ctx.structured("subnets", true);
  const subnets: SubnetSetting[] = [];
  if (subnetsValue !== undefined) {
    if (typeof subnetsValue !== "object" || subnetsValue === null || Array.isArray(subnetsValue)) {
      ctx.report(ctx.full("subnets"), "expected a map from subnet name to CIDR, e.g. { Oxford: 10.20.1.0/24 }");
    } else if (Object.keys(subnetsValue).length === 0) {
      ctx.report(ctx.full("subnets"), "needs at least one lab subnet");
    } else {
      for (const [name, value] of Object.entries(subnetsValue as Record<string, unknown>)) {
        if (RESERVED_SUBNET_NAMES.some((r) => r.toLowerCase() === name.toLowerCase())) {
          ctx.report(ctx.full("subnets"), `'${name}' is reserved by Azure; GatewaySubnet is declared from gatewaySubnet`, name);
          continue;
        }
        if (!SUBNET_NAME.test(name) || name.length > MAX_LAB_SUBNET_NAME) {
          ctx.report(ctx.full("subnets"), `'${name}' is not a valid lab subnet name (1-76 letters, digits, '_', '.', '-'; starts with a letter or digit, ends with a letter, digit or '_')`, name);
          continue;
        }
        const block = ctx.cidr(ctx.full("subnets"), value, name);
        if (!block) continue;
        if (block.prefix > AZURE_SMALLEST_SUBNET_PREFIX) ctx.report(ctx.full("subnets"), `${block.text} is smaller than /29, the smallest subnet Azure accepts`, name);
        const reserved = reservedOverlap(block);
        if (reserved) ctx.report(ctx.full("subnets"), reserved, name);
        if (!inAddressSpace(block)) ctx.report(ctx.full("subnets"), `${block.text} is not inside addressSpace (${addressSpace.map((c) => c.text).join(", ")})`, name);
        if (gatewaySubnet && cidrOverlaps(block, gatewaySubnet)) ctx.report(ctx.full("subnets"), `${block.text} overlaps gatewaySubnet ${gatewaySubnet.text}`, name);
        for (const other of subnets) {
          if (other.name.toLowerCase() === name.toLowerCase()) ctx.report(ctx.full("subnets"), `subnet name '${name}' is used twice (names are case-insensitive in Azure)`, name);
          else if (cidrOverlaps(block, other.cidr)) ctx.report(ctx.full("subnets"), `${block.text} overlaps subnet ${other.name} (${other.cidr.text})`, name);
        }
        subnets.push({ name, cidr: block });
      }
    }
  }

  return { addressSpace, gatewaySubnet, subnets };
}

/** The office side of the VPN. `present`: whether the key is written at all. */
function readOnPremises(ctx: SettingsContext, addressSpace: readonly Cidr[]): { present: boolean; onPremises?: OnPremisesSetting } {
  const onPremisesValue = ctx.structured("onPremises", false);
  let onPremises: OnPremisesSetting | undefined;
  if (onPremisesValue !== undefined) {
    const key = ctx.full("onPremises");
    const value = ctx.fieldsOf(key, onPremisesValue, ["publicIp", "fqdn", "addressSpaces"], "{ publicIp: <DrayTek WAN IPv4>, addressSpaces: [CIDR...] }");
    if (value) {
      const addressSpaces: Cidr[] = [];
      if (value.addressSpaces === undefined) ctx.report(key, "required: the office LAN networks (CIDR list)", "addressSpaces");
      else {
        const items = Array.isArray(value.addressSpaces) ? value.addressSpaces : [value.addressSpaces];
        items.forEach((v, i) => {
          const block = ctx.cidr(key, v, `addressSpaces.${i}`);
          if (!block) return;
          const reserved = reservedOverlap(block);
          if (reserved) ctx.report(key, reserved, `addressSpaces.${i}`);
          for (const space of addressSpace) {
            if (cidrOverlaps(block, space)) ctx.report(key, `${block.text} overlaps the lab's addressSpace ${space.text}; the two ends of a VPN need distinct networks`, `addressSpaces.${i}`);
          }
          for (const other of addressSpaces) {
            if (cidrOverlaps(block, other)) ctx.report(key, `${block.text} overlaps ${other.text}; list each office network once`, `addressSpaces.${i}`);
          }
          addressSpaces.push(block);
        });
        if (items.length === 0) ctx.report(key, "needs at least one office LAN network (CIDR)", "addressSpaces");
      }
      const scalar = (field: "publicIp" | "fqdn"): string | undefined => {
        const v = value[field];
        if (v === undefined) return undefined;
        if (typeof v === "string") return v.trim();
        ctx.report(key, `expected text, got ${JSON.stringify(v)}`, field);
        return "";
      };
      const publicIp = scalar("publicIp");
      const fqdn = scalar("fqdn");
      if (publicIp !== undefined && fqdn !== undefined) ctx.report(key, "give publicIp or fqdn, not both", "fqdn");
      else if (publicIp === undefined && fqdn === undefined) ctx.report(key, "required: publicIp (the DrayTek's WAN IPv4 address) or fqdn (its DNS name, for a dynamic address)", "publicIp");
      if (publicIp && !isPublicIpv4(publicIp)) {
        ctx.report(key, `'${publicIp}' is not a public IPv4 address; the DrayTek's WAN address must be reachable from the internet (not private, CGNAT or NAT'ed)`, "publicIp");
      }
      if (fqdn && !FQDN.test(fqdn)) ctx.report(key, `'${fqdn}' is not a DNS name such as office.example.net`, "fqdn");
      onPremises = { publicIp, fqdn, addressSpaces };
    }
  }

  return { present: onPremisesValue !== undefined, onPremises };
}

/** The site-to-site VPN (its DNS label is set by {@link readDnsLabels}). */
function readVpn(ctx: SettingsContext, office: { present: boolean; onPremises?: OnPremisesSetting }, addressSpace: readonly Cidr[]): VpnSettings | undefined {
  const vpnText = (ctx.text("vpn", false) ?? "true").toLowerCase();
  if (vpnText !== "true" && vpnText !== "false") ctx.report(ctx.full("vpn"), `expected true or false, got '${ctx.raw[ctx.full("vpn")]}'`);
  let vpn: VpnSettings | undefined;
  if (vpnText !== "false") {
    if (!office.present) ctx.report(ctx.full("onPremises"), "required when vpn is true: { publicIp or fqdn, addressSpaces: [CIDR...] } of the DrayTek side");
    const skuText = ctx.text("vpnGatewaySku", false) ?? String(CONFIG_DEFAULTS.vpnGatewaySku);
    const sku = Object.keys(VPN_GATEWAY_SKUS).find((k) => k.toLowerCase() === skuText.toLowerCase()) as VpnGatewaySku | undefined;
    if (!sku) {
      const retired = /^(VpnGw[1-5]|Basic|Standard|HighPerformance)$/i.test(skuText) ? " (non-AZ and legacy SKUs can no longer be created)" : "";
      ctx.report(ctx.full("vpnGatewaySku"), `'${skuText}' is not accepted${retired}; use one of ${Object.keys(VPN_GATEWAY_SKUS).join(", ")}`);
    }
    const ikeText = ctx.text("ikeVersion", false) ?? String(CONFIG_DEFAULTS.ikeVersion);
    const ikeVersion = IKE_VERSIONS.find((v) => v.toLowerCase() === ikeText.toLowerCase()) as IkeVersion | undefined;
    if (!ikeVersion) ctx.report(ctx.full("ikeVersion"), `'${ikeText}' is not an IKE version; use IKEv2 or IKEv1`);
    // A DrayTek LAN-to-LAN profile proposes its networks (policy-based traffic selectors); Microsoft
    // supports that only over IKEv2 (vpn-gateway-connect-multiple-policybased-rm-ps). See draytek.ts.
    if (ikeVersion === "IKEv1") {
      ctx.warn(ctx.full("ikeVersion"), "IKEv1: a DrayTek LAN-to-LAN profile proposes its networks (policy-based traffic selectors), which Microsoft supports only over IKEv2 (usePolicyBasedTrafficSelectors); phase 2 may be refused: use IKEv2 unless the router's firmware has none");
    }
    const zonesValue = ctx.structured("vpnGatewayZones", false) ?? CONFIG_DEFAULTS.vpnGatewayZones;
    const zoneItems: unknown[] = Array.isArray(zonesValue) ? zonesValue : [zonesValue];
    const zones = zoneItems.map((z) => (typeof z === "number" ? String(z) : z)).filter((z): z is string => typeof z === "string");
    if (zones.length !== zoneItems.length || !zones.every((z) => ["1", "2", "3"].includes(z)) || new Set(zones).size !== zones.length) {
      ctx.report(ctx.full("vpnGatewayZones"), `expected a list of distinct zones from "1", "2", "3" (or [] in a region without zones), got ${JSON.stringify(zonesValue)}`);
    }
    const policy = parseIpsecPolicy(ctx.structured("ipsecPolicy", false));
    for (const [field, message] of policy.problems) ctx.report(ctx.full("ipsecPolicy"), message, field);
    for (const [field, message] of policy.warnings) ctx.warn(ctx.full("ipsecPolicy"), message, field);
    if (ikeVersion === "IKEv1" && policy.policy.ikeEncryption.startsWith("GCMAES")) {
      ctx.warn(ctx.full("ipsecPolicy"), "GCMAES IKE encryption is listed for IKEv2; with IKEv1 use AES256", "ikeEncryption");
    }
    const key = ctx.raw[ctx.full("vpnSharedKey")];
    if (key !== undefined) {
      const keyProblem = checkSharedKey(key);
      if (keyProblem) ctx.report(ctx.full("vpnSharedKey"), `the key ${keyProblem}`);
      else for (const message of draytekKeyWarnings(key)) ctx.warn(ctx.full("vpnSharedKey"), `the key ${message}`);
    }
    const generationText = ctx.text("vpnGatewayGeneration", false);
    let generation: VpnGatewayGeneration | undefined = sku ? VPN_GATEWAY_SKUS[sku][0] : undefined;
    if (generationText !== undefined) {
      const named = VPN_GATEWAY_GENERATIONS.find((g) => g.toLowerCase() === generationText.toLowerCase());
      if (!named) ctx.report(ctx.full("vpnGatewayGeneration"), `'${generationText}' is not a gateway generation; use Generation1 or Generation2`);
      else if (sku && !(VPN_GATEWAY_SKUS[sku] as readonly string[]).includes(named)) {
        ctx.report(ctx.full("vpnGatewayGeneration"), `${sku} exists only as ${VPN_GATEWAY_SKUS[sku].join(" or ")}`);
      }
      generation = named;
    }
    if (sku && ikeVersion && generation) {
      vpn = { gatewaySku: sku, gatewayGeneration: generation, zones, ikeVersion, policy: policy.policy, sharedKey: key === undefined ? "missing" : "configured", dnsLabel: "" };
    }
    // A DrayTek profile proposes every office x Azure network pair (see draytek.ts).
    const offices = office.onPremises?.addressSpaces.length ?? 0;
    if (offices * addressSpace.length > 1) {
      const [at, sub] = offices > 1 ? [ctx.full("onPremises"), "addressSpaces"] : [ctx.full("addressSpace"), undefined];
      ctx.warn(at, `${offices} office x ${addressSpace.length} Azure networks: the DrayTek needs every pair, in one LAN-to-LAN profile (the other networks added with More) or one profile per pair; the hints list them`, sub);
    }
  }

  return vpn;
}

/** Who may reach the public endpoints: never the whole internet unless written here literally. */
function readAllowedSources(ctx: SettingsContext, onPremises: OnPremisesSetting | undefined): string[] {
  const allowedValue = ctx.structured("allowedSourcePrefixes", false);
  let allowedSourcePrefixes: string[] = [];
  if (allowedValue === undefined) {
    if (onPremises?.publicIp) allowedSourcePrefixes = [`${onPremises.publicIp}/32`];
  } else {
    const items: unknown[] = Array.isArray(allowedValue) ? allowedValue : [allowedValue];
    items.forEach((item, i) => {
      const sub = Array.isArray(allowedValue) ? String(i) : undefined;
      if (typeof item !== "string") return ctx.report(ctx.full("allowedSourcePrefixes"), `expected an IPv4 address or CIDR, got ${JSON.stringify(item)}`, sub);
      const match = WHOLE_INTERNET.find((w) => w.toLowerCase() === item.trim().toLowerCase());
      if (match) {
        allowedSourcePrefixes.push(match === "0.0.0.0/0" ? match : "Internet");
        ctx.warn(ctx.full("allowedSourcePrefixes"), `'${item}' opens RDP and every published port to the whole internet`, sub);
        return;
      }
      const text = /^[\d.]+$/.test(item.trim()) ? `${item.trim()}/32` : item.trim();
      const block = ctx.cidr(ctx.full("allowedSourcePrefixes"), text, sub);
      if (block && !allowedSourcePrefixes.includes(block.text)) allowedSourcePrefixes.push(block.text);
    });
  }

  return allowedSourcePrefixes;
}

/** Lab DNS: names are resolved against the CSV in lab.ts. */
function readDnsServers(ctx: SettingsContext): string[] {
  const dnsValue = ctx.structured("dnsServers", false) ?? [];
  const dnsServers = (Array.isArray(dnsValue) ? dnsValue : [dnsValue]).filter((d, i) => {
    if (typeof d === "string" && d.trim() !== "") return true;
    ctx.report(ctx.full("dnsServers"), `expected a VM name or IPv4 address, got ${JSON.stringify(d)}`, String(i));
    return false;
  }).map((d) => (d as string).trim());

  return dnsServers;
}

/** Auto-shutdown: Microsoft.DevTestLab/schedules takes dailyRecurrence.time as "HHmm" and a Windows time zone ID. */
function readAutoShutdown(ctx: SettingsContext): StackSettings["autoShutdown"] {
  const shutdownValue = ctx.structured("autoShutdown", false);
  let autoShutdown: StackSettings["autoShutdown"];
  if (shutdownValue !== undefined) {
    const key = ctx.full("autoShutdown");
    const v = ctx.fieldsOf(key, shutdownValue, ["time", "timeZone"], "{ time: HHmm, timeZone: <Windows time zone ID, e.g. GMT Standard Time> }");
    if (v) {
      const time = typeof v.time === "number" ? String(v.time).padStart(4, "0") : v.time;
      const timeZone = v.timeZone === undefined ? "UTC" : v.timeZone;
      if (typeof time !== "string" || !/^([01]\d|2[0-3])[0-5]\d$/.test(time)) ctx.report(key, `expected a time of day as HHmm (e.g. 1900), got ${JSON.stringify(v.time)}`, "time");
      else if (typeof timeZone !== "string" || timeZone.trim() === "") ctx.report(key, `expected a Windows time zone ID such as 'GMT Standard Time' or 'UTC', got ${JSON.stringify(v.timeZone)}`, "timeZone");
      else {
        // Azure's schedule takes a Windows time zone ID; an IANA name is mapped through CLDR.
        const zone = resolveTimeZone(timeZone.trim());
        if ("error" in zone) ctx.report(key, zone.error, "timeZone");
        else {
          if (zone.fromIana) ctx.warn(key, `'${zone.fromIana}' is an IANA name; Azure takes a Windows time zone ID, so '${zone.id}' is used (write it to silence this)`, "timeZone");
          autoShutdown = { time, timeZone: zone.id };
        }
      }
    }
  }

  return autoShutdown;
}

/** DNS labels of the public IPs: the router dials a name that survives pulumi destroy + up. */
function readDnsLabels(ctx: SettingsContext, names: { resourceGroupName: string; virtualNetworkName: string }, vpn: VpnSettings | undefined): StackSettings["dns"] {
  const dnsLabelText = ctx.text("dnsLabel", false);
  const dnsLabel = dnsLabelText ?? defaultDnsLabel(names.resourceGroupName, names.virtualNetworkName);
  if (dnsLabelText !== undefined && !DNS_LABEL.test(dnsLabelText)) {
    ctx.report(ctx.full("dnsLabel"), `'${dnsLabelText}' is not a DNS label Azure accepts for the lab's public IPs (3-59 lowercase letters, digits and '-', starting with a letter, ending with a letter or digit; -vpn and -lab are added)`);
  }
  const scopeText = ctx.text("dnsLabelScope", false);
  const dnsScope = scopeText === undefined ? undefined : DNS_LABEL_SCOPES.find((x) => x.toLowerCase() === scopeText.toLowerCase());
  if (scopeText !== undefined && !dnsScope) {
    ctx.report(ctx.full("dnsLabelScope"), `'${scopeText}' is not accepted; use ${DNS_LABEL_SCOPES.join(", ")} (NoReuse would give the router a new name after every destroy)`);
  }
  if (vpn) vpn.dnsLabel = `${dnsLabel}-vpn`;
  return { label: dnsLabel, scope: dnsScope };
}

/** Readiness gates: the deadline must leave the Run Command's own 90-minute limit some room. */
function readReadiness(ctx: SettingsContext): ReadinessSettings {
  const timeoutText = ctx.text("readinessTimeoutMinutes", false) ?? String(CONFIG_DEFAULTS.readinessTimeoutMinutes);
  const timeoutMinutes = /^\d{1,3}$/.test(timeoutText) ? Number(timeoutText) : NaN;
  if (!(timeoutMinutes >= MIN_READINESS_MINUTES && timeoutMinutes <= MAX_READINESS_MINUTES)) {
    ctx.report(ctx.full("readinessTimeoutMinutes"), `expected whole minutes from ${MIN_READINESS_MINUTES} to ${MAX_READINESS_MINUTES}, got '${timeoutText}'`);
  }
  const gatesText = (ctx.text("readinessGates", false) ?? "true").toLowerCase();
  if (gatesText !== "true" && gatesText !== "false") ctx.report(ctx.full("readinessGates"), `expected true or false, got '${ctx.raw[ctx.full("readinessGates")]}'`);
  const skipValue = ctx.structured("readinessGatesSkip", false) ?? [];
  const skip = (Array.isArray(skipValue) ? skipValue : [skipValue]).filter((v, i) => {
    if (typeof v === "string" && v.trim() !== "") return true;
    ctx.report(ctx.full("readinessGatesSkip"), `expected a VM name of the CSV, got ${JSON.stringify(v)}`, String(i));
    return false;
  }).map((v) => (v as string).trim());
  const readiness: ReadinessSettings = { timeoutMinutes, gates: gatesText !== "false", skip, skipLocation: ctx.locate(ctx.full("readinessGatesSkip")) };

  return readiness;
}

/**
 * The administrator, licence and disk type of VMs built from an image. Whether they are required
 * depends on the CSV (program.ts); here each is checked when set. The password is never echoed,
 * and an encrypted one (the plan's `secure:` value) is not checked here: `pulumi up` checks it.
 */
function readVmImage(ctx: SettingsContext): VmImageSettings {
  const adminUsername = ctx.text("adminUsername", false);
  const nameProblem = adminUsername === undefined ? undefined : checkAdminUsername(adminUsername);
  if (nameProblem) ctx.report(ctx.full("adminUsername"), nameProblem);
  const passwordKey = ctx.full("adminPassword");
  const password = ctx.raw[passwordKey];
  if (password !== undefined && !ctx.unreadable.includes(passwordKey)) {
    const passwordProblem = checkAdminPassword(password);
    if (passwordProblem) ctx.report(passwordKey, `the password ${passwordProblem}`);
  }
  const licenseText = ctx.text("licenseType", false);
  const licenseType = licenseText === undefined ? undefined : LICENSE_TYPES.find((t) => t.toLowerCase() === licenseText.toLowerCase());
  if (licenseText !== undefined && !licenseType) ctx.report(ctx.full("licenseType"), `'${licenseText}' is not accepted; use ${LICENSE_TYPES.join(" or ")}`);
  const skuText = ctx.text("osDiskSku", false) ?? String(CONFIG_DEFAULTS.osDiskSku);
  const osDiskSku = OS_DISK_SKUS.find((k) => k.toLowerCase() === skuText.toLowerCase());
  if (!osDiskSku) ctx.report(ctx.full("osDiskSku"), `'${skuText}' is not a storage type an OS disk can have; use ${OS_DISK_SKUS.join(", ")}`);
  return { adminUsername, adminPassword: password === undefined ? "missing" : "configured", licenseType, osDiskSku: osDiskSku ?? "StandardSSD_LRS" };
}
