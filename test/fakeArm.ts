// A small fake of the Azure Resource Manager calls `npm run lab` makes, on 127.0.0.1 only, over
// HTTPS (the SDK's bearer-token policy refuses plain HTTP) with a throwaway self-signed certificate.
import * as https from "https";
import { AddressInfo } from "net";
import { generate } from "selfsigned";

/** One fake VM. */
export interface FakeVm {
  power: "running" | "deallocated" | "stopped";
  agentReady: boolean;
  /** Exit code of the readiness script on this VM, and what it prints. */
  readyExitCode: number;
  readyOutput: string;
  /** An ARM error answered to start/deallocate, if set. */
  fail?: { status: number; code: string; message: string };
}

/** One fake managed disk. Its `diskState` follows its VM: Attached while it runs, Reserved when not, Unattached without one. */
export interface FakeDisk {
  sku: string;
  tags: Record<string, string>;
  /** The VM holding it (a name of `vms`), if any. */
  managedBy?: string;
  /** Resource group (default: the one asked for). */
  group?: string;
  /** Type changes so far; Azure's third in a day is refused as below. */
  conversions: number;
  /** An ARM error answered to a PATCH, if set. */
  fail?: { status: number; code: string; message: string };
}

/** What the fake saw, in order: `start vm`, `deallocate vm`, `instanceView vm`, `runCommand vm`,
 * `getDisk disk`, `patchDisk disk <sku or tags>`. */
export interface FakeArm {
  endpoint: string;
  ca: string;
  vms: Map<string, FakeVm>;
  disks: Map<string, FakeDisk>;
  calls: string[];
  /** Bodies of the run command PUTs, by VM. */
  runCommands: Map<string, { properties: Record<string, unknown> }>;
  /** Authorization headers seen. */
  authorizations: Set<string>;
  /** Each VM addressed, as `<vm>@<resource group>`. */
  groups: Set<string>;
  /** What Subscriptions - List answers (`GET /subscriptions`). */
  subscriptions: { subscriptionId: string; displayName: string }[];
  /** Called on every logged call (a test aborts from here). */
  onCall?: (call: string) => void;
  close(): Promise<void>;
  /** Any other ARM resource, by lower-cased path (see {@link serveStored}): what a test seeds, and what PUTs store. */
  resources: Map<string, Record<string, unknown>>;
  /** An ARM error to answer instead, for a stored-resource call (`PUT /subscriptions/...`), if it returns one. */
  refuse?: (call: string) => { status: number; code: string; message: string } | undefined;
  /** What a stored run command's script prints (its instance view's `output`), by its path and script. */
  runCommandOutput?: (pathname: string, script: string) => string | undefined;
}

let pems: Promise<{ cert: string; private: string }> | undefined;

