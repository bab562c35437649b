/**
 * The cost estimate: per hour while the lab runs, per month while it is parked after
 * `pulumi destroy` (only the disks still bill). From the declared resources and a price
 * snapshot (`prices/<region>.json`, refreshed by `npm run prices`). Pure.
 *
 * Billing facts (Microsoft Learn, https://learn.microsoft.com/azure/virtual-machines/states-billing): a deallocated VM bills
 * no compute; disks bill whether attached or not; a Standard public IP bills while it exists.
 * A VM attached to a Windows disk without Azure Hybrid Benefit bills the Windows rate.
 * Disks are priced by the hour at their type's tier, so a disk parked on another type
 * (`npm run lab -- park`) bills that type's share for the hours it spends there: an assumption.
 * The older billing article said "All disk types are billed at an hourly rate"; the current one,
 * https://learn.microsoft.com/azure/virtual-machines/disks-understand-billing, no longer does.
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
  /** The same disks on `parkedDiskSku`, and a typical month with and without parking (when the billable names it). */
  parking?: ParkingCost;
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
  /** The stack's `parkedDiskSku` for each disk of `diskTiers` (OS or data), when the estimate should price parking. */
  parkedDiskSkus?: string[];
  /** How the parked types are named in the report (`OS disks ..., data disks ...`). */
  parkedDiskSkuText?: string;
  /** The sizes of the VMs declared with a licence of the user's own (`licenseType` Windows_Server
   * or Windows_Client), one per VM and not in `vmSizes`: they bill the base compute rate, which the
   * Retail Prices API publishes as the size's Linux meter. */
  licensedVmSizes?: string[];
  /** The stack's `licenseType`, named in those lines. */
  licenseType?: string;
}

/** Hours running in the month of typical use the estimate prices (evenings and a weekend). */
export const TYPICAL_HOURS_RUNNING = 40;

/** What parking the disks saves (`npm run lab -- stop --park` / `park`). Sums null when a price is unknown. */
export interface ParkingCost {
  /** The parked types in words, e.g. `OS disks StandardSSD_LRS, data disks Standard_LRS`. */
  parkedDiskSku: string;
  /** One line per parked tier (e.g. S10 x 5), priced from the snapshot. */
  lines: CostLine[];
  /** A month parked after `pulumi destroy`, disks on their running types (= perMonthParked). */
  perMonthOnRunningTypes: number | null;
  /** A month parked after `pulumi destroy`, disks on `parkedDiskSku`. */
  perMonthOnParkedSku: number | null;
  /** A month of {@link TYPICAL_HOURS_RUNNING} hours running (every hourly line and the disks on
   * their running types) and the rest destroyed: without parking (disks on their running types
   * all month) and with it (parked for the other hours). */
  typicalMonth: { hoursRunning: number; withoutParking: number | null; withParking: number | null };
  /** The same month with the stack kept between sessions (`npm run lab -- stop` / `stop --park`):
   * the VMs bill their running hours, the gateway, IPs and load balancer every hour of the month. */
  typicalMonthStopped: { withoutParking: number | null; withParking: number | null };
}

/** Standard HDD sizes (S4-S80; disks-types). */
const HDD_SIZES = [4, 6, 10, 15, 20, 30, 40, 50, 60, 70, 80];

/**
 * The tier a disk of `tier` (S10, E15, P10, ...) bills at once converted to `sku`: the same size
 * number in the target type's letter (Standard_LRS S, StandardSSD_LRS E; disks-types). Standard
 * HDD starts at S4 (32 GiB), so P1-P4 / E1-E4 become S4. A Standard HDD disk stays S on
 * StandardSSD_LRS: parking never moves a disk to a dearer type (npm run lab skips it).
 */
