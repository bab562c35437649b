/**
 * The previous deployment: what the last `pulumi up` built, as the stack itself recorded it.
 *
 * Every `pulumi up` exports the output `deployedLab`: the stack's non-secret configuration and the
 * lab CSV with every address and LUN the program chose written in (see `pin.ts`). The next run
 * reads it back through a `StackReference` to its own stack (a Pulumi maintainer's pattern for
 * "reading an output of a stack back in to the same stack on future updates",
 * https://github.com/pulumi/pulumi/issues/3722) so that addresses never move and the edits Azure
 * cannot apply in one run are refused before anything is declared. On the first `pulumi up` and
 * after `pulumi destroy` the stack has no outputs: there is no previous deployment.
 *
 * The offline plan reads the same record from `--previous FILE` (an earlier `npm run plan -- --json`
 * or `pulumi stack output --json`). Pure.
 */
import { readLabCsv } from "../csv/csv";
import { diskKey, parseDataDiskItem, parseDiskRef } from "../csv/disks";
import { parseEndpoints } from "../csv/endpoints";
import { defaultOsDiskName } from "../csv/images";
import { LOCATION_KEY, NAMESPACE, SECRET_CONFIG_KEYS, parseSettings } from "../stack/settings";

/** The format tag of the record; a record of another format is refused, never guessed at. */
export const DEPLOYED_LAB_FORMAT = "exchange-lab/deployed-lab@1";
/** The stack output that carries the record. */
export const DEPLOYED_LAB_OUTPUT = "deployedLab";

/** What a deployment records about itself (the `deployedLab` stack output). JSON. */
export interface DeployedLabRecord {
  format: typeof DEPLOYED_LAB_FORMAT;
  /** The stack's configuration as deployed, full keys to text, secrets left out. */
  config: Record<string, string>;
  /** The CSV's path as configured. */
  csvFile: string;
  /** The CSV's text with every address and LUN the deployment used written in. */
  csv: string;
  /**
   * The Azure name of each declared VM's NIC (VM name -> NIC name). A NIC keeps its name once
   * deployed, so that a renamed VM is re-created on the same NIC (`shellEdits.ts`). Absent in
   * records of deployments made before it existed: their NICs are all `<VMName>-nic`, and their
   * state lacks the VM's `replaceWith` on its NIC.
   */
  nics?: Record<string, string>;
  /**
   * The Pulumi logical name of each declared VM's NIC resource (VM name -> name in its URN). Like
   * the Azure name it never changes once deployed, so that a renamed VM's NIC keeps its URN and the
   * engine's `replaceWith` cascade, which looks the NIC up by the URN it registers under now, finds
   * the old VM (`shellEdits.ts`, `nicResourceNames`). Absent in records made before it existed:
   * their NIC resources are all named `<VMName>-nic`.
   */
  nicResources?: Record<string, string>;
  /**
   * Machines the stack's state still holds that the record does not list: read from a state
   * checkpoint (`pulumi stack export`) given as `--previous`, never written by a deployment. After a
   * failed `pulumi up` a delete that failed leaves its VM and NIC in the state (and in Azure), while
   * the record already describes the new lab: deletes run after the outputs are registered
   * (https://github.com/pulumi/pulumi/pull/15754). Their addresses, disks and NIC names are not handed out.
   */
  stillInState?: StateMachine[];
  /**
   * The machines this deployment removed (online in the previous deployment, not in this one),
   * written by every deployment. Deletes run after the outputs are registered, so a delete that
   * fails leaves them in Azure while this record no longer lists them: the next `pulumi up` asks
   * Azure whether each one's NIC still exists, and holds the address, disks and NIC name of those
   * that do (as `stillInState`; src/azure/leftMachines.ts). Offline, the plan holds them all.
   */
  leaving?: StateMachine[];
}

