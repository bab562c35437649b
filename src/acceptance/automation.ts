/**
 * The real {@link WorkspacePort}: Pulumi's Automation API (`@pulumi/pulumi/automation`) driving the
 * user's installed Pulumi CLI on a throwaway stack.
 *
 * Why an inline program: it is the very function `index.ts` exports (what `pulumi up` runs in the
 * project directory), called in this process, so the run deploys the project's own program and
 * nothing is written into the project: the stack's configuration, its CSV, its state (a local file
 * backend) and its encryption passphrase all live in one temporary directory that the run removes.
 * A workspace on the project directory would have put a stack file under `stacks/`, where
 * `npm run plan` would find it, and left it there after a crash.
 *
 * Sources: https://www.pulumi.com/docs/iac/using-pulumi/automation-api/ (inline programs,
 * `LocalWorkspace`), https://www.pulumi.com/docs/iac/concepts/state-and-backends/#local-filesystem
 * (`file://` backends), https://www.pulumi.com/docs/iac/concepts/secrets/#passphrase (the passphrase
 * secrets provider reads `PULUMI_CONFIG_PASSPHRASE`).
 */
import { execFile } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { EngineEvent, LocalWorkspace, OpMap, ProjectSettings, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { KeptStack, OperationOptions, OperationResult, ResourceTiming, StackPort, StackSpec, WorkspacePort } from "./ports";
import labProgram from "../../index";

/** The azure-native SDK the project pins; its provider plugin has the same version. */
const AZURE_NATIVE_VERSION = (JSON.parse(fs.readFileSync(require.resolve("@pulumi/azure-native/package.json"), "utf8")) as { version: string }).version;

/** The project directory (Pulumi.yaml, index.ts). */
export const PROJECT_DIR = path.resolve(__dirname, "..", "..");

/**
 * `pulumi version` of the CLI on the PATH: its first line (e.g. `v3.210.0`). Rejects with a
 * message saying how to install it when there is none.
 */
export function pulumiVersion(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("pulumi", ["version"], { env, timeout: 30_000 }, (err, stdout) => {
      if (err) reject(new Error(`no Pulumi CLI found (${(err as NodeJS.ErrnoException).code ?? err.message}); install it: https://www.pulumi.com/docs/iac/download-install/`));
      else resolve(stdout.trim().split("\n")[0]);
    });
  });
}

const changesOf = (map: OpMap | undefined): Record<string, number> => Object.fromEntries(Object.entries(map ?? {}).map(([k, v]) => [k, v ?? 0]));

/**
 * Collects, from the engine's events (`onEvent` of the Automation API), how long each resource
 * step took: from its `resourcePreEvent` to its `resOutputsEvent`, by the events' timestamps
 * (Unix seconds). Steps that never finished (a failure, a cancel) are left out.
 */
export class StepTimer {
  private readonly started = new Map<string, { type: string; op: string; at: number }>();
  readonly timings: ResourceTiming[] = [];

  /** Feeds one engine event. */
  readonly onEvent = (event: EngineEvent): void => {
    const pre = event.resourcePreEvent?.metadata;
    if (pre) this.started.set(`${pre.urn}#${pre.op}`, { type: pre.type, op: pre.op, at: event.timestamp });
    const done = event.resOutputsEvent?.metadata;
    const begun = done ? this.started.get(`${done.urn}#${done.op}`) : undefined;
    if (done && begun) this.timings.push({ type: begun.type, name: done.urn.split("::").pop() ?? done.urn, op: begun.op, seconds: Math.max(0, event.timestamp - begun.at) });
  };
}

/**
 * The Automation API's operation options for the port's: progress lines and the engine events,
 * and deliberately no `signal`. The Automation API answers an aborted signal with
 * `proc.kill("SIGINT")` (automation/cmd.js); the CLI, in the terminal's process group, already got
 * the user's Ctrl-C, and takes a second SIGINT as "terminate" (pkg/backend/cancellation_scope.go),
 * which can leave resources created but not recorded. So the user's Ctrl-C reaches the CLI once,
 * from the terminal, and the run waits for the engine's graceful cancel to end the operation.
 */
export function automationOptions(opts: OperationOptions, timer?: StepTimer): { onOutput?: (out: string) => void; onEvent?: (event: EngineEvent) => void } {
  return { onOutput: opts.onOutput, onEvent: timer?.onEvent };
}

class AutomationStack implements StackPort {
  constructor(private readonly stack: Stack, private readonly dir: string, private readonly csvPath: string, private readonly keptStack: KeptStack) {}

  async up(opts: OperationOptions = {}): Promise<OperationResult> {
    const timer = new StepTimer();
    const r = await this.stack.up(automationOptions(opts, timer));
    return { changes: changesOf(r.summary.resourceChanges), timings: timer.timings };
  }

  async preview(opts: OperationOptions & { expectNoChanges?: boolean } = {}): Promise<OperationResult> {
    const r = await this.stack.preview({ ...automationOptions(opts), expectNoChanges: opts.expectNoChanges });
    return { changes: changesOf(r.changeSummary) };
  }

  async refresh(opts: OperationOptions = {}): Promise<OperationResult> {
    const r = await this.stack.refresh(automationOptions(opts));
    return { changes: changesOf(r.summary.resourceChanges) };
  }

