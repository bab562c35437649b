/**
 * The offline plan: runs the very program of `index.ts` (src/program.ts) under Pulumi's
 * mock runtime and reports what it declared: the VMs in boot order and every resource
 * with its inputs, dependencies and options. No Azure, no Pulumi CLI, no network.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { Billable, CostEstimate, estimateCost } from "../report/cost";
import { mermaidDiagram } from "../report/diagram";
import { ASSUMED_DISK_TIER } from "../input/csv/disks";
import { DraytekProfile, draytekProfile, renderDraytekHints } from "../report/draytek";
import { withCliScript } from "../report/draytekCli";
import { FROM_IMAGE_VM_MINUTES, READINESS_GATE_TYPE, TimeToReady, timeToReady } from "../report/readiness";
import { roleStepsOf } from "../input/lab/roleSteps";
import { snapshotFor } from "../prices/snapshot";
import { Lab, LabVm, onlineVms } from "../input/lab/lab";
import { LabValidationError, Problem } from "../input/problems";
import { DEPLOYED_LAB_OUTPUT, DeployedLabRecord } from "../input/lab/previous";
import { LabRun, runLab } from "../program";
import { ConfigLocator, NAMESPACE, publicIpFqdn } from "../input/stack/settings";
import { readStackFile } from "../input/stack/stackFile";
import { Change, diffResources } from "./changes";
import { ShellRecreation, shellRecreations } from "./shellOrder";
import { BeforeUp, beforeUp } from "./beforeUp";
import { leftDiskWarnings, leftDisks } from "./leftDisks";
import { PLAN_ORGANIZATION, Registration, recordingMocks } from "./mocks";

/** One VM row as the plan reports it. */
export interface PlanVm {
  name: string;
  line: number;
  bringOnline: boolean;
  size: string;
  classicSize?: string;
  subnet: string;
  privateIp: string;
  ipSource: "csv" | "kept" | "assigned";
  /** The name it was deployed under before (a rename found by its OS disk). */
  previousName?: string;
  /** The disk ID the declared VM attaches; `null` for a BringOnline=No row, and for an Image row whose VM is built from its image (see `image`). */
  osDiskId: string | null;
  /** Data disk IDs in the CSV's order (empty for a BringOnline=No row). */
  dataDiskIds: string[];
  /** The LUN of each data disk, in the same order. */
  dataDiskLuns: number[];
  /** TCP ports published through the load balancer. */
  endpoints: number[];
  dependsOn: string[];
  waitForBoot: boolean;
  publicRdpPort: number | null;
  /** An Image row's two lives: the image, its disk, and which life this run declares. */
  image?: PlanImage;
}

/** How an Image row's VM gets its OS disk, first and ever after. */
export interface PlanImage {
  /** As written in the CSV (alias or URN). */
  image: string;
  generation: 1 | 2;
  osDisk: string;
  /** What this run declares: `fromImage` while the disk is absent (offline: unless `--previous` has the VM deployed). */
  mode: "fromImage" | "attach";
  /** "first up: built from IMAGE; after that: the disk NAME is attached". */
  lives: string;
}

// The declared resources' shape lives in planTypes.ts, so that changes.ts (imported here)
// need not import this file back.
export type { PlanOptionsShown, PlanResource } from "./planTypes";
import { PlanOptionsShown, PlanResource } from "./planTypes";

/** A Role row's steps as the plan shows them: each with what it does and its expected minutes. */
export interface PlanRoleSteps {
  vm: string;
  role: string;
  steps: { id: string; what: string; minutes: number }[];
}

