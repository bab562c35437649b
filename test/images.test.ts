// VMs built from a Windows Server image (the Image column): the two lives of one VM (FromImage while
// its OS disk is absent, Attach ever after), what Azure's answer about the disk does, the new
// columns and keys through the CLI, and rows without Image unchanged (a snapshot taken from main).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { main } from "../src/plan/cli";
import { GET_DISK_TOKEN, Registration, invokeError, recordingMocks } from "../src/plan/mocks";
import { PlanResource, PlanResult, runPlan } from "../src/plan/plan";
import { renderPlan } from "../src/plan/render";
import { runLab } from "../src/program";
import { classifyDiskLookupError } from "../src/azure/osDisk";
import { LabValidationError } from "../src/input/problems";
import { CLASSIC_SIZES } from "../src/input/csv/sizes";
import { findSize } from "../src/input/catalogues";
import { checkAdminPassword, checkAdminUsername, defaultOsDiskName, parseImage } from "../src/input/csv/images";
import { EXAMPLES, baseStackYaml, dig, exampleConfig, sharedExamplePlan, writeLab } from "./helpers";

const HEADER = "BringOnline,VMName,VMOSDiskName,VMInstanceSize,SubnetName,IPAddress,WaitForBoot,Image,ComputerName";
const CSV = `${HEADER}\nYes,lab-dc1,,Small,Oxford,,Yes,ws2022-g2,DC01\nYes,lab-ex1,lab-ex1-os,Large,Oxford,,No,ws2025,\nYes,old-dc,old-dc-os,Small,London,,No,,\n`;
const PASSWORD = "Corr3ct-Horse-Battery";
const STACK = `${baseStackYaml()}  exchange-lab:adminUsername: labadmin\n  exchange-lab:adminPassword: ${PASSWORD}\n  exchange-lab:vpnSharedKey: Pl4inKeyWrittenInTheFile\n`;
const DISK_GROUP = "exchange-lab-disks";

const vmOf = (plan: PlanResult, name: string): PlanResource => {
  const found = plan.resources.find((r) => r.type === "azure-native:compute:VirtualMachine" && r.name === name);
  if (!found) throw new Error(`VM ${name} was not declared`);
  return found;
};

/** Runs the CLI; returns exit code and everything printed. */
async function cli(csv: string, stackYaml: string, ...argv: string[]): Promise<{ code: number; out: string }> {
  const { dir, stackFile } = writeLab(csv, stackYaml);
  let out = "";
  const code = await main(["--config", stackFile, "--csv", path.join(dir, "lab.csv"), ...argv], (s) => (out += s), (s) => (out += s));
  return { code, out };
}

