// Public endpoints, outbound access, NSGs, lab DNS, data disks, auto-shutdown and the teardown
// invariants, read back from the program under the mock runtime.
import { strict as assert } from "assert";
import fc from "fast-check";
import { declaredPools, poolsDroppedWhileInUse } from "../src/azure/loadBalancer";
import { rdpText } from "../src/azure/exchangeLab";
import { PlanResource, PlanResult } from "../src/plan/plan";
import { parseSettings } from "../src/input/stack/settings";
import { buildLab } from "../src/input/lab/lab";
import { HEADER, baseStackYaml, dig, exampleConfig, exampleSettings, labOf, onlyProblem, planExample, planOf, rowsOf, sharedExamplePlan } from "./helpers";

const H = `${HEADER},Endpoints,DataDisks`;
const all = (plan: PlanResult, type: string) => plan.resources.filter((r) => r.type === `azure-native:${type}`);
const named = (plan: PlanResult, type: string, name: string): PlanResource => {
  const r = all(plan, type).find((x) => x.name === name);
  if (!r) throw new Error(`${type} ${name} not declared`);
  return r;
};
type Rule = { name: string; frontendPort: number; backendPort: number; backendAddressPool: { id: string }; disableOutboundSnat: boolean };
type NsgRule = { name: string; sourceAddressPrefix?: string; sourceAddressPrefixes?: string[]; destinationAddressPrefixes: string[]; destinationPortRange: string };
const poolsOfNic = (plan: PlanResult, vm: string) =>
  (dig(named(plan, "network:NetworkInterface", `${vm}-nic`).inputs, "ipConfigurations", 0, "loadBalancerBackendAddressPools") as { id: string }[]).map((p) => p.id.split("/").pop());
/** The VMs whose NICs list a backend pool (by its full ID) in their IP configuration. */
const nicMembers = (plan: PlanResult, poolId: string) =>
  all(plan, "network:NetworkInterface")
    .filter((nic) => ((dig(nic.inputs, "ipConfigurations", 0, "loadBalancerBackendAddressPools") as { id: string }[] | undefined) ?? []).some((p) => p.id === poolId))
    .map((nic) => nic.name.replace(/-nic$/, ""))
    .sort();
const poolMembers = (plan: PlanResult, pool: string) => nicMembers(plan, `${lbId(plan)}/backendAddressPools/${pool}`);
const lbId = (plan: PlanResult) => `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${named(plan, "network:LoadBalancer", lbName(plan)).inputs.resourceGroupName}/providers/Microsoft.Network/loadBalancers/${lbName(plan)}`;
const lbName = (plan: PlanResult) => all(plan, "network:LoadBalancer")[0]?.name ?? "(none)";
/**
 * For every load-balancing rule: its frontend port and the VMs whose NICs are in the pool it
 * targets. And what the CSV says: per public RDP port its online VM, per published port the
 * online VMs that list it.
 */
function publishedPorts(plan: PlanResult): { declared: Record<number, string[]>; fromCsv: Record<number, string[]> } {
  const rules = (dig(all(plan, "network:LoadBalancer")[0]?.inputs, "loadBalancingRules") as Rule[] | undefined) ?? [];
  const declared = Object.fromEntries(rules.map((r) => [r.frontendPort, nicMembers(plan, r.backendAddressPool.id)]));
  const fromCsv: Record<number, string[]> = {};
  for (const vm of plan.vms.filter((v) => v.bringOnline)) {
    if (vm.publicRdpPort !== null) fromCsv[vm.publicRdpPort] = [vm.name];
    for (const p of vm.endpoints) fromCsv[p] = [...(fromCsv[p] ?? []), vm.name].sort();
  }
  return { declared, fromCsv };
}
const sourcesOf = (r: NsgRule) => r.sourceAddressPrefixes ?? [r.sourceAddressPrefix];

