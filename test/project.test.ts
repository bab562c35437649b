// The project's files agree with each other: Pulumi.yaml, the settings schema, README and CI.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { CONFIG_DEFAULTS, CONFIG_KEYS, ConfigKeySpec } from "../src/input/stack/settings";
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
    // The acceptance run's inline program is index.ts's own function; it parks with labctl's own
    // code and compares its timings with report's estimates (src/acceptance/README.md).
    acceptance: ["input", "plan", "report", "labctl", "index"],
    // npm run rehearse is a thin layer over the Azure twin and the engine harness, which live with
    // the tests, reading its command line as every CLI does (src/rehearse/README.md).
    rehearse: ["test/twin", "input"],
  };
  // Inside src/input, by what each part reads: the shared helpers at its root, then the CSV's
  // cells (csv/), the stack file and its keys (stack/), the lab as a whole with its lifecycle
  // (lab/). Each may import only the parts before it.
  const inputParts: Record<string, string[]> = { "": [], csv: [""], stack: ["", "csv"], lab: ["", "csv", "stack"] };
  /** Every .ts file under `dir`, recursively, relative to it. */
  const tsFiles = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(path.join(dir, e.name)).map((f) => path.join(e.name, f)) : e.name.endsWith(".ts") ? [e.name] : []));
  /** Where a relative import of `file` lands: the src/ folder (or `program`) and, inside src/input, its part. */
  const landing = (file: string, specifier: string): { folder: string; part: string } => {
    const target = path.resolve(path.dirname(file), specifier);
    if (target === path.join(ROOT, "index")) return { folder: "index", part: "" };
    if (target.startsWith(path.join(ROOT, "test", "twin") + path.sep)) return { folder: "test/twin", part: "" };
    const rel = path.relative(path.join(ROOT, "src"), target).split(path.sep);
    return { folder: rel[0].replace(/\.ts$/, ""), part: rel[0] === "input" && rel.length > 2 ? rel[1] : "" };
  };
  for (const [folder, may] of Object.entries(allowed)) {
    it(`src/${folder} imports only ${may.length ? may.join(", ") : "npm packages"} of src/, and says so in its README`, () => {
      const dir = path.join(ROOT, "src", folder);
      assert.ok(fs.existsSync(path.join(dir, "README.md")), `${folder}/README.md`);
      for (const file of tsFiles(dir)) {
        const full = path.join(dir, file);
        const text = fs.readFileSync(full, "utf8");
        const part = folder === "input" && file.includes(path.sep) ? file.split(path.sep)[0] : "";
        if (part !== "") assert.ok(fs.existsSync(path.join(dir, part, "README.md")), `src/input/${part}/README.md`);
        for (const m of text.matchAll(/from "(\.[^"]+)"/g)) {
          const to = landing(full, m[1]);
          assert.ok(to.folder === folder || may.includes(to.folder), `src/${folder}/${file} imports ${m[1]}`);
          if (folder === "input") assert.ok(to.part === part || (inputParts[part] ?? []).includes(to.part), `src/input/${file} imports ${m[1]} (src/input/${to.part})`);
        }
      }
    });
  }
});