/** Starts the fake on 127.0.0.1 with the given VMs (all running, agent Ready, script passing unless said). */
export async function startFakeArm(vms: Record<string, Partial<FakeVm>>, disks: Record<string, Partial<FakeDisk>> = {}): Promise<FakeArm> {
  pems ??= generate([{ name: "commonName", value: "127.0.0.1" }], {
    keyType: "ec",
    algorithm: "sha256",
    extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
  } as Parameters<typeof generate>[1]);
  const { cert, private: key } = await pems;
  const state = new Map<string, FakeVm>(Object.entries(vms).map(([name, v]) => [name, { power: "running", agentReady: true, readyExitCode: 0, readyOutput: `READY: ${name}`, ...v }]));
  const ops = new Map<string, { polls: number; done: () => void }>();
  let nextOp = 0;
  const fake: FakeArm = {
    endpoint: "",
    ca: cert,
    vms: state,
    disks: new Map(Object.entries(disks).map(([name, d]) => [name, { sku: "Premium_LRS", tags: {}, conversions: 0, ...d }])),
    calls: [],
    runCommands: new Map(),
    authorizations: new Set(),
    groups: new Set(),
    resources: new Map(),
    subscriptions: [{ subscriptionId: "00000000-0000-0000-0000-000000000001", displayName: "Lab subscription" }],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const log = (call: string) => {
    fake.calls.push(call);
    fake.onCall?.(call);
  };

  const server = https.createServer({ key, cert }, (req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      fake.authorizations.add(String(req.headers.authorization));
      const url = new URL(req.url ?? "/", fake.endpoint);
      const send = (status: number, json?: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(json === undefined ? undefined : JSON.stringify(json));
      };
      const longRunning = (status: number, json: unknown, done: () => void) => {
        const id = String(++nextOp);
        ops.set(id, { polls: 0, done });
        send(status, json, { "azure-asyncoperation": `${fake.endpoint}/operations/${id}?api-version=2025-04-01`, location: `${fake.endpoint}/operations/${id}/result?api-version=2025-04-01` });
      };
      const op = /^\/operations\/(\d+)(\/result)?$/.exec(url.pathname);
      if (op) {
        const pending = ops.get(op[1]);
        if (!pending) return send(404, { error: { code: "NotFound", message: "no such operation" } });
        if (op[2]) return send(200, {});
        // One poll in progress, then done: the client's polling loop runs for real.
        if (pending.polls++ === 0) return send(200, { status: "InProgress" });
        pending.done();
        return send(200, { status: "Succeeded" });
      }
      if (req.method === "GET" && url.pathname === "/subscriptions") return send(200, { value: fake.subscriptions });
      const group = /\/resourceGroups\/([^/]+)\//.exec(url.pathname)?.[1];
      const diskMatch = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Compute\/disks\/([^/]+)$/.exec(url.pathname);
      // Disks a test seeds as FakeDisks answer here; others (the acceptance run's) live in the generic store.
      if (diskMatch && !fake.disks.has(diskMatch[1]) && serveStored(fake, req.method ?? "GET", url.pathname, body, send, log)) return;
      if (diskMatch) return diskRequest(diskMatch[1], group ?? "", req.method ?? "GET", body, url.pathname, send, longRunning);
      const m = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Compute\/virtualMachines\/([^/]+)(?:\/(start|deallocate|instanceView|runCommands\/[^/]+))?$/.exec(url.pathname);
      const vm = m ? state.get(m[1]) : undefined;
      if (!vm && serveStored(fake, req.method ?? "GET", url.pathname, body, send, log)) return;
      if (!m || !vm) return send(404, { error: { code: "ResourceNotFound", message: `The Resource '${m?.[1] ?? url.pathname}' was not found.` } });
      const [, name, action = ""] = m;
      fake.groups.add(`${name}@${group}`);
      if (req.method === "POST" && (action === "start" || action === "deallocate")) {
        log(`${action} ${name}`);
        if (vm.fail) return send(vm.fail.status, { error: { code: vm.fail.code, message: vm.fail.message } });
        return longRunning(202, undefined, () => (vm.power = action === "start" ? "running" : "deallocated"));
      }
      if (req.method === "GET" && action === "instanceView") {
        log(`instanceView ${name}`);
        return send(200, {
          statuses: [{ code: "ProvisioningState/succeeded" }, { code: `PowerState/${vm.power}` }],
          vmAgent: { vmAgentVersion: "2.7.41491.1102", statuses: [{ code: "ProvisioningState/succeeded", displayStatus: vm.power === "running" && vm.agentReady ? "Ready" : "Not Ready" }] },
        });
      }
      if (action.startsWith("runCommands/")) {
        const resource = (provisioningState: string) => ({
          id: url.pathname,
          name: action.slice("runCommands/".length),
          location: "westeurope",
          properties: {
            ...fake.runCommands.get(name)?.properties,
            provisioningState,
            instanceView: { executionState: vm.readyExitCode === 0 ? "Succeeded" : "Failed", exitCode: vm.readyExitCode, output: vm.readyOutput },
          },
        });
        if (req.method === "PUT") {
          log(`runCommand ${name}`);
          fake.runCommands.set(name, JSON.parse(body));
          if (vm.power !== "running") return send(409, { error: { code: "OperationNotAllowed", message: "Cannot run a command on a VM that is not running." } });
          if (!vm.agentReady) return send(409, { error: { code: "VMAgentStatusCommunicationError", message: `VM '${name}' has not reported status for VM agent or extensions.` } });
          return longRunning(201, resource("Creating"), () => undefined);
        }
        if (req.method === "GET") return send(200, resource("Succeeded"));
      }
      return send(405, { error: { code: "MethodNotAllowed", message: `${req.method} ${url.pathname}` } });
    });
  });
  /** Managed disks: GET and PATCH (sku, tags), as Microsoft.Compute/disks answers them. */
  function diskRequest(name: string, group: string, method: string, body: string, id: string, send: (status: number, json?: unknown) => void, longRunning: (status: number, json: unknown, done: () => void) => void): void {
    const disk = fake.disks.get(name);
    if (!disk || (disk.group && disk.group !== group)) return send(404, { error: { code: "ResourceNotFound", message: `The Resource 'Microsoft.Compute/disks/${name}' under resource group '${group}' was not found.` } });
    const holder = disk.managedBy ? state.get(disk.managedBy) : undefined;
    const diskState = !holder ? "Unattached" : holder.power === "running" ? "Attached" : "Reserved";
    const resource = () => ({
      id, name, location: "westeurope", sku: { name: disk.sku }, tags: disk.tags,
      ...(disk.managedBy ? { managedBy: `/subscriptions/s/resourceGroups/${group}/providers/Microsoft.Compute/virtualMachines/${disk.managedBy}` } : {}),
      properties: { diskState, diskSizeGB: 128, provisioningState: "Succeeded" },
    });
    if (method === "GET") {
      log(`getDisk ${name}`);
      return send(200, resource());
    }
    if (method === "PATCH") {
      const patch = JSON.parse(body) as { sku?: { name: string }; tags?: Record<string, string> };
      log(`patchDisk ${name} ${patch.sku?.name ?? "tags"}`);
      if (disk.fail) return send(disk.fail.status, { error: { code: disk.fail.code, message: disk.fail.message } });
      const changes = patch.sku && patch.sku.name !== disk.sku;
      if (changes && diskState === "Attached") return send(409, { error: { code: "OperationNotAllowed", message: `Cannot change the SKU of disk '${name}' while it is attached to a running VM.` } });
      if (changes && disk.conversions >= 2) return send(409, { error: { code: "OperationNotAllowed", message: "Disk type can be changed only twice per day." } });
      return longRunning(202, undefined, () => {
        if (changes) disk.conversions++;
        if (patch.sku) disk.sku = patch.sku.name;
        if (patch.tags) disk.tags = patch.tags;
      });
    }
    return send(405, { error: { code: "MethodNotAllowed", message: `${method} ${id}` } });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake.endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/**
 * Resources other than the VMs of `startFakeArm`'s table, kept by lower-cased ARM path: GET answers
 * a stored resource, or lists the stored children of a collection path (`{ value: [...] }`); PUT
 * stores the body (with `id`, `name` and `provisioningState: Succeeded`) and answers it at once
 * (200: no polling); DELETE removes the resource and everything under it (200). Logged as
 * `PUT <path>`. Returns false for a path it does not serve (a GET of nothing stored, no children).
 */
function serveStored(
  fake: FakeArm, method: string, pathname: string, body: string,
  send: (status: number, json?: unknown) => void, log: (call: string) => void,
): boolean {
  const key = pathname.toLowerCase();
  const call = `${method} ${pathname}`;
  const refused = fake.refuse?.(call);
  if (method !== "GET") log(call);
  if (refused) {
    send(refused.status, { error: { code: refused.code, message: refused.message } });
    return true;
  }
  if (method === "PUT") {
    const input = (body ? JSON.parse(body) : {}) as Record<string, unknown>;
    const properties: Record<string, unknown> = { ...(input.properties as Record<string, unknown>), provisioningState: "Succeeded" };
    // A run command runs at each PUT: its script's `exit N` is its exit code.
    if (/\/runcommands\/[^/]+$/.test(key)) {
      const script = String((properties.source as { script?: string } | undefined)?.script);
      const exitCode = Number(/exit (\d+)/.exec(script)?.[1] ?? 0);
      const output = fake.runCommandOutput?.(pathname, script);
      properties.instanceView = { executionState: exitCode === 0 ? "Succeeded" : "Failed", exitCode, startTime: new Date(Date.now() + fake.resources.size).toISOString(), ...(output !== undefined ? { output } : {}) };
    }
    const stored = { ...input, id: pathname, name: pathname.split("/").pop(), properties };
    fake.resources.set(key, stored);
    send(200, stored);
    return true;
  }
  if (method === "DELETE") {
    for (const k of [...fake.resources.keys()]) if (k === key || k.startsWith(`${key}/`)) fake.resources.delete(k);
    send(200);
    return true;
  }
  if (method === "POST") {
    // An action (deallocate, start) on a stored resource: done at once.
    if (!fake.resources.has(key.replace(/\/[a-z]+$/, ""))) return false;
    send(200);
    return true;
  }
  if (method !== "GET") return false;
  const found = fake.resources.get(key);
  if (found) {
    send(200, found);
    return true;
  }
  const children = [...fake.resources.entries()].filter(([k]) => k.startsWith(`${key}/`) && !k.slice(key.length + 1).includes("/")).map(([, v]) => v);
  if (children.length === 0 && !/\/(resourcegroups\/[^/]+\/providers\/[^/]+\/[^/]+)$/.test(key)) return false;
  send(200, { value: children });
  return true;
}
