// Readiness gates: one managed Run Command per WaitForBoot=Yes VM, later VMs waiting for it.
import { strict as assert } from "assert";
import * as fs from "fs";
import { GATE_RUN_COMMAND_NAME, WAIT_READY_SCRIPT_PATH, gateTimeouts } from "../src/azure/gates";
import { PlanResult } from "../src/plan/plan";
import { EXAMPLE_CSV, baseStackYaml, planOf, sharedExamplePlan } from "./helpers";
import { powershellParser } from "./powershell";

const RUN_COMMAND = "azure-native:compute:VirtualMachineRunCommandByVirtualMachine";
const VM = "azure-native:compute:VirtualMachine";
const CSV = fs.readFileSync(EXAMPLE_CSV, "utf8");

/** Every resource a resource waits for, directly or through others. */
function closure(plan: PlanResult, name: string): Set<string> {
  const seen = new Set<string>();
  const visit = (n: string) => {
    for (const dep of plan.resources.find((r) => r.name === n)?.dependsOn ?? []) {
      if (!seen.has(dep)) {
        seen.add(dep);
        visit(dep);
      }
    }
  };
  visit(name);
  return seen;
}

const gates = (plan: PlanResult) => plan.resources.filter((r) => r.type === RUN_COMMAND);
const withKeys = (yaml: string) => `${baseStackYaml()}${yaml}`;

describe("readiness gates (mock runtime)", () => {
  let plan: PlanResult;
  before(async () => {
    plan = await sharedExamplePlan();
  });

  it("declares one gate per WaitForBoot=Yes VM and none for other rows", () => {
    assert.deepEqual(gates(plan).map((g) => g.name), ["mh-oxf-dc1-ready", "mh-lon-dc1-ready"]);
    for (const g of gates(plan)) assert.ok(g.dependsOn.includes(g.name.replace(/-ready$/, "")), `${g.name} waits for its VM`);
  });

  it("runs the wait script synchronously, failing the deployment on a non-zero exit, within Pulumi's timeout", () => {
    const t = gateTimeouts(30);
    for (const g of gates(plan)) {
      assert.equal(g.inputs.asyncExecution, false);
      assert.equal(g.inputs.treatFailureAsDeploymentFailure, true);
      assert.equal(g.inputs.runCommandName, GATE_RUN_COMMAND_NAME);
      assert.equal(g.inputs.vmName, g.name.replace(/-ready$/, ""));
      assert.equal((g.inputs.source as { script: string }).script, fs.readFileSync(WAIT_READY_SCRIPT_PATH, "utf8"));
      assert.deepEqual(g.inputs.parameters, [{ name: "TimeoutSeconds", value: "1800" }]);
      assert.equal(g.inputs.timeoutInSeconds, t.runCommandSeconds);
      assert.ok(t.scriptSeconds < t.runCommandSeconds && t.runCommandSeconds < t.pulumiMinutes * 60);
    }
  });

  it("makes every VM after a barrier wait for that barrier's gate, not only its VM", () => {
    const order = plan.vms.filter((v) => v.bringOnline);
    let lastBarrier: string | undefined;
    for (const vm of order) {
      if (lastBarrier) assert.ok(closure(plan, vm.name).has(`${lastBarrier}-ready`), `${vm.name} waits for ${lastBarrier}-ready`);
      if (vm.waitForBoot) lastBarrier = vm.name;
    }
    const direct = plan.resources.find((r) => r.type === VM && r.name === "mh-oxf-ex1")!.dependsOn;
    assert.ok(direct.includes("mh-lon-dc1-ready") && !direct.includes("mh-lon-dc1"));
  });

  it("declares the gate with options that re-run it for a re-created VM and never delete it apart from its VM", async () => {
    const options = await gateOptions();
    assert.deepEqual([...options.keys()], ["mh-oxf-dc1-ready", "mh-lon-dc1-ready"]);
    const t = gateTimeouts(30);
    for (const [name, o] of options) {
      const vm = name.replace(/-ready$/, "");
      assert.equal(o.replaceWith, vm, name);
      assert.equal(o.deletedWith, vm, name);
      assert.equal(o.deleteBeforeReplace, true, name);
      assert.deepEqual(o.customTimeouts, { create: `${t.pulumiMinutes}m`, update: `${t.pulumiMinutes}m` }, name);
    }
  });

  it("with readinessGates false declares no gate and keeps plain dependsOn on the barrier VMs", async () => {
    const off = await planOf(CSV, withKeys("  exchange-lab:readinessGates: false\n"));
    assert.deepEqual(off.errors, []);
    assert.deepEqual(gates(off), []);
    const dependsOn = (name: string) => off.resources.find((r) => r.type === VM && r.name === name)!.dependsOn.filter((d) => d.startsWith("mh-") && !d.endsWith("-nic"));
    assert.deepEqual(dependsOn("mh-lon-dc1"), ["mh-oxf-dc1"]);
    assert.deepEqual(dependsOn("mh-oxf-ex1"), ["mh-lon-dc1"]);
  });

  it("readinessGatesSkip drops one barrier's gate; the next VM waits for that VM, later ones for the other gate", async () => {
    const skip = await planOf(CSV, withKeys("  exchange-lab:readinessGatesSkip:\n    - MH-OXF-DC1\n  exchange-lab:readinessTimeoutMinutes: 10\n"));
    assert.deepEqual(skip.errors, []);
    assert.deepEqual(gates(skip).map((g) => g.name), ["mh-lon-dc1-ready"]);
    assert.deepEqual(gates(skip)[0].inputs.parameters, [{ name: "TimeoutSeconds", value: "600" }]);
    const lon = skip.resources.find((r) => r.name === "mh-lon-dc1")!.dependsOn;
    assert.ok(lon.includes("mh-oxf-dc1"));
    assert.ok(skip.resources.find((r) => r.name === "mh-lon-ex1")!.dependsOn.includes("mh-lon-dc1-ready"));
  });

  it("reports a readinessGatesSkip name that is not a barrier of the CSV, and a deadline out of range, declaring nothing", async () => {
    const bad = await planOf(CSV, withKeys("  exchange-lab:readinessGatesSkip:\n    - mh-oxf-ex1\n    - nosuchvm\n"));
    assert.deepEqual(bad.resources, []);
    assert.deepEqual(bad.errors.map((e) => [e.column, e.message]), [
      ["exchange-lab:readinessGatesSkip", "'mh-oxf-ex1' is not a WaitForBoot=Yes row, so it has no readiness gate to skip"],
      ["exchange-lab:readinessGatesSkip", "'nosuchvm' is not a VM of lab.csv"],
    ]);
    const late = await planOf(CSV, withKeys("  exchange-lab:readinessTimeoutMinutes: 90\n"));
    assert.equal(late.errors.length, 1);
    assert.match(late.errors[0].message, /from 5 to 85, got '90'/);
    assert.ok(late.errors[0].line > 0, "points at the key's line");
  });
});

