// The lab's life, third round (issue 27): what the engine and a sleeping lab do with an edit. Each
// case is an edit scenario (lab a -> lab b, planned with lab a's record as --previous) whose
// verdict the engine suite replays through the Azure twin: the order of the steps, or the refusal
// and its steps. Engine facts: pulumi/pulumi v3.248.0 step_generator.go (the replaceWith cascade
// matches the replaced resource's new URN, and is not transitive).
import { strict as assert } from "assert";
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

async function up(text: string, previous?: DeployedLabRecord, stackYaml = NO_VPN): Promise<PlanResult> {
  const { dir, stackFile } = writeLab(text, stackYaml);
  return runPlan({ stackFile, baseDir: dir, previous });
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

    it("DC dc1 -> dc9 moved Oxford -> London with its dnsServers entry renamed: accepted; NIC dc1-nic replaced after the VM; the gate replaced after the new VM", async () => {
      const first = await up(csv(...BASE), undefined, DNS_DC1);
      assert.deepEqual(first.errors, []);
      const next = await up(csv(row("dc9", { os: "dc1-os", wait: "Yes", subnet: "London" }), BASE[1], BASE[2]), first.deployedLab, NO_VPN + "  exchange-lab:dnsServers:\n    - dc9\n");
      assert.deepEqual(next.errors, []);
      const shell = next.shells!.find((s) => s.vm === "dc9")!;
      assert.deepEqual([shell.deleted, shell.created], [["dc1", "dc1-nic"], ["dc1-nic", "dc9"]]);
      assert.ok(shell.replacedAfter!.includes("dc1-ready -> dc9-ready"), shell.replacedAfter!.join());
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
      assert.deepEqual(next.before, [{ kind: "start", vms: ["ex1"], runCommands: ["ex1-ready"], command: "npm run lab -- start --stack test", afterwards: "npm run lab -- stop --stack test" }]);
      assert.match(renderPlan(next), /Before pulumi up: ex1 must be running .*\n {2}If the lab is deallocated .*: npm run lab -- start --stack test, then pulumi up, then npm run lab -- stop --stack test/);
    });

    it("a gate added with its VM re-created (rename of a WaitForBoot row): nothing to start, the new VM runs", async () => {
      const { next } = await scenario(csv(...BASE), csv(BASE[0], row("ex2", { os: "ex1-os", size: "Large", wait: "Yes" }), BASE[2]));
      assert.deepEqual(next.errors, []);
      assert.deepEqual(next.before, []);
    });
  });
});
