/**
 * `start`, `stop` and `status` over the lab's VMs, with progress shown by listr2 as it goes.
 * Every failure names its VM and carries Azure's message (or the readiness script's output).
 */
import { Listr } from "listr2";
import { Lab, LabVm, onlineVms } from "../input/lab/lab";
import { LabAzure, NOT_DEPLOYED, VmState, azureMessage } from "./azure";
import { bootSteps } from "./order";

/** Where progress goes: listr2's renderers (`silent` in tests). */
export type Renderer = "default" | "simple" | "silent";

/** What a command did: one line per VM, and the failures (each naming its VM). */
export interface CommandResult {
  done: string[];
  failures: string[];
  /** VMs never touched because an earlier step failed or the run was interrupted. */
  notStarted: string[];
}

function listr(tasks: ConstructorParameters<typeof Listr>[0], renderer: Renderer, concurrent: boolean) {
  // Signals are handled by the command line (src/labctl/cli.ts), which aborts the calls in flight.
  return new Listr(tasks, { concurrent, exitOnError: !concurrent, renderer, fallbackRenderer: renderer === "silent" ? "silent" : "simple", registerSignalListeners: false });
}

/**
 * Starts the lab in boot order: each step's VMs in parallel (a VM already running is left as
 * it is), and after a barrier its readiness script, before the next step. Stops at the first
 * failure; what was not started is listed.
 */
export async function startLab(lab: Lab, azure: LabAzure, renderer: Renderer): Promise<CommandResult> {
  const result: CommandResult = { done: [], failures: [], notStarted: [] };
  const touched = new Set<string>();
  const startOne = async (vm: LabVm): Promise<string> => {
    touched.add(vm.name);
    let state: VmState;
    try {
      state = await azure.state(vm.name);
      if (state.power === "running") return "already running";
      if (state.power === NOT_DEPLOYED) throw new Error("Azure has no such VM (after pulumi destroy: run pulumi up, which starts the lab)");
      await azure.start(vm.name);
    } catch (err) {
      throw new Error(`${vm.name}: start failed: ${azureMessage(err)}`, { cause: err });
    }
    return `started (was ${state.power})`;
  };
  const steps = bootSteps(lab);
  const tasks = steps.map((step) => ({
    title: step.barrier ? `${step.vms[0].name} (WaitForBoot)` : step.vms.map((v) => v.name).join(", "),
    task: async (_: unknown, task: { output: string; title: string }) => {
      const outcomes = await Promise.allSettled(step.vms.map(async (vm) => {
        const what = await startOne(vm);
        task.output = `${vm.name}: ${what}`;
        result.done.push(`${vm.name}: ${what}`);
      }));
      const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected").map((o) => (o.reason as Error).message);
      if (failed.length > 0) {
        result.failures.push(...failed);
        throw new Error(failed.join("; "));
      }
      if (!step.waitReady) return;
      const vm = step.vms[0];
      task.output = `${vm.name}: waiting until it serves (at most ${lab.settings.readiness.timeoutMinutes} min)`;
      let ready;
      try {
        ready = await azure.waitReady(vm.name, lab.settings.readiness.timeoutMinutes);
      } catch (err) {
        const message = `${vm.name}: readiness check could not run: ${azureMessage(err)}`;
        result.failures.push(message);
        throw new Error(message, { cause: err });
      }
      if (!ready.ok) {
        const message = `${vm.name}: not ready (${ready.detail}).${ready.output ? `\n${ready.output}` : ""}`;
        result.failures.push(message);
        throw new Error(`${vm.name}: not ready`);
      }
      result.done.push(`${vm.name}: serving${ready.output.includes("WARNING") ? ` (${ready.output.split("\n").filter((l) => l.includes("WARNING")).join("; ")})` : ""}`);
    },
  }));
  try {
    await listr(tasks, renderer, false).run();
  } catch {
    // The failure is in result.failures, with its VM's name.
  }
  result.notStarted = onlineVms(lab).map((v) => v.name).filter((n) => !touched.has(n));
  return result;
}

/**
 * Deallocates every VM of the lab in reverse boot order: the boot steps last to first, the VMs of
 * a step in parallel (so the domain controllers go last). A VM already deallocated is left as it
 * is; a failure is recorded and the next steps still run, so that as much as possible stops billing.
 */
export async function stopLab(lab: Lab, azure: LabAzure, renderer: Renderer): Promise<CommandResult> {
  const result: CommandResult = { done: [], failures: [], notStarted: [] };
  const stopOne = async (vm: LabVm, task: { output: string }) => {
    try {
      const state = await azure.state(vm.name);
      if (state.power === "deallocated" || state.power === NOT_DEPLOYED) {
        result.done.push(`${vm.name}: ${state.power === NOT_DEPLOYED ? "not deployed, nothing to deallocate" : "already deallocated"}`);
        return;
      }
      task.output = `${vm.name}: deallocating`;
      await azure.deallocate(vm.name);
      result.done.push(`${vm.name}: deallocated`);
    } catch (err) {
      const message = `${vm.name}: deallocate failed: ${azureMessage(err)}`;
      result.failures.push(message);
      throw new Error(message, { cause: err });
    }
  };
  const tasks = [...bootSteps(lab)].reverse().map((step) => ({
    title: step.vms.map((v) => v.name).join(", "),
    task: async (_: unknown, task: { output: string }) => {
      const outcomes = await Promise.allSettled(step.vms.map((vm) => stopOne(vm, task)));
      const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
      if (failed.length > 0) throw new Error(failed.map((o) => (o.reason as Error).message).join("; "));
    },
  }));
  try {
    await new Listr(tasks, { concurrent: false, exitOnError: false, renderer, fallbackRenderer: renderer === "silent" ? "silent" : "simple", registerSignalListeners: false }).run();
  } catch {
    // In result.failures.
  }
  return result;
}

/** One row of `status`. */
export interface StatusRow {
  vm: string;
  power: string;
  agent: string;
  privateIp: string;
  publicRdp: string;
  autoShutdown: string;
}

/**
 * Reads every VM's state (in parallel) and returns the table's rows, in boot order; a VM whose
 * state cannot be read shows Azure's message in its power column.
 * `autoShutdown` is the stack's daily time and zone while the VM runs ("-" when it does not).
 */
export async function statusLab(lab: Lab, azure: LabAzure): Promise<StatusRow[]> {
  const shutdown = lab.settings.autoShutdown;
  return Promise.all(onlineVms(lab).map(async (vm) => {
    let state: VmState;
    try {
      state = await azure.state(vm.name);
    } catch (err) {
      state = { power: `error: ${azureMessage(err)}`, agent: "-" };
    }
    return {
      vm: vm.name,
      power: state.power,
      agent: state.agent,
      privateIp: vm.privateIp,
      publicRdp: vm.publicRdpPort !== undefined ? String(vm.publicRdpPort) : "-",
      autoShutdown: shutdown && state.power === "running" ? `daily ${shutdown.time.slice(0, 2)}:${shutdown.time.slice(2)} ${shutdown.timeZone}` : "-",
    };
  }));
}

/** The status rows as an aligned text table. */
export function renderStatus(rows: readonly StatusRow[]): string {
  const head = ["VM", "power state", "agent", "private IP", "public RDP port", "next auto-shutdown"];
  const cells = [head, ...rows.map((r) => [r.vm, r.power, r.agent, r.privateIp, r.publicRdp, r.autoShutdown])];
  const widths = head.map((_, i) => Math.max(...cells.map((c) => c[i].length)));
  return cells.map((c) => c.map((v, i) => v.padEnd(widths[i])).join("  ").trimEnd()).join("\n") + "\n";
}
