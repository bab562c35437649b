// Messages that name the fix (issue 19): each through the CLI that prints it, with its exit code.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writeCells } from "../src/input/csv/pin";
import { readLabCsv } from "../src/input/csv/csv";
import type { TokenCredential } from "@azure/identity";
import { main as labMain } from "../src/labctl/cli";
import { chooseSubscription } from "../src/labctl/signIn";
import { FakeArm, startFakeArm } from "./fakeArm";
import { EXAMPLES, ROOT, baseStackYaml, planCli, runPlanCli, writeLab } from "./helpers";
import { main as pricesMain } from "../src/prices/cli";
import { main as cataloguesMain } from "../src/catalogues/cli";
import { main as docsMain } from "../src/docs/cli";
import { main as planMain } from "../src/plan/cli";
import { AcceptanceIo, main as acceptanceMain } from "../src/acceptance/cli";
import { main as rehearseMain } from "../src/rehearse/cli";

const NO_VPN = baseStackYaml() + "  exchange-lab:vpn: false\n";
const COLUMNS = ["BringOnline", "VMName", "StorageAccount", "VMOSDiskName", "VMInstanceSize", "SubnetName", "IPAddress", "Location", "AffinityGroup", "WaitForBoot", "PublicRDPPort", "Endpoints", "DataDisks"];
/** The same two-row lab in a separator, with the given line end. */
function lab(sep: string, eol = "\n"): string {
  const rows = [COLUMNS, ["Yes", "dc1", "", "dc1-os", "Small", "Oxford", "", "", "", "Yes", "3389", "", ""], ["Yes", "ex1", "", "ex1-os", "Large", "Oxford", "", "", "", "No", "", "", "ex1-db"]];
  return rows.map((r) => r.join(sep)).join(eol) + eol;
}

