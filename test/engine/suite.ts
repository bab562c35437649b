/**
 * What every engine test file needs, set up once per mocha suite: the Pulumi CLI (the suite fails
 * with the reason when there is none) and, when asked, the offline plan's worker process.
 */
import { PulumiCli, findPulumiCli } from "../twin/engine";
import { PlanClient } from "../twin/oracle";

/** Registers `before`/`after` hooks in the calling `describe`; the getters are valid inside its tests. */
export function engineSuite(opts: { planner?: boolean } = {}): { cli: () => PulumiCli; planner: () => PlanClient } {
  let cli: PulumiCli | undefined;
  let planner: PlanClient | undefined;
  before(function () {
    const found = findPulumiCli();
    if ("missing" in found) throw new Error(found.missing);
    cli = found;
    if (opts.planner) planner = new PlanClient();
  });
  after(() => planner?.close());
  return {
    cli: () => cli!,
    planner: () => {
      if (!planner) throw new Error("engineSuite({ planner: true }) gives the plan worker");
      return planner;
    },
  };
}