export interface PlanResult {
  stackFile: string;
  csvFile?: string;
  vms: PlanVm[];
  resources: PlanResource[];
  errors: Problem[];
  warnings: Problem[];
  /** The DrayTek profile (key masked unless shown); absent when the stack's vpn is false. */
  draytek?: DraytekProfile;
  /** The same, rendered as text. */
  draytekHints?: string;
  /** The cost estimate (absent when the input is invalid). */
  cost?: CostEstimate;
  /** Time until the VMs and the tunnel are up, from the dependency graph. */
  timeToReady?: TimeToReady;
  /** Per Role row, the role steps this run declares, in order (none in a VM's later lives). */
  roleSteps?: PlanRoleSteps[];
  /** The lab as a Mermaid flowchart. */
  mermaid?: string;
  /** What `pulumi up` would change against `--previous`; absent without it. */
  changes?: Change[];
  /** What must be done before `pulumi up` (`beforeUp.ts`): the VMs to start, with the command. */
  before?: BeforeUp[];
  /** The VMs among `changes` re-created on their disks, in order, with the time it takes. */
  shells?: ShellRecreation[];
  /** The record `pulumi up` would export as `deployedLab` (and `--json` prints): the next `--previous`. */
  deployedLab?: DeployedLabRecord;
  /** The CSV text with every chosen address and LUN written in (`--pin`). */
  pinnedCsv?: string;
  /** Why `--pin` cannot write into this CSV (it then refuses, and writes nothing). */
  pinError?: string;
  /** The validated lab (absent when the input is invalid), for the checks across labs; not in `--json`. */
  lab?: Lab;
  /** Where each key of the stack file is written; not in `--json`. */
  locate?: ConfigLocator;
}

export interface PlanOptions {
  /** Path of the stack file (`stacks/Pulumi.<stack>.yaml`). */
  stackFile: string;
  /** Overrides the stack's `csv` key. */
  csv?: string;
  /** Directory the CSV path is relative to; default the current directory. */
  baseDir?: string;
  /** Show secret inputs in clear (`--show-secrets`). */
  showSecrets?: boolean;
  /** The previous deployment (`--previous`): the program reads it as its stack's last outputs;
   * `"empty"`: the stack has no outputs (after `pulumi destroy`), so everything is created. */
  previous?: DeployedLabRecord | "empty";
  /** Whether a missing VPN key's warning carries a fresh key (default false: only for a person at a terminal). */
  suggestKey?: boolean;
}

/** Text shown in place of a secret value. */
export const SECRET_MASK = "[secret]";

/** One run of the program under the mock runtime: what it declared. */
interface Declared {
  run: LabRun;
  resources: PlanResource[];
}

/**
 * Runs the program (src/program.ts) under the mock runtime with the given configuration and
 * reads back every resource it declared, with inputs, dependencies and options. The mocks answer
 * the program's read of its own stack with `stackOutputs`. Throws {@link LabValidationError}.
 */
