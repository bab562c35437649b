/**
 * The generated lab of the acceptance run: two VMs built from a Windows Server marketplace image
 * at the smallest size that boots it, in resource groups named after the run (so that nothing
 * outside the run is ever addressed), and the edited CSV of the run's second `pulumi up` (a rename,
 * a subnet move with a static address, an endpoint added and one removed). Pure.
 *
 * Sources:
 * - Windows Server with the Desktop Experience needs 2 GB of memory
 *   (https://learn.microsoft.com/windows-server/get-started/hardware-requirements#ram);
 *   the marketplace `*-datacenter` images are Desktop Experience images.
 * - Sizes, their memory and the generations they boot: the bundled VM size catalogue
 *   (`catalogues/vm-sizes.json`, from the Microsoft Learn size pages).
 * - The image alias and its generation: `IMAGE_ALIASES` (src/input/csv/images.ts).
 */
import { randomBytes } from "crypto";
import { stringify } from "yaml";
import { findSize, sizeCatalogue, VmSize } from "../input/catalogues";
import { CLASSIC_SIZES } from "../input/csv/sizes";
import { IMAGE_ALIASES } from "../input/csv/images";
import { LOCATION_KEY, NAMESPACE } from "../input/stack/stackKeys";

/** The image both VMs boot: Windows Server 2022 Datacenter, Generation 1 (no Trusted Launch to set up). */
export const ACCEPTANCE_IMAGE = "ws2022";
/** Memory Windows Server with the Desktop Experience needs, in GiB (Microsoft Learn, hardware requirements). */
export const WINDOWS_DESKTOP_MIN_MEMORY_GIB = 2;
/** The tag every resource group the run creates carries; its value is the run's id. */
export const RUN_TAG = "exchange-lab-acceptance";
/** Default region: the example stacks' region, with a price snapshot bundled. */
export const DEFAULT_REGION = "westeurope";
/** The administrator the image's first boot creates. */
export const ADMIN_USERNAME = "labadmin";

/** The generated lab's stack file for the plan and `npm run lab`, beside its CSV in the run's directory (secrets as placeholders). */
export const PLAN_STACK_FILE = "Pulumi.acceptance.yaml";

/** The CSV's header and the rows of the named VMs only (what a lab command may touch). */
export function csvWithRows(csv: string, vmNames: readonly string[]): string {
  const [header, ...rows] = csv.trimEnd().split("\n");
  return `${[header, ...rows.filter((r) => vmNames.includes(r.split(",")[1]))].join("\n")}\n`;
}

/** Everything the run creates is named after its id (8 lower-case hex digits). */
export function newRunId(): string {
  return randomBytes(4).toString("hex");
}

/**
 * The smallest catalogue size that boots the image: at least {@link WINDOWS_DESKTOP_MIN_MEMORY_GIB}
 * GiB, booting the image's generation, fewest vCPUs then least memory (the catalogue's order breaks
 * ties). Throws when the catalogue has none (a defect of the catalogue).
 */
export function smallestSize(generation: 1 | 2, sizes: readonly VmSize[] = sizeCatalogue().entries): VmSize {
  const fits = sizes.filter((s) => s.memoryGiB >= WINDOWS_DESKTOP_MIN_MEMORY_GIB && (generation === 2 || s.generation1));
  const best = [...fits].sort((a, b) => a.vcpus - b.vcpus || a.memoryGiB - b.memoryGiB)[0];
  if (!best) throw new Error(`the VM size catalogue has no size with ${WINDOWS_DESKTOP_MIN_MEMORY_GIB} GiB that boots Generation ${generation}`);
  return best;
}

