/**
 * Turns Azure Retail Prices API items (https://prices.azure.com/api/retail/prices, public, no
 * authentication; Microsoft Learn `rest/api/cost-management/retail-prices/azure-retail-prices`)
 * into this project's price snapshot. Pure; the fetching is in `prices/cli.ts`.
 */
import { Price, PriceSnapshot } from "../cost";

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
}

/** The snapshot key of an item, or `undefined` for an item the estimate does not use. */
export function priceKeyOf(item: RetailItem): { key: string; unit: Price["unit"] } | undefined {
  if (item.type !== "Consumption") return undefined;
  const hourly = /hour/i.test(item.unitOfMeasure);
  const monthly = /month/i.test(item.unitOfMeasure);
  if (item.serviceName === "Virtual Machines" && hourly && / Windows$/.test(item.productName) && !/Spot|Low Priority/i.test(item.meterName) && item.armSkuName) {
    return { key: `vm/${item.armSkuName}/windows`, unit: "hour" };
  }
  if (item.serviceName === "VPN Gateway" && hourly && /^VpnGw\dAZ$/.test(item.skuName) && item.meterName === item.skuName) {
    return { key: `vpnGateway/${item.skuName}`, unit: "hour" };
  }
  if (item.serviceName === "Virtual Network" && hourly && item.productName === "IP Addresses" && item.skuName === "Standard" && /Static Public IP/i.test(item.meterName) && !/IPv6/.test(item.meterName)) {
    return { key: "publicIp/standard", unit: "hour" };
  }
  if (item.serviceName === "Load Balancer" && hourly && /Included LB Rules/i.test(item.meterName)) return { key: "loadBalancer/first5Rules", unit: "hour" };
  if (item.serviceName === "Load Balancer" && hourly && /Overage LB Rules/i.test(item.meterName)) return { key: "loadBalancer/extraRule", unit: "hour" };
  const disk = /^([SEP]\d{1,2}) LRS Disk$/.exec(item.meterName);
  if (item.serviceName === "Storage" && monthly && disk && /Managed Disks/.test(item.productName)) return { key: `disk/${disk[1]}`, unit: "month" };
  return undefined;
}

/** Builds a snapshot from API items of one region; the latest effective price wins per key. */
export function snapshotFromRetailItems(region: string, items: readonly RetailItem[], date: string): PriceSnapshot {
  const prices: Record<string, Price & { effective: string }> = {};
  let currency = "USD";
  for (const item of items) {
    if (item.armRegionName !== region) continue;
    const mapped = priceKeyOf(item);
    if (!mapped) continue;
    currency = item.currencyCode;
    const known = prices[mapped.key];
    if (known && known.effective >= item.effectiveStartDate) continue;
    prices[mapped.key] = {
      price: item.retailPrice,
      unit: mapped.unit,
      source: `Azure Retail Prices API, meter '${item.meterName}' (${item.productName}), effective ${item.effectiveStartDate.slice(0, 10)}`,
      effective: item.effectiveStartDate,
    };
  }
  return {
    region,
    currency,
    date,
    source: "Azure Retail Prices API (pay-as-you-go retail prices)",
    prices: Object.fromEntries(Object.entries(prices).sort(([a], [b]) => a.localeCompare(b)).map(([k, { effective: _e, ...p }]) => [k, p])),
  };
}
