// Network edits over a lab's life that Azure refuses while the lab uses what they change: each is
// planned as the next pulumi up after a deployment (its deployedLab record, as in
// lifecycle.test.ts), and must exit 1 with nothing declared, naming the key and the steps.
import { strict as assert } from "assert";
import { PlanResult, runPlan } from "../src/plan/plan";
import { DeployedLabRecord } from "../src/input/lab/previous";
import { labResourceUrn, previousNetwork } from "../src/input/lab/networkEdits";
import { baseStackYaml, writeLab } from "./helpers";

const HEADER = "BringOnline,VMName,StorageAccount,VMOSDiskName,VMInstanceSize,SubnetName,IPAddress,Location,AffinityGroup,WaitForBoot,PublicRDPPort,Endpoints,DataDisks";
const NO_VPN = baseStackYaml() + "  exchange-lab:vpn: false\n";
const WITH_VPN = baseStackYaml() + "  exchange-lab:vpnSharedKey: Lifecycl3TestKey\n";

interface Row {
  online?: string;
  subnet?: string;
  ip?: string;
  data?: string;
}
const row = (name: string, r: Row = {}) => [r.online ?? "Yes", name, "", `${name}-os`, "Small", r.subnet ?? "Oxford", r.ip ?? "", "", "", "No", "", "", r.data ?? ""].join(",");
const csv = (...rows: string[]) => [HEADER, ...rows].join("\n") + "\n";
const BASE = csv(row("dc1"), row("ex1", { data: "ex1-db;ex1-log" }), row("lon1", { subnet: "London" }));
const LONDON_PARKED = csv(row("dc1"), row("ex1", { data: "ex1-db;ex1-log" }), row("lon1", { subnet: "London", online: "No" }));

/** The stack file with `from` replaced by `to` (each must occur). */
function edited(yaml: string, ...pairs: [string, string][]): string {
  return pairs.reduce((text, [from, to]) => {
    assert.ok(text.includes(from), `the stack has ${from}`);
    return text.replace(from, to);
  }, yaml);
}

async function up(text: string, stackYaml: string, previous?: DeployedLabRecord): Promise<PlanResult> {
  const { dir, stackFile } = writeLab(text, stackYaml);
  return runPlan({ stackFile, baseDir: dir, previous });
}

const deployed = new Map<string, Promise<PlanResult>>();
/** Deploys `base` with `stackYaml` (once per pair), then plans `next` with `nextYaml` against it. */
async function then(base: string, stackYaml: string, next: string, nextYaml: string): Promise<PlanResult> {
  const key = `${stackYaml}\0${base}`;
  if (!deployed.has(key)) deployed.set(key, up(base, stackYaml));
  const before = await deployed.get(key)!;
  assert.deepEqual(before.errors, []);
  return up(next, nextYaml, before.deployedLab);
}

/** The plan refused the edit: exit 1 with nothing declared; returns the problems' columns. */
function refused(plan: PlanResult): string[] {
  assert.ok(plan.errors.length > 0, "the edit is refused");
  assert.deepEqual(plan.resources, [], "nothing is declared");
  return plan.errors.map((e) => e.column);
}
const change = (p: PlanResult, name: string) => (p.changes ?? []).find((c) => c.name === name);

