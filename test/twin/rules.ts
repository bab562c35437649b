/**
 * The Azure twin's rules: what ARM refuses, one row per rule, each with ARM's error code and its
 * source. The twin (`arm.ts`) consults this table and nothing else when it refuses a request, so
 * a rule without a row cannot exist. `code` is what the twin answers; where Microsoft publishes no
 * code for the refusal, `codeConfirmed` is false and the note says what is known.
 *
 * The twin proves the Pulumi engine's order of operations against these rules, never Azure's own
 * behaviour: see docs/rehearse.md for what it does not model.
 */

/** One ARM refusal the twin models. */
export interface ArmRule {
  /** Stable id, used by the tests (`test/engine/refusals.engine.ts`) and in the twin's messages. */
  id: string;
  /** The ARM resource type the request is for. */
  resourceType: string;
  /** The request refused, in words. */
  when: string;
  /** ARM's error code, as the provider reports it. */
  code: string;
  /** Whether `code` is documented or seen in a public thread (false: the refusal is, the code is not). */
  codeConfirmed: boolean;
  /** Public sources: Microsoft Learn, an issue thread that quotes ARM's answer, azure-native's source. */
  sources: string[];
}

/** Every rule, by id. */
export const ARM_RULES = {
  nicDeleteAttached: {
    id: "nicDeleteAttached",
    resourceType: "Microsoft.Network/networkInterfaces",
    when: "DELETE of a NIC that a VM still holds",
    code: "NicInUse",
    codeConfirmed: true,
    sources: [
      "https://learn.microsoft.com/azure/virtual-network/virtual-network-network-interface#delete-a-network-interface",
      "https://github.com/hashicorp/terraform/issues/18127",
      "https://github.com/hashicorp/terraform-provider-azurerm/issues/8105",
    ],
  },
  nicSecondVm: {
    id: "nicSecondVm",
    resourceType: "Microsoft.Compute/virtualMachines",
    when: "PUT of a VM whose NIC another VM holds",
    code: "NicInUse",
    codeConfirmed: false,
    sources: [
      "https://learn.microsoft.com/azure/virtual-network/virtual-network-network-interface-vm#constraints (a NIC is attached to one VM)",
      "https://github.com/taskcluster/taskcluster/issues/7196 (NicReservedForAnotherVm, the neighbouring refusal)",
    ],
  },
  privateIpInUse: {
    id: "privateIpInUse",
    resourceType: "Microsoft.Network/networkInterfaces",
    when: "PUT of a NIC with a static address another IP configuration in the subnet holds",
    code: "PrivateIPAddressInUse",
    codeConfirmed: true,
    sources: ["https://learn.microsoft.com/azure/virtual-network/ip-services/private-ip-addresses (a static address is unique in its subnet)"],
  },
  privateIpOutsideSubnet: {
    id: "privateIpOutsideSubnet",
    resourceType: "Microsoft.Network/networkInterfaces",
    when: "PUT of a NIC whose static address lies outside its subnet's range, or is one of the five Azure reserves",
    code: "PrivateIPAddressNotInSubnet",
    codeConfirmed: true,
    sources: ["https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq#are-there-any-restrictions-on-using-ip-addresses-within-these-subnets"],
  },
  subnetPrefixInUse: {
    id: "subnetPrefixInUse",
    resourceType: "Microsoft.Network/virtualNetworks/subnets",
    when: "PUT that changes the range of a subnet IP configurations use (NICs, the VPN gateway)",
    code: "InUsePrefixCannotBeDeleted",
    codeConfirmed: true,
    sources: ["https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-subnet#change-subnet-settings", "https://github.com/hashicorp/terraform-provider-azurerm/issues/11211"],
  },
  subnetDeleteInUse: {
    id: "subnetDeleteInUse",
    resourceType: "Microsoft.Network/virtualNetworks/subnets",
    when: "DELETE of a subnet IP configurations use",
    code: "InUseSubnetCannotBeDeleted",
    codeConfirmed: true,
    sources: ["https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-subnet#delete-a-subnet"],
  },
  subnetOverlap: {
    id: "subnetOverlap",
    resourceType: "Microsoft.Network/virtualNetworks/subnets",
    when: "PUT of a subnet whose range overlaps another subnet of the VNet",
    code: "NetcfgSubnetRangesOverlap",
    codeConfirmed: true,
    sources: ["https://github.com/Azure/azure-cli/issues/10917"],
  },
  subnetOutsideVnet: {
    id: "subnetOutsideVnet",
    resourceType: "Microsoft.Network/virtualNetworks",
    when: "PUT of a subnet outside the VNet's address space, or of a VNet whose address space no longer holds a subnet",
    code: "NetcfgSubnetRangeOutsideVnet",
    codeConfirmed: true,
    sources: ["https://learn.microsoft.com/azure/virtual-network/manage-virtual-network#add-or-remove-an-address-range (\"If a subnet exists in the address range, you can't remove the address range\")"],
  },
  nsgInUse: {
    id: "nsgInUse",
    resourceType: "Microsoft.Network/networkSecurityGroups",
    when: "DELETE of a network security group a subnet is associated with",
    code: "InUseNetworkSecurityGroupCannotBeDeleted",
    codeConfirmed: true,
    sources: ["https://learn.microsoft.com/azure/virtual-network/manage-network-security-group#delete-a-network-security-group"],
  },
  publicIpInUse: {
    id: "publicIpInUse",
    resourceType: "Microsoft.Network/publicIPAddresses",
    when: "DELETE of a public IP a load balancer frontend or a VPN gateway holds",
    code: "PublicIPAddressCannotBeDeleted",
    codeConfirmed: true,
    sources: ["https://learn.microsoft.com/azure/virtual-network/ip-services/virtual-network-public-ip-address#delete-a-public-ip-address"],
  },
  dnsLabelInUse: {
    id: "dnsLabelInUse",
    resourceType: "Microsoft.Network/publicIPAddresses",
    when: "PUT of a public IP whose DNS label another public IP in the region holds",
    code: "DnsRecordInUse",
    codeConfirmed: true,
    sources: ["https://learn.microsoft.com/azure/virtual-network/ip-services/public-ip-addresses#dns-name-label"],
  },
  gatewaySubnetName: {
    id: "gatewaySubnetName",
    resourceType: "Microsoft.Network/virtualNetworkGateways",
    when: "PUT of a VPN gateway whose IP configuration is not in the subnet named GatewaySubnet",
    code: "InvalidGatewaySubnet",
    codeConfirmed: false,
    sources: ["https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-about-vpn-gateway-settings#gwsub"],
  },
  localGatewayEndpointKind: {
    id: "localGatewayEndpointKind",
    resourceType: "Microsoft.Network/localNetworkGateways",
    when: "PUT that switches a local network gateway between an IP address and an FQDN endpoint",
    code: "LocalNetworkGatewayEndpointTypeCannotBeChanged",
    codeConfirmed: false,
    sources: ["https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-modify-local-network-gateway-portal (\"You can't change a local network gateway between FQDN endpoint and IP address endpoint\")"],
  },
  diskSecondVm: {
    id: "diskSecondVm",
    resourceType: "Microsoft.Compute/virtualMachines",
    when: "PUT of a VM that attaches a disk another VM holds (managedBy)",
    code: "OperationNotAllowed",
    codeConfirmed: false,
    sources: ["https://learn.microsoft.com/azure/virtual-machines/managed-disks-overview (a disk without shared disks enabled attaches to one VM)"],
  },
  diskExistsFromImage: {
    id: "diskExistsFromImage",
    resourceType: "Microsoft.Compute/virtualMachines",
    when: "PUT of a VM built from an image whose OS disk name exists in the resource group",
    code: "ConflictingUserInput",
    codeConfirmed: true,
    sources: ["https://github.com/Azure/azure-quickstart-templates/issues/3290", "https://learn.microsoft.com/rest/api/compute/virtual-machines/create-or-update (osDisk.createOption)"],
  },
  diskMissing: {
    id: "diskMissing",
    resourceType: "Microsoft.Compute/virtualMachines",
    when: "PUT of a VM that attaches a disk that does not exist",
    code: "NotFound",
    codeConfirmed: true,
    sources: ["https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-not-found"],
  },
  lunMoved: {
    id: "lunMoved",
    resourceType: "Microsoft.Compute/virtualMachines",
    when: "PUT of an existing VM that moves an attached data disk to another LUN",
    code: "ConflictingUserInput",
    codeConfirmed: true,
    sources: ["https://github.com/Azure/azure-sdk-for-go/issues/816"],
  },
  generation: {
    id: "generation",
    resourceType: "Microsoft.Compute/virtualMachines",
    when: "PUT of a VM whose size cannot boot its OS disk's Hyper-V generation",
    code: "BadRequest",
    codeConfirmed: true,
    sources: ["https://learn.microsoft.com/azure/virtual-machines/generation-2#generation-2-vm-sizes", "https://learn.microsoft.com/rest/api/compute/resource-skus/list (HyperVGenerations)"],
  },
  resizeTempDisk: {
    id: "resizeTempDisk",
    resourceType: "Microsoft.Compute/virtualMachines",
    when: "PUT that resizes a VM between a size with a local temp disk and one without, or between SCSI and NVMe-only",
    code: "OperationNotAllowed",
    codeConfirmed: false,
    sources: ["https://learn.microsoft.com/azure/virtual-machines/sizes/resize-vm#limitations"],
  },
  runCommandDeallocated: {
    id: "runCommandDeallocated",
    resourceType: "Microsoft.Compute/virtualMachines/runCommands",
    when: "PUT or DELETE of a run command on a deallocated VM (DELETE: no page says; modelled as refused)",
    code: "OperationNotAllowed",
    codeConfirmed: true,
    sources: ["https://github.com/hashicorp/terraform-provider-azurerm/issues/477", "https://learn.microsoft.com/azure/virtual-machines/windows/run-command-managed (the VM agent must be Ready)"],
  },
  parentMissing: {
    id: "parentMissing",
    resourceType: "*",
    when: "PUT of a child resource (subnet, run command) whose parent does not exist",
    code: "ParentResourceNotFound",
    codeConfirmed: true,
    sources: ["https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-parent-resource"],
  },
  groupMissing: {
    id: "groupMissing",
    resourceType: "*",
    when: "PUT of a resource into a resource group that does not exist",
    code: "ResourceGroupNotFound",
    codeConfirmed: true,
    sources: ["https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-resource-group-not-found"],
  },
  referenceMissing: {
    id: "referenceMissing",
    resourceType: "*",
    when: "PUT that references a resource that does not exist (a NIC's subnet, a VM's NIC, a schedule's VM)",
    code: "InvalidResourceReference",
    codeConfirmed: true,
    sources: ["https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-not-found"],
  },
  alreadyExists: {
    id: "alreadyExists",
    resourceType: "*",
    when: "create of a resource whose name exists (ARM names are case-insensitive): azure-native checks before it creates",
    code: "AlreadyExists",
    codeConfirmed: false,
    sources: ["https://github.com/pulumi/pulumi-azure-native/issues/303", "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules (names are case-insensitive)"],
  },
} as const satisfies Record<string, ArmRule>;

export type ArmRuleId = keyof typeof ARM_RULES;

/** The error the twin answers with: ARM's code, the rule, and its message, as azure-native would report it. */
export class ArmError extends Error {
  constructor(readonly rule: ArmRuleId | "fault", readonly code: string, message: string) {
    super(`${code}: ${message}`);
  }
}

/** Throws the rule's error with `message` (the resources involved). */
export function refuse(rule: ArmRuleId, message: string): never {
  const r: ArmRule = ARM_RULES[rule];
  throw new ArmError(rule, r.code, `${message} [twin rule ${r.id}${r.codeConfirmed ? "" : ", code not published by Microsoft"}; ${r.sources[0]}]`);
}
