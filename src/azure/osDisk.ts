/**
 * Asks Azure, at `pulumi up` and `pulumi preview`, whether each Image row's OS disk exists
 * (`compute.getDisk`, a plain GET on the disk), to choose how its VM gets it: built from the image
 * while the disk is absent, attached ever after (see `imageVm.ts`).
 *
 * Only a 404 / `ResourceNotFound` means "absent": every other answer (a missing resource group,
 * 403 AuthorizationFailed, throttling) stops the run with its message, or the VM would be
 * rebuilt from the image over a disk that exists. An invoke's error reaches the program as a
 * rejected promise (https://github.com/pulumi/pulumi/issues/3364). A disk attached to another VM
 * is an error naming that VM (a disk belongs to one VM at a time); a disk whose security type is
 * Trusted Launch is attached with it, as the Azure CLI does
 * (https://github.com/Azure/azure-cli/issues/27700): "Security type of VM is not compatible with
 * the security type of attached OS Disk" otherwise (https://github.com/Azure/azure-sdk-for-python/issues/30479).
 */
import * as compute from "@pulumi/azure-native/compute";
import { OsDiskMode } from "../input/csv/images";
import { Lab, LabVm, onlineVms } from "../input/lab/lab";
import { LabValidationError, Problem } from "../input/problems";

/** What a failed `getDisk` means: the disk is absent, or the run must stop with `message`. */
export function classifyDiskLookupError(error: unknown, diskGroup: string): { absent: true } | { absent: false; message: string } {
  const text = error instanceof Error ? error.message : String(error);
  if (/ResourceGroupNotFound/i.test(text)) {
    return { absent: false, message: `resource group ${diskGroup} (diskResourceGroupName) was not found: create it first (az group create --name ${diskGroup} --location <region>); it is never created by the stack. Azure said: ${text}` };
  }
  if (/AuthorizationFailed|\b403\b/i.test(text)) {
    return { absent: false, message: `the deploying identity may not read disks in ${diskGroup}: it needs Microsoft.Compute/disks/read there (see docs/deploy.md, "The disk resource group"). Azure said: ${text}` };
  }
  // A 404 names its code: only ResourceNotFound (or none) is the disk's absence; SubscriptionNotFound
  // and the like are not.
  const otherNotFound = [...text.matchAll(/\b(\w+NotFound)\b/g)].some((m) => m[1] !== "ResourceNotFound");
  if (!otherNotFound && /\bResourceNotFound\b|\bNotFound\b|\b404\b/.test(text)) return { absent: true };
  return { absent: false, message: `could not find out whether the OS disk exists, so the run stops rather than build the VM from its image over a disk that may exist: ${text}` };
}

/** The mode for a disk that exists, or why it cannot serve this VM. */
export function modeOfExistingDisk(vm: LabVm, disk: Pick<compute.GetDiskResult, "managedBy" | "securityProfile">): OsDiskMode | { error: string } {
  const holder = disk.managedBy ? /\/virtualMachines\/([^/]+)$/i.exec(disk.managedBy)?.[1] ?? disk.managedBy : undefined;
  const own = [vm.name, vm.previousName].filter((n): n is string => n !== undefined).map((n) => n.toLowerCase());
  if (holder && !own.includes(holder.toLowerCase())) {
    return { error: `disk '${vm.osDisk.name}' is attached to VM ${holder} (${disk.managedBy}); a disk belongs to one VM at a time: detach it (or delete that VM, its disk stays with deleteOption Detach) and run again` };
  }
  const securityType = disk.securityProfile?.securityType;
  if (securityType && /^Confidential/i.test(securityType)) return { error: `disk '${vm.osDisk.name}' has security type ${securityType}; this lab attaches Standard and Trusted Launch disks only` };
  return { kind: "attach", trustedLaunch: securityType === "TrustedLaunch" };
}

/**
 * Looks up the OS disk of every online Image row (in parallel) and returns the lab with each such
 * row's `osDiskMode` set. Throws {@link LabValidationError} with one problem per row whose disk
 * cannot be used or looked up, on the row's VMOSDiskName cell.
 */
export async function withOsDiskModes(lab: Lab): Promise<Lab> {
  const rows = onlineVms(lab).filter((vm) => vm.image);
  if (rows.length === 0) return lab;
  const problems: Problem[] = [];
  const modes = new Map<LabVm, OsDiskMode>();
  await Promise.all(rows.map(async (vm) => {
    const found: OsDiskMode | { error: string } = await compute.getDisk({ resourceGroupName: lab.settings.diskResourceGroupName, diskName: vm.osDisk.name }).then(
      (disk) => modeOfExistingDisk(vm, disk),
      (err: unknown) => {
        const failure = classifyDiskLookupError(err, lab.settings.diskResourceGroupName);
        return failure.absent ? { kind: "fromImage" } : { error: failure.message };
      },
    );
    if ("error" in found) problems.push({ file: lab.csvFile, line: vm.line, column: "VMOSDiskName", message: found.error });
    else modes.set(vm, found);
  }));
  if (problems.length > 0) throw new LabValidationError(problems);
  return { ...lab, vms: lab.vms.map((vm) => {
    const osDiskMode = modes.get(vm);
    return osDiskMode ? { ...vm, osDiskMode } : vm;
  }) };
}
