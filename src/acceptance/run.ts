/**
 * The acceptance run's sequence, against the ports of `ports.ts`: up -> checks -> a second up
 * expecting no changes -> refresh -> preview -> edits -> up -> checks -> destroy -> disks still
 * there -> up -> same addresses and disks -> destroy -> the test disks and the disk resource group
 * deleted. On a failure or Ctrl-C at any step, the cleanup still destroys the stack and deletes
 * what the run created (unless `keep`), then lists what is left in Azure with the command that
 * removes it. Nothing is deleted that does not carry the run's tag.
 */
import { Listr } from "listr2";
import { ACCEPTANCE_IMAGE, AcceptanceLab, ROLE_IMAGE, RUN_TAG } from "./lab";
import { checkParkingDeployed, checkParkingDestroyed } from "./parkingChecks";
import { checkExchangeHealth, checkForest, checkJoined, checkNoRoleStepAgain, recordRoleSteps } from "./roleChecks";
import { Answers, CheckTimeouts, RunContext, checkDisksKept, checkEdits, checkEndpoints, checkGateway, checkReattached, checkRunCommand, noChanges, note, recordBeforeDestroy, summary } from "./checks";
import { KeptStack, Ports } from "./ports";
import { AcceptanceReport, Estimate, KeptCommands, Leftover, StepRecord, allAnswers, measuredAgainstEstimated, redact } from "./report";

/** One step of the sequence. */
export interface Step {
  id: string;
  title: string;
  run(ctx: RunContext): Promise<void>;
}

/** Where progress goes: listr2's renderers (`silent` in tests). */
export type Renderer = "default" | "simple" | "silent";

/** What the run is given. */
export interface RunOptions {
  lab: AcceptanceLab;
  subscriptionId: string;
  keep: boolean;
  estimate: Estimate;
  cliVersion: string;
  sdkVersion: string;
  timeouts: CheckTimeouts;
  renderer: Renderer;
  /** Ctrl-C. */
  signal: AbortSignal;
  /** With `keep`: where the command line writes the kept stack's passphrase (named in the report). */
  passphraseFile?: string;
}

function stackOf(ctx: RunContext) {
  if (!ctx.stack) throw new Error("the stack was not created");
  return ctx.stack;
}

/**
 * Creates the run's disk resource group, after checking that neither of the run's group names is
 * taken: a PUT on an existing group would adopt it and overwrite its tags with the run's, and the
 * cleanup would then delete it. A taken name stops the run with nothing created.
 */
async function createDiskGroup(ctx: RunContext): Promise<void> {
  const { arm } = ctx.ports;
  const taken: string[] = [];
  for (const group of [ctx.lab.resourceGroup, ctx.lab.diskResourceGroup]) if (await arm.group(group)) taken.push(group);
  if (taken.length > 0) {
    ctx.foreign = new Set(taken);
    throw new Error(`resource group ${taken.join(" and ")} exists already: the run creates, and deletes, only groups of its own; nothing was created (run again: a new run id names new groups)`);
  }
  await arm.createGroup(ctx.lab.diskResourceGroup, ctx.lab.region, { [RUN_TAG]: ctx.lab.runId });
}

/** Each Pulumi operation: told of Ctrl-C (never forwarded to the CLI, see ports.ts), its output's last line shown under the step. */
export function withSignal(ctx: RunContext) {
  return { signal: ctx.signal, onOutput: (out: string) => ctx.progress?.(out.trimEnd().split("\n").pop() ?? "") };
}

/** `pulumi up`, its resource timings kept for the measured-against-estimated table under `phase`. */
export async function up(ctx: RunContext, phase: string) {
  const r = await stackOf(ctx).up(withSignal(ctx));
  for (const t of r.timings ?? []) ctx.timings.push({ ...t, phase });
  return r;
}

/** What the sequence depends on: the lab's options (the dry run lists only the checks that will run). */
export interface SequenceShape {
  withVpn: boolean;
  /** The role lab (`--with-roles`): its own sequence. */
  roles?: unknown;
}

