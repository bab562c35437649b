/**
 * The Azure twin's subscription: the ARM resources the lab's program declares, kept in a JSON state
 * file that outlives one `pulumi up` (so destroy + up, disks outside the stack and VMs deallocated
 * between runs are modelled), and the PUT / DELETE / GET requests azure-native would send, each
 * checked against the rules of `rules.ts`.
 *
 * Shapes: a resource is `{ id, type, name, properties, ... }` where `type` is the azure-native token
 * (`azure-native:network:NetworkInterface`) and `properties` the inputs as the provider received them
 * (secrets redacted). IDs are ARM IDs; ARM compares them case-insensitively, so the state is keyed by
 * the lower-cased ID.
 */
import * as fs from "fs";
import { Address4 } from "ip-address";
import { findSize } from "../../src/input/catalogues";
import { ArmError, refuse } from "./rules";

/** A resource in the twin's subscription. */
export interface TwinResource {
  id: string;
  type: string;
  name: string;
  properties: Record<string, unknown>;
  /** VMs: running (created, started) or deallocated (auto-shutdown, `npm run lab -- stop`). */
  powerState?: "running" | "deallocated";
  /** Disks: the VM that holds it (ARM ID), as `managedBy`. */
  managedBy?: string;
  /** Disks: the Hyper-V generation (`V1`, `V2`). */
  hyperVGeneration?: "V1" | "V2";
  /** Run commands: how often the script ran. */
  runs?: number;
}

/** A failure the test asks for: the next matching operations fail with `code: message`. */
export interface TwinFault {
  op: "create" | "update" | "delete" | "run";
  /** Token suffix (`NetworkInterface`) or full token; any type when absent. */
  type?: string;
  /** The resource's ARM name (case-insensitive); any when absent. */
  name?: string;
  code: string;
  message: string;
  /** How many matching operations fail (default 1). */
  times?: number;
}

/** One request the twin answered, for the tests and `npm run rehearse` ("no call to Azure"). */
export interface TwinCall {
  op: "create" | "update" | "delete" | "get" | "run";
  type: string;
  id: string;
  ok: boolean;
  error?: string;
}

/** The state file's content. */
export interface TwinState {
  subscriptionId: string;
  tenantId: string;
  resources: Record<string, TwinResource>;
  faults: TwinFault[];
  calls: TwinCall[];
}

const SECRET_KEYS = /password|sharedKey|protectedParameters|secret/i;

/** A fresh, empty subscription. */
export function emptyState(): TwinState {
  return { subscriptionId: "00000000-0000-0000-0000-00000000beef", tenantId: "00000000-0000-0000-0000-00000000face", resources: {}, faults: [], calls: [] };
}

/** Reads the state file (an empty subscription when it does not exist). */
export function loadState(file: string): TwinState {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as TwinState) : emptyState();
}

/** Writes the state file whole (write, then rename: a reader never sees half a file). */
export function saveState(file: string, state: TwinState): void {
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 1));
  fs.renameSync(`${file}.tmp`, file);
}

/** How azure-native names each resource type in its ARM URL: the path parameters, in order. */
interface TypeSpec {
  /** Builds the ARM ID from the inputs. */
  id(i: Record<string, unknown>, sub: string): string;
  /** The inputs that are URL path parameters (a change replaces the resource: azure-native's diff.go). */
  params: string[];
  /** The ARM name among the params. */
  nameParam: string;
}

const rg = (i: Record<string, unknown>, sub: string) => `/subscriptions/${sub}/resourceGroups/${String(i.resourceGroupName)}`;
const net = (kind: string, param: string): TypeSpec => ({
  id: (i, s) => `${rg(i, s)}/providers/Microsoft.Network/${kind}/${String(i[param])}`,
  params: ["resourceGroupName", param],
  nameParam: param,
});