describe("--pin in the file's own separator", () => {
  const forms: [string, string][] = [
    ["semicolons", lab(";")],
    ["tabs", lab("\t")],
    ["Excel's sep= line", "sep=;\n" + lab(";")],
    ["a BOM and CRLF", "\uFEFF" + lab(",", "\r\n")],
    ["a BOM, sep=<TAB> and CRLF", "\uFEFFsep=\t\r\n" + lab("\t", "\r\n")],
  ];
  for (const [name, text] of forms) {
    it(`writes the chosen cells of a CSV with ${name}, every other byte unchanged`, () => {
      const sep = text.includes("\t") ? "\t" : text.includes(";") ? ";" : ",";
      const dc1 = readLabCsv(text, "lab.csv").rows[0];
      const ex1 = readLabCsv(text, "lab.csv").rows[1];
      const out = writeCells(text, [{ line: dc1.line, column: "IPAddress", value: "10.20.1.4" }, { line: ex1.line, column: "DataDisks", value: "0:ex1-db" }]);
      assert.ok("text" in out, JSON.stringify(out));
      assert.equal(out.text, text.replace(["dc1-os", "Small", "Oxford", ""].join(sep), ["dc1-os", "Small", "Oxford", "10.20.1.4"].join(sep)).replace(`${sep}ex1-db`, `${sep}0:ex1-db`));
      const reread = readLabCsv(out.text, "lab.csv");
      assert.deepEqual(reread.problems, []);
      assert.equal(reread.rows[0].cells.IPAddress, "10.20.1.4");
    });
  }

  it("through the CLI: pins a semicolon CSV (exit 0) in semicolons", async () => {
    const r = await planCli(lab(";"), NO_VPN, "--pin");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /wrote what the plan chose \(addresses, LUNs, Image rows' OS disk names\)/);
    const pinned = fs.readFileSync(path.join(r.dir, "lab.csv"), "utf8");
    assert.match(pinned, /^Yes;dc1;;dc1-os;Small;Oxford;10\.20\.1\.4;/m);
    assert.match(pinned, /;0:ex1-db$/m);
  });

  it("through the CLI: reads a tab-separated CSV as such and pins it in tabs", async () => {
    const r = await planCli(lab("\t"), NO_VPN, "--pin");
    assert.equal(r.code, 0, r.stderr);
    assert.match(fs.readFileSync(path.join(r.dir, "lab.csv"), "utf8"), /^Yes\tdc1\t\tdc1-os\tSmall\tOxford\t10\.20\.1\.4\t/m);
  });

  it("refuses (never reports success) when it cannot locate the cells, naming what to do", () => {
    // A record the scanner and csv-parse read differently must never be edited.
    const text = lab(";");
    const out = writeCells(text, [{ line: 99, column: "IPAddress", value: "10.20.1.4" }]);
    assert.ok("error" in out);
    assert.match(out.error, /no record starts on line 99/);
  });
});

describe("npm run lab: signing in and the subscription (fake ARM on 127.0.0.1)", () => {
  const failing: TokenCredential = {
    getToken: async () => {
      throw new Error("ChainedTokenCredential authentication failed.\nCredentialUnavailableError: Please run 'az login' from a command prompt");
    },
  };
  const good: TokenCredential = { getToken: async () => ({ token: "fake-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };
  let fake: FakeArm | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });
  async function lab(argv: string[], credential: TokenCredential, subscription = "00000000-0000-0000-0000-000000000001", env: Record<string, string> = { ARM_SUBSCRIPTION_ID: subscription }) {
    let stdout = "";
    let stderr = "";
    const code = await labMain(argv, (s) => (stdout += s), (s) => (stderr += s), {
      credential, endpoint: fake?.endpoint, ca: fake?.ca, pollIntervalMs: 5, renderer: "silent", baseDir: EXAMPLES, env,
    });
    return { code, stdout, stderr };
  }

  for (const command of ["status", "start", "stop"]) {
    it(`${command} with a credential that fails: exit 4, "run az login" and the other sources, once, no VM touched`, async () => {
      fake = await startFakeArm({ "mh-oxf-dc1": {} });
      const r = await lab([command, "--stack", "oxford"], failing);
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, /^subscription \S+, from [^\n]+: not reached\ncannot sign in to Azure \(ChainedTokenCredential authentication failed\.\)\nrun az login/, "which subscription first, although it is not reached");
      assert.match(r.stderr, /AZURE_CLIENT_ID/);
      assert.match(r.stderr, /managed identity/);
      assert.match(r.stderr, /Connect-AzAccount/);
      assert.match(r.stderr, /azd auth login/);
      assert.equal(r.stderr.match(/ChainedTokenCredential/g)?.length, 1);
      assert.deepEqual(fake.calls, []);
      assert.equal(r.stdout, "");
    });
  }

  it("resolves a subscription given by name (any case) to its id, and refuses an unknown name with the choices (exit 2)", async () => {
    fake = await startFakeArm({ "mh-oxf-dc1": {}, "mh-lon-dc1": {}, "mh-oxf-ex1": {}, "mh-lon-ex1": {} });
    const byName = await lab(["status", "--stack", "oxford", "--subscription", "lab SUBSCRIPTION"], good);
    assert.equal(byName.code, 0, byName.stderr);
    assert.match(byName.stdout, /mh-oxf-dc1/);
    const unknown = await lab(["status", "--stack", "oxford", "--subscription", "Production"], good);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no subscription named 'Production'; the subscriptions this login sees: 'Lab subscription' \(00000000-0000-0000-0000-000000000001\)/);
  });
});

