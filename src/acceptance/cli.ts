/**
 * `npm run acceptance -- --subscription ID [--region R] [--with-vpn] [--with-roles] [--exchange-iso-url URL] [--allow-from CIDR] [--keep] [--yes] [--dry-run] [--out DIR]`
 * (`--help` prints every option, generated from {@link OPTIONS}).
 *
 * Deploys a generated two-VM lab with the project's own program on a throwaway stack, answers the
 * questions only Azure and the real Pulumi CLI can answer, removes what it created, and writes a
 * report (Markdown and JSON). See docs/acceptance.md.
 *
 * Exit codes ({@link usage} prints them): 0 every question passed and nothing is left, or a dry
 * run; 2 usage error or refusal (no subscription, no terminal without --yes, a Pulumi CLI below the
 * floor, no Azure sign-in, no confirmation, the generated lab refused by the plan), nothing created; 3 a step or a
 * question failed, or something is left in Azure without --keep (listed with the command that
 * removes it), or an internal error; 130 interrupted.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as readline from "readline";
import { OptionSpecs, UsageError, optionsHelp, readCommandLine, synopsis } from "../input/commandLine";
import { runPlan } from "../plan/plan";
import { ACCEPTANCE_IMAGE, AcceptanceLab, DEFAULT_REGION, PLAN_STACK_FILE, ROLE_IMAGE, RUN_TAG, acceptanceLab, newRunId, planStackYaml } from "./lab";
import { DEFAULT_TIMEOUTS } from "./checks";
import { Ports } from "./ports";
import { Estimate, renderJson, renderMarkdown } from "./report";
import { Renderer, runAcceptance, steps } from "./run";
import { checkCliVersion, PULUMI_CLI_FLOOR } from "./versions";
import { onCtrlC } from "./interrupt";
import { CONVERSIONS_PER_DISK } from "./parkingChecks";

/**
 * Every option, declared once (src/input/commandLine.ts): `util.parseArgs` reads it, and the usage
 * line and the options of `--help` are generated from it.
 */
export const OPTIONS = {
  subscription: { type: "string", value: "ID", help: "the Azure subscription to deploy the test lab in (required)" },
  region: { type: "string", value: "R", help: `the region (default ${DEFAULT_REGION})` },
  "with-vpn": { type: "boolean", help: "also deploy the VPN gateway and check its DNS name and connection\n(about 45 minutes and the gateway's hourly price more)" },
  "with-roles": { type: "boolean", help: "instead of the two-VM lab: a forest root DC, an Exchange server and a\nmember from images (the README's Role quick start), checked through two\nlives (hours, and an Exchange-sized VM's price)" },
  "exchange-iso-url": { type: "string", value: "URL", help: "with --with-roles: a read-only SAS URL of your copy of the Exchange\nServer SE ISO; a secret, never in the report or the output\n(docs/domain-and-exchange.md, \"Staging the ISO\")" },
  "allow-from": { type: "string", value: "CIDR", help: "your public IPv4 as a /32: the only source the lab's public endpoints\nadmit, and where the TCP and HTTPS checks come from (required unless\n--dry-run)" },
  keep: { type: "boolean", help: "leave what the run created (for a look in the portal); the stack's\npassphrase goes to a file of mode 0600 and the commands that remove\neverything are printed" },
  yes: { type: "boolean", short: "y", help: "do not ask for confirmation (needed without a terminal, e.g. in CI)" },
  "dry-run": { type: "boolean", help: "print the steps, the generated lab, the estimated cost and duration;\ntouch nothing" },
  out: { type: "string", value: "DIR", help: "where the report goes (default: the current directory)" },
  help: { type: "boolean", short: "h", help: "this text" },
} as const satisfies OptionSpecs;

/** The usage line, generated from {@link OPTIONS} (`--subscription` is the one always required). */
export const USAGE_LINE = `usage: npm run acceptance -- ${synopsis(OPTIONS, ["subscription"])}`;

/**
 * `--help`: the usage line, what the run does (docs/acceptance.md's words), every option (from
 * {@link OPTIONS}) and the exit codes {@link main} and the process give.
 */
