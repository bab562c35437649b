/**
 * Renders a plan result as text for a person: the VMs in boot order, then the resources,
 * then warnings; or every problem when the input is invalid. Pure.
 */
import { formatProblem } from "../input/problems";
import { portName } from "../input/endpoints";
import { CostEstimate, HOURS_PER_MONTH } from "../report/cost";
import { Change as PlanChange } from "./changes";
import { PlanResult } from "./plan";
import { FROM_IMAGE_VM_MINUTES, READINESS_GATE_MINUTES, READINESS_GATE_TYPE } from "../report/readiness";
import { catalogueLabels } from "../input/catalogues";
import { Problem } from "../input/problems";
import { RouterProfiles, renderRouterProfiles } from "../report/draytek";

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
    for (const vm of imageVms) out.push(`  ${vm.name}: ${vm.image!.lives}. This run: ${vm.image!.mode === "fromImage" ? `the disk is absent, so the VM is built from ${vm.image!.image}` : `the disk exists, so it is attached`}.`);
    out.push("");
  }

  out.push(`Resources (${result.resources.length}):`);
  out.push(
    ...table([["type", "name", "waits for"], ...result.resources.map((r) => [r.type, r.name, r.dependsOn.join(", ")])]).map((l) => `  ${l}`),
  );

  if (result.changes) out.push("", ...renderChanges(result.changes));
  if (result.draytekHints) out.push("", result.draytekHints.trimEnd());
  if (result.timeToReady) {
    const t = result.timeToReady;
    out.push("", t.vpnMinutes !== null ? "Time to ready (estimate: the gateway's 45 minutes are Microsoft's, the other creation times assumptions):" : "Time to ready (estimate: the creation times are this project's assumptions):");
    out.push(`  VMs up after about ${t.vmsMinutes} min${t.vpnMinutes !== null ? `; tunnel up after about ${t.vpnMinutes} min` : ""}.`);
    out.push(`  Created one after another, as the 2014 scripts did: about ${t.sequentialMinutes} min.`);
    const gates = result.resources.filter((r) => r.type === READINESS_GATE_TYPE).length;
    const fromImage = result.vms.filter((vm) => vm.bringOnline && vm.image?.mode === "fromImage").length;
    if (fromImage > 0) out.push(`  Includes ${fromImage} VM${fromImage === 1 ? "" : "s"} built from an image, each assumed to take about ${FROM_IMAGE_VM_MINUTES} min (disk copied from the image, Windows set up on first boot).`);
    if (gates > 0) out.push(`  Includes ${gates} readiness gate${gates === 1 ? "" : "s"} (WaitForBoot=Yes), each assumed to wait about ${READINESS_GATE_MINUTES} min after its VM is created.`);
    out.push(`  Critical path: ${t.criticalPath.join(" -> ")}`);
  }
  if (result.cost) out.push("", ...renderCost(result.cost));

  if (result.warnings.length > 0) {
    out.push("", `Warnings (${result.warnings.length}):`);
    for (const w of result.warnings) out.push(`  ${formatProblem(w)}`);
  }
  out.push("", `Checked against catalogues: ${catalogueLabels().map((c) => `${c.name} of ${c.date} (${c.source})`).join(", ")}.`);
  return out.join("\n") + "\n";
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
    "  Traffic, per GB (not in the totals):",
    ...c.perGb.map((u) => `  - ${u.item}: ${u.unitPrice === null ? `unknown (${u.priceKey})` : `${money(u.unitPrice)}/GB`}`),
    "  Assumptions:",
    ...c.assumptions.map((a) => `  - ${a}`),
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
