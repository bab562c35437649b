/**
 * Parking: every lab disk drops to a cheap storage type (`parkedDiskSku`) while the lab sleeps,
 * and goes back to the type it had before it wakes.
 *
 * Azure facts (Microsoft Learn, "Convert the disk type of an Azure managed disk",
 * https://learn.microsoft.com/azure/virtual-machines/disks-convert-types): a disk changes type in
 * place (a PATCH of its `sku`; the conversion is instantaneous, the disk is neither deleted nor
 * re-created), only while it is unattached or its VM is deallocated, and "only twice per day";
 * Premium SSD v2 and Ultra Disks only through snapshots.
 * A parked night is taken to bill the parked type's hourly share (the current billing article,
 * https://learn.microsoft.com/azure/virtual-machines/disks-understand-billing, no longer states
 * the hourly rate its older version did). OS disks park on Standard SSD by default: Standard HDD
 * OS disks retire on 2028-09-08 (https://learn.microsoft.com/azure/virtual-machines/disks-hdd-os-retirement).
 *
 * Each disk carries its own record, so a CSV edited meanwhile loses nothing:
 * - `exchange-lab-running-sku`: the type to go back to, set while the disk is parked;
 * - `exchange-lab-conversions`: when `npm run lab` changed the disk's type, the current UTC day
 *   only. Learn does not say which "day"; a rolling 24 hours would refuse the routine the limit
 *   is meant to allow (a morning `start` earlier than yesterday's, after last evening's park, is
 *   the third change within 24 hours), so the tool counts the UTC calendar day, and Azure's own
 *   refusal, should it count otherwise, is explained (`conversionError`).
 *
 * Every disk is read and judged before the first change: a disk of a running VM, a third
 * conversion on the same UTC day or an unreadable disk stops the run with nothing changed.
 */
import { Lab, LabVm } from "../input/lab/lab";
import { DiskRef } from "../input/csv/disks";
import { CONVERSIONS_TAG, RUNNING_SKU_TAG } from "../input/lab/parkedDisks";
import type { ParkedDiskSkus } from "../input/stack/settings";
import { DiskInfo, LabAzure, azureMessage } from "./azure";

export { CONVERSIONS_TAG, RUNNING_SKU_TAG } from "../input/lab/parkedDisks";
/** Type changes Azure allows per disk and day (disks-convert-types, "Restrictions"). */
export const CONVERSIONS_PER_DAY = 2;
/**
 * Types a disk cannot leave in place: "You can't directly switch from a Premium SSD v2 to another
 * disk type", and Ultra Disks migrate through snapshots only (disks-convert-types); parking skips them.
 */
export const UNCONVERTIBLE_SKUS: readonly string[] = ["PremiumV2_LRS", "UltraSSD_LRS"];

/** One disk of the lab: whose it is, and where. */
export interface LabDisk {
  vm: string;
  /** `OS disk` or `data disk`. */
  role: string;
  resourceGroup: string;
  name: string;
}

/** Which way disks go: `park` to `parkedDiskSku`, `unpark` back to the recorded type. */
export type Direction = "park" | "unpark";

/** What one disk needs, decided from what Azure said. Exactly one of `change`, `skip`, `refuse`. */
export interface DiskStep {
  disk: LabDisk;
  /** The type it has now (undefined when not found or unreadable). */
  sku?: string;
  change?: { to: string; tags: Record<string, string> };
  skip?: string;
  refuse?: string;
}

/** The disks of `vms` (OS disk, then data disks), in row order. */
export function labDisks(vms: readonly LabVm[]): LabDisk[] {
  const of = (vm: LabVm, role: string, d: DiskRef): LabDisk => ({ vm: vm.name, role, resourceGroup: d.resourceGroupName, name: d.name });
  return vms.flatMap((vm) => [of(vm, "OS disk", vm.osDisk), ...vm.dataDisks.map((d) => of(vm, "data disk", d))]);
}

/** The start of the UTC day after `now`'s. */
function nextUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