/** The first two steps of every sequence. */
function setupSteps(): Step[] {
  return [
    { id: "disk-group", title: "Create the disk resource group (tagged with the run)", run: createDiskGroup },
    {
      id: "stack", title: "Create the throwaway stack (local backend in a temporary directory)",
      run: async (ctx) => {
        ctx.stack = await ctx.ports.workspace.createStack({ stackName: `acceptance-${ctx.lab.runId}`, config: ctx.lab.config, secrets: ctx.lab.secrets, csvText: ctx.lab.csvBefore, csvPath: String(ctx.lab.config["exchange-lab:csv"]) });
      },
    },
  ];
}

/**
 * The role lab's sequence (`--with-roles`): the first up runs the role steps; the checks ask the
 * guests and Exchange; destroy keeps the disks; the next up attaches them, and the same checks
 * pass again with no role step run.
 */
export function roleSteps(shape: SequenceShape): Step[] {
  const checks = async (ctx: RunContext, phase: string) => {
    await checkForest(ctx, phase);
    await checkJoined(ctx, phase);
    await checkExchangeHealth(ctx, phase);
  };
  return [
    ...setupSteps(),
    { id: "up", title: "pulumi up: a forest root DC, an Exchange server and a member from images (the role steps as Run Commands)", run: async (ctx) => void (await up(ctx, "first up")) },
    {
      id: "roles-1", title: `Checks: the domain (the DC's Run Command), the member joined, Exchange's /owa/healthcheck.htm over HTTPS${shape.withVpn ? ", VPN gateway" : ""}; each role step's output and minutes`,
      run: async (ctx) => { await recordRoleSteps(ctx); await checks(ctx, "first life"); await checkGateway(ctx); },
    },
    { id: "destroy", title: "pulumi destroy (the disks stay)", run: async (ctx) => { await recordBeforeDestroy(ctx); await stackOf(ctx).destroy(withSignal(ctx)); } },
    { id: "check-disks", title: "Checks: the OS disks still exist, attached to nothing", run: checkDisksKept },
    { id: "up-again", title: "pulumi up on the kept disks (no role step may run)", run: async (ctx) => void (await up(ctx, "up on the kept disks")) },
    {
      id: "roles-2", title: "Checks: same addresses and disks, the forest and Exchange still there, no role step run again",
      run: async (ctx) => { await checkReattached(ctx); await checks(ctx, "second life"); await checkNoRoleStepAgain(ctx, "up on the kept disks"); },
    },
    { id: "destroy-again", title: "pulumi destroy", run: async (ctx) => void (await stackOf(ctx).destroy(withSignal(ctx))) },
  ];
}

