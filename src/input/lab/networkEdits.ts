/**
 * Edits of the stack file that Azure refuses while the lab uses what they change, found against
 * the previous deployment before anything is declared. Pure. Each is a problem on its key with
 * why Azure refuses (and the public source) and the steps that work:
 * - a lab subnet's range changed (shrunk, grown or moved) while NICs of deployed VMs are in it
 *   (`InUsePrefixCannotBeDeleted`; "Change subnet settings",
 *   https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-subnet#change-subnet-settings);
 * - `gatewaySubnet` changed while the VPN gateway exists (its subnet is in use; "delete the
 *   gateway first", https://learn.microsoft.com/azure/expressroute/expressroute-howto-coexist-resource-manager);
 * - an `addressSpace` range removed or replaced while a subnet is in it ("If a subnet exists in
 *   the address range, you can't remove the address range",
 *   https://learn.microsoft.com/azure/virtual-network/manage-virtual-network); adding one is fine;
 * - a new subnet over the range of one that is gone (a rename): the new one is created before the
 *   old is deleted (deletes run last, https://www.pulumi.com/docs/iac/concepts/how-pulumi-works/),
 *   and Azure refuses overlapping subnets (https://github.com/Azure/azure-cli/issues/10917);
 * - a case-only rename of a subnet or the virtual network: ARM names are case-insensitive
 *   (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules), so
 *   the "new" resource already exists and azure-native refuses to create it
 *   (https://github.com/pulumi/pulumi-azure-native/issues/303);
 * - a virtual network rename with VMs or the gateway deployed: "You can change the subnet, but not
 *   the virtual network, that a network interface is assigned to"
 *   (https://learn.microsoft.com/azure/virtual-network/virtual-network-network-interface);
 * - a resource group rename or a region change: every resource is named by its group in its URL,
 *   a group's region is fixed (`InvalidResourceGroupLocation`,
 *   https://github.com/Azure/azure-cli/issues/22242) and a VM attaches only disks of its region;
 *   the honest path is destroy, then up, with addresses and disk names written down;
 * - `diskResourceGroupName` changed while VMs are deployed: every disk ID names the group, so each
 *   VM would be re-created on a disk that is not there (an Image row's VM built blank from its
 *   image); the disks are moved while detached (after `pulumi destroy`), then the key changed;
 * - `dnsLabelScope` changed while a public IP exists: the scope is set at creation
 *   (https://learn.microsoft.com/azure/virtual-network/ip-services/public-ip-addresses#domain-name-label-scope)
 *   and a replacement IP cannot take the label the old one still holds (`DnsRecordInUse`);
 * - the office's local network gateway switched between `publicIp` and `fqdn`: "You can't change a
 *   local network gateway between FQDN endpoint and IP address endpoint"
 *   (https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-modify-local-network-gateway-portal).
 */
import { Cidr, cidrContains, cidrOverlaps, parseCidr } from "../addresses";
import type { PreviousDeployment, PreviousVm } from "./previous";
import { Problem } from "../problems";
import type { ConfigLocator, StackSettings } from "../stack/settings";
import { defaultDnsLabel } from "../stack/settingsVpn";
import { CONFIG_DEFAULTS, LOCATION_KEY, NAMESPACE } from "../stack/stackKeys";

/** The network of the previous deployment, read tolerantly from its recorded configuration. */
export interface PreviousNetwork {
  location: string;
  resourceGroupName: string;
  virtualNetworkName: string;
  addressSpace: Cidr[];
  gatewaySubnet?: Cidr;
  /** Lab subnets in stack-file order. */
  subnets: { name: string; cidr: Cidr }[];
  vpn: boolean;
  /** Whether the office was given by `publicIp` or by `fqdn`. */
  officeEndpoint?: "publicIp" | "fqdn";
  dnsLabel: string;
  dnsScope?: string;
}

/** The type token of the lab's component (`azure/exchangeLab.ts`), the parent of every resource. */
const COMPONENT_TYPE = "exchange-lab:lab:ExchangeLab";

