/**
 * Edits of a deployed VM that re-create its shell, or that Azure cannot apply at all. Pure.
 *
 * The disks and the address are the lab's identity; the VM (and its NIC) is a shell that can be
 * deleted (disks `Detach`) and created again on them in minutes. What the Pulumi engine does with
 * a replaced NIC decides the design (pulumi/pulumi `pkg/resource/deploy/step_generator.go`):
 * before it deletes a delete-before-replace resource, it deletes first only those dependents that
 * must themselves be replaced, asking the provider's Diff with their inputs from that resource
 * made unknown; azure-native answers "replace" only for URL names and `forceNew` properties, and a
 * VM's `networkProfile` is neither. So a NIC replaced while its VM is only updated is deleted while
 * attached, which Azure refuses ("You can delete a network interface if it's not attached to a
 * VM", https://learn.microsoft.com/azure/virtual-network/virtual-network-network-interface;
 * https://github.com/hashicorp/terraform-provider-azurerm/issues/8105). Hence:
 * - **A NIC's Azure name never changes once deployed** ({@link nicAzureName}): a renamed VM keeps
 *   its NIC, so a rename replaces the VM alone (delete-before-replace: the old VM lets go of disks
 *   and NIC, the new one attaches them). This works on labs deployed before any of this existed.
 * - **The VM carries `replaceWith: [its NIC]`** (`azure/virtualMachines.ts`): when the NIC itself
 *   must be replaced (a subnet move, below), the engine's cascade
 *   (`findDependentCascadeReplacements`, https://github.com/pulumi/pulumi/pull/20693, Pulumi CLI
 *   3.207.0) deletes the VM before the NIC. The cascade reads the option from the *previous*
 *   state, so a lab whose last deployment did not record it (its record has no `nics`) must
 *   `pulumi up` once before such an edit: refused with those steps until then.
 * - **A subnet move re-creates the shell**: the NIC is replaced (`replaceOnChanges` on its
 *   subnet) and created in the new subnet with its static address. Learn's procedure for moving a
 *   NIC says "All private IP addresses must be assigned with the dynamic assignment method to change
 *   the subnet assignment for the NIC" ("Change subnet assignment",
 *   https://learn.microsoft.com/azure/virtual-network/virtual-network-network-interface#change-subnet-assignment);
 *   a subnet and a static address changed in one request is not documented, while creating a NIC
 *   with a static address in a subnet is.
 * - **Resizes** follow `resize.ts`: in place (a restart), the shell re-created, or refused.
 * - **Image rows keep their disks**: a derived OS-disk name (`<resourceGroupName>-<VMName>-os`)
 *   of a deployed VM is identity; an edit that would derive another name keeps the deployed one.
 */
import { DiskRef, diskKey } from "../csv/disks";
import type { Draft } from "./labRows";
import type { LabVm } from "./labTypes";
import type { PreviousDeployment, PreviousVm } from "./previous";
import { parseImage } from "../csv/images";
import { Problem } from "../problems";
import { ResizeVerdict, resizeVerdictOfCells } from "./resize";

/** The NIC input path whose change replaces the NIC (and, through `replaceWith`, its VM first). */
export const NIC_SUBNET_PATH = "ipConfigurations[0].subnet.id";
/** The VM input path whose change replaces the VM when the lab says the resize needs it. */
export const VM_SIZE_PATH = "hardwareProfile.vmSize";

/**
 * The Azure name of a VM's NIC: the name its machine's NIC was deployed under (kept across renames:
 * the previous deployment's `nics`, else `<old VMName>-nic`), or `<VMName>-nic` for a machine
 * without a deployed NIC. `recorded` (VM name -> NIC name) stands in for the previous deployment
 * when a record is replayed.
 */
export function nicAzureName(draft: Pick<Draft, "before"> & { vm: Pick<LabVm, "name" | "bringOnline"> }, recorded?: Readonly<Record<string, string>>): string {
  const recordedName = Object.entries(recorded ?? {}).find(([vm]) => vm.toLowerCase() === draft.vm.name.toLowerCase())?.[1];
  if (recordedName) return recordedName;
  return draft.before?.online && draft.vm.bringOnline ? draft.before.nicName : `${draft.vm.name}-nic`;
}

