/**
 * What to type into the DrayTek Vigor's LAN-to-LAN profile, derived from the same VPN
 * description the Azure connection is declared from (`vpn.ts`). Pure.
 *
 * Labels: each one the hints use is in {@link LABELS} with the DrayTek manual that confirms it,
 * or `null` where no manual does; those are marked `[label not confirmed]` in the text rather
 * than guessed silently. The confirming manuals are the Vigor2927 and Vigor3912 Series User's
 * Guides, whose telnet command chapters (`vpn option`, `vpn remote`, `vpn mss`) describe each
 * parameter with the web form's label.
 *
 * Decisions, with their sources:
 * - PING to keep alive: never ticked. The only hosts behind the tunnel are the lab's VMs; none is
 *   up whenever the tunnel should be (auto-shutdown deallocates every VM daily, a VM can be stopped
 *   while the gateway stays, and Windows Firewall drops ICMP echo unless a rule allows it), and a
 *   ping that goes unanswered makes the router drop and redial the tunnel. "Always on" already
 *   redials a dropped tunnel. The first VM is named instead as the host to test the tunnel with.
 * - Traffic selectors: a LAN-to-LAN profile proposes its local x remote networks (policy-based
 *   selectors). Over IKEv2, an Azure gateway "accepts any traffic selectors proposed by a remote
 *   gateway" (learn.microsoft.com/azure/vpn-gateway/custom-traffic-selectors), so the connection
 *   keeps `usePolicyBasedTrafficSelectors: false` and the router initiates (Dial-Out, Always on).
 *   Over IKEv1 Microsoft supports such a device only through `usePolicyBasedTrafficSelectors`, which
 *   needs the device to "support IKEv2" (learn.microsoft.com/azure/vpn-gateway/
 *   vpn-gateway-connect-multiple-policybased-rm-ps, "Azure support for policy-based VPN"):
 *   so IKEv1 is accepted with a warning (settings) and a caution here, not declared differently.
 * - TCP MSS: Microsoft asks for 1350 on the device (https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-about-vpn-devices);
 *   the router sets it with `vpn mss set 3 1350` (type 3 = IPsec, for every IPsec tunnel; default
 *   1360, range 1-1381: Vigor2927 User's Guide, telnet `vpn mss`).
 */
import { Cidr, dottedMask } from "../input/addresses";
import { AZURE_IKE_SA_LIFETIME_SECONDS, IKE_GROUP_NUMBERS, IpsecPolicy, VpnSettings } from "../input/vpn";

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

const dhGroupNumber = (name: string): number | undefined => IKE_GROUP_NUMBERS[name];

const V2927 = "DrayTek Vigor2927 Series User's Guide, telnet commands";
const V3912 = "DrayTek Vigor3912 Series User's Guide, telnet commands";

/**
 * Every label the hints use, with the manual (name, section) that confirms it; `null`: no manual
 * confirms it (printed with `[label not confirmed]`).
 */
