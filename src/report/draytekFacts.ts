/**
 * What DrayTek's own documents say about each LAN-to-LAN field and telnet command the hints and
 * the telnet script use: one typed row per fact, with the manual, the command, the printed pages
 * and the manual's words. The hints' labels (`LABELS` in `draytek.ts`) and every line of the
 * script (`draytekCli.ts`) cite a row of this table; a test holds the table to the research it
 * was written from. Pure data.
 *
 * Sources (page numbers are the manuals' printed pages):
 * - Vigor2927 Series User's Guide V2.2, Part X Telnet Commands; read in the verbatim transcription
 *   https://github.com/kpeacocke/ansible-collection-draytek/blob/bf29d4e98932317051475f7fc9a2243416870a12/docs/command-reference/draytek-vigor2927-telnet.yaml
 * - Vigor3912 Series User's Guide V1.01 (firmware 4.3.5.1), Part VIII Telnet Commands; read in the
 *   text extract https://github.com/jooservices/vigor3912s-sdk/blob/3ac52f4da75587e6d5496827b19c1fb14279439e/references/cli-reference-raw.txt
 * - DrayTek KB 4923 "Access Vigor Router's CLI by telnet", https://www.draytek.com/support/knowledge-base/4923
 * - The menu titles of the live Vigor3912S web UI (firmware 4.4.7_RC2), captured in
 *   https://github.com/jooservices/vigor3912s-sdk/blob/3ac52f4da75587e6d5496827b19c1fb14279439e/references/webui-index.md
 *
 * Not obtainable: the web-UI chapters ("VPN and Remote Access >> LAN to LAN") of the current
 * manuals. A web label is therefore confirmed only where a telnet chapter quotes it, or (menus)
 * where the web UI capture shows it.
 */

import { DRAYTEK_PROFILE_INDEX_MAX } from "../input/stack/vpn";

/** A source a fact is read in. */
export interface FactSource {
  name: string;
  url: string;
}

/** The sources, by id. */
export const SOURCES = {
  v2927: {
    name: "DrayTek Vigor2927 Series User's Guide V2.2, Part X Telnet Commands",
    url: "https://github.com/kpeacocke/ansible-collection-draytek/blob/bf29d4e98932317051475f7fc9a2243416870a12/docs/command-reference/draytek-vigor2927-telnet.yaml",
  },
  v3912: {
    name: "DrayTek Vigor3912 Series User's Guide V1.01, Part VIII Telnet Commands",
    url: "https://github.com/jooservices/vigor3912s-sdk/blob/3ac52f4da75587e6d5496827b19c1fb14279439e/references/cli-reference-raw.txt",
  },
  kb4923: { name: "DrayTek KB 4923, Access Vigor Router's CLI by telnet", url: "https://www.draytek.com/support/knowledge-base/4923" },
  webUi: {
    name: "Vigor3912S web UI menu titles, firmware 4.4.7_RC2 (third-party capture)",
    url: "https://github.com/jooservices/vigor3912s-sdk/blob/3ac52f4da75587e6d5496827b19c1fb14279439e/references/webui-index.md",
  },
} as const satisfies Record<string, FactSource>;

/**
 * How far a source carries a fact:
 * - `confirmed`: the label's words are the manual's (or, for a menu, the web UI's);
 * - `settingOnly`: the setting is documented, its web label is not (the hints mark the label);
 * - `unknown`: no DrayTek source shows it (the hints mark it).
 */
export type Verdict = "confirmed" | "settingOnly" | "unknown";

/** One fact: where it is written and what it says. */
export interface DraytekFact {
  /** The telnet command (and parameter) it is read at, e.g. `vpn option ena`; `web UI` for a menu. */
  command: string;
  /** Printed pages per manual; absent where that manual was not read for it. */
  pages: { v2927?: string; v3912?: string };
  /** The manual's words (or the web UI's), verbatim where quoted. */
  says: string;
  verdict: Verdict;
  /** Other sources it rests on. */
  also?: readonly (keyof typeof SOURCES)[];
}

