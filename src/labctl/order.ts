/**
 * The boot order `npm run lab` follows, from the same lab description the Pulumi program
 * declares (CSV + stack file). Pure.
 *
 * A WaitForBoot=Yes VM is a barrier: the VMs since the previous barrier start together, then the
 * barrier starts and (with its readiness gate on) is waited for until it serves; then the next
 * group. This mirrors the creation order of src/input/lab/lab.ts (`dependsOn`).
 */
import { hasGate } from "../azure/gates";
import { Lab, LabVm, onlineVms } from "../input/lab/lab";

/** One step of the start order: VMs started together; a barrier step holds one VM. */
export interface BootStep {
  vms: LabVm[];
  /** A WaitForBoot=Yes VM: the next step waits for it. */
  barrier: boolean;
  /** Whether the barrier is waited for with the readiness script (its gate is on). */
  waitReady: boolean;
}

/** The declared VMs (BringOnline=Yes) in start steps, in boot order. */
export function bootSteps(lab: Lab): BootStep[] {
  const steps: BootStep[] = [];
  let group: LabVm[] = [];
  for (const vm of onlineVms(lab)) {
    if (!vm.waitForBoot) {
      group.push(vm);
      continue;
    }
    if (group.length > 0) steps.push({ vms: group, barrier: false, waitReady: false });
    group = [];
    steps.push({ vms: [vm], barrier: true, waitReady: hasGate(vm, lab.settings.readiness) });
  }
  if (group.length > 0) steps.push({ vms: group, barrier: false, waitReady: false });
  return steps;
}

/** The order as text, for `--dry-run`: what `start` or `stop` would do (`stop`: the boot steps
 * last to first), one line per step. */
export function renderOrder(lab: Lab, command: "start" | "stop" | "status"): string {
  const imageVms = onlineVms(lab).filter((vm) => vm.image).map((vm) => vm.name);
  const rg = `${lab.settings.resourceGroupName}${imageVms.length > 0 ? ` (${imageVms.join(", ")}: in ${lab.settings.diskResourceGroupName})` : ""}`;
  const names = onlineVms(lab).map((vm) => vm.name);
  if (command === "stop") {
    const steps = [...bootSteps(lab)].reverse().map((step, i) => `  ${i + 1}. deallocate ${step.vms.map((v) => v.name).join(", ")}${step.vms.length > 1 ? " (in parallel)" : ""}`);
    return [`dry run: would deallocate, in reverse boot order, in resource group ${rg}:`, ...steps, ""].join("\n");
  }
  if (command === "status") return `dry run: would read the instance view of, in resource group ${rg}: ${names.join(", ")}\n`;
  const lines = bootSteps(lab).map((step, i) => {
    const what = step.barrier
      ? `start ${step.vms[0].name}, then ${step.waitReady ? "wait until it serves (readiness script through Run Command)" : "go on (readiness gate off)"}`
      : `start ${step.vms.map((v) => v.name).join(", ")}${step.vms.length > 1 ? " (in parallel)" : ""}`;
    return `  ${i + 1}. ${what}`;
  });
  return [`dry run: would start, in resource group ${rg}:`, ...lines, ""].join("\n");
}
