// The DrayTek telnet/SSH script (src/report/draytekCli.ts): snapshots for the example labs, only
// documented syntax as commands, the index check first, and the key only with --show-secrets.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { DraytekEndpoints, DraytekInput, draytekProfile } from "../src/report/draytek";
import { KEY_PLACEHOLDER, inferredOmeth, profileIndexes, renderDraytekCli } from "../src/report/draytekCli";
import { CLI_SYNTAX } from "../src/report/draytekFacts";
import { parseCidr } from "../src/input/addresses";
import { parseArgs } from "../src/plan/cli";
import { HEADER, baseStackYaml, exampleSettings, planCli, runPlanCli } from "./helpers";

const KEY = "Scr1ptKeyForTheTest";
const FQDN = "exchange-lab-mcmhybrid-vpn.westeurope.cloudapp.azure.com";

/** The example stack's router input with the given office and Azure ranges. */
function input(office: string[], azure?: string[]): DraytekInput {
  const s = exampleSettings();
  return {
    vpn: s.vpn!,
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
const script = (i: DraytekInput, e: DraytekEndpoints, index = 1) => renderDraytekCli(draytekProfile(i, e), { index });

function matchesSnapshot(name: string, text: string) {
  const file = path.join(__dirname, "snapshots", `draytek-cli-${name}.txt`);
  if (process.env.UPDATE_SNAPSHOTS) fs.writeFileSync(file, text);
  assert.equal(text, fs.readFileSync(file, "utf8"), `${file} (refresh with UPDATE_SNAPSHOTS=1 npm test)`);
}

/** Every line that is a command (not a note). */
const commands = (text: string) => text.split("\n").filter((l) => l !== "" && !l.startsWith("#"));

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
      assert.match(text, /^# {3}pulumi stack output --stack oxford draytek --show-secrets --json$/m);
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

  it("starts with vpn list N all, the check that the chosen index is free, and uses N throughout", () => {
    const text = script(input(["192.168.1.0/24"]), hidden, 40);
    assert.equal(text.split("\n")[0], "vpn list 40 all");
    for (const line of commands(text)) assert.match(line, /^(vpn (list|option|l2lset|l2lDialout|mroute) 40\b|vpn mss |sys commit$)/, line);
    assert.match(text, /^# Profile 40 exists on a Vigor3912 \(1~500\), not on a Vigor2927 V2\.2 \(1~32\)/m);
  });

  it("emits the inferred ometh token and addmsa only as comments, with the manual's text", () => {
    const text = script(cases[1][1], shown);
    assert.ok(!commands(text).some((l) => /ometh|addmsa/.test(l)));
    assert.match(text, /^# +"ometh= espa\[1\/9\/2\]\/espaa\[a\/s\/S\]\[1\/9\/2\] means ESP AES\[128\/192\/256\] without\/with Authentication auto\/sha1\/Sha2"/m);
    assert.match(text, /^# +vpn mroute 1 addmsa 192\.168\.2\.0\/24 10\.20\.0\.0\/16$/m);
    assert.match(text, /^vpn mroute 1 add 172\.16\.8\.0\/22$/m);
    assert.equal(inferredOmeth("AES256", "SHA256"), "espaaS2");
    assert.equal(inferredOmeth("GCMAES256", "GCMAES256"), undefined);
  });

  it("prints IKE version and the phase 1 proposal as web steps, never as commands", () => {
    const text = script(input(["192.168.1.0/24"]), hidden);
    assert.match(text, /^# What the documented CLI cannot set: in the web UI, VPN and Remote Access >> LAN to LAN, profile 1:\n# .*IKE version \[label not confirmed[^\n]*: IKEv2/m);
    assert.match(text, /IKE phase 1 proposal \[label not confirmed[^\n]*: AES256 \/ SHA256 \/ DH group 14 \(MODP 2048\)/);
  });

  it("sets MSS 1350, saying it is valid on both models, and ends with sys commit, the dial and the check", () => {
    const text = script(input(["192.168.1.0/24"]), hidden);
    assert.match(text, /valid on both models \(Vigor2927 1~1381, Vigor3912 512~1381\)\.\nvpn mss set 3 1350\n/);
    assert.deepEqual(commands(text).slice(-4), ["vpn option 1 ena=on", "sys commit", "vpn l2lDialout 1", "vpn list 1 all"]);
  });
});

describe("npm run plan -- --format draytek-cli", () => {
  it("takes --draytek-profile N from 1 to 500", () => {
    assert.equal(parseArgs(["--format", "draytek-cli", "--draytek-profile", "7"]).draytekProfile, 7);
    for (const bad of ["0", "501", "x", "1.5"]) assert.throws(() => parseArgs(["--draytek-profile", bad]), /--draytek-profile takes a LAN-to-LAN profile index from 1 to 500/);
  });

  it("numbers the labs' profiles per office router, each router from the first index", () => {
    assert.deepEqual(profileIndexes(["203.0.113.10", "203.0.113.10", "198.51.100.1", "203.0.113.10"], 3), [3, 4, 3, 5]);
  });

  it("several labs: one script per lab, numbered per office router from --draytek-profile", async () => {
    const { code, stdout, stderr } = await runPlanCli("--all", "--format", "draytek-cli", "--draytek-profile", "3");
    assert.equal(code, 0, stderr);
    matchesSnapshot("all-labs", stdout);
    assert.equal(stdout.split("\n")[0], "vpn list 3 all");
    assert.match(stdout, /^vpn option 3 pname=AzOxford$/m);
    assert.match(stdout, /^vpn option 4 pname=AzTraining$/m);
    onlyDocumented(stdout);
  });

  it("prints a key written in the stack file with --show-secrets (without it: test/secrets.test.ts)", async () => {
    const csv = `${HEADER}\nYes,dc1,,dc1-os,Small,Oxford,,,,Yes,3389\n`;
    const yaml = baseStackYaml() + `  exchange-lab:vpnSharedKey: ${KEY}\n`;
    const revealed = await planCli(csv, yaml, "--format", "draytek-cli", "--show-secrets");
    assert.equal(revealed.code, 0, revealed.stderr);
    assert.match(revealed.stdout, new RegExp(`^vpn option 1 okey=${KEY}$`, "m"));
  });

  it("IKEv1: sets Main mode with the documented ikemode=m", () => {
    const i = input(["192.168.1.0/24"]);
    const text = script({ ...i, vpn: { ...i.vpn, ikeVersion: "IKEv1" } }, hidden);
    assert.match(text, /^vpn option 1 ikemode=m$/m);
    onlyDocumented(text);
  });
});