/**
 * The resource types the lab declares, with their ARM URL (https://learn.microsoft.com/rest/api/:
 * network, compute, resources, devtestlab). The path parameters are the azure-native inputs of the
 * same names; `location` is the one body property among the program's inputs that azure-native
 * marks forceNew (ARM's RPC-Put-V1-14: a tracked resource's location is create-only). For every
 * other property the program sets, the twin answers a change with an update: azure-native's
 * metadata (its forceNew marks) was not checked property by property, so a forceNew it holds for
 * one of them is a replacement the twin does not show (docs/rehearse.md, "What the twin does not model").
 */
export const TYPES: Record<string, TypeSpec> = {
  "azure-native:resources:ResourceGroup": { id: rg, params: ["resourceGroupName"], nameParam: "resourceGroupName" },
  "azure-native:network:VirtualNetwork": net("virtualNetworks", "virtualNetworkName"),
  "azure-native:network:Subnet": {
    id: (i, s) => `${rg(i, s)}/providers/Microsoft.Network/virtualNetworks/${String(i.virtualNetworkName)}/subnets/${String(i.subnetName)}`,
    params: ["resourceGroupName", "virtualNetworkName", "subnetName"],
    nameParam: "subnetName",
  },
  "azure-native:network:NetworkSecurityGroup": net("networkSecurityGroups", "networkSecurityGroupName"),
  "azure-native:network:NetworkInterface": net("networkInterfaces", "networkInterfaceName"),
  "azure-native:network:PublicIPAddress": net("publicIPAddresses", "publicIpAddressName"),
  "azure-native:network:LoadBalancer": net("loadBalancers", "loadBalancerName"),
  "azure-native:network:VirtualNetworkGateway": net("virtualNetworkGateways", "virtualNetworkGatewayName"),
  "azure-native:network:LocalNetworkGateway": net("localNetworkGateways", "localNetworkGatewayName"),
  "azure-native:network:VirtualNetworkGatewayConnection": net("connections", "virtualNetworkGatewayConnectionName"),
  "azure-native:compute:VirtualMachine": {
    id: (i, s) => `${rg(i, s)}/providers/Microsoft.Compute/virtualMachines/${String(i.vmName)}`,
    params: ["resourceGroupName", "vmName"],
    nameParam: "vmName",
  },
  "azure-native:compute:VirtualMachineRunCommandByVirtualMachine": {
    id: (i, s) => `${rg(i, s)}/providers/Microsoft.Compute/virtualMachines/${String(i.vmName)}/runCommands/${String(i.runCommandName)}`,
    params: ["resourceGroupName", "vmName", "runCommandName"],
    nameParam: "runCommandName",
  },
  "azure-native:devtestlab:GlobalSchedule": {
    id: (i, s) => `${rg(i, s)}/providers/Microsoft.DevTestLab/schedules/${String(i.name)}`,
    params: ["resourceGroupName", "name"],
    nameParam: "name",
  },
  "azure-native:compute:Disk": {
    id: (i, s) => `${rg(i, s)}/providers/Microsoft.Compute/disks/${String(i.diskName)}`,
    params: ["resourceGroupName", "diskName"],
    nameParam: "diskName",
  },
};

const key = (id: string) => id.toLowerCase();
const str = (v: unknown) => (typeof v === "string" ? v : undefined);
const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const idOf = (v: unknown) => str(obj(v).id);
const parentOf = (id: string) => id.replace(/\/[^/]+\/[^/]+$/, "");
const groupOf = (id: string) => /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+/i.exec(id)?.[0] ?? id;

/** The subscription, over one state file: every request reads and writes it. */
export class TwinArm {
  constructor(readonly file: string) {}

  private state(): TwinState {
    return loadState(this.file);
  }

  /** The ARM ID a resource of `type` with `inputs` has. Throws for a type the twin does not model. */
  idOf(type: string, inputs: Record<string, unknown>): string {
    const spec = TYPES[type];
    if (!spec) throw new Error(`the Azure twin does not model ${type}`);
    return spec.id(inputs, this.state().subscriptionId);
  }

  /** The resource with this ID, if any. */
  get(id: string): TwinResource | undefined {
    return this.state().resources[key(id)];
  }

  /** Every resource, optionally of one type. */
  list(type?: string): TwinResource[] {
    return Object.values(this.state().resources).filter((r) => !type || r.type === type);
  }

