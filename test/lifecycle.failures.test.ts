// The failure paths of a pulumi up: the record of a half-done run, a backend that cannot answer
// the stack's own reference, bytes that depend on the checkout, timeouts, and the CLI floor.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { STACK_REFERENCE_TYPE, recordingMocks } from "../src/plan/mocks";
import { readPreviousDeployment, runLab, stackReferenceFailure } from "../src/program";
import { WAIT_READY_SCRIPT_PATH, waitReadyScript } from "../src/azure/gates";
import { labResourceUrn } from "../src/input/lab/networkEdits";
import { runPlan } from "../src/plan/plan";
import { renderPlan } from "../src/plan/render";
import { HEADER, EXAMPLES, ROOT, baseStackYaml, exampleConfig, sharedExamplePlan, writeLab } from "./helpers";

const RUN_COMMAND = "azure-native:compute:VirtualMachineRunCommandByVirtualMachine";
const tick = () => new Promise((resolve) => setTimeout(resolve, 50));

describe("the failure paths of pulumi up", function () {
  this.timeout(30000);

  it("deployedLab resolves only after every VM and readiness gate was created, so a failed run records nothing new", async () => {
    const base = recordingMocks([]);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const created: string[] = [];
    await pulumi.runtime.setMocks(
      {
        ...base,
        async newResource(args) {
          // The domain controller's gate is still running: its create has not returned.
          if (args.type === RUN_COMMAND) await held;
          created.push(args.name);
          return base.newResource(args);
        },
      },
      "exchange-lab", "failures", false, "organization",
    );
    pulumi.runtime.setAllConfig(exampleConfig({ "exchange-lab:vpn": "false" }));
    const csv = `${HEADER}\nYes,dc1,,dc1-os,Small,Oxford,,,,Yes,3389\nYes,ex1,,ex1-os,Small,Oxford,,,,No,\n`;
    const run = await runLab({ baseDir: EXAMPLES, mode: "deploy", previous: "none", csvText: csv });
    let recorded: unknown;
    run.deployedLab.apply((r) => (recorded = r));
    await tick();
    assert.ok(created.includes("dc1"), "the VM was created");
    assert.equal(recorded, undefined, "no record while the gate has not been created");
    release();
    for (let i = 0; i < 40 && recorded === undefined; i++) await tick();
    assert.ok(created.includes("dc1-ready") && created.includes("ex1"));
    assert.deepEqual(recorded, run.record);
  });

  it("a legacy-layout DIY backend gets pulumi state upgrade, not a stack-name error", async () => {
    const legacy = 'stack names are limited to 100 characters and may only contain alphanumeric, hyphens, underscores, or periods: "organization/exchange-lab/oxford"';
    const base = recordingMocks([]);
    await pulumi.runtime.setMocks(
      {
        ...base,
        newResource(args) {
          if (args.type === STACK_REFERENCE_TYPE) throw new Error(legacy);
          return base.newResource(args);
        },
      },
      "exchange-lab", "oxford", false, "organization",
    );
    await assert.rejects(readPreviousDeployment(), (err: Error) => {
      assert.match(err.message, /stack reference organization\/exchange-lab\/oxford: this DIY backend keeps stacks in the legacy layout without projects.*Run pulumi state upgrade once/);
      return true;
    });
    assert.match(stackReferenceFailure(new Error("permission denied"), "o/p/s"), /cannot read its own previous outputs through the stack reference o\/p\/s.*nothing was changed.*permission denied/);
  });

  it("the gate script reads the same from a CRLF checkout as from an LF one, and .gitattributes asks for LF", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "exchange-lab-"));
    const crlf = path.join(dir, "wait-ready.ps1");
    fs.writeFileSync(crlf, fs.readFileSync(WAIT_READY_SCRIPT_PATH, "utf8").replace(/\r?\n/g, "\r\n"));
    assert.ok(fs.readFileSync(crlf, "utf8").includes("\r\n"));
    assert.equal(waitReadyScript(crlf), waitReadyScript());
    assert.ok(!waitReadyScript().includes("\r"));
    assert.match(fs.readFileSync(path.join(ROOT, ".gitattributes"), "utf8"), /^\*\.ps1 text eol=lf$/m);
  });

  it("the gateway's timeouts are not below azure-native's 120-minute default", async () => {
    const plan = await sharedExamplePlan();
    const gateway = plan.resources.find((r) => r.type === "azure-native:network:VirtualNetworkGateway")!;
    for (const [op, value] of Object.entries(gateway.options.customTimeouts ?? {})) {
      assert.ok(parseInt(String(value), 10) >= 120, `${op}: ${value}`);
    }
  });

  it("Pulumi.yaml declares the CLI floor of replaceWith (3.207.0), and docs/lifecycle.md says it and the gate's retry", () => {
    const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { requiredPulumiVersion?: string };
    assert.equal(project.requiredPulumiVersion, ">=3.207.0");
    const doc = fs.readFileSync(path.join(ROOT, "docs", "lifecycle.md"), "utf8");
    assert.match(doc, /3\.207\.0/);
    assert.match(doc, /pulumi up --replace/);
  });

  it("the plan prints the retry of a failed readiness gate with the gate's URN", async () => {
    const text = renderPlan(await sharedExamplePlan());
    assert.match(text, /A failed gate runs again only when replaced \(docs\/lifecycle\.md\): pulumi up --replace 'urn:pulumi:oxford::exchange-lab::exchange-lab:lab:ExchangeLab\$azure-native:compute:VirtualMachineRunCommandByVirtualMachine::mh-oxf-dc1-ready'/);
  });

  it("the URN the steps print follows Pulumi's form for a child of the lab component", () => {
    assert.equal(
      labResourceUrn("oxford", RUN_COMMAND, "dc1-ready"),
      "urn:pulumi:oxford::exchange-lab::exchange-lab:lab:ExchangeLab$azure-native:compute:VirtualMachineRunCommandByVirtualMachine::dc1-ready",
    );
  });
});

describe("the plan never claims what it cannot know offline", function () {
  this.timeout(30000);

  it("an Image row's disk is assumed absent offline (pulumi up asks Azure), unless --previous has it deployed", async () => {
    const csv = "BringOnline,VMName,VMOSDiskName,VMInstanceSize,SubnetName,IPAddress,WaitForBoot,Image\nYes,lab-dc1,,Small,Oxford,,No,ws2022-g2\n";
    const { dir, stackFile } = writeLab(csv, `${baseStackYaml()}  exchange-lab:vpn: false\n  exchange-lab:adminUsername: labadmin\n  exchange-lab:adminPassword: Corr3ct-Horse-Battery\n`);
    const first = await runPlan({ stackFile, baseDir: dir });
    assert.deepEqual(first.errors, []);
    const text = renderPlan(first);
    assert.match(text, /This run: the disk is assumed absent offline \(pulumi up asks Azure\), so the VM is built from ws2022-g2\./);
    assert.doesNotMatch(text, /the disk is absent/);
    const second = renderPlan(await runPlan({ stackFile, baseDir: dir, previous: first.deployedLab }));
    assert.match(second, /This run: the disk exists \(deployed in --previous\), so it is attached\./);
  });
});
