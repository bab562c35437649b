// The VM shell over the lab's life: renames keep the NIC, a NIC replaced takes its VM first,
// resizes Azure can and cannot do in place, and Image rows that keep their disks. Each step is an
// offline plan against the step before (its deployedLab record), as in lifecycle.test.ts.
import { strict as assert } from "assert";
import { Change } from "../src/plan/changes";
import { PlanResult, runPlan } from "../src/plan/plan";
import { renderShellRecreations } from "../src/plan/shellOrder";
import { DeployedLabRecord } from "../src/input/lab/previous";
import { baseStackYaml, writeLab } from "./helpers";

const HEADER = "BringOnline,VMName,StorageAccount,VMOSDiskName,VMInstanceSize,SubnetName,IPAddress,Location,AffinityGroup,WaitForBoot,PublicRDPPort,Endpoints,DataDisks,DiskTiers,Image";
const STACK = baseStackYaml() + "  exchange-lab:vpn: false\n";

interface Row { os?: string; size?: string; subnet?: string; ip?: string; wait?: string; image?: string }
const row = (name: string, r: Row = {}) =>
  ["Yes", name, "", r.os ?? (r.image ? "" : `${name}-os`), r.size ?? "Small", r.subnet ?? "Oxford", r.ip ?? "", "", "", r.wait ?? "No", "", "", "", "", r.image ?? ""].join(",");
const csv = (...rows: string[]) => [HEADER, ...rows].join("\n") + "\n";

const firstUps = new Map<string, Promise<PlanResult>>();
/** Plans `text` after `previous`; a first deployment once per CSV (plans are pure, and the cases only read them). */
async function up(text: string, previous?: DeployedLabRecord): Promise<PlanResult> {
  const plan = () => {
    const { dir, stackFile } = writeLab(text, STACK);
    return runPlan({ stackFile, baseDir: dir, previous });
  };
  if (previous) return plan();
  if (!firstUps.has(text)) firstUps.set(text, plan());
  return firstUps.get(text)!;
}
/** Plans `first` as a fresh lab, then each of `next` against the step before; returns every step. */
async function life(first: string, ...next: string[]): Promise<PlanResult[]> {
  const steps = [await up(first)];
  assert.deepEqual(steps[0].errors, []);
  for (const text of next) steps.push(await up(text, steps[steps.length - 1].deployedLab));
  return steps;
}
const change = (p: PlanResult, name: string): Change | undefined => (p.changes ?? []).find((c) => c.name === name);
const resource = (p: PlanResult, name: string) => p.resources.find((r) => r.name === name)!;
const warned = (p: PlanResult) => p.warnings.map((w) => w.message).join("\n");
const BASE = [row("dc1", { wait: "Yes" }), row("ex1", { size: "Large" })];
const withoutNics = (record: DeployedLabRecord): DeployedLabRecord => {
  const copy = { ...record };
  delete copy.nics;
  return copy;
};

