// Ctrl-C with a real signal to a real child process: a runner (the real AutomationWorkspace and
// Ctrl-C handler) leads its own process group, the Automation API spawns a fake CLI in it, and the
// test sends SIGINT to the whole group, as a terminal does at Ctrl-C. The CLI must get exactly one
// SIGINT per Ctrl-C: a second one terminates it (pkg/backend/cancellation_scope.go).
import { strict as assert } from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const FIXTURES = path.join(__dirname, "fixtures", "acceptance-ctrlc");

interface Session {
  child: ChildProcess;
  dir: string;
  stdout: () => string;
  exited: Promise<number | null>;
}

/** A fake CLI root (`<root>/bin/pulumi`) and the runner, started in its own process group. */
function start(mode: "workspace" | "automation-signal", cancelMs = 1500): Session {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "acceptance-ctrlc-"));
  const bin = path.join(dir, "root", "bin");
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, "pulumi"), `#!${process.execPath}\nrequire(${JSON.stringify(path.join(FIXTURES, "fakePulumi.js"))});\n`, { mode: 0o755 });
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(FIXTURES, "runner.ts"), path.join(dir, "root"), dir, mode], {
    cwd: path.join(__dirname, ".."), detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, PULUMI_HOME: path.join(dir, "home"), FAKE_PULUMI_DIR: dir, FAKE_CANCEL_MS: String(cancelMs) },
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, dir, stdout: () => out, exited };
}

async function until(what: () => boolean, ms: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!what()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Ctrl-C at a terminal: SIGINT to every process of the foreground group. */
const ctrlC = (s: Session) => process.kill(-s.child.pid!, "SIGINT");
const signalsOf = (s: Session) => (fs.existsSync(path.join(s.dir, "signals")) ? fs.readFileSync(path.join(s.dir, "signals"), "utf8").trim().split("\n") : []);
const upStarted = (s: Session) => fs.existsSync(path.join(s.dir, "up-started"));

describe("npm run acceptance: Ctrl-C with a real signal to a real pulumi child", function () {
  this.timeout(60_000);
  let session: Session | undefined;
  afterEach(() => {
    if (session && session.child.exitCode === null) process.kill(-session.child.pid!, "SIGKILL");
    if (session) fs.rmSync(session.dir, { recursive: true, force: true });
    session = undefined;
  });

  it("one Ctrl-C: the CLI gets exactly one SIGINT (a graceful cancel), the up rejects as cancelled and the run is told to stop", async () => {
    const s = (session = start("workspace"));
    await until(() => upStarted(s), 45_000, s.stdout);
    ctrlC(s);
    const code = await s.exited;
    assert.equal(code, 0, s.stdout());
    assert.deepEqual(signalsOf(s), ["SIGINT"]);
    assert.match(s.stdout(), /first Ctrl-C\n/);
    assert.match(s.stdout(), /up rejected; aborted=true; the engine cancelled\n/);
    const commands = fs.readFileSync(path.join(s.dir, "commands"), "utf8");
    assert.match(commands, /^up --yes --skip-preview .*--exec-kind auto\.inline/m, "the Automation API's own up, inline program");
  });

  it("a second Ctrl-C: the run quits with 130 and the CLI is stopped (the terminal's second SIGINT, or execa's SIGTERM as its parent exits)", async () => {
    // The engine's cancel takes its time (here 20 s): the second Ctrl-C comes while it runs.
    const s = (session = start("workspace", 20_000));
    await until(() => upStarted(s), 45_000, s.stdout);
    ctrlC(s);
    // Both must have taken the first signal before the second is sent: a process not scheduled in
    // between (2 busy cores) has both pending at once, and the kernel merges them into one.
    await until(() => signalsOf(s).length === 1 && /first Ctrl-C\n/.test(s.stdout()), 5_000, s.stdout);
    ctrlC(s);
    assert.equal(await s.exited, 130, s.stdout());
    // The CLI records what stops it on its own time: the runner may have quit first. Whichever
    // signal it handles first ends it (it exits in either handler).
    await until(() => signalsOf(s).length >= 2, 5_000, () => signalsOf(s).join(","));
    const [first, ...then] = signalsOf(s);
    assert.equal(first, "SIGINT");
    assert.ok(then.length === 1 && ["SIGINT", "SIGTERM"].includes(then[0]), then.join(","));
    assert.match(s.stdout(), /first Ctrl-C\nsecond Ctrl-C\n/);
  });

  it("the trap it avoids: the Automation API's own signal option sends the CLI a second SIGINT (terminate) for one Ctrl-C", async () => {
    const s = (session = start("automation-signal"));
    await until(() => upStarted(s), 45_000, s.stdout);
    ctrlC(s);
    await s.exited;
    await until(() => signalsOf(s).length >= 2, 5_000, () => `${signalsOf(s).join(",")}\n${s.stdout()}`);
    assert.deepEqual(signalsOf(s), ["SIGINT", "SIGINT"], s.stdout());
  });
});
