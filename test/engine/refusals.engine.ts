// Each refusal rule of the Azure twin (test/twin/rules.ts) shows its ARM error code coming back
// through a real `pulumi up`: a small inline program of azure-native resources is deployed (a), then
// edited (b) into what ARM refuses. One row per rule; a rule without a row fails the last test.
import { strict as assert } from "assert";
import * as compute from "@pulumi/azure-native/compute";
import * as network from "@pulumi/azure-native/network";
import * as resources from "@pulumi/azure-native/resources";
import { ARM_RULES, ArmRuleId } from "../twin/rules";
import { LabLife } from "../twin/engine";
import { engineSuite } from "./suite";
import { csv, stack } from "./scenarios";

const SUB = "00000000-0000-0000-0000-00000000beef";
const L = "westeurope";
const R = "r";
const rgId = (g: string) => `/subscriptions/${SUB}/resourceGroups/${g}`;
const subnetId = (s: string) => `${rgId(R)}/providers/Microsoft.Network/virtualNetworks/v/subnets/${s}`;
const diskId = (d: string) => `${rgId("twin-disks")}/providers/Microsoft.Compute/disks/${d}`;

/** What one deployment of the small world declares; every field a variation of the base. */
interface World {
  space?: string;
  s1?: string;
  nsg?: "resource" | "literal";
  subnet1?: "resource" | "literal" | "gone";
  nicName?: string;
  nicIp?: string;
  nic2?: { ip: string; subnet?: string };
  vm1Size?: string;
  vm1DataLun?: number;
  vm2?: { nic: "n1" | "n2"; disk?: string; fromImage?: string };
  s2?: string;
  pip?: "resource" | "literal";
  pip2Label?: boolean;
  gatewayOnS1?: boolean;
  lng?: "ip" | "fqdn";
  runCommand?: { vm: string };
  nsgInGroup?: string;
  nicOnMissingSubnet?: boolean;
  nsgUpper?: boolean;
}

