// No import circles in src/ (type-only imports included): a circle means two modules that cannot
// be understood, tested or moved apart. Shared shapes go to a module of their own
// (src/input/stack/settingsTypes.ts, src/input/lab/labTypes.ts, src/plan/planTypes.ts).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "./helpers";

/** Every .ts file under `dir`, recursively. */
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
}

/** The project files a file imports or re-exports (relative specifiers only). */
function imports(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/g)].flatMap((m) => {
    const target = path.resolve(path.dirname(file), m[1]);
    return [`${target}.ts`, path.join(target, "index.ts")].filter((f) => fs.existsSync(f)).slice(0, 1);
  });
}

/** The import circles among `files`, each as the list of its files (Tarjan's strongly connected components). */
export function importCircles(files: readonly string[]): string[][] {
  const graph = new Map(files.map((f) => [f, imports(f)]));
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const circles: string[][] = [];
  const visit = (v: string) => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) circles.push(component);
    }
  };
  for (const f of files) if (!indices.has(f)) visit(f);
  return circles;
}

describe("import circles", () => {
  it("src/ has none, type-only imports included", () => {
    const files = [...sources(path.join(ROOT, "src")), path.join(ROOT, "index.ts")];
    const circles = importCircles(files).map((c) => c.map((f) => path.relative(ROOT, f)).sort().join(" <-> "));
    assert.deepEqual(circles, []);
  });
});
