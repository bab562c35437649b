/**
 * Edits of a deployed VM's row that Azure refuses in one update, found against the previous
 * deployment. Pure.
 * - A case-only rename (`dc1` -> `DC1`): ARM names are case-insensitive
 *   (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules), so
 *   Pulumi's "new" VM and NIC already exist in Azure, and azure-native refuses to create them
 *   (https://github.com/pulumi/pulumi-azure-native/issues/303). The deployed spelling is kept.
 * - A data disk moved to another LUN while it stays attached: the VM's update would detach and
 *   attach the same disk in one PUT, which Azure refuses (`ConflictingUserInput`; "first detach all
 *   data disks", https://github.com/Azure/azure-sdk-for-go/issues/816). A VM whose shell is
 *   re-created (`shellEdits.ts`: renamed, given another OS disk, resized where Azure cannot resize
 *   in place, or moved to another subnet once the cascade is recorded) is deleted with its disks
 *   detached and created again, attaching them afresh, so a new LUN is fine there.
 */
import { diskKey } from "../csv/disks";
import type { LabVm } from "./labTypes";
import type { PreviousDeployment } from "./previous";
import { Problem } from "../problems";

/** The refused edits of deployed VMs' rows, each on its CSV cell, with the steps that work. */
export function vmEditProblems(vms: readonly LabVm[], previous: PreviousDeployment, csvFile: string): Problem[] {
  const problems: Problem[] = [];
  for (const vm of vms.filter((v) => v.bringOnline)) {
    const before = previous.vms.find((p) => p.online && p.name.toLowerCase() === (vm.previousName ?? vm.name).toLowerCase());
    if (!before) continue;
    if (!vm.previousName && before.name !== vm.name) {
      problems.push({
        file: csvFile, line: vm.line, column: "VMName",
        message: `'${vm.name}' differs from the deployed VM '${before.name}' only in case: ARM names are case-insensitive (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules), so Azure already has it and azure-native refuses to create it again (https://github.com/pulumi/pulumi-azure-native/issues/303). Write '${before.name}' as deployed (the Windows computer name is not changed by the VM's name anyway)`,
      });
    }
    // Re-created VMs attach every disk afresh. A subnet move re-creates the shell only when the
    // cascade is recorded (else it is refused itself); `resize` is set before these rules run.
    const movedSubnet = before.subnet.toLowerCase() !== vm.subnet.toLowerCase() && previous.record.nics !== undefined;
    if (vm.previousName || before.osDisk !== diskKey(vm.osDisk) || vm.resize?.kind === "recreate" || movedSubnet) continue;
    for (const disk of vm.dataDisks) {
      const was = before.dataDisks.find((d) => d.disk === diskKey(disk))?.lun;
      if (was === undefined || was === disk.lun) continue;
      problems.push({
        file: csvFile, line: vm.line, column: "DataDisks",
        message: `disk '${disk.name}' is attached to ${vm.name} at LUN ${was}; moving an attached disk to LUN ${disk.lun} in one update is refused by Azure (ConflictingUserInput; "first detach all data disks", https://github.com/Azure/azure-sdk-for-go/issues/816). Write ${was}:${disk.name} to keep it; or two steps: remove it from DataDisks and pulumi up (it is detached and kept), then add ${disk.lun}:${disk.name} and pulumi up (the guest then finds it at the new LUN)`,
      });
    }
  }
  return problems;
}
