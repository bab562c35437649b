/**
 * `npm run prices -- --region R [--sizes Standard_B1ms,...]`: refreshes `prices/<R>.json`
 * from the public Azure Retail Prices API (needs internet; no Azure login). The bundled
 * snapshot is used wherever this has not been run.
 */
import * as fs from "fs";
import * as path from "path";
import { CLASSIC_SIZES } from "../sizes";
import { RetailItem, snapshotFromRetailItems } from "./retail";
import { PRICES_DIR } from "./snapshot";

const API = "https://prices.azure.com/api/retail/prices";

/** The OData filters asked for: one per service, VM sizes by name. */
export function retailFilters(region: string, sizes: readonly string[]): string[] {
  const base = `armRegionName eq '${region}' and priceType eq 'Consumption'`;
  return [
    ...sizes.map((size) => `${base} and serviceName eq 'Virtual Machines' and armSkuName eq '${size}'`),
    `${base} and serviceName eq 'VPN Gateway'`,
    `${base} and serviceName eq 'Virtual Network' and productName eq 'IP Addresses'`,
    `${base} and serviceName eq 'Load Balancer'`,
    `${base} and serviceName eq 'Storage' and contains(productName, 'Managed Disks')`,
  ];
}

async function fetchAll(filter: string): Promise<RetailItem[]> {
  const items: RetailItem[] = [];
  let url: string | null = `${API}?$filter=${encodeURIComponent(filter)}`;
  for (let page = 0; url && page < 200; page++) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${response.status} ${response.statusText} from ${url}`);
    const body = (await response.json()) as { Items: RetailItem[]; NextPageLink: string | null };
    items.push(...body.Items);
    url = body.NextPageLink;
  }
  return items;
}

async function main(argv: string[]): Promise<number> {
  const region = argv[argv.indexOf("--region") + 1];
  if (!argv.includes("--region") || !region || region.startsWith("--")) {
    process.stderr.write("usage: npm run prices -- --region <ARM region, e.g. westeurope> [--sizes Standard_B1ms,Standard_D2s_v5]\n");
    return 2;
  }
  const sizesArg = argv.includes("--sizes") ? argv[argv.indexOf("--sizes") + 1] : undefined;
  const sizes = sizesArg ? sizesArg.split(",") : [...Object.values(CLASSIC_SIZES).map((s) => s.current.name), "Standard_B2ms", "Standard_D2s_v5", "Standard_D4s_v5"];
  const items = (await Promise.all(retailFilters(region, sizes).map(fetchAll))).flat();
  const snapshot = snapshotFromRetailItems(region, items, new Date().toISOString().slice(0, 10));
  const file = path.join(PRICES_DIR, `${region}.json`);
  fs.writeFileSync(file, JSON.stringify(snapshot, null, 2) + "\n");
  process.stdout.write(`wrote ${Object.keys(snapshot.prices).length} prices to ${file}\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`exchange-lab prices: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