/** The image of the role lab: the README's Role quick start's (Windows Server 2022, Generation 2). */
export const ROLE_IMAGE = "ws2022-g2";
/** The role lab's sizes: the README's Role quick start's, `Medium` for the DC and the member and `Large` (16 GiB, the Exchange row's floor) for Exchange. */
export const ROLE_SIZES = { dc: "Medium", exchange: "Large", member: "Medium" } as const;
/** What the dry run puts in place of the Exchange ISO's SAS URL: never fetched (the dry run deploys nothing). */
export const DRY_RUN_ISO_URL = "https://example.invalid/dry-run/ExchangeServerSE.iso";

/** The role VMs of `--with-roles`: the forest root DC, the Exchange server and the member. */
export interface RoleVms {
  dc: AcceptanceVm;
  exchange: AcceptanceVm;
  member: AcceptanceVm;
  /** The forest root's DNS name. */
  domainName: string;
  /** Sizes by VM name. */
  sizes: Record<string, VmSize>;
}

/** One VM of the generated lab, as the checks need to know it. */
export interface AcceptanceVm {
  name: string;
  osDisk: string;
  subnet: string;
  privateIp: string;
  rdpPort: number;
  /** Ports published on the lab's public IP for this VM (besides RDP). */
  endpoints: number[];
  /** BringOnline=No: the row stays, its VM goes (its disk stays). */
  offline?: boolean;
}

/** The generated lab: its names, the CSV before and after the edits, the stack configuration. */
export interface AcceptanceLab {
  runId: string;
  region: string;
  withVpn: boolean;
  /** `--with-roles`: the role lab (a forest, Exchange and a member) instead of the two-VM lab; `before` and `after` are then its VMs (no edits). */
  roles?: RoleVms;
  resourceGroup: string;
  diskResourceGroup: string;
  size: VmSize;
  /** Before the edits, and after them. */
  before: AcceptanceVm[];
  after: AcceptanceVm[];
  csvBefore: string;
  /**
   * The edits run in two `pulumi up`s, as the plan asks for a VM built from an image and renamed
   * or moved to another subnet (the program refuses either in one run: the VM's first run's
   * FromImage inputs would rebuild it over its disk): first both rows BringOnline=No under their old
   * names and subnets; then the first renamed, the second in its new subnet with its new address,
   * both back online. Absent: one up (`csvAfter`).
   */
  csvMiddle?: string;
  csvAfter: string;
  /** The stack's plain configuration (full keys; structured values as objects). Secrets are separate. */
  config: Record<string, unknown>;
  /** The secret keys the run sets, with values generated for this run only. */
  secrets: Record<string, string>;
}

/** What the generated lab depends on. */
export interface LabOptions {
  runId: string;
  region: string;
  withVpn: boolean;
  /** Where the TCP probes come from (the user's public IPv4 as a /32): the only source the lab admits. */
  allowFrom: string;
  /** Absolute path the CSV is written to (the stack's `csv` key). */
  csvPath: string;
  subscriptionId: string;
  /** `--with-roles`: the role lab instead of the two-VM lab. */
  withRoles?: boolean;
  /** With `withRoles`: the Exchange ISO's SAS URL (a secret); the dry run's placeholder when absent. */
  exchangeIsoUrl?: string;
}

const HEADER = "BringOnline,VMName,VMOSDiskName,VMInstanceSize,SubnetName,IPAddress,WaitForBoot,PublicRDPPort,Endpoints,DiskTiers,Image";
const PORT_NAMES: Record<number, string> = { 80: "http", 443: "https" };

function csvOf(vms: readonly AcceptanceVm[], size: string): string {
  // WaitForBoot=No: the readiness script waits for AD DS and Exchange roles a bare image lacks.
  // DiskTiers E10: the image's 127 GiB OS disk on StandardSSD_LRS (osDiskSku's default), for the cost estimate.
  const rows = vms.map((v) => `${v.offline ? "No" : "Yes"},${v.name},${v.osDisk},${size},${v.subnet},${v.privateIp},No,${v.rdpPort},${v.endpoints.map((p) => PORT_NAMES[p] ?? String(p)).join(";")},E10,${ACCEPTANCE_IMAGE}`);
  return `${HEADER}\n${rows.join("\n")}\n`;
}

