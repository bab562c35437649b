/** `npm run docs`: rewrites the README's generated tables from the tables in code. */
import * as fs from "fs";
import * as path from "path";
import { regenerateReadme } from "./readme";

const file = path.resolve(__dirname, "..", "..", "README.md");
const before = fs.readFileSync(file, "utf8");
const after = regenerateReadme(before);
if (after === before) process.stdout.write("README.md: the generated tables are up to date\n");
else {
  fs.writeFileSync(file, after);
  process.stdout.write("README.md: generated tables rewritten\n");
}
