// pulumi up on parked disks: a warning naming them and the commands, never a change (the stack owns no disk).
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { warnParkedDisks } from "../src/azure/parkedDisks";
import { RUNNING_SKU_TAG, parkedDiskWarning } from "../src/input/lab/parkedDisks";
import { GET_DISK_TOKEN, invokeError, recordingMocks } from "../src/plan/mocks";
import { labOf } from "./helpers";

describe("pulumi up on parked disks", () => {
  it("warns with the parked disks of the online rows and the commands that bring them back; asks nothing else of Azure", async () => {
    const asked: string[] = [];
    const mocks = recordingMocks([]);
    await pulumi.runtime.setMocks({
      ...mocks,
      call: (args) => {
        if (args.token !== GET_DISK_TOKEN) return mocks.call(args);
        const name = (args.inputs as { diskName: string }).diskName;
        asked.push(name);
        if (name === "b-os") throw invokeError("RESPONSE 404: 404 Not Found\nERROR CODE: ResourceNotFound");
        return name === "a-os" ? { sku: { name: "Standard_LRS" }, tags: { [RUNNING_SKU_TAG]: "Premium_LRS" } } : { sku: { name: "Premium_LRS" }, tags: {} };
      },
    }, "exchange-lab", "parked", false, "organization");
    const { lab } = labOf(["Yes,a,,a-os,Small,Oxford,,,,No,", "Yes,b,,b-os,Small,Oxford,,,,No,", "Yes,c,,c-os,Small,Oxford,,,,No,", "No,d,,d-os,Small,Oxford,,,,No,"]);
    const warnings: string[] = [];
    await warnParkedDisks(lab!, (m) => void warnings.push(m));
    assert.deepEqual(asked.sort(), ["a-os", "b-os", "c-os"], "the BringOnline=No row's disk is not asked about");
    assert.deepEqual(warnings, [parkedDiskWarning([{ name: "a-os", sku: "Standard_LRS", runningSku: "Premium_LRS" }])]);
    assert.match(warnings[0], /^1 disk is parked: a-os \(Standard_LRS, runs on Premium_LRS\)\. .*npm run lab -- unpark before pulumi up; now, npm run lab -- stop then npm run lab -- start/);
  });

  it("says nothing when no disk is parked", () => {
    assert.equal(parkedDiskWarning([]), undefined);
  });
});
