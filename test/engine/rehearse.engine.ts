// npm run rehearse through the real engine: the example lab with an edit of lab.csv, and the
// README's quick start from images followed by an edit, each with the lab deallocated between
// deployments; --json in the shape; bad input exits 2.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../src/rehearse/cli";
import { EXAMPLES, ROOT } from "../helpers";
import { quickStarts } from "../readmeQuickStarts";

async function rehearseCli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, (s) => (stdout += s), (s) => (stderr += s));
  return { code, stdout, stderr };
}

interface JsonStep { stackFile: string; csv: string; plan: { exitCode: number; changes: { type: string; name: string; action: string }[] }; engine: { status: string; steps: { op: string; type: string; name: string }[] }; agree: boolean; disagreements: string[] }

describe("npm run rehearse", function () {
  this.timeout(300_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "exchange-lab-rehearse-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("the example lab, then lab.csv with its client brought online: both agree, deallocated between (--json)", async () => {
    const a = fs.readFileSync(path.join(EXAMPLES, "lab.csv"), "utf8");
    const b = a.replace(/^No,mh-oxf-cl1,/m, "Yes,mh-oxf-cl1,");
    assert.notEqual(a, b);
    fs.writeFileSync(path.join(dir, "a.csv"), a);
    fs.writeFileSync(path.join(dir, "b.csv"), b);
    const stackFile = path.join(EXAMPLES, "stacks", "Pulumi.oxford.yaml");
    const r = await rehearseCli(`${stackFile}:${path.join(dir, "a.csv")}`, `${stackFile}:${path.join(dir, "b.csv")}`, "--deallocate", "--json");
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const steps = (JSON.parse(r.stdout) as { steps: JsonStep[] }).steps;
    assert.equal(steps.length, 2);
    assert.ok(steps.every((s) => s.agree && s.engine.status === "succeeded"), JSON.stringify(steps.map((s) => s.disagreements)));
    assert.deepEqual(steps[1].plan.changes.filter((c) => c.action === "create").map((c) => c.name).sort(), ["mh-oxf-cl1", "mh-oxf-cl1-nic", "shutdown-computevm-mh-oxf-cl1"]);
  });

  it("the README's quick start from images, then a member added: the forest and Exchange built, the edit agrees", async () => {
    const start = quickStarts(fs.readFileSync(path.join(ROOT, "README.md"), "utf8"))[0];
    const stack = [...start.files].find(([f]) => f.startsWith("stacks/"))!;
    const [csvName, csvText] = [...start.files].find(([f]) => f.endsWith(".csv"))!;
    fs.writeFileSync(path.join(dir, "Pulumi.mylab.yaml"), stack[1]);
    fs.writeFileSync(path.join(dir, csvName), csvText);
    const edited = csvText.trimEnd() + "\n" + csvText.trimEnd().split("\n")[1].replace(/^Yes,dc1,,Medium,Lab,10\.40\.1\.4,Yes,3389,,/, "Yes,cl1,,Small,Lab,10.40.1.20,No,3391,,").replace(/,DC$/, ",Member") + "\n";
    assert.match(edited, /^Yes,cl1,.*,Member$/m);
    fs.writeFileSync(path.join(dir, "mylab-b.csv"), edited);
    const r = await rehearseCli(`${path.join(dir, "Pulumi.mylab.yaml")}:${path.join(dir, csvName)}`, `${path.join(dir, "Pulumi.mylab.yaml")}:${path.join(dir, "mylab-b.csv")}`);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /plan and engine agree[\s\S]*plan and engine agree/);
    assert.match(r.stdout, /create dc1-dc-promote/);
  });

  it("bad input exits 2 with the reason: a missing file, an argument without ':'", async () => {
    const missing = await rehearseCli("nope.yaml:nope.csv");
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.yaml and nope\.csv not found/);
    const bare = await rehearseCli("lab.csv");
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /expected STACK\.yaml:LAB\.csv/);
  });
});