describe("endpoints, outbound access and NSGs (mock runtime)", () => {
  let plan: PlanResult;
  before(async () => {
    plan = await sharedExamplePlan();
  });

  it("puts one Standard static public IP on a Standard load balancer", () => {
    const ip = named(plan, "network:PublicIPAddress", "MCMHybrid-lab-ip").inputs;
    assert.deepEqual([dig(ip, "sku", "name"), dig(ip, "publicIPAllocationMethod")], ["Standard", "Static"]);
    const lb = named(plan, "network:LoadBalancer", "MCMHybrid-lb").inputs;
    assert.equal(dig(lb, "sku", "name"), "Standard");
    assert.match(String(dig(lb, "frontendIPConfigurations", 0, "publicIPAddress", "id")), /publicIPAddresses\/MCMHybrid-lab-ip$/);
    assert.deepEqual(dig(lb, "inboundNatRules"), undefined, "no inbound NAT rules");
  });

  it("maps each VM's PublicRDPPort to its 3389 through a pool whose only NIC is that VM's", () => {
    const rules = dig(named(plan, "network:LoadBalancer", "MCMHybrid-lb").inputs, "loadBalancingRules") as Rule[];
    const rdp = Object.fromEntries(rules.filter((r) => r.name.startsWith("rdp-")).map((r) => [r.backendAddressPool.id.split("/").pop(), [r.frontendPort, r.backendPort]]));
    assert.deepEqual(rdp, { "rdp-mh-oxf-dc1": [3389, 3389], "rdp-mh-lon-dc1": [3390, 3389], "rdp-mh-oxf-ex1": [3391, 3389], "rdp-mh-lon-ex1": [3392, 3389] });
    assert.deepEqual(poolMembers(plan, "rdp-mh-oxf-ex1"), ["mh-oxf-ex1"]);
    assert.deepEqual(poolMembers(plan, "rdp-mh-lon-dc1"), ["mh-lon-dc1"]);
  });

  it("balances an endpoint port across the NICs of every VM that lists it", () => {
    const rules = dig(named(plan, "network:LoadBalancer", "MCMHybrid-lb").inputs, "loadBalancingRules") as Rule[];
    assert.deepEqual(rules.filter((r) => r.name.startsWith("port-")).map((r) => [r.name, r.frontendPort, r.backendPort]), [["port-smtp", 25, 25], ["port-http", 80, 80], ["port-https", 443, 443]]);
    assert.deepEqual(poolMembers(plan, "port-https"), ["mh-lon-ex1", "mh-oxf-ex1"]);
    assert.deepEqual(poolMembers(plan, "port-smtp"), ["mh-oxf-ex1"]);
  });

  it("example lab: for every published port, the rule's pool holds exactly the NICs of the VMs the CSV lists", () => {
    const { declared, fromCsv } = publishedPorts(plan);
    assert.deepEqual(declared, fromCsv);
    assert.deepEqual(Object.keys(declared).map(Number), [25, 80, 443, 3389, 3390, 3391, 3392]);
  });

  it("declares every pool empty (NIC-based): no addresses inline in the load balancer", () => {
    const pools = dig(named(plan, "network:LoadBalancer", "MCMHybrid-lb").inputs, "backendAddressPools") as Record<string, unknown>[];
    for (const pool of pools) assert.deepEqual(Object.keys(pool), ["name"], String(pool.name));
  });

  it("keeps the RDP pool of a BringOnline=No row, and each NIC in its own RDP pool and its row's port pools", () => {
    const pools = (dig(named(plan, "network:LoadBalancer", "MCMHybrid-lb").inputs, "backendAddressPools") as { name: string }[]).map((p) => p.name);
    assert.deepEqual(pools, ["all-vms", "rdp-mh-oxf-dc1", "rdp-mh-lon-dc1", "rdp-mh-oxf-ex1", "rdp-mh-lon-ex1", "rdp-mh-oxf-cl1", "port-smtp", "port-http", "port-https"]);
    assert.deepEqual(poolsOfNic(plan, "mh-oxf-ex1"), ["all-vms", "rdp-mh-oxf-ex1", "port-smtp", "port-https", "port-http"]);
    assert.deepEqual(poolsOfNic(plan, "mh-oxf-dc1"), ["all-vms", "rdp-mh-oxf-dc1"]);
  });

  it("makes every NIC wait for the load balancer, so a new pool exists before a NIC joins it", () => {
    for (const nic of all(plan, "network:NetworkInterface")) assert.ok(nic.dependsOn.includes("MCMHybrid-lb"), nic.name);
  });

  it("gives every VM an outbound path through an outbound rule, with no default outbound access", () => {
    const lb = named(plan, "network:LoadBalancer", "MCMHybrid-lb").inputs;
    assert.match(String(dig(lb, "outboundRules", 0, "backendAddressPool", "id")), /backendAddressPools\/all-vms$/);
    for (const vm of ["mh-oxf-dc1", "mh-lon-dc1", "mh-oxf-ex1", "mh-lon-ex1"]) assert.ok(poolsOfNic(plan, vm).includes("all-vms"), vm);
    for (const r of dig(lb, "loadBalancingRules") as Rule[]) assert.equal(r.disableOutboundSnat, true, r.name);
    for (const name of ["Oxford", "London"]) assert.equal(named(plan, "network:Subnet", name).inputs.defaultOutboundAccess, false);
  });

  it("gives each lab subnet its own NSG, and none to GatewaySubnet", () => {
    assert.match(String(dig(named(plan, "network:Subnet", "Oxford").inputs, "networkSecurityGroup", "id")), /networkSecurityGroups\/Oxford-nsg$/);
    assert.match(String(dig(named(plan, "network:Subnet", "London").inputs, "networkSecurityGroup", "id")), /networkSecurityGroups\/London-nsg$/);
    assert.equal(named(plan, "network:Subnet", "GatewaySubnet").inputs.networkSecurityGroup, undefined);
  });

  it("admits published ports only from allowedSourcePrefixes, the office over the VPN and the lab itself", () => {
    const rules = dig(named(plan, "network:NetworkSecurityGroup", "Oxford-nsg").inputs, "securityRules") as NsgRule[];
    const byName = Object.fromEntries(rules.map((r) => [r.name, r]));
    assert.deepEqual(sourcesOf(byName["allow-office-over-vpn"]), ["192.168.1.0/24"]);
    assert.deepEqual(sourcesOf(byName["allow-virtual-network"]), ["10.20.0.0/16"]);
    assert.deepEqual([sourcesOf(byName["allow-rdp-from-allowed-sources"]), byName["allow-rdp-from-allowed-sources"].destinationAddressPrefixes, byName["allow-rdp-from-allowed-sources"].destinationPortRange], [["203.0.113.10/32"], ["10.20.1.4/32", "10.20.1.10/32"], "3389"]);
    assert.deepEqual(byName["allow-https-from-allowed-sources"].destinationAddressPrefixes, ["10.20.1.10/32"]);
  });

  it("opens nothing to the whole internet by default, in any NSG rule", () => {
    for (const nsg of all(plan, "network:NetworkSecurityGroup")) {
      for (const r of dig(nsg.inputs, "securityRules") as NsgRule[]) {
        for (const source of sourcesOf(r)) assert.ok(!["*", "Internet", "0.0.0.0/0", "Any"].includes(String(source)), `${nsg.name} ${r.name}: ${source}`);
      }
    }
  });

  it("defaults allowedSourcePrefixes to the DrayTek's WAN address", () => {
    const { settings } = parseSettings(exampleConfig({ "exchange-lab:allowedSourcePrefixes": undefined }), () => ({ file: "s", line: 0 }));
    assert.deepEqual(settings!.allowedSourcePrefixes, ["203.0.113.10/32"]);
  });

  it("opens to the whole internet only when the stack says so literally, with a warning", async () => {
    const p = await planOf(`${H}\nYes,dc1,,dc1-os,Small,Oxford,,,,No,3389,,\n`, baseStackYaml().replace("    - 203.0.113.10/32", "    - Internet"));
    const rule = (dig(named(p, "network:NetworkSecurityGroup", "Oxford-nsg").inputs, "securityRules") as NsgRule[]).find((r) => r.name === "allow-rdp-from-allowed-sources")!;
    assert.equal(rule.sourceAddressPrefix, "Internet");
    assert.ok(p.warnings.some((w) => /whole internet/.test(w.message)));
  });

  it("two allow-lists: RDP from allowedSourcePrefixes, the published ports from publishedSourcePrefixes (default: the RDP list)", async () => {
    const { settings } = parseSettings(exampleConfig(), () => ({ file: "s", line: 0 }));
    assert.deepEqual(settings!.publishedSourcePrefixes, settings!.allowedSourcePrefixes);
    const yaml = `${baseStackYaml()}  exchange-lab:publishedSourcePrefixes:\n    - 198.51.100.25\n    - 192.0.2.0/28\n`;
    const p = await planOf(`${H}\nYes,ex1,,ex1-os,Large,Oxford,,,,No,3389,https;smtp,\n`, yaml);
    const rules = Object.fromEntries((dig(named(p, "network:NetworkSecurityGroup", "Oxford-nsg").inputs, "securityRules") as NsgRule[]).map((r) => [r.name, r]));
    assert.deepEqual(sourcesOf(rules["allow-rdp-from-allowed-sources"]), ["203.0.113.10/32"]);
    for (const port of ["https", "smtp"]) assert.deepEqual(sourcesOf(rules[`allow-${port}-from-allowed-sources`]), ["198.51.100.25/32", "192.0.2.0/28"], port);
    assert.match(p.mermaid!, /RDP from 203\.0\.113\.10\/32<br\/>published from 198\.51\.100\.25\/32, 192\.0\.2\.0\/28/);
  });

  it("opens the published ports to the internet only for a literal Internet in publishedSourcePrefixes, with a plan warning; RDP stays restricted", async () => {
    const yaml = `${baseStackYaml()}  exchange-lab:publishedSourcePrefixes: [Internet]\n`;
    const p = await planOf(`${H}\nYes,ex1,,ex1-os,Large,Oxford,,,,No,3389,https,\n`, yaml);
    const rules = Object.fromEntries((dig(named(p, "network:NetworkSecurityGroup", "Oxford-nsg").inputs, "securityRules") as NsgRule[]).map((r) => [r.name, r]));
    assert.equal(rules["allow-https-from-allowed-sources"].sourceAddressPrefix, "Internet");
    assert.deepEqual(sourcesOf(rules["allow-rdp-from-allowed-sources"]), ["203.0.113.10/32"]);
    const w = p.warnings.find((x) => x.column === "exchange-lab:publishedSourcePrefixes.0");
    assert.match(w!.message, /'Internet' opens every published port \(Endpoints\) to the whole internet/);
  });

  it("lists an allowed source once even when written twice", () => {
    const { settings } = parseSettings(exampleConfig({ "exchange-lab:allowedSourcePrefixes": JSON.stringify(["198.51.100.7", "198.51.100.7/32"]) }), () => ({ file: "s", line: 0 }));
    assert.deepEqual(settings!.allowedSourcePrefixes, ["198.51.100.7/32"]);
  });

  it("rejects an allowed source that is neither an address nor a CIDR", () => {
    const { problems } = parseSettings(exampleConfig({ "exchange-lab:allowedSourcePrefixes": JSON.stringify(["office"]) }), () => ({ file: "s", line: 3 }));
    assert.equal(onlyProblem(problems).column, "exchange-lab:allowedSourcePrefixes.0");
  });

  it("sets the virtual network's DNS servers to the named VMs' private IPs", () => {
    assert.deepEqual(dig(named(plan, "network:VirtualNetwork", "MCMHybrid").inputs, "dhcpOptions", "dnsServers"), ["10.20.1.4", "10.20.2.4"]);
  });

  it("rejects a DNS server that is neither an IPv4 address nor a VM of the CSV", () => {
    const { problems } = labOf(["Yes,dc1,,dc1-os,Small,Oxford,,,,No,"], parseSettings(exampleConfig({ "exchange-lab:dnsServers": '["dc9"]' }), () => ({ file: "s.yaml", line: 4 })).settings!);
    assert.deepEqual([onlyProblem(problems).column, problems[0].line, problems[0].message], ["exchange-lab:dnsServers", 4, "'dc9' is neither an IPv4 address nor a VM of lab.csv"]);
  });

  it("attaches data disks in order as LUN 0, 1, ... with Attach and Detach", () => {
    const dataDisks = dig(named(plan, "compute:VirtualMachine", "mh-oxf-ex1").inputs, "storageProfile", "dataDisks") as { lun: number; createOption: string; deleteOption: string; managedDisk: { id: string } }[];
    assert.deepEqual(dataDisks.map((d) => [d.lun, d.createOption, d.deleteOption, d.managedDisk.id.split("/").pop()]), [[0, "Attach", "Detach", "mh-oxf-ex1-db"]]);
  });

  it("declares a shutdown-computevm-<vm> schedule per VM with the stack's time and time zone", () => {
    const schedules = all(plan, "devtestlab:GlobalSchedule");
    assert.deepEqual(schedules.map((s) => s.inputs.name), ["shutdown-computevm-mh-oxf-dc1", "shutdown-computevm-mh-lon-dc1", "shutdown-computevm-mh-oxf-ex1", "shutdown-computevm-mh-lon-ex1"]);
    for (const s of schedules) {
      assert.deepEqual([s.inputs.taskType, dig(s.inputs, "dailyRecurrence", "time"), s.inputs.timeZoneId, s.inputs.status], ["ComputeVmShutdownTask", "1900", "GMT Standard Time", "Enabled"]);
      assert.match(String(s.inputs.targetResourceId), new RegExp(`virtualMachines/${String(s.inputs.name).replace("shutdown-computevm-", "")}$`));
    }
  });

  it("declares no schedule without autoShutdown", async () => {
    const p = await planOf(`${H}\nYes,dc1,,dc1-os,Small,Oxford,,,,No,,,\n`, baseStackYaml().replace(/ {2}exchange-lab:autoShutdown:\n.*\n.*\n/, ""));
    assert.deepEqual(all(p, "devtestlab:GlobalSchedule"), []);
  });

  it("rejects an auto-shutdown time that is not HHmm", () => {
    const { problems } = parseSettings(exampleConfig({ "exchange-lab:autoShutdown": JSON.stringify({ time: "7pm" }) }), () => ({ file: "s", line: 0 }));
    assert.match(onlyProblem(problems).message, /HHmm/);
  });

  it("prints an mstsc line per VM", () => {
    assert.equal(rdpText([{ name: "dc1", size: "s", subnet: "Oxford", privateIp: "10.20.1.4", publicRdp: "198.51.100.1:3389", endpoints: [], dependsOn: [] }]), "dc1: mstsc /v:10.20.1.4 (over the VPN); mstsc /v:198.51.100.1:3389 (from allowedSourcePrefixes)\n");
  });
});

