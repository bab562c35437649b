/** `npm run docs`: rewrites the generated tables of docs/reference.md from the tables in code. */
import * as fs from "fs";
import * as path from "path";
import { REFERENCE_PAGE, regenerateReference } from "./readme";

export const DOCS_USAGE = `usage: npm run docs

Rewrites the generated tables of docs/reference.md (stack keys, CSV columns) between their markers
from the tables in code (src/input/stack/stackKeys.ts, src/input/csv/csvColumns.ts). A test fails while they
differ. No options but --help.
`;

/** Runs the CLI; returns the exit code (0 done, 2 an unknown argument). */
export function main(argv: readonly string[], write: (s: string) => void, writeError: (s: string) => void): number {
  if (argv.includes("--help") || argv.includes("-h")) {
    write(DOCS_USAGE);
    return 0;
  }
  if (argv.length > 0) {
    writeError(`exchange-lab docs: unknown argument '${argv[0]}'\n${DOCS_USAGE}`);
    return 2;
  }
  const file = path.resolve(__dirname, "..", "..", REFERENCE_PAGE);
  const before = fs.readFileSync(file, "utf8");
  const after = regenerateReference(before);
  if (after === before) write(`${REFERENCE_PAGE}: the generated tables are up to date\n`);
  else {
    fs.writeFileSync(file, after);
    write(`${REFERENCE_PAGE}: generated tables rewritten\n`);
  }
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s));
