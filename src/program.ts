/**
 * The Pulumi program proper, shared by `index.ts` (real `pulumi up`/`preview`) and the
 * offline plan (the same code under the mock runtime): config + CSV + the previous deployment ->
 * validated lab -> declared resources.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { CsvRow, decodeUtf8, readLabCsv } from "./input/csv/csv";
import { readInputFile } from "./input/files";
import { Lab, RecordedNics, buildLab } from "./input/lab/lab";
import { CellEdit, writeCells } from "./input/csv/pin";
import { DEPLOYED_LAB_OUTPUT, DeployedLabRecord, PreviousDeployment, deployedLabRecord, findDeployedLabRecord, leavingMachines, previousDeployment } from "./input/lab/previous";
import { LabValidationError, Problem, sortProblems } from "./input/problems";
import { ConfigLocator, NAMESPACE, StackSettings, parseSettings } from "./input/stack/settings";
import { ENCRYPTED_PLACEHOLDER } from "./input/stack/stackFile";
import { setKeyCommand, suggestSharedKey } from "./input/stack/vpn";
import { imageCredentialProblems } from "./input/lab/imageCredentials";
import { networkEditProblems } from "./input/lab/networkEdits";
import { domainSettings } from "./input/lab/roles";
import { firstLifeKeyEdits } from "./input/lab/firstLifeEdits";
import { ExchangeLab } from "./azure/exchangeLab";
import { readinessSkipProblems } from "./azure/gates";
import { withOsDiskModes } from "./azure/osDisk";
import { withLeftMachines } from "./azure/leftMachines";
import { checkParkedDisks } from "./azure/parkedDisks";

/** `deploy`: `pulumi up`/`preview`, where a missing VPN key stops the run. `plan`: the offline
 * plan, which shows the same as a warning and goes on. */
export type RunMode = "deploy" | "plan";

/** The stack's configuration as Pulumi hands it to the program: full key -> text. Every key,
 * so that one in another namespace or in none is reported (parseSettings), not dropped. */
export function readPulumiConfig(): Record<string, string> {
  return { ...pulumi.runtime.allConfig() };
}

/** What {@link loadLab} needs besides the configuration. */
export interface LoadOptions {
  locate: ConfigLocator;
  /** Directory the CSV path is relative to. */
  baseDir: string;
  /** The stack file's `secure:` keys, to warn about a plain-text VPN key. */
  secretKeys?: readonly string[];
  mode: RunMode;
  previous?: PreviousDeployment;
  /** The CSV's text, instead of reading the file the configuration names (a recorded deployment). */
  csvText?: string;
  /** The NIC names of a recorded deployment replayed (its `nics` and `nicResources`). */
  recordedNics?: RecordedNics;
  /**
   * Whether a missing VPN key's message carries a fresh random key (default true): only when a
   * person reads it; never in CI logs (the plan decides, see src/plan/cli.ts).
   */
  suggestKey?: boolean;
}

/** A loaded lab, with the CSV text it came from and the same text with its addresses and LUNs written in. */
export interface LoadedLab {
  lab: Lab;
  csvText: string;
  pinnedCsv: string;
  /** Why the chosen values could not be written into the CSV (`pinnedCsv` is then `csvText`). */
  pinError?: string;
}

/**
 * Validates the configuration and reads and validates the CSV it names (relative to
 * `baseDir`), against the previous deployment when there is one. Throws
 * {@link LabValidationError} with every problem found; pure apart from reading the CSV file.
 */