/** The sequence, in order. Each step's failure stops the run (a wrong answer is a `fail`, not a stop). */
export function steps(shape: SequenceShape = { withVpn: false }): Step[] {
  if (shape.roles) return roleSteps(shape);
  return [
    ...setupSteps(),
    { id: "up", title: "pulumi up: the two-VM lab from images", run: async (ctx) => void (await up(ctx, "first up")) },
    { id: "check-1", title: `Checks: load balancer (RDP, HTTPS)${shape.withVpn ? ", VPN gateway" : ""}`, run: async (ctx) => { await checkEndpoints(ctx, ctx.lab.before, [], "first up"); await checkGateway(ctx); } },
    {
      // Not `up --expect-no-changes`: the Automation API's up always passes --skip-preview, so the
      // CLI would apply a change first and complain afterwards. The preview refuses before anything changes.
      id: "up-no-change", title: "pulumi preview --expect-no-changes, then pulumi up",
      run: async (ctx) => {
        try {
          const p = await stackOf(ctx).preview({ ...withSignal(ctx), expectNoChanges: true });
          note(ctx.answers, "noOpUp", noChanges(p.changes), `preview --expect-no-changes: ${summary(p.changes)}`);
        } catch (err) {
          if (ctx.signal.aborted) throw err;
          note(ctx.answers, "noOpUp", false, `preview --expect-no-changes refused: ${(err as Error).message.split("\n").slice(0, 5).join(" / ")}`);
        }
        const r = await up(ctx, "second up");
        note(ctx.answers, "noOpUp", noChanges(r.changes), `second up: ${summary(r.changes)}`);
      },
    },
    { id: "refresh", title: "pulumi refresh", run: async (ctx) => void (await stackOf(ctx).refresh(withSignal(ctx))) },
    {
      id: "preview", title: "pulumi preview after the refresh",
      run: async (ctx) => {
        const r = await stackOf(ctx).preview(withSignal(ctx));
        note(ctx.answers, "refreshDiff", noChanges(r.changes), `preview after refresh: ${summary(r.changes)}`);
      },
    },
    {
      id: "edit-up", title: "Edit the CSV (rename, subnet move, endpoint added and removed), pulumi up (twice for the rename, as the plan asks)",
      run: async (ctx) => {
        try {
          // A VM built from an image is renamed in two runs (lab.ts, csvMiddle): the plan refuses one.
          if (ctx.lab.csvMiddle) {
            await stackOf(ctx).writeCsv(ctx.lab.csvMiddle);
            const first = await up(ctx, "up with both VMs offline (their disks stay)");
            note(ctx.answers, "renameOneUp", true, `first up (BringOnline=No under the old names and subnets): ${summary(first.changes)}`);
          }
          await stackOf(ctx).writeCsv(ctx.lab.csvAfter);
          const r = await up(ctx, "up with the edits");
          note(ctx.answers, "renameOneUp", true, `${ctx.lab.csvMiddle ? "second up (renamed, online)" : "one up"}: ${summary(r.changes)}`);
        } catch (err) {
          if (!ctx.signal.aborted) note(ctx.answers, "renameOneUp", false, `the up with the edits failed: ${(err as Error).message.split("\n").slice(0, 5).join(" / ")}`);
          throw err;
        }
      },
    },
    { id: "check-2", title: "Checks: rename, subnet move, endpoints", run: async (ctx) => { await checkEdits(ctx); await checkEndpoints(ctx, ctx.lab.after, [443], "after the edits"); } },
    { id: "run-command", title: "Run Command: re-run after a failure, update and delete on a deallocated VM", run: checkRunCommand },
    { id: "park-deployed", title: "npm run lab -- stop --park, then start, on the first VM: its disk's type and tags after each (its two conversions of the day)", run: checkParkingDeployed },
    { id: "destroy", title: "pulumi destroy (the disks stay)", run: async (ctx) => { await recordBeforeDestroy(ctx); await stackOf(ctx).destroy(withSignal(ctx)); } },
    { id: "check-disks", title: "Checks: the OS disks still exist, attached to nothing", run: checkDisksKept },
    { id: "park-destroyed", title: "npm run lab -- park: refused on the first disk (a third conversion); park, then unpark, on the second: type and tags after each", run: checkParkingDestroyed },
    { id: "up-again", title: "pulumi up on the kept disks", run: async (ctx) => void (await up(ctx, "up on the kept disks")) },
    { id: "check-3", title: "Checks: same addresses, same disks attached", run: checkReattached },
    { id: "destroy-again", title: "pulumi destroy", run: async (ctx) => void (await stackOf(ctx).destroy(withSignal(ctx))) },
  ];
}

/** The run's outcome: the report (secrets masked), the process exit code, and a kept stack. */
export interface RunOutcome {
  report: AcceptanceReport;
  code: number;
  /** With `keep` and a stack: what destroying it later needs, its passphrase included (for the 0600 file only). */
  kept?: KeptStack;
}

/**
 * The commands that destroy a kept stack later, in the order to run them: the stack's `pulumi
 * destroy` from its workspace directory (its local backend and passphrase by environment
 * variables, so the user's `pulumi login` is left as it is; https://www.pulumi.com/docs/iac/cli/environment-variables/),
 * then the disk resource group, which no stack owns; the lab's resource group's own delete if the
 * destroy cannot run. Only the run's two groups are named.
 */
export function keptCommands(kept: KeptStack, passphraseFile: string, lab: AcceptanceLab, subscriptionId: string): KeptCommands {
  return {
    passphraseFile,
    commands: [
      `cd '${kept.workDir}'`,
      `PULUMI_BACKEND_URL='${kept.backendUrl}' PULUMI_CONFIG_PASSPHRASE_FILE='${passphraseFile}' pulumi destroy --stack ${kept.stackName} --yes`,
      `az group delete --name ${lab.diskResourceGroup} --subscription ${subscriptionId} --yes   # the disks: no stack owns them`,
      `# only if the destroy cannot run: az group delete --name ${lab.resourceGroup} --subscription ${subscriptionId} --yes`,
    ],
  };
}

