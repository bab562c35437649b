// Properties: over random edit sequences of random labs, each step deployed against the one before
// (its deployedLab record read back as the previous deployment), no VM deployed in the previous
// step changes address unless its own row's IPAddress (or subnet) changed; and with the network
// edited too (subnets resized, moved, renamed, address space replaced; rows moved between subnets), no step that deploys
// changes a subnet or address space under deployed VMs or moves their addresses. Pure: no mock runtime.
import { strict as assert } from "assert";
import fc from "fast-check";
import { cidrOverlaps, parseCidr } from "../src/input/addresses";
import { readLabCsv } from "../src/input/csv/csv";
import { DeployedLabRecord, deployedLabRecord, previousDeployment } from "../src/input/lab/previous";
import { LabValidationError } from "../src/input/problems";
import { loadLab, recordedNicNames } from "../src/program";
import { exampleConfig } from "./helpers";

const HEADER = "BringOnline,VMName,VMOSDiskName,VMInstanceSize,SubnetName,IPAddress,DataDisks";
const CONFIG = exampleConfig({ "exchange-lab:vpn": "false", "exchange-lab:subnets": JSON.stringify({ Oxford: "10.20.1.0/28", London: "10.20.2.0/28" }) });
const NAMES = ["dc1", "dc2", "ex1", "ex2", "cl1", "cl2", "lon1", "lon2"];

interface Row {
  name: string;
  online: boolean;
  subnet: "Oxford" | "London";
  /** Written address: last octet, or undefined for an empty cell. */
  ip?: number;
  disks: string[];
}
const text = (rows: readonly Row[]) =>
  [HEADER, ...rows.map((r) => [r.online ? "Yes" : "No", r.name, `${r.name}-os`, "Small", r.subnet, r.ip === undefined ? "" : `10.20.${r.subnet === "Oxford" ? 1 : 2}.${r.ip}`, r.disks.join(";")].join(","))].join("\n") + "\n";

const rowArb = (name: string) =>
  fc.record({
    name: fc.constant(name),
    online: fc.boolean(),
    subnet: fc.constantFrom<Row["subnet"]>("Oxford", "London"),
    ip: fc.option(fc.integer({ min: 4, max: 14 }), { nil: undefined }),
    disks: fc.subarray([`${name}-d1`, `${name}-d2`, `${name}-d3`]),
  });
const labArb = fc.shuffledSubarray(NAMES, { minLength: 1, maxLength: 6 }).chain((names) => fc.tuple(...names.map(rowArb)));

type Edit = (rows: Row[]) => Row[];
const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.tuple(fc.nat(), rowArb("new")).map(([at, r]): Edit => (rows) => {
    const name = NAMES.map((n) => `${n}x`).find((n) => !rows.some((x) => x.name === n)) ?? "spare";
    const copy = [...rows];
    copy.splice(at % (rows.length + 1), 0, { ...r, name, disks: [] });
    return copy;
  }),
  fc.nat().map((at): Edit => (rows) => (rows.length > 1 ? rows.filter((_, i) => i !== at % rows.length) : rows)),
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]): Edit => (rows) => {
    const copy = [...rows];
    const [i, j] = [a % rows.length, b % rows.length];
    [copy[i], copy[j]] = [copy[j], copy[i]];
    return copy;
  }),
  fc.nat().map((at): Edit => (rows) => rows.map((r, i) => (i === at % rows.length ? { ...r, online: !r.online } : r))),
  fc.tuple(fc.nat(), fc.option(fc.integer({ min: 4, max: 14 }), { nil: undefined })).map(([at, ip]): Edit => (rows) => rows.map((r, i) => (i === at % rows.length ? { ...r, ip } : r))),
  fc.nat().map((at): Edit => (rows) => rows.map((r, i) => (i === at % rows.length ? { ...r, disks: [...r.disks].reverse() } : r))),
);

const locate = () => ({ file: "stack.yaml", line: 0 });

