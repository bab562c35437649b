/**
 * `npm run lab -- start | stop [--park] | status | park | unpark | up [--stack NAME | --config FILE] [--csv FILE] [--subscription ID] [--dry-run]`
 *
 * Reads the same CSV and stack file as the Pulumi program and works on the VMs `pulumi up`
 * created: `start` in boot order (each WaitForBoot=Yes VM waited for with the readiness script),
 * after converting parked disks back; `stop` deallocates in reverse boot order, and with `--park`
 * then converts every disk to `parkedDiskSku`; `park` / `unpark` convert the disks alone (a
 * destroyed lab); `status` prints a table; `up` runs `pulumi up` on the started lab and deallocates
 * again what was deallocated (`upRunning.ts`). Signs in to Azure with
 * `DefaultAzureCredential` (`az login` is enough), in the subscription `pulumi up` uses
 * (signIn.ts, `chooseSubscription`), or `--subscription`. Writes no file, so an interrupted run leaves
 * nothing half-written; operations Azure already accepted finish in Azure.
 *
 * Exit codes: 0 done; 1 invalid lab input (every problem listed); 2 usage error (a subscription
 * name that matches none or several included); 3 an Azure operation or a readiness check failed
 * (the VM and Azure's message are printed), or `pulumi up` failed (`up`); 4 cannot sign in to Azure (says: run az login, and
 * the other sources DefaultAzureCredential tries); 130 interrupted.
 */
import { spawn } from "child_process";
import * as path from "path";
import type { TokenCredential } from "@azure/identity";
import { Lab } from "../input/lab/lab";
import { resolveStackFile } from "../plan/cli";
import { LabValidationError, formatProblem } from "../input/problems";
import { loadLab } from "../program";
import { NAMESPACE } from "../input/stack/settings";
import { readStackFile } from "../input/stack/stackFile";
import { OptionSpecs, UsageError, optionsHelp, readCommandLine } from "../input/commandLine";
import { LabAzure } from "./azure";
import { Renderer, renderStatus, statusLab, stopLab } from "./commands";
import { ParkOutcome, parkOnly, renderDryRun, stopAndPark, unparkAndStart } from "./parkCommands";
import { SubscriptionSource, chooseSubscription, listSubscriptions, resolveSubscription, signInProblem } from "./signIn";
import { upRunning } from "./upRunning";

export const COMMANDS = ["start", "stop", "status", "park", "unpark", "up"] as const;
export type Command = (typeof COMMANDS)[number];

/**
 * The lab CLI's options, declared once: read by `util.parseArgs` and printed by `--help`
 * (src/input/commandLine.ts).
 */
export const LAB_OPTIONS = {
  stack: { type: "string", value: "NAME", help: "the stack file stacks/Pulumi.NAME.yaml (default: the only one there)" },
  config: { type: "string", value: "FILE", help: "a stack file by path" },
  csv: { type: "string", value: "FILE", help: "the lab CSV instead of the stack's csv key" },
  subscription: { type: "string", value: "ID", help: "the Azure subscription, by id or name (default: the one pulumi up uses: the stack's\nazure-native:subscriptionId, else ARM_SUBSCRIPTION_ID, else the Azure CLI's default account (az account set),\nread from its azureProfile.json)" },
  park: { type: "boolean", help: "with stop: then convert every disk to parkedDiskSku (see docs/parking.md;\nAzure allows two type changes per disk a day: one park, one start)" },
  "dry-run": { type: "boolean", help: "print what would be done, in order, without calling Azure" },
  help: { type: "boolean", short: "h", help: "this text" },
} as const satisfies OptionSpecs;

