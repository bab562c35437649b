import { strict as assert } from "assert";
import { parseSettings } from "../src/input/stack/settings";
import { exampleConfig, onlyProblem } from "./helpers";

const at = (key: string) => ({ file: "stacks/Pulumi.test.yaml", line: key.length }); // a fake but key-dependent line
const problemsOf = (overrides: Record<string, string | undefined>) => parseSettings(exampleConfig(overrides), at).problems;
const S = (v: unknown) => JSON.stringify(v);

describe("the stack settings", () => {
  it("parses the example stack", () => {
    const { settings, problems } = parseSettings(exampleConfig(), at);
    assert.deepEqual(problems, []);
    assert.equal(settings!.location, "westeurope");
    assert.deepEqual(settings!.subnets.map((s) => [s.name, s.cidr.text]), [["Oxford", "10.20.1.0/24"], ["London", "10.20.2.0/24"]]);
    assert.equal(settings!.gatewaySubnet.text, "10.20.0.0/27");
    assert.deepEqual(settings!.onPremises!.addressSpaces.map((c) => c.text), ["192.168.1.0/24"]);
  });

  it("applies the defaults of csv and virtualNetworkName", () => {
    const { settings } = parseSettings(exampleConfig({ "exchange-lab:csv": undefined, "exchange-lab:virtualNetworkName": undefined }), at);
    assert.equal(settings!.csv, "lab.csv");
    assert.equal(settings!.virtualNetworkName, "exchange-lab-vnet");
  });

  it("names the config key and its line in every problem", () => {
    const p = onlyProblem(problemsOf({ "exchange-lab:gatewaySubnet": "10.99.0.0/27" }));
    assert.deepEqual(p, { file: "stacks/Pulumi.test.yaml", line: "exchange-lab:gatewaySubnet".length, column: "exchange-lab:gatewaySubnet", message: p.message });
  });

  it("requires the region, both resource groups, addressSpace, gatewaySubnet and subnets", () => {
    const keys = ["azure-native:location", "exchange-lab:resourceGroupName", "exchange-lab:diskResourceGroupName", "exchange-lab:addressSpace", "exchange-lab:gatewaySubnet", "exchange-lab:subnets"];
    const problems = problemsOf(Object.fromEntries(keys.map((k) => [k, undefined])));
    assert.deepEqual(problems.map((p) => p.column).sort(), [...keys].sort());
  });

  it("draytekProfileIndex: a DrayTek LAN-to-LAN profile index from 1 to 500, warned above a Vigor2927's 32, absent by default", () => {
    assert.equal(parseSettings(exampleConfig(), at).settings!.vpn!.draytekProfileIndex, undefined);
    assert.equal(parseSettings(exampleConfig({ "exchange-lab:draytekProfileIndex": "7" }), at).settings!.vpn!.draytekProfileIndex, 7);
    for (const bad of ["0", "501", "x", "1.5"]) {
      assert.match(onlyProblem(problemsOf({ "exchange-lab:draytekProfileIndex": bad })).message, /expected a LAN-to-LAN profile index from 1 to 500 \(a Vigor2927 V2\.2 has 1 to 32\)/, bad);
    }
    const high = parseSettings(exampleConfig({ "exchange-lab:draytekProfileIndex": "40" }), at);
    assert.equal(high.settings!.vpn!.draytekProfileIndex, 40);
    assert.match(onlyProblem(high.warnings).message, /profile 40 exists on a Vigor3912 \(1 to 500\), not on a Vigor2927 V2\.2 \(1 to 32\)/);
  });

  it("parkedDiskSku: per disk role, OS disks on Standard SSD and data disks on Standard HDD by default; one type for all; OS on Standard HDD warned (HDD OS disk retirement)", () => {
    assert.deepEqual(parseSettings(exampleConfig(), at).settings!.parkedDiskSku, { os: "StandardSSD_LRS", data: "Standard_LRS" });
    assert.deepEqual(parseSettings(exampleConfig({ "exchange-lab:parkedDiskSku": JSON.stringify({ data: "StandardSSD_LRS" }) }), at).settings!.parkedDiskSku, { os: "StandardSSD_LRS", data: "StandardSSD_LRS" });
    const hdd = parseSettings(exampleConfig({ "exchange-lab:parkedDiskSku": "Standard_LRS" }), at);
    assert.deepEqual(hdd.settings!.parkedDiskSku, { os: "Standard_LRS", data: "Standard_LRS" });
    assert.match(onlyProblem(hdd.warnings).message, /OS disks would park on Standard HDD: Microsoft retires Standard HDD OS disks on 2028-09-08/);
    assert.match(onlyProblem(problemsOf({ "exchange-lab:parkedDiskSku": JSON.stringify({ temp: "Standard_LRS" }) })).message, /'temp' is not a disk role; parkedDiskSku takes os and data/);
    assert.match(onlyProblem(problemsOf({ "exchange-lab:parkedDiskSku": JSON.stringify({ os: "Premium_LRS" }) })).message, /"Premium_LRS" is not a parked disk type/);
  });

  it("rejects an unknown key under exchange-lab: (a typo would otherwise be ignored)", () => {
    assert.match(onlyProblem(problemsOf({ "exchange-lab:subnet": "{}" })).message, /unknown configuration key/);
  });

  it("rejects a disk resource group equal to the owned one, in any case", () => {
    const p = onlyProblem(problemsOf({ "exchange-lab:diskResourceGroupName": "Exchange-Lab" }));
    assert.equal(p.column, "exchange-lab:diskResourceGroupName");
    assert.match(p.message, /pulumi destroy deletes the resource group/);
  });

  it("rejects an invalid resource group name", () => assert.match(onlyProblem(problemsOf({ "exchange-lab:resourceGroupName": "lab." })).message, /not a valid resource group name/));
  it("rejects an invalid region", () => assert.match(onlyProblem(problemsOf({ "azure-native:location": "west-europe!" })).message, /not an Azure region/));
  it("normalises a display region name", () => assert.equal(parseSettings(exampleConfig({ "azure-native:location": "West Europe" }), at).settings!.location, "westeurope"));

  describe("address space and subnets", () => {
    it("accepts a single CIDR as addressSpace", () => assert.deepEqual(problemsOf({ "exchange-lab:addressSpace": "10.20.0.0/16" }), []));
    it("rejects a CIDR with host bits set, naming the network", () => assert.match(onlyProblem(problemsOf({ "exchange-lab:addressSpace": S(["10.20.0.1/16"]) })).message, /network is 10\.20\.0\.0\/16/));
    it("rejects text that is no CIDR", () => assert.match(onlyProblem(problemsOf({ "exchange-lab:gatewaySubnet": "10.20.0.0" })).message, /not an IPv4 CIDR/));
    it("rejects overlapping address spaces", () => assert.match(onlyProblem(problemsOf({ "exchange-lab:addressSpace": S(["10.20.0.0/16", "10.20.5.0/24"]) })).message, /overlap/));
    it("needs GatewaySubnet inside addressSpace", () => assert.match(onlyProblem(problemsOf({ "exchange-lab:gatewaySubnet": "10.21.0.0/27" })).message, /not inside addressSpace/));
    it("needs GatewaySubnet of at least /29", () => assert.match(onlyProblem(problemsOf({ "exchange-lab:gatewaySubnet": "10.20.0.0/30" })).message, /smaller than \/29/));
    it("needs lab subnets inside addressSpace", () => {
      const p = onlyProblem(problemsOf({ "exchange-lab:subnets": S({ Oxford: "10.20.1.0/24", Paris: "10.30.0.0/24" }) }));
      assert.deepEqual([p.column, /not inside addressSpace/.test(p.message)], ["exchange-lab:subnets.Paris", true]);
    });
    it("needs lab subnets disjoint from each other", () => assert.match(onlyProblem(problemsOf({ "exchange-lab:subnets": S({ Oxford: "10.20.1.0/24", London: "10.20.1.128/25" }) })).message, /overlaps subnet Oxford/));
    it("needs lab subnets disjoint from GatewaySubnet", () => assert.match(onlyProblem(problemsOf({ "exchange-lab:subnets": S({ Oxford: "10.20.0.0/24" }) })).message, /overlaps gatewaySubnet/));
    it("rejects a lab subnet named GatewaySubnet", () => assert.match(onlyProblem(problemsOf({ "exchange-lab:subnets": S({ gatewaysubnet: "10.20.1.0/24" }) })).message, /reserved by Azure/));
    it("rejects an invalid subnet name", () => assert.match(onlyProblem(problemsOf({ "exchange-lab:subnets": S({ "-x": "10.20.1.0/24" }) })).message, /not a valid lab subnet name/));
    it("rejects a subnet name too long for its NSG's name (<subnet>-nsg, 80 at most)", () => {
      assert.match(onlyProblem(problemsOf({ "exchange-lab:subnets": S({ ["s".repeat(77)]: "10.20.1.0/24" }) })).message, /1-76 letters/);
    });
    it("rejects a subnet smaller than /29", () => assert.match(onlyProblem(problemsOf({ "exchange-lab:subnets": S({ Oxford: "10.20.1.0/30" }) })).message, /smaller than \/29/));
    it("rejects subnets that are not a map", () => assert.match(onlyProblem(problemsOf({ "exchange-lab:subnets": S(["10.20.1.0/24"]) })).message, /expected a map/));
  });

  describe("onPremises", () => {
    it("must not overlap the lab's address space", () => {
      const p = onlyProblem(problemsOf({ "exchange-lab:onPremises": S({ publicIp: "203.0.113.10", addressSpaces: ["10.20.128.0/17"] }) }));
      assert.equal(p.column, "exchange-lab:onPremises.addressSpaces.0");
      assert.match(p.message, /overlaps the lab's addressSpace/);
    });
    it("needs addressSpaces", () => assert.match(onlyProblem(problemsOf({ "exchange-lab:onPremises": S({ publicIp: "203.0.113.10" }) })).message, /office LAN networks/));
    it("rejects an unknown field", () => assert.match(onlyProblem(problemsOf({ "exchange-lab:onPremises": S({ publicIp: "203.0.113.10", addressSpaces: ["192.168.1.0/24"], lan: 1 }) })).message, /unknown field 'lan'/));
    it("needs at least one office network", () => assert.match(onlyProblem(problemsOf({ "exchange-lab:onPremises": S({ publicIp: "203.0.113.10", addressSpaces: [] }) })).message, /at least one office LAN/));
    it("rejects overlapping office networks", () => {
      assert.match(onlyProblem(problemsOf({ "exchange-lab:onPremises": S({ publicIp: "203.0.113.10", addressSpaces: ["192.168.0.0/16", "192.168.1.0/24"] }) })).message, /overlaps 192\.168\.0\.0\/16/);
    });
  });
});
