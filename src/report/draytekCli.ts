/**
 * The telnet/SSH script for a lab's DrayTek LAN-to-LAN profile: what the router's documented CLI
 * can set, as commands to paste, and what it cannot, as web steps. DrayTek recommends the CLI "to
 * make the configuring become an automatic process" (KB 4923, https://www.draytek.com/support/knowledge-base/4923).
 * Pure.
 *
 * Rules, each held by a test:
 * - The first line is `vpn list N all`: the user checks that profile N is free before the rest.
 * - Every command line is a form `draytekFacts.ts` marks `documented` on both the Vigor2927 (V2.2)
 *   and the Vigor3912 (V1.01) manuals ({@link CLI_SYNTAX}); one `vpn option` parameter per line
 *   (`vpn option <index> <cmd1>=<param1>`), so each line has one citation. A token that is read
 *   into the manual's words (e.g. the `ometh` value) or documented for one model only is printed as
 *   a comment with the manual's text, never as a command.
 * - The pre-shared key appears only when the profile carries the key itself (`--show-secrets`, or
 *   the stack's secret output); otherwise a placeholder and the command that prints the key.
 * - Lines starting with `#` are notes: DrayTek documents no comment syntax, so they are not to be
 *   pasted.
 */
import { DraytekProfile, LABELS, label } from "./draytek";
import { FACTS, FactId, IPSEC_MSS_RANGE, PROFILE_INDEX_MAX, citation } from "./draytekFacts";

/** One line of the script: a command to paste, or a note (printed after `# `). */
type Line = { command: string } | { note: string };

const cmd = (command: string): Line => ({ command });
const note = (text: string): Line => ({ note: text });
const cite = (id: FactId) => `(${citation(id)})`;

/** What the script is rendered for. */
export interface DraytekCliOptions {
  /** The LAN-to-LAN profile index the user chose (`--draytek-profile N`): 1-32 on a Vigor2927 V2.2, 1-500 on a Vigor3912. */
  index: number;
  /** The stack file the profile belongs to, named in the script's header. */
  stackFile?: string;
}

/** Placeholders the user replaces before pasting. */
export const KEY_PLACEHOLDER = "<PRE_SHARED_KEY>";
export const GATEWAY_IP_PLACEHOLDER = "<GATEWAY_IP>";

/** The header: the index check first, then what the script is and how to read it. */
function headerLines(d: DraytekProfile, o: DraytekCliOptions): Line[] {
  const n = o.index;
  const beyond2927 = n > PROFILE_INDEX_MAX.v2927 ? [note(`Profile ${n} exists on a Vigor3912 (1~${PROFILE_INDEX_MAX.v3912}), not on a Vigor2927 V2.2 (1~${PROFILE_INDEX_MAX.v2927}) ${cite("profileIndex")}.`)] : [];
  const stack = d.stackName ? ` --stack ${d.stackName}` : "";
  return [
    cmd(`vpn list ${n} all`),
    note(`^ Paste this first line alone: profile ${n} is free when it shows "% Profile Name : ???" ${cite("vpnList")}.`),
    note(`  If it shows another name, stop and choose a free index: npm run plan --${stack} --format draytek-cli --draytek-profile N`),
    ...beyond2927,
    note(`DrayTek LAN-to-LAN profile ${n} "${d.profileName}" to the Azure VPN gateway${o.stackFile ? ` of ${o.stackFile}` : ""}, by telnet or SSH.`),
    note("Only syntax documented in both the Vigor2927 Series User's Guide V2.2 (Part X) and the Vigor3912 Series User's Guide V1.01 (Part VIII);"),
    note("pages are the printed ones. Lines starting with # are notes: DrayTek documents no comment syntax, so do not paste them."),
    note("Check your firmware's own syntax first: vpn option ?  and  vpn l2lset ?"),
    note(`The IPsec VPN service must be on: vpn remote IPsec on, then restart the router ("Please restart the router!!") ${cite("vpnRemote")}.`),
  ];
}