/**
 * The URN of a resource the lab declares (a child of the `lab` component), for `pulumi up
 * --replace` and `pulumi destroy --target`: `urn:pulumi:<stack>::<project>::<parent type>$<type>::<name>`
 * (https://www.pulumi.com/docs/iac/concepts/resources/names/#urns).
 */
export function labResourceUrn(stack: string, type: string, name: string): string {
  return `urn:pulumi:${stack}::${NAMESPACE}::${COMPONENT_TYPE}$${type}::${name}`;
}

/**
 * Reads the network keys of a recorded configuration without today's rules (the record passed
 * the rules of its day); a value that does not parse is left out. Never throws.
 */
export function previousNetwork(config: Readonly<Record<string, string>>): PreviousNetwork {
  const text = (key: string) => config[`${NAMESPACE}:${key}`]?.trim() || undefined;
  const json = (key: string): unknown => {
    const value = text(key);
    if (value === undefined) return undefined;
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  };
  const cidr = (value: unknown): Cidr | undefined => {
    try {
      return typeof value === "string" ? parseCidr(value) : undefined;
    } catch {
      return undefined;
    }
  };
  const spaceValue = json("addressSpace");
  const subnetsValue = json("subnets");
  const office = json("onPremises") as Record<string, unknown> | undefined;
  const resourceGroupName = text("resourceGroupName") ?? "";
  const virtualNetworkName = text("virtualNetworkName") ?? String(CONFIG_DEFAULTS.virtualNetworkName);
  return {
    location: (config[LOCATION_KEY] ?? "").toLowerCase().replace(/\s+/g, ""),
    resourceGroupName,
    virtualNetworkName,
    addressSpace: (Array.isArray(spaceValue) ? spaceValue : [spaceValue]).map(cidr).filter((c): c is Cidr => c !== undefined),
    gatewaySubnet: cidr(text("gatewaySubnet")),
    subnets: typeof subnetsValue === "object" && subnetsValue !== null && !Array.isArray(subnetsValue)
      ? Object.entries(subnetsValue).flatMap(([name, v]) => { const c = cidr(v); return c ? [{ name, cidr: c }] : []; })
      : [],
    vpn: (text("vpn") ?? "true").toLowerCase() !== "false",
    officeEndpoint: typeof office === "object" && office !== null ? (office.fqdn !== undefined ? "fqdn" : office.publicIp !== undefined ? "publicIp" : undefined) : undefined,
    dnsLabel: text("dnsLabel") ?? defaultDnsLabel(resourceGroupName, virtualNetworkName),
    dnsScope: text("dnsLabelScope"),
  };
}

/** What the rules need besides the two configurations. */
export interface NetworkEditContext {
  locate: ConfigLocator;
  /** The CSV's path, named in the steps. */
  csvFile: string;
  /** The stack's name, for the URNs in the steps. */
  stack: string;
}

/**
 * The network edits of `settings` that Azure refuses against `previous` (see the file comment),
 * each on its stack key, with the steps that work. Empty when nothing is refused.
 */
