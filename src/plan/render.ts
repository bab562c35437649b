/**
 * Renders a plan result as text for a person: the VMs in boot order, then the resources,
 * then warnings; or every problem when the input is invalid. Pure.
 */
import * as path from "path";
import { formatProblem } from "../input/problems";
import { labResourceUrn } from "../input/lab/networkEdits";
import { portName } from "../input/csv/endpoints";
import { CostEstimate, HOURS_PER_MONTH } from "../report/cost";
import { Change as PlanChange } from "./changes";
import { renderShellRecreations } from "./shellOrder";
import { renderBeforeUp } from "./beforeUp";
import { PlanResult, PlanRoleSteps } from "./plan";
import { FROM_IMAGE_VM_MINUTES, READINESS_GATE_MINUTES, READINESS_GATE_TYPE } from "../report/readiness";
import { catalogueLabels } from "../input/catalogues";
import { Problem } from "../input/problems";
import { RouterProfiles, renderRouterProfiles } from "../report/draytek";
import { isoStagingCommands } from "../report/isoStaging";

/** Pads each column of a table to its widest cell. */
export function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join("  ").trimEnd());
}

/** The human-readable plan: VMs, resources, DrayTek hints, time to ready, cost, warnings. */
export function renderPlan(result: PlanResult): string {
  const out: string[] = [];
  const source = `stack file ${result.stackFile}${result.csvFile ? `, CSV ${result.csvFile}` : ""}`;
  if (result.errors.length > 0) {
    out.push(`exchange-lab plan: the input is invalid (${source}); nothing was declared.`, "");
    out.push(`${result.errors.length} problem${result.errors.length === 1 ? "" : "s"}:`);
    for (const p of result.errors) out.push(`  ${formatProblem(p)}`);
    return out.join("\n") + "\n";
  }

  out.push(`exchange-lab offline plan (${source})`);
  out.push("Run under Pulumi's mock runtime: nothing was sent to Azure; the subscription shows as zeros.", "");

  out.push("VMs in boot order:");
  let step = 0;
  const rows = [["#", "VM", "size", "subnet", "private IP", "public", "created after"]];
  for (const vm of result.vms) {
    const size = vm.classicSize ? `${vm.size} (${vm.classicSize})` : vm.size;
    const ip = `${vm.privateIp}${vm.ipSource === "csv" ? "" : ` (${vm.ipSource})`}`;
    const published = [...(vm.publicRdpPort !== null ? [`rdp:${vm.publicRdpPort}`] : []), ...vm.endpoints.map((p) => portName(p))].join(" ") || "-";
    if (!vm.bringOnline) {
      rows.push(["-", vm.name, size, vm.subnet, ip, "-", "BringOnline=No: not declared, name and IP kept"]);
      continue;
    }
    step++;
    const after = vm.dependsOn.length > 0 ? vm.dependsOn.join(", ") : "(starts first)";
    const renamed = vm.previousName ? ` (was ${vm.previousName})` : "";
    rows.push([String(step), vm.name + (vm.waitForBoot ? " *" : "") + renamed, size, vm.subnet, ip, published, after]);
  }
  out.push(...table(rows).map((l) => `  ${l}`));
  out.push("  * WaitForBoot=Yes: later VMs are created after this one. public: ports on the lab's public IP (rdp:N maps N to 3389).", "");
  const imageVms = result.vms.filter((vm) => vm.bringOnline && vm.image);
  if (imageVms.length > 0) {
    out.push("Built from an image (the VM lives in the disk resource group; its OS disk outlives pulumi destroy):");
    for (const vm of imageVms) out.push(`  ${vm.name}: ${vm.image!.lives}. This run: ${vm.image!.mode === "fromImage" ? `the disk is assumed absent offline (pulumi up asks Azure), so the VM is built from ${vm.image!.image}` : `the disk exists (deployed in --previous), so it is attached`}.`);
    out.push("");
  }

  if (result.roleSteps && result.roleSteps.length > 0) out.push(...renderRoleSteps(result.roleSteps), "");

  out.push(`Resources (${result.resources.length}):`);
  out.push(
    ...table([["type", "name", "waits for"], ...result.resources.map((r) => [r.type, r.name, r.dependsOn.join(", ")])]).map((l) => `  ${l}`),
  );

  if (result.changes) out.push("", ...renderChanges(result.changes), ...renderShellRecreations(result.shells ?? []), ...renderBeforeUp(result.before ?? []));
  if (result.draytekHints) out.push("", result.draytekHints.trimEnd());
  if (result.timeToReady) {
    const t = result.timeToReady;
    out.push("", t.vpnMinutes !== null ? "Time to ready (estimate: the gateway's 45 minutes are Microsoft's, the other creation times assumptions):" : "Time to ready (estimate: the creation times are this project's assumptions):");
    out.push(`  ${readyWhat(result)} after about ${t.vmsMinutes} min${t.vpnMinutes !== null ? `; tunnel up after about ${t.vpnMinutes} min` : ""}.`);
    out.push(`  Created one after another, as the 2014 scripts did: about ${t.sequentialMinutes} min.`);
    const gates = result.resources.filter((r) => r.type === READINESS_GATE_TYPE).length;
    const fromImage = result.vms.filter((vm) => vm.bringOnline && vm.image?.mode === "fromImage").length;
    if (fromImage > 0) out.push(`  Includes ${fromImage} VM${fromImage === 1 ? "" : "s"} built from an image, each assumed to take about ${FROM_IMAGE_VM_MINUTES} min (disk copied from the image, Windows set up on first boot).`);
    const steps = (result.roleSteps ?? []).flatMap((r) => r.steps.map((s) => `${r.vm}-${s.id}`));
    if (gates - steps.length > 0) out.push(`  Includes ${gates - steps.length} readiness gate${gates - steps.length === 1 ? "" : "s"} (WaitForBoot=Yes), each assumed to wait about ${READINESS_GATE_MINUTES} min after its VM is created.`);
    if (steps.length > 0) out.push(`  Includes ${steps.length} role step${steps.length === 1 ? "" : "s"} with their expected minutes (above), and a 1.5 min wait after each step that restarts its VM.`);
    const gate = result.resources.find((r) => r.type === READINESS_GATE_TYPE && !steps.includes(r.name));
    if (gate) out.push(`  A failed gate runs again only when replaced (docs/lifecycle.md): pulumi up --replace '${labResourceUrn(stackNameOf(result.stackFile), gate.type, gate.name)}'`);
    if (steps.length > 0) out.push(`  A failed role step does not run again at the next pulumi up (the VM then attaches its disk and declares none): run it and the ones after it by hand (docs/domain-and-exchange.md, "Retrying a step").`);
    out.push(`  Critical path: ${t.criticalPath.join(" -> ")}`);
  }
  if (result.cost) out.push("", ...renderCost(result.cost));

  // An Exchange row without the ISO's URL: the staging commands, with this lab's own names.
  if (result.lab && result.warnings.some((w) => w.column === "exchange-lab:exchangeIsoUrl" && w.message.startsWith("required"))) {
    const names = { diskResourceGroupName: result.lab.settings.diskResourceGroupName, location: result.lab.settings.location, stackName: stackNameOf(result.stackFile) };
    out.push("", "Staging the Exchange ISO (exchangeIsoUrl is not set; docs/domain-and-exchange.md), in this lab's disk resource group and region:", ...isoStagingCommands(names).map((l) => `  ${l}`));
  }
  if (result.warnings.length > 0) {
    out.push("", `Warnings (${result.warnings.length}):`);
    for (const w of result.warnings) out.push(`  ${formatProblem(w)}`);
  }
  out.push("", `Checked against catalogues: ${catalogueLabels().map((c) => `${c.name} of ${c.date} (${c.source})`).join(", ")}.`);
  return out.join("\n") + "\n";
}

