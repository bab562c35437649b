/**
 * The inputs of a VM built from a marketplace image (a CSV row with `Image`), in its two lives:
 * - the disk is absent (first `pulumi up`): `createOption: FromImage` with the image reference,
 *   the disk's name, `deleteOption: Detach` and an `osProfile` (computer name, administrator,
 *   password as a Pulumi secret). Azure creates the disk in the VM's resource group
 *   (`osDisk.managedDisk.id` is refused with FromImage:
 *   https://github.com/Azure/azure-quickstart-templates/issues/3290), so the VM lives in the disk
 *   resource group, never owned, in both lives: a change of resource group would replace it.
 * - the disk exists (every later `pulumi up`): `createOption: Attach` with the disk's ID and no
 *   osProfile: Windows on it is specialized, and a generalized image disk attached would hang at OOBE.
 *
 * Generation 2 images get Trusted Launch (secure boot, vTPM) explicitly, Generation 1 images none
 * (https://learn.microsoft.com/azure/virtual-machines/trusted-launch); an attached disk brings its
 * own security type (osDisk.ts). So the security profile does not change between the two lives.
 *
 * An existing VM must not be updated when its mode flips (FromImage -> Attach after a detach):
 * ARM refuses a change of `osDisk.createOption` ("Changing property 'osDisk.createOption' is not
 * allowed", https://github.com/Azure/azure-sdk-for-net/issues/37285) and of `osProfile`
 * (https://github.com/pulumi/pulumi-azure-nextgen/issues/164), and azure-native would send both as
 * an update. {@link IMAGE_VM_IGNORE_CHANGES} keeps Pulumi from diffing them: an ignored value is
 * copied from the old inputs or dropped when they lack it, while a path whose parent is missing
 * on one side fails the update (https://github.com/pulumi/pulumi-azure-native/issues/2908), so
 * `osProfile` is ignored whole, `storageProfile.osDisk` is present in both lives, and no `[*]`
 * wildcard is used (https://github.com/pulumi/pulumi/issues/12581).
 */
import * as pulumi from "@pulumi/pulumi";
import * as compute from "@pulumi/azure-native/compute";
import type * as types from "@pulumi/azure-native/types";
import { LabVm } from "../input/lab/lab";
import { NAMESPACE, VmImageSettings } from "../input/stack/settings";

/** The VM inputs an Image row's VM keeps from its creation, whichever mode a later run declares. */
export const IMAGE_VM_IGNORE_CHANGES = [
  "osProfile",
  "storageProfile.imageReference",
  "storageProfile.osDisk.createOption",
  "storageProfile.osDisk.managedDisk",
  "storageProfile.osDisk.osType",
];
/** What replaces an Image row's VM: another OS disk (its name; the ID is ignored as above). */
export const IMAGE_VM_REPLACE_ON_CHANGES = ["storageProfile.osDisk.name"];

/** The password sent while the plan runs without one (it warns); never a real password. */
const MISSING_PASSWORD_PLACEHOLDER = "(adminPassword is not set)";

/**
 * The storage, OS and security inputs of an Image row's VM for the mode `osDiskMode` chose
 * (`fromImage` when unknown). `osDiskId` is the disk's ARM ID; `dataDisks` the row's data disks as
 * declared for every VM. The password is read from the stack's config as a secret.
 */
export function imageVmInputs(
  vm: LabVm,
  settings: VmImageSettings,
  osDiskId: pulumi.Input<string>,
  dataDisks: pulumi.Input<types.input.compute.DataDiskArgs>[],
): Pick<compute.VirtualMachineArgs, "storageProfile" | "osProfile" | "securityProfile"> {
  const image = vm.image!;
  const mode = vm.osDiskMode ?? { kind: "fromImage" };
  const trustedLaunch = mode.kind === "fromImage" ? image.generation === 2 : mode.trustedLaunch;
  const securityProfile = trustedLaunch
    ? { securityType: compute.SecurityTypes.TrustedLaunch, uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } }
    : undefined;
  if (mode.kind === "attach") {
    return {
      storageProfile: {
        osDisk: {
          name: vm.osDisk.name,
          createOption: compute.DiskCreateOptionTypes.Attach,
          deleteOption: compute.DiskDeleteOptionTypes.Detach,
          osType: compute.OperatingSystemTypes.Windows,
          managedDisk: { id: osDiskId },
        },
        dataDisks,
      },
      ...(securityProfile ? { securityProfile } : {}),
    };
  }
  const password = new pulumi.Config(NAMESPACE).getSecret("adminPassword") ?? pulumi.secret(MISSING_PASSWORD_PLACEHOLDER);
  return {
    storageProfile: {
      imageReference: { publisher: image.publisher, offer: image.offer, sku: image.sku, version: image.version },
      osDisk: {
        name: vm.osDisk.name,
        createOption: compute.DiskCreateOptionTypes.FromImage,
        deleteOption: compute.DiskDeleteOptionTypes.Detach,
        managedDisk: { storageAccountType: settings.osDiskSku },
      },
      dataDisks,
    },
    osProfile: {
      computerName: vm.computerName ?? vm.name,
      adminUsername: settings.adminUsername ?? "",
      adminPassword: pulumi.secret(password),
      windowsConfiguration: { provisionVMAgent: true },
    },
    ...(securityProfile ? { securityProfile } : {}),
  };
}
