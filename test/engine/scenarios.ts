/**
 * The engine suite's scenarios as data (pulumi/pulumi's lifecycletest style): a lab's life as a
 * list of deployments (stack file + CSV), the modes it runs in (running; deallocated between
 * deployments, as auto-shutdown leaves a lab every evening), and what each deployment after the
 * first must give: the plan accepts and the engine agrees (`ok`), or the plan refuses (`refused`,
 * optionally with the ARM code the engine then meets). Adding a case is adding a row.
 *
 * The labs are the tests' own (nothing under stacks/ is read): small, VPN off unless the scenario
 * is about the VPN, so that a deployment takes seconds.
 */

/** The CSV header every scenario uses (the 2014 columns, then DataDisks, DiskTiers, Image, Role). */
export const HEADER = "BringOnline,VMName,StorageAccount,VMOSDiskName,VMInstanceSize,SubnetName,IPAddress,Location,AffinityGroup,WaitForBoot,PublicRDPPort,Endpoints,DataDisks,DiskTiers,Image,Role";

/** One row's cells; the OS disk defaults to `<name>-os` (or the image's derived name). */
export interface Row {
  online?: "Yes" | "No";
  os?: string;
  size?: string;
  subnet?: string;
  ip?: string;
  wait?: "Yes" | "No";
  rdp?: string;
  endpoints?: string;
  data?: string;
  image?: string;
  role?: string;
}

/** A CSV row. */
export function row(name: string, r: Row = {}): string {
  const cells = [r.online ?? "Yes", name, "", r.os ?? (r.image ? "" : `${name}-os`), r.size ?? "Small", r.subnet ?? "Oxford", r.ip ?? "", "", "", r.wait ?? "No", r.rdp ?? "", r.endpoints ?? "", r.data ?? "", "", r.image ?? "", r.role ?? ""];
  return cells.map((c) => (c.includes(",") ? `"${c}"` : c)).join(",");
}

/** A CSV from rows. */
export const csv = (...rows: string[]) => [HEADER, ...rows].join("\n") + "\n";

/** The scenarios' stack file, with keys added or replaced (`key: value` YAML lines under config). */
export function stack(extra: Record<string, string> = {}): string {
  const keys: Record<string, string> = {
    "azure-native:location": "westeurope",
    "exchange-lab:resourceGroupName": "twin-lab",
    "exchange-lab:diskResourceGroupName": "twin-disks",
    "exchange-lab:csv": "lab.csv",
    "exchange-lab:virtualNetworkName": "TwinLab",
    "exchange-lab:addressSpace": "[10.60.0.0/16]",
    "exchange-lab:gatewaySubnet": "10.60.0.0/27",
    "exchange-lab:subnets": "{Oxford: 10.60.1.0/24, London: 10.60.2.0/24}",
    "exchange-lab:onPremises": "{publicIp: 203.0.113.10, addressSpaces: [192.168.1.0/24]}",
    "exchange-lab:vpn": "false",
    "exchange-lab:autoShutdown": '{time: "1900", timeZone: GMT Standard Time}',
    ...extra,
  };
  return "config:\n" + Object.entries(keys).filter(([, v]) => v !== "").map(([k, v]) => `  ${k}: ${v}`).join("\n") + "\n";
}

/** What a deployment after the first must give. */
export type Expect = "ok" | { refused: true; engineCode?: string };

/** One deployment of a scenario. */
export interface Deployment {
  label: string;
  stack?: string;
  rows: string[];
  expect?: Expect;
}

/** A scenario: the deployments in order, the disks that exist first, and the modes to run it in. */
export interface Scenario {
  name: string;
  life: Deployment[];
  /** Disks in the disk resource group before the first deployment (default: every `<row>-os` of the first). */
  disks?: { name: string; generation?: 1 | 2 }[];
  modes: ("running" | "deallocated")[];
  /** Why the scenario is pending (a known defect with its issue), if it is. */
  pending?: string;
}

const BOTH = ["running", "deallocated"] as const;
/** For labs with Image rows: Windows needs an administrator (the password is a test secret). */
const IMAGE_STACK = stack({ "exchange-lab:adminUsername": "labadmin" });
const dc1 = row("dc1", { wait: "Yes", rdp: "3389" });
const ex1 = row("ex1", { size: "Large", rdp: "3390", endpoints: "https" });
const cl1 = row("cl1", { rdp: "3391" });
const BASE = [dc1, ex1, cl1];
const step = (label: string, rows: string[], more: Partial<Deployment> = {}): Deployment => ({ label, rows, ...more });
const first = step("a", BASE);
const refused = (engineCode?: string): Expect => ({ refused: true, engineCode });

