/**
 * Turns the CSV rows and the stack settings into the typed lab description that the
 * declaration code consumes: one entry per CSV row (in boot order) with its size, subnet,
 * static private IP, OS disk and boot dependencies. Pure; every problem is reported at once.
 */
import { formatIpv4, parseIpv4, usableRange } from "../addresses";
import { CsvColumn, CsvRow } from "../csv/csv";
import { DataDiskItem, MAX_LUN, UNKNOWN_SUBSCRIPTION, diskKey, diskSubscription } from "../csv/disks";
import { Draft, RowReader } from "./labRows";
import { lifecycleProblems } from "./lifecycle";
import { keepFirstLife } from "./firstLifeEdits";
import { dnsServerMoveWarnings, keepDeployedDiskSpelling, keepDeployedOsDisks, nicAzureNames, nicResourceNames, shellEdits } from "./shellEdits";
import { PreviousDeployment, PreviousVm } from "./previous";
import { Problem } from "../problems";
import { roleDnsWarnings, roleProblems, windows11SizeWarnings } from "./roles";
import { StackSettings } from "../stack/settings";

// The lab's shapes live in labTypes.ts, so that the row reader (labRows.ts) and the lifecycle
// rules (lifecycle.ts), which this file imports, need not import it back.
export type { DataDisk, Lab, LabVm } from "./labTypes";
import { DataDisk, Lab, LabVm } from "./labTypes";

/** A recorded deployment's NIC names, when its record is replayed (`nics`, `nicResources`). */
export interface RecordedNics {
  nics?: Readonly<Record<string, string>>;
  nicResources?: Readonly<Record<string, string>>;
}

/** The VMs the stack declares (BringOnline=Yes), in boot order. */
export function onlineVms(lab: Lab): LabVm[] {
  return lab.vms.filter((vm) => vm.bringOnline);
}

/**
 * Validates the CSV rows against the settings and builds the lab.
 *
 * Rules per column (docs/reference.md, "CSV reference"): BringOnline/WaitForBoot Yes/No (empty = Yes/No);
 * VMName unique and valid for Azure; VMOSDiskName a disk name in `diskResourceGroupName` or a
 * full disk ID there, used by one row only; DataDisks likewise, each optionally `LUN:disk`;
 * VMInstanceSize via `resolveSize`; SubnetName a key of `subnets`; IPAddress in its subnet, not
 * Azure-reserved, unique; Location empty or the stack's region; PublicRDPPort 1-65534 (a load
 * balancer frontend port), unique. StorageAccount and AffinityGroup are classic-only and ignored.
 *
 * Addresses and LUNs never move once deployed: with `previous` (the last deployment), an empty
 * IPAddress keeps the address its machine had (found by name, or by OS disk when the row renames
 * it), and only new rows take the lowest usable address that neither the CSV nor the previous
 * deployment holds (a fresh lab: the first VM of a subnet gets .4, as in the classic scripts).
 * Data disks keep their LUN likewise. With `previous`, edits that Azure cannot apply in one
 * `pulumi up` are problems too (`lifecycle.ts`).
 *
 * @returns the lab, or `undefined` with every problem found. Never throws.
 */
