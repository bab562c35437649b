/**
 * The role steps, designed: which managed Run Commands each Role row runs in its first life, in
 * which order, with which parameters, how long each is expected to take and how long it may run.
 * Pure: the declaration (`src/azure/roleCommands.ts`) and the plan's report both read it.
 *
 * Every step exits before any restart (a managed Run Command does not survive one: "Once your
 * script starts, regardless what happens, we won't rerun it - even if it reboots the machine",
 * https://devblogs.microsoft.com/azure-vm-runtime/when-will-customscript-extension-re-execute-my-script/);
 * a step that schedules a restart is followed by a wait of {@link REBOOT_WAIT_SECONDS} and a gate
 * that polls until the VM serves again (DataDog's Pulumi AD sequence: install-forest, a 90 s
 * sleep, then an ADWS/RID check; https://github.com/DataDog/datadog-agent, test/e2e-framework).
 * Exchange Setup runs in a scheduled task as the domain administrator (Run Command runs as
 * SYSTEM, Setup's AD preparation needs Schema and Enterprise Admins:
 * https://learn.microsoft.com/exchange/plan-and-deploy/prepare-ad-and-domains).
 *
 * Durations: Exchange Setup's 60 minutes are Microsoft's ("Estimated time to complete: 60
 * minutes", https://learn.microsoft.com/exchange/plan-and-deploy/deploy-new-installations/unattended-installs),
 * as are AD preparation's "10-15 minutes or more"; every other figure is this project's
 * assumption, not a measurement.
 */
import type { Lab, LabVm } from "./labTypes";
import { forestRoot, runsRoleSteps } from "./roles";

/** Seconds Pulumi waits after a step that schedules a restart, before the gate that follows (DataDog's 90 s). */
export const REBOOT_WAIT_SECONDS = 90;

/** The secrets a step receives as protected parameters: the Run Command parameter name and the stack key. */
export const PROTECTED = {
  SafeModePassword: "safeModePassword",
  AdminPassword: "adminPassword",
  IsoUrl: "exchangeIsoUrl",
  ProductKey: "exchangeProductKey",
} as const;
export type ProtectedParameter = keyof typeof PROTECTED;

/** One role step of one VM. */
export interface RoleStep {
  /** Unique per VM: the Pulumi name is `<vm>-<id>`, the ARM run command `exchange-lab-<id>`. */
  id: string;
  /** The script under src/azure/scripts. */
  script: string;
  /** What it does, one line. */
  what: string;
  /** Expected duration, minutes (see the file's header for sources). */
  minutes: number;
  /** The script's own deadline (its TimeoutSeconds), minutes; Run Command and Pulumi get more (gates.ts). */
  deadlineMinutes: number;
  /** Whether it schedules a restart (a reboot wait follows it). */
  restarts: boolean;
  /** Public parameters (Run Command passes every parameter as text). */
  parameters: Record<string, string>;
  /** Secrets, passed as protected parameters. */
  protectedParameters: ProtectedParameter[];
  /** Whether the script takes TimeoutSeconds (the gates and the join). */
  takesTimeout: boolean;
}

/** The ARM name of a step's run command under its VM. */
export function roleRunCommandName(step: RoleStep): string {
  return `exchange-lab-${step.id}`;
}

/**
 * The role steps of one VM, in order; empty when it runs none (no role, or not its first life:
 * `runsRoleSteps`). Needs `lab.domain` for a VM with a role (the program sets it then).
 */