export function usage(): string {
  return `${USAGE_LINE}

Answers, in your subscription, the questions only Azure and the real Pulumi CLI can answer: deploys
a generated two-VM lab (or, with --with-roles, a forest, Exchange and a member) with this project's
own program on a throwaway stack, checks it through two lives, removes what it created, and writes
a report (Markdown and JSON) to attach to an issue. A real run needs the Pulumi CLI ${PULUMI_CLI_FLOOR} or
later, az login and Contributor on the subscription. See docs/acceptance.md.

options:
${optionsHelp(OPTIONS)}
exit codes: 0 every question passed and nothing is left, or a dry run; 2 usage error or refusal
(no terminal without --yes, a Pulumi CLI below the floor, no Azure sign-in (az login), not
confirmed, the generated lab refused by the plan), nothing created; 3 a step or a question failed, or something is left in Azure without
--keep (listed with the command that removes it), or an internal error; 130 interrupted (Ctrl-C:
what the run created is removed first; a second Ctrl-C quits at once, printing how to remove it)
`;
}

/** The whole `--help` text (kept as a constant for the callers that print it). */
export const USAGE = usage();

export interface AcceptanceArgs {
  subscription?: string;
  region: string;
  withVpn: boolean;
  withRoles: boolean;
  /** A secret: never printed, never in the report. */
  exchangeIsoUrl?: string;
  allowFrom?: string;
  keep: boolean;
  yes: boolean;
  dryRun: boolean;
  out: string;
}

/**
 * Parses the arguments ({@link readCommandLine} over {@link OPTIONS}) and checks their combinations.
 * Throws a {@link UsageError} with the reason (a one-line message), or an `Error` `help` for --help.
 */
export function parseAcceptanceArgs(argv: readonly string[]): AcceptanceArgs {
  const { values } = readCommandLine(argv, OPTIONS);
  if (values.help) throw new Error("help");
  const args: AcceptanceArgs = {
    subscription: values.subscription, region: (values.region ?? DEFAULT_REGION).toLowerCase().replace(/\s+/g, ""),
    withVpn: !!values["with-vpn"], withRoles: !!values["with-roles"], exchangeIsoUrl: values["exchange-iso-url"], allowFrom: values["allow-from"],
    keep: !!values.keep, yes: !!values.yes, dryRun: !!values["dry-run"], out: values.out ?? ".",
  };
  if (!args.subscription) throw new UsageError("refusing to run without --subscription ID: the run creates and deletes resources, so it names the subscription explicitly (az account show --query id -o tsv)");
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(args.subscription)) throw new UsageError(`--subscription '${args.subscription}' is not a subscription ID (a GUID)`);
  if (args.allowFrom !== undefined && !/^(\d{1,3}\.){3}\d{1,3}(\/32)?$/.test(args.allowFrom)) throw new UsageError(`--allow-from '${args.allowFrom}' is not one IPv4 address (a.b.c.d or a.b.c.d/32)`);
  if (args.allowFrom && !args.allowFrom.endsWith("/32")) args.allowFrom += "/32";
  if (!args.dryRun && !args.allowFrom) throw new UsageError("give --allow-from <your public IPv4>: the lab admits no other source, and the TCP checks come from this machine (e.g. curl -s https://api.ipify.org)");
  if (args.exchangeIsoUrl !== undefined && !args.withRoles) throw new UsageError("--exchange-iso-url is for --with-roles only");
  // The URL itself is never quoted back: it is a secret (a SAS token).
  if (args.exchangeIsoUrl !== undefined && !/^https:\/\/\S+$/.test(args.exchangeIsoUrl)) throw new UsageError("--exchange-iso-url is not an https:// URL (its value is a secret and is not repeated here)");
  if (args.withRoles && !args.dryRun && !args.exchangeIsoUrl) throw new UsageError("--with-roles needs --exchange-iso-url <SAS URL of your Exchange Server SE ISO> (docs/domain-and-exchange.md, \"Staging the ISO\")");
  return args;
}

/** What the command line is given besides its arguments (tests replace every part). */
export interface AcceptanceIo {
  write(s: string): void;
  writeError(s: string): void;
  /** Whether a person can answer (stdin is a terminal). */
  isTty: boolean;
  /** Asks a yes/no question; resolves true on yes. */
  confirm(question: string): Promise<boolean>;
  /** The ports, made once the run is confirmed (they sign in to Azure). */
  ports(subscriptionId: string): Ports | Promise<Ports>;
  /** Temporary directory of the run. */
  runDir(runId: string): string;
  renderer: Renderer;
  signal: AbortSignal;
  runId?: string;
}

