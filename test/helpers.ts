// Fixtures shared by the tests: the example stack and CSV, and temporary labs built from them.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CsvRow, readLabCsv } from "../src/input/csv/csv";
import { Lab, buildLab } from "../src/input/lab/lab";
import { Problem } from "../src/input/problems";
import { StackSettings, parseSettings } from "../src/input/stack/settings";
import { parseStackFile } from "../src/input/stack/stackFile";
import { main } from "../src/plan/cli";
import { PlanResult, runPlan } from "../src/plan/plan";

export const ROOT = path.resolve(__dirname, "..");
/**
 * The tests' own copy of the bundled examples (stacks/Pulumi.oxford.yaml, stacks/Pulumi.training.yaml,
 * lab.csv, labs/training.csv as shipped), laid out like a working copy. Tests read these, never the
 * working copy's `stacks/` or CSVs: a user's own stack file, an edited `lab.csv` or dropped examples
 * leave `npm test` as it was (test/fixtures.test.ts holds this).
 */
export const EXAMPLES = path.join(ROOT, "test", "fixtures", "examples");
export const EXAMPLE_STACK = path.join(EXAMPLES, "stacks", "Pulumi.oxford.yaml");
export const EXAMPLE_CSV = path.join(EXAMPLES, "lab.csv");
export const HEADER = "BringOnline,VMName,StorageAccount,VMOSDiskName,VMInstanceSize,SubnetName,IPAddress,Location,AffinityGroup,WaitForBoot,PublicRDPPort";

/**
 * The example stack as the tests' base: its `dnsServers` name the example CSV's domain
 * controllers, which the tests' own small CSVs do not have, so the key is left out.
 */
export function baseStackYaml(): string {
  return fs.readFileSync(EXAMPLE_STACK, "utf8").replace(/\n {2}# Lab members resolve[^\n]*\n {2}exchange-lab:dnsServers:\n( {4}- [^\n]*\n)+/, "\n");
}

/** The example stack's config map, optionally with keys replaced (`undefined` removes a key). */
export function exampleConfig(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const { stack } = parseStackFile(baseStackYaml(), "stacks/Pulumi.oxford.yaml");
  const config: Record<string, string> = { ...stack!.config };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete config[k];
    else config[k] = v;
  }
  return config;
}

/** The example stack's validated settings (with overrides). */
export function exampleSettings(overrides: Record<string, string | undefined> = {}): StackSettings {
  const { settings, problems } = parseSettings(exampleConfig(overrides), () => ({ file: "stack.yaml", line: 0 }));
  if (!settings) throw new Error(JSON.stringify(problems));
  return settings;
}

/** Parses CSV text that must be well-formed. */
export function rowsOf(csv: string): CsvRow[] {
  const { rows, problems } = readLabCsv(csv, "lab.csv");
  if (problems.length > 0) throw new Error(JSON.stringify(problems));
  return rows;
}

/** Builds a lab from data rows (the header is added) against the example settings. */
export function labOf(dataRows: string[], settings = exampleSettings()): { lab?: Lab; problems: Problem[] } {
  return buildLab(settings, rowsOf([HEADER, ...dataRows].join("\n")), "lab.csv");
}

/** Writes a stack file and a CSV to a fresh temporary directory; returns the paths. */
export function writeLab(csv: string, stackYaml?: string): { dir: string; stackFile: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "exchange-lab-"));
  fs.writeFileSync(path.join(dir, "lab.csv"), csv);
  const stackFile = path.join(dir, "Pulumi.test.yaml");
  fs.writeFileSync(stackFile, stackYaml ?? baseStackYaml());
  return { dir, stackFile };
}

/** Plans a lab (CSV text and optional stack YAML) under the mock runtime. */
export async function planOf(csv: string, stackYaml?: string, showSecrets = false): Promise<PlanResult> {
  const { dir, stackFile } = writeLab(csv, stackYaml);
  return runPlan({ stackFile, baseDir: dir, showSecrets });
}

/** The example lab planned from the repository's own files (a fresh run each call). */
export function planExample(): Promise<PlanResult> {
  return runPlan({ stackFile: EXAMPLE_STACK, baseDir: EXAMPLES });
}

let shared: Promise<PlanResult> | undefined;
/** The example lab's plan, run once for every test file that only reads it; asserts it is valid. */
export async function sharedExamplePlan(): Promise<PlanResult> {
  shared ??= planExample();
  const plan = await shared;
  if (plan.errors.length > 0) throw new Error(`the example lab is invalid: ${JSON.stringify(plan.errors)}`);
  return plan;
}

/** The single problem of a result, asserting there is exactly one. */
export function onlyProblem(problems: readonly Problem[]): Problem {
  if (problems.length !== 1) throw new Error(`expected one problem, got ${JSON.stringify(problems, null, 2)}`);
  return problems[0];
}

/** Reads a nested input (`dig(inputs, "storageProfile", "osDisk")`); `undefined` where the path ends. */
export function dig(value: unknown, ...path: (string | number)[]): unknown {
  return path.reduce<unknown>((v, k) => (v !== null && typeof v === "object" ? (v as Record<string | number, unknown>)[k] : undefined), value);
}

/**
 * Runs the plan CLI in-process with `argv` in the working directory `dir` (the CLI reads `stacks/`
 * and relative CSV paths from there); returns its exit code and what it wrote to stdout and stderr.
 * Mocha runs one test at a time per worker, so changing the directory for the call is safe.
 */
export async function runPlanCliIn(dir: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    const code = await main(argv, (s) => (stdout += s), (s) => (stderr += s));
    return { code, stdout, stderr };
  } finally {
    process.chdir(cwd);
  }
}

/** Runs the plan CLI in-process with `argv` in the examples' copy ({@link EXAMPLES}), as `npm run plan` in a fresh clone. */
export function runPlanCli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runPlanCliIn(EXAMPLES, ...argv);
}

/** Runs the plan CLI on a CSV (text or bytes) and a stack file; returns exit code, output and where they were written. */
export async function planCli(csv: string | Buffer, stackYaml = baseStackYaml(), ...argv: string[]) {
  const { dir, stackFile } = writeLab("", stackYaml);
  fs.writeFileSync(path.join(dir, "lab.csv"), csv);
  return { ...(await runPlanCli("--config", stackFile, "--csv", path.join(dir, "lab.csv"), ...argv)), dir, stackFile };
}