describe("the Endpoints and DataDisks columns", () => {
  const settings = exampleSettings();
  const lab = (...r: string[]) => buildLab(settings, rowsOf([H, ...r].join("\n")), "lab.csv");
  const row = (name: string, rdp: string, endpoints: string, dataDisks = "") => `Yes,${name},,${name}-os,Small,Oxford,,,,No,${rdp},${endpoints},${dataDisks}`;

  it("accepts endpoint names in any case and port numbers", () => assert.deepEqual(lab(row("a", "", "SMTP;https;8080")).lab!.vms[0].endpoints, [25, 443, 8080]));
  it("rejects an unknown endpoint name", () => assert.match(onlyProblem(lab(row("a", "", "ftp")).problems).message, /neither an endpoint name/));
  it("rejects a port listed twice", () => assert.equal(onlyProblem(lab(row("a", "", "https;443")).problems).message, "port 443 is listed twice"));
  it("rejects port 0 and 65536", () => assert.equal(lab(row("a", "", "0;65536")).problems.length, 2));
  it("rejects an endpoint port that is another VM's public RDP port", () => {
    const p = onlyProblem(lab(row("a", "3389", ""), row("b", "", "3389")).problems);
    assert.deepEqual([p.line, p.column], [3, "Endpoints"]);
  });
  it("warns that published SMTP cannot send out on port 25", () => assert.match(onlyProblem(lab(row("a", "", "smtp")).lab!.warnings).message, /outbound TCP 25 is blocked/));
  it("reads data disks in order", () => assert.deepEqual(lab(row("a", "", "", "a-db; a-logs")).lab!.vms[0].dataDisks.map((d) => d.name), ["a-db", "a-logs"]));
  it("rejects more data disks than the size attaches", () => {
    assert.equal(onlyProblem(lab(row("a", "", "", "d1;d2;d3")).problems).message, "3 data disks, but Standard_B1ms attaches at most 2");
  });
  it("rejects a data disk already attached elsewhere, OS disks included", () => assert.match(onlyProblem(lab(row("a", "", ""), row("b", "", "", "a-os")).problems).message, /already attached by line 2/));
  it("rejects a data disk outside diskResourceGroupName", () => {
    const id = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/exchange-lab/providers/Microsoft.Compute/disks/x";
    assert.equal(onlyProblem(lab(row("a", "", "", id)).problems).column, "DataDisks");
  });
  it("warns when a published port admits no internet source", () => {
    const noSources = parseSettings(exampleConfig({ "exchange-lab:allowedSourcePrefixes": "[]" }), () => ({ file: "s", line: 0 })).settings!;
    const built = buildLab(noSources, rowsOf([H, row("a", "3389", "")].join("\n")), "lab.csv");
    assert.match(onlyProblem(built.lab!.warnings).message, /public RDP admits no internet source/);
  });
});

