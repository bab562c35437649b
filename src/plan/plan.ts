/**
 * The offline plan: runs the very program of `index.ts` (src/program.ts) under Pulumi's
 * mock runtime and reports what it declared: the VMs in boot order and every resource
 * with its inputs, dependencies and options. No Azure, no Pulumi CLI, no network.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { Billable, CostEstimate, estimateCost } from "../cost";
import { mermaidDiagram } from "../diagram";
import { ASSUMED_DISK_TIER } from "../disks";
import { DraytekProfile, draytekProfile, renderDraytekHints } from "../draytek";
import { TimeToReady, timeToReady } from "../readiness";
import { emptySnapshot, loadSnapshot } from "../prices/snapshot";
import { Lab, onlineVms } from "../lab";
import { LabValidationError, Problem } from "../problems";
import { runLab } from "../program";
import { NAMESPACE } from "../settings";
import { readStackFile } from "../stackFile";
import { GENERATED_PLACEHOLDER, Registration, recordingMocks } from "./mocks";

/** One VM row as the plan reports it. */
export interface PlanVm {
  name: string;
  line: number;
  bringOnline: boolean;
  size: string;
  classicSize?: string;
  subnet: string;
  privateIp: string;
  ipSource: "csv" | "assigned";
  /** The disk ID the declared VM attaches; `null` for a BringOnline=No row. */
  osDiskId: string | null;
  /** Data disk IDs in LUN order (empty for a BringOnline=No row). */
  dataDiskIds: string[];
  /** TCP ports published through the load balancer. */
  endpoints: number[];
  dependsOn: string[];
  waitForBoot: boolean;
  publicRdpPort: number | null;
}

/** One declared resource. */
export interface PlanResource {
  /** Pulumi type token, e.g. `azure-native:compute:VirtualMachine`. */
  type: string;
  /** Pulumi logical name. */
  name: string;
  /** Inputs as the provider would receive them; secrets as `[secret]` unless shown. */
  inputs: Record<string, unknown>;
  /** Logical names of the resources it waits for: explicit `dependsOn` and references in its inputs. */
  dependsOn: string[];
  options: { retainOnDelete: boolean; protect: boolean; deleteBeforeReplace: boolean };
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
  /** The lab as a Mermaid flowchart. */
  mermaid?: string;
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
  /** What the mocked `RandomPassword` yields; tests use a real-looking key to scan the output for it. */
  generatedSecret?: string;
}

/** Text shown in place of a secret value. */
export const SECRET_MASK = "[secret]";

/**
 * Runs the plan. Resolves to the declared lab, or to `errors` (and no resources) when the
 * input is invalid. Rejects only on a defect of the program itself.
 */
