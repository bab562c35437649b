// Several labs in one plan: `npm run plan -- --config A --config B`, checked against each other.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { crossLabProblems } from "../src/input/lab/crossLab";
import { draytekProfileName } from "../src/report/draytek";
import { exampleSettings, labOf, runPlanCli } from "./helpers";

const HEADER = "BringOnline,VMName,StorageAccount,VMOSDiskName,VMInstanceSize,SubnetName,IPAddress,Location,AffinityGroup,WaitForBoot,PublicRDPPort,Endpoints,DataDisks";

const run = runPlanCli;

interface LabSpec {
  rg: string;
  diskRg: string;
  vnet: string;
  dnsLabel: string;
  /** The lab's /16, e.g. `10.20`. */
  net: string;
  router: string;
  /** CSV data rows (subnet `Lab`). */
  rows: string[];
  /** More stack lines (`  exchange-lab:key: value`). */
  extra?: string[];
}

/** Writes a stack file and its CSV (absolute path in the stack) under `dir`; returns the stack file. */
function writeStack(dir: string, name: string, s: LabSpec): string {
  const csv = path.join(dir, `${name}.csv`);
  fs.writeFileSync(csv, [HEADER, ...s.rows].join("\n") + "\n");
  const file = path.join(dir, `Pulumi.${name}.yaml`);
  fs.writeFileSync(file, [
    "config:",
    "  azure-native:location: westeurope",
    `  exchange-lab:resourceGroupName: ${s.rg}`,
    `  exchange-lab:diskResourceGroupName: ${s.diskRg}`,
    `  exchange-lab:csv: ${csv}`,
    `  exchange-lab:virtualNetworkName: ${s.vnet}`,
    `  exchange-lab:dnsLabel: ${s.dnsLabel}`,
    "  exchange-lab:addressSpace:",
    `    - ${s.net}.0.0/16`,
    `  exchange-lab:gatewaySubnet: ${s.net}.0.0/27`,
    "  exchange-lab:subnets:",
    `    Lab: ${s.net}.1.0/24`,
    "  exchange-lab:onPremises:",
    `    publicIp: ${s.router}`,
    "    addressSpaces:",
    "      - 192.168.1.0/24",
    ...(s.extra ?? []),
    "",
  ].join("\n"));
  return file;
}

const lab = (over: Partial<LabSpec> & Pick<LabSpec, "rg">): LabSpec => ({
  diskRg: `${over.rg}-disks`, vnet: `${over.rg}-vnet`, dnsLabel: `${over.rg}-label`, net: "10.20", router: "203.0.113.10", rows: ["Yes,dc1,,dc1-os,Small,Lab,,,,No,3389"], ...over,
});

interface Finding { file: string; line: number; column: string; message: string }

