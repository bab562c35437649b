/**
 * The rules of each CSV column (the columns are declared in `csvColumns.ts`), applied one row at
 * a time: a row becomes a draft VM, and every problem with its cells is reported with its line and
 * column. Uniqueness across rows (names, disks, public RDP ports, written addresses) is kept here
 * as rows are read; what needs every row (addresses, boot order) is `lab.ts`. Pure.
 *
 * Sources: VM names, Microsoft Learn "Naming rules and restrictions for Azure resources"
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules):
 * up to 64 characters, no period, not ending with a hyphen; reserved addresses, the virtual
 * network FAQ (https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq).
 */
import { Cidr, cidrHas, formatIpv4, parseIpv4, usableRange } from "../addresses";
import { CsvColumn, CsvRow } from "../csv/csv";
import { DISK_TIERS, DataDiskItem, DiskRef, diskKey, parseDataDiskItem, parseDiskRef } from "../csv/disks";
import { MAX_PUBLIC_PORT, RDP_PORT, SMTP_PORT, parseEndpoints } from "../csv/endpoints";
import type { LabVm } from "./labTypes";
import type { PreviousVm } from "./previous";
import { Problem } from "../problems";
import { StackSettings, SubnetSetting, normaliseLocation } from "../stack/settings";
import { MAX_DATA_DISKS, MAX_DATA_DISKS_BY_SIZE, resolveSize, supportsPremiumStorage } from "../csv/sizes";
import { ImageRef, checkComputerName, defaultOsDiskName, parseImage } from "../csv/images";
import { readRole } from "./roles";

const VM_NAME = /^[A-Za-z0-9-]{1,64}$/;

/** A row read on its own: the VM as far as its cells say, before addresses and boot order. */
export interface Draft {
  row: CsvRow;
  vm: Omit<LabVm, "privateIp" | "ipSource" | "dependsOn" | "dataDisks" | "deployedBefore"> & { privateIp?: string };
  dataDisks: DataDiskItem[];
  subnetCidr?: Cidr;
  /** The previous deployment's row of this machine (set by `lab.ts`). */
  before?: PreviousVm;
}

/** Reads rows into drafts, collecting problems and warnings; one reader per CSV. */
export class RowReader {
  readonly problems: Problem[] = [];
  readonly warnings: Problem[] = [];
  /** Lowercased VM names, disk keys, public RDP ports and written addresses, to the line that has them. */
  readonly names = new Map<string, number>();
  readonly disks = new Map<string, number>();
  readonly rdpPorts = new Map<number, number>();
  readonly written = new Map<bigint, number>();
  private readonly subnets: Map<string, SubnetSetting>;

  constructor(private readonly settings: StackSettings, readonly csvFile: string) {
    this.subnets = new Map(settings.subnets.map((s) => [s.name.toLowerCase(), s]));
  }

  report(row: CsvRow, column: CsvColumn, message: string): void {
    this.problems.push({ file: this.csvFile, line: row.line, column, message });
  }

  warn(row: CsvRow, column: CsvColumn, message: string): void {
    this.warnings.push({ file: this.csvFile, line: row.line, column, message });
  }

  /** One row's cells, column by column. */
  read(row: CsvRow): Draft {
    const bringOnline = this.yesNo(row, "BringOnline", true);
    const waitForBoot = this.yesNo(row, "WaitForBoot", false);
    const name = this.name(row);
    const image = this.image(row);
    const computerName = this.computerName(row, name, image);
    const { osDisk, dataDisks, osDiskDerived } = this.disksOf(row, name, image);
    const { size, classicSize } = this.size(row, dataDisks.length, image);
    const subnet = this.subnet(row);
    const privateIp = this.address(row, subnet);
    this.location(row);
    const publicRdpPort = this.rdpPort(row);
    const diskTiers = this.diskTiers(row, dataDisks.length);
    this.premiumStorage(row, size, diskTiers, image);
    const endpoints = this.endpoints(row, bringOnline, publicRdpPort);
    const role = readRole(row, (message) => this.report(row, "Role", message));
    return {
      row,
      vm: {
        name, line: row.line, bringOnline, waitForBoot, size, classicSize, subnet: subnet?.name ?? row.cells.SubnetName ?? "", privateIp, osDisk, diskTiers, publicRdpPort, endpoints,
        ...(image ? { image, computerName, ...(osDiskDerived ? { osDiskDerived } : {}) } : {}),
        ...(role ? { role } : {}),
      },
      dataDisks,
      subnetCidr: subnet?.cidr,
    };
  }