describe("the VM shell over the lab's life", function () {
  this.timeout(60000);

  it("a rename keeps the NIC's Azure name and resource name, twice over, and re-creates only the VM; the schedule is replaced on its own step after it (the cascade matches the VM's new URN)", async () => {
    const [, once, twice] = await life(csv(...BASE), csv(BASE[0], row("ex2", { os: "ex1-os", size: "Large" })), csv(BASE[0], row("ex3", { os: "ex1-os", size: "Large" })));
    for (const [step, name] of [[once, "ex2"], [twice, "ex3"]] as const) {
      assert.deepEqual(step.errors, []);
      assert.equal(resource(step, "ex1-nic").inputs.networkInterfaceName, "ex1-nic");
      assert.notEqual(change(step, "ex1-nic")?.action, "replace");
      assert.equal(change(step, name)?.action, "replace");
      assert.deepEqual(resource(step, name).options.replaceWith, ["ex1-nic"]);
      assert.deepEqual(resource(step, `shutdown-computevm-${name}`).options.replaceWith, [name], "the schedule follows its VM");
    }
    assert.deepEqual(twice.deployedLab!.nics, { dc1: "dc1-nic", ex3: "ex1-nic" });
    assert.deepEqual(twice.deployedLab!.nicResources, { dc1: "dc1-nic", ex3: "ex1-nic" });
    const shell = twice.shells!.find((s) => s.vm === "ex3")!;
    assert.deepEqual([shell.was, shell.deleted, shell.created, shell.replacedAfter], ["ex2", ["ex2"], ["ex3"], ["shutdown-computevm-ex2 -> shutdown-computevm-ex3"]]);
    assert.match(renderShellRecreations(twice.shells!).join("\n"), /ex3 \(was ex2\): delete ex2; create ex3; then, on their own steps once the VM exists, replace shutdown-computevm-ex2 -> shutdown-computevm-ex3\. VM re-created on its disks: about \d+ min/);
  });

  it("a new row named like a renamed VM's old name does not take the NIC name the renamed VM kept", async () => {
    const [, renamed, added] = await life(csv(...BASE), csv(BASE[0], row("ex2", { os: "ex1-os", size: "Large" })), csv(BASE[0], row("ex2", { os: "ex1-os", size: "Large" }), row("ex1", { os: "ex1-new-os" })));
    assert.deepEqual([renamed.errors, added.errors], [[], []]);
    assert.equal(resource(added, "ex1-nic").inputs.networkInterfaceName, "ex1-nic");
    assert.equal(resource(added, "ex1-nic-2").inputs.networkInterfaceName, "ex1-nic-2");
    assert.deepEqual(added.deployedLab!.nics, { dc1: "dc1-nic", ex2: "ex1-nic", ex1: "ex1-nic-2" });
    assert.deepEqual(added.deployedLab!.nicResources, { dc1: "dc1-nic", ex2: "ex1-nic", ex1: "ex1-nic-2" });
  });

  it("a barrier's gate is deleted before its VM and created after it, renamed or not (as the engine suite shows); the schedule is replaced after the new VM", async () => {
    const [, renamed] = await life(csv(...BASE), csv(row("dc9", { os: "dc1-os", wait: "Yes" }), BASE[1]));
    const shell = renamed.shells!.find((s) => s.vm === "dc9")!;
    assert.deepEqual([shell.deleted, shell.created], [["dc1-ready", "dc1"], ["dc9", "dc9-ready"]]);
    assert.deepEqual(shell.replacedAfter, ["shutdown-computevm-dc1 -> shutdown-computevm-dc9"]);
    assert.ok(shell.minutes >= 10, `gate and VM: ${shell.minutes}`);
    const [, resized] = await life(csv(...BASE), csv(row("dc1", { wait: "Yes", size: "Standard_D2s_v5" }), BASE[1]));
    const same = resized.shells!.find((s) => s.vm === "dc1")!;
    assert.ok(same.deleted.indexOf("dc1-ready") < same.deleted.indexOf("dc1"), same.deleted.join());
  });

  it("a lab deployed before NIC names were recorded: a rename still works in one run; a subnet move is refused with the two steps", async () => {
    const [first] = await life(csv(...BASE));
    const old = withoutNics(first.deployedLab!);
    const renamed = await up(csv(BASE[0], row("ex2", { os: "ex1-os", size: "Large" })), old);
    assert.deepEqual(renamed.errors, []);
    assert.equal(resource(renamed, "ex1-nic").inputs.networkInterfaceName, "ex1-nic");
    const moved = await up(csv(BASE[0], row("ex1", { size: "Large", subnet: "London" })), old);
    assert.equal(moved.errors.length, 1);
    assert.deepEqual([moved.errors[0].line, moved.errors[0].column], [3, "SubnetName"]);
    assert.match(moved.errors[0].message, /NicInUse\). Two steps: pulumi up once with the row as deployed/);
  });

  it("a resize Azure does in place is an update that says the VM restarts", async () => {
    const [, resized] = await life(csv(...BASE), csv(BASE[0], row("ex1", { size: "ExtraLarge" })));
    assert.deepEqual(resized.errors, []);
    assert.deepEqual(change(resized, "ex1"), { type: "azure-native:compute:VirtualMachine", name: "ex1", action: "update", properties: ["hardwareProfile.vmSize"] });
    assert.match(warned(resized), /ex1 is resized from Standard_B4ms to Standard_B8ms in place: Azure restarts the VM/);
  });

  it("a resize between a temp disk and none re-creates the shell on its disks (replaceOnChanges on the size), then settles", async () => {
    const [, resized, again] = await life(csv(...BASE), csv(BASE[0], row("ex1", { size: "Standard_D4s_v5" })), csv(BASE[0], row("ex1", { size: "Standard_D4s_v5" })));
    assert.deepEqual(resized.errors, []);
    assert.equal(change(resized, "ex1")?.action, "replace");
    assert.ok(resource(resized, "ex1").options.replaceOnChanges!.includes("hardwareProfile.vmSize"));
    assert.equal(change(resized, "ex1-nic"), undefined, "the NIC stays");
    assert.match(warned(resized), /Standard_B4ms has a local temp disk and Standard_D4s_v5 none.*shell is re-created/);
    assert.deepEqual(again.changes, [], "the next run changes nothing");
    assert.ok(!(resource(again, "ex1").options.replaceOnChanges ?? []).includes("hardwareProfile.vmSize"));
  });

  it("a resize to NVMe only re-creates the shell and warns about the disk's NVMe support (a disk row); a deployed Image row is refused with the two runs; a disk of the wrong generation is refused", async () => {
    const [, nvme] = await life(csv(row("app1", { size: "Standard_D2s_v5" })), csv(row("app1", { size: "Standard_D2s_v6" })));
    assert.deepEqual(nvme.errors, []);
    assert.equal(change(nvme, "app1")?.action, "replace");
    assert.match(warned(nvme), /NVMe only .*supportedCapabilities\.diskControllerTypes/);
    const base = csv(row("app1", { image: "ws2022-g2", size: "Standard_D2s_v5" }));
    const [, image] = await life(base, csv(row("app1", { image: "ws2022-g2", size: "Standard_D2s_v6" })));
    assert.equal(image.errors.length, 1);
    assert.match(image.errors[0].message, /app1 was built from an image and is deployed, and its resize .* re-creates it .*Two steps: set the row BringOnline=No/);
    const [, gen] = await life(base, csv(row("app1", { image: "ws2022-g2", size: "Standard_A2_v2" })));
    assert.equal(gen.errors.length, 1);
    assert.match(gen.errors[0].message, /app1 cannot move from Standard_D2s_v5 to Standard_A2_v2: .*Generation 2.*Keep Standard_D2s_v5/);
  });
});

