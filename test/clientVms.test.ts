// Client VMs (issue 29, item 1): a Windows 11 client in a uksouth lab, as a newcomer describes it:
// its generation, the aliases, an explicit generation for any URN, licenseType Windows_Client and
// Role Member.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { IMAGE_ALIASES, parseImage } from "../src/input/csv/images";
import { PlanResult, runPlan } from "../src/plan/plan";
import { ROOT, dig } from "./helpers";

const FIXTURE = path.join(ROOT, "test", "fixtures", "from-scratch");
const SECRETS = ["  exchange-lab:adminPassword: \"Adm1n-Secret-Value\"", "  exchange-lab:safeModePassword: \"Dsrm-Secret-Value1\"", "  exchange-lab:exchangeIsoUrl: \"https://acct.blob.core.windows.net/iso/se.iso?sig=S\"", "  exchange-lab:vpnSharedKey: Pl4inKey"];
const HEADER = "BringOnline,VMName,VMOSDiskName,VMInstanceSize,SubnetName,IPAddress,WaitForBoot,PublicRDPPort,Endpoints,Image,ComputerName,Role";
const WIN11_URN = "MicrosoftWindowsDesktop:windows-11:win11-24h2-pro:latest";

/** The from-scratch fixture moved to uksouth, with `rows` as its CSV and `extra` stack lines. */
function planLab(rows: string[], extra: string[] = []): Promise<PlanResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "client-vms-"));
  fs.writeFileSync(path.join(dir, "lab.csv"), [HEADER, ...rows].join("\n") + "\n");
  const yaml = fs.readFileSync(path.join(FIXTURE, "Pulumi.from-scratch.yaml"), "utf8").replace("azure-native:location: westeurope", "azure-native:location: uksouth");
  const stackFile = path.join(dir, "Pulumi.client.yaml");
  fs.writeFileSync(stackFile, [yaml.trimEnd(), ...SECRETS, ...extra, ""].join("\n"));
  return runPlan({ stackFile, baseDir: dir, showSecrets: true });
}

const SERVERS = ["Yes,fs-dc1,,Medium,Lab,10.40.1.4,Yes,,,ws2022-g2,,DC", "Yes,fs-ex1,,Large,Lab,10.40.1.10,No,,https,ws2022-g2,,Exchange"];
const vm = (plan: PlanResult, name: string) => plan.resources.find((r) => r.type === "azure-native:compute:VirtualMachine" && r.name === name)!;

describe("Windows client images", () => {
  it("Windows 11 (MicrosoftWindowsDesktop windows-11) is Generation 2 without a suffix in its SKU; Windows 10 by its -g2 SKU", () => {
    for (const [urn, generation] of [[WIN11_URN, 2], ["MicrosoftWindowsDesktop:windows-10:win10-22h2-pro-g2:latest", 2], ["MicrosoftWindowsDesktop:Windows-10:19h1-ent-gensecond:latest", 2]] as const) {
      const p = parseImage(urn);
      assert.ok("image" in p, urn);
      assert.deepEqual([p.image.generation, p.image.windowsClient, p.assumed], [generation, true, undefined], urn);
    }
    const win10 = parseImage("MicrosoftWindowsDesktop:windows-10:win10-22h2-pro:latest");
    assert.ok("image" in win10 && win10.image.generation === 1 && /@gen1 or @gen2/.test(win10.assumed!));
  });

  it("any URN can say its generation with @gen1 or @gen2, which wins over the SKU; the image reference drops it", () => {
    const two = parseImage("Contoso:lab-images:my-sku:latest@gen2");
    assert.ok("image" in two && two.image.generation === 2 && two.assumed === undefined && two.image.version === "latest" && !two.image.windowsClient);
    const one = parseImage("MicrosoftWindowsServer:WindowsServer:2022-datacenter-g2:latest@GEN1");
    assert.ok("image" in one && one.image.generation === 1 && one.image.sku === "2022-datacenter-g2");
    assert.match((parseImage("Contoso:lab-images:my-sku:latest@gen3") as { error: string }).error, /'latest@gen3' in the image URN is not an image version/);
    assert.match((parseImage("Contoso:my-sku@gen2") as { error: string }).error, /nor a publisher:offer:sku:version URN \(optionally ending in @gen1 or @gen2\)/);
  });

  it("has aliases for a current Windows 11 client: win11 (Pro) and win11-ent (Enterprise), Generation 2", () => {
    assert.deepEqual(IMAGE_ALIASES.win11, { publisher: "MicrosoftWindowsDesktop", offer: "windows-11", sku: "win11-25h2-pro", generation: 2 });
    assert.deepEqual(IMAGE_ALIASES["win11-ent"], { publisher: "MicrosoftWindowsDesktop", offer: "windows-11", sku: "win11-25h2-ent", generation: 2 });
    const p = parseImage("WIN11");
    assert.ok("image" in p && p.image.windowsClient && p.image.generation === 2);
  });
});

