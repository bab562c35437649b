// The lab over its life: edit the CSV, pulumi up, edit again, destroy, up. Each step is an offline
// plan whose previous deployment is the step before (its deployedLab record, as pulumi up exports
// it), so the program reads it exactly as it reads its own stack's last outputs.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { Change } from "../src/plan/changes";
import { PlanResult, runPlan } from "../src/plan/plan";
import { DeployedLabRecord } from "../src/input/lab/previous";
import { baseStackYaml, runPlanCli, writeLab } from "./helpers";

const HEADER = "BringOnline,VMName,StorageAccount,VMOSDiskName,VMInstanceSize,SubnetName,IPAddress,Location,AffinityGroup,WaitForBoot,PublicRDPPort,Endpoints,DataDisks";
const NO_VPN = baseStackYaml() + "  exchange-lab:vpn: false\n";
const WITH_VPN = baseStackYaml() + "  exchange-lab:vpnSharedKey: Lifecycl3TestKey\n";

interface Row {
  online?: string;
  os?: string;
  size?: string;
  subnet?: string;
  ip?: string;
  wait?: string;
  rdp?: string;
  endpoints?: string;
  data?: string;
}
const row = (name: string, r: Row = {}) =>
  [r.online ?? "Yes", name, "", r.os ?? `${name}-os`, r.size ?? "Small", r.subnet ?? "Oxford", r.ip ?? "", "", "", r.wait ?? "No", r.rdp ?? "", r.endpoints ?? "", r.data ?? ""].join(",");
const csv = (...rows: string[]) => [HEADER, ...rows].join("\n") + "\n";

const BASE = [row("dc1", { wait: "Yes", rdp: "3389" }), row("ex1", { size: "Large", rdp: "3390", endpoints: "https", data: "ex1-db;ex1-log" }), row("lon1", { subnet: "London" })];

/** Plans `text` as the next pulumi up after `previous`. */
async function up(text: string, previous?: DeployedLabRecord | "empty", stackYaml = NO_VPN): Promise<PlanResult> {
  const { dir, stackFile } = writeLab(text, stackYaml);
  return runPlan({ stackFile, baseDir: dir, previous });
}

const firstUps = new Map<string, Promise<PlanResult>>();
/** Plans the base lab (once per base and stack: plans are pure), then `edited` against it. */
async function edit(edited: string, stackYaml = NO_VPN, base = csv(...BASE)): Promise<{ before: PlanResult; after: PlanResult }> {
  const key = `${stackYaml}\0${base}`;
  if (!firstUps.has(key)) firstUps.set(key, up(base, undefined, stackYaml));
  const before = await firstUps.get(key)!;
  assert.deepEqual(before.errors, []);
  return { before, after: await up(edited, before.deployedLab, stackYaml) };
}

const ips = (p: PlanResult) => Object.fromEntries(p.vms.map((v) => [v.name, v.privateIp]));
const of = (p: PlanResult, action: Change["action"]) => (p.changes ?? []).filter((c) => c.action === action).map((c) => c.name).sort();
const change = (p: PlanResult, name: string) => (p.changes ?? []).find((c) => c.name === name);
const resource = (p: PlanResult, name: string) => p.resources.find((r) => r.name === name)!;