/**
 * Every row's NIC name ({@link nicAzureName}), in the drafts' order. A NIC without a deployed one
 * (a new or returning machine) never takes a name that a kept NIC or a NIC of the previous
 * deployment holds (ARM names are case-insensitive; a NIC that goes is deleted only at the end of
 * the run): after a rename `ex1` -> `ex2` keeps `ex1-nic`, a new row `ex1` gets `ex1-nic-2`.
 */
export function nicAzureNames(drafts: readonly Draft[], previous: PreviousDeployment | undefined, recorded?: Readonly<Record<string, string>>): string[] {
  const names = drafts.map((d) => nicAzureName(d, recorded));
  const kept = drafts.map((d, i) => recorded !== undefined || (d.before?.online === true && d.vm.bringOnline && names[i] === d.before.nicName));
  const held = new Set([...names.filter((_, i) => kept[i]), ...(previous?.vms ?? []).filter((p) => p.online).map((p) => p.nicName)].map((n) => n.toLowerCase()));
  return names.map((name, i) => {
    if (kept[i]) return name;
    let candidate = name;
    for (let n = 2; held.has(candidate.toLowerCase()); n++) candidate = `${name}-${n}`;
    held.add(candidate.toLowerCase());
    return candidate;
  });
}

/**
 * Every row's NIC resource name (the Pulumi logical name in its URN), in the drafts' order. A
 * deployed machine's NIC keeps the name it was deployed under, across renames (the previous
 * deployment's `nicResources`, else `<old VMName>-nic`, what every earlier version declared), so
 * that its URN never changes: the engine's `replaceWith` cascade looks the replaced NIC up by the
 * URN it registers under *now* (`findDependentCascadeReplacements` in pulumi/pulumi
 * `pkg/resource/deploy/step_generator.go`, v3.248.0) in the old VM's recorded `replaceWith`, which
 * holds the NIC's old URN. A NIC renamed with its VM and replaced in the same run (a subnet move)
 * would not find the old VM, and would be deleted while that VM still holds it (NicInUse). Keeping
 * the name needs no alias and changes nothing for a lab deployed by an older version. A new NIC
 * takes its Azure name (`azureNames[i]`), with a suffix when a kept NIC or a NIC of the previous
 * deployment has that resource name. `recorded` (VM name -> resource name) stands in for the previous
 * deployment when a record is replayed.
 */
export function nicResourceNames(drafts: readonly Draft[], azureNames: readonly string[], previous: PreviousDeployment | undefined, recorded?: { nics?: Readonly<Record<string, string>>; nicResources?: Readonly<Record<string, string>> }): string[] {
  if (recorded) {
    const of = (name: string) => Object.entries(recorded.nicResources ?? {}).find(([vm]) => vm.toLowerCase() === name.toLowerCase())?.[1] ?? `${name}-nic`;
    return drafts.map((d) => of(d.vm.name));
  }
  const kept = drafts.map((d) => (d.before?.online && d.vm.bringOnline ? d.before.nicResource : undefined));
  const held = new Set([...kept.filter((n): n is string => n !== undefined), ...(previous?.vms ?? []).filter((p) => p.online).map((p) => p.nicResource)].map((n) => n.toLowerCase()));
  return drafts.map((_, i) => {
    if (kept[i] !== undefined) return kept[i]!;
    let candidate = azureNames[i];
    for (let n = 2; held.has(candidate.toLowerCase()); n++) candidate = `${azureNames[i]}-${n}`;
    held.add(candidate.toLowerCase());
    return candidate;
  });
}

/**
 * An Image row whose OS disk name is derived keeps the disk its deployed machine has, when the
 * derivation would now give another name (a cleared VMOSDiskName cell; a `resourceGroupName`
 * change would too, but `networkEdits.ts` refuses it while the lab is deployed): a new name would
 * be an absent disk, and the VM would be rebuilt blank from its image. Runs after the rows are
 * matched to the previous deployment; changes `drafts` in place.
 */
export function keepDeployedOsDisks(drafts: Draft[], diskResourceGroupName: string): void {
  for (const d of drafts) {
    const before = d.before;
    if (!d.vm.osDiskDerived || !d.vm.image || !before?.online || !d.vm.bringOnline || !before.osDiskName) continue;
    if (before.osDisk === diskKey(d.vm.osDisk)) continue;
    const kept: DiskRef = { resourceGroupName: diskResourceGroupName, name: before.osDiskName };
    d.vm.osDiskKept = { derived: d.vm.osDisk.name };
    d.vm.osDisk = kept;
  }
}

