/**
 * Readiness gates, the pure part: which VMs get one, the gate script, its timing, and the check of
 * `readinessGatesSkip` against the CSV. Shared by the declaration (src/azure/readinessGate.ts) and
 * `npm run lab` (src/labctl/), which runs the same script through the Run Command API.
 */
import * as fs from "fs";
import * as path from "path";
import { Lab, LabVm, onlineVms } from "../input/lab/lab";
import { Problem } from "../input/problems";
import { ReadinessSettings } from "../input/stack/settings";

/** The gate script's path (a file of its own, read when the gate is declared). */
export const WAIT_READY_SCRIPT_PATH = path.join(__dirname, "scripts", "wait-ready.ps1");

/**
 * The gate script's text (Windows PowerShell 5.1), with LF line ends whatever the checkout gave
 * the file (`.gitattributes` asks for LF; a Windows checkout with `core.autocrlf` or a copied file
 * may still have CRLF): the text is the run command's input, and other bytes would be a change
 * that re-runs the gate. Throws if the file is missing (a packaging defect).
 */
export function waitReadyScript(file: string = WAIT_READY_SCRIPT_PATH): string {
  return fs.readFileSync(file, "utf8").replace(/\r\n/g, "\n");
}

/** The gate inputs a deployed gate never updates (`readinessGate.ts`): its script, the script's
 * deadline (a parameter) and Run Command's timeout. Only a new or re-created gate takes them. */
export const GATE_IGNORED_CHANGES = ["source", "parameters", "timeoutInSeconds"] as const;

/** The ARM name of the gate's run command under its VM. */
export const GATE_RUN_COMMAND_NAME = "exchange-lab-wait-ready";

/** Seconds Run Command is given beyond the script's own deadline (handler start, script download),
 * so that the script reaches its deadline and prints what failed before Run Command stops it. */
export const GATE_RUN_COMMAND_MARGIN_SECONDS = 300;
/** Minutes Pulumi waits beyond Run Command's timeout before it gives up on the create. */
export const GATE_PULUMI_MARGIN_MINUTES = 10;

/** The gate's timing for a deadline of `timeoutMinutes`: script deadline and Run Command
 * timeout in seconds, Pulumi's create/update timeout in minutes (each longer than the one before). */
export function gateTimeouts(timeoutMinutes: number): { scriptSeconds: number; runCommandSeconds: number; pulumiMinutes: number } {
  const scriptSeconds = timeoutMinutes * 60;
  const runCommandSeconds = scriptSeconds + GATE_RUN_COMMAND_MARGIN_SECONDS;
  return { scriptSeconds, runCommandSeconds, pulumiMinutes: Math.ceil(runCommandSeconds / 60) + GATE_PULUMI_MARGIN_MINUTES };
}

/** Whether a VM gets a gate: a declared WaitForBoot=Yes VM, gates on, not listed in `readinessGatesSkip`. */
export function hasGate(vm: LabVm, readiness: ReadinessSettings): boolean {
  return vm.bringOnline && vm.waitForBoot && readiness.gates && !readiness.skip.some((n) => n.toLowerCase() === vm.name.toLowerCase());
}

/**
 * Checks `readinessGatesSkip` against the CSV: each name must be a WaitForBoot=Yes row.
 * Returns one located problem per bad name (none when all are fine). Pure.
 */
export function readinessSkipProblems(lab: Lab): Problem[] {
  const { skip, skipLocation } = lab.settings.readiness;
  const column = "exchange-lab:readinessGatesSkip";
  return skip.flatMap((name) => {
    const vm = lab.vms.find((v) => v.name.toLowerCase() === name.toLowerCase());
    if (!vm) return [{ ...skipLocation, column, message: `'${name}' is not a VM of ${lab.csvFile}` }];
    if (!vm.waitForBoot) return [{ ...skipLocation, column, message: `'${name}' is not a WaitForBoot=Yes row, so it has no readiness gate to skip` }];
    return [];
  });
}

/** The barrier VMs that get a gate, in boot order. */
export function gatedVms(lab: Lab): LabVm[] {
  return onlineVms(lab).filter((vm) => hasGate(vm, lab.settings.readiness));
}