describe("npm run lab: one subscription, the one pulumi up uses", () => {
  const SUB = (n: number) => `00000000-0000-0000-0000-00000000000${n}`;
  /** An Azure CLI config directory whose default account is `id` (azureProfile.json, with the CLI's BOM). */
  function azureConfigDir(id: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "azure-cli-"));
    const profile = { installationId: "x", subscriptions: [{ id: SUB(9), name: "Other", isDefault: false }, { id, name: "Lab subscription", isDefault: true }] };
    fs.writeFileSync(path.join(dir, "azureProfile.json"), "\uFEFF" + JSON.stringify(profile));
    return dir;
  }

  it("follows the azure-native provider's order: the stack's azure-native:subscriptionId, ARM_SUBSCRIPTION_ID, the Azure CLI's default; --subscription overrides", () => {
    const cli = azureConfigDir(SUB(3));
    const env = { ARM_SUBSCRIPTION_ID: SUB(2), AZURE_CONFIG_DIR: cli };
    const stack = { "azure-native:subscriptionId": SUB(1) };
    assert.deepEqual(chooseSubscription(undefined, stack, env), { value: SUB(1), source: "azure-native:subscriptionId" });
    assert.deepEqual(chooseSubscription(undefined, {}, env), { value: SUB(2), source: "ARM_SUBSCRIPTION_ID" });
    assert.deepEqual(chooseSubscription(undefined, {}, { AZURE_CONFIG_DIR: cli }), { value: SUB(3), source: "az account", name: "Lab subscription" });
    assert.deepEqual(chooseSubscription(undefined, {}, { HOME: path.dirname(cli) }), undefined, "HOME/.azure holds no profile here");
    assert.deepEqual(chooseSubscription("Production", stack, env), { value: "Production", source: "--subscription" });
    assert.equal(chooseSubscription(undefined, {}, {}), undefined);
  });

  it("after az account set alone, status works and says it used the Azure CLI's default account", async () => {
    const fake = await startFakeArm({ "mh-oxf-dc1": {}, "mh-lon-dc1": {}, "mh-oxf-ex1": {}, "mh-lon-ex1": {} });
    try {
      let stdout = "";
      let stderr = "";
      const code = await labMain(["status", "--stack", "oxford"], (s) => (stdout += s), (s) => (stderr += s), {
        credential: { getToken: async () => ({ token: "fake-token", expiresOnTimestamp: Date.now() + 3_600_000 }) },
        endpoint: fake.endpoint, ca: fake.ca, pollIntervalMs: 5, renderer: "silent", baseDir: EXAMPLES, env: { AZURE_CONFIG_DIR: azureConfigDir(SUB(1)) },
      });
      assert.equal(code, 0, stderr);
      assert.match(stdout, /mh-oxf-dc1/);
      assert.match(stdout, new RegExp(`^subscription ${SUB(1)} 'Lab subscription', from the Azure CLI's default account \\(az account show\\)$`, "m"));
    } finally {
      await fake.close();
    }
  });

  it("with none of the three and no --subscription: exit 2, naming the sources and az account set", async () => {
    let stderr = "";
    const code = await labMain(["status", "--stack", "oxford"], () => undefined, (s) => (stderr += s), { baseDir: EXAMPLES, env: {} });
    assert.equal(code, 2);
    assert.match(stderr, /no subscription: pulumi up would use the stack's azure-native:subscriptionId, ARM_SUBSCRIPTION_ID or the Azure CLI's default account, and none is set: run az login and az account set --subscription <name or id>, or give --subscription ID/);
  });
});

describe("suggestions that name the fix (plan CLI, exit 1)", () => {
  it("a city, a key in the wrong case and GMT: every problem at once, each with its fix", async () => {
    const yaml = NO_VPN.replace("azure-native:location: westeurope", "azure-native:location: london")
      .replace("exchange-lab:autoShutdown:", "exchange-lab:autoshutdown: 1900\n  exchange-lab:autoShutdown:")
      .replace("timeZone: GMT Standard Time", "timeZone: GMT");
    const r = await planCli(lab(","), yaml);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /'london' is not an Azure region \(catalogue of [\d-]+\); did you mean uksouth or ukwest\?/);
    assert.match(r.stderr, /exchange-lab:autoshutdown.*unknown configuration key; keys are case-sensitive: did you mean exchange-lab:autoShutdown\?/);
    assert.doesNotMatch(r.stderr, /the keys are/);
    assert.match(r.stderr, /'GMT' is ambiguous: write 'GMT Standard Time' for UK time .*British Summer Time.*or 'UTC' for a fixed UTC\+0/);
  });

  it("a misspelt key gets the keys nearest by edit distance, not the whole list", async () => {
    const r = await planCli(lab(","), NO_VPN + "  exchange-lab:resourceGroupNme: x\n");
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unknown configuration key; did you mean exchange-lab:resourceGroupName/);
  });

  it("a size without its Standard_ prefix: did you mean Standard_B4ms?", async () => {
    const r = await planCli(lab(",").replace(",Large,", ",B4ms,"), NO_VPN);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /'B4ms' needs its prefix: did you mean Standard_B4ms\?/);
  });

  it("keys outside config: (the line commented out) are named as such, not as 'required' keys", async () => {
    const r = await planCli(lab(","), NO_VPN.replace(/^config:/m, "# config:"));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /azure-native:location.*the key is outside 'config:', so Pulumi does not read it; there is no 'config:' line \(commented out\?\)/);
    assert.doesNotMatch(r.stderr, /required/);
  });
});

