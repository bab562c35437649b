// `npm run lab -- start | stop | status`: the real Azure SDK client against a fake ARM on 127.0.0.1.
import { strict as assert } from "assert";
import type { TokenCredential } from "@azure/identity";
import { waitReadyScript } from "../src/azure/gates";
import { START_RUN_COMMAND_NAME } from "../src/labctl/azure";
import { LabTesting, main, parseLabArgs } from "../src/labctl/cli";
import { FakeArm, FakeVm, startFakeArm } from "./fakeArm";
import { EXAMPLES, writeLab } from "./helpers";

const credential: TokenCredential = { getToken: async () => ({ token: "fake-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };
const EXAMPLE_VMS = ["mh-oxf-dc1", "mh-lon-dc1", "mh-oxf-ex1", "mh-lon-ex1"];

async function lab(fake: FakeArm | undefined, argv: string[], testing: LabTesting = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, (s) => (stdout += s), (s) => (stderr += s), {
    credential, endpoint: fake?.endpoint, ca: fake?.ca, pollIntervalMs: 5, renderer: "silent", baseDir: EXAMPLES, env: { ARM_SUBSCRIPTION_ID: "00000000-0000-0000-0000-000000000001" }, ...testing,
  });
  return { code, stdout, stderr };
}

function fakeOf(overrides: Record<string, Partial<FakeVm>> = {}, power: FakeVm["power"] = "deallocated"): Promise<FakeArm> {
  return startFakeArm(Object.fromEntries(EXAMPLE_VMS.map((n) => [n, { power, ...overrides[n] }])));
}

describe("npm run lab (fake ARM on 127.0.0.1)", () => {
  let fake: FakeArm | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it("start: each barrier is started and its readiness script passes before the next step; the last group starts in parallel", async () => {
    fake = await fakeOf();
    const { code, stdout, stderr } = await lab(fake, ["start", "--stack", "oxford"]);
    assert.equal(code, 0, stderr);
    const at = (call: string) => {
      const i = fake!.calls.indexOf(call);
      assert.ok(i >= 0, `${call} in ${fake!.calls.join(", ")}`);
      return i;
    };
    assert.ok(at("start mh-oxf-dc1") < at("runCommand mh-oxf-dc1"));
    assert.ok(at("runCommand mh-oxf-dc1") < at("start mh-lon-dc1"));
    assert.ok(at("start mh-lon-dc1") < at("runCommand mh-lon-dc1"));
    assert.ok(at("runCommand mh-lon-dc1") < Math.min(at("start mh-oxf-ex1"), at("start mh-lon-ex1")));
    assert.ok(!fake.calls.includes("runCommand mh-oxf-ex1"), "no readiness script on a WaitForBoot=No VM");
    assert.ok([...fake.vms.values()].every((v) => v.power === "running"));
    assert.deepEqual([...fake.authorizations], ["Bearer fake-token"]);
    const put = fake.runCommands.get("mh-oxf-dc1")!.properties as { source: { script: string }; parameters: { name: string; value: string }[]; asyncExecution: boolean; timeoutInSeconds: number };
    assert.equal(put.source.script, waitReadyScript());
    assert.deepEqual(put.parameters.map((p) => p.name), ["TimeoutSeconds", "RunId"]);
    assert.equal(put.parameters[0].value, "1800");
    assert.equal(put.asyncExecution, false);
    assert.ok(put.timeoutInSeconds > 1800);
    assert.match(stdout, /mh-oxf-dc1: started \(was deallocated\)\nmh-oxf-dc1: serving\n/);
  });

  it("start: a failing readiness script stops the run, names the VM with the script's table, and starts nothing after it", async () => {
    fake = await fakeOf({ "mh-lon-dc1": { readyExitCode: 1, readyOutput: "NOT READY: MH-LON-DC1 after 1800 s; last check:\nCheck        Ok Detail\nservice ADWS False Stopped" } });
    const { code, stderr } = await lab(fake, ["start", "--stack", "oxford"]);
    assert.equal(code, 3);
    assert.match(stderr, /mh-lon-dc1: not ready \(Run Command Failed, exit code 1\)\.\nNOT READY: MH-LON-DC1[^\n]*\nCheck[^\n]*\nservice ADWS False Stopped\n/);
    assert.match(stderr, /not started: mh-oxf-ex1, mh-lon-ex1\n/);
    assert.ok(!fake.calls.some((c) => c.endsWith("-ex1")), fake.calls.join(", "));
  });

  it("start: a VM already running is not started again, but a barrier's readiness is still checked", async () => {
    fake = await fakeOf({ "mh-oxf-dc1": { power: "running" } });
    const { code, stdout } = await lab(fake, ["start", "--stack", "oxford"]);
    assert.equal(code, 0);
    assert.ok(!fake.calls.includes("start mh-oxf-dc1"));
    assert.ok(fake.calls.includes("runCommand mh-oxf-dc1"));
    assert.match(stdout, /mh-oxf-dc1: already running\n/);
  });

  it("start: Azure's refusal names the VM and carries Azure's code and message", async () => {
    fake = await fakeOf({ "mh-oxf-dc1": { fail: { status: 409, code: "OperationNotAllowed", message: "Operation could not be completed as it results in exceeding approved standardBSFamily Cores quota." } } });
    const { code, stderr } = await lab(fake, ["start", "--stack", "oxford"]);
    assert.equal(code, 3);
    assert.match(stderr, /^mh-oxf-dc1: start failed: OperationNotAllowed: Operation could not be completed as it results in exceeding approved standardBSFamily Cores quota\.\n/);
    assert.match(stderr, /not started: mh-lon-dc1, mh-oxf-ex1, mh-lon-ex1/);
  });

  it("start: a barrier whose agent never turns Ready fails with Azure's message, naming the VM", async () => {
    fake = await fakeOf({ "mh-oxf-dc1": { agentReady: false } });
    const { code, stderr } = await lab(fake, ["start", "--stack", "oxford"]);
    assert.equal(code, 3);
    assert.match(stderr, /^mh-oxf-dc1: readiness check could not run: VMAgentStatusCommunicationError: VM 'mh-oxf-dc1' has not reported status for VM agent or extensions\.\n/);
    assert.ok(!fake.calls.includes("start mh-lon-dc1"));
  });

  it("stop: deallocates every running VM, in reverse boot order, and leaves a deallocated one alone", async () => {
    fake = await fakeOf({ "mh-lon-ex1": { power: "deallocated" } }, "running");
    const { code, stdout } = await lab(fake, ["stop", "--stack", "oxford"]);
    assert.equal(code, 0);
    assert.deepEqual(fake.calls.filter((c) => c.startsWith("deallocate")).sort(), ["deallocate mh-lon-dc1", "deallocate mh-oxf-dc1", "deallocate mh-oxf-ex1"]);
    assert.ok([...fake.vms.values()].every((v) => v.power === "deallocated"));
    assert.match(stdout, /mh-lon-ex1: already deallocated\n/);
  });

  it("status: prints power state, agent status, private IP, public RDP port and next auto-shutdown per VM", async () => {
    fake = await fakeOf({ "mh-oxf-ex1": { power: "deallocated" } }, "running");
    const { code, stdout } = await lab(fake, ["status", "--stack", "oxford"]);
    assert.equal(code, 0);
    const [said, ...table] = stdout.trimEnd().split("\n");
    assert.equal(said, "subscription 00000000-0000-0000-0000-000000000001, from ARM_SUBSCRIPTION_ID");
    const rows = table.map((l) => l.split(/\s{2,}/));
    assert.deepEqual(rows[0], ["VM", "power state", "agent", "private IP", "public RDP port", "next auto-shutdown"]);
    assert.deepEqual(rows[1], ["mh-oxf-dc1", "running", "Ready (2.7.41491.1102)", "10.20.1.4", "3389", "daily 19:00 GMT Standard Time"]);
    assert.deepEqual(rows[3], ["mh-oxf-ex1", "deallocated", "Not Ready (2.7.41491.1102)", "10.20.1.10", "3391", "-"]);
    assert.equal(rows.length, 5);
    assert.ok(fake.calls.every((c) => c.startsWith("instanceView")));
  });

  it("status when Azure does not answer: the table says so per VM, and the exit code is 3 (a failed Azure operation), never 0", async () => {
    const closed = await fakeOf();
    await closed.close();
    const { code, stdout, stderr } = await lab(closed, ["status", "--stack", "oxford"]);
    assert.equal(code, 3, stderr);
    assert.match(stdout, /mh-oxf-dc1 +error: /);
    assert.match(stderr, /^status: Azure did not answer, or answered an error, for mh-oxf-dc1, mh-lon-dc1, mh-oxf-ex1, mh-lon-ex1 \(see the table\)\n$/);
  });

  it("a destroyed lab (Azure answers 404 for every VM): status says 'not deployed' (exit 0), stop has nothing to do (exit 0), start says to run pulumi up (exit 3)", async () => {
    fake = await startFakeArm({});
    const { code, stdout, stderr } = await lab(fake, ["status", "--stack", "oxford"]);
    assert.equal(code, 0, stderr);
    const rows = stdout.trimEnd().split("\n").slice(2).map((l) => l.split(/\s{2,}/));
    assert.deepEqual(rows.map((r) => [r[0], r[1], r[2]]), [["mh-oxf-dc1", "not deployed", "-"], ["mh-lon-dc1", "not deployed", "-"], ["mh-oxf-ex1", "not deployed", "-"], ["mh-lon-ex1", "not deployed", "-"]]);
    const stop = await lab(fake, ["stop", "--stack", "oxford"]);
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(stop.stdout, /mh-oxf-dc1: not deployed, nothing to deallocate\n/);
    const start = await lab(fake, ["start", "--stack", "oxford"]);
    assert.equal(start.code, 3);
    assert.match(start.stderr, /^mh-oxf-dc1: start failed: Azure has no such VM \(after pulumi destroy: run pulumi up, which starts the lab\)/);
    assert.ok(!fake.calls.some((c) => c.startsWith("start ") || c.startsWith("deallocate ")), "nothing asked of a VM Azure does not have");
  });

  it("Ctrl-C aborts the calls in flight and starts nothing more", async () => {
    fake = await fakeOf();
    const interrupt = new AbortController();
    fake.onCall = (call) => {
      if (call === "runCommand mh-oxf-dc1") interrupt.abort();
    };
    const { code, stderr } = await lab(fake, ["start", "--stack", "oxford"], { abortSignal: interrupt.signal });
    assert.equal(code, 130);
    assert.match(stderr, /^interrupted: .*not started: mh-lon-dc1, mh-oxf-ex1, mh-lon-ex1\)\n$/);
    assert.ok(!fake.calls.includes("start mh-lon-dc1"));
  });

  it("reaches an Image row's VM in the disk resource group, every other VM in the lab's", async () => {
    fake = await startFakeArm({ "img-dc1": { power: "running" }, "old-ex1": { power: "running" } });
    const { dir, stackFile } = writeLab(`BringOnline,VMName,VMOSDiskName,VMInstanceSize,SubnetName,Image\nYes,img-dc1,,Small,Oxford,ws2022\nYes,old-ex1,old-ex1-os,Small,Oxford,\n`);
    const { code, stderr } = await lab(fake, ["stop", "--config", stackFile], { baseDir: dir });
    assert.equal(code, 0, stderr);
    assert.deepEqual([...fake.groups].sort(), ["img-dc1@exchange-lab-disks", "old-ex1@exchange-lab"]);
  });

  it("--dry-run prints the order without calling Azure; --help lists the commands; a bad command is a usage error", async () => {
    const start = await lab(undefined, ["start", "--dry-run", "--stack", "oxford"], { env: {} });
    assert.equal(start.code, 0);
    assert.match(start.stdout, /^dry run: first, each parked disk of the VMs below \(a disk not parked is left as it is\):\n {2}convert mh-oxf-dc1-os /);
    assert.equal(start.stdout.slice(start.stdout.indexOf("dry run: would start")), [
      "dry run: would start, in resource group exchange-lab:",
      "  1. start mh-oxf-dc1, then wait until it serves (readiness script through Run Command)",
      "  2. start mh-lon-dc1, then wait until it serves (readiness script through Run Command)",
      "  3. start mh-oxf-ex1, mh-lon-ex1 (in parallel)",
      "",
    ].join("\n"));
    assert.match((await lab(undefined, ["stop", "--dry-run", "--stack", "oxford"])).stdout, /would deallocate, in reverse boot order, in resource group exchange-lab:\n {2}1\. deallocate mh-oxf-ex1, mh-lon-ex1 \(in parallel\)\n {2}2\. deallocate mh-lon-dc1\n {2}3\. deallocate mh-oxf-dc1\n$/);
    const help = await lab(undefined, ["--help"]);
    assert.equal(help.code, 0);
    for (const c of ["start", "stop", "status", "park", "unpark", "--park", "--dry-run", "--stack", "--config"]) assert.ok(help.stdout.includes(c), c);
    assert.equal((await lab(undefined, ["restart"])).code, 2);
    assert.throws(() => parseLabArgs(["start", "--stack", "a", "--config", "b"]), /not both/);
    const noSubscription = await lab(undefined, ["status", "--stack", "oxford"], { env: {} });
    assert.equal(noSubscription.code, 2);
    assert.match(noSubscription.stderr, /ARM_SUBSCRIPTION_ID/);
  });

  it("needs exactly one stack: with several stack files and no --stack it is a usage error that says to choose one", async () => {
    const r = await lab(undefined, ["start", "--dry-run"], { env: {} });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /several stacks under .*Pulumi\.oxford\.yaml, Pulumi\.training\.yaml.*choose one with --stack NAME/);
  });

  it("uses the run command name of its own, never the Pulumi gate's", () => {
    assert.equal(START_RUN_COMMAND_NAME, "exchange-lab-start-ready");
  });
});

