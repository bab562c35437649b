/**
 * The cost estimate: per hour while the lab runs, per month while it is parked after
 * `pulumi destroy` (only the disks still bill). From the declared resources and a price
 * snapshot (`prices/<region>.json`, refreshed by `npm run prices`). Pure.
 *
 * Billing facts (Microsoft Learn, https://learn.microsoft.com/azure/virtual-machines/states-billing): a deallocated VM bills
 * no compute; disks bill whether attached or not; a Standard public IP bills while it exists.
 * A VM attached to a Windows disk without Azure Hybrid Benefit bills the Windows rate.
 */

/** Hours in a billing month as Azure's calculator counts them. */
export const HOURS_PER_MONTH = 730;

/** One price of the snapshot. */
export interface Price {
  /** Currency units per `unit`. */
  price: number;
  /** `GB`: a usage price (data processed, egress), stated per GB and never summed into the totals. */
  unit: "hour" | "month" | "GB";
  /** Where the figure comes from (an API meter, a pricing page), and its date. */
  source: string;
  /** The ARM region the figure was published for (`Global` for Load Balancer meters), when known. */
  region?: string;
  /** When the figure was captured, when known. */
  date?: string;
}

/** A bundled or refreshed price list for one region. */
export interface PriceSnapshot {
  region: string;
  currency: string;
  /** When the figures were taken (ISO date). */
  date: string;
  source: string;
  /** Keys: `vm/<size>/windows`, `vpnGateway/<sku>`, `vpnGateway/s2sTunnel`, `publicIp/standard`,
   * `loadBalancer/first5Rules`, `loadBalancer/extraRule`, `loadBalancer/dataProcessedGB`,
   * `egress/internetPerGB`, `disk/<tier>` (S10, E10, P10, ...). */
  prices: Record<string, Price>;
  /** True when the region has no snapshot at all (see `emptySnapshot`): nothing can be priced. */
  missing?: boolean;
}

/** One line of the estimate. `unitPrice` null: the price is unknown (never counted as 0). */
export interface CostLine {
  item: string;
  quantity: number;
  priceKey: string;
  unitPrice: number | null;
  unit: "hour" | "month";
  /** The price's own source and date, from the snapshot; null when unknown. */
  source: string | null;
  /** Whether it bills while the lab runs, and while it is parked. */
  billsWhen: "running" | "always";
}

/** A usage price the estimate states per GB but cannot sum (the lab's traffic is unknown). */
export interface UsagePrice {
  item: string;
  priceKey: string;
  /** Per GB; null when the snapshot has no such price. */
  unitPrice: number | null;
  /** GB a month that cost nothing (Azure's free allowance), 0 when none. */
  freeGbPerMonth: number;
  source: string | null;
}

export interface CostEstimate {
  /** Set when the region has no price snapshot: "no prices for REGION; run npm run prices -- --region REGION".
   * Then every price is unknown and the totals are null, never 0. */
  noPrices?: string;
  currency: string;
  region: string;
  /** Snapshot date and source, for the label. */
  date: string;
  source: string;
  /** Sum per hour while running (compute, gateway, IPs, load balancer, disks); null when a price is unknown. */
  perHourRunning: number | null;
  /** Sum per month while parked (disks); null when a price is unknown. */
  perMonthParked: number | null;
  /** The sums of the known prices only; null when the region has no prices at all. */
  knownPerHourRunning: number | null;
  knownPerMonthParked: number | null;
  lines: CostLine[];
  /** Usage prices stated per GB, not in the totals. */
  perGb: UsagePrice[];
  /** Price keys missing from the snapshot. */
  unknown: string[];
  /** Those of them that also bill while parked. */
  unknownParked: string[];
  assumptions: string[];
}

/** What the estimate is computed from: counts taken from the declared resources. */
export interface Billable {
  vmSizes: string[];
  /** One tier per attached disk (OS and data), e.g. S10. */
  diskTiers: string[];
  gatewaySku?: string;
  publicIps: number;
  /** Load-balancing plus outbound rules (both are billed as rules). */
  loadBalancerRules: number;
  hasLoadBalancer: boolean;
  /** Site-to-site connections on the gateway; 1 when absent and there is a gateway. */
  s2sTunnels?: number;
}

/** Rules included in the Standard Load Balancer's base hourly price. */
export const LOAD_BALANCER_INCLUDED_RULES = 5;

/** Site-to-site tunnels a VpnGw1AZ-5AZ gateway's hourly price includes; each further one bills
 * about USD 0.015/h (Azure Well-Architected Framework, cost of networking,
 * https://learn.microsoft.com/azure/well-architected/cost-optimization/ (provision-networking):
 * "The first 10 tunnels are free"; meter 'S2S Connection' of the Retail Prices API). */
export const VPN_INCLUDED_S2S_TUNNELS = 10;

/** Internet egress free each month (Bandwidth pricing, Retail Prices API tier 0 of
 * 'Standard Data Transfer Out': 0 up to 100 GB). */
export const EGRESS_FREE_GB_PER_MONTH = 100;