/** One pulumi up: the lab against `previous`, or problems (refused: the deployment stays as it was). */
function deploy(rows: readonly Row[], previous?: DeployedLabRecord): { record: DeployedLabRecord; ips: Map<string, string>; online: Set<string> } | undefined {
  try {
    const csvText = text(rows);
    const { lab, pinnedCsv } = loadLab(CONFIG, { locate, baseDir: ".", mode: "plan", csvText, previous: previous && previousDeployment(previous) });
    assert.deepEqual(readLabCsv(pinnedCsv, "lab.csv").problems, []);
    return {
      // The record as pulumi up exports it (with its NIC names, src/program.ts).
      record: deployedLabRecord(CONFIG, () => false, "lab.csv", pinnedCsv, recordedNicNames(lab)),
      ips: new Map(lab.vms.map((v) => [v.name, v.privateIp])),
      online: new Set(lab.vms.filter((v) => v.bringOnline).map((v) => v.name)),
    };
  } catch (err) {
    if (err instanceof LabValidationError) return undefined;
    throw err;
  }
}

describe("addresses over random edit sequences (fast-check)", () => {
  it("a VM deployed in the previous step keeps its address unless its own row's IPAddress or subnet changed", () => {
    let steps = 0;
    fc.assert(
      fc.property(labArb, fc.array(editArb, { minLength: 1, maxLength: 6 }), (start, edits) => {
        let rows: Row[] = start;
        let deployed = deploy(rows);
        for (const edit of edits) {
          const next = edit(rows);
          const result = deploy(next, deployed?.record);
          if (!result) continue; // refused or invalid: nothing changed in Azure
          steps++;
          for (const vm of deployed?.online ?? []) {
            const before = rows.find((r) => r.name === vm)!;
            const after = next.find((r) => r.name === vm);
            if (!after || after.ip !== before.ip || after.subnet !== before.subnet) continue;
            assert.equal(result.ips.get(vm), deployed!.ips.get(vm), `${vm} moved:\n${text(rows)}->\n${text(next)}`);
          }
          rows = next;
          deployed = result;
        }
      }),
      { numRuns: 300 },
    );
    console.log(`      lifecycle property: ${steps} deployed steps checked`);
  });
});

// The network, edited between steps: two subnets (A, B) that rows refer to by key, so that a
// renamed subnet is the same subnet to the property.
type Key = "Oxford" | "London";
interface Subnet {
  name: string;
  /** Third octet of 10.20.x.0. */
  third: number;
  prefix: 27 | 28;
}
interface Net {
  subnets: Record<Key, Subnet>;
  addressSpace: string[];
}
const NET: Net = { subnets: { Oxford: { name: "Oxford", third: 1, prefix: 28 }, London: { name: "London", third: 2, prefix: 28 } }, addressSpace: ["10.20.0.0/16"] };
const cidrOf = (s: Subnet) => `10.20.${s.third}.0/${s.prefix}`;
const configOf = (net: Net) =>
  exampleConfig({
    "exchange-lab:vpn": "false",
    "exchange-lab:addressSpace": JSON.stringify(net.addressSpace),
    "exchange-lab:subnets": JSON.stringify(Object.fromEntries(Object.values(net.subnets).map((s) => [s.name, cidrOf(s)]))),
  });
const ipText = (r: Row, net: Net) => (r.ip === undefined ? "" : `10.20.${net.subnets[r.subnet].third}.${r.ip}`);
const netText = (rows: readonly Row[], net: Net) =>
  [HEADER, ...rows.map((r) => [r.online ? "Yes" : "No", r.name, `${r.name}-os`, "Small", net.subnets[r.subnet].name, ipText(r, net), r.disks.join(";")].join(","))].join("\n") + "\n";

type NetEdit = (net: Net) => Net;
const keyArb = fc.constantFrom<Key>("Oxford", "London");
const withSubnet = (net: Net, key: Key, change: Partial<Subnet>): Net => ({ ...net, subnets: { ...net.subnets, [key]: { ...net.subnets[key], ...change } } });
const netEditArb: fc.Arbitrary<NetEdit> = fc.oneof(
  keyArb.map((k): NetEdit => (net) => withSubnet(net, k, { prefix: net.subnets[k].prefix === 28 ? 27 : 28 })),
  fc.tuple(keyArb, fc.integer({ min: 1, max: 6 })).map(([k, third]): NetEdit => (net) => withSubnet(net, k, { third })),
  fc.tuple(keyArb, fc.constantFrom("Oxford", "London", "Cambridge", "oxford", "LONDON")).map(([k, name]): NetEdit => (net) => {
    // Two subnets of one name would be one map key in the stack file: not a rename of one subnet.
    const other = net.subnets[k === "Oxford" ? "London" : "Oxford"];
    return other.name.toLowerCase() === name.toLowerCase() ? net : withSubnet(net, k, { name });
  }),
  fc.constantFrom<string[]>(["10.20.0.0/16"], ["10.20.0.0/16", "10.30.0.0/16"], ["10.20.0.0/17"]).map((addressSpace): NetEdit => (net) => ({ ...net, addressSpace })),
);

