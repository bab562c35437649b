// The DrayTek facts table (src/report/draytekFacts.ts) against the research it was written from:
// each label of the hints cites the command and printed pages the research gives for it, and a
// label counted as confirmed carries the manual's own words.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { LABELS, TCP_MSS_CLAMP, labelConfirmed, labelSource, labelTable } from "../src/report/draytek";
import { CLI_SYNTAX, FACTS, IPSEC_MSS_RANGE, PROFILE_INDEX_MAX } from "../src/report/draytekFacts";
import { ROOT } from "./helpers";

type Row = [command: string, v2927: string | undefined, v3912: string | undefined, confirmed: boolean];

// Transcribed from the research's field table (one row per label): command, Vigor2927 V2.2 pages,
// Vigor3912 V1.01 pages, and whether the label's words are DrayTek's.
const EXPECTED: Record<keyof typeof LABELS, Row> = {
  remoteAccessControl: ["web UI", undefined, undefined, true],
  ipsecService: ["vpn remote", "931", "770", false],
  lanToLan: ["vpn option", "926", "765", true],
  profileName: ["vpn option pname", "924-931", "764-765, 768-769", true],
  enable: ["vpn option ena", "926-931", "765, 769", false],
  callDirection: ["vpn option dir", "926-931", "765, 769", true],
  alwaysOn: ["vpn option idle", "926-929", "765", true],
  pingToKeepAlive: ["vpn option palive", "926-931", "765, 769", true],
  typeOfServer: ["vpn option ctype", "921-929", "761, 766", true],
  ikeVersionChoice: ["vpn option / vpn setup / vpn l2lset", "919-929", "758-768", false],
  serverIpOrHost: ["vpn option dialto", "924-929", "764, 766", true],
  ikeAuthentication: ["vpn dinset prekey", "921-924", "762", true],
  preSharedKey: ["vpn option okey", "926-929", "766", true],
  ipsecSecurityMethod: ["vpn option ometh", "921-931", "762, 766, 770", true],
  advanced: ["vpn l2lset", "919", "758", false],
  ikePhase1Mode: ["vpn option ikemode", "926-931", "766, 770", true],
  ikePhase1Proposal: ["vpn l2lset main", "919", "758", false],
  ikePhase2Proposal: ["vpn option ometh", "926-929", "766", false],
  ikePhase1Lifetime: ["vpn l2lset phase1/phase2", "919", "758", false],
  ikePhase2Lifetime: ["vpn l2lset phase1/phase2", "919", "758", false],
  pfs: ["vpn l2lset pfs", "919", "758", true],
  remoteNetwork: ["vpn option rnip/rnmask", "926-929", "767", true],
  localNetwork: ["vpn option lnip/lnmask", "926-929", "767-768", true],
  more: ["vpn mroute", "929", "768-769", false],
  mode: ["vpn option mode", "926-929", "768", true],
  defaultRoute: ["vpn option droute", "926-929", "768", true],
  netbios: ["vpn option nnpkt", "926-931, 935-936", "765, 769, 774", true],
  connectionManagement: ["web UI", undefined, undefined, true],
};

describe("DrayTek facts behind every label (src/report/draytekFacts.ts)", () => {
  for (const [key, l] of Object.entries(LABELS) as [keyof typeof LABELS, (typeof LABELS)[keyof typeof LABELS]][]) {
    it(`${l.text}: cites ${EXPECTED[key][0]} on the research's pages`, () => {
      const [command, v2927, v3912, confirmed] = EXPECTED[key];
      const fact = FACTS[l.fact];
      assert.equal(fact.command, command);
      assert.deepEqual(fact.pages, { ...(v2927 ? { v2927 } : {}), ...(v3912 ? { v3912 } : {}) });
      assert.equal(labelConfirmed(l), confirmed);
      const source = labelSource(l);
      assert.ok(source.startsWith(command), source);
      if (v2927) assert.ok(source.includes(`Vigor2927 p.${v2927}`), source);
      if (v3912) assert.ok(source.includes(`Vigor3912 p.${v3912}`), source);
      if (confirmed) {
        // The label's words are DrayTek's: each part ("Remote Network IP / Mask") is in what the source says.
        for (const part of l.text.split(" / ")) assert.ok(fact.says.toLowerCase().includes(part.toLowerCase()), `${part} in: ${fact.says}`);
      } else {
        assert.ok("nearest" in l && l.nearest.length > 0, "an unconfirmed label names the nearest documented wording");
      }
    });
  }

  it("menus rest on the web UI capture, the telnet facts on a manual page of at least one model", () => {
    for (const [id, f] of Object.entries(FACTS)) {
      const fact: { command: string; pages: { v2927?: string; v3912?: string }; also?: readonly string[] } = f;
      if (fact.command === "web UI") assert.deepEqual(fact.also, ["webUi"], id);
      else if (fact.command !== "telnet / SSH") assert.ok(fact.pages.v2927 || fact.pages.v3912, id);
    }
  });

  it("the MSS clamp is valid on both models, and the profile index ranges are the manuals'", () => {
    for (const [low, high] of Object.values(IPSEC_MSS_RANGE)) assert.ok(TCP_MSS_CLAMP >= low && TCP_MSS_CLAMP <= high);
    assert.deepEqual(IPSEC_MSS_RANGE, { v2927: [1, 1381], v3912: [512, 1381] });
    assert.deepEqual(PROFILE_INDEX_MAX, { v2927: 32, v3912: 500 });
    assert.match(FACTS.mss.says, /IPSec - 1 ~ 1381 \(Vigor2927\), IPSec - 512 ~ 1381 \(Vigor3912\)/);
  });

  it("marks the ometh value, vpn setup with a host name and addmsa as not documented on both models", () => {
    const status = (line: string) => CLI_SYNTAX.filter((s) => s.pattern.test(line)).map((s) => s.status);
    assert.deepEqual(status("vpn option 1 ometh=espaaS2"), ["inferred"]);
    assert.deepEqual(status("vpn setup 1 AzOxford ipsec_out lab.example.com KEY 10.20.0.0 255.255.0.0"), ["inferred"]);
    assert.deepEqual(status("vpn mroute 1 addmsa 192.168.2.0/24 10.20.0.0/16"), ["vigor3912Only"]);
    assert.deepEqual(status("vpn l2lset 1 pfs on"), ["documented"]);
  });
});

describe("docs/draytek.md", () => {
  it("lists every label with its command, pages and verdict, as the code has them", () => {
    const doc = fs.readFileSync(path.join(ROOT, "docs", "draytek.md"), "utf8");
    assert.ok(doc.includes(labelTable().join("\n")), "the label table in docs/draytek.md is labelTable()'s");
    for (const check of ["vpn option ?", "vpn l2lset ?"]) assert.ok(doc.includes(check), check);
    assert.doesNotMatch(doc, /\.\.\/shared|\/work\//);
  });
});