export const LABELS = {
  remoteAccessControl: { text: "VPN and Remote Access >> Remote Access Control", source: `${V2927}, \`vpn remote\` (also ${V3912})` },
  ipsecService: { text: "Enable IPsec VPN Service", source: null },
  lanToLan: { text: "VPN and Remote Access >> LAN to LAN", source: `${V2927}, \`vpn option\` (the LAN-to-LAN profile; also ${V3912})` },
  profileName: { text: "Profile Name", source: null },
  enable: { text: "Enable this profile", source: `${V2927}, \`vpn option\`` },
  callDirection: { text: "Call Direction", source: `${V2927}, \`vpn option\`` },
  alwaysOn: { text: "Always on", source: `${V2927}, \`vpn option\`` },
  pingToKeepAlive: { text: "PING to keep alive", source: `${V2927}, \`vpn option\`` },
  typeOfServer: { text: "Type of Server I am calling", source: `${V2927}, \`vpn option\` (IPsec Tunnel)` },
  ikeVersionChoice: { text: "IKE version", source: null },
  serverIpOrHost: { text: "Server IP/Host Name for VPN", source: `${V2927}, \`vpn option\` ("such as draytek.com or 123.45.67.89")` },
  ikeAuthentication: { text: "IKE Authentication Method", source: `${V2927}, \`vpn option\` (Pre-Shared Key)` },
  preSharedKey: { text: "IKE Pre-Shared Key", source: `${V2927}, \`vpn option\` (IKE Authentication Method: Pre-Shared Key)` },
  ipsecSecurityMethod: { text: "IPsec Security Method", source: null },
  advanced: { text: "Advanced", source: null },
  ikePhase1Mode: { text: "IKE phase 1 mode", source: `${V2927}, \`vpn option\` (IKEv1 only)` },
  ikePhase1Proposal: { text: "IKE phase 1 proposal", source: null },
  ikePhase2Proposal: { text: "IKE phase 2 proposal", source: null },
  ikePhase1Lifetime: { text: "IKE phase 1 key lifetime", source: `${V2927}, \`vpn option\`` },
  ikePhase2Lifetime: { text: "IKE phase 2 key lifetime", source: `${V2927}, \`vpn option\`` },
  pfs: { text: "Perfect Forward Secret", source: `${V2927}, \`vpn option\` (on/off; no group of its own)` },
  remoteNetwork: { text: "Remote Network IP / Mask", source: `${V2927}, \`vpn option\`` },
  localNetwork: { text: "Local Network IP / Mask", source: `${V2927}, \`vpn option\`` },
  more: { text: "More", source: null },
  mode: { text: "Mode", source: `${V2927}, \`vpn option\` (Route)` },
  mss: { text: "vpn mss set 3 1350", source: `${V2927}, \`vpn mss\` (type 3 = IPsec; default 1360, range 1-1381)` },
  connectionManagement: { text: "VPN and Remote Access >> Connection Management", source: null },
} as const satisfies Record<string, { text: string; source: string | null }>;

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
  /** IKEv1 only: IKEv2 has no main/aggressive mode. */
  ikePhase1Mode?: "Main mode";
  ikePhase1Proposal: string;
  ikePhase2Proposal: string;
  ikePhase1KeyLifetimeSeconds: number;
  ikePhase2KeyLifetimeSeconds: number;
  perfectForwardSecrecy: string;
  localNetworks: DraytekNetwork[];
  remoteNetworks: DraytekNetwork[];
  /** Every office x Azure network pair the profile proposes (one IPsec SA each). */
  trafficSelectors: { local: string; remote: string }[];
  /** Never ticked; `why` says why for this lab. */
  pingToKeepAlive: { ticked: false; why: string };
  /** A lab VM to ping from an office PC to test the tunnel, when one is online. */
  testFromOffice?: { ip: string; vm: string };
  tcpMssClamp: number;
  /** The telnet command that sets the clamp (global for all IPsec tunnels). */
  tcpMssCommand: string;
  /** What the router may not do as Azure expects, in words (empty when nothing). */
  cautions: string[];
  /** The Azure side, for comparison when the tunnel does not come up. */
  azure: { gatewaySku: string; gatewayGeneration: string; ikeVersion: string; policy: IpsecPolicy };
  /** Labels used here that no DrayTek manual confirms (marked in the text). */
  unconfirmed: string[];
}

/** What the profile is derived from: the validated settings' VPN part and networks. */
export interface DraytekInput {
  vpn: VpnSettings;
  /** The lab's address spaces (Azure side): the router's remote networks. */
  addressSpace: readonly Cidr[];
  /** The office LANs: the router's local networks. */
  onPremises: readonly Cidr[];
  /** The first VM in boot order. Not a keep-alive target (see the module comment): the hints
   * name it as the host to test the tunnel with. */
  keepAlive?: { ip: string; vm: string };
  /** The stack's `autoShutdown`, when set: the VMs are deallocated daily at `time` (HHmm). */
  autoShutdown?: { time: string; timeZone: string };
  /** The LAN-to-LAN profile's name, {@link draytekProfileName} of the stack; default {@link DEFAULT_PROFILE_NAME}. */
  profileName?: string;
}

/** The profile name of a lab whose stack name is unknown. */
export const DEFAULT_PROFILE_NAME = "AzureLab";

/**
 * Longest profile name the hints propose. No DrayTek manual we could find states the length the
 * Profile Name field takes (the label itself is unconfirmed, see {@link LABELS}); 10 characters
 * is kept as a conservative guess, so a longer name is cut rather than refused by the router.
 */
export const PROFILE_NAME_MAX_LENGTH = 10;

