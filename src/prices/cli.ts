/**
 * `npm run prices -- --region R [--sizes Standard_B1ms,...]`: refreshes `prices/<R>.json`
 * from the public Azure Retail Prices API (needs internet; no Azure login). The bundled
 * snapshot is used wherever this has not been run.
 */
import * as fs from "fs";
import * as path from "path";
import { CLASSIC_SIZES } from "../input/sizes";
import { GLOBAL_REGION, RetailItem, snapshotFromRetailItems } from "./retail";
import { PRICES_DIR } from "./snapshot";

const API = "https://prices.azure.com/api/retail/prices";

/** The OData filters asked for: one per service, VM sizes by name. Load Balancer meters are
 * published only under region "Global", so that filter names it instead of the lab's region. */
export function retailFilters(region: string, sizes: readonly string[]): string[] {
  const base = `armRegionName eq '${region}' and priceType eq 'Consumption'`;
  return [
    ...sizes.map((size) => `${base} and serviceName eq 'Virtual Machines' and armSkuName eq '${size}'`),
    `${base} and serviceName eq 'VPN Gateway'`,
    `${base} and serviceName eq 'Virtual Network' and productName eq 'IP Addresses'`,
    `armRegionName eq '${GLOBAL_REGION}' and priceType eq 'Consumption' and serviceName eq 'Load Balancer'`,
    `${base} and serviceName eq 'Storage' and contains(productName, 'Managed Disks')`,
    `${base} and serviceName eq 'Bandwidth' and meterName eq 'Standard Data Transfer Out'`,
  ];
}

/** One page of the API's answer. */
export interface RetailPage {
  Items: RetailItem[];
  NextPageLink: string | null;
}

/** Pages before the refresh gives up on one filter (the API returns 100 items a page). */
export const MAX_PAGES = 200;

/**
 * Fetches every page of one filter, following `NextPageLink`, and writes a progress line per
 * page to `progress`. `get` fetches one URL (the global `fetch` by default; tests pass a fake).
 * Throws on an HTTP error, naming the URL, and when {@link MAX_PAGES} is reached.
 */
export async function fetchAll(
  filter: string,
  progress: (line: string) => void,
  get: (url: string) => Promise<RetailPage> = getJson,
): Promise<RetailItem[]> {
  const items: RetailItem[] = [];
  let url: string | null = `${API}?$filter=${encodeURIComponent(filter)}`;
  for (let page = 1; url; page++) {
    if (page > MAX_PAGES) throw new Error(`more than ${MAX_PAGES} pages for ${filter}; narrow the filter`);
    const body = await get(url);
    items.push(...body.Items);
    progress(`  ${filter}: page ${page}, ${body.Items.length} items${body.NextPageLink ? ", more to come" : ""}\n`);
    url = body.NextPageLink;
  }
  return items;
}

async function getJson(url: string): Promise<RetailPage> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${response.status} ${response.statusText} from ${url}`);
  return (await response.json()) as RetailPage;
}

async function main(argv: string[]): Promise<number> {
  const region = argv[argv.indexOf("--region") + 1];
  if (!argv.includes("--region") || !region || region.startsWith("--")) {
    process.stderr.write("usage: npm run prices -- --region <ARM region, e.g. westeurope> [--sizes Standard_B1ms,Standard_D2s_v5]\n");
    return 2;
  }
  const sizesArg = argv.includes("--sizes") ? argv[argv.indexOf("--sizes") + 1] : undefined;
  const sizes = sizesArg ? sizesArg.split(",") : [...Object.values(CLASSIC_SIZES).map((s) => s.current.name), "Standard_B2ms", "Standard_D2s_v5", "Standard_D4s_v5"];
  const progress = (line: string) => process.stdout.write(line);
  // One filter at a time: the API throttles bursts, and the progress lines stay in order.
  const items: RetailItem[] = [];
  for (const filter of retailFilters(region, sizes)) items.push(...(await fetchAll(filter, progress)));
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
