// The project's files agree with each other: Pulumi.yaml, the settings schema, README and CI.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { CONFIG_DEFAULTS, CONFIG_KEYS, ConfigKeySpec } from "../src/input/settings";
import { REFERENCE_PAGE, regenerateReference } from "../src/docs/readme";
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

  it("the reference page (docs/reference.md) documents every configuration key", () => {
    const readme = read(REFERENCE_PAGE);
    for (const key of Object.keys(CONFIG_KEYS)) assert.ok(readme.includes(`\`${key}\``), key);
  });

  it("the reference page's configuration and CSV tables are the ones generated from the tables in code (npm run docs)", () => {
    const page = read(REFERENCE_PAGE);
    assert.equal(page, regenerateReference(page), "run npm run docs");
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

describe("the source folders", () => {
  // What each folder of src/ may import (its README says the same): data flows one way.
  const allowed: Record<string, string[]> = {
    input: [],
    azure: ["input", "report"],
    report: ["input"],
    plan: ["input", "report", "prices", "program"],
    prices: ["input", "report"],
    catalogues: ["input"],
    labctl: ["input", "azure", "plan", "program"],
    docs: ["input"],
  };
  for (const [folder, may] of Object.entries(allowed)) {
    it(`src/${folder} imports only ${may.length ? may.join(", ") : "npm packages"} of src/, and says so in its README`, () => {
      const dir = path.join(ROOT, "src", folder);
      assert.ok(fs.existsSync(path.join(dir, "README.md")), `${folder}/README.md`);
      for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
        const text = fs.readFileSync(path.join(dir, file), "utf8");
        for (const m of text.matchAll(/from "\.\.\/([a-z]+)/g)) assert.ok(may.includes(m[1]), `src/${folder}/${file} imports ../${m[1]}`);
      }
    });
  }
});
