// The README is a front door: short, its quick starts work as written next to the bundled
// examples, and its numbers are the plan's.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PlanResult } from "../src/plan/plan";
import { EXAMPLES, ROOT, runPlanCli, runPlanCliIn } from "./helpers";
import { QuickStart, quickStarts } from "./readmeQuickStarts";

const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

/** The bundled example labs as shipped (the tests' copy, test/fixtures/examples) and the quick starts' files, in a fresh directory. */
function workspace(starts: readonly QuickStart[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "exchange-lab-readme-"));
  fs.cpSync(EXAMPLES, dir, { recursive: true });
  for (const start of starts) for (const [file, text] of start.files) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

/** Runs `npm run plan -- ARGS` in `dir` (in-process; the plan reads stacks/ and CSVs relative to the working directory). */
const planIn = (dir: string, argv: string[]) => runPlanCliIn(dir, ...argv);

describe("the README as a front door", () => {
  const starts = quickStarts(README);

  it("starts in one screen: under 250 lines, the first command within the first 60", () => {
    const lines = README.split("\n");
    assert.ok(lines.length < 250, `${lines.length} lines`);
    assert.ok(lines.findIndex((l) => l.startsWith("npm ci")) < 60);
  });

  it("has two quick starts (from images, from existing disks), each writing its files before any pulumi config set", () => {
    assert.deepEqual(starts.map((s) => s.title), ["Quick start: a lab from images (no disks yet)", "Quick start: a lab from existing disks"]);
    for (const s of starts) {
      assert.ok(s.files.size >= 2, `${s.title}: files ${[...s.files.keys()].join(", ")}`);
      assert.ok(s.firstFileAt >= 0 && s.firstConfigSetAt > s.firstFileAt, `${s.title}: files first, then pulumi config set`);
      assert.ok(s.commands.some((c) => c.startsWith("npm run plan")), s.title);
      assert.ok(s.commands.includes("pulumi up"), s.title);
    }
    for (const text of ["az login", "az account set --subscription", "pulumi login --local", "Pulumi CLI 3.207.0 or newer"]) assert.ok(README.includes(text), text);
  });

  // One run of the examples and both quick starts together (each lab planned, then checked
  // against the others), shared by the two tests below: plans cost seconds.
  let all: Promise<Awaited<ReturnType<typeof runPlanCli>>> | undefined;
  const planAll = () => (all ??= planIn(workspace(starts), ["--all", "--json"]));

  it("its quick starts plan as written, beside both bundled examples (npm run plan -- --all: exit 0, no collision)", async () => {
    const r = await planAll();
    assert.equal(r.code, 0, r.stderr + r.stdout.slice(0, 4000));
    const labs = (JSON.parse(r.stdout) as { labs: { stack: string }[] }).labs.map((l) => l.stack);
    // The README's own plan commands name these stacks.
    const named = starts.flatMap((s) => s.commands).filter((c) => c.startsWith("npm run plan")).map((c) => /--stack (\S+)/.exec(c)?.[1]);
    assert.deepEqual(named, ["mylab", "mydisks"]);
    for (const stack of [...named, "oxford", "training"]) assert.ok(labs.includes(stack!), stack);
  });

  it("quotes the quick-start lab's own plan: time to ready and cost, rounded", async () => {
    const r = await planAll();
    const plan = (JSON.parse(r.stdout) as { labs: (Pick<PlanResult, "timeToReady" | "cost"> & { stack: string })[] }).labs.find((l) => l.stack === "mylab")!;
    const t = plan.timeToReady!;
    const nearest5 = (x: number) => Math.round(x / 5) * 5;
    const upTo005 = (x: number) => (Math.ceil(x * 20) / 20).toFixed(2);
    const numbers = README.slice(README.indexOf("<!-- BEGIN quick-start numbers"), README.indexOf("<!-- END quick-start numbers"));
    assert.match(numbers, new RegExp(`Exchange ready after \\*\\*about ${nearest5(t.vmsMinutes)} minutes\\*\\*`));
    assert.match(numbers, new RegExp(`after \\*\\*about ${nearest5(t.vpnMinutes!)} minutes\\*\\*`));
    assert.match(numbers, /`pulumi up` returns when both are done/);
    assert.match(numbers, new RegExp(`\\*\\*about USD\\s+${upTo005(plan.cost!.perHourRunning!)} an hour\\*\\* \\(a lower bound`));
    assert.match(numbers, new RegExp(`\\*\\*about USD ${Math.round(plan.cost!.perMonthParked!)} a month\\*\\*`));
  });

  it("the first quick start followed verbatim in a fresh copy leaves the tests' plans as they were (they read test/fixtures/examples, never the working copy's stacks/)", async () => {
    const copy = workspace([starts[0]]);
    assert.deepEqual([...starts[0].files.keys()], ["stacks/Pulumi.mylab.yaml", "mylab.csv"]);
    // What the user sees: npm run plan with no --stack plans the new lab beside the examples, and
    // the quick start's own command plans it alone.
    const every = await runPlanCliIn(copy, "--json");
    assert.equal(every.code, 0, every.stderr);
    assert.deepEqual((JSON.parse(every.stdout) as { labs: { stack: string }[] }).labs.map((l) => l.stack), ["mylab", "oxford", "training"]);
    const own = await runPlanCliIn(copy, "--stack", "mylab", "--json");
    assert.equal(own.code, 0, own.stderr);
    // What the tests see from that working directory: the two shipped examples, nothing else
    // (test/planCli.test.ts and test/draytekCli.test.ts pin those plans).
    const cwd = process.cwd();
    process.chdir(copy);
    try {
      const tests = await runPlanCli("--json");
      assert.equal(tests.code, 0, tests.stderr);
      assert.deepEqual((JSON.parse(tests.stdout) as { labs: { stack: string }[] }).labs.map((l) => l.stack), ["oxford", "training"]);
    } finally {
      process.chdir(cwd);
    }
  });

  it("no test reads the working copy's stacks/, lab.csv or labs/: they use test/fixtures", () => {
    const offenders = fs.readdirSync(path.join(ROOT, "test")).filter((f) => f.endsWith(".ts")).flatMap((f) => {
      const text = fs.readFileSync(path.join(ROOT, "test", f), "utf8");
      // Built from pieces, so that this file does not match its own patterns.
      const patterns = [["path\\.join\\(ROOT", ', "(stacks|lab\\.csv|labs)"'], ["baseDir: ", "ROOT\\b"], ["runPlanCliIn\\(", "ROOT\\b"]].map(([a, b]) => new RegExp(a + b));
      return patterns.filter((re) => re.test(text)).map((re) => `${f}: ${re.source}`);
    });
    assert.deepEqual(offenders, []);
  });

  it("links every docs/ page it names, and every page of docs/ is linked", () => {
    const linked = [...README.matchAll(/\]\((docs\/[^)#]+)\)/g)].map((m) => m[1]);
    for (const page of linked) assert.ok(fs.existsSync(path.join(ROOT, page)), `${page} is missing`);
    for (const page of fs.readdirSync(path.join(ROOT, "docs"))) assert.ok(linked.includes(`docs/${page}`), `docs/${page} is not linked from the README`);
  });
});
