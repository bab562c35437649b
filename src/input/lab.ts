/**
 * Turns the CSV rows and the stack settings into the typed lab description that the
 * declaration code consumes: one entry per CSV row (in boot order) with its size, subnet,
 * static private IP, OS disk and boot dependencies. Pure; every problem is reported at once.
 */
import { Cidr, cidrHas, formatIpv4, parseIpv4, usableRange } from "./addresses";
import { CsvColumn, CsvRow } from "./csv";
import { DISK_TIERS, DataDiskItem, DiskRef, MAX_LUN, UNKNOWN_SUBSCRIPTION, diskKey, diskSubscription, parseDataDiskItem, parseDiskRef } from "./disks";
import { MAX_PUBLIC_PORT, RDP_PORT, SMTP_PORT, parseEndpoints } from "./endpoints";
import { lifecycleProblems } from "./lifecycle";
import { PreviousDeployment, PreviousVm } from "./previous";
import { Problem } from "./problems";
import { StackSettings, normaliseLocation } from "./settings";
import { MAX_DATA_DISKS, MAX_DATA_DISKS_BY_SIZE, resolveSize } from "./sizes";

/** One VM of the lab (one CSV row). */
export interface LabVm {
  /** Azure VM name (the CSV's VMName). */
  name: string;
  /** CSV line of the row. */
  line: number;
  /** False for BringOnline=No: not declared, but its name and IP stay reserved. */
  bringOnline: boolean;
  /** WaitForBoot=Yes: a barrier in the boot order. */
  waitForBoot: boolean;
  /** Azure size name, e.g. `Standard_B1ms`. */
  size: string;
  /** The classic InstanceSize the size was mapped from, if any. */
  classicSize?: string;
  subnet: string;
  /** Static private IPv4 address. */
  privateIp: string;
  /** Where the IP comes from: written in the CSV, kept from the previous deployment, or assigned
   * (the lowest usable address neither the CSV nor the previous deployment holds). */
  ipSource: "csv" | "kept" | "assigned";
  osDisk: DiskRef;
  /** Existing data disks with their LUNs, in the CSV's order. */
  dataDisks: DataDisk[];
  /** The name it was deployed under before, when the row renames a deployed VM (found by its OS disk). */
  previousName?: string;
  /** Whether this machine (by name, or by OS disk for a rename) was declared by the previous deployment. */
  deployedBefore: boolean;
  /** Tiers of the OS disk then the data disks, as far as the CSV gives them (cost estimate only). */
  diskTiers: string[];
  publicRdpPort?: number;
  /** TCP ports published through the load balancer (the Endpoints column). */
  endpoints: number[];
  /** Names of the declared VMs this one is created after (boot order). Empty for BringOnline=No rows. */
  dependsOn: string[];
}

/** A data disk with its LUN: written in the CSV (`2:disk`), kept from the previous deployment, or
 * assigned (the lowest LUN free on the VM). The guest finds a disk by its LUN, so it never moves. */
export interface DataDisk extends DiskRef {
  lun: number;
  lunSource: "csv" | "kept" | "assigned";
}

/** The validated lab: settings, every CSV row as a VM, and warnings that do not stop a deployment. */
export interface Lab {
  settings: StackSettings;
  csvFile: string;
  /** Every row, in CSV (boot) order, including BringOnline=No rows. */
  vms: LabVm[];
  /** The virtual network's DNS servers (IPv4), resolved from `dnsServers`; empty: Azure DNS. */
  dnsServers: string[];
  warnings: Problem[];
  /** The previous deployment the lab was built against, if known. */
  previous?: PreviousDeployment;
}

/** The VMs the stack declares (BringOnline=Yes), in boot order. */
export function onlineVms(lab: Lab): LabVm[] {
  return lab.vms.filter((vm) => vm.bringOnline);
}

// Windows VM names (Microsoft Learn, resource-name-rules.md): up to 64 characters for the
// resource; no spaces, control characters or ~ ! @ # $ % ^ & * ( ) = + _ [ ] { } \ | ; : . ' " , < > / ?;
// Windows VMs can't include a period or end with a hyphen.
const VM_NAME = /^[A-Za-z0-9-]{1,64}$/;


