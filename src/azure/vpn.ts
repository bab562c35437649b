/**
 * The Azure side of the site-to-site VPN to the DrayTek: a Standard static public IP, a
 * route-based `VirtualNetworkGateway` in `GatewaySubnet`, a `LocalNetworkGateway` for the
 * office, and an IPsec `VirtualNetworkGatewayConnection` with exactly one custom policy.
 *
 * Sources (Microsoft Learn): a new gateway needs a Standard-SKU static public IP
 * (https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-vpn-faq); creation "can take 45 minutes or more"
 * (https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-about-vpn-gateway-settings).
 */
import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import { DraytekInput, draytekProfile, DraytekProfile, draytekProfileName, renderDraytekHints } from "../report/draytek";
import { withCliScript } from "../report/draytekCli";
import { Lab, onlineVms } from "../input/lab/lab";
import { NAMESPACE, publicIpFqdn } from "../input/stack/settings";

/**
 * Create/update/delete time allowed for the gateway: azure-native's own default operation timeout
 * (120 minutes, provider.go in https://github.com/pulumi/pulumi-azure-native), written out so that
 * the plan shows it and nothing shortens it below what a build of "45 minutes or more" may need.
 */
export const GATEWAY_TIMEOUT = "120m";

/** What the VPN declaration gives the stack. */
export interface DeclaredVpn {
  publicIp: network.PublicIPAddress;
  gateway: network.VirtualNetworkGateway;
  localNetworkGateway: network.LocalNetworkGateway;
  connection: network.VirtualNetworkGatewayConnection;
  /** The data the DrayTek hints are rendered from (also used by the offline plan). */
  draytekInput: DraytekInput;
  gatewayPublicIp: pulumi.Output<string | undefined>;
  /** The name the router dials: the gateway IP's DNS name, the same after destroy and up. */
  gatewayFqdn: pulumi.Output<string | undefined>;
  /** Secret. */
  draytek: pulumi.Output<DraytekProfile>;
  /** Secret. */
  draytekHints: pulumi.Output<string>;
}

/** The router-side input of the hints, from the lab and its stack's name (the profile name; by
 * default the running stack's, which the offline plan sets to the stack file's). No Azure values. */
export function draytekInputOf(lab: Lab, stackName: string = pulumi.getStack()): DraytekInput | undefined {
  const { vpn, onPremises, addressSpace } = lab.settings;
  if (!vpn || !onPremises) return undefined;
  const first = onlineVms(lab)[0];
  return {
    vpn, addressSpace, onPremises: onPremises.addressSpaces, keepAlive: first ? { ip: first.privateIp, vm: first.name } : undefined, autoShutdown: lab.settings.autoShutdown,
    profileName: draytekProfileName(stackName), stackName,
  };
}

/** What the connection carries in place of a missing key; only the offline plan gets this far
 * without one (`pulumi up` stops first, `program.ts`). */
export const MISSING_KEY_PLACEHOLDER = "(missing: set exchange-lab:vpnSharedKey)";

/**
 * Declares the VPN. The pre-shared key is the secret config `vpnSharedKey`, a Pulumi secret end
 * to end. It is never generated here: a key made inside the stack is destroyed with it, and the
 * router would need a new one after every `pulumi destroy`. The gateway's public IP carries a DNS
 * label, so the router dials a name that a re-created IP keeps.
 * Returns `undefined` when the stack's `vpn` is false.
 */