describe("a VM built from an image: first pulumi up (the disk is absent)", () => {
  let first: PlanResult;
  let dir: string;
  before(async () => {
    const lab = writeLab(CSV, STACK);
    dir = lab.dir;
    first = await runPlan({ stackFile: lab.stackFile, baseDir: dir, showSecrets: true });
    assert.deepEqual(first.errors, []);
  });

  it("creates the VM from the image in the disk resource group, its disk named and detached on delete; the NIC stays in the lab's group", () => {
    const vm = vmOf(first, "lab-dc1");
    assert.equal(vm.inputs.resourceGroupName, DISK_GROUP);
    assert.deepEqual(dig(vm.inputs, "storageProfile", "imageReference"), { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2022-datacenter-g2", version: "latest" });
    assert.deepEqual(dig(vm.inputs, "storageProfile", "osDisk"), { name: "exchange-lab-lab-dc1-os", createOption: "FromImage", deleteOption: "Detach", managedDisk: { storageAccountType: "StandardSSD_LRS" } });
    const nic = first.resources.find((r) => r.name === "lab-dc1-nic")!;
    assert.equal(nic.inputs.resourceGroupName, "exchange-lab");
    assert.equal(dig(vmOf(first, "lab-ex1").inputs, "storageProfile", "osDisk", "name"), "lab-ex1-os", "a written VMOSDiskName is the disk's name");
  });

  it("gives Windows its computer name, administrator and password (a secret) through osProfile", () => {
    assert.deepEqual(vmOf(first, "lab-dc1").inputs.osProfile, { computerName: "DC01", adminUsername: "labadmin", adminPassword: PASSWORD, windowsConfiguration: { provisionVMAgent: true } });
    assert.equal(dig(vmOf(first, "lab-ex1").inputs, "osProfile", "computerName"), "lab-ex1", "default: the VM name");
  });

  it("turns Trusted Launch on explicitly for a Generation 2 image only", () => {
    assert.deepEqual(vmOf(first, "lab-dc1").inputs.securityProfile, { securityType: "TrustedLaunch", uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } });
    assert.equal(vmOf(first, "lab-ex1").inputs.securityProfile, undefined);
  });

  it("ignores the inputs of the second life, and replaces the VM only for another disk", () => {
    const { options } = vmOf(first, "lab-dc1");
    assert.deepEqual(options.ignoreChanges, ["osProfile", "storageProfile.imageReference", "storageProfile.osDisk.createOption", "storageProfile.osDisk.managedDisk", "storageProfile.osDisk.osType"]);
    assert.deepEqual(options.replaceOnChanges, ["storageProfile.osDisk.name"]);
    assert.equal(options.deleteBeforeReplace, true);
  });

  it("puts the VM's readiness gate in the VM's resource group, and declares no disk", () => {
    assert.equal(first.resources.find((r) => r.name === "lab-dc1-ready")!.inputs.resourceGroupName, DISK_GROUP);
    assert.ok(!first.resources.some((r) => /compute:(Disk|Snapshot|Image)$/.test(r.type)));
  });

  it("shows both lives, counts the new disks at osDiskSku's tier and the image build time", () => {
    assert.deepEqual(first.vms[0].image, { image: "ws2022-g2", generation: 2, osDisk: "exchange-lab-lab-dc1-os", mode: "fromImage", lives: "first up: built from ws2022-g2; after that: the disk exchange-lab-lab-dc1-os is attached" });
    const text = renderPlan(first);
    assert.match(text, /lab-dc1: first up: built from ws2022-g2; after that: the disk exchange-lab-lab-dc1-os is attached\. This run: the disk is assumed absent offline \(pulumi up asks Azure\), so the VM is built from ws2022-g2/);
    assert.match(text, /Includes 2 VMs built from an image, each assumed to take about 8 min/);
    assert.ok(first.cost!.assumptions.some((a) => /2 OS disks created from an image \(exchange-lab-lab-dc1-os, lab-ex1-os\) priced as E10/.test(a)), first.cost!.assumptions.join("\n"));
    assert.equal(first.cost!.lines.find((l) => l.item === "Managed disk E10")?.quantity, 2);
  });

  it("pins the derived disk name into the CSV, so a rename keeps the disk", () => {
    assert.match(first.pinnedCsv!, /^Yes,lab-dc1,exchange-lab-lab-dc1-os,Small,Oxford,10\.20\.1\.4,/m);
  });

  describe("every later pulumi up (the disk exists)", () => {
    let second: PlanResult;
    before(async () => {
      second = await runPlan({ stackFile: path.join(dir, "Pulumi.test.yaml"), baseDir: dir, previous: first.deployedLab });
      assert.deepEqual(second.errors, []);
    });

    it("attaches the disk, without osProfile, in the same resource group, with the disk's security type", () => {
      const vm = vmOf(second, "lab-dc1");
      assert.equal(vm.inputs.resourceGroupName, DISK_GROUP);
      assert.equal(vm.inputs.osProfile, undefined);
      assert.equal(dig(vm.inputs, "storageProfile", "imageReference"), undefined);
      assert.deepEqual(dig(vm.inputs, "storageProfile", "osDisk"), {
        name: "exchange-lab-lab-dc1-os", createOption: "Attach", deleteOption: "Detach", osType: "Windows",
        managedDisk: { id: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${DISK_GROUP}/providers/Microsoft.Compute/disks/exchange-lab-lab-dc1-os` },
      });
      assert.equal(dig(vm.inputs, "securityProfile", "securityType"), "TrustedLaunch");
      assert.equal(vmOf(second, "lab-ex1").inputs.securityProfile, undefined);
      assert.equal(second.vms[0].image!.mode, "attach");
    });

    it("changes nothing against the first deployment: the flip is inside ignoreChanges", () => {
      assert.deepEqual(second.changes, []);
    });

    it("refuses a one-run rename of the deployed VM (its replacement would get the FromImage inputs back), with the two steps", async () => {
      const renamed = first.pinnedCsv!.replace("Yes,lab-dc1,", "Yes,lab-dc9,");
      const lab = writeLab(renamed, STACK);
      const result = await runPlan({ stackFile: lab.stackFile, baseDir: lab.dir, previous: first.deployedLab });
      assert.equal(result.errors.length, 1, JSON.stringify(result.errors));
      assert.deepEqual([result.errors[0].line, result.errors[0].column], [2, "VMName"]);
      assert.match(result.errors[0].message, /lab-dc1 was built from an image and is deployed.*Two steps: set the row BringOnline=No/);
    });
  });
});

/** Runs the program as `pulumi up` would, with getDisk answered by `answer`; the registrations it made. */
async function deployWith(csv: string, answer: (inputs: { diskName: string }) => Record<string, unknown>, config = exampleConfig({ "exchange-lab:adminUsername": "labadmin", "exchange-lab:adminPassword": PASSWORD, "exchange-lab:vpnSharedKey": "Pl4inKey" })): Promise<Registration[]> {
  const registrations: Registration[] = [];
  const mocks = recordingMocks(registrations);
  await pulumi.runtime.setMocks({ ...mocks, call: (args) => (args.token === GET_DISK_TOKEN ? answer(args.inputs as { diskName: string }) : mocks.call(args)) }, "exchange-lab", "images", false, "organization");
  pulumi.runtime.setAllConfig(config, ["exchange-lab:adminPassword"]);
  const { component } = await runLab({ baseDir: EXAMPLES, mode: "deploy", previous: "none", csvText: csv });
  await new Promise((resolve) => component.urn.apply(resolve));
  await new Promise((resolve) => setTimeout(resolve, 50));
  return registrations;
}
const ONE_ROW = `${HEADER}\nYes,lab-dc1,,Small,Oxford,10.20.1.4,No,ws2022-g2,\n`;
const vmInputs = (registrations: Registration[]) => registrations.find((r) => r.type === "azure-native:compute:VirtualMachine")!.inputs;

describe("what Azure says about an Image row's disk, at pulumi up", () => {
  it("an unattached Standard disk is attached without Trusted Launch, though its image is Generation 2", async () => {
    const inputs = vmInputs(await deployWith(ONE_ROW, (i) => ({ name: i.diskName, diskState: "Unattached", securityProfile: { securityType: "Standard" } })));
    assert.equal(dig(inputs, "storageProfile", "osDisk", "createOption"), "Attach");
    assert.equal(inputs.osProfile, undefined);
    assert.equal(inputs.securityProfile, undefined);
  });

  it("an unattached Trusted Launch disk is attached with Trusted Launch", async () => {
    const inputs = vmInputs(await deployWith(ONE_ROW, (i) => ({ name: i.diskName, diskState: "Unattached", securityProfile: { securityType: "TrustedLaunch" } })));
    assert.deepEqual(inputs.securityProfile, { securityType: "TrustedLaunch", uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } });
  });

  const refused: [string, (i: { diskName: string }) => Record<string, unknown>, RegExp][] = [
    ["a disk attached to another VM: an error naming it", (i) => ({ name: i.diskName, managedBy: `/subscriptions/x/resourceGroups/${DISK_GROUP}/providers/Microsoft.Compute/virtualMachines/someone-else` }), /lab\.csv:2: VMOSDiskName: disk 'exchange-lab-lab-dc1-os' is attached to VM someone-else/],
    ["403 AuthorizationFailed: an error with the permission it needs", () => { throw invokeError("RESPONSE 403: 403 Forbidden\nERROR CODE: AuthorizationFailed"); }, /may not read disks in exchange-lab-disks: it needs Microsoft\.Compute\/disks\/read there[\s\S]*AuthorizationFailed/],
    ["ResourceGroupNotFound (a 404 too): an error saying to create the group", () => { throw invokeError("RESPONSE 404: 404 Not Found\nERROR CODE: ResourceGroupNotFound"); }, /resource group exchange-lab-disks \(diskResourceGroupName\) was not found: create it first/],
    ["throttling: the run stops with Azure's message", () => { throw invokeError("RESPONSE 429: 429 Too Many Requests"); }, /could not find out whether the OS disk exists.*429 Too Many Requests/],
  ];
  for (const [what, answer, expected] of refused) {
    it(`${what}; nothing is declared`, async () => {
      await assert.rejects(deployWith(ONE_ROW, answer), (err: unknown) => {
        assert.ok(err instanceof LabValidationError, String(err));
        assert.match(err.message, expected);
        return true;
      });
    });
  }

  it("only ResourceNotFound is absence: another 404 code, such as SubscriptionNotFound, stops the run", () => {
    assert.deepEqual(classifyDiskLookupError(new Error("RESPONSE 404: 404 Not Found\nERROR CODE: ResourceNotFound"), DISK_GROUP), { absent: true });
    assert.equal(classifyDiskLookupError(new Error("RESPONSE 404: 404 Not Found\nERROR CODE: SubscriptionNotFound"), DISK_GROUP).absent, false);
  });

  it("without adminPassword pulumi up stops before declaring anything, with the exact command", async () => {
    const config = exampleConfig({ "exchange-lab:adminUsername": "labadmin", "exchange-lab:vpnSharedKey": "Pl4inKey" });
    await assert.rejects(deployWith(ONE_ROW, () => ({}), config), (err: unknown) => {
      assert.ok(err instanceof LabValidationError);
      assert.match(err.message, /exchange-lab:adminPassword: required: lab-dc1 is built from an image, and never generated inside the stack.*: pulumi config set --secret exchange-lab:adminPassword$/m);
      return true;
    });
  });
});

describe("the Image, ComputerName and VMOSDiskName cells, through npm run plan", () => {
  it("reports every bad cell at once, at its line and column", async () => {
    const rows = [
      "Yes,img1,,Small,Oxford,,No,ws2019,",
      "Yes,a-very-long-vm-name,,Small,Oxford,,No,ws2022,",
      "Yes,img3,,Small,Oxford,,No,ws2022,123456",
      "Yes,img4,,Standard_B2s_v2,Oxford,,No,ws2022,",
      "Yes,img5,,Small,Oxford,,No,,",
      "Yes,img6,,Small,Oxford,,No,a:b:c,",
    ];
    const { code, out } = await cli(`${HEADER}\n${rows.join("\n")}\n`, STACK);
    assert.equal(code, 1, out);
    for (const expected of [
      /lab\.csv:2: Image: 'ws2019' is neither an image alias \(ws2022, ws2022-g2, ws2025, ws2025-g2, win11, win11-ent\) nor a publisher:offer:sku:version URN/,
      /lab\.csv:3: VMName: 'a-very-long-vm-name' is 19 characters; a Windows computer name has at most 15: .*write a ComputerName/,
      /lab\.csv:4: ComputerName: '123456' is all digits/,
      /lab\.csv:5: VMInstanceSize: Standard_B2s_v2 boots Generation 2 only, and the image ws2022 is Generation 1/,
      /lab\.csv:6: VMOSDiskName: required: .*or give an Image/,
      /lab\.csv:7: Image: 'a:b:c' is neither/,
    ]) assert.match(out, expected);
  });

  it("warns for a URN of unknown generation, for ComputerName without Image, and (in the plan) for a missing password", async () => {
    const csv = `${HEADER}\nYes,vm1,,Small,Oxford,,No,MicrosoftWindowsServer:WindowsServer:2022-datacenter-azure-edition-core:latest,\nYes,vm2,vm2-os,Small,Oxford,,No,,VM2\n`;
    const stack = `${baseStackYaml()}  exchange-lab:adminUsername: labadmin\n`;
    const { code, out } = await cli(csv, stack);
    assert.equal(code, 0, out);
    assert.match(out, /lab\.csv:2: Image: the image's SKU '2022-datacenter-azure-edition-core' names no generation, so it is taken as Generation 1/);
    assert.match(out, /lab\.csv:3: ComputerName: ignored without Image/);
    assert.match(out, /exchange-lab:adminPassword: required: vm1 is built from an image.*pulumi config set --secret exchange-lab:adminPassword\n/);
  });
});

describe("the adminUsername, adminPassword, licenseType and osDiskSku keys, through npm run plan", () => {
  it("reports every bad key at once without echoing the password", async () => {
    const secret = "alllowercase";
    const stack = `${baseStackYaml()}  exchange-lab:adminUsername: Admin\n  exchange-lab:adminPassword: ${secret}\n  exchange-lab:licenseType: Windows\n  exchange-lab:osDiskSku: UltraSSD_LRS\n`;
    const { code, out } = await cli(CSV, stack);
    assert.equal(code, 1, out);
    assert.match(out, /exchange-lab:adminUsername: 'Admin' is a name Azure reserves/);
    assert.match(out, /exchange-lab:adminPassword: the password has 1 of the 4 character classes/);
    assert.match(out, /exchange-lab:licenseType: 'Windows' is not accepted; use Windows_Server, Windows_Client, None/);
    assert.match(out, /exchange-lab:osDiskSku: 'UltraSSD_LRS' is not a storage type an OS disk can have/);
    assert.ok(!out.includes(secret), "the password was echoed");
  });

  it("requires adminUsername when a row has Image (the plan warns, pulumi up stops)", async () => {
    const { code, out } = await cli(CSV, `${baseStackYaml()}  exchange-lab:adminPassword: ${PASSWORD}\n`);
    assert.equal(code, 0);
    assert.match(out, /exchange-lab:adminUsername: required: lab-dc1, lab-ex1 are built from an image .*pulumi config set exchange-lab:adminUsername labadmin/);
  });

  it("applies licenseType Windows_Server to every VM but a Windows client's, with or without Image (clients: test/clientVms.test.ts)", async () => {
    const { out } = await cli(CSV, `${STACK}  exchange-lab:licenseType: Windows_Server\n`, "--json");
    const vms = (JSON.parse(out) as PlanResult).resources.filter((r) => r.type === "azure-native:compute:VirtualMachine");
    assert.deepEqual(vms.map((v) => v.inputs.licenseType), ["Windows_Server", "Windows_Server", "Windows_Server"]);
  });
});

describe("the rules behind the new cells and keys", () => {
  it("administrator names: Azure's reserved names, 20 characters, no trailing dot", () => {
    for (const bad of ["administrator", "ADMIN", "user1", "guest", "x".repeat(21), "lab."]) assert.ok(checkAdminUsername(bad), bad);
    assert.equal(checkAdminUsername("labadmin"), undefined);
  });

  it("passwords: 12-123 characters, 3 of 4 classes, none of Azure's refused values; never echoed", () => {
    for (const bad of ["P@ssw0rd", "Password1", "Sh0rt!", "x".repeat(124), "abcdefghijkl", "ABCDEFGHIJ12"]) {
      const message = checkAdminPassword(bad);
      assert.ok(message && !message.includes(bad), bad);
    }
    assert.equal(checkAdminPassword("abcdefghij1!"), undefined);
    assert.equal(checkAdminPassword(PASSWORD), undefined);
  });

  it("images: the aliases' SKUs and generations; a -g2 URN is Generation 2", () => {
    assert.deepEqual(["ws2022", "ws2022-g2", "ws2025", "ws2025-g2"].map((a) => { const p = parseImage(a); return "image" in p ? [p.image.sku, p.image.generation] : p.error; }),
      [["2022-datacenter", 1], ["2022-datacenter-g2", 2], ["2025-datacenter", 1], ["2025-datacenter-g2", 2]]);
    const urn = parseImage("MicrosoftWindowsServer:WindowsServer:2025-datacenter-g2:26100.2314.241107");
    assert.ok("image" in urn && urn.image.generation === 2 && urn.assumed === undefined);
  });

  it("classic sizes map to sizes that boot Generation 1 images (B-series v1 boots both generations)", () => {
    for (const [classic, { current }] of Object.entries(CLASSIC_SIZES)) assert.equal(findSize(current.name)?.generation1, true, classic);
  });

  it("a derived disk name fits Azure's 80 characters and stays unique when cut", () => {
    const a = defaultOsDiskName("g".repeat(90), "vm-a");
    const b = defaultOsDiskName("g".repeat(90), "vm-b");
    assert.ok(a.length <= 80 && b.length <= 80 && a !== b, `${a} ${b}`);
    assert.equal(defaultOsDiskName("lab(1)", "dc1"), "lab-1--dc1-os");
  });
});

describe("rows without Image", () => {
  it("produce exactly the inputs and options of the code before Image existed (snapshot from main)", async () => {
    const plan = await sharedExamplePlan();
    const now = plan.resources
      .filter((r) => r.type === "azure-native:compute:VirtualMachine" || r.type === "azure-native:network:NetworkInterface")
      .map((r) => ({ type: r.type, name: r.name, inputs: r.inputs, options: r.options }));
    const before: unknown = JSON.parse(fs.readFileSync(path.join(__dirname, "snapshots", "attach-rows.json"), "utf8"));
    assert.deepEqual(JSON.parse(JSON.stringify(now)), before);
  });
});