/** Every fact the hints and the script rely on. */
export const FACTS = {
  remoteAccessControlMenu: { command: "web UI", pages: {}, says: "VPN and Remote Access >> Remote Access Control", verdict: "confirmed", also: ["webUi"] },
  vpnRemote: {
    command: "vpn remote",
    pages: { v2927: "931", v3912: "770" },
    says: "vpn remote <PPTP/IPsec/L2TP/SSLVPN> <on/off>: enable or disable VPN service; example output: \"Please restart the router!!\"",
    verdict: "confirmed",
  },
  ipsecServiceLabel: { command: "vpn remote", pages: { v2927: "931", v3912: "770" }, says: "no web label is quoted; the command enables or disables the VPN service", verdict: "unknown" },
  lanToLanMenu: { command: "vpn option", pages: { v2927: "926", v3912: "765" }, says: "configure settings for LAN to LAN profile; web UI: VPN and Remote Access >> LAN to LAN", verdict: "confirmed", also: ["webUi"] },
  vpnList: {
    command: "vpn list",
    pages: { v2927: "930-931", v3912: "769-770" },
    says: "vpn list <index> all|com|out|in|net: view LAN to LAN VPN profiles; an unused profile shows \"% Profile Name : ???\"",
    verdict: "confirmed",
  },
  profileName: { command: "vpn option pname", pages: { v2927: "924-931", v3912: "764-765, 768-769" }, says: "It means the name of the profile; vpn list: \"% Profile Name : ???\"", verdict: "confirmed" },
  profileNameLength: { command: "vpn option pname", pages: { v2927: "926-929", v3912: "765" }, says: "no length limit is stated", verdict: "unknown" },
  enable: { command: "vpn option ena", pages: { v2927: "926-931", v3912: "765, 769" }, says: "It means to enable or disable the profile. on - Enable / off - Disable", verdict: "settingOnly" },
  callDirection: { command: "vpn option dir", pages: { v2927: "926-931", v3912: "765, 769" }, says: "It means the call direction. b - Both, o - Dial-Out, i - Dial-In", verdict: "confirmed" },
  alwaysOn: { command: "vpn option idle", pages: { v2927: "926-929", v3912: "765" }, says: "It means Always on and Idle Time out. -1 - it means always on for dial-out", verdict: "confirmed" },
  pingToKeepAlive: {
    command: "vpn option palive",
    pages: { v2927: "926-931", v3912: "765, 769" },
    says: "It means to enable PING to keep alive. -1 - disable the function (what the router does when the ping goes unanswered is not documented)",
    verdict: "confirmed",
  },
  typeOfServer: { command: "vpn option ctype", pages: { v2927: "921-929", v3912: "761, 766" }, says: "It means \"Type of Server I am calling\". ctype=s means IPSec", verdict: "confirmed" },
  ikeVersion: { command: "vpn option / vpn setup / vpn l2lset", pages: { v2927: "919-929", v3912: "758-768" }, says: "no parameter selects IKEv1 or IKEv2", verdict: "unknown" },
  serverIpOrHost: { command: "vpn option dialto", pages: { v2927: "924-929", v3912: "764, 766" }, says: "It means Server IP/Host Name for VPN. (such as draytek.com or 123.45.67.89)", verdict: "confirmed" },
  ikeAuthentication: { command: "vpn dinset prekey", pages: { v2927: "921-924", v3912: "762" }, says: "enable/disable the Pre-Shared Key setting for IKE Authentication Method", verdict: "confirmed" },
  preSharedKey: { command: "vpn option okey", pages: { v2927: "926-929", v3912: "766" }, says: "It means IKE Pre-Shared Key. \"okey=abcd\" means to set IKE Pre-Shared Key = abcd", verdict: "confirmed" },
  ipsecSecurityMethod: {
    command: "vpn option ometh",
    pages: { v2927: "921-931", v3912: "762, 766, 770" },
    says: "It means IPSec Security Method. ometh= espa[1/9/2]/espaa[a/s/S][1/9/2] means ESP AES[128/192/256] without/with Authentication auto/sha1/Sha2",
    verdict: "confirmed",
  },
  advanced: { command: "vpn l2lset", pages: { v2927: "919", v3912: "758" }, says: "This command allows users to set advanced parameters for LAN to LAN function", verdict: "unknown" },
  ikePhase1Mode: { command: "vpn option ikemode", pages: { v2927: "926-931", v3912: "766, 770" }, says: "It means IKE phase 1 mode. ikemode=m, Main mode. ikemode=a, Aggressive mode", verdict: "confirmed" },
  ikePhase1Proposal: {
    command: "vpn l2lset main",
    pages: { v2927: "919", v3912: "758" },
    says: "It means to choose proposal for main mode. <auto>: Choose default proposals. <proposal index>: choose specified proposal (the index list is not documented)",
    verdict: "unknown",
  },
  ikePhase2Proposal: { command: "vpn option ometh", pages: { v2927: "926-929", v3912: "766" }, says: "no phase 2 proposal parameter; phase 2 cipher and hash are the IPSec Security Method", verdict: "unknown" },
  lifetimes: {
    command: "vpn l2lset phase1/phase2",
    pages: { v2927: "919", v3912: "758" },
    says: "It means phase 1 or 2 of IKE. Set the lifetime value (in second) for phase 1 and phase 2",
    verdict: "settingOnly",
  },
  pfs: { command: "vpn l2lset pfs", pages: { v2927: "919", v3912: "758" }, says: "It means \"perfect forward secrete\" (sic). <on/off>: Turn on or off the PFS function (no group parameter)", verdict: "confirmed" },
  remoteNetwork: { command: "vpn option rnip/rnmask", pages: { v2927: "926-929", v3912: "767" }, says: "It means Remote Network IP; It means Remote Network Mask", verdict: "confirmed" },
  localNetwork: { command: "vpn option lnip/lnmask", pages: { v2927: "926-929", v3912: "767-768" }, says: "It means Local Network IP; It means Local Network Mask", verdict: "confirmed" },
  more: {
    command: "vpn mroute",
    pages: { v2927: "929", v3912: "768-769" },
    says: "list, add or delete static routes for a certain LAN to LAN VPN profile; example: vpn mroute 1 add 192.168.5.0/24",
    verdict: "unknown",
  },
  mroute: {
    command: "vpn mroute",
    pages: { v2927: "929-930", v3912: "768-769" },
    says: "vpn mroute <index> add <network ip>/<mask>: list, add or delete static routes for a certain LAN to LAN VPN profile; example: vpn mroute 1 add 192.168.5.0/24",
    verdict: "confirmed",
  },
  mrouteMultipleSa: {
    command: "vpn mroute addmsa",
    pages: { v3912: "768-769" },
    says: "vpn mroute <index> addmsa <local network ip>/<mask> <remote network ip>/<mask>: add an IPsec multiple SA in a route profile (Vigor3912 only)",
    verdict: "confirmed",
  },
  mode: { command: "vpn option mode", pages: { v2927: "926-929", v3912: "768" }, says: "It means the option of \"From first subnet to remote network, you have to do\". mode=r Route mode", verdict: "confirmed" },
  defaultRoute: {
    command: "vpn option droute",
    pages: { v2927: "926-929", v3912: "768" },
    says: "It means to Change default route to this VPN tunnel (Only single WAN supports this). droute=on/off",
    verdict: "confirmed",
  },
  netbios: {
    command: "vpn option nnpkt",
    pages: { v2927: "926-931, 935-936", v3912: "765, 769, 774" },
    says: "It means the NetBios Naming Packet. on - pass the packet, off - block; an unused profile shows \"Netbios Naming Packet : Pass\"",
    verdict: "confirmed",
  },
  multicast: { command: "vpn Multicast set", pages: { v2927: "937", v3912: "761-762, 776" }, says: "vpn Multicast set <H2l/L2l> <index> <Block/Pass>: Set Block/Pass the Multicast Packets. The default is Block.", verdict: "confirmed" },
  mss: {
    command: "vpn mss",
    pages: { v2927: "936", v3912: "775" },
    says: "vpn mss set <connection type> <mss>: 3 - IPSec; default 1360; IPSec - 1 ~ 1381 (Vigor2927), IPSec - 512 ~ 1381 (Vigor3912); vpn mss show",
    verdict: "confirmed",
  },
  connectionManagementMenu: { command: "web UI", pages: {}, says: "VPN and Remote Access >> Connection Management", verdict: "confirmed", also: ["webUi"] },
  sysCommit: { command: "sys commit", pages: { v3912: "726" }, says: "save current settings to FLASH. Usually, current settings will be saved in SRAM (Vigor2927 page not read)", verdict: "confirmed" },
  dialOut: { command: "vpn l2lDialout", pages: { v2927: "921", v3912: "759-760" }, says: "build VPN connection by specifying the index number of dial-out LAN to LAN profile", verdict: "confirmed" },
  profileIndex: { command: "vpn option <index>", pages: { v2927: "926", v3912: "765" }, says: "Available index numbers: 1 ~ 32 (Vigor2927 V2.2); 1 ~ 500 (Vigor3912)", verdict: "confirmed" },
  scripting: { command: "telnet / SSH", pages: {}, says: "helpful when you need to set up routers in bulk, or writing scripts to make the configuring become an automatic process", verdict: "confirmed", also: ["kb4923"] },
} as const satisfies Record<string, DraytekFact>;

