// The fakes of the acceptance tests: a fake automation workspace (which plays Pulumi and writes
// what Azure would hold into the fake ARM) and the harness around the real Azure SDK clients
// talking to the fake ARM on 127.0.0.1.
import * as os from "os";
import * as path from "path";
import type { TokenCredential } from "@azure/identity";
import { AzureArm } from "../src/acceptance/arm";
import { DEFAULT_TIMEOUTS } from "../src/acceptance/checks";
import { AcceptanceLab, AcceptanceVm, acceptanceLab } from "../src/acceptance/lab";
import { planDisk } from "../src/labctl/parking";
import { HttpsProber, OperationResult, ParkingPort, Ports, ResourceTiming, StackPort, StackSpec, WorkspacePort } from "../src/acceptance/ports";
import { Estimate } from "../src/acceptance/report";
import { RunOptions } from "../src/acceptance/run";
import { FakeArm, startFakeArm } from "./fakeArm";

export const SUB = "00000000-0000-0000-0000-000000000001";
const credential: TokenCredential = { getToken: async () => ({ token: "fake-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };
export const GATEWAY_FQDN = "exlab-acc-c0ffee00-gw.westeurope.cloudapp.azure.com";
export const ESTIMATE: Estimate = { currency: "USD", perHourRunning: 0.11, perMonthParked: 19.2, minutes: 60, total: 0.14, priceSource: "test" };

export function labFor(runId = "0badf00d", withVpn = false): AcceptanceLab {
  return acceptanceLab({ runId, region: "westeurope", withVpn, allowFrom: "203.0.113.7/32", csvPath: path.join(os.tmpdir(), "unused", "lab.csv"), subscriptionId: SUB });
}

/** Plays Pulumi and Azure: `up` writes the lab's resources into the fake ARM, `destroy` removes all but the disks. */
/** With the role lab: the role steps the first up runs, each with what its script prints. */
export interface FakeRoleSteps {
  steps: { vm: string; id: string; minutes: number; output: string }[];
}

export class FakeStack implements StackPort {
  csv: string;
  private roleStepsRan = false;
  constructor(private readonly arm: FakeArm, private readonly lab: AcceptanceLab, spec: StackSpec, private readonly events: string[], private readonly fail: (op: string) => string | undefined, private readonly roles?: FakeRoleSteps) {
    this.csv = spec.csvText;
  }
  private rg = (group: string) => `/subscriptions/${SUB}/resourceGroups/${group}`;
  private put(id: string, properties: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    this.arm.resources.set(id.toLowerCase(), { id, name: id.split("/").pop(), ...extra, properties });
  }
  private async op(name: string, signal?: AbortSignal): Promise<void> {
    this.events.push(name);
    if (signal?.aborted) throw new Error("canceled");
    const message = this.fail(name);
    if (message) throw new Error(message);
  }
  private vms(): AcceptanceVm[] {
    return this.csv === this.lab.csvAfter ? this.lab.after : this.lab.before;
  }
  private deployedCsv?: string;
  async up(opts: { signal?: AbortSignal } = {}): Promise<OperationResult> {
    await this.op("up", opts.signal);
    const noChange = this.deployedCsv === this.csv;
    this.deployedCsv = this.csv;
    const { resourceGroup: labRg, diskResourceGroup: diskRg } = this.lab;
    this.put(this.rg(labRg), {}, { location: "westeurope" });
    const lb = `${this.rg(labRg)}/providers/Microsoft.Network/loadBalancers/lab-lb`;
    const ports = [...new Set(this.vms().flatMap((v) => v.endpoints))];
    this.put(lb, {
      loadBalancingRules: ports.map((p) => ({ name: `rule-${p}`, properties: { frontendPort: p, backendPort: p } })),
      inboundNatRules: this.vms().map((v) => ({ name: `rdp-${v.name}`, properties: { frontendPort: v.rdpPort, backendPort: 3389 } })),
    });
    this.put(`${this.rg(labRg)}/providers/Microsoft.Network/publicIPAddresses/lab-pip`, { ipAddress: "127.0.0.1", dnsSettings: { fqdn: "lab.westeurope.cloudapp.azure.com" } });
    if (this.lab.withVpn) {
      this.put(`${this.rg(labRg)}/providers/Microsoft.Network/publicIPAddresses/vnet-vpngw-ip`, { ipAddress: "192.0.2.80", dnsSettings: { fqdn: GATEWAY_FQDN } });
      this.put(`${this.rg(labRg)}/providers/Microsoft.Network/connections/vnet-to-draytek`, { provisioningState: "Succeeded", connectionStatus: "NotConnected", connectionType: "IPsec", virtualNetworkGateway1: { id: `${this.rg(labRg)}/providers/Microsoft.Network/virtualNetworkGateways/vnet-vpngw`, properties: {} } });
    }
    for (const key of [...this.arm.resources.keys()]) if (key.includes("/virtualmachines/") && !this.vms().some((v) => key.endsWith(`/virtualmachines/${v.name}`))) this.arm.resources.delete(key);
    for (const vm of this.vms()) {
      const disk = `${this.rg(diskRg)}/providers/Microsoft.Compute/disks/${vm.osDisk}`;
      const nic = `${this.rg(labRg)}/providers/Microsoft.Network/networkInterfaces/${vm.name}-nic`;
      const vmId = `${this.rg(diskRg)}/providers/Microsoft.Compute/virtualMachines/${vm.name}`;
      // A disk keeps its type and tags across lives (parking writes them).
      const prior = this.arm.resources.get(disk.toLowerCase());
      this.put(disk, {}, { sku: prior?.sku ?? { name: "StandardSSD_LRS" }, tags: prior?.tags ?? {}, managedBy: vmId });
      this.put(nic, { ipConfigurations: [{ name: "ipconfig", properties: { privateIPAddress: vm.privateIp, subnet: { id: `${this.rg(labRg)}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/${vm.subnet}` }, loadBalancerInboundNatRules: [{ id: `${lb}/inboundNatRules/rdp-${vm.name}` }] } }] });
      this.put(vmId, { storageProfile: { osDisk: { managedDisk: { id: disk } } }, networkProfile: { networkInterfaces: [{ id: nic }] } });
    }
    const timings: ResourceTiming[] = noChange ? [] : [{ type: "azure-native:compute:VirtualMachine", name: "vm1", op: "create", seconds: 420 }, { type: "azure-native:compute:VirtualMachine", name: "vm2", op: "create", seconds: 480 }, { type: "azure-native:network:LoadBalancer", name: "lb", op: "create", seconds: 30 }];
    // The role steps run in the VMs' first life only (their disks did not exist before).
    if (this.roles && !this.roleStepsRan) {
      this.roleStepsRan = true;
      let t = Date.parse("2026-11-29T10:05:00Z");
      for (const step of this.roles.steps) {
        const start = new Date(t).toISOString();
        t += step.minutes * 60_000 + 30_000;
        this.put(`${this.rg(diskRg)}/providers/Microsoft.Compute/virtualMachines/${step.vm}/runCommands/exchange-lab-${step.id}`, { instanceView: { executionState: "Succeeded", exitCode: 0, output: step.output, startTime: start, endTime: new Date(t).toISOString() } });
        timings.push({ type: "azure-native:compute:VirtualMachineRunCommandByVirtualMachine", name: `${step.vm}-${step.id}`, op: "create", seconds: step.minutes * 60 + 45 });
      }
    }
    for (const vm of this.vms()) timings.push({ type: "azure-native:compute:VirtualMachineRunCommandByVirtualMachine", name: `${vm.name}-ready`, op: "create", seconds: 60 });
    return { changes: noChange ? { same: 12 } : { create: 12 }, timings: noChange ? [] : timings };
  }
  async preview(opts: { signal?: AbortSignal; expectNoChanges?: boolean } = {}) {
    await this.op(opts.expectNoChanges ? "preview --expect-no-changes" : "preview", opts.signal);
    return { changes: { same: 12 } };
  }
  kept() {
    return { stackName: `acceptance-${this.lab.runId}`, workDir: "/tmp/run", backendUrl: "file:///tmp/run/state", passphrase: "the-passphrase" };
  }
  async refresh(opts: { signal?: AbortSignal } = {}) {
    await this.op("refresh", opts.signal);
    return { changes: { same: 12 } };
  }
  async destroy(opts: { signal?: AbortSignal } = {}) {
    await this.op("destroy", opts.signal);
    for (const key of [...this.arm.resources.keys()]) {
      const labRg = this.rg(this.lab.resourceGroup).toLowerCase();
      if (key === labRg || key.startsWith(`${labRg}/`) || key.includes("/virtualmachines/")) this.arm.resources.delete(key);
      else if (key.includes("/disks/")) this.arm.resources.set(key, { ...this.arm.resources.get(key), managedBy: undefined });
    }
    this.deployedCsv = undefined;
    return { changes: { delete: 12 } };
  }
  async writeCsv(text: string) {
    this.events.push("writeCsv");
    this.csv = text;
  }
  async outputs() {
    return { publicIp: "127.0.0.1", resourceGroupName: this.lab.resourceGroup, ...(this.lab.withVpn ? { gatewayFqdn: GATEWAY_FQDN } : {}) };
  }
  async plugins() {
    return ["azure-native 3.28.0"];
  }
  async dispose() {
    this.events.push("dispose");
  }
}

/**
 * Plays `npm run lab`'s parking commands on the fake ARM's disks, deciding each disk with labctl's
 * own `planDisk` (the conversions budget included) and applying it to the stored disk; `stop --park`
 * and `start` treat the VM as deallocated (`Reserved`). Logs `lab <command> <disks>`.
 */
export function fakeParking(arm: FakeArm, events: string[], now: () => Date = () => new Date("2026-11-29T10:30:00Z")): ParkingPort {
  return {
    async run(command, target) {
      const disks = target.csvText.trim().split("\n").slice(1).map((row) => row.split(",")[2]);
      events.push(`lab ${command} ${disks.join(" ")}`);
      const direction = command === "stop --park" || command === "park" ? "park" : "unpark";
      const decided = disks.map((name) => {
        const key = [...arm.resources.keys()].find((k) => k.endsWith(`/disks/${name}`.toLowerCase()))!;
        const stored = arm.resources.get(key)!;
        const found = { sku: (stored.sku as { name: string }).name, tags: (stored.tags as Record<string, string>) ?? {}, diskState: stored.managedBy ? "Reserved" : "Unattached" };
        return { key, stored, plan: planDisk({ vm: "vm", role: "OS disk", resourceGroup: "g", name }, found as Parameters<typeof planDisk>[1], direction, "Standard_LRS", now()) };
      });
      const refused = decided.find((d) => d.plan.refuse);
      if (refused) throw new Error(`a disk cannot change type: ${refused.plan.refuse}`);
      for (const d of decided) if (d.plan.change) arm.resources.set(d.key, { ...d.stored, sku: { name: d.plan.change.to }, tags: d.plan.change.tags });
      return "done\n";
    },
  };
}

export interface Harness {
  arm: FakeArm;
  events: string[];
  ports: Ports;
  probes: string[];
  created: StackSpec[];
}

export async function harness(lab: AcceptanceLab, fail: (op: string) => string | undefined = () => undefined, tcpOk: (port: number) => boolean = () => true, extra: { roles?: FakeRoleSteps; https?: HttpsProber } = {}): Promise<Harness> {
  const arm = await startFakeArm({});
  const events: string[] = [];
  const probes: string[] = [];
  const created: StackSpec[] = [];
  arm.onCall = (call) => events.push(call.replace(/\/subscriptions\/[^/]+\/resourceGroups\//i, "").replace(/\/providers\/Microsoft\.[A-Za-z]+\//, "/"));
  const workspace: WorkspacePort = {
    cliVersion: async () => "v3.210.0",
    createStack: async (spec) => {
      events.push("createStack");
      created.push(spec);
      return new FakeStack(arm, lab, spec, events, fail, extra.roles);
    },
  };
  let now = Date.parse("2026-11-29T10:00:00Z");
  const ports: Ports = {
    workspace,
    arm: new AzureArm({ credential, subscriptionId: SUB, endpoint: arm.endpoint, ca: arm.ca, pollIntervalMs: 5 }),
    tcp: async (host, port) => {
      probes.push(`${host}:${port}`);
      return tcpOk(port) ? { ok: true, ms: 12 } : { ok: false, ms: 10_000, error: "timeout" };
    },
    resolve: async (name) => (name === GATEWAY_FQDN ? ["192.0.2.80"] : Promise.reject(new Error(`queryA ENOTFOUND ${name}`))),
    clock: { now: () => (now += 1000), sleep: async (ms) => void (now += ms) },
    https: extra.https,
    parking: fakeParking(arm, events),
  };
  return { arm, events, ports, probes, created };
}

export function options(lab: AcceptanceLab, extra: Partial<RunOptions> = {}): RunOptions {
  return { lab, subscriptionId: SUB, keep: false, estimate: ESTIMATE, cliVersion: "v3.210.0", sdkVersion: "3.248.0", timeouts: { ...DEFAULT_TIMEOUTS, bootMs: 60_000 }, renderer: "silent", signal: new AbortController().signal, ...extra };
}

export const groupsLeft = (h: Harness) => [...h.arm.resources.keys()].filter((k) => /\/resourcegroups\/[^/]+$/.test(k));
