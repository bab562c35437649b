/**
 * What a deployed VM's resize needs, from the size catalogue's facts (`catalogues/vm-sizes.json`:
 * temp disk, disk controllers, Hyper-V generations; the Resource SKUs API capabilities
 * `MaxResourceVolumeMB`, `DiskControllerTypes`, `HyperVGenerations`). Pure.
 *
 * Microsoft Learn, "Resize a virtual machine" (https://learn.microsoft.com/azure/virtual-machines/sizes/resize-vm):
 * - any resize restarts the VM ("If the virtual machine is currently running, changing its size
 *   will cause it to restart");
 * - "You can't resize a VM size that has a local temp disk to a VM size with no local temp disk
 *   and vice versa" (Limitations). Deleting the VM (its disks `Detach`) and creating it again on
 *   the same disks at the new size is always possible: that is what the program declares then
 *   (`replaceOnChanges` on `hardwareProfile.vmSize`, delete-before-replace).
 * - "You can't resize a VM size that has a SCSI-based VM to a VM size that has a remote
 *   NVMe-enabled VM" (Limitations; page of 2025-11-06). A size whose only disk controller is NVMe
 *   (the catalogue's Dsv6) boots only a Generation 2 disk ("NVMe supports only Generation 2
 *   images") that supports NVMe, and without a `diskControllerType` "the platform automatically
 *   chooses the default controller based on the VM size configuration"
 *   (https://learn.microsoft.com/azure/virtual-machines/enable-nvme-remote-faqs). So the move from
 *   SCSI re-creates the VM on its disks, and the plan says that Azure refuses a disk without NVMe
 *   support.
 * - a disk boots only on a size of its generation (https://learn.microsoft.com/azure/virtual-machines/generation-2):
 *   a known mismatch is refused.
 */
import { VmSize, findSize } from "../catalogues";
import { resolveSize } from "../csv/sizes";

/** What `pulumi up` does with a size change of a deployed VM. */
export type ResizeVerdict =
  | { kind: "inPlace"; from: string; to: string; warning?: string }
  | { kind: "recreate"; from: string; to: string; why: string; warning?: string }
  | { kind: "refused"; from: string; to: string; why: string };

/** The catalogue facts of a size cell as written (a classic name or an Azure size name). */
export function sizeFacts(cell: string): VmSize | undefined {
  const resolved = resolveSize(cell);
  return resolved.ok ? findSize(resolved.size) : undefined;
}

/**
 * The verdict on resizing a deployed VM between two size cells as written (classic or Azure
 * names): {@link resizeVerdict} on their catalogue facts; when the catalogue lacks either size
 * (a record older than the catalogue, say), the shell is re-created, which Azure always allows.
 * Undefined when the size does not change.
 */
export function resizeVerdictOfCells(fromCell: string, toCell: string, diskGeneration?: 1 | 2): ResizeVerdict | undefined {
  const from = sizeFacts(fromCell);
  const to = sizeFacts(toCell);
  if (from && to) return resizeVerdict(from, to, diskGeneration);
  const name = (cell: string) => { const r = resolveSize(cell); return r.ok ? r.size : cell; };
  const names = { from: name(fromCell), to: name(toCell) };
  if (fromCell === "" || names.from.toLowerCase() === names.to.toLowerCase()) return undefined;
  return { kind: "recreate", ...names, why: `the size catalogue has no facts for ${from ? names.to : names.from} (npm run catalogues refreshes it)` };
}

/** The disk controllers of a size: the catalogue's, else SCSI (a SKU without `DiskControllerTypes` has SCSI only). */
export function controllersOf(size: VmSize): readonly string[] {
  return size.diskControllers ?? ["SCSI"];
}

/**
 * The verdict on resizing a deployed VM from the size `from` to `to` (catalogue entries), whose OS
 * disk is of `diskGeneration` when known (an Image row's image; else a size that boots one
 * generation only). Undefined when the size does not change.
 */
export function resizeVerdict(from: VmSize, to: VmSize, diskGeneration?: 1 | 2): ResizeVerdict | undefined {
  const verdict = sizeChange(from, to, diskGeneration);
  const known = diskGeneration ?? oneGeneration(from);
  const only = !to.generation1 ? 2 : to.generation2 === false ? 1 : undefined;
  if (!verdict || verdict.kind === "refused" || known !== undefined || only === undefined) return verdict;
  // An attached disk's generation is not known offline: say what Azure checks when it starts the VM.
  const check = `Azure starts it only if the OS disk is Generation ${only} (az disk show --query hyperVGeneration; https://learn.microsoft.com/azure/virtual-machines/generation-2)`;
  return { ...verdict, warning: verdict.warning ? `${verdict.warning}; and ${check}` : check };
}

/** The generation of a disk that only this size boots (1 or 2), or undefined when it boots both. */
function oneGeneration(size: VmSize): 1 | 2 | undefined {
  return size.generation1 && size.generation2 === false ? 1 : !size.generation1 && size.generation2 ? 2 : undefined;
}

function sizeChange(from: VmSize, to: VmSize, diskGeneration?: 1 | 2): ResizeVerdict | undefined {
  if (from.name.toLowerCase() === to.name.toLowerCase()) return undefined;
  const names = { from: from.name, to: to.name };
  const known = diskGeneration ?? oneGeneration(from);
  if (known === 1 && !to.generation1) {
    return { kind: "refused", ...names, why: `${to.name} boots Generation 2 disks only and this VM's OS disk is Generation 1` };
  }
  if (known === 2 && to.generation2 === false) {
    return { kind: "refused", ...names, why: `${to.name} boots Generation 1 disks only and this VM's OS disk is Generation 2` };
  }
  const nvmeOnly = (s: VmSize) => !controllersOf(s).includes("SCSI");
  if (nvmeOnly(to) && !nvmeOnly(from)) {
    return {
      kind: "recreate", ...names,
      why: `${to.name} attaches disks over NVMe only and ${from.name} over SCSI`,
      warning: `Azure starts it only if the OS disk supports NVMe (az disk show --query supportedCapabilities.diskControllerTypes; https://learn.microsoft.com/azure/virtual-machines/enable-nvme-remote-faqs)`,
    };
  }
  if (nvmeOnly(from) && !nvmeOnly(to)) return { kind: "recreate", ...names, why: `${from.name} attaches disks over NVMe only and ${to.name} over SCSI` };
  if (from.tempDisk === undefined || to.tempDisk === undefined) {
    return { kind: "recreate", ...names, why: `the catalogue does not say whether ${from.tempDisk === undefined ? from.name : to.name} has a temp disk (npm run catalogues refreshes it)` };
  }
  if (from.tempDisk !== to.tempDisk) {
    const [has, hasNot] = from.tempDisk ? [from.name, to.name] : [to.name, from.name];
    return { kind: "recreate", ...names, why: `${has} has a local temp disk and ${hasNot} none, which Azure cannot resize between` };
  }
  return { kind: "inPlace", ...names };
}
