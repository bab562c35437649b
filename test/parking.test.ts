// `npm run lab -- stop --park | start | park | unpark`: disk type conversions against the fake ARM on 127.0.0.1.
import { strict as assert } from "assert";
import type { TokenCredential } from "@azure/identity";
import { LabTesting, main, parseLabArgs } from "../src/labctl/cli";
import { CONVERSIONS_TAG, RUNNING_SKU_TAG, planDisk, recentConversions } from "../src/labctl/parking";
import { FakeArm, FakeDisk, FakeVm, startFakeArm } from "./fakeArm";
import { EXAMPLES } from "./helpers";

const credential: TokenCredential = { getToken: async () => ({ token: "fake-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };
const VMS = ["mh-oxf-dc1", "mh-lon-dc1", "mh-oxf-ex1", "mh-lon-ex1"];
/** The example lab's disks (lab.csv) with varied running types; mh-oxf-cl1 is BringOnline=No, so unattached. */
const RUNNING_TYPES: Record<string, string> = {
  "mh-oxf-dc1-os": "Premium_LRS",
  "mh-lon-dc1-os": "Premium_LRS",
  "mh-oxf-ex1-os": "Premium_LRS",
  "mh-oxf-ex1-db": "Premium_ZRS",
  "mh-lon-ex1-os": "StandardSSD_LRS",
  "mh-lon-ex1-db": "Standard_LRS",
  "mh-oxf-cl1-os": "Premium_LRS",
};

async function lab(fake: FakeArm, argv: string[], testing: LabTesting = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, (s) => (stdout += s), (s) => (stderr += s), {
    credential, endpoint: fake.endpoint, ca: fake.ca, pollIntervalMs: 5, renderer: "silent", baseDir: EXAMPLES, env: { ARM_SUBSCRIPTION_ID: "00000000-0000-0000-0000-000000000001" }, ...testing,
  });
  return { code, stdout, stderr };
}

function exampleDisks(vmsExist: boolean, overrides: Record<string, Partial<FakeDisk>> = {}): Record<string, Partial<FakeDisk>> {
  return Object.fromEntries(Object.entries(RUNNING_TYPES).map(([name, sku]) => {
    const vm = name.replace(/-(os|db)$/, "");
    return [name, { sku, tags: { owner: "lab" }, group: "exchange-lab-disks", ...(vmsExist && VMS.includes(vm) ? { managedBy: vm } : {}), ...overrides[name] }];
  }));
}

function fakeLab(power: FakeVm["power"], disks = exampleDisks(true)): Promise<FakeArm> {
  return startFakeArm(Object.fromEntries(VMS.map((n) => [n, { power }])), disks);
}

/** Where each example disk parks by default: OS disks on Standard SSD (Standard HDD OS disks retire), data disks on Standard HDD; a disk already on Standard HDD stays. */
const parkedOf = (name: string) => (name.endsWith("-db") || RUNNING_TYPES[name] === "Standard_LRS" ? "Standard_LRS" : "StandardSSD_LRS");
const types = (fake: FakeArm) => Object.fromEntries([...fake.disks].map(([n, d]) => [n, d.sku]));
const firstIndex = (fake: FakeArm, prefix: string) => fake.calls.findIndex((c) => c.startsWith(prefix));
const lastIndex = (fake: FakeArm, prefix: string) => fake.calls.map((c, i) => (c.startsWith(prefix) ? i : -1)).reduce((a, b) => Math.max(a, b), -1);

describe("parking: npm run lab -- stop --park, start, park, unpark (fake ARM on 127.0.0.1)", () => {
  let fake: FakeArm | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it("stop --park deallocates in reverse boot order, then parks every disk; start converts back exactly, then starts in boot order", async () => {
    fake = await fakeLab("running");
    const stop = await lab(fake, ["stop", "--park", "--stack", "oxford"]);
    assert.equal(stop.code, 0, stop.stderr);
    const deallocations = fake.calls.filter((c) => c.startsWith("deallocate"));
    assert.deepEqual(deallocations.slice(2), ["deallocate mh-lon-dc1", "deallocate mh-oxf-dc1"]);
    assert.deepEqual(deallocations.slice(0, 2).sort(), ["deallocate mh-lon-ex1", "deallocate mh-oxf-ex1"]);
    assert.ok(lastIndex(fake, "deallocate") < firstIndex(fake, "patchDisk"), fake.calls.join(", "));
    for (const [name, t] of Object.entries(types(fake))) assert.equal(t, parkedOf(name), name);
    for (const [name, sku] of Object.entries(RUNNING_TYPES)) {
      const tags: Record<string, string> = fake.disks.get(name)!.tags;
      assert.equal(tags.owner, "lab", "other tags are kept");
      assert.equal(tags[RUNNING_SKU_TAG], sku === parkedOf(name) ? undefined : sku, name);
    }
    assert.ok(!fake.calls.includes("patchDisk mh-lon-ex1-db Standard_LRS"), "a disk already on the parked type is not touched");
    assert.match(stop.stdout, /mh-oxf-ex1-db: Premium_ZRS -> Standard_LRS \(running type recorded in tag exchange-lab-running-sku\)\n/);

    fake.calls.length = 0;
    const start = await lab(fake, ["start", "--stack", "oxford"]);
    assert.equal(start.code, 0, start.stderr);
    assert.ok(lastIndex(fake, "patchDisk") < firstIndex(fake, "start "), fake.calls.join(", "));
    const expected = { ...RUNNING_TYPES, "mh-oxf-cl1-os": "StandardSSD_LRS" };
    assert.deepEqual(types(fake), expected, "start restores the types of the started VMs' disks; the BringOnline=No row's disk stays parked");
    assert.ok(fake.calls.indexOf("start mh-oxf-dc1") < fake.calls.indexOf("start mh-lon-dc1"));
    for (const name of Object.keys(RUNNING_TYPES).filter((n) => n !== "mh-oxf-cl1-os")) {
      assert.equal(fake.disks.get(name)!.tags[RUNNING_SKU_TAG], undefined, name);
      assert.equal(fake.disks.get(name)!.tags.owner, "lab");
    }
    assert.equal(fake.disks.get("mh-oxf-ex1-os")!.tags[CONVERSIONS_TAG].split(" ").length, 2);

    const unpark = await lab(fake, ["unpark", "--stack", "oxford"]);
    assert.equal(unpark.code, 0, unpark.stderr);
    assert.deepEqual(types(fake), RUNNING_TYPES);
    assert.ok([...fake.disks.values()].every((d) => d.conversions <= 2));
  });

  it("a third conversion on a UTC day is refused before any change, naming each disk and when the next is possible", async () => {
    fake = await fakeLab("running");
    assert.equal((await lab(fake, ["stop", "--park", "--stack", "oxford"])).code, 0);
    assert.equal((await lab(fake, ["start", "--stack", "oxford"])).code, 0);
    fake.calls.length = 0;
    const third = await lab(fake, ["stop", "--park", "--stack", "oxford"]);
    assert.equal(third.code, 3);
    assert.ok(fake.calls.some((c) => c.startsWith("deallocate")), "the VMs are still deallocated");
    assert.ok(!fake.calls.some((c) => c.startsWith("patchDisk")), fake.calls.join(", "));
    assert.match(third.stderr, /mh-oxf-dc1-os \(OS disk of mh-oxf-dc1\) changed type 2 times today \(UTC: .*Azure allows 2 a day, so the next is possible after \d{4}-\d\d-\d\d \d\d:\d\d UTC\n/);
    assert.match(third.stderr, /nothing was converted/);
    assert.ok(!/mh-oxf-cl1-os.*changed type/.test(third.stderr), "the BringOnline=No row's disk changed once only");
  });

  it("a disk of a running VM is never converted: the run stops before any change and names the disk and its VM", async () => {
    fake = await fakeLab("running");
    const r = await lab(fake, ["park", "--stack", "oxford"]);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /^mh-oxf-dc1-os \(OS disk of mh-oxf-dc1\) is attached to mh-oxf-dc1, which is running: .*npm run lab -- stop first\n/m);
    assert.match(r.stderr, /mh-oxf-ex1-db \(data disk of mh-oxf-ex1\) is attached to mh-oxf-ex1/);
    assert.ok(!fake.calls.some((c) => c.startsWith("patchDisk")));
    assert.deepEqual(types(fake), RUNNING_TYPES);
  });

  it("a partial failure prints every disk's type now and the command that finishes; running it finishes without converting twice", async () => {
    // Two changes made outside npm run lab today: Azure refuses the third, and its tag knows nothing.
    fake = await fakeLab("deallocated", exampleDisks(true, { "mh-lon-dc1-os": { conversions: 2 } }));
    const r = await lab(fake, ["park", "--stack", "oxford"]);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /mh-lon-dc1-os \(OS disk of mh-lon-dc1\): conversion from Premium_LRS to StandardSSD_LRS failed: OperationNotAllowed: Disk type can be changed only twice per day\. \(Azure allows 2 type changes per disk a day, .*a change made outside npm run lab counts too/);
    assert.match(r.stderr, /the conversion stopped half-way; each disk and its type now:\n/);
    assert.match(r.stderr, /\n {2}mh-oxf-dc1-os +StandardSSD_LRS\n/);
    assert.match(r.stderr, /\n {2}mh-lon-dc1-os +Premium_LRS +\(still to convert to StandardSSD_LRS\)\n/);
    assert.match(r.stderr, /to finish: npm run lab -- park --stack oxford /);
    fake.disks.get("mh-lon-dc1-os")!.conversions = 0; // the next day
    fake.calls.length = 0;
    const finish = await lab(fake, ["park", "--stack", "oxford"]);
    assert.equal(finish.code, 0, finish.stderr);
    assert.deepEqual(fake.calls.filter((c) => c.startsWith("patchDisk")), ["patchDisk mh-lon-dc1-os StandardSSD_LRS"]);
    assert.match(finish.stdout, /mh-oxf-dc1-os: already parked \(StandardSSD_LRS; runs on Premium_LRS\)\n/);
  });

  it("park and unpark a destroyed lab: disks only, no VM call, types restored exactly", async () => {
    fake = await startFakeArm({}, exampleDisks(false));
    const park = await lab(fake, ["park", "--stack", "oxford"]);
    assert.equal(park.code, 0, park.stderr);
    for (const [name, t] of Object.entries(types(fake))) assert.equal(t, parkedOf(name), name);
    const unpark = await lab(fake, ["unpark", "--stack", "oxford"]);
    assert.equal(unpark.code, 0, unpark.stderr);
    assert.deepEqual(types(fake), RUNNING_TYPES);
    assert.ok(fake.calls.every((c) => /^(getDisk|patchDisk) /.test(c)), fake.calls.join(", "));
    assert.match(unpark.stdout, /mh-lon-ex1-db: not parked \(Standard_LRS\)\n/);
  });

  it("--dry-run lists every conversion in order, without calling Azure; --park goes with stop only", async () => {
    fake = await fakeLab("running");
    const stop = await lab(fake, ["stop", "--park", "--dry-run", "--stack", "oxford"], { env: {} });
    assert.equal(stop.code, 0);
    const lines = stop.stdout.trimEnd().split("\n");
    assert.deepEqual(lines.slice(0, 4), [
      "dry run: would deallocate, in reverse boot order, in resource group exchange-lab:",
      "  1. deallocate mh-oxf-ex1, mh-lon-ex1 (in parallel)",
      "  2. deallocate mh-lon-dc1",
      "  3. deallocate mh-oxf-dc1",
    ]);
    assert.equal(lines[4], "then, every VM deallocated, every disk of the CSV:");
    assert.deepEqual(lines.slice(5).map((l) => l.trim().split(/\s+/)[1]), Object.keys(RUNNING_TYPES).sort((a, b) => order(a) - order(b)));
    assert.match(lines[5], /convert mh-oxf-dc1-os +\(OS disk of mh-oxf-dc1, in exchange-lab-disks\) to StandardSSD_LRS, recording its type in tag exchange-lab-running-sku$/);
    const unpark = await lab(fake, ["unpark", "--dry-run", "--stack", "oxford"]);
    assert.equal(unpark.stdout.split("\n").filter((l) => l.includes("to the type recorded in its tag")).length, 7);
    assert.deepEqual(fake.calls, []);
    assert.throws(() => parseLabArgs(["start", "--park"]), /--park goes with stop/);
  });

  it("counts the conversions of the UTC day: yesterday evening's park does not refuse this evening's; a disk already on its running type only loses its tag", () => {
    const now = new Date("2026-11-29T20:00:00Z");
    assert.deepEqual(recentConversions({ [CONVERSIONS_TAG]: "2026-11-28T19:00:00.000Z 2026-11-29T07:00:00.000Z junk" }, now), ["2026-11-29T07:00:00.000Z"]);
    const disk = { vm: "a", role: "OS disk", resourceGroup: "g", name: "a-os" };
    const step = planDisk(disk, { sku: "Premium_LRS", tags: { [RUNNING_SKU_TAG]: "Premium_LRS" }, diskState: "Attached" }, "unpark", "Standard_LRS", now);
    assert.deepEqual(step.change, { to: "Premium_LRS", tags: {} });
    const stale = planDisk(disk, { sku: "Premium_LRS", tags: { [RUNNING_SKU_TAG]: "Premium_LRS" }, diskState: "Reserved" }, "park", "Standard_LRS", now);
    assert.equal(stale.change?.to, "Standard_LRS", "a disk converted back by hand, its tag left, is parked anew");
    // The routine: parked yesterday at 21:00, started this morning at 07:00, parked again at 18:30 (within 24 hours of yesterday's park).
    const evening = planDisk(disk, { sku: "Premium_LRS", tags: { [CONVERSIONS_TAG]: "2026-11-28T21:00:00.000Z 2026-11-29T07:00:00.000Z" }, diskState: "Reserved" }, "park", "Standard_LRS", new Date("2026-11-29T18:30:00Z"));
    assert.equal(evening.change?.to, "Standard_LRS", evening.refuse);
    assert.equal(evening.change?.tags[CONVERSIONS_TAG], "2026-11-29T07:00:00.000Z 2026-11-29T18:30:00.000Z", "only the UTC day's conversions are kept");
    const third = planDisk(disk, { sku: "Premium_LRS", tags: { [CONVERSIONS_TAG]: "2026-11-29T07:00:00.000Z 2026-11-29T08:00:00.000Z" }, diskState: "Reserved" }, "park", "Standard_LRS", now);
    assert.match(third.refuse ?? "", /changed type 2 times today \(UTC: .*next is possible after 2026-11-30 00:00 UTC/);
  });

  it("never tries to park a Premium SSD v2 or Ultra Disk: they cannot change type in place (Learn), so they are skipped", () => {
    const disk = { vm: "a", role: "data disk", resourceGroup: "g", name: "a-db" };
    for (const sku of ["PremiumV2_LRS", "UltraSSD_LRS"]) {
      const step = planDisk(disk, { sku, tags: {}, diskState: "Reserved" }, "park", "Standard_LRS", new Date("2026-11-29T20:00:00Z"));
      assert.equal(step.change, undefined);
      assert.match(step.skip ?? "", new RegExp(`${sku} cannot change type in place .*disks-convert-types.*left as it is`));
    }
  });
});

/** A disk's place in lab.csv's row order. */
function order(name: string): number {
  return ["mh-oxf-dc1-os", "mh-lon-dc1-os", "mh-oxf-ex1-os", "mh-oxf-ex1-db", "mh-lon-ex1-os", "mh-lon-ex1-db", "mh-oxf-cl1-os"].indexOf(name);
}
