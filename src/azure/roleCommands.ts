/**
 * Declares a Role row's first-life steps (designed in src/input/lab/roleSteps.ts) as managed Run
 * Commands (`azure-native:compute:VirtualMachineRunCommandByVirtualMachine`, ARM
 * `Microsoft.Compute/virtualMachines/runCommands`,
 * https://learn.microsoft.com/azure/virtual-machines/windows/run-command-managed), one after
 * another on the VM (`dependsOn`: Run Commands of one VM must not overlap; a second one at the
 * same time fails with Conflict, https://github.com/MicrosoftDocs/azure-docs/issues/110433).
 *
 * Each step: `asyncExecution: false`, `treatFailureAsDeploymentFailure: true` (the SDK default is
 * false, which would report a failed script as a succeeded deployment), secrets only as
 * `protectedParameters` wrapped as Pulumi secrets (the SDK marks none of its outputs secret), the
 * script's deadline below Run Command's `timeoutInSeconds`, itself below Pulumi's `customTimeouts`
 * (default 2 h: https://github.com/pulumi/pulumi/issues/8500). After a step that schedules a
 * restart, a {@link RebootWait} of 90 s lets the restart begin before the gate's Run Command is sent.
 *
 * Life: the steps exist only while the VM is built from its image (`runsRoleSteps`). On a later
 * `pulumi up` (the disk exists) they are no longer declared, and `retainOnDelete` drops them from
 * the state without a call to Azure (nothing runs again; a Run Command is a child of its VM and goes
 * with it); after `pulumi destroy` + `pulumi up` the VM attaches its disk and runs none.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as compute from "@pulumi/azure-native/compute";
import { LabVm, Lab } from "../input/lab/lab";
import { PROTECTED, REBOOT_WAIT_SECONDS, RoleStep, roleRunCommandName, roleStepsOf } from "../input/lab/roleSteps";
import { NAMESPACE } from "../input/stack/settings";
import { gateTimeouts } from "./gates";

/** What a missing secret is sent as while the plan runs without it (the plan warns); never a real value. */
const MISSING_SECRET_PLACEHOLDER = "(not set)";

/** A guest script's text (Windows PowerShell 5.1), with LF line ends whatever the checkout has (the
 * bytes are an input of the Run Command: a CRLF checkout must not be a change). Throws if the file
 * is missing (a packaging defect). */
export function roleScript(file: string): string {
  return fs.readFileSync(path.join(__dirname, "scripts", file), "utf8").replace(/\r\n/g, "\n");
}

/**
 * A wait of `seconds` during `pulumi up` (a dynamic provider: no plugin needed); nothing on delete.
 * `EXCHANGE_LAB_REBOOT_WAIT_SECONDS` in the environment of `pulumi up` shortens it (the engine suite's
 * Azure twin restarts nothing); it is read when the wait runs, so it is not an input and no diff.
 */
const rebootWaitProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: { seconds: number }) {
    const override = Number(process.env.EXCHANGE_LAB_REBOOT_WAIT_SECONDS);
    const seconds = Number.isFinite(override) && process.env.EXCHANGE_LAB_REBOOT_WAIT_SECONDS !== "" && process.env.EXCHANGE_LAB_REBOOT_WAIT_SECONDS !== undefined ? Math.min(override, inputs.seconds) : inputs.seconds;
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    return { id: `wait-${inputs.seconds}s`, outs: inputs };
  },
};

/** Pulumi waits while a VM begins the restart its last step scheduled, so that the next Run Command is not sent into it. */
export class RebootWait extends pulumi.dynamic.Resource {
  constructor(name: string, seconds: number, opts: pulumi.CustomResourceOptions) {
    super(rebootWaitProvider, name, { seconds }, opts);
  }
}

/** The stack's secret for a protected parameter, as a Pulumi secret (a placeholder while the plan runs without it). */
function secretValue(key: string): pulumi.Output<string> {
  return pulumi.secret(new pulumi.Config(NAMESPACE).getSecret(key) ?? pulumi.output(MISSING_SECRET_PLACEHOLDER));
}

/** The parameters of one step: its public ones, the deadline, and (exchange-setup) the task's script. */
function publicParameters(step: RoleStep): { name: string; value: string }[] {
  const values: Record<string, string> = { ...step.parameters };
  if (step.takesTimeout) values.TimeoutSeconds = String(step.deadlineMinutes * 60);
  if (step.id === "exchange-setup") values.InstallScriptBase64 = Buffer.from(roleScript("exchange-install.ps1"), "utf8").toString("base64");
  return Object.entries(values).map(([name, value]) => ({ name, value }));
}

/**
 * Declares the role steps of `vm` on `machine`, each after the one before (the first after the
 * machine). Returns the last resource (what later VMs and the VM's readiness gate wait for), or
 * `undefined` when the VM runs no role step.
 */
export function declareRoleSteps(
  lab: Lab,
  vm: LabVm,
  machine: compute.VirtualMachine,
  args: { resourceGroupName: pulumi.Input<string>; location: string },
  opts: pulumi.CustomResourceOptions,
): pulumi.CustomResource | undefined {
  let previous: pulumi.CustomResource = machine;
  for (const step of roleStepsOf(lab, vm)) {
    const t = gateTimeouts(step.deadlineMinutes);
    const command = new compute.VirtualMachineRunCommandByVirtualMachine(
      `${vm.name}-${step.id}`,
      {
        resourceGroupName: args.resourceGroupName,
        vmName: machine.name,
        runCommandName: roleRunCommandName(step),
        location: args.location,
        source: { script: roleScript(step.script) },
        parameters: publicParameters(step),
        protectedParameters: step.protectedParameters.map((name) => ({ name, value: secretValue(PROTECTED[name]) })),
        asyncExecution: false,
        treatFailureAsDeploymentFailure: true,
        timeoutInSeconds: t.runCommandSeconds,
      },
      {
        ...opts,
        dependsOn: [previous],
        deletedWith: machine,
        // A later life declares no role step, so the engine deletes them then; by that time auto-shutdown
        // may have deallocated the VM, and Azure refuses run-command changes on a stopped VM
        // (https://github.com/hashicorp/terraform-provider-azurerm/issues/477). Dropping them from the
        // state only is right: a run command is a child of its VM and goes when the VM goes.
        retainOnDelete: true,
        replaceWith: [machine],
        deleteBeforeReplace: true,
        customTimeouts: { create: `${t.pulumiMinutes}m`, update: `${t.pulumiMinutes}m` },
        additionalSecretOutputs: ["protectedParameters"],
      },
    );
    previous = step.restarts ? new RebootWait(`${vm.name}-${step.id}-restart`, REBOOT_WAIT_SECONDS, { ...opts, dependsOn: [command], replaceWith: [machine], retainOnDelete: true }) : command;
  }
  return previous === machine ? undefined : previous;
}