describe("a Windows 11 client in a uksouth lab (mock runtime)", () => {
  it("a Windows 11 client on a size below its minimum (Small: 1 vCPU, 2 GiB) plans with a warning on VMInstanceSize; Medium draws none", async function () {
    this.timeout(60000);
    const small = await planLab([...SERVERS, "Yes,fs-cl1,,Small,Lab,10.40.1.20,No,,,win11,,Member"]);
    assert.deepEqual(small.errors, []);
    const w = small.warnings.filter((x) => x.column === "VMInstanceSize");
    assert.equal(w.length, 1, JSON.stringify(small.warnings));
    assert.match(w[0].message, /^Standard_B1ms has 1 vCPU and 2 GiB of memory; Windows 11 needs at least 2 virtual processors and 4 GB/);
    const medium = await planLab([...SERVERS, "Yes,fs-cl1,,Medium,Lab,10.40.1.20,No,,,win11,,Member"]);
    assert.deepEqual(medium.warnings.filter((x) => x.column === "VMInstanceSize"), []);
  });

  let plan: PlanResult;
  before(async () => {
    plan = await planLab([...SERVERS, `Yes,fs-cl1,,Medium,Lab,10.40.1.20,No,,,${WIN11_URN},,Member`, "Yes,fs-cl2,,Medium,Lab,10.40.1.21,No,,,win11,,Member"], ["  exchange-lab:licenseType: Windows_Client"]);
    assert.deepEqual(plan.errors, []);
  });

  it("builds the client from the Windows 11 image as Generation 2 (Trusted Launch), with no generation warning", () => {
    const cl1 = vm(plan, "fs-cl1");
    assert.deepEqual(dig(cl1.inputs, "storageProfile", "imageReference"), { publisher: "MicrosoftWindowsDesktop", offer: "windows-11", sku: "win11-24h2-pro", version: "latest" });
    assert.equal(dig(cl1.inputs, "securityProfile", "securityType"), "TrustedLaunch");
    assert.equal(dig(vm(plan, "fs-cl2").inputs, "storageProfile", "imageReference", "sku"), "win11-25h2-pro");
    assert.ok(!plan.warnings.some((w) => w.column === "Image"), JSON.stringify(plan.warnings));
  });

  it("licenseType Windows_Client goes to the client VMs only, with a warning that states the licence condition", () => {
    assert.deepEqual(["fs-dc1", "fs-ex1", "fs-cl1", "fs-cl2"].map((n) => vm(plan, n).inputs.licenseType), [undefined, undefined, "Windows_Client", "Windows_Client"]);
    const w = plan.warnings.find((x) => x.column === "exchange-lab:licenseType");
    assert.match(w!.message, /multitenant hosting rights for Windows 10\/11: allowed only if every user of these VMs holds a qualifying per-user licence \(Microsoft 365 E3\/E5\/F3\/A3\/A5/);
  });

  it("Role Member joins the client to the domain, after the DC's AD-ready gate", () => {
    const steps = plan.resources.filter((r) => r.type === "azure-native:compute:VirtualMachineRunCommandByVirtualMachine" && r.name.startsWith("fs-cl1-")).map((r) => r.name);
    assert.deepEqual(steps, ["fs-cl1-domain-join", "fs-cl1-join-ready"]);
  });

  it("licenseType Windows_Server goes to the servers only, never to a client", async () => {
    const servers = await planLab([...SERVERS, "Yes,fs-cl1,,Medium,Lab,10.40.1.20,No,,,win11,,Member"], ["  exchange-lab:licenseType: Windows_Server"]);
    assert.deepEqual(["fs-dc1", "fs-ex1", "fs-cl1"].map((n) => vm(servers, n).inputs.licenseType), ["Windows_Server", "Windows_Server", undefined]);
  });

  it("refuses Role DC or Exchange on a client image, naming Member", async () => {
    const bad = await planLab(["Yes,fs-dc1,,Medium,Lab,10.40.1.4,Yes,,,win11,,DC"]);
    const p = bad.errors.find((e) => e.column === "Role");
    assert.match(p!.message, /win11 is a Windows client image: a DC needs Windows Server \(e\.g\. ws2022-g2\); a client takes Role Member/);
  });
});
