/**
 * The record a parked disk carries (tags on the disk itself, so a CSV edited meanwhile loses
 * nothing), shared by `npm run lab` (which writes it, src/labctl/parking.ts) and `pulumi up`
 * (which reads it to warn, src/azure/parkedDisks.ts). Pure.
 */

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
 * The warning `pulumi up` gives when disks of online rows are parked, or `undefined` when none is.
 * The up neither unparks nor refuses: the stack never owns a disk (a type change by Pulumi would be
 * an update of a resource it does not own), a preview must change nothing, and a VM runs on
 * Standard disks, only slower. The warning names the disks and the commands that bring them back.
 */
export function parkedDiskWarning(disks: readonly ParkedDisk[]): string | undefined {
  if (disks.length === 0) return undefined;
  const list = disks.map((d) => `${d.name} (${d.sku}, runs on ${d.runningSku})`).join(", ");
  return `${disks.length} disk${disks.length === 1 ? " is" : "s are"} parked: ${list}. The VMs run on them as they are, slowly; ` +
    "next time run npm run lab -- unpark before pulumi up; now, npm run lab -- stop then npm run lab -- start converts them back (docs/parking.md)";
}
