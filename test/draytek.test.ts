// The DrayTek hints (snapshots per case) and the warnings for what the router cannot do.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { DraytekInput, LABELS, draytekProfile, labelConfirmed, renderDraytekHints } from "../src/report/draytek";
import { parseSettings } from "../src/input/stack/settings";
import { parseCidr } from "../src/input/addresses";
import { DEFAULT_IPSEC_POLICY, IpsecPolicy, VpnSettings, draytekKeyWarnings, draytekPolicyWarnings } from "../src/input/stack/vpn";
import { exampleConfig, exampleSettings } from "./helpers";

const S = (v: unknown) => JSON.stringify(v);
const at = () => ({ file: "Pulumi.t.yaml", line: 7 });
const warningsOf = (overrides: Record<string, string | undefined>) => parseSettings(exampleConfig(overrides), at).warnings;
const messages = (overrides: Record<string, string | undefined>) => warningsOf(overrides).map((w) => `${w.column}: ${w.message}`);

/** The example stack's router input, without auto-shutdown unless given. */
function input(o: { vpn?: Partial<VpnSettings>; office?: string[]; autoShutdown?: DraytekInput["autoShutdown"] } = {}): DraytekInput {
  const s = exampleSettings();
  return {
    vpn: { ...s.vpn!, ...o.vpn },
    addressSpace: s.addressSpace,
    onPremises: (o.office ?? ["192.168.1.0/24"]).map(parseCidr),
    keepAlive: { ip: "10.20.1.4", vm: "mh-oxf-dc1" },
    autoShutdown: o.autoShutdown,
  };
}
const hints = (i: DraytekInput) => renderDraytekHints(draytekProfile(i, { sharedKey: "[secret]" }));

function matchesSnapshot(name: string, text: string) {
  const file = path.join(__dirname, "snapshots", `draytek-${name}.txt`);
  if (process.env.UPDATE_SNAPSHOTS) fs.writeFileSync(file, text);
  assert.equal(text, fs.readFileSync(file, "utf8"), `${file} (refresh with UPDATE_SNAPSHOTS=1 npm test)`);
}

