// The role steps under the mock runtime: the run commands per role in order (forest root before
// every other DC, DCs ready before any join, Exchange staged only after its join), their options
// and secret handling, the NIC DNS of Role rows; none on a deployed VM (--previous) nor on a VM
// that attaches its existing disk at pulumi up; the from-scratch lab's plan through the CLI.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { GET_DISK_TOKEN, Registration, invokeError, recordingMocks } from "../src/plan/mocks";
import { PlanResult, SECRET_MASK, runPlan } from "../src/plan/plan";
import { runLab } from "../src/program";
import { gateTimeouts } from "../src/azure/gates";
import { ROOT, runPlanCliIn } from "./helpers";

const FIXTURE = path.join(ROOT, "test", "fixtures", "from-scratch");
const STACK = path.join(FIXTURE, "Pulumi.from-scratch.yaml");
const RUN_COMMAND = "azure-native:compute:VirtualMachineRunCommandByVirtualMachine";
const SECRETS = { adminPassword: "Adm1n-Secret-Value", safeModePassword: "Dsrm-Secret-Value1", exchangeIsoUrl: "https://acct.blob.core.windows.net/iso/se.iso?sig=SASSECRET", exchangeProductKey: "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE" };

/** The fixture's stack file, with extra lines, written beside the fixture's CSV. */
function stackWith(extra: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "roles-"));
  fs.copyFileSync(path.join(FIXTURE, "lab.csv"), path.join(dir, "lab.csv"));
  const yaml = fs.readFileSync(STACK, "utf8").replace("exchange-lab:csv: lab.csv", `exchange-lab:csv: ${path.join(dir, "lab.csv")}`);
  fs.writeFileSync(path.join(dir, "Pulumi.from-scratch.yaml"), yaml + extra);
  return path.join(dir, "Pulumi.from-scratch.yaml");
}
const withSecrets = () => stackWith(Object.entries(SECRETS).map(([k, v]) => `  exchange-lab:${k}: "${v}"\n`).join("") + "  exchange-lab:vpnSharedKey: Pl4inKey\n");
const byName = (plan: PlanResult) => new Map(plan.resources.map((r) => [r.name, r]));
/** Every resource `name` waits for, directly or not. */
function waitsFor(plan: PlanResult, name: string, seen = new Set<string>()): Set<string> {
  for (const dep of byName(plan).get(name)?.dependsOn ?? []) if (!seen.has(dep)) { seen.add(dep); waitsFor(plan, dep, seen); }
  return seen;
}
const commands = (plan: PlanResult, vm: string) => plan.resources.filter((r) => r.type === RUN_COMMAND && r.name.startsWith(`${vm}-`)).map((r) => r.name);

let shared: Promise<PlanResult> | undefined;
const planAt = (stackFile: string, showSecrets = false) => runPlan({ stackFile, baseDir: FIXTURE, showSecrets });
const fromScratch = () => (shared ??= planAt(withSecrets()));

