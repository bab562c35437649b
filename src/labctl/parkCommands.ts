/**
 * `stop --park`, `start` (which unparks first), `park` and `unpark`: the VM steps of commands.ts
 * and the disk conversions of parking.ts, in the order Azure needs. A disk changes type only
 * while its VM is deallocated (https://learn.microsoft.com/azure/virtual-machines/disks-convert-types),
 * so `stop --park` deallocates every VM before the first conversion, and `start` converts every
 * parked disk back before the first VM starts.
 */
import { Lab, onlineVms } from "../input/lab/lab";
import { LabAzure } from "./azure";
import { CommandResult, Renderer, startLab, stopLab } from "./commands";
import { ConversionResult, Direction, convertDisks, labDisks, renderDiskPlan } from "./parking";
import { renderOrder } from "./order";

/** A command's result, with the disks' table after a half-done conversion and the command that finishes it. */
export interface ParkOutcome extends CommandResult {
  /** Every disk and its type now, when some disks changed and others did not. */
  partial?: string[];
  /** The `npm run lab` command (without options) that finishes the job after a failure. */
  finish?: string;
}

function merged(before: CommandResult, conversion: ConversionResult, finish: string): ParkOutcome {
  return {
    done: [...before.done, ...conversion.done],
    failures: [...before.failures, ...conversion.failures],
    notStarted: before.notStarted,
    partial: conversion.partial,
    finish: conversion.partial ? finish : undefined,
  };
}

/** `stop --park`: deallocate in reverse boot order, then convert every lab disk (all rows) to `parkedDiskSku`. */
export async function stopAndPark(lab: Lab, azure: LabAzure, renderer: Renderer, now?: Date): Promise<ParkOutcome> {
  const stopped = await stopLab(lab, azure, renderer);
  if (stopped.failures.length > 0) {
    return { ...stopped, failures: [...stopped.failures, "no disk was converted: a VM did not deallocate"], finish: "stop --park" };
  }
  return merged(stopped, await convertDisks(labDisks(lab.vms), azure, "park", lab.settings.parkedDiskSku, now), "park");
}

/** `start`: convert the started VMs' parked disks back to their recorded types, then start in boot order. */
export async function unparkAndStart(lab: Lab, azure: LabAzure, renderer: Renderer, now?: Date): Promise<ParkOutcome> {
  const conversion = await convertDisks(labDisks(onlineVms(lab)), azure, "unpark", lab.settings.parkedDiskSku, now);
  if (conversion.failures.length > 0) {
    return { ...merged({ done: [], failures: [], notStarted: onlineVms(lab).map((v) => v.name) }, conversion, "start"), finish: "start" };
  }
  const started = await startLab(lab, azure, renderer);
  return { ...started, done: [...conversion.done, ...started.done] };
}

/** `park` / `unpark`: the disks of every row, VMs untouched (a destroyed lab, or one already deallocated). */
export async function parkOnly(lab: Lab, azure: LabAzure, direction: Direction, now?: Date): Promise<ParkOutcome> {
  return merged({ done: [], failures: [], notStarted: [] }, await convertDisks(labDisks(lab.vms), azure, direction, lab.settings.parkedDiskSku, now), direction);
}

/** The dry run of every command: VM steps and disk conversions, in the order they would happen. */
export function renderDryRun(lab: Lab, command: "start" | "stop" | "status" | "park" | "unpark", park: boolean): string {
  if (command === "park" || command === "unpark") {
    const what = command === "park" ? `convert, VMs untouched, every OS disk of the CSV to ${lab.settings.parkedDiskSku.os} and every data disk to ${lab.settings.parkedDiskSku.data} (a disk of a running VM stops the run before any change)` : "convert, VMs untouched, every parked disk of the CSV back (a disk not parked is left as it is)";
    return [`dry run: would ${what}:`, ...renderDiskPlan(lab, labDisks(lab.vms), command), ""].join("\n");
  }
  if (command === "start") {
    const disks = renderDiskPlan(lab, labDisks(onlineVms(lab)), "unpark");
    return [`dry run: first, each parked disk of the VMs below (a disk not parked is left as it is):`, ...disks, renderOrder(lab, "start")].join("\n");
  }
  if (command === "stop" && park) {
    return [renderOrder(lab, "stop").trimEnd(), `then, every VM deallocated, every disk of the CSV:`, ...renderDiskPlan(lab, labDisks(lab.vms), "park"), ""].join("\n");
  }
  return renderOrder(lab, command);
}
