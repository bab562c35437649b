/**
 * The acceptance report: one entry per question only Azure and the real CLI can answer
 * (pass / fail / not run, with the evidence), the steps with their timings, the versions, the
 * region and the cost estimate; rendered as Markdown (to paste into an issue) and JSON. Every
 * secret of the run is masked before anything is rendered. Pure.
 */
import { CREATION_MINUTES, FROM_IMAGE_VM_MINUTES, UNKNOWN_TYPE_MINUTES } from "../report/readiness";
import { ResourceTiming } from "./ports";

/** The questions, in the order of the issue that asked them. */
export const QUESTIONS = {
  lbPools: "Do the NIC-based load-balancer pools carry RDP and HTTPS to the VMs (and follow an endpoint added and one removed)?",
  gatewayDns: "Does the DNS label on the VPN gateway's public IP resolve (the DrayTek dials it), and what state does the connection resource report?",
  nicMove: "Does a VM built from an image come back in another subnet with its new static address (BringOnline=No, then moved: the two runs the plan asks for)?",
  runCommand: "Does ARM re-run an unchanged Run Command after a failure, and does one on a deallocated VM fail on update or delete?",
  refreshDiff: "After pulumi refresh, is there a one-time load-balancer diff (does the next preview show changes)?",
  noOpUp: "Is a second pulumi up with no edit a no-op (--expect-no-changes)?",
  disksSurvive: "Do the disks survive destroy, and does the next up attach them with the same addresses?",
  renameOneUp: "Does a rename go through as the plan says (a VM built from an image: BringOnline=No under its old name, then the new name), with the endpoint edits?",
  parking: "Do stop --park, start, park and unpark give each disk the type and tags they promise, within Azure's two conversions a day?",
  forest: "Does the first up build the forest (the DC's Get-ADDomain names the lab's domain), and is it still there after destroy and up?",
  memberJoined: "Are the member and the Exchange server joined to the domain, with a working secure channel, in both lives?",
  exchangeHealth: "Does Exchange answer /owa/healthcheck.htm over HTTPS from the lab's public address, in both lives?",
  roleStepsOnce: "After destroy and up, does no role step run again?",
} as const;

/** The questions of each kind of run: the two-VM lab's, and the role lab's (`--with-roles`). */
export const QUESTIONS_OF = {
  twoVm: ["lbPools", "gatewayDns", "nicMove", "runCommand", "refreshDiff", "noOpUp", "disksSurvive", "renameOneUp", "parking"],
  roles: ["gatewayDns", "disksSurvive", "forest", "memberJoined", "exchangeHealth", "roleStepsOnce"],
} as const satisfies Record<string, readonly (keyof typeof QUESTIONS)[]>;
export type QuestionId = keyof typeof QUESTIONS;

export type Status = "pass" | "fail" | "not run";

export interface Answer {
  id: QuestionId;
  question: string;
  status: Status;
  /** What was seen: timings, trimmed API answers, engine messages. */
  evidence: string[];
}

export interface StepRecord {
  id: string;
  title: string;
  status: "done" | "failed" | "not run" | "skipped";
  seconds?: number;
  error?: string;
}

/** What is left in Azure after the run, and how to remove it. */
export interface Leftover {
  what: string;
  remove: string;
}

/** The cost and duration estimate, from the offline plan of the generated lab. */
export interface Estimate {
  currency: string;
  perHourRunning: number | null;
  perMonthParked: number | null;
  minutes: number;
  /** For the whole run: its minutes at the running rate (which holds the disks' hourly share). */
  total: number | null;
  priceSource: string;
  /** With `--with-roles`: the plan's role steps of the first up, each with its estimated minutes. */
  roleSteps?: { vm: string; id: string; what: string; minutes: number }[];
}

/** Per resource type (and phase), the measured create time beside the plan's estimate. */
export interface MeasuredRow {
  type: string;
  /** The run's phase: `first up` (VMs from images), `up on the kept disks` (VMs attach their disks), ... */
  phase: string;
  count: number;
  /** Median and longest of the measured creates, in minutes (one decimal). */
  medianMinutes: number;
  maxMinutes: number;
  /** The plan's figure for one create (src/report/readiness.ts) and where it comes from. */
  estimateMinutes: number;
  estimateSource: string;
}

/** One role step in the report: the plan's minutes, the engine's and the script's, and its output (secrets masked later with the whole report). */
export interface RoleStepRecord {
  vm: string;
  step: string;
  estimateMinutes: number;
  /** From the engine's events (resourcePreEvent to resOutputsEvent), minutes; absent when not seen. */
  engineMinutes?: number;
  /** From the run command's instance view (start to end), minutes. */
  scriptMinutes?: number;
  executionState?: string;
  exitCode?: number;
  output: string;
  error: string;
}

