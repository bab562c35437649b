/**
 * Checks that the guest scripts (src/azure/scripts/*.ps1) are Windows PowerShell 5.1 scripts,
 * which is what Run Command runs on Windows: they parse with tree-sitter's PowerShell grammar
 * (optional native devDependency), use none of PowerShell 7's syntax (`??`, `??=`, `?.`, `?[`,
 * ternary `? :`, pipeline chains `&&` / `||`, `ForEach-Object -Parallel`, `clean {}` blocks:
 * https://learn.microsoft.com/powershell/scripting/whats-new/differences-from-windows-powershell),
 * and are ASCII only (5.1 reads a file without BOM in the ANSI code page).
 */
import * as fs from "fs";
import * as path from "path";

/** The folder of the guest scripts. */
export const SCRIPTS_DIR = path.join(__dirname, "..", "src", "azure", "scripts");

/** Every guest script's file name, sorted. */
export function guestScripts(): string[] {
  return fs.readdirSync(SCRIPTS_DIR).filter((f) => f.endsWith(".ps1")).sort();
}

/** The code of a script without its comments and string literals (a rough lexer, enough for the checks below). */
export function codeOnly(text: string): string {
  return text
    .replace(/<#[\s\S]*?#>/g, "")
    .replace(/@'[\s\S]*?'@|@"[\s\S]*?"@/g, "''")
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/"(?:[^"`]|`.)*"/g, "''")
    .replace(/#[^\n]*/g, "");
}

/** The PowerShell-7-only constructs found in a script, as `line: construct`; empty when it is 5.1 syntax. */
export function ps7Only(text: string): string[] {
  const rules: [RegExp, string][] = [
    [/\?\?/, "null-coalescing ??"],
    [/\?\.|\?\[/, "null-conditional ?. / ?["],
    [/&&|\|\|/, "pipeline chain && / ||"],
    [/\s\?\s[^\n]*\s:\s/, "ternary ? :"],
    [/-Parallel\b/, "ForEach-Object -Parallel"],
    [/^\s*clean\s*\{/, "clean block"],
  ];
  const found: string[] = [];
  codeOnly(text).split("\n").forEach((line, i) => {
    for (const [re, what] of rules) if (re.test(line)) found.push(`${i + 1}: ${what}`);
  });
  return found;
}

/**
 * A PowerShell syntax check from tree-sitter-powershell (devDependency, built from source at
 * `npm ci`): returns the syntax errors of a script, as `line:column text`. `undefined` when the
 * native parser is not available. The grammar's own index is an ES module with top-level await,
 * which Node 20 cannot require, so its binding is loaded with node-gyp-build as that index does.
 */
export function powershellParser(): ((text: string) => string[]) | undefined {
  let Parser: typeof import("tree-sitter");
  let language: unknown;
  // require(), not import: both are optional native packages (optionalDependencies) that may be absent.
  /* eslint-disable @typescript-eslint/no-require-imports */
  try {
    Parser = require("tree-sitter") as typeof import("tree-sitter");
    const load = require("node-gyp-build") as (dir: string) => unknown;
    language = load(require("path").dirname(require.resolve("tree-sitter-powershell/package.json")));
  } catch {
    return undefined;
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
  const parser = new Parser();
  parser.setLanguage(language as Parameters<typeof parser.setLanguage>[0]);
  return (text) => {
    const errors: string[] = [];
    const walk = (node: import("tree-sitter").SyntaxNode) => {
      if (node.type === "ERROR" || node.isMissing) errors.push(`${node.startPosition.row + 1}:${node.startPosition.column + 1} ${node.text.slice(0, 40)}`);
      node.children.forEach(walk);
    };
    walk(parser.parse(text).rootNode);
    return errors;
  };
}