export function networkEditProblems(settings: StackSettings, previous: PreviousDeployment, ctx: NetworkEditContext): Problem[] {
  const before = previousNetwork(previous.record.config);
  const problems: Problem[] = [];
  const at = (key: string, message: string, sub?: string) => {
    const full = key.includes(":") ? key : `${NAMESPACE}:${key}`;
    problems.push({ ...ctx.locate(full), column: sub ? `${full}.${sub}` : full, message });
  };
  const online = previous.vms.filter((v) => v.online);
  const renamedGroup = before.resourceGroupName !== "" && before.resourceGroupName !== settings.resourceGroupName;
  const movedRegion = before.location !== "" && before.location !== settings.location;
  const pin = "write the addresses and disk names down (npm run plan -- --pin, which also writes an Image row's derived OS disk name, so the VM attaches its disk instead of being built again)";
  if (renamedGroup) {
    at("resourceGroupName", `the lab is deployed in resource group ${before.resourceGroupName}; every resource names its group in its Azure URL, so a new group means every resource created again while the old ones still hold the disks, addresses and DNS labels, which Azure refuses. The honest path: ${pin}, pulumi destroy (the disks stay in ${settings.diskResourceGroupName}), rename, pulumi up (the whole lab created again, the gateway 45 minutes or more)`);
  }
  if (movedRegion) {
    at(LOCATION_KEY, `the lab is deployed in ${before.location}: the resource group ${before.resourceGroupName} stays in its region (InvalidResourceGroupLocation, https://github.com/Azure/azure-cli/issues/22242), and the disks in ${settings.diskResourceGroupName} are in ${before.location}, while a VM attaches only disks of its own region. The honest path: ${pin}, pulumi destroy, copy each disk to ${settings.location} (https://learn.microsoft.com/azure/virtual-machines/windows/disks-upload-vhd-to-managed-disk-powershell#copy-a-managed-disk), change the region and pulumi up`);
  }
  const diskGroupBefore = previous.record.config[`${NAMESPACE}:diskResourceGroupName`]?.trim() ?? "";
  if (diskGroupBefore !== "" && diskGroupBefore !== settings.diskResourceGroupName && online.length > 0) {
    at("diskResourceGroupName", `the deployed VMs ${names(online)} hold their disks in ${diskGroupBefore}${online.some((v) => v.image) ? " (and the VMs of Image rows live there)" : ""}: every disk ID names its group, so this run would re-create each VM on a disk ID in ${settings.diskResourceGroupName}, where the disks are not (an Image row's VM would be built blank from its image, any other VM fails to attach). Keep '${diskGroupBefore}'; or: ${pin}, pulumi destroy (the disks stay in ${diskGroupBefore}, detached), move the disks to ${settings.diskResourceGroupName} (Move-AzResource or az resource move, https://learn.microsoft.com/azure/azure-resource-manager/management/move-resource-group-and-subscription), change the key, pulumi up`);
  }
  // Everything below is about resources that stay where they are.
  if (renamedGroup || movedRegion) return problems;
  problems.push(...virtualNetworkProblems(settings, before, online, ctx, at));
  if (before.virtualNetworkName.toLowerCase() !== settings.virtualNetworkName.toLowerCase()) return problems;
  problems.push(...subnetProblems(settings, before, online, ctx));
  vpnProblems(settings, before, online, ctx, at);
  return problems;
}

type At = (key: string, message: string, sub?: string) => void;

/** The virtual network's name and address space. */
function virtualNetworkProblems(settings: StackSettings, before: PreviousNetwork, online: readonly PreviousVm[], ctx: NetworkEditContext, at: At): Problem[] {
  const problems: Problem[] = [];
  const was = before.virtualNetworkName;
  const now = settings.virtualNetworkName;
  if (was !== now && was.toLowerCase() === now.toLowerCase()) {
    at("virtualNetworkName", `'${now}' differs from the deployed '${was}' only in case: ARM names are case-insensitive (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules), so Azure already has it and azure-native refuses to create it again (https://github.com/pulumi/pulumi-azure-native/issues/303). Write '${was}' as deployed`);
  } else if (was !== now && (online.length > 0 || before.vpn)) {
    const users = [...(online.length > 0 ? [`the network interfaces of ${names(online)}`] : []), ...(before.vpn ? ["the VPN gateway"] : [])].join(" and ");
    at("virtualNetworkName", `the virtual network is named in its Azure URL, so '${now}' is a new network, and ${users} cannot move to it: "You can change the subnet, but not the virtual network, that a network interface is assigned to" (https://learn.microsoft.com/azure/virtual-network/virtual-network-network-interface); the default DNS label follows the name too. Keep '${was}'; or: write the addresses down (npm run plan -- --pin), pulumi destroy (the disks stay), rename, pulumi up (the whole lab created again${before.vpn ? ", the gateway 45 minutes or more" : ""})`);
  }
  const inUse = [...before.subnets, ...(before.gatewaySubnet ? [{ name: "GatewaySubnet", cidr: before.gatewaySubnet }] : [])];
  for (const block of before.addressSpace) {
    if (settings.addressSpace.some((c) => c.text === block.text)) continue;
    const inside = inUse.filter((s) => cidrOverlaps(block, s.cidr));
    if (inside.length === 0) continue;
    at("addressSpace", `${block.text} is removed or replaced while the deployed subnets ${inside.map((s) => `${s.name} (${s.cidr.text})`).join(", ")} are in it: "If a subnet exists in the address range, you can't remove the address range" (https://learn.microsoft.com/azure/virtual-network/manage-virtual-network). Adding a range is fine: keep ${block.text} and add the new range beside it. To retire ${block.text}, first remove each subnet in it (its VMs BringOnline=No or moved to a subnet outside it in ${ctx.csvFile}) and pulumi up, then remove the range and pulumi up`);
  }
  return problems;
}

