// What Azure really does: inputs the plan used to accept and Azure refuses, each through
// `npm run plan` with its message checked, and the catalogues they are checked against.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as path from "path";
import { catalogueLabels, closest, findRegion, regionCatalogue, resolveTimeZone, sizeCatalogue, windowsTimeZoneIds } from "../src/input/catalogues";
import { AzLocation, AzSku, regionsFromLocations, sizesFromSkus } from "../src/catalogues/cli";
import { CLASSIC_SIZES, resolveSize } from "../src/input/csv/sizes";
import { detectSeparator } from "../src/input/csv/csv";
import { diskSubscriptionProblems } from "../src/input/lab/lab";
import { HEADER, baseStackYaml, labOf, planCli, runPlanCli, writeLab } from "./helpers";

const ROW = "Yes,dc1,,dc1-os,Small,Oxford,,,,No,";
const CSV = `${HEADER}\n${ROW}\n`;
/** The example stack with one line replaced. */
const stackWith = (from: string, to: string) => {
  const yaml = baseStackYaml();
  if (!yaml.includes(from)) throw new Error(`the example stack has no '${from}'`);
  return yaml.replace(from, to);
};

describe("catalogues, not guesses", () => {
  it("bundles dated regions and VM sizes with a named source, and time zones from windows-iana", () => {
    for (const c of [regionCatalogue(), sizeCatalogue()]) {
      assert.match(c.date, /^\d{4}-\d{2}-\d{2}$/);
      assert.match(c.source, /Microsoft Learn|az /);
    }
    assert.deepEqual(catalogueLabels().map((c) => c.name), ["regions", "VM sizes", "time zones"]);
    assert.ok(windowsTimeZoneIds().includes("GMT Standard Time") && windowsTimeZoneIds().includes("UTC"));
  });

  it("knows every size the project names, with the capacity the classic table claims", () => {
    for (const { current } of Object.values(CLASSIC_SIZES)) {
      const size = sizeCatalogue().entries.find((s) => s.name === current.name);
      assert.deepEqual([size?.vcpus, size?.memoryGiB, size?.generation1], [current.vcpus, current.memoryGiB, true], current.name);
    }
    for (const name of ["Standard_B2ms", "Standard_D2s_v5", "Standard_D4s_v5", "Standard_D8s_v5", "Standard_D2as_v5", "Standard_D2s_v6", "Standard_E4s_v5", "Standard_B2s_v2", "Standard_B2als_v2"]) {
      assert.ok(sizeCatalogue().entries.some((s) => s.name === name), name);
    }
  });

  it("finds regions by either spelling and names the closest for a typo", () => {
    assert.deepEqual(findRegion("West Europe"), { region: { name: "westeurope", displayName: "West Europe", physicalLocation: "Netherlands", geography: "Europe" } });
    assert.match((findRegion("westeurop") as { error: string }).error, /did you mean westeurope/);
    assert.deepEqual(closest("uksout", ["northeurope", "uksouth", "ukwest"], 1), ["uksouth"]);
  });

  it("maps an IANA name to its one Windows ID and refuses what maps to none", () => {
    assert.deepEqual(resolveTimeZone("Europe/London"), { id: "GMT Standard Time", fromIana: "Europe/London" });
    assert.deepEqual(resolveTimeZone("gmt standard time"), { id: "GMT Standard Time" });
    assert.match((resolveTimeZone("GMT Standrd Time") as { error: string }).error, /did you mean GMT Standard Time/);
  });

  it("resolves a size in any case to the catalogue's spelling, and names the closest for an unknown one", () => {
    assert.deepEqual(resolveSize("standard_d2s_v5"), { ok: true, size: "Standard_D2s_v5" });
    const unknown = resolveSize("Standard_B2ss");
    assert.ok(!unknown.ok && /did you mean Standard_B2s\b/.test(unknown.error), JSON.stringify(unknown));
  });

  it("refresh: maps az account list-locations output to physical regions only", () => {
    const canned: AzLocation[] = [
      { name: "westeurope", displayName: "West Europe", type: "Region", metadata: { regionType: "Physical" } },
      { name: "europe", displayName: "Europe", type: "Region", metadata: { regionType: "Logical" } },
      { name: "eastus2euap", displayName: "East US 2 EUAP", type: "Region", metadata: { regionType: "Physical" } },
      { name: "losangeles", displayName: "Los Angeles", type: "EdgeZone", metadata: { regionType: "Physical" } },
      { name: "uksouth", displayName: "UK South", type: "Region", metadata: { regionType: "Physical" } },
    ];
    assert.deepEqual(regionsFromLocations(canned), [{ name: "uksouth", displayName: "UK South" }, { name: "westeurope", displayName: "West Europe" }]);
  });

  it("refresh: maps az vm list-skus output to sizes with capacity, data disks and Generation 1 support", () => {
    const caps = (vcpus: string, mem: string, disks: string, gens: string, extra: { name: string; value: string }[] = []) => [
      { name: "vCPUs", value: vcpus }, { name: "MemoryGB", value: mem }, { name: "MaxDataDiskCount", value: disks }, { name: "HyperVGenerations", value: gens }, ...extra,
    ];
    const canned: AzSku[] = [
      { name: "Standard_B1ms", resourceType: "virtualMachines", capabilities: caps("1", "2", "2", "V1,V2", [{ name: "MaxResourceVolumeMB", value: "4096" }]) },
      { name: "Standard_B1ms", resourceType: "virtualMachines", capabilities: caps("1", "2", "2", "V1,V2") },
      { name: "Standard_D2s_v6", resourceType: "virtualMachines", capabilities: caps("2", "8", "8", "V2", [{ name: "MaxResourceVolumeMB", value: "0" }, { name: "DiskControllerTypes", value: "NVMe" }]) },
      { name: "Premium_LRS", resourceType: "disks", capabilities: [] },
      { name: "Standard_Broken", resourceType: "virtualMachines", capabilities: [] },
    ];
    assert.deepEqual(sizesFromSkus(canned), [
      { name: "Standard_B1ms", vcpus: 1, memoryGiB: 2, maxDataDisks: 2, generation1: true, generation2: true, tempDisk: true, diskControllers: ["SCSI"] },
      { name: "Standard_D2s_v6", vcpus: 2, memoryGiB: 8, maxDataDisks: 8, generation1: false, generation2: true, tempDisk: false, diskControllers: ["NVMe"] },
    ]);
  });
});

