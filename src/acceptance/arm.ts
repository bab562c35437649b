/**
 * The real {@link ArmPort}: the Azure SDK for JavaScript (`@azure/arm-resources`,
 * `@azure/arm-network`, `@azure/arm-compute`), signed in with `DefaultAzureCredential` (`az login`
 * is enough). Only reads, except: the run's own disk resource group (created, and deleted with
 * its disks by the cleanup after a tag check in `run.ts`), its own run commands, and the
 * deallocation of its own VM.
 *
 * Sources: https://learn.microsoft.com/rest/api/resources/resource-groups,
 * https://learn.microsoft.com/rest/api/load-balancer/load-balancers/list,
 * https://learn.microsoft.com/rest/api/virtualnetwork/network-interfaces/get,
 * https://learn.microsoft.com/rest/api/network-gateway/virtual-network-gateway-connections/list,
 * https://learn.microsoft.com/rest/api/compute/virtual-machine-run-commands/create-or-update.
 */
import { ComputeManagementClient } from "@azure/arm-compute";
import { NetworkManagementClient } from "@azure/arm-network";
import { ResourceManagementClient } from "@azure/arm-resources";
import type { TokenCredential } from "@azure/identity";
import { SubscriptionSummary, listSubscriptions, signInProblem } from "../labctl/signIn";
import { ArmPort, ConnectionInfo, DiskInfo, GroupInfo, LoadBalancerInfo, NicInfo, PublicIpInfo, RunCommandInfo, RunCommandView, VmInfo } from "./ports";

/** How to reach Azure (tests: a fake ARM on 127.0.0.1 with its CA). */
export interface ArmOptions {
  credential: TokenCredential;
  subscriptionId: string;
  endpoint?: string;
  ca?: string;
  /** Long-running-operation polls, in milliseconds (default 5000). */
  pollIntervalMs?: number;
}

const parse = (id: string) => {
  const m = /\/resourceGroups\/([^/]+)\/providers\/[^/]+\/[^/]+\/([^/]+)/i.exec(id);
  if (!m) throw new Error(`not an ARM ID: ${id}`);
  return { group: m[1], name: m[2] };
};

const notFound = (err: unknown) => (err as { statusCode?: number }).statusCode === 404;

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** The Azure SDK clients behind {@link ArmPort}. */
export class AzureArm implements ArmPort {
  private readonly resources: ResourceManagementClient;
  private readonly network: NetworkManagementClient;
  private readonly compute: ComputeManagementClient;
  private readonly poll: { updateIntervalInMs: number };
  private readonly credential: TokenCredential;

  constructor(private readonly options: ArmOptions) {
    this.credential = options.credential;
    const common = { endpoint: options.endpoint, tlsOptions: options.ca ? { ca: options.ca } : undefined, retryOptions: { maxRetries: 2 } };
    this.resources = new ResourceManagementClient(options.credential, options.subscriptionId, common);
    this.network = new NetworkManagementClient(options.credential, options.subscriptionId, common);
    this.compute = new ComputeManagementClient(options.credential, options.subscriptionId, common);
    this.poll = { updateIntervalInMs: options.pollIntervalMs ?? 5000 };
  }

  /**
   * One token, then Subscriptions - List: the run's subscription must be one this login sees (a
   * token of another tenant, or a subscription without access, fails here, before any cost).
   */
  async signIn(): Promise<string | undefined> {
    const sub = this.options.subscriptionId;
    const problem = await signInProblem(this.credential);
    if (problem) return `subscription ${sub}: not reached\n${problem}`;
    let seen: SubscriptionSummary[];
    try {
      seen = await listSubscriptions(this.credential, this.options.endpoint, this.options.ca);
    } catch (err) {
      return `subscription ${sub}: cannot list the subscriptions this login sees (${(err as Error).message})`;
    }
    if (seen.some((s) => s.subscriptionId.toLowerCase() === sub.toLowerCase())) return undefined;
    const choices = seen.map((s) => `'${s.displayName}' (${s.subscriptionId})`).join(", ") || "none";
    return `subscription ${sub}: not among those this login sees (${choices}); check --subscription, or az login to its tenant (az account list -o table)`;
  }

  async createGroup(name: string, region: string, tags: Record<string, string>): Promise<void> {
    await this.resources.resourceGroups.createOrUpdate(name, { location: region, tags });
  }

  async group(name: string): Promise<GroupInfo | undefined> {
    try {
      return { tags: (await this.resources.resourceGroups.get(name)).tags ?? {} };
    } catch (err) {
      if (notFound(err)) return undefined;
      throw err;
    }
  }

