/**
 * The lab's public face and way out: one Standard static public IP on a Standard Load
 * Balancer (the classic cloud-service VIP).
 * - RDP: per VM with PublicRDPPort, a load-balancing rule from that public port to the VM's
 *   3389 through a backend pool holding only that VM. A rule per VM is deterministic (the same
 *   VM always gets the same port) and uses no inbound NAT feature with an announced retirement
 *   (https://learn.microsoft.com/azure/load-balancer/inbound-nat-rules). Several rules may use backend port 3389 because
 *   each targets a different VM: without floating IP a rule's flows go to the VM's own
 *   IP:backend port, and only rules that reach the same VM on the same backend port need
 *   floating IP (https://learn.microsoft.com/azure/load-balancer/load-balancer-multivip-overview).
 * - Endpoints: per published port, a rule to the pool of every VM that lists it (several VMs
 *   on one port are balanced: the Exchange front-end case), with a TCP health probe on that
 *   port; a Standard load balancer sends new flows only to instances its probe finds healthy
 *   (https://learn.microsoft.com/azure/load-balancer/load-balancer-custom-probe-overview).
 * - Outbound: an outbound rule for a pool of every VM, so VMs reach the internet for
 *   activation and updates without default outbound access. It shares the frontend with the
 *   inbound rules, which therefore set `disableOutboundSnat`: a frontend used by an outbound
 *   rule must not also give SNAT through a load-balancing rule
 *   (https://learn.microsoft.com/azure/load-balancer/outbound-rules; ARM's error otherwise,
 *   LoadBalancingRuleMustDisableSNATSinceSameFrontendIPConfigurationIsReferencedByOutboundRule,
 *   is quoted in ansible-collections/azure#743).
 *
 * Every pool is NIC-based: the load balancer declares the pools empty and each NIC's IP
 * configuration lists the pools it belongs to, the documented way for VMs ("Any addition or
 * deletion of backend resources must occur on the network interface",
 * https://learn.microsoft.com/azure/load-balancer/backend-pool-management). IP-based pools with
 * their addresses inline in the load balancer's PUT have a record of being created empty while
 * the deployment succeeds (Azure/azure-rest-api-specs#11234, pulumi/pulumi-azure-native#3601),
 * which would leave every published port dead.
 *
 * Pool lifetimes follow Pulumi's step order (creates and updates in dependency order, removed
 * resources deleted last): a NIC depends on the load balancer (its pool IDs come from it), so a
 * new pool exists before a NIC joins it, but a pool the program stops declaring is dropped by
 * the load balancer's update before any NIC leaves it. That is not safe: ARM refuses changes to
 * pools that NICs are associated with (Azure/bicep-registry-modules#3395, an AVM contributor
 * after working with the product group; "ModificationOfNICIpConfigBackendPoolNotSupported" in
 * hashicorp/terraform-provider-azurerm#10496), and nothing documents that dropping a pool a NIC
 * still lists succeeds. So a pool lives as long as the CSV row that could hold a NIC in it:
 * - `rdp-<vm>` exists for every CSV row, BringOnline=No rows included, and the row's NIC is
 *   always in it; PublicRDPPort only adds or removes the rule. Adding or removing a public RDP
 *   port, or bringing a row online or offline, is one `pulumi up`.
 * - `port-<name>` exists while any CSV row (BringOnline=No rows included) lists the port; a
 *   NIC is in it while its row lists the port. The rule exists while an online row lists it.
 * - and, with the previous deployment known (`previous.ts`, always at `pulumi up` after the
 *   first), every pool a NIC of that deployment is in stays for one more run: the run that
 *   deletes the NIC or takes it out of the pool. The next `pulumi up` drops the empty pool. So
 *   removing a row, or withdrawing a port from the last row that lists it, is one `pulumi up` too.
 * Without a previous deployment (the stack's output unreadable) those two take two runs
 * (docs/reference.md, "Public endpoints").
 */
import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import { RDP_PORT, portName } from "../input/csv/endpoints";
import { Lab, LabVm, onlineVms } from "../input/lab/lab";

/** Backend pool of every online VM (outbound rule). */
export const ALL_VMS_POOL = "all-vms";
const FRONTEND = "public";
/** The pool of one CSV row's VM: the target of its public RDP rule. */
export const rdpPool = (vm: string) => `rdp-${vm}`;
/** The pool of every VM publishing a port: the target of that port's rule. */
export const portPool = (port: number) => `port-${portName(port)}`;

/** The pools a VM's NIC joins: all VMs, its own RDP pool, and the pool of each port its row lists. */
export function poolsOfVm(vm: LabVm): string[] {
  return [ALL_VMS_POOL, rdpPool(vm.name), ...vm.endpoints.map(portPool)];
}

/**
 * Every pool the load balancer declares: the all-VMs pool, one RDP pool per CSV row and one
 * pool per port any row lists (BringOnline=No rows included), plus every pool a NIC of the
 * previous deployment is in (see the file comment). Pure.
 */
export function declaredPools(lab: Lab): string[] {
  const deployed = (lab.previous?.vms ?? []).filter((p) => p.online);
  const ports = [...new Set([...lab.vms, ...deployed].flatMap((v) => v.endpoints))].sort((a, b) => a - b);
  const rdp = [...new Set([...lab.vms, ...deployed].map((v) => rdpPool(v.name)))];
  return [ALL_VMS_POOL, ...rdp, ...ports.map(portPool)];
}

/**
 * The pools that one `pulumi up` from `before` to `after` would drop while a NIC of `before`
 * still lists them: the load balancer is updated before NICs are updated and before removed
 * NICs are deleted, so each returned pool makes that `pulumi up` fail. Empty when the change is
 * safe in one step. Pure; for a reader of the previous lab (e.g. a `--previous` plan).
 */
export function poolsDroppedWhileInUse(before: Lab, after: Lab): string[] {
  const kept = new Set(declaredPools(after));
  const inUse = new Set(onlineVms(before).flatMap(poolsOfVm));
  return [...inUse].filter((pool) => !kept.has(pool));
}

export interface DeclaredLoadBalancer {
  publicIp: network.PublicIPAddress;
  loadBalancer: network.LoadBalancer;
  /** The IDs of the pools a VM's NIC joins ({@link poolsOfVm}); they depend on the load balancer. */
  poolIdsOf: (vm: LabVm) => pulumi.Output<string>[];
}

/** Declares the public IP and load balancer; `undefined` when no VM is online. */
export function declareLoadBalancer(
  lab: Lab,
  args: {
    resourceGroupName: pulumi.Input<string>;
    subscriptionId: pulumi.Input<string>;
    /** What the load balancer waits for: the VNet's last subnet write (NICs join its pools). */
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

  // Rules only where an online VM answers; pools for every row and listed port (file comment).
  const rdpVms = vms.filter((v) => v.publicRdpPort !== undefined);
  const ports = [...new Set(vms.flatMap((v) => v.endpoints))].sort((a, b) => a - b);
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
      // NIC-based pools: declared by name only; the NICs say who is in them.
      backendAddressPools: declaredPools(lab).map((pool) => ({ name: pool })),
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
  return {
    publicIp,
    loadBalancer,
    poolIdsOf: (vm) => poolsOfVm(vm).map((pool) => pulumi.interpolate`${loadBalancer.id}/backendAddressPools/${pool}`),
  };
}