async function declareUnderMocks(
  setup: { config: Record<string, string>; secretKeys: string[]; stackName: string; stackOutputs: Record<string, unknown>; showSecrets: boolean },
  program: Parameters<typeof runLab>[0],
): Promise<Declared> {
  const registrations: Registration[] = [];
  const declared: { resource: pulumi.Resource; type: string; name: string; props: Record<string, unknown>; opts: pulumi.ResourceOptions }[] = [];
  const spy: pulumi.ResourceTransformation = (args) => {
    declared.push({ resource: args.resource, type: args.type, name: args.name, props: args.props, opts: args.opts });
    return undefined;
  };
  await pulumi.runtime.setMocks(recordingMocks(registrations, setup.stackOutputs), "exchange-lab", setup.stackName, true, PLAN_ORGANIZATION);
  pulumi.runtime.setAllConfig(setup.config, setup.secretKeys);

  // @pulumi/pulumi records `new Error().stack` on every promise it makes (runtime/debuggable.js,
  // for a leak report the plan never shows). Under ts-node each trace was source-mapped, which
  // made a 200-VM plan several times slower; and TypeScript, which ts-node loads, raises
  // Error.stackTraceLimit to 100. So while the lab is declared: plain V8 traces of no frames
  // (formatting them was a third of a plan's time, `node --cpu-prof`, 2026-12-07). Pulumi's own
  // source positions (Resource.callsites) set their own limit. Both are restored before anything
  // is reported; EXCHANGE_LAB_TRACES=1 keeps the frames, to debug a crash inside the declaration.
  const traces = Error as unknown as { prepareStackTrace?: unknown; stackTraceLimit: number };
  const sourceMappedTraces = traces.prepareStackTrace;
  const frames = traces.stackTraceLimit;
  traces.prepareStackTrace = undefined;
  if (!process.env.EXCHANGE_LAB_TRACES) traces.stackTraceLimit = 0;
  let run: LabRun;
  try {
    run = await runLab({ ...program, componentOptions: { transformations: [spy] } });
    // Every registration has reached the mocks once every URN is known (the spy saw them all).
    await Promise.all(declared.map((d) => settle(d.resource.urn)));
  } finally {
    traces.prepareStackTrace = sourceMappedTraces;
    traces.stackTraceLimit = frames;
  }

  const names = new Map<pulumi.Resource, string>(declared.map((d) => [d.resource, d.name]));
  const nameOf = (r: pulumi.Resource | undefined) => (r ? names.get(r) : undefined);
  const resources: PlanResource[] = [];
  for (const d of declared) {
    if (!(d.resource instanceof pulumi.CustomResource)) continue;
    const registration = registrations.find((r) => r.type === d.type && r.name === d.name);
    // The program passes plain arrays of resources. Not through pulumi.output(): lifting
    // resources makes Pulumi walk every object reachable from them, the whole lab each time.
    const explicit = d.opts.dependsOn === undefined ? [] : [d.opts.dependsOn].flat().filter((r): r is pulumi.Resource => pulumi.Resource.isInstance(r));
    const dependencies = new Set<string>();
    for (const r of explicit) if (names.has(r)) dependencies.add(names.get(r)!);
    for (const r of await referencedResources(d.props)) if (names.has(r) && r !== d.resource) dependencies.add(names.get(r)!);
    resources.push({
      type: d.type,
      name: d.name,
      inputs: revealOrMask(registration?.inputs ?? {}, setup.showSecrets) as Record<string, unknown>,
      dependsOn: [...dependencies],
      options: optionsShown(d.opts as pulumi.CustomResourceOptions, nameOf),
    });
  }
  return { run, resources };
}

/** The options worth showing, read from what the resource was declared with. */
function optionsShown(o: pulumi.CustomResourceOptions, nameOf: (r: pulumi.Resource | undefined) => string | undefined): PlanOptionsShown {
  const shown: PlanOptionsShown = { retainOnDelete: o.retainOnDelete ?? false, protect: o.protect ?? false, deleteBeforeReplace: o.deleteBeforeReplace ?? false };
  if (o.replaceOnChanges?.length) shown.replaceOnChanges = [...o.replaceOnChanges];
  if (o.ignoreChanges?.length) shown.ignoreChanges = [...o.ignoreChanges];
  const deletedWith = nameOf(o.deletedWith);
  if (deletedWith) shown.deletedWith = deletedWith;
  const replaceWith = (o.replaceWith ?? []).map(nameOf).filter((n): n is string => n !== undefined);
  if (replaceWith.length > 0) shown.replaceWith = replaceWith;
  const aliases = (o.aliases ?? []).flatMap((a) => (typeof a === "object" && a !== null && "name" in a && typeof a.name === "string" ? [a.name] : []));
  if (aliases.length > 0) shown.aliases = aliases;
  if (o.customTimeouts) shown.customTimeouts = { ...o.customTimeouts };
  return shown;
}

/**
 * Runs the plan. Resolves to the declared lab, or to `errors` (and no resources) when the
 * input is invalid. With `previous`, the program reads it as its stack's last outputs (addresses
 * kept, conflicts refused) and the plan lists the changes against a replay of that deployment.
 * Rejects only on a defect of the program itself.
 */
