// The Role column and the domain keys (input side): the rules across rows, the keys' checks,
// missing secrets (the plan warns, pulumi up stops with the set --secret line), through the CLI.
import { strict as assert } from "assert";
import { buildLab } from "../src/input/lab/lab";
import { domainSettings, parseRole, roleDnsWarnings, roleProblems, runsRoleSteps } from "../src/input/lab/roles";
import { loadLab } from "../src/program";
import { LabValidationError } from "../src/input/problems";
import { baseStackYaml, exampleConfig, exampleSettings, planCli, rowsOf } from "./helpers";

const ROLE_HEADER = "BringOnline,VMName,VMOSDiskName,VMInstanceSize,SubnetName,IPAddress,WaitForBoot,Image,Role";
const GOOD = [
  "Yes,lab-dc1,,Medium,Oxford,,Yes,ws2022-g2,DC",
  "Yes,lab-ex1,,Large,Oxford,,No,ws2022-g2,Exchange",
  "Yes,lab-cl1,,Medium,Oxford,,No,ws2022-g2,Member",
];
const labOf = (rows: string[]) => buildLab(exampleSettings(), rowsOf([ROLE_HEADER, ...rows].join("\n")), "lab.csv");
const locate = () => ({ file: "stack.yaml", line: 7 });
const K = (k: string) => `exchange-lab:${k}`;

describe("the Role column", () => {
  it("accepts DC, Exchange and Member in any case, and empty", () => {
    assert.deepEqual(parseRole("dc"), { role: "DC" });
    assert.deepEqual(parseRole(" EXCHANGE "), { role: "Exchange" });
    assert.deepEqual(parseRole(""), {});
    assert.match((parseRole("Client") as { error: string }).error, /'Client' is not a role; use DC, Exchange, Member/);
  });

  it("a lab of one DC, one Exchange server and one member builds; the first DC is the forest root", () => {
    const { lab, problems } = labOf(GOOD);
    assert.deepEqual(problems, []);
    assert.deepEqual(lab!.vms.map((v) => v.role), ["DC", "Exchange", "Member"]);
    assert.ok(lab!.vms.every(runsRoleSteps), "fresh VMs run their role steps");
  });

  it("reports every broken rule at its cell: no Image, DC without WaitForBoot, no DC before, too little memory", () => {
    const { problems } = labOf([
      "Yes,lab-ex0,,Large,Oxford,,No,ws2022-g2,Exchange",
      "Yes,lab-dc1,,Medium,Oxford,,No,ws2022-g2,DC",
      "Yes,lab-dc2,dc2-os,Medium,Oxford,,Yes,,DC",
      "Yes,lab-ex1,,Medium,Oxford,,No,ws2022-g2,Exchange",
      "Yes,lab-cl1,,Medium,Oxford,,No,ws2022-g2,Client",
    ]);
    const at = problems.map((p) => `${p.line}:${p.column}: ${p.message}`);
    assert.ok(at.some((m) => /^2:Role: a Exchange row joins the domain, so it needs an online DC row before it/.test(m)), at.join("\n"));
    assert.ok(at.some((m) => /^3:WaitForBoot: a DC row must be a barrier/.test(m)), at.join("\n"));
    assert.ok(at.some((m) => /^4:Role: a role runs only while the VM is built from a marketplace image/.test(m)), at.join("\n"));
    assert.ok(at.some((m) => /^5:VMInstanceSize: Standard_B2s has 4 GiB of memory; an Exchange server needs at least 16 GiB/.test(m)), at.join("\n"));
    assert.ok(at.some((m) => /^6:Role: 'Client' is not a role/.test(m)), at.join("\n"));
  });

  it("a VM a previous deployment holds, or whose disk exists at up, runs no role step", () => {
    const vm = labOf(GOOD).lab!.vms[0];
    assert.equal(runsRoleSteps({ ...vm, deployedBefore: true }), false);
    assert.equal(runsRoleSteps({ ...vm, osDiskMode: { kind: "attach", trustedLaunch: true } }), false);
    assert.equal(runsRoleSteps({ ...vm, deployedBefore: true, osDiskMode: { kind: "fromImage" } }), true, "at up the disk lookup decides");
    assert.equal(runsRoleSteps({ ...vm, role: undefined }), false);
  });

  it("a second Exchange row needs the first one to be a barrier (one Setup at a time)", () => {
    const rows = (wait: string) => [GOOD[0], `Yes,lab-ex1,,Large,Oxford,,${wait},ws2022-g2,Exchange`, "Yes,lab-ex2,,Large,Oxford,,No,ws2022-g2,Exchange"];
    const at = labOf(rows("No")).problems.map((p) => `${p.line}:${p.column}: ${p.message}`);
    assert.deepEqual(at, ["3:WaitForBoot: lab-ex2 is a later Exchange row: make this one a barrier (WaitForBoot Yes), so that its Setup (which prepares the schema and AD) ends before lab-ex2's begins"]);
    assert.deepEqual(labOf(rows("Yes")).problems, []);
  });

  it("roleProblems is silent for a lab without roles", () => {
    assert.deepEqual(roleProblems(labOf(["Yes,vm1,vm1-os,Small,Oxford,,No,,"]).lab!.vms, "lab.csv"), []);
  });
});

