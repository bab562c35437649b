/**
 * What the acceptance run talks to, as interfaces: the Pulumi stack (Automation API), Azure
 * Resource Manager (the Azure SDK for JavaScript), TCP connects and the clock. The command line
 * wires the real ones (`automation.ts`, `arm.ts`, `tcp.ts`); tests give fakes, so the order of
 * the steps, the cleanup after a failure and the report are tested offline.
 */

/** How long the engine took over one resource step, from its engine events. */
export interface ResourceTiming {
  /** Pulumi type token, e.g. `azure-native:compute:VirtualMachine`. */
  type: string;
  /** Pulumi logical name. */
  name: string;
  /** The step: `create`, `update`, `delete`, `replace`, ... (the engine's `op`). */
  op: string;
  /** From the step's `resourcePreEvent` to its `resOutputsEvent`, in seconds. */
  seconds: number;
}

/** The outcome of one Pulumi operation: its change summary (`create: 3`, `same: 10`, ...). */
export interface OperationResult {
  changes: Record<string, number>;
  /** Each resource step the engine reported, when the port reads its events. */
  timings?: ResourceTiming[];
}

/**
 * Per operation: the run's Ctrl-C, and where its progress lines go.
 *
 * `signal` is NOT a request to signal the CLI. The `pulumi` child is in the terminal's process group
 * and gets the user's Ctrl-C itself, which starts the engine's graceful cancel; a second SIGINT is
 * taken as "terminate" (pkg/backend/cancellation_scope.go in pulumi/pulumi), which can orphan
 * resources. A port may use the signal only to tell a cancelled operation from a failed one.
 */
export interface OperationOptions {
  signal?: AbortSignal;
  onOutput?: (line: string) => void;
}

/** What a kept stack (`--keep`) needs to be destroyed later by hand. */
export interface KeptStack {
  stackName: string;
  /** The workspace directory (Pulumi.yaml and the stack file beside it). */
  workDir: string;
  /** The local backend, `file://...`. */
  backendUrl: string;
  /** The secrets provider's passphrase: a secret, written only to a file of mode 0600. */
  passphrase: string;
}

/** The throwaway stack. Every operation rejects with the engine's message on failure. */
export interface StackPort {
  /**
   * `pulumi up`. No `expectNoChanges` here: the Automation API's `up` always passes
   * `--skip-preview`, so the CLI would apply the changes and complain only afterwards.
   */
  up(opts?: OperationOptions): Promise<OperationResult>;
  /** `pulumi preview`; with `expectNoChanges` it rejects when anything would change. */
  preview(opts?: OperationOptions & { expectNoChanges?: boolean }): Promise<OperationResult>;
  refresh(opts?: OperationOptions): Promise<OperationResult>;
  destroy(opts?: OperationOptions): Promise<OperationResult>;
  /** Replaces the CSV the program reads (the stack's `csv` key names it). */
  writeCsv(text: string): Promise<void>;
  /** The stack's outputs in plain text (secrets masked). */
  outputs(): Promise<Record<string, unknown>>;
  /** The provider plugins the workspace holds, `name version`. */
  plugins(): Promise<string[]>;
  /** Removes the stack, its local backend and the temporary directory. */
  dispose(): Promise<void>;
  /** What destroying the stack later needs (for `--keep`); the stack is left as it is. */
  kept(): KeptStack;
}

/** What the stack is created with. */
export interface StackSpec {
  stackName: string;
  /** Plain configuration, full keys; structured values as objects. */
  config: Record<string, unknown>;
  /** Secret configuration, full keys: set with `--secret`, never written in plain text. */
  secrets: Record<string, string>;
  csvText: string;
  /** Where the CSV is written (the `csv` key's value). */
  csvPath: string;
}

/** The Pulumi side: the CLI's version, and the stack. */
export interface WorkspacePort {
  /** `pulumi version` of the CLI the run would use (e.g. `v3.210.0`); rejects when there is none. */
  cliVersion(): Promise<string>;
  createStack(spec: StackSpec): Promise<StackPort>;
}

/** A resource group, when it exists. */
export interface GroupInfo {
  tags: Record<string, string>;
}

export interface DiskInfo {
  name: string;
  id: string;
  /** The VM it is attached to (ARM ID), if any. */
  managedBy?: string;
  /** The disk type (`sku.name`, e.g. `StandardSSD_LRS`). */
  sku?: string;
  tags?: Record<string, string>;
}

export interface VmInfo {
  name: string;
  osDiskId: string;
  nicIds: string[];
}

export interface NicInfo {
  id: string;
  subnetId: string;
  privateIp: string;
  /** Load-balancer backend pools and inbound NAT rules it belongs to (ARM IDs). */
  backendPools: string[];
}

export interface LoadBalancerInfo {
  name: string;
  /** Rules as `frontendPort->backendPort`. */
  rules: string[];
  /** Backend pools with the NIC IP configurations in them. */
  pools: { id: string; ipConfigurations: string[] }[];
}