/** Common and dial-out settings: `vpn option` one parameter a line; the profile is enabled at the end. */
function profileLines(d: DraytekProfile, n: number): Line[] {
  const stack = d.stackName ? ` --stack ${d.stackName}` : "";
  const key = d.preSharedKeyShown
    ? [note(`${LABELS.preSharedKey.text} ${cite("preSharedKey")}: the key itself; keep this script secret.`), cmd(`vpn option ${n} okey=${d.preSharedKey}`)]
    : [
        note(`${LABELS.preSharedKey.text} ${cite("preSharedKey")}: a secret, not printed. Replace ${KEY_PLACEHOLDER} with the preSharedKey printed by:`),
        note(`  pulumi stack output${stack} draytek --show-secrets --json`),
        note("  (its cliScript is this script for profile 1 with the key and the gateway's IP filled in)."),
        cmd(`vpn option ${n} okey=${KEY_PLACEHOLDER}`),
      ];
  return [
    note(`Common settings ${cite("profileName")}`),
    cmd(`vpn option ${n} pname=${d.profileName}`),
    note(`${LABELS.callDirection.text}: Dial-Out ${cite("callDirection")}; ${LABELS.alwaysOn.text}: "-1 - it means always on for dial-out" ${cite("alwaysOn")}`),
    cmd(`vpn option ${n} dir=o`),
    cmd(`vpn option ${n} idle=-1`),
    note(`${LABELS.pingToKeepAlive.text} off: ${d.pingToKeepAlive.why}.`),
    cmd(`vpn option ${n} palive=-1`),
    note(`Dial-out settings: ${LABELS.typeOfServer.text} = IPSec ${cite("typeOfServer")}`),
    cmd(`vpn option ${n} ctype=s`),
    ...peerLines(d, n),
    ...key,
    ...(d.ikePhase1Mode ? [note(`${LABELS.ikePhase1Mode.text}: Main mode ${cite("ikePhase1Mode")}`), cmd(`vpn option ${n} ikemode=m`)] : []),
    ...ipsecMethodLines(d, n),
  ];
}

/** The peer: the IP (always works), and the name as the preferred form once it resolves to that IP. */
function peerLines(d: DraytekProfile, n: number): Line[] {
  const ip = d.peer.ip ?? GATEWAY_IP_PLACEHOLDER;
  return [
    note(`${LABELS.serverIpOrHost.text} ${cite("serverIpOrHost")}: the gateway's IP${d.peer.ip ? "" : `; replace ${GATEWAY_IP_PLACEHOLDER} with what ${d.peer.ipCommand} prints`}.`),
    cmd(`vpn option ${n} dialto=${ip}`),
    ...(d.peer.fqdn
      ? [
          note(`Once nslookup ${d.peer.fqdn} returns that IP, prefer the name: it stays after pulumi destroy + up, the IP does not`),
          note(`(whether the router looks the name up again when it redials is not documented):  vpn option ${n} dialto=${d.peer.fqdn}`),
        ]
      : []),
  ];
}

/**
 * The `ometh` token the manual implies for Azure's IPsec cipher and hash, or undefined when its
 * value list has none (GCM, or a hash other than SHA1/SHA2). Inferred: the manual writes
 * "espaa[a/s/S][1/9/2]", not a single token.
 */
export function inferredOmeth(ipsecEncryption: string, ipsecIntegrity: string): string | undefined {
  const size = { AES128: "1", AES192: "9", AES256: "2" }[ipsecEncryption];
  const hash = { SHA1: "s", SHA256: "S" }[ipsecIntegrity];
  return size && hash ? `espaa${hash}${size}` : undefined;
}

/** IPSec Security Method: its value token is inferred, so a note with the manual's text. */
function ipsecMethodLines(d: DraytekProfile, n: number): Line[] {
  const p = d.azure.policy;
  const token = inferredOmeth(p.ipsecEncryption, p.ipsecIntegrity);
  return [
    note(`${LABELS.ipsecSecurityMethod.text} ${cite("ipsecSecurityMethod")}: Azure wants ESP ${p.ipsecEncryption} with ${p.ipsecIntegrity}. The manual writes the value as`),
    note(`  "${FACTS.ipsecSecurityMethod.says.replace(/^It means IPSec Security Method\. /, "")}" (the Vigor3912 adds m = MD5);`),
    note("  the single token and which SHA-2 size S stands for are not written, so it is no command here: set it in the web UI (below)"),
    ...(token ? [note(`  or type it yourself and check with vpn list ${n} out:  vpn option ${n} ometh=${token}`)] : []),
  ];
}

/** Networks: the first office and Azure networks in the profile, more Azure networks with `vpn mroute add`. */
function networkLines(d: DraytekProfile, n: number): Line[] {
  const [local, ...moreLocal] = d.localNetworks;
  const [remote, ...moreRemote] = d.remoteNetworks;
  if (!local || !remote) return [note("No office or Azure network to set.")];
  const extraPairs = moreLocal.flatMap((l) => d.remoteNetworks.map((r) => `vpn mroute ${n} addmsa ${l.cidr} ${r.cidr}`));
  return [
    note(`Networks: office ${local.cidr} <-> Azure ${remote.cidr} ${cite("localNetwork")}; ${cite("remoteNetwork")}`),
    cmd(`vpn option ${n} lnip=${local.ip}`),
    cmd(`vpn option ${n} lnmask=${local.mask}`),
    cmd(`vpn option ${n} rnip=${remote.ip}`),
    cmd(`vpn option ${n} rnmask=${remote.mask}`),
    note(`${LABELS.mode.text}: Route ${cite("mode")}`),
    cmd(`vpn option ${n} mode=r`),
    note(`${LABELS.defaultRoute.text}: off, the tunnel carries the lab's networks only ${cite("defaultRoute")}`),
    cmd(`vpn option ${n} droute=off`),
    ...(moreRemote.length > 0 ? [note(`More Azure networks, as static routes of the profile ${cite("mroute")}`), ...moreRemote.map((r) => cmd(`vpn mroute ${n} add ${r.cidr}`))] : []),
    ...(extraPairs.length > 0
      ? [
          note(`More office networks (${moreLocal.map((l) => l.cidr).join(", ")}): the Vigor2927 manual's vpn mroute has no addmsa;`),
          note(`on a Vigor3912, one IPsec SA per pair ${cite("mrouteMultipleSa")}:`),
          ...extraPairs.map((c) => note(`  ${c}`)),
          note("  Otherwise make one profile per office network (web UI, or this script again with another index and one office range)."),
        ]
      : []),
  ];
}