describe("role steps (mock runtime)", () => {
  it("declares each role's run commands in order, each after the one before", async () => {
    const plan = await fromScratch();
    assert.deepEqual(plan.errors, []);
    assert.deepEqual(commands(plan, "fs-dc1"), ["fs-dc1-dc-promote", "fs-dc1-ad-ready", "fs-dc1-ready"]);
    assert.deepEqual(commands(plan, "fs-ex1"), ["fs-ex1-domain-join", "fs-ex1-join-ready", "fs-ex1-exchange-prereqs", "fs-ex1-exchange-setup", "fs-ex1-exchange-ready"]);
    assert.deepEqual(commands(plan, "fs-cl1"), ["fs-cl1-domain-join", "fs-cl1-join-ready"]);
    const r = byName(plan);
    assert.ok(r.get("fs-dc1-ad-ready")!.dependsOn.includes("fs-dc1-dc-promote-restart"), "the gate waits for the reboot wait");
    assert.ok(r.get("fs-dc1-dc-promote-restart")!.dependsOn.includes("fs-dc1-dc-promote"));
    assert.ok(r.get("fs-dc1-ready")!.dependsOn.includes("fs-dc1-ad-ready"), "the readiness gate comes after the role steps");
    assert.ok(r.get("fs-ex1-exchange-prereqs")!.dependsOn.includes("fs-ex1-join-ready"), "Exchange is staged only after its join");
    assert.ok(r.get("fs-ex1-exchange-ready")!.dependsOn.includes("fs-ex1-exchange-setup"));
  });

  it("DCs are ready before any join: every member's first step waits for the DC's AD-ready gate", async () => {
    const plan = await fromScratch();
    for (const vm of ["fs-ex1", "fs-cl1"]) assert.ok(waitsFor(plan, `${vm}-domain-join`).has("fs-dc1-ad-ready"), vm);
  });

  it("the forest root comes before every other DC, whose promotion is a replica's", async () => {
    const stack = withSecrets();
    const csv = path.join(path.dirname(stack), "lab.csv");
    fs.writeFileSync(csv, fs.readFileSync(csv, "utf8").replace("Yes,fs-ex1,", "Yes,fs-dc2,,Medium,Lab,10.40.1.5,Yes,,,ws2022-g2,,DC\nYes,fs-ex1,"));
    const plan = await planAt(stack);
    assert.deepEqual(plan.errors, []);
    assert.ok(waitsFor(plan, "fs-dc2-dc-promote").has("fs-dc1-ad-ready"));
    const params = (n: string) => Object.fromEntries((byName(plan).get(n)!.inputs.parameters as { name: string; value: string }[]).map((p) => [p.name, p.value]));
    assert.equal(params("fs-dc1-dc-promote").Mode, "Forest");
    assert.equal(params("fs-dc2-dc-promote").Mode, "Replica");
    assert.equal(params("fs-dc2-ad-ready").ForestRoot, "No");
    assert.deepEqual(byName(plan).get("fs-dc2-nic")!.inputs.dnsSettings, { dnsServers: ["10.40.1.4"] });
    assert.deepEqual(byName(plan).get("fs-ex1-nic")!.inputs.dnsSettings, { dnsServers: ["10.40.1.4", "10.40.1.5"] });
  });

  it("every step: synchronous, a failed script fails the deployment, timeouts above the work, one after another", async () => {
    const plan = await fromScratch();
    for (const r of plan.resources.filter((x) => x.type === RUN_COMMAND)) {
      assert.equal(r.inputs.asyncExecution, false, r.name);
      assert.equal(r.inputs.treatFailureAsDeploymentFailure, true, r.name);
      const seconds = r.inputs.timeoutInSeconds as number;
      const pulumiMinutes = Number(String((r.options.customTimeouts as { create: string }).create).replace("m", ""));
      assert.ok(pulumiMinutes * 60 > seconds, r.name);
    }
    const ready = byName(plan).get("fs-ex1-exchange-ready")!;
    assert.equal(ready.inputs.timeoutInSeconds, gateTimeouts(240).runCommandSeconds);
    assert.ok((ready.inputs.parameters as { name: string; value: string }[]).some((p) => p.name === "TimeoutSeconds" && p.value === "14400"));
    assert.equal(byName(plan).get("fs-dc1-dc-promote")!.options.deletedWith, "fs-dc1");
  });

  it("secrets only as protected parameters, masked in the plan, shown with --show-secrets", async () => {
    const plan = await fromScratch();
    const text = JSON.stringify(plan.resources);
    for (const v of Object.values(SECRETS)) assert.ok(!text.includes(v), `secret in the plan: ${v.slice(0, 4)}`);
    const record = JSON.stringify(plan.deployedLab);
    for (const v of Object.values(SECRETS)) assert.ok(!record.includes(v), `secret in the deployedLab record: ${v.slice(0, 4)}`);
    const promote = byName(plan).get("fs-dc1-dc-promote")!;
    assert.equal(promote.inputs.protectedParameters, SECRET_MASK, "the protected parameters are a secret as a whole");
    assert.ok(!(promote.inputs.parameters as { name: string }[]).some((p) => /Password|Key|Url/.test(p.name)));
    const shown = await planAt(withSecrets(), true);
    const names = (n: string) => (byName(shown).get(n)!.inputs.protectedParameters as { name: string }[]).map((p) => p.name);
    assert.deepEqual(names("fs-dc1-dc-promote"), ["SafeModePassword"]);
    assert.deepEqual(names("fs-ex1-domain-join"), ["AdminPassword"]);
    assert.deepEqual(names("fs-ex1-exchange-setup"), ["AdminPassword", "ProductKey"]);
    const prereqs = byName(shown).get("fs-ex1-exchange-prereqs")!;
    assert.deepEqual(prereqs.inputs.protectedParameters, [{ name: "IsoUrl", value: SECRETS.exchangeIsoUrl }]);
  });

  it("a VM a previous deployment shows deployed runs no role step, and the plan says so", async () => {
    const first = await fromScratch();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "roles-prev-"));
    const previous = path.join(dir, "previous.json");
    fs.writeFileSync(previous, JSON.stringify({ deployedLab: first.deployedLab }));
    const r = await runPlanCliIn(FIXTURE, "--config", withSecrets(), "--previous", previous);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /fs-dc1 \(DC\): none: the previous deployment holds this VM/);
    assert.ok(!/^\s+\d+\. dc-promote/m.test(r.stdout));
    assert.match(r.stdout, /delete\s+azure-native:compute:VirtualMachineRunCommandByVirtualMachine\s+fs-ex1-exchange-setup/);
  });
});

