/**
 * The record a parked disk carries (tags on the disk itself, so a CSV edited meanwhile loses
 * nothing), shared by `npm run lab` (which writes it, src/labctl/parking.ts) and `pulumi up`
 * (which reads it: a parked OS disk stops the run, a parked data disk is warned about;
 * src/azure/parkedDisks.ts). Pure.
 */
import type { Problem } from "../problems";

/** The tag holding a parked disk's running type (`Premium_LRS`, ...); absent when not parked. */
export const RUNNING_SKU_TAG = "exchange-lab-running-sku";
/** The tag holding the times (ISO 8601, space-separated) `npm run lab` changed the disk's type, the current UTC day only. */
export const CONVERSIONS_TAG = "exchange-lab-conversions";

/** A disk `pulumi up` found parked: its name, its type now and the type recorded to go back to. */
export interface ParkedDisk {
  name: string;
  sku: string;
  runningSku: string;
}

/**
 * The problem `pulumi up` stops with when the OS disk of an online row is parked (at the row's
 * `VMOSDiskName`), with the command that unparks it. Refused rather than unparked first: the
 * stack owns no disk (a type change by Pulumi would change a resource it does not own), a preview
 * must change nothing, a conversion counts against Azure's two a day, and a VM created on a
 * Standard HDD OS disk is what Microsoft asks to stop ("Stop creating new virtual machines with
 * Standard HDD OS disks", https://learn.microsoft.com/azure/virtual-machines/disks-hdd-os-retirement).
 * Refusing costs nothing: nothing is declared, and `npm run lab -- unpark` then `pulumi up` go on.
 */
export function parkedOsDiskProblem(vm: { name: string; line: number }, disk: ParkedDisk, csvFile: string, stackName: string): Problem {
  const stack = stackName ? ` --stack ${stackName}` : "";
  return {
    file: csvFile, line: vm.line, column: "VMOSDiskName",
    message: `${vm.name}'s OS disk ${disk.name} is parked (${disk.sku}; runs on ${disk.runningSku}): pulumi up creates no VM on a parked OS disk (Standard HDD OS disks retire, https://learn.microsoft.com/azure/virtual-machines/disks-hdd-os-retirement). Unpark it first: npm run lab -- unpark${stack}, then pulumi up`,
  };
}

/**
 * The warning `pulumi up` gives when data disks of online rows are parked, or `undefined` when none
 * is (a parked OS disk stops the run: {@link parkedOsDiskProblem}). The up neither unparks nor
 * refuses data disks: the stack never owns a disk (a type change by Pulumi would be
 * an update of a resource it does not own), a preview must change nothing, and a VM runs on
 * Standard disks, only slower. The warning names the disks and the commands that bring them back.
 */
export function parkedDiskWarning(disks: readonly ParkedDisk[]): string | undefined {
  if (disks.length === 0) return undefined;
  const list = disks.map((d) => `${d.name} (${d.sku}, runs on ${d.runningSku})`).join(", ");
  return `${disks.length} disk${disks.length === 1 ? " is" : "s are"} parked: ${list}. The VMs run on them as they are, slowly; ` +
    "next time run npm run lab -- unpark before pulumi up; now, npm run lab -- stop then npm run lab -- start converts them back (docs/parking.md)";
}
