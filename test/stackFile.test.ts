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

  it("refuses a key that is a list, a map or a timestamp at its line, without the yaml library's stringify warning", async () => {
    const warnings: string[] = [];
    const listen = (w: Error) => warnings.push(w.message);
    process.on("warning", listen);
    try {
      const cases: [string, number, RegExp][] = [
        ["config:\n  azure-native:location: westeurope\n  ? [a, b]\n  : 1\n", 3, /a key is a list; keys of a stack file are names/],
        ["config:\n  {a: 1}: x\n", 2, /a key is a map/],
        ["defaults: &d [x]\nconfig:\n  *d : 1\n", 3, /a key is a list/],
        ["%YAML 1.1\n---\nconfig:\n  !!timestamp 2001-12-14: x\n", 4, /a key is a Date value/],
      ];
      for (const [yaml, line, message] of cases) {
        const p = onlyProblem(parseStackFile(yaml, "P.yaml").problems);
        assert.equal(p.line, line, yaml);
        assert.match(p.message, message, yaml);
      }
      // Node emits process warnings on a later tick.
      await new Promise<void>((resolve) => setTimeout(resolve, 10));
    } finally {
      process.off("warning", listen);
    }
    assert.deepEqual(warnings.filter((w) => /collection values/.test(w)), []);
  });

  it("rejects a file that is not a map", () => assert.match(onlyProblem(parseStackFile("- a\n- b\n", "P.yaml").problems).message, /YAML map/));
});
