import { strict as assert } from "assert";
import { ENCRYPTED_PLACEHOLDER, parseStackFile } from "../src/input/stack/stackFile";
import { onlyProblem } from "./helpers";

describe("reading a stack file", () => {
  const text = [
    "config:",
    "  azure-native:location: westeurope",
    "  exchange-lab:subnets:",
    "    Oxford: 10.20.1.0/24",
    "  exchange-lab:addressSpace:",
    "    - 10.20.0.0/16",
    "  exchange-lab:vpnSharedKey:",
    "    secure: v1:AAAABBBBCCCC",
    "",
  ].join("\n");

  it("gives scalars as text and maps and lists as JSON, as Pulumi hands them to a program", () => {
    const { stack } = parseStackFile(text, "Pulumi.t.yaml");
    assert.equal(stack!.config["azure-native:location"], "westeurope");
    assert.deepEqual(JSON.parse(stack!.config["exchange-lab:subnets"]), { Oxford: "10.20.1.0/24" });
    assert.deepEqual(JSON.parse(stack!.config["exchange-lab:addressSpace"]), ["10.20.0.0/16"]);
  });

  it("knows the line of every key", () => {
    const { stack } = parseStackFile(text, "Pulumi.t.yaml");
    assert.deepEqual(stack!.locate("exchange-lab:subnets"), { file: "Pulumi.t.yaml", line: 3 });
    assert.deepEqual(stack!.locate("exchange-lab:missing"), { file: "Pulumi.t.yaml", line: 0 });
  });

  it("lists secure: values as secret and never holds their ciphertext", () => {
    const { stack } = parseStackFile(text, "Pulumi.t.yaml");
    assert.deepEqual(stack!.secretKeys, ["exchange-lab:vpnSharedKey"]);
    assert.equal(stack!.config["exchange-lab:vpnSharedKey"], ENCRYPTED_PLACEHOLDER);
  });

  it("reports malformed YAML with the file and line", () => {
    const p = parseStackFile("config:\n  a: [1, 2\n  b: 3\n", "Pulumi.bad.yaml").problems[0];
    assert.equal(p.file, "Pulumi.bad.yaml");
    assert.ok(p.line >= 2, JSON.stringify(p));
  });

  it("reports a key written twice", () => {
    const p = onlyProblem(parseStackFile("config:\n  a: 1\n  a: 2\n", "Pulumi.dup.yaml").problems);
    assert.equal(p.line, 3);
  });

  it("rejects a file that is not a map", () => assert.match(onlyProblem(parseStackFile("- a\n- b\n", "P.yaml").problems).message, /YAML map/));
});
