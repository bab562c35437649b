/**
 * `pulumi up` and `pulumi preview` read the tags of the online rows' disks (`compute.getDisk`, a
 * plain GET, as osDisk.ts does for Image rows): a parked OS disk stops the run before anything is
 * declared, with the unpark command; parked data disks are warned about
 * (src/input/lab/parkedDisks.ts says why it refuses rather than unparks). The
 * offline plan does not ask: it cannot know a disk's type. A failed lookup never stops the run:
 * the VM that attaches the disk reports a missing or unreadable disk with Azure's own message.
 */
import * as pulumi from "@pulumi/pulumi";
import * as compute from "@pulumi/azure-native/compute";
import { Lab, onlineVms } from "../input/lab/lab";
import { ParkedDisk, RUNNING_SKU_TAG, parkedDiskWarning, parkedOsDiskProblem } from "../input/lab/parkedDisks";
import { LabValidationError } from "../input/problems";

/**
 * Looks up every disk of the online rows (in parallel). Throws {@link LabValidationError} when an
 * OS disk is parked (one problem per VM, with `npm run lab -- unpark`); warns through `warn`
 * (`pulumi.log.warn`) when data disks are.
 */
export async function checkParkedDisks(lab: Lab, warn: (message: string) => Promise<void> | void = (m) => pulumi.log.warn(m), stackName: string = currentStack()): Promise<void> {
  const disks = onlineVms(lab).flatMap((vm) => [{ vm, disk: vm.osDisk, os: true }, ...vm.dataDisks.map((disk) => ({ vm, disk, os: false }))]);
  const found = await Promise.all(disks.map((d) => compute.getDisk({ resourceGroupName: d.disk.resourceGroupName, diskName: d.disk.name }).then(
    (disk): ParkedDisk | undefined => {
      const runningSku = disk.tags?.[RUNNING_SKU_TAG];
      return runningSku && disk.sku?.name !== runningSku ? { name: d.disk.name, sku: disk.sku?.name ?? "unknown", runningSku } : undefined;
    },
    () => undefined,
  )));
  const problems = disks.flatMap((d, i) => (d.os && found[i] ? [parkedOsDiskProblem(d.vm, found[i]!, lab.csvFile, stackName)] : []));
  if (problems.length > 0) throw new LabValidationError(problems);
  const warning = parkedDiskWarning(found.filter((p, i): p is ParkedDisk => p !== undefined && !disks[i].os));
  if (warning) await warn(warning);
}

/** The running stack's name; "" outside a Pulumi run. */
function currentStack(): string {
  try {
    return pulumi.getStack();
  } catch {
    return "";
  }
}
