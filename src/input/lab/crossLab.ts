/**
 * Checks several validated labs against each other: what one lab's `pulumi up` or `pulumi destroy`
 * would do to another's. Each lab is valid on its own (lab.ts); these are the collisions only a
 * view of all the stacks shows. Pure.
 *
 * Errors (each names both stack files):
 * - the same `resourceGroupName` (resource group names are case-insensitive): the stack owns its
 *   group, so one lab's `pulumi destroy` deletes the other lab;
 * - the same managed disk (resource group + name, case-insensitive) in both CSVs: a disk attaches
 *   to one VM at a time;
 * - the same `virtualNetworkName` in the same resource group: both stacks would own one network;
 * - overlapping `addressSpace` between labs behind the same office router (`onPremises.publicIp`,
 *   or `fqdn`), or one lab's `addressSpace` overlapping the other's office LANs: the router cannot
 *   route one network to two places;
 * - the same `dnsLabel` in the same region: a public IP's DNS label is unique in its region.
 * Warnings: two labs share a `diskResourceGroupName` (fine: the stacks never own it); two labs
 * behind one router whose DrayTek profile names agree. The same public RDP port in two labs is
 * fine (each lab has its own public IP) and is not reported.
 */
import { cidrOverlaps } from "../addresses";
import { DiskRef, diskSubscription } from "../csv/disks";
import { Lab } from "./lab";
import { Problem } from "../problems";
import { ConfigLocator, NAMESPACE } from "../stack/settings";

/** One lab as the cross-lab checks see it. */
export interface CrossLabInput {
  /** The stack file, as the user named it. */
  stackFile: string;
  lab: Lab;
  /** Where each key of the stack file is written (for the problem's line). */
  locate: ConfigLocator;
  /** The lab's DrayTek profile name, when it has a VPN. */
  profileName?: string;
}

/** The office router a lab's VPN dials from: its WAN address or DNS name (lower-cased); none without a VPN. */
export function officeRouter(lab: Lab): string | undefined {
  const onPremises = lab.settings.onPremises;
  if (!lab.settings.vpn || !onPremises) return undefined;
  return (onPremises.publicIp ?? onPremises.fqdn)?.toLowerCase();
}

/** Every disk a lab's CSV names, with the row that names it. */
function disksOf(lab: Lab): { disk: DiskRef; vm: string; line: number; column: string }[] {
  return lab.vms.flatMap((vm) => [
    { disk: vm.osDisk, vm: vm.name, line: vm.line, column: "VMOSDiskName" },
    ...vm.dataDisks.map((d) => ({ disk: d, vm: vm.name, line: vm.line, column: "DataDisks" })),
  ]);
}

/** Two disk references are the same disk: same resource group and name (case-insensitive), and
 * not in two different subscriptions when both IDs name one. */
function sameDisk(a: DiskRef, b: DiskRef): boolean {
  if (a.resourceGroupName.toLowerCase() !== b.resourceGroupName.toLowerCase() || a.name.toLowerCase() !== b.name.toLowerCase()) return false;
  const sa = diskSubscription(a);
  const sb = diskSubscription(b);
  return sa === undefined || sb === undefined || sa.toLowerCase() === sb.toLowerCase();
}

/**
 * Checks every pair of labs (in the given order; each problem is located in the later lab's file,
 * at the key or CSV row concerned, and names the earlier one). Returns errors and warnings; never
 * throws.
 */
