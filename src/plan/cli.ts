/**
 * `npm run plan -- [--stack NAME | --config FILE] [--csv FILE] [--json] [--show-secrets]`
 *
 * Exit codes: 0 the lab is valid and was planned; 1 the input is invalid (every problem
 * listed, no resources); 2 a usage error.
 */
import * as fs from "fs";
import * as path from "path";
import { readInputFile } from "../input/files";
import { DeployedLabRecord, findDeployedLabRecord } from "../input/previous";
import { PlanResult, runPlan } from "./plan";
import { renderPlan } from "./render";

export const USAGE = "usage: npm run plan -- [--stack NAME | --config FILE] [--csv FILE] [--previous FILE] [--pin] [--json | --format text|json|mermaid] [--show-secrets]";

/** Output formats: the report for a person, one JSON object, or the Mermaid diagram alone. */
export const FORMATS = ["text", "json", "mermaid"] as const;

/** Parsed command line. */
export interface PlanArgs {
  stack?: string;
  config?: string;
  csv?: string;
  format: (typeof FORMATS)[number];
  showSecrets: boolean;
  /** An earlier `npm run plan -- --json` or `pulumi stack output --json`: the previous deployment. */
  previous?: string;
  /** Write the chosen addresses and LUNs into the CSV. */
  pin: boolean;
}

/** Parses the plan's arguments; throws an `Error` with a usage message on a bad one. */
export function parseArgs(argv: readonly string[]): PlanArgs {
  const args: PlanArgs = { format: "text", showSecrets: false, pin: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--stack": args.stack = value(); break;
      case "--config": args.config = value(); break;
      case "--csv": args.csv = value(); break;
      case "--json": args.format = "json"; break;
      case "--format": {
        const format = value();
        const known = FORMATS.find((f) => f === format);
        if (!known) throw new Error(`unknown format '${format}'; the formats are ${FORMATS.join(", ")}`);
        args.format = known;
        break;
      }
      case "--show-secrets": args.showSecrets = true; break;
      case "--previous": args.previous = value(); break;
      case "--pin": args.pin = true; break;
      case "--help": case "-h": throw new Error("help");
      default: throw new Error(`unknown argument '${flag}'`);
    }
  }
  if (args.stack && args.config) throw new Error("give --stack or --config, not both");
  return args;
}

/** Finds the stack file: `--config`, `--stack`, or the single stack file under `stacksDir`. */
export function resolveStackFile(args: PlanArgs, stacksDir: string): string {
  const files = fs.existsSync(stacksDir) ? fs.readdirSync(stacksDir).filter((f) => /^Pulumi\..+\.ya?ml$/.test(f)) : [];
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

/**
 * Reads `--previous FILE`: the JSON of an earlier `npm run plan -- --json` or of
 * `pulumi stack output --json`, size-limited like every input. `{}` (a stack's outputs after
 * `pulumi destroy`, or before its first `pulumi up`) is `"empty"`: nothing is deployed. Throws an
 * `Error` saying why the file cannot serve (a usage error).
 */
export function readPreviousFile(file: string): DeployedLabRecord | "empty" {
  const read = readInputFile(file, file, "--previous file");
  if ("problem" in read) throw new Error(`--previous ${file}: ${read.problem.message}`);
  let json: unknown;
  try {
    json = JSON.parse(read.bytes.toString("utf8"));
  } catch (err) {
    throw new Error(`--previous ${file}: not JSON (${(err as Error).message})`, { cause: err });
  }
  if (typeof json === "object" && json !== null && !Array.isArray(json) && Object.keys(json).length === 0) return "empty";
  const found = findDeployedLabRecord(json);
  if ("error" in found) throw new Error(`--previous ${file}: ${found.error}`);
  return found.record;
}

/** Runs the CLI; resolves to the exit code. `write` receives stdout text, `writeError` stderr text. */
export async function main(argv: readonly string[], write: (s: string) => void, writeError: (s: string) => void): Promise<number> {
  let args: PlanArgs;
  let stackFile: string;
  let previous: DeployedLabRecord | "empty" | undefined;
  try {
    args = parseArgs(argv);
    stackFile = resolveStackFile(args, "stacks");
    if (args.previous !== undefined) previous = readPreviousFile(args.previous);
  } catch (err) {
    const message = (err as Error).message;
    writeError(message === "help" ? `${USAGE}\n` : `exchange-lab plan: ${message}\n${USAGE}\n`);
    return message === "help" ? 0 : 2;
  }
  const result: PlanResult = await runPlan({ stackFile, csv: args.csv, showSecrets: args.showSecrets, previous });
  if (args.pin && result.errors.length === 0 && result.csvFile && result.pinnedCsv !== undefined) {
    const csvPath = path.resolve(result.csvFile);
    const before = fs.readFileSync(csvPath, "utf8");
    // The CSV was decoded without its BOM (if any): put it back, as every other byte.
    const pinned = (before.charCodeAt(0) === 0xfeff && result.pinnedCsv.charCodeAt(0) !== 0xfeff ? "\uFEFF" : "") + result.pinnedCsv;
    if (before === pinned) writeError(`${result.csvFile}: every address and LUN is already written; nothing to pin\n`);
    else {
      fs.writeFileSync(csvPath, pinned);
      writeError(`${result.csvFile}: wrote the chosen addresses and LUNs into the empty cells; every other byte is unchanged\n`);
    }
  }
  if (args.format === "json") {
    const out = {
      vms: result.vms,
      resources: result.resources,
      errors: result.errors,
      warnings: result.warnings,
      ...(result.changes ? { changes: result.changes } : {}),
      ...(result.draytek ? { draytek: result.draytek } : {}),
      ...(result.cost ? { cost: result.cost } : {}),
      ...(result.timeToReady ? { timeToReady: result.timeToReady } : {}),
      ...(result.deployedLab ? { deployedLab: result.deployedLab } : {}),
    };
    write(JSON.stringify(out, null, 2) + "\n");
  } else if (args.format === "mermaid" && result.mermaid) {
    write(result.mermaid);
  } else {
    (result.errors.length > 0 ? writeError : write)(renderPlan(result));
  }
  return result.errors.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`exchange-lab plan: internal error: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 3;
    },
  );
}
