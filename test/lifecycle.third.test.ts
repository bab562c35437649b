// The lab's life, third round (issue 27): what the engine and a sleeping lab do with an edit. Each
// case is an edit scenario (lab a -> lab b, planned with lab a's record as --previous) whose
// verdict the engine suite replays through the Azure twin: the order of the steps, or the refusal
// and its steps. Engine facts: pulumi/pulumi v3.248.0 step_generator.go (the replaceWith cascade
// matches the replaced resource's new URN, and is not transitive).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readPreviousFile } from "../src/plan/cli";
import { Change } from "../src/plan/changes";
import { PlanResult, runPlan } from "../src/plan/plan";
import { renderPlan } from "../src/plan/render";
import { DeployedLabRecord } from "../src/input/lab/previous";
import { baseStackYaml, writeLab } from "./helpers";

const HEADER = "BringOnline,VMName,StorageAccount,VMOSDiskName,VMInstanceSize,SubnetName,IPAddress,Location,AffinityGroup,WaitForBoot,PublicRDPPort,Endpoints,DataDisks";
const NO_VPN = baseStackYaml() + "  exchange-lab:vpn: false\n";
const DNS_DC1 = NO_VPN + "  exchange-lab:dnsServers:\n    - dc1\n";

interface Row { os?: string; size?: string; subnet?: string; ip?: string; wait?: string }
const row = (name: string, r: Row = {}) =>
  ["Yes", name, "", r.os ?? `${name}-os`, r.size ?? "Small", r.subnet ?? "Oxford", r.ip ?? "", "", "", r.wait ?? "No", "", "", ""].join(",");
const csv = (...rows: string[]) => [HEADER, ...rows].join("\n") + "\n";
const BASE = [row("dc1", { wait: "Yes" }), row("ex1", { size: "Large" }), row("lon1", { subnet: "London" })];

/** First deployments, planned once per CSV and stack file: most cases start from the same lab.
 * The cases only read a plan (a record is copied before it is edited). */
const firstPlans = new Map<string, Promise<PlanResult>>();
async function up(text: string, previous?: DeployedLabRecord, stackYaml = NO_VPN): Promise<PlanResult> {
  const plan = () => {
    const { dir, stackFile } = writeLab(text, stackYaml);
    return runPlan({ stackFile, baseDir: dir, previous });
  };
  if (previous) return plan();
  const key = JSON.stringify([text, stackYaml]);
  if (!firstPlans.has(key)) firstPlans.set(key, plan());
  return firstPlans.get(key)!;
}
/** Lab a, then lab b against a's record. */
async function scenario(a: string, b: string, stackYaml = NO_VPN): Promise<{ first: PlanResult; next: PlanResult }> {
  const first = await up(a, undefined, stackYaml);
  assert.deepEqual(first.errors, []);
  return { first, next: await up(b, first.deployedLab, stackYaml) };
}
const change = (p: PlanResult, name: string): Change | undefined => (p.changes ?? []).find((c) => c.name === name);
const resource = (p: PlanResult, name: string) => p.resources.find((r) => r.name === name);
const warned = (p: PlanResult) => p.warnings.map((w) => w.message).join("\n");