describe("role steps at pulumi up (mock runtime, the OS disk looked up)", () => {
  /** Runs the program as `pulumi up` would, getDisk answering `exists` for every disk. */
  async function deploy(exists: boolean): Promise<Registration[]> {
    const registrations: Registration[] = [];
    const mocks = recordingMocks(registrations);
    const notFound = () => { throw invokeError("RESPONSE 404: 404 Not Found\nERROR CODE: ResourceNotFound"); };
    await pulumi.runtime.setMocks({ ...mocks, call: (args) => (args.token === GET_DISK_TOKEN ? (exists ? { managedBy: "", securityProfile: { securityType: "TrustedLaunch" } } : notFound()) : mocks.call(args)) }, "exchange-lab", "roles", false, "organization");
    const config: Record<string, string> = { "azure-native:location": "westeurope" };
    const yaml = fs.readFileSync(withSecrets(), "utf8");
    for (const m of yaml.matchAll(/^ {2}(exchange-lab:\w+): "?([^"\n]+)"?$/gm)) config[m[1]] = m[2];
    Object.assign(config, {
      "exchange-lab:addressSpace": '["10.40.0.0/16"]', "exchange-lab:subnets": '{"Lab":"10.40.1.0/24"}',
      "exchange-lab:onPremises": '{"publicIp":"203.0.113.10","addressSpaces":["192.168.1.0/24"]}',
    });
    pulumi.runtime.setAllConfig(config, Object.keys(SECRETS).map((k) => `exchange-lab:${k}`));
    const { component } = await runLab({ baseDir: FIXTURE, mode: "deploy", previous: "none", csvText: fs.readFileSync(path.join(FIXTURE, "lab.csv"), "utf8") });
    await new Promise((resolve) => component.urn.apply(resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    return registrations;
  }

  it("disks absent (first life): the role steps are declared", async () => {
    const names = (await deploy(false)).filter((r) => r.type === RUN_COMMAND).map((r) => r.name);
    assert.ok(names.includes("fs-dc1-dc-promote") && names.includes("fs-ex1-exchange-ready"), names.join(", "));
  });

  it("disks exist (Attach): no role step at all, only the readiness gate", async () => {
    const names = (await deploy(true)).filter((r) => r.type === RUN_COMMAND).map((r) => r.name);
    assert.deepEqual(names, ["fs-dc1-ready"]);
  });
});

describe("the from-scratch lab through npm run plan", () => {
  it("exits 0 with its role steps, time to ready and cost", async () => {
    const r = await runPlanCliIn(FIXTURE, "--config", STACK);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Role steps \(Run Commands in each VM's first life/);
    assert.match(r.stdout, /fs-ex1 \(Exchange\), about \d+ min:\n\s+1\. domain-join[\s\S]*5\. exchange-ready \(~90 min\)/);
    // It says what is ready: the fixture has a DC, an Exchange and a Member row.
    assert.match(r.stdout, /The forest and Exchange ready \(every VM up, the members joined\) after about (\d+(\.\d)?) min/);
    assert.ok(Number(/\) after about (\d+(?:\.\d)?) min/.exec(r.stdout)![1]) > 150, "time to ready grows with the role steps");
    assert.match(r.stdout, /A failed role step does not run again at the next pulumi up[\s\S]*"Retrying a step"/);
    assert.match(r.stdout, /Cost estimate/);
    assert.match(r.stdout, /exchange-lab:safeModePassword: required/);
  });

  it("without exchangeIsoUrl, prints the ISO staging commands with the stack's own disk resource group, region and name", async () => {
    const r = await runPlanCliIn(FIXTURE, "--config", STACK);
    const section = r.stdout.slice(r.stdout.indexOf("Staging the Exchange ISO"));
    assert.match(section, /^ {2}az group create --name exchange-lab-disks --location westeurope/m);
    assert.match(section, /^ {2}az storage account create --name \$account --resource-group exchange-lab-disks --location westeurope /m);
    assert.match(section, /^ {2}pulumi config set --stack from-scratch --secret exchange-lab:exchangeIsoUrl "\$url" {3}# after pulumi stack init from-scratch$/m);
    const withUrl = await runPlanCliIn(FIXTURE, "--config", withSecrets());
    assert.doesNotMatch(withUrl.stdout, /Staging the Exchange ISO/);
  });
});
