// npm run acceptance --with-roles: the role lab (a forest root DC, Exchange and a member from
// images), its sequence, checks and report against the fakes of test/fakeAcceptance.ts, the dry
// run with no network, and the real HTTPS prober against a local self-signed server.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as https from "https";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { generate } from "selfsigned";
import { AcceptanceIo, main } from "../src/acceptance/cli";
import { httpsGet } from "../src/acceptance/https";
import { AcceptanceLab, acceptanceLab } from "../src/acceptance/lab";
import { renderJson, renderMarkdown } from "../src/acceptance/report";
import { DOMAIN_SCRIPT, JOIN_SCRIPT } from "../src/acceptance/roleChecks";
import { runAcceptance, steps } from "../src/acceptance/run";
import { ESTIMATE, FakeRoleSteps, Harness, SUB, groupsLeft, harness, options } from "./fakeAcceptance";

const ISO = "https://labstore.blob.core.windows.net/iso/ExchangeServerSE-x64.iso?sv=2024-11-04&se=2026-12-08&sp=r&sig=c2VjcmV0LXNhcy1zaWduYXR1cmU%3D";

function roleLabFor(runId = "0ddba11a"): AcceptanceLab {
  return acceptanceLab({ runId, region: "westeurope", withVpn: false, allowFrom: "203.0.113.7/32", csvPath: path.join(os.tmpdir(), "unused", "lab.csv"), subscriptionId: SUB, withRoles: true, exchangeIsoUrl: ISO });
}

/** The role steps the fake's first up runs: what each script prints (the ISO step quoting its SAS token, as a careless script might). */
function fakeSteps(lab: AcceptanceLab): FakeRoleSteps {
  const r = lab.roles!;
  const sig = new URL(ISO).searchParams.get("sig")!;
  return {
    steps: [
      { vm: r.dc.name, id: "dc-promote", minutes: 12, output: `Install-ADDSForest ${r.domainName}: done, restarting` },
      { vm: r.exchange.name, id: "exchange-prereqs", minutes: 38, output: `downloaded ${ISO.split("?")[0]}?sig=${sig}\nprerequisites installed` },
      { vm: r.member.name, id: "domain-join", minutes: 2, output: `joined ${r.domainName}` },
    ],
  };
}

const roleEstimate = (lab: AcceptanceLab) => ({ ...ESTIMATE, roleSteps: fakeSteps(lab).steps.map(({ vm, id }) => ({ vm, id, what: id, minutes: id === "exchange-prereqs" ? 40 : 10 })) });

/** What the guests print to the run's own checks, as Get-ADDomain and Win32_ComputerSystem would. */
function guests(lab: AcceptanceLab, joined = true) {
  const r = lab.roles!;
  return (pathname: string, script: string) => {
    if (script === DOMAIN_SCRIPT && pathname.includes(`/virtualMachines/${r.dc.name}/`)) return `DNSRoot=${r.domainName}\nNetBIOSName=ACC0DDBA11A\nForestMode=Windows2016Forest\nDomainControllers=${r.dc.name}.${r.domainName}`;
    if (script === JOIN_SCRIPT) return `PartOfDomain=${joined ? "True" : "False"}\nDomain=${joined ? r.domainName : "WORKGROUP"}\nSecureChannel=${joined ? "True" : "False"}`;
    return undefined;
  };
}