  /** Runs `fn` on the state and writes it back, recording the call (and its refusal). */
  private transact<T>(call: Omit<TwinCall, "ok" | "error">, fn: (s: TwinState) => T): T {
    const s = this.state();
    try {
      this.fault(s, call);
      const result = fn(s);
      s.calls.push({ ...call, ok: true });
      saveState(this.file, s);
      return result;
    } catch (e) {
      const fresh = this.state();
      fresh.faults = s.faults;
      fresh.calls.push({ ...call, ok: false, error: (e as Error).message });
      saveState(this.file, fresh);
      throw e;
    }
  }

  private fault(s: TwinState, call: Omit<TwinCall, "ok" | "error">): void {
    const name = call.id.split("/").pop()!.toLowerCase();
    const i = s.faults.findIndex((f) => f.op === call.op && (!f.type || call.type === f.type || call.type.endsWith(`:${f.type}`)) && (!f.name || f.name.toLowerCase() === name));
    if (i < 0) return;
    const f = s.faults[i];
    if ((f.times ?? 1) <= 1) s.faults.splice(i, 1);
    else f.times = (f.times ?? 1) - 1;
    throw new ArmError("fault", f.code, f.message);
  }

  /**
   * PUT: creates (`create`) or updates a resource from the program's inputs (secrets already
   * unwrapped), after ARM's checks. Returns the stored resource. Throws {@link ArmError}.
   */
  put(type: string, inputs: Record<string, unknown>, create: boolean): TwinResource {
    const id = this.idOf(type, inputs);
    return this.transact({ op: create ? "create" : "update", type, id }, (s) => {
      const existing = s.resources[key(id)];
      if (create && existing) refuse("alreadyExists", `${existing.id} already exists (asked to create ${id}); to manage it, import it`);
      if (type !== "azure-native:resources:ResourceGroup" && !s.resources[key(groupOf(id))]) refuse("groupMissing", `resource group ${groupOf(id)} was not found`);
      const spec = TYPES[type];
      const name = String(inputs[spec.nameParam]);
      const r: TwinResource = { ...(existing ?? {}), id: existing?.id ?? id, type, name: existing?.name ?? name, properties: redact(inputs) };
      CHECKS[type]?.(s, r, existing, inputs);
      s.resources[key(id)] = r;
      return r;
    });
  }

  /** DELETE of the resource with `id`, after ARM's checks (and its side effects: a VM frees its NIC and disks). */
  delete(type: string, id: string): void {
    this.transact({ op: "delete", type, id }, (s) => {
      const r = s.resources[key(id)];
      if (!r) return; // ARM answers 204 for a resource that is gone; azure-native treats it as deleted.
      DELETES[type]?.(s, r);
      delete s.resources[key(id)];
      if (type === "azure-native:resources:ResourceGroup") {
        // ARM deletes what the group holds, disks included: the stack must own no group that holds one.
        for (const k of Object.keys(s.resources)) if (k.startsWith(`${key(id)}/`)) delete s.resources[k];
      }
    });
  }

  /** GET of a disk (the `compute:getDisk` invoke). Throws ARM's not-found errors. */
  getDisk(resourceGroupName: string, diskName: string): TwinResource {
    const id = this.idOf("azure-native:compute:Disk", { resourceGroupName, diskName });
    return this.transact({ op: "get", type: "azure-native:compute:Disk", id }, (s) => {
      if (!s.resources[key(groupOf(id))]) throw new ArmError("groupMissing", "ResourceGroupNotFound", `Resource group '${resourceGroupName}' could not be found.`);
      const disk = s.resources[key(id)];
      if (!disk) throw new ArmError("referenceMissing", "ResourceNotFound", `The Resource 'Microsoft.Compute/disks/${diskName}' under resource group '${resourceGroupName}' was not found.`);
      return disk;
    });
  }

