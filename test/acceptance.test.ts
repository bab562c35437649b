// npm run acceptance: the sequence, its cleanup and its report against a fake automation
// workspace (which plays Pulumi and writes what Azure would hold into the fake ARM) and the real
// Azure SDK clients talking to the fake ARM on 127.0.0.1 (test/fakeAcceptance.ts).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import * as net from "net";
import { AutomationWorkspace, StepTimer, automationOptions, projectSettings, pulumiVersion } from "../src/acceptance/automation";
import { AcceptanceIo, OPTIONS, main, parseAcceptanceArgs } from "../src/acceptance/cli";
import { listenerScript } from "../src/acceptance/checks";
import { labCommands } from "../src/acceptance/labCommands";
import { tcpConnect } from "../src/acceptance/tcp";
import { RUN_TAG, smallestSize } from "../src/acceptance/lab";
import { Ports } from "../src/acceptance/ports";
import type { TokenCredential } from "@azure/identity";
import { AzureArm } from "../src/acceptance/arm";
import { startFakeArm } from "./fakeArm";
import { renderJson, renderMarkdown } from "../src/acceptance/report";
import { Step, leftoversOf, runAcceptance, steps } from "../src/acceptance/run";
import { PULUMI_CLI_FLOOR, atLeast, checkCliVersion } from "../src/acceptance/versions";
import { Harness, SUB, groupsLeft, harness, labFor, options } from "./fakeAcceptance";
import { ROOT } from "./helpers";

