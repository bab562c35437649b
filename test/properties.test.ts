// Property-based tests (fast-check) of the pure validation pipeline: lab.csv text -> rows -> lab,
// stack config map -> settings, stack-file text -> config map. Over generated input each step
// must return (never throw), give a result XOR at least one problem, and locate every problem.
//
// Run alone with: npx mocha --no-config -r ts-node/register/transpile-only test/properties.test.ts
// (.mocharc.json's spec is added to any spec given on the command line, so without --no-config
// mocha runs every test file.)
import { strict as assert } from "assert";
import fc from "fast-check";
import { parseDocument } from "yaml";
import { parseIpv4, usableRange, cidrContains, cidrOverlaps } from "../src/input/addresses";
import { CSV_COLUMNS, CsvColumn, REQUIRED_COLUMNS, readLabCsv } from "../src/input/csv/csv";
import { Lab, buildLab, onlineVms } from "../src/input/lab/lab";
import { LabValidationError, Problem, formatProblem, sortProblems } from "../src/input/problems";
import { CONFIG_KEYS, ConfigLocator, LOCATION_KEY, NAMESPACE, StackSettings, parseSettings } from "../src/input/stack/settings";
import { parseStackFile } from "../src/input/stack/stackFile";
import { HEADER, exampleConfig, exampleSettings, rowsOf } from "./helpers";

// ---------------------------------------------------------------------------------------------
// Bookkeeping: how many cases each property generated (printed once, after the suite).

const counts: Record<string, number> = {};
let labsBuilt = 0;
let settingsBuilt = 0;
let stacksRead = 0;
function counted<A extends unknown[]>(name: string, predicate: (...args: A) => void): (...args: A) => void {
  counts[name] = 0;
  return (...args: A) => {
    counts[name]++;
    predicate(...args);
  };
}

/** Number of lines of a text, counting CRLF, LF and a lone CR as line ends (as lab.csv does). */
function lineCount(text: string): number {
  return text.split(/\r\n|\r|\n/).length;
}

/** Asserts the shape every problem must have: file, integer line in [0, maxLine], column, message. */
function assertLocated(problems: readonly Problem[], file: string, maxLine: number): void {
  for (const p of problems) {
    const where = JSON.stringify(p);
    assert.equal(p.file, file, where);
    assert.ok(Number.isInteger(p.line) && p.line >= 0 && p.line <= maxLine, `line out of [0, ${maxLine}]: ${where}`);
    assert.ok(typeof p.column === "string" && p.column.length > 0, `empty column: ${where}`);
    assert.ok(typeof p.message === "string" && p.message.length > 0, `empty message: ${where}`);
  }
  // The one way invalid input leaves the program: every problem at once, formatted.
  if (problems.length > 0) {
    const err = new LabValidationError(sortProblems(problems));
    assert.equal(err.problems.length, problems.length);
    problems.forEach((p) => assert.ok(formatProblem(p).includes(p.column)));
  }
}

// ---------------------------------------------------------------------------------------------
// 1. lab.csv

const SETTINGS: StackSettings[] = [
  exampleSettings(),
  // Tiny subnets, so that address assignment runs out (/29: 3 usable addresses; /28: 11).
  exampleSettings({ "exchange-lab:subnets": JSON.stringify({ Oxford: "10.20.1.0/29", London: "10.20.2.0/28" }) }),
];

/** Runs readLabCsv then (when the CSV is well-formed) buildLab; checks what must hold for any text. */
function checkCsvPipeline(text: string, settings: StackSettings): { rows: number[]; lab?: Lab; problems: Problem[] } {
  const maxLine = lineCount(text);
  const read = readLabCsv(text, "lab.csv");
  assertLocated(read.problems, "lab.csv", maxLine);
  read.rows.forEach((r) => assert.ok(Number.isInteger(r.line) && r.line >= 1 && r.line <= maxLine, `row line ${r.line}`));
  if (read.problems.length > 0) return { rows: read.rows.map((r) => r.line), problems: read.problems };

  const built = buildLab(settings, read.rows, "lab.csv");
  assert.ok((built.lab === undefined) !== (built.problems.length === 0), "a lab XOR at least one problem");
  assertLocated(built.problems, "lab.csv", maxLine);
  for (const p of built.problems) {
    assert.ok((CSV_COLUMNS as readonly string[]).includes(p.column) || p.column === "(file)", `column ${p.column}`);
    assert.ok(p.line === 0 || read.rows.some((r) => r.line === p.line), `problem on line ${p.line}, which starts no row`);
  }
  if (built.lab) {
    labsBuilt++;
    assertLabInvariants(built.lab, read.rows.map((r) => r.line));
  }
  return { rows: read.rows.map((r) => r.line), lab: built.lab, problems: built.problems };
}