  /**
   * Runs a run command's script (a PUT runs it), failing when a `run` fault matches. What a script
   * does to Windows lives on the VM's OS disk: the run is recorded there too (`guestSteps`, the
   * command's name and parameters), so that it outlives the VM and its run commands (destroy + up).
   */
  runScript(id: string): void {
    this.transact({ op: "run", type: "azure-native:compute:VirtualMachineRunCommandByVirtualMachine", id }, (s) => {
      const r = s.resources[key(id)];
      if (!r) return;
      r.runs = (r.runs ?? 0) + 1;
      const vmId = key(id.replace(/\/runCommands\/[^/]+$/i, ""));
      const os = Object.values(s.resources).find((d) => d.type === "azure-native:compute:Disk" && key(d.managedBy ?? "") === vmId && d.properties.role === "os");
      if (os) os.properties.guestSteps = [...arr(os.properties.guestSteps), { name: r.name, parameters: r.properties.parameters ?? [] }];
    });
  }

  /** The run commands that ran on the Windows of `vmId`'s OS disk, in order (see {@link runScript}). */
  guestSteps(vmId: string): { name: string; parameters: { name: string; value: unknown }[] }[] {
    const os = this.list("azure-native:compute:Disk").find((d) => key(d.managedBy ?? "") === key(vmId) && d.properties.role === "os");
    return arr(os?.properties.guestSteps) as { name: string; parameters: { name: string; value: unknown }[] }[];
  }

  // ---- What tests and `npm run rehearse` do to the subscription between deployments ----

  /** Creates a resource group outside the stack (the disk resource group). */
  seedGroup(name: string, location: string, tags: Record<string, string> = {}): void {
    const s = this.state();
    const id = `/subscriptions/${s.subscriptionId}/resourceGroups/${name}`;
    s.resources[key(id)] = { id, type: "azure-native:resources:ResourceGroup", name, properties: { resourceGroupName: name, location, tags } };
    saveState(this.file, s);
  }

  /** Creates a managed disk outside the stack (an existing lab's disk). */
  seedDisk(group: string, name: string, opts: { generation?: 1 | 2; trustedLaunch?: boolean } = {}): void {
    const s = this.state();
    const id = `/subscriptions/${s.subscriptionId}/resourceGroups/${group}/providers/Microsoft.Compute/disks/${name}`;
    s.resources[key(id)] = {
      id, type: "azure-native:compute:Disk", name, hyperVGeneration: opts.generation === 2 ? "V2" : "V1",
      properties: { resourceGroupName: group, diskName: name, sku: { name: "StandardSSD_LRS" }, ...(opts.trustedLaunch ? { securityProfile: { securityType: "TrustedLaunch" } } : {}) },
    };
    saveState(this.file, s);
  }

  /** Deallocates every VM (auto-shutdown in the evening, `npm run lab -- stop`). Returns their names. */
  deallocateAll(): string[] {
    return this.setPower(() => true, "deallocated");
  }

  /** Starts the named VMs (all when `names` is absent). Returns their names. */
  start(names?: readonly string[]): string[] {
    const wanted = names?.map((n) => n.toLowerCase());
    return this.setPower((r) => !wanted || wanted.includes(r.name.toLowerCase()), "running");
  }

  private setPower(pick: (r: TwinResource) => boolean, power: "running" | "deallocated"): string[] {
    const s = this.state();
    const vms = Object.values(s.resources).filter((r) => r.type === "azure-native:compute:VirtualMachine" && pick(r));
    for (const vm of vms) vm.powerState = power;
    saveState(this.file, s);
    return vms.map((v) => v.name);
  }

  /** Sets one VM's power state (the acceptance run's deallocate, `npm run lab` stop and start). */
  setPowerOf(id: string, power: "running" | "deallocated"): void {
    const s = this.state();
    const vm = s.resources[key(id)];
    if (vm) vm.powerState = power;
    saveState(this.file, s);
  }

  /** Changes a disk's type and tags (a type conversion, as `npm run lab -- park` asks of ARM). */
  setDisk(id: string, sku: string, tags: Record<string, string>): void {
    const s = this.state();
    const d = s.resources[key(id)];
    if (d) d.properties = { ...d.properties, sku: { name: sku }, tags };
    saveState(this.file, s);
  }