describe("--help on every CLI, and prices offline", () => {
  /** Runs a CLI's main in-process; returns exit code and output. */
  async function run(main: (argv: string[], write: (s: string) => void, writeError: (s: string) => void) => number | Promise<number>, ...argv: string[]) {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, (s) => (stdout += s), (s) => (stderr += s));
    return { code, stdout, stderr };
  }
  /** The acceptance CLI with nothing but its output: no terminal, and no Azure (ports and the run's directory fail the test). */
  const acceptance = (argv: string[], write: (s: string) => void, writeError: (s: string) => void) => {
    const io: AcceptanceIo = {
      write, writeError, isTty: false, confirm: async () => false, renderer: "silent", signal: new AbortController().signal,
      ports: () => assert.fail("no Azure in this test"), runDir: () => assert.fail("no run in this test"),
    };
    return acceptanceMain(argv, io);
  };
  /** Each CLI, the text its --help must hold, and whether it is one of the CLIs whose help has the common layout. */
  const clis: [string, Parameters<typeof run>[0], RegExp, boolean][] = [
    ["plan", (argv, w, e) => runPlanCli(...argv).then((r) => (w(r.stdout), e(r.stderr), r.code)), /--pin +write what the plan chose into the CSV's empty cells[\s\S]*exit codes: 0 planned/, true],
    ["lab", (argv, w, e) => labMain(argv, w, e), /commands:\n +start[\s\S]*--subscription ID +the Azure subscription, by id or name/, true],
    ["prices", (argv, w, e) => pricesMain(argv, w, e), /Retail Prices API[\s\S]*--region R[\s\S]*exit codes/, true],
    ["acceptance", acceptance, /questions only Azure and the real Pulumi CLI can answer[\s\S]*--subscription ID +the Azure subscription/, true],
    ["rehearse", (argv, w, e) => rehearseMain(argv, w, e), /fresh Azure twin[\s\S]*--deallocate/, true],
    ["catalogues", (argv, w) => cataloguesMain(argv, w), /--locations FILE[\s\S]*--skus FILE/, false],
    ["docs", (argv, w, e) => docsMain(argv, w, e), /generated tables/, false],
  ];
  for (const [name, main, text, common] of clis) {
    it(`npm run ${name} -- --help: exit 0, the options on stdout${common ? ": usage, a description, options:, exit codes:" : ""}`, async () => {
      const r = await run(main, "--help");
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`^usage: npm run ${name}`));
      assert.match(r.stdout, text);
      assert.equal(r.stderr, "");
      if (!common) return;
      // The layout every CLI shares: the usage line, a blank line, a paragraph (or the commands), then the options, then the exit codes.
      assert.match(r.stdout, /^usage: [^\n]+\n\n\S[\s\S]*\n\noptions:\n {2}(-\w, )?--\w/);
      assert.match(r.stdout, / {2}-h, --help +this text\n/);
      assert.match(r.stdout, /\nexit codes: 0 [\s\S]*\b2 /);
    });
  }

  it("npm run acceptance with an unknown option: exchange-lab acceptance: the reason, a blank line, the usage, exit 2, nothing on stdout", async () => {
    const r = await run(acceptance, "--dry-run", "--frobnicate");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^exchange-lab acceptance: unknown option '--frobnicate'\n\nusage: npm run acceptance -- --subscription ID [\s\S]*\noptions:\n/);
    assert.equal(r.stdout, "");
  });

  it("npm run prices offline: exit 1, says it needs the Retail Prices API, and keeps the bundled file", async () => {
    const file = path.join(ROOT, "prices", "westeurope.json");
    const before = fs.readFileSync(file, "utf8");
    const offline = async (): Promise<never> => {
      throw new TypeError("fetch failed", { cause: Object.assign(new Error("getaddrinfo ENOTFOUND prices.azure.com"), { code: "ENOTFOUND" }) });
    };
    let stdout = "";
    let stderr = "";
    const code = await pricesMain(["--region", "westeurope"], (s) => (stdout += s), (s) => (stderr += s), offline);
    assert.equal(code, 1);
    assert.match(stderr, /needs the Azure Retail Prices API \(https:\/\/prices\.azure\.com\/api\/retail\/prices, public, no login\), which could not be reached \(fetch failed: ENOTFOUND\); the bundled prices\/westeurope\.json is kept unchanged/);
    assert.equal(fs.readFileSync(file, "utf8"), before);
    assert.equal(stdout, "prices for westeurope in EUR (the currency of the region's country; --currency to choose another)\n", "nothing but the currency it asks for");
  });
});

