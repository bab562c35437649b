/**
 * The ports of `npm run acceptance` with the Azure twin in place of Azure: the real Automation API
 * workspace (the real Pulumi CLI, the lab's own program) with the twin installed as azure-native,
 * and the run's Azure SDK checks answered from the twin's subscription through an adapter.
 *
 * The twin runs Run Commands as recorded steps: a role step's run is recorded with its parameters,
 * and the acceptance run's own check scripts are answered from that record (the forest exists once
 * the DC's `dc-promote` step ran with the domain name; a VM is joined once its `domain-join` step
 * ran; Exchange's health check answers once `exchange-setup` ran). TCP answers on the lab's public
 * address for the ports its load balancer publishes. Nothing here says what Azure or Windows do.
 */
import * as fs from "fs";
import * as path from "path";
import { AutomationWorkspace } from "../../src/acceptance/automation";
import { DOMAIN_SCRIPT, JOIN_SCRIPT } from "../../src/acceptance/roleChecks";
import { ArmPort, DiskInfo, ParkingPort, Ports, RunCommandInfo, RunCommandView } from "../../src/acceptance/ports";
import { planDisk } from "../../src/labctl/parking";
import { TwinArm, TwinResource } from "./arm";
import { PulumiCli, installTwin } from "./engine";
import { publicIpOf } from "./provider";

const RUN_COMMAND = "azure-native:compute:VirtualMachineRunCommandByVirtualMachine";
const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const low = (s: string) => s.toLowerCase();

/** The twin's subscription as the acceptance run's {@link ArmPort}. */
export class TwinArmPort implements ArmPort {
  private clock = Date.parse("2026-12-07T08:00:00Z");
  constructor(readonly twin: TwinArm) {}

  private sub(): string {
    return this.twin.idOf("azure-native:resources:ResourceGroup", { resourceGroupName: "x" }).split("/")[2];
  }
  private inGroup(group: string, type: string): TwinResource[] {
    return this.twin.list(type).filter((r) => low(r.id).startsWith(low(`/subscriptions/${this.sub()}/resourceGroups/${group}/`)));
  }

  /** The twin needs no sign-in. */
  async signIn(): Promise<string | undefined> {
    return undefined;
  }

