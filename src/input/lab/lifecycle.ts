/**
 * Edits that Azure cannot apply in one `pulumi up`, found before anything is declared. Pure.
 *
 * Pulumi's step order (https://www.pulumi.com/docs/iac/concepts/how-pulumi-works/): creates and
 * updates run in dependency order, in parallel where nothing orders them; a replacement creates the
 * new resource before deleting the old one unless `deleteBeforeReplace`; resources removed from the
 * program are deleted last. Azure lets one private address belong to one NIC
 * (PrivateIPAddressInUse) and one managed disk to one VM. So a NIC that wants an address another
 * NIC of the last deployment holds, or a VM that wants a disk another VM holds, fails whenever that
 * other NIC or VM is changed or removed in the same run: its release comes later or at the same
 * time. The common edits that look like this are made safe by the declaration instead:
 * - a rename (same OS disk, new VMName) is the same machine: its VM and NIC get Pulumi `aliases`;
 *   the VM is replaced delete-before-replace on the NIC, which keeps its Azure name (`shellEdits.ts`);
 * - a new OS disk replaces the VM delete-before-replace (`replaceOnChanges`);
 * - a subnet move re-creates the shell: the VM goes first, then the NIC (`shellEdits.ts`).
 */
import { diskKey } from "../csv/disks";
import type { LabVm } from "./labTypes";
import type { PreviousDeployment, PreviousVm } from "./previous";
import { Problem } from "../problems";
import { vmEditProblems } from "./vmEdits";

/**
 * The conflicts between the lab as written and the previous deployment, each on the CSV cell that
 * asks for what another machine still holds, with the two-step way to make the change.
 */
export function lifecycleProblems(vms: readonly LabVm[], previous: PreviousDeployment, csvFile: string): Problem[] {
  const problems: Problem[] = [];
  const deployed = previous.vms.filter((p) => p.online);
  const current = new Map(vms.map((v) => [(v.previousName ?? v.name).toLowerCase(), v]));
  const rowOf = (p: PreviousVm) => current.get(p.name.toLowerCase());
  // What the other machine's row now says, for the advice.
  const fate = (p: PreviousVm): string => {
    const now = rowOf(p);
    if (p.leftInState) return `${p.name}'s delete failed in the last pulumi up, so the stack's state still holds it, and Pulumi deletes it again only at the end of the run`;
    if (!now) return `${p.name} is no longer in ${csvFile}, and Pulumi deletes it only at the end of the run`;
    if (!now.bringOnline) return `${p.name} is now BringOnline=No, and Pulumi deletes it only at the end of the run`;
    return `${p.name} (line ${now.line}) changes in the same run, and Pulumi changes both at once`;
  };

  problems.push(...imageRenameProblems(vms, previous, csvFile));
  problems.push(...vmEditProblems(vms, previous, csvFile));
  for (const vm of vms.filter((v) => v.bringOnline)) {
    const self = (vm.previousName ?? vm.name).toLowerCase();
    const firstRun = vm.deployedBefore
      ? "first pulumi up with this row as it was deployed"
      : "first pulumi up with this row BringOnline=No";

    const holder = deployed.find((p) => p.privateIp === vm.privateIp && p.name.toLowerCase() !== self);
    if (holder) {
      const advice = rowOf(holder)?.bringOnline
        ? `give ${holder.name} another address and pulumi up, then write ${vm.privateIp} here and pulumi up again`
        : `${firstRun} (that run frees the address), then write it back and pulumi up again`;
      problems.push({
        file: csvFile, line: vm.line, column: "IPAddress",
        message: `${vm.privateIp} is still held by the network interface of ${holder.name} from the last deployment: ${fate(holder)}, and Azure gives an address to one network interface only (PrivateIPAddressInUse). Two steps: ${advice}`,
      });
    }

    const disks: [LabVm["osDisk"], "VMOSDiskName" | "DataDisks"][] = [[vm.osDisk, "VMOSDiskName"], ...vm.dataDisks.map((d): [LabVm["osDisk"], "DataDisks"] => [d, "DataDisks"])];
    for (const [disk, column] of disks) {
      const key = diskKey(disk);
      const owner = deployed.find((p) => (p.osDisk === key || p.dataDisks.some((d) => d.disk === key)) && p.name.toLowerCase() !== self);
      if (!owner) continue;
      const advice = rowOf(owner)?.bringOnline
        ? `take the disk from ${owner.name}'s row (or set it BringOnline=No) and pulumi up, then give it to this row and pulumi up again`
        : `${firstRun} (that run detaches the disk), then give it to this row and pulumi up again`;
      problems.push({
        file: csvFile, line: vm.line, column,
        message: `disk '${disk.name}' is still attached to ${owner.name} from the last deployment: ${fate(owner)}, and a disk belongs to one VM at a time. Two steps: ${advice}`,
      });
    }
  }
  return problems;
}

/**
 * A deployed VM built from an image cannot be renamed in one run: a rename replaces the VM, and
 * Pulumi gives the replacement the old inputs of every `ignoreChanges` path ("the engine simply
 * replaces the values of input properties in the goal state with old inputs",
 * https://github.com/pulumi/pulumi/pull/2657), that is the first life's `FromImage` and
 * `osProfile`, which Azure refuses for a disk that exists. Two runs instead: the VM goes (its
 * disk stays), then a new VM under the new name attaches the disk.
 */
function imageRenameProblems(vms: readonly LabVm[], previous: PreviousDeployment, csvFile: string): Problem[] {
  return vms
    .filter((vm) => vm.bringOnline && vm.image && vm.previousName && previous.vms.some((p) => p.online && p.name.toLowerCase() === vm.previousName!.toLowerCase()))
    .map((vm) => ({
      file: csvFile, line: vm.line, column: "VMName",
      message: `${vm.previousName} was built from an image and is deployed: renamed in one run, Pulumi would rebuild it with its first run's FromImage inputs (kept by ignoreChanges) over the disk '${vm.osDisk.name}', which Azure refuses. Two steps: set the row BringOnline=No under its old name and pulumi up (the VM goes, its disk stays), then rename it with BringOnline=Yes and pulumi up again (a new VM attaches the disk)`,
    }));
}