export async function runPlan(options: PlanOptions): Promise<PlanResult> {
  const read = readStackFile(options.stackFile);
  if (!read.stack) return { stackFile: options.stackFile, vms: [], resources: [], errors: read.problems, warnings: [] };
  const stack = read.stack;
  const stackName = path.basename(options.stackFile).replace(/^Pulumi\./, "").replace(/\.ya?ml$/, "");

  const registrations: Registration[] = [];
  const declared: { resource: pulumi.Resource; type: string; name: string; props: Record<string, unknown>; opts: pulumi.ResourceOptions }[] = [];
  const spy: pulumi.ResourceTransformation = (args) => {
    declared.push({ resource: args.resource, type: args.type, name: args.name, props: args.props, opts: args.opts });
    return undefined;
  };

  await pulumi.runtime.setMocks(recordingMocks(registrations, options.generatedSecret), "exchange-lab", stackName, true);
  const config = { ...stack.config };
  if (options.csv !== undefined) config[`${NAMESPACE}:csv`] = options.csv;
  pulumi.runtime.setAllConfig(config, stack.secretKeys);

  // Pulumi records a stack trace with every promise it makes; under ts-node each one is
  // source-mapped, which made a 200-VM plan several times slower. Plain V8 traces while the
  // lab is declared; the hook is restored before anything is reported.
  const traces = Error as unknown as { prepareStackTrace?: unknown };
  const sourceMappedTraces = traces.prepareStackTrace;
  traces.prepareStackTrace = undefined;
  let run;
  try {
    run = runLab({ locate: stack.locate, secretKeys: stack.secretKeys, baseDir: options.baseDir, componentOptions: { transformations: [spy] } });
    // Every registration has reached the mocks once every URN is known (the spy saw them all).
    await Promise.all(declared.map((d) => settle(d.resource.urn)));
  } catch (err) {
    if (err instanceof LabValidationError) {
      return { stackFile: options.stackFile, csvFile: config[`${NAMESPACE}:csv`], vms: [], resources: [], errors: [...err.problems], warnings: [] };
    }
    throw err;
  } finally {
    traces.prepareStackTrace = sourceMappedTraces;
  }

  const names = new Map<pulumi.Resource, string>(declared.map((d) => [d.resource, d.name]));
  const resources: PlanResource[] = [];
  for (const d of declared) {
    if (!(d.resource instanceof pulumi.CustomResource)) continue;
    const registration = registrations.find((r) => r.type === d.type && r.name === d.name);
    // The program passes plain arrays of resources. Not through pulumi.output(): lifting
    // resources makes Pulumi walk every object reachable from them, the whole lab each time.
    const explicit = d.opts.dependsOn === undefined ? [] : [d.opts.dependsOn].flat().filter((r): r is pulumi.Resource => pulumi.Resource.isInstance(r));
    const dependencies = new Set<string>();
    for (const r of [explicit].flat()) if (names.has(r)) dependencies.add(names.get(r)!);
    for (const r of await referencedResources(d.props)) if (names.has(r) && r !== d.resource) dependencies.add(names.get(r)!);
    resources.push({
      type: d.type,
      name: d.name,
      inputs: revealOrMask(registration?.inputs ?? {}, options.showSecrets ?? false) as Record<string, unknown>,
      dependsOn: [...dependencies],
      options: { retainOnDelete: d.opts.retainOnDelete ?? false, protect: d.opts.protect ?? false, deleteBeforeReplace: (d.opts as pulumi.CustomResourceOptions).deleteBeforeReplace ?? false },
    });
  }

  const lab = run.lab;
  const online = new Set(onlineVms(lab).map((vm) => vm.name));
  const vms: PlanVm[] = lab.vms.map((vm) => {
    const machine = resources.find((r) => r.type === "azure-native:compute:VirtualMachine" && r.name === vm.name);
    const storage = machine?.inputs.storageProfile as { osDisk?: { managedDisk?: { id?: string } }; dataDisks?: { managedDisk?: { id?: string } }[] } | undefined;
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
      osDiskId: osDisk?.managedDisk?.id ?? null,
      dataDiskIds: (storage?.dataDisks ?? []).map((d) => d.managedDisk?.id ?? ""),
      endpoints: vm.endpoints,
      dependsOn: vm.dependsOn,
      waitForBoot: vm.waitForBoot,
      publicRdpPort: vm.publicRdpPort ?? null,
    };
  });
  // The DrayTek hints from the same input the program renders them from; the gateway's
  // address exists only after `pulumi up`, and the key is shown only when asked for.
  let draytek: DraytekProfile | undefined;
  const vpn = run.component.vpn;
  if (vpn) {
    const keyName = `${NAMESPACE}:vpnSharedKey`;
    const key = config[keyName];
    const shownKey = !options.showSecrets
      ? SECRET_MASK
      : key === undefined
        ? `${GENERATED_PLACEHOLDER}: pulumi stack output draytekHints --show-secrets`
        : stack.secretKeys.includes(keyName)
          ? "(encrypted in the stack file: pulumi config get vpnSharedKey)"
          : key;
    draytek = draytekProfile(vpn.draytekInput, { gatewayIp: undefined, sharedKey: shownKey });
  }
  const region = lab.settings.location;
  const assumedTiers = billableOf(resources, lab);
  return {
    stackFile: options.stackFile,
    csvFile: lab.csvFile,
    vms,
    resources,
    errors: [],
    warnings: lab.warnings,
    draytek,
    draytekHints: draytek ? renderDraytekHints(draytek) : undefined,
    cost: estimateCost(assumedTiers.billable, loadSnapshot(region) ?? emptySnapshot(region), assumedTiers.assumptions),
    timeToReady: timeToReady(resources),
    mermaid: mermaidDiagram(lab),
  };
}

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
  let assumed = 0;
  const diskTiers = lab.vms.flatMap((vm) => {
    const disks = 1 + vm.dataDisks.length;
    assumed += Math.max(0, disks - vm.diskTiers.length);
    return Array.from({ length: disks }, (_, i) => vm.diskTiers[i] ?? ASSUMED_DISK_TIER);
  });
  const lb = of("network:LoadBalancer")[0];
  return {
    billable: {
      vmSizes: of("compute:VirtualMachine").map((vm) => inputs(vm).hardwareProfile?.vmSize ?? "unknown"),
      diskTiers,
      gatewaySku: of("network:VirtualNetworkGateway").map((g) => inputs(g).sku?.name)[0],
      publicIps: of("network:PublicIPAddress").length,
      loadBalancerRules: lb ? (inputs(lb).loadBalancingRules?.length ?? 0) + (inputs(lb).outboundRules?.length ?? 0) : 0,
      hasLoadBalancer: lb !== undefined,
      s2sTunnels: of("network:VirtualNetworkGatewayConnection").length,
    },
    assumptions: assumed > 0 ? [`${assumed} disk${assumed === 1 ? "" : "s"} without a DiskTiers entry priced as ${ASSUMED_DISK_TIER} (128 GiB Standard HDD)`] : [],
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
