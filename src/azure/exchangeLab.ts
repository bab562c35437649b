/**
 * `exchange-lab:lab:ExchangeLab`: the whole lab as one component. Everything the stack
 * declares is a child of it, so options given to the component (for instance the offline
 * plan's `transformations` spy) reach every resource.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as compute from "@pulumi/azure-native/compute";
import * as resources from "@pulumi/azure-native/resources";
import { Lab, onlineVms } from "../lab";
import { declareNetwork } from "./network";
import { declareVm } from "./virtualMachines";
import { DeclaredVpn, declareVpn } from "./vpn";

/** A declared VM as the stack outputs it. */
export interface VmOutput {
  name: string;
  size: string;
  subnet: string;
  privateIp: string;
  /** The VMs it is created after (boot order). */
  dependsOn: string[];
}

export class ExchangeLab extends pulumi.ComponentResource {
  /** The resource group the stack owns. */
  readonly resourceGroup: resources.ResourceGroup;
  /** Every custom resource declared, in declaration order (the offline plan awaits them). */
  readonly declared: pulumi.CustomResource[] = [];
  readonly vms: pulumi.Output<VmOutput[]>;
  /** The site-to-site VPN; undefined when the stack's `vpn` is false. */
  readonly vpn?: DeclaredVpn;

  constructor(name: string, lab: Lab, opts?: pulumi.ComponentResourceOptions) {
    super("exchange-lab:lab:ExchangeLab", name, {}, opts);
    const s = lab.settings;
    const childOpts: pulumi.CustomResourceOptions = { parent: this };
    const track = <T extends pulumi.CustomResource>(r: T): T => {
      this.declared.push(r);
      return r;
    };

    this.resourceGroup = track(
      new resources.ResourceGroup(s.resourceGroupName, { resourceGroupName: s.resourceGroupName, location: s.location }, childOpts),
    );
    const resourceGroupName = this.resourceGroup.name;

    const net = declareNetwork(lab, resourceGroupName, childOpts);
    track(net.virtualNetwork);
    track(net.gatewaySubnet);
    net.subnets.forEach(track);

    // No VM depends on the VPN: the lab comes up while the gateway is still building.
    this.vpn = declareVpn(lab, { resourceGroupName, gatewaySubnet: net.gatewaySubnet }, childOpts);
    if (this.vpn) [this.vpn.publicIp, this.vpn.gateway, this.vpn.localNetworkGateway, this.vpn.connection].forEach(track);

    const subscriptionId = authorization.getClientConfigOutput({ parent: this }).subscriptionId;
    const machines = new Map<string, compute.VirtualMachine>();
    for (const vm of onlineVms(lab)) {
      const subnet = net.subnets.get(vm.subnet);
      if (!subnet) throw new Error(`internal: subnet ${vm.subnet} of ${vm.name} was not declared`);
      const declared = declareVm(
        vm,
        { resourceGroupName, location: s.location, subnet, subscriptionId },
        vm.dependsOn.map((n) => machines.get(n)).filter((m): m is compute.VirtualMachine => m !== undefined),
        childOpts,
      );
      track(declared.nic);
      track(declared.vm);
      machines.set(vm.name, declared.vm);
    }

    this.vms = pulumi.output(
      onlineVms(lab).map((vm) => ({ name: vm.name, size: vm.size, subnet: vm.subnet, privateIp: vm.privateIp, dependsOn: vm.dependsOn })),
    );
    this.registerOutputs({ resourceGroupName, vms: this.vms, gatewayPublicIp: this.vpn?.gatewayPublicIp, draytek: this.vpn?.draytek });
  }
}
