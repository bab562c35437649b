// The site-to-site VPN: settings rules, declared resources (mock runtime) and the DrayTek hints.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { draytekProfile, renderDraytekHints } from "../src/report/draytek";
import { main } from "../src/plan/cli";
import { recordingMocks } from "../src/plan/mocks";
import { runLab } from "../src/program";
import { PlanResult, SECRET_MASK } from "../src/plan/plan";
import { parseSettings } from "../src/input/stack/settings";
import { DEFAULT_IPSEC_POLICY, IPSEC_POLICY_VALUES, IpsecPolicy, VpnSettings, checkSharedKey } from "../src/input/stack/vpn";
import { HEADER, EXAMPLES, baseStackYaml, dig, exampleConfig, exampleSettings, onlyProblem, planOf, writeLab, sharedExamplePlan } from "./helpers";

const S = (v: unknown) => JSON.stringify(v);
const at = () => ({ file: "Pulumi.t.yaml", line: 7 });
const problemsOf = (overrides: Record<string, string | undefined>) => parseSettings(exampleConfig(overrides), at).problems;
const warningsOf = (overrides: Record<string, string | undefined>) => parseSettings(exampleConfig(overrides), at).warnings;
const CSV = `${HEADER}\nYes,dc1,,dc1-os,Small,Oxford,,,,Yes,3389\nYes,ex1,,ex1-os,Large,Oxford,,,,No,3390\n`;
const exampleYaml = baseStackYaml;
/** The example stack with extra `exchange-lab:` lines (YAML text, indented as config entries). */
const stackWith = (...lines: string[]) => exampleYaml() + lines.map((l) => `  ${l}\n`).join("");

const find = (plan: PlanResult, type: string) => {
  const r = plan.resources.find((x) => x.type === type);
  if (!r) throw new Error(`no ${type}`);
  return r;
};

