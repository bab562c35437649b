// The plan on every change (.github/workflows/plan.yml) runs the commands of docs/team.md (the team's guide), and a stack
// file carrying a team's secrets provider still plans.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { parseStackFile } from "../src/input/stack/stackFile";
import { ROOT, baseStackYaml } from "./helpers";

interface Step { name?: string; uses?: string; run?: string; if?: string; with?: Record<string, string> }
interface Workflow {
  on: Record<string, { paths?: string[]; branches?: string[] }>;
  jobs: Record<string, { if?: string; needs?: string; steps: Step[]; permissions?: Record<string, string> }>;
}

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

describe("the plan on every change (.github/workflows/plan.yml)", () => {
  const workflow = parse(read(".github/workflows/plan.yml")) as Workflow;
  // The team's guide (docs/team.md, linked from the README) holds the commands.
  const readme = read("docs/team.md");
  const runs = (job: string) => workflow.jobs[job].steps.flatMap((s) => (s.run ? [s.run] : []));

  it("runs on pull requests and pushes that change a CSV, a stack file or the code", () => {
    for (const event of ["pull_request", "push"]) {
      const paths = workflow.on[event].paths ?? [];
      for (const p of ["**/*.csv", "stacks/**", "src/**", "index.ts", "package-lock.json"]) assert.ok(paths.includes(p), `${event}: ${p}`);
    }
  });

  it("runs exactly the team guide's command: npm ci && npm test && npm run plan -- --all", () => {
    const command = "npm ci && npm test && npm run plan -- --all";
    assert.deepEqual(runs("plan"), [command]);
    assert.ok(readme.includes("```sh\n" + command + "\n```"), "docs/team.md");
  });

  it("previews only with Azure credentials: guarded on vars.AZURE_CLIENT_ID, OIDC through azure/login, the CLI from pulumi/actions", () => {
    const preview = workflow.jobs.preview;
    assert.equal(preview.if, "vars.AZURE_CLIENT_ID != ''");
    assert.equal(preview.needs, "plan");
    assert.equal(preview.permissions?.["id-token"], "write");
    const login = preview.steps.find((s) => s.uses?.startsWith("azure/login@"));
    assert.deepEqual(Object.keys(login?.with ?? {}).sort(), ["client-id", "subscription-id", "tenant-id"]);
    assert.ok(preview.steps.some((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command === undefined), "pulumi/actions installs the CLI only");
    const previewRun = runs("preview").find((r) => r.includes("pulumi preview"));
    assert.match(previewRun ?? "", /pulumi preview --stack "\$stack" --diff/);
    assert.ok(readme.includes("`pulumi preview --stack <stack> --diff`"), "docs/team.md names the preview command");
    for (const name of ["AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_SUBSCRIPTION_ID", "PULUMI_BACKEND_URL"]) assert.ok(readme.includes(`\`${name}\``), `docs/team.md: ${name}`);
  });

  it("docs/team.md gives the team commands: azblob login, the Key Vault secrets provider and the roles they need", () => {
    for (const text of [
      'pulumi login "azblob://pulumi-state?storage_account=exlabstate4711"',
      'pulumi stack init oxford --secrets-provider "azurekeyvault://exlab-kv-4711.vault.azure.net/keys/pulumi-secrets"',
      "pulumi stack change-secrets-provider",
      '--role "Storage Blob Data Contributor"',
      '--role "Key Vault Crypto User"',
      "az storage account create",
      "az storage container create",
      "az keyvault create",
      "az keyvault key create",
    ]) assert.ok(readme.includes(text), text);
  });

  it("plans a stack file that records a Key Vault secrets provider beside its config", () => {
    const yaml = `secretsprovider: azurekeyvault://exlab-kv-4711.vault.azure.net/keys/pulumi-secrets\nencryptedkey: ZmFrZQ==\n${baseStackYaml()}`;
    const { stack, problems } = parseStackFile(yaml, "stacks/Pulumi.team.yaml");
    assert.deepEqual(problems, []);
    assert.equal(stack?.config["exchange-lab:resourceGroupName"], "exchange-lab");
    assert.ok(!Object.keys(stack?.config ?? {}).some((k) => k.includes("secretsprovider")));
  });
});
