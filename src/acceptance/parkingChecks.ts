/**
 * Parking, exercised on the run's lab with the lab's own commands (`npm run lab`, through
 * {@link ParkingPort}): `stop --park` and `start` on the deployed lab, `park` and `unpark` after
 * destroy, each disk's type and tags read from Azure after each command.
 *
 * The budget: Azure changes a disk's type "only twice per day"
 * (https://learn.microsoft.com/azure/virtual-machines/disks-convert-types), and `npm run lab`
 * counts the UTC day on the disk's own tag. So each disk gets two conversions: the first VM's
 * disk `stop --park` and `start`, the second VM's disk `park` and `unpark`; and a third on the
 * first disk (`park` after destroy) must be refused by `npm run lab` before Azure is asked, with
 * the disk unchanged. Every run makes new disks, so the budget is the run's own.
 */
import * as path from "path";
import { CONVERSIONS_TAG, RUNNING_SKU_TAG } from "../input/lab/parkedDisks";
import { CONVERSIONS_PER_DAY } from "../labctl/parking";
import { RunContext, note } from "./checks";
import { AcceptanceVm, PLAN_STACK_FILE, csvWithRows } from "./lab";
import { LabCommand } from "./ports";

/** The type `park` gives a disk: the generated lab's parkedDiskSku (lab.ts). */
export const PARKED_SKU = "Standard_LRS";
/** The type the generated lab's OS disks run on (osDiskSku's default). */
export const RUNNING_SKU = "StandardSSD_LRS";
/** Conversions each disk gets in a run: Azure's daily limit, exactly (labctl's own figure). */
export const CONVERSIONS_PER_DISK = CONVERSIONS_PER_DAY;

/** What one disk is now: its type, its running-type tag and its conversions of the day. */
async function diskNow(ctx: RunContext, vm: AcceptanceVm): Promise<{ sku?: string; running?: string; conversions: number } | undefined> {
  const disk = (await ctx.ports.arm.disks(ctx.lab.diskResourceGroup)).find((d) => d.name.toLowerCase() === vm.osDisk.toLowerCase());
  if (!disk) return undefined;
  const tags = disk.tags ?? {};
  return { sku: disk.sku, running: tags[RUNNING_SKU_TAG], conversions: (tags[CONVERSIONS_TAG] ?? "").split(/\s+/).filter((t) => t.length > 0).length };
}

const show = (d: Awaited<ReturnType<typeof diskNow>>) => (d ? `${d.sku ?? "?"}, ${RUNNING_SKU_TAG} ${d.running ?? "none"}, ${d.conversions} conversion(s) recorded` : "not found");

/** Runs one lab command on `vm`'s row; a refusal is returned, not thrown (it is evidence). */
async function labCommand(ctx: RunContext, command: LabCommand, vm: AcceptanceVm): Promise<{ ok: true } | { ok: false; error: string }> {
  const parking = ctx.ports.parking!;
  try {
    await parking.run(command, { stackFile: path.join(path.dirname(String(ctx.lab.config["exchange-lab:csv"])), PLAN_STACK_FILE), csvText: csvWithRows(ctx.lab.csvAfter, [vm.name]), subscriptionId: ctx.subscriptionId, signal: ctx.signal });
    return { ok: true };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return { ok: false, error: ((err as Error).message ?? String(err)).split("\n").slice(0, 3).join(" / ") };
  }
}

/** One command and the disk it must leave as `expect` says. */
async function step(ctx: RunContext, phase: string, command: LabCommand, vm: AcceptanceVm, expect: { sku: string; running?: string; conversions: number }): Promise<void> {
  const r = await labCommand(ctx, command, vm);
  const d = await diskNow(ctx, vm);
  const ok = r.ok && !!d && d.sku === expect.sku && d.running === expect.running && d.conversions === expect.conversions;
  note(ctx.answers, "parking", ok, `${phase}: npm run lab -- ${command} on ${vm.name}: ${r.ok ? "done" : `failed: ${r.error}`}; ${vm.osDisk}: ${show(d)} (expected ${expect.sku}, ${RUNNING_SKU_TAG} ${expect.running ?? "none"}, ${expect.conversions})`);
}

/** On the deployed lab: `stop --park`, then `start`, on the first VM (its disk's two conversions). */
export async function checkParkingDeployed(ctx: RunContext): Promise<void> {
  if (!ctx.ports.parking) return void ctx.answers.set("parking", { status: "not run", evidence: ["no lab command port"] });
  const vm = ctx.lab.after[0];
  await step(ctx, "deployed lab", "stop --park", vm, { sku: PARKED_SKU, running: RUNNING_SKU, conversions: 1 });
  await step(ctx, "deployed lab", "start", vm, { sku: RUNNING_SKU, conversions: 2 });
}

/**
 * After destroy: a third conversion of the first VM's disk refused (the budget), then `park` and
 * `unpark` on the second VM's disk. A refusal that did not come is a finding only on the same UTC
 * day as the disk's conversions (the day may have turned during the run: then the disk is put back).
 */
export async function checkParkingDestroyed(ctx: RunContext): Promise<void> {
  if (!ctx.ports.parking) return;
  const [first, second] = ctx.lab.after;
  const before = await diskNow(ctx, first);
  const third = await labCommand(ctx, "park", first);
  const after = await diskNow(ctx, first);
  if (third.ok) {
    // A new UTC day: npm run lab was right to convert; put the disk back for the next up.
    const back = await labCommand(ctx, "unpark", first);
    note(ctx.answers, "parking", before?.conversions !== CONVERSIONS_PER_DISK || !!after && after.conversions < (before?.conversions ?? 0), `after destroy: a third park of ${first.osDisk} ran (the UTC day turned: ${show(after)}); unpark ${back.ok ? "put it back" : `failed: ${back.error}`}`);
  } else {
    const unchanged = !!after && after.sku === before?.sku && after.conversions === before?.conversions;
    note(ctx.answers, "parking", unchanged && /a day|twice/i.test(third.error), `after destroy: a third conversion of ${first.osDisk} refused before Azure was asked: ${third.error}; the disk: ${show(after)}`);
  }
  await step(ctx, "after destroy", "park", second, { sku: PARKED_SKU, running: RUNNING_SKU, conversions: 1 });
  await step(ctx, "after destroy", "unpark", second, { sku: RUNNING_SKU, conversions: 2 });
}
