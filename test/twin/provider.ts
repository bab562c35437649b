/**
 * The Azure twin as a Pulumi resource provider plugin: it registers as `azure-native` (the version
 * the project pins) in a test `PULUMI_HOME`, so that the real Pulumi CLI runs the lab's program
 * against it exactly as against Azure. Requests go to the subscription model of `arm.ts`, whose
 * state file is named by `EXCHANGE_LAB_TWIN_STATE`.
 *
 * The replacement decision is azure-native's (provider/pkg/provider/diff.go and provider.go `Diff`
 * in https://github.com/pulumi/pulumi-azure-native): the old inputs (which the engine sends since
 * CLI 3.74, `DiffRequest.old_inputs`) against the new, a changed URL path parameter or `location`
 * replaces, and a replacement is delete-before-replace (`deleteBeforeReplace := len(replaces) > 0`
 * for named resources). The detailed diff goes back with its property paths, so that the program's
 * `replaceOnChanges` paths work as with azure-native.
 *
 * `@pulumi/pulumi/provider`'s server answers every call but Diff the way the twin needs; its Diff
 * sends neither the changed keys nor a detailed diff (so the engine could not apply
 * `replaceOnChanges`), and hands the provider no old inputs. The twin therefore answers Diff on the
 * gRPC service itself (`withDetailedDiff`).
 */
import * as fs from "fs";
// The same @grpc/grpc-js and generated messages as @pulumi/pulumi/provider's server (one copy in node_modules).
import * as grpc from "@grpc/grpc-js";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import type * as provider from "@pulumi/pulumi/provider";
import { TYPES, TwinArm } from "./arm";
import { ArmError } from "./rules";

/** The azure-native version the project pins: the twin registers as that plugin. */
export const AZURE_NATIVE_VERSION = (JSON.parse(fs.readFileSync(require.resolve("@pulumi/azure-native/package.json"), "utf8")) as { version: string }).version;

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The value with Pulumi's secret wrappers removed (the twin sees what ARM would receive). */
export function unwrap(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unwrap);
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o[SECRET_SIG] !== undefined) return unwrap(o.value);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrap(x)]));
  }
  return v;
}

type Kind = "ADD" | "ADD_REPLACE" | "DELETE" | "DELETE_REPLACE" | "UPDATE" | "UPDATE_REPLACE";

/**
 * azure-native's detailed diff of old against new inputs: property path -> kind. Objects recurse;
 * arrays recurse per index (a longer or shorter array adds or deletes indices); `location` compares
 * without case and spaces. A path is a replace when its top-level key is a path parameter or
 * `location`. Unknown values (preview) count as changed.
 */
