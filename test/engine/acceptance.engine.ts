// npm run acceptance against the Azure twin: the whole sequence (up, checks, a second up expecting no
// changes, refresh, preview, edits, destroy, disks kept, re-up, parking, cleanup, the report) with
// the real Automation API workspace and the real Pulumi CLI running the lab's program, the twin in
// place of Azure. Also --with-roles: the forest and Exchange from images, their second life.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEFAULT_TIMEOUTS } from "../../src/acceptance/checks";
import { acceptanceLab } from "../../src/acceptance/lab";
import { runAcceptance } from "../../src/acceptance/run";
import { renderMarkdown } from "../../src/acceptance/report";
import { engineSuite } from "./suite";
import { twinAcceptancePorts } from "../twin/acceptancePorts";

const SUB = "00000000-0000-0000-0000-00000000beef";
const ESTIMATE = { currency: "USD", perHourRunning: 0.11, perMonthParked: 19.2, minutes: 60, total: 0.14, priceSource: "test" };

describe("npm run acceptance against the Azure twin, through the real engine", function () {
  this.timeout(600_000);
  const suite = engineSuite();

  for (const withRoles of [false, true]) {
    it(withRoles ? "--with-roles: the forest, the joins and Exchange in both lives, no role step again, the cleanup, the report" : "the two-VM lab: every step, the cleanup and the report", async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "exchange-lab-acc-twin-"));
      try {
        const { ports, arm } = twinAcceptancePorts(suite.cli(), dir);
        const runDir = fs.mkdtempSync(path.join(dir, "run-"));
        const lab = acceptanceLab({ runId: withRoles ? "feed0001" : "feed0002", region: "westeurope", withVpn: false, allowFrom: "203.0.113.7/32", csvPath: path.join(runDir, "lab.csv"), subscriptionId: SUB, withRoles, ...(withRoles ? { exchangeIsoUrl: "https://twin.blob.core.windows.net/iso/se.iso?sv=x&sig=SECRET" } : {}) });
        const outcome = await runAcceptance(ports, { lab, subscriptionId: SUB, keep: false, estimate: ESTIMATE, cliVersion: suite.cli().version, sdkVersion: "3.248.0", timeouts: { ...DEFAULT_TIMEOUTS, bootMs: 60_000 }, renderer: "silent", signal: new AbortController().signal });
        const report = renderMarkdown(outcome.report);
        fs.writeFileSync(path.join(dir, "report.md"), report);
        assert.doesNotMatch(report, /SECRET|Twin-Passw0rd/, "no secret in the report");
        const failed = outcome.report.answers.filter((a) => a.status === "fail").map((a) => `${a.id}: ${a.evidence.join(" | ")}`);
        assert.deepEqual(failed, [], report);
        assert.equal(outcome.code, 0, report);
        // The cleanup: nothing of the run's is left in the twin.
        assert.deepEqual(arm.twin.list().map((r) => r.name), [], "the run's groups and disks are deleted");
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
