/**
 * The Pulumi program proper, shared by `index.ts` (real `pulumi up`/`preview`) and the
 * offline plan (the same code under the mock runtime): config + CSV -> validated lab ->
 * declared resources.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { decodeUtf8, readLabCsv } from "./csv";
import { readInputFile } from "./files";
import { Lab, buildLab } from "./lab";
import { LabValidationError, Problem, sortProblems } from "./problems";
import { ConfigLocator, NAMESPACE, parseSettings } from "./settings";
import { ENCRYPTED_PLACEHOLDER } from "./stackFile";
import { ExchangeLab } from "./azure/exchangeLab";

/** The stack's configuration as Pulumi hands it to the program: full key -> text. Every key,
 * so that one in another namespace or in none is reported (parseSettings), not dropped. */
export function readPulumiConfig(): Record<string, string> {
  return { ...pulumi.runtime.allConfig() };
}

/**
 * Validates the configuration and reads and validates the CSV it names (relative to
 * `baseDir`). Throws {@link LabValidationError} with every problem found; pure apart from
 * reading the CSV file.
 */
export function loadLab(raw: Readonly<Record<string, string>>, locate: ConfigLocator, baseDir: string, secretKeys?: readonly string[]): Lab {
  // The offline plan sees a secure: value as its placeholder: such keys cannot be checked.
  const unreadable = (secretKeys ?? []).filter((k) => raw[k] === ENCRYPTED_PLACEHOLDER);
  const { settings, problems, warnings } = parseSettings(raw, locate, unreadable);
  const keyName = `${NAMESPACE}:vpnSharedKey`;
  if (secretKeys && raw[keyName] !== undefined && !secretKeys.includes(keyName)) {
    warnings.push({ ...locate(keyName), column: keyName, message: "the key is stored in plain text in the stack file; set it with: pulumi config set --secret vpnSharedKey" });
  }
  const csvFile = settings?.csv ?? raw[`${NAMESPACE}:csv`] ?? "lab.csv";
  const csvProblems: Problem[] = [];
  const file = readInputFile(path.resolve(baseDir, csvFile), csvFile, "lab CSV");
  if ("problem" in file) csvProblems.push(file.problem);
  else {
    const decoded = decodeUtf8(file.bytes, csvFile);
    if ("problem" in decoded) csvProblems.push(decoded.problem);
    else {
      const read = readLabCsv(decoded.text, csvFile);
      csvProblems.push(...read.problems);
      if (settings && read.problems.length === 0) {
        const built = buildLab(settings, read.rows, csvFile);
        if (built.lab && problems.length === 0) return { ...built.lab, warnings: sortProblems([...warnings, ...built.lab.warnings]) };
        csvProblems.push(...built.problems);
      }
    }
  }
  throw new LabValidationError(sortProblems([...problems, ...csvProblems]));
}

/** What {@link runLab} declared. */
export interface LabRun {
  lab: Lab;
  component: ExchangeLab;
}

/**
 * Runs the program: reads config from the Pulumi runtime, loads the lab and declares it.
 * Nothing is declared when the input is invalid ({@link LabValidationError} is thrown first).
 *
 * @param options.locate where config keys are written, to point problems at their line.
 * @param options.secretKeys the stack file's `secure:` keys, to warn about a plain-text VPN key.
 * @param options.componentOptions options for the `ExchangeLab` component (the plan's spy).
 */
export function runLab(
  options: { locate?: ConfigLocator; secretKeys?: readonly string[]; baseDir?: string; componentOptions?: pulumi.ComponentResourceOptions } = {},
): LabRun {
  const locate: ConfigLocator = options.locate ?? (() => ({ file: `Pulumi.${pulumi.getStack()}.yaml`, line: 0 }));
  const lab = loadLab(readPulumiConfig(), locate, options.baseDir ?? process.cwd(), options.secretKeys);
  const component = new ExchangeLab("lab", lab, options.componentOptions);
  return { lab, component };
}
