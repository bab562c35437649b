/**
 * The checks of the acceptance run: what Azure says (through {@link ArmPort}) and what a TCP
 * connect from the user's machine sees, each written down as evidence for a question of
 * `report.ts`. A check that finds a wrong answer records `fail` and lets the run go on; only
 * an error reaching Azure itself stops the run (and the cleanup follows).
 *
 * Sources:
 * - Managed Run Command (create or update, instance view with `startTime`, `exitCode`):
 *   https://learn.microsoft.com/azure/virtual-machines/windows/run-command-managed and
 *   https://learn.microsoft.com/rest/api/compute/virtual-machine-run-commands/create-or-update.
 * - A Windows image has nothing listening on 443: the run starts a listener through a scheduled
 *   task (it outlives the run command), https://learn.microsoft.com/powershell/module/scheduledtasks/register-scheduledtask.
 */
import { AcceptanceLab, AcceptanceVm } from "./lab";
import { ArmPort, Ports, ResourceTiming, StackPort, TcpResult } from "./ports";
import { Answer, QuestionId, RoleStepRecord } from "./report";

/** The answers so far, by question. */
export type Answers = Map<QuestionId, Omit<Answer, "id" | "question">>;

/** How long the checks wait. */
export interface CheckTimeouts {
  /** One TCP connect, in milliseconds. */
  connectMs: number;
  /** How long a port may take to answer after `pulumi up` (Windows' first boot), in milliseconds. */
  bootMs: number;
  /** Pause between two tries, in milliseconds. */
  retryMs: number;
}

/** 10 s a connect; 15 minutes for a fresh image to boot and serve RDP; a try every 15 s. */
export const DEFAULT_TIMEOUTS: CheckTimeouts = { connectMs: 10_000, bootMs: 15 * 60_000, retryMs: 15_000 };

/** The run's state, shared by the steps. */
export interface RunContext {
  ports: Ports;
  lab: AcceptanceLab;
  subscriptionId: string;
  answers: Answers;
  signal: AbortSignal;
  timeouts: CheckTimeouts;
  stack?: StackPort;
  /** Shows a line of progress under the current step (the engine's output as it comes). */
  progress?: (line: string) => void;
  /** Before destroy: each VM's private address and OS disk ID, by VM name. */
  beforeDestroy?: Map<string, { privateIp: string; osDiskId: string }>;
  /** Resource groups of the run's names that existed before it: never deleted, never listed as its leftovers. */
  foreign?: ReadonlySet<string>;
  /** Every resource step of the run's ups, with the phase it belonged to (`first up`, ...). */
  timings: (ResourceTiming & { phase: string })[];
  /** With `--with-roles`: the plan's role steps (what the first up should run), and what was seen of each. */
  roleStepPlan?: { vm: string; id: string; minutes: number }[];
  roleSteps: RoleStepRecord[];
}

/** Adds evidence to a question; a `fail` stays a fail, `pass` only where nothing failed. */
export function note(answers: Answers, id: QuestionId, ok: boolean, ...evidence: string[]): void {
  const prior = answers.get(id);
  const status = prior?.status === "fail" || !ok ? "fail" : "pass";
  answers.set(id, { status, evidence: [...(prior?.evidence ?? []), ...evidence] });
}

/** Tries a TCP connect until it succeeds or the deadline passes. */
export async function probeUntil(ports: Ports, host: string, port: number, t: CheckTimeouts, signal: AbortSignal): Promise<TcpResult & { tries: number; waitedS: number }> {
  const start = ports.clock.now();
  let tries = 0;
  for (;;) {
    tries++;
    const result = await ports.tcp(host, port, t.connectMs);
    const waitedS = Math.round((ports.clock.now() - start) / 1000);
    if (result.ok || ports.clock.now() - start + t.retryMs > t.bootMs || signal.aborted) return { ...result, tries, waitedS };
    await ports.clock.sleep(t.retryMs, signal);
  }
}

/** The VM of an Image row lives in the disk resource group (see README, "Building from an image"). */
async function vmAndNic(arm: ArmPort, lab: AcceptanceLab, vm: AcceptanceVm) {
  const found = await arm.vm(lab.diskResourceGroup, vm.name);
  if (!found) return undefined;
  return { vm: found, nic: await arm.nic(found.nicIds[0]) };
}

