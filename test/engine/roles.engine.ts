// The moonshot through the real engine and the Azure twin: a forest root DC, an Exchange server and
// a member built from images by the first pulumi up (role steps as Run Commands, the reboot waits,
// the gates), a clean preview after it, and a second life after destroy: the same VMs on the disks
// the first life made, and no role step runs again.
import { strict as assert } from "assert";
import { LabLife } from "../twin/engine";
import { engineSuite } from "./suite";
import { disagreements } from "../twin/oracle";
import { csv, row, stack } from "./scenarios";

const ROLE_STACK = stack({
  "exchange-lab:adminUsername": "labadmin",
  "exchange-lab:domainName": "lab.example.com",
  "exchange-lab:dnsServers": "[dc1]",
});
const ROLE_LAB = {
  stackYaml: ROLE_STACK,
  csv: csv(
    row("dc1", { size: "Medium", ip: "10.60.1.4", wait: "Yes", rdp: "3389", image: "ws2022-g2", role: "DC" }),
    row("ex1", { size: "Large", ip: "10.60.1.10", wait: "Yes", rdp: "3390", endpoints: "https", image: "ws2022-g2", role: "Exchange" }),
    row("cl1", { size: "Small", ip: "10.60.1.20", rdp: "3391", image: "ws2022-g2", role: "Member" }),
  ),
};
const RUN_COMMAND = "azure-native:compute:VirtualMachineRunCommandByVirtualMachine";

describe("a forest and an Exchange organisation from images, through the real engine", function () {
  this.timeout(300_000);
  const suite = engineSuite({ planner: true });

  it("first life: every role step in order, as the plan says; the next up drops the steps from the state without a call to Azure, then nothing changes; after destroy the second life runs no role step again", async () => {
    const life = await LabLife.create(suite.cli(), ROLE_LAB);
    try {
      const plan = await suite.planner().plan({ ...ROLE_LAB, stackName: life.stack.name, previous: "empty" });
      assert.equal(plan.exitCode, 0, plan.errors.join("\n"));
      const first = await life.up();
      assert.equal(first.status, "succeeded", first.error);
      assert.deepEqual(disagreements(plan, first), []);
      const roleSteps = first.steps.filter((s) => s.type === RUN_COMMAND && !s.name.endsWith("-ready")).map((s) => s.name);
      assert.ok(roleSteps.length >= 4, `role steps: ${roleSteps.join(", ")}`);
      // The forest root's promotion comes before the Exchange server's join and Setup.
      const at = (n: RegExp) => first.steps.findIndex((s) => n.test(s.name));
      assert.ok(at(/^dc1-/) < at(/^ex1-.*join/), first.steps.map((s) => s.name).join(", "));
      assert.ok(at(/^ex1-.*join/) < at(/^ex1-exchange-setup/), first.steps.map((s) => s.name).join(", "));
      const disks = life.arm.list("azure-native:compute:Disk").map((d) => d.name).sort();
      assert.equal(disks.length, 3, `the first life made one OS disk per VM: ${disks.join(", ")}`);

      // The next up drops the role steps from the state (they are declared in a VM's first life
      // only, with retainOnDelete): deletes without a call to Azure. After it, nothing changes.
      const previous = (await life.outputs()).deployedLab;
      const planNext = await suite.planner().plan({ ...ROLE_LAB, stackName: life.stack.name, previous });
      const callsAtNext = life.arm.calls().length;
      const next = await life.up();
      assert.equal(next.status, "succeeded", next.error);
      assert.ok(next.steps.every((s) => s.op === "delete" && s.type.match(/RunCommand|dynamic/)), next.steps.map((s) => `${s.op} ${s.name}`).join(", "));
      assert.deepEqual(life.arm.calls().slice(callsAtNext).filter((c) => c.op !== "get"), [], "dropping the role steps from the state changes nothing in Azure");
      assert.deepEqual(disagreements(planNext, next), []);
      const again = await life.preview(undefined, true);
      assert.equal(again.status, "succeeded", `a perpetual diff: ${again.steps.map((s) => `${s.op} ${s.name}`).join(", ")}`);

      const destroyed = await life.destroy();
      assert.equal(destroyed.status, "succeeded", destroyed.error);
      assert.deepEqual(life.arm.list("azure-native:compute:Disk").map((d) => d.name).sort(), disks, "destroy keeps the disks the first life made");
      const callsBefore = life.arm.calls().length;

      const plan2 = await suite.planner().plan({ ...ROLE_LAB, stackName: life.stack.name, previous: "empty" });
      const second = await life.up();
      assert.equal(second.status, "succeeded", second.error);
      const secondRuns = life.arm.calls().slice(callsBefore).filter((c) => c.op === "run" || (c.type === RUN_COMMAND && c.op === "create")).map((c) => c.id.split("/").pop());
      assert.deepEqual(secondRuns.filter((n) => !/wait-ready/.test(n ?? "")), [], "no role step runs in the second life");
      assert.ok(life.arm.list("azure-native:compute:Disk").every((d) => d.managedBy), "every disk attached again");
      // After destroy the stack has no outputs: offline, the plan cannot know the disks exist; it
      // assumes them absent and says so in its text ("the disk is assumed absent offline"), so its
      // changes for this life are not compared. It still accepts the lab.
      assert.equal(plan2.exitCode, 0, plan2.errors.join("\n"));
    } finally {
      life.dispose();
    }
  });
});