describe("the lab over its life (previous deployment known)", function () {
  this.timeout(30000);

  it("an unchanged CSV plans no change at all", async () => {
    const { after } = await edit(csv(...BASE));
    assert.deepEqual(after.errors, []);
    assert.deepEqual(after.changes, []);
  });

  it("append: only the new VM, its NIC and schedule are created (and its row's pool added); every address stays", async () => {
    const { before, after } = await edit(csv(...BASE, row("cl1")));
    assert.deepEqual(of(after, "create"), ["cl1", "cl1-nic", "shutdown-computevm-cl1"]);
    assert.deepEqual(change(after, "MCMHybrid-lb")?.properties, ["backendAddressPools"]);
    assert.deepEqual([...of(after, "update").filter((n) => n !== "MCMHybrid-lb"), ...of(after, "replace"), ...of(after, "delete")], []);
    assert.deepEqual({ ...ips(after), cl1: undefined }, { ...ips(before), cl1: undefined });
    assert.equal(ips(after).cl1, "10.20.1.6");
  });

  it("insert: a row above keeps every deployed address (a fresh lab would have moved ex1)", async () => {
    const inserted = csv(BASE[0], row("new1"), BASE[1], BASE[2]);
    const { before, after } = await edit(inserted);
    assert.equal(ips(before).ex1, "10.20.1.5");
    assert.equal(ips(after).ex1, "10.20.1.5");
    assert.equal(ips(after).new1, "10.20.1.6");
    assert.equal((await up(inserted)).vms.find((v) => v.name === "ex1")!.privateIp, "10.20.1.6", "without the previous deployment ex1 would move");
    assert.deepEqual(of(after, "create"), ["new1", "new1-nic", "shutdown-computevm-new1"]);
    assert.equal(change(after, "ex1-nic"), undefined);
    assert.match(after.warnings.map((w) => w.message).join("\n"), /ex1 keeps 10\.20\.1\.5 from the last deployment, but after pulumi destroy it would get 10\.20\.1\.6/);
  });

  it("delete: the row's VM, NIC, gate and schedule are deleted, the load balancer loses its rules but keeps the NIC's pools for this run, the others stay", async () => {
    const { after } = await edit(csv(BASE[0], BASE[2]));
    assert.deepEqual(of(after, "delete"), ["ex1", "ex1-nic", "shutdown-computevm-ex1"]);
    assert.ok(of(after, "update").includes("MCMHybrid-lb"));
    const pools = (p: PlanResult) => (resource(p, "MCMHybrid-lb").inputs.backendAddressPools as { name: string }[]).map((x) => x.name);
    const rules = (p: PlanResult) => (resource(p, "MCMHybrid-lb").inputs.loadBalancingRules as { name: string }[]).map((x) => x.name);
    // The NIC is deleted last, after the load balancer's update: a pool it is in must outlive that update.
    assert.ok(pools(after).includes("rdp-ex1") && pools(after).includes("port-https"), pools(after).join());
    assert.ok(!rules(after).some((r) => r.includes("ex1") || r.includes("https")), rules(after).join());
    assert.equal(change(after, "dc1-nic"), undefined);
    assert.equal(ips(after).lon1, "10.20.2.4");
    const next = await up(csv(BASE[0], BASE[2]), after.deployedLab);
    assert.ok(!pools(next).includes("rdp-ex1") && !pools(next).includes("port-https"), "the next pulumi up drops the empty pools");
  });

  it("reorder: addresses and inputs stay; only the boot order changes", async () => {
    const { after } = await edit(csv(BASE[2], BASE[0], BASE[1]));
    assert.deepEqual(ips(after), { lon1: "10.20.2.4", dc1: "10.20.1.4", ex1: "10.20.1.5" });
    assert.deepEqual((after.changes ?? []).filter((c) => c.type.includes("NetworkInterface") || c.type.includes("VirtualMachine")), []);
  });

  it("BringOnline Yes -> No -> Yes: the VM goes and comes back with the same address", async () => {
    const { after: parked } = await edit(csv(BASE[0], row("ex1", { online: "No", size: "Large", rdp: "3390", endpoints: "https", data: "ex1-db;ex1-log" }), BASE[2]));
    assert.deepEqual(of(parked, "delete"), ["ex1", "ex1-nic", "shutdown-computevm-ex1"]);
    const back = await up(csv(...BASE), parked.deployedLab);
    assert.deepEqual(back.errors, []);
    assert.deepEqual(of(back, "create"), ["ex1", "ex1-nic", "shutdown-computevm-ex1"]);
    assert.equal(ips(back).ex1, "10.20.1.5");
    assert.deepEqual(back.vms.find((v) => v.name === "ex1")!.dataDiskLuns, [0, 1]);
  });

  it("rename: the same machine (same OS disk) is re-created delete-before-replace through aliases, on its NIC (same resource name and Azure name), keeping its address and LUNs", async () => {
    const { after } = await edit(csv(BASE[0], row("ex2", { os: "ex1-os", size: "Large", rdp: "3390", endpoints: "https", data: "ex1-db;ex1-log" }), BASE[2]));
    assert.deepEqual(after.errors, []);
    assert.deepEqual(of(after, "delete"), [], "nothing is left to delete at the end of the run");
    assert.deepEqual(of(after, "create"), []);
    assert.equal(change(after, "ex2")?.action, "replace");
    assert.equal(resource(after, "ex2").options.deleteBeforeReplace, true);
    // The NIC keeps its Azure name: never replaced while the old VM holds it (NicInUse).
    // Its resource name too: the engine's replaceWith cascade matches the NIC's URN (shellEdits.ts).
    assert.notEqual(change(after, "ex1-nic")?.action, "replace", "updated at most (its RDP pool follows the VM's name)");
    assert.equal(resource(after, "ex1-nic").inputs.networkInterfaceName, "ex1-nic");
    assert.equal(resource(after, "ex2-nic"), undefined);
    assert.deepEqual(resource(after, "ex2").options.aliases, ["ex1"]);
    assert.deepEqual(resource(after, "ex2").options.replaceWith, ["ex1-nic"]);
    assert.deepEqual(resource(after, "shutdown-computevm-ex2").options.aliases, ["shutdown-computevm-ex1"]);
    const renamedBarrier = await edit(csv(row("dc9", { os: "dc1-os", wait: "Yes", rdp: "3389" }), BASE[1], BASE[2]));
    assert.deepEqual(resource(renamedBarrier.after, "dc9-ready").options.aliases, ["dc1-ready"], "the readiness gate follows its VM");
    assert.equal(change(renamedBarrier.after, "dc9-ready")!.action, "replace");
    assert.equal(ips(after).ex2, "10.20.1.5");
    assert.equal(after.vms.find((v) => v.name === "ex2")!.previousName, "ex1");
    assert.deepEqual(after.vms.find((v) => v.name === "ex2")!.dataDiskLuns, [0, 1]);
  });

  it("subnet move: the shell is re-created, the NIC in the new subnet with an address nobody holds, the VM first (replaceWith)", async () => {
    const { after } = await edit(csv(BASE[0], BASE[1], row("lon1", { subnet: "Oxford" })));
    assert.deepEqual(after.errors, []);
    assert.equal(ips(after).lon1, "10.20.1.6");
    const nic = change(after, "lon1-nic")!;
    assert.equal(nic.action, "replace");
    assert.ok(nic.properties.some((p) => p.endsWith("privateIPAddress")) && nic.properties.some((p) => p.endsWith("subnet.id")), nic.properties.join());
    assert.equal(change(after, "lon1")?.action, "replace", "the VM goes with its NIC");
    assert.deepEqual(resource(after, "lon1").options.replaceWith, ["lon1-nic"]);
    assert.match(after.warnings.map((w) => w.message).join("\n"), /lon1 moves from subnet London to Oxford: its shell is re-created/);
  });

  it("subnet move to a written address: the same re-creation", async () => {
    const { after } = await edit(csv(BASE[0], BASE[1], row("lon1", { subnet: "Oxford", ip: "10.20.1.50" })));
    assert.equal(ips(after).lon1, "10.20.1.50");
    assert.equal(change(after, "lon1-nic")!.action, "replace");
  });

  it("OS disk change: the VM is replaced delete-before-replace (replaceOnChanges), so the old VM lets go of its disk first", async () => {
    const { after } = await edit(csv(row("dc1", { os: "dc1-os-v2", wait: "Yes", rdp: "3389" }), BASE[1], BASE[2]));
    assert.deepEqual(after.errors, []);
    const vm = change(after, "dc1")!;
    assert.equal(vm.action, "replace");
    assert.deepEqual(vm.properties, ["storageProfile.osDisk.managedDisk.id"]);
    assert.deepEqual(resource(after, "dc1").options.replaceOnChanges, ["storageProfile.osDisk.managedDisk.id"]);
    assert.equal(resource(after, "dc1").options.deleteBeforeReplace, true);
    assert.equal(change(after, "dc1-nic"), undefined);
  });

  it("data disk added in the middle: the others keep their LUNs, the new one takes a free LUN", async () => {
    const { after } = await edit(csv(BASE[0], row("ex1", { size: "Large", rdp: "3390", endpoints: "https", data: "ex1-db;ex1-new;ex1-log" }), BASE[2]));
    const ex1 = after.vms.find((v) => v.name === "ex1")!;
    assert.deepEqual(ex1.dataDiskIds.map((id) => id.split("/").pop()), ["ex1-db", "ex1-new", "ex1-log"]);
    assert.deepEqual(ex1.dataDiskLuns, [0, 2, 1]);
    assert.equal(change(after, "ex1")!.action, "update");
  });

  it("address swap: refused on both rows, with the two-step way, in the plan (exit 1)", async () => {
    const written = [row("dc1", { ip: "10.20.1.4", wait: "Yes" }), row("ex1", { ip: "10.20.1.5" })];
    const { after } = await edit(csv(row("dc1", { ip: "10.20.1.5", wait: "Yes" }), row("ex1", { ip: "10.20.1.4" })), NO_VPN, csv(...written));
    assert.deepEqual(after.resources, []);
    assert.deepEqual(after.errors.map((e) => [e.line, e.column]), [[2, "IPAddress"], [3, "IPAddress"]]);
    assert.match(after.errors[0].message, /10\.20\.1\.5 is still held by the network interface of ex1 .*PrivateIPAddressInUse.*Two steps: give ex1 another address and pulumi up, then write 10\.20\.1\.5 here/);
  });

  it("a new row that wants the address of a deleted VM is refused: the old NIC goes only at the end of the run", async () => {
    const { after } = await edit(csv(BASE[0], BASE[2], row("ex3", { ip: "10.20.1.5" })));
    assert.equal(after.errors.length, 1);
    assert.match(after.errors[0].message, /10\.20\.1\.5 is still held by the network interface of ex1 .*ex1 is no longer in .*first pulumi up with this row BringOnline=No/);
  });

  it("a data disk moved from a VM that stays to another is refused, naming the disk", async () => {
    const { after } = await edit(csv(BASE[0], row("ex1", { size: "Large", rdp: "3390", endpoints: "https", data: "ex1-db" }), row("lon1", { subnet: "London", data: "ex1-log" })));
    assert.equal(after.errors.length, 1);
    assert.deepEqual([after.errors[0].line, after.errors[0].column], [4, "DataDisks"]);
    assert.match(after.errors[0].message, /disk 'ex1-log' is still attached to ex1 from the last deployment: ex1 \(line 3\) changes in the same run/);
  });

  it("gateway SKU change within Generation1 is an in-place update; a new generation replaces gateway and connection with a 45-minute warning", async () => {
    const sku = (s: string, extra = "") => WITH_VPN + `  exchange-lab:vpnGatewaySku: ${s}\n` + extra;
    const before = await up(csv(...BASE), undefined, sku("VpnGw1AZ"));
    const resized = await up(csv(...BASE), before.deployedLab, sku("VpnGw2AZ"));
    assert.deepEqual(resized.errors, []);
    assert.deepEqual(change(resized, "MCMHybrid-vpngw"), { type: "azure-native:network:VirtualNetworkGateway", name: "MCMHybrid-vpngw", action: "update", properties: ["sku.name", "sku.tier"] });
    assert.doesNotMatch(resized.warnings.map((w) => w.message).join("\n"), /45 minutes/);
    const rebuilt = await up(csv(...BASE), resized.deployedLab, sku("VpnGw2AZ", "  exchange-lab:vpnGatewayGeneration: Generation2\n"));
    assert.equal(change(rebuilt, "MCMHybrid-vpngw")!.action, "replace");
    assert.equal(change(rebuilt, "MCMHybrid-to-draytek")!.action, "replace");
    assert.equal(change(rebuilt, "MCMHybrid-vpngw-ip"), undefined, "the public IP, the DrayTek's peer, stays");
    assert.match(rebuilt.warnings.map((w) => w.message).join("\n"), /Generation1 to Generation2: Azure rebuilds it, 45 minutes or more/);
  });

  it("destroy then up: nothing to refuse, everything created again, the same addresses and router name", async () => {
    const { before } = await edit(csv(...BASE));
    const again = await up(csv(...BASE), "empty");
    assert.deepEqual(again.errors, []);
    assert.deepEqual(of(again, "create"), again.resources.map((r) => r.name).sort());
    assert.deepEqual(ips(again), ips(before));
    const vpnBefore = await up(csv(...BASE), undefined, WITH_VPN);
    const vpnAgain = await up(csv(...BASE), "empty", WITH_VPN);
    assert.equal(vpnAgain.draytek!.serverIpOrHost, vpnBefore.draytek!.serverIpOrHost);
    assert.equal(vpnAgain.draytek!.serverIpOrHost, "exchange-lab-mcmhybrid-vpn.westeurope.cloudapp.azure.com");
  });
});