export function roleStepsOf(lab: Lab, vm: LabVm): RoleStep[] {
  if (!runsRoleSteps(vm) || !lab.domain) return [];
  const d = lab.domain;
  const domain = { DomainName: d.name, DomainNetbiosName: d.netbiosName };
  const admin = { AdminUser: lab.settings.vmImage.adminUsername ?? "" };
  const step = (s: Omit<RoleStep, "takesTimeout"> & { takesTimeout?: boolean }): RoleStep => ({ takesTimeout: false, ...s });
  if (vm.role === "DC") {
    const root = forestRoot(lab.vms) === vm;
    return [
      step(root
        ? { id: "dc-promote", script: "dc-promote.ps1", what: `Install-ADDSForest ${d.name} (${d.netbiosName}), DNS; restart`, minutes: 10, deadlineMinutes: 45, restarts: true, parameters: { Mode: "Forest", ...domain }, protectedParameters: ["SafeModePassword"] }
        : { id: "dc-promote", script: "dc-promote.ps1", what: `Install-ADDSDomainController into ${d.name}, DNS; restart`, minutes: 15, deadlineMinutes: 60, restarts: true, parameters: { Mode: "Replica", ...domain, ...admin }, protectedParameters: ["SafeModePassword", "AdminPassword"] }),
      step({ id: "ad-ready", script: "ad-ready.ps1", what: root ? "AD-ready gate: restarted, ADWS, Get-ADDomain, RID probe, DC locator in its DNS; forwarder 168.63.129.16, PDC time source" : "AD-ready gate: restarted, ADWS, Get-ADDomain, RID probe, DC locator in its DNS; forwarder 168.63.129.16; repadmin /syncall /Ae", minutes: 10, deadlineMinutes: 60, restarts: false, parameters: { ForestRoot: root ? "Yes" : "No" }, protectedParameters: [], takesTimeout: true }),
    ];
  }
  const join = [
    step({ id: "domain-join", script: "domain-join.ps1", what: `Add-Computer to ${d.name}; restart`, minutes: 3, deadlineMinutes: 15, restarts: true, parameters: { ...domain, ...admin }, protectedParameters: ["AdminPassword"], takesTimeout: true }),
    step({ id: "join-ready", script: "join-ready.ps1", what: "join gate: restarted, member of the domain, secure channel", minutes: 5, deadlineMinutes: 30, restarts: false, parameters: { DomainName: d.name }, protectedParameters: [], takesTimeout: true }),
  ];
  if (vm.role !== "Exchange") return join;
  return [
    ...join,
    step({ id: "exchange-prereqs", script: "exchange-prereqs.ps1", what: "download the SE ISO; .NET 4.8.1, VC++ 2012/2013, URL Rewrite, UCMA; restart", minutes: 40, deadlineMinutes: 170, restarts: true, parameters: {}, protectedParameters: ["IsoUrl"] }),
    step({ id: "exchange-setup", script: "exchange-setup.ps1", what: `scheduled task as ${d.netbiosName}\\${admin.AdminUser}: Setup /PrepareSchema, /PrepareAD /OrganizationName:"${d.exchangeOrganization}", /Mode:Install /Roles:Mailbox`, minutes: 1, deadlineMinutes: 10, restarts: false, parameters: { DomainNetbiosName: d.netbiosName, ...admin, Organization: d.exchangeOrganization }, protectedParameters: d.exchangeProductKey === "configured" ? ["AdminPassword", "ProductKey"] : ["AdminPassword"] }),
    step({ id: "exchange-ready", script: "exchange-ready.ps1", what: "Exchange-ready gate: the task done, services running, https://localhost/owa/healthcheck.htm answers", minutes: 90, deadlineMinutes: 240, restarts: false, parameters: {}, protectedParameters: [], takesTimeout: true }),
  ];
}

/** The DNS servers a Role row's NIC hands out: the online DC rows' addresses, forest root first,
 * without the VM's own. Empty for the forest root (its own DNS after promotion) and rows without a role. */
export function roleDnsServers(lab: Lab, vm: LabVm): string[] {
  if (!vm.role || forestRoot(lab.vms) === vm || !forestRoot(lab.vms)) return [];
  return lab.vms.filter((v) => v.bringOnline && v.role === "DC" && v !== vm).map((v) => v.privateIp);
}
