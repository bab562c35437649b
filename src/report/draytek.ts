/**
 * What to type into the DrayTek Vigor's LAN-to-LAN profile, derived from the same VPN
 * description the Azure connection is declared from (`vpn.ts`). Pure.
 *
 * Labels: each one the hints use is in {@link LABELS}, tied to the row of `draytekFacts.ts`
 * ({@link FACTS}) that says where DrayTek writes it: the telnet chapters of the Vigor2927 (V2.2)
 * and Vigor3912 (V1.01) Series User's Guides, which describe each parameter with the web form's
 * words, or (menus) the captured web UI. A label no DrayTek source shows is marked
 * `[label not confirmed; ...]` with the nearest wording the manuals do have.
 *
 * Decisions, with their sources:
 * - PING to keep alive: never ticked. Its only targets would be the lab's VMs, and none is sure to
 *   answer whenever the tunnel is up (auto-shutdown deallocates every VM daily, a VM can be stopped
 *   while the gateway stays, and Windows Firewall drops ICMP echo unless a rule allows it). What the
 *   router does when the ping goes unanswered is not documented (`vpn option palive`: "-1 - disable
 *   the function"); "Always on" (`idle=-1`, "always on for dial-out") keeps the profile dialled
 *   without it. The first VM is named instead as the host to test the tunnel with.
 * - Traffic selectors: a LAN-to-LAN profile proposes its local x remote networks (policy-based
 *   selectors; DrayTek does not use the term). Over IKEv2, an Azure gateway "accepts any traffic
 *   selectors proposed by a remote gateway" (learn.microsoft.com/azure/vpn-gateway/custom-traffic-selectors),
 *   so the connection keeps `usePolicyBasedTrafficSelectors: false` and the router initiates
 *   (Dial-Out, Always on). Over IKEv1 Microsoft supports such a device only through
 *   `usePolicyBasedTrafficSelectors`, which needs the device to "support IKEv2" (learn.microsoft.com/azure/vpn-gateway/
 *   vpn-gateway-connect-multiple-policybased-rm-ps, "Azure support for policy-based VPN"):
 *   so IKEv1 is accepted with a warning (settings) and a caution here, not declared differently.
 * - Peer: the gateway's IP always works; its DNS name survives `pulumi destroy` + `pulumi up`, but
 *   no source shows that Azure publishes the label of a VPN gateway's IP, nor that the router
 *   re-resolves a name when it redials. So the hints give the IP, and the name as the preferred
 *   form once `nslookup` shows it resolving to that IP.
 * - TCP MSS: Microsoft asks for 1350 on the device (https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-about-vpn-devices);
 *   the router sets it with `vpn mss set 3 1350` (type 3 = IPsec, for every IPsec tunnel; default
 *   1360; range 1-1381 on the Vigor2927, 512-1381 on the Vigor3912: 1350 fits both).
 */
import { Cidr, dottedMask } from "../input/addresses";
import { AZURE_IKE_SA_LIFETIME_SECONDS, IKE_GROUP_NUMBERS, IpsecPolicy, VpnSettings } from "../input/stack/vpn";
import { DraytekFact, FACTS, FactId, IPSEC_MSS_RANGE, citation } from "./draytekFacts";

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

/** A label of the hints: its text, the fact that says where DrayTek writes it, and, when the
 * fact does not confirm the words, the nearest wording DrayTek documents. */
export interface DraytekLabel {
  text: string;
  fact: FactId;
  nearest?: string;
}

/**
 * Every label the hints use, each with its row of {@link FACTS}. A label whose fact's verdict is
 * not `confirmed` is printed with `[label not confirmed; nearest: ...]`.
 */