/** One pulumi up of the lab and network against `previous`, or undefined when refused. */
function deployNet(rows: readonly Row[], net: Net, previous?: DeployedLabRecord): { record: DeployedLabRecord; ips: Map<string, string>; online: Set<string> } | undefined {
  const config = configOf(net);
  try {
    const { lab, pinnedCsv } = loadLab(config, { locate, baseDir: ".", mode: "plan", csvText: netText(rows, net), previous: previous && previousDeployment(previous) });
    return {
      record: deployedLabRecord(config, () => false, "lab.csv", pinnedCsv, recordedNicNames(lab)),
      ips: new Map(lab.vms.map((v) => [v.name, v.privateIp])),
      online: new Set(lab.vms.filter((v) => v.bringOnline).map((v) => v.name)),
    };
  } catch (err) {
    if (err instanceof LabValidationError) return undefined;
    throw err;
  }
}

describe("the network over random edit sequences (fast-check)", () => {
  it("no step that deploys changes a subnet or address space under deployed VMs, or moves a deployed address its row did not move", () => {
    let steps = 0;
    let netSteps = 0;
    let moves = 0;
    // A row moved to the other subnet: its shell is re-created (shellEdits.ts), with the network edits around it.
    const move = fc.nat().map((at): Edit => (rows) => rows.map((r, i) => (i === at % rows.length ? { ...r, subnet: r.subnet === "Oxford" ? "London" : "Oxford" } : r)));
    const step = fc.oneof(editArb.map((e) => ({ rows: e })), move.map((e) => ({ rows: e })), netEditArb.map((n) => ({ net: n })));
    fc.assert(
      fc.property(labArb, fc.array(step, { minLength: 1, maxLength: 6 }), (start, edits) => {
        let rows: Row[] = start;
        let net = NET;
        let deployed = deployNet(rows, net);
        for (const edit of edits) {
          const nextRows = "rows" in edit ? edit.rows(rows) : rows;
          const nextNet = "net" in edit ? edit.net(net) : net;
          const result = deployNet(nextRows, nextNet, deployed?.record);
          if (!result) continue;
          steps++;
          if (JSON.stringify(nextNet) !== JSON.stringify(net)) netSteps++;
          if (rows.some((r) => deployed?.online.has(r.name) && nextRows.find((n) => n.name === r.name)?.subnet !== r.subnet)) moves++;
          const where = `${netText(rows, net)}${JSON.stringify(net)}\n->\n${netText(nextRows, nextNet)}${JSON.stringify(nextNet)}`;
          const used = new Set(rows.filter((r) => deployed?.online.has(r.name)).map((r) => r.subnet));
          for (const key of used) {
            assert.deepEqual(nextNet.subnets[key], net.subnets[key], `subnet ${key} changed under deployed VMs:\n${where}`);
          }
          for (const block of net.addressSpace.filter((b) => !nextNet.addressSpace.includes(b))) {
            const under = [...used].filter((key) => cidrOverlaps(parseCidr(block), parseCidr(cidrOf(net.subnets[key]))));
            assert.deepEqual(under, [], `address space ${block} removed under deployed VMs:\n${where}`);
          }
          for (const vm of deployed?.online ?? []) {
            const before = rows.find((r) => r.name === vm)!;
            const after = nextRows.find((r) => r.name === vm);
            if (!after || after.subnet !== before.subnet || ipText(after, nextNet) !== ipText(before, net)) continue;
            assert.equal(result.ips.get(vm), deployed!.ips.get(vm), `${vm} moved:\n${where}`);
          }
          rows = nextRows;
          net = nextNet;
          deployed = result;
        }
      }),
      { numRuns: 200 },
    );
    console.log(`      network property: ${steps} deployed steps checked, ${netSteps} of them with the network changed, ${moves} with a deployed VM moved to the other subnet`);
    assert.ok(moves > 0, "no deployed VM was moved between subnets");
  });
});