describe("dnsServers next to Role rows", () => {
  const vms = () => labOf(GOOD).lab!.vms;
  const at = { file: "stack.yaml", line: 9 };
  it("says once, on dnsServers, that the Role rows resolve through the DCs when dnsServers is something else", () => {
    const dc = vms()[0].privateIp;
    const [w, ...rest] = roleDnsWarnings(vms(), ["192.168.1.1"], at);
    assert.deepEqual(rest, []);
    assert.equal(w.column, K("dnsServers"));
    assert.equal(w.line, 9);
    assert.match(w.message, new RegExp(`^lab-ex1, lab-cl1 resolve names through the DCs \\(${dc.replace(/\./g, "\\.")}\\).*override dnsServers \\(192\\.168\\.1\\.1\\).*conditional forwarder`));
  });
  it("is silent when dnsServers is empty or exactly the DCs, or no row joins the domain", () => {
    assert.deepEqual(roleDnsWarnings(vms(), [], at), []);
    assert.deepEqual(roleDnsWarnings(vms(), [vms()[0].privateIp], at), []);
    assert.deepEqual(roleDnsWarnings(vms().slice(0, 1), ["192.168.1.1"], at), []);
  });
});

describe("the domain keys", () => {
  const vms = () => labOf(GOOD).lab!.vms;
  const secrets = { [K("safeModePassword")]: "Dsrm-Passw0rd-123", [K("exchangeIsoUrl")]: "https://acct.blob.core.windows.net/iso/ExchangeServerSE-x64.iso?sv=2024&sig=SECRETSIG" };

  it("defaults the NetBIOS name and organization; nothing without a role", () => {
    const { domain, problems } = domainSettings(vms(), { [K("domainName")]: "lab.example.com", ...secrets }, locate, true);
    assert.deepEqual(problems, []);
    assert.deepEqual(domain, { name: "lab.example.com", netbiosName: "LAB", exchangeOrganization: "ExchangeLab", safeModePassword: "configured", exchangeIsoUrl: "configured", exchangeProductKey: "missing" });
    assert.deepEqual(domainSettings(labOf(["Yes,vm1,vm1-os,Small,Oxford,,No,,"]).lab!.vms, {}, locate, true), { problems: [], warnings: [] });
  });

  it("checks each key, never echoing a secret", () => {
    const { problems } = domainSettings(vms(), { [K("domainName")]: "lab", [K("domainNetbiosName")]: "MUCH-TOO-LONG-NAME", [K("exchangeOrganization")]: " bad/org", [K("safeModePassword")]: "x", [K("exchangeIsoUrl")]: "http://plain/SECRETSIG", [K("exchangeProductKey")]: "SECRETKEY" }, locate, true);
    const text = problems.map((p) => `${p.column}: ${p.message}`).join("\n");
    assert.match(text, /exchange-lab:domainName: 'lab' is not a domain FQDN/);
    assert.match(text, /exchange-lab:domainNetbiosName: 'MUCH-TOO-LONG-NAME' is not a NetBIOS domain name/);
    assert.match(text, /exchange-lab:exchangeOrganization: 'bad\/org' is not an Exchange organization name/);
    assert.match(text, /exchange-lab:exchangeIsoUrl: expected an https:\/\/ URL/);
    assert.match(text, /exchange-lab:exchangeProductKey: expected a product key/);
    assert.ok(!text.includes("SECRET"), "a secret was echoed");
  });

  it("missing secrets stop pulumi up with the set --secret line, and are warnings in the plan", () => {
    const raw = { [K("domainName")]: "lab.example.com" };
    const up = domainSettings(vms(), raw, locate, true);
    assert.deepEqual(up.problems.map((p) => p.column), [K("safeModePassword"), K("exchangeIsoUrl")]);
    assert.match(up.problems[0].message, /lab-dc1 will be promoted.*: pulumi config set --secret exchange-lab:safeModePassword$/);
    assert.match(up.problems[1].message, /lab-ex1 will install Exchange Server SE.*: pulumi config set --secret exchange-lab:exchangeIsoUrl$/);
    const plan = domainSettings(vms(), raw, locate, false);
    assert.deepEqual(plan.problems, []);
    assert.equal(plan.warnings.length, 2);
  });

  it("loadLab in deploy mode throws them all at once", () => {
    const raw = exampleConfig({ [K("adminUsername")]: "labadmin", [K("adminPassword")]: "Corr3ct-Horse-Battery", [K("vpnSharedKey")]: "Pl4inKey" });
    assert.throws(() => loadLab(raw, { locate, baseDir: ".", mode: "deploy", csvText: [ROLE_HEADER, ...GOOD].join("\n") }), (err: unknown) => {
      assert.ok(err instanceof LabValidationError);
      assert.match(err.message, /exchange-lab:domainName: required/);
      assert.match(err.message, /pulumi config set --secret exchange-lab:safeModePassword/);
      return true;
    });
  });
});

