// Bad input as the user meets it: `npm run plan` on each class of bad file, what it prints,
// and that nothing is declared.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import fc from "fast-check";
import { runPlan } from "../src/plan/plan";
import { HEADER, baseStackYaml, planCli, writeLab } from "./helpers";

const plan = (csv: string | Buffer, stackYaml?: string, ...argv: string[]) => planCli(csv, stackYaml, ...argv);
const ROW = "Yes,dc1,,dc1-os,Small,Oxford,,,,No,";

describe("bad input, through npm run plan", () => {
  const cases: [string, string | Buffer, RegExp][] = [
    ["non-UTF-8 bytes (a Windows-1252 CSV)", Buffer.concat([Buffer.from(`${HEADER}\nYes,M`), Buffer.from([0xfc]), Buffer.from("ller,,d,Small,Oxford,,,,No,\n")]), /lab\.csv:2: \(file\): the file is not UTF-8/],
    ["duplicate header columns", `${HEADER},VMName\n${ROW},x\n`, /lab\.csv:1: VMName: column VMName appears more than once/],
    ["a port of 0", `${HEADER}\nYes,dc1,,dc1-os,Small,Oxford,,,,No,0\n`, /lab\.csv:2: PublicRDPPort: '0' is not a port number from 1 to 65534/],
    ["a port of 65536", `${HEADER}\nYes,dc1,,dc1-os,Small,Oxford,,,,No,65536\n`, /lab\.csv:2: PublicRDPPort: '65536' is not a port number/],
    ["an IPv6 address where IPv4 is required", `${HEADER}\nYes,dc1,,dc1-os,Small,Oxford,fd00::4,,,No,\n`, /lab\.csv:2: IPAddress: 'fd00::4' is an IPv6 address/],
    ["a VMName Azure would reject", `${HEADER}\nYes,dc_1,,dc1-os,Small,Oxford,,,,No,\n`, /lab\.csv:2: VMName: 'dc_1' is not a valid Windows VM name/],
    ["a formula-like cell, shown as the plain text it is", `${HEADER}\nYes,"=cmd|' /C calc'!A0",,d,Small,Oxford,,,,No,\n`, /VMName: '=cmd\|' \/C calc'!A0' is not a valid Windows VM name/],
    ["a subnet with no free address left", `${HEADER}\n${["a", "b", "c", "d"].map((n) => `Yes,${n},,${n}-os,Small,Tiny,,,,No,`).join("\n")}\n`, /lab\.csv:5: IPAddress: subnet Tiny \(10\.20\.9\.0\/29\) has no free address left/],
    ["100,000 rows", [HEADER, ...Array.from({ length: 100000 }, (_, i) => `Yes,vm${i},,d${i},Small,Oxford,,,,No,`)].join("\n"), /more than the 1048576 bytes \(1 MiB\) accepted/],
  ];
  const tinySubnet = baseStackYaml().replace("    London: 10.20.2.0/24", "    London: 10.20.2.0/24\n    Tiny: 10.20.9.0/29");
  for (const [what, csv, expected] of cases) {
    it(`${what}: exits 1, says where and what, declares nothing`, async () => {
      const r = await plan(csv, tinySubnet);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, expected);
      assert.match(r.stderr, /nothing was declared/);
      const json = await plan(csv, tinySubnet, "--json");
      assert.deepEqual(JSON.parse(json.stdout).resources, []);
    });
  }

  it("a 100 MB file: refused from its size before it is read", async () => {
    const { dir, stackFile } = writeLab("");
    const big = path.join(dir, "big.csv");
    fs.writeFileSync(big, "");
    fs.truncateSync(big, 100 * 1024 * 1024); // sparse: costs no disk and no time
    const started = Date.now();
    const result = await runPlan({ stackFile, csv: big, baseDir: dir });
    assert.match(result.errors[0].message, /104857600 bytes, more than the 1048576 bytes/);
    assert.ok(Date.now() - started < 5000);
  });

  it("malformed YAML in the stack file: names the file and line", async () => {
    const r = await plan(`${HEADER}\n${ROW}\n`, "config:\n  exchange-lab:subnets: {Oxford: 10.20.1.0/24\n  exchange-lab:csv: lab.csv\n");
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Pulumi\.test\.yaml:3: \(yaml\):/);
  });

  it("a missing CSV: names the file", async () => {
    const { stackFile } = writeLab("");
    const result = await runPlan({ stackFile, csv: "/nonexistent/lab.csv" });
    assert.match(result.errors[0].message, /cannot read the lab CSV/);
  });

  it("for generated labs, the program under the mock runtime either declares resources or reports problems, never both", async () => {
    const cell = (good: string[], bad: string[]) => fc.constantFrom(...good, ...bad);
    const row = fc.tuple(
      cell(["Yes", "No", ""], ["Maybe"]),
      fc.constantFrom("dc1", "ex1", "cl1", "dc_1", ""),
      cell(["Small", "Large", "Standard_D2s_v5"], ["Huge", "Standard_A1"]),
      cell(["Oxford", "London"], ["Paris"]),
      cell(["", "10.20.1.20", "10.20.2.20"], ["10.20.1.255", "fd00::1"]),
      cell(["", "3389", "3390"], ["0"]),
      cell(["", "https", "smtp;http"], ["ftp"]),
    );
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 4 }), async (tuples) => {
        runs++;
        const rows = tuples.map(([b, n, size, subnet, ip, rdp, ep], i) => `${b},${n || `vm${i}`},,${n || "vm"}-os-${i},${size},${subnet},${ip},,,No,${rdp},${ep},`);
        const { dir, stackFile } = writeLab([`${HEADER},Endpoints,DataDisks`, ...rows].join("\n"));
        const result = await runPlan({ stackFile, baseDir: dir });
        assert.ok((result.errors.length > 0) !== (result.resources.length > 0), JSON.stringify(result.errors));
      }),
      { numRuns: 40 },
    );
    assert.equal(runs, 40);
  });
});