export const LABELS = {
  remoteAccessControl: { text: "VPN and Remote Access >> Remote Access Control", fact: "remoteAccessControlMenu" },
  ipsecService: { text: "Enable IPsec VPN Service", fact: "ipsecServiceLabel", nearest: "by telnet vpn remote IPsec on" },
  lanToLan: { text: "VPN and Remote Access >> LAN to LAN", fact: "lanToLanMenu" },
  profileName: { text: "Profile Name", fact: "profileName" },
  enable: { text: "Enable this profile", fact: "enable", nearest: "\"enable or disable the profile\", vpn option ena" },
  callDirection: { text: "Call Direction", fact: "callDirection" },
  alwaysOn: { text: "Always on", fact: "alwaysOn" },
  pingToKeepAlive: { text: "PING to keep alive", fact: "pingToKeepAlive" },
  typeOfServer: { text: "Type of Server I am calling", fact: "typeOfServer" },
  ikeVersionChoice: { text: "IKE version", fact: "ikeVersion", nearest: "none, no DrayTek command sets it" },
  serverIpOrHost: { text: "Server IP/Host Name for VPN", fact: "serverIpOrHost" },
  ikeAuthentication: { text: "IKE Authentication Method", fact: "ikeAuthentication" },
  preSharedKey: { text: "IKE Pre-Shared Key", fact: "preSharedKey" },
  ipsecSecurityMethod: { text: "IPSec Security Method", fact: "ipsecSecurityMethod" },
  advanced: { text: "Advanced", fact: "advanced", nearest: "\"advanced parameters\", vpn l2lset" },
  ikePhase1Mode: { text: "IKE phase 1 mode", fact: "ikePhase1Mode" },
  ikePhase1Proposal: { text: "IKE phase 1 proposal", fact: "ikePhase1Proposal", nearest: "\"choose proposal for main mode\", vpn l2lset main" },
  ikePhase2Proposal: { text: "IKE phase 2 proposal", fact: "ikePhase2Proposal", nearest: "IPSec Security Method" },
  ikePhase1Lifetime: { text: "IKE phase 1 key lifetime", fact: "lifetimes", nearest: "\"lifetime value (in second) for phase 1\", vpn l2lset phase1" },
  ikePhase2Lifetime: { text: "IKE phase 2 key lifetime", fact: "lifetimes", nearest: "\"lifetime value (in second) for ... phase 2\", vpn l2lset phase2" },
  pfs: { text: "Perfect Forward Secret", fact: "pfs" },
  remoteNetwork: { text: "Remote Network IP / Mask", fact: "remoteNetwork" },
  localNetwork: { text: "Local Network IP / Mask", fact: "localNetwork" },
  more: { text: "More", fact: "more", nearest: "by telnet vpn mroute N add, or addmsa on a Vigor3912" },
  mode: { text: "From first subnet to remote network, you have to do", fact: "mode" },
  defaultRoute: { text: "Change default route to this VPN tunnel", fact: "defaultRoute" },
  netbios: { text: "NetBios Naming Packet", fact: "netbios" },
  connectionManagement: { text: "VPN and Remote Access >> Connection Management", fact: "connectionManagementMenu" },
} as const satisfies Record<string, DraytekLabel>;

/** Whether DrayTek's sources confirm a label's words (its fact's verdict). */
export function labelConfirmed(l: DraytekLabel): boolean {
  return FACTS[l.fact].verdict === "confirmed";
}

/** Where a label is written: the command, pages and sources of its fact. */
export function labelSource(l: DraytekLabel): string {
  return citation(l.fact);
}

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
  /** The preferred peer once confirmed: the gateway's DNS name (else its IP, else a placeholder). */
  serverIpOrHost: string;
  /** The gateway's two addresses: the IP (undefined before `pulumi up`), which always works, and
   * the DNS name, preferred once a user sees it resolve to that IP (it outlives destroy + up). */
  peer: { ip?: string; fqdn?: string; ipCommand: string };
  ikeAuthentication: "Pre-Shared Key";
  /** The key, or the text shown instead of it (see `preSharedKeyShown`). */
  preSharedKey: string;
  /** Whether `preSharedKey` is the key itself (false: a mask or a note). */
  preSharedKeyShown: boolean;
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
  /** Labels used here that no DrayTek source confirms (marked in the text). */
  unconfirmed: string[];
  /** The stack's name, for the `pulumi stack output --stack` commands printed (when known). */
  stackName?: string;
  /** The LAN-to-LAN profile index (`exchange-lab:draytekProfileIndex`); unset, the script leaves it to fill in. */
  profileIndex?: number;
  /** The telnet/SSH script for the profile (`draytekCli.ts`); set by the callers that render it. */
  cliScript?: string;
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
  /** The stack's name, for the `pulumi stack output --stack NAME` commands the hints print. */
  stackName?: string;
}

/** The profile name of a lab whose stack name is unknown. */
export const DEFAULT_PROFILE_NAME = "AzureLab";

