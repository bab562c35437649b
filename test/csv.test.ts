import { strict as assert } from "assert";
import { MAX_CSV_ROWS, decodeUtf8, readLabCsv } from "../src/input/csv/csv";
import { HEADER, onlyProblem } from "./helpers";

const ROW = "Yes,dc1,,dc1-os,Small,Oxford,,West Europe,,Yes,3389";

describe("reading lab.csv", () => {
  it("reads the classic header and a row into named cells with the row's line", () => {
    const { rows, problems } = readLabCsv(`${HEADER}\n${ROW}\n`, "lab.csv");
    assert.deepEqual(problems, []);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].line, 2);
    assert.equal(rows[0].cells.VMName, "dc1");
    assert.equal(rows[0].cells.IPAddress, "");
    assert.equal(rows[0].cells.PublicRDPPort, "3389");
  });

  it("accepts a UTF-8 BOM, CRLF line ends, blank lines and quoted fields", () => {
    const text = `\ufeff${HEADER}\r\n\r\n"Yes","dc1",,"dc1-os","Small","Oxford",,"West Europe",,"Yes","3389"\r\n\r\n`;
    const { rows, problems } = readLabCsv(text, "lab.csv");
    assert.deepEqual(problems, []);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].line, 3);
    assert.equal(rows[0].cells.BringOnline, "Yes");
  });

  it("takes columns in any order and header names in any case", () => {
    const { rows, problems } = readLabCsv("subnetname,VMNAME,vmosdiskname,VmInstanceSize\nOxford,dc1,dc1-os,Small\n", "lab.csv");
    assert.deepEqual(problems, []);
    assert.deepEqual(rows[0].cells, { SubnetName: "Oxford", VMName: "dc1", VMOSDiskName: "dc1-os", VMInstanceSize: "Small" });
  });

  it("counts a record's line from where it starts when a quoted cell spans lines", () => {
    const { rows } = readLabCsv(`${HEADER}\n${ROW}\n"Yes","dc2\nx",,dc2-os,Small,Oxford,,,,No,\nYes,dc3,,dc3-os,Small,Oxford,,,,No,\n`, "lab.csv");
    assert.deepEqual(rows.map((r) => r.line), [2, 3, 5]);
  });

  it("names an unknown column and the header line", () => {
    const p = onlyProblem(readLabCsv(`${HEADER},Colour\n${ROW},red\n`, "lab.csv").problems);
    assert.deepEqual(p, { file: "lab.csv", line: 1, column: "Colour", message: p.message });
    assert.match(p.message, /unknown column 'Colour'/);
  });

  it("rejects a column that appears twice", () => {
    const p = onlyProblem(readLabCsv(`${HEADER},vmname\n${ROW},x\n`, "lab.csv").problems);
    assert.equal(p.column, "VMName");
    assert.match(p.message, /more than once/);
  });

  it("requires the VMName, VMInstanceSize and SubnetName columns (VMOSDiskName only on rows without Image)", () => {
    const { problems } = readLabCsv("BringOnline,IPAddress\nYes,10.20.1.4\n", "lab.csv");
    assert.deepEqual(problems.map((p) => p.column).sort(), ["SubnetName", "VMInstanceSize", "VMName"]);
  });

  it("rejects a row with more fields than the header, naming its line", () => {
    const p = onlyProblem(readLabCsv(`${HEADER}\n${ROW}\n${ROW},extra\n`, "lab.csv").problems);
    assert.equal(p.line, 3);
    assert.match(p.message, /12 fields but the header has 11/);
  });

  it("reports malformed CSV (an unclosed quote) with its line", () => {
    const p = onlyProblem(readLabCsv(`${HEADER}\n${ROW}\n"Yes,dc2\n`, "lab.csv").problems);
    assert.match(p.message, /not valid CSV/);
    assert.ok(p.line >= 3);
  });

  it("rejects an empty file and says what a header looks like", () => {
    const p = onlyProblem(readLabCsv("\n\n", "lab.csv").problems);
    assert.match(p.message, /empty.*header row \(BringOnline,VMName/);
  });

  it("keeps formula-like cells as plain text", () => {
    const { rows } = readLabCsv(`${HEADER}\nYes,"=cmd|' /C calc'!A0",,d,Small,Oxford,,,,No,\n`, "lab.csv");
    assert.equal(rows[0].cells.VMName, "=cmd|' /C calc'!A0");
  });

  it(`stops at a clear limit of ${MAX_CSV_ROWS} rows instead of reading without end`, () => {
    const many = Array.from({ length: MAX_CSV_ROWS + 1 }, (_, i) => `Yes,vm${i},,d${i},Small,Oxford,,,,No,`);
    const p = onlyProblem(readLabCsv([HEADER, ...many].join("\n"), "lab.csv").problems);
    assert.match(p.message, /at most 1000 VMs/);
  });

  it("names the first line that is not UTF-8", () => {
    const bytes = Buffer.concat([Buffer.from(`${HEADER}\nYes,dc1,,d,Small,Oxford,,`), Buffer.from([0x4d, 0xfc, 0x6e]), Buffer.from(",,No,\n")]);
    const decoded = decodeUtf8(bytes, "lab.csv");
    assert.ok("problem" in decoded);
    assert.equal(decoded.problem.line, 2);
    assert.match(decoded.problem.message, /not UTF-8/);
  });
});

describe("reading lab.csv: line numbers as an editor shows them", () => {
  it("counts a CRLF inside a quoted cell as one line break", () => {
    const { rows } = readLabCsv(`${HEADER}\r\nYes,a,,a-os,Small,Oxford,,,,"x\r\ny",\r\nYes,b,,b-os,Small,Oxford,,,,No,\r\n`, "lab.csv");
    assert.deepEqual(rows.map((r) => r.line), [2, 4]);
  });
  it("never reports a line past the end of the file for an unclosed quote", () => {
    const text = `${HEADER}\n"\r\n,`;
    const p = onlyProblem(readLabCsv(text, "lab.csv").problems);
    assert.ok(p.line <= 3, JSON.stringify(p));
  });
});
