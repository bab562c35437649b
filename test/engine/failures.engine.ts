// After a failure, through the real engine and the Azure twin: a failed gate, a failed role step,
// a failed delete. What the engine leaves in the state and the stack's outputs, and what the next
// plan (--previous) and the next up do.
import { strict as assert } from "assert";
import { LabLife } from "../twin/engine";
import { engineSuite } from "./suite";
import { recordFromCheckpoint } from "../../src/input/lab/previous";
import { disagreements } from "../twin/oracle";
import { csv, row, stack } from "./scenarios";

const dc1 = row("dc1", { wait: "Yes", rdp: "3389" });
const ex1 = row("ex1", { size: "Large", rdp: "3390" });
const cl1 = row("cl1", { rdp: "3391" });
const LAB = { stackYaml: stack(), csv: csv(dc1, ex1, cl1) };
const DISKS = ["dc1-os", "ex1-os", "cl1-os", "cl2-os"].map((name) => ({ name }));

describe("after a failed pulumi up, through the real engine", function () {
  this.timeout(300_000);
  const suite = engineSuite({ planner: true });

  it("a failed gate stops the run before deployedLab is written; it stays in the state, and the next up sends it again and succeeds", async () => {
    const life = await LabLife.create(suite.cli(), LAB, { disks: DISKS });
    try {
      life.arm.addFaults({ op: "run", name: "exchange-lab-wait-ready", code: "VMExtensionProvisioningError", message: "the readiness script exited 1: dc1 did not answer on 3389 within 30 minutes" });
      const failed = await life.up();
      assert.equal(failed.status, "failed");
      assert.match(failed.error ?? "", /VMExtensionProvisioningError/);
      assert.equal((await life.outputs()).deployedLab, undefined, "deployedLab waits for every gate");
      const retry = await life.up();
      assert.equal(retry.status, "succeeded", retry.error);
      assert.ok(retry.steps.some((s) => s.name === "dc1-ready" && s.op === "update"), retry.steps.map((s) => `${s.op} ${s.name}`).join());
      assert.equal(life.arm.list("azure-native:compute:VirtualMachineRunCommandByVirtualMachine").find((r) => r.id.includes("/dc1/"))?.runs, 1, "the script ran once more, and succeeded");
    } finally {
      life.dispose();
    }
  });

  it("a failed delete: the stack's deployedLab already forgets the row (pulumi/pulumi#15754), the checkpoint still lists its NIC and VM", async () => {
    const life = await LabLife.create(suite.cli(), LAB, { disks: DISKS });
    try {
      assert.equal((await life.up()).status, "succeeded");
      life.arm.addFaults({ op: "delete", type: "VirtualMachine", name: "cl1", code: "InternalServerError", message: "the delete did not complete" });
      const failed = await life.up({ stackYaml: stack(), csv: csv(dc1, ex1) });
      assert.equal(failed.status, "failed");
      const record = (await life.outputs()).deployedLab as { csv: string };
      assert.doesNotMatch(record.csv, /\bcl1\b/, "the record written by the failed run no longer has cl1");
      const checkpoint = JSON.stringify(await life.exportState());
      assert.match(checkpoint, /::cl1-nic"/, "the checkpoint still lists cl1's NIC");
      assert.ok(life.arm.get(life.arm.list("azure-native:network:NetworkInterface").find((n) => n.name === "cl1-nic")!.id), "Azure still holds cl1's NIC and its address");
    } finally {
      life.dispose();
    }
  });

  it("after a failed delete, a new row never gets the address Azure still holds: pulumi up asks Azure, the plan (from the checkpoint) agrees", async () => {
    const life = await LabLife.create(suite.cli(), LAB, { disks: DISKS });
    try {
      assert.equal((await life.up()).status, "succeeded");
      life.arm.addFaults({ op: "delete", type: "VirtualMachine", name: "cl1", code: "InternalServerError", message: "the delete did not complete" });
      const b = { stackYaml: stack(), csv: csv(dc1, ex1) };
      assert.equal((await life.up(b)).status, "failed");
      const c = { stackYaml: stack(), csv: csv(dc1, ex1, row("cl2", { rdp: "3392" })) };
      // After a failure the checkpoint (pulumi stack export) is the truth: it lists what the delete left.
      const found = recordFromCheckpoint({ version: 3, deployment: await life.exportState() });
      assert.ok(found && typeof found === "object" && "record" in found, JSON.stringify(found));
      const plan = await suite.planner().plan({ ...c, stackName: life.stack.name, previous: found.record });
      const engine = await life.up(c);
      assert.deepEqual(disagreements(plan, engine), [], `plan: ${plan.changes.map((x) => `${x.action} ${x.name}`).join(", ")}; engine ${engine.status}: ${engine.error ?? ""}`);
      const ips = life.arm.list("azure-native:network:NetworkInterface").map((n) => `${n.name}=${(n.properties.ipConfigurations as { privateIPAddress: string }[])[0].privateIPAddress}`).sort();
      assert.ok(!ips.includes("cl1-nic=10.60.1.6"), `cl1's NIC deleted again at the end of the run: ${ips.join(", ")}`);
      assert.ok(!ips.some((x) => x.startsWith("cl2-nic=10.60.1.6")), `cl2 did not take cl1's address: ${ips.join(", ")}`);
    } finally {
      life.dispose();
    }
  });
});