/** Advanced parameters (`vpn l2lset`), the MSS clamp, then enable, save and dial. */
function closingLines(d: DraytekProfile, n: number): Line[] {
  const pfsOn = d.perfectForwardSecrecy !== "off";
  const [low2927, high] = IPSEC_MSS_RANGE.v2927;
  return [
    note(`Advanced parameters ${cite("lifetimes")}: lifetimes in seconds, PFS on/off only`),
    cmd(`vpn l2lset ${n} phase1 ${d.ikePhase1KeyLifetimeSeconds}`),
    cmd(`vpn l2lset ${n} phase2 ${d.ikePhase2KeyLifetimeSeconds}`),
    note(`${LABELS.pfs.text}: ${d.perfectForwardSecrecy}`),
    cmd(`vpn l2lset ${n} pfs ${pfsOn ? "on" : "off"}`),
    note(`TCP MSS for every IPsec tunnel of the router ${cite("mss")}: ${d.tcpMssClamp}, Microsoft's value for Azure;`),
    note(`valid on both models (Vigor2927 ${low2927}~${high}, Vigor3912 ${IPSEC_MSS_RANGE.v3912[0]}~${high}).`),
    cmd(d.tcpMssCommand),
    cmd("vpn mss show"),
    note(`Enable the profile last, then save to flash ${cite("sysCommit")} and dial ${cite("dialOut")}`),
    cmd(`vpn option ${n} ena=on`),
    cmd("sys commit"),
    cmd(`vpn l2lDialout ${n}`),
    cmd(`vpn list ${n} all`),
  ];
}

/** What no documented command sets: the web steps. */
function webLines(d: DraytekProfile, n: number): Line[] {
  const L = LABELS;
  return [
    note(`What the documented CLI cannot set: in the web UI, ${L.lanToLan.text}, profile ${n}:`),
    note(`  ${label(L.typeOfServer)}: IPsec Tunnel; ${label(L.ikeVersionChoice)}: ${d.ikeVersion} ${cite("ikeVersion")}`),
    note(`  ${L.ipsecSecurityMethod.text}: ${d.ipsecSecurityMethod}`),
    note(`  ${label(L.advanced)} > ${label(L.ikePhase1Proposal)}: ${d.ikePhase1Proposal}`),
    note(`    (vpn l2lset ${n} main takes auto or a proposal index; the index list is not documented) ${cite("ikePhase1Proposal")}`),
    note(`Then ${L.connectionManagement.text}: the profile should show as connected within a minute.`),
  ];
}

/**
 * The telnet/SSH script for one lab's profile at index `options.index`, as text (one line each;
 * notes start with `# `). Pure; never throws.
 */
export function renderDraytekCli(d: DraytekProfile, options: DraytekCliOptions): string {
  const n = options.index;
  const lines = [...headerLines(d, options), ...profileLines(d, n), ...networkLines(d, n), ...closingLines(d, n), ...webLines(d, n)];
  return lines.map((l) => ("command" in l ? l.command : `# ${l.note}`)).join("\n") + "\n";
}

/** The profile with its script (`cliScript`) for index `index`. Pure. */
export function withCliScript(d: DraytekProfile, index: number): DraytekProfile {
  return { ...d, cliScript: renderDraytekCli(d, { index }) };
}

/**
 * The profile index of each lab behind its office router: `firstIndex`, `firstIndex + 1`, ... in
 * the labs' order, each router counting from `firstIndex`. Pure.
 */
export function profileIndexes(routers: readonly string[], firstIndex: number): number[] {
  const next = new Map<string, number>();
  return routers.map((router) => {
    const index = next.get(router) ?? firstIndex;
    next.set(router, index + 1);
    return index;
  });
}

/** The scripts of several labs, one after another, at their {@link profileIndexes}. Pure. */
export function renderDraytekClis(labs: readonly { stackFile: string; router: string; profile: DraytekProfile }[], firstIndex: number): string {
  const indexes = profileIndexes(labs.map((l) => l.router), firstIndex);
  return labs.map((lab, i) => renderDraytekCli(lab.profile, { index: indexes[i], stackFile: `${lab.stackFile}, for the DrayTek at ${lab.router}` })).join("\n");
}
