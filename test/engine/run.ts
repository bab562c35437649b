/**
 * `npm run test:engine`: the engine suite (test/engine/*.engine.ts, mocha with .mocharc.engine.json)
 * when a Pulumi CLI is at hand (pulumi 3.207.0+ on PATH, or the one .ci/build-pulumi.sh built), and
 * a plain line saying it skipped when there is none. With `EXCHANGE_LAB_ENGINE_REQUIRED=1` (.ci/run)
 * a missing CLI fails instead.
 */
import { spawnSync } from "child_process";
import { findPulumiCli } from "../twin/engine";

function main(): number {
  const required = process.env.EXCHANGE_LAB_ENGINE_REQUIRED === "1";
  const cli = findPulumiCli();
  if ("missing" in cli) {
    console.log(`Engine suite: SKIPPED, ${cli.missing}${required ? "; EXCHANGE_LAB_ENGINE_REQUIRED=1, so this fails" : ""}`);
    return required ? 1 : 0;
  }
  console.log(`Engine suite: the Pulumi CLI ${cli.version} (${cli.source === "PATH" ? "pulumi on PATH" : `built by .ci/build-pulumi.sh, ${cli.root}`}) against the Azure twin`);
  const started = Date.now();
  const run = spawnSync(process.execPath, [require.resolve("mocha/bin/mocha.js"), "--config", ".mocharc.engine.json"], { stdio: "inherit" });
  console.log(`Engine suite: ${Math.round((Date.now() - started) / 1000)} s wall`);
  return run.status ?? 1;
}

process.exitCode = main();
