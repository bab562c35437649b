/**
 * Price snapshots: `prices/<region>.json` files bundled with the project (and refreshed by
 * `npm run prices -- --region R` where there is internet).
 */
import * as fs from "fs";
import * as path from "path";
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
 * estimate says "no prices for REGION; run npm run prices -- --region REGION" instead of a 0. */
export function emptySnapshot(region: string): PriceSnapshot {
  return { region, currency: "USD", date: "-", source: `no prices for ${region}; run npm run prices -- --region ${region}`, prices: {}, missing: true };
}