  async destroy(opts: OperationOptions = {}): Promise<OperationResult> {
    const timer = new StepTimer();
    const r = await this.stack.destroy(automationOptions(opts, timer));
    return { changes: changesOf(r.summary.resourceChanges), timings: timer.timings };
  }

  kept(): KeptStack {
    return this.keptStack;
  }

  async writeCsv(text: string): Promise<void> {
    await fs.promises.writeFile(this.csvPath, text);
  }

  async outputs(): Promise<Record<string, unknown>> {
    const outputs = await this.stack.outputs();
    return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.secret ? "[secret]" : v.value]));
  }

  async plugins(): Promise<string[]> {
    // The resource plugins the workspace holds (the PULUMI_HOME's): the one the run used is among them.
    return (await this.stack.workspace.listPlugins()).filter((p) => p.kind === "resource").map((p) => `${p.name} ${p.version ?? "?"}`);
  }

  async dispose(): Promise<void> {
    await this.stack.workspace.removeStack(this.stack.name, { force: true }).catch(() => undefined);
    await fs.promises.rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * The project's settings for the inline program: Pulumi.yaml as written (name, runtime, the
 * config schema and `requiredPulumiVersion`, which the CLI enforces), with a local file backend.
 */
export function projectSettings(backendDir: string): ProjectSettings {
  const project = parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as ProjectSettings & { stackConfigDir?: string };
  // The stack file goes next to the project file in the temporary directory, not under stacks/.
  delete project.stackConfigDir;
  // The CLI resolves `main` against the project directory, which for an inline program is the
  // temporary one: `main: index.ts` fails with "project 'main' could not be read"
  // (pkg/engine/project.go in https://github.com/pulumi/pulumi). The program runs in this process,
  // so main only has to name a directory that exists: the project's, as the SDK's default project does.
  return { ...project, main: PROJECT_DIR, backend: { url: `file://${backendDir}` } };
}

/** How the real workspace finds its CLI and what it gives it; every part optional (the defaults: the user's CLI and plugins). */
export interface AutomationOptions {
  /** A CLI installation root (`<root>/bin/pulumi`, as `PulumiCommand.get({ root })` wants); default the `pulumi` on the PATH. */
  pulumiRoot?: string;
  /** More environment for every CLI command (e.g. `PULUMI_HOME`, a test provider's state file). */
  envVars?: Record<string, string>;
  /** Install the azure-native plugin the project pins (default true); false when `PULUMI_HOME` holds one already. */
  installProvider?: boolean;
}

/** The real workspace: the CLI on the PATH (or `pulumiRoot`), a temporary directory per stack. */
export class AutomationWorkspace implements WorkspacePort {
  private readonly env: NodeJS.ProcessEnv;
  private readonly options: AutomationOptions;

  /** `env`: the environment `pulumi version` runs in (default this process's). */
  constructor(options: AutomationOptions = {}, env: NodeJS.ProcessEnv = process.env) {
    this.options = options;
    const bin = options.pulumiRoot ? path.join(options.pulumiRoot, "bin") : undefined;
    this.env = { ...env, ...options.envVars, ...(bin ? { PATH: `${bin}${path.delimiter}${env.PATH ?? ""}` } : {}) };
  }

  cliVersion(): Promise<string> {
    return pulumiVersion(this.env);
  }

  /** Creates the stack in `dirname(spec.csvPath)`, with a fresh passphrase, the config and the secrets. */
  async createStack(spec: StackSpec): Promise<StackPort> {
    const dir = path.dirname(spec.csvPath);
    const backendDir = path.join(dir, "state");
    await fs.promises.mkdir(backendDir, { recursive: true });
    await fs.promises.writeFile(spec.csvPath, spec.csvText);
    // Checked against the floor by the command line already; the SDK's own check would refuse a
    // CLI older than the SDK, which the floor allows.
    const pulumiCommand = await PulumiCommand.get({ skipVersionCheck: true, ...(this.options.pulumiRoot ? { root: this.options.pulumiRoot } : {}) });
    const passphrase = randomBytes(32).toString("base64url");
    const backendUrl = `file://${backendDir}`;
    const stack = await LocalWorkspace.createStack(
      { stackName: spec.stackName, projectName: "exchange-lab", program: async () => labProgram() },
      {
        workDir: dir, pulumiCommand, projectSettings: projectSettings(backendDir), secretsProvider: "passphrase",
        envVars: { ...this.options.envVars, PULUMI_CONFIG_PASSPHRASE: passphrase, PULUMI_BACKEND_URL: backendUrl },
      },
    );
    // Keep what createStack wrote (the passphrase's salt); structured values stay structured.
    const settings = await stack.workspace.stackSettings(spec.stackName);
    await stack.workspace.saveStackSettings(spec.stackName, { ...settings, config: { ...settings.config, ...(spec.config as Record<string, string>) } });
    for (const [key, value] of Object.entries(spec.secrets)) await stack.setConfig(key, { value, secret: true });
    // An inline program declares no plugins up front: install the provider the project pins
    // (what `pulumi up` in the project directory would use).
    if (this.options.installProvider !== false) await stack.workspace.installPlugin("azure-native", `v${AZURE_NATIVE_VERSION}`);
    return new AutomationStack(stack, dir, spec.csvPath, { stackName: spec.stackName, workDir: dir, backendUrl, passphrase });
  }
}

/** A fresh temporary directory for one run. */
export function runDirectory(runId: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `exchange-lab-acceptance-${runId}-`));
}