/** What a returned lab guarantees to the declaration code. */
function assertLabInvariants(lab: Lab, rowLines: number[]): void {
  assert.deepEqual(lab.vms.map((v) => v.line), rowLines, "one VM per row, in CSV order");
  const names = lab.vms.map((v) => v.name.toLowerCase());
  assert.equal(new Set(names).size, names.length, `VM names not unique: ${names}`);
  const ips = lab.vms.map((v) => v.privateIp);
  assert.equal(new Set(ips).size, ips.length, `private IPs not unique: ${ips}`);
  for (const vm of lab.vms) {
    const subnet = lab.settings.subnets.find((s) => s.name === vm.subnet);
    assert.ok(subnet, `${vm.name}: unknown subnet ${vm.subnet}`);
    const ip = parseIpv4(vm.privateIp);
    assert.ok(ip !== undefined, `${vm.name}: private IP '${vm.privateIp}'`);
    const { first, last } = usableRange(subnet.cidr);
    assert.ok(ip >= first && ip <= last, `${vm.name}: ${vm.privateIp} outside the usable range of ${subnet.cidr.text}`);
    assert.ok(vm.size !== "" && vm.osDisk.name !== "", `${vm.name}: size or disk missing`);
  }
  const online = onlineVms(lab);
  online.forEach((vm, i) => {
    for (const dep of vm.dependsOn) {
      assert.ok(online.slice(0, i).some((earlier) => earlier.name === dep), `${vm.name} depends on ${dep}, not an earlier online VM`);
    }
  });
  lab.vms.filter((v) => !v.bringOnline).forEach((v) => assert.deepEqual(v.dependsOn, []));
}

// Cell values by column: valid ones (so that labs get built) and invalid ones, plus hostile text.
const hostileCell = fc.oneof(
  fc.constantFrom("=cmd|' /C calc'!A0", "@SUM(A1)", "+1", "-1", '"', 'a"b', '""', "a,b", "a\nb", "a\r\nb", "a\rb", "\ufeff", " ", "\t", "\u0000", "é", "😀", "x".repeat(300)),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 12 }),
);
const diskId = (group: string, name: string) => `/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/${group}/providers/Microsoft.Compute/disks/${name}`;
const yesNo = { valid: fc.constantFrom("", "Yes", "No", "yes", "NO"), invalid: fc.constantFrom("Maybe", "true", "1", "Y") };
const CELLS: Record<CsvColumn, { valid: fc.Arbitrary<string>; invalid: fc.Arbitrary<string> }> = {
  BringOnline: yesNo,
  VMName: {
    valid: fc.oneof(
      { weight: 8, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,6}[a-z0-9]$/) },
      { weight: 1, arbitrary: fc.constantFrom("dc1", "DC1", "ex1", "mh-oxf-dc1", "exchange-server-01", "x".repeat(64)) },
    ),
    invalid: fc.constantFrom("", "x".repeat(65), "dc_1", "dc.1", "dc1-", "12345", "a b", "dc1;", "dc1!", "dc/1"),
  },
  StorageAccount: { valid: fc.constantFrom("", "portalvhds"), invalid: fc.constantFrom("=1+1") },
  VMOSDiskName: {
    valid: fc.oneof(
      { weight: 8, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]-os$/) },
      { weight: 1, arbitrary: fc.constantFrom(diskId("exchange-lab-disks", "d1"), diskId("EXCHANGE-LAB-DISKS", "d2")) },
    ),
    invalid: fc.constantFrom("", "-bad", "bad-", "/not/an/id", diskId("exchange-lab", "d3"), "/subscriptions/x/resourceGroups/exchange-lab-disks/providers/Microsoft.Storage/storageAccounts/x"),
  },
  VMInstanceSize: {
    valid: fc.oneof(
      { weight: 2, arbitrary: fc.mixedCase(fc.constantFrom("ExtraSmall", "Small", "Medium", "Large", "ExtraLarge")) },
      { weight: 1, arbitrary: fc.constantFrom("Standard_D2s_v5", "Standard_B2s", "Standard_A1_v2", "Standard_B2s_v2", "Standard_B2als_v2") },
    ),
    invalid: fc.constantFrom("", "Huge", "A1", "Standard_A1", "Basic_A0", "Standard_A11", "Standard_D2ps_v5", "Standard_B2pls_v2", "standard_d2s_v5", "Standard_"),
  },
  SubnetName: { valid: fc.constantFrom("Oxford", "London", "oxford", "LONDON"), invalid: fc.constantFrom("", "Cambridge", "GatewaySubnet", "Oxford ") },
  IPAddress: {
    valid: fc.oneof(
      { weight: 4, arbitrary: fc.constant("") },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(1, 2), fc.integer({ min: 4, max: 14 })).map(([c, d]) => `10.20.${c}.${d}`) },
    ),
    invalid: fc.oneof(
      fc.tuple(fc.constantFrom(0, 1, 2, 3), fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 255 }))).map(([c, d]) => `10.20.${c}.${d}`),
      fc.constantFrom("10.20.1.400", "010.20.1.4", "10.20.1.04", "10.20.1", "10.20.1.4/24", "10.20.1.0/24", "fd00::4", "::1", "::ffff:10.20.1.4", "10.20.1.4.", "0x0a.20.1.4"),
      fc.ipV4(),
      fc.ipV4Extended(),
      fc.ipV6(),
    ),
  },
  Location: { valid: fc.constantFrom("", "West Europe", "westeurope", "WESTEUROPE", "west  europe"), invalid: fc.constantFrom("North Europe", "west-europe", "westeurope2") },
  AffinityGroup: { valid: fc.constantFrom("", "Some-AG"), invalid: fc.constantFrom("@SUM(A1)") },
  WaitForBoot: yesNo,
  PublicRDPPort: {
    valid: fc.oneof({ weight: 2, arbitrary: fc.constant("") }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 65534 }).map(String) }, { weight: 1, arbitrary: fc.integer({ min: 3380, max: 3400 }).map(String) }),
    invalid: fc.oneof(
      fc.integer({ min: -70000, max: 70000 }).map(String),
      fc.constantFrom("0", "-1", "65536", "99999", "99999999999999999999", "3389.0", "1e3", "0x0d3d", "rdp", "+3389", " 3389x"),
    ),
  },
  Endpoints: {
    valid: fc.oneof(
      { weight: 3, arbitrary: fc.constant("") },
      { weight: 2, arbitrary: fc.subarray(["smtp", "https", "http", "HTTPS", "8080", "587"], { minLength: 1 }).map((xs) => xs.join(";")) },
    ),
    invalid: fc.constantFrom("ftp", "0", "65536", "https;https", "443;https", "3389", "smtp;x"),
  },
  DiskTiers: {
    valid: fc.oneof({ weight: 3, arbitrary: fc.constant("") }, { weight: 1, arbitrary: fc.constantFrom("S10", "p10", "E30") }),
    invalid: fc.constantFrom("X10", "S11", "S10;S10;S10;S10"),
  },
  DataDisks: {
    valid: fc.oneof({ weight: 3, arbitrary: fc.constant("") }, { weight: 1, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,6}[a-z0-9]$/).map((n) => `${n}-data;${n}-logs`) }),
    invalid: fc.constantFrom("-bad", "a;a", diskId("other-rg", "d1"), "/subscriptions/x"),
  },
  Image: {
    valid: fc.oneof({ weight: 4, arbitrary: fc.constant("") }, { weight: 1, arbitrary: fc.constantFrom("ws2022", "WS2025-g2", "MicrosoftWindowsServer:WindowsServer:2022-datacenter-g2:latest") }),
    invalid: fc.constantFrom("ws2019", "a:b:c", "a:b:c:d", "MicrosoftWindowsServer:WindowsServer:-x:latest"),
  },
  ComputerName: {
    valid: fc.oneof({ weight: 4, arbitrary: fc.constant("") }, { weight: 1, arbitrary: fc.constantFrom("DC01", "ex-1") }),
    invalid: fc.constantFrom("x".repeat(16), "12345", "dc_1", "dc.1"),
  },
  // A role needs an Image, a DC before it, ...: rules across rows, tested in test/roles.test.ts.
  Role: { valid: fc.constant(""), invalid: fc.constantFrom("Domain", "Client", "DC;Exchange") },
};
/** A cell of the column: in a clean file only valid values, otherwise some invalid and hostile ones. */
const cellFor = (column: string, clean: boolean): fc.Arbitrary<string> => {
  const known = CSV_COLUMNS.find((c) => c.toLowerCase() === column.trim().toLowerCase());
  if (!known) return clean ? fc.constant("") : hostileCell;
  if (clean) return CELLS[known].valid;
  return fc.oneof({ weight: 12, arbitrary: CELLS[known].valid }, { weight: 2, arbitrary: CELLS[known].invalid }, { weight: 1, arbitrary: hostileCell });
};

