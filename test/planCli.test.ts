// The offline plan as a user runs it: `npm run plan -- [options]`, in-process.
import { strict as assert } from "assert";
import * as path from "path";
import { HELP, PLAN_OPTIONS, parseArgs } from "../src/plan/cli";
import { HEADER, baseStackYaml, runPlanCli, writeLab } from "./helpers";

const run = runPlanCli;

describe("npm run plan -- --help, generated from the option definitions", () => {
  it("lists every option of PLAN_OPTIONS, says the diagram needs --format mermaid, and gives exit code 3", async () => {
    const r = await runPlanCli("--help");
    assert.equal(r.code, 0);
    for (const name of Object.keys(PLAN_OPTIONS)) assert.match(r.stdout, new RegExp(`^ +(-h, )?--${name}\\b`, "m"), name);
    assert.match(r.stdout, /the DrayTek settings; the diagram with --format mermaid/);
    assert.match(r.stdout, /text \(default: the report, without the diagram\)/);
    assert.match(r.stdout, /3 internal error/);
    assert.equal(r.stdout, HELP);
  });
});

describe("npm run plan", () => {
  it("prints the example lab's VMs in boot order, then its resources, and exits 0", async () => {
    const { code, stdout } = await run("--stack", "oxford");
    assert.equal(code, 0);
    const lines = stdout.split("\n");
    const vmLines = lines.filter((l) => /^\s+[1-9-]\s+mh-/.test(l)).map((l) => l.trim().split(/\s+/).slice(0, 2).join(" "));
    assert.deepEqual(vmLines, ["1 mh-oxf-dc1", "2 mh-lon-dc1", "3 mh-oxf-ex1", "4 mh-lon-ex1", "- mh-oxf-cl1"]);
    assert.match(stdout, /Resources \(27\):/);
    assert.match(stdout, /DrayTek Vigor: LAN-to-LAN profile/);
    assert.match(stdout, /IKE Pre-Shared Key: +\(not set: see the warning on exchange-lab:vpnSharedKey\)/);
    assert.match(stdout, /azure-native:compute:VirtualMachine\s+mh-oxf-ex1\s+mh-lon-dc1-ready/);
  });

  it("with no --stack plans both example labs (oxford and training) together and exits 0", async () => {
    const { code, stdout, stderr } = await run("--json");
    assert.equal(code, 0, stderr);
    const out = JSON.parse(stdout);
    assert.deepEqual(Object.keys(out), ["labs", "errors", "warnings", "routers"]);
    assert.deepEqual(out.labs.map((l: { stack: string; errors: unknown[] }) => [l.stack, l.errors.length]), [["oxford", 0], ["training", 0]]);
    assert.deepEqual(Object.keys(out.labs[0]).slice(0, 6), ["stack", "stackFile", "vms", "resources", "errors", "warnings"]);
    assert.deepEqual(out.errors, []);
    assert.deepEqual(out.warnings.map((w: { column: string }) => w.column), ["exchange-lab:diskResourceGroupName"]);
    assert.deepEqual(out.routers.map((r: { router: string; profiles: { profileName: string }[] }) => [r.router, r.profiles.map((p) => p.profileName)]), [["203.0.113.10", ["AzOxford", "AzTraining"]]]);
  });

  it("--json prints one object with vms, resources and errors", async () => {
    const { code, stdout } = await run("--json", "--stack", "oxford");
    assert.equal(code, 0);
    const out = JSON.parse(stdout);
    assert.deepEqual(Object.keys(out), ["vms", "resources", "errors", "warnings", "draytek", "cost", "timeToReady", "deployedLab"]);
    assert.match(out.draytek.preSharedKey, /not set/);
    assert.deepEqual(Object.keys(out.vms[0]).filter((k) => ["name", "size", "subnet", "privateIp", "osDiskId", "dependsOn", "publicRdpPort"].includes(k)).length, 7);
    assert.equal(out.vms[0].privateIp, "10.20.1.4");
    const vm = out.resources.find((r: { type: string }) => r.type === "azure-native:compute:VirtualMachine");
    assert.deepEqual(Object.keys(vm), ["type", "name", "inputs", "dependsOn", "options"]);
    assert.deepEqual(out.errors, []);
  });

  it("exits 1 on invalid input, lists every problem with file, line and column, and declares nothing", async () => {
    const { dir, stackFile } = writeLab(`${HEADER}\nYes,dc1,,dc1-os,Huge,Oxford,,,,No,\nYes,dc1,,dc2-os,Small,Oxford,10.20.1.1,,,No,\n`);
    const { code, stdout } = await run("--config", stackFile, "--csv", path.join(dir, "lab.csv"), "--json");
    assert.equal(code, 1);
    const out = JSON.parse(stdout);
    assert.deepEqual(out.resources, []);
    assert.deepEqual(out.errors.map((e: { line: number; column: string }) => `${e.line}:${e.column}`), ["2:VMInstanceSize", "3:IPAddress", "3:VMName"]);
  });

  it("prints problems for a person on stderr", async () => {
    const { dir, stackFile } = writeLab(`${HEADER}\nYes,dc1,,dc1-os,Huge,Oxford,,,,No,\n`);
    const { code, stderr } = await run("--config", stackFile, "--csv", path.join(dir, "lab.csv"));
    assert.equal(code, 1);
    assert.match(stderr, /nothing was declared/);
    assert.match(stderr, /lab\.csv:2: VMInstanceSize: 'Huge' is neither/);
  });

  it("plans a stack file with secure: values without a passphrase", async () => {
    const yaml = baseStackYaml();
    const { dir, stackFile } = writeLab(`${HEADER}\nYes,dc1,,dc1-os,Small,Oxford,,,,No,\n`, yaml.replace("exchange-lab:csv: lab.csv", "exchange-lab:csv:\n    secure: v1:AAAA"));
    const { code, stderr } = await run("--config", stackFile, "--csv", path.join(dir, "lab.csv"));
    assert.equal(code, 0, stderr);
  });

  for (const [argv, message] of [
    [["--stack"], /needs a value/],
    [["--bogus"], /unknown option '--bogus'/],
    [["--stack", "a", "--config", "b"], /not both/],
    [["--stack", "nope"], /no stack 'nope'.*stacks: oxford/],
    [["--config", "/nonexistent.yaml"], /no such stack file/],
  ] as const) {
    it(`exits 2 with usage for ${argv.join(" ")}`, async () => {
      const { code, stderr } = await run(...argv);
      assert.equal(code, 2);
      assert.match(stderr, message);
      assert.match(stderr, /usage: npm run plan/);
    });
  }

  it("parses every documented flag", () => {
    assert.deepEqual(parseArgs(["--stack", "s", "--csv", "x.csv", "--json", "--show-secrets"]), { stack: "s", csv: "x.csv", format: "json", showSecrets: true, pin: false });
    assert.equal(parseArgs(["--format", "mermaid"]).format, "mermaid");
    assert.throws(() => parseArgs(["--format", "svg"]), /unknown format 'svg'/);
  });
});
