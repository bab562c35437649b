// The plan as a product: cost estimate, time to ready, the Mermaid diagram, price snapshots.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { HOURS_PER_MONTH, PriceSnapshot, estimateCost } from "../src/cost";
import { loadSnapshot } from "../src/prices/snapshot";
import { RetailItem, priceKeyOf, snapshotFromRetailItems } from "../src/prices/retail";
import { retailFilters } from "../src/prices/cli";
import { PlanResult } from "../src/plan/plan";
import { READINESS_GATE_MINUTES, READINESS_GATE_TYPE, timeToReady } from "../src/readiness";
import { HEADER, baseStackYaml, exampleSettings, onlyProblem, planOf, rowsOf, sharedExamplePlan } from "./helpers";
import { buildLab } from "../src/lab";

describe("the cost estimate", () => {
  let plan: PlanResult;
  before(async () => {
    plan = await sharedExamplePlan();
  });

  it("prices the example lab with the bundled westeurope snapshot", () => {
    const c = plan.cost!;
    assert.deepEqual([c.region, c.currency, c.date], ["westeurope", "USD", "2026-11-21"]);
    assert.deepEqual(c.lines.map((l) => [l.item, l.quantity, l.unitPrice]), [
      ["VM Standard_B1ms (Windows)", 2, null],
      ["VM Standard_B4ms (Windows)", 2, null],
      ["VPN gateway VpnGw1AZ", 1, 0.21],
      ["Standard public IP (static)", 2, 0.005],
      ["Standard load balancer (first 5 rules)", 1, 0.025],
      ["Standard load balancer rule beyond 5", 3, 0.01], // 4 RDP + 3 endpoint + 1 outbound rules
      ["Managed disk P10", 5, 21.68], // the BringOnline=No VM's disk bills too
      ["Managed disk P15", 2, 41.81],
    ]);
    // 0.21 + 2 x 0.005 + 0.025 + 3 x 0.01 + (5 x 21.68 + 2 x 41.81) / 730
    assert.equal(c.knownPerHourRunning, 0.538);
    assert.equal(c.perHourRunning, null, "a VM price is unknown, so there is no complete hourly figure");
    assert.deepEqual(c.unknown, ["vm/Standard_B1ms/windows", "vm/Standard_B4ms/windows"]);
    assert.equal(c.perMonthParked, 192.02, "5 x 21.68 + 2 x 41.81: only the disks bill after destroy");
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
    assert.match(text, /Cost estimate \(westeurope, USD, prices of 2026-11-21; source: /);
    assert.match(text, /plus the unknown vm\/Standard_B1ms\/windows/);
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
  it("bundles a well-formed snapshot for the example's region, with a source on every price", () => {
    const s = loadSnapshot("westeurope")!;
    assert.ok(Object.keys(s.prices).length > 0);
    for (const [key, p] of Object.entries(s.prices)) assert.ok(p.source.length > 10 && p.price > 0, key);
  });

  it("turns Retail Prices API items into snapshot keys, ignoring Spot, Linux and other meters", () => {
    const item = (o: Partial<RetailItem>): RetailItem => ({
      currencyCode: "USD", retailPrice: 1, unitOfMeasure: "1 Hour", armRegionName: "westeurope", skuName: "", productName: "", meterName: "", serviceName: "", type: "Consumption", effectiveStartDate: "2026-01-01T00:00:00Z", ...o,
    });
    const items = [
      item({ serviceName: "Virtual Machines", productName: "Virtual Machines BS Series Windows", armSkuName: "Standard_B1ms", meterName: "B1ms", retailPrice: 0.03 }),
      item({ serviceName: "Virtual Machines", productName: "Virtual Machines BS Series Windows", armSkuName: "Standard_B1ms", meterName: "B1ms Spot", retailPrice: 0.01 }),
      item({ serviceName: "Virtual Machines", productName: "Virtual Machines BS Series", armSkuName: "Standard_B1ms", meterName: "B1ms", retailPrice: 0.02 }),
      item({ serviceName: "VPN Gateway", skuName: "VpnGw1AZ", meterName: "VpnGw1AZ", retailPrice: 0.21 }),
      item({ serviceName: "Virtual Network", productName: "IP Addresses", skuName: "Standard", meterName: "Standard IPv4 Static Public IP", retailPrice: 0.005 }),
      item({ serviceName: "Load Balancer", meterName: "Standard Included LB Rules and Outbound Rules", retailPrice: 0.025 }),
      item({ serviceName: "Load Balancer", meterName: "Standard Overage LB Rules and Outbound Rules", retailPrice: 0.01 }),
      item({ serviceName: "Storage", productName: "Premium SSD Managed Disks", meterName: "P10 LRS Disk", unitOfMeasure: "1/Month", retailPrice: 21.68 }),
      item({ serviceName: "Storage", productName: "Premium SSD Managed Disks", meterName: "P10 LRS Disk", unitOfMeasure: "1/Month", retailPrice: 19, effectiveStartDate: "2025-01-01T00:00:00Z" }),
      item({ serviceName: "VPN Gateway", skuName: "VpnGw1AZ", meterName: "VpnGw1AZ", retailPrice: 9, type: "Reservation" }),
    ];
    const s = snapshotFromRetailItems("westeurope", items, "2026-11-21");
    assert.deepEqual(Object.fromEntries(Object.entries(s.prices).map(([k, p]) => [k, [p.price, p.unit]])), {
      "disk/P10": [21.68, "month"],
      "loadBalancer/extraRule": [0.01, "hour"],
      "loadBalancer/first5Rules": [0.025, "hour"],
      "publicIp/standard": [0.005, "hour"],
      "vm/Standard_B1ms/windows": [0.03, "hour"],
      "vpnGateway/VpnGw1AZ": [0.21, "hour"],
    });
    assert.equal(priceKeyOf(item({ serviceName: "Bandwidth" })), undefined);
  });

  it("asks the API for each VM size and each priced service of one region", () => {
    const filters = retailFilters("westeurope", ["Standard_B1ms"]);
    assert.ok(filters.every((f) => f.startsWith("armRegionName eq 'westeurope' and priceType eq 'Consumption'")));
    assert.ok(filters.some((f) => f.includes("armSkuName eq 'Standard_B1ms'")));
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
      vmsMinutes: 23.1,
      vpnMinutes: null,
      criticalPath: ["exchange-lab", "MCMHybrid-lab-ip", "MCMHybrid-lb", "dc1-nic", "dc1", "dc1-ready", "dc2", "ex1", "ex1-ready", "cl1", "shutdown-computevm-cl1"],
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
