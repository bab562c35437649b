/**
 * The lab-life scenarios of scenarios.ts through the real Pulumi engine against the Azure twin, in
 * one mode (running, or deallocated between deployments): the offline plan's verdict (with
 * --previous from the deployment before) must agree with the engine's steps, or the plan must
 * refuse (and the engine then meets the ARM code the scenario names). A scenario's first lab is
 * deployed once per distinct first deployment and forked for each edit of it.
 */
import { strict as assert } from "assert";
import { LabLife, PulumiCli, findPulumiCli } from "../twin/engine";
import { PlanClient, RehearsalStart, RehearsalStep, deploy, rehearse } from "../twin/oracle";
import { SCENARIOS, Scenario, csv, stack } from "./scenarios";

const defaultDisks = (s: Scenario) => s.disks ?? s.life[0].rows.map((r) => ({ name: r.split(",")[3] || `${r.split(",")[1]}-os` }));

/** A rehearsal step explained for an assertion message. */
export function explain(step: RehearsalStep): string {
  return [
    `deployment "${step.label}": plan exit ${step.plan.exitCode}${step.plan.errors.length ? ` (${step.plan.errors.join("; ")})` : ""}, engine ${step.engine.status}`,
    ...step.before.map((b) => `  before: ${b}`),
    ...step.disagreements.map((d) => `  - ${d}`),
    step.engine.error ? `  engine: ${step.engine.error.split("\n").slice(0, 4).join("\n  ")}` : "",
    `  steps: ${step.engine.steps.map((s) => `${s.op} ${s.name}${s.failed ? " (failed)" : ""}`).join(", ")}`,
  ].join("\n");
}

/** Declares the mocha tests of every scenario in `mode`. */
export function lifecycleSuite(mode: "running" | "deallocated"): void {
  describe(`lab life through the real engine and the Azure twin (${mode})`, function () {
    this.timeout(240_000);
    let cli: PulumiCli;
    let planner: PlanClient;
    const bases = new Map<string, Promise<RehearsalStart>>();
    before(function () {
      const found = findPulumiCli();
      if ("missing" in found) throw new Error(found.missing);
      cli = found;
      planner = new PlanClient();
    });
    after(async () => {
      for (const b of bases.values()) (await b.catch(() => undefined))?.life.dispose();
      planner?.close();
    });

    /** The scenario's first deployment, done once per distinct first lab; a fork of it. */
    async function startOf(scenario: Scenario, first: { label: string; stackYaml: string; csv: string }): Promise<RehearsalStart> {
      const disks = defaultDisks(scenario);
      const key = JSON.stringify([first.stackYaml, first.csv, disks]);
      if (!bases.has(key)) {
        bases.set(key, (async () => {
          const life = await LabLife.create(cli, first, { disks });
          const step = await deploy(life, planner, first, "empty", false);
          const previous = (await life.outputs()).deployedLab;
          return { life, first: step, previous };
        })());
      }
      const base = await bases.get(key)!;
      return { ...base, life: await base.life.fork() };
    }

    for (const scenario of SCENARIOS.filter((s) => s.modes.includes(mode))) {
      (scenario.pending ? it.skip : it)(scenario.name, async () => {
        const deployments = scenario.life.map((d) => ({ label: d.label, stackYaml: d.stack ?? stack(), csv: csv(...d.rows) }));
        const start = await startOf(scenario, deployments[0]);
        const steps = await rehearse(cli, deployments, { deallocate: mode === "deallocated" }, planner, start);
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
  });
}