/** A VM or NIC found in a state checkpoint and not in its record (`DeployedLabRecord.stillInState`). */
export interface StateMachine {
  /** The VM's Azure name (or, for a NIC alone, its NIC's name). */
  vm: string;
  /** Whether the VM itself is still in the state (else only its NIC is). */
  hasVm: boolean;
  /** Its NIC's Azure and resource (logical) names, when the NIC is still in the state. */
  nicName?: string;
  nicResource?: string;
  subnet?: string;
  privateIp?: string;
  /** Names of its disks (OS first), when the VM is still in the state. */
  disks: string[];
  /** Whether the checkpoint lists a delete of it as pending (interrupted). */
  pendingDelete: boolean;
}

/** One CSV row of the previous deployment. */
export interface PreviousVm {
  name: string;
  /** Whether it was declared (BringOnline=Yes): only declared VMs hold addresses and disks in Azure. */
  online: boolean;
  subnet: string;
  privateIp: string;
  /** {@link diskKey} of its OS disk. */
  osDisk: string;
  /** Its OS disk's name as recorded (derived for an Image row whose VMOSDiskName was empty). */
  osDiskName: string;
  /** Its data disks ({@link diskKey}) with their LUNs. */
  dataDisks: { disk: string; lun: number }[];
  /** The TCP ports its row published: its NIC is in those load balancer pools. */
  endpoints: number[];
  /** Its Image cell, when the row was built from an image. */
  image?: string;
  /** Its Role cell as deployed (the role its first life ran), when it had one. */
  role?: string;
  /** Its VMInstanceSize cell as recorded (a classic name or an Azure size name). */
  size: string;
  /** The Azure name of its NIC (the record's `nics`, else `<VMName>-nic`). */
  nicName: string;
  /** The Pulumi logical name of its NIC resource (the record's `nicResources`, else `<VMName>-nic`). */
  nicResource: string;
  /** Whether its VMOSDiskName cell was empty (an Image row's derived disk name). */
  osDiskDerived: boolean;
  /** Not a row of the record: a machine a failed delete left in the state (`stillInState`). */
  leftInState?: boolean;
}

/** The previous deployment as the lab rules need it. */
export interface PreviousDeployment {
  record: DeployedLabRecord;
  vms: PreviousVm[];
  /** The VPN gateway as deployed; undefined when the VPN was off. */
  vpn?: { gatewaySku: string; gatewayGeneration: string; zones: string[] };
}

/** Config keys never recorded: secrets stay in the stack's encrypted config. */
const SECRET_KEYS = SECRET_CONFIG_KEYS.map((k) => `${NAMESPACE}:${k}`);

/**
 * Builds the record a deployment exports. `config` is the stack's configuration (full keys to
 * text); `isSecret` tells which keys hold secrets (left out, as is `vpnSharedKey` always);
 * `pinnedCsv` is the CSV text with the chosen addresses and LUNs written in.
 */
export function deployedLabRecord(config: Readonly<Record<string, string>>, isSecret: (key: string) => boolean, csvFile: string, pinnedCsv: string, nics?: Readonly<Record<string, string>>, nicResources?: Readonly<Record<string, string>>): DeployedLabRecord {
  const kept = Object.entries(config).filter(([k]) => (k.startsWith(`${NAMESPACE}:`) || k === LOCATION_KEY) && !SECRET_KEYS.includes(k) && !isSecret(k));
  return { format: DEPLOYED_LAB_FORMAT, config: Object.fromEntries(kept.sort(([a], [b]) => a.localeCompare(b))), csvFile, csv: pinnedCsv, ...(nics ? { nics: { ...nics } } : {}), ...(nicResources ? { nicResources: { ...nicResources } } : {}) };
}

/**
 * Finds the record in parsed JSON: the record itself, or an object with a `deployedLab` field
 * (`npm run plan -- --json`, `pulumi stack output --json`). Returns it, or why there is none.
 */
