/**
 * `npm run prices -- --region R [--currency C] [--sizes Standard_B1ms,...]`: refreshes
 * `prices/<R>.json` from the public Azure Retail Prices API (needs internet; no Azure login), in
 * the currency the API is asked for (`currencyCode`; default the region's country's, see
 * src/input/currencies.ts). The bundled snapshot is used wherever this has not been run.
 */
import * as fs from "fs";
import * as path from "path";
import { OptionSpecs, UsageError, optionsHelp, readCommandLine } from "../input/commandLine";
import { RETAIL_CURRENCIES, isRetailCurrency, regionCurrency } from "../input/currencies";
import { findRegion } from "../input/catalogues";
import { CLASSIC_SIZES } from "../input/csv/sizes";
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
 * `currency` (ISO 4217, e.g. `GBP`) is the API's `currencyCode`; without it the API answers USD.
 * Throws on an HTTP error, naming the URL, and when {@link MAX_PAGES} is reached.
 */
export async function fetchAll(
  filter: string,
  progress: (line: string) => void,
  get: (url: string) => Promise<RetailPage> = getJson,
  currency?: string,
): Promise<RetailItem[]> {
  const items: RetailItem[] = [];
  let url: string | null = `${API}?${currency ? `currencyCode=${encodeURIComponent(`'${currency}'`)}&` : ""}$filter=${encodeURIComponent(filter)}`;
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

/** The options of `npm run prices`, declared once: read by util.parseArgs, printed by `--help`. */
export const PRICES_OPTIONS = {
  region: { type: "string", value: "R", help: "the lab's ARM region (azure-native:location), e.g. westeurope, uksouth" },
  currency: { type: "string", value: "C", help: `the currency to ask the API for (its currencyCode: ${RETAIL_CURRENCIES.join(", ")});\ndefault the region's country's (GBP for uksouth, EUR for westeurope, SEK for swedencentral;\nUSD where the API lacks the country's currency);\nif the stack sets exchange-lab:currency, ask for that one` },
  sizes: { type: "string", value: "LIST", help: "the VM sizes to price, comma-separated (default: the classic sizes' and a few common ones)" },
  help: { type: "boolean", short: "h", help: "this text" },
} as const satisfies OptionSpecs;

export const PRICES_USAGE = `usage: npm run prices -- --region <ARM region, e.g. westeurope> [--currency GBP] [--sizes Standard_B1ms,Standard_D2s_v5]

Refreshes prices/<region>.json from the public Azure Retail Prices API (${API}; needs internet,
no Azure login), in one currency: the figures are the API's own, never converted here. Without it
the plan uses the bundled file, whose date and currency the plan prints. Nothing is written unless
every page was fetched.

options:
${optionsHelp(PRICES_OPTIONS)}
exit codes: 0 written; 1 the API could not be reached or answered an error (the bundled file is kept); 2 usage error
`;

/**
 * Runs the CLI; resolves to the exit code. `get` fetches one page (tests pass a fake); an
 * unreachable API is exit 1 with what it needs, and the bundled file is left as it was. An
 * answer in another currency than asked is exit 1 too, and nothing is written. `dir` is where
 * `<region>.json` is written (tests pass a temporary one).
 */
export async function main(argv: readonly string[], write: (s: string) => void, writeError: (s: string) => void, get: (url: string) => Promise<RetailPage> = getJson, dir = PRICES_DIR): Promise<number> {
  let values;
  try {
    values = readCommandLine(argv, PRICES_OPTIONS).values;
    if (!values.help && !values.region) throw new UsageError("--region is required");
    if (values.currency !== undefined && !isRetailCurrency(values.currency.toUpperCase())) throw new UsageError(`--currency ${values.currency} is not one of the API's currencies (${RETAIL_CURRENCIES.join(", ")})`);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    writeError(`exchange-lab prices: ${err.message}\n\n${PRICES_USAGE}`);
    return 2;
  }
  if (values.help) {
    write(PRICES_USAGE);
    return 0;
  }
  const found = findRegion(values.region!);
  if ("error" in found) {
    writeError(`exchange-lab prices: --region ${values.region}: ${found.error}\n`);
    return 2;
  }
  const region = found.region.name;
  const currency = values.currency?.toUpperCase() ?? regionCurrency(region);
  const sizes = values.sizes ? values.sizes.split(",") : [...Object.values(CLASSIC_SIZES).map((s) => s.current.name), "Standard_B2ms", "Standard_D2s_v5", "Standard_D4s_v5"];
  const file = path.join(dir, `${region}.json`);
  write(`prices for ${region} in ${currency}${values.currency ? "" : ` (the currency of the region's country; --currency to choose another)`}\n`);
  // One filter at a time: the API throttles bursts, and the progress lines stay in order.
  const items: RetailItem[] = [];
  try {
    for (const filter of retailFilters(region, sizes)) items.push(...(await fetchAll(filter, write, get, currency)));
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why = e.cause ? `${e.message}: ${e.cause.code ?? e.cause.message}` : e.message;
    const kept = fs.existsSync(file) ? `the bundled ${path.relative(process.cwd(), file)} is kept unchanged, and the plan keeps using it` : `no price file for ${region} is written; the plan shows no prices for it`;
    writeError(`exchange-lab prices: needs the Azure Retail Prices API (${API}, public, no login), which could not be reached (${why}); ${kept}. Run it again with internet access.\n`);
    return 1;
  }
  const other = items.find((i) => i.currencyCode !== currency);
  if (other) {
    writeError(`exchange-lab prices: asked for ${currency}, the API answered ${other.currencyCode} (meter '${other.meterName}'); nothing is written\n`);
    return 1;
  }
  const snapshot = { ...snapshotFromRetailItems(region, items, new Date().toISOString().slice(0, 10)), currency };
  fs.writeFileSync(file, JSON.stringify(snapshot, null, 2) + "\n");
  write(`wrote ${Object.keys(snapshot.prices).length} prices in ${currency} to ${file}\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`exchange-lab prices: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