describe("npm run plan with several labs", function () {
  this.timeout(20_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "exchange-lab-labs-"));

  describe("two labs that collide", () => {
    const a = writeStack(dir, "alpha", lab({ rg: "team-lab", diskRg: "shared-disks", rows: ["Yes,dc1,,dc1-os,Small,Lab,,,,No,3389", "Yes,ex1,,ex1-os,Small,Lab,,,,No,3390,,ex1-db"] }));
    // Same resource group and network (other case), a disk of alpha's, an overlapping address space
    // behind the same router, the same DNS label, and the same disk resource group.
    const b = writeStack(dir, "beta", lab({ rg: "Team-Lab", diskRg: "SHARED-disks", vnet: "TEAM-LAB-vnet", dnsLabel: "team-lab-label", net: "10.20", rows: ["Yes,dc2,,dc2-os,Small,Lab,,,,No,3389", "Yes,ex2,,EX1-DB,Small,Lab,,,,No,3390"] }));
    let result: Promise<{ code: number; out: { labs: { stack: string; errors: unknown[] }[]; errors: Finding[]; warnings: Finding[] } }>;
    before(() => {
      result = run("--config", a, "--config", b, "--json").then((r) => ({ code: r.code, out: JSON.parse(r.stdout) }));
    });
    const one = async (column: string) => {
      const { out } = await result;
      const found = [...out.errors, ...out.warnings].filter((e) => e.column === column);
      assert.equal(found.length, 1, JSON.stringify(out.errors.concat(out.warnings), null, 2));
      return found[0];
    };
    const namesBoth = (f: Finding) => {
      for (const file of [a, b]) assert.ok(f.file === file || f.message.includes(file), `${file} in ${JSON.stringify(f)}`);
    };

    it("plans each lab (valid on its own), prints { labs, errors, warnings } and exits 1", async () => {
      const { code, out } = await result;
      assert.equal(code, 1);
      assert.deepEqual(out.labs.map((l) => [l.stack, l.errors.length]), [["alpha", 0], ["beta", 0]]);
      assert.deepEqual(Object.keys(out), ["labs", "errors", "warnings", "routers"]);
    });

    it("refuses the same resourceGroupName in two labs (case-insensitive), naming both stack files", async () => {
      const e = await one("exchange-lab:resourceGroupName");
      assert.match(e.message, /resource group 'Team-Lab' is also the resource group of .*alpha\.yaml:3.*pulumi destroy would delete the other lab/);
      assert.equal(e.file, b);
      assert.equal(e.line, 3);
      namesBoth(e);
    });

    it("refuses the same virtual network name in the same resource group, naming both stack files", async () => {
      const e = await one("exchange-lab:virtualNetworkName");
      assert.match(e.message, /virtual network 'TEAM-LAB-vnet' in resource group 'Team-Lab' is also declared by/);
      namesBoth(e);
    });

    it("refuses the same disk in two labs (resource group and name, case-insensitive), naming both stack files and the rows", async () => {
      const e = await one("VMOSDiskName");
      assert.equal(e.file, path.join(dir, "beta.csv"));
      assert.equal(e.line, 3);
      assert.match(e.message, /disk 'EX1-DB' \(resource group SHARED-disks\) of ex2 .* is also the disk of ex1 .*alpha\.csv:3/);
      namesBoth(e);
    });

    it("refuses overlapping address spaces behind the same office router, naming both stack files", async () => {
      const e = await one("exchange-lab:addressSpace");
      assert.match(e.message, /10\.20\.0\.0\/16 overlaps 10\.20\.0\.0\/16 of .*alpha\.yaml:\d+, and both labs are behind the office router 203\.0\.113\.10/);
      namesBoth(e);
    });

    it("refuses the same DNS label in the same region (public IP names would collide), naming both stack files", async () => {
      const e = await one("exchange-lab:dnsLabel");
      assert.match(e.message, /DNS label 'team-lab-label' in westeurope is also the label of/);
      namesBoth(e);
    });

    it("warns, and only warns, that two labs share a diskResourceGroupName, naming both stack files", async () => {
      const { out } = await result;
      const w = await one("exchange-lab:diskResourceGroupName");
      assert.ok(out.warnings.includes(w as never) || out.warnings.some((x) => x.column === w.column));
      assert.ok(!out.errors.some((x) => x.column === w.column));
      assert.match(w.message, /disk resource group 'SHARED-disks' is shared with/);
      namesBoth(w);
    });

    it("says nothing about the same public RDP port in two labs (each lab has its own public IP)", async () => {
      const { out } = await result;
      assert.ok(![...out.errors, ...out.warnings].some((f) => /PublicRDPPort|3389|3390/.test(f.column + f.message)));
    });
  });

  describe("labs that coexist", () => {
    const a = writeStack(dir, "one", lab({ rg: "lab-one", diskRg: "disks-one", extra: ["  exchange-lab:draytekProfileIndex: 3"] }));
    const c = writeStack(dir, "two", lab({ rg: "lab-two", diskRg: "disks-two", net: "10.30" }));
    // The same addresses and profile index as lab-one, but behind another office's router: no conflict.
    const d = writeStack(dir, "three", lab({ rg: "lab-three", diskRg: "disks-three", router: "198.51.100.20", extra: ["  exchange-lab:draytekProfileIndex: 3"] }));

    it("plans them one after another, lists each router's profiles, exits 0 and prints each lab's plan then the findings", async () => {
      const { code, stdout, stderr } = await run("--config", a, "--config", c, "--config", d);
      assert.equal(code, 0, stderr);
      assert.equal(stdout.match(/^exchange-lab offline plan \(stack file /gm)?.length, 3);
      const across = stdout.slice(stdout.indexOf("Across 3 labs"));
      assert.match(across, /DrayTek 203\.0\.113\.10: 2 LAN-to-LAN profiles/);
      assert.match(across, /AzTwo +\S+: no profile index set, dials/);
      assert.match(across, new RegExp(`AzOne +${a.replace(/[.]/g, "\\.")}: profile 3, dials the gateway's IP \\(pulumi stack output --stack one gatewayPublicIp\\), or lab-one-label-vpn\\.westeurope\\.cloudapp\\.azure\\.com once it resolves; office 192\\.168\\.1\\.0/24 <-> Azure 10\\.20\\.0\\.0/16`));
      assert.match(across, /AzTwo .*Azure 10\.30\.0\.0\/16/);
      assert.match(across, /DrayTek 198\.51\.100\.20: 1 LAN-to-LAN profile .*\n +AzThree /);
      assert.match(across, /No collisions/);
    });
  });

  describe("two labs with the same DrayTek profile index behind one router", () => {
    const e = writeStack(dir, "five", lab({ rg: "lab-five", extra: ["  exchange-lab:draytekProfileIndex: 5"] }));
    const f = writeStack(dir, "six", lab({ rg: "lab-six", net: "10.60", extra: ["  exchange-lab:draytekProfileIndex: 5"] }));
    it("is an error on the second lab's draytekProfileIndex: the script would overwrite the first lab's profile", async () => {
      const r = await run("--config", e, "--config", f, "--json");
      assert.equal(r.code, 1);
      const found = (JSON.parse(r.stdout) as { errors: Finding[] }).errors.filter((x) => x.column === "exchange-lab:draytekProfileIndex");
      assert.equal(found.length, 1);
      assert.equal(found[0].file, f);
      assert.match(found[0].message, /DrayTek profile index 5 is also .*Pulumi\.five\.yaml.*behind the same router 203\.0\.113\.10: vpn option 5 would overwrite the other lab's LAN-to-LAN profile/);
    });
  });

  describe("options for one lab", () => {
    for (const option of [["--previous", "x.json"], ["--pin"], ["--csv", "x.csv"]]) {
      it(`refuses ${option[0]} with several stacks (exit 2), saying it applies to one lab`, async () => {
        const { code, stderr } = await run("--all", ...option);
        assert.equal(code, 2);
        assert.match(stderr, new RegExp(`${option[0]} applies to one lab; 2 stacks are chosen .*choose one with --stack NAME`));
      });
    }
    it("refuses --all together with --stack, and a stack file given twice", async () => {
      assert.match((await run("--all", "--stack", "oxford")).stderr, /--all or --stack\/--config, not both/);
      assert.match((await run("--stack", "oxford", "--stack", "oxford")).stderr, /given twice/);
    });
  });

  it("refuses a lab whose office LAN overlaps another lab's address space behind the same router (pure check, no plan run)", () => {
    const a = labOf(["Yes,dc1,,dc1-os,Small,Oxford,,,,No,"]).lab!;
    const b = labOf(["Yes,dc2,,dc2-os,Small,Training,,,,No,"], exampleSettings({
      "exchange-lab:resourceGroupName": "lab-b",
      "exchange-lab:diskResourceGroupName": "lab-b-disks",
      "exchange-lab:virtualNetworkName": "lab-b-vnet",
      "exchange-lab:dnsLabel": "lab-b",
      "exchange-lab:addressSpace": JSON.stringify(["10.30.0.0/16"]),
      "exchange-lab:gatewaySubnet": "10.30.0.0/27",
      "exchange-lab:subnets": JSON.stringify({ Training: "10.30.1.0/24" }),
      "exchange-lab:onPremises": JSON.stringify({ publicIp: "203.0.113.10", addressSpaces: ["10.20.5.0/24"] }),
    })).lab!;
    const at = (file: string) => () => ({ file, line: 1 });
    const { errors, warnings } = crossLabProblems([
      { stackFile: "stacks/Pulumi.a.yaml", lab: a, locate: at("stacks/Pulumi.a.yaml") },
      { stackFile: "stacks/Pulumi.b.yaml", lab: b, locate: at("stacks/Pulumi.b.yaml") },
    ]);
    assert.deepEqual(warnings, []);
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.equal(errors[0].file, "stacks/Pulumi.b.yaml");
    assert.match(errors[0].message, /the office network 10\.20\.5\.0\/24 overlaps 10\.20\.0\.0\/16 of stacks\/Pulumi\.a\.yaml:1, and both labs are behind the office router 203\.0\.113\.10/);
  });

  it("derives each lab's DrayTek profile name from its stack name, within 10 characters", () => {
    assert.equal(draytekProfileName("oxford"), "AzOxford");
    assert.equal(draytekProfileName("training"), "AzTraining");
    assert.equal(draytekProfileName("engineer-jane"), "AzEngineer");
    assert.equal(draytekProfileName("engineer-jane").length <= 10, true);
  });
});