/** Declares the world: RG r, VNet v with s1 (+ NSG), NIC n1 (static), VM vm1 on disk d1, an LB with a public IP. */
function declare(w: World): void {
  const rg = new resources.ResourceGroup("r", { resourceGroupName: R, location: L });
  const dep = { dependsOn: [rg] };
  const nsg = w.nsg === "literal" ? undefined : new network.NetworkSecurityGroup("nsg1", { resourceGroupName: R, networkSecurityGroupName: "nsg1", location: L }, dep);
  const vnet = new network.VirtualNetwork("v", { resourceGroupName: R, virtualNetworkName: "v", location: L, addressSpace: { addressPrefixes: [w.space ?? "10.70.0.0/16"] } }, dep);
  const s1 = w.subnet1 === "literal" || w.subnet1 === "gone" ? undefined : new network.Subnet("s1", {
    resourceGroupName: R, virtualNetworkName: "v", subnetName: "s1", addressPrefix: w.s1 ?? "10.70.1.0/24",
    networkSecurityGroup: { id: nsg ? nsg.id : `${rgId(R)}/providers/Microsoft.Network/networkSecurityGroups/nsg1` },
  }, { dependsOn: [vnet] });
  const s1Ref = s1 ? s1.id : subnetId("s1");
  if (w.s2) new network.Subnet("s2", { resourceGroupName: R, virtualNetworkName: "v", subnetName: "s2", addressPrefix: w.s2 }, { dependsOn: [vnet, ...(s1 ? [s1] : [])] });
  const pip = w.pip === "literal" ? undefined : new network.PublicIPAddress("pip", { resourceGroupName: R, publicIpAddressName: "pip", location: L, sku: { name: "Standard" }, publicIPAllocationMethod: "Static", dnsSettings: { domainNameLabel: "twinlab" } }, dep);
  if (w.pip2Label) new network.PublicIPAddress("pip2", { resourceGroupName: R, publicIpAddressName: "pip2", location: L, sku: { name: "Standard" }, publicIPAllocationMethod: "Static", dnsSettings: { domainNameLabel: "twinlab" } }, { dependsOn: pip ? [pip] : [rg] });
  new network.LoadBalancer("lb", {
    resourceGroupName: R, loadBalancerName: "lb", location: L, sku: { name: "Standard" },
    frontendIPConfigurations: [{ name: "fe", publicIPAddress: { id: pip ? pip.id : `${rgId(R)}/providers/Microsoft.Network/publicIPAddresses/pip` } }],
  }, dep);
  const nic = (name: string, ip: string, subnet: string | typeof s1Ref) =>
    new network.NetworkInterface(name, {
      resourceGroupName: R, networkInterfaceName: name === "n1" ? w.nicName ?? "n1" : name, location: L,
      ipConfigurations: [{ name: "ipconfig1", subnet: { id: subnet }, privateIPAllocationMethod: "Static", privateIPAddress: ip }],
    }, { dependsOn: [vnet, ...(s1 ? [s1] : [])], deleteBeforeReplace: true });
  const n1 = w.subnet1 === "gone" ? undefined : nic("n1", w.nicIp ?? "10.70.1.4", s1Ref);
  const n2 = w.nic2 ? nic("n2", w.nic2.ip, w.nic2.subnet ? subnetId(w.nic2.subnet) : s1Ref) : undefined;
  const vm = (name: string, nicRef: typeof n1, disk: string, size: string, fromImage?: string, lun?: number) =>
    new compute.VirtualMachine(name, {
      resourceGroupName: fromImage ? "twin-disks" : R, vmName: name, location: L, hardwareProfile: { vmSize: size },
      networkProfile: { networkInterfaces: [{ id: nicRef!.id, primary: true }] },
      storageProfile: fromImage
        ? { imageReference: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: fromImage, version: "latest" }, osDisk: { name: disk, createOption: "FromImage", deleteOption: "Detach" } }
        : { osDisk: { name: disk, createOption: "Attach", osType: "Windows", deleteOption: "Detach", managedDisk: { id: diskId(disk) } }, dataDisks: lun === undefined ? [] : [{ lun, createOption: "Attach", managedDisk: { id: diskId("dd1") } }] },
    });
  const vm1 = n1 ? vm("vm1", n1, "d1", w.vm1Size ?? "Standard_B2ms", undefined, w.vm1DataLun) : undefined;
  if (w.vm2) vm("vm2", w.vm2.nic === "n1" ? n1 : n2, w.vm2.disk ?? "d2", "Standard_B2ms", w.vm2.fromImage);
  if (w.gatewayOnS1) {
    new network.VirtualNetworkGateway("gw", { resourceGroupName: R, virtualNetworkGatewayName: "gw", location: L, gatewayType: "Vpn", vpnType: "RouteBased", sku: { name: "VpnGw1AZ", tier: "VpnGw1AZ" }, ipConfigurations: [{ name: "default", subnet: { id: s1Ref }, publicIPAddress: { id: pip!.id } }] }, dep);
  }
  if (w.lng) new network.LocalNetworkGateway("lng", { resourceGroupName: R, localNetworkGatewayName: "lng", location: L, ...(w.lng === "ip" ? { gatewayIpAddress: "203.0.113.10" } : { fqdn: "office.example.com" }), localNetworkAddressSpace: { addressPrefixes: ["192.168.1.0/24"] } }, dep);
  if (w.runCommand) new compute.VirtualMachineRunCommandByVirtualMachine("rc", { resourceGroupName: R, vmName: w.runCommand.vm, runCommandName: "rc", location: L, source: { script: "Write-Output ok" } }, { dependsOn: vm1 ? [vm1] : [rg] });
  if (w.nsgInGroup) new network.NetworkSecurityGroup("nsg9", { resourceGroupName: w.nsgInGroup, networkSecurityGroupName: "nsg9", location: L });
  if (w.nicOnMissingSubnet) nic("n3", "10.70.5.4", subnetId("nope"));
  if (w.nsgUpper) new network.NetworkSecurityGroup("nsg1-upper", { resourceGroupName: R, networkSecurityGroupName: "NSG1", location: L }, dep);
}

/** One rule's row: the world before and after, and what happens between (deallocation). */
interface Case {
  rule: ArmRuleId;
  a: World;
  b: World;
  deallocate?: boolean;
}