/** A fact's id. */
export type FactId = keyof typeof FACTS;

/** `vpn option ena, Vigor2927 p.926-931, Vigor3912 p.765, 769`: where a fact is written. */
export function citation(id: FactId): string {
  const f: DraytekFact = FACTS[id];
  const pages = [f.pages.v2927 ? `Vigor2927 p.${f.pages.v2927}` : "", f.pages.v3912 ? `Vigor3912 p.${f.pages.v3912}` : ""].filter((p) => p !== "");
  const also = (f.also ?? []).map((s) => SOURCES[s].name);
  return [f.command, ...pages, ...also].join(", ");
}

/** Highest LAN-to-LAN profile index per model (`vpn option`, {@link FACTS}.profileIndex); the stack key `draytekProfileIndex` is checked against it. */
export const PROFILE_INDEX_MAX = DRAYTEK_PROFILE_INDEX_MAX;

/** The IPsec MSS range per model (`vpn mss set 3`, {@link FACTS}.mss). */
export const IPSEC_MSS_RANGE = { v2927: [1, 1381], v3912: [512, 1381] } as const;

/**
 * Whether a command token is DrayTek's documented syntax on both models, or read into the
 * manual's words (`inferred`), or documented for one model only: the script prints the last two
 * only as comments. `pattern` matches one whole
 * command line as the script emits it (one `vpn option` parameter per line).
 */