export function findDeployedLabRecord(json: unknown): { record: DeployedLabRecord } | { error: string } {
  const candidate = isObject(json) && json.format === undefined ? json[DEPLOYED_LAB_OUTPUT] : json;
  if (!isObject(candidate)) {
    return { error: `it has no '${DEPLOYED_LAB_OUTPUT}' object; give the JSON of 'npm run plan -- --json' or of 'pulumi stack output --json' for an exchange-lab stack` };
  }
  if (candidate.format !== DEPLOYED_LAB_FORMAT) {
    return { error: `its ${DEPLOYED_LAB_OUTPUT} has format ${JSON.stringify(candidate.format)}, not ${DEPLOYED_LAB_FORMAT}` };
  }
  const { config, csvFile, csv } = candidate;
  if (!isObject(config) || !Object.values(config).every((v) => typeof v === "string") || typeof csvFile !== "string" || typeof csv !== "string") {
    return { error: `its ${DEPLOYED_LAB_OUTPUT} lacks config (text values), csvFile or csv` };
  }
  const textMap = (value: unknown): value is Record<string, string> => isObject(value) && Object.values(value).every((v) => typeof v === "string");
  const nics = textMap(candidate.nics) ? { nics: candidate.nics } : {};
  const nicResources = textMap(candidate.nicResources) ? { nicResources: candidate.nicResources } : {};
  const left = Array.isArray(candidate.stillInState) ? { stillInState: candidate.stillInState.filter(isObject) as unknown as StateMachine[] } : {};
  const leaving = Array.isArray(candidate.leaving) ? { leaving: candidate.leaving.filter(isObject) as unknown as StateMachine[] } : {};
  return { record: { format: DEPLOYED_LAB_FORMAT, config: config as Record<string, string>, csvFile, csv, ...nics, ...nicResources, ...left, ...leaving } };
}

/** The stack resource's type in a checkpoint; its `outputs` are the stack outputs. */
const STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * Reads a state checkpoint (the JSON of `pulumi stack export`: `{ version, deployment: { resources:
 * [{ urn, type, inputs, outputs }], pendingOperations } }`,
 * https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_export/): the `deployedLab` output of
 * its stack resource, with the lab's VMs and NICs the state still holds beyond it
 * (`stillInState`). Undefined when `json` is not a checkpoint; `{}` outputs with nothing in the
 * state is an empty stack. Pure.
 */
export function recordFromCheckpoint(json: unknown): { record: DeployedLabRecord } | { error: string } | "empty" | undefined {
  if (!isObject(json) || !isObject(json.deployment)) return undefined;
  const resources = Array.isArray(json.deployment.resources) ? json.deployment.resources.filter(isObject) : [];
  const pending = new Set((Array.isArray(json.deployment.pendingOperations) ? json.deployment.pendingOperations.filter(isObject) : [])
    .filter((o) => o.type === "deleting" && isObject(o.resource)).map((o) => String((o.resource as Record<string, unknown>).urn)));
  const stack = resources.find((r) => r.type === STACK_TYPE);
  const output = isObject(stack?.outputs) ? stack.outputs[DEPLOYED_LAB_OUTPUT] : undefined;
  const lab = resources.filter((r) => r.type !== STACK_TYPE && !String(r.type).startsWith("pulumi:"));
  if (output === undefined) return lab.length === 0 ? "empty" : { error: `the checkpoint has resources but its stack has no '${DEPLOYED_LAB_OUTPUT}' output: it is not an exchange-lab stack's, or its first pulumi up failed before the output was written (then pulumi up again, or give '{}')` };
  // A secret output is exported encrypted (its ciphertext) unless --show-secrets.
  if (isObject(output) && typeof output.ciphertext === "string") return { error: `its stack's '${DEPLOYED_LAB_OUTPUT}' output is encrypted in the checkpoint: export it with pulumi stack export --show-secrets` };
  const found = findDeployedLabRecord(output);
  if ("error" in found) return found;
  const left = machinesLeftInState(found.record, lab, pending);
  return { record: left.length > 0 ? { ...found.record, stillInState: left } : found.record };
}