/** The lab's public IP, from the stack's outputs. */
async function publicIpOf(ctx: RunContext): Promise<string> {
  const outputs = await ctx.stack!.outputs();
  const ip = outputs.publicIp;
  if (typeof ip !== "string" || ip === "") throw new Error("the stack has no publicIp output");
  return ip;
}

/**
 * Load balancer: each VM's NIC sits in a backend pool, each published port has its rule and no
 * removed port keeps one, and the RDP port of each VM (and 443 where published) answers a TCP
 * connect from this machine.
 */
export async function checkEndpoints(ctx: RunContext, vms: readonly AcceptanceVm[], removed: readonly number[], phase: string): Promise<void> {
  const { arm } = ctx.ports;
  const lab = ctx.lab;
  const host = await publicIpOf(ctx);
  const rules = (await arm.loadBalancers(lab.resourceGroup)).flatMap((lb) => lb.rules);
  for (const vm of vms) {
    const found = await vmAndNic(arm, lab, vm);
    note(ctx.answers, "lbPools", !!found && found.nic.backendPools.length > 0, `${phase}: ${vm.name}'s NIC is in ${found?.nic.backendPools.length ?? 0} backend pool(s)/NAT rule(s)${found ? "" : " (VM not found)"}`);
    for (const port of vm.endpoints) note(ctx.answers, "lbPools", rules.includes(`${port}->${port}`), `${phase}: rule ${port}->${port} ${rules.includes(`${port}->${port}`) ? "present" : "missing"}`);
    if (vm.endpoints.includes(443)) await startListener(ctx, vm, 443);
    for (const port of [vm.rdpPort, ...vm.endpoints.filter((p) => p === 443)]) {
      const r = await probeUntil(ctx.ports, host, port, ctx.timeouts, ctx.signal);
      note(ctx.answers, "lbPools", r.ok, `${phase}: TCP ${host}:${port} (${vm.name}) ${r.ok ? `connected in ${r.ms} ms` : `failed (${r.error})`} after ${r.tries} tries over ${r.waitedS} s`);
    }
  }
  for (const port of removed) note(ctx.answers, "lbPools", !rules.includes(`${port}->${port}`), `${phase}: rule ${port}->${port} ${rules.includes(`${port}->${port}`) ? "still present after its endpoint was removed" : "gone after its endpoint was removed"}`);
}

/** PowerShell, encoded as `-EncodedCommand` wants it (UTF-16LE, base64). */
function encoded(script: string): string {
  return Buffer.from(script, "utf16le").toString("base64");
}

/** A TCP listener on `port` in the VM (firewall opened), as a scheduled task running as SYSTEM. */
export function listenerScript(port: number): string {
  const listen = `$l=[Net.Sockets.TcpListener]::new([Net.IPAddress]::Any,${port});$l.Start();while($true){$l.AcceptTcpClient().Close()}`;
  return [
    `New-NetFirewallRule -DisplayName 'exchange-lab acceptance ${port}' -Direction Inbound -Protocol TCP -LocalPort ${port} -Action Allow | Out-Null`,
    `$a = New-ScheduledTaskAction -Execute 'powershell.exe' -Argument '-NoProfile -EncodedCommand ${encoded(listen)}'`,
    `Register-ScheduledTask -TaskName 'exchange-lab-acceptance-${port}' -Action $a -User 'SYSTEM' -RunLevel Highest -Force | Out-Null`,
    `Start-ScheduledTask -TaskName 'exchange-lab-acceptance-${port}'`,
  ].join("\n");
}

async function startListener(ctx: RunContext, vm: AcceptanceVm, port: number): Promise<void> {
  // A listener that cannot be started is a finding of this question (the probe then fails), not a stop.
  const started = await attempt(() => ctx.ports.arm.putRunCommand(ctx.lab.diskResourceGroup, vm.name, `exchange-lab-acceptance-listen-${port}`, listenerScript(port), ctx.lab.region));
  const info = started.ok ? started.value : undefined;
  note(ctx.answers, "lbPools", !!info && info.exitCode === 0, `listener on ${vm.name}:${port} by a run command: ${info ? `${info.executionState ?? "unknown"}, exit ${info.exitCode ?? "none"}` : `refused: ${(started as { error: string }).error}`}`);
}

