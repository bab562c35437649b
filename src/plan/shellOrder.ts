/**
 * The order in which `pulumi up` re-creates a VM's shell, read from the changes and the declared
 * options, and what it costs in time. Pure.
 *
 * The engine's order for a delete-before-replace VM (pulumi/pulumi `step_generator.go`, v3.248.0,
 * `findDependentCascadeReplacements`, https://github.com/pulumi/pulumi/pull/20693): when a
 * resource is replaced, the engine looks up the *old* resources whose recorded `replaceWith` holds
 * the URN that resource registers under *now*, and deletes them first. So:
 * - a NIC replaced (a subnet move) takes its VM first: the NIC keeps its URN across renames
 *   (`input/lab/shellEdits.ts`, `nicResourceNames`), so the old VM's `replaceWith` names it;
 * - the VM's readiness gate (`replaceWith: [vm]`, delete-before-replace) is deleted before the VM
 *   when the VM keeps its URN; its auto-shutdown schedule, which names the VM only in its body, is
 *   replaced on its own step after the new VM exists (seen in the engine suite, test/engine). The
 *   cascade is not transitive: they go on the VM's step, not on the NIC's;
 * - a renamed VM registers under a new URN, which the old followers' `replaceWith` does not hold:
 *   they are not deleted first. They are replaced on their own steps once the new VM exists (their
 *   Azure names change with the VM's): the old one deleted (the gate: from the state only,
 *   `retainOnDelete`; ARM deleted the run command with its VM), the new one created.
 * Then the NIC, the VM on the same disks, the schedule and the gate are created in dependency order.
 * The minutes are the plan's typical creation times (`src/report/readiness.ts`: assumptions) plus
 * {@link VM_DELETE_MINUTES} for the VM's deletion, also an assumption.
 */
import type { Change } from "./changes";
import type { PlanResource } from "./planTypes";
import { CREATION_MINUTES } from "../report/readiness";

/** Assumed minutes for Azure to delete a VM whose disks detach (stated, not measured). */
export const VM_DELETE_MINUTES = 2;

const VM_TYPE = "azure-native:compute:VirtualMachine";
const NIC_TYPE = "azure-native:network:NetworkInterface";
const RUN_COMMAND_TYPE = "azure-native:compute:VirtualMachineRunCommandByVirtualMachine";

/** One VM re-created on its disks: what is deleted before what, what is created, and about how long. */
export interface ShellRecreation {
  vm: string;
  /** Its name in the previous deployment, when renamed. */
  was?: string;
  /** Logical names, deleted in this order. */
  deleted: string[];
  /** With a replaced NIC: the gates deleted after the new NIC is created, just before the new VM (on the VM's own step). */
  deletedBeforeVm?: string[];
  /** Logical names, created in this order. */
  created: string[];
  /** A renamed VM's followers, replaced on their own steps after the new VM exists (not cascaded):
   * each old one (by its previous name) deleted, then the new one created. */
  replacedAfter?: string[];
  /** About how many minutes the VM is away (rounded up). */
  minutes: number;
}

/** The shell re-creations among `changes` (each VM replaced), in the changes' order. */
export function shellRecreations(changes: readonly Change[], resources: readonly PlanResource[]): ShellRecreation[] {
  const action = new Map(changes.map((c) => [c.name, c.action]));
  const byName = new Map(resources.map((r) => [r.name, r]));
  return changes
    .filter((c) => c.type === VM_TYPE && c.action === "replace")
    .map((c) => {
      const vm = byName.get(c.name);
      const was = vm?.options.aliases?.[0];
      const followers = resources.filter((r) => (r.options.replaceWith ?? []).includes(c.name) && action.get(r.name) === "replace");
      const nic = (vm?.options.replaceWith ?? []).map((n) => byName.get(n)).find((r) => r?.type === NIC_TYPE && action.get(r.name) === "replace");
      // Seen in the engine suite (test/engine), renamed or not: the gate, whose URL path names the
      // VM (vmName), is deleted before the VM (the engine's dependent replacements:
      // calculateDependentReplacements) and created after it; the schedule, which names the VM only
      // in its body (targetResourceId), is replaced on its own step once the new VM exists.
      // When the NIC is replaced (a subnet move), the VM goes on the NIC's step and the cascade is not
      // transitive: the gate goes on the VM's own step, after the new NIC exists, just before the new
      // VM is created (also seen in the engine suite).
      const cascaded = followers.filter((f) => f.type === RUN_COMMAND_TYPE);
      const later = followers.filter((f) => f.type !== RUN_COMMAND_TYPE);
      const oldName = (f: PlanResource) => f.options.aliases?.[0] ?? f.name;
      // What is deleted carries the previous deployment's names (a rename's aliases).
      const deleted = [...(nic ? [] : cascaded.map(oldName)), was ?? c.name, ...(nic ? [nic.name] : [])];
      const deletedBeforeVm = nic ? cascaded.map(oldName) : [];
      const created = [...(nic ? [nic.name] : []), c.name, ...cascaded.map((f) => f.name)];
      const minutes = VM_DELETE_MINUTES + [vm, nic, ...followers].reduce((sum, r) => sum + (r ? CREATION_MINUTES[r.type]?.minutes ?? 0 : 0), 0);
      const after = later.map((f) => (f.options.aliases?.[0] ? `${f.options.aliases[0]} -> ${f.name}` : f.name));
      return { vm: c.name, ...(was ? { was } : {}), deleted, ...(deletedBeforeVm.length > 0 ? { deletedBeforeVm } : {}), created, ...(after.length > 0 ? { replacedAfter: after } : {}), minutes: Math.ceil(minutes) };
    });
}

/** The plan's lines for the re-created shells (none when there are none). */
export function renderShellRecreations(shells: readonly ShellRecreation[]): string[] {
  if (shells.length === 0) return [];
  return [
    "VMs re-created on their disks (the disks detach and stay, with their LUNs):",
    ...shells.map((s) => `  ${s.vm}${s.was ? ` (was ${s.was})` : ""}: delete ${s.deleted.join(", then ")}; create ${s.deletedBeforeVm ? `${s.created[0]}; delete ${s.deletedBeforeVm.join(", then ")} (on the VM's own step); create ${s.created.slice(1).join(", then ")}` : s.created.join(", then ")}${s.replacedAfter ? `; then, on their own steps once the VM exists, replace ${s.replacedAfter.join(", ")}` : ""}. VM re-created on its disks: about ${s.minutes} min`),
    `  (minutes: the plan's typical creation times, assumptions in src/report/readiness.ts, plus an assumed ${VM_DELETE_MINUTES} min to delete the VM)`,
  ];
}
