// The resize verdicts (src/input/lab/resize.ts) where the OS disk's generation matters: known (an
// Image row's image, or a size that boots one generation only), or unknown offline (an attached
// disk on a size that boots both), where the plan can only say what Azure checks.
import { strict as assert } from "assert";
import { resizeVerdict, resizeVerdictOfCells, sizeFacts } from "../src/input/lab/resize";

const verdict = (from: string, to: string, generation?: 1 | 2) => resizeVerdict(sizeFacts(from)!, sizeFacts(to)!, generation);

describe("resize verdicts and the OS disk's generation", () => {
  it("a disk of unknown generation moved to a Generation 2-only size: re-created, warning that Azure starts it only on a Generation 2 disk", () => {
    const v = verdict("Standard_B1ms", "Standard_B2s_v2");
    assert.equal(v?.kind, "recreate");
    assert.match(v && "warning" in v ? v.warning ?? "" : "", /only if the OS disk is Generation 2 \(az disk show --query hyperVGeneration/);
  });

  it("an in-place resize to a one-generation size warns too; the NVMe warning keeps its place", () => {
    const inPlace = verdict("Standard_B2ms", "Standard_A2_v2");
    assert.equal(inPlace?.kind, "inPlace");
    assert.match(inPlace && "warning" in inPlace ? inPlace.warning ?? "" : "", /Generation 1/);
    const nvme = verdict("Standard_D2s_v5", "Standard_D2s_v6");
    assert.equal(nvme?.kind, "recreate");
    assert.match(nvme && "warning" in nvme ? nvme.warning ?? "" : "", /supports NVMe.*; and Azure starts it only if the OS disk is Generation 2/);
  });

  it("a known generation: refused where it cannot boot, no warning where it can or where both boot", () => {
    assert.equal(verdict("Standard_B1ms", "Standard_B2s_v2", 1)?.kind, "refused");
    assert.equal(verdict("Standard_A2_v2", "Standard_B2s_v2")?.kind, "refused");
    const known = verdict("Standard_B1ms", "Standard_B2s_v2", 2);
    assert.deepEqual(known && "warning" in known ? known.warning : undefined, undefined);
    assert.deepEqual(verdict("Standard_D2s_v5", "Standard_D4s_v5"), { kind: "inPlace", from: "Standard_D2s_v5", to: "Standard_D4s_v5" });
  });
});

describe("resize verdicts from the CSV cells", () => {
  it("classic and Azure names resolve alike; a size the catalogue lacks re-creates the shell (always possible)", () => {
    assert.equal(resizeVerdictOfCells("Small", "Standard_B1ms"), undefined);
    assert.equal(resizeVerdictOfCells("", "Small"), undefined);
    assert.deepEqual(resizeVerdictOfCells("Standard_Q9s_v9", "Small"), { kind: "recreate", from: "Standard_Q9s_v9", to: "Standard_B1ms", why: "the size catalogue has no facts for Standard_Q9s_v9 (npm run catalogues refreshes it)" });
  });
});
