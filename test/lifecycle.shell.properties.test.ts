// Property: over random sequences of renames, resizes, subnet moves and Image-row disk edits, each
// step deployed against the one before (its deployedLab record), no accepted step replaces a NIC
// while its VM survives, moves a deployed VM's address when its row did not ask, or builds a
// deployed VM from its image when the user did not name a new disk.
//
// The pure property models the engine from what the program declares (`azure/virtualMachines.ts`):
// the NIC is replaced (delete-before-replace) when its Azure name (`nicName`) or its subnet
// (`replaceOnChanges`) changes. The engine generates the NIC's steps before the VM registers, so
// the VM is deleted before the NIC only through the cascade of the VM's `replaceWith` as the
// previous state recorded it (the record's `nics`); the VM's own replacement (a rename) comes too
// late. A NIC replaced without that cascade is one deleted under its VM (NicInUse).
// A smaller property checks the same on the mock runtime's actual changes.
import { strict as assert } from "assert";
import fc from "fast-check";
import { diskKey } from "../src/input/csv/disks";
import { Lab } from "../src/input/lab/lab";
import { DeployedLabRecord, deployedLabRecord, previousDeployment } from "../src/input/lab/previous";
import { LabValidationError } from "../src/input/problems";
import { runPlan } from "../src/plan/plan";
import { loadLab, recordedNicNames } from "../src/program";
import { baseStackYaml, exampleConfig, writeLab } from "./helpers";

const HEADER = "BringOnline,VMName,VMOSDiskName,VMInstanceSize,SubnetName,IPAddress,Image";
const CONFIG = exampleConfig({ "exchange-lab:vpn": "false", "exchange-lab:subnets": JSON.stringify({ Oxford: "10.20.1.0/28", London: "10.20.2.0/28" }) });
const SIZES = ["Small", "Medium", "Standard_D2s_v5", "Standard_D2s_v6", "Standard_B2s_v2", "Standard_A2_v2"];

interface Row {
  /** The machine: its first name, and the OS disk of a row without Image. */
  id: string;
  name: string;
  subnet: "Oxford" | "London";
  size: string;
  image: boolean;
  /** The VMOSDiskName cell of an Image row ("" derives it). */
  disk: string;
}
const text = (rows: readonly Row[]) =>
  [HEADER, ...rows.map((r) => ["Yes", r.name, r.image ? r.disk : `${r.id}-os`, r.size, r.subnet, "", r.image ? "ws2022-g2" : ""].join(","))].join("\n") + "\n";

const rowArb = (id: string): fc.Arbitrary<Row> =>
  fc.record({ id: fc.constant(id), name: fc.constant(id), subnet: fc.constantFrom<Row["subnet"]>("Oxford", "London"), size: fc.constantFrom(...SIZES), image: fc.boolean(), disk: fc.constantFrom("", `${id}-img-os`) });
const labArb = fc.shuffledSubarray(["dc1", "ex1", "cl1", "app1"], { minLength: 1, maxLength: 3 }).chain((ids) => fc.tuple(...ids.map(rowArb)));

type Edit = (rows: Row[]) => Row[];
const at = (i: number, rows: Row[], change: (r: Row) => Partial<Row>) => rows.map((r, j) => (j === i % rows.length ? { ...r, ...change(r) } : r));
const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.tuple(fc.nat(), fc.constantFrom("a", "b", "c")).map(([i, s]): Edit => (rows) => at(i, rows, (r) => ({ name: `${r.id}${s}` }))),
  fc.tuple(fc.nat(), fc.constantFrom(...SIZES)).map(([i, size]): Edit => (rows) => at(i, rows, () => ({ size }))),
  fc.nat().map((i): Edit => (rows) => at(i, rows, (r) => ({ subnet: r.subnet === "Oxford" ? "London" : "Oxford" }))),
  fc.tuple(fc.nat(), fc.constantFrom("", "-img-os", "-new-os")).map(([i, d]): Edit => (rows) => at(i, rows, (r) => ({ disk: d === "" ? "" : `${r.id}${d}` }))),
  // A new machine, named like any machine ever was (a renamed VM's old name among them).
  fc.tuple(fc.constantFrom("dc1", "ex1", "cl1", "app1"), rowArb("new")).map(([name, r]): Edit => (rows) => {
    const id = ["n1", "n2", "n3"].find((x) => !rows.some((y) => y.id === x));
    return id && !rows.some((y) => y.name === name) ? [...rows, { ...r, id, name, disk: r.disk && `${id}-img-os` }] : rows;
  }),
);