describe("npm run plan refuses what Azure refuses (catalogues)", () => {
  it("a region typo: exits 1 and names the closest region", async () => {
    const r = await planCli(CSV, stackWith("azure-native:location: westeurope", "azure-native:location: westeurop"));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Pulumi\.test\.yaml:5: azure-native:location: 'westeurop' is not an Azure region \(catalogue of \d{4}-\d{2}-\d{2}\); did you mean westeurope/);
  });

  it("an unknown VM size: exits 1 and names the closest sizes", async () => {
    const r = await planCli(`${HEADER}\nYes,dc1,,dc1-os,Standard_B2ss,Oxford,,,,No,\n`);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /lab\.csv:2: VMInstanceSize: Standard_B2ss is not a VM size of the catalogue .*did you mean Standard_B2s/);
  });

  it("data disks beyond the catalogue's limit for a size the classic table does not name", async () => {
    const r = await planCli(`${HEADER},Endpoints,DataDisks\nYes,dc1,,dc1-os,Standard_E2s_v5,Oxford,,,,No,,,d1;d2;d3;d4;d5\n`);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /lab\.csv:2: DataDisks: 5 data disks, but Standard_E2s_v5 attaches at most 4/);
  });

  it("a size that boots only Generation 2 disks: plans, with a warning", async () => {
    const r = await planCli(`${HEADER}\nYes,dc1,,dc1-os,Standard_D2s_v6,Oxford,,,,No,\n`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /VMInstanceSize: Standard_D2s_v6 boots Generation 2 disks only/);
  });

  it("an IANA time zone: plans with its Windows ID, and says so", async () => {
    const r = await planCli(CSV, stackWith("timeZone: GMT Standard Time", "timeZone: Europe/London"), "--json");
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.ok(out.resources.filter((x: { type: string }) => x.type === "azure-native:devtestlab:GlobalSchedule").every((x: { inputs: { timeZoneId: string } }) => x.inputs.timeZoneId === "GMT Standard Time"));
    assert.ok(out.warnings.some((w: { column: string; message: string }) => w.column === "exchange-lab:autoShutdown.timeZone" && /'Europe\/London' is an IANA name; .*'GMT Standard Time' is used/.test(w.message)));
  });

  it("a time zone that is neither: exits 1 and names the closest Windows IDs", async () => {
    const r = await planCli(CSV, stackWith("timeZone: GMT Standard Time", "timeZone: GMT Standart Time"));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /exchange-lab:autoShutdown\.timeZone: 'GMT Standart Time' is not a Windows time zone ID .*did you mean GMT Standard Time/);
  });

  it("ends the text plan with each catalogue's date", async () => {
    const r = await planCli(CSV);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Checked against catalogues: regions of \d{4}-\d{2}-\d{2} \(catalogues\/regions\.json\), VM sizes of \d{4}-\d{2}-\d{2} \(catalogues\/vm-sizes\.json\), time zones of 2024-12-12 \(windows-iana 5\.1\.0 \(CLDR windowsZones\)\)\.\n$/);
  });

  it("a region without a price snapshot: the cost reads unknown, not USD 0.0000", async () => {
    const r = await planCli(`${HEADER}\nYes,dc1,,dc1-os,Small,Oxford,,France Central,,No,\n`, stackWith("azure-native:location: westeurope", "azure-native:location: francecentral"));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Cost estimate: no prices for francecentral; run npm run prices -- --region francecentral/);
    assert.doesNotMatch(r.stdout, /0\.0000/);
  });
});