/**
 * Longest profile name the hints propose. Neither telnet chapter states the length `pname` takes
 * ({@link FACTS}.profileNameLength); a 2011 reverse-engineered config parser of older Vigor models
 * (https://github.com/ammonium/draytools/) stores it in 10 bytes, so 10 characters is kept as a
 * conservative guess: a longer name is cut rather than refused by the router.
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

/** MSS clamp Microsoft recommends on the device (https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-about-vpn-devices);
 * within the IPsec range of both manuals ({@link IPSEC_MSS_RANGE}: 1-1381 Vigor2927, 512-1381 Vigor3912). */
export const TCP_MSS_CLAMP = 1350;

const network = (c: Cidr): DraytekNetwork => ({ cidr: c.text, ip: c.text.split("/")[0], mask: dottedMask(c) });
const group = (dh: string) => {
  const g = DH_GROUPS[dh];
  return g ? `DH group ${g.group} (${g.name})` : "no DH group";
};
const gcm = (s: string) => s.startsWith("GCMAES");
/** `AES256` -> `AES256`; `GCMAES256` -> `AES256-GCM`. */
const cipher = (s: string) => (gcm(s) ? `AES${s.slice(6)}-GCM` : s === "DES3" ? "3DES" : s);

/** Why the keep-alive ping stays off, for this lab (see the module comment: only what the sources support). */
function keepAliveWhy(input: DraytekInput): string {
  const unanswered = "what the router does when the ping goes unanswered is not documented, and Always on keeps the profile dialled without it";
  if (input.autoShutdown) {
    return `its only targets are lab VMs, and auto-shutdown deallocates every one daily at ${input.autoShutdown.time} (${input.autoShutdown.timeZone}), so the ping would go unanswered; ${unanswered}`;
  }
  return `no host behind the tunnel is sure to answer whenever the tunnel is up (a VM can be stopped while the gateway stays; Windows Firewall drops ping unless allowed); ${unanswered}`;
}

/** Azure's integrity name in the words of `vpn option ometh` ("auto/sha1/Sha2"; the Vigor3912 adds MD5). */
const hashWords = (integrity: string) => (integrity === "SHA256" ? "SHA2 (Azure's SHA256)" : integrity);

/** PFS as the router has it: on or off only (`vpn l2lset pfs`), with no group of its own to set. */
function pfsText(p: IpsecPolicy): string {
  if (p.pfsGroup === "None") return "off";
  if (dhGroupNumber(p.pfsGroup) === dhGroupNumber(p.dhGroup)) {
    return `on (on/off only: which group the router then uses is not documented; Azure's ${p.pfsGroup} is ${group(p.pfsGroup)}, its phase 1 group)`;
  }
  return `on, but Azure wants ${group(p.pfsGroup)} and the router's PFS is on/off only, with no group to set: see the warning on ipsecPolicy.pfsGroup`;
}

/** What the profile's endpoints are: the gateway's IP and name, and the key or the text shown instead. */
export interface DraytekEndpoints {
  /** The gateway's public IP; undefined before `pulumi up` (and in the offline plan). */
  gatewayIp?: string;
  /** The gateway IP's DNS name; undefined when Azure adds a hash to it (a DNS label scope) and it is not yet known. */
  gatewayFqdn?: string;
  /** The key itself, or the text to show instead (a mask, a note). */
  sharedKey: string;
  /** Whether `sharedKey` is the key itself; default false. */
  sharedKeyShown?: boolean;
}

/**
 * Builds the router profile from the lab's input and the gateway's endpoints (see
 * {@link DraytekEndpoints}). Pure; never throws.
 */
