/**
 * Auto-shutdown: a daily `Microsoft.DevTestLab/schedules` per VM that deallocates it, so a
 * forgotten lab stops billing compute overnight. Azure requires the schedule to be named
 * `shutdown-computevm-<vmName>` in the VM's resource group (the service's own error message;
 * ARM template reference `microsoft.devtestlab/schedules`): taskType ComputeVmShutdownTask,
 * dailyRecurrence.time "HHmm", timeZoneId a Windows time zone ID, targetResourceId the VM.
 */
import * as pulumi from "@pulumi/pulumi";
import * as compute from "@pulumi/azure-native/compute";
import * as devtestlab from "@pulumi/azure-native/devtestlab";

/** The schedule name Azure requires for a VM's auto-shutdown. */
export function shutdownScheduleName(vmName: string): string {
  return `shutdown-computevm-${vmName}`;
}

/** Declares the auto-shutdown schedule of one VM. */
export function declareAutoShutdown(
  vm: compute.VirtualMachine,
  vmName: string,
  schedule: { time: string; timeZone: string },
  args: { resourceGroupName: pulumi.Input<string>; location: string },
  opts: pulumi.CustomResourceOptions,
  /** The VM's name in the previous deployment, when the row renames it: the schedule follows it. */
  previousVmName?: string,
): devtestlab.GlobalSchedule {
  const name = shutdownScheduleName(vmName);
  return new devtestlab.GlobalSchedule(
    name,
    {
      resourceGroupName: args.resourceGroupName,
      name,
      location: args.location,
      status: devtestlab.EnableStatus.Enabled,
      taskType: "ComputeVmShutdownTask",
      dailyRecurrence: { time: schedule.time },
      timeZoneId: schedule.timeZone,
      targetResourceId: vm.id,
      notificationSettings: { status: devtestlab.EnableStatus.Disabled },
    },
    // It follows its VM: re-created with it (before the VM goes, as its name is fixed), so that a
    // re-created VM is never left without its schedule.
    { ...opts, replaceWith: [vm], deleteBeforeReplace: true, aliases: previousVmName ? [{ name: shutdownScheduleName(previousVmName) }] : undefined },
  );
}
