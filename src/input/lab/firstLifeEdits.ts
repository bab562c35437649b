/**
 * Edits that change nothing on a deployed VM, because what they change is used only in a VM's first
 * life (built from its image, its role steps run once). Pure.
 *
 * - The `Image` cell is read only while the OS disk is absent (an Image row's VM has
 *   `storageProfile.imageReference` and `osProfile` under `ignoreChanges`, `src/azure/imageVm.ts`):
 *   a deployed VM keeps its disk, made from the image it was built from.
 * - The `Role` cell runs its steps only in the first life (`roles.ts`, `runsRoleSteps`): a deployed
 *   member marked `DC` is never promoted, and a deployed DC whose cell is cleared stays a DC. So
 *   the lab takes each deployed VM's role *as deployed* (the record's Role cell): the DNS servers
 *   every Role row's NIC hands out are the deployed DCs', never a VM that was not promoted.
 * - `domainName`, `domainNetbiosName` and `adminUsername` are used by the first boot (osProfile)
 *   and by the role steps of rows still to be built; `adminPassword` too, but it is a secret and
 *   the record leaves it out, so its change cannot be seen: the deployed VMs and the domain keep
 *   the password they were built with, and a new Role row joins with the stack's.
 * The plan says so on the cell or key, with how to rebuild when that is what the user wants. An
 * Image cell added to or removed from a deployed row is refused: the VM would move between the lab's
 * group and the disk group (an Image row's VM lives beside its disk), a re-creation the edit does
 * not ask for.
 */
import type { Draft } from "./labRows";
import type { DomainSettings, Role } from "./labTypes";
import type { PreviousDeployment } from "./previous";
import { Problem } from "../problems";
import { parseImage } from "../csv/images";
import { parseRole } from "./roles";
import { ConfigLocator, NAMESPACE } from "../stack/settings";

/** How a deployed VM is rebuilt in its first life again (its OS disk deleted: everything on it is lost). */
export function rebuildSteps(name: string, disk: string, diskGroup: string): string {
  return `to rebuild ${name} from scratch (everything on its OS disk is lost): set BringOnline=No and pulumi up (the VM goes, its disk stays), delete the disk (az disk delete --resource-group ${diskGroup} --name ${disk}), then BringOnline=Yes and pulumi up (built from its Image again, its role steps run)`;
}

/**
 * Keeps each deployed VM's Role and Image as deployed (changes `drafts` in place) and returns what
 * the plan says about the cells that differ: warnings, and problems for an Image cell added or
 * removed. Runs after the rows are matched to the previous deployment.
 */
export function keepFirstLife(drafts: Draft[], csvFile: string): { problems: Problem[]; warnings: Problem[] } {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  for (const d of drafts) {
    const before = d.before;
    if (!before?.online || !d.vm.bringOnline || before.leftInState) continue;
    const at = (column: string, message: string): Problem => ({ file: csvFile, line: d.row.line, column, message });
    const rebuild = before.image
      ? rebuildSteps(d.vm.name, before.osDiskName, d.vm.osDisk.resourceGroupName)
      : `a role runs only on a VM built from an image: to give ${d.vm.name} one, build a new row from an Image (the disk '${before.osDiskName}' stays as it is)`;
    const parsed = parseRole(before.role ?? "");
    const deployedRole: Role | undefined = "role" in parsed ? parsed.role : undefined;
    if (deployedRole !== d.vm.role) {
      const now = d.vm.role ? `says ${d.vm.role}` : "is empty";
      const effect = d.vm.role === "DC" ? "it is not promoted, and the lab's DNS servers stay the deployed DCs" : deployedRole === "DC" ? "it stays a domain controller, and the lab's DNS servers still include it" : "no role step runs on it";
      warnings.push(at("Role", `${d.vm.name} was deployed ${deployedRole ? `as ${deployedRole}` : "without a role"} and its Role cell now ${now}: a role runs only in a VM's first life (built from its image), so nothing changes on the deployed VM (${effect}); the plan takes it as ${deployedRole ?? "without a role"}. Write the cell as deployed to silence this; or, ${rebuild}`));
      if (deployedRole) d.vm.role = deployedRole;
      else delete d.vm.role;
    }
    const imageNow = d.vm.image?.text;
    if ((before.image === undefined) !== (imageNow === undefined)) {
      problems.push(at("Image", `${d.vm.name} was deployed ${before.image ? `from the image ${before.image}` : "on an existing disk"}; ${imageNow ? "an Image added" : "its Image removed"} would move its VM between the lab's resource group and the disk resource group (an Image row's VM lives beside its disk), re-creating it, while the disk stays what it is. Write the cell as deployed (${before.image ?? "empty"}); to rebuild it another way: set BringOnline=No and pulumi up, change the row, then BringOnline=Yes and pulumi up`));
    } else if (before.image && imageNow && before.image.toLowerCase() !== imageNow.toLowerCase()) {
      const deployed = parseImage(before.image);
      warnings.push(at("Image", `${d.vm.name} was built from ${before.image}; the image is used only while the OS disk is absent, so nothing changes on the deployed VM, whose disk '${before.osDiskName}' keeps ${before.image}'s generation and Windows. The plan takes it as ${before.image}. Write the cell as deployed to silence this; or, ${rebuild.replace("built from its Image again", `built from ${imageNow}`)}`));
      if ("image" in deployed) d.vm.image = deployed.image;
    }
  }
  return { problems, warnings };
}

