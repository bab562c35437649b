// One way to read a command line (src/input/commandLine.ts): Node's util.parseArgs behind option
// definitions that also write --help; used by the plan, lab, prices and acceptance CLIs.
import { strict as assert } from "assert";
import { UsageError, optionsHelp, readCommandLine, synopsis } from "../src/input/commandLine";
import { LAB_OPTIONS, USAGE as LAB_USAGE } from "../src/labctl/cli";

const OPTIONS = {
  stack: { type: "string", multiple: true, value: "NAME", help: "a stack\nsecond line" },
  json: { type: "boolean", help: "JSON" },
  help: { type: "boolean", short: "h", help: "this text" },
} as const;

describe("reading a command line (util.parseArgs)", () => {
  it("gives typed values: repeated options as a list in order, booleans, positionals when allowed", () => {
    const { values, positionals } = readCommandLine(["start", "--stack", "a", "--stack=b", "--json", "-h"], OPTIONS, true);
    assert.deepEqual(values, { stack: ["a", "b"], json: true, help: true });
    assert.deepEqual(positionals, ["start"]);
  });

  it("says what is wrong in one line, as a UsageError: a missing value, an unknown option, a value for a flag, a stray word", () => {
    const cases: [string[], RegExp][] = [
      [["--stack"], /^--stack needs a value$/],
      [["--stack", "--json"], /^--stack needs a value$/],
      [["--bogus"], /^unknown option '--bogus'$/],
      [["-z"], /^unknown option '-z'$/],
      [["--json=yes"], /^--json takes no value$/],
      [["start"], /^unexpected argument 'start'$/],
    ];
    for (const [argv, message] of cases) {
      assert.throws(() => readCommandLine(argv, OPTIONS), (err: unknown) => err instanceof UsageError && message.test(err.message), argv.join(" "));
    }
  });

  it("writes the options part of --help from the same definitions, aligned, continuation lines under the text", () => {
    assert.equal(optionsHelp(OPTIONS), ["  --stack NAME  a stack", "                second line", "  --json        JSON", "  -h, --help    this text", ""].join("\n"));
  });

  it("writes a usage line from the same definitions: required options bare, the others in brackets, a repeatable one with ..., no --help", () => {
    assert.equal(synopsis(OPTIONS), "[--stack NAME...] [--json]");
    assert.equal(synopsis(OPTIONS, ["stack"]), "--stack NAME... [--json]");
    assert.equal(synopsis({ out: { type: "string", help: "where" }, yes: { type: "boolean", short: "y", help: "no questions" } }), "[--out VALUE] [--yes]");
  });

  it("the lab CLI's --help lists every option it reads", () => {
    for (const name of Object.keys(LAB_OPTIONS)) assert.match(LAB_USAGE, new RegExp(`^ +(-h, )?--${name}\\b`, "m"), name);
  });
});