describe("npm run acceptance --with-roles: the role lab", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.arm.close();
    h = undefined;
  });

  it("the generated lab is the README's Role quick start: a forest root DC as a barrier, Exchange publishing https on Large, a member; the ISO URL only as a secret", () => {
    const lab = roleLabFor();
    const rows = lab.csvBefore.trim().split("\n");
    assert.match(rows[0], /,Image,Role$/);
    assert.match(rows[1], /^Yes,acc0ddba11a-dc1,[^,]+,Standard_B2s,One,10\.99\.1\.4,Yes,50001,,E10,ws2022-g2,DC$/);
    assert.match(rows[2], /^Yes,acc0ddba11a-ex1,[^,]+,Standard_B4ms,One,10\.99\.1\.10,No,50002,https,E10,ws2022-g2,Exchange$/);
    assert.match(rows[3], /^Yes,acc0ddba11a-m1,[^,]+,Standard_B2s,One,10\.99\.1\.11,No,50003,,E10,ws2022-g2,Member$/);
    assert.equal(lab.config["exchange-lab:domainName"], "acc0ddba11a.example.com");
    assert.deepEqual(lab.config["exchange-lab:dnsServers"], ["acc0ddba11a-dc1"]);
    assert.equal(lab.secrets["exchange-lab:exchangeIsoUrl"], ISO);
    assert.ok(!JSON.stringify(lab.config).includes("sig="), "the SAS URL is never plain config");
  });

  it("runs up, the role checks, destroy, up on the kept disks, the checks again with no role step, destroy; everything passes and nothing is left", async () => {
    const lab = roleLabFor();
    const probed: string[] = [];
    h = await harness(lab, () => undefined, () => true, { roles: fakeSteps(lab), https: async (url) => (probed.push(url), { ok: true, status: 200, ms: 40, body: "200 OK<br/>acc0ddba11a-ex1.acc0ddba11a.example.com" }) });
    h.arm.runCommandOutput = guests(lab);
    const { report, code } = await runAcceptance(h.ports, options(lab, { estimate: roleEstimate(lab) }));
    assert.equal(code, 0, JSON.stringify([report.steps.filter((s) => s.status !== "done"), report.answers.filter((a) => a.status !== "pass")], null, 1));
    assert.deepEqual(h.events.filter((e) => /^(createStack|up|destroy|dispose)/.test(e)), ["createStack", "up", "destroy", "up", "destroy", "dispose"]);
    assert.deepEqual(report.answers.map((a) => [a.id, a.status]), [["gatewayDns", "not run"], ["disksSurvive", "pass"], ["forest", "pass"], ["memberJoined", "pass"], ["exchangeHealth", "pass"], ["roleStepsOnce", "pass"]]);
    assert.deepEqual(probed, ["https://127.0.0.1/owa/healthcheck.htm", "https://127.0.0.1/owa/healthcheck.htm"], "once in each life, from the lab's public address");
    const forest = report.answers.find((a) => a.id === "forest")!;
    assert.match(forest.evidence[0], /^first life: acc0ddba11a-dc1 \(exit 0\): DNSRoot acc0ddba11a\.example\.com \(expected acc0ddba11a\.example\.com\), NetBIOS ACC0DDBA11A/);
    assert.match(forest.evidence[1], /^second life: /);
    assert.ok(report.answers.find((a) => a.id === "roleStepsOnce")!.evidence.includes("up on the kept disks: the engine created no role step and no reboot wait"));
    assert.deepEqual(groupsLeft(h), []);
  });

  it("the report: each role step's minutes (plan, engine, script) and its output with the SAS URL and its token masked, in Markdown and JSON", async () => {
    const lab = roleLabFor();
    h = await harness(lab, () => undefined, () => true, { roles: fakeSteps(lab), https: async () => ({ ok: true, status: 200, ms: 40 }) });
    h.arm.runCommandOutput = guests(lab);
    const { report } = await runAcceptance(h.ports, options(lab, { estimate: roleEstimate(lab) }));
    const prereqs = report.roleSteps!.find((s) => s.step === "exchange-prereqs")!;
    assert.deepEqual([prereqs.vm, prereqs.estimateMinutes, prereqs.engineMinutes, prereqs.scriptMinutes, prereqs.exitCode], [lab.roles!.exchange.name, 40, 38.8, 38.5, 0]);
    const md = renderMarkdown(report);
    const json = renderJson(report);
    const sig = new URL(ISO).searchParams.get("sig")!;
    for (const text of [md, json]) {
      assert.ok(!text.includes(ISO) && !text.includes(sig) && !text.includes(new URL(ISO).search), "no SAS token in the report");
    }
    assert.match(md, /\| acc0ddba11a-ex1 \| exchange-prereqs \| 40 \| 38\.8 \| 38\.5 \| Succeeded \| 0 \|/);
    assert.match(md, /\n- Lab: acc0ddba11a-dc1 \(Standard_B2s\), acc0ddba11a-ex1 \(Standard_B4ms\), acc0ddba11a-m1 \(Standard_B2s\), domain acc0ddba11a\.example\.com from ws2022-g2;/);
    assert.match(md, /\n- Measured: \d+ minutes, about \d+\.\d\d USD at the plan's running rate/);
    assert.match(md, /### acc0ddba11a-ex1 exchange-prereqs\n\n```\ndownloaded https:\/\/labstore\.blob\.core\.windows\.net\/iso\/ExchangeServerSE-x64\.iso\?sig=\[secret\]\nprerequisites installed\n```/);
  });

  it("a member not joined and an Exchange that never answers: both questions fail with the evidence, the run goes on to the cleanup", async () => {
    const lab = roleLabFor();
    h = await harness(lab, () => undefined, () => true, { roles: fakeSteps(lab), https: async () => ({ ok: false, ms: 10_000, error: "ECONNREFUSED" }) });
    h.arm.runCommandOutput = guests(lab, false);
    const { report, code } = await runAcceptance(h.ports, options(lab, { estimate: roleEstimate(lab) }));
    assert.equal(code, 3);
    assert.equal(report.outcome, "passed");
    const joined = report.answers.find((a) => a.id === "memberJoined")!;
    assert.equal(joined.status, "fail");
    assert.ok(joined.evidence.includes("first life: acc0ddba11a-m1: PartOfDomain False, domain WORKGROUP, secure channel False (exit 0)"), joined.evidence.join("\n"));
    const health = report.answers.find((a) => a.id === "exchangeHealth")!;
    assert.match(health.evidence[0], /^first life: GET https:\/\/127\.0\.0\.1\/owa\/healthcheck\.htm failed \(ECONNREFUSED\) after \d+ tries over \d+ s/);
    assert.deepEqual(groupsLeft(h), []);
  });

  it("a role step run again in the second life fails roleStepsOnce, naming it", async () => {
    const lab = roleLabFor();
    h = await harness(lab, () => undefined, () => true, { roles: fakeSteps(lab), https: async () => ({ ok: true, status: 200, ms: 40 }) });
    h.arm.runCommandOutput = guests(lab);
    const sequence = steps(lab).map((s) => (s.id === "up-again" ? { ...s, run: async (ctx: Parameters<typeof s.run>[0]) => {
      await s.run(ctx);
      ctx.timings.push({ type: "azure-native:compute:VirtualMachineRunCommandByVirtualMachine", name: `${lab.roles!.dc.name}-dc-promote`, op: "create", seconds: 600, phase: "up on the kept disks" });
    } } : s));
    const { report } = await runAcceptance(h.ports, options(lab, { estimate: roleEstimate(lab) }), sequence);
    const once = report.answers.find((a) => a.id === "roleStepsOnce")!;
    assert.equal(once.status, "fail");
    assert.ok(once.evidence.includes(`up on the kept disks: the engine created ${lab.roles!.dc.name}-dc-promote`), once.evidence.join("\n"));
  });
});

