/**
 * `npm run lab -- up`: `pulumi up` on a running lab, and the lab put back as it was. Azure sends,
 * changes and deletes a run command only on a running VM ("Cannot modify extensions in the VM
 * when the VM is not running", https://github.com/hashicorp/terraform-provider-azurerm/issues/477),
 * and auto-shutdown or `npm run lab -- stop` deallocates every VM: a `pulumi up` that creates a
 * readiness gate on a VM that stays (the plan's "Before pulumi up", `src/plan/beforeUp.ts`) fails
 * on a deallocated lab. So: read each VM's power state; start every VM that exists, in boot order
 * (the `start` routine: parked disks converted back, each barrier waited for); run `pulumi up`;
 * then deallocate again, in reverse boot order, the VMs that were not running before, whether
 * `pulumi up` succeeded or not. VMs of rows not yet deployed (no VM in Azure) are left to
 * `pulumi up`, which creates them running. Disks that were parked stay converted back.
 */
import { Lab } from "../input/lab/lab";
import { LabAzure, NOT_DEPLOYED } from "./azure";
import { CommandResult, Renderer, statusLab, stopLab } from "./commands";
import { ParkOutcome, unparkAndStart } from "./parkCommands";

/** The lab with only the VMs named in `names` declared online (the others left alone). */
function only(lab: Lab, names: ReadonlySet<string>): Lab {
  return { ...lab, vms: lab.vms.map((vm) => (names.has(vm.name) ? vm : { ...vm, bringOnline: false })) };
}

/**
 * Starts the lab's existing VMs, runs `runPulumi` (resolves to its exit code), then deallocates
 * the VMs that were not running before. `onPulumi(true|false)` marks the time `pulumi up` runs (the
 * command line leaves Ctrl-C to it then). A failed start runs no `pulumi up`.
 */
export async function upRunning(lab: Lab, azure: LabAzure, renderer: Renderer, runPulumi: () => Promise<number>, onPulumi: (running: boolean) => void = () => undefined): Promise<ParkOutcome> {
  const rows = await statusLab(lab, azure);
  // A VM Azure does not have (a new row, or the lab after pulumi destroy): pulumi up creates it.
  // A VM whose state Azure did not give is not guessed at: nothing is started, pulumi up not run.
  const unread = rows.filter((r) => r.power.startsWith("error:"));
  if (unread.length > 0) return { done: [], failures: [...unread.map((r) => `${r.vm}: state unknown: ${r.power.slice("error: ".length)}`), "pulumi up was not run: the lab's state could not be read"], notStarted: [] };
  const existing = rows.filter((r) => r.power !== NOT_DEPLOYED);
  const asleep = new Set(existing.filter((r) => r.power !== "running").map((r) => r.vm));
  const started = await unparkAndStart(only(lab, new Set(existing.map((r) => r.vm))), azure, renderer);
  if (started.failures.length > 0) return { ...started, failures: [...started.failures, "pulumi up was not run: the lab did not start"] };
  onPulumi(true);
  let code: number;
  try {
    code = await runPulumi();
  } finally {
    onPulumi(false);
  }
  const stopped: CommandResult = asleep.size > 0 ? await stopLab(only(lab, asleep), azure, renderer) : { done: [], failures: [], notStarted: [] };
  return {
    done: [...started.done, `pulumi up: ${code === 0 ? "done" : `failed (exit code ${code})`}`, ...stopped.done],
    failures: [...(code === 0 ? [] : [`pulumi up failed (exit code ${code}); ${asleep.size > 0 ? "the VMs that were deallocated before are deallocated again" : "every VM was running before and is left running"}`]), ...stopped.failures],
    notStarted: stopped.notStarted,
  };
}
