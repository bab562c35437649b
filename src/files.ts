/**
 * Reading the user's input files with a size limit checked before the read, so that a
 * mistaken path (a disk image, a log) is refused at once instead of filling memory.
 */
import * as fs from "fs";
import { Problem } from "./problems";

/** The largest CSV or stack file read: 1 MiB, far beyond any lab (one short row per VM). */
export const MAX_INPUT_BYTES = 1024 * 1024;

/**
 * Reads a file's bytes. Returns them, or a problem naming `shownAs` (the path as the user
 * wrote it) when the file cannot be read or is larger than `maxBytes`. Never throws.
 */
export function readInputFile(filePath: string, shownAs: string, what: string, maxBytes = MAX_INPUT_BYTES): { bytes: Buffer } | { problem: Problem } {
  try {
    const size = fs.statSync(filePath).size;
    if (size > maxBytes) {
      return { problem: { file: shownAs, line: 0, column: "(file)", message: `the ${what} is ${size} bytes, more than the ${maxBytes} bytes (1 MiB) accepted; is this the right file?` } };
    }
    return { bytes: fs.readFileSync(filePath) };
  } catch (err) {
    return { problem: { file: shownAs, line: 0, column: "(file)", message: `cannot read the ${what}: ${(err as Error).message}` } };
  }
}
