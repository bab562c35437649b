/**
 * The telnet/SSH script for a lab's DrayTek LAN-to-LAN profile: what the router's documented CLI
 * can set, as commands to paste, and what it cannot, as web steps. DrayTek recommends the CLI "to
 * make the configuring become an automatic process" (KB 4923, https://www.draytek.com/support/knowledge-base/4923).
 * Pure.
 *
 * Rules, each held by a test (the review of 2026-12-07 against the Vigor3912 manual, p.758-776):
 * - The profile index is the stack's `exchange-lab:draytekProfileIndex`, in the plan and in the
 *   stack output `draytek.cliScript` alike; never a silent 1. `vpn option <index>` edits a profile
 *   in place with no guard (p.765), so the first block is `vpn list <index> all` (p.769), pasted
 *   alone. Without the key, the first block probes indexes 1 to {@link FREE_INDEX_PROBES} for a
 *   free one and every later block writes {@link INDEX_PLACEHOLDER}.
 * - Blocks in this order: check the index; configure the profile disabled (`ena=off`); the web-UI
 *   steps the CLI cannot do (IKE version, ESP, the phase 1 proposal; an unused profile shows "IPSec
 *   Security Method : AH", p.769-770), with nothing to paste; enable, save and dial; last and
 *   optional, the TCP MSS, which `vpn mss set 3` changes for every IPsec tunnel of the router
 *   (p.775; the router's default is 1360). So the first dial already uses IKEv2 and ESP.
 * - Inside a block there are only commands: DrayTek documents no comment syntax, so a `#` line
 *   pasted would be sent to the router. Explanations (`# ` lines) stand before each block.
 * - Every command line is a form `draytekFacts.ts` marks `documented` on both the Vigor2927 (V2.2)
 *   and the Vigor3912 (V1.01) manuals ({@link CLI_SYNTAX}); one `vpn option` parameter per line. A
 *   token read into the manual's words (the `ometh` value) or documented for one model only is
 *   printed in the explanations with the manual's text, never as a command.
 * - The pre-shared key appears only when the profile carries the key itself (`--show-secrets`, or
 *   the stack's secret output); otherwise a placeholder and the command that prints the key.
 */
import { DraytekProfile, LABELS, label } from "./draytek";
import { FACTS, FactId, IPSEC_MSS_RANGE, PROFILE_INDEX_MAX, citation } from "./draytekFacts";

/**
 * One block of the script: its explanations (printed before it as `# ` lines) and the commands to
 * paste together; a block without commands is a step to do elsewhere (the web UI).
 */
interface Block {
  title: string;
  notes: string[];
  commands: string[];
}

const cite = (id: FactId) => `(${citation(id)})`;

/** What the script is rendered for. */
export interface DraytekCliOptions {
  /** The stack file the profile belongs to, named in the script's header. */
  stackFile?: string;
  /** Whether the script ends with the router-wide TCP MSS block (default true; several labs on one router: once, after the last). */
  mss?: boolean;
}

/** Placeholders the user replaces before pasting. */
export const KEY_PLACEHOLDER = "<PRE_SHARED_KEY>";
export const GATEWAY_IP_PLACEHOLDER = "<GATEWAY_IP>";
/** Where the index goes when the stack sets no `draytekProfileIndex`. */
export const INDEX_PLACEHOLDER = "<INDEX>";
/** How many profiles (1 to this) the first block probes when the stack sets no index. */
export const FREE_INDEX_PROBES = 8;

/** `pulumi config set` for the index, with the stack named when known. */
function setIndexCommand(d: DraytekProfile, n: string): string {
  return `pulumi config set${d.stackName ? ` --stack ${d.stackName}` : ""} exchange-lab:draytekProfileIndex ${n}`;
}

/** The introduction: what the script is and how to paste it (no commands). */
function introNotes(d: DraytekProfile, o: DraytekCliOptions): string[] {
  const n = d.profileIndex;
  return [
    `DrayTek LAN-to-LAN profile ${n ?? INDEX_PLACEHOLDER} "${d.profileName}" to the Azure VPN gateway${o.stackFile ? ` of ${o.stackFile}` : ""}, by telnet or SSH.`,
    "Paste one block at a time: the lines between two explanations, without the lines starting with #",
    "(DrayTek documents no comment syntax: a # line would be sent to the router as a command).",
    "Only syntax documented in both the Vigor2927 Series User's Guide V2.2 (Part X) and the Vigor3912 Series User's Guide V1.01 (Part VIII),",
    "except sys commit, read in the Vigor3912 guide only; pages are the printed ones. Check your firmware's own syntax first: vpn option ?  and  vpn l2lset ?",
    `The IPsec VPN service must be on: vpn remote IPsec on, then restart the router ("Please restart the router!!") ${cite("vpnRemote")}.`,
  ];
}

