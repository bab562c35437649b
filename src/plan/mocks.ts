/**
 * Pulumi mocks for the offline plan and the tests: every resource registration is recorded
 * with its inputs, and each resource gets the ARM ID it would have in Azure (with an
 * all-zero subscription), so that references between resources read naturally.
 */
import * as pulumi from "@pulumi/pulumi";
import { DEPLOYED_LAB_OUTPUT, findDeployedLabRecord, previousDeployment } from "../input/lab/previous";
import { parseImage } from "../input/csv/images";

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
 * `getClientConfig` (the all-zero subscription) and `compute:getDisk` (an OS disk exists when the
 * previous deployment had its VM online; otherwise 404). Other invokes return their inputs.
 * A `StackReference` (the program reading its own stack) answers `stackOutputs`: the previous
 * deployment's outputs (`--previous`), or none, as a first `pulumi up` or one after `pulumi destroy`.
 */
export function recordingMocks(sink: Registration[], stackOutputs: Record<string, unknown> = {}): pulumi.runtime.Mocks {
  const disks = deployedOsDisks(stackOutputs[DEPLOYED_LAB_OUTPUT]);
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
      if (args.token === GET_DISK_TOKEN) return plannedDisk(args.inputs as { resourceGroupName: string; diskName: string }, disks);
      // A NIC the last deployment removed (src/azure/leftMachines.ts): offline its delete is taken
      // as done, as it is unless that pulumi up failed; after a failure the checkpoint given as
      // --previous lists what is left (stillInState), and the plan warns about the assumption.
      if (args.token === GET_NIC_TOKEN) {
        const i = args.inputs as { resourceGroupName: string; networkInterfaceName: string };
        throw invokeError(`RESPONSE 404: 404 Not Found\nERROR CODE: ResourceNotFound\nThe Resource 'Microsoft.Network/networkInterfaces/${i.networkInterfaceName}' under resource group '${i.resourceGroupName}' was not found.`);
      }
      return args.inputs as Record<string, unknown>;
    },
  };
}

/** The invoke that asks whether a NIC the last deployment removed still exists (src/azure/leftMachines.ts). */
export const GET_NIC_TOKEN = "azure-native:network:getNetworkInterface";

/** The invoke that asks whether an Image row's OS disk exists (src/azure/osDisk.ts). */
export const GET_DISK_TOKEN = "azure-native:compute:getDisk";

/** An OS disk the previous deployment attached: the VM that holds it and whether it is Trusted Launch. */
interface DeployedDisk {
  vm: string;
  trustedLaunch: boolean;
}

/** The OS disks of the previous deployment's online VMs, by lowercased name; none without a record. */
export function deployedOsDisks(output: unknown): Map<string, DeployedDisk> {
  const found = output === undefined ? undefined : findDeployedLabRecord(output);
  const disks = new Map<string, DeployedDisk>();
  if (!found || "error" in found) return disks;
  const rows = new Map(previousDeployment(found.record).vms.map((v) => [v.name, v]));
  for (const vm of rows.values()) {
    if (!vm.online || vm.osDisk === "") continue;
    const image = vm.image ? parseImage(vm.image) : undefined;
    disks.set(vm.osDisk, { vm: vm.name, trustedLaunch: image !== undefined && "image" in image && image.image.generation === 2 });
  }
  return disks;
}

/**
 * `getDisk` as Azure would answer it offline: a disk of the previous deployment exists, attached to
 * its VM (in the disk group), with Trusted Launch when its image was Generation 2; any other disk
 * is absent, answered with ARM's 404 ResourceNotFound.
 */
function plannedDisk(inputs: { resourceGroupName: string; diskName: string }, disks: ReadonlyMap<string, DeployedDisk>): Record<string, unknown> {
  const disk = disks.get(String(inputs.diskName).toLowerCase());
  const group = `/subscriptions/${PLAN_SUBSCRIPTION_ID}/resourceGroups/${inputs.resourceGroupName}`;
  if (!disk) throw invokeError(`RESPONSE 404: 404 Not Found\nERROR CODE: ResourceNotFound\nThe Resource 'Microsoft.Compute/disks/${inputs.diskName}' under resource group '${inputs.resourceGroupName}' was not found.`);
  return {
    name: inputs.diskName,
    id: `${group}/providers/Microsoft.Compute/disks/${inputs.diskName}`,
    diskState: "Attached",
    managedBy: `${group}/providers/Microsoft.Compute/virtualMachines/${disk.vm}`,
    ...(disk.trustedLaunch ? { securityProfile: { securityType: "TrustedLaunch" } } : {}),
  };
}

/**
 * An error a mock `call` throws to fail an invoke as a provider would: @pulumi/pulumi rejects the
 * invoke with `new Error(err.details)` (runtime/invoke.js), the gRPC status text that carries the
 * provider's message, so the message must travel in `details`.
 */
export function invokeError(message: string): Error {
  return Object.assign(new Error(message), { details: message });
}
