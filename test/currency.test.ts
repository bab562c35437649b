// Money in the billing currency (issue 29, item 7): the uksouth lab of the newcomer's walkthrough
// priced in GBP from the Retail Prices API's own GBP figures, parked Standard HDD included; the
// stack key `currency`; `npm run prices -- --currency`. Nothing is ever converted.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { regionCurrency } from "../src/input/currencies";
import { parseSettings } from "../src/input/stack/settings";
import { PlanResult, runPlan } from "../src/plan/plan";
import { renderPlan } from "../src/plan/render";
import { estimateCost } from "../src/report/cost";
import { RetailPage, main as pricesMain } from "../src/prices/cli";
import { RetailItem } from "../src/prices/retail";
import { loadSnapshot, snapshotFor } from "../src/prices/snapshot";
import { ROOT, exampleConfig } from "./helpers";

const FIXTURE = path.join(ROOT, "test", "fixtures", "from-scratch");
const HEADER = "BringOnline,VMName,VMOSDiskName,VMInstanceSize,SubnetName,IPAddress,WaitForBoot,PublicRDPPort,Endpoints,Image,ComputerName,Role";
/** The walkthrough's lab: a DC, an Exchange server and a Windows 11 client, in uksouth. */
const ROWS = ["Yes,fs-dc1,,Medium,Lab,10.40.1.4,Yes,,,ws2022-g2,,DC", "Yes,fs-ex1,,Large,Lab,10.40.1.10,No,,https,ws2022-g2,,Exchange", "Yes,fs-cl1,,Medium,Lab,10.40.1.20,No,,,win11,,Member"];
const SECRETS = ["  exchange-lab:adminPassword: \"Adm1n-Secret-Value\"", "  exchange-lab:safeModePassword: \"Dsrm-Secret-Value1\"", "  exchange-lab:exchangeIsoUrl: \"https://acct.blob.core.windows.net/iso/se.iso?sig=S\"", "  exchange-lab:vpnSharedKey: Pl4inKey"];

function planUkLab(extra: string[] = [], region = "uksouth"): Promise<PlanResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "currency-"));
  fs.writeFileSync(path.join(dir, "lab.csv"), [HEADER, ...ROWS].join("\n") + "\n");
  const yaml = fs.readFileSync(path.join(FIXTURE, "Pulumi.from-scratch.yaml"), "utf8").replace("azure-native:location: westeurope", `azure-native:location: ${region}`);
  const stackFile = path.join(dir, "Pulumi.uk.yaml");
  fs.writeFileSync(stackFile, [yaml.trimEnd(), ...SECRETS, ...extra, ""].join("\n"));
  return runPlan({ stackFile, baseDir: dir });
}