/**
 * A deployed machine's OS disk written with another case (`ex1-os` -> `EX1-OS`) is the same disk:
 * ARM names are case-insensitive
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules), but
 * azure-native compares inputs as text and the VM's disk ID is under `replaceOnChanges`, so the
 * new spelling would re-create the VM for nothing. The deployed spelling is kept (changes `drafts`
 * in place); returns a warning per row that says so.
 */
export function keepDeployedDiskSpelling(drafts: Draft[], csvFile: string): Problem[] {
  const warnings: Problem[] = [];
  for (const d of drafts) {
    const before = d.before;
    if (!before?.online || !d.vm.bringOnline || !before.osDiskName) continue;
    const disk = d.vm.osDisk;
    if (disk.name === before.osDiskName || disk.name.toLowerCase() !== before.osDiskName.toLowerCase()) continue;
    d.vm.osDisk = { ...disk, name: before.osDiskName, ...(disk.id ? { id: disk.id.slice(0, disk.id.length - disk.name.length) + before.osDiskName } : {}) };
    warnings.push({
      file: csvFile, line: d.row.line, column: "VMOSDiskName",
      message: `'${disk.name}' differs from ${d.vm.name}'s deployed OS disk '${before.osDiskName}' only in case: it is the same disk (ARM names are case-insensitive), and the plan keeps the deployed spelling, since another spelling of the disk ID would re-create the VM (replaceOnChanges compares text). Write '${before.osDiskName}' to silence this`,
    });
  }
  return warnings;
}

/**
 * A deployed DNS server of the lab (a DC, by its role as deployed, or a VM the stack's
 * `dnsServers` names) whose address changes (in place, or with a subnet move): the lab's DNS
 * servers move with it, on the virtual network (`dnsServers`) and on every Role row's NIC (they
 * hand out the DCs), all in the same run. Azure hands the guest its address and DNS servers through
 * DHCP ("the Azure DHCP servers assign the private IPv4 address ... to the network interface within
 * the virtual machine operating system",
 * https://learn.microsoft.com/azure/virtual-network/ip-services/virtual-network-network-interface-addresses#private),
 * so Windows sees the change at its next lease renewal or restart. One warning per such VM. Pure.
 */