/**
 * The estimate from the offline plan of the generated lab (the very plan `npm run plan` makes):
 * the prices of `prices/<region>.json` and the creation times of `src/report/readiness.ts`. The
 * run's minutes: three ups of the lab (the first from the images), two destroys, the checks.
 */
export async function estimateRun(lab: AcceptanceLab, dir: string): Promise<{ estimate: Estimate; warnings: string[] }> {
  const stackFile = path.join(dir, PLAN_STACK_FILE);
  fs.writeFileSync(String(lab.config["exchange-lab:csv"]), lab.csvBefore);
  fs.writeFileSync(stackFile, planStackYaml(lab));
  const plan = await runPlan({ stackFile, baseDir: dir });
  if (plan.errors.length > 0) throw new Error(`the generated lab is refused in ${lab.region}: ${plan.errors.map((p) => `${p.column}: ${p.message}`).join("; ")}`);
  const up = Math.max(plan.timeToReady?.vmsMinutes ?? 10, plan.timeToReady?.vpnMinutes ?? 0);
  // Destroy: a few minutes, the VPN gateway's deletion much longer; checks: boots and Run Commands.
  const destroy = lab.withVpn ? 20 : 5;
  // The role lab: one up from the images (the role steps), one on the kept disks (no role step:
  // VMs attach and boot, the DC's gate waits for AD DS), parking, and its checks.
  const minutes = lab.roles
    ? Math.ceil(up + Math.max(LATER_LIFE_UP_MINUTES, plan.timeToReady?.vpnMinutes ?? 0) + 2 * destroy + ROLE_CHECK_MINUTES)
    : Math.ceil(3 * up + 2 * destroy + 20 + PARKING_MINUTES);
  const cost = plan.cost;
  const hourly = cost?.perHourRunning ?? null;
  // The hourly figure already holds the disks' hourly share (src/report/cost.ts): adding their
  // month's share again would count them twice.
  const total = hourly === null ? null : Math.round((hourly * minutes) / 60 * 100) / 100;
  return {
    estimate: {
      currency: cost?.currency ?? "USD", perHourRunning: hourly, perMonthParked: cost?.perMonthParked ?? null, minutes, total, priceSource: cost ? `${cost.source} (${cost.date})` : "none",
      ...(lab.roles ? { roleSteps: (plan.roleSteps ?? []).flatMap((r) => r.steps.map((st) => ({ vm: r.vm, id: st.id, what: st.what, minutes: st.minutes }))) } : {}),
    },
    warnings: plan.warnings.map((w) => w.message),
  };
}

/** Minutes of an up of the role lab on its kept disks: a stated assumption (three VMs attach and boot, the DC's readiness gate waits for AD DS), not a measurement. */
export const LATER_LIFE_UP_MINUTES = 15;
/** Minutes of the role lab's checks (Run Commands on three VMs, twice, and the HTTPS probe): a stated assumption. */
export const ROLE_CHECK_MINUTES = 15;

/** Minutes of the parking steps (a VM stopped and started, four disk conversions): a stated assumption. */
export const PARKING_MINUTES = 10;