/**
 * The LAN-to-LAN profile name of a stack: `Az` + the stack name with its first letter upper-cased
 * and anything but letters, digits, `-` and `_` left out, cut to {@link PROFILE_NAME_MAX_LENGTH}
 * characters (`oxford` -> `AzOxford`, `training` -> `AzTraining`). Derived from the stack alone,
 * so a lab keeps its profile name whichever other labs share the router; labs behind the same
 * router thus get distinct names unless two stack names agree in their first 8 characters (the
 * multi-lab plan warns then). Pure.
 */
export function draytekProfileName(stackName: string): string {
  const clean = stackName.replace(/[^A-Za-z0-9_-]/g, "");
  if (clean === "") return DEFAULT_PROFILE_NAME;
  return `Az${clean[0].toUpperCase()}${clean.slice(1)}`.slice(0, PROFILE_NAME_MAX_LENGTH);
}

/** MSS clamp Microsoft recommends on the device (https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-about-vpn-devices). */
export const TCP_MSS_CLAMP = 1350;

const network = (c: Cidr): DraytekNetwork => ({ cidr: c.text, ip: c.text.split("/")[0], mask: dottedMask(c) });
const group = (dh: string) => {
  const g = DH_GROUPS[dh];
  return g ? `DH group ${g.group} (${g.name})` : "no DH group";
};
const gcm = (s: string) => s.startsWith("GCMAES");
/** `AES256` -> `AES256`; `GCMAES256` -> `AES256-GCM`. */
const cipher = (s: string) => (gcm(s) ? `AES${s.slice(6)}-GCM` : s === "DES3" ? "3DES" : s);

/** Why the keep-alive ping stays off, for this lab. */
function keepAliveWhy(input: DraytekInput): string {
  if (input.autoShutdown) {
    return `auto-shutdown deallocates every lab VM daily at ${input.autoShutdown.time} (${input.autoShutdown.timeZone}); a ping target that is down makes the router redial all night`;
  }
  return "no host behind the tunnel is sure to answer whenever the tunnel is up (a VM can be stopped while the gateway stays; Windows Firewall drops ping unless allowed), and an unanswered ping makes the router redial; Always on already redials a dropped tunnel";
}

/**
 * Builds the router profile. `endpoints.gatewayIp` is the gateway's public IP (undefined
 * before `pulumi up`), `endpoints.sharedKey` the text to show for the key (the key itself, or
 * a mask when secrets are not to be shown). Pure; never throws.
 */
export function draytekProfile(input: DraytekInput, endpoints: { gatewayIp?: string; gatewayFqdn?: string; sharedKey: string }): DraytekProfile {
  const { vpn } = input;
  const p = vpn.policy;
  const ipsecAuth = gcm(p.ipsecEncryption) ? "(GCM: integrity built in)" : `with authentication ${p.ipsecIntegrity}`;
  const trafficSelectors = input.onPremises.flatMap((local) => input.addressSpace.map((remote) => ({ local: local.text, remote: remote.text })));
  const cautions: string[] = [];
  if (vpn.ikeVersion === "IKEv1") {
    cautions.push(
      "IKEv1: this profile proposes its local and remote networks (policy-based traffic selectors); Microsoft supports such a device only over IKEv2 (usePolicyBasedTrafficSelectors), so with IKEv1 phase 2 may be refused. Use IKEv2 unless the firmware has none.",
    );
  }
  if (trafficSelectors.length > 1) {
    cautions.push(
      `${trafficSelectors.length} network pairs: put the first office and Azure networks in the fields below and the others with More, or make one profile per pair. Over IKEv2 Azure accepts each pair the router proposes.`,
    );
  }
  return {
    menu: LABELS.lanToLan.text,
    profileName: input.profileName ?? DEFAULT_PROFILE_NAME,
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
    ...(vpn.ikeVersion === "IKEv1" ? { ikePhase1Mode: "Main mode" as const } : {}),
    ikePhase1Proposal: `${cipher(p.ikeEncryption)} / ${p.ikeIntegrity} / ${group(p.dhGroup)}`,
    ikePhase2Proposal: gcm(p.ipsecEncryption) ? cipher(p.ipsecEncryption) : `${cipher(p.ipsecEncryption)} / ${p.ipsecIntegrity}`,
    ikePhase1KeyLifetimeSeconds: AZURE_IKE_SA_LIFETIME_SECONDS,
    ikePhase2KeyLifetimeSeconds: p.saLifeTimeSeconds,
    perfectForwardSecrecy:
      p.pfsGroup === "None"
        ? "off"
        : dhGroupNumber(p.pfsGroup) === dhGroupNumber(p.dhGroup)
          ? `on (the router reuses its phase 1 group, ${group(p.pfsGroup)}, as Azure's ${p.pfsGroup})`
          : `on, but Azure wants ${group(p.pfsGroup)} and the router can only reuse its phase 1 group (${group(p.dhGroup)}): see the warning on ipsecPolicy.pfsGroup`,
    localNetworks: input.onPremises.map(network),
    remoteNetworks: input.addressSpace.map(network),
    trafficSelectors,
    pingToKeepAlive: { ticked: false, why: keepAliveWhy(input) },
    ...(input.keepAlive ? { testFromOffice: input.keepAlive } : {}),
    tcpMssClamp: TCP_MSS_CLAMP,
    tcpMssCommand: `vpn mss set 3 ${TCP_MSS_CLAMP}`,
    cautions,
    azure: { gatewaySku: vpn.gatewaySku, gatewayGeneration: vpn.gatewayGeneration, ikeVersion: vpn.ikeVersion, policy: p },
    unconfirmed: Object.values(LABELS).filter((l) => l.source === null).map((l) => l.text),
  };
}