export const USAGE = `usage: npm run lab -- <command> [--park] [--stack NAME | --config FILE] [--csv FILE] [--subscription ID] [--dry-run]

commands:
  start    start the lab in boot order: the VMs up to each WaitForBoot=Yes VM in parallel, then that
           VM, waiting until it serves (the readiness script through Run Command), then the next ones;
           first, every parked disk of these VMs goes back to the type recorded on it
  stop     deallocate every VM of the lab in reverse boot order (compute stops billing; disks stay)
  status   a table of each VM: power state, agent status, private IP, public RDP port, next auto-shutdown
  park     convert every disk of the CSV to parkedDiskSku (OS disks StandardSSD_LRS, data disks
           Standard_LRS by default), VMs untouched
           (after pulumi destroy); each disk's type is recorded in a tag on it
  unpark   convert every parked disk back to its recorded type, VMs untouched (before pulumi up)
  up       pulumi up on a running lab: start the lab's VMs as start does, run pulumi up --stack NAME,
           then deallocate again the VMs that were not running before (Azure sends run commands,
           such as a new readiness gate, only to a running VM)

options:
${optionsHelp(LAB_OPTIONS)}
exit codes: 0 done; 1 invalid lab input; 2 usage error (an unknown subscription included); 3 an Azure
operation or a readiness check failed (status: a VM Azure gave no answer or an error for; "not deployed"
is a state, exit 0); 4 cannot sign in to Azure;
130 interrupted
`;

/** Parsed command line. */
export interface LabArgs {
  command: Command;
  stack?: string;
  config?: string;
  csv?: string;
  subscription?: string;
  dryRun: boolean;
  /** `stop --park`. */
  park: boolean;
}

/** Parses the arguments; throws an `Error` with the reason on a bad one (`help` for --help). */
export function parseLabArgs(argv: readonly string[]): LabArgs {
  const { values: v, positionals } = readCommandLine(argv, LAB_OPTIONS, true);
  if (v.help) throw new Error("help");
  const commands = positionals.map((word) => {
    const known = COMMANDS.find((c) => c === word);
    if (!known) throw new UsageError(`unknown command '${word}'; the commands are ${COMMANDS.join(", ")}`);
    return known;
  });
  if (commands.length === 0) throw new UsageError(`give a command: ${COMMANDS.join(", ")}`);
  if (commands.length > 1) throw new UsageError(`give one command, not ${commands.join(" and ")}`);
  const command = commands[0];
  const args: LabArgs = { command, dryRun: v["dry-run"] ?? false, park: v.park ?? false };
  if (v.stack !== undefined) args.stack = v.stack;
  if (v.config !== undefined) args.config = v.config;
  if (v.csv !== undefined) args.csv = v.csv;
  if (v.subscription !== undefined) args.subscription = v.subscription;
  if (args.stack && args.config) throw new UsageError("give --stack or --config, not both");
  if (args.park && command !== "stop") throw new UsageError(`--park goes with stop (stop --park); ${command === "start" ? "start always converts parked disks back" : "park and unpark are commands of their own"}`);
  return args;
}

/** What tests replace: the credential, the ARM endpoint and its CA, polling, progress, paths. */
export interface LabTesting {
  credential?: TokenCredential;
  endpoint?: string;
  ca?: string;
  pollIntervalMs?: number;
  renderer?: Renderer;
  /** Directory of `stacks/` and of relative CSV paths (default: the current directory). */
  baseDir?: string;
  env?: Record<string, string | undefined>;
  /** Aborts the run as Ctrl-C does. */
  abortSignal?: AbortSignal;
  /** Runs `pulumi up` for `up` (default: the Pulumi CLI, its output on this terminal); resolves to its exit code. */
  runPulumi?: (stack: string) => Promise<number>;
}

/** `pulumi up --stack <stack>` in this terminal (it reads the terminal's Ctrl-C itself); resolves to its exit code. */
function pulumiUp(stack: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn("pulumi", ["up", "--stack", stack], { stdio: "inherit" });
    child.on("error", () => resolve(127));
    child.on("exit", (code: number | null, signal: NodeJS.Signals | null) => resolve(code ?? (signal ? 130 : 1)));
  });
}

/** Where the subscription came from, as the first line of a run says it. */
const SOURCE_WORDS: Record<SubscriptionSource, string> = {
  "--subscription": "--subscription",
  "azure-native:subscriptionId": "the stack's azure-native:subscriptionId",
  ARM_SUBSCRIPTION_ID: "ARM_SUBSCRIPTION_ID",
  "az account": "the Azure CLI's default account (az account show)",
};