describe("lab life, third round (issue 27)", function () {
  this.timeout(60000);

  describe("item 1: a rename together with a subnet move", () => {
    it("VM ex1 -> ex2 moved Oxford -> London: accepted; the NIC keeps its URN (ex1-nic), so the cascade deletes the old VM before the NIC", async () => {
      const { next } = await scenario(csv(...BASE), csv(BASE[0], row("ex2", { os: "ex1-os", size: "Large", subnet: "London" }), BASE[2]));
      assert.deepEqual(next.errors, []);
      assert.equal(change(next, "ex1-nic")?.action, "replace");
      assert.equal(resource(next, "ex1-nic")!.inputs.networkInterfaceName, "ex1-nic");
      assert.equal(resource(next, "ex1-nic")!.options.aliases, undefined, "the same logical name: no alias");
      assert.equal(change(next, "ex2")?.action, "replace");
      assert.deepEqual(resource(next, "ex2")!.options.replaceWith, ["ex1-nic"], "the old VM's recorded replaceWith names the same URN");
      const shell = next.shells!.find((s) => s.vm === "ex2")!;
      assert.deepEqual([shell.deleted, shell.created], [["ex1", "ex1-nic"], ["ex1-nic", "ex2"]]);
      assert.deepEqual(shell.replacedAfter, ["shutdown-computevm-ex1 -> shutdown-computevm-ex2"]);
      assert.deepEqual(next.deployedLab!.nicResources, { dc1: "dc1-nic", ex2: "ex1-nic", lon1: "lon1-nic" });
      assert.match(warned(next), /ex2 moves from subnet Oxford to London: its shell is re-created/);
    });

    it("DC dc1 -> dc9 moved Oxford -> London with its dnsServers entry renamed: accepted; the VM then the NIC deleted, the NIC created, the gate deleted on the VM's own step, the VM and gate created; the schedule replaced after", async () => {
      const first = await up(csv(...BASE), undefined, DNS_DC1);
      assert.deepEqual(first.errors, []);
      const next = await up(csv(row("dc9", { os: "dc1-os", wait: "Yes", subnet: "London" }), BASE[1], BASE[2]), first.deployedLab, NO_VPN + "  exchange-lab:dnsServers:\n    - dc9\n");
      assert.deepEqual(next.errors, []);
      const shell = next.shells!.find((s) => s.vm === "dc9")!;
      assert.deepEqual([shell.deleted, shell.deletedBeforeVm, shell.created], [["dc1", "dc1-nic"], ["dc1-ready"], ["dc1-nic", "dc9", "dc9-ready"]]);
      assert.deepEqual(shell.replacedAfter, ["shutdown-computevm-dc1 -> shutdown-computevm-dc9"]);
      const dc9 = next.vms.find((v) => v.name === "dc9")!;
      assert.equal(change(next, "MCMHybrid")?.action, "update", "the virtual network's DNS follows the DC's new address");
      assert.deepEqual(resource(next, "MCMHybrid")!.inputs.dhcpOptions, { dnsServers: [dc9.privateIp] });
    });

    it("a VM renamed by an older version (record without nicResources) keeps the NIC resource name it has in the state", async () => {
      const { first } = await scenario(csv(...BASE), csv(...BASE));
      const old = { ...first.deployedLab!, csv: csv(BASE[0], row("ex2", { os: "ex1-os", size: "Large" }), BASE[2]), nics: { dc1: "dc1-nic", ex2: "ex1-nic", lon1: "lon1-nic" } };
      delete (old as Partial<DeployedLabRecord>).nicResources;
      const next = await up(csv(BASE[0], row("ex3", { os: "ex1-os", size: "Large", subnet: "London" }), BASE[2]), old);
      assert.deepEqual(next.errors, []);
      assert.equal(resource(next, "ex2-nic")!.inputs.networkInterfaceName, "ex1-nic", "the old version declared ex2-nic");
      assert.deepEqual(resource(next, "ex3")!.options.replaceWith, ["ex2-nic"]);
    });
  });

  describe("item 2: run commands on VMs that stay, while the lab may be deallocated", () => {
    it("a gate removed (WaitForBoot Yes -> No) leaves the state without a call to Azure (retainOnDelete) and needs no VM started", async () => {
      const { first, next } = await scenario(csv(...BASE), csv(row("dc1", { wait: "No" }), BASE[1], BASE[2]));
      assert.equal(resource(first, "dc1-ready")!.options.retainOnDelete, true);
      assert.deepEqual(change(next, "dc1-ready")?.action, "delete");
      assert.deepEqual(next.before, []);
    });

    it("readinessGates: false removes every gate, state only", async () => {
      const { next } = await scenario(csv(...BASE), csv(...BASE), NO_VPN);
      assert.deepEqual(next.before, []);
      const off = await up(csv(...BASE), (await up(csv(...BASE))).deployedLab, NO_VPN + "  exchange-lab:readinessGates: false\n");
      assert.deepEqual(off.errors, []);
      assert.deepEqual((off.changes ?? []).filter((c) => c.name.endsWith("-ready")).map((c) => c.action), ["delete"]);
      assert.deepEqual(off.before, []);
    });

    it("readinessTimeoutMinutes changed: no deployed gate is updated (ignoreChanges on the script, its deadline and the timeout)", async () => {
      const { next } = await scenario(csv(...BASE), csv(...BASE));
      assert.deepEqual(next.changes, []);
      const longer = await up(csv(...BASE), (await up(csv(...BASE))).deployedLab, NO_VPN + "  exchange-lab:readinessTimeoutMinutes: 50\n");
      assert.deepEqual(longer.errors, []);
      assert.deepEqual(longer.changes, []);
      assert.deepEqual(resource(longer, "dc1-ready")!.options.ignoreChanges, ["source", "parameters", "timeoutInSeconds"]);
      assert.deepEqual((resource(longer, "dc1-ready")!.inputs.parameters as { value: string }[])[0].value, "3000", "a new or re-created gate takes the new deadline");
    });

    it("a gate added on a VM that stays (WaitForBoot No -> Yes): the plan names the VM to start and the commands, in text and JSON", async () => {
      const { next } = await scenario(csv(...BASE), csv(BASE[0], row("ex1", { size: "Large", wait: "Yes" }), BASE[2]));
      assert.deepEqual(next.errors, []);
      assert.equal(change(next, "ex1-ready")?.action, "create");
      assert.deepEqual(next.before, [{ kind: "start", vms: ["ex1"], runCommands: ["ex1-ready"], command: "npm run lab -- start --stack test", afterwards: "npm run lab -- stop --stack test", oneCommand: "npm run lab -- up --stack test" }]);
      assert.match(renderPlan(next), /Before pulumi up: ex1 must be running .*\n {2}If the lab is deallocated .*: npm run lab -- start --stack test, then pulumi up, then npm run lab -- stop --stack test to deallocate it again; or all three in one: npm run lab -- up --stack test/);
    });

    it("a gate added with its VM re-created (rename of a WaitForBoot row): nothing to start, the new VM runs", async () => {
      const { next } = await scenario(csv(...BASE), csv(BASE[0], row("ex2", { os: "ex1-os", size: "Large", wait: "Yes" }), BASE[2]));
      assert.deepEqual(next.errors, []);
      assert.deepEqual(next.before, []);
    });
  });
});

