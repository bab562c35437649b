// pulumi up on parked disks: a parked OS disk stops the run with the unpark command, parked data
// disks draw a warning; never a change (the stack owns no disk).
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { checkParkedDisks } from "../src/azure/parkedDisks";
import { LabValidationError } from "../src/input/problems";
import { RUNNING_SKU_TAG, parkedDiskWarning } from "../src/input/lab/parkedDisks";
import { GET_DISK_TOKEN, invokeError, recordingMocks } from "../src/plan/mocks";
import { buildLab } from "../src/input/lab/lab";
import { HEADER, exampleSettings, labOf, rowsOf } from "./helpers";

describe("pulumi up on parked disks", () => {
  /** Mocks answering compute:getDisk from `disks` (name -> [sku, running sku tag]); records the names asked. */
  async function mockDisks(disks: Record<string, [string, string?]>): Promise<string[]> {
    const asked: string[] = [];
    const mocks = recordingMocks([]);
    await pulumi.runtime.setMocks({
      ...mocks,
      call: (args) => {
        if (args.token !== GET_DISK_TOKEN) return mocks.call(args);
        const name = (args.inputs as { diskName: string }).diskName;
        asked.push(name);
        const d = disks[name];
        if (!d) throw invokeError("RESPONSE 404: 404 Not Found\nERROR CODE: ResourceNotFound");
        return { sku: { name: d[0] }, tags: d[1] ? { [RUNNING_SKU_TAG]: d[1] } : {} };
      },
    }, "exchange-lab", "parked", false, "organization");
    return asked;
  }

  it("warns with the parked data disks of the online rows and the commands that bring them back; asks nothing else of Azure", async () => {
    const asked = await mockDisks({ "a-os": ["Premium_LRS"], "a-db": ["Standard_LRS", "Premium_LRS"], "c-os": ["Premium_LRS"] });
    const rows = rowsOf([`${HEADER},Endpoints,DataDisks`, "Yes,a,,a-os,Small,Oxford,,,,No,,,a-db", "Yes,b,,b-os,Small,Oxford,,,,No,,,", "Yes,c,,c-os,Small,Oxford,,,,No,,,", "No,d,,d-os,Small,Oxford,,,,No,,,"].join("\n"));
    const { lab } = buildLab(exampleSettings(), rows, "lab.csv");
    const warnings: string[] = [];
    await checkParkedDisks(lab!, (m) => void warnings.push(m), "lab1");
    assert.deepEqual(asked.sort(), ["a-db", "a-os", "b-os", "c-os"], "the BringOnline=No row's disk is not asked about");
    assert.deepEqual(warnings, [parkedDiskWarning([{ name: "a-db", sku: "Standard_LRS", runningSku: "Premium_LRS" }])]);
    assert.match(warnings[0], /^1 disk is parked: a-db \(Standard_LRS, runs on Premium_LRS\)\. .*npm run lab -- unpark before pulumi up/);
  });

  it("refuses a parked OS disk before declaring anything, at its row, with the command that unparks it", async () => {
    await mockDisks({ "a-os": ["StandardSSD_LRS", "Premium_LRS"], "b-os": ["Standard_LRS", "Premium_LRS"], "c-os": ["Premium_LRS"] });
    const { lab } = labOf(["Yes,a,,a-os,Small,Oxford,,,,No,", "Yes,b,,b-os,Small,Oxford,,,,No,", "Yes,c,,c-os,Small,Oxford,,,,No,"]);
    const warnings: string[] = [];
    await assert.rejects(checkParkedDisks(lab!, (m) => void warnings.push(m), "lab1"), (err: unknown) => {
      assert.ok(err instanceof LabValidationError);
      assert.deepEqual(err.problems.map((p) => [p.line, p.column]), [[2, "VMOSDiskName"], [3, "VMOSDiskName"]]);
      assert.match(err.problems[0].message, /^a's OS disk a-os is parked \(StandardSSD_LRS; runs on Premium_LRS\): pulumi up creates no VM on a parked OS disk .*disks-hdd-os-retirement\)\. Unpark it first: npm run lab -- unpark --stack lab1, then pulumi up$/);
      return true;
    });
    assert.deepEqual(warnings, []);
  });

  it("says nothing when no disk is parked", () => {
    assert.equal(parkedDiskWarning([]), undefined);
  });
});
