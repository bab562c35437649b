/**
 * The few Azure Resource Manager calls `npm run lab` makes, through the Azure SDK for JavaScript
 * (`@azure/arm-compute`, API 2025-04-01 in 24.x): start, deallocate, instance view, and a managed
 * Run Command that runs the readiness script (src/azure/scripts/wait-ready.ps1).
 *
 * - Start / Deallocate: https://learn.microsoft.com/rest/api/compute/virtual-machines/start,
 *   https://learn.microsoft.com/rest/api/compute/virtual-machines/deallocate (long-running operations).
 * - Instance view (power state `PowerState/running`, `PowerState/deallocated`; the VM agent's status):
 *   https://learn.microsoft.com/azure/virtual-machines/states-billing.
 * - Managed Run Command: https://learn.microsoft.com/azure/virtual-machines/windows/run-command-managed.
 * - Managed disks, get and update (PATCH `sku` and `tags`, API 2025-01-02 in 24.x):
 *   https://learn.microsoft.com/rest/api/compute/disks/get, https://learn.microsoft.com/rest/api/compute/disks/update.
 *   `diskState` `Attached` is a disk of a running VM, `Reserved` one of a deallocated VM.
 *   Its own name (`exchange-lab-start-ready`), not the Pulumi gate's, so `npm run lab` never changes
 *   what Pulumi owns; a new `RunId` parameter each time, because ARM re-runs a run command only when
 *   it changes (https://github.com/Azure/bicep/issues/10422).
 */
import { ComputeManagementClient } from "@azure/arm-compute";
import type { TokenCredential } from "@azure/identity";
import { gateTimeouts, waitReadyScript } from "../azure/gates";

/** The run command `npm run lab -- start` puts on a barrier VM. */
export const START_RUN_COMMAND_NAME = "exchange-lab-start-ready";

/** How to reach Azure. */
export interface AzureOptions {
  credential: TokenCredential;
  subscriptionId: string;
  /** ARM endpoint; default https://management.azure.com (tests: a local fake). */
  endpoint?: string;
  /** Extra trusted CA certificates (PEM), for a test endpoint's self-signed certificate. */
  ca?: string;
  /** Interval of long-running-operation polls, in milliseconds (default 5000). */
  pollIntervalMs?: number;
  /** Cancels every call in flight (Ctrl-C). */
  abortSignal?: AbortSignal;
  /** VMs that live outside the lab's resource group (Image rows: the disk group), by lowercased name. */
  vmGroups?: ReadonlyMap<string, string>;
}

/** A VM's state as `status` shows it. */
export interface VmState {
  /** `running`, `deallocated`, `stopped`, `starting`, ... (the `PowerState/` code), or `unknown`. */
  power: string;
  /** The VM agent's display status (`Ready`, `Not Ready`) and version, or `unknown`. */
  agent: string;
}

/** The power state `status` shows for a VM Azure does not have (after `pulumi destroy`). */
export const NOT_DEPLOYED = "not deployed";

/** Whether an SDK error is ARM's 404 for a missing resource (ResourceNotFound, NotFound, or one of `also`). */
function isNotFound(err: unknown, ...also: string[]): boolean {
  const e = err as { statusCode?: number; code?: string };
  return e.statusCode === 404 && (e.code === undefined || ["ResourceNotFound", "NotFound", ...also].includes(e.code));
}

/** A managed disk as `npm run lab` reads it. */
export interface DiskInfo {
  /** Storage type (`Premium_LRS`, `Standard_LRS`, ...). */
  sku: string;
  tags: Record<string, string>;
  /** `Unattached`, `Attached` (its VM runs), `Reserved` (its VM is deallocated), `ActiveSAS`, ..., or `unknown`. */
  diskState: string;
  /** The VM holding it (its name), when attached. */
  managedBy?: string;
}

/** The readiness script's outcome on one VM. */
export interface ReadyResult {
  ok: boolean;
  /** What the script printed (Run Command keeps the last 4 KB). */
  output: string;
  /** Run Command's execution state and message, when it did not succeed. */
  detail?: string;
}

/** An Azure error as one line: its code and message (RestError and plain errors alike). */
export function azureMessage(err: unknown): string {
  const e = err as { code?: string; message?: string; statusCode?: number };
  const code = e.code && !String(e.message ?? "").includes(e.code) ? `${e.code}: ` : "";
  return `${code}${e.message ?? String(err)}`.split("\n")[0];
}

/** The lab's VMs in Azure: the lab's resource group (an Image row's VM: the disk group), one subscription. */
export class LabAzure {
  private readonly client: ComputeManagementClient;
  private readonly poll: { updateIntervalInMs: number; abortSignal?: AbortSignal };
  private readonly vmGroups: ReadonlyMap<string, string>;

