// exchange-lab: lab.csv + the stack file -> an Exchange Server lab on Azure.
// Thin on purpose: src/program.ts does the work, the same code the offline plan runs.
import * as pulumi from "@pulumi/pulumi";
import { formatProblem } from "./src/problems";
import { runLab } from "./src/program";
import { readStackFile } from "./src/stackFile";

const stackFile = `stacks/Pulumi.${pulumi.getStack()}.yaml`;
const located = readStackFile(stackFile).stack;
const { lab, component } = runLab({ locate: located?.locate });
for (const warning of lab.warnings) pulumi.log.warn(formatProblem(warning));

export const resourceGroupName = component.resourceGroup.name;
export const vms = component.vms;