  /** Adds failures on request. */
  addFaults(...faults: TwinFault[]): void {
    const s = this.state();
    s.faults.push(...faults);
    saveState(this.file, s);
  }

  /** The calls answered so far. */
  calls(): TwinCall[] {
    return this.state().calls;
  }
}

/** The inputs with secret values replaced: the state file is test material, never a secret store. */
function redact(v: Record<string, unknown>): Record<string, unknown> {
  const walk = (x: unknown, k = ""): unknown => {
    if (SECRET_KEYS.test(k) && x !== undefined) return "[secret]";
    if (Array.isArray(x)) return x.map((e) => walk(e));
    if (x !== null && typeof x === "object") return Object.fromEntries(Object.entries(x).map(([kk, vv]) => [kk, walk(vv, kk)]));
    return x;
  };
  return walk(v) as Record<string, unknown>;
}

// ---- The checks ARM makes, per type ----

type Check = (s: TwinState, r: TwinResource, existing: TwinResource | undefined, inputs: Record<string, unknown>) => void;

const ofType = (s: TwinState, type: string) => Object.values(s.resources).filter((r) => r.type === `azure-native:${type}`);

/** The IP configurations that use a subnet (NICs, the VPN gateway), by subnet ID. */
function subnetUsers(s: TwinState, subnetId: string): string[] {
  const users: string[] = [];
  for (const r of [...ofType(s, "network:NetworkInterface"), ...ofType(s, "network:VirtualNetworkGateway")]) {
    for (const ipc of arr(r.properties.ipConfigurations)) if (key(idOf(obj(ipc).subnet) ?? "") === key(subnetId)) users.push(r.id);
  }
  return users;
}

const cidr = (text: string) => new Address4(text);
const overlaps = (a: string, b: string) => {
  const x = cidr(a);
  const y = cidr(b);
  return x.isInSubnet(y) || y.isInSubnet(x);
};