export function detailedDiff(type: string, olds: Record<string, unknown>, news: Record<string, unknown>): Record<string, Kind> {
  const replaceKeys = new Set([...(TYPES[type]?.params ?? []), "location"]);
  const out: Record<string, Kind> = {};
  const norm = (s: unknown) => (typeof s === "string" ? s.replace(/\s/g, "").toLowerCase() : s);
  const walk = (a: unknown, b: unknown, at: string, top: string) => {
    const rep = replaceKeys.has(top);
    if (a === undefined && b === undefined) return;
    if (a === undefined) return void (out[at] = rep ? "ADD_REPLACE" : "ADD");
    if (b === undefined) return void (out[at] = rep ? "DELETE_REPLACE" : "DELETE");
    if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], `${at}[${i}]`, top);
      return;
    }
    if (a !== null && b !== null && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`, top);
      return;
    }
    const same = top === "location" && at === "location" ? norm(a) === norm(b) : JSON.stringify(a) === JSON.stringify(b) && b !== UNKNOWN;
    if (!same) out[at] = rep ? "UPDATE_REPLACE" : "UPDATE";
  };
  for (const k of new Set([...Object.keys(olds), ...Object.keys(news)])) {
    if (k.startsWith("__")) continue;
    walk(olds[k], news[k], k, k);
  }
  return out;
}

function armOf(): TwinArm {
  const file = process.env.EXCHANGE_LAB_TWIN_STATE;
  if (!file) throw new Error("EXCHANGE_LAB_TWIN_STATE is not set: the Azure twin needs its state file");
  return new TwinArm(file);
}

const typeOf = (urn: string) => urn.split("::")[2].split("$").pop()!;

/** The address the twin gives a public IP: fixed by its ID (IPv4, 20.x.y.z). */
export function publicIpOf(id: string): string {
  let h = 0;
  for (const c of id.toLowerCase()) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return `20.${(h >>> 16) & 255}.${(h >>> 8) & 255}.${(h & 253) + 1}`;
}

/** Computed outputs azure-native returns besides the inputs (what the program or checks read). */
function computed(type: string, id: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { id, name: id.split("/").pop(), provisioningState: "Succeeded", azureApiVersion: "twin" };
  if (type === "azure-native:network:PublicIPAddress") {
    out.ipAddress = publicIpOf(id);
    const label = (inputs.dnsSettings as Record<string, unknown> | undefined)?.domainNameLabel;
    if (typeof label === "string") out.dnsSettings = { ...(inputs.dnsSettings as object), fqdn: `${label}.${String(inputs.location)}.cloudapp.azure.com` };
  }
  if (type === "azure-native:compute:VirtualMachineRunCommandByVirtualMachine") out.instanceView = { executionState: "Succeeded", exitCode: 0, output: "twin: the script ran" };
  return out;
}

/**
 * Runs a run command's script. A failed script leaves the resource in ARM (provisioningState
 * Failed) and, as azure-native does (crud.go `HandleErrorWithCheckpoint`), in Pulumi's state with an
 * init error: the error carries the ID and properties (`ErrorResourceInitFailed`), so the next
 * `pulumi up` updates it, which sends the same body again.
 */
function runOrCheckpoint(arm: TwinArm, id: string, outs: Record<string, unknown>): void {
  try {
    arm.runScript(id);
  } catch (e) {
    const err = e as Error & { id?: string; properties?: unknown; reasons?: string[] };
    err.id = id;
    err.properties = { ...outs, provisioningState: "Failed" };
    err.reasons = [err.message];
    throw err;
  }
}

/** The provider: CRUD and invokes over the twin's subscription. */
export const twinProvider: provider.Provider = {
  version: AZURE_NATIVE_VERSION,
  async check(_urn, _olds, news) {
    return { inputs: news };
  },
  async create(urn, inputs) {
    const type = typeOf(urn);
    const plain = unwrap(inputs) as Record<string, unknown>;
    const arm = armOf();
    const r = arm.put(type, plain, true);
    const outs = { ...inputs, ...computed(type, r.id, plain) };
    if (type === "azure-native:compute:VirtualMachineRunCommandByVirtualMachine") runOrCheckpoint(arm, r.id, outs);
    return { id: r.id, outs };
  },
  async read(id, urn, props) {
    const r = armOf().get(id);
    if (!r) return { id: "", props: {} };
    return { id, props: { ...props, ...computed(typeOf(urn), id, r.properties), ...(r.powerState ? { powerState: r.powerState } : {}) } };
  },
  async update(id, urn, _olds, news) {
    const type = typeOf(urn);
    const plain = unwrap(news) as Record<string, unknown>;
    const arm = armOf();
    arm.put(type, plain, false);
    const outs = { ...news, ...computed(type, id, plain) };
    if (type === "azure-native:compute:VirtualMachineRunCommandByVirtualMachine") runOrCheckpoint(arm, id, outs);
    return { outs };
  },
  async delete(id, urn) {
    armOf().delete(typeOf(urn), id);
  },
  async invoke(token, inputs) {
    const args = unwrap(inputs) as Record<string, string>;
    const arm = armOf();
    if (token === "azure-native:authorization:getClientConfig") {
      return { outputs: { subscriptionId: arm.idOf("azure-native:resources:ResourceGroup", { resourceGroupName: "x" }).split("/")[2], tenantId: "00000000-0000-0000-0000-00000000face", clientId: "twin", objectId: "twin" } };
    }
    if (token === "azure-native:compute:getDisk") {
      const d = arm.getDisk(args.resourceGroupName, args.diskName);
      // A struct holds no undefined (gRPC refuses it): an unattached disk has no managedBy at all, as in ARM's JSON.
      return {
        outputs: JSON.parse(JSON.stringify({
          id: d.id, name: d.name, managedBy: d.managedBy, hyperVGeneration: d.hyperVGeneration,
          sku: (d.properties.sku as object | undefined) ?? { name: "StandardSSD_LRS" }, tags: d.properties.tags ?? {},
          ...(d.properties.securityProfile ? { securityProfile: d.properties.securityProfile } : {}),
          location: "twin", diskSizeGB: 127, azureApiVersion: "twin",
        })) as Record<string, unknown>,
      };
    }
    if (token === "azure-native:network:getNetworkInterface") {
      const id = arm.idOf("azure-native:network:NetworkInterface", { resourceGroupName: args.resourceGroupName, networkInterfaceName: args.networkInterfaceName });
      const nic = arm.get(id);
      if (!nic) throw new Error(`ResourceNotFound: The Resource 'Microsoft.Network/networkInterfaces/${args.networkInterfaceName}' under resource group '${args.resourceGroupName}' was not found.`);
      return { outputs: JSON.parse(JSON.stringify({ id: nic.id, name: nic.name, ipConfigurations: nic.properties.ipConfigurations, virtualMachine: nic.properties.virtualMachine ? { id: nic.properties.virtualMachine } : undefined, azureApiVersion: "twin" })) as Record<string, unknown> };
    }
    throw new Error(`the Azure twin does not model the function ${token}`);
  },
};

/**
 * Replaces the Diff handler of the provider's gRPC service with azure-native's rules (see the file
 * comment). Must run before `main` registers the service.
 */
function withDetailedDiff(): void {
  const addService = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (service, implementation) {
    const impl = implementation as Record<string, unknown>;
    impl.diff = (call: grpc.ServerUnaryCall<proto.DiffRequest, proto.DiffResponse>, callback: grpc.sendUnaryData<proto.DiffResponse>) => {
      try {
        const req = call.request;
        const type = typeOf(req.getUrn());
        const oldInputs = unwrap(req.getOldInputs()?.toJavaScript() ?? {}) as Record<string, unknown>;
        const news = unwrap(req.getNews()?.toJavaScript() ?? {}) as Record<string, unknown>;
        const detail = detailedDiff(type, oldInputs, news);
        const resp = new proto.DiffResponse();
        const paths = Object.keys(detail);
        const replaces = [...new Set(paths.filter((p) => detail[p].endsWith("REPLACE")).map((p) => p.split(/[.[]/)[0]))];
        resp.setChanges(paths.length > 0 ? proto.DiffResponse.DiffChanges.DIFF_SOME : proto.DiffResponse.DiffChanges.DIFF_NONE);
        resp.setReplacesList(replaces);
        resp.setDiffsList([...new Set(paths.map((p) => p.split(/[.[]/)[0]))]);
        resp.setDeletebeforereplace(replaces.length > 0);
        resp.setHasdetaileddiff(true);
        const map = resp.getDetaileddiffMap();
        for (const [p, kind] of Object.entries(detail)) {
          const d = new proto.PropertyDiff();
          d.setKind(proto.PropertyDiff.Kind[kind]);
          d.setInputdiff(true);
          map.set(p, d);
        }
        callback(null, resp);
      } catch (e) {
        callback(e as grpc.ServiceError);
      }
    };
    return addService.call(this, service, implementation);
  };
}

/** The plugin's entry: serves the provider to the engine. ARM's refusals reach the engine as errors. */
export async function serve(args: string[]): Promise<void> {
  withDetailedDiff();
  const { main } = await import("@pulumi/pulumi/provider");
  await main(twinProvider, args);
}

if (require.main === module) {
  void serve(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e instanceof ArmError ? e.message : e);
    process.exit(1);
  });
}