/** A label as printed: its text, marked when no manual confirms it. */
function label(l: { text: string; source: string | null }): string {
  return l.source === null ? `${l.text} [label not confirmed]` : l.text;
}

/** `name:` padded to the column the values start in. */
const field = (name: string, width = 31) => (name.length + 1 >= width ? `${name}: ` : `${name}:`.padEnd(width));

/** Renders the profile as the step-by-step text of the `draytekHints` output. Pure. */
export function renderDraytekHints(d: DraytekProfile): string {
  const L = LABELS;
  const more = (i: number) => (i === 0 ? "" : ` (add with ${label(L.more)})`);
  const lines = [
    "DrayTek Vigor: LAN-to-LAN profile for the Azure VPN gateway",
    "Labels follow DrayTek's Vigor2927/3912 user guides; those marked [label not confirmed] are in no manual: use the nearest label your firmware shows.",
    "",
    "Before you start",
    `  ${L.remoteAccessControl.text}: tick ${label(L.ipsecService)},`,
    "  or by telnet: vpn remote IPsec on (the change takes effect after a restart of the router).",
    ...d.cautions.map((c) => `  Note: ${c}`),
    "",
    `${d.menu}: open an unused profile.`,
    "1. Common Settings",
    `   ${field(label(L.profileName))}${d.profileName}`,
    `   ${field(L.enable.text)}ticked`,
    `   ${field(L.callDirection.text)}${d.callDirection}`,
    `   ${field(L.alwaysOn.text)}ticked`,
    `   ${field(L.pingToKeepAlive.text)}not ticked: ${d.pingToKeepAlive.why}`,
    "2. Dial-Out Settings",
    `   ${field(L.typeOfServer.text)}IPsec Tunnel; ${label(L.ikeVersionChoice)}: ${d.ikeVersion}`,
    `   ${field(L.serverIpOrHost.text)}${d.serverIpOrHost}`,
    `   ${field(L.ikeAuthentication.text)}${d.ikeAuthentication}`,
    `   ${field(L.preSharedKey.text)}${d.preSharedKey}`,
    `   ${field(label(L.ipsecSecurityMethod))}${d.ipsecSecurityMethod}`,
    `   ${label(L.advanced)}:`,
    ...(d.ikePhase1Mode ? [`     ${field(L.ikePhase1Mode.text, 29)}${d.ikePhase1Mode}`] : []),
    `     ${field(label(L.ikePhase1Proposal), 29)}${d.ikePhase1Proposal}`,
    `     ${field(label(L.ikePhase2Proposal), 29)}${d.ikePhase2Proposal}`,
    `     ${field(L.ikePhase1Lifetime.text, 29)}${d.ikePhase1KeyLifetimeSeconds} s (Azure's fixed IKE SA lifetime)`,
    `     ${field(L.ikePhase2Lifetime.text, 29)}${d.ikePhase2KeyLifetimeSeconds} s`,
    `     ${field(L.pfs.text, 29)}${d.perfectForwardSecrecy}`,
    "5. TCP/IP Network Settings",
    ...d.remoteNetworks.map((n, i) => `   ${field(L.remoteNetwork.text)}${n.ip} / ${n.mask}${more(i)}   = Azure ${n.cidr}`),
    ...d.localNetworks.map((n, i) => `   ${field(L.localNetwork.text)}${n.ip} / ${n.mask}${more(i)}   = office ${n.cidr}`),
    `   ${L.mode.text} (from first subnet to remote network): Route`,
    ...(d.trafficSelectors.length > 1
      ? ["   Network pairs the profile proposes (office <-> Azure):", ...d.trafficSelectors.map((t) => `     ${t.local} <-> ${t.remote}`)]
      : []),
    "",
    "After saving",
    `  Clamp the TCP MSS to ${d.tcpMssClamp} (Microsoft's value for Azure tunnels), by telnet: ${d.tcpMssCommand}`,
    "  (type 3 = IPsec; it applies to every IPsec tunnel on the router, not only this profile; vpn mss show displays it).",
    `  ${label(L.connectionManagement)}: the profile should show as connected within a minute.`,
    ...(d.testFromOffice ? [`  Test from an office PC once the lab runs: ping ${d.testFromOffice.ip} (${d.testFromOffice.vm}; Windows Firewall must allow ICMP echo).`] : []),
    "",
    "The Azure side, for comparison",
    `  Gateway ${d.azure.gatewaySku} (${d.azure.gatewayGeneration}), route-based, ${d.azure.ikeVersion}, one custom policy (Azure offers and accepts only this proposal):`,
    `  IKE ${d.azure.policy.ikeEncryption} + ${d.azure.policy.ikeIntegrity} + ${d.azure.policy.dhGroup}; IPsec ${d.azure.policy.ipsecEncryption} + ${d.azure.policy.ipsecIntegrity} + ${d.azure.policy.pfsGroup}; SA ${d.azure.policy.saLifeTimeSeconds} s / ${d.azure.policy.saDataSizeKilobytes} KB.`,
    "  Lab VMs that use a DNS server of their own need it to forward to 168.63.129.16 to resolve Azure names.",
  ];
  return lines.join("\n") + "\n";
}

