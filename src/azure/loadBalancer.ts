/**
 * The lab's public face and way out: one Standard static public IP on a Standard Load
 * Balancer (the classic cloud-service VIP).
 * - RDP: per VM with PublicRDPPort, a load-balancing rule from that public port to the VM's
 *   3389 through a backend pool holding only that VM. A rule per VM is deterministic (the same
 *   VM always gets the same port) and uses no inbound NAT feature with an announced retirement
 *   (`load-balancer/inbound-nat-rules.md`).
 * - Endpoints: per published port, a rule to the pool of every VM that lists it (several VMs
 *   on one port are balanced: the Exchange front-end case).
 * - Outbound: an outbound rule for a pool of every VM, so VMs reach the internet for
 *   activation and updates without default outbound access. It shares the frontend with the
 *   inbound rules, which therefore set `disableOutboundSnat` (`load-balancer/outbound-rules.md`).
 *
 * The RDP and endpoint pools are IP-based (members by private IP and virtual network,
 * `load-balancer/backend-pool-management.md`): they come and go with the CSV, and a pool that
 * NICs pointed at could not be removed while a NIC still referenced it (Pulumi updates the load
 * balancer before it deletes a NIC). Only the all-VMs pool of the outbound rule, which always
 * exists, is NIC-based.
 */
import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import { RDP_PORT } from "../endpoints";
import { Lab, LabVm, onlineVms } from "../lab";
import { portName } from "../endpoints";

/** Backend pool of every online VM (outbound rule). */
export const ALL_VMS_POOL = "all-vms";
const FRONTEND = "public";
const rdpPool = (vm: string) => `rdp-${vm}`;
const portPool = (port: number) => `port-${portName(port)}`;


export interface DeclaredLoadBalancer {
  publicIp: network.PublicIPAddress;
  loadBalancer: network.LoadBalancer;
  /** The ID of the all-VMs pool, for every NIC's ipConfiguration (depends on the load balancer). */
  allVmsPoolId: pulumi.Output<string>;
}

/** Declares the public IP and load balancer; `undefined` when no VM is online. */
export function declareLoadBalancer(
  lab: Lab,
  args: {
    resourceGroupName: pulumi.Input<string>;
    subscriptionId: pulumi.Input<string>;
    virtualNetworkId: pulumi.Input<string>;
    /** What the load balancer waits for: the VNet's last subnet write (its pools reach into the VNet). */
    after: pulumi.Resource[];
  },
  opts: pulumi.CustomResourceOptions,
): DeclaredLoadBalancer | undefined {
  const vms = onlineVms(lab);
  if (vms.length === 0) return undefined;
  const s = lab.settings;
  const name = `${s.virtualNetworkName}-lb`;
  // A resource's own sub-resources are referenced by ID inside its definition.
  const child = (kind: string, child: string) =>
    pulumi.interpolate`/subscriptions/${args.subscriptionId}/resourceGroups/${args.resourceGroupName}/providers/Microsoft.Network/loadBalancers/${name}/${kind}/${child}`;
  const frontend = { id: child("frontendIPConfigurations", FRONTEND) };

  const publicIp = new network.PublicIPAddress(
    `${s.virtualNetworkName}-lab-ip`,
    {
      resourceGroupName: args.resourceGroupName,
      publicIpAddressName: `${s.virtualNetworkName}-lab-ip`,
      location: s.location,
      sku: { name: network.PublicIPAddressSkuName.Standard, tier: network.PublicIPAddressSkuTier.Regional },
      publicIPAllocationMethod: network.IPAllocationMethod.Static,
      publicIPAddressVersion: network.IPVersion.IPv4,
      // A name for RDP and the published ports that a re-created IP keeps (settings.ts, dns).
      dnsSettings: { domainNameLabel: `${s.dns.label}-lab`, domainNameLabelScope: s.dns.scope },
    },
    opts,
  );

  const rdpVms = vms.filter((v) => v.publicRdpPort !== undefined);
  const ports = [...new Set(vms.flatMap((v) => v.endpoints))].sort((a, b) => a - b);
  const ipPool = (pool: string, members: LabVm[]) => ({
    name: pool,
    loadBalancerBackendAddresses: members.map((v) => ({ name: v.name, ipAddress: v.privateIp, virtualNetwork: { id: args.virtualNetworkId } })),
  });
  const pools = [
    { name: ALL_VMS_POOL },
    ...rdpVms.map((v) => ipPool(rdpPool(v.name), [v])),
    ...ports.map((p) => ipPool(portPool(p), vms.filter((v) => v.endpoints.includes(p)))),
  ];
  const probes = [...(rdpVms.length > 0 ? [{ name: "rdp", port: RDP_PORT }] : []), ...ports.map((p) => ({ name: portPool(p), port: p }))];
  const rule = (ruleName: string, frontendPort: number, backendPort: number, pool: string, probe: string, idleTimeoutInMinutes: number) => ({
    name: ruleName,
    protocol: network.TransportProtocol.Tcp,
    frontendIPConfiguration: frontend,
    frontendPort,
    backendPort,
    backendAddressPool: { id: child("backendAddressPools", pool) },
    probe: { id: child("probes", probe) },
    disableOutboundSnat: true,
    enableFloatingIP: false,
    enableTcpReset: true,
    idleTimeoutInMinutes,
  });

  const loadBalancer = new network.LoadBalancer(
    name,
    {
      resourceGroupName: args.resourceGroupName,
      loadBalancerName: name,
      location: s.location,
      sku: { name: network.LoadBalancerSkuName.Standard, tier: network.LoadBalancerSkuTier.Regional },
      frontendIPConfigurations: [{ name: FRONTEND, publicIPAddress: { id: publicIp.id } }],
      backendAddressPools: pools,
      probes: probes.map((p) => ({ name: p.name, protocol: network.ProbeProtocol.Tcp, port: p.port, intervalInSeconds: 15, numberOfProbes: 2 })),
      loadBalancingRules: [
        // RDP sessions sit idle for long stretches: the longest idle timeout Azure allows (30 min).
        ...rdpVms.map((v) => rule(rdpPool(v.name), v.publicRdpPort as number, RDP_PORT, rdpPool(v.name), "rdp", 30)),
        ...ports.map((p) => rule(portPool(p), p, p, portPool(p), portPool(p), 4)),
      ],
      outboundRules: [
        {
          name: "outbound",
          protocol: network.LoadBalancerOutboundRuleProtocol.All,
          frontendIPConfigurations: [frontend],
          backendAddressPool: { id: child("backendAddressPools", ALL_VMS_POOL) },
          enableTcpReset: true,
          idleTimeoutInMinutes: 4,
        },
      ],
    },
    { ...opts, dependsOn: args.after },
  );
  return { publicIp, loadBalancer, allVmsPoolId: pulumi.interpolate`${loadBalancer.id}/backendAddressPools/${ALL_VMS_POOL}` };
}