export function draytekProfile(input: DraytekInput, endpoints: DraytekEndpoints): DraytekProfile {
  const { vpn } = input;
  const p = vpn.policy;
  const ipsecAuth = gcm(p.ipsecEncryption) ? "(GCM: integrity built in)" : `with authentication ${hashWords(p.ipsecIntegrity)}`;
  const stackFlag = input.stackName ? ` --stack ${input.stackName}` : "";
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
    ...(vpn.draytekProfileIndex !== undefined ? { profileIndex: vpn.draytekProfileIndex } : {}),
    callDirection: "Dial-Out",
    alwaysOn: true,
    typeOfServer: `IPsec Tunnel, ${vpn.ikeVersion}`,
    ikeVersion: vpn.ikeVersion,
    // DrayTek's field takes "Server IP/Host Name for VPN. (such as draytek.com or 123.45.67.89)"
    // (`vpn option dialto`, FACTS.serverIpOrHost). The name is preferred once it is seen to resolve.
    serverIpOrHost: endpoints.gatewayFqdn ?? endpoints.gatewayIp ?? `(known after pulumi up: pulumi stack output${stackFlag} gatewayPublicIp)`,
    peer: {
      ...(endpoints.gatewayIp ? { ip: endpoints.gatewayIp } : {}),
      ...(endpoints.gatewayFqdn ? { fqdn: endpoints.gatewayFqdn } : {}),
      ipCommand: `pulumi stack output${stackFlag} gatewayPublicIp`,
    },
    ikeAuthentication: "Pre-Shared Key",
    preSharedKey: endpoints.sharedKey,
    preSharedKeyShown: endpoints.sharedKeyShown ?? false,
    ipsecSecurityMethod: `High (ESP): ${cipher(p.ipsecEncryption)} ${ipsecAuth}`,
    ...(vpn.ikeVersion === "IKEv1" ? { ikePhase1Mode: "Main mode" as const } : {}),
    ikePhase1Proposal: `${cipher(p.ikeEncryption)} / ${p.ikeIntegrity} / ${group(p.dhGroup)}`,
    ikePhase2Proposal: gcm(p.ipsecEncryption) ? cipher(p.ipsecEncryption) : `${cipher(p.ipsecEncryption)} / ${p.ipsecIntegrity}`,
    ikePhase1KeyLifetimeSeconds: AZURE_IKE_SA_LIFETIME_SECONDS,
    ikePhase2KeyLifetimeSeconds: p.saLifeTimeSeconds,
    perfectForwardSecrecy: pfsText(p),
    localNetworks: input.onPremises.map(network),
    remoteNetworks: input.addressSpace.map(network),
    trafficSelectors,
    pingToKeepAlive: { ticked: false, why: keepAliveWhy(input) },
    ...(input.keepAlive ? { testFromOffice: input.keepAlive } : {}),
    tcpMssClamp: TCP_MSS_CLAMP,
    tcpMssCommand: `vpn mss set 3 ${TCP_MSS_CLAMP}`,
    cautions,
    azure: { gatewaySku: vpn.gatewaySku, gatewayGeneration: vpn.gatewayGeneration, ikeVersion: vpn.ikeVersion, policy: p },
    unconfirmed: Object.values(LABELS).filter((l) => !labelConfirmed(l)).map((l) => l.text),
    ...(input.stackName ? { stackName: input.stackName } : {}),
  };
}

/** A label as printed: its text, marked with the nearest documented wording when no DrayTek source confirms it. */
export function label(l: DraytekLabel): string {
  if (labelConfirmed(l)) return l.text;
  return l.nearest ? `${l.text} [label not confirmed; nearest: ${l.nearest}]` : `${l.text} [label not confirmed]`;
}

/** `name:` padded to the column the values start in. */
const field = (name: string, width = 31) => (name.length + 1 >= width ? `${name}: ` : `${name}:`.padEnd(width));

/** The peer lines: the IP, which always works, then the name, preferred once it is seen to resolve. */
function peerLines(d: DraytekProfile): string[] {
  const ip = d.peer.ip ? `the gateway's IP, ${d.peer.ip}` : `the gateway's IP (known after pulumi up: ${d.peer.ipCommand})`;
  const indent = " ".repeat(34);
  return [
    `   ${field(LABELS.serverIpOrHost.text)}${ip}`,
    ...(d.peer.fqdn
      ? [`${indent}or its name ${d.peer.fqdn}, preferred once nslookup shows it resolving to that IP: the name stays after pulumi destroy + up, the IP does not (whether the router looks the name up again when it redials is not documented)`]
      : []),
  ];
}