/** One office router and the LAN-to-LAN profiles it needs: one per lab behind it. */
export interface RouterProfiles {
  /** The router's WAN address or DNS name (`onPremises.publicIp` or `fqdn`). */
  router: string;
  profiles: { stackFile: string; profileName: string; serverIpOrHost: string; localNetworks: string[]; remoteNetworks: string[] }[];
}

/**
 * Groups the labs' DrayTek profiles by office router (`router`: the lab's `onPremises.publicIp` or
 * `fqdn`), in the labs' order: what each router needs, one LAN-to-LAN profile per lab. Pure.
 */
export function routerProfiles(labs: readonly { stackFile: string; router: string; profile: DraytekProfile }[]): RouterProfiles[] {
  const routers: RouterProfiles[] = [];
  for (const lab of labs) {
    let entry = routers.find((r) => r.router === lab.router);
    if (!entry) routers.push((entry = { router: lab.router, profiles: [] }));
    entry.profiles.push({
      stackFile: lab.stackFile,
      profileName: lab.profile.profileName,
      serverIpOrHost: lab.profile.serverIpOrHost,
      localNetworks: lab.profile.localNetworks.map((n) => n.cidr),
      remoteNetworks: lab.profile.remoteNetworks.map((n) => n.cidr),
    });
  }
  return routers;
}

/** The routers' profile lists as text, for the multi-lab plan. Pure. */
export function renderRouterProfiles(routers: readonly RouterProfiles[]): string[] {
  return routers.flatMap((r) => [
    `DrayTek ${r.router}: ${r.profiles.length} LAN-to-LAN profile${r.profiles.length === 1 ? "" : "s"} (${LABELS.lanToLan.text}, one per lab; each lab's hints above give every field):`,
    ...r.profiles.map((p) => `  ${p.profileName.padEnd(PROFILE_NAME_MAX_LENGTH)}  ${p.stackFile}: dials ${p.serverIpOrHost}; office ${p.localNetworks.join(", ")} <-> Azure ${p.remoteNetworks.join(", ")}`),
    `  The TCP MSS clamp (vpn mss set 3 ${TCP_MSS_CLAMP}) is one setting for every IPsec tunnel of the router: set it once.`,
  ]);
}
