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

/** What the fake saw, in order: `start vm`, `deallocate vm`, `instanceView vm`, `runCommand vm`. */
export interface FakeArm {
  endpoint: string;
  ca: string;
  vms: Map<string, FakeVm>;
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
}

let pems: Promise<{ cert: string; private: string }> | undefined;

/** Starts the fake on 127.0.0.1 with the given VMs (all running, agent Ready, script passing unless said). */
export async function startFakeArm(vms: Record<string, Partial<FakeVm>>): Promise<FakeArm> {
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
    calls: [],
    runCommands: new Map(),
    authorizations: new Set(),
    groups: new Set(),
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
      const m = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Compute\/virtualMachines\/([^/]+)(?:\/(start|deallocate|instanceView|runCommands\/[^/]+))?$/.exec(url.pathname);
      const vm = m ? state.get(m[1]) : undefined;
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
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake.endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