/** `1. Common Settings` and `2. Dial-Out Settings` with the advanced parameters. */
function profileLines(d: DraytekProfile): string[] {
  const L = LABELS;
  return [
    "1. Common Settings",
    `   ${field(label(L.profileName))}${d.profileName}`,
    `   ${field(label(L.enable))}ticked`,
    `   ${field(label(L.callDirection))}${d.callDirection}`,
    `   ${field(label(L.alwaysOn))}ticked`,
    `   ${field(label(L.pingToKeepAlive))}not ticked: ${d.pingToKeepAlive.why}`,
    `   ${field(label(L.netbios))}leave as it is (an unused profile shows Pass; the lab resolves names through DNS)`,
    "2. Dial-Out Settings",
    `   ${field(label(L.typeOfServer))}IPsec Tunnel; ${label(L.ikeVersionChoice)}: ${d.ikeVersion}`,
    ...peerLines(d),
    `   ${field(label(L.ikeAuthentication))}${d.ikeAuthentication}`,
    `   ${field(label(L.preSharedKey))}${d.preSharedKey}`,
    `   ${field(label(L.ipsecSecurityMethod))}${d.ipsecSecurityMethod}`,
    `   ${label(L.advanced)}:`,
    ...(d.ikePhase1Mode ? [`     ${field(label(L.ikePhase1Mode), 29)}${d.ikePhase1Mode}`] : []),
    `     ${field(label(L.ikePhase1Proposal), 29)}${d.ikePhase1Proposal}`,
    `     ${field(label(L.ikePhase2Proposal), 29)}${d.ikePhase2Proposal}`,
    `     ${field(label(L.ikePhase1Lifetime), 29)}${d.ikePhase1KeyLifetimeSeconds} s (Azure's fixed IKE SA lifetime)`,
    `     ${field(label(L.ikePhase2Lifetime), 29)}${d.ikePhase2KeyLifetimeSeconds} s`,
    `     ${field(label(L.pfs), 29)}${d.perfectForwardSecrecy}`,
  ];
}

/** `5. TCP/IP Network Settings`: the networks, the mode, the default route, the pairs. */
function networkLines(d: DraytekProfile): string[] {
  const L = LABELS;
  const more = (i: number) => (i === 0 ? "" : ` (add with ${label(L.more)})`);
  return [
    "5. TCP/IP Network Settings",
    ...d.remoteNetworks.map((n, i) => `   ${field(label(L.remoteNetwork))}${n.ip} / ${n.mask}${more(i)}   = Azure ${n.cidr}`),
    ...d.localNetworks.map((n, i) => `   ${field(label(L.localNetwork))}${n.ip} / ${n.mask}${more(i)}   = office ${n.cidr}`),
    `   ${label(L.mode)}: Route`,
    `   ${label(L.defaultRoute)}: not ticked (the tunnel carries the lab's networks only)`,
    ...(d.trafficSelectors.length > 1
      ? ["   Network pairs the profile proposes (office <-> Azure):", ...d.trafficSelectors.map((t) => `     ${t.local} <-> ${t.remote}`)]
      : []),
  ];
}