/** Every scenario of the suite. */
export const SCENARIOS: Scenario[] = [
  { name: "an unchanged lab changes nothing", life: [first, step("same", BASE)], modes: [...BOTH] },
  { name: "a VM added", life: [first, step("add cl2", [...BASE, row("cl2", { rdp: "3392" })])], disks: [{ name: "dc1-os" }, { name: "ex1-os" }, { name: "cl1-os" }, { name: "cl2-os" }], modes: [...BOTH] },
  { name: "a VM removed", life: [first, step("remove cl1", [dc1, ex1])], modes: [...BOTH] },
  { name: "a VM renamed on its disk", life: [first, step("rename cl1 -> cl9", [dc1, ex1, row("cl9", { os: "cl1-os", rdp: "3391" })])], modes: [...BOTH] },
  { name: "a barrier renamed (its gate with it)", life: [first, step("rename dc1 -> dc9", [row("dc9", { os: "dc1-os", wait: "Yes", rdp: "3389" }), ex1, cl1])], modes: ["running"] },
  { name: "a VM resized in place", life: [first, step("cl1 Small -> Medium", [dc1, ex1, row("cl1", { size: "Medium", rdp: "3391" })])], modes: [...BOTH] },
  { name: "an address changed in place", life: [first, step("cl1 -> 10.60.1.50", [dc1, ex1, row("cl1", { ip: "10.60.1.50", rdp: "3391" })])], modes: [...BOTH] },
  { name: "a VM moved to another subnet", life: [first, step("cl1 -> London", [dc1, ex1, row("cl1", { subnet: "London", rdp: "3391" })])], modes: [...BOTH] },
  { name: "a VM renamed and moved to another subnet at once", life: [first, step("cl1 -> cl9 in London", [dc1, ex1, row("cl9", { os: "cl1-os", subnet: "London", rdp: "3391" })])], modes: [...BOTH] },
  {
    name: "a DC renamed and moved to another subnet at once, with its dnsServers entry renamed (issue 27, item 1)",
    life: [step("a", BASE, { stack: stack({ "exchange-lab:dnsServers": "[dc1]" }) }), step("dc1 -> dc9 in London", [row("dc9", { os: "dc1-os", wait: "Yes", rdp: "3389", subnet: "London" }), ex1, cl1], { stack: stack({ "exchange-lab:dnsServers": "[dc9]" }) })],
    modes: [...BOTH],
  },
  { name: "a VM taken offline and back", life: [first, step("cl1 BringOnline=No", [dc1, ex1, row("cl1", { online: "No", rdp: "3391" })]), step("cl1 back", BASE)], modes: [...BOTH] },
  { name: "a published service added", life: [first, step("cl1 publishes https", [dc1, ex1, row("cl1", { rdp: "3391", endpoints: "https" })])], modes: ["running"] },
  { name: "a public RDP port changed", life: [first, step("cl1 RDP 3391 -> 3399", [dc1, ex1, row("cl1", { rdp: "3399" })])], modes: ["running"] },
  { name: "a gate added (WaitForBoot No -> Yes)", life: [first, step("ex1 waits", [dc1, row("ex1", { size: "Large", rdp: "3390", endpoints: "https", wait: "Yes" }), cl1])], modes: [...BOTH] },
  { name: "a gate removed (WaitForBoot Yes -> No)", life: [first, step("dc1 no longer waits", [row("dc1", { rdp: "3389" }), ex1, cl1])], modes: [...BOTH] },
  { name: "gates switched off (readinessGates: false)", life: [first, step("no gates", BASE, { stack: stack({ "exchange-lab:readinessGates": "false" }) })], modes: [...BOTH] },
  { name: "the gates' deadline changed", life: [first, step("readinessTimeoutMinutes 45", BASE, { stack: stack({ "exchange-lab:readinessTimeoutMinutes": "45" }) })], modes: [...BOTH] },
  { name: "auto-shutdown time changed", life: [first, step("shutdown at 2000", BASE, { stack: stack({ "exchange-lab:autoShutdown": '{time: "2000", timeZone: GMT Standard Time}' }) })], modes: ["running"] },
  { name: "an address space added", life: [first, step("add 10.61.0.0/16", BASE, { stack: stack({ "exchange-lab:addressSpace": "[10.60.0.0/16, 10.61.0.0/16]" }) })], modes: ["running"] },
  { name: "a subnet added", life: [first, step("add subnet Paris", BASE, { stack: stack({ "exchange-lab:subnets": "{Oxford: 10.60.1.0/24, London: 10.60.2.0/24, Paris: 10.60.3.0/24}" }) })], modes: ["running"] },
  {
    name: "a used subnet's range changed is refused",
    life: [first, step("Oxford -> 10.60.8.0/24", BASE, { stack: stack({ "exchange-lab:subnets": "{Oxford: 10.60.8.0/24, London: 10.60.2.0/24}" }), expect: refused() })],
    modes: ["running"],
  },
  {
    name: "a data disk added, then moved to another LUN (refused)",
    life: [first, step("ex1 gets a data disk", [dc1, row("ex1", { size: "Large", rdp: "3390", endpoints: "https", data: "0:ex1-db" }), cl1]), step("ex1-db LUN 0 -> 1", [dc1, row("ex1", { size: "Large", rdp: "3390", endpoints: "https", data: "1:ex1-db" }), cl1], { expect: refused("ConflictingUserInput") })],
    disks: [{ name: "dc1-os" }, { name: "ex1-os" }, { name: "cl1-os" }, { name: "ex1-db" }],
    modes: ["running"],
  },
  {
    name: "an Image row's image and size edited to Generation 1 after a Generation 2 deployment is refused (issue 27, item 4)",
    life: [step("a", [dc1, row("app1", { image: "ws2022-g2", size: "Standard_D2s_v5", rdp: "3395" })], { stack: IMAGE_STACK }), step("ws2022 on Standard_A2_v2", [dc1, row("app1", { image: "ws2022", size: "Standard_A2_v2", rdp: "3395" })], { stack: IMAGE_STACK, expect: refused() })],
    disks: [{ name: "dc1-os" }],
    modes: ["running"],
  },
  {
    name: "a deployed Image row moved to another subnet is refused with the two runs, which then work",
    life: [
      step("a", [dc1, row("app1", { image: "ws2022-g2", size: "Standard_D2s_v5", rdp: "3395" })], { stack: IMAGE_STACK }),
      step("app1 -> London at once", [dc1, row("app1", { image: "ws2022-g2", size: "Standard_D2s_v5", rdp: "3395", subnet: "London" })], { stack: IMAGE_STACK, expect: refused() }),
      step("app1 offline", [dc1, row("app1", { online: "No", image: "ws2022-g2", size: "Standard_D2s_v5", rdp: "3395" })], { stack: IMAGE_STACK }),
      step("app1 back in London", [dc1, row("app1", { image: "ws2022-g2", size: "Standard_D2s_v5", rdp: "3395", subnet: "London" })], { stack: IMAGE_STACK }),
    ],
    disks: [{ name: "dc1-os" }],
    modes: ["running"],
  },
  { name: "a case-only change of an OS disk name changes nothing (issue 27, item 6)", life: [first, step("cl1-os -> CL1-OS", [dc1, ex1, row("cl1", { os: "CL1-OS", rdp: "3391" })])], modes: ["running"] },
  {
    name: "a DC's address changed in place moves the lab's DNS servers with it (issue 27, item 7)",
    life: [step("a", BASE, { stack: stack({ "exchange-lab:dnsServers": "[dc1]" }) }), step("dc1 -> 10.60.1.40", [row("dc1", { wait: "Yes", rdp: "3389", ip: "10.60.1.40" }), ex1, cl1], { stack: stack({ "exchange-lab:dnsServers": "[dc1]" }) })],
    modes: ["running", "deallocated"],
  },
  {
    name: "a deployed member marked DC is not promoted, and the DNS servers stay the deployed DC (issue 27, item 5)",
    life: [
      step("a", [row("dc1", { size: "Medium", ip: "10.60.1.4", wait: "Yes", rdp: "3389", image: "ws2022-g2", role: "DC" }), row("m1", { ip: "10.60.1.20", rdp: "3391", image: "ws2022-g2", role: "Member" })], { stack: stack({ "exchange-lab:adminUsername": "labadmin", "exchange-lab:domainName": "lab.example.com", "exchange-lab:dnsServers": "[dc1]" }) }),
      step("m1 marked DC", [row("dc1", { size: "Medium", ip: "10.60.1.4", wait: "Yes", rdp: "3389", image: "ws2022-g2", role: "DC" }), row("m1", { ip: "10.60.1.20", rdp: "3391", image: "ws2022-g2", role: "DC", wait: "Yes" })], { stack: stack({ "exchange-lab:adminUsername": "labadmin", "exchange-lab:domainName": "lab.example.com", "exchange-lab:dnsServers": "[dc1]" }) }),
    ],
    disks: [],
    modes: ["running", "deallocated"],
  },
  { name: "the VPN added to a running lab", life: [first, step("vpn on", BASE, { stack: stack({ "exchange-lab:vpn": "true" }) })], modes: ["running"] },
  {
    name: "the office's ranges changed under the VPN",
    life: [step("a with VPN", BASE, { stack: stack({ "exchange-lab:vpn": "true" }) }), step("office adds 192.168.2.0/24", BASE, { stack: stack({ "exchange-lab:vpn": "true", "exchange-lab:onPremises": "{publicIp: 203.0.113.10, addressSpaces: [192.168.1.0/24, 192.168.2.0/24]}" }) })],
    modes: ["running"],
  },
];