describe("item 3: after a failed pulumi up, --previous takes the state checkpoint (pulumi stack export)", function () {
  this.timeout(60000);
  const urn = (type: string, name: string) => `urn:pulumi:test::exchange-lab::exchange-lab:lab:ExchangeLab$${type}::${name}`;
  /** Lab a deployed; lab b (ex1's row removed) failed at ex1's delete: its record, and ex1's VM and NIC still in the state. */
  async function failedDelete(): Promise<{ checkpointFile: string }> {
    const { first, next } = await scenario(csv(...BASE), csv(BASE[0], BASE[2]));
    assert.deepEqual(next.errors, []);
    const vm = resource(first, "ex1")!;
    const nic = resource(first, "ex1-nic")!;
    const checkpoint = {
      version: 3,
      deployment: {
        manifest: {},
        resources: [
          { urn: "urn:pulumi:test::exchange-lab::pulumi:pulumi:Stack::exchange-lab-test", type: "pulumi:pulumi:Stack", outputs: { deployedLab: next.deployedLab } },
          ...next.resources.map((r) => ({ urn: urn(r.type, r.name), type: r.type, inputs: r.inputs, outputs: {} })),
          { urn: urn(vm.type, "ex1"), type: vm.type, inputs: vm.inputs, outputs: {} },
          { urn: urn(nic.type, "ex1-nic"), type: nic.type, inputs: nic.inputs, outputs: {} },
        ],
      },
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "checkpoint-"));
    const checkpointFile = path.join(dir, "state.json");
    fs.writeFileSync(checkpointFile, JSON.stringify(checkpoint));
    return { checkpointFile };
  }

  it("reads the record and what the failed delete left: ex1's VM, NIC, address and disks", async () => {
    const { checkpointFile } = await failedDelete();
    const record = readPreviousFile(checkpointFile) as DeployedLabRecord;
    assert.equal(record.format, "exchange-lab/deployed-lab@1");
    assert.deepEqual(record.stillInState, [{ vm: "ex1", hasVm: true, nicName: "ex1-nic", nicResource: "ex1-nic", subnet: "Oxford", privateIp: "10.20.1.5", disks: ["ex1-os"], pendingDelete: false }]);
  });

  it("the next plan hands out none of it: a new row gets another address, a row writing the address is refused; the deletes are listed again; a row taking the disk takes the machine over", async () => {
    const { checkpointFile } = await failedDelete();
    const previous = readPreviousFile(checkpointFile) as DeployedLabRecord;
    const added = await up(csv(BASE[0], BASE[2], row("new1")), previous);
    assert.deepEqual(added.errors, []);
    const new1 = added.vms.find((v) => v.name === "new1")!;
    assert.notEqual(new1.privateIp, "10.20.1.5");
    assert.match(warned(added), /VM ex1 and its NIC ex1-nic are still in the stack's state .* a delete failed in the last pulumi up\. The next pulumi up deletes them again, at the end of its run; until then the address 10\.20\.1\.5, the disk ex1-os, the NIC name ex1-nic are not handed out/);
    assert.deepEqual((added.changes ?? []).filter((c) => c.action === "delete").map((c) => c.name), ["ex1", "ex1-nic"]);
    const written = await up(csv(BASE[0], BASE[2], row("new1", { ip: "10.20.1.5" })), previous);
    assert.equal(written.errors.length, 1);
    assert.match(written.errors[0].message, /10\.20\.1\.5 is still held by the network interface of ex1 .*ex1's delete failed in the last pulumi up/);
    // A row that attaches ex1's OS disk under a new name is ex1 renamed (found by its disk): it takes the machine over.
    const taken = await up(csv(BASE[0], BASE[2], row("new1", { os: "ex1-os" })), previous);
    assert.deepEqual(taken.errors, []);
    assert.equal(taken.vms.find((v) => v.name === "new1")!.previousName, "ex1");
    assert.doesNotMatch(warned(taken), /still in the stack's state/);
  });

  it("a checkpoint whose deployedLab is encrypted is refused with the export that works", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "checkpoint-"));
    const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" };
    fs.writeFileSync(path.join(dir, "s.json"), JSON.stringify({ version: 3, deployment: { resources: [{ urn: "urn:pulumi:test::exchange-lab::pulumi:pulumi:Stack::exchange-lab-test", type: "pulumi:pulumi:Stack", outputs: { deployedLab: secret } }] } }));
    assert.throws(() => readPreviousFile(path.join(dir, "s.json")), /encrypted in the checkpoint: export it with pulumi stack export --show-secrets/);
  });

  it("an empty checkpoint (after pulumi destroy) is an empty stack", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "checkpoint-"));
    fs.writeFileSync(path.join(dir, "s.json"), JSON.stringify({ version: 3, deployment: { manifest: {}, resources: [] } }));
    assert.equal(readPreviousFile(path.join(dir, "s.json")), "empty");
  });
});

