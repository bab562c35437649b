/**
 * The disks a deleted row leaves behind: `pulumi up` deletes the row's VM but never a disk (the
 * disks are the lab's identity, retained on delete), so a disk no row of the CSV names any more
 * stays in Azure and bills every month until someone deletes it. The plan names each, with its
 * monthly price and the command that deletes it (`az disk delete`,
 * https://learn.microsoft.com/cli/azure/disk#az-disk-delete).
 */
import { ASSUMED_DISK_TIER, diskKey, parseDataDiskItem, parseDiskRef } from "../input/csv/disks";
import { readLabCsv } from "../input/csv/csv";
import { defaultOsDiskName } from "../input/csv/images";
import { Lab } from "../input/lab/lab";
import { DeployedLabRecord } from "../input/lab/previous";
import { Problem } from "../input/problems";
import { NAMESPACE } from "../input/stack/settings";
import { PriceSnapshot } from "../report/cost";

/** One disk left behind: its VM's row (gone), name, group, tier (as DiskTiers said, or assumed) and price. */
export interface LeftDisk {
  vm: string;
  name: string;
  resourceGroupName: string;
  tier: string;
  tierAssumed: boolean;
  /** Monthly price in the snapshot's currency; null when the snapshot has none for the tier. */
  perMonth: number | null;
  /** Whether the VM's row is still in the CSV (by name, or renamed): it only names other disks now. */
  rowRemains: boolean;
}

/**
 * The disks of the previous deployment's rows that no row of `lab` names any more (by name,
 * case-insensitive). A row set BringOnline=No keeps its disks named, so it leaves none. Pure.
 */
export function leftDisks(previous: DeployedLabRecord, lab: Lab, snapshot: PriceSnapshot): LeftDisk[] {
  const named = new Set(lab.vms.flatMap((vm) => [vm.osDisk, ...vm.dataDisks].map(diskKey)));
  const group = previous.config[`${NAMESPACE}:diskResourceGroupName`] ?? "";
  const labGroup = previous.config[`${NAMESPACE}:resourceGroupName`] ?? "";
  const rows = new Set(lab.vms.flatMap((vm) => [vm.name, vm.previousName ?? vm.name]).map((n) => n.toLowerCase()));
  const left: LeftDisk[] = [];
  for (const row of readLabCsv(previous.csv, previous.csvFile).rows) {
    const c = row.cells;
    if (!c.VMName) continue;
    const tiers = (c.DiskTiers ?? "").split(";").map((t) => t.trim().toUpperCase()).filter((t) => t !== "");
    const os = parseDiskRef(c.VMOSDiskName || (c.Image ? defaultOsDiskName(labGroup, c.VMName) : ""), group);
    const data = (c.DataDisks ?? "").split(";").map((t) => t.trim()).filter((t) => t !== "").map((t) => parseDataDiskItem(t, group));
    const disks = [os, ...data.map((d) => ("error" in d ? d : { disk: d.item.disk }))];
    disks.forEach((d, i) => {
      if ("error" in d || named.has(diskKey(d.disk))) return;
      const tier = tiers[i] ?? ASSUMED_DISK_TIER;
      const price = snapshot.prices[`disk/${tier}`];
      left.push({ vm: c.VMName!, name: d.disk.name, resourceGroupName: d.disk.resourceGroupName, tier, tierAssumed: tiers[i] === undefined, perMonth: price && price.unit === "month" ? price.price : null, rowRemains: rows.has(c.VMName!.toLowerCase()) });
    });
  }
  return left;
}

/** One warning per row that leaves disks (a deleted row, or one that names other disks now): its disks, what each bills a month, and the `az disk delete` lines. */
export function leftDiskWarnings(left: readonly LeftDisk[], csvFile: string, currency: string): Problem[] {
  const byVm = new Map<string, LeftDisk[]>();
  for (const d of left) byVm.set(d.vm, [...(byVm.get(d.vm) ?? []), d]);
  return [...byVm].map(([vm, disks]) => ({
    file: csvFile,
    line: 0,
    column: "VMName",
    message: `${disks[0].rowRemains ? `${vm}'s row no longer names ${disks.map((d) => d.name).join(", ")}: pulumi up detaches ${disks.length === 1 ? "it" : "them"} from the VM (deleteOption Detach)` : `${vm}'s row is gone: pulumi up deletes its VM`}, but its disk${disks.length === 1 ? "" : "s"} stay${disks.length === 1 ? "s" : ""} in Azure and bill${disks.length === 1 ? "s" : ""} every month: ${disks
      .map((d) => `${d.name} (${d.tier}${d.tierAssumed ? ", assumed: no DiskTiers entry" : ""}, ${d.perMonth === null ? "price unknown" : `${currency} ${d.perMonth.toFixed(2)}/month`})`)
      .join(", ")}. Keep ${disks.length === 1 ? "it" : "them"} to bring the row back later, or delete ${disks.length === 1 ? "it" : "them"} for good: ${disks.map((d) => `az disk delete --resource-group ${d.resourceGroupName} --name ${d.name} --yes`).join("; ")}`,
  }));
}