describe("npm run acceptance --with-roles: the dry run, with no network", () => {
  it("npm run acceptance -- --dry-run --with-roles --subscription <zeros> prints the lab, the role steps with their minutes, the whole sequence, the duration and the cost", async () => {
    let out = "";
    const io: AcceptanceIo = {
      write: (s) => (out += s), writeError: (s) => (out += s), isTty: false, confirm: async () => false,
      // No ports, so no Azure and no Pulumi: the dry run must not need them.
      ports: () => assert.fail("the dry run made ports"),
      runDir: () => fs.mkdtempSync(path.join(os.tmpdir(), "acceptance-roles-")), renderer: "silent", signal: new AbortController().signal, runId: "0ddba11a",
    };
    assert.equal(await main(["--dry-run", "--with-roles", "--subscription", "00000000-0000-0000-0000-000000000000"], io), 0, out);
    assert.match(out, /^Acceptance run 0ddba11a in westeurope with the roles \(a forest, Exchange and a member\)\n/);
    assert.match(out, /Generated lab: the forest acc0ddba11a\.example\.com on acc0ddba11a-dc1 \(Standard_B2s\), Exchange Server SE on acc0ddba11a-ex1 \(Standard_B4ms/);
    assert.match(out, /Role steps of the first up \(the plan's minutes\):\n {2}acc0ddba11a-dc1 dc-promote: about \d+ min[\s\S]* {2}acc0ddba11a-ex1 exchange-ready: about \d+ min[\s\S]* {2}acc0ddba11a-m1 join-ready: about \d+ min/);
    assert.match(out, /Steps:\n {2}1\. Create the disk resource group[\s\S]* {2}3\. pulumi up: a forest root DC, an Exchange server and a member[\s\S]* {2}7\. pulumi up on the kept disks \(no role step may run\)\n {2}8\. Checks: same addresses and disks, the forest and Exchange still there, no role step run again\n {2}9\. pulumi destroy\n/);
    assert.match(out, /Estimate: about \d{3} minutes and \d+\.\d\d USD \(\d+\.\d\d USD an hour while running/);
    assert.ok(!out.includes("example.invalid"), "the placeholder ISO URL is a secret value too: never printed");
    assert.match(out, /Dry run: nothing was created\.\n$/);
  });
});

describe("npm run acceptance: the real HTTPS prober", () => {
  it("GETs over HTTPS from a server with a self-signed certificate (not verified: Exchange's own), answering status and body; a closed port is an error, never a rejection", async () => {
    const pems = await generate([{ name: "commonName", value: "exchange.invalid" }], { keyType: "ec", algorithm: "sha256" } as Parameters<typeof generate>[1]);
    const server = https.createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
      res.writeHead(req.url === "/owa/healthcheck.htm" ? 200 : 404, { "content-type": "text/html" });
      res.end("200 OK<br/>ex1.lab.example.com");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const ok = await httpsGet(`https://127.0.0.1:${port}/owa/healthcheck.htm`, 5000);
    const missing = await httpsGet(`https://127.0.0.1:${port}/nothing`, 5000);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const closed = await httpsGet(`https://127.0.0.1:${port}/owa/healthcheck.htm`, 5000);
    assert.deepEqual([ok.ok, ok.status, ok.body], [true, 200, "200 OK<br/>ex1.lab.example.com"]);
    assert.deepEqual([missing.ok, missing.status], [false, 404]);
    assert.deepEqual([closed.ok, closed.error], [false, "ECONNREFUSED"]);
  });
});
