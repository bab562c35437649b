// exchange-lab: lab.csv + the stack file -> an Exchange Server lab on Azure.
// Thin on purpose: src/program.ts does the work, the same code the offline plan runs. The program
// is an async function (Pulumi awaits it and exports what it returns) because it first reads the
// stack's previous deployment.
import * as pulumi from "@pulumi/pulumi";
import { formatProblem } from "./src/input/problems";
import { runLab } from "./src/program";
import { readStackFile } from "./src/input/stack/stackFile";

export = async () => {
  const stackFile = `stacks/Pulumi.${pulumi.getStack()}.yaml`;
  const located = readStackFile(stackFile).stack;
  const { lab, component, deployedLab } = await runLab({ locate: located?.locate, secretKeys: located?.secretKeys, mode: "deploy" });
  for (const warning of lab.warnings) pulumi.log.warn(formatProblem(warning));

  return {
    resourceGroupName: component.resourceGroup.name,
    vms: component.vms,
    publicIp: component.publicIp,
    publicFqdn: component.publicFqdn,
    rdp: component.rdp,
    // The VPN (when the stack's vpn is true). The DrayTek dials gatewayPublicIp, or gatewayFqdn (which
    // destroy/up keeps) once it is seen to resolve (docs/draytek.md). draytek and draytekHints are
    // secrets: they carry the pre-shared key (draytek.cliScript: the telnet script). Read them with
    // `pulumi stack output draytekHints --show-secrets`.
    gatewayPublicIp: component.vpn?.gatewayPublicIp,
    gatewayFqdn: component.vpn?.gatewayFqdn,
    draytek: component.vpn?.draytek,
    draytekHints: component.vpn?.draytekHints,
    // For the next pulumi up: the configuration and the CSV as deployed, with every address and
    // LUN written in, so that they never move (src/input/lab/previous.ts). No secrets. It resolves only
    // after every VM and readiness gate was created: a failed pulumi up keeps the last record.
    deployedLab,
  };
};