// Header names: known ones in any case (sometimes padded), unknown ones, duplicates.
const cased = (name: string) => fc.oneof(fc.constant(name), fc.constant(name.toLowerCase()), fc.constant(name.toUpperCase()), fc.mixedCase(fc.constant(name)), fc.constant(` ${name} `));
const headerName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...CSV_COLUMNS) },
  { weight: 1, arbitrary: fc.constantFrom("Colour", "", "VM Name", "IP", "=cmd|' /C calc'!A0", "VMName2", "\ufeffVMName") },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);
const OPTIONAL_COLUMNS = CSV_COLUMNS.filter((c) => !REQUIRED_COLUMNS.includes(c));
const headerNames = (clean: boolean) =>
  (clean
    ? // Every required column and some optional ones, in any order.
      fc.subarray(OPTIONAL_COLUMNS).chain((optional) => fc.shuffledSubarray([...REQUIRED_COLUMNS, ...optional], { minLength: REQUIRED_COLUMNS.length + optional.length }))
    : fc.oneof(
        { weight: 3, arbitrary: fc.shuffledSubarray([...CSV_COLUMNS], { minLength: CSV_COLUMNS.length }) },
        { weight: 2, arbitrary: fc.shuffledSubarray([...CSV_COLUMNS], { minLength: 1 }) },
        { weight: 2, arbitrary: fc.array(headerName, { minLength: 1, maxLength: 13 }) },
      )
  )
    .chain((names) => fc.tuple(...names.map(cased)));

