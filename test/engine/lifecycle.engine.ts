// Every lab-life scenario of scenarios.ts through the real Pulumi engine against the Azure twin,
// running and deallocated: the offline plan's verdict (with --previous from the deployment before)
// must agree with the engine's steps, or the plan must refuse what the engine then fails.
import { strict as assert } from "assert";
import { PulumiCli, findPulumiCli } from "../twin/engine";
import { PlanClient, RehearsalStep, rehearse } from "../twin/oracle";
import { SCENARIOS, Scenario, csv, stack } from "./scenarios";

const defaultDisks = (s: Scenario) => s.disks ?? s.life[0].rows.map((r) => ({ name: r.split(",")[3] || `${r.split(",")[1]}-os` }));

function explain(step: RehearsalStep): string {
  return [
    `deployment "${step.label}": plan exit ${step.plan.exitCode}${step.plan.errors.length ? ` (${step.plan.errors.join("; ")})` : ""}, engine ${step.engine.status}`,
    ...step.disagreements.map((d) => `  - ${d}`),
    step.engine.error ? `  engine: ${step.engine.error.split("\n").slice(0, 6).join("\n  ")}` : "",
    `  steps: ${step.engine.steps.map((s) => `${s.op} ${s.name}${s.failed ? " (failed)" : ""}`).join(", ")}`,
  ].join("\n");
}

describe("lab life through the real engine and the Azure twin", function () {
  this.timeout(180_000);
  let cli: PulumiCli;
  let planner: PlanClient;
  before(function () {
    const found = findPulumiCli();
    if ("missing" in found) throw new Error(found.missing);
    cli = found;
    planner = new PlanClient();
  });
  after(() => planner?.close());

  for (const scenario of SCENARIOS) {
    for (const mode of scenario.modes) {
      const title = `${scenario.name} (${mode})`;
      (scenario.pending ? it.skip : it)(title, async () => {
        const deployments = scenario.life.map((d) => ({ label: d.label, stackYaml: d.stack ?? stack(), csv: csv(...d.rows) }));
        const steps = await rehearse(cli, deployments, { deallocate: mode === "deallocated", disks: defaultDisks(scenario) }, planner);
        assert.equal(steps[0].plan.exitCode, 0, explain(steps[0]));
        assert.equal(steps[0].engine.status, "succeeded", explain(steps[0]));
        assert.ok(steps[0].agree, explain(steps[0]));
        for (const [i, step] of steps.entries()) {
          if (i === 0) continue;
          const expect = scenario.life[i].expect ?? "ok";
          if (expect === "ok") {
            assert.equal(step.plan.exitCode, 0, explain(step));
            assert.ok(step.agree, explain(step));
          } else {
            assert.equal(step.plan.exitCode, 1, `the plan must refuse:\n${explain(step)}`);
            if (expect.engineCode) assert.match(step.engine.error ?? "", new RegExp(expect.engineCode), `the engine should meet ${expect.engineCode}:\n${explain(step)}`);
          }
        }
      });
    }
  }
});
