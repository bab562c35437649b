// The VPN key is a secret end to end: scan every output channel of the offline plan for it,
// for a key written in the stack file (plain or encrypted) and for a generated one.
import { strict as assert } from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { main } from "../src/plan/cli";
import { recordingMocks } from "../src/plan/mocks";
import { runLab } from "../src/program";
import { HEADER, ROOT, baseStackYaml, exampleConfig, writeLab } from "./helpers";

const CSV = `${HEADER}\nYes,dc1,,dc1-os,Small,Oxford,,,,Yes,3389\n`;
const PLAIN_KEY = "Pl4inKeyWrittenInTheFile";
const GENERATED_KEY = "G3neratedKeyFromRandom";
const CIPHERTEXT = "v1:c2VjcmV0Y2lwaGVydGV4dA==";

/** Runs the plan CLI with every byte written to stdout/stderr captured, including stray writes. */
async function everything(stackYaml: string, ...argv: string[]): Promise<string> {
  const { dir, stackFile } = writeLab(CSV, stackYaml);
  let captured = "";
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const capture = (chunk: string | Uint8Array) => ((captured += chunk.toString()), true);
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  try {
    await main(["--config", stackFile, "--csv", path.join(dir, "lab.csv"), ...argv], (s) => (captured += s), (s) => (captured += s), { generatedSecret: GENERATED_KEY });
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  return captured;
}

const stacks: [string, string, string][] = [
  ["a key written in plain text", baseStackYaml() + `  exchange-lab:vpnSharedKey: ${PLAIN_KEY}\n`, PLAIN_KEY],
  ["an encrypted key (secure:)", baseStackYaml() + `  exchange-lab:vpnSharedKey:\n    secure: ${CIPHERTEXT}\n`, CIPHERTEXT],
  ["a generated key", baseStackYaml(), GENERATED_KEY],
];

describe("the VPN key in every output channel of the plan", () => {
  for (const [what, yaml, key] of stacks) {
    for (const argv of [[], ["--json"]]) {
      it(`${what}: never printed by plan ${argv.join(" ")} without --show-secrets`, async () => {
        const printed = await everything(yaml, ...argv);
        assert.ok(printed.length > 1000, "the plan printed its report");
        assert.ok(!printed.includes(key), `the key leaked:\n${printed}`);
      });
    }
  }

  it("a generated key is shown only on request (--show-secrets), in the connection's input", async () => {
    assert.ok((await everything(stacks[2][1], "--json", "--show-secrets")).includes(GENERATED_KEY));
  });

  it("an invalid key is reported without being echoed", async () => {
    const bad = "bad key with spaces";
    const printed = await everything(baseStackYaml() + `  exchange-lab:vpnSharedKey: ${bad}\n`);
    assert.match(printed, /vpnSharedKey: the key has a character Azure does not accept at position 4/);
    assert.ok(!printed.includes(bad));
  });

  it("the stack outputs that carry the key are secrets, for a configured and a generated key", async () => {
    for (const config of [exampleConfig({ "exchange-lab:vpnSharedKey": PLAIN_KEY }), exampleConfig()]) {
      await pulumi.runtime.setMocks(recordingMocks([], GENERATED_KEY), "exchange-lab", "secrets", false);
      pulumi.runtime.setAllConfig(config, ["exchange-lab:vpnSharedKey"]);
      const { component } = runLab({ baseDir: ROOT });
      assert.equal(await pulumi.isSecret(component.vpn!.draytek), true);
      assert.equal(await pulumi.isSecret(component.vpn!.draytekHints), true);
      assert.equal(await pulumi.isSecret(component.vpn!.connection.sharedKey), true);
    }
  });
});
