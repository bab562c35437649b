/**
 * Reading the user's input files (the CSV, the stack file, a previous plan) with a size limit,
 * so that a mistaken path is refused at once instead of filling memory: anything that is not a
 * regular file (a device such as /dev/zero, a pipe, a directory) is refused before a byte is
 * read, a file larger than the limit is refused from its size, and the read itself stops at the
 * limit (a file that grows while it is read cannot get past it).
 */
import * as fs from "fs";
import { Problem } from "./problems";

/** The largest CSV or stack file read: 1 MiB, far beyond any lab (one short row per VM). */
export const MAX_INPUT_BYTES = 1024 * 1024;

/** What a non-regular file is, for the message. */
function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return "a directory";
  if (stat.isCharacterDevice()) return "a character device, such as /dev/zero";
  if (stat.isBlockDevice()) return "a block device";
  if (stat.isFIFO()) return "a pipe (FIFO)";
  if (stat.isSocket()) return "a socket";
  return "not a regular file";
}

/**
 * Reads a file's bytes: the one place every input file of the program is read (CSV, stack
 * file; a `--previous FILE` reader should use it too). Returns the bytes, or a problem naming
 * `shownAs` (the path as the user wrote it) when the file cannot be read, is not a regular file,
 * or holds more than `maxBytes`. Never throws, and never blocks on a pipe: the file is opened
 * non-blocking and checked with `fstat` on the opened descriptor, so a path swapped for a pipe
 * after a check cannot slip through.
 */
export function readInputFile(filePath: string, shownAs: string, what: string, maxBytes = MAX_INPUT_BYTES): { bytes: Buffer } | { problem: Problem } {
  const problem = (message: string) => ({ problem: { file: shownAs, line: 0, column: "(file)", message } });
  const tooLarge = (size: string) => problem(`the ${what} is ${size}, more than the ${maxBytes} bytes (1 MiB) accepted; is this the right file?`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(filePath, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return problem(`the ${what} is ${kindOf(stat)}, not a regular file; give the path of a file`);
    if (stat.size > maxBytes) return tooLarge(`${stat.size} bytes`);
    // One byte past the limit tells a file that grew after fstat from one that fits.
    const buffer = Buffer.allocUnsafe(maxBytes + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length < buffer.length; length += n) n = fs.readSync(fd, buffer, length, buffer.length - length, null);
    if (length > maxBytes) return tooLarge("growing past the limit while it is read");
    return { bytes: Buffer.from(buffer.subarray(0, length)) };
  } catch (err) {
    return problem(`cannot read the ${what}: ${(err as Error).message}`);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