export function loadLab(raw: Readonly<Record<string, string>>, options: LoadOptions): LoadedLab {
  const { locate, secretKeys, previous } = options;
  // The offline plan sees a secure: value as its placeholder: such keys cannot be checked.
  const unreadable = (secretKeys ?? []).filter((k) => raw[k] === ENCRYPTED_PLACEHOLDER);
  const { settings, problems, warnings } = parseSettings(raw, locate, unreadable);
  const keyName = `${NAMESPACE}:vpnSharedKey`;
  if (secretKeys && raw[keyName] !== undefined && !secretKeys.includes(keyName)) {
    warnings.push({ ...locate(keyName), column: keyName, message: "the key is stored in plain text in the stack file; set it with: pulumi config set --secret exchange-lab:vpnSharedKey <key>" });
  }
  if (settings?.vpn?.sharedKey === "missing") {
    const why = "required when vpn is true, and never generated inside the stack (it would change at every pulumi destroy, and the DrayTek with it).";
    const message = options.suggestKey === false
      ? `${why} Store a key of 32 letters and digits once, then type the same key into the DrayTek: ${setKeyCommand("<key>")} (npm run plan in a terminal suggests a fresh one; it is never printed in CI output)`
      : `${why} Store this fresh key once, then type the same key into the DrayTek: ${setKeyCommand(suggestSharedKey())}`;
    (options.mode === "deploy" ? problems : warnings).push({ ...locate(keyName), column: keyName, message });
  }
  if (settings && previous) gatewayChanges(settings, previous, locate, problems, warnings);
  const csvFile = settings?.csv ?? raw[`${NAMESPACE}:csv`] ?? "lab.csv";
  if (settings && previous) problems.push(...networkEditProblems(settings, previous, { locate, csvFile, stack: currentStack() || "<stack>" }));

  const csvProblems: Problem[] = [];
  const text = options.csvText !== undefined ? { text: options.csvText } : readCsvText(path.resolve(options.baseDir, csvFile), csvFile);
  if ("problem" in text) csvProblems.push(text.problem);
  else {
    const read = readLabCsv(text.text, csvFile);
    csvProblems.push(...read.problems);
    if (settings && read.problems.length === 0) {
      const built = buildLab(settings, read.rows, csvFile, previous, options.recordedNics);
      const gateProblems = built.lab ? readinessSkipProblems(built.lab) : [];
      const credentials = built.lab ? imageCredentialProblems(built.lab, raw, locate, options.mode === "deploy", secretKeys) : { problems: [], warnings: [] };
      problems.push(...credentials.problems);
      warnings.push(...credentials.warnings);
      const domain = built.lab ? domainSettings(built.lab.vms, raw, locate, options.mode === "deploy", secretKeys) : { problems: [], warnings: [] };
      problems.push(...domain.problems);
      warnings.push(...domain.warnings);
      // The keys of the first life changed since the deployment: nothing changes on deployed VMs.
      const keys = built.lab && previous ? firstLifeKeyEdits(built.lab, raw, previous, locate) : { problems: [], warnings: [] };
      problems.push(...keys.problems);
      warnings.push(...keys.warnings);
      if (built.lab && problems.length === 0 && gateProblems.length === 0) {
        const pinned = writeCells(text.text, pinEdits(built.lab, read.rows));
        const lab = { ...built.lab, ...(domain.domain ? { domain: domain.domain } : {}), warnings: sortProblems([...warnings, ...built.lab.warnings, ...notWrittenDown(built.lab, settings, read.rows)]) };
        return "text" in pinned ? { lab, csvText: text.text, pinnedCsv: pinned.text } : { lab, csvText: text.text, pinnedCsv: text.text, pinError: pinned.error };
      }
      csvProblems.push(...built.problems, ...gateProblems);
    }
  }
  throw new LabValidationError(sortProblems([...problems, ...csvProblems]));
}

function readCsvText(filePath: string, shownAs: string): { text: string } | { problem: Problem } {
  const file = readInputFile(filePath, shownAs, "lab CSV");
  return "problem" in file ? file : decodeUtf8(file.bytes, shownAs);
}

/**
 * The VPN gateway against the previous deployment: a new generation rebuilds it (a warning that
 * says how long); new zones cannot be applied to its public IP in place (a problem with the two
 * steps). Sources: https://learn.microsoft.com/azure/vpn-gateway/about-gateway-skus (resize within
 * a generation, SKUs by generation); zones of a public IP are set at creation
 * (https://learn.microsoft.com/azure/virtual-network/ip-services/public-ip-addresses#availability-zone).
 */
