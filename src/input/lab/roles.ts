/**
 * The CSV's `Role` column and the stack keys of the domain it builds, checked against the lab.
 * Pure. The steps each role runs are designed in `src/azure/roleSteps.ts`; users' documentation
 * is docs/domain-and-exchange.md.
 *
 * - `DC`: a domain controller. The first `DC` row in boot order is the forest root
 *   (`Install-ADDSForest`); later ones are additional DCs (`Install-ADDSDomainController`). A DC
 *   row needs WaitForBoot=Yes, so that every later VM waits for its AD-ready gate.
 * - `Exchange`: a domain member with the Exchange Server SE Mailbox role. Never also a DC
 *   (Exchange is not supported on a domain controller: Exchange 2019 system requirements,
 *   https://learn.microsoft.com/exchange/plan-and-deploy/system-requirements). Needs a DC before it
 *   in boot order and at least {@link EXCHANGE_MIN_MEMORY_GIB} GiB of memory (a lab figure: GOAD's
 *   Exchange VM is Standard_B4ms, "at least 12Gb of RAM", https://github.com/Orange-Cyberdefense/GOAD).
 * - `Member`: joined to the domain; needs a DC before it.
 * Roles run only in a VM's first life (built from its image), so a role needs an `Image`.
 */
import { findSize } from "../catalogues";
import type { CsvRow } from "../csv/csv";
import type { LabVm } from "./labTypes";
import { Problem } from "../problems";
import { ConfigLocator, NAMESPACE } from "../stack/settings";
import { ENCRYPTED_PLACEHOLDER } from "../stack/stackFile";

// The Role column's values and the domain's shape live in labTypes.ts (the lab carries them).
export { ROLES } from "./labTypes";
export type { DomainSettings, Role } from "./labTypes";
import { ROLES } from "./labTypes";
import type { DomainSettings, Role } from "./labTypes";

/** The memory an Exchange row's size needs, in GiB. */
export const EXCHANGE_MIN_MEMORY_GIB = 16;
/** The organization name Setup gets when `exchangeOrganization` is not set. */
export const DEFAULT_EXCHANGE_ORGANIZATION = "ExchangeLab";

/** A Role cell: a role (any case), `undefined` when empty, or an error message. */
export function parseRole(text: string): { role?: Role } | { error: string } {
  const t = text.trim();
  if (t === "") return {};
  const role = ROLES.find((r) => r.toLowerCase() === t.toLowerCase());
  return role ? { role } : { error: `'${t}' is not a role; use ${ROLES.join(", ")}, or leave it empty` };
}

/** Reads a row's Role cell: the role, with the cell's problem pushed to `report` when it is not one. */
export function readRole(row: CsvRow, report: (message: string) => void): Role | undefined {
  const parsed = parseRole(row.cells.Role ?? "");
  if ("error" in parsed) return void report(parsed.error), undefined;
  return parsed.role;
}

/** The forest root: the first online DC row in boot order, if any. */
export function forestRoot(vms: readonly LabVm[]): LabVm | undefined {
  return vms.find((vm) => vm.bringOnline && vm.role === "DC");
}

/**
 * Whether a VM runs its role steps in this run: it has a role and is in its first life, built from
 * its image. At `pulumi up` the OS disk lookup decides (`osDiskMode`); in the offline plan, a VM a
 * recorded deployment (`--previous`) shows deployed is in a later life.
 */
export function runsRoleSteps(vm: LabVm): boolean {
  if (!vm.role || !vm.image || !vm.bringOnline) return false;
  if (vm.osDiskMode) return vm.osDiskMode.kind === "fromImage";
  return !vm.deployedBefore;
}

/**
 * Windows 11's minimum for a VM: 2 virtual processors and 4 GB of memory ("Virtual machine
 * support", https://learn.microsoft.com/windows/whats-new/windows-11-requirements#virtual-machine-support).
 * A Windows 11 row (the `windows-11` offer of MicrosoftWindowsDesktop) on a smaller size
 * (`Small` = Standard_B1ms: 1 vCPU, 2 GiB) gets a warning on its VMInstanceSize: Azure creates the
 * VM, but Windows runs below its stated minimum. Sizes the catalogue lacks are not judged. Pure.
 */
export function windows11SizeWarnings(vms: readonly LabVm[], csvFile: string): Problem[] {
  return vms.flatMap((vm) => {
    if (!vm.image?.windowsClient || vm.image.offer.toLowerCase() !== "windows-11") return [];
    const size = findSize(vm.size);
    if (!size || (size.vcpus >= 2 && size.memoryGiB >= 4)) return [];
    return [{ file: csvFile, line: vm.line, column: "VMInstanceSize", message: `${vm.size} has ${size.vcpus} vCPU and ${size.memoryGiB} GiB of memory; Windows 11 needs at least 2 virtual processors and 4 GB (Microsoft's Windows 11 requirements for a VM): e.g. Medium (Standard_B2s)` }];
  });
}

