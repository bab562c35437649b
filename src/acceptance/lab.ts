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
import { sizeCatalogue, VmSize } from "../input/catalogues";
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

/** One VM of the generated lab, as the checks need to know it. */
export interface AcceptanceVm {
  name: string;
  osDisk: string;
  subnet: string;
  privateIp: string;
  rdpPort: number;
  /** Ports published on the lab's public IP for this VM (besides RDP). */
  endpoints: number[];
}

/** The generated lab: its names, the CSV before and after the edits, the stack configuration. */
export interface AcceptanceLab {
  runId: string;
  region: string;
  withVpn: boolean;
  resourceGroup: string;
  diskResourceGroup: string;
  size: VmSize;
  /** Before the edits, and after them. */
  before: AcceptanceVm[];
  after: AcceptanceVm[];
  csvBefore: string;
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
}

const HEADER = "BringOnline,VMName,VMOSDiskName,VMInstanceSize,SubnetName,IPAddress,WaitForBoot,PublicRDPPort,Endpoints,DiskTiers,Image";
const PORT_NAMES: Record<number, string> = { 80: "http", 443: "https" };

function csvOf(vms: readonly AcceptanceVm[], size: string): string {
  // WaitForBoot=No: the readiness script waits for AD DS and Exchange roles a bare image lacks.
  // DiskTiers E10: the image's 127 GiB OS disk on StandardSSD_LRS (osDiskSku's default), for the cost estimate.
  const rows = vms.map((v) => `Yes,${v.name},${v.osDisk},${size},${v.subnet},${v.privateIp},No,${v.rdpPort},${v.endpoints.map((p) => PORT_NAMES[p] ?? String(p)).join(";")},E10,${ACCEPTANCE_IMAGE}`);
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
  const { runId, region, withVpn } = options;
  const resourceGroup = `exlab-acc-${runId}`;
  const diskResourceGroup = `${resourceGroup}-disks`;
  const size = smallestSize(IMAGE_ALIASES[ACCEPTANCE_IMAGE].generation);
  const vm1 = { name: `acc${runId}-vm1`, osDisk: `${resourceGroup}-vm1-os`, subnet: "One", privateIp: "10.99.1.4", rdpPort: 50001, endpoints: [443] };
  const vm2 = { name: `acc${runId}-vm2`, osDisk: `${resourceGroup}-vm2-os`, subnet: "One", privateIp: "10.99.1.5", rdpPort: 50002, endpoints: [] };
  const before = [vm1, vm2];
  const after = [{ ...vm1, name: `acc${runId}-vm1b`, endpoints: [] }, { ...vm2, subnet: "Two", privateIp: "10.99.2.10", endpoints: [80] }];
  const ns = (key: string) => `${NAMESPACE}:${key}`;
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
  };
  const secrets: Record<string, string> = { [ns("adminPassword")]: generatePassword() };
  if (withVpn) {
    // No router dials in: the office side only has to be a valid address the gateway may expect.
    config[ns("onPremises")] = { publicIp: options.allowFrom.replace(/\/32$/, ""), addressSpaces: ["192.168.254.0/24"] };
    secrets[ns("vpnSharedKey")] = randomBytes(24).toString("base64url");
  }
  return {
    runId, region, withVpn, resourceGroup, diskResourceGroup, size, before, after,
    csvBefore: csvOf(before, size.name), csvAfter: csvOf(after, size.name), config, secrets,
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
