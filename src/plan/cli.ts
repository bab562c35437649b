/**
 * `npm run plan -- [--stack NAME... | --config FILE... | --all] [--csv FILE] [--json] [--show-secrets]`
 * (`--format draytek-cli`: the DrayTek telnet/SSH script alone, src/report/draytekCli.ts)
 *
 * Several labs (several `--stack`/`--config`, `--all`, or no choice with more than one stack file
 * under `stacks/`) are planned one after another, then checked against each other
 * (src/input/lab/crossLab.ts).
 *
 * Exit codes: 0 the lab (every lab) is valid and was planned; 1 the input is invalid (every
 * problem listed, no resources), two labs collide, or `--pin` could not write the CSV (it says
 * why and writes nothing); 2 a usage error.
 */
import * as fs from "fs";
import * as path from "path";
import { readInputFile } from "../input/files";
import { DeployedLabRecord, findDeployedLabRecord, recordFromCheckpoint } from "../input/lab/previous";
import { crossLabProblems, officeRouter } from "../input/lab/crossLab";
import { Problem } from "../input/problems";
import { RouterProfiles, routerProfiles } from "../report/draytek";
import { OptionSpecs, UsageError, optionsHelp, readCommandLine } from "../input/commandLine";
import { renderDraytekClis } from "../report/draytekCli";
import { PlanResult, runPlan } from "./plan";
import { renderCrossLab, renderPlan } from "./render";

/**
 * The plan's options, declared once: read by `util.parseArgs` and printed by `--help`
 * (src/input/commandLine.ts).
 */
export const PLAN_OPTIONS = {
  stack: { type: "string", multiple: true, value: "NAME", help: "the stack file stacks/Pulumi.NAME.yaml (repeat for several labs)" },
  config: { type: "string", multiple: true, value: "FILE", help: "a stack file by path (repeatable)" },
  all: { type: "boolean", help: "every stack file under stacks/, then checks them against each other" },
  csv: { type: "string", value: "FILE", help: "the lab CSV instead of the stack's exchange-lab:csv key" },
  previous: { type: "string", value: "FILE", help: "an earlier plan's --json, pulumi stack output --json, or (after a failed pulumi up) pulumi stack export: list the changes against it" },
  pin: { type: "boolean", help: "write what the plan chose into the CSV's empty cells (addresses, LUNs, Image rows' OS disk\nnames; in the CSV's own separator), then plan the written CSV" },
  json: { type: "boolean", help: "one JSON object instead of the report (same as --format json)" },
  format: { type: "string", value: "F", help: "text (default: the report, without the diagram), json, mermaid (the diagram alone),\nor draytek-cli (the DrayTek telnet/SSH script alone, at the stack's\nexchange-lab:draytekProfileIndex; docs/draytek.md)" },
  "show-secrets": { type: "boolean", help: "print the VPN key in the DrayTek settings" },
  help: { type: "boolean", short: "h", help: "this text" },
} as const satisfies OptionSpecs;

export const USAGE = "usage: npm run plan -- [--stack NAME... | --config FILE... | --all] [--csv FILE] [--previous FILE] [--pin] [--json | --format text|json|mermaid|draytek-cli] [--show-secrets]";

/** `--help`: what the plan does, every option (from {@link PLAN_OPTIONS}), the exit codes. */
export const HELP = `${USAGE}

Checks the lab CSV and the stack file offline (no Azure, no Pulumi CLI) and prints every resource
pulumi up would declare, the cost estimate, the time until the forest and Exchange are ready, and
the DrayTek settings; the diagram with --format mermaid. Every problem of the input at once
otherwise, nothing declared.

options:
${optionsHelp(PLAN_OPTIONS)}
exit codes: 0 planned; 1 invalid input (every problem listed), labs that collide, or --pin refused;
2 usage error; 3 internal error (a defect of exchange-lab: please report it)
`;

/** Output formats: the report for a person, one JSON object, the Mermaid diagram alone, or the
 * DrayTek telnet/SSH script alone (src/report/draytekCli.ts). */
export const FORMATS = ["text", "json", "mermaid", "draytek-cli"] as const;

/** Parsed command line. */
export interface PlanArgs {
  stack?: string;
  config?: string;
  csv?: string;
  format: (typeof FORMATS)[number];
  showSecrets: boolean;
  /** An earlier `npm run plan -- --json`, `pulumi stack output --json` or `pulumi stack export`: the previous deployment. */
  previous?: string;
  /** Write the chosen addresses and LUNs into the CSV. */
  pin: boolean;
  /** Every `--stack` given, in order, when more than one (`stack` is the first). */
  stacks?: string[];
  /** Every `--config` given, in order, when more than one (`config` is the first). */
  configs?: string[];
  /** `--all`: every stack file under `stacks/`. */
  all?: boolean;
}