describe("--previous and --pin on the command line", () => {
  const cli = runPlanCli;

  it("accepts an earlier plan's --json and pulumi stack output --json, and lists the changes", async () => {
    const { dir, stackFile } = writeLab(csv(...BASE), NO_VPN);
    const first = await cli("--config", stackFile, "--csv", path.join(dir, "lab.csv"), "--json");
    const planFile = path.join(dir, "plan.json");
    fs.writeFileSync(planFile, first.stdout);
    const deployedLab = JSON.parse(first.stdout).deployedLab;
    const outputsFile = path.join(dir, "outputs.json");
    fs.writeFileSync(outputsFile, JSON.stringify({ resourceGroupName: "exchange-lab", draytekHints: "[secret]", deployedLab }));
    fs.appendFileSync(path.join(dir, "lab.csv"), row("cl1") + "\n");
    for (const file of [planFile, outputsFile]) {
      const next = await cli("--config", stackFile, "--csv", path.join(dir, "lab.csv"), "--previous", file);
      assert.equal(next.code, 0, next.stderr);
      assert.match(next.stdout, /Changes against the previous deployment \(3 to create, 1 to update, 0 to replace, 0 to delete\):[\s\S]*\+ +create +azure-native:network:NetworkInterface +cl1-nic/);
    }
  });

  it("refuses an unreadable or foreign --previous file as a usage error (exit 2) that says why", async () => {
    const { dir, stackFile } = writeLab(csv(...BASE), NO_VPN);
    const cases: [string, RegExp][] = [
      [path.join(dir, "missing.json"), /--previous .*missing\.json: cannot read/],
      [stackFile, /not JSON/],
      ["/dev/null", /not a regular file/],
    ];
    const foreign = path.join(dir, "foreign.json");
    fs.writeFileSync(foreign, JSON.stringify({ bucketName: "x" }));
    cases.push([foreign, /has no 'deployedLab' object/]);
    const other = path.join(dir, "other.json");
    fs.writeFileSync(other, JSON.stringify({ deployedLab: { format: "someone-else@9" } }));
    cases.push([other, /format "someone-else@9", not exchange-lab\/deployed-lab@1/]);
    for (const [file, message] of cases) {
      const r = await cli("--config", stackFile, "--previous", file);
      assert.equal(r.code, 2, file);
      assert.match(r.stderr, message);
    }
  });

  it("--pin writes the chosen addresses and LUNs into the empty cells and leaves every other byte alone", async () => {
    const text = "\uFEFF" + [HEADER, `Yes,dc1,,"dc1-os",Small,Oxford,, ,,Yes,3389,,`, `"Yes",ex1,,ex1-os,Large,Oxford,10.20.1.9,,,No,,"https","ex1-db;1:ex1-log"`, `No,cl1,,cl1-os,Small,London`].join("\r\n") + "\r\n";
    const { dir, stackFile } = writeLab(text, NO_VPN);
    const csvPath = path.join(dir, "lab.csv");
    const r = await cli("--config", stackFile, "--csv", csvPath, "--pin");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /wrote what the plan chose \(addresses, LUNs, Image rows' OS disk names\) into the empty cells; every other byte is unchanged\. The plan below is of the written CSV/);
    // The report after writing is of the pinned CSV: it no longer asks for --pin.
    assert.doesNotMatch(r.stdout + r.stderr, /write them down with|--pin\)/);
    const expected = "\uFEFF" + [HEADER, `Yes,dc1,,"dc1-os",Small,Oxford,10.20.1.4, ,,Yes,3389,,`, `"Yes",ex1,,ex1-os,Large,Oxford,10.20.1.9,,,No,,"https",0:ex1-db;1:ex1-log`, `No,cl1,,cl1-os,Small,London,10.20.2.4`].join("\r\n") + "\r\n";
    assert.equal(fs.readFileSync(csvPath, "utf8"), expected);
    const again = await cli("--config", stackFile, "--csv", csvPath, "--pin");
    assert.match(again.stderr, /nothing to pin/);
  });
});

