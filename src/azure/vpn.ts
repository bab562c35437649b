/**
 * The Azure side of the site-to-site VPN to the DrayTek: a Standard static public IP, a
 * route-based `VirtualNetworkGateway` in `GatewaySubnet`, a `LocalNetworkGateway` for the
 * office, and an IPsec `VirtualNetworkGatewayConnection` with exactly one custom policy.
 *
 * Sources (Microsoft Learn): a new gateway needs a Standard-SKU static public IP
 * (`vpn-gateway/vpn-gateway-vpn-faq.md`); creation "can take 45 minutes or more"
 * (`vpn-gateway/vpn-gateway-about-vpn-gateway-settings.md`).
 */
import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import * as random from "@pulumi/random";
import { DraytekInput, draytekProfile, DraytekProfile, renderDraytekHints } from "../draytek";
import { Lab, onlineVms } from "../lab";
import { NAMESPACE } from "../settings";
import { GENERATED_KEY_LENGTH } from "../vpn";

/** Create/update/delete time allowed for the gateway: twice the 45 minutes Microsoft documents. */
export const GATEWAY_TIMEOUT = "90m";

/** What the VPN declaration gives the stack. */
export interface DeclaredVpn {
  publicIp: network.PublicIPAddress;
  gateway: network.VirtualNetworkGateway;
  localNetworkGateway: network.LocalNetworkGateway;
  connection: network.VirtualNetworkGatewayConnection;
  /** The data the DrayTek hints are rendered from (also used by the offline plan). */
  draytekInput: DraytekInput;
  gatewayPublicIp: pulumi.Output<string | undefined>;
  /** Secret. */
  draytek: pulumi.Output<DraytekProfile>;
  /** Secret. */
  draytekHints: pulumi.Output<string>;
}

/** The router-side input of the hints, from the lab alone (no Azure values). */
export function draytekInputOf(lab: Lab): DraytekInput | undefined {
  const { vpn, onPremises, addressSpace } = lab.settings;
  if (!vpn || !onPremises) return undefined;
  const first = onlineVms(lab)[0];
  return { vpn, addressSpace, onPremises: onPremises.addressSpaces, keepAlive: first ? { ip: first.privateIp, vm: first.name } : undefined, autoShutdown: lab.settings.autoShutdown };
}

/**
 * Declares the VPN. The pre-shared key is the secret config `vpnSharedKey` or, when absent,
 * a `random.RandomPassword` of letters and digits (a subset of what Azure allows); it stays a
 * Pulumi secret end to end. Returns `undefined` when the stack's `vpn` is false.
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

  const publicIp = new network.PublicIPAddress(
    `${base}-vpngw-ip`,
    {
      resourceGroupName: args.resourceGroupName,
      publicIpAddressName: `${base}-vpngw-ip`,
      location: s.location,
      sku: { name: network.PublicIPAddressSkuName.Standard, tier: network.PublicIPAddressSkuTier.Regional },
      publicIPAllocationMethod: network.IPAllocationMethod.Static,
      publicIPAddressVersion: network.IPVersion.IPv4,
      zones: vpn.zones.length > 0 ? vpn.zones : undefined,
    },
    opts,
  );

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
    // After every subnet: ARM refuses a gateway write while the VNet's subnets are being written.
    { ...opts, dependsOn: args.otherSubnets, customTimeouts: { create: GATEWAY_TIMEOUT, update: GATEWAY_TIMEOUT, delete: GATEWAY_TIMEOUT } },
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

  const configuredKey = new pulumi.Config(NAMESPACE).getSecret("vpnSharedKey");
  const sharedKey = pulumi.secret(
    configuredKey ??
      new random.RandomPassword("vpn-shared-key", { length: GENERATED_KEY_LENGTH, special: false, minUpper: 1, minLower: 1, minNumeric: 1 }, opts).result,
  );

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
    opts,
  );

  const gatewayPublicIp = publicIp.ipAddress;
  const draytek = pulumi.secret(
    pulumi.all([gatewayPublicIp, sharedKey]).apply(([ip, key]) => draytekProfile(draytekInput, { gatewayIp: ip, sharedKey: key })),
  );
  return { publicIp, gateway, localNetworkGateway, connection, draytekInput, gatewayPublicIp, draytek, draytekHints: pulumi.secret(draytek.apply(renderDraytekHints)) };
}
