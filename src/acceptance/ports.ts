/**
 * What the acceptance run talks to, as interfaces: the Pulumi stack (Automation API), Azure
 * Resource Manager (the Azure SDK for JavaScript), TCP connects and the clock. The command line
 * wires the real ones (`automation.ts`, `arm.ts`, `tcp.ts`); tests give fakes, so the order of
 * the steps, the cleanup after a failure and the report are tested offline.
 */

/** The outcome of one Pulumi operation: its change summary (`create: 3`, `same: 10`, ...). */
export interface OperationResult {
  changes: Record<string, number>;
}

/** Per operation: a signal that cancels it (Ctrl-C), and where its progress lines go. */
export interface OperationOptions {
  signal?: AbortSignal;
  onOutput?: (line: string) => void;
}

/** The throwaway stack. Every operation rejects with the engine's message on failure. */
export interface StackPort {
  /** `pulumi up`; with `expectNoChanges` it fails when anything would change. */
  up(opts?: OperationOptions & { expectNoChanges?: boolean }): Promise<OperationResult>;
  /** `pulumi preview`. */
  preview(opts?: OperationOptions): Promise<OperationResult>;
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

/** The Azure Resource Manager calls of the run, all in one subscription. */
export interface ArmPort {
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
}
