/**
 * One way to read a command line, for every CLI of the project: the options are declared once
 * ({@link OptionSpecs}: name, type, value placeholder, help text), read by Node's own
 * `util.parseArgs` (https://nodejs.org/docs/latest-v20.x/api/util.html#utilparseargsconfig,
 * stable since Node 20), and the options part of `--help` is generated from the same declarations
 * ({@link optionsHelp}; a simple usage line too: {@link synopsis}). Pure.
 *
 * Usage (a CLI's own file):
 * ```ts
 * const OPTIONS = {
 *   stack: { type: "string", multiple: true, value: "NAME", help: "the stack file stacks/Pulumi.NAME.yaml" },
 *   json: { type: "boolean", help: "one JSON object instead of the report" },
 *   help: { type: "boolean", short: "h", help: "this text" },
 * } as const satisfies OptionSpecs;
 * const { values, positionals } = readCommandLine(argv, OPTIONS);   // throws UsageError
 * const text = `usage: npm run x -- ${synopsis(OPTIONS)}\n\noptions:\n${optionsHelp(OPTIONS)}`;
 * ```
 * `values.stack` is then `string[] | undefined` and `values.json` `boolean | undefined`, typed
 * from the declarations. Errors are {@link UsageError}s with one-line messages in the project's
 * words (`--stack needs a value`, `unknown option '--bogus'`): a CLI prints them with its usage
 * and exits 2.
 */
import { parseArgs } from "util";

/** One option: its type, whether it repeats, a one-letter alias, its value's placeholder and its help. */
export interface OptionSpec {
  type: "string" | "boolean";
  /** Repeatable: the value is the list of every occurrence, in order. */
  multiple?: boolean;
  short?: string;
  /** The value's placeholder in `--help` (`NAME` prints `--stack NAME`); string options only. */
  value?: string;
  /** The help text; a `\n` starts a continuation line, aligned under the first. */
  help: string;
}

/** A CLI's options, by long name (without `--`). */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** The value an option's declaration gives it: a string or boolean, a list when `multiple`. */
type ValueOf<S extends OptionSpec> = S["type"] extends "string" ? (S["multiple"] extends true ? string[] : string) : S["multiple"] extends true ? boolean[] : boolean;

/** The parsed options, each undefined when not given. */
export type OptionValues<T extends OptionSpecs> = { -readonly [K in keyof T]?: ValueOf<T[K]> };

/** A bad command line: the message is one line, for the user, printed before the usage. */
export class UsageError extends Error {}

/**
 * Reads `argv` against `specs` (strict: an unknown option, a missing value or a value given to a
 * boolean is a {@link UsageError}). Positionals (words not starting with `-`) are returned in
 * order when `allowPositionals` is true, and are an error otherwise.
 */
export function readCommandLine<T extends OptionSpecs>(argv: readonly string[], specs: T, allowPositionals = false): { values: OptionValues<T>; positionals: string[] } {
  const options = Object.fromEntries(
    Object.entries(specs).map(([name, s]) => [name, { type: s.type, ...(s.multiple ? { multiple: true } : {}), ...(s.short ? { short: s.short } : {}) }]),
  );
  try {
    const parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals });
    return { values: { ...parsed.values } as OptionValues<T>, positionals: parsed.positionals };
  } catch (err) {
    throw new UsageError(usageMessage(err, specs), { cause: err });
  }
}

/** `util.parseArgs`'s error, in the project's words (its `code` names the kind). */
function usageMessage(err: unknown, specs: OptionSpecs): string {
  const e = err as { code?: string; message?: string };
  const message = e.message ?? String(err);
  const option = /'(-[^'\s]*)/.exec(message)?.[1]?.replace(/ .*$/, "");
  const long = option?.startsWith("--") ? option : Object.entries(specs).find(([, s]) => option !== undefined && s.short === option.replace(/^-/, ""))?.[0];
  const name = long === undefined ? option : long.startsWith("--") ? long : `--${long}`;
  switch (e.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION": return `unknown option '${option ?? message}'`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
      const spec = name ? specs[name.replace(/^--/, "")] : undefined;
      return spec?.type === "boolean" ? `${name} takes no value` : `${name ?? "an option"} needs a value`;
    }
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL": return `unexpected argument '${/'([^']*)'/.exec(message)?.[1] ?? message}'`;
    default: return message.split("\n")[0];
  }
}

/**
 * The options part of a usage line, from the same declarations, in declaration order: `--name
 * VALUE` for an option named in `required`, `[--name VALUE]` for the others, `...` after the value
 * of a repeatable one (`[--stack NAME...]`), booleans without a value (`[--keep]`). `help` is left
 * out: every CLI has it, and `--help` lists it. For a CLI whose options combine simply; one with
 * alternatives (`--stack | --config`) writes its usage line by hand.
 */
export function synopsis<T extends OptionSpecs>(specs: T, required: readonly (keyof T & string)[] = []): string {
  return Object.entries(specs)
    .filter(([name]) => name !== "help")
    .map(([name, s]) => {
      const word = `--${name}${s.type === "string" ? ` ${s.value ?? "VALUE"}` : ""}${s.multiple ? "..." : ""}`;
      return required.includes(name) ? word : `[${word}]`;
    })
    .join(" ");
}

/**
 * The options part of `--help`, one entry per option in declaration order: `  --name VALUE` (and
 * `-s,` for a short alias) padded to one column, then the help text, continuation lines aligned.
 */
export function optionsHelp(specs: OptionSpecs): string {
  const heads = Object.entries(specs).map(([name, s]) => `  ${s.short ? `-${s.short}, ` : ""}--${name}${s.type === "string" ? ` ${s.value ?? "VALUE"}` : ""}`);
  const width = Math.max(...heads.map((h) => h.length)) + 2;
  return Object.values(specs)
    .map((s, i) => {
      const [first, ...more] = s.help.split("\n");
      return [heads[i].padEnd(width) + first, ...more.map((l) => " ".repeat(width) + l)].join("\n");
    })
    .join("\n") + "\n";
}
