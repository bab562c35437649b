/**
 * The reference tables of `docs/reference.md`, generated from the tables in code
 * (`src/input/stack/stackKeys.ts`, `src/input/csv/csvColumns.ts`) so that they cannot drift: each sits
 * between a BEGIN and an END marker. Pure.
 */
import { csvColumnsTable } from "../input/csv/csvColumns";
import { stackKeysTable } from "../input/stack/stackKeys";

/** The generated sections, by marker name. */
export const GENERATED_SECTIONS: Readonly<Record<string, () => string>> = {
  "stack keys": stackKeysTable,
  "csv columns": csvColumnsTable,
};

const begin = (name: string) => `<!-- BEGIN generated: ${name} (npm run docs) -->`;
const END = "<!-- END generated -->";

/** The page that holds the generated sections, from the project root. */
export const REFERENCE_PAGE = "docs/reference.md";

/**
 * The reference page with every generated section rewritten from code. Throws an `Error` naming
 * a section whose markers are missing (the page must keep them).
 */
export function regenerateReference(readme: string): string {
  let out = readme;
  for (const [name, render] of Object.entries(GENERATED_SECTIONS)) {
    const start = out.indexOf(begin(name));
    const end = start < 0 ? -1 : out.indexOf(END, start);
    if (start < 0 || end < 0) throw new Error(`${REFERENCE_PAGE} lacks the markers of the generated section '${name}': ${begin(name)} ... ${END}`);
    out = `${out.slice(0, start)}${begin(name)}\n${render()}${out.slice(end)}`;
  }
  return out;
}