/** Runs the sequence with progress, then the cleanup, and returns the report. Never rejects. */
export async function runAcceptance(ports: Ports, options: RunOptions, sequence: Step[] = steps(options.lab)): Promise<RunOutcome> {
  const { lab } = options;
  const answers: Answers = new Map();
  const ctx: RunContext = { ports, lab, subscriptionId: options.subscriptionId, answers, signal: options.signal, timeouts: options.timeouts, timings: [], roleSteps: [], roleStepPlan: options.estimate.roleSteps };
  const records: StepRecord[] = sequence.map((s) => ({ id: s.id, title: s.title, status: "not run" }));
  const startedAt = new Date(ports.clock.now()).toISOString();
  let failure: string | undefined;
  const tasks = sequence.map((step, i) => ({
    title: step.title,
    task: async (_: unknown, task: { output: string }) => {
      if (options.signal.aborted) throw new Error("interrupted");
      ctx.progress = (line) => (task.output = line);
      const t0 = ports.clock.now();
      try {
        await step.run(ctx);
        records[i] = { ...records[i], status: "done", seconds: Math.round((ports.clock.now() - t0) / 1000) };
      } catch (err) {
        const message = options.signal.aborted ? "interrupted (Ctrl-C)" : ((err as Error).message ?? String(err));
        records[i] = { ...records[i], status: "failed", seconds: Math.round((ports.clock.now() - t0) / 1000), error: message.split("\n").slice(0, 5).join(" / ") };
        failure = message;
        throw err;
      }
    },
  }));
  try {
    await new Listr(tasks, { concurrent: false, exitOnError: true, renderer: options.renderer, fallbackRenderer: options.renderer === "silent" ? "silent" : "simple", registerSignalListeners: false }).run();
  } catch {
    // Recorded in records and failure.
  }
  const cleanupSteps = await cleanup(ctx, options, failure !== undefined);
  const leftovers = await leftoversOf(ports, lab, options.subscriptionId, ctx.foreign);
  const plugins = ctx.stack ? await ctx.stack.plugins().catch(() => []) : [];
  if (ctx.stack && !options.keep) await ctx.stack.dispose().catch(() => undefined);
  const outcome = options.signal.aborted ? "interrupted" : failure !== undefined ? "failed" : "passed";
  const report: AcceptanceReport = {
    runId: lab.runId, startedAt, finishedAt: new Date(ports.clock.now()).toISOString(), region: lab.region, subscriptionId: options.subscriptionId,
    withVpn: lab.withVpn, kept: options.keep, outcome,
    versions: { cli: options.cliVersion, sdk: options.sdkVersion, plugins, node: process.version },
    estimate: options.estimate,
    lab: {
      what: lab.roles ? `${[lab.roles.dc, lab.roles.exchange, lab.roles.member].map((v) => `${v.name} (${lab.roles!.sizes[v.name].name})`).join(", ")}, domain ${lab.roles.domainName}` : `2 VMs of ${lab.size.name}`,
      vmSize: lab.size.name, image: lab.roles ? ROLE_IMAGE : ACCEPTANCE_IMAGE, resourceGroup: lab.resourceGroup, diskResourceGroup: lab.diskResourceGroup,
    },
    answers: allAnswers(answers, !!lab.roles), steps: [...records, ...cleanupSteps], leftovers, measured: measuredAgainstEstimated(ctx.timings),
  };
  const kept = options.keep && ctx.stack ? ctx.stack.kept() : undefined;
  if (lab.roles) report.roleSteps = ctx.roleSteps;
  if (kept) report.keptStack = keptCommands(kept, options.passphraseFile ?? `acceptance-${lab.runId}.passphrase`, lab, options.subscriptionId);
  const failedQuestion = report.answers.some((a) => a.status === "fail");
  const code = outcome === "interrupted" ? 130 : outcome === "failed" || failedQuestion || leftovers.length > 0 && !options.keep ? 3 : 0;
  return { report: redact(report, secretsToMask(lab, kept)), code, kept };
}

/**
 * Every secret of the run, as the report must not carry it: each secret value, and of a URL (the
 * Exchange ISO's SAS URL) also its query (the SAS token) and each of its values, which a script's
 * output may print on their own; and a kept stack's passphrase.
 */
