/**
 * The checks of `--with-roles`: what the role steps made of the role lab (a forest root DC, an
 * Exchange server, a member), asked of the guests through Run Commands of the run's own (never a
 * role step's name) and of Exchange over HTTPS from the user's machine, and the role steps' own
 * record (each one's instance view and the engine's minutes, against the plan's estimate).
 *
 * Sources:
 * - `Get-ADDomain`: https://learn.microsoft.com/powershell/module/activedirectory/get-addomain;
 *   `Test-ComputerSecureChannel`: https://learn.microsoft.com/powershell/module/microsoft.powershell.management/test-computersecurechannel.
 * - Exchange's health check page, `/owa/healthcheck.htm` (200 when the OWA app pool answers):
 *   https://learn.microsoft.com/exchange/high-availability/load-balancing (health probes of Exchange).
 * - Run Command's instance view (output, error, exit code, start and end):
 *   https://learn.microsoft.com/rest/api/compute/virtual-machine-run-commands/get-by-virtual-machine.
 */
import { RunContext, note } from "./checks";
import { AcceptanceVm } from "./lab";
import { RunCommandView } from "./ports";

/** The Run Command the domain and join checks put on a role VM (its own name: never a role step's). */
export const ROLE_CHECK_RUN_COMMAND = "exchange-lab-acceptance-roles";
/** The ARM names of the role steps' run commands start so (src/input/lab/roleSteps.ts, `roleRunCommandName`). */
export const ROLE_STEP_PREFIX = "exchange-lab-";
/** The Pulumi type of a role step (and of a readiness gate). */
export const RUN_COMMAND_TYPE = "azure-native:compute:VirtualMachineRunCommandByVirtualMachine";
/** How much of a Run Command's output the report keeps, characters. */
export const OUTPUT_CHARS = 600;

/** The domain as the DC sees it. */
export const DOMAIN_SCRIPT = [
  "Import-Module ActiveDirectory",
  "$d = Get-ADDomain; $f = Get-ADForest",
  "\"DNSRoot=$($d.DNSRoot)\"; \"NetBIOSName=$($d.NetBIOSName)\"; \"ForestMode=$($f.ForestMode)\"",
  "\"DomainControllers=$((Get-ADDomainController -Filter *).HostName -join ',')\"",
].join("\n");

/** Whether the machine is in the domain, and its secure channel to it. */
export const JOIN_SCRIPT = [
  "$cs = Get-CimInstance Win32_ComputerSystem",
  "\"PartOfDomain=$($cs.PartOfDomain)\"; \"Domain=$($cs.Domain)\"",
  "\"SecureChannel=$(Test-ComputerSecureChannel)\"",
].join("\n");

/** `KEY=value` lines of a script's output. */
export function keyValues(output: string | undefined): Record<string, string> {
  return Object.fromEntries((output ?? "").split(/\r?\n/).map((l) => /^([A-Za-z]+)=(.*)$/.exec(l.trim())).filter((m): m is RegExpExecArray => !!m).map((m) => [m[1], m[2].trim()]));
}

const trimmed = (text: string | undefined) => {
  const t = (text ?? "").trim();
  return t.length > OUTPUT_CHARS ? `${t.slice(0, OUTPUT_CHARS)}...` : t;
};

/** Runs a script on `vm` as the run's own Run Command and reads its instance view (output included). */
async function ask(ctx: RunContext, vm: AcceptanceVm, script: string): Promise<RunCommandView | { refused: string }> {
  const { arm } = ctx.ports;
  try {
    await arm.putRunCommand(ctx.lab.diskResourceGroup, vm.name, ROLE_CHECK_RUN_COMMAND, script, ctx.lab.region);
    return (await arm.runCommandView(ctx.lab.diskResourceGroup, vm.name, ROLE_CHECK_RUN_COMMAND)) ?? { refused: "no instance view" };
  } catch (err) {
    return { refused: ((err as Error).message ?? String(err)).split("\n")[0] };
  }
}

const roles = (ctx: RunContext) => {
  if (!ctx.lab.roles) throw new Error("not a role lab");
  return ctx.lab.roles;
};

/** The forest: the DC's `Get-ADDomain` names the lab's domain. */
export async function checkForest(ctx: RunContext, phase: string): Promise<void> {
  const r = roles(ctx);
  const view = await ask(ctx, r.dc, DOMAIN_SCRIPT);
  if ("refused" in view) return note(ctx.answers, "forest", false, `${phase}: the Run Command on ${r.dc.name} was refused: ${view.refused}`);
  const kv = keyValues(view.output);
  const ok = view.exitCode === 0 && kv.DNSRoot?.toLowerCase() === r.domainName.toLowerCase();
  note(ctx.answers, "forest", ok, `${phase}: ${r.dc.name} (exit ${view.exitCode ?? "none"}): DNSRoot ${kv.DNSRoot ?? "none"} (expected ${r.domainName}), NetBIOS ${kv.NetBIOSName ?? "?"}, forest mode ${kv.ForestMode ?? "?"}, DCs ${kv.DomainControllers ?? "?"}${view.error ? `; error: ${trimmed(view.error)}` : ""}`);
}

