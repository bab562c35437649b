// The plan as a product: cost estimate, time to ready, the Mermaid diagram, price snapshots.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { HOURS_PER_MONTH, PriceSnapshot, estimateCost } from "../src/report/cost";
import { emptySnapshot, loadSnapshot } from "../src/prices/snapshot";
import { RetailItem, priceKeyOf, snapshotFromRetailItems } from "../src/prices/retail";
import { RetailPage, fetchAll, retailFilters } from "../src/prices/cli";
import { renderCost } from "../src/plan/render";
import { PlanResult } from "../src/plan/plan";
import { READINESS_GATE_MINUTES, READINESS_GATE_TYPE, timeToReady } from "../src/report/readiness";
import { HEADER, baseStackYaml, exampleSettings, onlyProblem, planOf, rowsOf, sharedExamplePlan } from "./helpers";
import { buildLab } from "../src/input/lab/lab";

describe("the cost estimate", () => {
  let plan: PlanResult;
  before(async () => {
    plan = await sharedExamplePlan();
  });

  it("prices every line of the example lab from the bundled westeurope snapshot, each with its source, so the totals are numbers", () => {
    const c = plan.cost!;
    assert.deepEqual([c.region, c.currency, c.date, c.noPrices], ["westeurope", "USD", "2026-10-10", undefined]);
    assert.deepEqual(c.lines.map((l) => [l.item, l.quantity, l.unitPrice]), [
      ["VM Standard_B1ms (Windows)", 2, 0.0277],
      ["VM Standard_B4ms (Windows)", 2, 0.208],
      ["VPN gateway VpnGw1AZ", 1, 0.21],
      ["Standard public IP (static)", 2, 0.005],
      ["Standard load balancer (first 5 rules)", 1, 0.025],
      ["Standard load balancer rule beyond 5", 3, 0.01], // 4 RDP + 3 endpoint + 1 outbound rules
      ["Managed disk P10", 5, 21.68], // the BringOnline=No VM's disk bills too
      ["Managed disk P15", 2, 41.811428],
    ]);
    for (const l of c.lines) assert.match(l.source ?? "", /Retail Prices API|abby-v\/SevenThirty|rshade/, l.item);
    assert.deepEqual([c.unknown, c.unknownParked], [[], []]);
    const disks = 5 * 21.68 + 2 * 41.811428;
    assert.equal(c.perHourRunning, Math.round((2 * 0.0277 + 2 * 0.208 + 0.21 + 2 * 0.005 + 0.025 + 3 * 0.01 + disks / 730) * 1e4) / 1e4);
    assert.equal(c.perMonthParked, 192.02, "5 x 21.68 + 2 x 41.81: only the disks bill after destroy");
  });

  it("states load balancer data processed and internet egress beyond the free 100 GB per GB, outside the totals", () => {
    assert.deepEqual(plan.cost!.perGb.map((u) => [u.item, u.unitPrice, u.freeGbPerMonth]), [
      ["Standard load balancer: data processed", 0.005, 0],
      ["Internet egress beyond the free 100 GB a month", 0.087, 100],
    ]);
  });

  it("prices site-to-site tunnels beyond the 10 the gateway includes at the tunnel rate", () => {
    const s = loadSnapshot("westeurope")!;
    const tunnels = (n: number) => estimateCost({ vmSizes: [], diskTiers: [], gatewaySku: "VpnGw1AZ", publicIps: 0, loadBalancerRules: 0, hasLoadBalancer: false, s2sTunnels: n }, s).lines;
    assert.deepEqual(tunnels(1).map((l) => l.priceKey), ["vpnGateway/VpnGw1AZ"]);
    const beyond = tunnels(12).find((l) => l.priceKey === "vpnGateway/s2sTunnel")!;
    assert.deepEqual([beyond.quantity, beyond.unitPrice, beyond.unit], [2, 0.015, "hour"]);
  });

  it("says a region without a price file has no prices and how to get them, never USD 0", () => {
    assert.equal(loadSnapshot("eastus"), undefined, "eastus could not be sourced offline, so no file is shipped");
    const c = estimateCost({ vmSizes: ["Standard_B1ms"], diskTiers: ["S10"], publicIps: 1, loadBalancerRules: 0, hasLoadBalancer: false }, emptySnapshot("eastus"));
    assert.equal(c.noPrices, "no prices for eastus; run npm run prices -- --region eastus");
    assert.deepEqual([c.perHourRunning, c.perMonthParked, c.knownPerHourRunning, c.knownPerMonthParked], [null, null, null, null]);
    assert.deepEqual(renderCost(c), ["Cost estimate: no prices for eastus; run npm run prices -- --region eastus."]);
  });

  it("shows an unknown price as unknown, never as 0", () => {
    const empty: PriceSnapshot = { region: "x", currency: "USD", date: "-", source: "-", prices: {} };
    const c = estimateCost({ vmSizes: ["Standard_B1ms"], diskTiers: ["S10"], publicIps: 1, loadBalancerRules: 0, hasLoadBalancer: false }, empty);
    assert.deepEqual(c.lines.map((l) => l.unitPrice), [null, null, null]);
    assert.deepEqual([c.perHourRunning, c.perMonthParked], [null, null]);
  });

  it("adds hourly and monthly prices over 730 hours a month", () => {
    const snapshot: PriceSnapshot = {
      region: "x", currency: "EUR", date: "d", source: "s",
      prices: { "vm/A/windows": { price: 0.1, unit: "hour", source: "t" }, "disk/S10": { price: 7.3, unit: "month", source: "t" } },
    };
    const c = estimateCost({ vmSizes: ["A", "A"], diskTiers: ["S10", "S10"], publicIps: 0, loadBalancerRules: 0, hasLoadBalancer: false }, snapshot);
    assert.equal(c.perHourRunning, 0.22); // 2 x 0.1 + 2 x 7.3 / 730
    assert.equal(c.perMonthParked, 14.6);
    assert.equal(HOURS_PER_MONTH, 730);
  });

  it("prints every figure labelled as an estimate with region, currency, source and date", async () => {
    const p = await planOf(`${HEADER}\nYes,dc1,,dc1-os,Small,Oxford,,,,No,\n`);
    const { renderPlan } = await import("../src/plan/render");
    const text = renderPlan(p);
    assert.match(text, /Cost estimate \(westeurope, USD, prices of 2026-10-10; source: /);
    assert.match(text, /Managed disk S10 +1 +USD 5\.89\/month/);
    assert.match(text, /Running: USD \d+\.\d+ per hour \(at least USD [\d.]+ for a month always on: a lower bound/, "an hourly number, and the month labelled a lower bound");
    assert.match(text, /Internet egress beyond the free 100 GB a month: USD 0\.0870\/GB/);
    assert.match(text, /priced as S10/);
  });

  it("takes disk tiers from the DiskTiers column and checks them", () => {
    const lab = (tiers: string) => buildLab(exampleSettings(), rowsOf(`${HEADER},DataDisks,DiskTiers\nYes,a,,a-os,Small,Oxford,,,,No,,a-db,${tiers}\n`), "lab.csv");
    assert.deepEqual(lab("p10;S30").lab!.vms[0].diskTiers, ["P10", "S30"]);
    assert.match(onlyProblem(lab("X10").problems).message, /not a managed disk tier/);
    assert.match(onlyProblem(lab("P10;P10;P10").problems).message, /3 tiers for 2 disks/);
  });
});

describe("price snapshots", () => {
  const canned = (JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "retail-items.json"), "utf8")) as { Items: RetailItem[] }).Items;

  it("bundles well-formed snapshots, each price with its source, region and date, never a zero", () => {
    const regions = fs.readdirSync(path.join(__dirname, "..", "prices")).map((f) => f.replace(/\.json$/, "")).sort();
    assert.deepEqual(regions, ["northeurope", "swedencentral", "uksouth", "ukwest", "westeurope"]);
    for (const region of regions) {
      const s = loadSnapshot(region)!;
      assert.equal(s.region, region);
      for (const [key, p] of Object.entries(s.prices)) {
        assert.ok(p.source.length > 20 && p.price > 0 && p.date && p.region, `${region} ${key}`);
        assert.equal(p.region!.startsWith("Global"), key.startsWith("loadBalancer/"), `${region} ${key}: only Load Balancer meters are Global`);
      }
    }
    const we = loadSnapshot("westeurope")!.prices;
    assert.deepEqual([we["vm/Standard_B1s/windows"].price, we["vm/Standard_B1s/windows"].region], [0.016, "westeurope"], "West Europe's B1s, not North Europe's 0.0153");
  });

  it("maps recorded API rows to snapshot keys: Global Load Balancer meters, no '- Free' twins or zero prices, Windows only, the first paid egress tier", () => {
    const s = snapshotFromRetailItems("westeurope", canned, "2026-11-22");
    assert.deepEqual(Object.fromEntries(Object.entries(s.prices).map(([k, p]) => [k, [p.price, p.unit, p.region]])), {
      "disk/S10": [5.888, "month", "westeurope"],
      "egress/internetPerGB": [0.087, "GB", "westeurope"],
      "loadBalancer/dataProcessedGB": [0.005, "GB", "Global"],
      "loadBalancer/extraRule": [0.01, "hour", "Global"],
      "loadBalancer/first5Rules": [0.025, "hour", "Global"],
      "publicIp/standard": [0.005, "hour", "westeurope"],
      "vm/Standard_B1ms/windows": [0.0277, "hour", "westeurope"],
      "vm/Standard_B4ms/windows": [0.208, "hour", "westeurope"],
      "vpnGateway/VpnGw1AZ": [0.21, "hour", "westeurope"],
      "vpnGateway/s2sTunnel": [0.015, "hour", "westeurope"],
    });
    assert.match(s.prices["loadBalancer/first5Rules"].source, /meter 'Standard Included LB Rules and Outbound Rules'.*armRegionName Global, effective 2018-04-11/);
  });

  it("keeps the latest effective price per key and ignores other regions' rows", () => {
    const item = (o: Partial<RetailItem>): RetailItem => ({ ...canned.find((i) => i.meterName === "S10 LRS Disk")!, ...o });
    const s = snapshotFromRetailItems("westeurope", [item({ retailPrice: 5 }), item({ retailPrice: 6, effectiveStartDate: "2026-09-01T00:00:00Z" }), item({ retailPrice: 7, armRegionName: "northeurope", effectiveStartDate: "2026-10-01T00:00:00Z" })], "d");
    assert.equal(s.prices["disk/S10"].price, 6);
    assert.equal(priceKeyOf(item({ serviceName: "Bandwidth" })), undefined);
    assert.equal(priceKeyOf(item({ retailPrice: 0 })), undefined, "a zero price is never a snapshot price");
  });

  it("asks the API for each VM size and each priced service, Load Balancer under region Global", () => {
    const filters = retailFilters("westeurope", ["Standard_B1ms"]);
    assert.ok(filters.some((f) => f.includes("armSkuName eq 'Standard_B1ms'")));
    const lb = filters.filter((f) => f.includes("'Load Balancer'"));
    assert.deepEqual(lb, ["armRegionName eq 'Global' and priceType eq 'Consumption' and serviceName eq 'Load Balancer'"]);
    assert.ok(filters.filter((f) => !lb.includes(f)).every((f) => f.startsWith("armRegionName eq 'westeurope' and priceType eq 'Consumption'")));
  });

  it("pages through NextPageLink with a progress line per page", async () => {
    const pages: Record<string, RetailPage> = {};
    const first = `https://prices.azure.com/api/retail/prices?$filter=${encodeURIComponent("f")}`;
    pages[first] = { Items: canned.slice(0, 2), NextPageLink: "https://prices.azure.com/api/retail/prices?$filter=f&$skip=100" };
    pages["https://prices.azure.com/api/retail/prices?$filter=f&$skip=100"] = { Items: canned.slice(2, 3), NextPageLink: null };
    const lines: string[] = [];
    const items = await fetchAll("f", (l) => lines.push(l), async (url) => pages[url]);
    assert.equal(items.length, 3);
    assert.deepEqual(lines, ["  f: page 1, 2 items, more to come\n", "  f: page 2, 1 items\n"]);
  });
});