  async createGroup(name: string, region: string, tags: Record<string, string>): Promise<void> {
    this.twin.seedGroup(name, region, tags);
  }
  async group(name: string) {
    const g = this.twin.get(`/subscriptions/${this.sub()}/resourceGroups/${name}`);
    return g ? { tags: (g.properties.tags as Record<string, string> | undefined) ?? {} } : undefined;
  }
  async deleteGroup(name: string): Promise<void> {
    this.twin.delete("azure-native:resources:ResourceGroup", `/subscriptions/${this.sub()}/resourceGroups/${name}`);
  }
  async disks(group: string): Promise<DiskInfo[]> {
    return this.inGroup(group, "azure-native:compute:Disk").map((d) => ({
      name: d.name, id: d.id, ...(d.managedBy ? { managedBy: d.managedBy } : {}),
      sku: String(obj(d.properties.sku).name ?? "StandardSSD_LRS"), tags: (d.properties.tags as Record<string, string> | undefined) ?? {},
    }));
  }
  async deleteDisk(group: string, name: string): Promise<void> {
    this.twin.delete("azure-native:compute:Disk", this.twin.idOf("azure-native:compute:Disk", { resourceGroupName: group, diskName: name }));
  }
  async vm(group: string, name: string) {
    const vm = this.twin.get(this.twin.idOf("azure-native:compute:VirtualMachine", { resourceGroupName: group, vmName: name }));
    if (!vm) return undefined;
    const os = this.twin.list("azure-native:compute:Disk").find((d) => low(d.managedBy ?? "") === low(vm.id) && d.properties.role === "os");
    return { name: vm.name, osDiskId: os?.id ?? "", nicIds: arr(obj(vm.properties.networkProfile).networkInterfaces).map((n) => String(obj(n).id)) };
  }
  async nic(id: string) {
    const nic = this.twin.get(id);
    if (!nic) throw new Error(`ResourceNotFound: ${id}`);
    const ipc = obj(arr(nic.properties.ipConfigurations)[0]);
    return { id: nic.id, subnetId: String(obj(ipc.subnet).id), privateIp: String(ipc.privateIPAddress), backendPools: arr(ipc.loadBalancerBackendAddressPools).map((p) => String(obj(p).id)) };
  }
  async loadBalancers(group: string) {
    const nics = this.twin.list("azure-native:network:NetworkInterface");
    return this.inGroup(group, "azure-native:network:LoadBalancer").map((lb) => ({
      name: lb.name,
      rules: [...arr(lb.properties.loadBalancingRules), ...arr(lb.properties.inboundNatRules)].map((r) => `${String(obj(r).frontendPort)}->${String(obj(r).backendPort)}`),
      pools: arr(lb.properties.backendAddressPools).map((p) => {
        const id = `${lb.id}/backendAddressPools/${String(obj(p).name)}`;
        const members = nics.filter((n) => arr(obj(arr(n.properties.ipConfigurations)[0]).loadBalancerBackendAddressPools).some((x) => low(String(obj(x).id)) === low(id)));
        return { id, ipConfigurations: members.map((n) => `${n.id}/ipConfigurations/ipconfig1`) };
      }),
    }));
  }
  async publicIps(group: string) {
    return this.inGroup(group, "azure-native:network:PublicIPAddress").map((p) => {
      const label = obj(p.properties.dnsSettings).domainNameLabel;
      return { name: p.name, ipAddress: publicIpOf(p.id), ...(typeof label === "string" ? { fqdn: `${label}.${String(p.properties.location)}.cloudapp.azure.com` } : {}) };
    });
  }
  async connections(group: string) {
    // The twin has no IPsec peer: a connection is provisioned, its status unknown.
    return this.inGroup(group, "azure-native:network:VirtualNetworkGatewayConnection").map((c) => ({ name: c.name, provisioningState: "Succeeded", connectionStatus: "Unknown" }));
  }
  async putRunCommand(group: string, vm: string, name: string, script: string, region: string): Promise<RunCommandInfo> {
    const inputs = { resourceGroupName: group, vmName: vm, runCommandName: name, location: region, source: { script } };
    const exists = this.twin.get(this.twin.idOf(RUN_COMMAND, inputs));
    const r = this.twin.put(RUN_COMMAND, inputs, !exists);
    this.twin.runScript(r.id);
    this.clock += 60_000;
    const failed = /^\s*exit\s+[1-9]/m.test(script);
    this.views.set(low(r.id), { executionState: failed ? "Failed" : "Succeeded", exitCode: failed ? 1 : 0, output: this.answer(vm, script), startTime: new Date(this.clock).toISOString(), endTime: new Date(this.clock + 5000).toISOString() });
    return { provisioningState: failed ? "Failed" : "Succeeded", executionState: failed ? "Failed" : "Succeeded", exitCode: failed ? 1 : 0, startTime: new Date(this.clock).toISOString() };
  }
  private views = new Map<string, RunCommandView>();
  async deleteRunCommand(group: string, vm: string, name: string): Promise<void> {
    this.twin.delete(RUN_COMMAND, this.twin.idOf(RUN_COMMAND, { resourceGroupName: group, vmName: vm, runCommandName: name }));
  }
  async runCommandView(group: string, vm: string, name: string): Promise<RunCommandView | undefined> {
    const id = this.twin.idOf(RUN_COMMAND, { resourceGroupName: group, vmName: vm, runCommandName: name });
    const r = this.twin.get(id);
    if (!r) return undefined;
    return this.views.get(low(id)) ?? { executionState: "Succeeded", exitCode: 0, output: `twin: ${name} ran ${r.runs ?? 0} time(s)`, startTime: new Date(this.clock).toISOString(), endTime: new Date(this.clock + 5000).toISOString() };
  }
  async runCommands(group: string, vm: string): Promise<string[]> {
    const vmId = low(this.twin.idOf("azure-native:compute:VirtualMachine", { resourceGroupName: group, vmName: vm }));
    return this.twin.list(RUN_COMMAND).filter((r) => low(r.id).startsWith(`${vmId}/runcommands/`)).map((r) => r.name);
  }
  async deallocate(group: string, vm: string): Promise<void> {
    const id = this.twin.idOf("azure-native:compute:VirtualMachine", { resourceGroupName: group, vmName: vm });
    if (!this.twin.get(id)) throw new Error(`ResourceNotFound: ${id}`);
    this.twin.setPowerOf(id, "deallocated");
  }

  /** What the run's own check scripts print, from the role steps recorded on the OS disks (the guest's state). */
  private answer(vm: string, script: string): string {
    const vms = this.twin.list("azure-native:compute:VirtualMachine");
    const steps = (v: TwinResource) => this.twin.guestSteps(v.id);
    const promoted = vms.flatMap((v) => steps(v)).find((s) => s.name.endsWith("dc-promote"));
    const param = (name: string) => String(promoted?.parameters.find((p) => p.name === name)?.value ?? "");
    const domain = param("DomainName");
    const self = vms.find((v) => low(v.name) === low(vm));
    if (script === DOMAIN_SCRIPT) return promoted && self && steps(self).some((s) => s.name.endsWith("dc-promote")) ? `DNSRoot=${domain}\nNetBIOSName=${param("DomainNetbiosName") || domain.split(".")[0].toUpperCase()}\nForestMode=Win2016Forest\nDomainControllers=1` : "";
    if (script === JOIN_SCRIPT) return promoted && self && steps(self).some((s) => s.name.endsWith("domain-join")) ? `PartOfDomain=True\nDomain=${domain}\nSecureChannel=True` : "PartOfDomain=False\nDomain=WORKGROUP\nSecureChannel=False";
    return "twin: the script ran";
  }