/** With the VPN: the gateway's FQDN resolves to its address, and the connection's state. */
export async function checkGateway(ctx: RunContext): Promise<void> {
  const { arm } = ctx.ports;
  if (!ctx.lab.withVpn) {
    ctx.answers.set("gatewayDns", { status: "not run", evidence: ["run with --with-vpn (about 45 minutes more for the gateway, and its price an hour)"] });
    return;
  }
  // The name the DrayTek dials is the stack's gatewayFqdn output (worked out from the DNS label
  // without a scope); Azure's own name for the address is the public IP's dnsSettings.fqdn.
  const outputs = await ctx.stack!.outputs();
  const dialled = typeof outputs.gatewayFqdn === "string" ? outputs.gatewayFqdn : undefined;
  const ips = await arm.publicIps(ctx.lab.resourceGroup);
  const gatewayIp = ips.find((p) => p.fqdn !== undefined && p.fqdn.toLowerCase() === dialled?.toLowerCase());
  if (!dialled || !gatewayIp) {
    note(ctx.answers, "gatewayDns", false, `the stack's gatewayFqdn is ${dialled ?? "missing"}; Azure's public IP names: ${ips.map((p) => p.fqdn ?? `${p.name} (none)`).join(", ") || "none"}`);
  } else {
    let resolved: string[] = [];
    let error = "";
    try {
      resolved = await ctx.ports.resolve(dialled);
    } catch (err) {
      error = (err as Error).message;
    }
    const ok = gatewayIp.ipAddress !== undefined && resolved.includes(gatewayIp.ipAddress);
    note(ctx.answers, "gatewayDns", ok, `${dialled} (the stack's gatewayFqdn, Azure's name of ${gatewayIp.name}) resolves to ${resolved.join(", ") || `nothing (${error})`}; the gateway's address is ${gatewayIp.ipAddress ?? "unknown"}`);
  }
  for (const c of await arm.connections(ctx.lab.resourceGroup)) {
    note(ctx.answers, "gatewayDns", c.provisioningState === "Succeeded", `connection ${c.name}: provisioningState ${c.provisioningState ?? "unknown"}, connectionStatus ${c.connectionStatus ?? "unknown"} (no router dials in, so NotConnected or Connecting is expected)`);
  }
}

/** After the edits: the renamed VM exists on the same disk and the old name is gone; the moved NIC is in its new subnet with its new address. */
export async function checkEdits(ctx: RunContext): Promise<void> {
  const { arm } = ctx.ports;
  const lab = ctx.lab;
  const [oldVm1, renamed, moved] = [lab.before[0], lab.after[0], lab.after[1]];
  const gone = await arm.vm(lab.diskResourceGroup, oldVm1.name);
  const now = await vmAndNic(arm, lab, renamed);
  const sameDisk = !!now && now.vm.osDiskId.toLowerCase().endsWith(`/disks/${renamed.osDisk}`.toLowerCase());
  note(ctx.answers, "renameOneUp", !gone && sameDisk, `${oldVm1.name} ${gone ? "still exists" : "is gone"}; ${renamed.name} ${now ? `exists on ${now.vm.osDiskId.split("/").pop()}` : "not found"}`);
  const nic = await vmAndNic(arm, lab, moved);
  const subnet = nic?.nic.subnetId.split("/").pop();
  note(ctx.answers, "nicMove", subnet === moved.subnet && nic?.nic.privateIp === moved.privateIp, `${moved.name}'s NIC: subnet ${subnet ?? "unknown"} (expected ${moved.subnet}), address ${nic?.nic.privateIp ?? "unknown"} (expected ${moved.privateIp})`);
}

/** Records each VM's address and OS disk before destroy, and checks the disks are there after it. */
export async function recordBeforeDestroy(ctx: RunContext): Promise<void> {
  const seen = new Map<string, { privateIp: string; osDiskId: string }>();
  for (const vm of ctx.lab.after) {
    const found = await vmAndNic(ctx.ports.arm, ctx.lab, vm);
    if (found) seen.set(vm.name, { privateIp: found.nic.privateIp, osDiskId: found.vm.osDiskId });
  }
  ctx.beforeDestroy = seen;
}

/**
 * After destroy: every OS disk still exists and is attached to nothing (`managedBy` empty), as the
 * docs promise: a disk still held by a VM the destroy missed would be a leftover, not a kept disk.
 */