/**
 * The role steps per Role row, in order with their expected minutes (Exchange Setup's 60 are
 * Microsoft's, the rest assumptions: src/input/lab/roleSteps.ts), or why a row runs none.
 */
export function renderRoleSteps(rows: readonly PlanRoleSteps[]): string[] {
  const out = ["Role steps (Run Commands in each VM's first life; minutes expected: Exchange Setup's 60 are Microsoft's, the rest assumptions):"];
  for (const r of rows) {
    if (r.steps.length === 0) {
      out.push(`  ${r.vm} (${r.role}): none: the previous deployment holds this VM, so pulumi up should find its disk and attach it, and the disk keeps what its first life did (a VM whose disk is gone is built again and runs them).`);
      continue;
    }
    const total = r.steps.reduce((sum, s) => sum + s.minutes, 0);
    out.push(`  ${r.vm} (${r.role}), about ${total} min:`);
    r.steps.forEach((s, i) => out.push(`    ${i + 1}. ${s.id} (~${s.minutes} min): ${s.what}`));
  }
  return out;
}

/** The preview of `pulumi up` against the previous deployment: one line per changed resource. */
export function renderChanges(changes: readonly PlanChange[]): string[] {
  if (changes.length === 0) return ["Changes against the previous deployment: none (pulumi up would change nothing)."];
  const mark = { create: "+ ", update: "~ ", replace: "+-", delete: "- " } as const;
  const counts = (["create", "update", "replace", "delete"] as const).map((a) => `${changes.filter((c) => c.action === a).length} to ${a}`).join(", ");
  return [
    `Changes against the previous deployment (${counts}):`,
    ...table(changes.map((c) => [mark[c.action], c.action, c.type, c.name, c.properties.join(", ")])).map((l) => `  ${l}`),
  ];
}

/** The cost section: each line, then the two totals, labelled as an estimate with its source;
 * per-GB usage prices after them. A region without prices says so, never "0". */