export async function runPlan(options: PlanOptions): Promise<PlanResult> {
  const read = readStackFile(options.stackFile);
  if (!read.stack) return { stackFile: options.stackFile, vms: [], resources: [], errors: read.problems, warnings: [] };
  const stack = read.stack;
  const stackName = path.basename(options.stackFile).replace(/^Pulumi\./, "").replace(/\.ya?ml$/, "");
  const config = { ...stack.config };
  if (options.csv !== undefined) config[`${NAMESPACE}:csv`] = options.csv;
  const showSecrets = options.showSecrets ?? false;

  let current: Declared;
  try {
    current = await declareUnderMocks(
      { config, secretKeys: stack.secretKeys, stackName, stackOutputs: options.previous && options.previous !== "empty" ? { [DEPLOYED_LAB_OUTPUT]: options.previous } : {}, showSecrets },
      { locate: stack.locate, secretKeys: stack.secretKeys, baseDir: options.baseDir, mode: "plan", suggestKey: options.suggestKey ?? false },
    );
  } catch (err) {
    if (err instanceof LabValidationError) {
      return { stackFile: options.stackFile, csvFile: config[`${NAMESPACE}:csv`], vms: [], resources: [], errors: [...err.problems], warnings: [] };
    }
    throw err;
  }
  const { run, resources } = current;
  const lab = run.lab;
  const warnings = [...lab.warnings];

  const changes = await changesAgainst(options, run, resources, stackName, warnings);

  const vms = planVms(lab, resources);
  const draytek = offlineDraytekProfile(run, config, stack.secretKeys, showSecrets);
  const region = lab.settings.location;
  const assumedTiers = billableOf(resources, lab);
  const roleSteps = planRoleSteps(lab);
  // Each role step's run command takes its own expected minutes, not a readiness gate's.
  const stepMinutes = new Map(roleSteps.flatMap((r) => r.steps.map((step): [string, number] => [`${r.vm}-${step.id}`, step.minutes])));
  const snapshot = snapshotFor(region, lab.settings.currency);
  if (snapshot.missing && lab.settings.currency) {
    const key = `${NAMESPACE}:currency`;
    warnings.push({ ...stack.locate(key), column: key, message: `the cost estimate has no prices: ${snapshot.source}` });
  }
  if (options.previous && options.previous !== "empty") warnings.push(...leftDiskWarnings(leftDisks(options.previous, lab, snapshot), lab.csvFile, snapshot.currency), ...stillInStateWarnings(options.previous, lab), ...leavingWarnings(options.previous, lab));
  if (changes && options.previous && options.previous !== "empty") changes.push(...stillInStateDeletes(options.previous, lab));
  return {
    stackFile: options.stackFile,
    csvFile: lab.csvFile,
    vms,
    resources,
    errors: [],
    warnings,
    draytek,
    draytekHints: draytek ? renderDraytekHints(draytek) : undefined,
    cost: estimateCost(assumedTiers.billable, snapshot, assumedTiers.assumptions),
    roleSteps,
    timeToReady: timeToReady(resources.map((r) => (builtFromImage(r) ? { ...r, minutes: FROM_IMAGE_VM_MINUTES } : r.type === READINESS_GATE_TYPE && stepMinutes.has(r.name) ? { ...r, minutes: stepMinutes.get(r.name) } : r))),
    mermaid: mermaidDiagram(lab),
    changes,
    ...(changes ? { shells: shellRecreations(changes, resources), before: beforeUp(changes, resources, stackName) } : {}),
    deployedLab: run.record,
    pinnedCsv: run.pinnedCsv,
    pinError: run.pinError,
    lab,
    locate: stack.locate,
  };
}

/**
 * What a failed delete left in the state (a checkpoint given as `--previous`): one warning per
 * machine, saying that the next `pulumi up` deletes it again at the end of its run and that its
 * address, disks and NIC name are not handed out until then. Pure.
 */