export function secretsToMask(lab: AcceptanceLab, kept?: KeptStack): string[] {
  const values = [...Object.values(lab.secrets), ...(kept ? [kept.passphrase] : [])];
  const parts = values.flatMap((v) => {
    if (!/^https?:\/\//.test(v)) return [];
    try {
      const url = new URL(v);
      return [url.search.slice(1), ...[...url.searchParams.values()].filter((x) => x.length >= 8)].filter((x) => x.length > 0);
    } catch {
      return [];
    }
  });
  // Longest first: a value inside another is masked after it.
  return [...new Set([...values, ...parts])].sort((a, b) => b.length - a.length);
}

async function timed(ports: Ports, id: string, title: string, what: () => Promise<void>): Promise<StepRecord> {
  const t0 = ports.clock.now();
  try {
    await what();
    return { id, title, status: "done", seconds: Math.round((ports.clock.now() - t0) / 1000) };
  } catch (err) {
    return { id, title, status: "failed", seconds: Math.round((ports.clock.now() - t0) / 1000), error: ((err as Error).message ?? String(err)).split("\n")[0] };
  }
}

/**
 * After the sequence (done or not): unless `keep`, destroy the stack when it may hold anything,
 * then delete the disks of the run's disk resource group and the group itself, only when the
 * group carries the run's tag. Each cleanup step is recorded; none stops the others.
 */
async function cleanup(ctx: RunContext, options: RunOptions, failed: boolean): Promise<StepRecord[]> {
  const { ports, lab } = ctx;
  if (options.keep) return [{ id: "cleanup", title: "Cleanup (skipped: --keep)", status: "skipped" }];
  const records: StepRecord[] = [];
  if (ctx.foreign?.has(lab.diskResourceGroup)) return [{ id: "delete-disks", title: `Delete the test disks (skipped: ${lab.diskResourceGroup} is not the run's)`, status: "skipped" }];
  // Without a signal: the cleanup must run to its end after Ctrl-C too.
  if (ctx.stack && failed) records.push(await timed(ports, "cleanup-destroy", "pulumi destroy (cleanup)", async () => void (await ctx.stack!.destroy())));
  records.push(await timed(ports, "delete-disks", "Delete the test disks and the disk resource group", async () => {
    const group = await ports.arm.group(lab.diskResourceGroup);
    if (!group) return;
    if (group.tags[RUN_TAG] !== lab.runId) throw new Error(`${lab.diskResourceGroup} does not carry the tag ${RUN_TAG}=${lab.runId}: left as it is`);
    // A disk still attached (a destroy that failed) refuses; deleting the group removes it after its VM.
    const refused: string[] = [];
    for (const disk of await ports.arm.disks(lab.diskResourceGroup)) {
      await ports.arm.deleteDisk(lab.diskResourceGroup, disk.name).catch((err: Error) => refused.push(`${disk.name}: ${err.message.split("\n")[0]}`));
    }
    await ports.arm.deleteGroup(lab.diskResourceGroup);
    if (refused.length > 0) throw new Error(`the group was deleted, but first these disks refused on their own: ${refused.join("; ")}`);
  }));
  return records;
}

/**
 * What is left of the run in Azure (its two resource groups), each with the command that removes
 * it. A group that existed before the run (`foreign`) is not the run's and is not named; a disk
 * group without the run's tag is named without a delete command.
 */
export async function leftoversOf(ports: Ports, lab: AcceptanceLab, subscriptionId: string, foreign: ReadonlySet<string> = new Set()): Promise<Leftover[]> {
  const left: Leftover[] = [];
  for (const [group, what] of [[lab.resourceGroup, "the lab's resource group (owned by the stack)"], [lab.diskResourceGroup, "the disk resource group, with the test disks"]] as const) {
    if (foreign.has(group)) continue;
    let found: { tags: Record<string, string> } | undefined | "unknown";
    try {
      found = await ports.arm.group(group);
    } catch {
      found = "unknown"; // Azure could not be asked: name it, to be safe.
    }
    if (found === undefined) continue;
    const notOurs = found !== "unknown" && group === lab.diskResourceGroup && found.tags[RUN_TAG] !== lab.runId;
    left.push({
      what: `${group}: ${what}`,
      remove: notOurs ? `not removed: it does not carry the tag ${RUN_TAG}=${lab.runId}; check what it holds before deleting it` : `az group delete --name ${group} --subscription ${subscriptionId} --yes`,
    });
  }
  return left;
}