describe("a teardown that can never lose a disk (every declared resource)", () => {
  let plan: PlanResult;
  before(async () => {
    plan = await sharedExamplePlan();
  });

  it("declares no disk, snapshot, image, storage account or the disk resource group", () => {
    for (const r of plan.resources) {
      assert.ok(!/^azure-native:(compute:(Disk|Snapshot|Image|DiskAccess|DiskEncryptionSet)|storage:)/.test(r.type), `${r.type} ${r.name}`);
      if (r.type === "azure-native:resources:ResourceGroup") assert.notEqual(String(r.inputs.resourceGroupName).toLowerCase(), "exchange-lab-disks");
    }
  });

  it("attaches every OS and data disk with Attach and deleteOption Detach", () => {
    let disks = 0;
    for (const vm of all(plan, "compute:VirtualMachine")) {
      const attached = [dig(vm.inputs, "storageProfile", "osDisk"), ...((dig(vm.inputs, "storageProfile", "dataDisks") as unknown[]) ?? [])];
      for (const d of attached) {
        disks++;
        assert.deepEqual([dig(d, "createOption"), dig(d, "deleteOption")], ["Attach", "Detach"], vm.name);
      }
    }
    assert.equal(disks, 6);
  });

  it("marks no resource retainOnDelete or protect (nothing the stack owns holds a disk)", () => {
    // Only run commands (readiness gates, role steps) leave the state without a call to Azure: they hold no disk,
    // and Azure refuses run-command deletes on a deallocated VM (readinessGate.ts).
    for (const r of plan.resources) assert.deepEqual([r.options.retainOnDelete, r.options.protect], [r.type === "azure-native:compute:VirtualMachineRunCommandByVirtualMachine", false], r.name);
  });

  it("attaches the same disks on a second up: disk IDs come from the CSV alone", async () => {
    const again = await planExample();
    const ids = (p: PlanResult) => p.vms.map((v) => [v.osDiskId, ...v.dataDiskIds]);
    assert.deepEqual(ids(again), ids(plan));
    assert.deepEqual(plan.vms.find((v) => v.name === "mh-oxf-ex1")!.dataDiskIds, [
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/exchange-lab-disks/providers/Microsoft.Compute/disks/mh-oxf-ex1-db",
    ]);
  });
});

