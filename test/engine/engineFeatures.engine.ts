// Engine features the program relies on, each through the real CLI against the Azure twin: the
// inline program's project (as npm run acceptance writes it), the self StackReference (deployedLab)
// on a file backend, requiredPulumiVersion, and a clean second up after one up.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { projectSettings } from "../../src/acceptance/automation";
import { LabLife, ROOT } from "../twin/engine";
import { engineSuite } from "./suite";
import { csv, row, stack } from "./scenarios";

const LAB = { stackYaml: stack(), csv: csv(row("dc1", { wait: "Yes", rdp: "3389" }), row("ex1", { size: "Large", rdp: "3390" })) };
const DISKS = [{ name: "dc1-os" }, { name: "ex1-os" }];

describe("engine features through the real CLI", function () {
  this.timeout(180_000);
  const suite = engineSuite();

  it("npm run acceptance's inline project (its projectSettings) passes pulumi up", async () => {
    const life = await LabLife.create(suite.cli(), LAB, { disks: DISKS, projectSettings });
    try {
      const up = await life.up();
      assert.equal(up.status, "succeeded", up.error);
    } finally {
      life.dispose();
    }
  });

  it("after one up: preview --expect-no-changes is clean, deployedLab is recorded, destroy keeps every disk, the next up re-attaches them at the same addresses", async () => {
    const life = await LabLife.create(suite.cli(), LAB, { disks: DISKS });
    try {
      assert.equal((await life.up()).status, "succeeded");
      const again = await life.preview(undefined, true);
      assert.equal(again.status, "succeeded", `a perpetual diff: ${again.error}`);
      const record = (await life.outputs()).deployedLab as { csv?: string } | undefined;
      assert.ok(record?.csv, "deployedLab is an output after the first up (self StackReference on a file backend)");
      const addresses = () => life.arm.list("azure-native:network:NetworkInterface").map((n) => `${n.name}=${JSON.stringify((n.properties.ipConfigurations as { privateIPAddress: string }[])[0].privateIPAddress)}`).sort();
      const before = addresses();
      const destroyed = await life.destroy();
      assert.equal(destroyed.status, "succeeded", destroyed.error);
      const disks = life.arm.list("azure-native:compute:Disk");
      assert.deepEqual(disks.map((d) => d.name).sort(), ["dc1-os", "ex1-os"]);
      assert.ok(disks.every((d) => !d.managedBy), "every disk unattached after destroy");
      assert.deepEqual(life.arm.list().filter((r) => r.type !== "azure-native:compute:Disk").map((r) => r.name), ["twin-disks"], "only the disk group and its disks are left");
      const second = await life.up();
      assert.equal(second.status, "succeeded", second.error);
      assert.deepEqual(addresses(), before);
      assert.ok(life.arm.list("azure-native:compute:Disk").every((d) => d.managedBy), "every disk attached again");
    } finally {
      life.dispose();
    }
  });

  it("Pulumi.yaml's requiredPulumiVersion is read by the CLI: a range the CLI is outside of stops pulumi up", async () => {
    const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
    const life = await LabLife.create(suite.cli(), LAB, {
      disks: DISKS,
      projectSettings: (backend) => ({ ...(project as { name: string; runtime: "nodejs" }), stackConfigDir: undefined, main: ROOT, requiredPulumiVersion: ">=99.0.0", backend: { url: `file://${backend}` } }) as never,
    });
    try {
      const up = await life.up();
      assert.equal(up.status, "failed");
      assert.match(up.error ?? "", /99\.0\.0/);
    } finally {
      life.dispose();
    }
  });
});