// The Role lab (test/fixtures/from-scratch) with its secrets, without the VPN, planned in a temporary directory.
const ROLE_HEADER = "BringOnline,VMName,VMOSDiskName,VMInstanceSize,SubnetName,IPAddress,WaitForBoot,PublicRDPPort,Endpoints,Image,ComputerName,Role";
const ROLE_STACK = fs.readFileSync(path.join(__dirname, "fixtures", "from-scratch", "Pulumi.from-scratch.yaml"), "utf8")
  .replace("exchange-lab:csv: test/fixtures/from-scratch/lab.csv", "exchange-lab:csv: lab.csv")
  + '  exchange-lab:vpn: false\n  exchange-lab:adminPassword: "Adm1n-Secret-Value"\n  exchange-lab:safeModePassword: "Dsrm-Secret-Value1"\n  exchange-lab:exchangeIsoUrl: "https://acct.blob.core.windows.net/iso/se.iso?sig=S"\n';
const roleCsv = (...rows: string[]) => [ROLE_HEADER, ...rows].join("\n") + "\n";
const ROLE_BASE = ["Yes,fs-dc1,,Medium,Lab,10.40.1.4,Yes,,,ws2022-g2,,DC", "Yes,fs-m1,,Medium,Lab,10.40.1.20,Yes,,,ws2022-g2,,Member", "Yes,fs-cl1,,Medium,Lab,10.40.1.21,No,,,ws2022-g2,,Member"];
/** The changes beside the role steps' state-only deletes of a Role lab's second life. */
const shellChanges = (p: PlanResult) => (p.changes ?? []).filter((c) => !(c.action === "delete" && /RunCommand|dynamic:Resource/.test(c.type)));
const nicDns = (p: PlanResult, nic: string) => (resource(p, nic)!.inputs.dnsSettings as { dnsServers: string[] } | undefined)?.dnsServers;