describe("reading the previous deployment and avoiding write races (mock runtime)", () => {
  it("reads deployedLab through a StackReference to the stack itself, and declares nothing when it has none", async () => {
    const pulumi = await import("@pulumi/pulumi");
    const { recordingMocks } = await import("../src/plan/mocks");
    const { readPreviousDeployment } = await import("../src/program");
    const first = await up(csv(...BASE));
    for (const [outputs, expected] of [[{}, undefined], [{ deployedLab: first.deployedLab }, "dc1"]] as const) {
      const registrations: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
      await pulumi.runtime.setMocks(recordingMocks(registrations, outputs), "exchange-lab", "oxford", true, "organization");
      const previous = await readPreviousDeployment();
      assert.deepEqual(registrations.map((r) => [r.type, r.inputs.name]), [["pulumi:pulumi:StackReference", "organization/exchange-lab/oxford"]]);
      assert.equal(previous?.vms[0].name, expected);
    }
  });

  it("writes NICs and the load balancer only after the last subnet write of the virtual network", async () => {
    const plan = await up(csv(...BASE));
    const last = plan.resources.filter((r) => r.type === "azure-native:network:Subnet").pop()!.name;
    for (const r of plan.resources.filter((x) => x.type === "azure-native:network:NetworkInterface" || x.type === "azure-native:network:LoadBalancer")) {
      assert.ok(r.dependsOn.includes(last), `${r.name} waits for ${last}`);
    }
  });
});