/** Renders the profile as the step-by-step text of the `draytekHints` output. Pure. */
export function renderDraytekHints(d: DraytekProfile): string {
  const L = LABELS;
  const [low2927, high] = IPSEC_MSS_RANGE.v2927;
  const low3912 = IPSEC_MSS_RANGE.v3912[0];
  const lines = [
    "DrayTek Vigor: LAN-to-LAN profile for the Azure VPN gateway",
    "Labels follow DrayTek's Vigor2927/3912 user guides; those marked [label not confirmed] are in no DrayTek source (the mark names the nearest wording the manuals have): use the label your firmware shows.",
    "",
    "Before you start",
    `  ${L.remoteAccessControl.text}: tick ${label(L.ipsecService)},`,
    "  or by telnet: vpn remote IPsec on (the change takes effect after a restart of the router).",
    ...d.cautions.map((c) => `  Note: ${c}`),
    "",
    d.profileIndex !== undefined
      ? `${d.menu}: open profile ${d.profileIndex} (exchange-lab:draytekProfileIndex); it must be unused: by telnet, vpn list ${d.profileIndex} all shows "% Profile Name : ???".`
      : `${d.menu}: open an unused profile (its index goes into exchange-lab:draytekProfileIndex, for the telnet script).`,
    ...profileLines(d),
    ...networkLines(d),
    "",
    "After saving",
    `  Clamp the TCP MSS to ${d.tcpMssClamp} (Microsoft's value for Azure tunnels), by telnet: ${d.tcpMssCommand}`,
    `  (type 3 = IPsec; it applies to every IPsec tunnel on the router, not only this profile; the router's default is 1360; ${d.tcpMssClamp} is in the range of both the Vigor2927 (${low2927}-${high}) and the Vigor3912 (${low3912}-${high}); vpn mss show displays it).`,
    "  Multicast packets: leave them blocked, DrayTek's default (by telnet: vpn Multicast set L2l <profile index> Block).",
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
  profiles: {
    stackFile: string;
    profileName: string;
    /** The profile's index on the router (`exchange-lab:draytekProfileIndex`), when set. */
    profileIndex?: number;
    /** The gateway's DNS name (else its IP, else a placeholder): the peer once the name resolves. */
    serverIpOrHost: string;
    /** The gateway's IP, when known: the peer until the name is seen to resolve. */
    gatewayIp?: string;
    /** The gateway's DNS name, when known. */
    gatewayFqdn?: string;
    localNetworks: string[];
    remoteNetworks: string[];
  }[];
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
      ...(lab.profile.profileIndex !== undefined ? { profileIndex: lab.profile.profileIndex } : {}),
      serverIpOrHost: lab.profile.serverIpOrHost,
      ...(lab.profile.peer.ip ? { gatewayIp: lab.profile.peer.ip } : {}),
      ...(lab.profile.peer.fqdn ? { gatewayFqdn: lab.profile.peer.fqdn } : {}),
      localNetworks: lab.profile.localNetworks.map((n) => n.cidr),
      remoteNetworks: lab.profile.remoteNetworks.map((n) => n.cidr),
    });
  }
  return routers;
}

/** The peer in one line: the IP (or where to read it), and the name once it resolves. */
function peerText(p: RouterProfiles["profiles"][number]): string {
  const stack = /(?:^|[/\\])Pulumi\.([^/\\]+)\.ya?ml$/.exec(p.stackFile)?.[1];
  const ip = p.gatewayIp ?? `the gateway's IP (pulumi stack output${stack ? ` --stack ${stack}` : ""} gatewayPublicIp)`;
  return p.gatewayFqdn ? `${ip}, or ${p.gatewayFqdn} once it resolves` : ip;
}

/** The routers' profile lists as text, for the multi-lab plan. Pure. */
export function renderRouterProfiles(routers: readonly RouterProfiles[]): string[] {
  return routers.flatMap((r) => [
    `DrayTek ${r.router}: ${r.profiles.length} LAN-to-LAN profile${r.profiles.length === 1 ? "" : "s"} (${LABELS.lanToLan.text}, one per lab; each lab's hints above give every field):`,
    ...r.profiles.map((p) => `  ${p.profileName.padEnd(PROFILE_NAME_MAX_LENGTH)}  ${p.stackFile}: ${p.profileIndex !== undefined ? `profile ${p.profileIndex}, ` : "no profile index set, "}dials ${peerText(p)}; office ${p.localNetworks.join(", ")} <-> Azure ${p.remoteNetworks.join(", ")}`),
    `  The TCP MSS clamp (vpn mss set 3 ${TCP_MSS_CLAMP}) is one setting for every IPsec tunnel of the router: set it once.`,
    "  The telnet/SSH scripts: npm run plan -- --format draytek-cli (with the same stack choice); each lab's profile index is its exchange-lab:draytekProfileIndex.",
  ]);
}

/**
 * The labels as a Markdown table (label, command, Vigor2927 and Vigor3912 pages, verdict), as
 * `docs/draytek.md` lists them (a test compares the two). Pure.
 */
export function labelTable(): string[] {
  const rows = Object.values(LABELS).map((l: DraytekLabel) => {
    const f: DraytekFact = FACTS[l.fact];
    const verdict = labelConfirmed(l) ? (f.command === "web UI" ? "confirmed (web UI capture)" : "confirmed") : `not confirmed; nearest: ${l.nearest ?? "none"}`;
    return `| ${l.text} | \`${f.command}\` | ${f.pages.v2927 ?? "-"} | ${f.pages.v3912 ?? "-"} | ${verdict} |`;
  });
  return ["| Label | Command | Vigor2927 V2.2 p. | Vigor3912 V1.01 p. | Verdict |", "|---|---|---|---|---|", ...rows];
}