describe("money in the billing currency (issue 29, item 7)", function () {
  this.timeout(60000);
  let uk: PlanResult;
  before(async () => {
    uk = await planUkLab();
  });

  it("a uksouth lab is priced in GBP from the API's own GBP figures: every line known, parking included", () => {
    assert.deepEqual(uk.errors, []);
    const c = uk.cost!;
    assert.deepEqual([c.region, c.currency, c.date, c.noPrices], ["uksouth", "GBP", "2026-10-10", undefined]);
    assert.deepEqual([c.unknown, c.unknownParked], [[], []]);
    for (const l of c.lines) assert.match(l.source ?? "", /in GBP as captured in abby-v\/SevenThirty .*@feee7fa6/, l.item);
    assert.ok(c.perHourRunning! > 0 && c.perMonthParked! > 0);
    const p = c.parking!;
    assert.ok(p.lines.length > 0 && p.lines.every((l) => l.unitPrice !== null), JSON.stringify(p.lines));
    assert.ok(p.perMonthOnParkedSku !== null && p.typicalMonth.withParking !== null && p.typicalMonthStopped.withParking !== null);
    const text = renderPlan(uk);
    assert.match(text, /Cost estimate \(uksouth, GBP, prices of 2026-10-10; source: Azure Retail Prices API captures in public repositories \(currencyCode GBP\)/);
    assert.doesNotMatch(text.slice(text.indexOf("Cost estimate")), /USD|unknown \(disk\//);
  });

  it("the uksouth Standard HDD and SSD prices are the capture's GBP figures, unconverted", () => {
    const s = loadSnapshot("uksouth")!;
    assert.equal(s.currency, "GBP");
    const price = (k: string) => s.prices[k].price;
    assert.deepEqual([price("disk/S4"), price("disk/S10"), price("disk/E4"), price("disk/E10"), price("vm/Standard_B2s/windows")], [1.27552, 4.888486, 1.992528, 7.970112, 0.041662]);
    assert.equal(loadSnapshot("ukwest")!.currency, "GBP");
  });

  it("parked in uksouth: OS disks at the Standard SSD price, data disks at the Standard HDD price, both known in GBP", () => {
    const c = estimateCost({ vmSizes: [], diskTiers: ["P10", "P15"], publicIps: 0, loadBalancerRules: 0, hasLoadBalancer: false, parkedDiskSkus: ["StandardSSD_LRS", "Standard_LRS"] }, loadSnapshot("uksouth")!);
    assert.deepEqual(c.parking!.lines.map((l) => [l.priceKey, l.unitPrice]), [["disk/E10", 7.970112], ["disk/S15", 9.40357]]);
    assert.equal(c.parking!.perMonthOnParkedSku, Math.round((7.970112 + 9.40357) * 100) / 100);
  });

  it("the JSON keeps the currency beside each figure", () => {
    const json = JSON.parse(JSON.stringify(uk.cost)) as { currency: string; perMonthParked: number; lines: { unitPrice: number }[] };
    assert.equal(json.currency, "GBP");
    assert.equal(typeof json.perMonthParked, "number");
  });

  it("currency: GBP on a uksouth lab changes nothing; currency: EUR shows no prices (never converted) and says which command fetches them, at the key", async () => {
    const same = await planUkLab(["  exchange-lab:currency: gbp"]);
    assert.deepEqual([same.errors, same.cost!.currency, same.cost!.perMonthParked], [[], "GBP", uk.cost!.perMonthParked]);
    assert.equal(same.warnings.filter((w) => w.column === "exchange-lab:currency").length, 0);
    const eur = await planUkLab(["  exchange-lab:currency: EUR"]);
    assert.deepEqual(eur.errors, []);
    const why = "no EUR prices for uksouth (prices/uksouth.json is in GBP, and the plan never converts); run npm run prices -- --region uksouth --currency EUR";
    assert.deepEqual([eur.cost!.currency, eur.cost!.noPrices, eur.cost!.perHourRunning, eur.cost!.perMonthParked], ["EUR", why, null, null]);
    const w = eur.warnings.find((x) => x.column === "exchange-lab:currency")!;
    const pln = await planUkLab(["  exchange-lab:currency: PLN"]);
    assert.match(pln.cost!.noPrices!, /^no PLN prices for uksouth \(prices\/uksouth\.json is in GBP, and the plan never converts\); the Azure Retail Prices API has no PLN prices \(USD, /, "no command that would be refused");
    assert.ok(w.line > 0 && w.file.endsWith("Pulumi.uk.yaml"), JSON.stringify(w));
    assert.match(w.message, /^the cost estimate has no prices: no EUR prices for uksouth/);
    assert.match(renderPlan(eur), /Cost estimate: no EUR prices for uksouth/);
  });

  it("licenseType: the VMs it covers at the base compute rate (the Linux meter) where the snapshot has it, else at the Windows rate, said to be an upper bound", async () => {
    assert.ok(uk.cost!.assumptions.includes("VMs at Windows pay-as-you-go rates: no Azure Hybrid Benefit, reservation or savings plan"));
    const client = await planUkLab(["  exchange-lab:licenseType: Windows_Client"]);
    assert.deepEqual(client.errors, []);
    const line = client.cost!.lines.find((l) => /licenseType Windows_Client/.test(l.item))!;
    assert.deepEqual([line.item, line.quantity, line.priceKey, line.unitPrice], ["VM Standard_B2s (base compute, licenseType Windows_Client)", 1, "vm/Standard_B2s/linux", 0.035624]);
    assert.ok(client.cost!.assumptions.some((a) => /^VMs at Windows pay-as-you-go rates, but the 1 under licenseType Windows_Client at the base compute rate \(the size's Linux meter\); no reservation/.test(a)), client.cost!.assumptions.join("\n"));
    const ne = estimateCost({ vmSizes: [], licensedVmSizes: ["Standard_B2s"], licenseType: "Windows_Server", diskTiers: [], publicIps: 0, loadBalancerRules: 0, hasLoadBalancer: false }, loadSnapshot("northeurope")!);
    assert.deepEqual(ne.lines.map((l) => [l.item, l.priceKey]), [["VM Standard_B2s (Windows rate; licenseType Windows_Server: an upper bound)", "vm/Standard_B2s/windows"]], "northeurope's snapshot has no Linux meters");
    assert.match(ne.assumptions.join("\n"), /Standard_B2s at the Windows rate, as the snapshot has no Linux price for it, so the running figures are upper bounds/);
    const we = estimateCost({ vmSizes: ["Standard_B2s"], licensedVmSizes: ["Standard_B4ms", "Standard_B4ms"], licenseType: "Windows_Server", diskTiers: [], publicIps: 0, loadBalancerRules: 0, hasLoadBalancer: false }, loadSnapshot("westeurope")!);
    assert.deepEqual(we.lines.map((l) => [l.item, l.quantity, l.priceKey]), [["VM Standard_B2s (Windows)", 1, "vm/Standard_B2s/windows"], ["VM Standard_B4ms (base compute, licenseType Windows_Server)", 2, "vm/Standard_B4ms/linux"]]);
    assert.ok(we.lines[1].unitPrice! < loadSnapshot("westeurope")!.prices["vm/Standard_B4ms/windows"].price);
    assert.match(we.assumptions.join("\n"), /the 2 under licenseType Windows_Server at the base compute rate \(the size's Linux meter\); no reservation/);
  });

  it("the key: three letters of ISO 4217 in any case; words and symbols refused with a suggestion, at the key; a code the API lacks warned about", () => {
    const read = (currency: string) => parseSettings(exampleConfig({ "exchange-lab:currency": currency }), () => ({ file: "Pulumi.oxford.yaml", line: 7 }));
    assert.equal(read("sek").settings!.currency, "SEK");
    const bad = read("pounds");
    assert.deepEqual(bad.problems.map((p) => [p.file, p.line, p.column]), [["Pulumi.oxford.yaml", 7, "exchange-lab:currency"]]);
    assert.match(bad.problems[0].message, /'pounds' is not a currency code; .*GBP.*; did you mean GBP\?/);
    assert.match(read("€").problems[0].message, /did you mean EUR\?/);
    const pln = read("PLN");
    assert.deepEqual([pln.problems, pln.settings!.currency], [[], "PLN"]);
    assert.match(pln.warnings.find((w) => w.column === "exchange-lab:currency")!.message, /does not list PLN/);
    assert.equal(parseSettings(exampleConfig(), () => ({ file: "f", line: 1 })).settings!.currency, undefined, "unset by default");
  });

  it("the currency of a region's country: GBP for the UK regions, EUR for the Netherlands and Ireland, SEK for Sweden, USD elsewhere", () => {
    assert.deepEqual(["uksouth", "ukwest", "westeurope", "northeurope", "germanywestcentral", "swedencentral", "switzerlandnorth", "eastus", "polandcentral", "nowhere"].map(regionCurrency), ["GBP", "GBP", "EUR", "EUR", "EUR", "SEK", "CHF", "USD", "USD", "USD"]);
  });

  it("snapshotFor: the bundled prices in their own currency when the stack names none or the same one; an empty one in the stack's otherwise", () => {
    assert.equal(snapshotFor("westeurope", undefined).currency, "USD");
    assert.equal(snapshotFor("uksouth", "GBP").missing, undefined);
    const none = snapshotFor("eastus", "USD");
    assert.deepEqual([none.missing, none.currency, none.source], [true, "USD", "no USD prices for eastus; run npm run prices -- --region eastus --currency USD"]);
  });
});

describe("npm run prices -- --currency", () => {
  const item = (o: Partial<RetailItem>): RetailItem => ({
    currencyCode: "GBP", retailPrice: 1.27552, unitOfMeasure: "1/Month", armRegionName: "uksouth", skuName: "S4 LRS", productName: "Standard HDD Managed Disks",
    meterName: "S4 LRS Disk", serviceName: "Storage", type: "Consumption", effectiveStartDate: "2026-01-01T00:00:00Z", ...o,
  });
  async function run(argv: string[], items: RetailItem[]) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "prices-"));
    const urls: string[] = [];
    const get = async (url: string): Promise<RetailPage> => {
      urls.push(decodeURIComponent(url));
      return { Items: url.includes("Storage") ? items : [], NextPageLink: null };
    };
    let stdout = "";
    let stderr = "";
    const code = await pricesMain(argv, (s) => (stdout += s), (s) => (stderr += s), get, dir);
    const file = path.join(dir, `${argv[argv.indexOf("--region") + 1]}.json`);
    return { code, stdout, stderr, urls, written: fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as { currency: string; prices: Record<string, { price: number }> }) : undefined };
  }

  it("asks the API for the region's country's currency by default (GBP for uksouth) and writes it with the API's figures", async () => {
    const r = await run(["--region", "uksouth"], [item({})]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.urls.length > 0 && r.urls.every((u) => u.startsWith("https://prices.azure.com/api/retail/prices?currencyCode='GBP'&$filter=")), r.urls[0]);
    assert.deepEqual([r.written!.currency, r.written!.prices["disk/S4"].price], ["GBP", 1.27552]);
    assert.match(r.stdout, /^prices for uksouth in GBP \(the currency of the region's country/);
  });

  it("--currency chooses another (any case); an answer in another currency writes nothing (exit 1); a code the API lacks is a usage error (exit 2)", async () => {
    const eur = await run(["--region", "uksouth", "--currency", "eur"], [item({ currencyCode: "EUR", retailPrice: 1.45 })]);
    assert.equal(eur.code, 0, eur.stderr);
    assert.ok(eur.urls.every((u) => u.includes("currencyCode='EUR'")));
    assert.equal(eur.written!.currency, "EUR");
    const wrong = await run(["--region", "uksouth", "--currency", "EUR"], [item({ currencyCode: "USD" })]);
    assert.deepEqual([wrong.code, wrong.written], [1, undefined]);
    assert.match(wrong.stderr, /asked for EUR, the API answered USD .*nothing is written/);
    const bad = await run(["--region", "uksouth", "--currency", "PLN"], []);
    assert.deepEqual([bad.code, bad.urls], [2, []]);
    assert.match(bad.stderr, /--currency PLN is not one of the API's currencies/);
    const none = await run(["--currency", "GBP", "--region"], []);
    assert.equal(none.code, 2);
  });

  it("--region as the catalogue knows it: a display name is the ARM name's file; an unknown region is a usage error with suggestions", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "prices-"));
    const get = async (url: string): Promise<RetailPage> => ({ Items: url.includes("Storage") ? [item({})] : [], NextPageLink: null });
    const quiet = () => undefined;
    assert.equal(await pricesMain(["--region", "UK South"], quiet, quiet, get, dir), 0);
    assert.deepEqual(fs.readdirSync(dir), ["uksouth.json"]);
    let stderr = "";
    assert.equal(await pricesMain(["--region", "uksouht"], quiet, (e) => (stderr += e), get, dir), 2);
    assert.match(stderr, /^exchange-lab prices: --region uksouht: 'uksouht' is not an Azure region .*uksouth/);
  });
});
