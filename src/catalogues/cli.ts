/**
 * `npm run catalogues -- [--locations FILE] [--skus FILE] [--region R]`: refreshes
 * `catalogues/regions.json` and `catalogues/vm-sizes.json` from the Azure CLI (needs network
 * and `az login`): `az account list-locations -o json` (the Resource Manager Locations API)
 * and `az vm list-skus --resource-type virtualMachines -o json` (the Resource SKUs API, with
 * each size's capabilities). `--locations`/`--skus` read those commands' saved output instead
 * of running them; `--region` limits the size list to one region's offer. The mapping from the
 * CLI's JSON to the catalogues is pure and tested on canned data.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CATALOGUES_DIR, Region, VmSize } from "../input/catalogues";

/** The fields of one `az account list-locations` item this project reads. */
export interface AzLocation {
  name: string;
  displayName: string;
  type?: string;
  metadata?: { regionType?: string; physicalLocation?: string; geography?: string };
}

/** The fields of one `az vm list-skus` item this project reads. */
export interface AzSku {
  name: string;
  resourceType: string;
  capabilities?: { name: string; value: string }[];
}

/**
 * The physical regions of a location list, sorted by name, with their city or area and geography
 * when the metadata gives them (for region suggestions). Logical locations (`europe`,
 * `unitedstates`) and the early-access canaries (`*euap`) cannot hold a lab and are dropped.
 */
export function regionsFromLocations(locations: readonly AzLocation[]): Region[] {
  return locations
    .filter((l) => (l.type ?? "Region") === "Region" && l.metadata?.regionType === "Physical" && !/euap$/.test(l.name))
    .map((l) => ({
      name: l.name,
      displayName: l.displayName,
      ...(l.metadata?.physicalLocation ? { physicalLocation: l.metadata.physicalLocation } : {}),
      ...(l.metadata?.geography ? { geography: l.metadata.geography } : {}),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The VM sizes of a SKU list, one per name, sorted by name: vCPUs, memory (GiB), max data disks,
 * whether `HyperVGenerations` includes V1 and V2, whether `MaxResourceVolumeMB` (the local temp
 * disk) is above 0, and `DiskControllerTypes` (absent: SCSI only). The resize rules read the last
 * three (`src/input/lab/resize.ts`; capability names as the Resource SKUs API returns them,
 * https://learn.microsoft.com/rest/api/compute/resource-skus/list). SKUs without vCPUs, memory or
 * data disks are dropped.
 */
export function sizesFromSkus(skus: readonly AzSku[]): VmSize[] {
  const sizes = new Map<string, VmSize>();
  for (const sku of skus) {
    if (sku.resourceType !== "virtualMachines" || sizes.has(sku.name)) continue;
    const cap = (name: string) => sku.capabilities?.find((c) => c.name === name)?.value;
    const vcpus = Number(cap("vCPUs"));
    const memoryGiB = Number(cap("MemoryGB"));
    const maxDataDisks = Number(cap("MaxDataDiskCount"));
    const generations = (cap("HyperVGenerations") ?? "").split(",").map((g) => g.trim());
    if (![vcpus, memoryGiB, maxDataDisks].every((n) => Number.isFinite(n) && n >= 0) || cap("vCPUs") === undefined) continue;
    const tempMiB = cap("MaxResourceVolumeMB");
    const controllers = (cap("DiskControllerTypes") ?? "SCSI").split(",").map((c) => c.trim()).flatMap((c) => (/^scsi$/i.test(c) ? ["SCSI" as const] : /^nvme$/i.test(c) ? ["NVMe" as const] : []));
    sizes.set(sku.name, {
      name: sku.name, vcpus, memoryGiB, maxDataDisks, generation1: generations.includes("V1"), generation2: generations.includes("V2"),
      ...(tempMiB !== undefined && Number.isFinite(Number(tempMiB)) ? { tempDisk: Number(tempMiB) > 0 } : {}),
      diskControllers: controllers.length > 0 ? controllers : ["SCSI"],
    });
  }
  return [...sizes.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function readJson<T>(file: string | undefined, azArgs: string[]): T {
  const text = file ? fs.readFileSync(file, "utf8") : execFileSync("az", azArgs, { encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  return JSON.parse(text) as T;
}

export const CATALOGUES_USAGE = `usage: npm run catalogues -- [--locations FILE] [--skus FILE] [--region R]

Refreshes catalogues/regions.json and catalogues/vm-sizes.json (what the plan checks regions and
VM sizes against) from the Azure CLI: needs network and az login.

options:
  --locations FILE   the saved output of az account list-locations -o json, instead of running it
  --skus FILE        the saved output of az vm list-skus --resource-type virtualMachines -o json
  --region R         list only the sizes offered in region R
  --help             this text
`;

/** Runs the refresh; returns the exit code (0 written; throws on a failed az call). */
export function main(argv: readonly string[], write: (s: string) => void = (s) => process.stdout.write(s)): number {
  if (argv.includes("--help") || argv.includes("-h")) {
    write(CATALOGUES_USAGE);
    return 0;
  }
  const option = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const date = new Date().toISOString().slice(0, 10);
  const region = option("--region");
  const locations = regionsFromLocations(readJson<AzLocation[]>(option("--locations"), ["account", "list-locations", "-o", "json"]));
  const sizes = sizesFromSkus(readJson<AzSku[]>(option("--skus"), ["vm", "list-skus", "--resource-type", "virtualMachines", ...(region ? ["--location", region] : []), "-o", "json"]));
  if (locations.length === 0 || sizes.length === 0) throw new Error("the Azure CLI returned no regions or no VM sizes; nothing written");
  const writeCatalogue = (file: string, key: string, source: string, entries: unknown[]) =>
    fs.writeFileSync(path.join(CATALOGUES_DIR, file), JSON.stringify({ date, source, [key]: entries }, null, 2) + "\n");
  writeCatalogue("regions.json", "regions", `az account list-locations (Resource Manager Locations API), physical regions, ${date}`, locations);
  writeCatalogue("vm-sizes.json", "sizes", `az vm list-skus --resource-type virtualMachines${region ? ` --location ${region}` : ""} (Resource SKUs API capabilities vCPUs, MemoryGB, MaxDataDiskCount, HyperVGenerations, MaxResourceVolumeMB, DiskControllerTypes), ${date}`, sizes);
  write(`wrote ${locations.length} regions and ${sizes.length} VM sizes to ${CATALOGUES_DIR}\n`);
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`exchange-lab catalogues: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