  /** BringOnline, WaitForBoot: Yes or No, empty for the default. */
  private yesNo(row: CsvRow, column: CsvColumn, fallback: boolean): boolean {
    const value = (row.cells[column] ?? "").toLowerCase();
    if (value === "") return fallback;
    if (value === "yes") return true;
    if (value === "no") return false;
    this.report(row, column, `expected Yes or No, got '${row.cells[column]}'`);
    return fallback;
  }

  /** VMName: a valid Windows VM name, unique (case-insensitive); over 15 characters, a warning. */
  private name(row: CsvRow): string {
    const name = row.cells.VMName ?? "";
    if (name === "") this.report(row, "VMName", "required: the VM's Azure name");
    else if (!VM_NAME.test(name) || name.endsWith("-") || /^\d+$/.test(name)) {
      this.report(row, "VMName", `'${name}' is not a valid Windows VM name (1-64 letters, digits and '-', not ending in '-', not all digits)`);
    } else if (this.names.has(name.toLowerCase())) {
      this.report(row, "VMName", `'${name}' is already used on line ${this.names.get(name.toLowerCase())} (VM names are case-insensitive in Azure)`);
    } else this.names.set(name.toLowerCase(), row.line);
    // An Image row's computer name is checked by computerName(), where a long VMName is an error.
    if (name.length > 15 && VM_NAME.test(name) && !row.cells.Image) {
      this.warn(row, "VMName", `'${name}' is longer than 15 characters, the Windows computer-name limit; the guest keeps the name stored on its disk`);
    }
    return name;
  }

  /** Image: an alias or a URN; a URN of unknown generation is taken as Generation 1, with a warning. */
  private image(row: CsvRow): ImageRef | undefined {
    const text = row.cells.Image ?? "";
    if (text === "") return undefined;
    const parsed = parseImage(text);
    if ("error" in parsed) return void this.report(row, "Image", parsed.error), undefined;
    if (parsed.assumed) this.warn(row, "Image", parsed.assumed);
    return parsed.image;
  }

  /** ComputerName: with an Image, the name the first boot gives Windows (default the VMName, which must fit). */
  private computerName(row: CsvRow, name: string, image: ImageRef | undefined): string | undefined {
    const text = row.cells.ComputerName ?? "";
    if (!image) {
      if (text !== "" && !row.cells.Image) this.warn(row, "ComputerName", "ignored without Image: an existing disk carries its own computer name");
      return undefined;
    }
    if (text !== "") {
      const error = checkComputerName(text);
      if (error) this.report(row, "ComputerName", error);
      return text;
    }
    const error = name === "" ? undefined : checkComputerName(name);
    if (error) this.report(row, "VMName", `${error}: the VM is built from an image and Windows takes the VMName as its computer name; write a ComputerName of at most 15 characters`);
    return name;
  }

  /**
   * VMOSDiskName and DataDisks: disks in diskResourceGroupName, each attached by one row only. An
   * Image row's OS disk may be left empty: it is then named from the lab and the VM (`osDiskDerived`).
   */
  private disksOf(row: CsvRow, vmName: string, image: ImageRef | undefined): { osDisk: DiskRef; dataDisks: DataDiskItem[]; osDiskDerived?: boolean } {
    const group = this.settings.diskResourceGroupName;
    const claim = (column: "VMOSDiskName" | "DataDisks", disk: DiskRef): boolean => {
      const key = diskKey(disk);
      if (this.disks.has(key)) return void this.report(row, column, `disk '${disk.name}' is already attached by line ${this.disks.get(key)}; a disk can belong to one VM only`), false;
      this.disks.set(key, row.line);
      return true;
    };
    const osDiskDerived = (row.cells.VMOSDiskName ?? "") === "" && image !== undefined && vmName !== "";
    const diskText = osDiskDerived ? defaultOsDiskName(this.settings.resourceGroupName, vmName) : row.cells.VMOSDiskName ?? "";
    let osDisk: DiskRef = { resourceGroupName: group, name: "" };
    if (diskText === "") {
      if (!image) this.report(row, "VMOSDiskName", `required: the name of the existing managed OS disk in resource group ${group}, or its full resource ID (or give an Image to build the VM, and its disk, from a marketplace image)`);
    }
    else {
      const parsed = parseDiskRef(diskText, group);
      if ("error" in parsed) this.report(row, "VMOSDiskName", parsed.error);
      else if (claim("VMOSDiskName", parsed.disk)) osDisk = parsed.disk;
    }
    const dataDisks: DataDiskItem[] = [];
    for (const text of (row.cells.DataDisks ?? "").split(";").map((t) => t.trim()).filter((t) => t !== "")) {
      const parsed = parseDataDiskItem(text, group);
      if ("error" in parsed) this.report(row, "DataDisks", parsed.error);
      else if (parsed.item.lun !== undefined && dataDisks.some((d) => d.lun === parsed.item.lun)) this.report(row, "DataDisks", `LUN ${parsed.item.lun} is given to two disks`);
      else if (claim("DataDisks", parsed.item.disk)) dataDisks.push(parsed.item);
    }
    return { osDisk, dataDisks, ...(osDiskDerived ? { osDiskDerived } : {}) };
  }

