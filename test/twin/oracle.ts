/**
 * The oracle: the offline plan's verdict on a deployment (with `--previous` from the one before)
 * against the steps the real engine took for it in the Azure twin. Where the plan says yes, the
 * engine must succeed with the same resources created, updated, replaced and deleted, and, for each
 * VM re-created on its disks, its deletes before its creates in the order the plan prints. A
 * disagreement names the resource.
 *
 * And the rehearsal: a list of deployments run in order through both (`rehearse`), which the engine
 * suite and `npm run rehearse` share.
 */
import { ChildProcess, fork } from "child_process";
import * as path from "path";
import { readLabCsv } from "../../src/input/csv/csv";
import { EngineResult, EngineStep, LabFiles, LabLife, PulumiCli } from "./engine";

/** What the plan worker is asked. */
export interface PlanRequest extends LabFiles {
  stackName: string;
  /** The user's files these are (npm run rehearse), so that the plan's messages name them. */
  stackFile?: string;
  csvFile?: string;
  /** The previous deployment's `deployedLab` record; "empty" after destroy; absent on a first up. */
  previous?: unknown;
}

/** A change as the plan prints it. */
export interface PlanChange {
  type: string;
  name: string;
  action: "create" | "update" | "replace" | "delete";
}

/** The plan's verdict, as the oracle reads it. */
export interface PlanVerdict {
  exitCode: 0 | 1;
  errors: string[];
  warnings: string[];
  changes: PlanChange[];
  shells: { vm: string; deleted: string[]; created: string[]; deletedBeforeVm?: string[]; replacedAfter?: string[] }[];
  /** Logical name -> its former names (aliases). */
  aliases: Record<string, string[]>;
  /** What the user must do before `pulumi up` (e.g. start VMs), when the plan says so. */
  before?: { kind: string; vms?: string[]; command?: string }[];
}

/** The offline plan in a worker process (see planWorker.ts); `close()` when done. */
export class PlanClient {
  private child: ChildProcess;
  private next = 0;
  private waiting = new Map<number, { resolve: (v: PlanVerdict) => void; reject: (e: Error) => void }>();

  constructor() {
    this.child = fork(path.join(__dirname, "planWorker.ts"), [], { execArgv: ["-r", require.resolve("ts-node/register/transpile-only")], stdio: ["ignore", "ignore", "inherit", "ipc"] });
    this.child.on("message", (m: { id: number; verdict?: PlanVerdict; error?: string }) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.error) w?.reject(new Error(m.error));
      else w?.resolve(m.verdict!);
    });
  }

  plan(req: PlanRequest): Promise<PlanVerdict> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ id, req });
    });
  }

  close(): void {
    this.child.kill();
  }
}

/** The action an engine step stands for in the plan's terms (undefined: no change of its own). */
export function actionOf(op: string): PlanChange["action"] | undefined {
  if (op === "create") return "create";
  if (op === "update") return "update";
  if (op === "delete") return "delete";
  if (op === "replace" || op === "create-replacement" || op === "delete-replaced") return "replace";
  return undefined;
}

/** Resource types the plan lists (the program's custom resources): azure-native and the dynamic wait. */
const listed = (type: string) => type.startsWith("azure-native:") || type.startsWith("pulumi-nodejs:");

/**
 * The engine's steps as the plan's changes: one action per resource, in first-step order. A step
 * under a former name (the engine reports a renamed resource's `delete-replaced` under its old URN)
 * counts for the resource that has it among its `aliases` (new name -> former names).
 */
export function engineChanges(steps: readonly EngineStep[], aliases: Readonly<Record<string, string[]>> = {}): PlanChange[] {
  const renamed = new Map(Object.entries(aliases).flatMap(([now, was]) => was.map((w) => [w, now] as const)));
  const out = new Map<string, PlanChange>();
  for (const s of steps) {
    const action = actionOf(s.op);
    if (!action || !listed(s.type)) continue;
    const name = action === "replace" ? renamed.get(s.name) ?? s.name : s.name;
    const k = `${s.type}::${name}`;
    const was = out.get(k);
    // A resource deleted and created again under the same name in one run is a replacement.
    if (was && was.action !== action) was.action = "replace";
    else if (!was) out.set(k, { type: s.type, name, action });
  }
  return [...out.values()];
}