function gatewayChanges(settings: StackSettings, previous: PreviousDeployment, locate: ConfigLocator, problems: Problem[], warnings: Problem[]): void {
  const before = previous.vpn;
  const now = settings.vpn;
  if (!before || !now) return;
  if (before.gatewayGeneration !== now.gatewayGeneration) {
    const key = `${NAMESPACE}:${locate(`${NAMESPACE}:vpnGatewayGeneration`).line > 0 ? "vpnGatewayGeneration" : "vpnGatewaySku"}`;
    warnings.push({ ...locate(key), column: key, message: `the gateway changes from ${before.gatewayGeneration} to ${now.gatewayGeneration}: Azure rebuilds it, 45 minutes or more without the tunnel (its public IP, and so the DrayTek's peer, stays). Within one generation a SKU change is an in-place resize.` });
  }
  if ([...before.zones].sort().join(",") !== [...now.zones].sort().join(",")) {
    const key = `${NAMESPACE}:vpnGatewayZones`;
    problems.push({ ...locate(key), column: key, message: `the gateway's public IP was created in zones [${before.zones.join(", ")}], and a public IP's zones are fixed at creation. Two steps: set vpn: false and pulumi up (the gateway and its IP go), then set the zones with vpn: true and pulumi up (45 minutes or more; a new gateway address, but the same DNS name for the DrayTek)` });
  }
}

/** The cells `--pin` writes: each address the CSV leaves empty, the LUNs of data disks written without one, and
 * the OS disk names derived for Image rows. */
export function pinEdits(lab: Lab, rows: readonly CsvRow[]): CellEdit[] {
  const edits: CellEdit[] = [];
  for (const vm of lab.vms) {
    if (vm.ipSource !== "csv") edits.push({ line: vm.line, column: "IPAddress", value: vm.privateIp });
    // An Image row's derived disk name: written down, a rename of the VM keeps its disk.
    // (Only where the header has the column: an edit of a missing column would void the whole pin.)
    if (vm.osDiskDerived && rows.find((r) => r.line === vm.line)?.cells.VMOSDiskName !== undefined) edits.push({ line: vm.line, column: "VMOSDiskName", value: vm.osDisk.name });
    if (vm.dataDisks.some((d) => d.lunSource !== "csv")) {
      const items = (rows.find((r) => r.line === vm.line)?.cells.DataDisks ?? "").split(";").map((t) => t.trim()).filter((t) => t !== "");
      const value = items.map((item, i) => (/^\d{1,3}\s*:/.test(item) ? item : `${vm.dataDisks[i].lun}:${item}`)).join(";");
      edits.push({ line: vm.line, column: "DataDisks", value });
    }
  }
  return edits;
}

/**
 * What the CSV does not write down: addresses and LUNs the program chose. They are kept while the
 * stack is deployed (the previous deployment records them) but chosen anew after `pulumi destroy`;
 * a kept address that a fresh lab would not get is named on its own row.
 */
/** The command that writes chosen values into the CSV, naming the stack: with several stack files
 * under `stacks/`, a bare `npm run plan -- --pin` is a usage error. */
function pinCommand(): string {
  const stack = currentStack();
  return stack ? `npm run plan -- --stack ${stack} --pin` : "npm run plan -- --pin";
}

/** The running stack's name; "" outside a Pulumi run (no stack known). */
function currentStack(): string {
  try {
    return pulumi.getStack();
  } catch {
    return "";
  }
}

function notWrittenDown(lab: Lab, settings: StackSettings, rows: readonly CsvRow[]): Problem[] {
  const warnings: Problem[] = [];
  const chosen = lab.vms.filter((v) => v.ipSource !== "csv" || v.dataDisks.some((d) => d.lunSource !== "csv") || (v.bringOnline && v.osDiskDerived));
  if (chosen.length === 0) return warnings;
  if (lab.previous) {
    const fresh = buildLab(settings, rows, lab.csvFile).lab;
    for (const vm of lab.vms.filter((v) => v.ipSource === "kept")) {
      const anew = fresh?.vms.find((v) => v.line === vm.line);
      if (anew && anew.privateIp !== vm.privateIp) {
        warnings.push({ file: lab.csvFile, line: vm.line, column: "IPAddress", message: `${vm.name} keeps ${vm.privateIp} from the last deployment, but after pulumi destroy it would get ${anew.privateIp}: write the address down (${pinCommand()})` });
      }
    }
  }
  const addresses = chosen.filter((v) => v.ipSource !== "csv").map((v) => `${v.name} ${v.privateIp}`);
  const luns = chosen.flatMap((v) => v.dataDisks.filter((d) => d.lunSource !== "csv").map((d) => `${d.name} LUN ${d.lun}`));
  // An Image row's derived OS disk name is identity too: a rename or a resourceGroupName change derives another.
  const disks = chosen.filter((v) => v.bringOnline && v.osDiskDerived).map((v) => `${v.name} ${v.osDisk.name}`);
  const list = [
    ...(addresses.length ? [`addresses ${addresses.join(", ")}`] : []),
    ...(luns.length ? [`data disk LUNs ${luns.join(", ")}`] : []),
    ...(disks.length ? [`OS disk names ${disks.join(", ")} (derived from the VM and resource group names)`] : []),
  ].join("; ");
  warnings.push({ file: lab.csvFile, line: 0, column: addresses.length ? "IPAddress" : luns.length ? "DataDisks" : "VMOSDiskName", message: `not written in the CSV: ${list}. They stay while the lab is deployed and are worked out anew after pulumi destroy; write them down with: ${pinCommand()}` });
  return warnings;
}