/** Parses the plan's arguments; throws an `Error` with a usage message on a bad one (`help` for --help). */
export function parseArgs(argv: readonly string[]): PlanArgs {
  if (argv.some((a) => a === "--draytek-profile" || a.startsWith("--draytek-profile="))) {
    throw new UsageError("--draytek-profile is gone: the profile index is the stack's exchange-lab:draytekProfileIndex (pulumi config set exchange-lab:draytekProfileIndex N), so the plan's script and the stack output draytek.cliScript use the same one");
  }
  const { values: v } = readCommandLine(argv, PLAN_OPTIONS);
  if (v.help) throw new Error("help");
  const args: PlanArgs = { format: "text", showSecrets: v["show-secrets"] ?? false, pin: v.pin ?? false };
  if (v.format !== undefined) {
    const known = FORMATS.find((f) => f === v.format);
    if (!known) throw new UsageError(`unknown format '${v.format}'; the formats are ${FORMATS.join(", ")}`);
    args.format = known;
  }
  // --json and --format json are one choice; --json after another --format wins, as before.
  if (v.json) args.format = "json";
  if (v.csv !== undefined) args.csv = v.csv;
  if (v.previous !== undefined) args.previous = v.previous;
  if (v.all) args.all = true;
  const stacks = v.stack ?? [];
  const configs = v.config ?? [];
  if (stacks.length > 0) args.stack = stacks[0];
  if (configs.length > 0) args.config = configs[0];
  if (stacks.length > 1) args.stacks = stacks;
  if (configs.length > 1) args.configs = configs;
  if (args.stack && args.config) throw new UsageError("give --stack or --config, not both");
  if (args.all && (args.stack || args.config)) throw new UsageError("give --all or --stack/--config, not both");
  return args;
}

/**
 * Finds the stack files to plan: each `--stack`/`--config` given, every stack file under
 * `stacksDir` with `--all` or when nothing is chosen and there are several, or the single one.
 * Throws an `Error` (a usage error) for an unknown stack, a missing file or one given twice.
 */
export function resolveStackFiles(args: PlanArgs, stacksDir: string): string[] {
  const chosen = args.stacks?.map((stack) => ({ stack })) ?? args.configs?.map((config) => ({ config })) ?? [];
  if (chosen.length === 0 && (args.all || (!args.stack && !args.config))) {
    const files = fs.existsSync(stacksDir) ? fs.readdirSync(stacksDir).filter((f) => /^Pulumi\..+\.ya?ml$/.test(f)).sort() : [];
    if (files.length > 1) return files.map((f) => path.join(stacksDir, f));
  }
  if (chosen.length === 0) return [resolveStackFile(args, stacksDir)];
  const resolved = chosen.map((c) => resolveStackFile({ ...args, stack: undefined, config: undefined, ...c }, stacksDir));
  const twice = resolved.find((f, i) => resolved.findIndex((g) => path.resolve(g) === path.resolve(f)) !== i);
  if (twice) throw new Error(`${twice} is given twice`);
  return resolved;
}

/** The options that apply to one lab only, as given: a usage error with several stacks. */
function singleLabOptions(args: PlanArgs): string[] {
  return [
    ...(args.previous !== undefined ? ["--previous"] : []),
    ...(args.pin ? ["--pin"] : []),
    ...(args.csv !== undefined ? ["--csv"] : []),
    ...(args.format === "mermaid" ? ["--format mermaid"] : []),
  ];
}

/** Finds the stack file: `--config`, `--stack`, or the single stack file under `stacksDir`. */
export function resolveStackFile(args: PlanArgs, stacksDir: string): string {
  const files = fs.existsSync(stacksDir) ? fs.readdirSync(stacksDir).filter((f) => /^Pulumi\..+\.ya?ml$/.test(f)).sort() : [];
  const names = files.map((f) => f.replace(/^Pulumi\.|\.ya?ml$/g, ""));
  if (args.config) {
    if (!fs.existsSync(args.config)) throw new Error(`no such stack file: ${args.config}`);
    return args.config;
  }
  if (args.stack) {
    const index = names.indexOf(args.stack);
    if (index < 0) throw new Error(`no stack '${args.stack}' under ${stacksDir}/ (stacks: ${names.join(", ") || "none"})`);
    return path.join(stacksDir, files[index]);
  }
  if (files.length === 1) return path.join(stacksDir, files[0]);
  if (files.length === 0) throw new Error(`no stack file under ${stacksDir}/; give --config FILE`);
  throw new Error(`several stacks under ${stacksDir}/ (${files.join(", ")}); choose one with --stack NAME`);
}

/** The size limit of a `--previous` file: a state checkpoint holds every resource's inputs and
 * outputs (the guest scripts' text among them), far more than a record. */
export const MAX_PREVIOUS_BYTES = 32 * 1024 * 1024;

