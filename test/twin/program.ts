/**
 * The inline program of a twin run: the very function `index.ts` exports (what `pulumi up` runs in
 * the project directory), loaded lazily so that importing the harness does not load the program.
 */
import labProgram from "../../index";

/** Runs the lab's program. */
export const program = async () => labProgram();