  /**
   * VMInstanceSize: a classic size or a catalogued Azure size, attaching the row's data disks. With
   * an Image the generation is known: a Generation 2-only size cannot boot a Generation 1 image (an
   * error), and boots a Generation 2 one (no warning). Classic sizes map to B-series v1, which boots both.
   */
  private size(row: CsvRow, dataDiskCount: number, image?: ImageRef): { size: string; classicSize?: string } {
    const sizeText = row.cells.VMInstanceSize ?? "";
    let size = "";
    let classicSize: string | undefined;
    if (sizeText === "") this.report(row, "VMInstanceSize", "required: a classic size (ExtraSmall, Small, Medium, Large, ExtraLarge) or an Azure size name");
    else {
      const resolved = resolveSize(sizeText);
      if (!resolved.ok) this.report(row, "VMInstanceSize", resolved.error);
      else {
        size = resolved.size;
        classicSize = resolved.classic;
        if (resolved.warning && image?.generation === 1) this.report(row, "VMInstanceSize", `${size} boots Generation 2 only, and the image ${image.text} is Generation 1: use its -g2 image or a size that boots Generation 1 (a classic size, e.g. Medium)`);
        else if (resolved.warning && !image) this.warn(row, "VMInstanceSize", resolved.warning);
      }
    }
    const maxDataDisks = MAX_DATA_DISKS_BY_SIZE[size] ?? MAX_DATA_DISKS;
    if (dataDiskCount > maxDataDisks) {
      this.report(row, "DataDisks", `${dataDiskCount} data disks, but ${size in MAX_DATA_DISKS_BY_SIZE ? size : "an Azure VM"} attaches at most ${maxDataDisks}`);
    }
    return { size, classicSize };
  }

  /** SubnetName: one of the stack's subnets (case-insensitive). */
  private subnet(row: CsvRow): SubnetSetting | undefined {
    const subnetText = row.cells.SubnetName ?? "";
    const subnet = this.subnets.get(subnetText.toLowerCase());
    const names = this.settings.subnets.map((s) => s.name).join(", ");
    if (subnetText === "") this.report(row, "SubnetName", `required: one of the stack's subnets (${names})`);
    else if (!subnet) this.report(row, "SubnetName", `'${subnetText}' is not a subnet of the stack; the subnets are ${names}`);
    return subnet;
  }

  /** IPAddress, when written: IPv4, in the row's subnet, not reserved by Azure, unique. */
  private address(row: CsvRow, subnet: SubnetSetting | undefined): string | undefined {
    const ipText = row.cells.IPAddress ?? "";
    if (ipText === "") return undefined;
    const ip = parseIpv4(ipText);
    if (ip === undefined) {
      this.report(row, "IPAddress", ipText.includes(":") ? `'${ipText}' is an IPv6 address; the lab's private IPs are IPv4` : `'${ipText}' is not an IPv4 address such as 10.20.1.4`);
    } else if (subnet && !cidrHas(subnet.cidr, ip)) {
      this.report(row, "IPAddress", `${ipText} is not in subnet ${subnet.name} (${subnet.cidr.text})`);
    } else if (subnet && (ip < usableRange(subnet.cidr).first || ip > usableRange(subnet.cidr).last)) {
      this.report(row, "IPAddress", `${ipText} is reserved by Azure in ${subnet.cidr.text} (the first four and the last address); use ${formatIpv4(usableRange(subnet.cidr).first)} to ${formatIpv4(usableRange(subnet.cidr).last)}`);
    } else if (this.written.has(ip)) {
      this.report(row, "IPAddress", `${ipText} is already used on line ${this.written.get(ip)}`);
    } else {
      this.written.set(ip, row.line);
      return formatIpv4(ip);
    }
    return undefined;
  }