/** The member (and the Exchange server, also a member): in the domain, with a working secure channel. */
export async function checkJoined(ctx: RunContext, phase: string): Promise<void> {
  const r = roles(ctx);
  for (const vm of [r.member, r.exchange]) {
    const view = await ask(ctx, vm, JOIN_SCRIPT);
    if ("refused" in view) {
      note(ctx.answers, "memberJoined", false, `${phase}: the Run Command on ${vm.name} was refused: ${view.refused}`);
      continue;
    }
    const kv = keyValues(view.output);
    const ok = view.exitCode === 0 && kv.PartOfDomain === "True" && kv.Domain?.toLowerCase() === r.domainName.toLowerCase() && kv.SecureChannel === "True";
    note(ctx.answers, "memberJoined", ok, `${phase}: ${vm.name}: PartOfDomain ${kv.PartOfDomain ?? "?"}, domain ${kv.Domain ?? "?"}, secure channel ${kv.SecureChannel ?? "?"} (exit ${view.exitCode ?? "none"})`);
  }
}

/**
 * Exchange answers `https://<the lab's public IP>/owa/healthcheck.htm` (published 443, open to
 * `--allow-from` only) with 200, tried until the boot deadline passes.
 */
export async function checkExchangeHealth(ctx: RunContext, phase: string): Promise<void> {
  const https = ctx.ports.https;
  if (!https) throw new Error("no HTTPS prober: the role checks need one");
  const outputs = await ctx.stack!.outputs();
  const ip = typeof outputs.publicIp === "string" ? outputs.publicIp : "";
  const url = `https://${ip}/owa/healthcheck.htm`;
  const start = ctx.ports.clock.now();
  let tries = 0;
  for (;;) {
    tries++;
    const r = await https(url, ctx.timeouts.connectMs);
    const waited = Math.round((ctx.ports.clock.now() - start) / 1000);
    const last = r.status === 200 || ctx.ports.clock.now() - start + ctx.timeouts.retryMs > ctx.timeouts.bootMs || ctx.signal.aborted;
    if (last) {
      return note(ctx.answers, "exchangeHealth", r.status === 200, `${phase}: GET ${url} ${r.status !== undefined ? `answered ${r.status}${r.body ? ` "${trimmed(r.body).split("\n")[0]}"` : ""} in ${r.ms} ms` : `failed (${r.error})`} after ${tries} tries over ${waited} s (the certificate is Exchange's self-signed one, not verified)`);
    }
    await ctx.ports.clock.sleep(ctx.timeouts.retryMs, ctx.signal);
  }
}

/**
 * After the first up: each role step of the plan, with its Run Command's instance view (read from
 * Azure: the step is a child of its VM) and the engine's minutes for `<vm>-<step>`.
 */
export async function recordRoleSteps(ctx: RunContext): Promise<void> {
  const minutes = (ms: number) => Math.round((ms / 60_000) * 10) / 10;
  for (const step of ctx.roleStepPlan ?? []) {
    const timing = ctx.timings.find((t) => t.phase === "first up" && t.type === RUN_COMMAND_TYPE && t.name === `${step.vm}-${step.id}`);
    let view: RunCommandView | undefined;
    let problem = "";
    try {
      view = await ctx.ports.arm.runCommandView(ctx.lab.diskResourceGroup, step.vm, `${ROLE_STEP_PREFIX}${step.id}`);
    } catch (err) {
      problem = ((err as Error).message ?? String(err)).split("\n")[0];
    }
    const span = view?.startTime && view.endTime ? Date.parse(view.endTime) - Date.parse(view.startTime) : undefined;
    ctx.roleSteps.push({
      vm: step.vm, step: step.id, estimateMinutes: step.minutes,
      ...(timing ? { engineMinutes: minutes(timing.seconds * 1000) } : {}),
      ...(span !== undefined && !Number.isNaN(span) ? { scriptMinutes: minutes(span) } : {}),
      executionState: view?.executionState, exitCode: view?.exitCode,
      output: trimmed(view?.output), error: problem || trimmed(view?.error),
    });
  }
}

/**
 * After destroy and the next up: no role step ran again. The engine created no Run Command and no
 * reboot wait in that up, and no VM holds a run command of a role step's name.
 */
export async function checkNoRoleStepAgain(ctx: RunContext, phase: string): Promise<void> {
  // The readiness gates (`<vm>-ready`) run at every up by design; a role step is `<vm>-<step id>`, its reboot wait `<vm>-<step id>-restart`.
  const again = ctx.timings.filter((t) => t.phase === phase && t.op === "create" && (t.type === RUN_COMMAND_TYPE || t.type === "pulumi-nodejs:dynamic:Resource"));
  const stepNames = new Set((ctx.roleStepPlan ?? []).map((s) => `${s.vm}-${s.id}`));
  const roleCreates = again.filter((t) => [...stepNames].some((n) => t.name.startsWith(n)));
  note(ctx.answers, "roleStepsOnce", roleCreates.length === 0, `${phase}: the engine created ${roleCreates.length ? roleCreates.map((t) => t.name).join(", ") : "no role step and no reboot wait"}`);
  const r = roles(ctx);
  const stepIds = new Set((ctx.roleStepPlan ?? []).map((s) => `${ROLE_STEP_PREFIX}${s.id}`));
  for (const vm of [r.dc, r.exchange, r.member]) {
    const names = await ctx.ports.arm.runCommands(ctx.lab.diskResourceGroup, vm.name);
    const found = names.filter((n) => stepIds.has(n));
    note(ctx.answers, "roleStepsOnce", found.length === 0, `${phase}: ${vm.name} holds ${found.length ? `role step run commands ${found.join(", ")}` : "no role step's run command"}`);
  }
}