export function stillInStateWarnings(previous: DeployedLabRecord, lab: Lab): Problem[] {
  return leftInState(previous, lab).map((m) => ({
    file: lab.csvFile, line: 0, column: "VMName",
    message: `${m.hasVm ? `VM ${m.vm}${m.nicName ? ` and its NIC ${m.nicName}` : ""}` : `NIC ${m.nicName}`} ${m.hasVm && m.nicName ? "are" : "is"} still in the stack's state although the record lists no such row: a delete ${m.pendingDelete ? "was interrupted" : "failed"} in the last pulumi up. The next pulumi up deletes ${m.hasVm && m.nicName ? "them" : "it"} again, at the end of its run; until then ${[m.privateIp ? `the address ${m.privateIp}` : "", m.disks.length > 0 ? `the disk${m.disks.length === 1 ? "" : "s"} ${m.disks.join(", ")}` : "", m.nicName ? `the NIC name ${m.nicName}` : ""].filter((t) => t !== "").join(", ")} ${m.disks.length + (m.privateIp ? 1 : 0) + (m.nicName ? 1 : 0) === 1 ? "is" : "are"} not handed out to another row`,
  }));
}

/**
 * The machines the previous deployment removed (`leaving`) that no checkpoint lists: offline the
 * plan takes their deletes as done; pulumi up asks Azure and holds any still there. Pure.
 */
export function leavingWarnings(previous: DeployedLabRecord, lab: Lab): Problem[] {
  const listed = new Set([...(previous.stillInState ?? []).map((m) => m.vm), ...onlineVms(lab).map((v) => v.name)].map((n) => n.toLowerCase()));
  const unknown = (previous.leaving ?? []).filter((m) => !listed.has(m.vm.toLowerCase()));
  if (unknown.length === 0) return [];
  return [{
    file: lab.csvFile, line: 0, column: "VMName",
    message: `the last pulumi up removed ${unknown.map((m) => `${m.vm}${m.privateIp ? ` (${m.privateIp})` : ""}`).join(", ")}: offline the plan takes ${unknown.length === 1 ? "its delete" : "their deletes"} as done. If that pulumi up failed, plan against its checkpoint (pulumi stack export > state.json; npm run plan -- --previous state.json); pulumi up itself asks Azure and holds the address, disks and NIC name of any still there`,
  }];
}

/** The machines a failed delete left in the state that no online row takes up again (a row of the
 * same name, or one that attaches its OS disk under a new name, is the same machine: Pulumi matches
 * its VM by name or alias and updates or replaces it). */
function leftInState(previous: DeployedLabRecord, lab: Lab): NonNullable<DeployedLabRecord["stillInState"]> {
  const names = new Set(onlineVms(lab).flatMap((vm) => [vm.name, vm.previousName ?? vm.name]).map((n) => n.toLowerCase()));
  return (previous.stillInState ?? []).filter((m) => !names.has(m.vm.toLowerCase()));
}

/** The deletes `pulumi up` retries for what a failed delete left in the state (a checkpoint as `--previous`). */
function stillInStateDeletes(previous: DeployedLabRecord, lab: Lab): Change[] {
  return leftInState(previous, lab).flatMap((m): Change[] => [
    ...(m.hasVm ? [{ type: "azure-native:compute:VirtualMachine", name: m.vm, action: "delete" as const, properties: [] }] : []),
    ...(m.nicResource ? [{ type: "azure-native:network:NetworkInterface", name: m.nicResource, action: "delete" as const, properties: [] }] : []),
  ]);
}

/**
 * The DrayTek hints from the same input the program renders them from: the gateway's name is
 * known offline (without a DNS label scope), its address only after `pulumi up`, and the key is
 * shown only when asked for and written in plain text.
 */
