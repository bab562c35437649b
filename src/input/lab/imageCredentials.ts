/**
 * The administrator credentials VMs built from an image need, checked against the lab: required
 * only when an online row has an `Image`. Like the VPN key, a missing password stops `pulumi up`
 * with the exact command that stores it, and is a warning in the offline plan; it is never
 * generated inside the stack, where `pulumi destroy` would lose it while the disk keeps it. Pure.
 */
import { SET_PASSWORD_COMMAND } from "../csv/images";
import type { Lab } from "./lab";
import { Problem } from "../problems";
import { ConfigLocator, NAMESPACE } from "../stack/settings";

/**
 * Problems (or, in the plan, warnings) about `adminUsername` and `adminPassword`: each missing one
 * when an online row has an Image, and a password written in plain text in the stack file.
 *
 * @param secretKeys the stack file's `secure:` keys, when known (a plain-text password is warned about).
 * @returns `problems` stop the run, `warnings` do not. Messages never contain the password.
 */
export function imageCredentialProblems(lab: Lab, raw: Readonly<Record<string, string>>, locate: ConfigLocator, deploy: boolean, secretKeys?: readonly string[]): { problems: Problem[]; warnings: Problem[] } {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const at = (key: string) => ({ ...locate(key), column: key });
  const passwordKey = `${NAMESPACE}:adminPassword`;
  if (secretKeys && raw[passwordKey] !== undefined && !secretKeys.includes(passwordKey)) {
    warnings.push({ ...at(passwordKey), message: `the password is stored in plain text in the stack file; store it encrypted with: ${SET_PASSWORD_COMMAND}` });
  }
  const imageRows = lab.vms.filter((vm) => vm.bringOnline && vm.image);
  if (imageRows.length === 0) return { problems, warnings };
  const rows = `${imageRows.map((vm) => vm.name).join(", ")} ${imageRows.length === 1 ? "is" : "are"} built from an image`;
  const missing = deploy ? problems : warnings;
  if (!lab.settings.vmImage.adminUsername) {
    missing.push({ ...at(`${NAMESPACE}:adminUsername`), message: `required: ${rows} and Windows needs an administrator; set one with: pulumi config set exchange-lab:adminUsername labadmin` });
  }
  if (lab.settings.vmImage.adminPassword === "missing") {
    missing.push({
      ...at(passwordKey),
      message: `required: ${rows}, and never generated inside the stack (pulumi destroy would lose it while the disk keeps it). Store it once, encrypted (the command prompts for it): ${SET_PASSWORD_COMMAND}`,
    });
  }
  return { problems, warnings };
}
