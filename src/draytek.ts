/**
 * What to type into the DrayTek Vigor's LAN-to-LAN profile, derived from the same VPN
 * description the Azure connection is declared from (`vpn.ts`). Pure.
 *
 * Menu and field names come from DrayTek's Vigor user guides (the "VPN and Remote Access"
 * chapter, and the telnet `vpn option` reference of the Vigor2927 User's Guide V2.2, whose
 * parameter descriptions use the web labels). Labels that could not be checked against a
 * manual are listed in `unconfirmed` and marked in the text, rather than guessed silently.
 */
import { Cidr, dottedMask } from "./addresses";
import { AZURE_IKE_SA_LIFETIME_SECONDS, IpsecPolicy, VpnSettings } from "./vpn";

/** Azure DH/PFS group names -> IKE group numbers and their common names (RFC 3526, RFC 5903, RFC 5114). */
const DH_GROUPS: Record<string, { group: number; name: string } | undefined> = {
  DHGroup1: { group: 1, name: "MODP 768" },
  PFS1: { group: 1, name: "MODP 768" },
  DHGroup2: { group: 2, name: "MODP 1024" },
  PFS2: { group: 2, name: "MODP 1024" },
  DHGroup14: { group: 14, name: "MODP 2048" },
  DHGroup2048: { group: 14, name: "MODP 2048" },
  PFS2048: { group: 14, name: "MODP 2048" },
  ECP256: { group: 19, name: "ECP 256" },
  ECP384: { group: 20, name: "ECP 384" },
  DHGroup24: { group: 24, name: "MODP 2048 with 256-bit subgroup" },
  PFS24: { group: 24, name: "MODP 2048 with 256-bit subgroup" },
  None: undefined,
};

/** A network as the router's forms want it: IP and dotted-decimal mask. */
export interface DraytekNetwork {
  cidr: string;
  ip: string;
  mask: string;
}

/** The structured profile (the `draytek` stack output). */
export interface DraytekProfile {
  menu: string;
  profileName: string;
  callDirection: "Dial-Out";
  alwaysOn: true;
  typeOfServer: string;
  ikeVersion: VpnSettings["ikeVersion"];
  serverIpOrHost: string;
  ikeAuthentication: "Pre-Shared Key";
  preSharedKey: string;
  ipsecSecurityMethod: string;
  ikePhase1Mode: "Main mode";
  ikePhase1Proposal: string;
  ikePhase2Proposal: string;
  ikePhase1KeyLifetimeSeconds: number;
  ikePhase2KeyLifetimeSeconds: number;
  perfectForwardSecrecy: string;
  localNetworks: DraytekNetwork[];
  remoteNetworks: DraytekNetwork[];
  pingToKeepAlive?: { ip: string; vm: string };
  tcpMssClamp: number;
  /** The Azure side, for comparison when the tunnel does not come up. */
  azure: { gatewaySku: string; gatewayGeneration: string; ikeVersion: string; policy: IpsecPolicy };
  /** Labels used here that could not be checked against a DrayTek manual. */
  unconfirmed: string[];
}

/** What the profile is derived from: the validated settings' VPN part and networks. */
export interface DraytekInput {
  vpn: VpnSettings;
  /** The lab's address spaces (Azure side): the router's remote networks. */
  addressSpace: readonly Cidr[];
  /** The office LANs: the router's local networks. */
  onPremises: readonly Cidr[];
  /** A lab VM to ping through the tunnel (the first VM in boot order). */
  keepAlive?: { ip: string; vm: string };
}

/** MSS clamp Microsoft recommends on the device (`vpn-gateway/vpn-gateway-about-vpn-devices.md`). */
export const TCP_MSS_CLAMP = 1350;

const network = (c: Cidr): DraytekNetwork => ({ cidr: c.text, ip: c.text.split("/")[0], mask: dottedMask(c) });
const group = (dh: string) => {
  const g = DH_GROUPS[dh];
  return g ? `DH group ${g.group} (${g.name})` : "no DH group";
};
const gcm = (s: string) => s.startsWith("GCMAES");
/** `AES256` -> `AES256`; `GCMAES256` -> `AES256-GCM`. */
const cipher = (s: string) => (gcm(s) ? `AES${s.slice(6)}-GCM` : s === "DES3" ? "3DES" : s);

/**
 * Builds the router profile. `endpoints.gatewayIp` is the gateway's public IP (undefined
 * before `pulumi up`), `endpoints.sharedKey` the text to show for the key (the key itself, or
 * a mask when secrets are not to be shown). Pure; never throws.
 */