// Whether Pulumi holds a config key as a secret: in @pulumi/pulumi 3.x's runtime, not in its
// public typings, so it is reached through this narrow shape; absent, only secretKeys count.
function isConfigSecret(key: string): boolean {
  const runtime = pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean };
  return runtime.isConfigSecret?.(key) ?? false;
}

/** What {@link runLab} declared. */
export interface LabRun {
  lab: Lab;
  component: ExchangeLab;
  /** The record this deployment exports as `deployedLab` for the next run. */
  record: DeployedLabRecord;
  /** The record as the stack output: it resolves only once every VM and readiness gate of the run
   * was created, so a `pulumi up` that fails part-way never records a deployment that half happened
   * (a failed update keeps the outputs it registered: https://github.com/pulumi/pulumi/pull/15754). */
  deployedLab: pulumi.Output<DeployedLabRecord>;
  /** The CSV with the chosen addresses and LUNs written in (what `--pin` writes). */
  pinnedCsv: string;
  /** Why the values could not be written into the CSV (then `pinnedCsv` is the CSV as read). */
  pinError?: string;
  previous?: PreviousDeployment;
}

/**
 * Reads the previous deployment from the stack's own last outputs, through a `StackReference` to
 * this very stack (https://github.com/pulumi/pulumi/issues/3722; under the mock runtime the mocks
 * answer it). Undefined on a first `pulumi up` and after `pulumi destroy` (no outputs), or when the
 * output is not a record this program reads (then a warning says so).
 */
export async function readPreviousDeployment(): Promise<PreviousDeployment | undefined> {
  const self = `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
  const reference = new pulumi.StackReference("exchange-lab-previous-deployment", { name: self });
  let details: pulumi.StackReferenceOutputDetails;
  try {
    details = await reference.getOutputDetails(DEPLOYED_LAB_OUTPUT);
  } catch (err) {
    throw new Error(stackReferenceFailure(err, self), { cause: err });
  }
  const value: unknown = details.value ?? details.secretValue;
  if (value === undefined || value === null) return undefined;
  const found = findDeployedLabRecord(value);
  if ("error" in found) {
    pulumi.log.warn(`the stack's previous ${DEPLOYED_LAB_OUTPUT} output is not readable (${found.error}); addresses follow the CSV alone this time`);
    return undefined;
  }
  return previousDeployment(found.record);
}

/**
 * The record's `nics`: each declared VM's NIC Azure name (VM name -> NIC name), kept once deployed
 * (`input/lab/shellEdits.ts`). Its presence also tells the next run that this deployment's VMs carry
 * `replaceWith` on their NIC in the state, which a subnet move's cascade reads. Pure.
 */
export function recordedNicNames(lab: Lab): Record<string, string> {
  return Object.fromEntries(lab.vms.filter((v) => v.bringOnline).map((v) => [v.name, v.nicName ?? `${v.name}-nic`]));
}

/**
 * The record's `nicResources`: each declared VM's NIC resource name (VM name -> Pulumi logical
 * name), kept once deployed across renames (`input/lab/shellEdits.ts`, `nicResourceNames`). Pure.
 */
export function recordedNicResources(lab: Lab): Record<string, string> {
  return Object.fromEntries(lab.vms.filter((v) => v.bringOnline).map((v) => [v.name, v.nicResource ?? `${v.name}-nic`]));
}

