// What parking saves, in the plan's cost (text and JSON), and Premium SSD tiers on sizes without Premium storage.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { PlanResult } from "../src/plan/plan";
import { renderPlan } from "../src/plan/render";
import { loadSnapshot } from "../src/prices/snapshot";
import { HOURS_PER_MONTH, TYPICAL_HOURS_RUNNING, estimateCost, parkedTier } from "../src/report/cost";
import { sizeCatalogue } from "../src/input/catalogues";
import { supportsPremiumStorage } from "../src/input/csv/sizes";
import { planDisk } from "../src/labctl/parking";
import { buildLab } from "../src/input/lab/lab";
import { HEADER, ROOT, exampleSettings, onlyProblem, rowsOf, sharedExamplePlan } from "./helpers";

/** A lab of CSV rows with the Endpoints, DataDisks, DiskTiers and Image columns. */
const labOf = (row: string, settings = exampleSettings()) => buildLab(settings, rowsOf(`${HEADER},Endpoints,DataDisks,DiskTiers,Image\n${row}`), "lab.csv");

/** The example lab's disks parked a month on the default types: five E10 OS disks, two S15 data disks. */
function parkedMonth(): number {
  const prices = loadSnapshot("westeurope")!.prices;
  return 5 * prices["disk/E10"].price + 2 * prices["disk/S15"].price;
}

describe("the cost of a parked lab", () => {
  let plan: PlanResult;
  before(async () => {
    plan = await sharedExamplePlan();
  });

  it("docs/parking.md states the example lab's figures the plan prints (the page's opening sentences and its table of a typical month)", () => {
    const doc = fs.readFileSync(path.join(ROOT, "docs", "parking.md"), "utf8");
    const p = plan.cost!.parking!;
    const usd = (x: number | null) => `USD ${x!.toFixed(2)}`;
    assert.ok(doc.includes(`cost **${usd(p.perMonthOnRunningTypes)} a month**`) && doc.includes(`cost **${usd(p.perMonthOnParkedSku)}**`), "the opening figures");
    assert.ok(doc.includes(`| ${usd(p.typicalMonth.withoutParking)} | ${usd(p.typicalMonth.withParking)} |`), "destroyed the rest");
    assert.ok(doc.includes(`| ${usd(p.typicalMonthStopped.withoutParking)} | ${usd(p.typicalMonthStopped.withParking)} |`), "kept, VMs deallocated the rest");
  });

  it("prices the example lab's disks on the default parkedDiskSku (OS disks on Standard SSD, data disks on Standard HDD) from the sourced E- and S-tier prices, in JSON and text", () => {
    const prices = loadSnapshot("westeurope")!.prices;
    assert.match(prices["disk/E10"].source, /Retail Prices API/);
    assert.match(prices["disk/S15"].source, /Retail Prices API/);
    // Five P10 OS disks -> E10 (Standard HDD OS disks retire: disks-hdd-os-retirement), two P15 data disks -> S15.
    const s = 5 * prices["disk/E10"].price + 2 * prices["disk/S15"].price;
    const json = JSON.parse(JSON.stringify({ cost: plan.cost })) as { cost: { perMonthParked: number; parking: { parkedDiskSku: string; perMonthOnParkedSku: number; perMonthOnRunningTypes: number; lines: { item: string; quantity: number; source: string }[] } } };
    const p = json.cost.parking;
    assert.equal(p.parkedDiskSku, "OS disks StandardSSD_LRS, data disks Standard_LRS");
    assert.equal(p.perMonthOnParkedSku, Math.round(s * 100) / 100);
    assert.equal(p.perMonthOnRunningTypes, json.cost.perMonthParked);
    assert.deepEqual(p.lines.map((l) => [l.item, l.quantity]), [["Managed disk E10 (parked)", 5], ["Managed disk S15 (parked)", 2]]);
    for (const l of p.lines) assert.match(l.source, /Retail Prices API/);
    const text = renderPlan(plan);
    assert.match(text, /Parked \(OS disks StandardSSD_LRS, data disks Standard_LRS; npm run lab -- park, docs\/parking\.md\): USD \d+\.\d\d per month \(5 x E10 at USD \d+\.\d\d, 2 x S15 at USD 11\.33\); on their running types: USD 192\.02\./);
    assert.match(text, /A month of 40 hours running, destroyed the rest: USD \d+\.\d\d with parking, USD \d+\.\d\d without/);
  });

  it("prices a month of 40 hours running with and without parking, the disks by the hour", () => {
    const c = plan.cost!;
    const t = c.parking!.typicalMonth;
    const idle = HOURS_PER_MONTH - TYPICAL_HOURS_RUNNING;
    const hourly = c.lines.reduce((a, l) => a + (l.unit === "hour" ? l.unitPrice! : l.unitPrice! / HOURS_PER_MONTH) * l.quantity, 0);
    assert.equal(t.hoursRunning, 40);
    assert.equal(t.withoutParking, Math.round((hourly * 40 + (c.perMonthParked! / HOURS_PER_MONTH) * idle) * 100) / 100);
    assert.equal(t.withParking, Math.round((hourly * 40 + (parkedMonth() / HOURS_PER_MONTH) * idle) * 100) / 100);
    const network = 0.21 + 2 * 0.005 + 0.025 + 3 * 0.01; // gateway, IPs, load balancer: they bill while the stack exists
    assert.equal(c.parking!.typicalMonthStopped.withParking, Math.round((hourly * 40 + network * idle + (parkedMonth() / HOURS_PER_MONTH) * idle) * 100) / 100);
  });

  it("maps tiers to the parked type: same size, S4 at least, never a dearer type; an unknown price is unknown", () => {
    assert.deepEqual(["P10", "P15", "P1", "E30", "S20"].map((t) => parkedTier(t, "Standard_LRS")), ["S10", "S15", "S4", "S30", "S20"]);
    assert.deepEqual(["P10", "S10", "E4"].map((t) => parkedTier(t, "StandardSSD_LRS")), ["E10", "S10", "E4"]);
    const c = estimateCost({ vmSizes: [], diskTiers: ["P10"], publicIps: 0, loadBalancerRules: 0, hasLoadBalancer: false, parkedDiskSkus: ["Standard_LRS"] }, { region: "x", currency: "USD", date: "d", source: "s", prices: { "disk/P10": { price: 21.68, unit: "month", source: "t" } } });
    assert.equal(c.parking!.perMonthOnParkedSku, null);
    assert.equal(c.parking!.typicalMonth.withParking, null);
  });

  it("never parks a Standard HDD disk on Standard SSD (it would cost more)", () => {
    const disk = { vm: "a", role: "OS disk", resourceGroup: "g", name: "a-os" };
    const step = planDisk(disk, { sku: "Standard_LRS", tags: {}, diskState: "Reserved" }, "park", "StandardSSD_LRS", new Date());
    assert.match(step.skip ?? "", /cheaper than StandardSSD_LRS/);
  });
});