export function declareVpn(
  lab: Lab,
  args: { resourceGroupName: pulumi.Input<string>; gatewaySubnet: network.Subnet; otherSubnets: network.Subnet[] },
  opts: pulumi.CustomResourceOptions,
): DeclaredVpn | undefined {
  const s = lab.settings;
  const draytekInput = draytekInputOf(lab);
  if (!draytekInput || !s.onPremises) return undefined;
  const vpn = draytekInput.vpn;
  const base = s.virtualNetworkName;

  const publicIp = declareGatewayPublicIp(lab, args.resourceGroupName, opts);

  const gateway = new network.VirtualNetworkGateway(
    `${base}-vpngw`,
    {
      resourceGroupName: args.resourceGroupName,
      virtualNetworkGatewayName: `${base}-vpngw`,
      location: s.location,
      gatewayType: network.VirtualNetworkGatewayType.Vpn,
      vpnType: network.VpnType.RouteBased,
      sku: { name: vpn.gatewaySku, tier: vpn.gatewaySku },
      vpnGatewayGeneration: vpn.gatewayGeneration,
      activeActive: false,
      enableBgp: false,
      ipConfigurations: [
        {
          name: "default",
          privateIPAllocationMethod: network.IPAllocationMethod.Dynamic,
          subnet: { id: args.gatewaySubnet.id },
          publicIPAddress: { id: publicIp.id },
        },
      ],
    },
    {
      ...opts,
      // After every subnet: ARM refuses a gateway write while the VNet's subnets are being written.
      dependsOn: args.otherSubnets,
      customTimeouts: { create: GATEWAY_TIMEOUT, update: GATEWAY_TIMEOUT, delete: GATEWAY_TIMEOUT },
      // A SKU change within a generation is an in-place resize; a new generation is a new gateway
      // (https://learn.microsoft.com/azure/vpn-gateway/about-gateway-skus). The name is fixed, so
      // the old one goes first; its public IP (and so the router's peer) stays.
      replaceOnChanges: ["vpnGatewayGeneration"],
      deleteBeforeReplace: true,
    },
  );

  const localNetworkGateway = new network.LocalNetworkGateway(
    `${base}-draytek`,
    {
      resourceGroupName: args.resourceGroupName,
      localNetworkGatewayName: `${base}-draytek`,
      location: s.location,
      gatewayIpAddress: s.onPremises.publicIp,
      fqdn: s.onPremises.fqdn,
      localNetworkAddressSpace: { addressPrefixes: s.onPremises.addressSpaces.map((c) => c.text) },
    },
    opts,
  );

  const sharedKey = pulumi.secret(new pulumi.Config(NAMESPACE).getSecret("vpnSharedKey") ?? MISSING_KEY_PLACEHOLDER);

  const connection = new network.VirtualNetworkGatewayConnection(
    `${base}-to-draytek`,
    {
      resourceGroupName: args.resourceGroupName,
      virtualNetworkGatewayConnectionName: `${base}-to-draytek`,
      location: s.location,
      connectionType: network.VirtualNetworkGatewayConnectionType.IPsec,
      connectionProtocol: vpn.ikeVersion,
      connectionMode: network.VirtualNetworkGatewayConnectionMode.Default,
      virtualNetworkGateway1: { id: gateway.id },
      localNetworkGateway2: { id: localNetworkGateway.id },
      sharedKey,
      ipsecPolicies: [{ ...vpn.policy }],
      usePolicyBasedTrafficSelectors: false,
      enableBgp: false,
    },
    // A rebuilt gateway takes its connection with it (the connection's name is fixed).
    { ...opts, replaceWith: [gateway], deleteBeforeReplace: true },
  );

  const gatewayPublicIp = publicIp.ipAddress;
  // Without a scope the FQDN is known before the IP exists; with one Azure adds a hash.
  const gatewayFqdn = s.dns.scope ? publicIp.dnsSettings.apply((d) => d?.fqdn) : pulumi.output(publicIpFqdn(vpn.dnsLabel, s.location));
  const draytek = pulumi.secret(
    // The output is a secret, so its telnet script (at the stack's draytekProfileIndex, or with the
    // index left to fill in) may carry the key itself.
    pulumi.all([gatewayPublicIp, gatewayFqdn, sharedKey]).apply(([ip, fqdn, key]) =>
      withCliScript(draytekProfile(draytekInput, { gatewayIp: ip, gatewayFqdn: fqdn, sharedKey: key, sharedKeyShown: key !== MISSING_KEY_PLACEHOLDER })),
    ),
  );
  return { publicIp, gateway, localNetworkGateway, connection, draytekInput, gatewayPublicIp, gatewayFqdn, draytek, draytekHints: pulumi.secret(draytek.apply(renderDraytekHints)) };
}

/**
 * The gateway's Standard static public IP (a new gateway needs one: VPN FAQ,
 * https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-vpn-faq), with the DNS label the router
 * dials. Only called with the VPN on.
 */
function declareGatewayPublicIp(lab: Lab, resourceGroupName: pulumi.Input<string>, opts: pulumi.CustomResourceOptions): network.PublicIPAddress {
  const s = lab.settings;
  const vpn = s.vpn!;
  return new network.PublicIPAddress(
    `${s.virtualNetworkName}-vpngw-ip`,
    {
      resourceGroupName,
      publicIpAddressName: `${s.virtualNetworkName}-vpngw-ip`,
      location: s.location,
      sku: { name: network.PublicIPAddressSkuName.Standard, tier: network.PublicIPAddressSkuTier.Regional },
      publicIPAllocationMethod: network.IPAllocationMethod.Static,
      publicIPAddressVersion: network.IPVersion.IPv4,
      zones: vpn.zones.length > 0 ? vpn.zones : undefined,
      dnsSettings: { domainNameLabel: vpn.dnsLabel, domainNameLabelScope: s.dns.scope },
    },
    opts,
  );
}
