/**
 * Reads `lab.csv` with csv-parse into rows of named cells, each with its line number.
 * Column meaning is validated in `lab.ts`; this file only knows the shape of the file.
 *
 * The columns (`csvColumns.ts`) are those of the 2014 classic scripts ("Building an inexpensive
 * Exchange lab in Azure", 2014), so an existing CSV keeps working: header required, any order,
 * names case-insensitive.
 */
import { parse } from "csv-parse/sync";
import { MAX_INPUT_BYTES } from "../files";
import { Problem } from "../problems";

export { CSV_COLUMNS, REQUIRED_COLUMNS } from "./csvColumns";
export type { CsvColumn } from "./csvColumns";
import { CSV_COLUMNS, CsvColumn, REQUIRED_COLUMNS } from "./csvColumns";

/** Limits that keep a mistaken input (a log file, a disk image) from exhausting memory. */
export const MAX_CSV_BYTES = MAX_INPUT_BYTES;
export const MAX_CSV_ROWS = 1000;

/** One data row: its 1-based line (where the record starts) and its cells by column. */
export interface CsvRow {
  line: number;
  cells: Partial<Record<CsvColumn, string>>;
}

/** What Excel tells Excel: a first line `sep=;` naming the file's separator. */
const SEP_LINE = /^sep=(.*)$/i;
/** The advice for a file this reader cannot take as Excel saved it. */
export const SAVE_AS_CSV = "save it from Excel as 'CSV UTF-8 (Comma delimited)'";

/**
 * The separator of CSV text as Excel saves it, and the text to parse: a first line `sep=X`
 * (Excel's hint, written by some exports and by European Excel) names it and is blanked (so
 * line numbers stay the file's); otherwise a header line with no `,` whose `;`-separated cells
 * name a column is semicolon-separated (Excel in locales whose decimal separator is a comma),
 * one whose tab-separated cells name a column is tab-separated (Excel's "Text (Tab delimited)",
 * a copy from a spreadsheet); otherwise `,`.
 * csv-parse takes any one-character separator and honours quotes around cells holding it.
 */