  /** Location: empty, or the stack's region in either spelling. */
  private location(row: CsvRow): void {
    const location = row.cells.Location ?? "";
    if (location !== "" && normaliseLocation(location) !== this.settings.location) {
      this.report(row, "Location", `'${location}' is not the stack's region '${this.settings.location}'; leave it empty or set azure-native:location`);
    }
  }

  /** PublicRDPPort: a load balancer frontend port (1-65534), unique. */
  private rdpPort(row: CsvRow): number | undefined {
    const portText = row.cells.PublicRDPPort ?? "";
    if (portText === "") return undefined;
    const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= MAX_PUBLIC_PORT)) this.report(row, "PublicRDPPort", `'${portText}' is not a port number from 1 to ${MAX_PUBLIC_PORT} (the load balancer's frontend ports)`);
    else if (this.rdpPorts.has(port)) this.report(row, "PublicRDPPort", `port ${port} is already used on line ${this.rdpPorts.get(port)}; each VM needs its own public RDP port`);
    else {
      this.rdpPorts.set(port, row.line);
      return port;
    }
    return undefined;
  }

  /** DiskTiers: managed disk tiers, no more than the row's disks. */
  private diskTiers(row: CsvRow, dataDiskCount: number): string[] {
    const diskTiers = (row.cells.DiskTiers ?? "").split(";").map((t) => t.trim().toUpperCase()).filter((t) => t !== "");
    for (const tier of diskTiers) if (!DISK_TIERS.includes(tier)) this.report(row, "DiskTiers", `'${tier}' is not a managed disk tier (S4-S80, E1-E80, P1-P80, e.g. S10)`);
    if (diskTiers.length > 1 + dataDiskCount) this.report(row, "DiskTiers", `${diskTiers.length} tiers for ${1 + dataDiskCount} disks (the OS disk, then each data disk)`);
    return diskTiers;
  }

  /** A Premium SSD disk (a P tier, or an Image row's new OS disk on a Premium osDiskSku) needs a
   * size that supports Premium storage (sizes.ts, `supportsPremiumStorage`); Azure refuses the VM otherwise. */
  private premiumStorage(row: CsvRow, size: string, diskTiers: readonly string[], image?: ImageRef): void {
    if (size === "" || supportsPremiumStorage(size)) return;
    const premium = diskTiers.filter((t) => t.startsWith("P"));
    if (premium.length > 0) {
      this.report(row, "DiskTiers", `${premium.join(", ")} ${premium.length === 1 ? "is a Premium SSD tier" : "are Premium SSD tiers"}, and ${size} does not support Premium storage (no 's' in its name; https://learn.microsoft.com/azure/virtual-machines/vm-naming-conventions): choose a size with it (e.g. Standard_B2s, Standard_D2s_v5), or convert the disks to Standard SSD (E tiers)`);
    }
    const osDiskSku = this.settings.vmImage.osDiskSku;
    if (image && diskTiers[0] === undefined && osDiskSku.startsWith("Premium")) {
      this.report(row, "VMInstanceSize", `${size} does not support Premium storage, and this Image row's OS disk would be created as ${osDiskSku} (osDiskSku): choose a size with it (e.g. Standard_B2s, Standard_D2s_v5) or set osDiskSku to StandardSSD_LRS`);
    }
  }

  /** Endpoints: names or ports; RDP goes through PublicRDPPort; published SMTP warns. */
  private endpoints(row: CsvRow, bringOnline: boolean, publicRdpPort: number | undefined): number[] {
    const endpoints = parseEndpoints(row.cells.Endpoints ?? "");
    for (const error of endpoints.errors) this.report(row, "Endpoints", error);
    for (const port of endpoints.ports) {
      if (port === RDP_PORT && publicRdpPort !== undefined) this.report(row, "Endpoints", `port ${RDP_PORT} is RDP; publish it with PublicRDPPort`);
      if (port === SMTP_PORT && bringOnline) {
        this.warn(row, "Endpoints", "SMTP is published: inbound mail works, but outbound TCP 25 is blocked on most subscriptions; send through an authenticated relay on 587");
      }
    }
    return endpoints.ports;
  }
}