export function draytekProfile(input: DraytekInput, endpoints: { gatewayIp?: string; gatewayFqdn?: string; sharedKey: string }): DraytekProfile {
  const { vpn } = input;
  const p = vpn.policy;
  const ipsecAuth = gcm(p.ipsecEncryption) ? "(GCM: integrity built in)" : `with authentication ${p.ipsecIntegrity}`;
  return {
    menu: "VPN and Remote Access >> LAN to LAN",
    profileName: "AzureLab",
    callDirection: "Dial-Out",
    alwaysOn: true,
    typeOfServer: `IPsec Tunnel, ${vpn.ikeVersion}`,
    ikeVersion: vpn.ikeVersion,
    // The gateway IP's DNS name, which a re-created IP keeps, so the profile outlives destroy/up;
    // DrayTek's field takes "Server IP/Host Name for VPN. (such as draytek.com or 123.45.67.89)"
    // (Vigor2927 User's Guide, telnet `vpn option`, parameter dialto).
    serverIpOrHost: endpoints.gatewayFqdn ?? endpoints.gatewayIp ?? "(known after pulumi up: pulumi stack output gatewayFqdn)",
    ikeAuthentication: "Pre-Shared Key",
    preSharedKey: endpoints.sharedKey,
    ipsecSecurityMethod: `High (ESP): ${cipher(p.ipsecEncryption)} ${ipsecAuth}`,
    ikePhase1Mode: "Main mode",
    ikePhase1Proposal: `${cipher(p.ikeEncryption)} / ${p.ikeIntegrity} / ${group(p.dhGroup)}`,
    ikePhase2Proposal: gcm(p.ipsecEncryption) ? cipher(p.ipsecEncryption) : `${cipher(p.ipsecEncryption)} / ${p.ipsecIntegrity}`,
    ikePhase1KeyLifetimeSeconds: AZURE_IKE_SA_LIFETIME_SECONDS,
    ikePhase2KeyLifetimeSeconds: p.saLifeTimeSeconds,
    perfectForwardSecrecy: p.pfsGroup === "None" ? "off" : `on, ${group(p.pfsGroup)}`,
    localNetworks: input.onPremises.map(network),
    remoteNetworks: input.addressSpace.map(network),
    pingToKeepAlive: input.keepAlive,
    tcpMssClamp: TCP_MSS_CLAMP,
    azure: { gatewaySku: vpn.gatewaySku, gatewayGeneration: vpn.gatewayGeneration, ikeVersion: vpn.ikeVersion, policy: p },
    unconfirmed: [
      "Remote Access Control: the exact label of the IPsec service check box",
      "the IKEv1/IKEv2 choice under Type of Server I am calling",
      "the proposal names in the Advanced dialog's drop-downs (they vary with firmware)",
      "where the web interface sets the TCP MSS (the telnet command is `vpn mss`)",
      "the longest Profile Name the router accepts",
    ],
  };
}

/** Renders the profile as the step-by-step text of the `draytekHints` output. Pure. */
export function renderDraytekHints(d: DraytekProfile): string {
  const u = " [label not confirmed]";
  const lines = [
    "DrayTek Vigor: LAN-to-LAN profile for the Azure VPN gateway",
    "Labels follow DrayTek's Vigor user guides; those marked [label not confirmed] could not be checked against a manual: use the nearest label your firmware shows.",
    "",
    "Before you start",
    `  VPN and Remote Access >> Remote Access Control: enable the IPsec VPN service${u}.`,
    "",
    `${d.menu}: open an unused profile.`,
    "1. Common Settings",
    `   Profile Name:                  ${d.profileName}`,
    "   Enable this profile:           ticked",
    `   Call Direction:                ${d.callDirection}`,
    "   Always on:                     ticked",
    d.pingToKeepAlive
      ? `   PING to keep alive:            ticked; Ping to the IP: ${d.pingToKeepAlive.ip} (${d.pingToKeepAlive.vm}, inside the lab)`
      : "   PING to keep alive:            not ticked (the lab has no VM online)",
    "2. Dial-Out Settings",
    `   Type of Server I am calling:   ${d.typeOfServer}${u}`,
    `   Server IP/Host Name for VPN:   ${d.serverIpOrHost}`,
    `   IKE Authentication Method:     ${d.ikeAuthentication}`,
    `   IKE Pre-Shared Key:            ${d.preSharedKey}`,
    `   IPsec Security Method:         ${d.ipsecSecurityMethod}`,
    `   Advanced${u}:`,
    `     IKE phase 1 mode:            ${d.ikePhase1Mode}`,
    `     IKE phase 1 proposal:        ${d.ikePhase1Proposal}`,
    `     IKE phase 2 proposal:        ${d.ikePhase2Proposal}`,
    `     IKE phase 1 key lifetime:    ${d.ikePhase1KeyLifetimeSeconds} s (Azure's fixed IKE SA lifetime)`,
    `     IKE phase 2 key lifetime:    ${d.ikePhase2KeyLifetimeSeconds} s`,
    `     Perfect Forward Secret:      ${d.perfectForwardSecrecy}`,
    "5. TCP/IP Network Settings",
    ...d.remoteNetworks.map((n, i) => `   Remote Network IP / Mask:      ${n.ip} / ${n.mask}${i === 0 ? "" : " (add with More)"}   = Azure ${n.cidr}`),
    ...d.localNetworks.map((n, i) => `   Local Network IP / Mask:       ${n.ip} / ${n.mask}${i === 0 ? "" : " (add with More)"}   = office ${n.cidr}`),
    "   Mode (from first subnet to remote network): Route",
    "",
    "After saving",
    `  Clamp the TCP MSS of VPN traffic to ${d.tcpMssClamp} (Microsoft's advice for Azure tunnels; telnet: vpn mss)${u}.`,
    "  VPN and Remote Access >> Connection Management: the profile should show as connected within a minute.",
    "",
    "The Azure side, for comparison",
    `  Gateway ${d.azure.gatewaySku} (${d.azure.gatewayGeneration}), route-based, ${d.azure.ikeVersion}, one custom policy (Azure offers and accepts only this proposal):`,
    `  IKE ${d.azure.policy.ikeEncryption} + ${d.azure.policy.ikeIntegrity} + ${d.azure.policy.dhGroup}; IPsec ${d.azure.policy.ipsecEncryption} + ${d.azure.policy.ipsecIntegrity} + ${d.azure.policy.pfsGroup}; SA ${d.azure.policy.saLifeTimeSeconds} s / ${d.azure.policy.saDataSizeKilobytes} KB.`,
    "  Lab VMs that use a DNS server of their own need it to forward to 168.63.129.16 to resolve Azure names.",
  ];
  return lines.join("\n") + "\n";
}
