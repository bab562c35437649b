/**
 * The lab's virtual network: one VNet with the stack's address space (and the lab's DNS
 * servers), one subnet per lab subnet with its own network security group, and
 * `GatewaySubnet` for the VPN gateway (never with an NSG: Microsoft does not support one there,
 * https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-about-vpn-gateway-settings).
 *
 * Lab subnets set `defaultOutboundAccess: false`: the VMs reach the internet through the load
 * balancer's outbound rule, the explicit method Azure requires of new subnets from network API
 * 2025-07-01 (https://learn.microsoft.com/azure/virtual-network/ip-services/default-outbound-access).
 */
import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import { Lab } from "../input/lab/lab";
import { securityRulesFor } from "./securityRules";

/** The declared network: the VNet and its subnets by name (lab subnets and `GatewaySubnet`). */
export interface LabNetwork {
  virtualNetwork: network.VirtualNetwork;
  /** Lab subnets keyed by their name as written in the stack file. */
  subnets: Map<string, network.Subnet>;
  gatewaySubnet: network.Subnet;
  /** The NSG of each lab subnet, keyed like `subnets`. */
  securityGroups: Map<string, network.NetworkSecurityGroup>;
  /** The last subnet written: NICs and the load balancer wait for it, since ARM refuses writes
   * that race a subnet write on the same virtual network (AnotherOperationInProgress). */
  lastSubnet: network.Subnet;
}

/** The name Azure requires for the subnet of a virtual network gateway. */
export const GATEWAY_SUBNET_NAME = "GatewaySubnet";

/**
 * Declares the VNet and its subnets in `resourceGroupName`. Subnets are separate `Subnet`
 * resources so that one can be added without touching the others; they are created one
 * after another because ARM rejects concurrent writes to one VNet's subnets.
 */
export function declareNetwork(lab: Lab, resourceGroupName: pulumi.Input<string>, opts: pulumi.CustomResourceOptions): LabNetwork {
  const s = lab.settings;
  const virtualNetwork = new network.VirtualNetwork(
    s.virtualNetworkName,
    {
      resourceGroupName,
      virtualNetworkName: s.virtualNetworkName,
      location: s.location,
      addressSpace: { addressPrefixes: s.addressSpace.map((c) => c.text) },
      // Members find their domain controller; a DC forwards what it cannot answer to 168.63.129.16.
      dhcpOptions: lab.dnsServers.length > 0 ? { dnsServers: lab.dnsServers } : undefined,
    },
    opts,
  );

  const securityGroups = new Map<string, network.NetworkSecurityGroup>();
  for (const { name } of s.subnets) {
    const nsgName = `${name}-nsg`;
    securityGroups.set(
      name,
      new network.NetworkSecurityGroup(
        nsgName,
        { resourceGroupName, networkSecurityGroupName: nsgName, location: s.location, securityRules: securityRulesFor(lab, name) },
        opts,
      ),
    );
  }

  const subnets = new Map<string, network.Subnet>();
  let previous: network.Subnet | undefined;
  const subnet = (name: string, prefix: string, nsg?: network.NetworkSecurityGroup): network.Subnet => {
    const declared = new network.Subnet(
      name,
      {
        resourceGroupName,
        virtualNetworkName: virtualNetwork.name,
        subnetName: name,
        addressPrefix: prefix,
        ...(nsg ? { networkSecurityGroup: { id: nsg.id }, defaultOutboundAccess: false } : {}),
      },
      { ...opts, dependsOn: previous ? [previous] : [] },
    );
    previous = declared;
    return declared;
  };
  const gatewaySubnet = subnet(GATEWAY_SUBNET_NAME, s.gatewaySubnet.text);
  for (const { name, cidr } of s.subnets) subnets.set(name, subnet(name, cidr.text, securityGroups.get(name)));
  return { virtualNetwork, subnets, gatewaySubnet, securityGroups, lastSubnet: previous ?? gatewaySubnet };
}
