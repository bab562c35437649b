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
  /** Its VMInstanceSize cell as recorded (a classic name or an Azure size name). */
  size: string;
  /** The Azure name of its NIC (the record's `nics`, else `<VMName>-nic`). */
  nicName: string;
  /** The Pulumi logical name of its NIC resource (the record's `nicResources`, else `<VMName>-nic`). */
  nicResource: string;
  /** Whether its VMOSDiskName cell was empty (an Image row's derived disk name). */
  osDiskDerived: boolean;
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
  return { record: { format: DEPLOYED_LAB_FORMAT, config: config as Record<string, string>, csvFile, csv, ...nics, ...nicResources } };
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
      size: c.VMInstanceSize ?? "",
      nicName: nics.get(c.VMName.toLowerCase()) ?? `${c.VMName}-nic`,
      nicResource: nicResources.get(c.VMName.toLowerCase()) ?? `${c.VMName}-nic`,
      osDiskDerived: !c.VMOSDiskName && !!c.Image,
    });
  }
  const { settings } = parseSettings(record.config, () => ({ file: "(previous deployment)", line: 0 }));
  const vpn = settings?.vpn ? { gatewaySku: settings.vpn.gatewaySku, gatewayGeneration: settings.vpn.gatewayGeneration, zones: settings.vpn.zones } : undefined;
  return { record, vms, vpn };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