describe("DrayTek hints per case (test/snapshots/draytek-*.txt)", () => {
  it("default IKEv2: no phase 1 mode, keep-alive off with the reason, the full MSS command", () => {
    const text = hints(input());
    matchesSnapshot("ikev2-default", text);
    assert.doesNotMatch(text, /IKE phase 1 mode/);
    assert.match(text, /PING to keep alive: +not ticked: no host behind the tunnel is sure to answer.*what the router does when the ping goes unanswered is not documented/);
    assert.doesNotMatch(text, /redial all night|makes the router redial/);
    assert.match(text, /by telnet: vpn mss set 3 1350\n.*applies to every IPsec tunnel on the router/);
    assert.match(text, /tick Enable IPsec VPN Service \[label not confirmed; nearest: by telnet vpn remote IPsec on\],\n {2}or by telnet: vpn remote IPsec on \(the change takes effect after a restart/);
  });

  it("IKEv1: main mode, and the caution that Microsoft supports the router's selectors only over IKEv2", () => {
    const text = hints(input({ vpn: { ikeVersion: "IKEv1" } }));
    matchesSnapshot("ikev1", text);
    assert.match(text, /IKE phase 1 mode: +Main mode/);
    assert.match(text, /Note: IKEv1: .*only over IKEv2/);
  });

  it("two office prefixes: every office x Azure pair, and what the router needs for them", () => {
    const text = hints(input({ office: ["192.168.1.0/24", "192.168.2.0/24"] }));
    matchesSnapshot("two-office-prefixes", text);
    assert.match(text, /Note: 2 network pairs: .*with More, or make one profile per pair/);
    assert.match(text, /192\.168\.1\.0\/24 <-> 10\.20\.0\.0\/16\n +192\.168\.2\.0\/24 <-> 10\.20\.0\.0\/16/);
    assert.match(text, /Local Network IP \/ Mask: +192\.168\.2\.0 \/ 255\.255\.255\.0 \(add with More \[label not confirmed; nearest: by telnet vpn mroute N add, or addmsa on a Vigor3912\]\)/);
  });

  it("autoShutdown set: keep-alive off because the VMs are deallocated daily", () => {
    const text = hints(input({ autoShutdown: { time: "1900", timeZone: "GMT Standard Time" } }));
    matchesSnapshot("autoshutdown", text);
    assert.match(text, /not ticked: its only targets are lab VMs, and auto-shutdown deallocates every one daily at 1900 \(GMT Standard Time\), so the ping would go unanswered/);
    assert.doesNotMatch(text, /Ping to the IP/);
  });

  it("marks exactly the labels no DrayTek source confirms, each with the nearest documented wording, and uses every label", () => {
    const d = draytekProfile(input({ vpn: { ikeVersion: "IKEv1" }, office: ["192.168.1.0/24", "192.168.2.0/24"] }), { sharedKey: "k" });
    const text = renderDraytekHints(d);
    for (const l of Object.values(LABELS)) {
      assert.ok(text.includes(l.text), `${l.text} is used`);
      if (!labelConfirmed(l)) assert.ok("nearest" in l && text.includes(`${l.text} [label not confirmed; nearest: ${l.nearest}]`), l.text);
      else assert.ok(!text.includes(`${l.text} [label not confirmed`), l.text);
    }
    assert.deepEqual(d.unconfirmed, Object.values(LABELS).filter((l) => !labelConfirmed(l)).map((l) => l.text));
  });

  it("PFS: on/off only, and no claim about which group the router uses", () => {
    const d = draytekProfile(input({ vpn: { policy: { ...DEFAULT_IPSEC_POLICY, pfsGroup: "ECP256" } } }), { sharedKey: "k" });
    assert.match(d.perfectForwardSecrecy, /^on, but Azure wants DH group 19 \(ECP 256\) and the router's PFS is on\/off only, with no group to set/);
    assert.match(draytekProfile(input(), { sharedKey: "k" }).perfectForwardSecrecy, /^on \(on\/off only: which group the router then uses is not documented; Azure's PFS2048 is DH group 14/);
    assert.equal(draytekProfile(input({ vpn: { policy: { ...DEFAULT_IPSEC_POLICY, pfsGroup: "None" } } }), { sharedKey: "k" }).perfectForwardSecrecy, "off");
  });

  it("gives the peer as the gateway's IP, and the name as the preferred form once it resolves", () => {
    const known = renderDraytekHints(draytekProfile({ ...input(), stackName: "oxford" }, { sharedKey: "k", gatewayIp: "198.51.100.7", gatewayFqdn: "lab.westeurope.cloudapp.azure.com" }));
    assert.match(known, /Server IP\/Host Name for VPN: +the gateway's IP, 198\.51\.100\.7\n +or its name lab\.westeurope\.cloudapp\.azure\.com, preferred once nslookup shows it resolving to that IP/);
    const offline = renderDraytekHints(draytekProfile({ ...input(), stackName: "oxford" }, { sharedKey: "k", gatewayFqdn: "lab.westeurope.cloudapp.azure.com" }));
    assert.match(offline, /the gateway's IP \(known after pulumi up: pulumi stack output --stack oxford gatewayPublicIp\)/);
  });
});

describe("warnings for what the DrayTek cannot do", () => {
  const policy = (p: Partial<IpsecPolicy>) => draytekPolicyWarnings({ ...DEFAULT_IPSEC_POLICY, ...p }).map(([f, m]) => `${f}: ${m}`);

  it("the default policy draws none, nor does the example stack", () => {
    assert.deepEqual(policy({}), []);
    assert.deepEqual(messages({}), []);
  });

  it("a PFS group other than the DH group's: the router has PFS on/off only, with no group to set", () => {
    assert.deepEqual(policy({ pfsGroup: "PFS24" }), [
      "pfsGroup: PFS24 (group 24) differs from dhGroup DHGroup14: a DrayTek has Perfect Forward Secret on or off only, with no group to set (which group it then uses is not documented), so it is unlikely to match; set pfsGroup to PFS2048 (the dhGroup's) or None",
    ]);
    assert.deepEqual(policy({ dhGroup: "DHGroup2048", pfsGroup: "PFS2048" }), [], "DHGroup2048 and PFS2048 are both group 14");
    assert.match(policy({ dhGroup: "None", pfsGroup: "PFS2048" })[0], /set pfsGroup to None$/);
  });

  it("an ECP DH group and AES-GCM for IKE, naming the field and what to use instead", () => {
    assert.deepEqual(policy({ dhGroup: "ECP384", pfsGroup: "ECP384" }).map((m) => m.split(":")[0]), ["dhGroup"]);
    assert.match(policy({ dhGroup: "ECP384", pfsGroup: "ECP384" })[0], /ECP384 \(group 20\): .*use DHGroup14/);
    assert.match(policy({ ikeEncryption: "GCMAES256" })[0], /^ikeEncryption: GCMAES256: .*use AES256 with ikeIntegrity SHA256$/);
  });

  it("reaches the stack's warnings under exchange-lab:ipsecPolicy with the field", () => {
    const w = warningsOf({ "exchange-lab:ipsecPolicy": S({ pfsGroup: "PFS24" }) });
    assert.deepEqual(w.map((x) => x.column), ["exchange-lab:ipsecPolicy.pfsGroup"]);
  });

  it("IKEv1: a warning on ikeVersion that Microsoft supports the router's selectors only over IKEv2", () => {
    assert.deepEqual(messages({ "exchange-lab:ikeVersion": "IKEv1" }), [
      "exchange-lab:ikeVersion: IKEv1: a DrayTek LAN-to-LAN profile proposes its networks (policy-based traffic selectors), which Microsoft supports only over IKEv2 (usePolicyBasedTrafficSelectors); phase 2 may be refused: use IKEv2 unless the router's firmware has none",
    ]);
  });

  it("more than one network on either side: what the router needs, at the key that has them", () => {
    const office = messages({ "exchange-lab:onPremises": S({ publicIp: "203.0.113.10", addressSpaces: ["192.168.1.0/24", "192.168.2.0/24"] }) });
    assert.deepEqual(office, [
      "exchange-lab:onPremises.addressSpaces: 2 office x 1 Azure networks: the DrayTek needs every pair, in one LAN-to-LAN profile (the other networks added with More) or one profile per pair; the hints list them",
    ]);
    const azure = warningsOf({ "exchange-lab:addressSpace": S(["10.20.0.0/16", "172.16.8.0/22"]) });
    assert.deepEqual(azure.map((w) => [w.column, w.message.slice(0, 27)]), [["exchange-lab:addressSpace", "1 office x 2 Azure networks"]]);
  });

  it("a key longer than 63 characters, or with a character DrayTek's password rules forbid, never echoing the key", () => {
    const long = "A1b2C3d4".repeat(8); // 64
    assert.deepEqual(draytekKeyWarnings(long.slice(0, 63)), []);
    assert.deepEqual(draytekKeyWarnings(long), ["is 64 characters; a DrayTek takes at most 64 (63 on some firmware): use 63 or fewer"]);
    assert.deepEqual(draytekKeyWarnings("abc<def"), [`has a character at position 4 that DrayTek's password rules do not allow (" ' , < > * +)`]);
    const w = warningsOf({ "exchange-lab:vpnSharedKey": long });
    assert.deepEqual(w.map((x) => x.column), ["exchange-lab:vpnSharedKey"]);
    assert.ok(!w[0].message.includes(long));
  });
});