export function buildLab(settings: StackSettings, rows: readonly CsvRow[], csvFile: string, previous?: PreviousDeployment, recorded?: RecordedNics): { lab?: Lab; problems: Problem[] } {
  const reader = new RowReader(settings, csvFile);
  const { problems, warnings } = reader;
  if (rows.length === 0) {
    problems.push({ file: csvFile, line: 0, column: "(file)", message: "the CSV has a header but no VM rows" });
  }
  const drafts = rows.map((row) => reader.read(row));

  // One frontend IP carries every published port: an endpoint port must not be another VM's RDP port.
  for (const { row, vm } of drafts) {
    for (const port of vm.endpoints) {
      if (reader.rdpPorts.has(port)) reader.report(row, "Endpoints", `port ${port} is the public RDP port of line ${reader.rdpPorts.get(port)}; the lab's one public IP cannot carry both`);
    }
  }

  findPreviousMachines(drafts, previous, reader.names);
  keepDeployedOsDisks(drafts, settings.diskResourceGroupName);
  warnings.push(...keepDeployedDiskSpelling(drafts, csvFile));
  // A deployed VM's Role and Image as deployed: they act only in its first life (firstLifeEdits.ts).
  const firstLife = keepFirstLife(drafts, csvFile);
  problems.push(...firstLife.problems);
  warnings.push(...firstLife.warnings);
  const ipSources = assignAddresses(reader, drafts, previous);
  const nicNames = nicAzureNames(drafts, previous, recorded?.nics ?? (recorded ? {} : undefined));
  const nicResources = nicResourceNames(drafts, nicNames, previous, recorded);
  const vms: LabVm[] = drafts.map((d, i) => ({
    ...d.vm,
    privateIp: d.vm.privateIp ?? "",
    ipSource: ipSources.get(d) ?? "assigned",
    dataDisks: assignLuns(d.dataDisks, d.before),
    deployedBefore: d.before?.online ?? false,
    dependsOn: [],
    nicName: nicNames[i],
    nicResource: nicResources[i],
  }));
  setBootOrder(vms);
  problems.push(...roleProblems(vms, csvFile));

  // A published port with no allowed internet source is reachable only over the VPN: say so once.
  const rdpPublished = vms.find((v) => v.bringOnline && v.publicRdpPort !== undefined);
  const endpointPublished = vms.find((v) => v.bringOnline && v.endpoints.length > 0);
  if (rdpPublished && settings.allowedSourcePrefixes.length === 0) {
    warnings.push({ file: csvFile, line: rdpPublished.line, column: "PublicRDPPort", message: "public RDP admits no internet source: set exchange-lab:allowedSourcePrefixes (or onPremises.publicIp); the VPN still reaches every VM" });
  } else if (endpointPublished && settings.publishedSourcePrefixes.length === 0) {
    warnings.push({ file: csvFile, line: endpointPublished.line, column: "Endpoints", message: "public endpoints admit no internet source: set exchange-lab:publishedSourcePrefixes or allowedSourcePrefixes (or onPremises.publicIp); the VPN still reaches every VM" });
  }
  const dnsServers = resolveDnsServers(settings, vms, csvFile, problems, warnings);
  warnings.push(...roleDnsWarnings(vms, dnsServers, settings.dnsServersLocation), ...windows11SizeWarnings(vms, csvFile));

  // Disks given by ID in a named subscription: the plan cannot know the deploying one.
  const named = new Set<string>();
  for (const { line, column, subscription } of diskSubscriptions(vms)) {
    if (named.has(subscription)) continue;
    named.add(subscription);
    warnings.push({ file: csvFile, line, column, message: `the disk ID names subscription ${subscription}; a VM attaches only disks of its own subscription, which the plan cannot know: pulumi up stops if it deploys to another` });
  }

  if (problems.length > 0) return { problems };
  if (previous) {
    const shell = shellEdits(vms, previous, csvFile);
    // Before the lifecycle rules: a re-created shell attaches its data disks afresh (vmEdits.ts).
    for (const vm of vms) if (shell.resizes.has(vm.line)) vm.resize = shell.resizes.get(vm.line);
    const refused = [...lifecycleProblems(vms, previous, csvFile), ...shell.problems];
    if (refused.length > 0) return { problems: refused };
    warnings.push(...shell.warnings, ...dnsServerMoveWarnings(vms, previous, settings.dnsServers.filter((e) => parseIpv4(e) === undefined), csvFile));
  }
  return { lab: { settings, csvFile, vms, dnsServers, warnings, previous }, problems };
}

/**
 * Which machine of the previous deployment each row is: the same name, or (a rename) the row whose
 * OS disk it attaches when that row's name is gone from the CSV (`names`: the CSV's lowercased names).
 */
function findPreviousMachines(drafts: Draft[], previous: PreviousDeployment | undefined, names: ReadonlyMap<string, number>): void {
  const previousByName = new Map((previous?.vms ?? []).map((p) => [p.name.toLowerCase(), p]));
  for (const d of drafts) {
    d.before = previousByName.get(d.vm.name.toLowerCase());
    if (!d.before && d.vm.osDisk.name !== "") {
      const renamed = previous?.vms.find((p) => p.osDisk === diskKey(d.vm.osDisk) && !names.has(p.name.toLowerCase()));
      if (renamed) {
        d.before = renamed;
        if (renamed.online && d.vm.bringOnline) d.vm.previousName = renamed.name;
      }
    }
  }
}

/**
 * Empty IPAddress cells: keep the previous deployment's address of the same machine in the same
 * subnet, else the lowest usable address that neither the CSV nor the previous deployment holds
 * (and no row above took). Written addresses were all reserved by the reader, whatever their row.
 * Sets each draft's `privateIp`; returns where each address comes from.
 */
function assignAddresses(reader: RowReader, drafts: Draft[], previous: PreviousDeployment | undefined): Map<Draft, LabVm["ipSource"]> {
  const heldBefore = new Set((previous?.vms ?? []).map((p) => parseIpv4(p.privateIp)).filter((ip): ip is bigint => ip !== undefined));
  const taken = new Set<bigint>(reader.written.keys());
  const ipSources = new Map<Draft, LabVm["ipSource"]>();
  for (const d of drafts) {
    if (d.vm.privateIp !== undefined) {
      ipSources.set(d, "csv");
      continue;
    }
    if (!d.subnetCidr) continue;
    const { first, last } = usableRange(d.subnetCidr);
    const kept = d.before && d.before.subnet.toLowerCase() === d.vm.subnet.toLowerCase() ? parseIpv4(d.before.privateIp) : undefined;
    // A deployed machine with an empty cell holds its address: another row may not write it.
    if (kept !== undefined && d.before?.online && reader.written.has(kept)) {
      const line = reader.written.get(kept)!;
      reader.problems.push({
        file: reader.csvFile, line, column: "IPAddress",
        message: `${formatIpv4(kept)} is the address ${d.vm.name} (line ${d.row.line}) was deployed with; its IPAddress is empty, so it keeps it. Write another address here, or first write a new address for ${d.vm.name}`,
      });
    }
    if (kept !== undefined && kept >= first && kept <= last && !taken.has(kept)) {
      taken.add(kept);
      d.vm.privateIp = formatIpv4(kept);
      ipSources.set(d, "kept");
      continue;
    }
    let ip = first;
    while (ip <= last && (taken.has(ip) || heldBefore.has(ip))) ip++;
    if (ip > last) reader.report(d.row, "IPAddress", `subnet ${d.vm.subnet} (${d.subnetCidr.text}) has no free address left; write an address or enlarge the subnet`);
    else {
      taken.add(ip);
      d.vm.privateIp = formatIpv4(ip);
      ipSources.set(d, "assigned");
    }
  }
  return ipSources;
}

