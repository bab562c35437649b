// The project's files agree with each other: Pulumi.yaml, the settings schema, README and CI.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { CONFIG_DEFAULTS, CONFIG_KEYS, ConfigKeySpec } from "../src/settings";
import { ROOT } from "./helpers";

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

describe("the project files", () => {
  const project = parse(read("Pulumi.yaml")) as { name: string; stackConfigDir: string; config: Record<string, { type: string; description: string; default?: unknown }> };

  it("Pulumi.yaml names the project exchange-lab with stacks under stacks/", () => {
    assert.equal(project.name, "exchange-lab");
    assert.equal(project.stackConfigDir, "stacks");
  });

  it("Pulumi.yaml declares every key Pulumi's schema can type, with the program's type, description and default", () => {
    const keys: Record<string, ConfigKeySpec> = CONFIG_KEYS;
    const declarable = Object.entries(keys).filter(([, k]) => k.pulumiType !== undefined);
    assert.deepEqual(Object.keys(project.config).sort(), declarable.map(([name]) => name).sort());
    for (const [key, declared] of Object.entries(project.config)) {
      assert.equal(declared.type, keys[key].pulumiType, key);
      assert.equal(declared.description, keys[key].description, key);
      assert.deepEqual(declared.default, CONFIG_DEFAULTS[key], key);
    }
  });

  it("README documents every configuration key", () => {
    const readme = read("README.md");
    for (const key of Object.keys(CONFIG_KEYS)) assert.ok(readme.includes(`\`${key}\``), key);
  });

  it(".ci/run runs exactly the README's two set-up commands", () => {
    const readme = read("README.md");
    const ci = read(".ci/run");
    for (const command of ["npm ci && npm run plan", "npm test"]) {
      assert.ok(readme.includes(command), `README: ${command}`);
      assert.ok(ci.split("\n").includes(command) || ci.includes(`${command}\n`), `.ci/run: ${command}`);
    }
  });
});
