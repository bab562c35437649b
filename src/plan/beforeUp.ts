/**
 * What must be done before `pulumi up` for it to succeed, read from the changes. Pure.
 *
 * Azure runs, changes and deletes a managed Run Command only on a running VM: a deallocated VM's
 * agent is never Ready ("Cannot modify extensions in the VM when the VM is not running",
 * https://github.com/hashicorp/terraform-provider-azurerm/issues/477; Learn's run-command page:
 * the VM agent must be Ready, https://learn.microsoft.com/azure/virtual-machines/windows/run-command-managed).
 * Auto-shutdown deallocates every lab VM each evening and `npm run lab -- stop` does the same, so a
 * run command created or updated on a VM that stays (neither created nor re-created in this run:
 * a new VM runs once created) needs that VM started first. The offline plan cannot know whether
 * the lab is running, so it names those VMs whenever there are any. Deletes are not listed: the
 * program's run commands leave the state without a call to Azure (`retainOnDelete`).
 */
import type { Change } from "./changes";
import type { PlanResource } from "./planTypes";

/** The ARM type of every run command the program declares (readiness gates and role steps). */
const RUN_COMMAND_TYPE = "azure-native:compute:VirtualMachineRunCommandByVirtualMachine";
const VM_TYPE = "azure-native:compute:VirtualMachine";

/** One step before `pulumi up`: start these VMs (they must run while their run commands are sent). */
export interface BeforeUp {
  kind: "start";
  /** The VMs that must be running, in the order the plan lists their run commands. */
  vms: string[];
  /** The run commands created or updated on them (logical names). */
  runCommands: string[];
  /** The command that starts the lab in boot order (every VM: the lab has no per-VM start). */
  command: string;
  /** The command that puts the lab back, for a lab that was deallocated before. */
  afterwards: string;
  /** The one command that does all three: starts the lab, runs `pulumi up`, deallocates again what was deallocated. */
  oneCommand: string;
}

/**
 * The steps before `pulumi up` among `changes` (none when there is nothing to start). `stack`:
 * the stack's name, for the commands.
 */
export function beforeUp(changes: readonly Change[], resources: readonly PlanResource[], stack: string): BeforeUp[] {
  const action = new Map(changes.filter((c) => c.type === VM_TYPE).map((c) => [c.name, c.action]));
  const byName = new Map(resources.map((r) => [r.name, r]));
  const vms: string[] = [];
  const runCommands: string[] = [];
  for (const c of changes) {
    if (c.type !== RUN_COMMAND_TYPE || (c.action !== "create" && c.action !== "update")) continue;
    const vm = byName.get(c.name)?.options.deletedWith;
    if (vm === undefined) continue;
    const vmAction = action.get(vm);
    if (vmAction === "create" || vmAction === "replace") continue;
    runCommands.push(c.name);
    if (!vms.includes(vm)) vms.push(vm);
  }
  if (vms.length === 0) return [];
  return [{ kind: "start", vms, runCommands, command: `npm run lab -- start --stack ${stack}`, afterwards: `npm run lab -- stop --stack ${stack}`, oneCommand: `npm run lab -- up --stack ${stack}` }];
}

/** The plan's lines for the steps before `pulumi up` (none when there are none). */
export function renderBeforeUp(steps: readonly BeforeUp[]): string[] {
  return steps.flatMap((s) => [
    `Before pulumi up: ${s.vms.join(", ")} must be running (Azure sends run commands only to a running VM, and ${s.runCommands.join(", ")} ${s.runCommands.length === 1 ? "is" : "are"} created or changed on ${s.vms.length === 1 ? "it" : "them"}; a deallocated VM refuses: https://github.com/hashicorp/terraform-provider-azurerm/issues/477).`,
    `  If the lab is deallocated (auto-shutdown, npm run lab -- stop): ${s.command}, then pulumi up, then ${s.afterwards} to deallocate it again; or all three in one: ${s.oneCommand} (it deallocates again only the VMs that were deallocated).`,
  ]);
}