describe("Premium SSD needs a size with Premium storage", () => {
  it("knows which catalogue sizes support Premium storage: all but the Av2 series", () => {
    const without = sizeCatalogue().entries.map((s) => s.name).filter((n) => !supportsPremiumStorage(n));
    assert.deepEqual(without, ["Standard_A1_v2", "Standard_A2_v2", "Standard_A4_v2", "Standard_A8_v2", "Standard_A2m_v2", "Standard_A4m_v2", "Standard_A8m_v2"]);
    assert.ok(supportsPremiumStorage("Standard_DS2_v2"));
    assert.ok(!supportsPremiumStorage("Standard_D2_v3"));
  });

  it("a P tier on a size without Premium storage is an error on DiskTiers; S and E tiers are not", () => {
    const row = (size: string, tiers: string) => labOf(`Yes,a,,a-os,${size},Oxford,,,,No,,,,${tiers},`);
    const p = onlyProblem(row("Standard_A2_v2", "P10").problems);
    assert.equal(p.column, "DiskTiers");
    assert.match(p.message, /P10 is a Premium SSD tier, and Standard_A2_v2 does not support Premium storage .*vm-naming-conventions/);
    assert.deepEqual(row("Standard_A2_v2", "E10").problems, []);
    assert.deepEqual(row("Small", "P10").problems, []);
  });

  it("an Image row on such a size, its OS disk created on a Premium osDiskSku, is an error on VMInstanceSize", () => {
    const settings = exampleSettings({ "exchange-lab:osDiskSku": "Premium_LRS", "exchange-lab:adminUsername": "labadmin" });
    const built = labOf(`Yes,a,,,Standard_A2_v2,Oxford,,,,No,,,,,ws2022`, settings);
    const p = built.problems.find((x) => x.column === "VMInstanceSize");
    assert.ok(p, JSON.stringify(built.problems));
    assert.match(p.message, /would be created as Premium_LRS \(osDiskSku\)/);
  });
});
