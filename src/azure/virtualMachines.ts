/**
 * The lab's VMs: per BringOnline row a NIC with its static private IP and a VM that
 * attaches the row's existing managed OS disk, created in the CSV's boot order.
 *
 * Attaching an existing disk (Microsoft Learn, https://learn.microsoft.com/azure/virtual-machines/attach-os-disk and the
 * ARM `OSDisk` schema): `createOption: Attach` + `managedDisk.id` + `osType`, no `osProfile`.
 * `deleteOption: Detach` keeps the disk when the VM is deleted; it is set explicitly, on the OS
 * disk and on every data disk (each at the LUN the lab keeps for it), so that no teardown path
 * can delete a disk.
 *
 * Over the lab's life (see `lifecycle.ts` and `shellEdits.ts`): the VM and its NIC are a shell
 * re-created as a unit on the lab's disks and address. A renamed VM (same OS disk, new VMName)
 * carries `aliases` to its old logical names, so Pulumi replaces it instead of creating a second
 * VM beside the old one; `deleteBeforeReplace` then frees its disks before the new one takes
 * them. Its NIC keeps the Azure name it was deployed under (`LabVm.nicName`), so a rename never
 * replaces the NIC: the engine would delete a replaced NIC while the surviving old VM still holds
 * it (NicInUse), because azure-native does not report a VM's `networkProfile` change as a
 * replacement. When the NIC itself is replaced (a subnet move: `replaceOnChanges` on its subnet),
 * the VM's `replaceWith: [nic]` makes the engine delete the VM first (Pulumi CLI 3.207.0,
 * https://github.com/pulumi/pulumi/pull/20693). A new OS disk replaces the VM (`replaceOnChanges`):
 * azure-native would otherwise send it as an in-place OS-disk swap, which Azure accepts only from a
 * deallocated VM (https://learn.microsoft.com/azure/virtual-machines/windows/os-disk-swap;
 * https://github.com/Azure/azure-sdk-for-net/issues/37285); so does a resize Azure cannot do in
 * place (`resize.ts`: `replaceOnChanges` on the size, only when the lab says so).
 *
 * A row with `Image` is built from a marketplace image while its OS disk is absent: its VM lives
 * in the disk resource group and takes its storage, OS and security inputs from `imageVm.ts`.
 */
import * as pulumi from "@pulumi/pulumi";
import * as compute from "@pulumi/azure-native/compute";
import * as network from "@pulumi/azure-native/network";
import { DiskRef } from "../input/csv/disks";
import { LabVm } from "../input/lab/lab";
import { LicenseType, VmImageSettings } from "../input/stack/settings";
import { NIC_SUBNET_PATH, VM_SIZE_PATH } from "../input/lab/shellEdits";
import { IMAGE_VM_IGNORE_CHANGES, IMAGE_VM_REPLACE_ON_CHANGES, imageVmInputs } from "./imageVm";

/** The ARM resource ID of a managed disk (`Microsoft.Compute/disks`). */
export function diskId(subscriptionId: pulumi.Input<string>, disk: DiskRef): pulumi.Output<string> {
  if (disk.id) return pulumi.output(disk.id);
  return pulumi.interpolate`/subscriptions/${subscriptionId}/resourceGroups/${disk.resourceGroupName}/providers/Microsoft.Compute/disks/${disk.name}`;
}

/** The VM input whose change replaces the VM (a running VM refuses an in-place OS-disk swap). */
export const OS_DISK_ID_PATH = "storageProfile.osDisk.managedDisk.id";

/** What one declared VM consists of. */
export interface DeclaredVm {
  nic: network.NetworkInterface;
  vm: compute.VirtualMachine;
}

/** Where and how {@link declareVm} declares a VM. */
export interface VmArgs {
  /** The lab's own resource group: every NIC, and the VMs of rows without Image. */
  resourceGroupName: pulumi.Input<string>;
  /** The disk resource group (never owned): the VMs of Image rows, whose OS disk Azure creates beside them. */
  diskResourceGroupName: string;
  location: string;
  subnet: network.Subnet;
  subscriptionId: pulumi.Input<string>;
  /** IDs of the load balancer backend pools the NIC joins (NIC-based pools: see loadBalancer.ts). */
  backendPoolIds: pulumi.Input<string>[];
  /** What the NIC waits for besides its subnet: the last subnet write of the VNet. */
  after: pulumi.Resource[];
  /** Administrator, licence and OS disk type (licenceType applies to every VM). */
  vmImage: VmImageSettings;
  /** NIC-level DNS servers (a Role row: the lab's DCs); empty or absent: the VNet's. */
  dnsServers?: string[];
}

/**
 * Declares the NIC and VM of one lab VM.
 *
 * @param bootDependencies what this VM is created after (`vm.dependsOn`): each barrier's readiness gate, or the VM itself.
 * `deleteBeforeReplace` because both carry fixed names, the NIC a fixed IP and the VM a disk
 * that only one VM can hold: a replacement must free them before it takes them.
 */
