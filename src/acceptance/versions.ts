/**
 * The oldest Pulumi CLI the project supports, declared once here (Pulumi.yaml's
 * `requiredPulumiVersion` says the same to the CLI itself), and the check of the user's CLI
 * against it. Why 3.207.0: the program uses the `replaceWith` resource option
 * (https://www.pulumi.com/docs/iac/concepts/resources/options/replacewith/, introduced in
 * https://www.pulumi.com/blog/dependent-resource-replacements), which the engine honours from CLI
 * 3.207.0 on; an older engine would not apply it, and the offline plan's mocks, which report every
 * engine feature as supported, cannot tell.
 */

/** The floor, as a plain version. */
export const PULUMI_CLI_FLOOR = "3.207.0";

function parts(version: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** Whether `version` (`v3.210.0`, `3.207.0-alpha.x`, ...) is at or above `floor`; a pre-release of the floor counts as below. */
export function atLeast(version: string, floor: string = PULUMI_CLI_FLOOR): boolean {
  const v = parts(version);
  const f = parts(floor);
  if (!v || !f) return false;
  for (let i = 0; i < 3; i++) if (v[i] !== f[i]) return v[i] > f[i];
  return !/^v?\d+\.\d+\.\d+-/.test(version.trim());
}

/**
 * Checks the output of `pulumi version`; returns the version, or throws an `Error` saying which
 * version was found, the floor, and how to upgrade.
 */
export function checkCliVersion(output: string): string {
  const version = output.trim().split("\n")[0];
  if (!parts(version)) throw new Error(`'pulumi version' printed '${version}', not a version; the acceptance run needs Pulumi CLI ${PULUMI_CLI_FLOOR} or later`);
  if (!atLeast(version)) throw new Error(`Pulumi CLI ${version} is below ${PULUMI_CLI_FLOOR}, the oldest this project supports (replaceWith needs it); upgrade: https://www.pulumi.com/docs/iac/download-install/`);
  return version;
}
