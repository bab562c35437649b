// The DrayTek telnet/SSH script (src/report/draytekCli.ts): snapshots for the example labs, only
// documented syntax as commands, the index from the stack (never a silent 1) checked first, blocks
// with nothing but commands in them, the web-UI steps before the profile is enabled, the MSS on its
// own, and the key only with --show-secrets.
import * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { DraytekEndpoints, DraytekInput, draytekProfile } from "../src/report/draytek";
import { FREE_INDEX_PROBES, INDEX_PLACEHOLDER, KEY_PLACEHOLDER, inferredOmeth, renderDraytekCli, renderDraytekClis } from "../src/report/draytekCli";
import { CLI_SYNTAX } from "../src/report/draytekFacts";
import { parseCidr } from "../src/input/addresses";
import { runLab } from "../src/program";
import { recordingMocks } from "../src/plan/mocks";
import { EXAMPLES, HEADER, baseStackYaml, exampleConfig, exampleSettings, planCli, runPlanCli } from "./helpers";

const KEY = "Scr1ptKeyForTheTest";
const FQDN = "exchange-lab-mcmhybrid-vpn.westeurope.cloudapp.azure.com";

/** The example stack's router input with the given office and Azure ranges and profile index (`draytekProfileIndex`; default 1, `null` unset). */
function input(office: string[], azure?: string[], index: number | null = 1): DraytekInput {
  const s = exampleSettings();
  return {
    vpn: { ...s.vpn!, ...(index !== null ? { draytekProfileIndex: index } : {}) },
    addressSpace: azure ? azure.map(parseCidr) : s.addressSpace,
    onPremises: office.map(parseCidr),
    keepAlive: { ip: "10.20.1.4", vm: "mh-oxf-dc1" },
    autoShutdown: s.autoShutdown,
    profileName: "AzOxford",
    stackName: "oxford",
  };
}
// Without --show-secrets: the offline plan's view (no IP yet, the key masked). With: the stack's
// secret output after pulumi up (the IP known, the key itself).
const hidden: DraytekEndpoints = { gatewayFqdn: FQDN, sharedKey: "[secret]" };
const shown: DraytekEndpoints = { gatewayFqdn: FQDN, gatewayIp: "198.51.100.7", sharedKey: KEY, sharedKeyShown: true };
const script = (i: DraytekInput, e: DraytekEndpoints) => renderDraytekCli(draytekProfile(i, e));

function matchesSnapshot(name: string, text: string) {
  const file = path.join(__dirname, "snapshots", `draytek-cli-${name}.txt`);
  if (process.env.UPDATE_SNAPSHOTS) fs.writeFileSync(file, text);
  assert.equal(text, fs.readFileSync(file, "utf8"), `${file} (refresh with UPDATE_SNAPSHOTS=1 npm test)`);
}

/** Every line that is a command (not a note). */
const commands = (text: string) => text.split("\n").filter((l) => l !== "" && !l.startsWith("#"));

/** The script's paragraphs (split at blank lines): each block's explanations, then its commands. */
const blocks = (text: string) =>
  text.trimEnd().split("\n\n").map((p) => {
    const lines = p.split("\n");
    const first = lines.findIndex((l) => !l.startsWith("#"));
    return { title: lines[0], notes: first < 0 ? lines : lines.slice(0, first), commands: first < 0 ? [] : lines.slice(first) };
  });

/** Asserts each command line is a form the facts mark documented on both models, and none other. */
function onlyDocumented(text: string) {
  for (const line of commands(text)) {
    const forms = CLI_SYNTAX.filter((s) => s.pattern.test(line));
    assert.ok(forms.length > 0, `no documented form for: ${line}`);
    assert.deepEqual(forms.map((f) => f.status), forms.map(() => "documented"), `${line} uses a token the facts mark ${forms.map((f) => f.status).join(", ")}`);
  }
}

