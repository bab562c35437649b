/**
 * `npm run rehearse`: a lab's life through the real Pulumi engine against a fresh Azure twin,
 * before anything touches Azure.
 *
 *   npm run rehearse -- A.yaml:A.csv B.yaml:B.csv [...] [--deallocate] [--json]
 *
 * Each argument is one deployment, in order: a stack file and its CSV joined by `:`. For each, it
 * prints the offline plan's verdict (with `--previous` from the deployment before), the engine's
 * steps and status (with Azure's error when the twin refuses), and whether the two agree. Where the
 * plan refuses, the engine still runs the deployment, to show what Azure would do. With
 * `--deallocate`, the twin deallocates every VM between deployments, as auto-shutdown does every
 * evening, and does first what the plan says must be done first (start VMs).
 *
 * A rehearsal is evidence about the engine (which steps, in which order, and which of them ARM
 * refuses by the rules the twin models), not about Azure: docs/rehearse.md lists what the twin
 * models and what it does not. The twin is test code (test/twin/); this file is a thin layer over it.
 *
 * Exit codes: 0 every deployment the plan accepts succeeded and agrees; 1 one did not; 2 bad input
 * or no Pulumi CLI.
 */
import * as fs from "fs";
import * as path from "path";
import { OptionSpecs, UsageError, optionsHelp, readCommandLine } from "../input/commandLine";
import { findPulumiCli } from "../../test/twin/engine";
import { RehearsalStep, rehearse } from "../../test/twin/oracle";

/** The options, declared once: read by util.parseArgs (src/input/commandLine.ts), printed by --help. */
export const REHEARSE_OPTIONS = {
  deallocate: { type: "boolean", help: "deallocate every VM between deployments (as auto-shutdown does every evening)" },
  json: { type: "boolean", help: "print { \"steps\": [...] } instead of text" },
  help: { type: "boolean", short: "h", help: "this text" },
} as const satisfies OptionSpecs;

const HELP = `usage: npm run rehearse -- STACK.yaml:LAB.csv [STACK.yaml:LAB.csv ...] [--deallocate] [--json]

Rehearses a lab's life through the real Pulumi engine against a fresh Azure twin (no Azure, no
network): each argument is one deployment, in order.

options:
${optionsHelp(REHEARSE_OPTIONS)}
The Pulumi CLI: pulumi on PATH (3.207.0 or later), else the one .ci/build-pulumi.sh builds.
exit codes: 0 every deployment the plan accepts succeeded and agrees; 1 one did not; 2 bad input or no CLI`;

/** One deployment argument, read. */
interface DeploymentArg {
  stackFile: string;
  csvFile: string;
  stackYaml: string;
  csv: string;
}

/** Reads `A.yaml:A.csv`; an error message when a file is missing. */
function readArg(arg: string): DeploymentArg | string {
  const i = arg.lastIndexOf(":");
  if (i <= 0) return `${arg}: expected STACK.yaml:LAB.csv (a stack file and its CSV joined by ':')`;
  const [stackFile, csvFile] = [arg.slice(0, i), arg.slice(i + 1)];
  const missing = [stackFile, csvFile].filter((f) => !fs.existsSync(f));
  if (missing.length > 0) return `${arg}: ${missing.join(" and ")} not found`;
  return { stackFile, csvFile, stackYaml: fs.readFileSync(stackFile, "utf8"), csv: fs.readFileSync(csvFile, "utf8") };
}

/** The JSON shape of one deployment (the issue's contract). */
function toJson(d: DeploymentArg, s: RehearsalStep) {
  return {
    stackFile: d.stackFile,
    csv: d.csvFile,
    plan: { exitCode: s.plan.exitCode, errors: s.plan.errors, changes: s.plan.changes.map((c) => ({ type: c.type, name: c.name, action: c.action })) },
    before: s.before,
    engine: {
      status: s.engine.status,
      ...(s.engine.error ? { error: s.engine.error } : {}),
      steps: s.engine.steps.map((x) => ({ op: x.op, type: x.type, name: x.name, ...(x.failed ? { failed: true } : {}) })),
    },
    agree: s.agree,
    disagreements: s.disagreements,
  };
}