interface Deployed {
  record: DeployedLabRecord;
  lab: Lab;
}
/** One pulumi up, or undefined when refused (nothing changes in Azure). */
function deploy(rows: readonly Row[], previous: DeployedLabRecord | undefined, recordNics: boolean): Deployed | undefined {
  try {
    const { lab, pinnedCsv } = loadLab(CONFIG, { locate: () => ({ file: "stack.yaml", line: 0 }), baseDir: ".", mode: "plan", csvText: text(rows), previous: previous && previousDeployment(previous) });
    return { lab, record: deployedLabRecord(CONFIG, () => false, "lab.csv", pinnedCsv, recordNics ? recordedNicNames(lab) : undefined) };
  } catch (err) {
    if (err instanceof LabValidationError) return undefined;
    throw err;
  }
}

/** The violations of one accepted step from `before` to `after` (`rows`: the CSV as edited). */
function violations(before: Deployed, after: Deployed, rows: readonly Row[]): string[] {
  const found: string[] = [];
  const cascade = before.record.nics !== undefined;
  // NIC names are ARM names: unique (case-insensitive), and a new NIC never takes one still held.
  const nicNames = after.lab.vms.map((v) => (v.nicName ?? "").toLowerCase());
  if (new Set(nicNames).size !== nicNames.length) found.push(`two VMs share a NIC name: ${nicNames.join(", ")}`);
  const held = new Set(before.lab.vms.map((v) => (v.nicName ?? "").toLowerCase()));
  for (const vm of after.lab.vms.filter((v) => !v.deployedBefore && held.has((v.nicName ?? "").toLowerCase()))) found.push(`${vm.name}: a new NIC takes ${vm.nicName}, still held`);
  for (const vm of after.lab.vms.filter((v) => v.deployedBefore)) {
    const old = before.lab.vms.find((p) => p.name.toLowerCase() === (vm.previousName ?? vm.name).toLowerCase());
    if (!old) continue;
    const nicReplaced = (vm.nicName ?? "") !== (old.nicName ?? "") || vm.subnet.toLowerCase() !== old.subnet.toLowerCase();
    if (nicReplaced && !cascade) found.push(`${vm.name}: NIC replaced while its VM survives (no replaceWith cascade in the previous state)`);
    if (vm.subnet === old.subnet && vm.privateIp !== old.privateIp) found.push(`${vm.name}: address moved ${old.privateIp} -> ${vm.privateIp}`);
    const row = rows.find((r) => r.name === vm.name)!;
    if (vm.image && diskKey(vm.osDisk) !== diskKey(old.osDisk) && row.disk === "") found.push(`${vm.name}: rebuilt from its image on a disk nobody named`);
  }
  return found;
}

describe("the VM shell over random edit sequences (fast-check)", () => {
  it("no accepted step replaces a NIC under a surviving VM, moves an address unasked, or rebuilds a deployed VM from its image unasked", () => {
    let steps = 0;
    fc.assert(
      fc.property(labArb, fc.array(editArb, { minLength: 1, maxLength: 5 }), fc.boolean(), (start, edits, oldRecord) => {
        let rows: Row[] = start;
        let deployed = deploy(rows, undefined, !oldRecord);
        if (!deployed) return;
        for (const edit of edits) {
          const next = edit(rows);
          const result = deploy(next, deployed.record, true);
          if (!result) continue;
          steps++;
          assert.deepEqual(violations(deployed, result, next), [], `${text(rows)}->\n${text(next)}`);
          rows = next;
          deployed = result;
        }
      }),
      { numRuns: 150 },
    );
    assert.ok(steps > 50, `only ${steps} steps were accepted`);
  });

  it("on the mock runtime, no plan that exits 0 replaces a NIC without its VM, or without the cascade recorded", async function () {
    this.timeout(60000);
    const STACK = baseStackYaml() + "  exchange-lab:vpn: false\n";
    await fc.assert(
      fc.asyncProperty(labArb, fc.array(editArb, { minLength: 1, maxLength: 1 }), fc.boolean(), async (start, edits, oldRecord) => {
        let rows: Row[] = start;
        const first = writeLab(text(rows), STACK);
        let plan = await runPlan({ stackFile: first.stackFile, baseDir: first.dir });
        // A lab deployed before NIC names were recorded: its record has no nics, its state no replaceWith.
        if (oldRecord && plan.deployedLab) plan = { ...plan, deployedLab: { ...plan.deployedLab, nics: undefined } };
        for (const edit of edits) {
          if (plan.errors.length > 0) return;
          const next = edit(rows);
          const lab = writeLab(text(next), STACK);
          const after = await runPlan({ stackFile: lab.stackFile, baseDir: lab.dir, previous: plan.deployedLab });
          if (after.errors.length > 0) continue;
          for (const nic of (after.changes ?? []).filter((c) => c.type.endsWith(":NetworkInterface") && c.action === "replace")) {
            const vm = after.resources.find((r) => (r.options.replaceWith ?? []).includes(nic.name));
            assert.ok(vm && after.changes!.some((c) => c.name === vm.name && c.action === "replace"), `${nic.name} replaced without its VM`);
            assert.ok(plan.deployedLab!.nics !== undefined, "the cascade was recorded");
          }
          rows = next;
          plan = after;
        }
      }),
      { numRuns: 4 },
    );
  });
});