/** The conversions recorded on a disk on `now`'s UTC day (none later than a minute ahead: a skewed clock). */
export function recentConversions(tags: Readonly<Record<string, string>>, now: Date): string[] {
  const day = now.toISOString().slice(0, 10);
  return (tags[CONVERSIONS_TAG] ?? "").split(/\s+/).filter((t) => {
    const at = Date.parse(t);
    return !Number.isNaN(at) && new Date(at).toISOString().slice(0, 10) === day && at <= now.getTime() + 60_000;
  });
}

/**
 * Decides what one disk needs (pure). `found` undefined: the disk does not exist (an Image row
 * not built yet), skipped. A change refused: the disk's VM runs (`Attached`), or any state other
 * than Unattached / Reserved, or it would be the disk's third conversion on the UTC day. A Premium
 * SSD v2 or Ultra Disk is skipped when parking: it cannot change type in place.
 */
export function planDisk(disk: LabDisk, found: DiskInfo | undefined, direction: Direction, parkedSku: string, now: Date): DiskStep {
  if (!found) return { disk, skip: "not found (not created yet?); nothing to do" };
  const running = found.tags[RUNNING_SKU_TAG];
  let to: string | undefined;
  let tags: Record<string, string>;
  if (direction === "park") {
    // A tag equal to the type it has is stale (converted back by hand): the disk is parked anew.
    if (running && running !== found.sku) return { disk, sku: found.sku, skip: `already parked (${found.sku}; runs on ${running})` };
    if (UNCONVERTIBLE_SKUS.includes(found.sku)) return { disk, sku: found.sku, skip: `${found.sku} cannot change type in place (https://learn.microsoft.com/azure/virtual-machines/disks-convert-types); left as it is` };
    if (found.sku === parkedSku) return { disk, sku: found.sku, skip: `already ${parkedSku}, its running type; nothing to do` };
    // Standard HDD is the cheapest type: parking on Standard SSD would raise its price.
    if (found.sku === "Standard_LRS") return { disk, sku: found.sku, skip: `already Standard_LRS, cheaper than ${parkedSku}; nothing to do` };
    to = parkedSku;
    tags = { ...found.tags, [RUNNING_SKU_TAG]: found.sku };
  } else {
    if (!running) return { disk, sku: found.sku, skip: `not parked (${found.sku})` };
    const rest = Object.fromEntries(Object.entries(found.tags).filter(([k]) => k !== RUNNING_SKU_TAG));
    // Already on its running type (a conversion finished, its tag not cleared): clear the tag only.
    if (found.sku === running) return { disk, sku: found.sku, change: { to: running, tags: rest } };
    to = running;
    tags = rest;
  }
  if (found.diskState === "Attached") {
    return { disk, sku: found.sku, refuse: `${disk.name} (${disk.role} of ${disk.vm}) is attached to ${found.managedBy ?? "a VM"}, which is running: Azure changes a disk's type only while its VM is deallocated; run npm run lab -- stop first` };
  }
  if (found.diskState !== "Unattached" && found.diskState !== "Reserved") {
    return { disk, sku: found.sku, refuse: `${disk.name} (${disk.role} of ${disk.vm}) is in disk state ${found.diskState}; its type can change only while it is Unattached or its VM is deallocated (Reserved)` };
  }
  const recent = recentConversions(found.tags, now);
  if (recent.length >= CONVERSIONS_PER_DAY) {
    const next = nextUtcDay(now).toISOString().slice(0, 16).replace("T", " ");
    return { disk, sku: found.sku, refuse: `${disk.name} (${disk.role} of ${disk.vm}) changed type ${recent.length} times today (UTC: ${recent.join(", ")}); Azure allows ${CONVERSIONS_PER_DAY} a day, so the next is possible after ${next} UTC` };
  }
  tags[CONVERSIONS_TAG] = [...recent, now.toISOString()].join(" ");
  return { disk, sku: found.sku, change: { to, tags } };
}

/** What a conversion run did: one line per disk, failures, and the table when it stopped half-way. */
export interface ConversionResult {
  done: string[];
  /** Refusals (nothing was changed) or failed conversions. */
  failures: string[];
  /** Set when some disks changed and others did not: every disk and its type now. */
  partial?: string[];
  /** Whether any disk was changed. */
  changed: boolean;
}

