/**
 * The lab as a Mermaid flowchart (it renders on GitHub): the office LAN and DrayTek, the IPsec
 * tunnel, the VPN gateway, each subnet with its VMs (name, IP, boot step) and the public
 * endpoints on the load balancer. Pure.
 */
import { Lab, onlineVms } from "../input/lab/lab";
import { portName } from "../input/csv/endpoints";

const id = (prefix: string, name: string) => `${prefix}_${name.replace(/[^A-Za-z0-9]/g, "_")}`;
/** A Mermaid label: quoted, with quotes escaped as Mermaid entities. */
const label = (text: string) => `"${text.replace(/"/g, "#quot;")}"`;

/** Renders the Mermaid text (`flowchart LR`), one line per statement, ending in a newline. */
export function mermaidDiagram(lab: Lab): string {
  const s = lab.settings;
  const online = onlineVms(lab);
  const step = new Map(online.map((vm, i) => [vm.name, i + 1]));
  const lines = ["flowchart LR"];

  if (s.vpn && s.onPremises) {
    lines.push(`  subgraph office[${label("Office")}]`);
    s.onPremises.addressSpaces.forEach((c, i) => lines.push(`    lan${i}[${label(`LAN ${c.text}`)}]`));
    lines.push(`    draytek[${label(`DrayTek Vigor<br/>${s.onPremises.publicIp ?? s.onPremises.fqdn}`)}]`);
    lines.push("  end");
  }
  lines.push(`  subgraph azure[${label(`Azure ${s.location}: ${s.virtualNetworkName} ${s.addressSpace.map((c) => c.text).join(", ")}`)}]`);
  if (s.vpn) lines.push(`    gw[${label(`VPN gateway ${s.vpn.gatewaySku}<br/>GatewaySubnet ${s.gatewaySubnet.text}`)}]`);
  for (const subnet of s.subnets) {
    lines.push(`    subgraph ${id("sn", subnet.name)}[${label(`${subnet.name} ${subnet.cidr.text}`)}]`);
    for (const vm of lab.vms.filter((v) => v.subnet === subnet.name)) {
      const what = vm.bringOnline ? `boot step ${step.get(vm.name)}${vm.waitForBoot ? ", waits" : ""}` : "BringOnline=No";
      lines.push(`      ${id("vm", vm.name)}[${label(`${vm.name}<br/>${vm.privateIp}<br/>${what}`)}]`);
    }
    lines.push("    end");
  }
  if (online.length > 0) lines.push(`    lb[${label("Load balancer<br/>lab public IP")}]`);
  lines.push("  end");

  if (s.vpn && s.onPremises) {
    s.onPremises.addressSpaces.forEach((_, i) => lines.push(`  lan${i} --- draytek`));
    lines.push(`  draytek <-->|${label(`IPsec ${s.vpn.ikeVersion}`)}| gw`);
  }
  const published = online.filter((v) => v.publicRdpPort !== undefined || v.endpoints.length > 0);
  if (published.length > 0) {
    const same = s.publishedSourcePrefixes.join() === s.allowedSourcePrefixes.join();
    const sources = same ? `allowed sources<br/>${s.allowedSourcePrefixes.join(", ") || "none"}` : `RDP from ${s.allowedSourcePrefixes.join(", ") || "none"}<br/>published from ${s.publishedSourcePrefixes.join(", ") || "none"}`;
    lines.push(`  internet((${label(sources)})) --> lb`);
    for (const vm of published) {
      const ports = [...(vm.publicRdpPort !== undefined ? [`rdp ${vm.publicRdpPort}`] : []), ...vm.endpoints.map(portName)];
      lines.push(`  lb -->|${label(ports.join(", "))}| ${id("vm", vm.name)}`);
    }
  }
  for (const vm of lab.vms.filter((v) => !v.bringOnline)) lines.push(`  style ${id("vm", vm.name)} stroke-dasharray: 5 5`);
  return lines.join("\n") + "\n";
}