export interface PublicIpInfo {
  name: string;
  ipAddress?: string;
  fqdn?: string;
}

export interface ConnectionInfo {
  name: string;
  provisioningState?: string;
  connectionStatus?: string;
}

/** A run command's outcome after it ran. */
export interface RunCommandInfo {
  provisioningState?: string;
  executionState?: string;
  exitCode?: number;
  /** When the script last started (ISO), to tell a re-run from none. */
  startTime?: string;
}

/** A run command's instance view, as `getByVirtualMachine` with `$expand=instanceView` answers it. */
export interface RunCommandView {
  executionState?: string;
  exitCode?: number;
  /** What the script wrote to its standard output and error (Azure keeps the last 4 KB of each). */
  output?: string;
  error?: string;
  /** ISO times of the script's last start and end. */
  startTime?: string;
  endTime?: string;
}

/** The Azure Resource Manager calls of the run, all in one subscription. */
export interface ArmPort {
  /** Asks for one ARM token: `undefined` when the sign-in works, else what is wrong and the fix (`az login`). Never throws. */
  signIn(): Promise<string | undefined>;
  createGroup(name: string, region: string, tags: Record<string, string>): Promise<void>;
  /** The group's tags, or `undefined` when it does not exist. */
  group(name: string): Promise<GroupInfo | undefined>;
  deleteGroup(name: string): Promise<void>;
  disks(group: string): Promise<DiskInfo[]>;
  deleteDisk(group: string, name: string): Promise<void>;
  vm(group: string, name: string): Promise<VmInfo | undefined>;
  nic(id: string): Promise<NicInfo>;
  loadBalancers(group: string): Promise<LoadBalancerInfo[]>;
  publicIps(group: string): Promise<PublicIpInfo[]>;
  connections(group: string): Promise<ConnectionInfo[]>;
  /** Creates or updates a managed run command and waits for Azure's answer (rejects with it). */
  putRunCommand(group: string, vm: string, name: string, script: string, region: string): Promise<RunCommandInfo>;
  deleteRunCommand(group: string, vm: string, name: string): Promise<void>;
  /** A run command's instance view (output, exit code, times), or `undefined` when there is none. */
  runCommandView(group: string, vm: string, name: string): Promise<RunCommandView | undefined>;
  /** The run commands of a VM, by name (the role steps' among them while they exist). */
  runCommands(group: string, vm: string): Promise<string[]>;
  deallocate(group: string, vm: string): Promise<void>;
}

/** The outcome of one TCP connect. */
export interface TcpResult {
  ok: boolean;
  ms: number;
  /** The socket error (`ECONNREFUSED`, `timeout`), when not ok. */
  error?: string;
}

/** Opens a TCP connection and closes it at once. */
export type TcpProber = (host: string, port: number, timeoutMs: number) => Promise<TcpResult>;

/** The outcome of one HTTPS GET. */
export interface HttpsResult {
  ok: boolean;
  /** The HTTP status, when an answer came. */
  status?: number;
  ms: number;
  /** The first bytes of the body, trimmed. */
  body?: string;
  error?: string;
}

/**
 * GETs an `https://` URL. The real one does not verify the certificate: the lab's Exchange serves
 * the self-signed certificate Setup makes, which no client trusts; the check asks whether Exchange
 * answers, not who it is.
 */
export type HttpsProber = (url: string, timeoutMs: number) => Promise<HttpsResult>;

/** A command of `npm run lab` the run exercises. */
export type LabCommand = "stop --park" | "start" | "park" | "unpark";

/** Where a lab command acts: the run's stack file, the CSV rows it is given, the subscription. */
export interface LabCommandTarget {
  /** The generated lab's stack file (the plan's, secrets as placeholders: the commands need none). */
  stackFile: string;
  /** The CSV the command reads instead of the stack's (`--csv`): the rows it may touch. */
  csvText: string;
  subscriptionId: string;
  signal?: AbortSignal;
}

/** The lab's own commands, `npm run lab -- <command>`, run on the run's lab. */
export interface ParkingPort {
  /** Runs the command; resolves to what it printed, rejects with it when it fails (exit code not 0). */
  run(command: LabCommand, target: LabCommandTarget): Promise<string>;
}

/** DNS: the IPv4 addresses a name resolves to (rejects when it does not). */
export type Resolver = (name: string) => Promise<string[]>;

/** Time, so that tests need not wait. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Everything the run needs. */
export interface Ports {
  workspace: WorkspacePort;
  arm: ArmPort;
  tcp: TcpProber;
  resolve: Resolver;
  clock: Clock;
  /** HTTPS GETs (Exchange's health check); needed with `--with-roles`. */
  https?: HttpsProber;
  /** The lab's parking commands (`npm run lab`); without it the parking question is not run. */
  parking?: ParkingPort;
}