describe("the wait-ready script", () => {
  const script = fs.readFileSync(WAIT_READY_SCRIPT_PATH, "utf8");

  it("is small, plain ASCII and free of PowerShell 7-only syntax (it runs under Windows PowerShell 5.1)", () => {
    assert.ok(Buffer.byteLength(script) <= 4096, `${Buffer.byteLength(script)} bytes`);
    // eslint-disable-next-line no-control-regex -- tab, LF and CR are the point: they are allowed
    assert.ok(/^[\x09\x0a\x0d\x20-\x7e]*$/.test(script), "ASCII only: 5.1 reads a script without BOM in the ANSI code page");
    for (const seven of ["??", "?.", "&&", "||", "-Parallel", "ForEach-Object -Parallel"]) assert.ok(!script.includes(seven), seven);
  });

  it("takes its deadline as a parameter and exits 1 at the deadline after printing the failed checks, 0 when ready", () => {
    assert.match(script, /param\(\[int\]\$TimeoutSeconds = \d+, \[int\]\$PollSeconds = \d+, \[string\]\$RunId = ''\)/);
    assert.match(script, /\$deadline = \(Get-Date\)\.AddSeconds\(\$TimeoutSeconds\)/);
    const deadlineBranch = script.slice(script.indexOf("if ((Get-Date) -ge $deadline)"));
    assert.match(deadlineBranch, /^if \(\(Get-Date\) -ge \$deadline\) \{\n\s+Write-Output "NOT READY[^\n]*\n\s+\$result\.Rows \| Format-Table[^\n]*\n\s+exit 1\n/);
    assert.match(script, /Write-Output "READY[^\n]*\nexit 0\n$/);
    assert.equal(script.match(/exit \d/g)?.length, 2);
  });

  it("checks a domain controller's services, ports and locator record, twice in a row", () => {
    assert.match(script, /\$dc = \$cs\.DomainRole -ge 4/);
    assert.match(script, /'NTDS', 'DNS', 'Netlogon', 'Kdc', 'ADWS'/);
    assert.match(script, /foreach \(\$port in 389, 53\)/);
    assert.match(script, /"_ldap\._tcp\.dc\._msdcs\.\$\(\$cs\.Domain\)"/);
    assert.match(script, /Resolve-DnsName -Name \$srv -Type SRV -Server \$ip/);
    assert.match(script, /if \(\$passes -ge 2\) \{ break \}/);
    assert.match(script, /else \{ 'WindowsAzureGuestAgent' \}/, "other VMs: the agent runs");
  });

  it("parses with tree-sitter's PowerShell grammar, which rejects a broken script (skipped where the parser is not built)", function () {
    const parse = powershellParser();
    if (!parse) return this.skip();
    assert.deepEqual(parse(script), []);
    assert.notDeepEqual(parse("if ($a -eq {\n  foreach (\n"), [], "the parser reports a broken script");
  });

  it("only warns when SYSVOL is not shared: the check comes after the loop, with no exit of its own", () => {
    const after = script.slice(script.indexOf("Start-Sleep"));
    assert.match(after, /Win32_Share -Filter "Name='SYSVOL'"/);
    assert.match(after, /WARNING: SYSVOL is not shared/);
    assert.ok(!script.slice(0, script.indexOf("Start-Sleep")).includes("SYSVOL'"));
  });
});

/** The options each gate was declared with, read by a transformations spy on the component (as the plan does). */
async function gateOptions(): Promise<Map<string, { replaceWith?: string; deletedWith?: string; deleteBeforeReplace?: boolean; customTimeouts?: unknown }>> {
  // The plan shows every option that matters (replaceWith, deletedWith, customTimeouts, ...).
  const plan = await sharedExamplePlan();
  return new Map(plan.resources.filter((r) => r.type === RUN_COMMAND).map((r) => [r.name, {
    replaceWith: (r.options.replaceWith ?? []).join(","),
    deletedWith: r.options.deletedWith,
    deleteBeforeReplace: r.options.deleteBeforeReplace,
    customTimeouts: r.options.customTimeouts,
  }]));
}