describe("time to ready", () => {
  it("follows the longest dependency path and compares it with creating everything in sequence", () => {
    const t = timeToReady([
      { type: "azure-native:resources:ResourceGroup", name: "rg", dependsOn: [] },
      { type: "azure-native:compute:VirtualMachine", name: "a", dependsOn: ["rg"] },
      { type: "azure-native:compute:VirtualMachine", name: "b", dependsOn: ["rg"] },
      { type: "azure-native:network:VirtualNetworkGateway", name: "gw", dependsOn: ["rg"] },
      { type: "azure-native:network:VirtualNetworkGatewayConnection", name: "conn", dependsOn: ["gw"] },
    ]);
    assert.deepEqual(t, { vmsMinutes: 3.2, vpnMinutes: 47.2, criticalPath: ["rg", "gw", "conn"], sequentialMinutes: 53.2 });
  });

  it("counts each readiness gate's assumed wait after its VM, on the VMs' path and in sequence", () => {
    const t = timeToReady([
      { type: "azure-native:resources:ResourceGroup", name: "rg", dependsOn: [] },
      { type: "azure-native:compute:VirtualMachine", name: "dc", dependsOn: ["rg"] },
      { type: READINESS_GATE_TYPE, name: "dc-ready", dependsOn: ["dc"] },
      { type: "azure-native:compute:VirtualMachine", name: "ex", dependsOn: ["dc-ready"] },
    ]);
    assert.deepEqual(t, { vmsMinutes: 0.2 + 3 + READINESS_GATE_MINUTES + 3, vpnMinutes: null, criticalPath: ["rg", "dc", "dc-ready", "ex"], sequentialMinutes: 0.2 + 3 + READINESS_GATE_MINUTES + 3 });
    const lastIsGate = timeToReady([{ type: "azure-native:compute:VirtualMachine", name: "dc", dependsOn: [] }, { type: READINESS_GATE_TYPE, name: "dc-ready", dependsOn: ["dc"] }]);
    assert.equal(lastIsGate.vmsMinutes, 3 + READINESS_GATE_MINUTES, "the VMs are ready when the last gate passes");
  });

  it("gives the critical path of a CSV with two barriers", async () => {
    const csv = `${HEADER}\nYes,dc1,,dc1-os,Small,Oxford,,,,Yes,\nYes,dc2,,dc2-os,Small,Oxford,,,,No,\nYes,ex1,,ex1-os,Large,Oxford,,,,Yes,\nYes,cl1,,cl1-os,Small,London,,,,No,\n`;
    const p = await planOf(csv, baseStackYaml() + "  exchange-lab:vpn: false\n");
    assert.deepEqual(p.errors, []);
    // dc1 is the first barrier; dc2 waits for its gate; ex1, the second barrier, waits for dc2 and dc1's gate; cl1 waits for ex1's gate.
    assert.deepEqual(p.timeToReady, {
      vmsMinutes: 23.8,
      vpnMinutes: null,
      // The load balancer and NICs wait for the last subnet write, so the subnets are on the path.
      criticalPath: ["exchange-lab", "MCMHybrid", "GatewaySubnet", "Oxford", "London", "MCMHybrid-lb", "dc1-nic", "dc1", "dc1-ready", "dc2", "ex1", "ex1-ready", "cl1", "shutdown-computevm-cl1"],
      sequentialMinutes: 26,
    });
  });

  it("puts the VPN gateway on the example's critical path, and the VMs well before it", async () => {
    const t = (await sharedExamplePlan()).timeToReady!;
    assert.deepEqual(t.criticalPath.slice(-2), ["MCMHybrid-vpngw", "MCMHybrid-to-draytek"]);
    assert.ok(t.vmsMinutes < 25 && t.vpnMinutes! > 45, JSON.stringify(t));
  });
});

describe("the Mermaid diagram", () => {
  it("renders the example lab as pinned in test/snapshots/diagram-oxford.mmd", async () => {
    const p = await sharedExamplePlan();
    const file = path.join(__dirname, "snapshots", "diagram-oxford.mmd");
    if (process.env.UPDATE_SNAPSHOTS) fs.writeFileSync(file, p.mermaid!);
    assert.equal(p.mermaid, fs.readFileSync(file, "utf8"));
  });

  it("is embedded in the README as rendered from the example lab", async () => {
    const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
    assert.ok(readme.includes("```mermaid\n" + (await sharedExamplePlan()).mermaid + "```"));
  });
});