/**
 * The stack keys of the first life changed since the deployment (`domainName`,
 * `domainNetbiosName`, `adminUsername`), with deployed VMs that used them: a warning per key on the
 * deployed VMs, a problem when a Role row still to be built would use the new value against the
 * deployed domain (its join would fail). `adminPassword` (a secret, not recorded): a warning when a
 * new Role row joins a deployed domain. Pure.
 */
export function firstLifeKeyEdits(
  lab: { vms: readonly { name: string; bringOnline: boolean; deployedBefore: boolean; image?: unknown; role?: Role }[]; domain?: DomainSettings; settings: { vmImage: { adminUsername?: string } } },
  raw: Readonly<Record<string, string>>,
  previous: PreviousDeployment,
  locate: ConfigLocator,
): { problems: Problem[]; warnings: Problem[] } {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const deployed = lab.vms.filter((v) => v.bringOnline && v.deployedBefore);
  const deployedRoles = deployed.filter((v) => v.role);
  const newRoles = lab.vms.filter((v) => v.bringOnline && v.role && !v.deployedBefore);
  const was = (key: string) => previous.record.config[`${NAMESPACE}:${key}`];
  const now = (key: string) => raw[`${NAMESPACE}:${key}`];
  const names = (vms: readonly { name: string }[]) => vms.map((v) => v.name).join(", ");
  // domainNetbiosName defaults to the domain's first label in upper case (roles.ts).
  const netbios = (value: (k: string) => string | undefined) => value("domainNetbiosName") ?? value("domainName")?.split(".")[0].slice(0, 15).toUpperCase();
  const check = (key: string, users: readonly { name: string }[], what: string) => {
    const before = key === "domainNetbiosName" ? netbios(was) : was(key);
    const after = key === "domainNetbiosName" ? netbios(now) : now(key);
    if (users.length === 0 || before === undefined || (after ?? "") === before) return;
    const full = `${NAMESPACE}:${key}`;
    const message = `${key} changes from '${before}' to '${after ?? "(unset)"}', but ${what} of the deployed ${names(users)} was set in ${users.length === 1 ? "its" : "their"} first life and stays '${before}': nothing changes on ${users.length === 1 ? "it" : "them"}. Write '${before}' back; or rebuild every VM that uses it from scratch (each: BringOnline=No and pulumi up, delete its OS disk, BringOnline=Yes and pulumi up)`;
    const breaks = newRoles.length > 0 && deployedRoles.length > 0;
    (breaks ? problems : warnings).push({ ...locate(full), column: full, message: breaks ? `${message}. Refused: ${names(newRoles)} would join the deployed domain with the new value, which it does not know` : message });
  };
  check("domainName", deployedRoles, "the forest");
  check("domainNetbiosName", deployedRoles, "the domain's NetBIOS name");
  check("adminUsername", deployed.filter((v) => v.image), "the administrator account");
  // Every new Role row (a member's join, a replica DC's promotion) authenticates to the deployed domain.
  if (newRoles.length > 0 && deployedRoles.some((v) => v.role === "DC")) {
    const full = `${NAMESPACE}:adminPassword`;
    warnings.push({ ...locate(full), column: full, message: `${names(newRoles)} ${newRoles.length === 1 ? "joins" : "join"} the deployed domain as ${lab.settings.vmImage.adminUsername ?? "adminUsername"} with the stack's adminPassword: it must still be the domain administrator's password. A changed adminPassword changes nothing on deployed VMs or in the domain (it is used only in a VM's first life); set the domain account's password to match first (Set-ADAccountPassword on a DC)` });
  }
  return { problems, warnings };
}