/**
 * The rules across rows of the Role column: a role needs an Image; DC rows need WaitForBoot=Yes;
 * an Exchange row followed by another needs WaitForBoot=Yes (one Setup at a time);
 * Exchange and Member rows need an online DC row before them; Exchange rows need
 * {@link EXCHANGE_MIN_MEMORY_GIB} GiB (from the size catalogue). One problem per broken rule, on the
 * cell to change. Pure.
 */
export function roleProblems(vms: readonly LabVm[], csvFile: string): Problem[] {
  const problems: Problem[] = [];
  const at = (vm: LabVm, column: string, message: string) => problems.push({ file: csvFile, line: vm.line, column, message });
  let dcSeen: LabVm | undefined;
  let exchangeSeen: LabVm | undefined;
  for (const vm of vms) {
    if (!vm.role) continue;
    // Two Exchange Setups at once would prepare the schema and AD at the same time; Microsoft
    // prepares once and waits for replication (https://learn.microsoft.com/exchange/plan-and-deploy/prepare-ad-and-domains).
    if (vm.role === "Exchange" && vm.bringOnline && exchangeSeen && !exchangeSeen.waitForBoot) {
      at(exchangeSeen, "WaitForBoot", `${vm.name} is a later Exchange row: make this one a barrier (WaitForBoot Yes), so that its Setup (which prepares the schema and AD) ends before ${vm.name}'s begins`);
    }
    if (vm.role === "Exchange" && vm.bringOnline) exchangeSeen = vm;
    if (!vm.image) at(vm, "Role", `a role runs only while the VM is built from a marketplace image: give the row an Image (e.g. ws2022-g2), or leave Role empty for a VM on an existing disk`);
    // A domain controller and Exchange Server need Windows Server; a Windows 10/11 client can only join.
    if (vm.image?.windowsClient && vm.role !== "Member") at(vm, "Role", `${vm.image.text} is a Windows client image: a ${vm.role} needs Windows Server (e.g. ws2022-g2); a client takes Role Member, which joins it to the domain`);
    if (vm.role === "DC") {
      if (!vm.waitForBoot) at(vm, "WaitForBoot", `a DC row must be a barrier (WaitForBoot Yes), so that later VMs wait until its domain answers`);
      if (vm.bringOnline && !dcSeen) dcSeen = vm;
      continue;
    }
    if (!dcSeen) at(vm, "Role", `a ${vm.role} row joins the domain, so it needs an online DC row before it in boot order (the first DC row builds the forest)`);
    if (vm.role === "Exchange") {
      const memory = findSize(vm.size)?.memoryGiB;
      if (memory !== undefined && memory < EXCHANGE_MIN_MEMORY_GIB) {
        at(vm, "VMInstanceSize", `${vm.size} has ${memory} GiB of memory; an Exchange server needs at least ${EXCHANGE_MIN_MEMORY_GIB} GiB (e.g. Large = Standard_B4ms, or Standard_E2s_v5)`);
      }
    }
  }
  return problems;
}


const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const NETBIOS = /^[A-Za-z0-9-]{1,15}$/;
const ORGANIZATION = /^[A-Za-z0-9-](?:[A-Za-z0-9 -]{0,62}[A-Za-z0-9-])?$/;
/** The command that stores a secret key; it prompts, so the value stays out of the shell history. */
export function setSecretCommand(key: string): string {
  return `pulumi config set --secret ${NAMESPACE}:${key}`;
}

/**
 * The domain keys checked against the lab: nothing when no online row has a role. `domainName`
 * is required (an FQDN of 2-5 labels); `domainNetbiosName` defaults to its first label in upper
 * case; `exchangeOrganization` to {@link DEFAULT_EXCHANGE_ORGANIZATION}. A missing secret
 * (`safeModePassword` with a DC row, `exchangeIsoUrl` with an Exchange row) is a problem when
 * `deploy` (with the `pulumi config set --secret` line) and a warning in the plan; a secret
 * written in plain text in the stack file is a warning. Messages never contain a secret.
 *
 * @param raw the stack's config, full key -> text; `secretKeys` its `secure:` keys when known.
 */