  /** Whether Exchange Setup ran on a deployed VM's disk (Exchange's health check then answers). */
  exchangeInstalled(): boolean {
    return this.twin.list("azure-native:compute:VirtualMachine").some((v) => this.twin.guestSteps(v.id).some((s) => s.name.endsWith("exchange-setup")));
  }

  /** The lab's public address and the ports its load balancer publishes (what TCP reaches). */
  published(): Map<string, Set<number>> {
    const out = new Map<string, Set<number>>();
    for (const lb of this.twin.list("azure-native:network:LoadBalancer")) {
      const ip = this.twin.list("azure-native:network:PublicIPAddress").find((p) => JSON.stringify(lb.properties).toLowerCase().includes(low(p.id)));
      if (!ip) continue;
      out.set(publicIpOf(ip.id), new Set([...arr(lb.properties.loadBalancingRules), ...arr(lb.properties.inboundNatRules)].map((r) => Number(obj(r).frontendPort))));
    }
    return out;
  }
}

/** `npm run lab` parking over the twin's disks, with labctl's own decision per disk (`planDisk`). */
function twinParking(twin: TwinArm, now: () => Date): ParkingPort {
  return {
    async run(command, target) {
      const names = target.csvText.trim().split("\n").slice(1).map((row) => row.split(",")[2]);
      const direction = command === "stop --park" || command === "park" ? "park" : "unpark";
      if (command === "stop --park") for (const vm of twin.list("azure-native:compute:VirtualMachine")) twin.setPowerOf(vm.id, "deallocated");
      const decided = names.map((name) => {
        const disk = twin.list("azure-native:compute:Disk").find((d) => low(d.name) === low(name));
        if (!disk) throw new Error(`disk ${name} not found`);
        const holder = disk.managedBy ? twin.get(disk.managedBy) : undefined;
        const found = { sku: String(obj(disk.properties.sku).name ?? "StandardSSD_LRS"), tags: (disk.properties.tags as Record<string, string> | undefined) ?? {}, diskState: !holder ? "Unattached" : holder.powerState === "deallocated" ? "Reserved" : "Attached", managedBy: disk.managedBy };
        return { disk, plan: planDisk({ vm: holder?.name ?? "vm", role: "OS disk", resourceGroup: "g", name }, found as Parameters<typeof planDisk>[1], direction, "Standard_LRS", now()) };
      });
      const refused = decided.find((d) => d.plan.refuse);
      if (refused) throw new Error(`a disk cannot change type: ${refused.plan.refuse}`);
      for (const d of decided) if (d.plan.change) twin.setDisk(d.disk.id, d.plan.change.to, d.plan.change.tags);
      if (command === "start") for (const vm of twin.list("azure-native:compute:VirtualMachine")) twin.setPowerOf(vm.id, "running");
      return "done\n";
    },
  };
}

/**
 * The acceptance run's ports over a fresh twin in `dir`: the real workspace (the given CLI, the twin
 * as azure-native in a PULUMI_HOME of its own), the adapter, TCP and HTTPS from the twin's record,
 * a clock that does not wait.
 */
export function twinAcceptancePorts(cli: PulumiCli, dir: string): { ports: Ports; arm: TwinArmPort } {
  const home = path.join(dir, "home");
  const bin = path.join(home, "bin");
  installTwin(home);
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, "pulumi-resource-pulumi-nodejs"), `#!/bin/sh\nexec "${process.execPath}" "${path.join(path.dirname(require.resolve("@pulumi/pulumi/package.json")), "cmd", "dynamic-provider")}" "$@"\n`, { mode: 0o755 });
  const stateFile = path.join(dir, "twin.json");
  const twin = new TwinArm(stateFile);
  const arm = new TwinArmPort(twin);
  const cliBin = cli.root ? [path.join(cli.root, "bin")] : [];
  const workspace = new AutomationWorkspace({
    pulumiRoot: cli.root, installProvider: false,
    envVars: {
      PULUMI_HOME: home, EXCHANGE_LAB_TWIN_STATE: stateFile, EXCHANGE_LAB_REBOOT_WAIT_SECONDS: "0", PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true", PATH: [bin, ...cliBin, process.env.PATH ?? ""].join(path.delimiter),
    },
  });
  let now = Date.parse("2026-12-07T08:00:00Z");
  const ports: Ports = {
    workspace,
    arm,
    tcp: async (host, port) => (arm.published().get(host)?.has(port) ? { ok: true, ms: 3 } : { ok: false, ms: 3, error: "ECONNREFUSED" }),
    resolve: async (name) => Promise.reject(new Error(`queryA ENOTFOUND ${name} (the twin serves no DNS)`)),
    clock: { now: () => (now += 1000), sleep: async (ms) => void (now += ms) },
    https: async (url) => (/\/owa\/healthcheck\.htm$/.test(url) && arm.exchangeInstalled() && [...arm.published()].some(([ip, p]) => url.includes(ip) && p.has(443)) ? { ok: true, status: 200, ms: 5, body: "200 OK" } : { ok: false, ms: 5, error: "ECONNREFUSED" }),
    parking: twinParking(twin, () => new Date(now)),
  };
  return { ports, arm };
}