describe("network edits while the lab uses them (previous deployment known)", function () {
  this.timeout(30000);

  it("a subnet grown, shrunk or moved under deployed VMs is refused on its key, naming the VMs and the three steps", async () => {
    const cases = [["London", "10.20.2.0/24", "10.20.2.0/23", "grown", "lon1"], ["Oxford", "10.20.1.0/24", "10.20.1.0/25", "shrunk", "dc1 and ex1"], ["Oxford", "10.20.1.0/24", "10.20.5.0/24", "moved", "dc1 and ex1"]];
    for (const [subnet, from, to, how, vms] of cases) {
      const plan = await then(BASE, NO_VPN, BASE, edited(NO_VPN, [`${subnet}: ${from}`, `${subnet}: ${to}`]));
      assert.deepEqual(refused(plan), [`exchange-lab:subnets.${subnet}`], to);
      const error = plan.errors[0];
      assert.ok(error.file.endsWith("Pulumi.test.yaml") && error.line > 0, JSON.stringify(error));
      const re = (t: string) => t.replace(/[./]/g, "\\$&");
      assert.match(error.message, new RegExp(`${subnet} is ${how} from ${re(from)} to ${re(to)} while the network interfaces of ${vms} are in it`));
      assert.match(error.message, /InUsePrefixCannotBeDeleted; https:\/\/learn\.microsoft\.com\/azure\/virtual-network\/virtual-network-manage-subnet#change-subnet-settings/);
      assert.match(error.message, new RegExp(`Three steps: set ${vms} BringOnline=No in lab\\.csv .* pulumi up .*then change the range and pulumi up; then BringOnline=Yes`));
    }
  });

  it("a subnet with no deployed VM changes its range in place", async () => {
    const plan = await then(LONDON_PARKED, NO_VPN, LONDON_PARKED, edited(NO_VPN, ["London: 10.20.2.0/24", "London: 10.20.2.0/25"]));
    assert.deepEqual(plan.errors, []);
    assert.deepEqual(change(plan, "London"), { type: "azure-native:network:Subnet", name: "London", action: "update", properties: ["addressPrefix"] });
  });

  it("every refused edit is reported at once: two subnets moved and the address space replaced", async () => {
    const yaml = edited(NO_VPN, ["Oxford: 10.20.1.0/24", "Oxford: 10.30.1.0/24"], ["London: 10.20.2.0/24", "London: 10.30.2.0/24"], ["- 10.20.0.0/16", "- 10.30.0.0/16\n    - 10.20.0.0/27"], ["gatewaySubnet: 10.20.0.0/27", "gatewaySubnet: 10.20.0.0/27"]);
    const plan = await then(BASE, NO_VPN, BASE.replace(/10\.20\./g, "10.30."), yaml);
    const columns = refused(plan);
    assert.deepEqual(columns.filter((c) => c.startsWith("exchange-lab:")).sort(), ["exchange-lab:addressSpace", "exchange-lab:subnets.London", "exchange-lab:subnets.Oxford"]);
    const space = plan.errors.find((e) => e.column === "exchange-lab:addressSpace")!;
    assert.match(space.message, /10\.20\.0\.0\/16 is removed or replaced while the deployed subnets Oxford \(10\.20\.1\.0\/24\), London \(10\.20\.2\.0\/24\), GatewaySubnet \(10\.20\.0\.0\/27\) are in it: "If a subnet exists in the address range, you can't remove the address range" \(https:\/\/learn\.microsoft\.com\/azure\/virtual-network\/manage-virtual-network\)\. Adding a range is fine/);
  });

  it("adding an address space range is an in-place update of the virtual network", async () => {
    const plan = await then(BASE, NO_VPN, BASE, edited(NO_VPN, ["- 10.20.0.0/16", "- 10.20.0.0/16\n    - 10.30.0.0/16"]));
    assert.deepEqual(plan.errors, []);
    assert.equal(change(plan, "MCMHybrid")?.action, "update");
  });

  it("a subnet renamed over its own range is refused (the new one is created before the old one goes); VMs would lose their addresses", async () => {
    const renamed = edited(NO_VPN, ["London: 10.20.2.0/24", "Cambridge: 10.20.2.0/24"]);
    const withVms = await then(BASE, NO_VPN, BASE.replace(",London,", ",Cambridge,"), renamed);
    assert.deepEqual(refused(withVms), ["exchange-lab:subnets.Cambridge"]);
    assert.match(withVms.errors[0].message, /Cambridge \(10\.20\.2\.0\/24\) overlaps the deployed subnet London \(10\.20\.2\.0\/24\): Pulumi writes Cambridge first \(London is deleted only at the end of the run\), and Azure refuses overlapping subnets \(https:\/\/github\.com\/Azure\/azure-cli\/issues\/10917\); the VMs in London would also lose their addresses/);
    assert.match(withVms.errors[0].message, /set lon1 BringOnline=No in lab\.csv .*remove London and pulumi up; then add Cambridge and pulumi up/);
    const empty = await then(LONDON_PARKED, NO_VPN, LONDON_PARKED.replace(",London,", ",Cambridge,"), renamed);
    assert.deepEqual(refused(empty), ["exchange-lab:subnets.Cambridge"]);
    const elsewhere = await then(LONDON_PARKED, NO_VPN, LONDON_PARKED.replace(",London,", ",Cambridge,"), edited(NO_VPN, ["London: 10.20.2.0/24", "Cambridge: 10.20.3.0/24"]));
    assert.deepEqual(elsewhere.errors, [], "a new name on a free range is a new subnet; the empty old one is deleted");
  });

  it("a subnet moved onto the range of a subnet that goes in the same run is refused (found by the fast-check property)", async () => {
    const base = csv(row("dc1", { online: "No" }), row("lon1", { subnet: "London" }));
    const yaml = edited(NO_VPN, ["Oxford: 10.20.1.0/24\n    London: 10.20.2.0/24", "Oxford: 10.20.2.0/24"]);
    const plan = await then(base, NO_VPN, csv(row("dc1", { online: "No" }), row("lon1")), yaml);
    assert.deepEqual(refused(plan), ["exchange-lab:subnets.Oxford"]);
    assert.match(plan.errors[0].message, /Oxford \(10\.20\.2\.0\/24\) overlaps the deployed subnet London \(10\.20\.2\.0\/24\): Pulumi writes Oxford first \(London is deleted only at the end of the run\)/);
  });

  it("case-only renames of a subnet, a VM or the virtual network are refused: ARM names are case-insensitive", async () => {
    const subnet = await then(BASE, NO_VPN, BASE, edited(NO_VPN, ["Oxford: 10.20.1.0/24", "OXFORD: 10.20.1.0/24"]));
    assert.deepEqual(refused(subnet), ["exchange-lab:subnets.OXFORD"]);
    assert.match(subnet.errors[0].message, /'OXFORD' differs from the deployed subnet 'Oxford' only in case: ARM names are case-insensitive .*pulumi-azure-native\/issues\/303\)\. Write 'Oxford' as deployed/);
    const vm = await then(BASE, NO_VPN, BASE.replace("Yes,dc1,", "Yes,DC1,"), NO_VPN);
    assert.deepEqual(refused(vm), ["VMName"]);
    assert.equal(vm.errors[0].line, 2);
    assert.match(vm.errors[0].message, /'DC1' differs from the deployed VM 'dc1' only in case.*Write 'dc1' as deployed/);
    const network = await then(BASE, NO_VPN, BASE, edited(NO_VPN, ["virtualNetworkName: MCMHybrid", "virtualNetworkName: mcmhybrid"]));
    assert.deepEqual(refused(network), ["exchange-lab:virtualNetworkName"]);
  });

  it("a virtual network rename under deployed VMs is refused; with nothing deployed in it, it is a new network", async () => {
    const plan = await then(BASE, NO_VPN, BASE, edited(NO_VPN, ["virtualNetworkName: MCMHybrid", "virtualNetworkName: Lab2"]));
    assert.deepEqual(refused(plan), ["exchange-lab:virtualNetworkName"]);
    assert.match(plan.errors[0].message, /the network interfaces of dc1, ex1 and lon1 cannot move to it: "You can change the subnet, but not the virtual network, that a network interface is assigned to".*pulumi destroy \(the disks stay\), rename, pulumi up/);
    const parked = csv(row("dc1", { online: "No" }));
    const empty = await then(parked, NO_VPN, parked, edited(NO_VPN, ["virtualNetworkName: MCMHybrid", "virtualNetworkName: Lab2"]));
    assert.deepEqual(empty.errors, []);
    assert.equal(change(empty, "Lab2")?.action, "create");
  });

  it("a resource group rename or a region change is refused with the honest path: pin, destroy, then up", async () => {
    const group = await then(BASE, NO_VPN, BASE, edited(NO_VPN, ["resourceGroupName: exchange-lab\n", "resourceGroupName: exchange-lab2\n"]));
    assert.deepEqual(refused(group), ["exchange-lab:resourceGroupName"]);
    assert.match(group.errors[0].message, /deployed in resource group exchange-lab;.*npm run plan -- --pin, which also writes an Image row's derived OS disk name.*pulumi destroy \(the disks stay in exchange-lab-disks\), rename, pulumi up/);
    const region = await then(BASE, NO_VPN, BASE, edited(NO_VPN, ["location: westeurope", "location: northeurope"]));
    assert.deepEqual(refused(region), ["azure-native:location"]);
    assert.match(region.errors[0].message, /deployed in westeurope: .*InvalidResourceGroupLocation.*a VM attaches only disks of its own region.*copy each disk to northeurope/);
  });

  it("a diskResourceGroupName change under deployed VMs is refused (their disks are not in the new group); with none deployed it is accepted", async () => {
    const yaml = edited(NO_VPN, ["diskResourceGroupName: exchange-lab-disks\n", "diskResourceGroupName: exchange-lab-disks2\n"]);
    const plan = await then(BASE, NO_VPN, BASE, yaml);
    assert.deepEqual(refused(plan), ["exchange-lab:diskResourceGroupName"]);
    assert.match(plan.errors[0].message, /dc1, ex1 and lon1 hold their disks in exchange-lab-disks: .*re-create each VM on a disk ID in exchange-lab-disks2.*pulumi destroy \(the disks stay in exchange-lab-disks, detached\), move the disks to exchange-lab-disks2/);
    const parked = csv(row("dc1", { online: "No" }));
    const none = await then(parked, NO_VPN, parked, yaml);
    assert.deepEqual(none.errors, []);
  });

  it("the VPN: GatewaySubnet changed while the gateway exists, the office switched from publicIp to fqdn, a new DNS label scope: each refused with its steps", async () => {
    const yaml = edited(WITH_VPN, ["gatewaySubnet: 10.20.0.0/27", "gatewaySubnet: 10.20.0.0/26"], ["publicIp: 203.0.113.10\n", "fqdn: office.example.net\n"]) + "  exchange-lab:dnsLabelScope: ResourceGroupReuse\n";
    const plan = await then(BASE, WITH_VPN, BASE, yaml);
    assert.deepEqual(refused(plan).sort(), ["exchange-lab:dnsLabelScope", "exchange-lab:gatewaySubnet", "exchange-lab:onPremises.fqdn"]);
    const message = (key: string) => plan.errors.find((e) => e.column === key)!.message;
    const urn = (type: string, name: string) => labResourceUrn("test", type, name).replace(/[$.]/g, "\\$&");
    assert.match(message("exchange-lab:gatewaySubnet"), new RegExp(`pulumi destroy --target '${urn("azure-native:network:VirtualNetworkGateway", "MCMHybrid-vpngw")}' --target-dependents \\(the gateway and its connection go; its public IP, and so the DrayTek's peer, stays\\)`));
    assert.match(message("exchange-lab:onPremises.fqdn"), new RegExp(`"You can't change a local network gateway between FQDN endpoint and IP address endpoint".*pulumi destroy --target '${urn("azure-native:network:LocalNetworkGateway", "MCMHybrid-draytek")}' --target-dependents`));
    assert.match(message("exchange-lab:dnsLabelScope"), /the gateway's and the lab's public IP exists with domain name label scope \(none\).*DnsRecordInUse/);
  });

  it("the VPN: the office's address changed in place, and GatewaySubnet changed with the VPN off, are accepted", async () => {
    const moved = await then(BASE, WITH_VPN, BASE, edited(WITH_VPN, ["publicIp: 203.0.113.10\n", "publicIp: 203.0.113.20\n"]));
    assert.deepEqual(moved.errors, []);
    assert.deepEqual(change(moved, "MCMHybrid-draytek"), { type: "azure-native:network:LocalNetworkGateway", name: "MCMHybrid-draytek", action: "update", properties: ["gatewayIpAddress"] });
    const off = await then(BASE, NO_VPN, BASE, edited(NO_VPN, ["gatewaySubnet: 10.20.0.0/27", "gatewaySubnet: 10.20.0.0/26"]));
    assert.deepEqual(off.errors, []);
    assert.equal(change(off, "GatewaySubnet")?.action, "update");
  });

  it("a data disk moved to another LUN while attached is refused on its cell; the kept LUN is fine", async () => {
    const pinned = csv(row("dc1"), row("ex1", { data: "0:ex1-db;1:ex1-log" }));
    const swapped = await then(pinned, NO_VPN, csv(row("dc1"), row("ex1", { data: "1:ex1-db;0:ex1-log" })), NO_VPN);
    assert.deepEqual(refused(swapped), ["DataDisks", "DataDisks"]);
    assert.match(swapped.errors[0].message, /disk 'ex1-db' is attached to ex1 at LUN 0; moving an attached disk to LUN 1 in one update is refused by Azure \(ConflictingUserInput;.*Write 0:ex1-db to keep it/);
    const kept = await then(pinned, NO_VPN, csv(row("dc1"), row("ex1", { data: "ex1-log;ex1-db" })), NO_VPN);
    assert.deepEqual(kept.errors, []);
    assert.deepEqual(kept.vms.find((v) => v.name === "ex1")!.dataDiskLuns, [1, 0]);
    // A shell re-created (here by a subnet move) attaches its disks afresh: the new LUNs are fine.
    const moved = await then(pinned, NO_VPN, csv(row("dc1"), row("ex1", { subnet: "London", data: "1:ex1-db;0:ex1-log" })), NO_VPN);
    assert.deepEqual(moved.errors, []);
    assert.equal(change(moved, "ex1")?.action, "replace");
  });

  it("reads the recorded network tolerantly", () => {
    const net = previousNetwork({ "azure-native:location": "West Europe", "exchange-lab:resourceGroupName": "rg", "exchange-lab:addressSpace": "10.20.0.0/16", "exchange-lab:subnets": "{\"A\":\"10.20.1.0/24\",\"B\":\"nonsense\"}", "exchange-lab:onPremises": "{\"fqdn\":\"x.example.net\"}" });
    assert.deepEqual([net.location, net.addressSpace.map((c) => c.text), net.subnets.map((s) => s.name), net.officeEndpoint, net.vpn, net.dnsLabel], ["westeurope", ["10.20.0.0/16"], ["A"], "fqdn", true, "rg-exchange-lab-vnet"]);
  });
});
