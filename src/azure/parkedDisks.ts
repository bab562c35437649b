/**
 * `pulumi up` and `pulumi preview` read the tags of the online rows' disks (`compute.getDisk`, a
 * plain GET, as osDisk.ts does for Image rows) and warn when some are parked by
 * `npm run lab -- park` (src/input/lab/parkedDisks.ts says why it warns rather than unparks). The
 * offline plan does not ask: it cannot know a disk's type. A failed lookup never stops the run:
 * the VM that attaches the disk reports a missing or unreadable disk with Azure's own message.
 */
import * as pulumi from "@pulumi/pulumi";
import * as compute from "@pulumi/azure-native/compute";
import { Lab, onlineVms } from "../input/lab/lab";
import { ParkedDisk, RUNNING_SKU_TAG, parkedDiskWarning } from "../input/lab/parkedDisks";

/** Looks up every disk of the online rows (in parallel) and warns through `warn` (`pulumi.log.warn`) when some are parked. */
export async function warnParkedDisks(lab: Lab, warn: (message: string) => Promise<void> | void = (m) => pulumi.log.warn(m)): Promise<void> {
  const disks = onlineVms(lab).flatMap((vm) => [vm.osDisk, ...vm.dataDisks]);
  const found = await Promise.all(disks.map((d) => compute.getDisk({ resourceGroupName: d.resourceGroupName, diskName: d.name }).then(
    (disk): ParkedDisk | undefined => {
      const runningSku = disk.tags?.[RUNNING_SKU_TAG];
      return runningSku && disk.sku?.name !== runningSku ? { name: d.name, sku: disk.sku?.name ?? "unknown", runningSku } : undefined;
    },
    () => undefined,
  )));
  const warning = parkedDiskWarning(found.filter((d): d is ParkedDisk => d !== undefined));
  if (warning) await warn(warning);
}