describe("Image rows keep their disks", function () {
  this.timeout(60000);

  it("a derived OS disk name is listed as not written down", async () => {
    const plan = await up(csv(row("app1", { image: "ws2022" })));
    assert.match(warned(plan), /not written in the CSV: .*OS disk names app1 [^ ]*-app1-os/);
  });

  it("a cleared VMOSDiskName keeps the deployed disk: no rebuild from the image", async () => {
    const [, cleared] = await life(csv(row("app1", { image: "ws2022", os: "app1-custom-os" })), csv(row("app1", { image: "ws2022" })));
    assert.deepEqual(cleared.errors, []);
    assert.equal(change(cleared, "app1"), undefined, "the VM is untouched");
    assert.equal(cleared.vms[0].image?.osDisk, "app1-custom-os");
    assert.match(warned(cleared), /app1 keeps its deployed OS disk 'app1-custom-os'/);
  });

  it("a rename of an Image row whose disk is derived is refused until the disk is written", async () => {
    const [, renamed] = await life(csv(row("app1", { image: "ws2022" })), csv(row("app2", { image: "ws2022" })));
    assert.equal(renamed.errors.length, 1);
    assert.equal(renamed.errors[0].column, "VMOSDiskName");
    assert.match(renamed.errors[0].message, /app2 derives the new OS disk .* while app1 \(disk '[^']*-app1-os'\) built from an image is gone/);
  });

  it("a new disk named on purpose rebuilds from the image, and the plan says the old disk is kept, billed and named", async () => {
    const [, renamed] = await life(csv(row("app1", { image: "ws2022", os: "app1-os" })), csv(row("app1", { image: "ws2022", os: "app1-os-v2" })));
    assert.deepEqual(renamed.errors, []);
    assert.equal(change(renamed, "app1")?.action, "replace");
    assert.match(warned(renamed), /The old disk 'app1-os' is kept \(deleteOption Detach\) in .* and billed until you delete it/);
  });
});