describe("honest outputs", () => {
  it("vpn: false: no word of the tunnel or the gateway's 45 minutes; the month always on is labelled a lower bound", async () => {
    const r = await planCli(lab(","), NO_VPN);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /tunnel|45 minutes|DrayTek/i);
    assert.match(r.stdout, /Time to ready \(estimate: the creation times are this project's assumptions\):/);
    assert.match(r.stdout, /\(at least USD [\d.]+ for a month always on: a lower bound, traffic not included\)/);
    assert.doesNotMatch(r.stdout, /about USD/);
  });

  /** The plan CLI as a person at a terminal (`interactive`) or a CI job runs it; all output. */
  async function plan(interactive: boolean, ...argv: string[]): Promise<{ code: number; out: string }> {
    let out = "";
    const code = await planMain(argv, (s) => (out += s), (s) => (out += s), interactive);
    return { code, out };
  }
  const FRESH = /pulumi config set --secret exchange-lab:vpnSharedKey [A-Za-z0-9]{32}\b/;

  it("a missing VPN key: a fresh key only for a person at a terminal, never with --all or --json, nor in CI", async () => {
    const { stackFile, dir } = planCliFiles();
    const csvArgs = ["--config", stackFile, "--csv", path.join(dir, "lab.csv")];
    assert.match((await plan(true, ...csvArgs)).out, FRESH);
    for (const [interactive, argv] of [[true, [...csvArgs, "--json"]], [true, ["--all"]]] as const) {
      const r = await plan(interactive, ...argv);
      assert.doesNotMatch(r.out, FRESH, argv.join(" "));
    }
    const ci = await plan(false, ...csvArgs);
    assert.doesNotMatch(ci.out, FRESH);
    assert.match(ci.out, /pulumi config set --secret exchange-lab:vpnSharedKey <key> \(npm run plan in a terminal suggests a fresh one; it is never printed in CI output\)/);
  });

  it("a deleted row: its disks listed with their monthly cost and the az disk delete line", async () => {
    const withData = lab(",").replace(/\n$/, "") + "\nYes,cl1,,cl1-os,Small,Oxford,,,,No,,,cl1-data\n";
    const first = await planCli(withData, NO_VPN, "--json");
    assert.equal(first.code, 0, first.stderr);
    const previous = path.join(first.dir, "plan.json");
    fs.writeFileSync(previous, first.stdout);
    fs.writeFileSync(path.join(first.dir, "lab.csv"), lab(","));
    const r = await runPlanCli("--config", first.stackFile, "--csv", path.join(first.dir, "lab.csv"), "--previous", previous);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /cl1's row is gone: pulumi up deletes its VM, but its disks stay in Azure and bill every month: cl1-os \(S10, assumed: no DiskTiers entry, USD [\d.]+\/month\), cl1-data \(S10, assumed: no DiskTiers entry, USD [\d.]+\/month\)/);
    assert.match(r.stdout, /az disk delete --resource-group exchange-lab-disks --name cl1-os --yes; az disk delete --resource-group exchange-lab-disks --name cl1-data --yes/);
    assert.doesNotMatch(r.stdout, /dc1's row is gone/);
  });
});

/** A lab with the VPN on and no key, in a temporary directory. */
function planCliFiles(): { dir: string; stackFile: string } {
  return writeLab(lab(","), baseStackYaml());
}