export function domainSettings(vms: readonly LabVm[], raw: Readonly<Record<string, string>>, locate: ConfigLocator, deploy: boolean, secretKeys?: readonly string[]): { domain?: DomainSettings; problems: Problem[]; warnings: Problem[] } {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const full = (k: string) => `${NAMESPACE}:${k}`;
  const at = (k: string, message: string) => ({ ...locate(full(k)), column: full(k), message });
  for (const k of ["safeModePassword", "exchangeIsoUrl", "exchangeProductKey"]) {
    if (secretKeys && raw[full(k)] !== undefined && !secretKeys.includes(full(k))) warnings.push(at(k, `a secret stored in plain text in the stack file; store it encrypted with: ${setSecretCommand(k)}`));
  }
  const roles = vms.filter((vm) => vm.bringOnline && vm.role);
  if (roles.length === 0) return { problems, warnings };
  // The secrets are needed by the rows whose role steps run in this run (a deployed VM runs none).
  const rows = (role: string) => roles.filter((vm) => vm.role === role && runsRoleSteps(vm)).map((vm) => vm.name).join(", ");
  const name = (raw[full("domainName")] ?? "").trim();
  const labels = name.split(".");
  if (name === "") problems.push(at("domainName", `required: ${roles.map((vm) => vm.name).join(", ")} ${roles.length === 1 ? "has" : "have"} a Role; name the forest, e.g. pulumi config set ${full("domainName")} lab.example.com`));
  else if (labels.length < 2 || labels.length > 5 || name.length > 64 || !labels.every((l) => DOMAIN_LABEL.test(l)) || /^\d+$/.test(labels[labels.length - 1])) {
    problems.push(at("domainName", `'${name}' is not a domain FQDN: 2-5 labels of letters, digits and '-' separated by '.', such as lab.example.com (a single-label domain is not supported)`));
  }
  const netbiosName = (raw[full("domainNetbiosName")] ?? labels[0].slice(0, 15).toUpperCase()).trim();
  if (!NETBIOS.test(netbiosName) || /^\d+$/.test(netbiosName)) problems.push(at("domainNetbiosName", `'${netbiosName}' is not a NetBIOS domain name: 1-15 letters, digits and '-', not all digits`));
  const exchangeOrganization = (raw[full("exchangeOrganization")] ?? DEFAULT_EXCHANGE_ORGANIZATION).trim();
  if (!ORGANIZATION.test(exchangeOrganization)) problems.push(at("exchangeOrganization", `'${exchangeOrganization}' is not an Exchange organization name: 1-64 letters, digits, spaces and '-', not starting or ending with a space`));
  const state = (k: string) => (raw[full(k)] === undefined || raw[full(k)] === "" ? "missing" : "configured") as "missing" | "configured";
  const missing = deploy ? problems : warnings;
  if (rows("DC") && state("safeModePassword") === "missing") {
    missing.push(at("safeModePassword", `required: ${rows("DC")} will be promoted to domain controller, which needs a Directory Services Restore Mode password. Store it once, encrypted (the command prompts for it): ${setSecretCommand("safeModePassword")}`));
  }
  if (rows("Exchange") && state("exchangeIsoUrl") === "missing") {
    missing.push(at("exchangeIsoUrl", `required: ${rows("Exchange")} will install Exchange Server SE from your copy of its ISO; Microsoft publishes no anonymous URL. Stage it and store a short-lived SAS URL (docs/domain-and-exchange.md, "Staging the ISO"): ${setSecretCommand("exchangeIsoUrl")}`));
  }
  const isoUrl = raw[full("exchangeIsoUrl")];
  if (isoUrl && isoUrl !== ENCRYPTED_PLACEHOLDER && !/^https:\/\/\S+$/i.test(isoUrl)) problems.push(at("exchangeIsoUrl", "expected an https:// URL (a SAS URL of the ISO blob); the value is not shown"));
  const key = raw[full("exchangeProductKey")];
  if (key && key !== ENCRYPTED_PLACEHOLDER && !/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){4}$/.test(key)) problems.push(at("exchangeProductKey", "expected a product key of five groups of five letters or digits (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX); the value is not shown"));
  return { domain: { name, netbiosName, exchangeOrganization, safeModePassword: state("safeModePassword"), exchangeIsoUrl: state("exchangeIsoUrl"), exchangeProductKey: state("exchangeProductKey") }, problems, warnings };
}

/**
 * The lab's `dnsServers` (the virtual network's DNS, already resolved to addresses) against the
 * Role rows: a warning, on the `dnsServers` key, when both exist and `dnsServers` is not exactly
 * the online DC rows' addresses. The NICs of the Role rows (but the forest root) hand out the DCs
 * instead (NIC DNS overrides the virtual network's,
 * https://learn.microsoft.com/azure/virtual-network/virtual-network-network-interface, "Change DNS servers"),
 * so `dnsServers` serves only the rows without a Role and the forest root until its promotion.
 * Empty when there is nothing to say. Pure.
 */
export function roleDnsWarnings(vms: readonly LabVm[], dnsServers: readonly string[], location: { file: string; line: number }): Problem[] {
  const members = vms.filter((vm) => vm.bringOnline && vm.role && vm !== forestRoot(vms));
  if (dnsServers.length === 0 || members.length === 0) return [];
  const dcs = vms.filter((vm) => vm.bringOnline && vm.role === "DC").map((vm) => vm.privateIp);
  if (dnsServers.length === dcs.length && dnsServers.every((ip) => dcs.includes(ip))) return [];
  return [{
    ...location,
    column: `${NAMESPACE}:dnsServers`,
    message: `${members.map((vm) => vm.name).join(", ")} resolve${members.length === 1 ? "s" : ""} names through the DCs (${dcs.join(", ")}), which forward to Azure DNS: their NICs override dnsServers (${dnsServers.join(", ")}), which only the rows without a Role use. For names only dnsServers knows (the office's), add a conditional forwarder on a DC (Add-DnsServerConditionalForwarderZone)`,
  }];
}
