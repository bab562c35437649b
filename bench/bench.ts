/**
 * `npm run bench`: times the offline plan of the example lab and of generated labs of 10, 50
 * and 200 VMs, and, in the same run, the same number of bare resource registrations under the
 * same mock runtime (the floor every Pulumi program pays). Prints medians of several runs and
 * the ratio plan/floor. Not a test: no figure here is asserted anywhere.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { recordingMocks } from "../src/plan/mocks";
import { runPlan } from "../src/plan/plan";

const ROOT = path.resolve(__dirname, "..");
const STACK = path.join(ROOT, "stacks", "Pulumi.oxford.yaml");
const HEADER = "BringOnline,VMName,StorageAccount,VMOSDiskName,VMInstanceSize,SubnetName,IPAddress,Location,AffinityGroup,WaitForBoot,PublicRDPPort,Endpoints,DataDisks";

/** A lab of `n` VMs: the example stack's two domain controllers (its dnsServers name them), then members. */
function generatedCsv(n: number): string {
  const rows = ["Yes,mh-oxf-dc1,,mh-oxf-dc1-os,Small,Oxford,,,,Yes,3389,,", "Yes,mh-lon-dc1,,mh-lon-dc1-os,Small,London,,,,Yes,3390,,"];
  for (let i = 2; i < n; i++) {
    const subnet = i % 2 === 0 ? "Oxford" : "London";
    rows.push(`Yes,vm${i},,vm${i}-os,Medium,${subnet},,,,${i % 25 === 0 ? "Yes" : "No"},${3400 + i},${i % 10 === 0 ? "https" : ""},vm${i}-data`);
  }
  return [HEADER, ...rows].join("\n") + "\n";
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function timePlan(csv: string | undefined): Promise<{ ms: number; resources: number }> {
  const started = process.hrtime.bigint();
  const result = await runPlan({ stackFile: STACK, csv, baseDir: ROOT });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.errors.length > 0) throw new Error(JSON.stringify(result.errors));
  return { ms, resources: result.resources.length };
}

/** The smallest custom resource: a type token, a name, no inputs. */
class Bare extends pulumi.CustomResource {
  constructor(name: string) {
    super("exchange-lab:bench:Bare", name, {}, {});
  }
}

async function timeFloor(count: number): Promise<number> {
  const started = process.hrtime.bigint();
  await pulumi.runtime.setMocks(recordingMocks([]), "exchange-lab", "floor", true, "organization");
  const bare = Array.from({ length: count }, (_, i) => new Bare(`bare-${i}`));
  await Promise.all(bare.map((r) => new Promise((resolve) => r.urn.apply(resolve))));
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function main(): Promise<void> {
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "exchange-lab-bench-"));
  const labs: [string, string | undefined][] = [["example (lab.csv)", undefined]];
  for (const n of [10, 50, 200]) {
    const file = path.join(dir, `lab-${n}.csv`);
    fs.writeFileSync(file, generatedCsv(n));
    labs.push([`generated, ${n} VMs`, file]);
  }
  // Progress on stderr, one line per step, so a minute of work never looks like a hang; the
  // table on stdout stays clean for a file.
  const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);
  progress(`warming up (loading modules, one plan of the example lab); then ${labs.length} labs x ${runs} runs of plan + floor`);
  await timePlan(undefined); // warm-up: module loading is not part of the figures

  console.log(`exchange-lab bench, ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${runs} runs each (medians; plan and floor interleaved in one run)`);
  const rows = [["lab", "resources", "plan ms", "ms/resource", "floor ms", "floor ms/resource", "plan/floor"]];
  for (const [name, csv] of labs) {
    const plan: number[] = [];
    const floor: number[] = [];
    let resources = 0;
    for (let i = 0; i < runs; i++) {
      progress(`${name}: run ${i + 1} of ${runs}`);
      const p = await timePlan(csv);
      resources = p.resources;
      plan.push(p.ms);
      floor.push(await timeFloor(resources));
    }
    const [pm, fm] = [median(plan), median(floor)];
    rows.push([name, String(resources), pm.toFixed(0), (pm / resources).toFixed(2), fm.toFixed(0), (fm / resources).toFixed(2), (pm / fm).toFixed(1)]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