function offlineDraytekProfile(run: LabRun, config: Readonly<Record<string, string>>, secretKeys: readonly string[], showSecrets: boolean): DraytekProfile | undefined {
  const vpn = run.component.vpn;
  if (!vpn) return undefined;
  const keyName = `${NAMESPACE}:vpnSharedKey`;
  const key = config[keyName];
  const shownKey = key === undefined
    ? "(not set: see the warning on exchange-lab:vpnSharedKey)"
    : !showSecrets
      ? SECRET_MASK
      : secretKeys.includes(keyName)
        ? "(encrypted in the stack file: pulumi config get vpnSharedKey)"
        : key;
  const settings = run.lab.settings;
  const fqdn = settings.dns.scope ? undefined : publicIpFqdn(vpn.draytekInput.vpn.dnsLabel, settings.location);
  const shown = key !== undefined && showSecrets && !secretKeys.includes(keyName);
  return withCliScript(draytekProfile(vpn.draytekInput, { gatewayIp: undefined, gatewayFqdn: fqdn, sharedKey: shownKey, sharedKeyShown: shown }));
}

/**
 * The changes `pulumi up` would make against `options.previous`: the recorded deployment replayed
 * through the same program (or recalled, when this process planned it), diffed with `resources`.
 * Undefined without `--previous`; a record today's rules refuse adds a warning instead.
 */
async function changesAgainst(options: PlanOptions, run: LabRun, resources: PlanResource[], stackName: string, warnings: Problem[]): Promise<Change[] | undefined> {
  let changes: Change[] | undefined = options.previous === "empty" ? diffResources([], resources) : undefined;
  // Shown secrets are plain text in `resources`: only a masked plan can stand for a replay.
  if (!options.previous && !options.showSecrets) rememberReplay(run.record, stackName, options.baseDir, resources.map(masked));
  const replayed = options.previous && options.previous !== "empty" ? recalledReplay(options.previous, stackName, options.baseDir) : undefined;
  if (replayed) changes = diffResources(replayed, resources.map(masked));
  else if (options.previous && options.previous !== "empty") {
    try {
      const before = await declareUnderMocks(
        { config: { ...options.previous.config }, secretKeys: [], stackName, stackOutputs: {}, showSecrets: false },
        { locate: () => ({ file: "(previous deployment)", line: 0 }), baseDir: options.baseDir, mode: "plan", previous: "none", csvText: options.previous.csv, recordedNics: { nics: options.previous.nics, nicResources: options.previous.nicResources } },
      );
      changes = diffResources(before.resources.map(masked), resources.map(masked));
    } catch (err) {
      if (!(err instanceof LabValidationError)) throw err;
      warnings.push({ file: "(previous deployment)", line: 0, column: "--previous", message: `the previous deployment does not pass today's rules, so its changes cannot be listed: ${err.problems.map((p) => p.message).join("; ")}` });
    }
  }

  return changes;
}

// Replaying a record declares its pinned CSV and configuration with no previous deployment: the
// very run of a plan made without --previous that produced the record. Such plans are remembered
// (a few, in this process), so that a plan against one of them skips the replay.
const replays = new Map<string, PlanResource[]>();
const replayKey = (record: DeployedLabRecord, stackName: string, baseDir: string | undefined) => JSON.stringify([record, stackName, baseDir ?? ""]);
function rememberReplay(record: DeployedLabRecord, stackName: string, baseDir: string | undefined, resources: PlanResource[]): void {
  if (replays.size >= 32) replays.delete(replays.keys().next().value as string);
  replays.set(replayKey(record, stackName, baseDir), resources);
}
function recalledReplay(record: DeployedLabRecord, stackName: string, baseDir: string | undefined): PlanResource[] | undefined {
  return replays.get(replayKey(record, stackName, baseDir));
}

