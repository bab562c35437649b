/**
 * Turns Azure Retail Prices API items (https://prices.azure.com/api/retail/prices, public, no
 * authentication; Microsoft Learn `rest/api/cost-management/retail-prices/azure-retail-prices`)
 * into this project's price snapshot. Pure; the fetching is in `prices/cli.ts`.
 *
 * What the API really returns (recorded responses in public repositories, 2026):
 * - Load Balancer meters are published only under `armRegionName` "Global": a filter on the
 *   lab's region returns none of them.
 * - Beside each Load Balancer meter there is a zero-priced "... - Free" twin with a later
 *   `effectiveStartDate` ("Standard Included LB Rules and Outbound Rules - Free", ...); taking
 *   the latest effective item per key would pick it. "- Free" meters and zero prices are skipped:
 *   none of the snapshot's keys is free by design (the free first 100 GB of egress is the
 *   constant `EGRESS_FREE_GB_PER_MONTH` in `cost.ts`, not a price).
 * - Internet egress ("Standard Data Transfer Out") is tiered by `tierMinimumUnits`; the snapshot
 *   keeps the first paid tier (from 100 GB).
 */
import { Price, PriceSnapshot } from "../report/cost";

/** The fields of an API item this project reads. */
export interface RetailItem {
  currencyCode: string;
  retailPrice: number;
  unitOfMeasure: string;
  armRegionName: string;
  armSkuName?: string;
  skuName: string;
  productName: string;
  meterName: string;
  serviceName: string;
  type: string;
  effectiveStartDate: string;
  tierMinimumUnits?: number;
  isPrimaryMeterRegion?: boolean;
  meterId?: string;
}

/** The region Load Balancer meters are published under. */
export const GLOBAL_REGION = "Global";

/** Snapshot keys whose items come from the "Global" region rather than the lab's. */
const GLOBAL_KEYS = /^loadBalancer\//;

/** The snapshot key of an item, or `undefined` for an item the estimate does not use (or must not use:
 * "- Free" meters, zero prices, non-primary duplicates). */
export function priceKeyOf(item: RetailItem): { key: string; unit: Price["unit"] } | undefined {
  if (item.type !== "Consumption") return undefined;
  if (/ - Free$/i.test(item.meterName) || !(item.retailPrice > 0)) return undefined;
  if (item.isPrimaryMeterRegion === false) return undefined;
  const hourly = /hour/i.test(item.unitOfMeasure);
  const monthly = /month/i.test(item.unitOfMeasure);
  const perGb = /^1 GB$/i.test(item.unitOfMeasure.trim());
  if (item.serviceName === "Virtual Machines" && hourly && / Windows$/.test(item.productName) && !/Spot|Low Priority/i.test(item.meterName) && item.armSkuName) {
    return { key: `vm/${item.armSkuName}/windows`, unit: "hour" };
  }
  if (item.serviceName === "VPN Gateway" && hourly && /^VpnGw\dAZ$/.test(item.skuName) && item.meterName === item.skuName) {
    return { key: `vpnGateway/${item.skuName}`, unit: "hour" };
  }
  if (item.serviceName === "VPN Gateway" && hourly && item.meterName === "S2S Connection") return { key: "vpnGateway/s2sTunnel", unit: "hour" };
  if (item.serviceName === "Virtual Network" && hourly && item.productName === "IP Addresses" && item.skuName === "Standard" && /Static Public IP/i.test(item.meterName) && !/IPv6/.test(item.meterName)) {
    return { key: "publicIp/standard", unit: "hour" };
  }
  if (item.serviceName === "Load Balancer" && hourly && /Included LB Rules/i.test(item.meterName)) return { key: "loadBalancer/first5Rules", unit: "hour" };
  if (item.serviceName === "Load Balancer" && hourly && /Overage LB Rules/i.test(item.meterName)) return { key: "loadBalancer/extraRule", unit: "hour" };
  if (item.serviceName === "Load Balancer" && perGb && /^Standard Data Processed$/i.test(item.meterName)) return { key: "loadBalancer/dataProcessedGB", unit: "GB" };
  if (item.serviceName === "Bandwidth" && perGb && item.meterName === "Standard Data Transfer Out" && item.productName === "Rtn Preference: MGN" && item.tierMinimumUnits === 100) {
    return { key: "egress/internetPerGB", unit: "GB" };
  }
  const disk = /^([SEP]\d{1,2}) LRS Disk$/.exec(item.meterName);
  if (item.serviceName === "Storage" && monthly && disk && /Managed Disks/.test(item.productName)) return { key: `disk/${disk[1]}`, unit: "month" };
  return undefined;
}

/**
 * Builds a snapshot from API items of one region plus the "Global" Load Balancer items; the
 * latest effective price wins per key. Each price keeps its meter, region and effective date.
 */
export function snapshotFromRetailItems(region: string, items: readonly RetailItem[], date: string): PriceSnapshot {
  const prices: Record<string, Price & { effective: string }> = {};
  let currency = "USD";
  for (const item of items) {
    const mapped = priceKeyOf(item);
    if (!mapped) continue;
    const expected = GLOBAL_KEYS.test(mapped.key) ? GLOBAL_REGION : region;
    if (item.armRegionName !== expected) continue;
    currency = item.currencyCode;
    const known = prices[mapped.key];
    if (known && known.effective >= item.effectiveStartDate) continue;
    const effective = item.effectiveStartDate.slice(0, 10);
    prices[mapped.key] = {
      price: item.retailPrice,
      unit: mapped.unit,
      source: `Azure Retail Prices API, meter '${item.meterName}' (${item.productName}${item.meterId ? `, meterId ${item.meterId}` : ""}), armRegionName ${item.armRegionName}, effective ${effective}, read ${date}`,
      region: item.armRegionName,
      date,
      effective: item.effectiveStartDate,
    };
  }
  return {
    region,
    currency,
    date,
    source: "Azure Retail Prices API (pay-as-you-go retail prices)",
    prices: Object.fromEntries(Object.entries(prices).sort(([a], [b]) => a.localeCompare(b)).map(([k, withDate]) => [k, withoutEffective(withDate)])),
  };
}

/** A price without the bookkeeping field that chose it (the latest effective date). */
function withoutEffective(price: Price & { effective: string }): Price {
  const copy: Partial<Price & { effective: string }> = { ...price };
  delete copy.effective;
  return copy as Price;
}