/** Runs the command line; resolves to the exit code. */
export async function main(argv: readonly string[], write: (s: string) => void, writeError: (s: string) => void, testing: LabTesting = {}): Promise<number> {
  let args: LabArgs;
  try {
    args = parseLabArgs(argv);
  } catch (err) {
    const message = (err as Error).message;
    if (message === "help") {
      write(USAGE);
      return 0;
    }
    writeError(`${message}\n${USAGE}`);
    return 2;
  }
  const baseDir = testing.baseDir ?? process.cwd();
  let lab: Lab;
  let stackName: string;
  let stackConfig: Record<string, string>;
  try {
    ({ lab, stackName, stackConfig } = readLab(args, baseDir));
  } catch (err) {
    if (err instanceof LabValidationError) {
      for (const p of err.problems) writeError(`${formatProblem(p)}\n`);
      return 1;
    }
    writeError(`${(err as Error).message}\n`);
    return 2;
  }

  if (args.dryRun) {
    write(dryRun(lab, args, stackName));
    return 0;
  }

  const credential = testing.credential ?? new (await import("@azure/identity")).DefaultAzureCredential();
  const found = await signInAndSubscription(args, stackConfig, credential, testing, writeError);
  if ("code" in found) return found.code;
  const subscriptionId = found.id;
  write(`subscription ${subscriptionId}${found.name ? ` '${found.name}'` : ""}, from ${SOURCE_WORDS[found.source]}\n`);

  // Ctrl-C aborts the calls in flight and starts nothing more.
  const controller = new AbortController();
  // While pulumi up runs, Ctrl-C is the CLI's (it shares the terminal): forwarding it would be a second one, which terminates it.
  let pulumiRunning = false;
  const onSignal = () => {
    if (!pulumiRunning) controller.abort();
  };
  testing.abortSignal?.addEventListener("abort", onSignal);
  if (!testing.abortSignal) process[args.command === "up" ? "on" : "once"]("SIGINT", onSignal);
  try {
    const azure = new LabAzure(lab.settings.resourceGroupName, lab.settings.location, {
      credential, subscriptionId, endpoint: testing.endpoint, ca: testing.ca, pollIntervalMs: testing.pollIntervalMs, abortSignal: controller.signal,
      vmGroups: new Map(lab.vms.filter((vm) => vm.image).map((vm) => [vm.name.toLowerCase(), lab.settings.diskResourceGroupName])),
    });
    const renderer = testing.renderer ?? "default";
    if (args.command === "status") {
      const rows = await statusLab(lab, azure);
      write(renderStatus(rows));
      // A row Azure did not answer, or answered with an error, is a failed Azure operation, as for
      // the other commands; a VM Azure does not have (a destroyed lab) is a state, not a failure.
      const failed = rows.filter((r) => r.power.startsWith("error: "));
      if (failed.length === 0) return 0;
      writeError(`status: Azure did not answer, or answered an error, for ${failed.map((r) => r.vm).join(", ")} (see the table)\n`);
      return 3;
    }
    const result = args.command === "up"
      ? await upRunning(lab, azure, renderer, () => (testing.runPulumi ?? pulumiUp)(stackName), (running) => (pulumiRunning = running))
      : await runCommand(args, lab, azure, renderer);
    return report(result, controller.signal.aborted, write, writeError, args);
  } finally {
    process.removeListener("SIGINT", onSignal);
    testing.abortSignal?.removeEventListener("abort", onSignal);
  }
}

/** The lab of the stack file the arguments name, the stack's name and its config. Throws LabValidationError, or Error on a usage problem. */
function readLab(args: LabArgs, baseDir: string): { lab: Lab; stackName: string; stackConfig: Record<string, string> } {
  const stackFile = resolveStackFile({ stack: args.stack, config: args.config, format: "text", showSecrets: false, pin: false }, path.join(baseDir, "stacks"));
  const read = readStackFile(stackFile);
  if (!read.stack) throw new LabValidationError(read.problems);
  const config = { ...read.stack.config };
  if (args.csv !== undefined) config[`${NAMESPACE}:csv`] = args.csv;
  // Starting and stopping needs no VPN key: read the lab as the plan does.
  const lab = loadLab(config, { locate: read.stack.locate, baseDir, secretKeys: read.stack.secretKeys, mode: "plan" }).lab;
  return { lab, stackName: path.basename(stackFile).replace(/^Pulumi\./, "").replace(/\.ya?ml$/, ""), stackConfig: read.stack.config };
}