describe("npm run lab -- up (fake ARM on 127.0.0.1, pulumi up faked)", () => {
  let fake: FakeArm | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it("starts the lab, runs pulumi up with every VM running, then deallocates again only the VMs that were deallocated", async () => {
    fake = await fakeOf({ "mh-lon-ex1": { power: "running" } });
    let during: string[] = [];
    const { code, stdout, stderr } = await lab(fake, ["up", "--stack", "oxford"], {
      runPulumi: async (stack) => {
        assert.equal(stack, "oxford");
        during = [...fake!.vms.values()].map((v) => v.power);
        return 0;
      },
    });
    assert.equal(code, 0, stderr);
    assert.ok(during.length === 4 && during.every((p) => p === "running"), during.join());
    assert.deepEqual(Object.fromEntries([...fake.vms].map(([n, v]) => [n, v.power])), { "mh-oxf-dc1": "deallocated", "mh-lon-dc1": "deallocated", "mh-oxf-ex1": "deallocated", "mh-lon-ex1": "running" });
    assert.match(stdout, /pulumi up: done/);
  });

  it("a VM Azure does not have yet (a new row: 404) is left to pulumi up; the others are started and put back", async () => {
    fake = await startFakeArm(Object.fromEntries(EXAMPLE_VMS.filter((n) => n !== "mh-lon-ex1").map((n) => [n, { power: "deallocated" as const }])));
    let ran = false;
    const { code, stderr } = await lab(fake, ["up", "--stack", "oxford"], { runPulumi: async () => ((ran = true), 0) });
    assert.equal(code, 0, stderr);
    assert.ok(ran);
    assert.ok(!fake.calls.includes("start mh-lon-ex1"));
    assert.ok([...fake.vms.values()].every((v) => v.power === "deallocated"));
  });

  it("a VM whose state Azure does not give (no answer): nothing started, pulumi up not run, exit 3", async () => {
    const closed = await fakeOf();
    await closed.close();
    let ran = false;
    const { code, stderr } = await lab(closed, ["up", "--stack", "oxford"], { runPulumi: async () => ((ran = true), 0) });
    assert.equal(code, 3);
    assert.equal(ran, false);
    assert.match(stderr, /mh-oxf-dc1: state unknown: [^\n]+\n[\s\S]*pulumi up was not run: the lab's state could not be read/);
  });

  it("a failed pulumi up still puts the lab back, and exits 3 saying so", async () => {
    fake = await fakeOf();
    const { code, stderr } = await lab(fake, ["up", "--stack", "oxford"], { runPulumi: async () => 255 });
    assert.equal(code, 3);
    assert.match(stderr, /pulumi up failed \(exit code 255\); the VMs that were deallocated before are deallocated again/);
    assert.ok([...fake.vms.values()].every((v) => v.power === "deallocated"));
  });

  it("--dry-run says the three stages", async () => {
    const { code, stdout } = await lab(undefined, ["up", "--stack", "oxford", "--dry-run"]);
    assert.equal(code, 0);
    assert.match(stdout, /then: pulumi up --stack oxford\nthen: deallocate again, in reverse boot order, the VMs that were not running before/);
  });
});