/** Every CSV row as the plan reports it, with the disks its declared VM attaches. */
function planVms(lab: Lab, resources: readonly PlanResource[]): PlanVm[] {
  const online = new Set(onlineVms(lab).map((vm) => vm.name));
  return lab.vms.map((vm) => {
    const machine = resources.find((r) => r.type === "azure-native:compute:VirtualMachine" && r.name === vm.name);
    const storage = machine?.inputs.storageProfile as { osDisk?: { managedDisk?: { id?: string } }; dataDisks?: { lun?: number; managedDisk?: { id?: string } }[] } | undefined;
    const osDisk = storage?.osDisk;
    return {
      name: vm.name,
      line: vm.line,
      bringOnline: online.has(vm.name),
      size: vm.size,
      classicSize: vm.classicSize,
      subnet: vm.subnet,
      privateIp: vm.privateIp,
      ipSource: vm.ipSource,
      ...(vm.previousName ? { previousName: vm.previousName } : {}),
      osDiskId: osDisk?.managedDisk?.id ?? null,
      dataDiskIds: (storage?.dataDisks ?? []).map((d) => d.managedDisk?.id ?? ""),
      dataDiskLuns: (storage?.dataDisks ?? []).map((d) => d.lun ?? -1),
      endpoints: vm.endpoints,
      dependsOn: vm.dependsOn,
      waitForBoot: vm.waitForBoot,
      publicRdpPort: vm.publicRdpPort ?? null,
      ...(vm.image ? { image: planImage(vm) } : {}),
    };
  });
}

/** An Image row's lives, as the plan shows them. */
function planImage(vm: LabVm): PlanImage {
  const image = vm.image!;
  return {
    image: image.text,
    generation: image.generation,
    osDisk: vm.osDisk.name,
    mode: vm.osDiskMode?.kind ?? "fromImage",
    lives: `first up: built from ${image.text}; after that: the disk ${vm.osDisk.name} is attached`,
  };
}

/** Whether a declared resource is a VM that creates its OS disk from an image. */
/** The Role rows with the steps this run declares (an empty list for a row in a later life). Pure. */
export function planRoleSteps(lab: Lab): PlanRoleSteps[] {
  return onlineVms(lab).filter((vm) => vm.role).map((vm) => ({ vm: vm.name, role: vm.role!, steps: roleStepsOf(lab, vm).map((s) => ({ id: s.id, what: s.what, minutes: s.minutes })) }));
}

function builtFromImage(r: PlanResource): boolean {
  return r.type === "azure-native:compute:VirtualMachine" && (r.inputs.storageProfile as { osDisk?: { createOption?: string } } | undefined)?.osDisk?.createOption === "FromImage";
}

/** A resource with its secrets masked, for comparing two plans without revealing or mismatching keys. */
function masked(r: PlanResource): PlanResource {
  return { ...r, inputs: revealOrMask(r.inputs, false) as Record<string, unknown> };
}

/** The tier of a 127 GiB OS disk (the Windows Server images' size) by storage type (disks-types:
 * S10/E10/P10 are 128 GiB). ZRS disks are priced at their LRS tier. */
const IMAGE_DISK_TIERS: Readonly<Record<string, string>> = { Standard_LRS: "S10", StandardSSD_LRS: "E10", StandardSSD_ZRS: "E10", Premium_LRS: "P10", Premium_ZRS: "P10" };

/** What bills: compute, gateway, IPs and rules counted from the declared resources; the disks
 * from every CSV row, with tiers from the DiskTiers column or assumed. */