/**
 * What a failed read of the stack's own outputs means. A DIY backend in the legacy layout (stacks
 * without projects, before Pulumi 3.61.0) refuses `organization/<project>/<stack>` as a stack
 * name ("stack names ... may only contain alphanumeric, hyphens, underscores, or periods",
 * pkg/backend/diy in https://github.com/pulumi/pulumi); `pulumi state upgrade` moves it to the
 * project layout (https://www.pulumi.com/docs/iac/cli/commands/pulumi_state_upgrade/). Pure.
 */
export function stackReferenceFailure(error: unknown, self: string): string {
  const text = error instanceof Error ? error.message : String(error);
  if (/stack name/i.test(text) && /alphanumeric|may only contain|project was set/i.test(text)) {
    return `the stack cannot read its own previous outputs through the stack reference ${self}: this DIY backend keeps stacks in the legacy layout without projects, which refuses that name. Run pulumi state upgrade once (it moves every stack of the backend to the project layout; older CLIs can no longer read it), then pulumi up again. The backend said: ${text}`;
  }
  return `the stack cannot read its own previous outputs through the stack reference ${self}, so it cannot keep the deployed addresses and disks; nothing was changed. The backend said: ${text}`;
}

/**
 * Runs the program: reads config from the Pulumi runtime and the previous deployment from the
 * stack, loads the lab and declares it. Nothing is declared when the input is invalid
 * ({@link LabValidationError} is thrown first).
 *
 * @param options.locate where config keys are written, to point problems at their line.
 * @param options.secretKeys the stack file's `secure:` keys (kept out of the record; a plain-text key is warned about).
 * @param options.componentOptions options for the `ExchangeLab` component (the plan's spy).
 * @param options.mode `deploy` (default) or `plan`.
 * @param options.previous a previous deployment given directly (a recorded deployment replayed), instead of reading the stack's.
 * @param options.csvText the CSV's text, instead of the file the configuration names.
 * @param options.suggestKey whether a missing VPN key's message carries a fresh key (default: unless `CI` is set).
 */
export async function runLab(
  options: {
    locate?: ConfigLocator;
    secretKeys?: readonly string[];
    baseDir?: string;
    componentOptions?: pulumi.ComponentResourceOptions;
    mode?: RunMode;
    previous?: PreviousDeployment | "none";
    csvText?: string;
    recordedNics?: RecordedNics;
    suggestKey?: boolean;
  } = {},
): Promise<LabRun> {
  const locate: ConfigLocator = options.locate ?? (() => ({ file: `Pulumi.${pulumi.getStack()}.yaml`, line: 0 }));
  const raw = readPulumiConfig();
  // What the last run removed and Azure still holds (a failed delete) is held like the state lists it.
  const previous = options.previous === "none" ? undefined : options.previous ?? (await withLeftMachines(await readPreviousDeployment()));
  const loaded = loadLab(raw, {
    locate, baseDir: options.baseDir ?? process.cwd(), secretKeys: options.secretKeys, mode: options.mode ?? "deploy", previous, csvText: options.csvText, recordedNics: options.recordedNics,
    // pulumi up and preview in CI (CI=true, as GitHub Actions sets it) never print a fresh key into the log.
    suggestKey: options.suggestKey ?? !process.env.CI,
  });
  // Image rows: does each OS disk exist yet? (Asked of Azure; stops the run on any answer but "absent".)
  const lab = await withOsDiskModes(loaded.lab);
  // Parked disks (npm run lab -- park): a parked OS disk stops up and preview, a parked data disk is warned about; the offline plan cannot know.
  if ((options.mode ?? "deploy") === "deploy") await checkParkedDisks(lab);
  const component = new ExchangeLab("lab", lab, options.componentOptions);
  const pinnedCsv = loaded.pinnedCsv;
  const leaving = leavingMachines(previous, lab);
  const record = { ...deployedLabRecord(raw, (k) => (options.secretKeys ?? []).includes(k) || isConfigSecret(k), lab.csvFile, pinnedCsv, recordedNicNames(lab), recordedNicResources(lab)), ...(leaving.length > 0 ? { leaving } : {}) };
  // Each gate is created after its VM, so the machines' IDs cover every VM and gate.
  const deployedLab = pulumi.all([...component.machines.values()].map((m) => m.id)).apply(() => record);
  return { lab, component, record, deployedLab, pinnedCsv, pinError: loaded.pinError, previous };
}