export function declareVm(
  vm: LabVm,
  args: VmArgs,
  bootDependencies: pulumi.Resource[],
  opts: pulumi.CustomResourceOptions,
): DeclaredVm {
  const nic = new network.NetworkInterface(
    // Kept once deployed, across renames: the URN the VM's replaceWith cascade is matched by (shellEdits.ts).
    vm.nicResource ?? `${vm.name}-nic`,
    {
      resourceGroupName: args.resourceGroupName,
      // Kept once deployed, whatever the VM is called now (see above).
      networkInterfaceName: vm.nicName ?? `${vm.name}-nic`,
      location: args.location,
      ipConfigurations: [
        {
          name: "ipconfig1",
          primary: true,
          subnet: { id: args.subnet.id },
          privateIPAllocationMethod: network.IPAllocationMethod.Static,
          privateIPAddress: vm.privateIp,
          privateIPAddressVersion: network.IPVersion.IPv4,
          loadBalancerBackendAddressPools: args.backendPoolIds.map((id) => ({ id })),
        },
      ],
      // A Role row resolves the domain through the DCs from its first boot: NIC DNS overrides the
      // VNet's (https://learn.microsoft.com/azure/virtual-network/virtual-network-network-interface),
      // so nothing waits for a change of the VNet, which every NIC depends on.
      ...(args.dnsServers && args.dnsServers.length > 0 ? { dnsSettings: { dnsServers: args.dnsServers } } : {}),
    },
    {
      ...opts,
      dependsOn: args.after,
      deleteBeforeReplace: true,
      replaceOnChanges: [NIC_SUBNET_PATH],
    },
  );

  return { nic, vm: declareMachine(vm, nic, args, bootDependencies, opts) };
}

/**
 * The VM itself. A row without `Image` attaches its existing OS disk (these inputs are pinned by a
 * snapshot test); a row with one lives in the disk resource group and takes its storage, OS and
 * security inputs from `imageVm.ts`, with the changes of its second life ignored.
 */
function declareMachine(vm: LabVm, nic: network.NetworkInterface, args: VmArgs, bootDependencies: pulumi.Resource[], opts: pulumi.CustomResourceOptions): compute.VirtualMachine {
  const dataDisks = vm.dataDisks.map((disk) => ({
    lun: disk.lun,
    createOption: compute.DiskCreateOptionTypes.Attach,
    deleteOption: compute.DiskDeleteOptionTypes.Detach,
    managedDisk: { id: diskId(args.subscriptionId, disk) },
  }));
  const fromImage = vm.image ? imageVmInputs(vm, args.vmImage, diskId(args.subscriptionId, vm.osDisk), dataDisks) : undefined;
  return new compute.VirtualMachine(
    vm.name,
    {
      resourceGroupName: vm.image ? args.diskResourceGroupName : args.resourceGroupName,
      vmName: vm.name,
      location: args.location,
      hardwareProfile: { vmSize: vm.size },
      storageProfile: fromImage?.storageProfile ?? {
        osDisk: {
          createOption: compute.DiskCreateOptionTypes.Attach,
          deleteOption: compute.DiskDeleteOptionTypes.Detach,
          osType: compute.OperatingSystemTypes.Windows,
          managedDisk: { id: diskId(args.subscriptionId, vm.osDisk) },
        },
        dataDisks,
      },
      ...(fromImage?.osProfile ? { osProfile: fromImage.osProfile } : {}),
      ...(fromImage?.securityProfile ? { securityProfile: fromImage.securityProfile } : {}),
      ...licenseTypeOf(vm, args.vmImage.licenseType),
      networkProfile: { networkInterfaces: [{ id: nic.id, primary: true }] },
      // Boot diagnostics with managed storage: a serial log and screenshot when a VM will not boot.
      diagnosticsProfile: { bootDiagnostics: { enabled: true } },
    },
    {
      ...opts,
      dependsOn: bootDependencies,
      deleteBeforeReplace: true,
      replaceOnChanges: [...(vm.image ? IMAGE_VM_REPLACE_ON_CHANGES : [OS_DISK_ID_PATH]), ...(vm.resize?.kind === "recreate" ? [VM_SIZE_PATH] : [])],
      replaceWith: [nic],
      ...(vm.image ? { ignoreChanges: IMAGE_VM_IGNORE_CHANGES } : {}),
      aliases: vm.previousName ? [{ name: vm.previousName }] : undefined,
    },
  );
}

/**
 * The VM's `licenseType`, by kind: `Windows_Client` (multitenant hosting rights) only on a VM of a
 * Windows client image, `Windows_Server` (Azure Hybrid Benefit) on every other VM, `None` on all.
 * A VM on an existing disk counts as a server: its OS is not known.
 */
function licenseTypeOf(vm: LabVm, licenseType: LicenseType | undefined): { licenseType?: LicenseType } {
  if (licenseType === undefined) return {};
  const client = vm.image?.windowsClient ?? false;
  if (licenseType === "Windows_Client" && !client) return {};
  if (licenseType === "Windows_Server" && client) return {};
  return { licenseType };
}