describe("npm run plan: stack-file rules", () => {
  it("a key without a namespace: exits 1 and says which key was meant", async () => {
    const r = await planCli(CSV, `${baseStackYaml()}  vpn: false\n`);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Pulumi\.test\.yaml:\d+: vpn: the key has no namespace, so nothing reads it; write exchange-lab:vpn/);
  });

  it("another project's namespace: exits 1 and names the key it resembles", async () => {
    const r = await planCli(CSV, `${baseStackYaml()}  azure:location: westeurope\n  exchangelab:vpn: false\n`);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /azure:location: namespace 'azure' is not this project's \(exchange-lab\) nor one it uses \(azure-native, pulumi\), so nothing reads it; did you mean azure-native:location\?/);
    assert.match(r.stderr, /exchangelab:vpn: namespace 'exchangelab' .*did you mean exchange-lab:vpn\?/);
  });

  it("the provider's and Pulumi's own namespaces: accepted", async () => {
    const r = await planCli(CSV, `${baseStackYaml()}  azure-native:subscriptionId: 11111111-2222-3333-4444-555555555555\n  pulumi:disable-default-providers: []\n`);
    assert.equal(r.code, 0, r.stderr);
  });

  it("a secure: value on a key that is not a secret: plans, with a warning that it is not checked", async () => {
    const r = await planCli(CSV, stackWith("exchange-lab:resourceGroupName: exchange-lab", "exchange-lab:resourceGroupName:\n    secure: v1:AAAA"), "--json");
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.ok(out.warnings.some((w: { column: string; message: string }) => w.column === "exchange-lab:resourceGroupName" && /secure: value on a key that is not a secret: the plan cannot read it/.test(w.message)), JSON.stringify(out.warnings));
  });

  it("a secure: gatewaySubnet, which the plan cannot do without: says why", async () => {
    const r = await planCli(CSV, stackWith("exchange-lab:gatewaySubnet: 10.20.0.0/27", "exchange-lab:gatewaySubnet:\n    secure: v1:AAAA"));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /exchange-lab:gatewaySubnet: the plan needs this value to lay out the network and it is encrypted/);
  });

  for (const [where, from, to, column] of [
    ["addressSpace", "    - 10.20.0.0/16", "    - 10.20.0.0/16\n    - 169.254.0.0/16", "exchange-lab:addressSpace.1"],
    ["subnets", "    London: 10.20.2.0/24", "    London: 10.20.2.0/24\n    Probe: 168.63.129.16/29", "exchange-lab:subnets.Probe"],
    ["onPremises.addressSpaces", "      - 192.168.1.0/24", "      - 192.168.1.0/24\n      - 127.0.0.0/8", "exchange-lab:onPremises.addressSpaces.1"],
  ] as const) {
    it(`a reserved range in ${where}: exits 1 and names the range Azure reserves`, async () => {
      const r = await planCli(CSV, stackWith(from, to));
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`${column.replace(/\./g, "\\.")}: [0-9./]+ overlaps [0-9./]+ \\([^)]+\\), which Azure reserves and refuses in a virtual network`));
    });
  }

  it("a disk ID in a named subscription: plans, with a warning that pulumi up checks it", async () => {
    const id = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/exchange-lab-disks/providers/Microsoft.Compute/disks/dc1-os";
    const r = await planCli(`${HEADER}\nYes,dc1,,${id},Small,Oxford,,,,No,\n`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /lab\.csv:2: VMOSDiskName: the disk ID names subscription 11111111-2222-3333-4444-555555555555; .*pulumi up stops if it deploys to another/);
  });
});