/** Estimates the cost of `billable` with `snapshot`'s prices. Pure. */
export function estimateCost(billable: Billable, snapshot: PriceSnapshot, assumptions: string[] = []): CostEstimate {
  const lines: CostLine[] = [];
  const add = (item: string, quantity: number, priceKey: string, billsWhen: CostLine["billsWhen"], defaultUnit: "hour" | "month") => {
    if (quantity <= 0) return;
    const found = snapshot.prices[priceKey];
    // A per-GB figure under a time-based key cannot be summed: treat it as unknown.
    const p = found && found.unit !== "GB" ? { ...found, unit: found.unit } : undefined;
    lines.push({ item, quantity, priceKey, unitPrice: p ? p.price : null, unit: p ? p.unit : defaultUnit, source: p ? p.source : null, billsWhen });
  };
  const count = (xs: string[]) => [...xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>())];
  for (const [size, n] of count(billable.vmSizes)) add(`VM ${size} (Windows)`, n, `vm/${size}/windows`, "running", "hour");
  if (billable.gatewaySku) {
    add(`VPN gateway ${billable.gatewaySku}`, 1, `vpnGateway/${billable.gatewaySku}`, "running", "hour");
    const tunnels = billable.s2sTunnels ?? 1;
    add(`Site-to-site tunnel beyond the ${VPN_INCLUDED_S2S_TUNNELS} included`, tunnels - VPN_INCLUDED_S2S_TUNNELS, "vpnGateway/s2sTunnel", "running", "hour");
  }
  add("Standard public IP (static)", billable.publicIps, "publicIp/standard", "running", "hour");
  if (billable.hasLoadBalancer) {
    add(`Standard load balancer (first ${LOAD_BALANCER_INCLUDED_RULES} rules)`, 1, "loadBalancer/first5Rules", "running", "hour");
    add("Standard load balancer rule beyond 5", billable.loadBalancerRules - LOAD_BALANCER_INCLUDED_RULES, "loadBalancer/extraRule", "running", "hour");
  }
  for (const [tier, n] of count(billable.diskTiers)) add(`Managed disk ${tier}`, n, `disk/${tier}`, "always", "month");

  // A line's unit is "hour" or "month"; a snapshot's "GB" prices are only read through `usage`.
  const perHour = (l: CostLine) => (l.unitPrice === null ? 0 : (l.unit === "hour" ? l.unitPrice : l.unitPrice / HOURS_PER_MONTH) * l.quantity);
  const perMonth = (l: CostLine) => (l.unitPrice === null ? 0 : (l.unit === "month" ? l.unitPrice : l.unitPrice * HOURS_PER_MONTH) * l.quantity);
  const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
  const usage = (item: string, priceKey: string, freeGbPerMonth: number): UsagePrice => {
    const p = snapshot.prices[priceKey];
    return { item, priceKey, unitPrice: p ? p.price : null, freeGbPerMonth, source: p ? p.source : null };
  };
  const perGb = [
    ...(billable.hasLoadBalancer ? [usage("Standard load balancer: data processed", "loadBalancer/dataProcessedGB", 0)] : []),
    usage(`Internet egress beyond the free ${EGRESS_FREE_GB_PER_MONTH} GB a month`, "egress/internetPerGB", EGRESS_FREE_GB_PER_MONTH),
  ];
  const unknown = lines.filter((l) => l.unitPrice === null).map((l) => l.priceKey);
  const knownPerHourRunning = round(lines.reduce((sum, l) => sum + perHour(l), 0), 4);
  const parked = lines.filter((l) => l.billsWhen === "always");
  const knownPerMonthParked = round(parked.reduce((sum, l) => sum + perMonth(l), 0), 2);
  const missing = snapshot.missing === true;
  return {
    ...(missing ? { noPrices: `no prices for ${snapshot.region}; run npm run prices -- --region ${snapshot.region}` } : {}),
    currency: snapshot.currency,
    region: snapshot.region,
    date: snapshot.date,
    source: snapshot.source,
    perHourRunning: unknown.length === 0 ? knownPerHourRunning : null,
    perMonthParked: parked.some((l) => l.unitPrice === null) ? null : knownPerMonthParked,
    knownPerHourRunning: missing ? null : knownPerHourRunning,
    knownPerMonthParked: missing ? null : knownPerMonthParked,
    lines,
    perGb,
    unknown,
    unknownParked: parked.filter((l) => l.unitPrice === null).map((l) => l.priceKey),
    assumptions: [
      ...assumptions,
      "VMs at Windows pay-as-you-go rates: no Azure Hybrid Benefit, reservation or savings plan",
      ...(billable.gatewaySku ? [`site-to-site tunnels: the first ${VPN_INCLUDED_S2S_TUNNELS} are in the gateway's price; each further one is a line above`] : []),
      `traffic is not in the totals: load balancer data processed and internet egress are stated per GB below${billable.gatewaySku ? "; traffic through the VPN tunnel bills as egress too" : ""}`,
      "not included: disk transactions, taxes",
    ],
  };
}