/** The lab subnets and GatewaySubnet against the deployed ones. */
function subnetProblems(settings: StackSettings, before: PreviousNetwork, online: readonly PreviousVm[], ctx: NetworkEditContext): Problem[] {
  const problems: Problem[] = [];
  const key = `${NAMESPACE}:subnets`;
  const at = (name: string, message: string) => problems.push({ ...ctx.locate(key), column: `${key}.${name}`, message });
  const inSubnet = (name: string) => online.filter((v) => v.subnet.toLowerCase() === name.toLowerCase());
  settings.subnets.forEach((subnet, index) => {
    const was = before.subnets.find((s) => s.name.toLowerCase() === subnet.name.toLowerCase());
    if (was && was.name !== subnet.name) {
      at(subnet.name, `'${subnet.name}' differs from the deployed subnet '${was.name}' only in case: ARM names are case-insensitive (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules), so Azure already has it and azure-native refuses to create it again (https://github.com/pulumi/pulumi-azure-native/issues/303). Write '${was.name}' as deployed (the CSV's SubnetName may keep any case)`);
      return;
    }
    if (was && was.cidr.text !== subnet.cidr.text) {
      const vms = inSubnet(was.name);
      if (vms.length > 0) {
        const how = cidrContains(subnet.cidr, was.cidr) ? "grown" : cidrContains(was.cidr, subnet.cidr) ? "shrunk" : "moved";
      at(subnet.name, `${subnet.name} is ${how} from ${was.cidr.text} to ${subnet.cidr.text} while the network interfaces of ${names(vms)} are in it, and Azure changes the range of a subnet only when nothing is deployed in it (InUsePrefixCannotBeDeleted; https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-subnet#change-subnet-settings). Three steps: set ${names(vms)} BringOnline=No in ${ctx.csvFile} (or move them to another subnet) and pulumi up (the VMs and their network interfaces go, the disks stay; minutes); then change the range and pulumi up; then BringOnline=Yes and pulumi up (the VMs are created again on their disks; an address outside the new range must be written anew)`);
        return;
      }
    }
    if (was && was.cidr.text === subnet.cidr.text) return;
    // A new subnet or a new range must not take a deployed range before that range's subnet is gone.
    for (const old of before.subnets.filter((s) => s !== was && cidrOverlaps(s.cidr, subnet.cidr))) {
      const stays = settings.subnets.findIndex((s) => s.name.toLowerCase() === old.name.toLowerCase());
      // A subnet that stays and is written earlier is changed first (subnets are written one after another).
      if (stays >= 0 && stays < index && !cidrOverlaps(settings.subnets[stays].cidr, subnet.cidr)) continue;
      const vms = inSubnet(old.name);
      const fate = stays < 0 ? `${old.name} is deleted only at the end of the run` : `${old.name} is written after it`;
      const first = vms.length > 0 ? `set ${names(vms)} BringOnline=No in ${ctx.csvFile} (their addresses stay reserved), ` : "";
      const rename = was ? "Two steps" : `A subnet name is only a label: keep '${old.name}'. To rename it anyway, two steps`;
      const then = was ? `change ${subnet.name}'s range` : `add ${subnet.name}`;
      at(subnet.name, `${subnet.name} (${subnet.cidr.text}) overlaps the deployed subnet ${old.name} (${old.cidr.text}): Pulumi writes ${subnet.name} first (${fate}), and Azure refuses overlapping subnets (https://github.com/Azure/azure-cli/issues/10917)${vms.length > 0 ? `; the VMs in ${old.name} would also lose their addresses` : ""}. ${rename}: ${first}remove ${old.name} and pulumi up; then ${then} and pulumi up${vms.length > 0 ? " with those rows in it, their addresses written (npm run plan -- --pin)" : ""}`);
    }
  });
  return problems;
}

