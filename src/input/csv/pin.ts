/**
 * Writing chosen values into the lab CSV without disturbing anything else: `npm run plan -- --pin`
 * fills the empty `IPAddress` cells (and gives `DataDisks` items their LUNs), and every deployment
 * records the same pinned text (`previous.ts`). Every byte outside the edited cells stays as it
 * was: quoting, spacing, line ends, a BOM, blank lines.
 *
 * csv-parse reads the file everywhere else; it does not report where each cell lies, so this file
 * finds cell boundaries with the RFC 4180 rules csv-parse applies (fields separated by the file's
 * own separator as `detectSeparator` tells it: comma, semicolon, tab or Excel's `sep=` line; a
 * quoted field runs to the quote not followed by another quote; records end at CRLF, LF or CR)
 * and checks every cell it finds against csv-parse's reading of the same text before editing:
 * when they differ it edits nothing and says so.
 */
import { CSV_COLUMNS, CsvColumn, detectSeparator, readLabCsv } from "./csv";

/** One cell to write: the record starting on `line` (as `CsvRow.line`), its `column`, the text. */
export interface CellEdit {
  line: number;
  column: CsvColumn;
  value: string;
}

interface Field {
  start: number;
  end: number;
}
interface RawRecord {
  line: number;
  fields: Field[];
  /** Offset just after the record's last field (before its line break). */
  end: number;
}

/**
 * Splits CSV text into records and field offsets (RFC 4180, fields separated by `sep`). With
 * `skipFirstLine` (Excel's `sep=` line) the first line is an empty record.
 */
function scan(text: string, sep: string, skipFirstLine: boolean): RawRecord[] {
  const records: RawRecord[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (skipFirstLine) {
    const br = text.slice(i).search(/\r|\n/);
    i = br < 0 ? text.length : i + br;
  }
  let line = 1;
  const lineBreak = (at: number) => (text[at] === "\r" && text[at + 1] === "\n" ? 2 : text[at] === "\r" || text[at] === "\n" ? 1 : 0);
  while (i <= text.length) {
    const startLine = line;
    const fields: Field[] = [];
    for (;;) {
      const start = i;
      if (text[i] === '"') {
        i++;
        while (i < text.length) {
          if (text[i] === '"' && text[i + 1] === '"') i += 2;
          else if (text[i] === '"') {
            i++;
            break;
          } else {
            const br = lineBreak(i);
            if (br > 0) {
              line++;
              i += br;
            } else i++;
          }
        }
      }
      while (i < text.length && text[i] !== sep && lineBreak(i) === 0) i++;
      fields.push({ start, end: i });
      if (text[i] === sep) {
        i++;
        continue;
      }
      break;
    }
    records.push({ line: startLine, fields, end: i });
    const br = lineBreak(i);
    if (br === 0) break;
    i += br;
    line++;
  }
  return records;
}

/** A field's value as csv-parse gives it (quotes removed, doubled quotes undone), trimmed. */
function valueOf(text: string, f: Field): string {
  const raw = text.slice(f.start, f.end).trim();
  return raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2 ? raw.slice(1, -1).replace(/""/g, '"').trim() : raw;
}

/**
 * Writes `edits` into CSV text in its own separator. A missing trailing cell is added with the
 * separators before it; an edited cell is written unquoted unless its value needs quotes. Returns the new text, or an
 * error when the text is not a CSV this program reads, the header lacks an edited column, or an
 * edit names no record. Pure; never throws.
 */
export function writeCells(text: string, edits: readonly CellEdit[]): { text: string } | { error: string } {
  const parsed = readLabCsv(text, "lab.csv");
  if (parsed.problems.length > 0) return { error: "the CSV has problems; fix them before pinning" };
  const separator = detectSeparator(text);
  if ("error" in separator) return { error: separator.error };
  const sep = separator.delimiter;
  const hinted = /^\uFEFF?sep=/i.test(text);
  const records = scan(text, sep, hinted).filter((r) => r.fields.some((f) => valueOf(text, f) !== ""));
  const [header, ...data] = records;
  if (!header) return { error: "the CSV is empty" };
  // The scanner must read every cell as csv-parse does, or nothing is edited.
  if (data.length !== parsed.rows.length || data.some((r, i) => r.line !== parsed.rows[i].line)) {
    return { error: "the CSV's records could not be located exactly; write the values by hand" };
  }
  const columns = header.fields.map((f) => CSV_COLUMNS.find((c) => c.toLowerCase() === valueOf(text, f).toLowerCase()));
  for (const [i, r] of data.entries()) {
    for (const [j, f] of r.fields.entries()) {
      const column = columns[j];
      if (column && valueOf(text, f) !== (parsed.rows[i].cells[column] ?? "")) return { error: `line ${r.line}: the cell ${column} could not be located exactly; write the values by hand` };
    }
  }
  // Apply from the end of the text so that earlier offsets stay valid.
  const replacements: { start: number; end: number; text: string }[] = [];
  for (const edit of edits) {
    const index = columns.indexOf(edit.column);
    if (index < 0) return { error: `the header has no ${edit.column} column; add it, then pin again` };
    const record = data.find((r) => r.line === edit.line);
    if (!record) return { error: `no record starts on line ${edit.line}` };
    const cell = /["\r\n]/.test(edit.value) || edit.value.includes(sep) ? `"${edit.value.replace(/"/g, '""')}"` : edit.value;
    if (index < record.fields.length) replacements.push({ start: record.fields[index].start, end: record.fields[index].end, text: cell });
    else replacements.push({ start: record.end, end: record.end, text: sep.repeat(index - record.fields.length + 1) + cell });
  }
  let out = text;
  for (const r of replacements.sort((a, b) => b.start - a.start)) out = out.slice(0, r.start) + r.text + out.slice(r.end);
  return { text: out };
}