export function billableOf(resources: readonly PlanResource[], lab: Lab): { billable: Billable; assumptions: string[] } {
  const of = (type: string) => resources.filter((r) => r.type === `azure-native:${type}`);
  const inputs = (r: PlanResource) => r.inputs as Record<string, unknown> & {
    hardwareProfile?: { vmSize?: string };
    sku?: { name?: string };
    loadBalancingRules?: unknown[];
    outboundRules?: unknown[];
  };
  // Every disk of the CSV bills, BringOnline=No rows' included: the disks exist either way.
  // An Image row's OS disk, created by the stack, has the images' 127 GiB in osDiskSku's tier.
  let assumed = 0;
  const imageTier = IMAGE_DISK_TIERS[lab.settings.vmImage.osDiskSku];
  const created = lab.vms.filter((vm) => vm.image && vm.diskTiers[0] === undefined);
  const diskTiers = lab.vms.flatMap((vm) => {
    const disks = 1 + vm.dataDisks.length;
    assumed += Math.max(0, disks - vm.diskTiers.length) - (created.includes(vm) ? 1 : 0);
    return Array.from({ length: disks }, (_, i) => vm.diskTiers[i] ?? (i === 0 && vm.image ? imageTier : ASSUMED_DISK_TIER));
  });
  const lb = of("network:LoadBalancer")[0];
  // A VM declared with licenseType Windows_Server (Azure Hybrid Benefit) or Windows_Client pays no Windows licence.
  const ownLicence = (vm: PlanResource) => /^Windows_(Server|Client)$/.test(String(inputs(vm).licenseType ?? ""));
  return {
    billable: {
      vmSizes: of("compute:VirtualMachine").filter((vm) => !ownLicence(vm)).map((vm) => inputs(vm).hardwareProfile?.vmSize ?? "unknown"),
      licensedVmSizes: of("compute:VirtualMachine").filter(ownLicence).map((vm) => inputs(vm).hardwareProfile?.vmSize ?? "unknown"),
      diskTiers,
      gatewaySku: of("network:VirtualNetworkGateway").map((g) => inputs(g).sku?.name)[0],
      publicIps: of("network:PublicIPAddress").length,
      loadBalancerRules: lb ? (inputs(lb).loadBalancingRules?.length ?? 0) + (inputs(lb).outboundRules?.length ?? 0) : 0,
      hasLoadBalancer: lb !== undefined,
      s2sTunnels: of("network:VirtualNetworkGatewayConnection").length,
      // Each disk of diskTiers, in its order (every VM's OS disk, then its data disks), parks on its role's type.
      parkedDiskSkus: lab.vms.flatMap((vm) => [lab.settings.parkedDiskSku.os, ...vm.dataDisks.map(() => lab.settings.parkedDiskSku.data)]),
      parkedDiskSkuText: `OS disks ${lab.settings.parkedDiskSku.os}, data disks ${lab.settings.parkedDiskSku.data}`,
      licenseType: lab.settings.vmImage.licenseType,
    },
    assumptions: [
      ...(assumed > 0 ? [`${assumed} disk${assumed === 1 ? "" : "s"} without a DiskTiers entry priced as ${ASSUMED_DISK_TIER} (128 GiB Standard HDD)`] : []),
      ...(created.length > 0 ? [`${created.length} OS disk${created.length === 1 ? "" : "s"} created from an image (${created.map((vm) => vm.osDisk.name).join(", ")}) priced as ${imageTier}: the Windows Server images' 127 GiB on osDiskSku ${lab.settings.vmImage.osDiskSku}${/ZRS/.test(lab.settings.vmImage.osDiskSku) ? " (at the LRS price)" : ""}; they bill from the first pulumi up, parked or not`] : []),
    ],
  };
}

/** Resolves an Output's value under the mock runtime. */
function settle<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

// An Output knows the resources its value came from; the method is not in the public
// typings, so it is reached through this narrow shape (present in @pulumi/pulumi 3.x).
interface OutputWithResources {
  allResources?: () => Promise<Set<pulumi.Resource>>;
}

/** The resources whose outputs feed a resource's inputs (implicit dependencies). */
async function referencedResources(value: unknown, seen = new Set<unknown>()): Promise<pulumi.Resource[]> {
  if (value === null || typeof value !== "object" || seen.has(value)) return [];
  seen.add(value);
  if (pulumi.Output.isInstance(value)) {
    const all = (value as unknown as OutputWithResources).allResources;
    return all ? [...(await all.call(value))] : [];
  }
  if (pulumi.Resource.isInstance(value)) return [value];
  const nested = await Promise.all(Object.values(value as Record<string, unknown>).map((v) => referencedResources(v, seen)));
  return nested.flat();
}

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Replaces Pulumi's serialized secrets by {@link SECRET_MASK}, or by their value when shown. */
export function revealOrMask(value: unknown, show: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => revealOrMask(v, show));
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if (record[SECRET_SIG_KEY] === SECRET_SIG) return show ? revealOrMask(record.value, show) : SECRET_MASK;
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, revealOrMask(v, show)]));
}
