/**
 * Price snapshots: `prices/<region>.json` files bundled with the project (and refreshed by
 * `npm run prices -- --region R` where there is internet).
 */
import * as fs from "fs";
import * as path from "path";
import { RETAIL_CURRENCIES, isRetailCurrency, regionCurrency } from "../input/currencies";
import { PriceSnapshot } from "../report/cost";

/** Where the snapshots live: `prices/` at the project root. */
export const PRICES_DIR = path.resolve(__dirname, "..", "..", "prices");

/**
 * Loads the snapshot of an ARM region (`westeurope`). Returns `undefined` when there is none;
 * throws an `Error` naming the file when it exists but is not a snapshot.
 */
export function loadSnapshot(region: string, dir = PRICES_DIR): PriceSnapshot | undefined {
  const file = path.join(dir, `${region}.json`);
  if (!fs.existsSync(file)) return undefined;
  const data = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<PriceSnapshot>;
  const ok =
    typeof data.region === "string" && typeof data.currency === "string" && typeof data.date === "string" && typeof data.source === "string" &&
    typeof data.prices === "object" && data.prices !== null &&
    Object.values(data.prices).every((p) => typeof p?.price === "number" && (p.unit === "hour" || p.unit === "month" || p.unit === "GB") && typeof p.source === "string");
  if (!ok) throw new Error(`${file} is not a price snapshot (region, currency, date, source, prices: { key: { price, unit, source } })`);
  return data as PriceSnapshot;
}

/** An empty snapshot for a region without a file: every price unknown, marked `missing` so the
 * estimate says "no prices for REGION; run npm run prices -- --region REGION" instead of a 0. Its
 * currency is the one that command would fetch ({@link regionCurrency}). */
export function emptySnapshot(region: string): PriceSnapshot {
  return { region, currency: regionCurrency(region), date: "-", source: `no prices for ${region}; run npm run prices -- --region ${region}`, prices: {}, missing: true };
}

/**
 * The prices the plan uses for a lab in `region` whose stack names its billing `currency` (or
 * not): the bundled snapshot when its currency is that one (or none is named); otherwise an
 * empty snapshot in `currency`, marked `missing`, whose `source` says why and gives the
 * `npm run prices` command that fetches the right one. Prices are never converted: the Retail
 * Prices API's own figures in another currency are Microsoft's, at its rate of the day.
 * Throws like {@link loadSnapshot} for a file that is not a snapshot.
 */
export function snapshotFor(region: string, currency: string | undefined, dir = PRICES_DIR): PriceSnapshot {
  const bundled = loadSnapshot(region, dir);
  if (currency === undefined || bundled?.currency === currency) return bundled ?? emptySnapshot(region);
  const why = bundled ? ` (prices/${region}.json is in ${bundled.currency}, and the plan never converts)` : "";
  const fetch = isRetailCurrency(currency) ? `run npm run prices -- --region ${region} --currency ${currency}` : `the Azure Retail Prices API has no ${currency} prices (${RETAIL_CURRENCIES.join(", ")})`;
  return { region, currency, date: "-", source: `no ${currency} prices for ${region}${why}; ${fetch}`, prices: {}, missing: true };
}