/** The checkpoint's VMs and NICs that the record's online rows do not account for. */
function machinesLeftInState(record: DeployedLabRecord, resources: readonly Record<string, unknown>[], pending: ReadonlySet<string>): StateMachine[] {
  const recorded = previousDeployment({ ...record, stillInState: undefined }).vms.filter((v) => v.online);
  const vmNames = new Set(recorded.map((v) => v.name.toLowerCase()));
  const nicNames = new Set(recorded.map((v) => v.nicName.toLowerCase()));
  const last = (id: unknown) => (typeof id === "string" ? id.split("/").pop() ?? "" : "");
  const inputs = (r: Record<string, unknown>) => (isObject(r.inputs) ? r.inputs : {});
  const logical = (r: Record<string, unknown>) => String(r.urn ?? "").split("::").pop() ?? "";
  type Nic = { name: string; resource: string; subnet?: string; privateIp?: string; urn: string };
  const nics: Nic[] = resources.filter((r) => r.type === "azure-native:network:NetworkInterface").map((r) => {
    const ip = Array.isArray(inputs(r).ipConfigurations) ? (inputs(r).ipConfigurations as unknown[]).find(isObject) : undefined;
    const subnet = isObject(ip?.subnet) ? last(ip.subnet.id) : undefined;
    return { name: String(inputs(r).networkInterfaceName ?? logical(r)), resource: logical(r), ...(subnet ? { subnet } : {}), ...(typeof ip?.privateIPAddress === "string" ? { privateIp: ip.privateIPAddress } : {}), urn: String(r.urn ?? "") };
  });
  const left: StateMachine[] = [];
  const usedNics = new Set<Nic>();
  for (const r of resources.filter((x) => x.type === "azure-native:compute:VirtualMachine")) {
    const name = String(inputs(r).vmName ?? logical(r));
    const storage = isObject(inputs(r).storageProfile) ? (inputs(r).storageProfile as Record<string, unknown>) : {};
    const os = isObject(storage.osDisk) && isObject(storage.osDisk.managedDisk) ? last(storage.osDisk.managedDisk.id) : "";
    const data = Array.isArray(storage.dataDisks) ? storage.dataDisks.filter(isObject).map((d) => (isObject(d.managedDisk) ? last(d.managedDisk.id) : "")) : [];
    const profile = isObject(inputs(r).networkProfile) ? (inputs(r).networkProfile as Record<string, unknown>) : {};
    const network = Array.isArray(profile.networkInterfaces) ? profile.networkInterfaces.filter(isObject) : [];
    const nic = nics.find((n) => network.some((i) => last(i.id).toLowerCase() === n.name.toLowerCase()));
    if (vmNames.has(name.toLowerCase()) && (!nic || nicNames.has(nic.name.toLowerCase()))) continue;
    if (nic) usedNics.add(nic);
    left.push({ vm: name, hasVm: true, ...(nic ? { nicName: nic.name, nicResource: nic.resource, subnet: nic.subnet, privateIp: nic.privateIp } : {}), disks: [os, ...data].filter((d) => d !== ""), pendingDelete: pending.has(String(r.urn)) || (nic !== undefined && pending.has(nic.urn)) });
  }
  for (const nic of nics.filter((n) => !usedNics.has(n) && !nicNames.has(n.name.toLowerCase()))) {
    left.push({ vm: nic.name, hasVm: false, nicName: nic.name, nicResource: nic.resource, subnet: nic.subnet, privateIp: nic.privateIp, disks: [], pendingDelete: pending.has(nic.urn) });
  }
  return left;
}

/**
 * Reads the record into the previous deployment's VMs and gateway. Tolerant: the record was valid
 * when it was deployed, so rows are read cell by cell without re-running today's rules (which may
 * have grown stricter); a row without a name is skipped. Never throws.
 */