/**
 * Reads `--previous FILE`: the JSON of an earlier `npm run plan -- --json`, of
 * `pulumi stack output --json`, or a state checkpoint (`pulumi stack export`; after a failed
 * `pulumi up` the only record of what a failed delete left: `recordFromCheckpoint`), size-limited
 * like every input. `{}` (a stack's outputs after `pulumi destroy`, or before its first
 * `pulumi up`) and a checkpoint with nothing in it are `"empty"`: nothing is deployed. Throws an
 * `Error` saying why the file cannot serve (a usage error).
 */
export function readPreviousFile(file: string): DeployedLabRecord | "empty" {
  const read = readInputFile(file, file, "--previous file", MAX_PREVIOUS_BYTES);
  if ("problem" in read) throw new Error(`--previous ${file}: ${read.problem.message}`);
  let json: unknown;
  try {
    json = JSON.parse(read.bytes.toString("utf8"));
  } catch (err) {
    throw new Error(`--previous ${file}: not JSON (${(err as Error).message})`, { cause: err });
  }
  if (typeof json === "object" && json !== null && !Array.isArray(json) && Object.keys(json).length === 0) return "empty";
  const found = recordFromCheckpoint(json) ?? findDeployedLabRecord(json);
  if (found === "empty") return "empty";
  if ("error" in found) throw new Error(`--previous ${file}: ${found.error}`);
  return found.record;
}

/**
 * Whether a person reads the plan at a terminal: stdout and stderr are TTYs and `CI` is unset. Only
 * then does a missing VPN key's warning carry a fresh key, so none lands in a CI log.
 */
export function interactive(): boolean {
  return Boolean(process.stdout.isTTY && process.stderr.isTTY && !process.env.CI);
}

/**
 * Runs the CLI; resolves to the exit code. `write` receives stdout text, `writeError` stderr text;
 * `isInteractive` (default {@link interactive}) says whether a fresh VPN key may be suggested: for one
 * lab in text format only, never with `--all` or `--json`.
 */
export async function main(argv: readonly string[], write: (s: string) => void, writeError: (s: string) => void, isInteractive = interactive()): Promise<number> {
  let args: PlanArgs;
  let stackFiles: string[];
  let previous: DeployedLabRecord | "empty" | undefined;
  try {
    args = parseArgs(argv);
    stackFiles = resolveStackFiles(args, "stacks");
    const single = singleLabOptions(args);
    if (stackFiles.length > 1 && single.length > 0) {
      throw new Error(`${single.join(", ")} appl${single.length === 1 ? "ies" : "y"} to one lab; ${stackFiles.length} stacks are chosen (${stackFiles.join(", ")}): choose one with --stack NAME`);
    }
    if (args.previous !== undefined) previous = readPreviousFile(args.previous);
  } catch (err) {
    const message = (err as Error).message;
    if (message === "help") write(HELP);
    else writeError(`exchange-lab plan: ${message}\n${USAGE}\n`);
    return message === "help" ? 0 : 2;
  }
  if (stackFiles.length > 1) return planSeveral(stackFiles, args, write, writeError);
  const stackFile = stackFiles[0];
  const suggestKey = isInteractive && args.format === "text";
  let result: PlanResult = await runPlan({ stackFile, csv: args.csv, showSecrets: args.showSecrets, previous, suggestKey });
  let pinRefused = false;
  if (args.pin && result.errors.length === 0 && result.pinError) {
    writeError(`${result.csvFile}: cannot pin: ${result.pinError}; nothing was written (the plan below is still valid; write the addresses and LUNs by hand, or save the file as 'CSV UTF-8 (Comma delimited)' and pin again)\n`);
    pinRefused = true;
  } else if (args.pin && result.errors.length === 0 && result.csvFile && result.pinnedCsv !== undefined) {
    const csvPath = path.resolve(result.csvFile);
    const before = fs.readFileSync(csvPath, "utf8");
    // The CSV was decoded without its BOM (if any): put it back, as every other byte.
    const pinned = (before.charCodeAt(0) === 0xfeff && result.pinnedCsv.charCodeAt(0) !== 0xfeff ? "\uFEFF" : "") + result.pinnedCsv;
    if (before === pinned) writeError(`${result.csvFile}: every address and LUN is already written; nothing to pin\n`);
    else {
      fs.writeFileSync(csvPath, pinned);
      writeError(`${result.csvFile}: wrote what the plan chose (addresses, LUNs, Image rows' OS disk names) into the empty cells; every other byte is unchanged. The plan below is of the written CSV.\n`);
      // The report is of the CSV as it now is, so it no longer asks for --pin.
      result = await runPlan({ stackFile, csv: args.csv, showSecrets: args.showSecrets, previous, suggestKey });
    }
  }
  if (args.format === "json") {
    write(JSON.stringify(planJson(result), null, 2) + "\n");
  } else if (args.format === "mermaid" && result.mermaid) {
    write(result.mermaid);
  } else if (args.format === "draytek-cli" && result.errors.length === 0) {
    return writeDraytekCli([result], write, writeError);
  } else {
    (result.errors.length > 0 ? writeError : write)(renderPlan(result));
  }
  return result.errors.length > 0 || pinRefused ? 1 : 0;
}