/**
 * Boot order: a WaitForBoot=Yes row is a barrier. Every later VM depends on the most recent
 * earlier barrier; a barrier also waits for the VMs declared since the previous barrier.
 */
function setBootOrder(vms: LabVm[]): void {
  let barrier: LabVm | undefined;
  let sinceBarrier: LabVm[] = [];
  for (const vm of vms.filter((v) => v.bringOnline)) {
    vm.dependsOn = [...(barrier ? [barrier.name] : []), ...(vm.waitForBoot ? sinceBarrier.map((v) => v.name) : [])];
    if (vm.waitForBoot) {
      barrier = vm;
      sinceBarrier = [];
    } else sinceBarrier.push(vm);
  }
}

/** Lab DNS: `dnsServers` entries that name VMs resolve to their private IPs. */
function resolveDnsServers(settings: StackSettings, vms: readonly LabVm[], csvFile: string, problems: Problem[], warnings: Problem[]): string[] {
  const dnsServers: string[] = [];
  for (const entry of settings.dnsServers) {
    if (parseIpv4(entry) !== undefined) {
      dnsServers.push(entry);
      continue;
    }
    const vm = vms.find((v) => v.name.toLowerCase() === entry.toLowerCase());
    if (!vm) problems.push({ file: settings.dnsServersLocation.file, line: settings.dnsServersLocation.line, column: "exchange-lab:dnsServers", message: `'${entry}' is neither an IPv4 address nor a VM of ${csvFile}` });
    else {
      if (!vm.bringOnline) warnings.push({ file: csvFile, line: vm.line, column: "VMName", message: `DNS server ${vm.name} is BringOnline=No: lab VMs will not resolve names until it runs` });
      dnsServers.push(vm.privateIp);
    }
  }
  return dnsServers;
}

/**
 * LUNs for a row's data disks: a written LUN stands; a disk the machine had before keeps its LUN;
 * any other disk takes the lowest LUN still free on the VM. So adding or removing one data disk
 * never moves another.
 */
function assignLuns(items: readonly DataDiskItem[], before: PreviousVm | undefined): DataDisk[] {
  const used = new Set(items.flatMap((i) => (i.lun === undefined ? [] : [i.lun])));
  const kept = new Map<DataDiskItem, number>();
  for (const item of items) {
    if (item.lun !== undefined) continue;
    const lun = before?.dataDisks.find((d) => d.disk === diskKey(item.disk))?.lun;
    if (lun !== undefined && !used.has(lun)) {
      used.add(lun);
      kept.set(item, lun);
    }
  }
  return items.map((item) => {
    if (item.lun !== undefined) return { ...item.disk, lun: item.lun, lunSource: "csv" };
    const lun = kept.get(item);
    if (lun !== undefined) return { ...item.disk, lun, lunSource: "kept" };
    let free = 0;
    while (used.has(free) && free <= MAX_LUN) free++;
    used.add(free);
    return { ...item.disk, lun: free, lunSource: "assigned" };
  });
}

/** Every disk of an online VM given by ID, with its subscription and where the CSV names it. */
function diskSubscriptions(vms: readonly LabVm[]): { line: number; column: CsvColumn; subscription: string }[] {
  return vms.filter((vm) => vm.bringOnline).flatMap((vm) =>
    [{ column: "VMOSDiskName" as const, disk: vm.osDisk }, ...vm.dataDisks.map((disk) => ({ column: "DataDisks" as const, disk }))]
      .map(({ column, disk }) => ({ line: vm.line, column, subscription: diskSubscription(disk) }))
      .filter((d): d is { line: number; column: "VMOSDiskName" | "DataDisks"; subscription: string } => d.subscription !== undefined));
}

/**
 * At `pulumi up`: the disks of online VMs given by ID in another subscription than `deploying`
 * (the one `getClientConfig` reports), as problems; none when the subscription is unknown (the
 * offline plan's). Pure.
 */
export function diskSubscriptionProblems(lab: Lab, deploying: string): Problem[] {
  const here = deploying.toLowerCase();
  if (here === UNKNOWN_SUBSCRIPTION) return [];
  return diskSubscriptions(lab.vms)
    .filter((d) => d.subscription !== here)
    .map((d) => ({ file: lab.csvFile, line: d.line, column: d.column, message: `the disk is in subscription ${d.subscription}, but this stack deploys to ${here}; a VM attaches only disks of its own subscription` }));
}