  async deleteGroup(name: string): Promise<void> {
    await this.resources.resourceGroups.beginDeleteAndWait(name, this.poll);
  }

  async disks(group: string): Promise<DiskInfo[]> {
    return (await collect(this.compute.disks.listByResourceGroup(group))).map((d) => ({ name: d.name ?? "", id: d.id ?? "", managedBy: d.managedBy, sku: d.sku?.name, tags: d.tags ?? {} }));
  }

  async deleteDisk(group: string, name: string): Promise<void> {
    await this.compute.disks.beginDeleteAndWait(group, name, this.poll);
  }

  async vm(group: string, name: string): Promise<VmInfo | undefined> {
    try {
      const vm = await this.compute.virtualMachines.get(group, name);
      return { name, osDiskId: vm.storageProfile?.osDisk?.managedDisk?.id ?? "", nicIds: (vm.networkProfile?.networkInterfaces ?? []).map((n) => n.id ?? "") };
    } catch (err) {
      if (notFound(err)) return undefined;
      throw err;
    }
  }

  async nic(id: string): Promise<NicInfo> {
    const { group, name } = parse(id);
    const nic = await this.network.networkInterfaces.get(group, name);
    const ipc = nic.ipConfigurations?.[0];
    const pools = [...(ipc?.loadBalancerBackendAddressPools ?? []), ...(ipc?.loadBalancerInboundNatRules ?? [])].map((p) => p.id ?? "");
    return { id, subnetId: ipc?.subnet?.id ?? "", privateIp: ipc?.privateIPAddress ?? "", backendPools: pools };
  }

  async loadBalancers(group: string): Promise<LoadBalancerInfo[]> {
    return (await collect(this.network.loadBalancers.list(group))).map((lb) => ({
      name: lb.name ?? "",
      rules: [...(lb.loadBalancingRules ?? []), ...(lb.inboundNatRules ?? [])].map((r) => `${r.frontendPort}->${r.backendPort}`),
      pools: (lb.backendAddressPools ?? []).map((p) => ({ id: p.id ?? "", ipConfigurations: (p.backendIPConfigurations ?? []).map((c) => c.id ?? "") })),
    }));
  }

  async publicIps(group: string): Promise<PublicIpInfo[]> {
    return (await collect(this.network.publicIPAddresses.list(group))).map((p) => ({ name: p.name ?? "", ipAddress: p.ipAddress, fqdn: p.dnsSettings?.fqdn }));
  }

  async connections(group: string): Promise<ConnectionInfo[]> {
    return (await collect(this.network.virtualNetworkGatewayConnections.list(group))).map((c) => ({ name: c.name ?? "", provisioningState: c.provisioningState, connectionStatus: c.connectionStatus }));
  }

  async putRunCommand(group: string, vm: string, name: string, script: string, region: string): Promise<RunCommandInfo> {
    await this.compute.virtualMachineRunCommands.beginCreateOrUpdateAndWait(group, vm, name, { location: region, source: { script }, asyncExecution: false, treatFailureAsDeploymentFailure: false }, this.poll);
    const done = await this.compute.virtualMachineRunCommands.getByVirtualMachine(group, vm, name, { expand: "instanceView" });
    const view = done.instanceView;
    return { provisioningState: done.provisioningState, executionState: view?.executionState, exitCode: view?.exitCode, startTime: view?.startTime?.toISOString() };
  }

  async deleteRunCommand(group: string, vm: string, name: string): Promise<void> {
    await this.compute.virtualMachineRunCommands.beginDeleteAndWait(group, vm, name, this.poll);
  }

  async runCommandView(group: string, vm: string, name: string): Promise<RunCommandView | undefined> {
    try {
      const found = await this.compute.virtualMachineRunCommands.getByVirtualMachine(group, vm, name, { expand: "instanceView" });
      const view = found.instanceView;
      return { executionState: view?.executionState, exitCode: view?.exitCode, output: view?.output, error: view?.error, startTime: view?.startTime?.toISOString(), endTime: view?.endTime?.toISOString() };
    } catch (err) {
      if (notFound(err)) return undefined;
      throw err;
    }
  }

  async runCommands(group: string, vm: string): Promise<string[]> {
    return (await collect(this.compute.virtualMachineRunCommands.listByVirtualMachine(group, vm))).map((c) => c.name ?? "");
  }

  async deallocate(group: string, vm: string): Promise<void> {
    await this.compute.virtualMachines.beginDeallocateAndWait(group, vm, this.poll);
  }
}