describe("npm run acceptance: the sequence (fake workspace, fake ARM on 127.0.0.1)", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.arm.close();
    h = undefined;
  });

  it("runs up, checks, a no-change up, refresh, preview, the edits, destroy, up on the kept disks, destroy, then deletes the disks and the disk group", async () => {
    const lab = labFor();
    h = await harness(lab);
    const { report, code } = await runAcceptance(h.ports, options(lab));
    assert.equal(code, 0, JSON.stringify([report.steps.filter((s) => s.status !== "done"), report.answers.filter((a) => a.status === "fail")], null, 1));
    const pulumiOps = h.events.filter((e) => /^(createStack|up|refresh|preview|destroy|writeCsv|dispose)/.test(e));
    assert.deepEqual(pulumiOps, ["createStack", "up", "preview --expect-no-changes", "up", "refresh", "preview", "writeCsv", "up", "writeCsv", "up", "destroy", "up", "destroy", "dispose"]);
    const at = (e: string) => h!.events.findIndex((x) => x.startsWith(e));
    assert.ok(at(`PUT ${lab.diskResourceGroup}`) < at("createStack"), `the disk group exists before the stack: ${h.events.join("\n")}`);
    assert.ok(at(`POST ${lab.diskResourceGroup}/virtualMachines/${lab.after[1].name}/deallocate`) > at("writeCsv"));
    assert.ok(h.events.lastIndexOf("destroy") < at(`DELETE ${lab.diskResourceGroup}/disks/`), "disks deleted after the last destroy");
    assert.ok(h.events.findIndex((e) => e === `DELETE ${lab.diskResourceGroup}`) > at(`DELETE ${lab.diskResourceGroup}/disks/`), "the group after its disks");
    assert.deepEqual(groupsLeft(h), []);
    assert.deepEqual(report.leftovers, []);
    assert.deepEqual(report.answers.map((a) => [a.id, a.status]), [
      ["lbPools", "pass"], ["gatewayDns", "not run"], ["nicMove", "pass"], ["runCommand", "pass"],
      ["refreshDiff", "pass"], ["noOpUp", "pass"], ["disksSurvive", "pass"], ["renameOneUp", "pass"], ["parking", "pass"],
    ]);
    assert.ok(h.probes.includes("127.0.0.1:443") && h.probes.includes("127.0.0.1:50001") && h.probes.includes("127.0.0.1:50002"));
    assert.ok(h.arm.calls.some((c) => c.includes("/runCommands/exchange-lab-acceptance-listen-443")), "a listener is started before 443 is probed");
  });

  for (const failing of steps().map((s) => s.id)) {
    it(`a failure at step '${failing}' stops the run, destroys the stack when there is one, deletes the run's disk group and leaves nothing`, async () => {
      const lab = labFor();
      h = await harness(lab);
      // The step runs, then fails: the worst case, with everything it made left behind.
      const sequence: Step[] = steps().map((s) => (s.id === failing ? { ...s, run: async (ctx) => { await s.run(ctx).catch(() => undefined); throw new Error(`injected failure at ${failing}`); } } : s));
      const { report, code } = await runAcceptance(h.ports, options(lab), sequence);
      assert.equal(code, 3);
      assert.equal(report.outcome, "failed");
      const failed = report.steps.find((s) => s.id === failing)!;
      assert.equal(failed.status, "failed");
      assert.match(failed.error!, /injected failure/);
      const after = report.steps.slice(report.steps.indexOf(failed) + 1).filter((s) => !s.id.startsWith("cleanup") && s.id !== "delete-disks");
      assert.ok(after.every((s) => s.status === "not run"), JSON.stringify(after));
      const stackMade = failing !== "disk-group";
      assert.equal(report.steps.some((s) => s.id === "cleanup-destroy" && s.status === "done"), stackMade);
      if (stackMade) assert.equal(h.events.filter((e) => e === "dispose").length, 1);
      assert.deepEqual(groupsLeft(h), [], `left: ${groupsLeft(h).join(", ")}`);
      assert.deepEqual(report.leftovers, []);
    });
  }

  it("Ctrl-C during the first up: the run stops, destroys, deletes the disk group and exits 130", async () => {
    const lab = labFor();
    const controller = new AbortController();
    h = await harness(lab, (op) => {
      if (op === "up") {
        controller.abort();
        return "canceled";
      }
      return undefined;
    });
    const { report, code } = await runAcceptance(h.ports, options(lab, { signal: controller.signal }));
    assert.equal(code, 130);
    assert.equal(report.outcome, "interrupted");
    assert.equal(report.steps.find((s) => s.id === "up")!.error, "interrupted (Ctrl-C)");
    assert.ok(h.events.includes("destroy"));
    assert.deepEqual(groupsLeft(h), []);
  });

  it("--expect-no-changes is a preview that refuses before anything is applied: noOpUp fails with the engine's words, then the up runs", async () => {
    const lab = labFor();
    h = await harness(lab, (op) => (op === "preview --expect-no-changes" ? "error: no changes were expected but changes were proposed" : undefined));
    const { report } = await runAcceptance(h.ports, options(lab));
    const ops = h.events.filter((e) => /^(up|preview)/.test(e));
    assert.deepEqual(ops.slice(0, 3), ["up", "preview --expect-no-changes", "up"]);
    const answer = report.answers.find((a) => a.id === "noOpUp")!;
    assert.equal(answer.status, "fail");
    assert.match(answer.evidence[0], /^preview --expect-no-changes refused: error: no changes were expected/);
    assert.match(answer.evidence[1], /^second up: same 12$/);
  });

  it("a disk still attached after destroy (managedBy set) fails disksSurvive: kept means existing and attached to nothing", async () => {
    const lab = labFor();
    h = await harness(lab);
    const sequence = steps().map((s) => (s.id === "destroy" ? { ...s, run: async (ctx: Parameters<Step["run"]>[0]) => {
      await s.run(ctx);
      const disk = [...h!.arm.resources.keys()].find((k) => k.endsWith(`/disks/${lab.after[0].osDisk}`.toLowerCase()))!;
      h!.arm.resources.set(disk, { ...h!.arm.resources.get(disk), managedBy: `/subscriptions/${SUB}/resourceGroups/${lab.diskResourceGroup}/providers/Microsoft.Compute/virtualMachines/orphan` });
    } } : s));
    const { report } = await runAcceptance(h.ports, options(lab), sequence);
    const answer = report.answers.find((a) => a.id === "disksSurvive")!;
    assert.equal(answer.status, "fail");
    assert.ok(answer.evidence.includes(`after destroy: ${lab.after[0].osDisk} exists, still attached to orphan`), answer.evidence.join("\n"));
    assert.ok(answer.evidence.includes(`after destroy: ${lab.after[1].osDisk} exists, unattached`));
  });

  it("the report sets each resource type's measured create minutes beside the plan's estimate, by phase", async () => {
    const lab = labFor();
    h = await harness(lab);
    const { report } = await runAcceptance(h.ports, options(lab));
    const vm = report.measured.find((m) => m.type === "azure-native:compute:VirtualMachine" && m.phase === "first up")!;
    assert.deepEqual([vm.count, vm.medianMinutes, vm.maxMinutes, vm.estimateMinutes], [2, 7.5, 8, 8]);
    const attach = report.measured.find((m) => m.type === "azure-native:compute:VirtualMachine" && m.phase === "up on the kept disks")!;
    assert.equal(attach.estimateMinutes, 3, "a VM on its kept disk: the plan's attach-and-start figure");
    assert.ok(!report.measured.some((m) => m.phase === "second up"), "a no-op up creates nothing");
    assert.match(renderMarkdown(report), /\| azure-native:compute:VirtualMachine \| first up \| 2 \| 7\.5 \| 8 \| 8 \| FROM_IMAGE_VM_MINUTES \(assumption\) \|/);
  });

  it("parking with the lab's own commands: stop --park and start on the deployed lab, a third conversion refused, park and unpark after destroy; type and tags after each", async () => {
    const lab = labFor();
    h = await harness(lab);
    const { report } = await runAcceptance(h.ports, options(lab));
    const [first, second] = lab.after.map((v) => v.osDisk);
    assert.deepEqual(h.events.filter((e) => e.startsWith("lab ")), [`lab stop --park ${first}`, `lab start ${first}`, `lab park ${first}`, `lab park ${second}`, `lab unpark ${second}`]);
    const at = (e: string) => h!.events.indexOf(e);
    assert.ok(at(`lab start ${first}`) < h.events.indexOf("destroy") && h.events.indexOf("destroy") < at(`lab park ${second}`), "stop --park and start before destroy, park and unpark after it");
    const parking = report.answers.find((a) => a.id === "parking")!;
    assert.equal(parking.status, "pass", parking.evidence.join("\n"));
    assert.deepEqual(parking.evidence.map((e) => e.replace(/:.*?; /, ": ...; ")), [
      `deployed lab: ...; ${first}: Standard_LRS, exchange-lab-running-sku StandardSSD_LRS, 1 conversion(s) recorded (expected Standard_LRS, exchange-lab-running-sku StandardSSD_LRS, 1)`,
      `deployed lab: ...; ${first}: StandardSSD_LRS, exchange-lab-running-sku none, 2 conversion(s) recorded (expected StandardSSD_LRS, exchange-lab-running-sku none, 2)`,
      parking.evidence[2].replace(/:.*?; /, ": ...; "),
      `after destroy: ...; ${second}: Standard_LRS, exchange-lab-running-sku StandardSSD_LRS, 1 conversion(s) recorded (expected Standard_LRS, exchange-lab-running-sku StandardSSD_LRS, 1)`,
      `after destroy: ...; ${second}: StandardSSD_LRS, exchange-lab-running-sku none, 2 conversion(s) recorded (expected StandardSSD_LRS, exchange-lab-running-sku none, 2)`,
    ]);
    assert.match(parking.evidence[2], new RegExp(`^after destroy: a third conversion of ${first} refused before Azure was asked: .*changed type 2 times today.*Azure allows 2 a day`));
  });

  it("the real lab command port calls npm run lab's own main with the run's stack file, the rows' CSV and the subscription, and rejects with its output on a non-zero exit", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "acceptance-lab-"));
    const seen: { argv: string[]; csv: string }[] = [];
    const port = labCommands(async (argv, write, writeError) => {
      seen.push({ argv: [...argv], csv: fs.readFileSync(argv[argv.indexOf("--csv") + 1], "utf8") });
      if (argv[0] === "park") {
        writeError("a disk changed type 2 times today\n");
        return 1;
      }
      write("started\n");
      return 0;
    });
    const target = { stackFile: path.join(dir, "Pulumi.acceptance.yaml"), csvText: "header\nrow\n", subscriptionId: SUB };
    try {
      assert.equal(await port.run("stop --park", target), "started\n");
      await assert.rejects(port.run("park", target), /^Error: npm run lab -- park exited 1: a disk changed type 2 times today$/);
      assert.deepEqual(seen[0].argv.slice(0, 4), ["stop", "--park", "--config", target.stackFile]);
      assert.deepEqual(seen[0].argv.slice(-2), ["--subscription", SUB]);
      assert.equal(seen[0].csv, "header\nrow\n");
      assert.deepEqual(fs.readdirSync(dir), [], "the rows' CSV is removed after the command");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--keep: after a failure nothing is destroyed or deleted, and what is left is listed with the az command that removes it", async () => {
    const lab = labFor();
    h = await harness(lab, (op) => (op === "refresh" ? "refresh failed: 429 TooManyRequests" : undefined));
    const { report, code } = await runAcceptance(h.ports, options(lab, { keep: true }));
    assert.equal(code, 3);
    assert.ok(!h.events.includes("destroy") && !h.events.includes("dispose"));
    assert.deepEqual(report.leftovers.map((l) => l.remove), [
      `az group delete --name ${lab.resourceGroup} --subscription ${SUB} --yes`,
      `az group delete --name ${lab.diskResourceGroup} --subscription ${SUB} --yes`,
    ]);
    assert.match(renderMarkdown(report), new RegExp(`## Left in Azure\\n\\n- ${lab.resourceGroup}: .*\`az group delete --name ${lab.resourceGroup} `));
  });

  it("a disk group without the run's tag is never deleted: it is listed as left", async () => {
    const lab = labFor();
    h = await harness(lab);
    const sequence = steps().map((s) => (s.id === "disk-group" ? { ...s, run: async () => void h!.arm.resources.set(`/subscriptions/${SUB}/resourcegroups/${lab.diskResourceGroup}`.toLowerCase(), { name: lab.diskResourceGroup, tags: { [RUN_TAG]: "someone-else" } }) } : s));
    const { report } = await runAcceptance(h.ports, options(lab), sequence);
    assert.match(report.steps.find((s) => s.id === "delete-disks")!.error!, /does not carry the tag exchange-lab-acceptance=0badf00d: left as it is/);
    assert.ok(!h.events.some((e) => e.startsWith(`DELETE ${lab.diskResourceGroup}`) && !e.includes("/runCommands/")), h.events.join("\n"));
    assert.deepEqual(report.leftovers.map((l) => l.what.split(":")[0]), [lab.diskResourceGroup]);
    assert.match(report.leftovers[0].remove, /^not removed: it does not carry the tag exchange-lab-acceptance=0badf00d/);
  });

  it("a group of the run's names that exists already: refused before anything is created, never deleted, never named as left", async () => {
    const lab = labFor();
    h = await harness(lab);
    for (const group of [lab.resourceGroup, lab.diskResourceGroup]) h.arm.resources.set(`/subscriptions/${SUB}/resourcegroups/${group}`.toLowerCase(), { name: group, tags: { owner: "someone" } });
    const { report, code } = await runAcceptance(h.ports, options(lab));
    assert.equal(code, 3);
    assert.match(report.steps.find((s) => s.id === "disk-group")!.error!, new RegExp(`resource group ${lab.resourceGroup} and ${lab.diskResourceGroup} exists already: .*nothing was created`));
    assert.ok(!h.events.some((e) => /^(PUT|DELETE) /.test(e) || e === "createStack"), h.events.join("\n"));
    assert.equal(groupsLeft(h).length, 2, "both groups untouched");
    assert.deepEqual(report.leftovers, []);
  });

  it("a port that never answers fails the load-balancer question with the evidence, and the run goes on", async () => {
    const lab = labFor();
    h = await harness(lab, () => undefined, (port) => port !== 443);
    const { report, code } = await runAcceptance(h.ports, options(lab));
    assert.equal(code, 3);
    assert.equal(report.outcome, "passed");
    const lb = report.answers.find((a) => a.id === "lbPools")!;
    assert.equal(lb.status, "fail");
    assert.ok(lb.evidence.some((e) => /TCP 127\.0\.0\.1:443 \(acc0badf00d-vm1\) failed \(timeout\) after \d+ tries over \d+ s/.test(e)), lb.evidence.join("\n"));
    assert.ok(h.events.lastIndexOf("destroy") > 0 && report.leftovers.length === 0);
  });

  it("the report: every question with its evidence, versions, region and estimate, in Markdown and JSON, and no secret anywhere", async () => {
    const lab = labFor("c0ffee00", true);
    const password = lab.secrets["exchange-lab:adminPassword"];
    // An engine message quoting a secret input must not carry it into the report.
    h = await harness(lab, (op) => (op === "preview --expect-no-changes" ? `diff: adminPassword "${password}" != "x"` : undefined));
    const { report } = await runAcceptance(h.ports, options(lab));
    const md = renderMarkdown(report);
    const json = renderJson(report);
    for (const secret of Object.values(lab.secrets)) {
      assert.ok(!md.includes(secret) && !json.includes(secret), "a secret in the report");
    }
    assert.ok(json.includes("[secret]"), json);
    const parsed = JSON.parse(json) as typeof report;
    assert.deepEqual(parsed.answers.map((a) => a.id), ["lbPools", "gatewayDns", "nicMove", "runCommand", "refreshDiff", "noOpUp", "disksSurvive", "renameOneUp", "parking"]);
    assert.equal(parsed.answers.find((a) => a.id === "noOpUp")!.status, "fail");
    assert.equal(parsed.answers.find((a) => a.id === "gatewayDns")!.status, "pass", JSON.stringify(parsed.answers.find((a) => a.id === "gatewayDns")));
    assert.deepEqual(parsed.versions.plugins, ["azure-native 3.28.0"]);
    assert.equal(parsed.region, "westeurope");
    assert.match(md, /^# exchange-lab acceptance run c0ffee00: passed\n/);
    assert.match(md, /Pulumi CLI v3\.210\.0, SDK 3\.248\.0/);
    assert.match(md, /Estimate: about 60 minutes, 0\.14 USD \(0\.11 USD an hour running/);
    assert.match(md, /## nicMove: pass\n\nDoes a VM built from an image come back[^\n]*\n\n- acc[0-9a-f]+-vm2's NIC: subnet Two \(expected Two\), address 10\.99\.2\.10 \(expected 10\.99\.2\.10\)/);
    assert.match(md, /## disksSurvive: pass\n[\s\S]*after destroy: exlab-acc-c0ffee00-vm1-os exists, unattached[\s\S]*after up: acc[0-9a-f]+-vmb at 10\.99\.1\.4 \(before 10\.99\.1\.4\)/);
    assert.match(md, /## gatewayDns: pass\n\n[^\n]*\n\n- exlab-acc-c0ffee00-gw\.westeurope\.cloudapp\.azure\.com \(the stack's gatewayFqdn, Azure's name of vnet-vpngw-ip\) resolves to 192\.0\.2\.80; the gateway's address is 192\.0\.2\.80\n- connection vnet-to-draytek: provisioningState Succeeded, connectionStatus NotConnected/);
    assert.match(md, /## runCommand: pass\n\n[^\n]*\n\n- failing script: Succeeded\/Failed, exit 1, started [^\n]*\n- same PUT again: Succeeded\/Failed, exit 1, started [^\n]*; ARM re-ran it\n- deallocated VM, update: accepted \(Succeeded\/Succeeded, exit 0, [^\n]*\n- deallocated VM, delete: accepted\n/);
    assert.match(md, /- listener on acc[0-9a-f]+-vm1:443 by a run command: Succeeded, exit 0\n/);
    assert.ok(!h.created[0].config["exchange-lab:adminPassword"], "secrets are not plain config");
  });
});

describe("npm run acceptance: the command line", () => {
  const io = (overrides: Partial<AcceptanceIo> = {}) => {
    const out = { stdout: "", stderr: "" };
    const value: AcceptanceIo = {
      write: (s) => (out.stdout += s), writeError: (s) => (out.stderr += s), isTty: false, confirm: async () => false,
      ports: () => {
        throw new Error("no ports in this test");
      },
      runDir: () => fs.mkdtempSync(path.join(os.tmpdir(), "acceptance-test-")), renderer: "silent", signal: new AbortController().signal, runId: "0badf00d",
      ...overrides,
    };
    return { io: value, out };
  };
  const fakePorts = (cli: string, signIn?: string): Ports => ({
    workspace: { cliVersion: async () => cli, createStack: async () => assert.fail("no stack in this test") },
    arm: { signIn: async () => signIn } as Ports["arm"], tcp: async () => ({ ok: true, ms: 1 }), resolve: async () => [], clock: { now: () => 0, sleep: async () => undefined },
  });

  it("an expired or missing az login: said before the cost is asked for, with the fix; exit 2, nothing created", async () => {
    let asked = false;
    const { io: value, out } = io({ ports: () => fakePorts("v3.210.0", "cannot sign in to Azure (AADSTS700082: The refresh token has expired)\nrun az login"), isTty: true, confirm: async () => ((asked = true), true) });
    assert.equal(await main(["--subscription", SUB, "--allow-from", "203.0.113.7"], value), 2);
    assert.equal(out.stderr, "cannot sign in to Azure (AADSTS700082: The refresh token has expired)\nrun az login\n");
    assert.equal(asked, false, "no cost question for a run that cannot start");
  });

  it("the real ARM port's sign-in: a failing credential gives labctl's message; the subscription must be one the login sees (fake ARM)", async () => {
    const failing = new AzureArm({ credential: { getToken: async () => Promise.reject(new Error("ChainedTokenCredential authentication failed.\nmore")) }, subscriptionId: SUB });
    assert.match((await failing.signIn())!, new RegExp(`^subscription ${SUB}: not reached\\ncannot sign in to Azure \\(ChainedTokenCredential authentication failed\\.\\)\\nrun az login`));
    const fake = await startFakeArm({});
    try {
      const token: TokenCredential = { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 60_000 }) };
      assert.equal(fake.subscriptions[0].subscriptionId, SUB);
      assert.equal(await new AzureArm({ credential: token, subscriptionId: SUB, endpoint: fake.endpoint, ca: fake.ca }).signIn(), undefined);
      const other = "11111111-2222-3333-4444-555555555555";
      assert.equal(await new AzureArm({ credential: token, subscriptionId: other, endpoint: fake.endpoint, ca: fake.ca }).signIn(), `subscription ${other}: not among those this login sees ('Lab subscription' (${SUB})); check --subscription, or az login to its tenant (az account list -o table)`);
    } finally {
      await fake.close();
    }
  });

  it("refuses without --subscription, saying why after the CLI's name, then the usage, and exits 2", async () => {
    const { io: value, out } = io();
    assert.equal(await main(["--allow-from", "203.0.113.7"], value), 2);
    assert.match(out.stderr, /^exchange-lab acceptance: refusing to run without --subscription ID[^\n]*\n\nusage: npm run acceptance -- --subscription ID /);
    assert.equal(out.stdout, "");
  });

  it("--dry-run prints the steps, the generated lab, the estimated cost and duration, and touches nothing", async () => {
    const { io: value, out } = io();
    assert.equal(await main(["--dry-run", "--subscription", "00000000-0000-0000-0000-000000000000"], value), 0);
    assert.match(out.stdout, /Generated lab: 2 VMs of Standard_B1ms \(1 vCPU, 2 GiB: the smallest size that boots ws2022\)/);
    assert.match(out.stdout, /Steps:\n {2}1\. Create the disk resource group[\s\S]* {2}17\. pulumi destroy\n/);
    assert.match(out.stdout, /Disk type conversions: 2 per disk \(Azure allows 2 a day\)/);
    assert.match(out.stdout, /Estimate: about \d+ minutes and \d+\.\d\d USD \(\d+\.\d\d USD an hour while running/);
    assert.match(out.stdout, /Dry run: nothing was created\.\n$/);
  });

  it("--dry-run lists the VPN checks only with --with-vpn", async () => {
    const without = io();
    assert.equal(await main(["--dry-run", "--subscription", "00000000-0000-0000-0000-000000000000"], without.io), 0);
    const stepsOf = (text: string) => text.slice(text.indexOf("Steps:"), text.indexOf("Estimate:"));
    assert.ok(!/VPN|gateway/i.test(stepsOf(without.out.stdout)), stepsOf(without.out.stdout));
    const withVpn = io();
    assert.equal(await main(["--dry-run", "--with-vpn", "--subscription", "00000000-0000-0000-0000-000000000000"], withVpn.io), 0);
    assert.match(stepsOf(withVpn.out.stdout), /Checks: load balancer \(RDP, HTTPS\), VPN gateway/);
  });

  it("--keep: the stack's passphrase in a file of mode 0600 beside the report, the commands that destroy the stack later printed, no passphrase in the report", async () => {
    const lab = labFor();
    const h = await harness(lab, (op) => (op === "refresh" ? "refresh failed" : undefined));
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "acceptance-out-"));
    try {
      const { io: value, out: printed } = io({ ports: () => h.ports, isTty: true, confirm: async () => true });
      assert.equal(await main(["--subscription", SUB, "--allow-from", "203.0.113.7", "--out", out, "--keep"], value), 3);
      const file = path.join(out, "acceptance-0badf00d.passphrase");
      assert.equal(fs.readFileSync(file, "utf8"), "the-passphrase");
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.match(printed.stdout, new RegExp(`PULUMI_BACKEND_URL='file:///tmp/run/state' PULUMI_CONFIG_PASSPHRASE_FILE='${file}' pulumi destroy --stack acceptance-0badf00d --yes`));
      assert.match(printed.stdout, new RegExp(`az group delete --name ${lab.diskResourceGroup} --subscription ${SUB} --yes`));
      for (const report of ["acceptance-0badf00d.md", "acceptance-0badf00d.json"]) {
        const text = fs.readFileSync(path.join(out, report), "utf8");
        assert.ok(!text.includes("the-passphrase"), report);
        assert.ok(text.includes(file), `${report} names the passphrase file`);
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
      await h.arm.close();
    }
  });

  it("a Pulumi CLI below the floor: a clear message naming both versions, exit 2, nothing created", async () => {
    const { io: value, out } = io({ ports: () => fakePorts("v3.206.1"), isTty: true });
    assert.equal(await main(["--subscription", SUB, "--allow-from", "203.0.113.7", "--yes"], value), 2);
    assert.equal(out.stderr, `Pulumi CLI v3.206.1 is below ${PULUMI_CLI_FLOOR}, the oldest this project supports (replaceWith needs it); upgrade: https://www.pulumi.com/docs/iac/download-install/\n`);
  });

  it("without a terminal and without --yes: refuses (no one to confirm the cost), exit 2", async () => {
    const { io: value, out } = io({ ports: () => fakePorts("v3.210.0") });
    assert.equal(await main(["--subscription", SUB, "--allow-from", "203.0.113.7"], value), 2);
    assert.match(out.stderr, /^refusing to run without --yes: there is no terminal/);
  });

  it("asks for confirmation with the estimated cost and duration; no is a refusal", async () => {
    let asked = "";
    const { io: value } = io({ ports: () => fakePorts("v3.210.0"), isTty: true, confirm: async (q) => ((asked = q), false) });
    assert.equal(await main(["--subscription", SUB, "--allow-from", "203.0.113.7"], value), 2);
    assert.match(asked, new RegExp(`^Deploy in subscription ${SUB} for about \\d+ minutes and \\d+\\.\\d\\d USD\\? \\[y/N\\] $`));
  });

  it("a confirmed run through the command line writes the report as Markdown and JSON and says nothing is left", async () => {
    const h = await harness(labFor());
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "acceptance-out-"));
    try {
      const { io: value, out: printed } = io({ ports: () => h.ports, isTty: true, confirm: async () => true });
      assert.equal(await main(["--subscription", SUB, "--allow-from", "203.0.113.7", "--out", out], value), 0, printed.stderr);
      assert.deepEqual(fs.readdirSync(out).sort(), ["acceptance-0badf00d.json", "acceptance-0badf00d.md"]);
      assert.match(fs.readFileSync(path.join(out, "acceptance-0badf00d.md"), "utf8"), /^# exchange-lab acceptance run 0badf00d: passed\n/);
      assert.match(printed.stdout, /pass {4}lbPools\n/);
      assert.match(printed.stdout, /Nothing of the run is left in Azure\.\n$/);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
      await h.arm.close();
    }
  });

  it("reads `pulumi version` from the CLI on the PATH (a fake one here) and checks it against the floor", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-pulumi-"));
    fs.writeFileSync(path.join(dir, "pulumi"), "#!/bin/sh\necho v3.150.0\n", { mode: 0o755 });
    const version = await pulumiVersion({ ...process.env, PATH: dir });
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(version, "v3.150.0");
    assert.throws(() => checkCliVersion(version), /Pulumi CLI v3\.150\.0 is below 3\.207\.0/);
    await assert.rejects(pulumiVersion({ PATH: "/nonexistent" }), /no Pulumi CLI found \(ENOENT\); install it/);
  });

  it("the floor: at or above 3.207.0; a pre-release of it is below", () => {
    assert.deepEqual(["v3.207.0", "3.207.1", "v3.248.0", "v4.0.0", "v3.207.0-alpha.1", "v3.206.9", "v2.99.0", "garbage"].map((v) => atLeast(v)), [true, true, true, true, false, false, false, false]);
  });

  it("Pulumi.yaml's requiredPulumiVersion, when declared, is the floor", () => {
    const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { requiredPulumiVersion?: string };
    if (project.requiredPulumiVersion !== undefined) assert.equal(project.requiredPulumiVersion, `>=${PULUMI_CLI_FLOOR}`);
  });

  it("arguments: region spelled either way, --allow-from as an address or a /32, a bad subscription refused", () => {
    const args = parseAcceptanceArgs(["--subscription", SUB, "--region", "West Europe", "--allow-from", "203.0.113.7", "--with-vpn", "--keep", "--yes"]);
    assert.deepEqual(args, { subscription: SUB, region: "westeurope", withVpn: true, withRoles: false, exchangeIsoUrl: undefined, allowFrom: "203.0.113.7/32", keep: true, yes: true, dryRun: false, out: "." });
    assert.throws(() => parseAcceptanceArgs(["--subscription", "mine", "--dry-run"]), /is not a subscription ID/);
    assert.throws(() => parseAcceptanceArgs(["--subscription", SUB]), /give --allow-from <your public IPv4>/);
  });

  it("arguments through util.parseArgs: unknown options, missing values and positionals refused in plain words; -y and -h as short forms", () => {
    assert.throws(() => parseAcceptanceArgs(["--subscription", SUB, "--frobnicate"]), /^Error: unknown option '--frobnicate'$/);
    assert.throws(() => parseAcceptanceArgs(["--subscription"]), /^Error: --subscription needs a value$/);
    assert.throws(() => parseAcceptanceArgs(["--subscription", "--dry-run"]), /^Error: --subscription needs a value$/);
    assert.throws(() => parseAcceptanceArgs(["--subscription", SUB, "--dry-run", "extra"]), /unexpected argument 'extra'/);
    assert.throws(() => parseAcceptanceArgs(["-h"]), /^Error: help$/);
    assert.equal(parseAcceptanceArgs(["--subscription", SUB, "--dry-run", "-y"]).yes, true);
  });

  it("--help is generated from the option definitions: every option, its value's name and its help", async () => {
    const { io: value, out } = io();
    assert.equal(await main(["--help"], value), 0);
    for (const [name, spec] of Object.entries(OPTIONS)) {
      assert.match(out.stdout, new RegExp(`\\n  ${"short" in spec ? `-${spec.short}, ` : ""}--${name}${"value" in spec ? ` ${spec.value}` : ""} +${spec.help.split(" ").slice(0, 3).join(" ").replace(/[()]/g, "\\$&")}`), name);
    }
    assert.match(out.stdout, /^usage: npm run acceptance -- --subscription ID \[--region R\] .*\[--out DIR\]\n/);
    assert.match(out.stdout, /\n\noptions:\n {2}--subscription ID[\s\S]*\n\nexit codes: 0 every question passed[\s\S]* 2 usage error or refusal[\s\S]* 3 a step or a question failed[\s\S]* 130 interrupted/);
  });

  it("--exchange-iso-url is a secret: a bad one is refused without repeating it; it needs --with-roles, and --with-roles needs it for a real run", () => {
    const sas = "http://store.blob.core.windows.net/iso/ExchangeServerSE.iso?sig=SECRET";
    assert.throws(() => parseAcceptanceArgs(["--subscription", SUB, "--with-roles", "--allow-from", "203.0.113.7", "--exchange-iso-url", sas]), (err: Error) => /not an https:\/\/ URL/.test(err.message) && !err.message.includes("SECRET"));
    assert.throws(() => parseAcceptanceArgs(["--subscription", SUB, "--dry-run", "--exchange-iso-url", sas.replace("http:", "https:")]), /for --with-roles only/);
    assert.throws(() => parseAcceptanceArgs(["--subscription", SUB, "--with-roles", "--allow-from", "203.0.113.7"]), /--with-roles needs --exchange-iso-url/);
    assert.equal(parseAcceptanceArgs(["--subscription", SUB, "--with-roles", "--dry-run"]).withRoles, true);
  });

  it("the generated lab: the smallest catalogue size with 2 GiB that boots Generation 1, the rename keeping its OS disk", () => {
    assert.equal(smallestSize(1).name, "Standard_B1ms");
    const lab = labFor();
    assert.equal(lab.after[0].osDisk, lab.before[0].osDisk);
    assert.notEqual(lab.after[0].name, lab.before[0].name);
    assert.deepEqual([lab.before[1].subnet, lab.after[1].subnet], ["One", "Two"]);
    assert.ok(!JSON.stringify(lab.config).includes(lab.secrets["exchange-lab:adminPassword"]));
  });
});