/** One serialised cell: quoted when it must be (or at random), with quotes doubled. */
const serialise = (cell: string, quote: boolean) => (quote || /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

interface CsvCase {
  text: string;
  /** Line on which each record (header and data rows, not blank lines) starts. */
  recordLines: number[];
}

/** A well-formed CSV file: header, rows (sometimes short or long), blank lines, BOM, one line-end style. */
const structuredCsv: fc.Arbitrary<CsvCase> = fc
  .oneof({ weight: 2, arbitrary: fc.constant(true) }, { weight: 3, arbitrary: fc.constant(false) })
  .chain((clean) => headerNames(clean).map((header) => ({ clean, header })))
  .chain(({ clean, header }) => {
    const quotes = (n: number) => fc.array(fc.boolean(), { minLength: n, maxLength: n });
    // A data row: a cell per header column; outside clean files sometimes fewer or more cells.
    const shape = clean ? fc.constant(0) : fc.oneof({ weight: 10, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -3, max: 2 }) });
    const dataRow = fc
      .tuple(fc.tuple(...header.map((h) => cellFor(h, clean))), shape, fc.array(hostileCell, { minLength: 2, maxLength: 2 }), quotes(header.length + 2))
      .map(([cells, change, extra, quoted]) => {
        const all = change < 0 ? cells.slice(0, Math.max(1, cells.length + change)) : [...cells, ...extra.slice(0, change)];
        return all.map((c, i) => serialise(c, quoted[i])).join(",");
      });
    return fc.record({
      bom: fc.boolean(),
      ending: fc.constantFrom("\n", "\r\n", "\r"),
      header: quotes(header.length).map((quoted) => header.map((h, i) => serialise(h, quoted[i])).join(",")),
      // Each row may follow a line that is blank, or only separators and spaces.
      rows: fc.array(fc.tuple(fc.option(fc.constantFrom("", " ", ",,", "\t,"), { freq: 4 }), dataRow), { maxLength: 8 }),
      trailing: fc.boolean(),
    });
  })
  .map(({ bom, ending, header, rows, trailing }) => {
    const lines: string[] = [header];
    const recordLines: number[] = [1];
    let line = 1 + (header.match(/\r\n|\r|\n/g)?.length ?? 0);
    for (const [blank, row] of rows) {
      if (blank !== null) {
        lines.push(blank);
        line++;
      }
      lines.push(row);
      recordLines.push(++line);
      line += row.match(/\r\n|\r|\n/g)?.length ?? 0;
    }
    return { text: (bom ? "\ufeff" : "") + lines.join(ending) + (trailing ? ending : ""), recordLines };
  });

// Fully random text, and random text made of CSV-ish tokens (sometimes after the classic header).
const csvToken = fc.constantFrom(",", ",", '"', "\n", "\r", "\r\n", " ", "\ufeff", "Yes", "No", "VMName", "vmosdiskname", "VMInstanceSize", "SubnetName", "IPAddress", "PublicRDPPort", "Oxford", "Small", "dc1", "dc1-os", "10.20.1.4", "=cmd|' /C calc'!A0", "a", "1");
const randomCsv = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.string({ unit: csvToken, maxLength: 80 }),
  fc.string({ unit: csvToken, maxLength: 80 }).map((s) => `${HEADER}\n${s}`),
);
const settingsIndex = fc.integer({ min: 0, max: SETTINGS.length - 1 });