/** Azure's refusal of a type change, with the daily limit explained when that may be the cause. */
function conversionError(step: DiskStep, err: unknown): string {
  const message = azureMessage(err);
  const limit = /twice|per day|limit|OperationNotAllowed|TooMany/i.test(message)
    ? ` (Azure allows ${CONVERSIONS_PER_DAY} type changes per disk a day, https://learn.microsoft.com/azure/virtual-machines/disks-convert-types; a change made outside npm run lab counts too and is not in the ${CONVERSIONS_TAG} tag)`
    : "";
  return `${step.disk.name} (${step.disk.role} of ${step.disk.vm}): conversion from ${step.sku} to ${step.change!.to} failed: ${message}${limit}`;
}

/**
 * Reads every disk of `disks` (in parallel), refuses before any change when one cannot be
 * converted, then converts the others in parallel, each OS disk to `parkedSkus.os` and each data
 * disk to `parkedSkus.data` when parking. A failure after some conversions leaves
 * `partial`: each disk and its type now. `finish` is the command that completes the job.
 */
export async function convertDisks(disks: readonly LabDisk[], azure: LabAzure, direction: Direction, parkedSkus: ParkedDiskSkus, now: Date = new Date()): Promise<ConversionResult> {
  const result: ConversionResult = { done: [], failures: [], changed: false };
  const steps = await Promise.all(disks.map(async (disk): Promise<DiskStep> => {
    try {
      const parkedSku = disk.role === "OS disk" ? parkedSkus.os : parkedSkus.data;
      return planDisk(disk, await azure.disk(disk.resourceGroup, disk.name), direction, parkedSku, now);
    } catch (err) {
      return { disk, refuse: `${disk.name} (${disk.role} of ${disk.vm}): could not read the disk in ${disk.resourceGroup}: ${azureMessage(err)}` };
    }
  }));
  const refused = steps.filter((s) => s.refuse);
  if (refused.length > 0) {
    result.failures.push(...refused.map((s) => s.refuse!), `nothing was converted: every disk is checked before the first change`);
    return result;
  }
  const now2 = new Map<DiskStep, string>(steps.map((s) => [s, s.sku ?? "-"]));
  const outcomes = await Promise.allSettled(steps.map(async (step) => {
    if (step.skip) {
      result.done.push(`${step.disk.name}: ${step.skip}`);
      return;
    }
    const { to, tags } = step.change!;
    await azure.updateDisk(step.disk.resourceGroup, step.disk.name, to === step.sku ? undefined : to, tags).catch((err: unknown) => {
      throw new Error(conversionError(step, err), { cause: err });
    });
    now2.set(step, to);
    result.changed ||= to !== step.sku;
    result.done.push(to === step.sku ? `${step.disk.name}: on ${to} already; parked record cleared` : `${step.disk.name}: ${step.sku} -> ${to}${direction === "park" ? ` (running type recorded in tag ${RUNNING_SKU_TAG})` : ""}`);
  }));
  const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected").map((o) => (o.reason as Error).message);
  result.failures.push(...failed);
  if (failed.length > 0 && result.changed) {
    result.partial = steps.map((s) => `  ${s.disk.name.padEnd(Math.max(...steps.map((x) => x.disk.name.length)))}  ${now2.get(s)}${s.change && now2.get(s) !== s.change.to ? `  (still to convert to ${s.change.to})` : ""}`);
  }
  return result;
}

/** The dry run's lines: every disk and the conversion it would get (its current type is read only by the real run). */
export function renderDiskPlan(lab: Lab, disks: readonly LabDisk[], direction: Direction): string[] {
  const width = Math.max(0, ...disks.map((d) => d.name.length));
  const to = (d: LabDisk) => (direction === "park" ? `${d.role === "OS disk" ? lab.settings.parkedDiskSku.os : lab.settings.parkedDiskSku.data}, recording its type in tag ${RUNNING_SKU_TAG}` : `the type recorded in its tag ${RUNNING_SKU_TAG}`);
  return disks.map((d) => `  convert ${d.name.padEnd(width)}  (${d.role} of ${d.vm}, in ${d.resourceGroup}) to ${to(d)}`);
}
