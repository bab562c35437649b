/**
 * The offline plan in a process of its own, for the oracle: the plan runs the program under
 * Pulumi's mock runtime (`setMocks`, process-wide), which must never share a process with the real
 * engine's inline programs. Requests arrive as IPC messages, one at a time; each answer is the
 * plan's verdict in the shape the oracle reads ({@link PlanVerdict}).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { formatProblem } from "../../src/input/problems";
import { DeployedLabRecord } from "../../src/input/lab/previous";
import { runPlan } from "../../src/plan/plan";
import type { PlanRequest, PlanVerdict } from "./oracle";

/** Writes the stack file and the CSV (as `lab.csv`, given to the plan as `--csv`) into a fresh directory. */
function writeFiles(req: PlanRequest): { stackFile: string; baseDir: string; csv: string } {
  const baseDir = fs.mkdtempSync(path.join(os.tmpdir(), "exchange-lab-oracle-"));
  fs.writeFileSync(path.join(baseDir, "lab.csv"), req.csv);
  const stackFile = path.join(baseDir, `Pulumi.${req.stackName}.yaml`);
  fs.writeFileSync(stackFile, req.stackYaml);
  return { stackFile, baseDir, csv: "lab.csv" };
}

/** Plans one deployment against `previous`. */
export async function planVerdict(req: PlanRequest): Promise<PlanVerdict> {
  // The user's own files when the request names them (npm run rehearse: messages name them), else copies.
  const own = req.stackFile && req.csvFile ? { stackFile: req.stackFile, baseDir: path.dirname(path.resolve(req.csvFile)), csv: path.resolve(req.csvFile) } : undefined;
  const { stackFile, baseDir, csv } = own ?? writeFiles(req);
  try {
    const previous = req.previous === undefined ? undefined : req.previous === "empty" ? "empty" : (req.previous as DeployedLabRecord);
    const p = await runPlan({ stackFile, baseDir, csv, previous });
    return {
      exitCode: p.errors.length > 0 ? 1 : 0,
      errors: p.errors.map(formatProblem),
      warnings: p.warnings.map(formatProblem),
      changes: (p.changes ?? []).map((c) => ({ type: c.type, name: c.name, action: c.action })),
      shells: (p.shells ?? []).map((s) => ({ vm: s.vm, deleted: s.deleted, created: s.created, ...(s.deletedBeforeVm ? { deletedBeforeVm: s.deletedBeforeVm } : {}), ...(s.replacedAfter ? { replacedAfter: s.replacedAfter } : {}) })),
      aliases: Object.fromEntries(p.resources.filter((r) => r.options.aliases?.length).map((r) => [r.name, r.options.aliases!])),
      before: (p as { before?: PlanVerdict["before"] }).before,
    };
  } finally {
    if (!own) fs.rmSync(baseDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  process.on("message", (msg: { id: number; req: PlanRequest }) => {
    planVerdict(msg.req).then(
      (verdict) => process.send!({ id: msg.id, verdict }),
      (e: unknown) => process.send!({ id: msg.id, error: e instanceof Error ? e.stack ?? e.message : String(e) }),
    );
  });
}