export async function checkDisksKept(ctx: RunContext): Promise<void> {
  const disks = await ctx.ports.arm.disks(ctx.lab.diskResourceGroup);
  for (const vm of ctx.lab.after) {
    const disk = disks.find((d) => d.name.toLowerCase() === vm.osDisk.toLowerCase());
    const unattached = !!disk && !disk.managedBy;
    note(ctx.answers, "disksSurvive", unattached, `after destroy: ${vm.osDisk} ${disk ? `exists${disk.managedBy ? `, still attached to ${disk.managedBy.split("/").pop()}` : ", unattached"}` : "is gone"}`);
  }
}

/** After the next up: each VM has the address and the OS disk it had before destroy. */
export async function checkReattached(ctx: RunContext): Promise<void> {
  for (const vm of ctx.lab.after) {
    const before = ctx.beforeDestroy?.get(vm.name);
    const now = await vmAndNic(ctx.ports.arm, ctx.lab, vm);
    const ok = !!before && !!now && now.nic.privateIp === before.privateIp && now.vm.osDiskId.toLowerCase() === before.osDiskId.toLowerCase();
    note(ctx.answers, "disksSurvive", ok, `after up: ${vm.name} at ${now?.nic.privateIp ?? "unknown"} (before ${before?.privateIp ?? "unknown"}) on ${now?.vm.osDiskId.split("/").pop() ?? "no disk"} (before ${before?.osDiskId.split("/").pop() ?? "unknown"})`);
  }
}

/** Whether a Pulumi change summary has nothing but `same`. */
export function noChanges(changes: Record<string, number>): boolean {
  // "read": the program reads its own stack's outputs (the self StackReference of deployedLab)
  // at every run; it changes nothing. Seen in the engine suite against the twin.
  return Object.entries(changes).every(([op, n]) => op === "same" || op === "read" || n === 0);
}

/** The summary as `create 1, same 12`. */
export function summary(changes: Record<string, number>): string {
  return Object.entries(changes).map(([op, n]) => `${op} ${n}`).join(", ") || "nothing";
}

/** The run command the run-command question puts on the moved VM (its own name: never the readiness gate's). */
export const PROBE_RUN_COMMAND = "exchange-lab-acceptance-probe";

async function attempt<T>(what: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  try {
    return { ok: true, value: await what() };
  } catch (err) {
    return { ok: false, error: ((err as Error).message ?? String(err)).split("\n")[0] };
  }
}

/**
 * The run-command question, on the second VM: a script that fails, the same PUT again (re-run
 * when its start time moves), then the VM deallocated and the run command updated and deleted.
 * Azure's answers are the evidence; the question passes once every answer was obtained (it asks
 * what Azure does, not for one outcome). The VM stays deallocated (the next step destroys it).
 */
export async function checkRunCommand(ctx: RunContext): Promise<void> {
  const { arm } = ctx.ports;
  const lab = ctx.lab;
  const vm = lab.after[1].name;
  const put = (script: string) => attempt(() => arm.putRunCommand(lab.diskResourceGroup, vm, PROBE_RUN_COMMAND, script, lab.region));
  const first = await put("exit 1");
  const again = await put("exit 1");
  const rerun = first.ok && again.ok ? (first.value.startTime !== again.value.startTime ? "re-ran it" : "did not re-run it") : "could not be asked";
  const show = (r: Awaited<ReturnType<typeof put>>) => (r.ok ? `${r.value.provisioningState ?? "?"}/${r.value.executionState ?? "?"}, exit ${r.value.exitCode ?? "none"}, started ${r.value.startTime ?? "?"}` : `refused: ${r.error}`);
  note(ctx.answers, "runCommand", first.ok && again.ok, `failing script: ${show(first)}`, `same PUT again: ${show(again)}; ARM ${rerun}`);
  await arm.deallocate(lab.diskResourceGroup, vm);
  const update = await put("exit 0");
  const remove = await attempt(() => arm.deleteRunCommand(lab.diskResourceGroup, vm, PROBE_RUN_COMMAND));
  note(ctx.answers, "runCommand", true, `deallocated VM, update: ${update.ok ? `accepted (${show(update)})` : show(update)}`, `deallocated VM, delete: ${remove.ok ? "accepted" : `refused: ${remove.error}`}`);
}