describe("npm run acceptance: the real adapters, offline", () => {
  it("the inline program's project: Pulumi.yaml as written, a local file backend, the stack file beside it (not under stacks/)", () => {
    const state = path.join(os.tmpdir(), "run", "state");
    const settings = projectSettings(state) as unknown as Record<string, unknown>;
    assert.equal(settings.name, "exchange-lab");
    assert.deepEqual(settings.backend, { url: `file://${state}` });
    assert.equal(settings.stackConfigDir, undefined);
    assert.ok((settings.config as Record<string, unknown>).resourceGroupName, "the config schema is carried");
  });

  it("engine events to timings: each resource step from its resourcePreEvent to its resOutputsEvent (Unix seconds), unfinished steps left out", () => {
    const timer = new StepTimer();
    const meta = (urn: string, type: string, op: string) => ({ op, urn, type, provider: "" });
    const events = [
      { sequence: 1, timestamp: 1000, resourcePreEvent: { metadata: meta("urn:pulumi:s::p::azure-native:compute:VirtualMachine::vm1", "azure-native:compute:VirtualMachine", "create") } },
      { sequence: 2, timestamp: 1010, resourcePreEvent: { metadata: meta("urn:pulumi:s::p::azure-native:network:LoadBalancer::lb", "azure-native:network:LoadBalancer", "create") } },
      { sequence: 3, timestamp: 1040, resOutputsEvent: { metadata: meta("urn:pulumi:s::p::azure-native:network:LoadBalancer::lb", "azure-native:network:LoadBalancer", "create") } },
      { sequence: 4, timestamp: 1480, resOutputsEvent: { metadata: meta("urn:pulumi:s::p::azure-native:compute:VirtualMachine::vm1", "azure-native:compute:VirtualMachine", "create") } },
      { sequence: 5, timestamp: 1500, resourcePreEvent: { metadata: meta("urn:pulumi:s::p::azure-native:compute:VirtualMachine::vm2", "azure-native:compute:VirtualMachine", "create") } },
    ];
    for (const e of events) timer.onEvent(e as unknown as Parameters<StepTimer["onEvent"]>[0]);
    assert.deepEqual(timer.timings, [
      { type: "azure-native:network:LoadBalancer", name: "lb", op: "create", seconds: 30 },
      { type: "azure-native:compute:VirtualMachine", name: "vm1", op: "create", seconds: 480 },
    ]);
  });

  it("the Automation API is given no signal (it would send the CLI a second SIGINT); progress and engine events only", () => {
    const given = automationOptions({ signal: new AbortController().signal, onOutput: () => undefined }, new StepTimer());
    assert.deepEqual(Object.keys(given).sort(), ["onEvent", "onOutput"]);
  });

  it("AutomationWorkspace with a CLI root: `pulumi version` from <root>/bin, with the given environment, the PATH's CLI ignored", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-root-"));
    fs.mkdirSync(path.join(root, "bin"));
    fs.writeFileSync(path.join(root, "bin", "pulumi"), "#!/bin/sh\necho \"v3.999.0 $TWIN_STATE\"\n", { mode: 0o755 });
    try {
      const version = await new AutomationWorkspace({ pulumiRoot: root, envVars: { TWIN_STATE: "twin.json" }, installProvider: false }, { PATH: "/nonexistent" }).cliVersion();
      assert.equal(version, "v3.999.0 twin.json");
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("TCP connects: a listening port connects, a closed one is refused, never a rejection", async () => {
    const server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    const open = await tcpConnect("127.0.0.1", port, 2000);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const closed = await tcpConnect("127.0.0.1", port, 2000);
    assert.equal(open.ok, true);
    assert.deepEqual([closed.ok, closed.error], [false, "ECONNREFUSED"]);
  });

  it("the 443 listener: a firewall rule and a scheduled task running a TcpListener on the port, encoded as PowerShell wants", () => {
    const script = listenerScript(443);
    assert.match(script, /New-NetFirewallRule [^\n]*-LocalPort 443 -Action Allow/);
    const encodedCommand = /-EncodedCommand ([A-Za-z0-9+/=]+)/.exec(script)![1];
    assert.match(Buffer.from(encodedCommand, "base64").toString("utf16le"), /TcpListener\]::new\(\[Net\.IPAddress\]::Any,443\)/);
    assert.match(script, /Register-ScheduledTask -TaskName 'exchange-lab-acceptance-443' [^\n]*-User 'SYSTEM'/);
  });

  it("what is left, when Azure cannot be asked: both resource groups, each with its az command", async () => {
    const lab = labFor();
    const ports = { arm: { group: async () => Promise.reject(new Error("ENOTFOUND management.azure.com")) } } as unknown as Ports;
    const left = await leftoversOf(ports, lab, SUB);
    assert.deepEqual(left.map((l) => l.remove), [lab.resourceGroup, lab.diskResourceGroup].map((g) => `az group delete --name ${g} --subscription ${SUB} --yes`));
  });
});
