/**
 * `exchange-lab:lab:ExchangeLab`: the whole lab as one component. Everything the stack
 * declares is a child of it, so options given to the component (for instance the offline
 * plan's `transformations` spy) reach every resource.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as resources from "@pulumi/azure-native/resources";
import { Lab, diskSubscriptionProblems, onlineVms } from "../input/lab/lab";
import { LabValidationError } from "../input/problems";
import { publicIpFqdn } from "../input/stack/settings";
import { declareAutoShutdown } from "./autoShutdown";
import { declareLoadBalancer, DeclaredLoadBalancer } from "./loadBalancer";
import { declareNetwork } from "./network";
import { hasGate } from "./gates";
import { declareReadinessGate } from "./readinessGate";
import { declareRoleSteps } from "./roleCommands";
import { roleDnsServers } from "../input/lab/roleSteps";
import { declareVm } from "./virtualMachines";
import { DeclaredVpn, declareVpn } from "./vpn";

/** A declared VM as the stack outputs it. */
export interface VmOutput {
  name: string;
  size: string;
  subnet: string;
  privateIp: string;
  /** `publicIp:port` of its public RDP, when it has one. */
  publicRdp?: string;
  /** The TCP ports it publishes through the load balancer. */
  endpoints: number[];
  /** The VMs it is created after (boot order). */
  dependsOn: string[];
}

/** How to reach each VM by RDP: over the VPN always, from the allowed sources when published. Pure. */
export function rdpText(vms: readonly VmOutput[]): string {
  return vms
    .map((vm) => `${vm.name}: mstsc /v:${vm.privateIp} (over the VPN)${vm.publicRdp ? `; mstsc /v:${vm.publicRdp} (from allowedSourcePrefixes)` : ""}`)
    .join("\n") + "\n";
}

export class ExchangeLab extends pulumi.ComponentResource {
  /** The resource group the stack owns. */
  readonly resourceGroup: resources.ResourceGroup;
  readonly vms: pulumi.Output<VmOutput[]>;
  /** The site-to-site VPN; undefined when the stack's `vpn` is false. */
  readonly vpn?: DeclaredVpn;
  /** The public IP and load balancer; undefined when no VM is online. */
  readonly loadBalancer?: DeclaredLoadBalancer;
  /** The lab's public IP (endpoints and outbound). */
  readonly publicIp: pulumi.Output<string | undefined>;
  /** The DNS name of the lab's public IP (the same after destroy and up). */
  readonly publicFqdn: pulumi.Output<string | undefined>;
  /** How to reach each VM by RDP (text). */
  readonly rdp: pulumi.Output<string>;
  /** What later VMs wait for, by VM name: a barrier's readiness gate (created after its VM), or
   * else the VM itself. Once all of them exist, every VM and gate of the run was created. */
  readonly machines = new Map<string, pulumi.CustomResource>();

  constructor(name: string, lab: Lab, opts?: pulumi.ComponentResourceOptions) {
    super("exchange-lab:lab:ExchangeLab", name, {}, opts);
    const s = lab.settings;
    const childOpts: pulumi.CustomResourceOptions = { parent: this };

    this.resourceGroup = new resources.ResourceGroup(s.resourceGroupName, { resourceGroupName: s.resourceGroupName, location: s.location }, childOpts);
    const resourceGroupName = this.resourceGroup.name;

    const net = declareNetwork(lab, resourceGroupName, childOpts);

    // No VM depends on the VPN: the lab comes up while the gateway is still building.
    this.vpn = declareVpn(lab, { resourceGroupName, gatewaySubnet: net.gatewaySubnet, otherSubnets: [...net.subnets.values()] }, childOpts);

    // The deploying subscription; a disk given by ID in another one stops pulumi up here, before
    // the load balancer (and so every NIC and VM, which depend on it) is declared to Azure.
    const subscriptionId = authorization.getClientConfigOutput({ parent: this }).subscriptionId.apply((deploying) => {
      const problems = diskSubscriptionProblems(lab, deploying);
      if (problems.length > 0) throw new LabValidationError(problems);
      return deploying;
    });
    this.loadBalancer = declareLoadBalancer(lab, { resourceGroupName, subscriptionId, after: [net.lastSubnet] }, childOpts);
    const lb = this.loadBalancer;

    const machines = this.machines;
    for (const vm of onlineVms(lab)) {
      const subnet = net.subnets.get(vm.subnet);
      if (!subnet) throw new Error(`internal: subnet ${vm.subnet} of ${vm.name} was not declared`);
      const declared = declareVm(
        vm,
        { resourceGroupName, diskResourceGroupName: s.diskResourceGroupName, location: s.location, subnet, subscriptionId, backendPoolIds: lb ? lb.poolIdsOf(vm) : [], after: [net.lastSubnet], vmImage: s.vmImage, dnsServers: roleDnsServers(lab, vm) },
        vm.dependsOn.map((n) => machines.get(n)).filter((m): m is pulumi.CustomResource => m !== undefined),
        childOpts,
      );
      // A VM's run command and shutdown schedule live in its own resource group (an Image row's: the disk group).
      const vmGroup = vm.image ? pulumi.output(s.diskResourceGroupName) : resourceGroupName;
      // A Role row's first life: its steps run after the VM is created and before its readiness gate.
      const lastRoleStep = declareRoleSteps(lab, vm, declared.vm, { resourceGroupName: vmGroup, location: s.location }, childOpts);
      machines.set(vm.name, hasGate(vm, s.readiness)
        ? declareReadinessGate(vm, declared.vm, { resourceGroupName: vmGroup, location: s.location, timeoutMinutes: s.readiness.timeoutMinutes, after: lastRoleStep }, childOpts)
        : lastRoleStep ?? declared.vm);
      if (s.autoShutdown) declareAutoShutdown(declared.vm, vm.name, s.autoShutdown, { resourceGroupName: vmGroup, location: s.location }, childOpts, vm.previousName);
    }

    this.publicIp = lb ? lb.publicIp.ipAddress : pulumi.output(undefined);
    // The DNS name of the lab's public IP: RDP and the published ports by a name that destroy/up keeps.
    this.publicFqdn = !lb ? pulumi.output(undefined) : s.dns.scope ? lb.publicIp.dnsSettings.apply((d) => d?.fqdn) : pulumi.output(publicIpFqdn(`${s.dns.label}-lab`, s.location));
    this.vms = this.publicFqdn.apply((ip) =>
      onlineVms(lab).map((vm) => ({
        name: vm.name,
        size: vm.size,
        subnet: vm.subnet,
        privateIp: vm.privateIp,
        publicRdp: vm.publicRdpPort !== undefined ? `${ip ?? "(public name after pulumi up)"}:${vm.publicRdpPort}` : undefined,
        endpoints: vm.endpoints,
        dependsOn: vm.dependsOn,
      })),
    );
    this.rdp = this.vms.apply(rdpText);
    this.registerOutputs({ resourceGroupName, vms: this.vms, publicIp: this.publicIp, publicFqdn: this.publicFqdn, rdp: this.rdp, gatewayPublicIp: this.vpn?.gatewayPublicIp, draytek: this.vpn?.draytek });
  }
}
