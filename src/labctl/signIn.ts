/**
 * Signing in to Azure before `npm run lab` touches a VM: one token first, so a missing or expired
 * login stops the run at once with the fix (instead of one `ChainedTokenCredential` failure per
 * VM), and a subscription given by name resolved to its id.
 *
 * `DefaultAzureCredential` (@azure/identity 4.x) tries, in order: environment variables (a
 * service principal), workload identity, managed identity, Visual Studio Code, the Azure CLI,
 * Azure PowerShell, the Azure Developer CLI:
 * https://learn.microsoft.com/javascript/api/overview/azure/identity-readme#defaultazurecredential.
 * Subscriptions - List: https://learn.microsoft.com/rest/api/resources/subscriptions/list.
 */
import * as fs from "fs";
import * as https from "https";
import * as path from "path";
import type { TokenCredential } from "@azure/identity";

/** The ARM scope every call of `npm run lab` uses. */
export const ARM_SCOPE = "https://management.azure.com/.default";

/** What to do when no credential source signs in (printed after Azure's own message). */
export const SIGN_IN_FIX = [
  "run az login (then az account set --subscription <name or id>); DefaultAzureCredential also tries, in order:",
  "  AZURE_TENANT_ID + AZURE_CLIENT_ID + AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH): a service principal",
  "  workload identity (AZURE_FEDERATED_TOKEN_FILE, as in GitHub Actions OIDC or AKS), a managed identity (on an Azure VM),",
  "  Visual Studio Code's Azure sign-in, Azure PowerShell (Connect-AzAccount), the Azure Developer CLI (azd auth login)",
].join("\n");

/**
 * Gets one ARM token. Resolves to `undefined` when signed in, or to the message to print (Azure's
 * first line, then {@link SIGN_IN_FIX}).
 */
export async function signInProblem(credential: TokenCredential): Promise<string | undefined> {
  try {
    const token = await credential.getToken(ARM_SCOPE);
    if (token) return undefined;
    return `cannot sign in to Azure: no credential returned a token\n${SIGN_IN_FIX}`;
  } catch (err) {
    const first = String((err as Error).message ?? err).split("\n")[0];
    return `cannot sign in to Azure (${first})\n${SIGN_IN_FIX}`;
  }
}

/** Where the subscription `npm run lab` uses came from. */
export type SubscriptionSource = "--subscription" | "azure-native:subscriptionId" | "ARM_SUBSCRIPTION_ID" | "az account";

/**
 * The subscription `pulumi up` deploys into, in the azure-native provider's order, so that
 * `npm run lab` works on the same one: `--subscription` (this tool's override), the stack's
 * `azure-native:subscriptionId`, the `ARM_SUBSCRIPTION_ID` environment variable, then the Azure
 * CLI's default account (`az account set`), read from `azureProfile.json` in `AZURE_CONFIG_DIR`
 * (default `~/.azure`). Provider: https://www.pulumi.com/registry/packages/azure-native/installation-configuration/
 * ("The Azure CLI, and thus Pulumi, will use the Default Subscription by default"; the
 * `subscriptionId` option, also `ARM_SUBSCRIPTION_ID`). Undefined when none gives one.
 */
export function chooseSubscription(
  given: string | undefined,
  stackConfig: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>>,
): { value: string; source: SubscriptionSource; name?: string } | undefined {
  if (given) return { value: given, source: "--subscription" };
  const fromStack = stackConfig["azure-native:subscriptionId"];
  if (fromStack) return { value: fromStack, source: "azure-native:subscriptionId" };
  if (env.ARM_SUBSCRIPTION_ID) return { value: env.ARM_SUBSCRIPTION_ID, source: "ARM_SUBSCRIPTION_ID" };
  const cli = azureCliDefault(env);
  return cli ? { value: cli.id, source: "az account", name: cli.name } : undefined;
}

