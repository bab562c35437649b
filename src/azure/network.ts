/**
 * The lab's virtual network: one VNet with the stack's address space, one subnet per lab
 * subnet, and `GatewaySubnet` for the VPN gateway.
 */
import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import { Lab } from "../lab";

/** The declared network: the VNet and its subnets by name (lab subnets and `GatewaySubnet`). */
export interface LabNetwork {
  virtualNetwork: network.VirtualNetwork;
  /** Lab subnets keyed by their name as written in the stack file. */
  subnets: Map<string, network.Subnet>;
  gatewaySubnet: network.Subnet;
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
    },
    opts,
  );

  const subnets = new Map<string, network.Subnet>();
  let previous: network.Subnet | undefined;
  const subnet = (name: string, prefix: string): network.Subnet => {
    const declared = new network.Subnet(
      name,
      { resourceGroupName, virtualNetworkName: virtualNetwork.name, subnetName: name, addressPrefix: prefix },
      { ...opts, dependsOn: previous ? [previous] : [] },
    );
    previous = declared;
    return declared;
  };
  const gatewaySubnet = subnet(GATEWAY_SUBNET_NAME, s.gatewaySubnet.text);
  for (const { name, cidr } of s.subnets) subnets.set(name, subnet(name, cidr.text));
  return { virtualNetwork, subnets, gatewaySubnet };
}