/** One lab's plan as `--json` prints it (documented in the README). */
function planJson(result: PlanResult): Record<string, unknown> {
  return {
    vms: result.vms,
    resources: result.resources,
    errors: result.errors,
    warnings: result.warnings,
    ...(result.changes ? { changes: result.changes } : {}),
    ...(result.before && result.before.length > 0 ? { before: result.before } : {}),
    ...(result.draytek ? { draytek: result.draytek } : {}),
    ...(result.cost ? { cost: result.cost } : {}),
    ...(result.timeToReady ? { timeToReady: result.timeToReady } : {}),
    ...(result.deployedLab ? { deployedLab: result.deployedLab } : {}),
  };
}

/** What a multi-lab plan found across its labs. */
export interface CrossLabFindings {
  errors: Problem[];
  warnings: Problem[];
  /** Each office router with the LAN-to-LAN profiles it needs (labs with a VPN only). */
  routers: RouterProfiles[];
}

/**
 * Plans several labs one after another (each run sets Pulumi's global mocks, so they cannot
 * overlap), then checks the valid ones against each other. Text: each lab's plan, then the
 * findings across labs and the routers' profiles; `--json`: `{ labs, errors, warnings, routers }`.
 * Resolves to 1 when a lab is invalid or two labs collide, else 0.
 */
async function planSeveral(stackFiles: readonly string[], args: PlanArgs, write: (s: string) => void, writeError: (s: string) => void): Promise<number> {
  const results: PlanResult[] = [];
  for (const stackFile of stackFiles) results.push(await runPlan({ stackFile, showSecrets: args.showSecrets }));
  const valid = results.flatMap((r) => (r.lab && r.locate ? [{ stackFile: r.stackFile, lab: r.lab, locate: r.locate, profileName: r.draytek?.profileName }] : []));
  const checked = crossLabProblems(valid);
  const routers = routerProfiles(
    results.flatMap((r) => {
      const router = r.lab ? officeRouter(r.lab) : undefined;
      return r.draytek && router ? [{ stackFile: r.stackFile, router, profile: r.draytek }] : [];
    }),
  );
  const findings: CrossLabFindings = { ...checked, routers };
  const failed = results.some((r) => r.errors.length > 0) || findings.errors.length > 0;
  if (args.format === "draytek-cli" && !failed) return writeDraytekCli(results, write, writeError);
  if (args.format === "json") {
    const stackName = (file: string) => path.basename(file).replace(/^Pulumi\./, "").replace(/\.ya?ml$/, "");
    const labs = results.map((r) => ({ stack: stackName(r.stackFile), stackFile: r.stackFile, ...planJson(r) }));
    write(JSON.stringify({ labs, errors: findings.errors, warnings: findings.warnings, routers: findings.routers }, null, 2) + "\n");
  } else {
    for (const r of results) (r.errors.length > 0 ? writeError : write)(renderPlan(r) + "\n");
    (findings.errors.length > 0 ? writeError : write)(renderCrossLab(results.map((r) => r.stackFile), findings));
  }
  return failed ? 1 : 0;
}

/**
 * `--format draytek-cli`: the telnet/SSH script of each lab with a VPN, each at its stack's
 * `draytekProfileIndex` (or with the index left to fill in). Resolves to 0, or 1 when no lab has a VPN (said on stderr).
 */
function writeDraytekCli(results: readonly PlanResult[], write: (s: string) => void, writeError: (s: string) => void): number {
  const labs = results.flatMap((r) => {
    const router = r.lab ? officeRouter(r.lab) : undefined;
    return r.draytek && router ? [{ stackFile: r.stackFile, router, profile: r.draytek }] : [];
  });
  if (labs.length === 0) {
    writeError(`exchange-lab plan: no DrayTek script: ${results.map((r) => r.stackFile).join(", ")} ${results.length === 1 ? "has" : "have"} no VPN (exchange-lab:vpn is false)\n`);
    return 1;
  }
  write(renderDraytekClis(labs));
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      // Stack frames are off while the lab is declared (src/plan/plan.ts): say how to get them.
      const frames = err instanceof Error && /\n\s+at /.test(err.stack ?? "");
      process.stderr.write(`exchange-lab plan: internal error: ${err instanceof Error ? err.stack : String(err)}\n${frames ? "" : "(EXCHANGE_LAB_TRACES=1 npm run plan ... shows where)\n"}`);
      process.exitCode = 3;
    },
  );
}
