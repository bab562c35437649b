/**
 * Readiness gates: for each WaitForBoot=Yes VM, a managed Run Command that runs
 * `scripts/wait-ready.ps1` inside the guest and succeeds only once the VM serves (a domain
 * controller: its AD services, LDAP and DNS ports and DC locator record, twice in a row). Every
 * later VM depends on the gate instead of the VM.
 *
 * Why: a VM that attaches a specialized disk (no osProfile) is reported Succeeded by ARM without
 * OS provisioning ("OS Provisioning states only apply to virtual machines created with a
 * generalized OS image", https://learn.microsoft.com/azure/virtual-machines/states-billing), so a
 * plain dependsOn on the VM lets the next VMs boot while Windows and AD are still starting.
 *
 * Managed Run Command (https://learn.microsoft.com/azure/virtual-machines/windows/run-command-managed,
 * ARM `Microsoft.Compute/virtualMachines/runCommands`, API 2024-11-01 in azure-native 3.x):
 * `asyncExecution: false` makes the create wait for the script; `treatFailureAsDeploymentFailure:
 * true` turns its non-zero exit into a failed deployment; the output keeps the last 4 KB. It needs
 * the VM agent Ready (Windows agent 2.7.41491.1010 or later, KB 4049215); stacks whose barrier
 * VMs' agents are older turn the gate off (`readinessGates`, `readinessGatesSkip`).
 */
import * as pulumi from "@pulumi/pulumi";
import * as compute from "@pulumi/azure-native/compute";
import { GATE_IGNORED_CHANGES, GATE_RUN_COMMAND_NAME, gateTimeouts, waitReadyScript } from "./gates";
import { LabVm } from "../input/lab/lab";

/**
 * Declares the readiness gate of one barrier VM. Options:
 * - `replaceWith: [machine]`: a re-created VM (a new boot, a new VM-GenerationID) gets a new gate,
 *   which runs the script again (https://www.pulumi.com/docs/iac/concepts/resources/options/replacewith/);
 *   an unchanged `pulumi up` finds no difference and runs nothing (a run command re-executes
 *   only when created or changed: https://github.com/Azure/bicep/issues/10422).
 * - `deletedWith: machine`: ARM deletes a VM's run commands with it; no separate delete call.
 * - `deleteBeforeReplace`: the gate has a fixed name under its VM, like the VM's own fixed name.
 * - `customTimeouts` above Run Command's `timeoutInSeconds`, itself above the script's deadline.
 * - `retainOnDelete`: a gate removed from the program (WaitForBoot Yes -> No, `readinessGates:
 *   false`, a name added to `readinessGatesSkip`) leaves the state without a call to Azure, as the
 *   role steps do: auto-shutdown or `npm run lab -- stop` may have deallocated the VM, and Azure
 *   refuses run-command changes on a deallocated VM
 *   (https://github.com/hashicorp/terraform-provider-azurerm/issues/477). The run command stays
 *   under its VM in Azure, finished, and goes with the VM. A gate replaced with its VM is deleted
 *   by ARM with the old VM; its state-only delete is right there too.
 * - `ignoreChanges` on {@link GATE_IGNORED_CHANGES} (the script, its deadline and Run Command's
 *   timeout): a gate runs when it is created, with its VM. A later `readinessTimeoutMinutes` or a
 *   new script must not update (re-run) every gate of the lab, which on a deallocated lab fails.
 *   New and re-created gates take the current values (Pulumi does not carry ignored inputs into a
 *   replacement: pulumi/pulumi step_generator.go, "recompute the default values").
 */
export function declareReadinessGate(
  vm: LabVm,
  machine: compute.VirtualMachine,
  args: { resourceGroupName: pulumi.Input<string>; location: string; timeoutMinutes: number; after?: pulumi.Resource },
  opts: pulumi.CustomResourceOptions,
): compute.VirtualMachineRunCommandByVirtualMachine {
  const t = gateTimeouts(args.timeoutMinutes);
  return new compute.VirtualMachineRunCommandByVirtualMachine(
    `${vm.name}-ready`,
    {
      resourceGroupName: args.resourceGroupName,
      vmName: machine.name,
      runCommandName: GATE_RUN_COMMAND_NAME,
      location: args.location,
      source: { script: waitReadyScript() },
      parameters: [{ name: "TimeoutSeconds", value: String(t.scriptSeconds) }],
      asyncExecution: false,
      treatFailureAsDeploymentFailure: true,
      timeoutInSeconds: t.runCommandSeconds,
    },
    {
      ...opts,
      // After the VM, and after its role steps when it runs them (a DC is ready once promoted).
      dependsOn: args.after ? [machine, args.after] : [machine],
      deletedWith: machine,
      replaceWith: [machine],
      deleteBeforeReplace: true,
      customTimeouts: { create: `${t.pulumiMinutes}m`, update: `${t.pulumiMinutes}m` },
      retainOnDelete: true,
      ignoreChanges: [...GATE_IGNORED_CHANGES],
      // A renamed VM (lifecycle.ts) keeps its gate's state, which is replaced with the VM.
      aliases: vm.previousName ? [{ name: `${vm.previousName}-ready` }] : undefined,
    },
  );
}
