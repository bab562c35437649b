/**
 * The stack keys of the lab's network: `addressSpace`, `gatewaySubnet`, `subnets` and the office
 * side of the VPN, `onPremises`. Rules from Microsoft Learn: subnet sizes, reserved addresses and
 * ranges, the virtual network FAQ (https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq);
 * `GatewaySubnet`, /29 minimum, /27 recommended
 * (https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-about-vpn-gateway-settings); names,
 * https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules. Pure.
 */
import { AZURE_SMALLEST_SUBNET_PREFIX, Cidr, cidrContains, cidrOverlaps, isPublicIpv4, parseCidr } from "../addresses";
import type { OnPremisesSetting, SubnetSetting } from "./settingsTypes";
import { SettingsContext } from "./settingsContext";

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

/** Subnet names Azure reserves for its own services (not usable for lab VMs). */
const RESERVED_SUBNET_NAMES = ["GatewaySubnet", "AzureBastionSubnet", "AzureFirewallSubnet", "AzureFirewallManagementSubnet", "RouteServerSubnet"];
export const SUBNET_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?$/;
// A lab subnet's NSG is named <subnet>-nsg, and NSG names stop at 80 characters.
const MAX_LAB_SUBNET_NAME = 76;
/** GatewaySubnet size Microsoft recommends (VPN gateway settings, see the file comment). */
export const RECOMMENDED_GATEWAY_SUBNET_PREFIX = 27;
// A DNS name: labels of letters, digits and '-', at least one dot.
const FQDN = /^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,61}[A-Za-z0-9]$/;


/** Address space, GatewaySubnet and the lab subnets. */
export function readNetwork(ctx: SettingsContext): { addressSpace: Cidr[]; gatewaySubnet?: Cidr; subnets: SubnetSetting[] } {
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
export function readOnPremises(ctx: SettingsContext, addressSpace: readonly Cidr[]): { present: boolean; onPremises?: OnPremisesSetting } {
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