/**
 * The Azure CLI's default subscription (`isDefault` in `azureProfile.json`, which `az account set`
 * writes and `az account show` reads), or undefined when there is no such file or no default. The
 * directory is `AZURE_CONFIG_DIR`, else `.azure` under `HOME` (or `USERPROFILE`) of `env`.
 */
export function azureCliDefault(env: Readonly<Record<string, string | undefined>>): { id: string; name: string } | undefined {
  const home = env.HOME ?? env.USERPROFILE;
  const dir = env.AZURE_CONFIG_DIR ?? (home ? path.join(home, ".azure") : undefined);
  if (!dir) return undefined;
  let profile: unknown;
  try {
    // The CLI writes the file with a byte order mark.
    profile = JSON.parse(fs.readFileSync(path.join(dir, "azureProfile.json"), "utf8").replace(/^\uFEFF/, ""));
  } catch {
    return undefined;
  }
  const subscriptions = (profile as { subscriptions?: unknown }).subscriptions;
  if (!Array.isArray(subscriptions)) return undefined;
  const found = (subscriptions as { id?: unknown; name?: unknown; isDefault?: unknown }[]).find((s) => s.isDefault === true && typeof s.id === "string");
  return found ? { id: found.id as string, name: typeof found.name === "string" ? found.name : "" } : undefined;
}

/** A subscription id: a GUID. */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One subscription as Subscriptions - List returns it. */
export interface SubscriptionSummary {
  subscriptionId: string;
  displayName: string;
}

/**
 * Resolves `--subscription` given by name (as `az account list` shows it) to its id; an id is
 * returned as given. A name matching no subscription, or several, is refused with the choices.
 * `list` is Subscriptions - List (injected: tests and the real call differ only there).
 */
export async function resolveSubscription(given: string, list: () => Promise<SubscriptionSummary[]>): Promise<{ id: string } | { error: string }> {
  if (GUID.test(given)) return { id: given };
  const all = await list();
  const named = all.filter((s) => s.displayName.toLowerCase() === given.toLowerCase());
  const choices = all.map((s) => `'${s.displayName}' (${s.subscriptionId})`).join(", ") || "none: the signed-in account sees no subscription";
  if (named.length === 1) return { id: named[0].subscriptionId };
  if (named.length > 1) return { error: `several subscriptions are named '${given}': ${named.map((s) => s.subscriptionId).join(", ")}; give the id` };
  return { error: `no subscription named '${given}'; the subscriptions this login sees: ${choices} (az account list -o table)` };
}

/**
 * Subscriptions - List (`GET /subscriptions?api-version=2022-12-01`) with an ARM token, over
 * HTTPS to `endpoint` (default https://management.azure.com; tests: a local fake with `ca`).
 * Follows `nextLink`. Rejects with ARM's error message.
 */
export async function listSubscriptions(credential: TokenCredential, endpoint = "https://management.azure.com", ca?: string): Promise<SubscriptionSummary[]> {
  const token = await credential.getToken(ARM_SCOPE);
  const out: SubscriptionSummary[] = [];
  let next: string | undefined = `${endpoint}/subscriptions?api-version=2022-12-01`;
  while (next) {
    const page = (await getJson(next, token?.token ?? "", ca)) as { value?: SubscriptionSummary[]; nextLink?: string };
    out.push(...(page.value ?? []).map((s) => ({ subscriptionId: s.subscriptionId, displayName: s.displayName })));
    next = page.nextLink;
  }
  return out;
}

function getJson(url: string, token: string, ca?: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { headers: { authorization: `Bearer ${token}` }, ca }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      res.on("end", () => {
        try {
          const json = JSON.parse(body) as { error?: { code?: string; message?: string } };
          if ((res.statusCode ?? 500) >= 400) reject(new Error(`${json.error?.code ?? res.statusCode}: ${json.error?.message ?? body}`));
          else resolve(json);
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
    });
    req.on("error", reject);
  });
}