/** GatewaySubnet, the office's endpoint kind and the DNS label scope, while the VPN is deployed. */
function vpnProblems(settings: StackSettings, before: PreviousNetwork, online: readonly PreviousVm[], ctx: NetworkEditContext, at: At): void {
  const gatewayUrn = labResourceUrn(ctx.stack, "azure-native:network:VirtualNetworkGateway", `${settings.virtualNetworkName}-vpngw`);
  if (before.vpn && before.gatewaySubnet && before.gatewaySubnet.text !== settings.gatewaySubnet.text) {
    at("gatewaySubnet", `GatewaySubnet changes from ${before.gatewaySubnet.text} to ${settings.gatewaySubnet.text} while the VPN gateway is in it, and Azure changes the range only after the gateway is deleted (https://learn.microsoft.com/azure/expressroute/expressroute-howto-coexist-resource-manager; https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-subnet#change-subnet-settings). Two steps: pulumi destroy --target '${gatewayUrn}' --target-dependents (the gateway and its connection go; its public IP, and so the DrayTek's peer, stays), then change the range and pulumi up (45 minutes or more)`);
  }
  const office = settings.onPremises?.fqdn !== undefined ? "fqdn" : settings.onPremises?.publicIp !== undefined ? "publicIp" : undefined;
  if (before.vpn && settings.vpn && before.officeEndpoint && office && office !== before.officeEndpoint) {
    const lngUrn = labResourceUrn(ctx.stack, "azure-native:network:LocalNetworkGateway", `${settings.virtualNetworkName}-draytek`);
    at("onPremises", `the office's local network gateway was deployed with ${before.officeEndpoint} and now has ${office}: "You can't change a local network gateway between FQDN endpoint and IP address endpoint" (https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-modify-local-network-gateway-portal), and it cannot be deleted while its connection uses it. Two steps: pulumi destroy --target '${lngUrn}' --target-dependents (the local network gateway and the connection go; the VPN gateway stays), then pulumi up (both created again in minutes; the tunnel is down in between)`, office);
  }
  const scope = settings.dns.scope ?? undefined;
  if ((before.dnsScope ?? undefined)?.toLowerCase() !== scope?.toLowerCase()) {
    const ips = [...(before.vpn ? ["the gateway's"] : []), ...(online.length > 0 ? ["the lab's"] : [])];
    if (ips.length > 0) {
      at("dnsLabelScope", `${ips.join(" and ")} public IP exists with domain name label scope ${before.dnsScope ?? "(none)"}; the scope is set when a public IP is created (https://learn.microsoft.com/azure/virtual-network/ip-services/public-ip-addresses#domain-name-label-scope), and a replacement IP cannot take the label '${before.dnsLabel}' while the old one holds it (DnsRecordInUse). Keep the scope; or: pulumi destroy, change it, pulumi up (new public addresses and a new FQDN for the DrayTek)`);
    }
  }
}

/** "a, b and c" of VM names. */
function names(vms: readonly PreviousVm[]): string {
  const all = vms.map((v) => v.name);
  return all.length <= 1 ? all.join("") : `${all.slice(0, -1).join(", ")} and ${all[all.length - 1]}`;
}