const CASES: Case[] = [
  { rule: "nicDeleteAttached", a: {}, b: { nicName: "n1-renamed" } },
  { rule: "nicSecondVm", a: {}, b: { vm2: { nic: "n1" } } },
  { rule: "privateIpInUse", a: {}, b: { nic2: { ip: "10.70.1.4" } } },
  { rule: "privateIpOutsideSubnet", a: {}, b: { nic2: { ip: "10.70.9.4" } } },
  { rule: "subnetPrefixInUse", a: {}, b: { s1: "10.70.2.0/24", nicIp: "10.70.2.4" } },
  { rule: "subnetDeleteInUse", a: {}, b: { subnet1: "literal" } },
  { rule: "subnetOverlap", a: {}, b: { s2: "10.70.1.128/25" } },
  { rule: "subnetOutsideVnet", a: {}, b: { space: "10.71.0.0/16" } },
  { rule: "nsgInUse", a: {}, b: { nsg: "literal" } },
  { rule: "publicIpInUse", a: {}, b: { pip: "literal" } },
  { rule: "dnsLabelInUse", a: {}, b: { pip2Label: true } },
  { rule: "gatewaySubnetName", a: {}, b: { gatewayOnS1: true } },
  { rule: "localGatewayEndpointKind", a: { lng: "ip" }, b: { lng: "fqdn" } },
  { rule: "diskSecondVm", a: {}, b: { nic2: { ip: "10.70.1.5" }, vm2: { nic: "n2", disk: "d1" } } },
  { rule: "diskExistsFromImage", a: {}, b: { nic2: { ip: "10.70.1.5" }, vm2: { nic: "n2", disk: "d2", fromImage: "2022-datacenter-azure-edition" } } },
  { rule: "diskMissing", a: {}, b: { nic2: { ip: "10.70.1.5" }, vm2: { nic: "n2", disk: "nope" } } },
  { rule: "lunMoved", a: { vm1DataLun: 0 }, b: { vm1DataLun: 1 } },
  { rule: "generation", a: {}, b: { vm1Size: "Standard_B2s_v2" } },
  { rule: "resizeTempDisk", a: {}, b: { vm1Size: "Standard_D2s_v5" } },
  { rule: "runCommandDeallocated", a: {}, b: { runCommand: { vm: "vm1" } }, deallocate: true },
  { rule: "parentMissing", a: {}, b: { runCommand: { vm: "nope" } } },
  { rule: "groupMissing", a: {}, b: { nsgInGroup: "nope" } },
  { rule: "referenceMissing", a: {}, b: { nicOnMissingSubnet: true } },
  { rule: "alreadyExists", a: {}, b: { nsgUpper: true } },
];

describe("each twin refusal through a real pulumi up: ARM's code comes back", function () {
  this.timeout(180_000);
  const suite = engineSuite();

  for (const c of CASES) {
    const rule = ARM_RULES[c.rule];
    it(`${rule.id}: ${rule.when} -> ${rule.code}`, async () => {
      let world: World = c.a;
      const life = await LabLife.create(suite.cli(), { stackYaml: stack(), csv: csv() }, {
        disks: [{ name: "d1" }, { name: "d2" }, { name: "dd1" }],
        program: async () => declare(world),
      });
      try {
        const a = await life.up();
        assert.equal(a.status, "succeeded", a.error);
        if (c.deallocate) life.arm.deallocateAll();
        world = c.b;
        const b = await life.up();
        assert.equal(b.status, "failed", `expected ${rule.code}; steps: ${b.steps.map((s) => `${s.op} ${s.name}`).join(", ")}`);
        assert.match(b.error ?? "", new RegExp(`${rule.code}: .*twin rule ${rule.id}\\b`));
      } finally {
        life.dispose();
      }
    });
  }

  it("every rule of the table has a case here", () => {
    const covered = new Set(CASES.map((c) => c.rule));
    assert.deepEqual(Object.keys(ARM_RULES).filter((r) => !covered.has(r as ArmRuleId)), []);
  });
});
