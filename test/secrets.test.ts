// The VPN key is a secret end to end: scan every output channel of the offline plan for it,
// for a key written in the stack file (plain or encrypted). Without a key, pulumi up stops and the
// plan warns, each with a fresh key to store (the key is never generated inside the stack).
import { strict as assert } from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { main } from "../src/plan/cli";
import { Registration, recordingMocks } from "../src/plan/mocks";
import { runLab } from "../src/program";
import { LabValidationError } from "../src/input/problems";
import { HEADER, EXAMPLES, baseStackYaml, exampleConfig, writeLab } from "./helpers";

const CSV = `${HEADER}\nYes,dc1,,dc1-os,Small,Oxford,,,,Yes,3389\n`;
const PLAIN_KEY = "Pl4inKeyWrittenInTheFile";
const CIPHERTEXT = "v1:c2VjcmV0Y2lwaGVydGV4dA==";

/** Runs the plan CLI with every byte written to stdout/stderr captured, including stray writes. */
async function everything(stackYaml: string, ...argv: string[]): Promise<string> {
  return everythingOf(CSV, stackYaml, ...argv);
}

/** The same, for a CSV of one's own. */
async function everythingOf(csv: string, stackYaml: string, ...argv: string[]): Promise<string> {
  const { dir, stackFile } = writeLab(csv, stackYaml);
  let captured = "";
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const capture = (chunk: string | Uint8Array) => ((captured += chunk.toString()), true);
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  try {
    await main(["--config", stackFile, "--csv", path.join(dir, "lab.csv"), ...argv], (s) => (captured += s), (s) => (captured += s));
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  return captured;
}

const stacks: [string, string, string][] = [
  ["a key written in plain text", baseStackYaml() + `  exchange-lab:vpnSharedKey: ${PLAIN_KEY}\n`, PLAIN_KEY],
  ["an encrypted key (secure:)", baseStackYaml() + `  exchange-lab:vpnSharedKey:\n    secure: ${CIPHERTEXT}\n`, CIPHERTEXT],
];

describe("the VPN key in every output channel of the plan", () => {
  for (const [what, yaml, key] of stacks) {
    for (const argv of [[], ["--json"], ["--format", "draytek-cli"]]) {
      it(`${what}: never printed by plan ${argv.join(" ")} without --show-secrets`, async () => {
        const printed = await everything(yaml, ...argv);
        assert.ok(printed.length > 1000, "the plan printed its report");
        assert.ok(!printed.includes(key), `the key leaked:\n${printed}`);
      });
    }
  }

  it("a plain key is shown only on request (--show-secrets), in the connection's input", async () => {
    assert.ok((await everything(stacks[0][1], "--json", "--show-secrets")).includes(PLAIN_KEY));
  });

  it("without a key the plan goes on and warns with the exact command that stores a key (a fresh one only at a terminal: test/messages.test.ts)", async () => {
    const printed = await everything(baseStackYaml());
    assert.match(printed, /exchange-lab:vpnSharedKey: required when vpn is true, and never generated inside the stack .*: pulumi config set --secret exchange-lab:vpnSharedKey <key> \(npm run plan in a terminal suggests a fresh one/);
    assert.match(printed, /IKE Pre-Shared Key: +\(not set: see the warning on exchange-lab:vpnSharedKey\)/);
  });

  it("without a key pulumi up stops before declaring anything, with the same command", async () => {
    const registrations: Registration[] = [];
    await pulumi.runtime.setMocks(recordingMocks(registrations), "exchange-lab", "nokey", false, "organization");
    pulumi.runtime.setAllConfig(exampleConfig());
    await assert.rejects(runLab({ baseDir: EXAMPLES, mode: "deploy", suggestKey: true }), (err: unknown) => {
      assert.ok(err instanceof LabValidationError);
      assert.match(err.message, /vpnSharedKey: required when vpn is true.*pulumi config set --secret exchange-lab:vpnSharedKey [A-Za-z0-9]{32}/);
      return true;
    });
    // In CI (CI set, as GitHub Actions does) the same stop names the command, never a fresh key.
    const ci = process.env.CI;
    process.env.CI = "true";
    try {
      await assert.rejects(runLab({ baseDir: EXAMPLES, mode: "deploy" }), (err: unknown) => {
        assert.ok(err instanceof LabValidationError);
        assert.match(err.message, /pulumi config set --secret exchange-lab:vpnSharedKey <key>/);
        assert.doesNotMatch(err.message, /vpnSharedKey [A-Za-z0-9]{32}/);
        return true;
      });
    } finally {
      if (ci === undefined) delete process.env.CI;
      else process.env.CI = ci;
    }
    assert.deepEqual(registrations.filter((r) => r.type !== "pulumi:pulumi:StackReference"), []);
  });

  it("an invalid key is reported without being echoed", async () => {
    const bad = "bad key with spaces";
    const printed = await everything(baseStackYaml() + `  exchange-lab:vpnSharedKey: ${bad}\n`);
    assert.match(printed, /vpnSharedKey: the key has a character Azure does not accept at position 4/);
    assert.ok(!printed.includes(bad));
  });

  it("the stack outputs that carry the key are secrets, and the deployedLab record carries no key", async () => {
    for (const config of [exampleConfig({ "exchange-lab:vpnSharedKey": PLAIN_KEY })]) {
      await pulumi.runtime.setMocks(recordingMocks([]), "exchange-lab", "secrets", false, "organization");
      pulumi.runtime.setAllConfig(config, ["exchange-lab:vpnSharedKey"]);
      const { component, record } = await runLab({ baseDir: EXAMPLES });
      assert.ok(!JSON.stringify(record).includes(PLAIN_KEY));
      assert.equal(await pulumi.isSecret(component.vpn!.draytek), true);
      assert.equal(await pulumi.isSecret(component.vpn!.draytekHints), true);
      assert.equal(await pulumi.isSecret(component.vpn!.connection.sharedKey), true);
    }
  });
});

// The administrator password of VMs built from an image: the same guarantees as the VPN key.
describe("the admin password in every output channel of the plan", () => {
  const IMAGE_CSV = `BringOnline,VMName,VMOSDiskName,VMInstanceSize,SubnetName,IPAddress,WaitForBoot,Image\nYes,dc1,,Small,Oxford,,Yes,ws2022-g2\n`;
  const PASSWORD = "Pl4in-Passw0rd-InTheFile";
  const PASSWORD_CIPHERTEXT = "v1:cGFzc3dvcmRjaXBoZXJ0ZXh0";
  const withUser = `${baseStackYaml()}  exchange-lab:adminUsername: labadmin\n  exchange-lab:vpnSharedKey:\n    secure: ${CIPHERTEXT}\n`;
  const passwordStacks: [string, string, string][] = [
    ["a password written in plain text", `${withUser}  exchange-lab:adminPassword: ${PASSWORD}\n`, PASSWORD],
    ["an encrypted password (secure:)", `${withUser}  exchange-lab:adminPassword:\n    secure: ${PASSWORD_CIPHERTEXT}\n`, PASSWORD_CIPHERTEXT],
  ];
  for (const [what, yaml, secret] of passwordStacks) {
    for (const argv of [[], ["--json"]]) {
      it(`${what}: never printed by plan ${argv.join(" ")} without --show-secrets`, async () => {
        const printed = await everythingOf(IMAGE_CSV, yaml, ...argv);
        assert.ok(printed.length > 1000 && /FromImage|built from ws2022-g2/.test(printed), "the plan built the VM from its image");
        assert.ok(!printed.includes(secret), `the password leaked:\n${printed}`);
      });
    }
  }

  it("a plain password is warned about, shown only with --show-secrets, and kept out of the deployedLab record", async () => {
    assert.match(await everythingOf(IMAGE_CSV, passwordStacks[0][1]), /adminPassword: the password is stored in plain text in the stack file; store it encrypted with: pulumi config set --secret exchange-lab:adminPassword\n/);
    const shown = await everythingOf(IMAGE_CSV, passwordStacks[0][1], "--json", "--show-secrets");
    assert.ok(shown.includes(PASSWORD));
    assert.ok(!JSON.stringify(JSON.parse(shown).deployedLab).includes(PASSWORD));
  });
});