const CHECKS: Record<string, Check> = {
  "azure-native:network:VirtualNetwork": (s, r) => {
    const spaces = arr(obj(r.properties.addressSpace).addressPrefixes).map(String);
    for (const sub of ofType(s, "network:Subnet").filter((x) => key(parentOf(parentOf(x.id))) === key(r.id) || key(x.id).startsWith(`${key(r.id)}/subnets/`))) {
      const prefix = String(sub.properties.addressPrefix);
      if (!spaces.some((sp) => cidr(prefix).isInSubnet(cidr(sp)))) refuse("subnetOutsideVnet", `subnet ${sub.name} (${prefix}) would lie outside the address space of ${r.name} (${spaces.join(", ")})`);
    }
  },
  "azure-native:network:Subnet": (s, r, existing) => {
    const vnetId = r.id.replace(/\/subnets\/[^/]+$/, "");
    const vnet = s.resources[key(vnetId)];
    if (!vnet) refuse("parentMissing", `virtual network ${vnetId} was not found`);
    const prefix = String(r.properties.addressPrefix);
    const spaces = arr(obj(vnet.properties.addressSpace).addressPrefixes).map(String);
    if (!spaces.some((sp) => cidr(prefix).isInSubnet(cidr(sp)))) refuse("subnetOutsideVnet", `subnet ${r.name} (${prefix}) is outside the address space of ${vnet.name} (${spaces.join(", ")})`);
    for (const other of ofType(s, "network:Subnet")) {
      if (key(other.id) !== key(r.id) && key(other.id).startsWith(`${key(vnetId)}/`) && overlaps(prefix, String(other.properties.addressPrefix))) {
        refuse("subnetOverlap", `subnet ${r.name} (${prefix}) overlaps subnet ${other.name} (${String(other.properties.addressPrefix)})`);
      }
    }
    if (existing && String(existing.properties.addressPrefix) !== prefix) {
      const users = subnetUsers(s, r.id);
      if (users.length > 0) refuse("subnetPrefixInUse", `subnet ${r.name} changes from ${String(existing.properties.addressPrefix)} to ${prefix} while in use by ${users.join(", ")}`);
    }
    const nsg = idOf(r.properties.networkSecurityGroup);
    if (nsg && !s.resources[key(nsg)]) refuse("referenceMissing", `network security group ${nsg} was not found`);
  },
  "azure-native:network:NetworkInterface": (s, r, existing) => {
    if (existing?.properties.virtualMachine) r.properties.virtualMachine = existing.properties.virtualMachine;
    for (const ipc of arr(r.properties.ipConfigurations).map(obj)) {
      const subnetId = idOf(ipc.subnet);
      const subnet = subnetId ? s.resources[key(subnetId)] : undefined;
      if (!subnet) refuse("referenceMissing", `subnet ${subnetId ?? "(none)"} referenced by ${r.id} was not found`);
      for (const pool of arr(ipc.loadBalancerBackendAddressPools)) {
        const lb = (idOf(pool) ?? "").replace(/\/backendAddressPools\/[^/]+$/i, "");
        if (!s.resources[key(lb)]) refuse("referenceMissing", `load balancer ${lb} referenced by ${r.id} was not found`);
      }
      const ip = str(ipc.privateIPAddress);
      if (ip && ipc.privateIPAllocationMethod === "Static") {
        const range = cidr(String(subnet.properties.addressPrefix));
        const reserved = [0, 1, 2, 3].map((n) => range.startAddress().bigInt() + BigInt(n)).concat([range.endAddress().bigInt()]);
        const addr = new Address4(ip);
        if (!addr.isInSubnet(range) || reserved.includes(addr.bigInt())) refuse("privateIpOutsideSubnet", `${ip} is not a usable address of subnet ${subnet.name} (${range.address})`);
        for (const other of ofType(s, "network:NetworkInterface")) {
          if (key(other.id) === key(r.id)) continue;
          for (const o of arr(other.properties.ipConfigurations).map(obj)) {
            if (key(idOf(o.subnet) ?? "") === key(subnetId!) && o.privateIPAddress === ip) refuse("privateIpInUse", `${ip} in subnet ${subnet.name} is held by ${other.id}`);
          }
        }
      }
    }
  },
  "azure-native:network:PublicIPAddress": (s, r) => {
    const label = str(obj(r.properties.dnsSettings).domainNameLabel);
    if (!label) return;
    const loc = str(r.properties.location)?.toLowerCase();
    for (const other of ofType(s, "network:PublicIPAddress")) {
      if (key(other.id) !== key(r.id) && str(obj(other.properties.dnsSettings).domainNameLabel)?.toLowerCase() === label.toLowerCase() && str(other.properties.location)?.toLowerCase() === loc) {
        refuse("dnsLabelInUse", `DNS label '${label}' in ${loc} is held by ${other.id}`);
      }
    }
  },
  "azure-native:network:VirtualNetworkGateway": (s, r) => {
    for (const ipc of arr(r.properties.ipConfigurations).map(obj)) {
      const subnetId = idOf(ipc.subnet) ?? "";
      if (!s.resources[key(subnetId)]) refuse("referenceMissing", `subnet ${subnetId} referenced by ${r.id} was not found`);
      if (!/\/subnets\/GatewaySubnet$/i.test(subnetId)) refuse("gatewaySubnetName", `${r.name}'s IP configuration is in ${subnetId}, not in GatewaySubnet`);
    }
  },
  "azure-native:network:LocalNetworkGateway": (_s, r, existing) => {
    if (!existing) return;
    const kind = (p: Record<string, unknown>) => (p.fqdn ? "fqdn" : "ip");
    if (kind(existing.properties) !== kind(r.properties)) refuse("localGatewayEndpointKind", `${r.name} would switch from its ${kind(existing.properties)} endpoint to ${kind(r.properties)}`);
  },
  "azure-native:compute:VirtualMachine": (s, r, existing, inputs) => {
    const vmId = r.id;
    for (const nicRef of arr(obj(r.properties.networkProfile).networkInterfaces)) {
      const nic = s.resources[key(idOf(nicRef) ?? "")];
      if (!nic) refuse("referenceMissing", `network interface ${idOf(nicRef) ?? "(none)"} was not found`);
      const holder = str(nic.properties.virtualMachine);
      if (holder && key(holder) !== key(vmId)) refuse("nicSecondVm", `network interface ${nic.id} is used by existing VM ${holder}`);
    }
    const storage = obj(r.properties.storageProfile);
    const os = obj(storage.osDisk);
    const group = groupOf(vmId);
    const disks: { disk: TwinResource; lun?: number }[] = [];
    let osDisk: TwinResource | undefined;
    if (existing) {
      osDisk = Object.values(s.resources).find((d) => d.type === "azure-native:compute:Disk" && key(d.managedBy ?? "") === key(vmId) && d.properties.role === "os");
    } else if (os.createOption === "FromImage") {
      const diskId = `${group}/providers/Microsoft.Compute/disks/${String(os.name)}`;
      if (s.resources[key(diskId)]) refuse("diskExistsFromImage", `Disk ${String(os.name)} already exists in resource group ${group.split("/").pop()!}. Only CreateOption.Attach is supported.`);
      const image = obj(storage.imageReference);
      const gen2 = /-g2$|gen2|win11|windows-11/i.test(`${String(image.sku)} ${String(image.offer)}`);
      osDisk = { id: diskId, type: "azure-native:compute:Disk", name: String(os.name), hyperVGeneration: gen2 ? "V2" : "V1", properties: { resourceGroupName: group.split("/").pop(), diskName: os.name, role: "os", createdFrom: image, sku: { name: String(obj(os.managedDisk).storageAccountType ?? "StandardSSD_LRS") }, ...(inputs.securityProfile ? { securityProfile: { securityType: "TrustedLaunch" } } : {}) } };
      s.resources[key(diskId)] = osDisk;
    } else {
      const diskId = idOf(os.managedDisk) ?? "";
      osDisk = s.resources[key(diskId)];
      if (!osDisk) refuse("diskMissing", `disk ${diskId} was not found`);
    }
    if (osDisk) disks.push({ disk: osDisk });
    for (const dd of arr(storage.dataDisks).map(obj)) {
      const diskId = idOf(dd.managedDisk) ?? "";
      const disk = s.resources[key(diskId)];
      if (!disk) refuse("diskMissing", `data disk ${diskId} was not found`);
      disks.push({ disk, lun: Number(dd.lun) });
    }
    for (const { disk } of disks) {
      if (disk.managedBy && key(disk.managedBy) !== key(vmId)) refuse("diskSecondVm", `disk ${disk.name} is already attached to VM ${disk.managedBy}`);
    }
    if (existing) {
      for (const { disk, lun } of disks) {
        const was = arr(obj(existing.properties.storageProfile).dataDisks).map(obj).find((d) => key(idOf(d.managedDisk) ?? "") === key(disk.id));
        if (was && lun !== undefined && Number(was.lun) !== lun) refuse("lunMoved", `data disk ${disk.name} moves from LUN ${String(was.lun)} to LUN ${lun} in one request; first detach all data disks`);
      }
    }
    const sizeName = String(obj(r.properties.hardwareProfile).vmSize);
    const size = findSize(sizeName);
    if (size && osDisk) {
      const gen = osDisk.hyperVGeneration ?? "V1";
      if ((gen === "V1" && !size.generation1) || (gen === "V2" && size.generation2 === false)) refuse("generation", `The selected VM size '${sizeName}' cannot boot Hypervisor Generation '${gen === "V1" ? 1 : 2}'.`);
    }
    if (existing) {
      const before = findSize(String(obj(existing.properties.hardwareProfile).vmSize));
      if (before && size && before.name !== size.name) {
        const nvme = (z: typeof size) => (z.diskControllers ?? ["SCSI"]).includes("SCSI") ? "scsi" : "nvme";
        if (Boolean(before.tempDisk) !== Boolean(size.tempDisk) || nvme(before) !== nvme(size)) refuse("resizeTempDisk", `${r.name} cannot be resized from ${before.name} to ${size.name} (temp disk or disk controller differ)`);
      }
    }
    // Attach: the NICs and disks now belong to this VM; a detached data disk is freed.
    for (const nicRef of arr(obj(r.properties.networkProfile).networkInterfaces)) s.resources[key(idOf(nicRef)!)].properties.virtualMachine = vmId;
    for (const d of Object.values(s.resources)) if (d.type === "azure-native:compute:Disk" && key(d.managedBy ?? "") === key(vmId) && !disks.some((x) => x.disk === d)) delete d.managedBy;
    for (const { disk, lun } of disks) {
      disk.managedBy = vmId;
      disk.properties.role = lun === undefined ? "os" : "data";
    }
    r.powerState = existing?.powerState ?? "running";
  },
  "azure-native:compute:VirtualMachineRunCommandByVirtualMachine": (s, r) => {
    const vmId = r.id.replace(/\/runCommands\/[^/]+$/, "");
    const vm = s.resources[key(vmId)];
    if (!vm) refuse("parentMissing", `virtual machine ${vmId} was not found`);
    if (vm.powerState === "deallocated") refuse("runCommandDeallocated", `Cannot modify extensions in the VM when the VM is not running (${vm.name} is deallocated; run command ${r.name})`);
  },
  "azure-native:devtestlab:GlobalSchedule": (s, r) => {
    const target = str(r.properties.targetResourceId) ?? "";
    if (!s.resources[key(target)]) refuse("referenceMissing", `schedule ${r.name}'s target ${target} was not found`);
  },
};