export function renderCost(c: CostEstimate): string[] {
  if (c.noPrices) return [`Cost estimate: ${c.noPrices}.`];
  const money = (x: number) => `${c.currency} ${x.toFixed(x < 1 ? 4 : 2)}`;
  const rows = [["item", "qty", "unit price", "bills"]];
  for (const l of c.lines) {
    rows.push([l.item, String(l.quantity), l.unitPrice === null ? `unknown (${l.priceKey})` : `${money(l.unitPrice)}/${l.unit}`, l.billsWhen === "always" ? "running and parked" : "running"]);
  }
  const total = (known: number | null, unknown: string[], per: string) =>
    unknown.length === 0 ? `${money(known ?? 0)} ${per}` : `at least ${money(known ?? 0)} ${per}, plus the unknown ${unknown.join(", ")}`;
  return [
    `Cost estimate (${c.region}, ${c.currency}, prices of ${c.date}; source: ${c.source}):`,
    ...table(rows).map((l) => `  ${l}`),
    `  Running: ${total(c.knownPerHourRunning, c.unknown, "per hour")} (at least ${money((c.knownPerHourRunning ?? 0) * HOURS_PER_MONTH)} for a month always on: a lower bound, traffic${c.unknown.length > 0 ? " and the unknown prices" : ""} not included).`,
    `  Parked after pulumi destroy: ${total(c.knownPerMonthParked, c.unknownParked, "per month")} (the disks).`,
    ...renderParking(c, money),
    "  Traffic, per GB (not in the totals):",
    ...c.perGb.map((u) => `  - ${u.item}: ${u.unitPrice === null ? `unknown (${u.priceKey})` : `${money(u.unitPrice)}/GB`}`),
    "  Assumptions:",
    ...c.assumptions.map((a) => `  - ${a}`),
  ];
}

/** The parking lines of the cost section: the disks on parkedDiskSku, and a typical month with and without. */
function renderParking(c: CostEstimate, money: (x: number) => string): string[] {
  const p = c.parking;
  if (!p) return [];
  const figure = (x: number | null) => (x === null ? "unknown (a price is missing)" : money(x));
  const tiers = p.lines.map((l) => `${l.quantity} x ${l.item.replace(/^Managed disk | \(parked\)$/g, "")} at ${l.unitPrice === null ? `unknown (${l.priceKey})` : money(l.unitPrice)}`).join(", ");
  const t = p.typicalMonth;
  return [
    `  Parked (${p.parkedDiskSku}; npm run lab -- park, docs/parking.md): ${figure(p.perMonthOnParkedSku)} per month (${tiers}); on their running types: ${figure(p.perMonthOnRunningTypes)}.`,
    `  A month of ${t.hoursRunning} hours running, destroyed the rest: ${figure(t.withParking)} with parking, ${figure(t.withoutParking)} without (disks bill by the hour at the type they have).`,
    `  The same month with the stack kept and the VMs deallocated the rest (npm run lab -- stop [--park]): ${figure(p.typicalMonthStopped.withParking)} with parking, ${figure(p.typicalMonthStopped.withoutParking)} without.`,
  ];
}

/** The multi-lab plan's closing section: the labs checked together, the office routers' profiles,
 * then the errors and warnings across labs (each names both stack files). Pure. */
export function renderCrossLab(stackFiles: readonly string[], findings: { errors: readonly Problem[]; warnings: readonly Problem[]; routers: readonly RouterProfiles[] }): string {
  const out = [`Across ${stackFiles.length} labs (${stackFiles.join(", ")}):`];
  if (findings.routers.length > 0) out.push(...renderRouterProfiles(findings.routers).map((l) => `  ${l}`));
  if (findings.errors.length === 0 && findings.warnings.length === 0) out.push("  No collisions: resource groups, disks, networks, address spaces and DNS labels are each lab's own.");
  if (findings.errors.length > 0) {
    out.push(`  Errors across labs (${findings.errors.length}):`);
    for (const p of findings.errors) out.push(`    ${formatProblem(p)}`);
  }
  if (findings.warnings.length > 0) {
    out.push(`  Warnings across labs (${findings.warnings.length}):`);
    for (const p of findings.warnings) out.push(`    ${formatProblem(p)}`);
  }
  return out.join("\n") + "\n";
}

/** The stack's name from its file's name (`stacks/Pulumi.<stack>.yaml`), as the plan runs it. */
function stackNameOf(stackFile: string): string {
  return path.basename(stackFile).replace(/^Pulumi\./, "").replace(/\.ya?ml$/, "");
}

/**
 * What "time to ready" waits for, in words: what the role steps build (the forest with a DC row,
 * Exchange with an Exchange row; the joins of Member rows), else the VMs and their readiness gates.
 */
function readyWhat(result: PlanResult): string {
  const roles = new Set((result.roleSteps ?? []).filter((r) => r.steps.length > 0).map((r) => r.role));
  const gates = result.resources.some((r) => r.type === READINESS_GATE_TYPE);
  if (!roles.has("DC")) return gates ? "Every VM up and serving (readiness gates passed)" : "Every VM up";
  const built = roles.has("Exchange") ? "The forest and Exchange" : "The forest";
  return `${built} ready (every VM up${roles.has("Member") ? ", the members joined" : ""})`;
}