describe("items 4 and 5: what acts only in a VM's first life", function () {
  this.timeout(60000);

  it("item 5: a deployed member marked DC is not promoted, the lab's DNS servers stay the deployed DCs, and the plan says so on the Role cell", async () => {
    const { first, next } = await scenario(roleCsv(...ROLE_BASE), roleCsv(ROLE_BASE[0], "Yes,fs-m1,,Medium,Lab,10.40.1.20,Yes,,,ws2022-g2,,DC", ROLE_BASE[2]), ROLE_STACK);
    assert.deepEqual(nicDns(first, "fs-cl1-nic"), ["10.40.1.4"]);
    assert.deepEqual(next.errors, []);
    assert.deepEqual(nicDns(next, "fs-cl1-nic"), ["10.40.1.4"], "not the unpromoted fs-m1");
    assert.equal(change(next, "fs-cl1-nic"), undefined);
    assert.deepEqual(next.resources.filter((r) => r.name.startsWith("fs-m1-dc")), [], "no promotion step");
    const w = next.warnings.find((x) => x.column === "Role")!;
    assert.equal(w.line, 3);
    assert.match(w.message, /fs-m1 was deployed as Member and its Role cell now says DC: a role runs only in a VM's first life .*it is not promoted, and the lab's DNS servers stay the deployed DCs.*to rebuild fs-m1 from scratch/);
    assert.doesNotMatch(warned(next), /will be promoted/);
  });

  it("item 5: a deployed DC's Role cleared stays a DC (still everyone's DNS server)", async () => {
    const { next } = await scenario(roleCsv(...ROLE_BASE), roleCsv("Yes,fs-dc1,,Medium,Lab,10.40.1.4,Yes,,,ws2022-g2,,", ROLE_BASE[1], ROLE_BASE[2]), ROLE_STACK);
    assert.deepEqual(next.errors, []);
    assert.deepEqual(nicDns(next, "fs-cl1-nic"), ["10.40.1.4"]);
    assert.match(warned(next), /fs-dc1 was deployed as DC and its Role cell now is empty: .*it stays a domain controller/);
  });

  it("item 5: an Image changed on a deployed row changes nothing (warning); an Image added to a deployed disk row is refused", async () => {
    const { next } = await scenario(roleCsv(...ROLE_BASE), roleCsv(ROLE_BASE[0], ROLE_BASE[1], "Yes,fs-cl1,,Medium,Lab,10.40.1.21,No,,,ws2025-g2,,Member"), ROLE_STACK);
    assert.deepEqual(next.errors, []);
    assert.deepEqual(shellChanges(next), []);
    assert.match(warned(next), /fs-cl1 was built from ws2022-g2; the image is used only while the OS disk is absent, so nothing changes/);
    const added = await scenario(csv(...BASE), csv(...BASE).replace(HEADER, `${HEADER},Image`).replace(/(lon1,.*)\n/, "$1,ws2022-g2\n").replace(/(\n(?:Yes,dc1|Yes,ex1)[^\n]*)/g, "$1,"));
    assert.equal(added.next.errors.length, 1);
    assert.deepEqual([added.next.errors[0].column, added.next.errors[0].line], ["Image", 4]);
    assert.match(added.next.errors[0].message, /lon1 was deployed on an existing disk; an Image added would move its VM/);
  });

  it("item 5: domainName, domainNetbiosName and adminUsername changed with the domain deployed: a warning each; refused when a new Role row would join with it", async () => {
    const { first } = await scenario(roleCsv(...ROLE_BASE), roleCsv(...ROLE_BASE), ROLE_STACK);
    const renamed = ROLE_STACK.replace("exchange-lab:domainName: lab.example.com", "exchange-lab:domainName: new.example.com\n  exchange-lab:domainNetbiosName: NEWLAB").replace("exchange-lab:adminUsername: labadmin", "exchange-lab:adminUsername: otheradmin");
    const same = await up(roleCsv(...ROLE_BASE), first.deployedLab, renamed);
    assert.deepEqual(same.errors, []);
    assert.deepEqual(shellChanges(same), [], "nothing changes on the deployed VMs");
    const keys = same.warnings.map((w) => w.column);
    for (const key of ["domainName", "domainNetbiosName", "adminUsername"]) assert.ok(keys.includes(`exchange-lab:${key}`), key);
    assert.match(warned(same), /domainName changes from 'lab.example.com' to 'new.example.com', but the forest of the deployed fs-dc1, fs-m1, fs-cl1 was set in their first life/);
    const joining = await up(roleCsv(...ROLE_BASE, "Yes,fs-m2,,Medium,Lab,10.40.1.22,No,,,ws2022-g2,,Member"), first.deployedLab, renamed);
    assert.deepEqual(joining.errors.map((e) => e.column).sort(), ["exchange-lab:adminUsername", "exchange-lab:domainName", "exchange-lab:domainNetbiosName"]);
    assert.match(joining.errors[0].message, /Refused: fs-m2 would join the deployed domain with the new value/);
  });

  it("item 5: a new member joining a deployed domain: the plan says it joins with the stack's adminPassword, which must still be the domain's", async () => {
    const { next } = await scenario(roleCsv(...ROLE_BASE), roleCsv(...ROLE_BASE, "Yes,fs-m2,,Medium,Lab,10.40.1.22,No,,,ws2022-g2,,Member"), ROLE_STACK);
    assert.deepEqual(next.errors, []);
    assert.match(warned(next), /fs-m2 joins the deployed domain as labadmin with the stack's adminPassword: it must still be the domain administrator's password/);
  });

  it("item 4: a deployed Gen2 Image row edited to a Gen1 image with a Gen1-only size is refused, as the resize alone is", async () => {
    const gen2 = "Yes,fs-cl1,,Medium,Lab,10.40.1.21,No,,,ws2022-g2,,Member";
    const { next: both } = await scenario(roleCsv(ROLE_BASE[0], ROLE_BASE[1], gen2), roleCsv(ROLE_BASE[0], ROLE_BASE[1], "Yes,fs-cl1,,Standard_A2_v2,Lab,10.40.1.21,No,,,ws2022,,Member"), ROLE_STACK);
    const alone = await up(roleCsv(ROLE_BASE[0], ROLE_BASE[1], "Yes,fs-cl1,,Standard_A2_v2,Lab,10.40.1.21,No,,,ws2022-g2,,Member"), (await up(roleCsv(ROLE_BASE[0], ROLE_BASE[1], gen2), undefined, ROLE_STACK)).deployedLab, ROLE_STACK);
    for (const p of [both, alone]) {
      assert.equal(p.errors.length, 1, JSON.stringify(p.errors));
      assert.equal(p.errors[0].column, "VMInstanceSize");
      assert.match(p.errors[0].message, /Standard_A2_v2 boots Generation 1 disks only and this VM's OS disk is Generation 2/);
    }
  });
});

describe("items 6, 7 and 8: a disk name's case, a DNS server's address, the left-disk message", function () {
  this.timeout(60000);

  it("item 6: an OS disk name changed only in case keeps the deployed spelling: no change at all, a warning on the cell", async () => {
    const { next } = await scenario(csv(...BASE), csv(BASE[0], row("ex1", { os: "EX1-OS", size: "Large" }), BASE[2]));
    assert.deepEqual(next.errors, []);
    assert.deepEqual(next.changes, []);
    assert.match(warned(next), /'EX1-OS' differs from ex1's deployed OS disk 'ex1-os' only in case: it is the same disk .*keeps the deployed spelling/);
    assert.doesNotMatch(warned(next), /row is gone|no longer names/);
  });

  it("item 7: a DC's address changed in place: the virtual network's DNS moves with it in the same run, and the plan says what that means for the running forest", async () => {
    const { next } = await scenario(csv(...BASE), csv(row("dc1", { wait: "Yes", ip: "10.20.1.40" }), BASE[1], BASE[2]), DNS_DC1);
    assert.deepEqual(next.errors, []);
    assert.deepEqual(change(next, "dc1-nic")?.action, "update");
    assert.deepEqual(resource(next, "MCMHybrid")!.inputs.dhcpOptions, { dnsServers: ["10.20.1.40"] });
    assert.equal(change(next, "MCMHybrid")?.action, "update");
    const w = next.warnings.find((x) => x.column === "IPAddress" && /DNS server/.test(x.message))!;
    assert.equal(w.line, 2);
    assert.match(w.message, /dc1 is a DNS server of the lab and moves from 10\.20\.1\.4 to 10\.20\.1\.40: the virtual network's DNS servers \(dnsServers names it\) move with it/);
    assert.match(w.message, /If it is a domain controller of a running forest: restart dc1 first/);
  });

  it("item 7: a Role lab's DC moved: every Role row's NIC hands out the new address, and the plan names them", async () => {
    const { next } = await scenario(roleCsv(...ROLE_BASE), roleCsv("Yes,fs-dc1,,Medium,Lab,10.40.1.40,Yes,,,ws2022-g2,,DC", ROLE_BASE[1], ROLE_BASE[2]), ROLE_STACK);
    assert.deepEqual(next.errors, []);
    assert.deepEqual(nicDns(next, "fs-cl1-nic"), ["10.40.1.40"]);
    assert.equal(change(next, "fs-cl1-nic")?.action, "update");
    assert.match(warned(next), /fs-dc1 is a DNS server of the lab and moves from 10\.40\.1\.4 to 10\.40\.1\.40: the DNS servers of every Role row's NIC \(fs-m1, fs-cl1\) move with it.*For a running forest: restart fs-dc1 first/);
  });

  it("item 8: a row given a new OS disk name is not 'gone': the plan says the row no longer names the old disk", async () => {
    const { next } = await scenario(csv(...BASE), csv(BASE[0], row("ex1", { os: "ex1-os-v2", size: "Large" }), BASE[2]));
    assert.deepEqual(next.errors, []);
    assert.doesNotMatch(warned(next), /ex1's row is gone/);
    assert.match(warned(next), /ex1's row no longer names ex1-os: pulumi up detaches it from the VM \(deleteOption Detach\), but its disk stays in Azure and bills every month/);
    const { next: removed } = await scenario(csv(...BASE), csv(BASE[0], BASE[2]));
    assert.match(warned(removed), /ex1's row is gone: pulumi up deletes its VM/);
  });
});