/** The commands that destroy a stack kept by `--keep` (no secret: the passphrase is in a file of mode 0600). */
export interface KeptCommands {
  passphraseFile: string;
  commands: string[];
}

export interface AcceptanceReport {
  runId: string;
  startedAt: string;
  finishedAt?: string;
  region: string;
  subscriptionId: string;
  withVpn: boolean;
  kept: boolean;
  outcome: "passed" | "failed" | "interrupted" | "dry run";
  versions: { cli: string; sdk: string; plugins: string[]; node: string };
  estimate: Estimate;
  /** `what`: the lab in a few words (`2 VMs of Standard_B1ms`, the role lab's VMs and sizes). */
  lab: { what: string; vmSize: string; image: string; resourceGroup: string; diskResourceGroup: string };
  answers: Answer[];
  steps: StepRecord[];
  leftovers: Leftover[];
  /** Per resource type, the measured create time beside the plan's estimate. */
  measured: MeasuredRow[];
  /** With `--keep` and a stack: how to destroy it later. */
  keptStack?: KeptCommands;
  /** With `--with-roles`: each role step of the first up, measured against the plan. */
  roleSteps?: RoleStepRecord[];
}

const VM_TYPE = "azure-native:compute:VirtualMachine";

/**
 * The measured-against-estimated table: the `create` steps of `timings` grouped by type and phase,
 * each with the plan's estimate for one create (`CREATION_MINUTES`; a VM created in the `first up`
 * of a lab from images is estimated at `FROM_IMAGE_VM_MINUTES`). Rows in the order first seen.
 */
export function measuredAgainstEstimated(timings: readonly (ResourceTiming & { phase: string })[]): MeasuredRow[] {
  const groups = new Map<string, { type: string; phase: string; seconds: number[] }>();
  for (const t of timings) {
    if (t.op !== "create") continue;
    const key = `${t.type}\u0000${t.phase}`;
    const group = groups.get(key) ?? { type: t.type, phase: t.phase, seconds: [] };
    group.seconds.push(t.seconds);
    groups.set(key, group);
  }
  const minutes = (s: number) => Math.round((s / 60) * 10) / 10;
  return [...groups.values()].map(({ type, phase, seconds }) => {
    const sorted = [...seconds].sort((a, b) => a - b);
    const middle = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    const fromImage = type === VM_TYPE && phase === "first up";
    const known = CREATION_MINUTES[type];
    return {
      type, phase, count: sorted.length, medianMinutes: minutes(middle), maxMinutes: minutes(sorted[sorted.length - 1]),
      estimateMinutes: fromImage ? FROM_IMAGE_VM_MINUTES : known?.minutes ?? UNKNOWN_TYPE_MINUTES,
      estimateSource: fromImage ? "FROM_IMAGE_VM_MINUTES (assumption)" : known?.source ?? "UNKNOWN_TYPE_MINUTES (not in the table)",
    };
  });
}

/** The mask a secret is replaced with. */
export const SECRET_MASK = "[secret]";

/**
 * The report with every occurrence of each secret value replaced by {@link SECRET_MASK}, in every
 * string at any depth (an engine message may quote an input). Empty secrets are ignored.
 */