describe("load balancer pools across Pulumi's step order (NIC-based pools)", () => {
  const settings = exampleSettings();
  const lab = (...r: string[]) => {
    const built = buildLab(settings, rowsOf([H, ...r].join("\n")), "lab.csv");
    if (!built.lab) throw new Error(JSON.stringify(built.problems));
    return built.lab;
  };
  const row = (name: string, online: string, rdp: string, endpoints: string) => `${online},${name},,${name}-os,Small,Oxford,,,,No,${rdp},${endpoints},`;
  const a = row("a", "Yes", "3389", "https;8080");
  const b = row("b", "Yes", "3390", "https");

  it("adds or removes a public RDP port, or brings a row online or offline, in one pulumi up", () => {
    for (const after of [lab(row("a", "Yes", "", "https;8080"), b), lab(row("a", "No", "3389", "https;8080"), b)]) {
      assert.deepEqual(poolsDroppedWhileInUse(lab(a, b), after), []);
      assert.deepEqual(poolsDroppedWhileInUse(after, lab(a, b)), []);
    }
    assert.deepEqual(poolsDroppedWhileInUse(lab(a, b), lab(a, b, row("c", "Yes", "3391", "smtp"))), [], "adding a row");
  });

  it("withdraws a port from one VM in one pulumi up while another row still lists it", () => {
    assert.deepEqual(poolsDroppedWhileInUse(lab(a, b), lab(row("a", "Yes", "3389", "8080"), b)), []);
  });

  it("removes a row in two steps: BringOnline=No first keeps its pools while its NIC is deleted", () => {
    assert.deepEqual(poolsDroppedWhileInUse(lab(a, b), lab(b)), ["rdp-a", "port-8080"], "removing the row at once drops pools a NIC holds");
    assert.deepEqual(poolsDroppedWhileInUse(lab(a, b), lab(row("a", "No", "3389", "https;8080"), b)), []);
    assert.deepEqual(poolsDroppedWhileInUse(lab(row("a", "No", "3389", "https;8080"), b), lab(b)), []);
  });

  it("withdraws the last listing of a port in two steps, through a BringOnline=No row", () => {
    const parked = row("p", "No", "", "8080");
    assert.deepEqual(poolsDroppedWhileInUse(lab(a, b), lab(row("a", "Yes", "3389", "https"), b)), ["port-8080"]);
    assert.deepEqual(poolsDroppedWhileInUse(lab(a, b), lab(row("a", "Yes", "3389", "https"), b, parked)), []);
    assert.deepEqual(poolsDroppedWhileInUse(lab(row("a", "Yes", "3389", "https"), b, parked), lab(row("a", "Yes", "3389", "https"), b)), []);
  });

  it("generated labs: for every published port, the rule's pool holds exactly the NICs of the VMs the CSV lists", async () => {
    const vmRow = fc.tuple(fc.constantFrom("Yes", "Yes", "No"), fc.constantFrom("Oxford", "London"), fc.boolean(), fc.subarray(["smtp", "https", "http", "8443", "submission"]));
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(vmRow, { minLength: 1, maxLength: 7 }), async (rows) => {
        runs++;
        const csv = rows.map(([online, subnet, rdp, endpoints], i) => `${online},vm${i},,vm${i}-os,Small,${subnet},,,,No,${rdp ? 4000 + i : ""},${endpoints.join(";")},`);
        const p = await planOf([H, ...csv].join("\n"));
        assert.deepEqual(p.errors, []);
        const { declared, fromCsv } = publishedPorts(p);
        assert.deepEqual(declared, fromCsv);
        if (all(p, "network:LoadBalancer").length > 0) assert.deepEqual(p.resources.find((r) => r.type === "azure-native:network:LoadBalancer")!.inputs.backendAddressPools, declaredPools(lab(...csv)).map((name) => ({ name })));
      }),
      { numRuns: 6, seed: 10 },
    );
    assert.equal(runs, 6);
  });
});