describe("the Role column and domain keys, through npm run plan", () => {
  const stack = `${baseStackYaml()}  exchange-lab:adminUsername: labadmin\n  exchange-lab:adminPassword: Corr3ct-Horse-Battery\n  exchange-lab:domainName: lab.example.com\n`;

  it("bad cells: exit 1 with file, line and column, nothing declared", async () => {
    const r = await planCli(`${ROLE_HEADER}\nYes,lab-dc1,,Medium,Oxford,,No,ws2022-g2,DC\nYes,lab-ex1,,Medium,Oxford,,No,ws2022-g2,Exchange\nYes,lab-cl1,,Medium,Oxford,,No,ws2022-g2,Domain\n`, stack);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /lab\.csv:2: WaitForBoot: a DC row must be a barrier/);
    assert.match(r.stderr, /lab\.csv:3: VMInstanceSize: Standard_B2s has 4 GiB of memory/);
    assert.match(r.stderr, /lab\.csv:4: Role: 'Domain' is not a role/);
    assert.match(r.stderr, /nothing was declared/);
  });

  it("a bad key: exit 1 naming the stack file's line and key", async () => {
    const r = await planCli(`${ROLE_HEADER}\n${GOOD.join("\n")}\n`, stack.replace("lab.example.com", "lab_example"));
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /Pulumi\.test\.yaml:\d+: exchange-lab:domainName: 'lab_example' is not a domain FQDN/);
  });

  it("every bad key at once: exit 1, each at its line and key, no secret echoed", async () => {
    const bad = stack.replace("lab.example.com", "lab") + `  exchange-lab:domainNetbiosName: MUCH-TOO-LONG-NAME\n  exchange-lab:exchangeOrganization: "bad/org"\n  exchange-lab:exchangeIsoUrl: http://plain/SECRETSIG\n  exchange-lab:exchangeProductKey: SECRETKEY\n  exchange-lab:safeModePassword: SECRETDSRM\n`;
    const r = await planCli(`${ROLE_HEADER}\n${GOOD.join("\n")}\n`, bad);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    for (const re of [/Pulumi\.test\.yaml:\d+: exchange-lab:domainName: 'lab' is not a domain FQDN/, /:\d+: exchange-lab:domainNetbiosName: 'MUCH-TOO-LONG-NAME' is not a NetBIOS/, /:\d+: exchange-lab:exchangeOrganization: 'bad\/org' is not an Exchange organization name/, /:\d+: exchange-lab:exchangeIsoUrl: expected an https:\/\/ URL/, /:\d+: exchange-lab:exchangeProductKey: expected a product key/]) assert.match(r.stderr, re);
    assert.ok(!(r.stdout + r.stderr).includes("SECRET"), "a secret was echoed");
  });

  it("secrets stored encrypted (secure:) count as set: no warning about them", async () => {
    const encrypted = stack + ["safeModePassword", "exchangeIsoUrl", "exchangeProductKey"].map((k) => `  exchange-lab:${k}:\n    secure: v1:c2VjcmV0:c2VjcmV0\n`).join("");
    const r = await planCli(`${ROLE_HEADER}\n${GOOD.join("\n")}\n`, encrypted);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /exchange-lab:(safeModePassword|exchangeIsoUrl|exchangeProductKey):/);
  });

  it("missing secrets: the plan exits 0 and warns with the set --secret lines", async () => {
    const r = await planCli(`${ROLE_HEADER}\n${GOOD.join("\n")}\n`, stack);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = r.stdout + r.stderr;
    assert.match(out, /exchange-lab:safeModePassword: required: .*pulumi config set --secret exchange-lab:safeModePassword/);
    assert.match(out, /exchange-lab:exchangeIsoUrl: required: .*pulumi config set --secret exchange-lab:exchangeIsoUrl/);
  });
});
