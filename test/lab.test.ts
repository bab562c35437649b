import { strict as assert } from "assert";
import { onlineVms } from "../src/input/lab/lab";
import { CLASSIC_SIZES } from "../src/input/csv/sizes";
import { exampleSettings, labOf, onlyProblem } from "./helpers";

// The classic example row from the 2014 article ("Building an inexpensive Exchange lab in Azure"): empty IPAddress,
// size Small, subnet Oxford, Location West Europe, WaitForBoot Yes, RDP 3389.
const SEED_ROW = "Yes,mh-oxf-dc1,portalvhdsjv47jtq9qdrmb,mh-oxf-mbx2-mh-oxf-mbx2-0-201312301745030496,Small,Oxford,,West Europe,C7Solutions-AG,Yes,3389";

/** A valid row with cells replaced by column index (0 BringOnline ... 10 PublicRDPPort). */
function row(name: string, changes: Record<number, string> = {}): string {
  const cells = ["Yes", name, "", `${name}-os`, "Small", "Oxford", "", "", "", "No", ""];
  for (const [i, v] of Object.entries(changes)) cells[Number(i)] = v;
  return cells.join(",");
}

describe("the lab description built from CSV rows", () => {
  describe("the classic example row", () => {
    it("plans with the first usable address of its subnet and a current size", () => {
      const { lab, problems } = labOf([SEED_ROW]);
      assert.deepEqual(problems, []);
      const vm = lab!.vms[0];
      assert.equal(vm.privateIp, "10.20.1.4");
      assert.equal(vm.ipSource, "assigned");
      assert.equal(vm.size, "Standard_B1ms");
      assert.equal(vm.classicSize, "Small");
      assert.deepEqual(vm.osDisk, { resourceGroupName: "exchange-lab-disks", name: "mh-oxf-mbx2-mh-oxf-mbx2-0-201312301745030496" });
      assert.equal(vm.publicRdpPort, 3389);
    });
  });

  describe("BringOnline and WaitForBoot", () => {
    it("accepts Yes/No in any case and defaults to BringOnline=Yes, WaitForBoot=No", () => {
      const { lab } = labOf([row("a", { 0: "yes", 9: "NO" }), row("b", { 0: "", 9: "" })]);
      assert.deepEqual(lab!.vms.map((v) => [v.bringOnline, v.waitForBoot]), [[true, false], [true, false]]);
    });
    it("rejects anything but Yes or No", () => {
      const p = onlyProblem(labOf([row("a", { 0: "Maybe" })]).problems);
      assert.deepEqual([p.line, p.column], [2, "BringOnline"]);
      assert.match(onlyProblem(labOf([row("a", { 9: "true" })]).problems).message, /expected Yes or No, got 'true'/);
    });
    it("keeps a BringOnline=No row's name and IP reserved but does not declare it", () => {
      const { lab } = labOf([row("a", { 0: "No" }), row("b")]);
      assert.deepEqual(onlineVms(lab!).map((v) => v.name), ["b"]);
      assert.equal(lab!.vms[0].privateIp, "10.20.1.4");
      assert.equal(lab!.vms[1].privateIp, "10.20.1.5");
      assert.match(onlyProblem(labOf([row("a", { 0: "No" }), row("A", { 3: "other" })]).problems).message, /already used on line 2/);
    });
  });

  describe("VMName", () => {
    it("is required", () => assert.match(onlyProblem(labOf([row("", { 3: "x-os" })]).problems).message, /required/));
    it("must be unique, case-insensitively", () => {
      const p = onlyProblem(labOf([row("dc1"), row("DC1", { 3: "other" })]).problems);
      assert.deepEqual([p.line, p.column], [3, "VMName"]);
    });
    it("must follow Azure's rules for Windows VM names", () => {
      for (const bad of ["dc_1", "dc.1", "dc1-", "12345", "a b", "x".repeat(65)]) {
        assert.match(onlyProblem(labOf([row(bad, { 3: "d" })]).problems).message, /not a valid Windows VM name/, bad);
      }
    });
    it("warns past 15 characters, the Windows computer-name limit", () => {
      const { lab } = labOf([row("exchange-server-01")]);
      assert.match(onlyProblem(lab!.warnings).message, /15 characters/);
    });
  });

  describe("VMOSDiskName", () => {
    it("is a disk name in diskResourceGroupName", () => {
      const { lab } = labOf([row("a", { 3: "a-osdisk" })]);
      assert.deepEqual(lab!.vms[0].osDisk, { resourceGroupName: "exchange-lab-disks", name: "a-osdisk" });
    });
    it("or a full disk resource ID in diskResourceGroupName", () => {
      const id = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/Exchange-Lab-Disks/providers/Microsoft.Compute/disks/a-os";
      const { lab } = labOf([row("a", { 3: id })]);
      assert.equal(lab!.vms[0].osDisk.id, id);
    });
    it("rejects a disk ID outside diskResourceGroupName", () => {
      const id = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/exchange-lab/providers/Microsoft.Compute/disks/a-os";
      assert.match(onlyProblem(labOf([row("a", { 3: id })]).problems).message, /not in diskResourceGroupName 'exchange-lab-disks'/);
    });
    it("rejects a disk ID whose name Azure would refuse", () => {
      const id = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/exchange-lab-disks/providers/Microsoft.Compute/disks/x..";
      assert.match(onlyProblem(labOf([row("a", { 3: id })]).problems).message, /in the disk ID is not a valid managed disk name/);
    });
    it("rejects an ID that is not a managed disk", () => {
      const id = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/exchange-lab-disks/providers/Microsoft.Storage/storageAccounts/x";
      assert.match(onlyProblem(labOf([row("a", { 3: id })]).problems).message, /not a managed disk resource ID/);
    });
    it("rejects an invalid disk name", () => assert.match(onlyProblem(labOf([row("a", { 3: "-bad" })]).problems).message, /not a valid managed disk name/));
    it("is required", () => assert.match(onlyProblem(labOf([row("a", { 3: "" })]).problems).message, /required/));
    it("may be attached by one row only", () => {
      const p = onlyProblem(labOf([row("a", { 3: "shared" }), row("b", { 3: "shared" })]).problems);
      assert.match(p.message, /already attached by line 2/);
    });
  });

  describe("VMInstanceSize", () => {
    it("maps every classic name through the one table to a current size", () => {
      for (const [classic, { current }] of Object.entries(CLASSIC_SIZES)) {
        assert.equal(labOf([row("a", { 4: classic.toLowerCase() })]).lab!.vms[0].size, current.name);
      }
    });
    it("maps each classic size to at least the capacity it had", () => {
      for (const { classic, current } of Object.values(CLASSIC_SIZES)) {
        assert.ok(current.vcpus >= classic.vcpus && current.memoryGiB >= classic.memoryGiB, current.name);
      }
    });
    it("accepts any Azure size name as written", () => assert.equal(labOf([row("a", { 4: "Standard_D2s_v5" })]).lab!.vms[0].size, "Standard_D2s_v5"));
    it("rejects a retired A-series size", () => assert.match(onlyProblem(labOf([row("a", { 4: "Standard_A1" })]).problems).message, /retired/));
    it("rejects an Arm64 size", () => assert.match(onlyProblem(labOf([row("a", { 4: "Standard_D2ps_v5" })]).problems).message, /Arm64/));
    it("rejects text that is no size", () => assert.match(onlyProblem(labOf([row("a", { 4: "Huge" })]).problems).message, /neither a classic size/));
    it("warns for a size that may not boot a Generation 1 disk", () => assert.match(onlyProblem(labOf([row("a", { 4: "Standard_B2s_v2" })]).lab!.warnings).message, /Generation 2/));
  });

  describe("SubnetName", () => {
    it("must be a subnet of the stack", () => {
      const p = onlyProblem(labOf([row("a", { 5: "Cambridge" })]).problems);
      assert.equal(p.column, "SubnetName");
      assert.match(p.message, /the subnets are Oxford, London/);
    });
    it("is matched case-insensitively and reported as the stack spells it", () => assert.equal(labOf([row("a", { 5: "oxford" })]).lab!.vms[0].subnet, "Oxford"));
  });

  describe("IPAddress", () => {
    it("must lie in the row's subnet", () => assert.match(onlyProblem(labOf([row("a", { 6: "10.20.2.10" })]).problems).message, /not in subnet Oxford/));
    for (const reserved of ["10.20.1.0", "10.20.1.1", "10.20.1.2", "10.20.1.3", "10.20.1.255"]) {
      it(`must not be ${reserved}, reserved by Azure`, () => assert.match(onlyProblem(labOf([row("a", { 6: reserved })]).problems).message, /reserved by Azure/));
    }
    it("must not be shared by two rows", () => {
      const p = onlyProblem(labOf([row("a", { 6: "10.20.1.9" }), row("b", { 6: "10.20.1.9" })]).problems);
      assert.deepEqual([p.line, p.message], [3, "10.20.1.9 is already used on line 2"]);
    });
    it("must be IPv4", () => assert.match(onlyProblem(labOf([row("a", { 6: "fd00::4" })]).problems).message, /IPv6/));
    it("must be an address", () => assert.match(onlyProblem(labOf([row("a", { 6: "10.20.1.400" })]).problems).message, /not an IPv4 address/));
    it("when empty, gets the first usable address no earlier row holds, in CSV order", () => {
      const { lab } = labOf([row("a"), row("b", { 6: "10.20.1.5" }), row("c"), row("d", { 5: "London" })]);
      assert.deepEqual(lab!.vms.map((v) => v.privateIp), ["10.20.1.4", "10.20.1.5", "10.20.1.6", "10.20.2.4"]);
    });
    it("when empty, never moves when rows are added: only earlier rows count", () => {
      const before = labOf([row("a"), row("b")]).lab!.vms.map((v) => v.privateIp);
      const after = labOf([row("a"), row("b"), row("c", { 6: "10.20.1.9" }), row("d")]).lab!.vms.map((v) => v.privateIp);
      assert.deepEqual(after.slice(0, 2), before);
      assert.deepEqual(after, ["10.20.1.4", "10.20.1.5", "10.20.1.9", "10.20.1.6"]);
    });
    it("when empty in a fresh lab, skips every address the CSV writes, in any row", () => {
      const { lab } = labOf([row("a"), row("b", { 6: "10.20.1.4" })]);
      assert.deepEqual(lab!.vms.map((v) => [v.privateIp, v.ipSource]), [["10.20.1.5", "assigned"], ["10.20.1.4", "csv"]]);
    });
    it("when empty in a full subnet, says so", () => {
      const settings = exampleSettings({ "exchange-lab:subnets": JSON.stringify({ Oxford: "10.20.1.0/29" }) });
      const { problems } = labOf([row("a"), row("b"), row("c"), row("d")], settings);
      assert.match(onlyProblem(problems).message, /no free address left/);
    });
  });

  describe("Location", () => {
    it("may be empty or the stack's region in either spelling", () => {
      assert.deepEqual(labOf([row("a", { 7: "West Europe" }), row("b", { 7: "westeurope" }), row("c")]).problems, []);
    });
    it("rejects another region", () => assert.match(onlyProblem(labOf([row("a", { 7: "North Europe" })]).problems).message, /not the stack's region 'westeurope'/));
  });

  describe("PublicRDPPort", () => {
    it("must be 1 to 65534, the load balancer's frontend ports", () => {
      for (const bad of ["0", "65535", "65536", "rdp", "-1"]) assert.match(onlyProblem(labOf([row("a", { 10: bad })]).problems).message, /1 to 65534/, bad);
    });
    it("must be unique in the file", () => assert.match(onlyProblem(labOf([row("a", { 10: "3389" }), row("b", { 10: "3389" })]).problems).message, /already used on line 2/));
  });

  describe("StorageAccount and AffinityGroup", () => {
    it("are classic-only and ignored", () => assert.deepEqual(labOf([row("a", { 2: "portalvhds", 8: "Some-AG" })]).problems, []));
  });

  it("reports every problem at once, each with its line and column", () => {
    const { lab, problems } = labOf([row("a", { 4: "Huge" }), row("b", { 5: "Nowhere", 10: "0" })]);
    assert.equal(lab, undefined);
    assert.deepEqual(problems.map((p) => [p.line, p.column]), [[2, "VMInstanceSize"], [3, "SubnetName"], [3, "PublicRDPPort"]]);
  });

  it("rejects a CSV with a header but no rows", () => assert.match(onlyProblem(labOf([]).problems).message, /no VM rows/));

  describe("boot order", () => {
    const deps = (rows: string[]) => Object.fromEntries(onlineVms(labOf(rows).lab!).map((v) => [v.name, v.dependsOn]));

    it("creates VMs with no barrier in parallel", () => {
      assert.deepEqual(deps([row("a"), row("b"), row("c")]), { a: [], b: [], c: [] });
    });
    it("makes every later VM depend on the most recent WaitForBoot=Yes row", () => {
      assert.deepEqual(deps([row("dc", { 9: "Yes" }), row("ex1"), row("ex2")]), { dc: [], ex1: ["dc"], ex2: ["dc"] });
    });
    it("makes a barrier wait for the previous barrier and the VMs since it", () => {
      const rows = [row("dc1", { 9: "Yes" }), row("dc2"), row("ex1", { 9: "Yes" }), row("cl1"), row("cl2")];
      assert.deepEqual(deps(rows), { dc1: [], dc2: ["dc1"], ex1: ["dc1", "dc2"], cl1: ["ex1"], cl2: ["ex1"] });
    });
    it("skips BringOnline=No rows, which are not declared and cannot be waited for", () => {
      const rows = [row("dc1", { 9: "Yes" }), row("dc2", { 0: "No", 9: "Yes" }), row("ex1")];
      assert.deepEqual(deps(rows), { dc1: [], ex1: ["dc1"] });
    });
  });
});
