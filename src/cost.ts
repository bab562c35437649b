/**
 * The cost estimate: per hour while the lab runs, per month while it is parked after
 * `pulumi destroy` (only the disks still bill). From the declared resources and a price
 * snapshot (`prices/<region>.json`, refreshed by `npm run prices`). Pure.
 *
 * Billing facts (Microsoft Learn, `virtual-machines/states-billing.md`): a deallocated VM bills
 * no compute; disks bill whether attached or not; a Standard public IP bills while it exists.
 * A VM attached to a Windows disk without Azure Hybrid Benefit bills the Windows rate.
 */

/** Hours in a billing month as Azure's calculator counts them. */
export const HOURS_PER_MONTH = 730;

/** One price of the snapshot. */
export interface Price {
  /** Currency units per `unit`. */
  price: number;
  unit: "hour" | "month";
  /** Where the figure comes from (an API meter, a pricing page), and its date. */
  source: string;
}

/** A bundled or refreshed price list for one region. */
export interface PriceSnapshot {
  region: string;
  currency: string;
  /** When the figures were taken (ISO date). */
  date: string;
  source: string;
  /** Keys: `vm/<size>/windows`, `vpnGateway/<sku>`, `publicIp/standard`, `loadBalancer/first5Rules`,
   * `loadBalancer/extraRule`, `disk/<tier>` (S10, E10, P10, ...). */
  prices: Record<string, Price>;
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

export interface CostEstimate {
  currency: string;
  region: string;
  /** Snapshot date and source, for the label. */
  date: string;
  source: string;
  /** Sum per hour while running (compute, gateway, IPs, load balancer, disks); null when a price is unknown. */
  perHourRunning: number | null;
  /** Sum per month while parked (disks); null when a price is unknown. */
  perMonthParked: number | null;
  /** The sums of the known prices only. */
  knownPerHourRunning: number;
  knownPerMonthParked: number;
  lines: CostLine[];
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
}

/** Rules included in the Standard Load Balancer's base hourly price. */
export const LOAD_BALANCER_INCLUDED_RULES = 5;

/** Estimates the cost of `billable` with `snapshot`'s prices. Pure. */
export function estimateCost(billable: Billable, snapshot: PriceSnapshot, assumptions: string[] = []): CostEstimate {
  const lines: CostLine[] = [];
  const add = (item: string, quantity: number, priceKey: string, billsWhen: CostLine["billsWhen"], defaultUnit: "hour" | "month") => {
    if (quantity <= 0) return;
    const p = snapshot.prices[priceKey];
    lines.push({ item, quantity, priceKey, unitPrice: p ? p.price : null, unit: p ? p.unit : defaultUnit, source: p ? p.source : null, billsWhen });
  };
  const count = (xs: string[]) => [...xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>())];
  for (const [size, n] of count(billable.vmSizes)) add(`VM ${size} (Windows)`, n, `vm/${size}/windows`, "running", "hour");
  if (billable.gatewaySku) add(`VPN gateway ${billable.gatewaySku}`, 1, `vpnGateway/${billable.gatewaySku}`, "running", "hour");
  add("Standard public IP (static)", billable.publicIps, "publicIp/standard", "running", "hour");
  if (billable.hasLoadBalancer) {
    add(`Standard load balancer (first ${LOAD_BALANCER_INCLUDED_RULES} rules)`, 1, "loadBalancer/first5Rules", "running", "hour");
    add("Standard load balancer rule beyond 5", billable.loadBalancerRules - LOAD_BALANCER_INCLUDED_RULES, "loadBalancer/extraRule", "running", "hour");
  }
  for (const [tier, n] of count(billable.diskTiers)) add(`Managed disk ${tier}`, n, `disk/${tier}`, "always", "month");

  const perHour = (l: CostLine) => (l.unitPrice === null ? 0 : (l.unit === "hour" ? l.unitPrice : l.unitPrice / HOURS_PER_MONTH) * l.quantity);
  const perMonth = (l: CostLine) => (l.unitPrice === null ? 0 : (l.unit === "month" ? l.unitPrice : l.unitPrice * HOURS_PER_MONTH) * l.quantity);
  const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
  const unknown = lines.filter((l) => l.unitPrice === null).map((l) => l.priceKey);
  const knownPerHourRunning = round(lines.reduce((sum, l) => sum + perHour(l), 0), 4);
  const parked = lines.filter((l) => l.billsWhen === "always");
  const knownPerMonthParked = round(parked.reduce((sum, l) => sum + perMonth(l), 0), 2);
  return {
    currency: snapshot.currency,
    region: snapshot.region,
    date: snapshot.date,
    source: snapshot.source,
    perHourRunning: unknown.length === 0 ? knownPerHourRunning : null,
    perMonthParked: parked.some((l) => l.unitPrice === null) ? null : knownPerMonthParked,
    knownPerHourRunning,
    knownPerMonthParked,
    lines,
    unknown,
    unknownParked: parked.filter((l) => l.unitPrice === null).map((l) => l.priceKey),
    assumptions: [
      ...assumptions,
      "VMs at Windows pay-as-you-go rates: no Azure Hybrid Benefit, reservation or savings plan",
      ...(billable.gatewaySku ? ["the one site-to-site tunnel is within the tunnels the gateway price includes"] : []),
      "not included: data transfer, load balancer data processed, disk transactions, taxes",
    ],
  };
}
