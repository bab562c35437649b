/**
 * The real {@link ParkingPort}: the project's own `npm run lab` command line (src/labctl/cli.ts,
 * `main`), called in this process with the run's stack file and a CSV of the rows to touch, so
 * that the run exercises exactly the code a user runs (the boot order, the disk-type conversions
 * and their daily budget), without a shell or a second Node process.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { main as labMain } from "../labctl/cli";
import { LabCommand, LabCommandTarget, ParkingPort } from "./ports";

/** The command line `npm run lab` is given for one command (`--csv` is the file the CSV text is written to). */
export function labArgv(command: LabCommand, target: LabCommandTarget, csvFile: string): string[] {
  return [...command.split(" "), "--config", target.stackFile, "--csv", csvFile, "--subscription", target.subscriptionId];
}

/** `npm run lab`'s `main`, or a stand-in (tests). */
export type LabMain = typeof labMain;

/** The lab commands through `npm run lab`'s own `main` (the user's Azure sign-in, as `npm run lab` has it). */
export function labCommands(run: LabMain = labMain): ParkingPort {
  return {
    async run(command, target) {
      // The CSV beside the stack file: the stack's relative paths resolve from there.
      const csvFile = path.join(path.dirname(target.stackFile), `lab-${command.replace(/\W+/g, "-")}-${randomBytes(3).toString("hex")}.csv`);
      fs.writeFileSync(csvFile, target.csvText);
      let out = "";
      try {
        const code = await run(labArgv(command, target, csvFile), (s) => (out += s), (s) => (out += s), { baseDir: path.dirname(target.stackFile), renderer: "silent", abortSignal: target.signal ?? new AbortController().signal });
        if (code !== 0) throw new Error(`npm run lab -- ${command} exited ${code}: ${out.trim()}`);
        return out;
      } finally {
        fs.rmSync(csvFile, { force: true });
      }
    },
  };
}