describe("pulumi up: disks in another subscription", () => {
  const id = (sub: string, name: string) => `/subscriptions/${sub}/resourceGroups/exchange-lab-disks/providers/Microsoft.Compute/disks/${name}`;
  const A = "11111111-2222-3333-4444-555555555555";
  const lab = labOf([`Yes,dc1,,${id(A, "dc1-os")},Small,Oxford,,,,No,`, "Yes,dc2,,dc2-os,Small,Oxford,,,,No,", `No,dc3,,${id("99999999-2222-3333-4444-555555555555", "dc3-os")},Small,Oxford,,,,No,`]).lab!;

  it("is an error naming the row when the deploying subscription differs", () => {
    const problems = diskSubscriptionProblems(lab, "22222222-2222-3333-4444-555555555555");
    assert.deepEqual(problems.map((p) => [p.line, p.column]), [[2, "VMOSDiskName"]]);
    assert.match(problems[0].message, /the disk is in subscription 11111111-.*but this stack deploys to 22222222-/);
  });

  it("is no problem in the same subscription (any case), nor under the offline plan's all-zero one", () => {
    assert.deepEqual(diskSubscriptionProblems(lab, A.toUpperCase()), []);
    assert.deepEqual(diskSubscriptionProblems(lab, "00000000-0000-0000-0000-000000000000"), []);
  });
});