/** What the run will do, for the dry run and before the confirmation. */
function describeRun(lab: AcceptanceLab, estimate: Estimate): string {
  const money = (n: number | null) => (n === null ? "unknown" : `${n.toFixed(2)} ${estimate.currency}`);
  const head = [
    `Acceptance run ${lab.runId} in ${lab.region}${lab.roles ? " with the roles (a forest, Exchange and a member)" : ""}${lab.withVpn ? " with the VPN gateway" : ""}`,
    `Resource groups: ${lab.resourceGroup} (the stack's), ${lab.diskResourceGroup} (disks and VMs; tagged ${RUN_TAG}=${lab.runId})`,
  ];
  const body = lab.roles
    ? [
      `Generated lab: the forest ${lab.roles.domainName} on ${lab.roles.dc.name} (${lab.roles.sizes[lab.roles.dc.name].name}), Exchange Server SE on ${lab.roles.exchange.name} (${lab.roles.sizes[lab.roles.exchange.name].name}, https published to --allow-from), member ${lab.roles.member.name} (${lab.roles.sizes[lab.roles.member.name].name}), from image ${ROLE_IMAGE}`,
      "",
      "CSV:",
      lab.csvBefore,
      "Role steps of the first up (the plan's minutes):",
      ...(estimate.roleSteps ?? []).map((st) => `  ${st.vm} ${st.id}: about ${st.minutes} min (${st.what})`),
      "",
    ]
    : [
      `Generated lab: 2 VMs of ${lab.size.name} (${lab.size.vcpus} vCPU, ${lab.size.memoryGiB} GiB: the smallest size that boots ${ACCEPTANCE_IMAGE}) from image ${ACCEPTANCE_IMAGE}`,
      "",
      "CSV before the edits:",
      lab.csvBefore,
      "CSV after the edits (rename, subnet move, endpoint removed and added):",
      lab.csvAfter,
      `Disk type conversions: ${CONVERSIONS_PER_DISK} per disk (Azure allows ${CONVERSIONS_PER_DISK} a day): ${lab.after[0].osDisk} stop --park and start, ${lab.after[1].osDisk} park and unpark after destroy; a third on the first disk must be refused`,
      "",
    ];
  return [
    ...head,
    ...body,
    "Steps:",
    ...steps(lab).map((s, i) => `  ${i + 1}. ${s.title}`),
    "  then: delete the test disks and the disk resource group (unless --keep); on any failure or Ctrl-C, destroy first",
    "",
    `Estimate: about ${estimate.minutes} minutes and ${money(estimate.total)} (${money(estimate.perHourRunning)} an hour while running; prices ${estimate.priceSource})`,
    "",
  ].join("\n");
}

