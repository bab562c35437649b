/**
 * Reads a Pulumi stack file (`stacks/Pulumi.<stack>.yaml`) with the `yaml` library into
 * the key -> text map Pulumi itself hands a program (structured values as JSON text), plus
 * the line of every key so that problems can point into the file.
 */
import { readInputFile } from "../files";
import { Document, LineCounter, Pair, Scalar, isAlias, isMap, isNode, isScalar, isSeq, parseDocument, visit } from "yaml";
import { Problem } from "../problems";
import { ConfigLocator } from "./settings";

/** What the offline plan and the program know about a stack file. */
export interface StackFile {
  path: string;
  /** Full config keys (`exchange-lab:subnets`) to their text; structured values as JSON text. */
  config: Record<string, string>;
  /** Keys whose value is `secure: <ciphertext>` (set with `pulumi config set --secret`). */
  secretKeys: string[];
  /** Where each key is written. */
  locate: ConfigLocator;
}

/** Text the offline plan puts in place of a `secure:` value it cannot decrypt. */
export const ENCRYPTED_PLACEHOLDER = "[secret]";

/**
 * Parses stack-file text. `secure:` values are replaced by {@link ENCRYPTED_PLACEHOLDER}
 * (the offline plan has no passphrase) and listed in `secretKeys`.
 * Returns the stack file, or problems naming the file and line. Never throws.
 */
export function parseStackFile(text: string, path: string): { stack?: StackFile; problems: Problem[] } {
  const lineCounter = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  let js: unknown;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
    const complex = doc.errors.length === 0 ? collectionKeys(doc, lineCounter, path) : [];
    if (complex.length > 0) return { problems: complex };
    // Plain data with aliases and merge keys resolved, as Pulumi reads the file.
    js = doc.errors.length === 0 ? doc.toJS({ maxAliasCount: 100 }) : undefined;
  } catch (err) {
    return { problems: [{ file: path, line: 0, column: "(yaml)", message: (err as Error).message.split("\n")[0] }] };
  }
  const problems: Problem[] = doc.errors.map((e) => ({
    file: path,
    line: lineCounter.linePos(e.pos[0]).line,
    column: "(yaml)",
    message: e.message.split("\n")[0],
  }));
  if (problems.length > 0) return { problems };

  const lines = new Map<string, number>();
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  const root = doc.contents;
  const configNode = isMap(root) ? root.get("config", true) : undefined;
  if (root !== null && !isMap(root)) {
    return { problems: [{ file: path, line: 1, column: "(yaml)", message: "a stack file is a YAML map with a 'config:' key" }] };
  }
  if (configNode !== undefined && !isMap(configNode)) {
    return { problems: [{ file: path, line: lineOf(lineCounter, configNode), column: "config", message: "'config:' must be a map of key: value" }] };
  }
  const outside = keysOutsideConfig(root, lineCounter, path);
  if (outside.length > 0) return { problems: outside };
  for (const item of configNode?.items ?? []) {
    const pair = item as Pair<unknown, unknown>;
    if (isScalar(pair.key)) lines.set(String(pair.key.value), lineOf(lineCounter, pair.key));
  }
  const configJs = (js as { config?: unknown } | null)?.config;
  const entries = configJs !== null && typeof configJs === "object" && !Array.isArray(configJs) ? Object.entries(configJs) : [];
  for (const [key, value] of entries) {
    if (isSecure(value)) {
      config[key] = ENCRYPTED_PLACEHOLDER;
      secretKeys.push(key);
    } else if (value === null || value === undefined) {
      config[key] = "";
    } else {
      config[key] = value instanceof Date ? value.toISOString() : typeof value === "object" ? JSON.stringify(value) : String(value);
    }
  }
  return {
    stack: { path, config, secretKeys, locate: (key) => ({ file: path, line: lines.get(key) ?? 0 }) },
    problems: [],
  };
}

/**
 * Every key whose value is not text: a list or a map (`? [a, b]: 1`, `{a: 1}: x`), an alias of one,
 * or a scalar YAML reads as an object (a YAML 1.1 timestamp, `!!binary`). A Pulumi config key is a
 * name, and a JavaScript object could hold such a key only as text (the `yaml` library would
 * stringify it, with a process warning). One problem per key, at its line.
 */
function collectionKeys(doc: Document, lineCounter: LineCounter, path: string): Problem[] {
  const problems: Problem[] = [];
  visit(doc, {
    Pair(_, pair) {
      const node = pair.key;
      const key = isAlias(node) ? node.resolve(doc) : node;
      const what = isMap(key) ? "map" : isSeq(key) ? "list" : isScalar(key) && key.value !== null && typeof key.value === "object" ? `${key.value.constructor.name} value` : undefined;
      if (what === undefined || !isNode(node)) return;
      problems.push({ file: path, line: lineOf(lineCounter, node), column: "(yaml)", message: `a key is a ${what}; keys of a stack file are names (such as exchange-lab:csv)` });
    },
  });
  return problems;
}

/** Reads and parses a stack file from disk; a missing file is a problem, not an exception. */
export function readStackFile(path: string): { stack?: StackFile; problems: Problem[] } {
  const file = readInputFile(path, path, "stack file");
  return "problem" in file ? { problems: [file.problem] } : parseStackFile(file.bytes.toString("utf8"), path);
}

/**
 * The top-level keys of a Pulumi stack file (https://www.pulumi.com/docs/iac/concepts/projects/stack-settings-file/):
 * `config`, the secrets provider's `secretsprovider`, `encryptedkey`, `encryptionsalt`, and ESC's `environment`.
 */
const STACK_FILE_KEYS = ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"];

/** A problem for each top-level key that belongs under `config:` (`config:` missing or commented out, or a key not indented). */
function keysOutsideConfig(root: unknown, counter: LineCounter, path: string): Problem[] {
  if (!isMap(root)) return [];
  return root.items.flatMap((item) => {
    const key = isScalar(item.key) ? String(item.key.value) : undefined;
    if (key === undefined || STACK_FILE_KEYS.includes(key.toLowerCase())) return [];
    const under = root.get("config", true) === undefined ? "there is no 'config:' line (commented out?): add it above the keys and indent them" : "indent it under 'config:'";
    return [{ file: path, line: lineOf(counter, item.key as Scalar), column: key.trim() === "" ? "(empty key)" : key, message: `the key is outside 'config:', so Pulumi does not read it; ${under}` }];
  });
}

function isSecure(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value;
}

function lineOf(counter: LineCounter, node: { range?: [number, number, number] | null }): number {
  return node.range ? counter.linePos(node.range[0]).line : 0;
}