const cases: [string, DraytekInput][] = [
  ["one-office", input(["192.168.1.0/24"])],
  ["two-office-ranges", input(["192.168.1.0/24", "192.168.2.0/24"], ["10.20.0.0/16", "172.16.8.0/22"])],
];

describe("DrayTek telnet/SSH script (test/snapshots/draytek-cli-*.txt)", () => {
  for (const [name, i] of cases) {
    it(`${name}, without --show-secrets: a key placeholder and the command that prints the key`, () => {
      const text = script(i, hidden);
      matchesSnapshot(name, text);
      assert.ok(!text.includes(KEY));
      assert.match(text, new RegExp(`^vpn option 1 okey=${KEY_PLACEHOLDER}$`, "m"));
      assert.match(text, /^# {5}pulumi stack output --stack oxford draytek --show-secrets --json$/m);
      assert.match(text, /^vpn option 1 dialto=<GATEWAY_IP>$/m);
      onlyDocumented(text);
    });
    it(`${name}, with --show-secrets: the key and the gateway's IP in their commands`, () => {
      const text = script(i, shown);
      matchesSnapshot(`${name}-show-secrets`, text);
      assert.deepEqual(text.split("\n").filter((l) => l.includes(KEY)), [`vpn option 1 okey=${KEY}`]);
      assert.match(text, /^vpn option 1 dialto=198\.51\.100\.7$/m);
      assert.match(text, new RegExp(`^# .*vpn option 1 dialto=${FQDN.replace(/\./g, "\\.")}$`, "m"));
      onlyDocumented(text);
    });
  }

  it("with the stack's draytekProfileIndex N: starts with vpn list N all, pasted alone, and uses N throughout", () => {
    const text = script(input(["192.168.1.0/24"], undefined, 40), hidden);
    assert.equal(commands(text)[0], "vpn list 40 all");
    assert.deepEqual(blocks(text)[1].commands, ["vpn list 40 all"]);
    for (const line of commands(text)) assert.match(line, /^(vpn (list|option|l2lset|l2lDialout|mroute) 40\b|vpn mss |sys commit$)/, line);
    assert.match(text, /^# {3}Profile 40 exists on a Vigor3912 \(1~500\), not on a Vigor2927 V2\.2 \(1~32\)/m);
    assert.match(text, /If it shows another name, stop: the next block would overwrite that profile\. Choose a free index, pulumi config set --stack oxford exchange-lab:draytekProfileIndex N/);
  });

  it("without draytekProfileIndex: no silent 1; starts by probing for a free index and leaves <INDEX> to fill in", () => {
    const text = script(input(["192.168.1.0/24"], undefined, null), hidden);
    matchesSnapshot("no-index", text);
    const probes = Array.from({ length: FREE_INDEX_PROBES }, (_, k) => `vpn list ${k + 1} com`);
    assert.deepEqual(commands(text).slice(0, FREE_INDEX_PROBES), probes);
    for (const line of commands(text).slice(FREE_INDEX_PROBES)) assert.match(line, new RegExp(`^(vpn (list|option|l2lset|l2lDialout|mroute) ${INDEX_PLACEHOLDER}(\\s|$)|vpn mss |sys commit$)`), line);
    assert.match(text, /a free profile shows "% Profile Name : \?\?\?"/);
    assert.match(text, /Then: pulumi config set --stack oxford exchange-lab:draytekProfileIndex N, and print this script again; the stack output draytek\.cliScript uses the same index/);
    onlyDocumented(text);
  });

  it("has no explanation inside a block: each block is its explanations, then only commands", () => {
    for (const [, i] of cases) {
      for (const text of [script(i, hidden), script(i, shown), script({ ...i, vpn: { ...i.vpn, draytekProfileIndex: undefined } }, hidden)]) {
        for (const b of blocks(text)) {
          assert.ok(b.commands.every((l) => !l.startsWith("#") && l.trim() !== ""), `a note inside the block ${b.title}`);
          assert.ok(b.notes.every((l) => l.startsWith("# ")), b.title);
        }
      }
    }
  });

  it("configures the profile disabled, then the web-UI steps (IKEv2, ESP, the proposal), then enables and dials", () => {
    const text = script(input(["192.168.1.0/24"]), hidden);
    assert.deepEqual(blocks(text).map((b) => b.title.replace(/ \(.*$|,.*$/, "")), ["# DrayTek LAN-to-LAN profile 1 \"AzOxford\" to the Azure VPN gateway", "# 1. Check that profile 1 is free", "# 2. Configure profile 1", "# 3. In the web UI", "# 4. Enable profile 1 and dial", "# 5. Optional: the TCP MSS of every IPsec tunnel of the router"]);
    const [, check, configure, web, enable] = blocks(text);
    assert.deepEqual(check.commands, ["vpn list 1 all"]);
    assert.equal(configure.commands[0], "vpn option 1 ena=off");
    assert.equal(configure.commands.at(-1), "sys commit");
    assert.ok(!configure.commands.some((c) => /ena=on|l2lDialout/.test(c)));
    assert.deepEqual(web.commands, []);
    assert.match(web.notes.join("\n"), /IKE version \[label not confirmed[^\n]*: IKEv2/);
    assert.match(web.notes.join("\n"), /IPSec Security Method: High \(ESP\)/);
    assert.match(web.notes.join("\n"), /IKE phase 1 proposal \[label not confirmed[^\n]*: AES256 \/ SHA256 \/ DH group 14 \(MODP 2048\)/);
    assert.deepEqual(enable.commands, ["vpn option 1 ena=on", "sys commit", "vpn l2lDialout 1", "vpn list 1 all"]);
  });

  it("puts vpn mss in a block of its own, saying it changes every IPsec tunnel and that 1360 is the router's default", () => {
    const text = script(input(["192.168.1.0/24"]), hidden);
    const mss = blocks(text).filter((b) => b.commands.some((c) => c.startsWith("vpn mss")));
    assert.equal(mss.length, 1);
    assert.deepEqual(mss[0].commands, ["vpn mss show", "vpn mss set 3 1350"]);
    const notes = mss[0].notes.join(" ");
    assert.match(notes, /changes the TCP MSS of every IPsec tunnel of this router, not only this profile/);
    assert.match(notes, /The router's default is 1360/);
    assert.match(notes, /valid on both models \(Vigor2927 1~1381, Vigor3912 512~1381\)/);
  });

  it("emits the inferred ometh token and addmsa only as explanations, with the manual's text", () => {
    const text = script(cases[1][1], shown);
    assert.ok(!commands(text).some((l) => /ometh|addmsa/.test(l)));
    assert.match(text, /^# +"ometh= espa\[1\/9\/2\]\/espaa\[a\/s\/S\]\[1\/9\/2\] means ESP AES\[128\/192\/256\] without\/with Authentication auto\/sha1\/Sha2"/m);
    assert.match(text, /^# +vpn mroute 1 addmsa 192\.168\.2\.0\/24 10\.20\.0\.0\/16$/m);
    assert.match(text, /^vpn mroute 1 add 172\.16\.8\.0\/22$/m);
    assert.equal(inferredOmeth("AES256", "SHA256"), "espaaS2");
    assert.equal(inferredOmeth("GCMAES256", "GCMAES256"), undefined);
  });

  it("IKEv1: sets Main mode with the documented ikemode=m", () => {
    const i = input(["192.168.1.0/24"]);
    const text = script({ ...i, vpn: { ...i.vpn, ikeVersion: "IKEv1" } }, hidden);
    assert.match(text, /^vpn option 1 ikemode=m$/m);
    onlyDocumented(text);
  });
});

describe("npm run plan -- --format draytek-cli", () => {
  it("--draytek-profile is gone: a usage error naming the stack key", async () => {
    const r = await runPlanCli("--stack", "oxford", "--format", "draytek-cli", "--draytek-profile", "3");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--draytek-profile is gone: the profile index is the stack's exchange-lab:draytekProfileIndex/);
  });

  it("several labs: one script per lab, each at its own index (the examples set none: probes and <INDEX>); the router-wide MSS once, after the router's last lab", async () => {
    const { code, stdout, stderr } = await runPlanCli("--all", "--format", "draytek-cli");
    assert.equal(code, 0, stderr);
    matchesSnapshot("all-labs", stdout);
    assert.equal(commands(stdout)[0], "vpn list 1 com");
    assert.match(stdout, /^vpn option <INDEX> pname=AzOxford$/m);
    assert.match(stdout, /^vpn option <INDEX> pname=AzTraining$/m);
    assert.equal(stdout.match(/^vpn mss set 3 /gm)?.length, 1, "both examples dial the same DrayTek");
    assert.ok(stdout.lastIndexOf("pname=AzTraining") < stdout.indexOf("vpn mss set 3"));
    onlyDocumented(stdout);
  });

  it("labs on two routers: the MSS block once per router, each after that router's last lab", () => {
    const profile = (name: string) => ({ ...draytekProfile(input(["192.168.1.0/24"]), hidden), profileName: name });
    const text = renderDraytekClis([
      { stackFile: "a.yaml", router: "203.0.113.10", profile: profile("AzA") },
      { stackFile: "b.yaml", router: "198.51.100.7", profile: profile("AzB") },
      { stackFile: "c.yaml", router: "203.0.113.10", profile: profile("AzC") },
    ]);
    assert.equal(text.match(/^vpn mss set 3 /gm)?.length, 2);
    const heading = (router: string) => text.indexOf(`# Optional, once for the DrayTek at ${router} `);
    assert.ok(text.indexOf("pname=AzB") < heading("198.51.100.7") && heading("198.51.100.7") < text.indexOf("pname=AzC"), "router 2's block after its only lab");
    assert.ok(text.indexOf("pname=AzC") < heading("203.0.113.10"), "router 1's block after its last lab, not after the first");
  });

  it("the plan's script and the stack output draytek.cliScript use the same index, the stack's draytekProfileIndex", async () => {
    const csv = `${HEADER}\nYes,dc1,,dc1-os,Small,Oxford,,,,Yes,3389\n`;
    const yaml = baseStackYaml() + `  exchange-lab:vpnSharedKey: ${KEY}\n  exchange-lab:draytekProfileIndex: 7\n`;
    const planned = await planCli(csv, yaml, "--format", "draytek-cli");
    assert.equal(planned.code, 0, planned.stderr);
    assert.equal(commands(planned.stdout)[0], "vpn list 7 all");
    await pulumi.runtime.setMocks(recordingMocks([]), "exchange-lab", "oxford", false, "organization");
    pulumi.runtime.setAllConfig(exampleConfig({ "exchange-lab:vpnSharedKey": KEY, "exchange-lab:draytekProfileIndex": "7" }), ["exchange-lab:vpnSharedKey"]);
    const { component } = await runLab({ baseDir: EXAMPLES });
    const cliScript = await new Promise<string>((resolve) => component.vpn!.draytek.apply((d) => resolve(d.cliScript!)));
    assert.equal(commands(cliScript)[0], "vpn list 7 all");
    assert.match(cliScript, new RegExp(`^vpn option 7 okey=${KEY}$`, "m"));
    assert.ok(!cliScript.includes(INDEX_PLACEHOLDER));
  });

  it("prints a key written in the stack file with --show-secrets (without it: test/secrets.test.ts)", async () => {
    const csv = `${HEADER}\nYes,dc1,,dc1-os,Small,Oxford,,,,Yes,3389\n`;
    const yaml = baseStackYaml() + `  exchange-lab:vpnSharedKey: ${KEY}\n`;
    const revealed = await planCli(csv, yaml, "--format", "draytek-cli", "--show-secrets");
    assert.equal(revealed.code, 0, revealed.stderr);
    assert.match(revealed.stdout, new RegExp(`^vpn option <INDEX> okey=${KEY}$`, "m"));
  });
});