export interface CliSyntax {
  pattern: RegExp;
  /** `vigor3912Only`: documented for the Vigor3912 alone, so printed as a comment too. */
  status: "documented" | "inferred" | "vigor3912Only";
  fact: FactId;
}

/** Every command form the script may print, with its status. */
// `<INDEX>`: the profile index left to fill in when the stack sets no `draytekProfileIndex`
// (draytekCli.ts); the user replaces it with a number before pasting.
export const CLI_SYNTAX: readonly CliSyntax[] = [
  { pattern: /^vpn list (\d+|<INDEX>) (all|com)$/, status: "documented", fact: "vpnList" },
  { pattern: /^vpn option (\d+|<INDEX>) pname=[A-Za-z0-9_-]+$/, status: "documented", fact: "profileName" },
  { pattern: /^vpn option (\d+|<INDEX>) ena=(on|off)$/, status: "documented", fact: "enable" },
  { pattern: /^vpn option (\d+|<INDEX>) dir=[boi]$/, status: "documented", fact: "callDirection" },
  { pattern: /^vpn option (\d+|<INDEX>) idle=-1$/, status: "documented", fact: "alwaysOn" },
  { pattern: /^vpn option (\d+|<INDEX>) palive=-1$/, status: "documented", fact: "pingToKeepAlive" },
  { pattern: /^vpn option (\d+|<INDEX>) ctype=s$/, status: "documented", fact: "typeOfServer" },
  { pattern: /^vpn option (\d+|<INDEX>) dialto=\S+$/, status: "documented", fact: "serverIpOrHost" },
  { pattern: /^vpn option (\d+|<INDEX>) okey=\S+$/, status: "documented", fact: "preSharedKey" },
  { pattern: /^vpn option (\d+|<INDEX>) (lnip|lnmask)=\d+\.\d+\.\d+\.\d+$/, status: "documented", fact: "localNetwork" },
  { pattern: /^vpn option (\d+|<INDEX>) (rnip|rnmask)=\d+\.\d+\.\d+\.\d+$/, status: "documented", fact: "remoteNetwork" },
  { pattern: /^vpn option (\d+|<INDEX>) mode=[rn]$/, status: "documented", fact: "mode" },
  { pattern: /^vpn option (\d+|<INDEX>) droute=(on|off)$/, status: "documented", fact: "defaultRoute" },
  { pattern: /^vpn option (\d+|<INDEX>) ikemode=[ma]$/, status: "documented", fact: "ikePhase1Mode" },
  { pattern: /^vpn l2lset (\d+|<INDEX>) phase[12] \d+$/, status: "documented", fact: "lifetimes" },
  { pattern: /^vpn l2lset (\d+|<INDEX>) pfs (on|off)$/, status: "documented", fact: "pfs" },
  { pattern: /^vpn mroute (\d+|<INDEX>) add \d+\.\d+\.\d+\.\d+\/\d+$/, status: "documented", fact: "mroute" },
  { pattern: /^vpn mss set 3 \d+$/, status: "documented", fact: "mss" },
  { pattern: /^vpn mss show$/, status: "documented", fact: "mss" },
  { pattern: /^sys commit$/, status: "documented", fact: "sysCommit" },
  { pattern: /^vpn l2lDialout (\d+|<INDEX>)$/, status: "documented", fact: "dialOut" },
  // The manual writes the value as "espaa[a/s/S][1/9/2]": one token such as espaaS2, and which
  // SHA-2 size "S" means, are read into it, not written.
  { pattern: /^vpn option (\d+|<INDEX>) ometh=\S+$/, status: "inferred", fact: "ipsecSecurityMethod" },
  // `vpn setup ... ipsec_out <ip>`: "<ip> It means the IP address to dial to"; a host name there is read into it.
  { pattern: /^vpn setup \d+ \S+ ipsec_out /, status: "inferred", fact: "serverIpOrHost" },
  // A Vigor2927's manual has no addmsa.
  { pattern: /^vpn mroute (\d+|<INDEX>) addmsa \S+ \S+$/, status: "vigor3912Only", fact: "mrouteMultipleSa" },
];