describe("the site-to-site VPN", () => {
  describe("settings", () => {
    it("defaults to VpnGw1AZ (Generation1), IKEv2, zone-redundant IP and the default policy with a generated key", () => {
      assert.deepEqual(exampleSettings().vpn, {
        gatewaySku: "VpnGw1AZ", gatewayGeneration: "Generation1", zones: ["1", "2", "3"], ikeVersion: "IKEv2", policy: DEFAULT_IPSEC_POLICY, sharedKey: "missing", dnsLabel: "exchange-lab-mcmhybrid-vpn",
      });
    });
    it("declares each AZ SKU with a generation it supports", () => {
      assert.equal(exampleSettings({ "exchange-lab:vpnGatewaySku": "vpngw2az" }).vpn!.gatewaySku, "VpnGw2AZ");
      assert.equal(exampleSettings({ "exchange-lab:vpnGatewaySku": "VpnGw5AZ" }).vpn!.gatewayGeneration, "Generation2");
    });
    it("rejects a non-AZ SKU, saying it can no longer be created", () => {
      const p = onlyProblem(problemsOf({ "exchange-lab:vpnGatewaySku": "VpnGw1" }));
      assert.deepEqual([p.column, p.message], ["exchange-lab:vpnGatewaySku", "'VpnGw1' is not accepted (non-AZ and legacy SKUs can no longer be created); use one of VpnGw1AZ, VpnGw2AZ, VpnGw3AZ, VpnGw4AZ, VpnGw5AZ"]);
    });
    it("rejects the Basic SKU", () => assert.match(onlyProblem(problemsOf({ "exchange-lab:vpnGatewaySku": "Basic" })).message, /can no longer be created/));
    it("rejects an unknown IKE version", () => assert.equal(onlyProblem(problemsOf({ "exchange-lab:ikeVersion": "IKEv3" })).message, "'IKEv3' is not an IKE version; use IKEv2 or IKEv1"));
    it("accepts IKEv1 for older firmware", () => assert.equal(exampleSettings({ "exchange-lab:ikeVersion": "ikev1" }).vpn!.ikeVersion, "IKEv1"));
    it("rejects zones other than 1, 2, 3", () => assert.match(onlyProblem(problemsOf({ "exchange-lab:vpnGatewayZones": S(["4"]) })).message, /distinct zones/));
    it("accepts no zones for a region without availability zones", () => assert.deepEqual(exampleSettings({ "exchange-lab:vpnGatewayZones": "[]" }).vpn!.zones, []));
    it("requires onPremises when vpn is true", () => assert.match(onlyProblem(problemsOf({ "exchange-lab:onPremises": undefined })).message, /required when vpn is true/));
    it("rejects vpn values other than true or false", () => assert.equal(onlyProblem(problemsOf({ "exchange-lab:vpn": "yes" })).message, "expected true or false, got 'yes'"));
    it("declares no VPN settings when vpn is false, and then needs no onPremises", () => {
      assert.equal(exampleSettings({ "exchange-lab:vpn": "false", "exchange-lab:onPremises": undefined }).vpn, undefined);
    });

    describe("onPremises", () => {
      const onPrem = (v: unknown) => problemsOf({ "exchange-lab:onPremises": S(v) });
      it("needs publicIp or fqdn", () => assert.match(onlyProblem(onPrem({ addressSpaces: ["192.168.1.0/24"] })).message, /publicIp .* or fqdn/));
      it("rejects both publicIp and fqdn", () => assert.equal(onlyProblem(onPrem({ publicIp: "203.0.113.10", fqdn: "office.example.net", addressSpaces: ["192.168.1.0/24"] })).message, "give publicIp or fqdn, not both"));
      it("rejects a private WAN address", () => {
        const p = onlyProblem(onPrem({ publicIp: "192.168.0.1", addressSpaces: ["192.168.1.0/24"] }));
        assert.deepEqual([p.column, /not a public IPv4 address/.test(p.message)], ["exchange-lab:onPremises.publicIp", true]);
      });
      it("rejects text that is no address", () => assert.match(onlyProblem(onPrem({ publicIp: "office", addressSpaces: ["192.168.1.0/24"] })).message, /not a public IPv4/));
      it("accepts an FQDN for a dynamic WAN address", () => assert.deepEqual(onPrem({ fqdn: "office.example.net", addressSpaces: ["192.168.1.0/24"] }), []));
      it("rejects an invalid FQDN", () => assert.match(onlyProblem(onPrem({ fqdn: "office_1", addressSpaces: ["192.168.1.0/24"] })).message, /not a DNS name/));
    });

    it("warns when GatewaySubnet is smaller than /27", () => {
      const w = onlyProblem(warningsOf({ "exchange-lab:gatewaySubnet": "10.20.0.0/28" }));
      assert.equal(w.message, "10.20.0.0/28 is smaller than the /27 Microsoft recommends for GatewaySubnet");
    });

    describe("ipsecPolicy", () => {
      const policy = (v: unknown) => problemsOf({ "exchange-lab:ipsecPolicy": S(v) });
      it("merges given fields over the default into one complete policy", () => {
        assert.deepEqual(exampleSettings({ "exchange-lab:ipsecPolicy": S({ dhGroup: "ECP384", saLifeTimeSeconds: 3600 }) }).vpn!.policy, { ...DEFAULT_IPSEC_POLICY, dhGroup: "ECP384", saLifeTimeSeconds: 3600 });
      });
      it("rejects a value Azure does not accept, naming the field", () => {
        const p = onlyProblem(policy({ ikeEncryption: "AES512" }));
        assert.deepEqual([p.column, p.message], ["exchange-lab:ipsecPolicy.ikeEncryption", `"AES512" is not accepted by Azure; use one of ${IPSEC_POLICY_VALUES.ikeEncryption.join(", ")}`]);
      });
      it("rejects an unknown field", () => assert.match(onlyProblem(policy({ ikeCipher: "AES256" })).message, /unknown field/));
      it("rejects an SA lifetime under 300 s", () => assert.equal(onlyProblem(policy({ saLifeTimeSeconds: 299 })).message, "must be a whole number from 300 to 2147483647, got 299"));
      it("rejects an SA data size under 1024 KB", () => assert.equal(onlyProblem(policy({ saDataSizeKilobytes: 1000 })).message, "must be a whole number from 1024 to 2147483647, got 1000"));
      it("rejects GCM IPsec encryption with another integrity", () => {
        assert.equal(onlyProblem(policy({ ipsecEncryption: "GCMAES256" })).message, "with GCMAES, IPsec encryption and integrity must be the same GCMAES algorithm (now GCMAES256 and SHA256)");
      });
      it("accepts matching GCM IPsec encryption and integrity", () => assert.deepEqual(policy({ ipsecEncryption: "GCMAES128", ipsecIntegrity: "GCMAES128" }), []));
      it("rejects a policy that is not a map", () => assert.match(onlyProblem(policy("AES256")).message, /expected a map/));
      it("warns about weak choices", () => assert.match(onlyProblem(warningsOf({ "exchange-lab:ipsecPolicy": S({ dhGroup: "DHGroup2", pfsGroup: "PFS2" }) })).message, /DHGroup2 is weak/));
    });

    describe("vpnSharedKey", () => {
      it("accepts printable ASCII without space, '-' and '~'", () => assert.equal(checkSharedKey("Ab3!#$%&()*+,./:;<=>?@[]^_`{|}"), undefined));
      for (const bad of ["with space", "with-hyphen", "with~tilde", "naïve", ""]) {
        it(`rejects ${JSON.stringify(bad)} without echoing the key`, () => {
          const p = onlyProblem(problemsOf({ "exchange-lab:vpnSharedKey": bad }));
          assert.equal(p.column, "exchange-lab:vpnSharedKey");
          if (bad) assert.ok(!p.message.includes(bad), p.message);
        });
      }
      it("rejects a key longer than 128 characters", () => assert.match(onlyProblem(problemsOf({ "exchange-lab:vpnSharedKey": "k".repeat(129) })).message, /longer than 128/));
      it("is recorded as configured, never stored in the settings", () => {
        const settings = exampleSettings({ "exchange-lab:vpnSharedKey": "Sup3rSecretKey" });
        assert.equal(settings.vpn!.sharedKey, "configured");
        assert.ok(!JSON.stringify(settings, (_, v) => (typeof v === "bigint" ? String(v) : v)).includes("Sup3rSecretKey"));
      });
    });
  });

  describe("declared resources (mock runtime)", () => {
    let plan: PlanResult;
    before(async () => {
      plan = await sharedExamplePlan();
    });

    it("gives the gateway a Standard, static, zone-redundant public IP", () => {
      const ip = find(plan, "azure-native:network:PublicIPAddress").inputs;
      assert.deepEqual(dig(ip, "sku"), { name: "Standard", tier: "Regional" });
      assert.equal(dig(ip, "publicIPAllocationMethod"), "Static");
      assert.deepEqual(dig(ip, "zones"), ["1", "2", "3"]);
    });

    it("declares a route-based VPN gateway of the configured SKU and generation in GatewaySubnet", () => {
      const gw = find(plan, "azure-native:network:VirtualNetworkGateway");
      assert.equal(dig(gw.inputs, "gatewayType"), "Vpn");
      assert.equal(dig(gw.inputs, "vpnType"), "RouteBased");
      assert.deepEqual(dig(gw.inputs, "sku"), { name: "VpnGw1AZ", tier: "VpnGw1AZ" });
      assert.equal(dig(gw.inputs, "vpnGatewayGeneration"), "Generation1");
      assert.match(String(dig(gw.inputs, "ipConfigurations", 0, "subnet", "id")), /\/subnets\/GatewaySubnet$/);
      assert.match(String(dig(gw.inputs, "ipConfigurations", 0, "publicIPAddress", "id")), /\/publicIPAddresses\/MCMHybrid-vpngw-ip$/);
    });

    it("declares the office as a local network gateway with its WAN address and LAN prefixes", () => {
      const lng = find(plan, "azure-native:network:LocalNetworkGateway").inputs;
      assert.equal(dig(lng, "gatewayIpAddress"), "203.0.113.10");
      assert.deepEqual(dig(lng, "localNetworkAddressSpace", "addressPrefixes"), ["192.168.1.0/24"]);
    });

    it("connects them with IPsec, IKEv2 and exactly one complete custom policy", () => {
      const c = find(plan, "azure-native:network:VirtualNetworkGatewayConnection").inputs;
      assert.equal(dig(c, "connectionType"), "IPsec");
      assert.equal(dig(c, "connectionProtocol"), "IKEv2");
      assert.deepEqual(dig(c, "ipsecPolicies"), [DEFAULT_IPSEC_POLICY]);
      assert.match(String(dig(c, "virtualNetworkGateway1", "id")), /virtualNetworkGateways\/MCMHybrid-vpngw$/);
      assert.match(String(dig(c, "localNetworkGateway2", "id")), /localNetworkGateways\/MCMHybrid-draytek$/);
    });

    it("passes the shared key to Azure as a Pulumi secret", () => {
      assert.equal(dig(find(plan, "azure-native:network:VirtualNetworkGatewayConnection").inputs, "sharedKey"), SECRET_MASK);
    });

    it("never generates the key inside the stack (it would change at every destroy)", () => {
      assert.ok(!plan.resources.some((r) => r.type.startsWith("random:")));
    });

    it("gives the gateway a custom timeout longer than the 45 minutes Azure documents", () => {
      // customTimeouts are resource options; the declaration exports the value it uses.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded late, after the mocks are set
      const { GATEWAY_TIMEOUT } = require("../src/azure/vpn") as { GATEWAY_TIMEOUT: string };
      assert.ok(parseInt(GATEWAY_TIMEOUT, 10) > 45);
    });

    it("lets no VM wait for the gateway, directly or through another resource", () => {
      const deps = new Map(plan.resources.map((r) => [r.name, r.dependsOn]));
      const reaches = (from: string, target: string, seen = new Set<string>()): boolean =>
        (deps.get(from) ?? []).some((d) => d === target || (!seen.has(d) && (seen.add(d), reaches(d, target, seen))));
      for (const vm of plan.resources.filter((r) => r.type === "azure-native:compute:VirtualMachine")) {
        for (const vpnPart of ["MCMHybrid-vpngw", "MCMHybrid-vpngw-ip", "MCMHybrid-to-draytek", "MCMHybrid-draytek"]) assert.ok(!reaches(vm.name, vpnPart), `${vm.name} -> ${vpnPart}`);
      }
    });

    it("uses a configured key instead of generating one, and an FQDN when given", async () => {
      const yaml = exampleYaml()
        .replace("publicIp: 203.0.113.10", "fqdn: office.example.net")
        .concat("  exchange-lab:vpnSharedKey:\n    secure: v1:AAAA\n  exchange-lab:ikeVersion: IKEv1\n");
      const p = await planOf(CSV, yaml);
      assert.deepEqual(p.errors, []);
      assert.ok(!p.resources.some((r) => r.type.startsWith("random:")));
      assert.equal(dig(find(p, "azure-native:network:LocalNetworkGateway").inputs, "fqdn"), "office.example.net");
      assert.equal(dig(find(p, "azure-native:network:VirtualNetworkGatewayConnection").inputs, "connectionProtocol"), "IKEv1");
    });

    it("declares no VPN resource and prints no hints when vpn is false", async () => {
      const p = await planOf(CSV, stackWith("exchange-lab:vpn: false"));
      assert.deepEqual(p.errors, []);
      assert.ok(!p.resources.some((r) => /Gateway|random:/.test(r.type) || r.name.includes("vpngw")), p.resources.map((r) => r.name).join());
      assert.equal(p.draytek, undefined);
      assert.equal(p.draytekHints, undefined);
    });
  });

  describe("DrayTek hints", () => {
    it("cannot disagree with the connection: both come from one policy object", async () => {
      const policy: Partial<IpsecPolicy> = { ikeEncryption: "GCMAES256", ikeIntegrity: "SHA384", dhGroup: "ECP384", ipsecEncryption: "GCMAES256", ipsecIntegrity: "GCMAES256", pfsGroup: "ECP384", saLifeTimeSeconds: 3600 };
      const p = await planOf(CSV, stackWith(`exchange-lab:ipsecPolicy: ${S(policy)}`));
      assert.deepEqual(p.errors, []);
      const declared = dig(find(p, "azure-native:network:VirtualNetworkGatewayConnection").inputs, "ipsecPolicies", 0);
      assert.deepEqual(p.draytek!.azure.policy, declared);
      assert.equal(p.draytek!.ikePhase1Proposal, "AES256-GCM / SHA384 / DH group 20 (ECP 384)");
      assert.equal(p.draytek!.ikePhase2Proposal, "AES256-GCM");
      assert.equal(p.draytek!.perfectForwardSecrecy, "on (on/off only: which group the router then uses is not documented; Azure's ECP384 is DH group 20 (ECP 384), its phase 1 group)");
      assert.equal(p.draytek!.ikePhase2KeyLifetimeSeconds, 3600);
    });

    it("renders every accepted policy value distinctly, so no two policies give the same router settings", () => {
      const base = exampleSettings().vpn!;
      const input = (policy: IpsecPolicy) => ({ vpn: { ...base, policy } as VpnSettings, addressSpace: [], onPremises: [] });
      for (const field of ["ikeEncryption", "ikeIntegrity", "ipsecIntegrity"] as const) {
        const texts = IPSEC_POLICY_VALUES[field].filter((v) => !v.startsWith("GCM") || field !== "ipsecIntegrity").map((v) => {
          const d = draytekProfile(input({ ...DEFAULT_IPSEC_POLICY, [field]: v }), { sharedKey: "k" });
          return `${d.ikePhase1Proposal}|${d.ikePhase2Proposal}|${d.ipsecSecurityMethod}`;
        });
        assert.equal(new Set(texts).size, texts.length, field);
      }
    });

    it("gives remote networks as IP and dotted mask for each Azure address space", async () => {
      const p = await planOf(CSV, exampleYaml().replace("    - 10.20.0.0/16", "    - 10.20.0.0/16\n    - 172.16.8.0/22"));
      assert.deepEqual(p.draytek!.remoteNetworks.map((n) => `${n.ip}/${n.mask}`), ["10.20.0.0/255.255.0.0", "172.16.8.0/255.255.252.0"]);
    });

    it("renders the example stack's hints as pinned in test/snapshots/draytek-oxford.txt", async () => {
      const p = await sharedExamplePlan();
      const file = path.join(__dirname, "snapshots", "draytek-oxford.txt");
      if (process.env.UPDATE_SNAPSHOTS) fs.writeFileSync(file, p.draytekHints!);
      assert.equal(p.draytekHints, fs.readFileSync(file, "utf8"));
    });

    it("renders hints with the real gateway IP and key when they are known", () => {
      const d = draytekProfile({ vpn: exampleSettings().vpn!, addressSpace: [], onPremises: [] }, { gatewayIp: "198.51.100.7", sharedKey: "TheKey1" });
      const text = renderDraytekHints(d);
      assert.match(text, /Server IP\/Host Name for VPN: {3}the gateway's IP, 198\.51\.100\.7/);
      assert.match(text, /IKE Pre-Shared Key: {12}TheKey1/);
    });
  });

  describe("the key in the offline plan's output", () => {
    const KEY = "PlainKey4Test";
    async function run(...argv: string[]) {
      const { dir, stackFile } = writeLab(CSV, stackWith(`exchange-lab:vpnSharedKey: ${KEY}`));
      let out = "";
      const code = await main(["--config", stackFile, "--csv", path.join(dir, "lab.csv"), ...argv], (s) => (out += s), (s) => (out += s));
      return { code, out };
    }
    it("never appears without --show-secrets, in text or JSON", async () => {
      for (const argv of [[], ["--json"]]) {
        const { code, out } = await run(...argv);
        assert.equal(code, 0);
        assert.ok(!out.includes(KEY), `key printed with ${argv.join(" ")}`);
        assert.match(out, /\[secret\]/);
      }
    });
    it("appears with --show-secrets", async () => assert.match((await run("--show-secrets")).out, new RegExp(`IKE Pre-Shared Key: +${KEY}`)));
    it("warns that a key written in plain text belongs in a secret", async () => assert.match((await run()).out, /plain text in the stack file; set it with: pulumi config set --secret exchange-lab:vpnSharedKey/));
  });
});

describe("the VPN stack outputs (mock runtime)", () => {
  it("keeps draytek and draytekHints secret and gatewayPublicIp plain", async () => {
    await pulumi.runtime.setMocks(recordingMocks([]), "exchange-lab", "outputs", false, "organization");
    pulumi.runtime.setAllConfig(exampleConfig({ "exchange-lab:vpnSharedKey": "K3yForTheOutputsTest" }));
    const { component } = await runLab({ baseDir: EXAMPLES });
    const vpn = component.vpn!;
    assert.equal(await pulumi.isSecret(vpn.draytek), true);
    assert.equal(await pulumi.isSecret(vpn.draytekHints), true);
    assert.equal(await pulumi.isSecret(vpn.gatewayPublicIp), false);
  });

  it("puts no network security group on GatewaySubnet", async () => {
    const plan = await sharedExamplePlan();
    const gatewaySubnet = plan.resources.find((r) => r.type === "azure-native:network:Subnet" && r.name === "GatewaySubnet")!;
    assert.equal(gatewaySubnet.inputs.networkSecurityGroup, undefined);
    assert.ok(!plan.resources.some((r) => r.type === "azure-native:network:NetworkSecurityGroup" && JSON.stringify(r.inputs).includes("GatewaySubnet")));
  });
});