export function dnsServerMoveWarnings(vms: readonly LabVm[], previous: PreviousDeployment, dnsServerNames: readonly string[], csvFile: string): Problem[] {
  const named = new Set(dnsServerNames.map((n) => n.toLowerCase()));
  const byName = new Map(previous.vms.filter((p) => p.online && !p.leftInState).map((p) => [p.name.toLowerCase(), p]));
  const members = vms.filter((v) => v.bringOnline && v.role && v.role !== "DC").map((v) => v.name);
  return vms.filter((v) => v.bringOnline && v.deployedBefore).flatMap((vm) => {
    const before = byName.get((vm.previousName ?? vm.name).toLowerCase());
    if (!before || before.privateIp === "" || before.privateIp === vm.privateIp) return [];
    const isDc = vm.role === "DC";
    if (!isDc && !named.has(vm.name.toLowerCase())) return [];
    const where = [named.has(vm.name.toLowerCase()) ? "the virtual network's DNS servers (dnsServers names it)" : "", isDc && members.length > 0 ? `the DNS servers of every Role row's NIC (${members.join(", ")})` : ""].filter((t) => t !== "").join(" and ");
    return [{
      file: csvFile, line: vm.line, column: "IPAddress" as const,
      message: `${vm.name} is a DNS server of the lab and moves from ${before.privateIp} to ${vm.privateIp}: ${where || "the lab's DNS servers"} move with it in the same pulumi up. Azure hands each guest its address and DNS servers through DHCP (https://learn.microsoft.com/azure/virtual-network/ip-services/virtual-network-network-interface-addresses#private), so Windows sees them at its next lease renewal or restart.${isDc || named.has(vm.name.toLowerCase()) ? ` ${isDc ? "For a running forest" : "If it is a domain controller of a running forest"}: restart ${vm.name} first (it takes ${vm.privateIp}, and Netlogon and the DNS client register the DC's A and SRV records under it; or ipconfig /renew, ipconfig /registerdns, nltest /dsregdns), then restart the other VMs (or ipconfig /renew on each); until then they may look for the domain at ${before.privateIp}. Other DCs keep replicating once DNS has the new record` : ""}`,
    }];
  });
}

/** What {@link shellEdits} found: refusals, notes for the plan, and each VM's resize. */
export interface ShellEdits {
  problems: Problem[];
  warnings: Problem[];
  /** The resize of each deployed VM whose size changes, by CSV line. */
  resizes: Map<number, ResizeVerdict>;
}

/**
 * The shell edits of the lab against the previous deployment: resizes (in place, re-created or
 * refused), subnet moves (re-created; refused until the cascade is recorded), and Image rows'
 * disks (kept, or a new disk named by the user: the old one stays and is billed).
 */
export function shellEdits(vms: readonly LabVm[], previous: PreviousDeployment, csvFile: string): ShellEdits {
  const out: ShellEdits = { problems: [], warnings: [], resizes: new Map() };
  const byName = new Map(previous.vms.filter((p) => p.online).map((p) => [p.name.toLowerCase(), p]));
  const cascadeRecorded = previous.record.nics !== undefined;
  for (const vm of vms.filter((v) => v.bringOnline && v.deployedBefore)) {
    const before = byName.get((vm.previousName ?? vm.name).toLowerCase());
    if (!before) continue;
    const at = (column: Problem["column"], message: string): Problem => ({ file: csvFile, line: vm.line, column, message });

    // The deployed disk's generation: the Image it was built from as recorded, never the edited cell
    // (an Image edit changes nothing on a deployed VM, whose disk keeps the generation it was made with).
    const verdict = resizeVerdictOfCells(before.size, vm.classicSize ?? vm.size, deployedDiskGeneration(before));
    if (verdict) {
      out.resizes.set(vm.line, verdict);
      if (verdict.kind === "recreate" && vm.image) out.problems.push(at("VMInstanceSize", imageShellProblem(vm.name, vm.osDisk.name, `its resize from ${verdict.from} to ${verdict.to} re-creates it (${verdict.why})`)));
      else out[verdict.kind === "refused" ? "problems" : "warnings"].push(at("VMInstanceSize", resizeMessage(vm.name, verdict)));
    }

    if (before.subnet.toLowerCase() !== vm.subnet.toLowerCase() && vm.image) {
      out.problems.push(at("SubnetName", imageShellProblem(vm.name, vm.osDisk.name, `its move from subnet ${before.subnet} to ${vm.subnet} re-creates it`)));
    } else if (before.subnet.toLowerCase() !== vm.subnet.toLowerCase()) {
      out[cascadeRecorded ? "warnings" : "problems"].push(at("SubnetName", cascadeRecorded
        ? `${vm.name} moves from subnet ${before.subnet} to ${vm.subnet}: its shell is re-created (the VM is deleted first, its disks detach and stay, then its NIC is deleted and created in ${vm.subnet} with ${vm.privateIp}, then the VM is created on the same disks). Azure moves a NIC in place only with dynamic addresses (https://learn.microsoft.com/azure/virtual-network/virtual-network-network-interface#change-subnet-assignment)`
        : `${vm.name} moves from subnet ${before.subnet} to ${vm.subnet}, which re-creates its NIC, and the last deployment did not record that the VM goes before its NIC (replaceWith, Pulumi CLI 3.207.0 or later): Azure would refuse to delete the NIC while the VM holds it (NicInUse). Two steps: pulumi up once with the row as deployed (it records that), then move it and pulumi up again`));
    }

    const osChanged = before.osDisk !== "" && before.osDisk !== diskKey(vm.osDisk);
    if (osChanged && !vm.osDiskDerived) {
      const rebuilt = vm.image ? `; if '${vm.osDisk.name}' does not exist, the new VM is built blank from ${vm.image.publisher}:${vm.image.offer}:${vm.image.sku}` : "";
      out.warnings.push(at("VMOSDiskName", `${vm.name} changes OS disk from '${before.osDiskName}' to '${vm.osDisk.name}': the VM is re-created on the new disk${rebuilt}. The old disk '${before.osDiskName}' is kept (deleteOption Detach) in ${vm.osDisk.resourceGroupName} and billed until you delete it`));
    }
    if (vm.osDiskKept) {
      out.warnings.push(at("VMOSDiskName", `${vm.name} keeps its deployed OS disk '${vm.osDisk.name}': the empty cell now derives '${vm.osDiskKept.derived}', an absent disk from which the VM would be rebuilt blank from its image. Write '${vm.osDisk.name}' in VMOSDiskName (npm run plan -- --pin does), or write a new name to rebuild it on purpose`));
    }
  }
  out.problems.push(...derivedRenameProblems(vms, previous, csvFile));
  return out;
}

/**
 * Why a deployed VM of an Image row cannot be re-created in one run, and the two runs that work.
 * Pulumi gives a replacement the old inputs of every `ignoreChanges` path
 * (https://github.com/pulumi/pulumi/pull/2657), so a VM built from its image in this stack's life
 * would be re-created with `FromImage` over its disk, which Azure refuses ("Only
 * CreateOption.Attach is supported"): seen in the engine suite (test/engine, the acceptance run's
 * subnet move). The record does not say whether the VM was built from its image or attached its disk
 * (after destroy + up), so every deployed Image row is treated so. Pure.
 */
export function imageShellProblem(name: string, osDisk: string, why: string): string {
  return `${name} was built from an image and is deployed, and ${why}: Pulumi would re-create it with its first run's FromImage inputs (kept by ignoreChanges) over the disk '${osDisk}', which Azure refuses. Two steps: set the row BringOnline=No and pulumi up (the VM goes, its disk stays), then make the change with BringOnline=Yes and pulumi up again (a new VM attaches the disk)`;
}

/** The generation of a deployed VM's OS disk when its record knows it: the generation of the image
 * it was built from (the recorded Image cell); undefined for a VM that attached an existing disk. */
export function deployedDiskGeneration(before: Pick<PreviousVm, "image">): 1 | 2 | undefined {
  if (!before.image) return undefined;
  const parsed = parseImage(before.image);
  return "image" in parsed ? parsed.image.generation : undefined;
}

function resizeMessage(name: string, v: ResizeVerdict): string {
  const source = "https://learn.microsoft.com/azure/virtual-machines/sizes/resize-vm";
  if (v.kind === "inPlace") return `${name} is resized from ${v.from} to ${v.to} in place: Azure restarts the VM${v.warning ? `. ${v.warning}` : ""} (${source})`;
  if (v.kind === "recreate") {
    return `${name} changes size from ${v.from} to ${v.to}: ${v.why}, so its shell is re-created (the VM is deleted, its disks detach and stay, and it is created again on them at the new size; the address and LUNs stay)${v.warning ? `. ${v.warning}` : ""} (${source})`;
  }
  return `${name} cannot move from ${v.from} to ${v.to}: ${v.why}, and a disk boots only on a size of its generation (https://learn.microsoft.com/azure/virtual-machines/generation-2). Keep ${v.from}, or choose a size that boots the disk's generation (the classic names and Standard_D2s_v5 boot both)`;
}

/**
 * A new-named Image row with a derived disk while a deployed Image VM is gone from the CSV: a
 * rename of an Image row derives a new disk name, so the row would be a new VM built blank from
 * the image and the deployed disk would be orphaned. Refused until the cell says which it is.
 */
function derivedRenameProblems(vms: readonly LabVm[], previous: PreviousDeployment, csvFile: string): Problem[] {
  const names = new Set(vms.map((v) => v.name.toLowerCase()));
  const gone = previous.vms.filter((p) => p.online && p.image && !names.has(p.name.toLowerCase()));
  if (gone.length === 0) return [];
  return vms
    .filter((v) => v.bringOnline && v.image && v.osDiskDerived && !v.deployedBefore)
    .map((v) => ({
      file: csvFile, line: v.line, column: "VMOSDiskName" as const,
      message: `${v.name} derives the new OS disk '${v.osDisk.name}' while ${gone.map((p) => `${p.name} (disk '${p.osDiskName}')`).join(", ")} built from an image ${gone.length > 1 ? "are" : "is"} gone from the CSV. If this row renames it, keep the disk: a deployed Image row's VM is renamed in two runs (lifecycle.ts): set the row back to its old name with BringOnline=No and pulumi up (the VM goes, its disk stays), then write the new name, its disk in VMOSDiskName and BringOnline=Yes, and pulumi up. If it is a new machine, write '${v.osDisk.name}' to say so`,
    }));
}