/**
 * Validates the CSV rows against the settings and builds the lab.
 *
 * Rules per column (README "CSV reference"): BringOnline/WaitForBoot Yes/No (empty = Yes/No);
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
export function buildLab(settings: StackSettings, rows: readonly CsvRow[], csvFile: string, previous?: PreviousDeployment): { lab?: Lab; problems: Problem[] } {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const report = (row: CsvRow, column: CsvColumn, message: string) => problems.push({ file: csvFile, line: row.line, column, message });
  const subnets = new Map(settings.subnets.map((s) => [s.name.toLowerCase(), s]));

  if (rows.length === 0) {
    problems.push({ file: csvFile, line: 0, column: "(file)", message: "the CSV has a header but no VM rows" });
  }

  const yesNo = (row: CsvRow, column: CsvColumn, fallback: boolean): boolean => {
    const value = (row.cells[column] ?? "").toLowerCase();
    if (value === "") return fallback;
    if (value === "yes") return true;
    if (value === "no") return false;
    report(row, column, `expected Yes or No, got '${row.cells[column]}'`);
    return fallback;
  };

  interface Draft {
    row: CsvRow;
    vm: Omit<LabVm, "privateIp" | "ipSource" | "dependsOn" | "dataDisks" | "deployedBefore"> & { privateIp?: string };
    dataDisks: DataDiskItem[];
    subnetCidr?: Cidr;
    /** The previous deployment's row of this machine. */
    before?: PreviousVm;
  }
  const drafts: Draft[] = [];
  const names = new Map<string, number>();
  const disks = new Map<string, number>();
  const ports = new Map<number, number>();
  const written = new Map<bigint, number>();
  const endpointRows: { row: CsvRow; ports: number[]; publicRdpPort?: number }[] = [];

  for (const row of rows) {
    const c = row.cells;
    const bringOnline = yesNo(row, "BringOnline", true);
    const waitForBoot = yesNo(row, "WaitForBoot", false);

    const name = c.VMName ?? "";
    if (name === "") report(row, "VMName", "required: the VM's Azure name");
    else if (!VM_NAME.test(name) || name.endsWith("-") || /^\d+$/.test(name)) {
      report(row, "VMName", `'${name}' is not a valid Windows VM name (1-64 letters, digits and '-', not ending in '-', not all digits)`);
    } else if (names.has(name.toLowerCase())) {
      report(row, "VMName", `'${name}' is already used on line ${names.get(name.toLowerCase())} (VM names are case-insensitive in Azure)`);
    } else names.set(name.toLowerCase(), row.line);
    if (name.length > 15 && VM_NAME.test(name)) {
      warnings.push({ file: csvFile, line: row.line, column: "VMName", message: `'${name}' is longer than 15 characters, the Windows computer-name limit; the guest keeps the name stored on its disk` });
    }

    const claim = (column: "VMOSDiskName" | "DataDisks", disk: DiskRef): boolean => {
      const key = diskKey(disk);
      if (disks.has(key)) return void report(row, column, `disk '${disk.name}' is already attached by line ${disks.get(key)}; a disk can belong to one VM only`), false;
      disks.set(key, row.line);
      return true;
    };
    const diskText = c.VMOSDiskName ?? "";
    let osDisk: DiskRef = { resourceGroupName: settings.diskResourceGroupName, name: "" };
    if (diskText === "") report(row, "VMOSDiskName", `required: the name of the existing managed OS disk in resource group ${settings.diskResourceGroupName}, or its full resource ID`);
    else {
      const parsed = parseDiskRef(diskText, settings.diskResourceGroupName);
      if ("error" in parsed) report(row, "VMOSDiskName", parsed.error);
      else if (claim("VMOSDiskName", parsed.disk)) osDisk = parsed.disk;
    }
    const dataDisks: DataDiskItem[] = [];
    for (const text of (c.DataDisks ?? "").split(";").map((t) => t.trim()).filter((t) => t !== "")) {
      const parsed = parseDataDiskItem(text, settings.diskResourceGroupName);
      if ("error" in parsed) report(row, "DataDisks", parsed.error);
      else if (parsed.item.lun !== undefined && dataDisks.some((d) => d.lun === parsed.item.lun)) report(row, "DataDisks", `LUN ${parsed.item.lun} is given to two disks`);
      else if (claim("DataDisks", parsed.item.disk)) dataDisks.push(parsed.item);
    }

    const sizeText = c.VMInstanceSize ?? "";
    let size = "";
    let classicSize: string | undefined;
    if (sizeText === "") report(row, "VMInstanceSize", "required: a classic size (ExtraSmall, Small, Medium, Large, ExtraLarge) or an Azure size name");
    else {
      const resolved = resolveSize(sizeText);
      if (!resolved.ok) report(row, "VMInstanceSize", resolved.error);
      else {
        size = resolved.size;
        classicSize = resolved.classic;
        if (resolved.warning) warnings.push({ file: csvFile, line: row.line, column: "VMInstanceSize", message: resolved.warning });
      }
    }
    const maxDataDisks = MAX_DATA_DISKS_BY_SIZE[size] ?? MAX_DATA_DISKS;
    if (dataDisks.length > maxDataDisks) {
      report(row, "DataDisks", `${dataDisks.length} data disks, but ${size in MAX_DATA_DISKS_BY_SIZE ? size : "an Azure VM"} attaches at most ${maxDataDisks}`);
    }

    const subnetText = c.SubnetName ?? "";
    const subnet = subnets.get(subnetText.toLowerCase());
    if (subnetText === "") report(row, "SubnetName", `required: one of the stack's subnets (${settings.subnets.map((s) => s.name).join(", ")})`);
    else if (!subnet) report(row, "SubnetName", `'${subnetText}' is not a subnet of the stack; the subnets are ${settings.subnets.map((s) => s.name).join(", ")}`);

    const ipText = c.IPAddress ?? "";
    let privateIp: string | undefined;
    if (ipText !== "") {
      const ip = parseIpv4(ipText);
      if (ip === undefined) {
        report(row, "IPAddress", ipText.includes(":") ? `'${ipText}' is an IPv6 address; the lab's private IPs are IPv4` : `'${ipText}' is not an IPv4 address such as 10.20.1.4`);
      } else if (subnet && !cidrHas(subnet.cidr, ip)) {
        report(row, "IPAddress", `${ipText} is not in subnet ${subnet.name} (${subnet.cidr.text})`);
      } else if (subnet && (ip < usableRange(subnet.cidr).first || ip > usableRange(subnet.cidr).last)) {
        report(row, "IPAddress", `${ipText} is reserved by Azure in ${subnet.cidr.text} (the first four and the last address); use ${formatIpv4(usableRange(subnet.cidr).first)} to ${formatIpv4(usableRange(subnet.cidr).last)}`);
      } else if (written.has(ip)) {
        report(row, "IPAddress", `${ipText} is already used on line ${written.get(ip)}`);
      } else {
        written.set(ip, row.line);
        privateIp = formatIpv4(ip);
      }
    }

    const location = c.Location ?? "";
    if (location !== "" && normaliseLocation(location) !== settings.location) {
      report(row, "Location", `'${location}' is not the stack's region '${settings.location}'; leave it empty or set azure-native:location`);
    }

    const portText = c.PublicRDPPort ?? "";
    let publicRdpPort: number | undefined;
    if (portText !== "") {
      const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
      if (!(port >= 1 && port <= MAX_PUBLIC_PORT)) report(row, "PublicRDPPort", `'${portText}' is not a port number from 1 to ${MAX_PUBLIC_PORT} (the load balancer's frontend ports)`);
      else if (ports.has(port)) report(row, "PublicRDPPort", `port ${port} is already used on line ${ports.get(port)}; each VM needs its own public RDP port`);
      else {
        ports.set(port, row.line);
        publicRdpPort = port;
      }
    }

    const diskTiers = (c.DiskTiers ?? "").split(";").map((t) => t.trim().toUpperCase()).filter((t) => t !== "");
    for (const tier of diskTiers) if (!DISK_TIERS.includes(tier)) report(row, "DiskTiers", `'${tier}' is not a managed disk tier (S4-S80, E1-E80, P1-P80, e.g. S10)`);
    if (diskTiers.length > 1 + dataDisks.length) report(row, "DiskTiers", `${diskTiers.length} tiers for ${1 + dataDisks.length} disks (the OS disk, then each data disk)`);

    const endpoints = parseEndpoints(c.Endpoints ?? "");
    for (const error of endpoints.errors) report(row, "Endpoints", error);
    for (const port of endpoints.ports) {
      if (port === RDP_PORT && publicRdpPort !== undefined) report(row, "Endpoints", `port ${RDP_PORT} is RDP; publish it with PublicRDPPort`);
      if (port === SMTP_PORT && bringOnline) {
        warnings.push({ file: csvFile, line: row.line, column: "Endpoints", message: "SMTP is published: inbound mail works, but outbound TCP 25 is blocked on most subscriptions; send through an authenticated relay on 587" });
      }
    }
    endpointRows.push({ row, ports: endpoints.ports, publicRdpPort });

    drafts.push({
      row,
      vm: { name, line: row.line, bringOnline, waitForBoot, size, classicSize, subnet: subnet?.name ?? subnetText, privateIp, osDisk, diskTiers, publicRdpPort, endpoints: endpoints.ports },
      dataDisks,
      subnetCidr: subnet?.cidr,
    });
  }

  // One frontend IP carries every published port: an endpoint port must not be another VM's RDP port.
  for (const { row, ports: listed } of endpointRows) {
    for (const port of listed) {
      if (ports.has(port)) report(row, "Endpoints", `port ${port} is the public RDP port of line ${ports.get(port)}; the lab's one public IP cannot carry both`);
    }
  }

  // Which machine of the previous deployment each row is: the same name, or (a rename) the row
  // whose OS disk it attaches when that row's name is gone from the CSV.
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

  // Empty IPAddress cells: keep the previous deployment's address of the same machine in the same
  // subnet, else the lowest usable address that neither the CSV nor the previous deployment holds
  // (and no row above took). Written addresses were all reserved above, whatever their row.
  const heldBefore = new Set((previous?.vms ?? []).map((p) => parseIpv4(p.privateIp)).filter((ip): ip is bigint => ip !== undefined));
  const taken = new Set<bigint>(written.keys());
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
    if (kept !== undefined && d.before?.online && written.has(kept)) {
      const line = written.get(kept)!;
      problems.push({
        file: csvFile, line, column: "IPAddress",
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
    if (ip > last) report(d.row, "IPAddress", `subnet ${d.vm.subnet} (${d.subnetCidr.text}) has no free address left; write an address or enlarge the subnet`);
    else {
      taken.add(ip);
      d.vm.privateIp = formatIpv4(ip);
      ipSources.set(d, "assigned");
    }
  }

  const vms: LabVm[] = drafts.map((d) => ({
    ...d.vm,
    privateIp: d.vm.privateIp ?? "",
    ipSource: ipSources.get(d) ?? "assigned",
    dataDisks: assignLuns(d.dataDisks, d.before),
    deployedBefore: d.before?.online ?? false,
    dependsOn: [],
  }));

  // Boot order: a WaitForBoot=Yes row is a barrier. Every later VM depends on the most recent
  // earlier barrier; a barrier also waits for the VMs declared since the previous barrier.
  let barrier: LabVm | undefined;
  let sinceBarrier: LabVm[] = [];
  for (const vm of vms.filter((v) => v.bringOnline)) {
    vm.dependsOn = [...(barrier ? [barrier.name] : []), ...(vm.waitForBoot ? sinceBarrier.map((v) => v.name) : [])];
    if (vm.waitForBoot) {
      barrier = vm;
      sinceBarrier = [];
    } else sinceBarrier.push(vm);
  }

  // A published port with no allowed internet source is reachable only over the VPN: say so once.
  const publishing = vms.find((v) => v.bringOnline && (v.publicRdpPort !== undefined || v.endpoints.length > 0));
  if (publishing && settings.allowedSourcePrefixes.length === 0) {
    warnings.push({
      file: csvFile, line: publishing.line, column: publishing.publicRdpPort !== undefined ? "PublicRDPPort" : "Endpoints",
      message: "public endpoints admit no internet source: set exchange-lab:allowedSourcePrefixes (or onPremises.publicIp); the VPN still reaches every VM",
    });
  }

  // Lab DNS: VM names resolve to their private IPs.
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

  // Disks given by ID in a named subscription: the plan cannot know the deploying one.
  const named = new Set<string>();
  for (const { line, column, subscription } of diskSubscriptions(vms)) {
    if (named.has(subscription)) continue;
    named.add(subscription);
    warnings.push({ file: csvFile, line, column, message: `the disk ID names subscription ${subscription}; a VM attaches only disks of its own subscription, which the plan cannot know: pulumi up stops if it deploys to another` });
  }

  if (problems.length > 0) return { problems };
  if (previous) {
    const refused = lifecycleProblems(vms, previous, csvFile);
    if (refused.length > 0) return { problems: refused };
  }
  return { lab: { settings, csvFile, vms, dnsServers, warnings, previous }, problems };
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
