// exchange-lab: lab.csv + the stack file -> an Exchange Server lab on Azure.
// Thin on purpose: src/program.ts does the work, the same code the offline plan runs.
import * as pulumi from "@pulumi/pulumi";
import { formatProblem } from "./src/problems";
import { runLab } from "./src/program";
import { readStackFile } from "./src/stackFile";

const stackFile = `stacks/Pulumi.${pulumi.getStack()}.yaml`;
const located = readStackFile(stackFile).stack;
const { lab, component } = runLab({ locate: located?.locate, secretKeys: located?.secretKeys });
for (const warning of lab.warnings) pulumi.log.warn(formatProblem(warning));

export const resourceGroupName = component.resourceGroup.name;
export const vms = component.vms;
export const publicIp = component.publicIp;
export const rdp = component.rdp;
// The VPN (when the stack's vpn is true). draytek and draytekHints are secrets: they carry the
// pre-shared key. Read them with `pulumi stack output draytekHints --show-secrets`.
export const gatewayPublicIp = component.vpn?.gatewayPublicIp;
export const draytek = component.vpn?.draytek;
export const draytekHints = component.vpn?.draytekHints;