/**
 * The disagreements between the plan's verdict and the engine's run of the same deployment (empty:
 * they agree). A plan that refuses agrees with any engine outcome (it stops the user first).
 */
export function disagreements(plan: PlanVerdict, engine: EngineResult): string[] {
  if (plan.exitCode !== 0) return [];
  if (engine.status === "failed") return [`the plan accepts the deployment, the engine failed: ${firstError(engine.error)}`];
  const out: string[] = [];
  const planned = new Map(plan.changes.filter((c) => listed(c.type)).map((c) => [`${c.type}::${c.name}`, c]));
  const done = new Map(engineChanges(engine.steps, plan.aliases).map((c) => [`${c.type}::${c.name}`, c]));
  for (const [k, c] of planned) {
    const e = done.get(k);
    if (!e) out.push(`${c.name} (${c.type}): the plan says ${c.action}, the engine did nothing`);
    else if (e.action !== c.action) out.push(`${c.name} (${c.type}): the plan says ${c.action}, the engine did ${e.action}`);
  }
  for (const [k, e] of done) if (!planned.has(k)) out.push(`${e.name} (${e.type}): the engine did ${e.action}, the plan says nothing`);
  out.push(...orderDisagreements(plan, engine.steps));
  return out;
}

/** For each VM the plan re-creates on its disks: its deletes in the printed order, all before its creates. */
function orderDisagreements(plan: PlanVerdict, steps: readonly EngineStep[]): string[] {
  const out: string[] = [];
  // A name the plan prints may be a former name (its delete) or the new one (its create): both count.
  const current = (name: string) => [name, ...Object.entries(plan.aliases).filter(([, was]) => was.includes(name)).map(([now]) => now), ...(plan.aliases[name] ?? [])];
  const at = (names: string[], ops: string[]) => steps.findIndex((s) => names.includes(s.name) && ops.includes(s.op));
  for (const shell of plan.shells) {
    const deletes = shell.deleted.map((n) => ({ n, i: at(current(n), ["delete", "delete-replaced"]) }));
    const creates = shell.created.map((n) => ({ n, i: at(current(n), ["create", "create-replacement"]) }));
    for (const d of deletes) if (d.i < 0) out.push(`${shell.vm}: the plan deletes ${d.n} first, the engine did not delete it`);
    for (let j = 1; j < deletes.length; j++) {
      if (deletes[j - 1].i >= 0 && deletes[j].i >= 0 && deletes[j].i < deletes[j - 1].i) out.push(`${shell.vm}: the plan deletes ${deletes[j - 1].n} before ${deletes[j].n}, the engine the other way round`);
    }
    const lastDelete = Math.max(-1, ...deletes.map((d) => d.i));
    for (const c of creates) if (c.i >= 0 && c.i < lastDelete) out.push(`${shell.vm}: the engine created ${c.n} before deleting what the plan deletes first`);
    const vmCreated = at(current(shell.vm), ["create", "create-replacement"]);
    // With a replaced NIC: the gate deleted after the new NIC, before the new VM.
    const nicCreated = creates[0]?.i ?? -1;
    for (const g of shell.deletedBeforeVm ?? []) {
      const i = at(current(g), ["delete", "delete-replaced"]);
      if (i < 0 || (vmCreated >= 0 && i > vmCreated) || i < nicCreated) out.push(`${shell.vm}: the plan deletes ${g} after the new NIC and before the new VM, the engine ${i < 0 ? "did not delete it" : "at another point"}`);
    }
    // The followers the plan replaces after: their old one deleted once the new VM exists.
    for (const f of shell.replacedAfter ?? []) {
      const [old] = f.split(" -> ");
      const i = at(current(old), ["delete", "delete-replaced"]);
      if (i >= 0 && vmCreated >= 0 && i < vmCreated) out.push(`${shell.vm}: the plan replaces ${old} after the VM exists, the engine deleted it first`);
    }
  }
  return out;
}

const firstError = (text?: string) => (text ?? "").split("\n").find((l) => /error|Code|InUse|NotAllowed|refus/i.test(l))?.trim() ?? (text ?? "").split("\n")[0];

