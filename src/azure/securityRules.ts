/**
 * The inbound rules of each lab subnet's network security group, as data. Pure.
 *
 * Admitted: the office networks over the VPN, the virtual network itself, and the published
 * ports from their own lists only: RDP (3389) from `allowedSourcePrefixes`, the Endpoints ports
 * from `publishedSourcePrefixes` (by default the same list). Nothing else:
 * Azure's default rules end in DenyAllInBound, and allow the load balancer's health probes
 * (AllowAzureLoadBalancerInBound) (https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview).
 * With a Standard Load Balancer the NSG sees the client's address and the VM's own IP and
 * port, so the rules name the VMs' private IPs and backend ports.
 */
import { RDP_PORT, portName } from "../input/csv/endpoints";
import type { Lab } from "../input/lab/lab";

/** One NSG security rule, in the ARM `securityRules` shape (with source as one prefix or a list). */
export interface SecurityRule {
  name: string;
  priority: number;
  direction: "Inbound";
  access: "Allow";
  protocol: "Tcp" | "*";
  sourceAddressPrefix?: string;
  sourceAddressPrefixes?: string[];
  sourcePortRange: "*";
  destinationAddressPrefixes: string[];
  destinationPortRange?: string;
  description: string;
}

// ARM wants a service tag (Internet) in the singular sourceAddressPrefix, and address lists in
// the plural sourceAddressPrefixes.
function sources(given: readonly string[]): Pick<SecurityRule, "sourceAddressPrefix" | "sourceAddressPrefixes"> {
  const prefixes = [...new Set(given)];
  if (prefixes.includes("Internet") || prefixes.includes("0.0.0.0/0")) return { sourceAddressPrefix: "Internet" };
  return prefixes.length === 1 ? { sourceAddressPrefix: prefixes[0] } : { sourceAddressPrefixes: [...prefixes] };
}

/** The inbound rules of the NSG of lab subnet `subnetName`, highest priority first. */
export function securityRulesFor(lab: Lab, subnetName: string): SecurityRule[] {
  const s = lab.settings;
  const subnet = s.subnets.find((x) => x.name === subnetName);
  if (!subnet) return [];
  const rules: SecurityRule[] = [];
  const base = { direction: "Inbound" as const, access: "Allow" as const, sourcePortRange: "*" as const };
  const office = s.vpn && s.onPremises ? s.onPremises.addressSpaces.map((c) => c.text) : [];
  if (office.length > 0) {
    rules.push({ ...base, name: "allow-office-over-vpn", priority: 100, protocol: "*", ...sources(office), destinationAddressPrefixes: [subnet.cidr.text], destinationPortRange: "*", description: "The office LANs, through the site-to-site VPN" });
  }
  rules.push({ ...base, name: "allow-virtual-network", priority: 110, protocol: "*", ...sources(s.addressSpace.map((c) => c.text)), destinationAddressPrefixes: [subnet.cidr.text], destinationPortRange: "*", description: "The lab's own virtual network" });

  const here = lab.vms.filter((v) => v.bringOnline && v.subnet === subnetName);
  const rdp = here.filter((v) => v.publicRdpPort !== undefined).map((v) => `${v.privateIp}/32`);
  if (rdp.length > 0 && s.allowedSourcePrefixes.length > 0) {
    rules.push({ ...base, name: "allow-rdp-from-allowed-sources", priority: 200, protocol: "Tcp", ...sources(s.allowedSourcePrefixes), destinationAddressPrefixes: rdp, destinationPortRange: String(RDP_PORT), description: "Public RDP through the load balancer" });
  }
  if (s.publishedSourcePrefixes.length === 0) return rules;
  const ports = [...new Set(here.flatMap((v) => v.endpoints))].sort((a, b) => a - b);
  ports.forEach((port, i) => {
    const targets = here.filter((v) => v.endpoints.includes(port)).map((v) => `${v.privateIp}/32`);
    rules.push({ ...base, name: `allow-${portName(port)}-from-allowed-sources`, priority: 300 + i, protocol: "Tcp", ...sources(s.publishedSourcePrefixes), destinationAddressPrefixes: targets, destinationPortRange: String(port), description: `Public ${portName(port)} through the load balancer` });
  });
  return rules;
}
