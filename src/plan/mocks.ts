/**
 * Pulumi mocks for the offline plan and the tests: every resource registration is recorded
 * with its inputs, and each resource gets the ARM ID it would have in Azure (with an
 * all-zero subscription), so that references between resources read naturally.
 */
import * as pulumi from "@pulumi/pulumi";

/** The subscription ID the offline plan uses: nothing is known about the real one. */
export const PLAN_SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000";

/** One registration seen by the mock runtime. */
export interface Registration {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

// ARM resource types of what the lab declares, and which input carries the Azure name.
const ARM_TYPES: Record<string, { provider: string; path: (inputs: Record<string, unknown>, name: string) => string }> = {
  "azure-native:network:VirtualNetwork": { provider: "Microsoft.Network", path: (i) => `virtualNetworks/${i.virtualNetworkName}` },
  "azure-native:network:Subnet": { provider: "Microsoft.Network", path: (i) => `virtualNetworks/${i.virtualNetworkName}/subnets/${i.subnetName}` },
  "azure-native:network:NetworkInterface": { provider: "Microsoft.Network", path: (i) => `networkInterfaces/${i.networkInterfaceName}` },
  "azure-native:network:PublicIPAddress": { provider: "Microsoft.Network", path: (i) => `publicIPAddresses/${i.publicIpAddressName}` },
  "azure-native:network:VirtualNetworkGateway": { provider: "Microsoft.Network", path: (i) => `virtualNetworkGateways/${i.virtualNetworkGatewayName}` },
  "azure-native:network:LocalNetworkGateway": { provider: "Microsoft.Network", path: (i) => `localNetworkGateways/${i.localNetworkGatewayName}` },
  "azure-native:network:VirtualNetworkGatewayConnection": { provider: "Microsoft.Network", path: (i) => `connections/${i.virtualNetworkGatewayConnectionName}` },
  "azure-native:network:LoadBalancer": { provider: "Microsoft.Network", path: (i) => `loadBalancers/${i.loadBalancerName}` },
  "azure-native:network:NetworkSecurityGroup": { provider: "Microsoft.Network", path: (i) => `networkSecurityGroups/${i.networkSecurityGroupName}` },
  "azure-native:compute:VirtualMachine": { provider: "Microsoft.Compute", path: (i) => `virtualMachines/${i.vmName}` },
  "azure-native:devtestlab:GlobalSchedule": { provider: "Microsoft.DevTestLab", path: (i) => `schedules/${i.name}` },
};

/** The `*Name` input that names a resource in Azure (`vmName`, `subnetName`, ...), if any. */
function azureName(inputs: Record<string, unknown>, type: string): string | undefined {
  const short = type.split(":")[2] ?? "";
  const own = `${short.charAt(0).toLowerCase()}${short.slice(1)}Name`;
  const candidates = [own, "vmName", "subnetName", "publicIpAddressName", "name"];
  for (const key of candidates) if (typeof inputs[key] === "string") return inputs[key] as string;
  return undefined;
}

/** The organization the mock runtime runs under: a DIY backend's (`pulumi login --local`) name. */
export const PLAN_ORGANIZATION = "organization";

/** The type token of a stack reference, which the program uses to read its own last outputs. */
export const STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference";

/**
 * Creates mocks that record registrations into `sink`. Invokes answered: azure-native's
 * `getClientConfig` (the all-zero subscription). Other invokes return their inputs.
 * A `StackReference` (the program reading its own stack) answers `stackOutputs`: the previous
 * deployment's outputs (`--previous`), or none, as a first `pulumi up` or one after `pulumi destroy`.
 */
export function recordingMocks(sink: Registration[], stackOutputs: Record<string, unknown> = {}): pulumi.runtime.Mocks {
  return {
    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
      const inputs = args.inputs as Record<string, unknown>;
      sink.push({ type: args.type, name: args.name, inputs });
      const name = azureName(inputs, args.type) ?? args.name;
      let id = args.id || `${args.name}-id`;
      if (args.type === "azure-native:resources:ResourceGroup") id = `/subscriptions/${PLAN_SUBSCRIPTION_ID}/resourceGroups/${name}`;
      const arm = ARM_TYPES[args.type];
      if (arm) id = `/subscriptions/${PLAN_SUBSCRIPTION_ID}/resourceGroups/${inputs.resourceGroupName}/providers/${arm.provider}/${arm.path(inputs, name)}`;
      if (args.type === STACK_REFERENCE_TYPE) return { id, state: { name: inputs.name, outputs: stackOutputs, secretOutputNames: [] } };
      return { id, state: { ...inputs, name } };
    },
    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
      if (args.token === "azure-native:authorization:getClientConfig") {
        return { subscriptionId: PLAN_SUBSCRIPTION_ID, tenantId: PLAN_SUBSCRIPTION_ID, clientId: PLAN_SUBSCRIPTION_ID, objectId: PLAN_SUBSCRIPTION_ID };
      }
      return args.inputs as Record<string, unknown>;
    },
  };
}