export function crossLabProblems(labs: readonly CrossLabInput[]): { errors: Problem[]; warnings: Problem[] } {
  const errors: Problem[] = [];
  const warnings: Problem[] = [];
  const at = (x: CrossLabInput, key: string) => {
    const where = x.locate(`${NAMESPACE}:${key}`);
    return { file: where.file, line: where.line, column: `${NAMESPACE}:${key}` };
  };
  const named = (x: CrossLabInput, key: string) => {
    const line = x.locate(`${NAMESPACE}:${key}`).line;
    return line > 0 ? `${x.stackFile}:${line}` : x.stackFile;
  };
  for (let j = 1; j < labs.length; j++) {
    const b = labs[j];
    const sb = b.lab.settings;
    for (let i = 0; i < j; i++) {
      const a = labs[i];
      const sa = a.lab.settings;
      const sameGroup = sa.resourceGroupName.toLowerCase() === sb.resourceGroupName.toLowerCase();
      if (sameGroup) {
        errors.push({
          ...at(b, "resourceGroupName"),
          message: `resource group '${sb.resourceGroupName}' is also the resource group of ${named(a, "resourceGroupName")} (names are case-insensitive): each stack owns its resource group, so one lab's pulumi destroy would delete the other lab; give ${b.stackFile} a resource group of its own`,
        });
        if (sa.virtualNetworkName.toLowerCase() === sb.virtualNetworkName.toLowerCase()) {
          errors.push({
            ...at(b, "virtualNetworkName"),
            message: `virtual network '${sb.virtualNetworkName}' in resource group '${sb.resourceGroupName}' is also declared by ${named(a, "virtualNetworkName")}: two stacks would own one network; give ${b.stackFile} its own virtualNetworkName and resource group`,
          });
        }
      }
      if (sa.diskResourceGroupName.toLowerCase() === sb.diskResourceGroupName.toLowerCase()) {
        warnings.push({
          ...at(b, "diskResourceGroupName"),
          message: `disk resource group '${sb.diskResourceGroupName}' is shared with ${named(a, "diskResourceGroupName")}: fine (no stack owns it), as long as the two CSVs name different disks`,
        });
      }
      const disksA = disksOf(a.lab);
      for (const d of disksOf(b.lab)) {
        const other = disksA.find((o) => sameDisk(o.disk, d.disk));
        if (!other) continue;
        errors.push({
          file: b.lab.csvFile,
          line: d.line,
          column: d.column,
          message: `disk '${d.disk.name}' (resource group ${d.disk.resourceGroupName}) of ${d.vm} in ${b.stackFile} is also the disk of ${other.vm} in ${a.stackFile} (${a.lab.csvFile}:${other.line}): a disk attaches to one VM at a time, so the second lab's pulumi up would fail`,
        });
      }
      const routerA = officeRouter(a.lab);
      const routerB = officeRouter(b.lab);
      if (routerA !== undefined && routerA === routerB) sameRouterProblems(a, b, routerA, { at, named, errors, warnings });
      if (sa.dns.label === sb.dns.label && sa.location === sb.location && sa.dns.scope === sb.dns.scope) {
        errors.push({
          ...at(b, "dnsLabel"),
          message: `DNS label '${sb.dns.label}' in ${sb.location} is also the label of ${named(a, "dnsLabel")}: a public IP's DNS label is unique in its region, so the second lab's public IPs could not take it; set a dnsLabel of its own in ${b.stackFile}`,
        });
      }
    }
  }
  return { errors, warnings };
}

/** Where the pair checks report: the locators and the lists they push to. */
interface PairReport {
  at: (x: CrossLabInput, key: string) => { file: string; line: number; column: string };
  named: (x: CrossLabInput, key: string) => string;
  errors: Problem[];
  warnings: Problem[];
}

/** The checks of two labs behind the same office router `routerA` (problems located in `b`). */
function sameRouterProblems(a: CrossLabInput, b: CrossLabInput, routerA: string, { at, named, errors, warnings }: PairReport): void {
  const sa = a.lab.settings;
  const sb = b.lab.settings;
  // The router routes every lab's Azure networks and the office LANs: none may overlap
  // another lab's (each lab already keeps its own apart, in settings.ts).
  const officeA = sa.onPremises?.addressSpaces ?? [];
  const officeB = sb.onPremises?.addressSpaces ?? [];
  const overlaps = [
    ...sb.addressSpace.flatMap((x) => sa.addressSpace.filter((y) => cidrOverlaps(x, y)).map((y) => `${x.text} overlaps ${y.text}`)),
    ...sb.addressSpace.flatMap((x) => officeA.filter((y) => cidrOverlaps(x, y)).map((y) => `${x.text} overlaps the office network ${y.text}`)),
    ...officeB.flatMap((x) => sa.addressSpace.filter((y) => cidrOverlaps(x, y)).map((y) => `the office network ${x.text} overlaps ${y.text}`)),
  ];
  if (overlaps.length > 0) {
    errors.push({
      ...at(b, "addressSpace"),
      message: `${overlaps.join(", ")} of ${named(a, "addressSpace")}, and both labs are behind the office router ${routerA}: the router cannot route one network to two tunnels; give ${b.stackFile} an address space of its own`,
    });
  }
  const indexA = sa.vpn?.draytekProfileIndex;
  if (indexA !== undefined && indexA === sb.vpn?.draytekProfileIndex) {
    errors.push({
      ...at(b, "draytekProfileIndex"),
      message: `DrayTek profile index ${indexA} is also ${named(a, "draytekProfileIndex")}, behind the same router ${routerA}: vpn option ${indexA} would overwrite the other lab's LAN-to-LAN profile; give ${b.stackFile} a free index of its own`,
    });
  }
  if (a.profileName !== undefined && a.profileName === b.profileName) {
    warnings.push({
      ...at(b, "onPremises"),
      message: `the DrayTek profile name '${b.profileName}' is also ${a.stackFile}'s, behind the same router ${routerA}: name one of the two LAN-to-LAN profiles differently on the router`,
    });
  }
}