/** A password Azure accepts (12+ characters, all four classes), generated for this run only. */
function generatePassword(): string {
  return `Acc-${randomBytes(12).toString("base64url")}-9a`;
}

/**
 * Builds the generated lab. The edits: vm1 is renamed (its OS disk is written in the CSV, so the
 * renamed VM attaches the same disk), vm2 moves from subnet One to subnet Two with a new static
 * address, vm1's `https` endpoint is removed and `http` is added on vm2.
 */
export function acceptanceLab(options: LabOptions): AcceptanceLab {
  if (options.withRoles) return roleLab(options);
  const { runId, region, withVpn } = options;
  const resourceGroup = `exlab-acc-${runId}`;
  const diskResourceGroup = `${resourceGroup}-disks`;
  const size = smallestSize(IMAGE_ALIASES[ACCEPTANCE_IMAGE].generation);
  const vm1 = { name: `acc${runId}-vm1`, osDisk: `${resourceGroup}-vm1-os`, subnet: "One", privateIp: "10.99.1.4", rdpPort: 50001, endpoints: [443] };
  const vm2 = { name: `acc${runId}-vm2`, osDisk: `${resourceGroup}-vm2-os`, subnet: "One", privateIp: "10.99.1.5", rdpPort: 50002, endpoints: [] };
  const before = [vm1, vm2];
  // The renamed VM keeps a computer name Windows takes (15 characters at most: acc + 8 + -vmb).
  const after = [{ ...vm1, name: `acc${runId}-vmb`, endpoints: [] }, { ...vm2, subnet: "Two", privateIp: "10.99.2.10", endpoints: [80] }];
  const config = baseConfig(options, resourceGroup, diskResourceGroup);
  const secrets = baseSecrets(options);
  return {
    runId, region, withVpn, resourceGroup, diskResourceGroup, size, before, after,
    csvBefore: csvOf(before, size.name), csvMiddle: csvOf([{ ...vm1, offline: true, endpoints: [] }, { ...vm2, offline: true }], size.name), csvAfter: csvOf(after, size.name), config, secrets,
  };
}

const ns = (key: string) => `${NAMESPACE}:${key}`;

/** The stack configuration both labs share (readiness gates off: the two-VM lab has no role for them to wait for). */
function baseConfig(options: LabOptions, resourceGroup: string, diskResourceGroup: string): Record<string, unknown> {
  const { runId, region, withVpn } = options;
  const config: Record<string, unknown> = {
    [LOCATION_KEY]: region,
    "azure-native:subscriptionId": options.subscriptionId,
    [ns("resourceGroupName")]: resourceGroup,
    [ns("diskResourceGroupName")]: diskResourceGroup,
    [ns("csv")]: options.csvPath,
    [ns("virtualNetworkName")]: `exlab-acc-${runId}-vnet`,
    [ns("addressSpace")]: ["10.99.0.0/16"],
    [ns("gatewaySubnet")]: "10.99.0.0/27",
    [ns("subnets")]: { One: "10.99.1.0/24", Two: "10.99.2.0/24" },
    [ns("dnsLabel")]: `exlab-acc-${runId}`,
    [ns("allowedSourcePrefixes")]: [options.allowFrom],
    [ns("vpn")]: withVpn,
    [ns("readinessGates")]: false,
    [ns("adminUsername")]: ADMIN_USERNAME,
    // The run exercises a conversion each way: the default parks OS disks on Standard SSD, the type
    // they run on, which converts nothing. Standard HDD OS disks stay allowed until their
    // retirement on 2028-09-08 (https://learn.microsoft.com/azure/virtual-machines/disks-hdd-os-retirement);
    // the plan warns about them.
    [ns("parkedDiskSku")]: "Standard_LRS",
  };
  // No router dials in: the office side only has to be a valid address the gateway may expect.
  if (withVpn) config[ns("onPremises")] = { publicIp: options.allowFrom.replace(/\/32$/, ""), addressSpaces: ["192.168.254.0/24"] };
  return config;
}