export function redact<T>(value: T, secrets: readonly string[]): T {
  const values = secrets.filter((s) => s.length > 0);
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return values.reduce((text, s) => text.split(s).join(SECRET_MASK), v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/**
 * The questions of the run's kind, answered or not: those the run never reached are `not run`.
 * A question of the other kind is left out (`withRoles`: the role lab's questions, else the two-VM lab's).
 */
export function allAnswers(answers: ReadonlyMap<QuestionId, Omit<Answer, "id" | "question">>, withRoles = false): Answer[] {
  const ids: readonly QuestionId[] = withRoles ? QUESTIONS_OF.roles : QUESTIONS_OF.twoVm;
  return ids.map((id) => ({ id, question: QUESTIONS[id], ...(answers.get(id) ?? { status: "not run" as const, evidence: [] }) }));
}

const money = (n: number | null, currency: string) => (n === null ? "unknown" : `${n.toFixed(2)} ${currency}`);

/**
 * The run's measured minutes (start to finish) and their cost at the plan's running rate: what the
 * run cost, give or take Azure's billing granularity and traffic (an upper bound: not every
 * resource ran the whole time).
 */
function measuredCost(report: AcceptanceReport): string[] {
  if (!report.finishedAt) return [];
  const minutes = Math.max(0, Math.round((Date.parse(report.finishedAt) - Date.parse(report.startedAt)) / 60_000));
  const e = report.estimate;
  const cost = e.perHourRunning === null ? null : Math.round((e.perHourRunning * minutes) / 60 * 100) / 100;
  return [`- Measured: ${minutes} minutes, about ${money(cost, e.currency)} at the plan's running rate (an upper bound: not everything ran the whole time)`];
}

/** The report as JSON (2-space indented, trailing newline). */
export function renderJson(report: AcceptanceReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** The report as Markdown: a summary table, then each question with its evidence, steps and leftovers. */
export function renderMarkdown(report: AcceptanceReport): string {
  const e = report.estimate;
  const lines = [
    `# exchange-lab acceptance run ${report.runId}: ${report.outcome}`,
    "",
    `- Region: ${report.region}${report.withVpn ? " (with the VPN gateway)" : ""}; subscription ${report.subscriptionId}`,
    `- Started ${report.startedAt}${report.finishedAt ? `, finished ${report.finishedAt}` : ""}`,
    `- Pulumi CLI ${report.versions.cli}, SDK ${report.versions.sdk}, Node ${report.versions.node}; plugins: ${report.versions.plugins.join(", ") || "unknown"}`,
    `- Lab: ${report.lab.what} from ${report.lab.image}; resource groups ${report.lab.resourceGroup}, ${report.lab.diskResourceGroup}`,
    `- Estimate: about ${e.minutes} minutes, ${money(e.total, e.currency)} (${money(e.perHourRunning, e.currency)} an hour running; prices: ${e.priceSource})`,
    ...measuredCost(report),
    "",
    "| Question | Result |",
    "| --- | --- |",
    ...report.answers.map((a) => `| ${a.question.replace(/\|/g, "\\|")} | ${a.status} |`),
    "",
  ];
  for (const a of report.answers) {
    lines.push(`## ${a.id}: ${a.status}`, "", a.question, "");
    lines.push(...(a.evidence.length ? a.evidence.map((x) => `- ${x}`) : ["- (no evidence: the run did not reach this question)"]), "");
  }
  lines.push("## Steps", "", "| Step | Status | Seconds | Error |", "| --- | --- | --- | --- |");
  lines.push(...report.steps.map((s) => `| ${s.title} | ${s.status} | ${s.seconds ?? ""} | ${(s.error ?? "").replace(/\|/g, "\\|").replace(/\n/g, " ")} |`), "");
  if (report.roleSteps) {
    lines.push("## Role steps of the first up", "", "| VM | Step | Plan's minutes | Engine's minutes | Script's minutes | State | Exit |", "| --- | --- | --- | --- | --- | --- | --- |");
    lines.push(...report.roleSteps.map((r) => `| ${r.vm} | ${r.step} | ${r.estimateMinutes} | ${r.engineMinutes ?? ""} | ${r.scriptMinutes ?? ""} | ${r.executionState ?? ""} | ${r.exitCode ?? ""} |`), "");
    for (const r of report.roleSteps.filter((x) => x.output || x.error)) {
      lines.push(`### ${r.vm} ${r.step}`, "", "```", ...(r.output ? [r.output] : []), ...(r.error ? [`(error) ${r.error}`] : []), "```", "");
    }
  }
  lines.push("## Measured against the plan's estimate", "", "Minutes per create, from the engine's events; the plan's figures are in src/report/readiness.ts.", "");
  if (report.measured.length === 0) lines.push("- (no create measured)", "");
  else {
    lines.push("| Resource type | Phase | Creates | Median | Longest | Plan's estimate | Estimate's source |", "| --- | --- | --- | --- | --- | --- | --- |");
    lines.push(...report.measured.map((m) => `| ${m.type} | ${m.phase} | ${m.count} | ${m.medianMinutes} | ${m.maxMinutes} | ${m.estimateMinutes} | ${m.estimateSource.replace(/\|/g, "\\|")} |`), "");
  }
  lines.push("## Left in Azure", "");
  lines.push(...(report.leftovers.length ? report.leftovers.map((l) => `- ${l.what}: \`${l.remove}\``) : ["- nothing"]), "");
  if (report.keptStack) {
    lines.push("## The kept stack", "", `Its passphrase is in \`${report.keptStack.passphraseFile}\` (mode 0600). To destroy it later:`, "", "```sh", ...report.keptStack.commands, "```", "");
  }
  return lines.join("\n");
}