export function previousDeployment(record: DeployedLabRecord): PreviousDeployment {
  const diskGroup = record.config[`${NAMESPACE}:diskResourceGroupName`] ?? "";
  const vms: PreviousVm[] = [];
  const nics = new Map(Object.entries(record.nics ?? {}).map(([vm, nic]) => [vm.toLowerCase(), nic]));
  const nicResources = new Map(Object.entries(record.nicResources ?? {}).map(([vm, nic]) => [vm.toLowerCase(), nic]));
  for (const row of readLabCsv(record.csv, record.csvFile).rows) {
    const c = row.cells;
    if (!c.VMName) continue;
    // An Image row may leave its disk unnamed: it then has the derived name (images.ts).
    const osText = c.VMOSDiskName || (c.Image ? defaultOsDiskName(record.config[`${NAMESPACE}:resourceGroupName`] ?? "", c.VMName) : "");
    const os = parseDiskRef(osText, diskGroup);
    const items = (c.DataDisks ?? "").split(";").map((t) => t.trim()).filter((t) => t !== "");
    const dataDisks = items.flatMap((text, position) => {
      const parsed = parseDataDiskItem(text, diskGroup);
      return "error" in parsed ? [] : [{ disk: diskKey(parsed.item.disk), lun: parsed.item.lun ?? position }];
    });
    vms.push({
      name: c.VMName,
      online: (c.BringOnline ?? "").toLowerCase() !== "no",
      subnet: c.SubnetName ?? "",
      privateIp: c.IPAddress ?? "",
      osDisk: "error" in os ? "" : diskKey(os.disk),
      osDiskName: "error" in os ? "" : os.disk.name,
      dataDisks,
      endpoints: parseEndpoints(c.Endpoints ?? "").ports,
      ...(c.Image ? { image: c.Image } : {}),
      ...(c.Role ? { role: c.Role } : {}),
      size: c.VMInstanceSize ?? "",
      nicName: nics.get(c.VMName.toLowerCase()) ?? `${c.VMName}-nic`,
      nicResource: nicResources.get(c.VMName.toLowerCase()) ?? `${c.VMName}-nic`,
      osDiskDerived: !c.VMOSDiskName && !!c.Image,
    });
  }
  // What a failed delete left in the state: it holds its address, disks and NIC name until the next
  // pulumi up deletes it again, at the end of that run.
  const diskKeyOf = (name: string) => diskKey({ name, resourceGroupName: diskGroup });
  for (const m of record.stillInState ?? []) {
    vms.push({
      name: m.vm, online: true, subnet: m.subnet ?? "", privateIp: m.privateIp ?? "",
      osDisk: m.disks[0] ? diskKeyOf(m.disks[0]) : "", osDiskName: m.disks[0] ?? "",
      dataDisks: m.disks.slice(1).map((d, lun) => ({ disk: diskKeyOf(d), lun })),
      endpoints: [], size: "", nicName: m.nicName ?? `${m.vm}-nic`, nicResource: m.nicResource ?? `${m.vm}-nic`, osDiskDerived: false, leftInState: true,
    });
  }
  const { settings } = parseSettings(record.config, () => ({ file: "(previous deployment)", line: 0 }));
  const vpn = settings?.vpn ? { gatewaySku: settings.vpn.gatewaySku, gatewayGeneration: settings.vpn.gatewayGeneration, zones: settings.vpn.zones } : undefined;
  return { record, vms, vpn };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The machines a deployment of `lab` removes from `previous`: every previously online machine (a
 * row, or one a failed delete left) whose name no row of the lab declares online, under its name or
 * as a renamed VM's former name. Shaped as {@link StateMachine}s for the record's `leaving`. Pure.
 */
export function leavingMachines(previous: PreviousDeployment | undefined, lab: { vms: readonly { name: string; bringOnline: boolean; previousName?: string }[] }): StateMachine[] {
  if (!previous) return [];
  const kept = new Set(lab.vms.filter((v) => v.bringOnline).flatMap((v) => [v.name, v.previousName ?? v.name]).map((n) => n.toLowerCase()));
  const diskName = (key: string) => key.split("/").pop() ?? key;
  return previous.vms
    .filter((p) => p.online && !kept.has(p.name.toLowerCase()))
    .map((p) => ({
      vm: p.name, hasVm: true, nicName: p.nicName, nicResource: p.nicResource, subnet: p.subnet, privateIp: p.privateIp,
      disks: [p.osDiskName || diskName(p.osDisk), ...p.dataDisks.map((d) => diskName(d.disk))].filter((d) => d !== ""), pendingDelete: false,
    }));
}