function baseSecrets(options: LabOptions): Record<string, string> {
  const secrets: Record<string, string> = { [ns("adminPassword")]: generatePassword() };
  if (options.withVpn) secrets[ns("vpnSharedKey")] = randomBytes(24).toString("base64url");
  return secrets;
}

const ROLE_HEADER = `${HEADER},Role`;

/**
 * The role lab of `--with-roles`, as the README's Role quick start: a forest root DC (a barrier:
 * WaitForBoot Yes), an Exchange server publishing https, and a member, all from `ws2022-g2`; the
 * lab's DNS is the DC's. Readiness gates stay on (the role steps' gates and the DC's barrier need them).
 */
function roleLab(options: LabOptions): AcceptanceLab {
  const { runId, region, withVpn } = options;
  const resourceGroup = `exlab-acc-${runId}`;
  const diskResourceGroup = `${resourceGroup}-disks`;
  const sizeOf = (alias: string) => {
    const found = findSize(CLASSIC_SIZES[alias].current.name);
    if (!found) throw new Error(`the VM size catalogue lacks ${CLASSIC_SIZES[alias].current.name} (${alias}): a defect of the catalogue`);
    return found;
  };
  const [small, large] = [sizeOf(ROLE_SIZES.dc), sizeOf(ROLE_SIZES.exchange)];
  const vm = (role: string, ip: string, rdpPort: number, endpoints: number[]): AcceptanceVm => ({ name: `acc${runId}-${role}`, osDisk: `${resourceGroup}-${role}-os`, subnet: "One", privateIp: ip, rdpPort, endpoints });
  const dc = vm("dc1", "10.99.1.4", 50001, []);
  const exchange = vm("ex1", "10.99.1.10", 50002, [443]);
  const member = vm("m1", "10.99.1.11", 50003, []);
  const domainName = `acc${runId}.example.com`;
  const sizes = { [dc.name]: small, [exchange.name]: large, [member.name]: small };
  const row = (v: AcceptanceVm, waitForBoot: boolean, role: string) =>
    `Yes,${v.name},${v.osDisk},${sizes[v.name].name},${v.subnet},${v.privateIp},${waitForBoot ? "Yes" : "No"},${v.rdpPort},${v.endpoints.map((p) => PORT_NAMES[p] ?? String(p)).join(";")},E10,${ROLE_IMAGE},${role}`;
  const csv = `${ROLE_HEADER}\n${[row(dc, true, "DC"), row(exchange, false, "Exchange"), row(member, false, "Member")].join("\n")}\n`;
  const config = baseConfig(options, resourceGroup, diskResourceGroup);
  delete config[ns("readinessGates")];
  config[ns("domainName")] = domainName;
  config[ns("dnsServers")] = [dc.name];
  const secrets = { ...baseSecrets(options), [ns("safeModePassword")]: generatePassword(), [ns("exchangeIsoUrl")]: options.exchangeIsoUrl ?? DRY_RUN_ISO_URL };
  const vms = [dc, exchange, member];
  return {
    runId, region, withVpn, resourceGroup, diskResourceGroup, size: large, before: vms, after: vms, csvBefore: csv, csvAfter: csv, config, secrets,
    roles: { dc, exchange, member, domainName, sizes },
  };
}

/**
 * The stack file of the generated lab, for the offline plan: the configuration in plain text and
 * each secret as an encrypted placeholder (the plan never sees a secret's value).
 */
export function planStackYaml(lab: AcceptanceLab): string {
  const secure = Object.fromEntries(Object.keys(lab.secrets).map((k) => [k, { secure: "v1:acceptance-placeholder" }]));
  return stringify({ config: { ...lab.config, ...secure } });
}