describe("npm run plan: Excel as it really saves", () => {
  const EP = `${HEADER},Endpoints`;
  const semicolons = (line: string) => line.replace(/,/g, ";");

  it("a semicolon-separated file (European Excel): plans, with quoted ';' lists", async () => {
    const r = await planCli(`${semicolons(EP)}\r\n${semicolons(ROW)};"smtp;https"\r\n`, undefined, "--json");
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).vms[0].endpoints, [25, 443]);
  });

  it("a sep=; first line: plans, and keeps the file's line numbers", async () => {
    const ok = await planCli(`sep=;\r\n${semicolons(EP)}\r\n${semicolons(ROW)};https\r\n`, undefined, "--json");
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout).vms[0].endpoints, [443]);
    const bad = await planCli(`\uFEFFsep=;\n${semicolons(HEADER)}\n${semicolons(ROW)}\n${semicolons(ROW).replace("dc1", "dc_2")}\n`);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /lab\.csv:4: VMName: 'dc_2' is not a valid Windows VM name/);
  });

  it("a sep= line with a separator the reader cannot use: says to save as CSV UTF-8 (Comma delimited)", async () => {
    const r = await planCli(`sep=||\n${HEADER}\n${ROW}\n`);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /lab\.csv:1: \(file\): the first line 'sep=\|\|' is Excel's separator hint, .*save it from Excel as 'CSV UTF-8 \(Comma delimited\)'/);
  });

  it("trailing empty header cells over empty columns (...,DiskTiers,,,): plans", async () => {
    const r = await planCli(`${HEADER},,,\n${ROW},,,\n${ROW.replace(/dc1/g, "dc2")},,,\n`);
    assert.equal(r.code, 0, r.stderr);
  });

  it("a value under an empty trailing header cell: exits 1 naming the field", async () => {
    const r = await planCli(`${HEADER},,\n${ROW},,oops\n`);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /lab\.csv:2: \(row\): field 13 holds 'oops' but its header cell is empty/);
  });

  const utf16 = (text: string, bigEndian: boolean, bom: boolean) => {
    const le = Buffer.from(text, "utf16le");
    const bytes = bigEndian ? Buffer.from(le.map((_, i) => le[i ^ 1])) : le;
    return Buffer.concat([bom ? Buffer.from(bigEndian ? [0xfe, 0xff] : [0xff, 0xfe]) : Buffer.alloc(0), bytes]);
  };
  for (const [bigEndian, bom, named] of [[false, true, "little-endian, with a byte-order mark"], [false, false, "little-endian, without a byte-order mark"], [true, true, "big-endian, with a byte-order mark"], [true, false, "big-endian, without a byte-order mark"]] as const) {
    it(`UTF-16 ${named}: exits 1 and names the encoding`, async () => {
      const r = await planCli(utf16(`${HEADER}\r\n${ROW}\r\n`, bigEndian, bom));
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`lab\\.csv:1: \\(file\\): the file is UTF-16 text \\(${named}\\), as Excel's 'Unicode Text' saves it; save it from Excel as 'CSV UTF-8 \\(Comma delimited\\)'`));
    });
  }
});

describe("npm run plan: bounded reads", () => {
  const run = runPlanCli;

  it("--csv /dev/zero: refused as a device before a byte is read", async () => {
    const { stackFile } = writeLab(CSV);
    const started = Date.now();
    const r = await run("--config", stackFile, "--csv", "/dev/zero");
    assert.equal(r.code, 1);
    assert.match(r.stderr, /\/dev\/zero: \(file\): the lab CSV is a character device, such as \/dev\/zero, not a regular file/);
    assert.ok(Date.now() - started < 5000);
  });

  it("--config /dev/zero: the stack file is refused the same way", async () => {
    const r = await run("--config", "/dev/zero");
    assert.equal(r.code, 1);
    assert.match(r.stderr, /\/dev\/zero: \(file\): the stack file is a character device/);
  });

  it("a pipe (FIFO) as the CSV: refused without waiting for a writer", async function () {
    const { dir, stackFile } = writeLab(CSV);
    const fifo = path.join(dir, "lab.fifo");
    try {
      execFileSync("mkfifo", [fifo]);
    } catch {
      this.skip();
    }
    const r = await run("--config", stackFile, "--csv", fifo);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /the lab CSV is a pipe \(FIFO\), not a regular file/);
  });

  it("a directory as the CSV: refused", async () => {
    const { dir, stackFile } = writeLab(CSV);
    const r = await run("--config", stackFile, "--csv", dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /the lab CSV is a directory, not a regular file/);
  });
});

describe("Excel's separators (pure)", () => {
  it("takes a tab from sep=<TAB>, a comma file with ';' lists as comma-separated, and a one-column header as comma-separated", () => {
    assert.deepEqual(detectSeparator("sep=\t\nVMName\tSubnetName\n"), { delimiter: "\t", text: "\nVMName\tSubnetName\n" });
    assert.equal((detectSeparator(`${HEADER},Endpoints\n${ROW},smtp;https\n`) as { delimiter: string }).delimiter, ",");
    assert.equal((detectSeparator("AffinityGroup\n,,\n") as { delimiter: string }).delimiter, ",");
    assert.equal((detectSeparator("\uFEFFVMName;VMOSDiskName\n") as { delimiter: string }).delimiter, ";");
  });
});