/** What `--dry-run` prints; `up`: the start, then pulumi up, then the deallocation. */
function dryRun(lab: Lab, args: LabArgs, stackName: string): string {
  if (args.command !== "up") return renderDryRun(lab, args.command, args.park);
  return `${renderDryRun(lab, "start", false)}then: pulumi up --stack ${stackName}\nthen: deallocate again, in reverse boot order, the VMs that were not running before\n`;
}

/**
 * The subscription of the run (`chooseSubscription`: `pulumi up`'s, or `--subscription`), after
 * one token proves the sign-in; a name is resolved to its id. Resolves to the id and where it came
 * from, or to the exit code after writing why (2 no or unknown subscription, 3 the list failed,
 * 4 no sign-in).
 */
async function signInAndSubscription(
  args: LabArgs,
  stackConfig: Readonly<Record<string, string>>,
  credential: TokenCredential,
  testing: LabTesting,
  writeError: (s: string) => void,
): Promise<{ id: string; source: SubscriptionSource; name?: string } | { code: number }> {
  const chosen = chooseSubscription(args.subscription, stackConfig, testing.env ?? process.env);
  if (!chosen) {
    writeError("no subscription: pulumi up would use the stack's azure-native:subscriptionId, ARM_SUBSCRIPTION_ID or the Azure CLI's default account, and none is set: run az login and az account set --subscription <name or id>, or give --subscription ID\n");
    return { code: 2 };
  }
  const signIn = await signInProblem(credential);
  if (signIn) {
    // Which subscription the run was for, although it cannot be reached: the first thing to check.
    writeError(`subscription ${chosen.value}${chosen.name ? ` '${chosen.name}'` : ""}, from ${SOURCE_WORDS[chosen.source]}: not reached\n${signIn}\n`);
    return { code: 4 };
  }
  let subscription: { id: string } | { error: string };
  try {
    subscription = await resolveSubscription(chosen.value, () => listSubscriptions(credential, testing.endpoint, testing.ca));
  } catch (err) {
    writeError(`cannot list the subscriptions to find '${chosen.value}': ${(err as Error).message}\n`);
    return { code: 3 };
  }
  if ("error" in subscription) {
    writeError(`${subscription.error}\n`);
    return { code: 2 };
  }
  return { id: subscription.id, source: chosen.source, ...(chosen.name ? { name: chosen.name } : {}) };
}

/** Runs start, stop (with or without --park), park or unpark. */
function runCommand(args: LabArgs, lab: Lab, azure: LabAzure, renderer: Renderer): Promise<ParkOutcome> {
  switch (args.command) {
    case "start": return unparkAndStart(lab, azure, renderer);
    case "park": case "unpark": return parkOnly(lab, azure, args.command);
    default: return args.park ? stopAndPark(lab, azure, renderer) : stopLab(lab, azure, renderer);
  }
}

function report(result: ParkOutcome, interrupted: boolean, write: (s: string) => void, writeError: (s: string) => void, args: LabArgs): number {
  for (const line of result.done) write(`${line}\n`);
  if (result.partial) writeError(`the conversion stopped half-way; each disk and its type now:\n${result.partial.join("\n")}\n`);
  if (result.finish) {
    const options = [args.stack && `--stack ${args.stack}`, args.config && `--config ${args.config}`, args.csv && `--csv ${args.csv}`, args.subscription && `--subscription ${args.subscription}`].filter(Boolean).join(" ");
    writeError(`to finish: npm run lab -- ${result.finish}${options ? ` ${options}` : ""}  (disks already converted are left as they are)\n`);
  }
  if (interrupted) {
    writeError(`interrupted: operations Azure had accepted finish in Azure; nothing else was started${result.notStarted.length ? ` (not started: ${result.notStarted.join(", ")})` : ""}\n`);
    return 130;
  }
  for (const line of result.failures) writeError(`${line}\n`);
  if (result.notStarted.length > 0) writeError(`not started: ${result.notStarted.join(", ")}\n`);
  return result.failures.length > 0 ? 3 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s)).then(
    (code) => (process.exitCode = code),
    (err) => {
      process.stderr.write(`internal error (a defect of exchange-lab): ${(err as Error).stack ?? err}\n`);
      process.exitCode = 3;
    },
  );
}