  constructor(private readonly resourceGroup: string, private readonly location: string, options: AzureOptions) {
    this.client = new ComputeManagementClient(options.credential, options.subscriptionId, {
      endpoint: options.endpoint,
      tlsOptions: options.ca ? { ca: options.ca } : undefined,
      // A failed call names the VM at once; the SDK's retries stay for throttling and 5xx, at the
      // SDK's own delays, or no longer apart than a poll interval set shorter (tests).
      retryOptions: { maxRetries: 2, ...(options.pollIntervalMs !== undefined && options.pollIntervalMs < 1000 ? { retryDelayInMs: options.pollIntervalMs } : {}) },
    });
    this.poll = { updateIntervalInMs: options.pollIntervalMs ?? 5000, abortSignal: options.abortSignal };
    this.vmGroups = options.vmGroups ?? new Map();
  }

  /** The resource group a VM lives in. */
  private groupOf(vm: string): string {
    return this.vmGroups.get(vm.toLowerCase()) ?? this.resourceGroup;
  }

  /** Power state and agent status; `not deployed` when Azure answers 404 (no such VM or resource group: a destroyed lab). */
  async state(vm: string): Promise<VmState> {
    let view;
    try {
      view = await this.client.virtualMachines.instanceView(this.groupOf(vm), vm, { abortSignal: this.poll.abortSignal });
    } catch (err) {
      if (isNotFound(err, "ResourceGroupNotFound")) return { power: NOT_DEPLOYED, agent: "-" };
      throw err;
    }
    const power = view.statuses?.find((s) => s.code?.startsWith("PowerState/"))?.code?.slice("PowerState/".length) ?? "unknown";
    const agentStatus = view.vmAgent?.statuses?.[0]?.displayStatus;
    const agent = agentStatus ? `${agentStatus}${view.vmAgent?.vmAgentVersion ? ` (${view.vmAgent.vmAgentVersion})` : ""}` : "unknown";
    return { power, agent };
  }

  /** Starts a VM and waits until Azure reports it started. */
  async start(vm: string): Promise<void> {
    await this.client.virtualMachines.start(this.groupOf(vm), vm, this.poll);
  }

  /** Deallocates a VM (compute stops billing) and waits until Azure reports it done. */
  async deallocate(vm: string): Promise<void> {
    await this.client.virtualMachines.deallocate(this.groupOf(vm), vm, this.poll);
  }

  /**
   * Runs the readiness script on a VM and waits for it (asyncExecution false). Resolves with the
   * script's verdict; rejects with Azure's error when the command cannot run (agent not ready, VM
   * deallocated).
   */
  async waitReady(vm: string, timeoutMinutes: number): Promise<ReadyResult> {
    const t = gateTimeouts(timeoutMinutes);
    await this.client.virtualMachineRunCommands.createOrUpdate(
      this.groupOf(vm),
      vm,
      START_RUN_COMMAND_NAME,
      {
        location: this.location,
        source: { script: waitReadyScript() },
        parameters: [
          { name: "TimeoutSeconds", value: String(t.scriptSeconds) },
          { name: "RunId", value: new Date().toISOString() },
        ],
        asyncExecution: false,
        // The verdict is read from the instance view below, with the script's output.
        treatFailureAsDeploymentFailure: false,
        timeoutInSeconds: t.runCommandSeconds,
      },
      this.poll,
    );
    const done = await this.client.virtualMachineRunCommands.getByVirtualMachine(this.groupOf(vm), vm, START_RUN_COMMAND_NAME, {
      expand: "instanceView",
      abortSignal: this.poll.abortSignal,
    });
    const view = done.instanceView;
    const ok = view?.executionState === "Succeeded" && view.exitCode === 0;
    return {
      ok,
      output: (view?.output ?? "").trim(),
      detail: ok ? undefined : `Run Command ${view?.executionState ?? "unknown"}, exit code ${view?.exitCode ?? "none"}${view?.executionMessage ? `: ${view.executionMessage}` : ""}`,
    };
  }

  /** Reads a managed disk; `undefined` when Azure answers 404 ResourceNotFound (any other error rejects). */
  async disk(resourceGroup: string, name: string): Promise<DiskInfo | undefined> {
    try {
      const d = await this.client.disks.get(resourceGroup, name, { abortSignal: this.poll.abortSignal });
      return {
        sku: d.sku?.name ?? "unknown",
        tags: { ...d.tags },
        diskState: d.diskState ?? "unknown",
        managedBy: d.managedBy ? /\/virtualMachines\/([^/]+)$/i.exec(d.managedBy)?.[1] ?? d.managedBy : undefined,
      };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /**
   * Changes a disk's storage type and sets its tags (the whole map, as PATCH replaces it) in one
   * request, and waits until Azure reports it done. Never deletes or re-creates the disk.
   */
  async updateDisk(resourceGroup: string, name: string, sku: string | undefined, tags: Record<string, string>): Promise<void> {
    await this.client.disks.update(resourceGroup, name, { ...(sku ? { sku: { name: sku } } : {}), tags }, this.poll);
  }
}