/** Runs the command line; resolves to the exit code. */
export async function main(argv: readonly string[], io: AcceptanceIo): Promise<number> {
  let args: AcceptanceArgs;
  try {
    args = parseAcceptanceArgs(argv);
  } catch (err) {
    if ((err as Error).message === "help") {
      io.write(USAGE);
      return 0;
    }
    if (!(err instanceof UsageError)) throw err;
    io.writeError(`exchange-lab acceptance: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  // Refusals first: nothing is computed or created for a run that cannot go ahead.
  let preflight: { ports: Ports; cli: string } | undefined;
  if (!args.dryRun) {
    if (!args.yes && !io.isTty) {
      io.writeError("refusing to run without --yes: there is no terminal to confirm the cost on, and the run creates billed resources\n");
      return 2;
    }
    const ports = await io.ports(args.subscription!);
    try {
      preflight = { ports, cli: checkCliVersion(await ports.workspace.cliVersion()) };
    } catch (err) {
      io.writeError(`${(err as Error).message}\n`);
      return 2;
    }
    // One token before the cost is asked for: an expired az login is said now, with nothing created.
    const signIn = await ports.arm.signIn();
    if (signIn) {
      io.writeError(`${signIn}\n`);
      return 2;
    }
  }
  const runId = io.runId ?? newRunId();
  const dir = io.runDir(runId);
  const lab = acceptanceLab({ runId, region: args.region, withVpn: args.withVpn, allowFrom: args.allowFrom ?? "203.0.113.10/32", csvPath: path.join(dir, "lab.csv"), subscriptionId: args.subscription!, withRoles: args.withRoles, exchangeIsoUrl: args.exchangeIsoUrl });
  let estimate: Estimate;
  try {
    estimate = (await estimateRun(lab, dir)).estimate;
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    io.writeError(`${(err as Error).message}\n`);
    return 2;
  }
  io.write(describeRun(lab, estimate));
  if (!preflight) {
    fs.rmSync(dir, { recursive: true, force: true });
    io.write(`A real run needs: Pulumi CLI ${PULUMI_CLI_FLOOR} or later (not checked in a dry run), az login, Contributor on the subscription, --allow-from.\nDry run: nothing was created.\n`);
    return 0;
  }
  const code = await confirmAndRun(args, lab, estimate, io, preflight);
  if (!args.keep) fs.rmSync(dir, { recursive: true, force: true });
  return code;
}

async function confirmAndRun(args: AcceptanceArgs, lab: AcceptanceLab, estimate: Estimate, io: AcceptanceIo, preflight: { ports: Ports; cli: string }): Promise<number> {
  const { ports, cli } = preflight;
  if (!args.yes && !(await io.confirm(`Deploy in subscription ${args.subscription} for about ${estimate.minutes} minutes and ${estimate.total === null ? "an unknown cost" : `${estimate.total.toFixed(2)} ${estimate.currency}`}? [y/N] `))) {
    io.writeError("not confirmed: nothing was created\n");
    return 2;
  }
  quitHint = `Quit at once: the run's resource groups may be left; remove them with:\n  az group delete --name ${lab.resourceGroup} --subscription ${args.subscription} --yes\n  az group delete --name ${lab.diskResourceGroup} --subscription ${args.subscription} --yes\n`;
  const sdkVersion = (JSON.parse(fs.readFileSync(require.resolve("@pulumi/pulumi/package.json"), "utf8")) as { version: string }).version;
  fs.mkdirSync(args.out, { recursive: true });
  const base = path.resolve(args.out, `acceptance-${lab.runId}`);
  const passphraseFile = `${base}.passphrase`;
  const outcome = await runAcceptance(ports, { lab, subscriptionId: args.subscription!, keep: args.keep, estimate, cliVersion: cli, sdkVersion, timeouts: DEFAULT_TIMEOUTS, renderer: io.renderer, signal: io.signal, passphraseFile });
  if (outcome.kept) writePrivate(passphraseFile, outcome.kept.passphrase);
  fs.writeFileSync(`${base}.md`, renderMarkdown(outcome.report));
  fs.writeFileSync(`${base}.json`, renderJson(outcome.report));
  io.write(`\n${outcome.report.answers.map((a) => `${a.status.padEnd(7)} ${a.id}`).join("\n")}\n\nReport: ${base}.md and ${base}.json (attach both to an issue)\n`);
  if (outcome.report.keptStack) {
    io.write(`\nThe stack is kept (--keep); its passphrase is in ${passphraseFile} (mode 0600). Destroy it later with:\n${outcome.report.keptStack.commands.map((c) => `  ${c}`).join("\n")}\n`);
  }
  if (outcome.report.leftovers.length > 0) {
    io.writeError(`Left in Azure${args.keep ? " (--keep)" : ""}:\n${outcome.report.leftovers.map((l) => `  ${l.what}\n    remove: ${l.remove}`).join("\n")}\n`);
  } else io.write("Nothing of the run is left in Azure.\n");
  return outcome.code;
}

/**
 * Writes a secret to a file only its owner can read or write (mode 0600, set again after the write:
 * the mode of `open` applies only to a new file, and the umask may narrow it, never widen it).
 */
export function writePrivate(file: string, secret: string): void {
  const fd = fs.openSync(file, "w", 0o600);
  try {
    fs.fchmodSync(fd, 0o600);
    fs.writeSync(fd, secret);
  } finally {
    fs.closeSync(fd);
  }
}

/** What a second Ctrl-C prints before quitting: the commands that remove what the run may have left. */
let quitHint = "";

/** The floor, for the usage text and the docs. */
export { PULUMI_CLI_FLOOR };

if (require.main === module) {
  // The pulumi child gets the terminal's Ctrl-C itself: nothing here signals it (interrupt.ts).
  const ctrlC = onCtrlC(process, {
    first: () => process.stderr.write("\nCtrl-C: the operation in flight is cancelled by Pulumi, then what the run created is removed (Ctrl-C again to quit at once and leave it)\n"),
    second: () => {
      process.stderr.write(quitHint);
      process.exit(130);
    },
  });
  const io: AcceptanceIo = {
    write: (s) => process.stdout.write(s),
    writeError: (s) => process.stderr.write(s),
    isTty: !!process.stdin.isTTY,
    confirm: (question) => new Promise((resolve) => {
      const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
      // Ctrl-C at the prompt reaches readline, not the process' handler: it is a no.
      rl.on("SIGINT", () => {
        rl.close();
        process.stdout.write("\n");
        resolve(false);
      });
      rl.question(question, (answer) => {
        rl.close();
        resolve(/^y(es)?$/i.test(answer.trim()));
      });
    }),
    ports: async (subscriptionId) => (await import("./wiring")).realPorts(subscriptionId),
    runDir: (runId) => fs.mkdtempSync(path.join(os.tmpdir(), `exchange-lab-acceptance-${runId}-`)),
    renderer: process.stdout.isTTY ? "default" : "simple",
    signal: ctrlC.signal,
  };
  main(process.argv.slice(2), io).then(
    (code) => (process.exitCode = code),
    (err) => {
      process.stderr.write(`internal error (a defect of exchange-lab): ${(err as Error).stack ?? err}\n`);
      process.exitCode = 3;
    },
  );
}