/** Block 1: check that the index is free, or find a free one. */
function checkBlock(d: DraytekProfile): Block {
  const n = d.profileIndex;
  const set = setIndexCommand(d, "N");
  if (n === undefined) {
    const probes = Array.from({ length: FREE_INDEX_PROBES }, (_, i) => `vpn list ${i + 1} com`);
    return {
      title: `1. Find a free profile index (the stack sets no exchange-lab:draytekProfileIndex)`,
      notes: [
        `Each line shows one profile's common settings; a free profile shows "% Profile Name : ???" ${cite("vpnList")}.`,
        `None free? Try higher indexes the same way (1~${PROFILE_INDEX_MAX.v2927} on a Vigor2927 V2.2, 1~${PROFILE_INDEX_MAX.v3912} on a Vigor3912) ${cite("profileIndex")}.`,
        `Then: ${set}, and print this script again; the stack output draytek.cliScript uses the same index.`,
        `Or replace ${INDEX_PLACEHOLDER} with the free index in every block below. vpn option overwrites the profile it names without asking.`,
      ],
      commands: probes,
    };
  }
  return {
    title: `1. Check that profile ${n} is free (paste this line alone)`,
    notes: [
      `Profile ${n} is free when it shows "% Profile Name : ???" ${cite("vpnList")}.`,
      `If it shows another name, stop: the next block would overwrite that profile. Choose a free index, ${set}, and print this script again.`,
      ...(n > PROFILE_INDEX_MAX.v2927 ? [`Profile ${n} exists on a Vigor3912 (1~${PROFILE_INDEX_MAX.v3912}), not on a Vigor2927 V2.2 (1~${PROFILE_INDEX_MAX.v2927}) ${cite("profileIndex")}.`] : []),
    ],
    commands: [`vpn list ${n} all`],
  };
}
/** Block 2: every documented setting, the profile left disabled, then saved. */
function configureBlock(d: DraytekProfile, n: string): Block {
  const stack = d.stackName ? ` --stack ${d.stackName}` : "";
  const ip = d.peer.ip ?? GATEWAY_IP_PLACEHOLDER;
  const pfsOn = d.perfectForwardSecrecy !== "off";
  const net = networkParts(d, n);
  return {
    title: `2. Configure profile ${n}, disabled`,
    notes: [
      `${label(LABELS.enable)}: off until the web-UI steps (3.) are done, so the router does not dial with its defaults (IKEv1, AH) ${cite("enable")}`,
      `Common settings ${cite("profileName")}; ${LABELS.callDirection.text}: Dial-Out ${cite("callDirection")}; ${LABELS.alwaysOn.text}: "-1 - it means always on for dial-out" ${cite("alwaysOn")}`,
      `${LABELS.pingToKeepAlive.text} off: ${d.pingToKeepAlive.why} ${cite("pingToKeepAlive")}.`,
      `Dial-out settings: ${LABELS.typeOfServer.text} = IPSec ${cite("typeOfServer")}`,
      `${LABELS.serverIpOrHost.text} ${cite("serverIpOrHost")}: the gateway's IP${d.peer.ip ? "" : `; replace ${GATEWAY_IP_PLACEHOLDER} with what ${d.peer.ipCommand} prints`}.`,
      ...(d.peer.fqdn
        ? [
            `  Once nslookup ${d.peer.fqdn} returns that IP, prefer the name: it stays after pulumi destroy + up, the IP does not`,
            `  (whether the router looks the name up again when it redials is not documented):  vpn option ${n} dialto=${d.peer.fqdn}`,
          ]
        : []),
      ...(d.preSharedKeyShown
        ? [`${LABELS.preSharedKey.text} ${cite("preSharedKey")}: the key itself; keep this script secret.`]
        : [
            `${LABELS.preSharedKey.text} ${cite("preSharedKey")}: a secret, not printed. Replace ${KEY_PLACEHOLDER} with the preSharedKey printed by:`,
            `  pulumi stack output${stack} draytek --show-secrets --json`,
            "  (its cliScript is this script with the key and the gateway's IP filled in).",
          ]),
      ...(d.ikePhase1Mode ? [`${LABELS.ikePhase1Mode.text}: Main mode ${cite("ikePhase1Mode")}`] : []),
      ...net.notes,
      `Advanced parameters ${cite("lifetimes")}: lifetimes in seconds; ${LABELS.pfs.text}: ${d.perfectForwardSecrecy} ${cite("pfs")}`,
      `Then save to flash ${cite("sysCommit")}.`,
    ],
    commands: [
      `vpn option ${n} ena=off`,
      `vpn option ${n} pname=${d.profileName}`,
      `vpn option ${n} dir=o`,
      `vpn option ${n} idle=-1`,
      `vpn option ${n} palive=-1`,
      `vpn option ${n} ctype=s`,
      `vpn option ${n} dialto=${ip}`,
      `vpn option ${n} okey=${d.preSharedKeyShown ? d.preSharedKey : KEY_PLACEHOLDER}`,
      ...(d.ikePhase1Mode ? [`vpn option ${n} ikemode=m`] : []),
      ...net.commands,
      `vpn l2lset ${n} phase1 ${d.ikePhase1KeyLifetimeSeconds}`,
      `vpn l2lset ${n} phase2 ${d.ikePhase2KeyLifetimeSeconds}`,
      `vpn l2lset ${n} pfs ${pfsOn ? "on" : "off"}`,
      "sys commit",
    ],
  };
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

/** IPSec Security Method: its value token is inferred, so explanations with the manual's text. */
function ipsecMethodNotes(d: DraytekProfile, n: string): string[] {
  const p = d.azure.policy;
  const token = inferredOmeth(p.ipsecEncryption, p.ipsecIntegrity);
  return [
    `  ${LABELS.ipsecSecurityMethod.text} ${cite("ipsecSecurityMethod")}: Azure wants ESP ${p.ipsecEncryption} with ${p.ipsecIntegrity}. The manual writes the value as`,
    `    "${FACTS.ipsecSecurityMethod.says.replace(/^It means IPSec Security Method\. /, "")}" (the Vigor3912 adds m = MD5);`,
    "    the single token and which SHA-2 size S stands for are not written, so it is no command here.",
    ...(token ? [`    If you type it yourself, check it with vpn list ${n} out:  vpn option ${n} ometh=${token}`] : []),
  ];
}

/** Networks: the first office and Azure networks in the profile, more Azure networks with `vpn mroute add`. */
function networkParts(d: DraytekProfile, n: string): { notes: string[]; commands: string[] } {
  const [local, ...moreLocal] = d.localNetworks;
  const [remote, ...moreRemote] = d.remoteNetworks;
  if (!local || !remote) return { notes: ["No office or Azure network to set."], commands: [] };
  const extraPairs = moreLocal.flatMap((l) => d.remoteNetworks.map((r) => `vpn mroute ${n} addmsa ${l.cidr} ${r.cidr}`));
  return {
    notes: [
      `Networks: office ${local.cidr} <-> Azure ${remote.cidr} ${cite("localNetwork")}; ${cite("remoteNetwork")}`,
      `${LABELS.mode.text}: Route ${cite("mode")}; ${LABELS.defaultRoute.text}: off, the tunnel carries the lab's networks only ${cite("defaultRoute")}`,
      ...(moreRemote.length > 0 ? [`More Azure networks (${moreRemote.map((r) => r.cidr).join(", ")}), as static routes of the profile ${cite("mroute")}`] : []),
      ...(extraPairs.length > 0
        ? [
            `More office networks (${moreLocal.map((l) => l.cidr).join(", ")}): the Vigor2927 manual's vpn mroute has no addmsa;`,
            `on a Vigor3912, one IPsec SA per pair ${cite("mrouteMultipleSa")}, after this block:`,
            ...extraPairs.map((c) => `  ${c}`),
            "  Otherwise make one profile per office network (web UI, or this script again with another index and one office range).",
          ]
        : []),
    ],
    commands: [
      `vpn option ${n} lnip=${local.ip}`,
      `vpn option ${n} lnmask=${local.mask}`,
      `vpn option ${n} rnip=${remote.ip}`,
      `vpn option ${n} rnmask=${remote.mask}`,
      `vpn option ${n} mode=r`,
      `vpn option ${n} droute=off`,
      ...moreRemote.map((r) => `vpn mroute ${n} add ${r.cidr}`),
    ],
  };
}

/** Step 3: what no documented command sets, in the web UI; nothing to paste. */
function webBlock(d: DraytekProfile, n: string): Block {
  const L = LABELS;
  return {
    title: `3. In the web UI, ${L.lanToLan.text}, profile ${n} (nothing to paste)`,
    notes: [
      `The CLI has no IKE-version parameter, and an unused profile's IPSec Security Method is AH ${cite("ikeVersion")}:`,
      `  ${label(L.typeOfServer)}: IPsec Tunnel; ${label(L.ikeVersionChoice)}: ${d.ikeVersion}`,
      `  ${L.ipsecSecurityMethod.text}: ${d.ipsecSecurityMethod}`,
      ...ipsecMethodNotes(d, n),
      `  ${label(L.advanced)} > ${label(L.ikePhase1Proposal)}: ${d.ikePhase1Proposal}`,
      `    (vpn l2lset ${n} main takes auto or a proposal index; the index list is not documented) ${cite("ikePhase1Proposal")}`,
      `  Leave ${label(L.enable)} unticked and save (OK): block 4 enables it.`,
    ],
    commands: [],
  };
}

/** Block 4: enable, save, dial and check. */
function enableBlock(n: string): Block {
  return {
    title: `4. Enable profile ${n} and dial`,
    notes: [
      `Enable the profile ${cite("enable")}, save to flash ${cite("sysCommit")}, dial ${cite("dialOut")} and show it ${cite("vpnList")}.`,
      `Then ${LABELS.connectionManagement.text}: the profile should show as connected within a minute.`,
    ],
    commands: [`vpn option ${n} ena=on`, "sys commit", `vpn l2lDialout ${n}`, `vpn list ${n} all`],
  };
}

/** Block 5: the TCP MSS, a router-wide setting, on its own (`title`: another heading, for a block shared by several labs). */
function mssBlock(d: DraytekProfile, title = "5. Optional: the TCP MSS of every IPsec tunnel of the router"): Block {
  const [low2927, high] = IPSEC_MSS_RANGE.v2927;
  return {
    title,
    notes: [
      `vpn mss set 3 changes the TCP MSS of every IPsec tunnel of this router, not only this profile ${cite("mss")}.`,
      `The router's default is 1360 (vpn mss default restores it); ${d.tcpMssClamp} is Microsoft's value for Azure tunnels,`,
      `valid on both models (Vigor2927 ${low2927}~${high}, Vigor3912 ${IPSEC_MSS_RANGE.v3912[0]}~${high}).`,
      "vpn mss show prints the current value first: skip this block if another tunnel needs its own.",
    ],
    commands: ["vpn mss show", d.tcpMssCommand],
  };
}

/**
 * The telnet/SSH script for one lab's profile at its index (`profileIndex`; unset:
 * {@link INDEX_PLACEHOLDER} and a first block that finds a free one), as text: explanations as
 * `# ` lines before each block, the block's commands together, a blank line between blocks.
 * Pure; never throws.
 */
export function renderDraytekCli(d: DraytekProfile, options: DraytekCliOptions = {}): string {
  const n = d.profileIndex !== undefined ? String(d.profileIndex) : INDEX_PLACEHOLDER;
  const blocks = [checkBlock(d), configureBlock(d, n), webBlock(d, n), enableBlock(n), ...(options.mss === false ? [] : [mssBlock(d)])];
  const intro = introNotes(d, options).map((l) => `# ${l}`).join("\n");
  return [intro, ...blocks.map(blockText)].join("\n\n") + "\n";
}

/** A block as text: its heading and explanations as `# ` lines, then its commands. */
function blockText(b: Block): string {
  return [`# ${b.title}`, ...b.notes.map((l) => `#   ${l}`), ...b.commands].join("\n");
}

/** The profile with its script (`cliScript`), at the profile's own index. Pure. */
export function withCliScript(d: DraytekProfile): DraytekProfile {
  return { ...d, cliScript: renderDraytekCli(d) };
}

/**
 * The scripts of several labs, one after another, each at its own index. The TCP MSS is one
 * setting of a router, so its block comes once per router, after that router's last lab. Pure.
 */
export function renderDraytekClis(labs: readonly { stackFile: string; router: string; profile: DraytekProfile }[]): string {
  return labs.map((lab, i) => {
    const script = renderDraytekCli(lab.profile, { stackFile: `${lab.stackFile}, for the DrayTek at ${lab.router}`, mss: false });
    const lastOnRouter = !labs.slice(i + 1).some((other) => other.router === lab.router);
    return lastOnRouter ? `${script}\n${blockText(mssBlock(lab.profile, `Optional, once for the DrayTek at ${lab.router} (every lab above on it): the TCP MSS of every IPsec tunnel of the router`))}\n` : script;
  }).join("\n");
}