export function detectSeparator(text: string): { delimiter: string; text: string } | { error: string } {
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const end = body.search(/\r\n|\r|\n/);
  const first = end < 0 ? body : body.slice(0, end);
  // Not trimmed: the separator may be a tab (sep=<TAB>).
  const hint = SEP_LINE.exec(first);
  if (hint) {
    const sep = hint[1];
    if (sep.length !== 1 || /["\r\n]/.test(sep)) return { error: `the first line '${first}' is Excel's separator hint, with a separator this reader cannot use; ${SAVE_AS_CSV}` };
    return { delimiter: sep, text: end < 0 ? "" : body.slice(end) };
  }
  const header = body.split(/\r\n|\r|\n/).find((line) => line.trim() !== "") ?? "";
  const namesColumns = (sep: string) => header.includes(sep) && !header.includes(",") && header.split(sep).some((cell) => CSV_COLUMNS.some((c) => c.toLowerCase() === cell.trim().replace(/^"(.*)"$/, "$1").toLowerCase()));
  // Excel's "Text (Tab delimited)" and copies from a spreadsheet are tab-separated.
  const delimiter = [";", "\t"].find(namesColumns) ?? ",";
  return { delimiter, text };
}

/**
 * Parses CSV text (UTF-8 already decoded; a BOM, CRLF, quoted fields and blank lines are
 * accepted), comma-, semicolon- or tab-separated, with or without Excel's `sep=` first line
 * ({@link detectSeparator}). Header cells left empty at the end of the header (Excel's
 * `...,DiskTiers,,,`) are ignored when their columns are empty in every row. Returns the data
 * rows and every problem found in the header and row shapes; cells are trimmed. `file` only
 * names the file in problems. Never throws.
 */
export function readLabCsv(text: string, file: string): { rows: CsvRow[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const problem = (line: number, column: string, message: string) => problems.push({ file, line, column, message });

  if (Buffer.byteLength(text, "utf8") > MAX_CSV_BYTES) {
    problem(0, "(file)", `the file is larger than ${MAX_CSV_BYTES} bytes; a lab CSV has one short row per VM`);
    return { rows: [], problems };
  }

  const separator = detectSeparator(text);
  if ("error" in separator) {
    problem(1, "(file)", separator.error);
    return { rows: [], problems };
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(separator.text, {
      bom: true,
      delimiter: separator.delimiter,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      record_delimiter: ["\r\n", "\n", "\r"],
    }) as unknown as typeof records;
  } catch (err) {
    const e = err as Error & { lines?: number };
    const lastLine = text.split(/\r\n|\r|\n/).length;
    problem(Math.min(e.lines ?? 0, lastLine), "(file)", `not valid CSV: ${e.message}${separator.delimiter === "," ? "" : ` (read as '${separator.delimiter}'-separated; if that is wrong, ${SAVE_AS_CSV})`}`);
    return { rows: [], problems };
  }
  // A record's info.lines is the line it ends on, as csv-parse counts lines: it counts a CRLF
  // inside a quoted cell as two line breaks where an editor sees one, so that excess is taken
  // off (cumulatively), and the breaks inside the record's cells give the line it starts on.
  const starts = new Map<(typeof records)[number], number>();
  let excess = 0;
  for (const r of records) {
    excess += r.record.reduce((n, cell) => n + (cell.match(/\r\n/g)?.length ?? 0), 0);
    const inside = r.record.reduce((n, cell) => n + (cell.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
    starts.set(r, r.info.lines - excess - inside);
  }
  const startLine = (r: (typeof records)[number]) => starts.get(r) ?? 0;
  const nonBlank = records.filter((r) => r.record.some((cell) => cell.trim() !== ""));

  if (nonBlank.length === 0) {
    problem(0, "(header)", `the file is empty; it needs a header row (${CSV_COLUMNS.join(",")}) and one row per VM`);
    return { rows: [], problems };
  }
  if (nonBlank.length - 1 > MAX_CSV_ROWS) {
    problem(0, "(file)", `the file has ${nonBlank.length - 1} rows; at most ${MAX_CSV_ROWS} VMs are supported`);
    return { rows: [], problems };
  }

  const [header, ...data] = nonBlank;
  const headerLine = startLine(header);
  // Excel extends the header with empty cells over columns that once held something; they are
  // ignored while every row leaves them empty.
  let width = header.record.length;
  while (width > 0 && header.record[width - 1].trim() === "") width--;
  const spare = header.record.length - width;
  const columns = headerColumns(header.record.slice(0, width), (column, message) => problem(headerLine, column, message));

  const rows: CsvRow[] = [];
  for (const r of data) {
    const line = startLine(r);
    if (r.record.length > header.record.length) {
      problem(line, "(row)", `the row has ${r.record.length} fields but the header has ${header.record.length}`);
      continue;
    }
    const stray = r.record.findIndex((cell, i) => i >= width && cell.trim() !== "");
    if (spare > 0 && stray >= 0) {
      problem(line, "(row)", `field ${stray + 1} holds '${r.record[stray].trim()}' but its header cell is empty; name the column or clear the cell`);
      continue;
    }
    const cells: Partial<Record<CsvColumn, string>> = {};
    r.record.forEach((cell, i) => {
      const column = columns[i];
      if (column) cells[column] = cell.trim();
    });
    rows.push({ line, cells });
  }
  return { rows, problems };
}

/**
 * Decodes a CSV file's bytes as UTF-8. Returns the text, or a problem naming the line
 * of the first byte sequence that is not UTF-8 (Excel's "CSV" may be Windows-1252), or naming
 * UTF-16 ({@link detectUtf16}).
 */
export function decodeUtf8(bytes: Uint8Array, file: string): { text: string } | { problem: Problem } {
  const utf16 = detectUtf16(bytes);
  if (utf16) {
    return { problem: { file, line: 1, column: "(file)", message: `the file is UTF-16 text (${utf16}), as Excel's 'Unicode Text' saves it; ${SAVE_AS_CSV}` } };
  }
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    // Find the first bad line by decoding line by line.
    let line = 1;
    let start = 0;
    for (let i = 0; i <= bytes.length; i++) {
      if (i === bytes.length || bytes[i] === 0x0a) {
        try {
          new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(start, i));
        } catch {
          break;
        }
        line++;
        start = i + 1;
      }
    }
    return {
      problem: { file, line, column: "(file)", message: "the file is not UTF-8 text; save it as 'CSV UTF-8' (Excel) or convert it" },
    };
  }
}

/**
 * Tells UTF-16 text: by its byte-order mark (FF FE little-endian, FE FF big-endian), or without
 * one by the zero bytes that ASCII characters carry in UTF-16 (in the first 512 bytes, at least
 * a third of the odd positions zero for little-endian, of the even ones for big-endian; UTF-8
 * text has no zero bytes). Returns the encoding's description, or `undefined`.
 */
export function detectUtf16(bytes: Uint8Array): string | undefined {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return "little-endian, with a byte-order mark";
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return "big-endian, with a byte-order mark";
  const sample = bytes.subarray(0, 512);
  const pairs = Math.floor(sample.length / 2);
  if (pairs < 2) return undefined;
  let zeroOdd = 0;
  let zeroEven = 0;
  for (let i = 0; i + 1 < sample.length; i += 2) {
    if (sample[i] === 0) zeroEven++;
    if (sample[i + 1] === 0) zeroOdd++;
  }
  if (zeroOdd * 3 >= pairs && zeroOdd > zeroEven) return "little-endian, without a byte-order mark";
  if (zeroEven * 3 >= pairs && zeroEven > zeroOdd) return "big-endian, without a byte-order mark";
  return undefined;
}

/**
 * The header's cells as columns (`undefined` for an unknown or repeated one, whose cells are
 * dropped); reports each unknown, repeated or missing required column.
 */
function headerColumns(cells: readonly string[], problem: (column: string, message: string) => void): (CsvColumn | undefined)[] {
  const columns: (CsvColumn | undefined)[] = [];
  const seen = new Set<CsvColumn>();
  for (const raw of cells) {
    const name = raw.trim();
    const column = CSV_COLUMNS.find((c) => c.toLowerCase() === name.toLowerCase());
    if (!column) {
      problem(name || "(empty)", `unknown column '${name}'; the columns are ${CSV_COLUMNS.join(", ")}`);
    } else if (seen.has(column)) {
      problem(column, `column ${column} appears more than once in the header`);
    } else {
      seen.add(column);
    }
    columns.push(column && !columns.includes(column) ? column : undefined);
  }
  for (const required of REQUIRED_COLUMNS) {
    if (!seen.has(required)) problem(required, `required column ${required} is missing from the header`);
  }
  return columns;
}