describe("properties of the validation pipeline (generated input)", function () {
  this.timeout(60000);

  after(() => {
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const each = Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(", ");
    console.log(`properties: ${total} generated cases (${each}; labs built ${labsBuilt}, settings built ${settingsBuilt}, stack files read ${stacksRead})`);
  });

  describe("lab.csv -> rows -> lab", () => {
    it("never throws on random text, and locates every problem", () => {
      fc.assert(fc.property(randomCsv, settingsIndex, counted("csv-random", (text: string, s: number) => void checkCsvPipeline(text, SETTINGS[s]))), { numRuns: 3000 });
    });

    it("on generated lab files: never throws, points every problem at a record, and any lab keeps its invariants", () => {
      fc.assert(
        fc.property(
          structuredCsv,
          settingsIndex,
          counted("csv-structured", (c: CsvCase, s: number) => {
            const { rows, problems } = checkCsvPipeline(c.text, SETTINGS[s]);
            assert.ok(!problems.some((p) => p.message.startsWith("not valid CSV")), `well-formed CSV rejected: ${JSON.stringify(problems)}`);
            for (const p of problems) assert.ok(p.line === 0 || c.recordLines.includes(p.line), `problem on line ${p.line}; records start on ${c.recordLines}: ${JSON.stringify(p)}`);
            for (const line of rows) assert.ok(c.recordLines.includes(line), `row on line ${line}; records start on ${c.recordLines}`);
          }),
        ),
        { numRuns: 4000 },
      );
    });

    // Found by both properties above (csv-parse counts a CRLF inside a quoted cell as two lines,
    // so rows after it, and a 'not valid CSV' problem, pointed one line too far, even past the
    // end of the file); fixed in src/input/csv/csv.ts since. Kept as regression tests.
    it("locates rows after a quoted cell holding CRLF", () => {
      const text = `${HEADER}\r\nYes,dc1,"note\r\nmore",dc1-os,Small,Oxford,,,,No,\r\nYes,dc2,,dc2-os,Huge,Oxford,,,,No,`;
      // Lines: 1 header, 2-3 dc1 (its cell spans them), 4 dc2.
      assert.deepEqual(rowsOf(text).map((r) => r.line), [2, 4]);
      assert.deepEqual(checkCsvPipeline(text, SETTINGS[0]).problems.map((p) => [p.line, p.column]), [[4, "VMInstanceSize"]]);
    });
    it("locates a row whose quoted cell holds a lone CR", () => {
      assert.deepEqual(rowsOf(`${HEADER}\nYes,dc1,"a\rb",dc1-os,Small,Oxford,,,,No,\nYes,dc2,,dc2-os,Small,Oxford,,,,No,`).map((r) => r.line), [2, 4]);
    });
    it("keeps a 'not valid CSV' problem inside the file", () => void checkCsvPipeline('"\r\n,', SETTINGS[0]));
  });

  // -------------------------------------------------------------------------------------------
  // 2. Stack config map -> settings

  describe("config map -> settings", () => {
    const full = (key: string) => `${NAMESPACE}:${key}`;
    const KNOWN = [LOCATION_KEY, ...Object.keys(CONFIG_KEYS).map(full)];
    /** Keys whose absence is a problem: always these, and onPremises unless vpn is false. */
    const requiredKeys = (raw: Record<string, string>) => [
      LOCATION_KEY,
      ...["resourceGroupName", "diskResourceGroupName", "addressSpace", "gatewaySubnet", "subnets"].map(full),
      ...((raw[full("vpn")] ?? "").trim().toLowerCase() === "false" ? [] : [full("onPremises")]),
    ];

    // An unknown key: a typo under exchange-lab:, or another namespace. Names of Object.prototype
    // members are left out: see the skipped test below.
    const unknownKey = fc.oneof(
      fc.constantFrom("subnet", "Subnets", "vpnsharedkey", "CSV", "location", "addressSpaces", "", " ").map(full),
      fc.string({ maxLength: 10 }).filter((s) => !(s in CONFIG_KEYS)).map(full),
      fc.constantFrom("aws:region", "azure-native:subscriptionId", "pulumi:template", "Exchange-Lab:csv", "exchange-lab", "location"),
    );
    const cidrText = fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 5 }), fc.constantFrom(16, 22, 24, 26, 27, 28, 29, 30)).map(([c, p]) => `10.20.${c}.0/${p}`),
      fc.constantFrom("10.20.0.0/16", "10.20.1.0/24", "10.20.0.0/27", "192.168.1.0/24", "10.20.1.5/24", "10.0.0.0/8", "0.0.0.0/0", "10.20.0.0/33", "10.20.0.0", "fd00::/8", "10.20.0.0/016", " 10.20.2.0/24 ", "10.20.0.0/-1", ""),
      fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 33 })).map(([ip, p]) => `${ip}/${p}`),
    );
    // JSON of random shapes. Object keys include Object.prototype's names, except toString and
    // valueOf, whose values crash parseSettings: see the skipped test below.
    const jsonKey = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom("publicIp", "fqdn", "addressSpaces", "ikeEncryption", "dhGroup", "pfsGroup", "saLifeTimeSeconds", "Oxford", "London", "1", "", "__proto__", "constructor", "hasOwnProperty") },
      { weight: 2, arbitrary: fc.string({ maxLength: 6 }).filter((k) => k !== "toString" && k !== "valueOf") },
    );
    const jsonLeaf = fc.oneof(
      fc.string({ maxLength: 8 }),
      cidrText,
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom("1", "2", "3", "AES256", "GCMAES128", "DHGroup14", "203.0.113.10", "10.0.0.1", "office.example.net", "27000", "-1"),
    );
    const jsonish: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof({ maxDepth: 3, depthSize: "small" }, jsonLeaf, fc.array(tie("value"), { maxLength: 3 }), fc.dictionary(jsonKey, tie("value"), { maxKeys: 3 })),
    })).value;
    const json = (arb: fc.Arbitrary<unknown>) => arb.map((v) => JSON.stringify(v) ?? "null");
    const cidrJson = fc.oneof(cidrText, jsonish);
    const subnetKey = fc.oneof(fc.constantFrom("Oxford", "London", "oxford", "GatewaySubnet", "azurebastionsubnet", "-bad", "a_", "__proto__", "constructor", "x.y", ""), fc.string({ maxLength: 6 }));
    const policyField = fc.constantFrom("ikeEncryption", "ikeIntegrity", "dhGroup", "ipsecEncryption", "ipsecIntegrity", "pfsGroup", "saLifeTimeSeconds", "saDataSizeKilobytes", "colour");
    const policyValue = fc.oneof(fc.constantFrom("GCMAES256", "GCMAES128", "AES256", "SHA256", "SHA1", "MD5", "DHGroup14", "DHGroup1", "PFS2048", "None", "DES", "300", "299", "1024"), fc.integer({ min: -1, max: 200000000 }), jsonLeaf);
    // Plausible values for the keys this file knows; a key added to CONFIG_KEYS later gets random values.
    const VALUES: Record<string, fc.Arbitrary<string>> = {
      [LOCATION_KEY]: fc.constantFrom("westeurope", "West Europe", "", " ", "west-europe", "North Europe", "日本"),
      [full("resourceGroupName")]: fc.constantFrom("exchange-lab", "exchange-lab-disks", "Exchange-Lab", "rg.", "(rg)", "a".repeat(91), "", "rg with space", "ü-rg"),
      [full("diskResourceGroupName")]: fc.constantFrom("exchange-lab", "exchange-lab-disks", "EXCHANGE-LAB", "disks.", "", "d/isks"),
      [full("csv")]: fc.constantFrom("lab.csv", "", "../other.csv"),
      [full("virtualNetworkName")]: fc.constantFrom("MCMHybrid", "a", "ab", "-x", "x_", "x".repeat(65), "vnet.1", "vnet."),
      [full("addressSpace")]: fc.oneof(cidrText, json(fc.array(cidrJson, { maxLength: 3 }))),
      [full("gatewaySubnet")]: cidrText,
      [full("subnets")]: json(fc.dictionary(subnetKey, cidrJson, { maxKeys: 4 })),
      [full("onPremises")]: json(
        fc.record(
          {
            publicIp: fc.oneof(fc.ipV4(), fc.constantFrom("203.0.113.10", "192.168.1.1", "100.64.0.1", " 198.51.100.7 "), jsonLeaf),
            fqdn: fc.oneof(fc.domain(), fc.constantFrom("office.example.net", "office", "-x.example.net"), jsonLeaf),
            addressSpaces: fc.oneof(cidrText, fc.array(cidrJson, { maxLength: 3 }), jsonish),
            colour: jsonLeaf,
          },
          { requiredKeys: [] },
        ),
      ),
      [full("vpn")]: fc.constantFrom("true", "false", "False", " TRUE ", "yes", "", "0"),
      [full("vpnGatewaySku")]: fc.constantFrom("VpnGw1AZ", "vpngw2az", "VpnGw5AZ", "VpnGw1", "Basic", "HighPerformance", "", "VpnGw6AZ"),
      [full("vpnGatewayZones")]: fc.oneof(json(fc.array(fc.oneof(fc.constantFrom("1", "2", "3", "4", 1, 2), jsonLeaf), { maxLength: 4 })), fc.constantFrom("[]", "1", "", "[\"1\",\"1\"]"), json(jsonish)),
      [full("ikeVersion")]: fc.constantFrom("IKEv2", "ikev1", "IKEv3", "", "2"),
      [full("ipsecPolicy")]: fc.oneof(json(fc.dictionary(policyField, policyValue, { maxKeys: 4 })), json(jsonish)),
      [full("vpnSharedKey")]: fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom("abcDEF123", "has-hyphen", "has space", "x".repeat(129), "", "[secret]")),
    };
    const anyValue = fc.oneof(fc.string({ maxLength: 20 }), json(jsonish), cidrText);
    const valueFor = (key: string) => fc.oneof({ weight: 4, arbitrary: VALUES[key] ?? anyValue }, { weight: 1, arbitrary: anyValue });
    const entry = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...KNOWN) }, { weight: 1, arbitrary: unknownKey }).chain((k) => valueFor(k).map((v): [string, string] => [k, v]));

    const configMap: fc.Arbitrary<Record<string, string>> = fc.oneof(
      // Random subsets of keys with random values.
      fc.uniqueArray(entry, { selector: (e) => e[0], maxLength: 12 }).map((entries) => Object.fromEntries(entries)),
      // The example stack with a few keys dropped, replaced or added: reaches valid settings.
      fc
        .record({
          drop: fc.oneof({ weight: 3, arbitrary: fc.constant([] as string[]) }, { weight: 1, arbitrary: fc.subarray(KNOWN, { maxLength: 2 }) }),
          change: fc.array(entry, { maxLength: 3 }),
        })
        .map(({ drop, change }) => {
          const config = exampleConfig();
          for (const k of drop) delete config[k];
          for (const [k, v] of change) config[k] = v;
          return config;
        }),
    );

    // Each key written on its own fake line, so a problem's line shows which key it was located by.
    const lineOfKey = (key: string) => 1 + ([...key].reduce((h, ch) => (h * 31 + ch.codePointAt(0)!) % 9973, 7) % 997);
    const locate: ConfigLocator = (key) => ({ file: "Pulumi.x.yaml", line: lineOfKey(key) });

    function checkSettings(raw: Record<string, string>): void {
      const { settings, problems, warnings } = parseSettings(raw, locate);
      assert.ok((settings === undefined) !== (problems.length === 0), "settings XOR at least one problem");
      assertLocated(problems, "Pulumi.x.yaml", 997);
      assertLocated(warnings, "Pulumi.x.yaml", 997);
      const keys = [...new Set([...Object.keys(raw), ...requiredKeys(raw)])];
      for (const p of [...problems, ...warnings]) {
        const owners = keys.filter((k) => p.column === k || p.column.startsWith(`${k}.`));
        assert.ok(owners.length > 0, `column '${p.column}' names no key of the input and no required key: ${JSON.stringify(p)}`);
        assert.ok(owners.some((k) => p.line === lineOfKey(k)), `located at line ${p.line}, not at its key: ${JSON.stringify(p)}`);
      }
      for (const key of Object.keys(raw)) {
        if (key.startsWith(`${NAMESPACE}:`) && !Object.prototype.hasOwnProperty.call(CONFIG_KEYS, key.slice(NAMESPACE.length + 1))) {
          assert.ok(problems.some((p) => p.column === key), `unknown key '${key}' not reported`);
        }
      }
      if (settings) {
        settingsBuilt++;
        assertSettingsInvariants(settings);
      }
    }

    function assertSettingsInvariants(s: StackSettings): void {
      assert.match(s.location, /^[a-z0-9]+$/);
      assert.notEqual(s.resourceGroupName.toLowerCase(), s.diskResourceGroupName.toLowerCase());
      assert.ok(s.addressSpace.length > 0 && s.subnets.length > 0);
      const inSpace = (c: (typeof s.addressSpace)[number]) => s.addressSpace.some((space) => cidrContains(space, c));
      assert.ok(inSpace(s.gatewaySubnet) && s.gatewaySubnet.prefix <= 29, s.gatewaySubnet.text);
      s.addressSpace.forEach((a, i) => s.addressSpace.slice(i + 1).forEach((b) => assert.ok(!cidrOverlaps(a, b), `${a.text} ${b.text}`)));
      s.subnets.forEach((a, i) => {
        assert.ok(inSpace(a.cidr) && a.cidr.prefix <= 29 && !cidrOverlaps(a.cidr, s.gatewaySubnet), a.cidr.text);
        for (const b of s.subnets.slice(i + 1)) {
          assert.notEqual(a.name.toLowerCase(), b.name.toLowerCase());
          assert.ok(!cidrOverlaps(a.cidr, b.cidr), `${a.cidr.text} ${b.cidr.text}`);
        }
      });
      for (const c of s.onPremises?.addressSpaces ?? []) assert.ok(!s.addressSpace.some((a) => cidrOverlaps(a, c)), c.text);
    }

    it("never throws, gives settings XOR problems, and puts every problem under a key it concerns", () => {
      fc.assert(fc.property(configMap, counted("settings", checkSettings)), { numRuns: 3000 });
    });

    // BUG (src/input/stack/settings.ts, unknown-key check): `suffix in CONFIG_KEYS` also finds members of
    // Object.prototype, so exchange-lab:toString, :constructor, :__proto__, :valueOf, ... are
    // silently accepted instead of being reported as unknown keys.
    it("reports exchange-lab:toString as an unknown key (counter-example)", () => {
      checkSettings({ ...exampleConfig(), "exchange-lab:toString": "x" });
    });
    // BUG (src/input/stack/settings.ts, String(...) of JSON values): a JSON object whose toString/valueOf are
    // not functions makes String() throw "Cannot convert object to primitive value".
    it("does not throw on vpnGatewayZones: [{toString: 1}] (counter-example)", () => {
      checkSettings({ ...exampleConfig(), "exchange-lab:vpnGatewayZones": '[{"toString":1}]' });
    });
    it("does not throw on onPremises.publicIp: {toString: 1} (counter-example)", () => {
      checkSettings({ ...exampleConfig(), "exchange-lab:onPremises": '{"publicIp":{"toString":1},"addressSpaces":["192.168.1.0/24"]}' });
    });
  });

  // -------------------------------------------------------------------------------------------
  // 3. Stack-file text -> config map (-> settings)

  describe("stack-file text -> config map", () => {
    const PATH = "Pulumi.x.yaml";
    const yamlToken = fc.constantFrom(
      "config:", "config:\n  ", "\n", "\n  ", "\n    ", "\r\n", "\r", "\t", " ", "- ", ": ", ":", ",", "{", "}", "[", "]", "'", '"', "#", "&a ", "*a", "<<: ", "? ",
      "!!binary ", "!!set ", "!!omap ", "!!str ", "!foo ", "|", ">-", "---\n", "...\n", "%YAML 1.1\n", "~", "null", "secure: ", "v1:AAAA", "exchange-lab:subnets",
      "exchange-lab:addressSpace", "azure-native:location", "10.20.0.0/16", "Oxford", "westeurope", "\ufeff", "\u0000",
    );
    const goodScalar = fc.constantFrom(
      "westeurope", "10.20.0.0/16", "''", '""', "~", "null", "true", "0x1F", "1e3", "-.inf", "'quoted: x'", '"esc \\" x"', "&a 1", "&b [x, y]", "!!binary aGVsbG8=",
      "!!str 1", "!foo bar", "[a, b]", "{a: 1}", "[10.20.0.0/16, 10.21.0.0/16]", "{Oxford: 10.20.1.0/24}", "|\n    text", ">-\n    folded", "{ secure: v1:AAAA }", "",
      "2001-12-14", "v1:AAAA",
    );
    const badScalar = fc.constantFrom("*a", "*b", "*nowhere", "{a: 1, a: 2}", "@x", "`x`", "%", "{", "[", "]", ": x", "a: b", "'", '"', "\t- x");
    const simpleKey = fc.constantFrom(
      "azure-native:location", "exchange-lab:subnets", "exchange-lab:addressSpace", "exchange-lab:gatewaySubnet", "exchange-lab:resourceGroupName", "exchange-lab:csv",
      "exchange-lab:onPremises", "exchange-lab:vpnSharedKey", "exchange-lab:colour", "'quoted key'", "&k key", "~", "1", "true", "a b", "config", "secure",
    );
    const complexKey = fc.constantFrom("*k", "[a]", "{a: 1}", "? complex", "", "<<");
    /** A stack file: a prelude, then config: with entries (scalars, lists, maps, secure values), then a tail. */
    const stackFileOf = (key: fc.Arbitrary<string>, scalar: fc.Arbitrary<string>) => {
      const value = fc.oneof(
        scalar.map((s) => ` ${s}`),
        fc.array(scalar, { minLength: 1, maxLength: 3 }).map((xs) => xs.map((x) => `\n  - ${x}`).join("")),
        fc.array(fc.tuple(key, scalar), { minLength: 1, maxLength: 3 }).map((kvs) => kvs.map(([k, v]) => `\n  ${k}: ${v}`).join("")),
        scalar.map((s) => `\n  secure: ${s}`),
        fc.constant(""),
      );
      // Entries share an indent, except sometimes one (a mistake a person makes).
      const indent = fc.constantFrom("  ", "    ", " ");
      return fc
        .record({
          prelude: fc.oneof(
            { weight: 6, arbitrary: fc.constantFrom("", "# comment\n", "%YAML 1.1\n---\n", "\ufeff", "defaults: &a\n  x: 1\n", "encryptionsalt: v1:abc\n", "---\n") },
            { weight: 1, arbitrary: fc.constantFrom("config: {}\n", "- x\n", "config:\n", "\t") },
          ),
          indent,
          entries: fc.array(fc.tuple(fc.oneof({ weight: 15, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom("", "\t", "     ") }), key, value), { maxLength: 6 }),
          eol: fc.constantFrom("\n", "\r\n"),
          tail: fc.oneof({ weight: 6, arbitrary: fc.constantFrom("", "\n", "...\n", "other: 1\n") }, { weight: 1, arbitrary: fc.constantFrom("config:\n  x: 1\n", "  - x\n", "---\nb: 1\n") }),
        })
        .map(({ prelude, indent, entries, eol, tail }) => {
          const body = entries.map(([odd, k, v]) => `\n${odd ?? indent}${k}:${v.replace(/\n/g, `\n${odd ?? indent}`)}`).join("");
          return `${prelude}config:${body}\n${tail}`.replace(/\n/g, eol);
        });
    };
    // YAML 1.1 merge keys (<<) with a source that is not a map crash parseStackFile: such files
    // are left out here, see the skipped test below.
    const crashesOnMerge = (t: string) => t.includes("%YAML 1.1") && t.includes("<<");
    const stackText = fc.oneof(
      { weight: 4, arbitrary: stackFileOf(fc.oneof({ weight: 5, arbitrary: simpleKey }, { weight: 1, arbitrary: complexKey }), fc.oneof({ weight: 8, arbitrary: goodScalar }, { weight: 1, arbitrary: badScalar })) },
      { weight: 2, arbitrary: fc.string({ unit: yamlToken, maxLength: 40 }) },
      { weight: 1, arbitrary: fc.string({ maxLength: 100 }) },
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 100 }) },
    ).filter((t) => !crashesOnMerge(t));

    function checkStackFile(text: string): void {
      const { stack, problems } = parseStackFile(text, PATH);
      assert.ok((stack === undefined) !== (problems.length === 0), "stack XOR at least one problem");
      assertLocated(problems, PATH, lineCount(text));
      if (!stack) return;
      stacksRead++;
      for (const [k, v] of Object.entries(stack.config)) {
        assert.equal(typeof v, "string", k);
        assert.equal(stack.locate(k).file, PATH);
      }
      stack.secretKeys.forEach((k) => assert.ok(k in stack.config, k));
      // The next step of the pipeline takes any stack file's config without throwing.
      const settings = parseSettings(stack.config, stack.locate);
      assert.ok((settings.settings === undefined) !== (settings.problems.length === 0));
      assertLocated(settings.problems, PATH, lineCount(text));
    }

    it("never throws, gives a stack XOR problems, and names the file in every problem", () => {
      fc.assert(fc.property(stackText, counted("stack-file", checkStackFile)), { numRuns: 3000 });
    });

    // BUG (found by the property above; src/input/stack/stackFile.ts): under %YAML 1.1 the yaml library
    // resolves merge keys, and toJSON() throws "Merge sources must be maps or map aliases" when
    // a << value is a scalar or a list of scalars; parseStackFile lets it escape.
    it("does not throw on a YAML 1.1 merge key with a scalar source (counter-example)", () => {
      checkStackFile("%YAML 1.1\n---\nconfig:\n  azure-native:location:\n    <<: westeurope\n");
    });

    /** The config values the yaml library itself gives (aliases resolved), rendered as Pulumi does. */
    function yamlOwnValues(text: string): Record<string, string> | undefined {
      try {
        const js: unknown = parseDocument(text, { uniqueKeys: true }).toJS();
        const config = typeof js === "object" && js !== null ? (js as Record<string, unknown>).config : undefined;
        if (typeof config !== "object" || config === null || Array.isArray(config)) return undefined;
        return Object.fromEntries(
          Object.entries(config as Record<string, unknown>).map(([k, v]) => [k, v === null || v === undefined ? "" : v instanceof Date ? v.toISOString() : typeof v === "object" ? JSON.stringify(v) : String(v)]),
        );
      } catch {
        return undefined;
      }
    }
    function checkValuesAsYamlReadsThem(text: string): void {
      const { stack } = parseStackFile(text, PATH);
      // Only a file the stack reader accepts (so no key that is a list or map) is compared.
      if (!stack) return;
      const expected = yamlOwnValues(text);
      if (!expected) return;
      for (const [k, v] of Object.entries(stack.config)) {
        if (stack.secretKeys.includes(k) || !Object.prototype.hasOwnProperty.call(expected, k)) continue;
        assert.equal(v, expected[k], `value of ${k}`);
      }
    }

    it("gives every key the value YAML gives it (files with scalar keys and no aliases)", () => {
      fc.assert(fc.property(stackFileOf(simpleKey, goodScalar), counted("stack-values", checkValuesAsYamlReadsThem)), { numRuns: 1000 });
    });

    // BUG (found by the property above when aliases were generated; shrunk to
    // "defaults: &a\n  x: 1\nconfig:\n  azure-native:location:\n    - *a\n    - westeurope\n"): an alias is read
    // with the yaml library's context-free toJSON(), which gives { source: <anchor> } instead of
    // the anchored value, so `exchange-lab:gatewaySubnet: *gw` becomes '{"source":"gw"}'.
    it("resolves a YAML alias to its anchored value (counter-example; src/input/stack/stackFile.ts)", () => {
      checkValuesAsYamlReadsThem("config:\n  exchange-lab:addressSpace: &a 10.20.0.0/16\n  exchange-lab:colour: *a\n");
    });
  });
});
