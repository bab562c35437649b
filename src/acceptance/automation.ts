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
import { LocalWorkspace, OpMap, ProjectSettings, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { OperationOptions, OperationResult, StackPort, StackSpec, WorkspacePort } from "./ports";
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

class AutomationStack implements StackPort {
  constructor(private readonly stack: Stack, private readonly dir: string, private readonly csvPath: string) {}

  async up(opts: OperationOptions & { expectNoChanges?: boolean } = {}): Promise<OperationResult> {
    const r = await this.stack.up({ signal: opts.signal, onOutput: opts.onOutput, expectNoChanges: opts.expectNoChanges });
    return { changes: changesOf(r.summary.resourceChanges) };
  }

  async preview(opts: OperationOptions = {}): Promise<OperationResult> {
    const r = await this.stack.preview({ signal: opts.signal, onOutput: opts.onOutput });
    return { changes: changesOf(r.changeSummary) };
  }

  async refresh(opts: OperationOptions = {}): Promise<OperationResult> {
    const r = await this.stack.refresh({ signal: opts.signal, onOutput: opts.onOutput });
    return { changes: changesOf(r.summary.resourceChanges) };
  }

  async destroy(opts: OperationOptions = {}): Promise<OperationResult> {
    const r = await this.stack.destroy({ signal: opts.signal, onOutput: opts.onOutput });
    return { changes: changesOf(r.summary.resourceChanges) };
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

/** The real workspace: the CLI on the PATH, a temporary directory per stack. */
export class AutomationWorkspace implements WorkspacePort {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

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
    const pulumiCommand = await PulumiCommand.get({ skipVersionCheck: true });
    const stack = await LocalWorkspace.createStack(
      { stackName: spec.stackName, projectName: "exchange-lab", program: async () => labProgram() },
      {
        workDir: dir, pulumiCommand, projectSettings: projectSettings(backendDir), secretsProvider: "passphrase",
        envVars: { PULUMI_CONFIG_PASSPHRASE: randomBytes(32).toString("base64url"), PULUMI_BACKEND_URL: `file://${backendDir}` },
      },
    );
    // Keep what createStack wrote (the passphrase's salt); structured values stay structured.
    const settings = await stack.workspace.stackSettings(spec.stackName);
    await stack.workspace.saveStackSettings(spec.stackName, { ...settings, config: { ...settings.config, ...(spec.config as Record<string, string>) } });
    for (const [key, value] of Object.entries(spec.secrets)) await stack.setConfig(key, { value, secret: true });
    // An inline program declares no plugins up front: install the provider the project pins
    // (what `pulumi up` in the project directory would use).
    await stack.workspace.installPlugin("azure-native", `v${AZURE_NATIVE_VERSION}`);
    return new AutomationStack(stack, dir, spec.csvPath);
  }
}

/** A fresh temporary directory for one run. */
export function runDirectory(runId: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `exchange-lab-acceptance-${runId}-`));
}