function text(d: DeploymentArg, s: RehearsalStep, n: number): string {
  const lines = [`${n}. ${path.basename(d.stackFile)} + ${path.basename(d.csvFile)}`];
  for (const b of s.before) lines.push(`   before: ${b}`);
  if (s.plan.exitCode !== 0) lines.push(`   plan: refuses (${s.plan.errors.length} problem${s.plan.errors.length === 1 ? "" : "s"})`, ...s.plan.errors.map((e) => `     ${e}`));
  else lines.push(`   plan: ${s.plan.changes.length === 0 ? "no changes" : s.plan.changes.map((c) => `${c.action} ${c.name}`).join(", ")}`);
  lines.push(`   engine: ${s.engine.status}${s.engine.steps.length ? `: ${s.engine.steps.map((x) => `${x.op} ${x.name}${x.failed ? " (FAILED)" : ""}`).join(", ")}` : ", no steps"}`);
  if (s.engine.error) lines.push(`   Azure (twin) said: ${s.engine.error.split("\n").find((l) => /\w+: /.test(l))?.trim() ?? s.engine.error.split("\n")[0]}`);
  lines.push(`   ${s.plan.exitCode !== 0 ? "the plan stops this deployment" : s.agree ? "plan and engine agree" : "DISAGREE:"}`, ...s.disagreements.map((x) => `     - ${x}`));
  return lines.join("\n");
}

/** Runs the command line; resolves to the exit code. */
export async function main(argv: string[], write: (s: string) => void, writeError: (s: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = readCommandLine(argv, REHEARSE_OPTIONS, true);
    if (!parsed.values.help && parsed.positionals.length === 0) throw new UsageError("no deployment given");
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    writeError(`exchange-lab rehearse: ${e.message}\n\n${HELP}\n`);
    return 2;
  }
  if (parsed.values.help) {
    write(`${HELP}\n`);
    return 0;
  }
  const read = parsed.positionals.map(readArg);
  const bad = read.filter((r): r is string => typeof r === "string");
  if (bad.length > 0) {
    writeError(bad.map((b) => `error: ${b}`).join("\n") + "\n");
    return 2;
  }
  const deployments = read as DeploymentArg[];
  const cli = findPulumiCli();
  if ("missing" in cli) {
    writeError(`error: ${cli.missing}\n`);
    return 2;
  }
  if (!parsed.values.json) write(`Rehearsing ${deployments.length} deployment${deployments.length === 1 ? "" : "s"} with the Pulumi CLI ${cli.version} (${cli.source}) against a fresh Azure twin${parsed.values.deallocate ? ", every VM deallocated between deployments" : ""}.\nEvidence about the engine, not about Azure (docs/rehearse.md).\n\n`);
  const steps = await rehearse(cli, deployments.map((d, i) => ({ label: `${i + 1}`, stackYaml: d.stackYaml, csv: d.csv, stackFile: d.stackFile, csvFile: d.csvFile })), {
    deallocate: parsed.values.deallocate,
    disks: "from-csv",
    onStep: parsed.values.json ? undefined : (s) => write(`${text(deployments[Number(s.label) - 1], s, Number(s.label))}\n\n`),
  });
  if (parsed.values.json) write(`${JSON.stringify({ steps: steps.map((s, i) => toJson(deployments[i], s)) }, null, 2)}\n`);
  const ok = steps.every((s) => s.plan.exitCode !== 0 || (s.engine.status === "succeeded" && s.agree));
  if (!parsed.values.json) write(ok ? "Every deployment the plan accepts succeeded in the engine and agrees with the plan.\n" : "At least one deployment the plan accepts failed in the engine or disagrees with the plan (above).\n");
  return ok ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