export function parkedTier(tier: string, sku: string): string {
  const letter = tier[0];
  const size = Number(tier.slice(1));
  if (sku === "StandardSSD_LRS" && letter !== "S") return `E${size}`;
  return `S${HDD_SIZES.find((s) => s >= size) ?? size}`;
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
  // A VM under licenseType pays no Windows licence: the base compute rate, the size's Linux meter
  // (Azure Hybrid Benefit: https://learn.microsoft.com/azure/virtual-machines/windows/hybrid-use-benefit-licensing;
  // Windows 10/11 multitenant hosting rights: .../windows-desktop-multitenant-hosting-deployment).
  // A snapshot without that meter keeps the Windows rate, said to be an upper bound.
  const atWindowsRate: string[] = [];
  for (const [size, n] of count(billable.licensedVmSizes ?? [])) {
    if (snapshot.prices[`vm/${size}/linux`]) add(`VM ${size} (base compute, licenseType ${billable.licenseType})`, n, `vm/${size}/linux`, "running", "hour");
    else {
      atWindowsRate.push(size);
      add(`VM ${size} (Windows rate; licenseType ${billable.licenseType}: an upper bound)`, n, `vm/${size}/windows`, "running", "hour");
    }
  }
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
  const parking = billable.parkedDiskSkus ? parkingCost(billable, snapshot, lines, parked, perHour, perMonth) : undefined;
  return {
    // A missing snapshot's source says why it is missing and what fetches it (src/prices/snapshot.ts).
    ...(missing ? { noPrices: snapshot.source } : {}),
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
    ...(parking ? { parking } : {}),
    assumptions: [
      ...assumptions,
      billable.licensedVmSizes?.length
        ? `VMs at Windows pay-as-you-go rates, but the ${billable.licensedVmSizes.length} under licenseType ${billable.licenseType} at the base compute rate (the size's Linux meter)${atWindowsRate.length ? `; ${atWindowsRate.join(", ")} at the Windows rate, as the snapshot has no Linux price for ${atWindowsRate.length === 1 ? "it" : "them"}, so the running figures are upper bounds` : ""}; no reservation or savings plan`
        : "VMs at Windows pay-as-you-go rates: no Azure Hybrid Benefit, reservation or savings plan",
      ...(billable.gatewaySku ? [`site-to-site tunnels: the first ${VPN_INCLUDED_S2S_TUNNELS} are in the gateway's price; each further one is a line above`] : []),
      `traffic is not in the totals: load balancer data processed and internet egress are stated per GB below${billable.gatewaySku ? "; traffic through the VPN tunnel bills as egress too" : ""}`,
      "not included: disk transactions, taxes",
    ],
  };
}

/** The parking figures: the disks re-priced at their parked tiers, and the typical month. */
function parkingCost(billable: Billable, snapshot: PriceSnapshot, lines: readonly CostLine[], parked: readonly CostLine[], perHour: (l: CostLine) => number, perMonth: (l: CostLine) => number): ParkingCost {
  const skus = billable.parkedDiskSkus!;
  const counts = new Map<string, number>();
  billable.diskTiers.forEach((tier, i) => {
    const at = parkedTier(tier, skus[i] ?? "Standard_LRS");
    counts.set(at, (counts.get(at) ?? 0) + 1);
  });
  const parkedLines: CostLine[] = [...counts].map(([tier, quantity]) => {
    const p = snapshot.prices[`disk/${tier}`];
    const known = p && p.unit === "month";
    return { item: `Managed disk ${tier} (parked)`, quantity, priceKey: `disk/${tier}`, unitPrice: known ? p.price : null, unit: "month", source: known ? p.source : null, billsWhen: "always" };
  });
  const sum = (xs: readonly CostLine[], f: (l: CostLine) => number) => (xs.some((l) => l.unitPrice === null) ? null : xs.reduce((a, l) => a + f(l), 0));
  const round2 = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);
  const onRunning = sum(parked, perMonth);
  const onParked = sum(parkedLines, perMonth);
  const hourly = sum(lines, perHour);
  const h = TYPICAL_HOURS_RUNNING;
  const idle = HOURS_PER_MONTH - h;
  // Deallocated VMs bill no compute; everything else hourly bills while the stack exists.
  const network = sum(lines.filter((l) => l.billsWhen === "running" && !l.priceKey.startsWith("vm/")), perHour);
  const stopped = (disks: number | null) => (hourly === null || disks === null || network === null ? null : round2(hourly * h + network * idle + (disks / HOURS_PER_MONTH) * idle));
  return {
    parkedDiskSku: billable.parkedDiskSkuText ?? [...new Set(skus)].join(", "),
    lines: parkedLines,
    perMonthOnRunningTypes: round2(onRunning),
    perMonthOnParkedSku: round2(onParked),
    typicalMonth: {
      hoursRunning: h,
      withoutParking: hourly === null || onRunning === null ? null : round2(hourly * h + (onRunning / HOURS_PER_MONTH) * idle),
      withParking: hourly === null || onParked === null ? null : round2(hourly * h + (onParked / HOURS_PER_MONTH) * idle),
    },
    typicalMonthStopped: { withoutParking: stopped(onRunning), withParking: stopped(onParked) },
  };
}