type Delete = (s: TwinState, r: TwinResource) => void;

const DELETES: Record<string, Delete> = {
  "azure-native:network:NetworkInterface": (_s, r) => {
    const vm = str(r.properties.virtualMachine);
    if (vm) refuse("nicDeleteAttached", `Network Interface ${r.id} is used by existing VM ${vm}.`);
  },
  "azure-native:network:Subnet": (s, r) => {
    const users = subnetUsers(s, r.id);
    if (users.length > 0) refuse("subnetDeleteInUse", `Subnet ${r.name} is in use by ${users.join(", ")} and cannot be deleted.`);
  },
  "azure-native:network:NetworkSecurityGroup": (s, r) => {
    const user = ofType(s, "network:Subnet").find((x) => key(idOf(x.properties.networkSecurityGroup) ?? "") === key(r.id));
    if (user) refuse("nsgInUse", `Network security group ${r.id} cannot be deleted because it is in use by subnet ${user.id}.`);
  },
  "azure-native:network:PublicIPAddress": (s, r) => {
    const holders = [...ofType(s, "network:LoadBalancer"), ...ofType(s, "network:VirtualNetworkGateway")].filter((h) =>
      JSON.stringify(h.properties).toLowerCase().includes(`"${key(r.id)}"`));
    if (holders.length > 0) refuse("publicIpInUse", `Public IP address ${r.id} can not be deleted since it is still allocated to resource ${holders[0].id}.`);
  },
  "azure-native:compute:VirtualMachine": (s, r) => {
    for (const x of Object.values(s.resources)) {
      if (x.type === "azure-native:network:NetworkInterface" && key(str(x.properties.virtualMachine) ?? "") === key(r.id)) delete x.properties.virtualMachine;
      if (x.type === "azure-native:compute:Disk" && key(x.managedBy ?? "") === key(r.id)) delete x.managedBy;
    }
    // Run commands are child resources: ARM deletes them with the VM.
    for (const k of Object.keys(s.resources)) if (k.startsWith(`${key(r.id)}/runcommands/`)) delete s.resources[k];
  },
  "azure-native:compute:VirtualMachineRunCommandByVirtualMachine": (s, r) => {
    const vm = s.resources[key(r.id.replace(/\/runCommands\/[^/]+$/, ""))];
    if (vm?.powerState === "deallocated") refuse("runCommandDeallocated", `Cannot modify extensions in the VM when the VM is not running (${vm.name} is deallocated; run command ${r.name})`);
  },
};