/** One deployment of a rehearsal and what became of it. */
export interface RehearsalStep {
  label: string;
  plan: PlanVerdict;
  /** What was done first because the plan said so (e.g. VMs started). */
  before: string[];
  engine: EngineResult;
  agree: boolean;
  disagreements: string[];
}

/** Options of a rehearsal. */
export interface RehearseOptions {
  /** Deallocate every VM between deployments, as auto-shutdown does every evening. */
  deallocate?: boolean;
  /**
   * Disks that exist before the first deployment (an existing lab's), in the disk resource group;
   * `from-csv`: every OS and data disk that a row without `Image` names, in any deployment.
   */
  disks?: { name: string; generation?: 1 | 2 }[] | "from-csv";
  /** Called after each deployment (progress). */
  onStep?: (step: RehearsalStep) => void;
}

/** Where a rehearsal starts when its first deployment is done already (a fork of a deployed base). */
export interface RehearsalStart {
  life: LabLife;
  first: RehearsalStep;
  /** The base's `deployedLab` output. */
  previous: unknown;
}

/**
 * Runs `deployments` in order on one stack in a fresh twin: for each, the offline plan against the
 * engine's `deployedLab` output of the one before, then the real `pulumi up` (even when the plan
 * refuses, to show what Azure would answer). Returns every step; the life is disposed. With
 * `start`, the first deployment is taken as done on `start.life` (which is then disposed too).
 */
export async function rehearse(cli: PulumiCli, deployments: readonly (LabFiles & { label: string })[], opts: RehearseOptions = {}, shared?: PlanClient, start?: RehearsalStart): Promise<RehearsalStep[]> {
  const out: RehearsalStep[] = [];
  const planner = shared ?? new PlanClient();
  const disks = opts.disks === "from-csv" ? existingDisksOf(deployments) : opts.disks;
  const life = start?.life ?? (await LabLife.create(cli, deployments[0], { disks }));
  try {
    let previous: unknown = start ? start.previous : "empty";
    if (start) out.push(start.first);
    for (const [i, d] of deployments.entries()) {
      if (start && i === 0) continue;
      out.push(await deploy(life, planner, d, previous, i > 0 && opts.deallocate === true));
      opts.onStep?.(out[out.length - 1]);
      const outputs = await life.outputs().catch(() => ({}) as Record<string, unknown>);
      previous = outputs.deployedLab ?? previous;
    }
  } finally {
    life.dispose();
    if (!shared) planner.close();
  }
  return out;
}

/** One deployment: deallocate first when asked, plan, do what the plan says comes first, up, compare. */
export async function deploy(life: LabLife, planner: PlanClient, d: LabFiles & { label: string }, previous: unknown, deallocate: boolean): Promise<RehearsalStep> {
  const before: string[] = [];
  if (deallocate) before.push(`deallocated ${life.arm.deallocateAll().join(", ") || "no VM"} (auto-shutdown)`);
  const plan = await planner.plan({ ...d, stackName: life.stack.name, previous });
  for (const b of plan.before ?? []) {
    if (b.kind === "start" && b.vms?.length) before.push(`started ${life.arm.start(b.vms).join(", ")} (the plan: ${b.command ?? "start them first"})`);
  }
  const engine = await life.up(d);
  const dis = disagreements(plan, engine);
  return { label: d.label, plan, before, engine, agree: dis.length === 0, disagreements: dis };
}

/**
 * The disks an existing lab brings: every OS disk and data disk (`LUN:name`) that a row without
 * `Image` names, in any of the deployments, by their last name segment. Rows with `Image` build
 * their disk on the first up.
 */
export function existingDisksOf(deployments: readonly LabFiles[]): { name: string }[] {
  const names = new Set<string>();
  for (const d of deployments) {
    for (const r of readLabCsv(d.csv, "lab.csv").rows) {
      if (r.cells.Image?.trim()) continue;
      const os = r.cells.VMOSDiskName?.trim();
      if (os) names.add(os.split("/").pop()!);
      for (const item of (r.cells.DataDisks ?? "").split(/[;|\s]+/).filter(Boolean)) names.add(item.replace(/^\d+:/, "").split("/").pop()!);
    }
  }
  return [...names].map((name) => ({ name }));
}
