/**
 * The stack keys of the site-to-site VPN (`vpn`, `vpnGatewaySku`, `vpnGatewayGeneration`,
 * `vpnGatewayZones`, `ikeVersion`, `ipsecPolicy`, `vpnSharedKey`) and the DNS labels of the public
 * IPs (`dnsLabel`, `dnsLabelScope`). The rules of the VPN's values are in `vpn.ts`. Pure.
 */
import { Cidr } from "../addresses";
import type { OnPremisesSetting, StackSettings } from "./settingsTypes";
import { SettingsContext } from "./settingsContext";
import { CONFIG_DEFAULTS } from "./stackKeys";
import { DRAYTEK_PROFILE_INDEX_MAX, IKE_VERSIONS, IkeVersion, VPN_GATEWAY_GENERATIONS, VPN_GATEWAY_SKUS, VpnGatewayGeneration, VpnGatewaySku, VpnSettings, checkSharedKey, draytekKeyWarnings, parseIpsecPolicy } from "./vpn";

export { DNS_LABEL_SCOPES } from "./settingsTypes";
export type { DnsLabelScope } from "./settingsTypes";
import { DNS_LABEL_SCOPES } from "./settingsTypes";
/** A public IP's DNS label: 3-63 lowercase letters, digits and '-', starting with a letter and
 * ending with a letter or digit (public-ip-addresses, "Domain name label"). The lab's labels add
 * `-vpn` / `-lab`, so the stack's label stops at 59 characters. */
const DNS_LABEL = /^[a-z][a-z0-9-]{1,57}[a-z0-9]$/;

/** The default DNS label: resource group and network names, lowercased, reduced to Azure's label
 * alphabet and length. Deterministic, so a re-created public IP gets the same FQDN. */
export function defaultDnsLabel(resourceGroupName: string, virtualNetworkName: string): string {
  const text = `${resourceGroupName}-${virtualNetworkName}`.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-+/g, "-");
  const label = text.replace(/^[^a-z]+/, "").slice(0, 59).replace(/-+$/, "");
  return label.length >= 3 ? label : `lab-${label}`.replace(/-+$/, "").padEnd(3, "0");
}

/** The FQDN Azure gives a public IP with a label and no scope: `<label>.<region>.cloudapp.azure.com`
 * (public-ip-addresses, "Domain name label"). With a scope Azure adds a hash known after creation. */
export function publicIpFqdn(label: string, location: string): string {
  return `${label}.${location}.cloudapp.azure.com`;
}

/** The site-to-site VPN (its DNS label is set by {@link readDnsLabels}). */
export function readVpn(ctx: SettingsContext, office: { present: boolean; onPremises?: OnPremisesSetting }, addressSpace: readonly Cidr[]): VpnSettings | undefined {
  const vpnText = (ctx.text("vpn", false) ?? "true").toLowerCase();
  if (vpnText !== "true" && vpnText !== "false") ctx.report(ctx.full("vpn"), `expected true or false, got '${ctx.raw[ctx.full("vpn")]}'`);
  let vpn: VpnSettings | undefined;
  if (vpnText !== "false") {
    if (!office.present) ctx.report(ctx.full("onPremises"), "required when vpn is true: { publicIp or fqdn, addressSpaces: [CIDR...] } of the DrayTek side");
    const skuText = ctx.text("vpnGatewaySku", false) ?? String(CONFIG_DEFAULTS.vpnGatewaySku);
    const sku = Object.keys(VPN_GATEWAY_SKUS).find((k) => k.toLowerCase() === skuText.toLowerCase()) as VpnGatewaySku | undefined;
    if (!sku) {
      const retired = /^(VpnGw[1-5]|Basic|Standard|HighPerformance)$/i.test(skuText) ? " (non-AZ and legacy SKUs can no longer be created)" : "";
      ctx.report(ctx.full("vpnGatewaySku"), `'${skuText}' is not accepted${retired}; use one of ${Object.keys(VPN_GATEWAY_SKUS).join(", ")}`);
    }
    const ikeText = ctx.text("ikeVersion", false) ?? String(CONFIG_DEFAULTS.ikeVersion);
    const ikeVersion = IKE_VERSIONS.find((v) => v.toLowerCase() === ikeText.toLowerCase()) as IkeVersion | undefined;
    if (!ikeVersion) ctx.report(ctx.full("ikeVersion"), `'${ikeText}' is not an IKE version; use IKEv2 or IKEv1`);
    // A DrayTek LAN-to-LAN profile proposes its networks (policy-based traffic selectors); Microsoft
    // supports that only over IKEv2 (vpn-gateway-connect-multiple-policybased-rm-ps). See draytek.ts.
    if (ikeVersion === "IKEv1") {
      ctx.warn(ctx.full("ikeVersion"), "IKEv1: a DrayTek LAN-to-LAN profile proposes its networks (policy-based traffic selectors), which Microsoft supports only over IKEv2 (usePolicyBasedTrafficSelectors); phase 2 may be refused: use IKEv2 unless the router's firmware has none");
    }
    const zonesValue = ctx.structured("vpnGatewayZones", false) ?? CONFIG_DEFAULTS.vpnGatewayZones;
    const zoneItems: unknown[] = Array.isArray(zonesValue) ? zonesValue : [zonesValue];
    const zones = zoneItems.map((z) => (typeof z === "number" ? String(z) : z)).filter((z): z is string => typeof z === "string");
    if (zones.length !== zoneItems.length || !zones.every((z) => ["1", "2", "3"].includes(z)) || new Set(zones).size !== zones.length) {
      ctx.report(ctx.full("vpnGatewayZones"), `expected a list of distinct zones from "1", "2", "3" (or [] in a region without zones), got ${JSON.stringify(zonesValue)}`);
    }
    const policy = parseIpsecPolicy(ctx.structured("ipsecPolicy", false));
    for (const [field, message] of policy.problems) ctx.report(ctx.full("ipsecPolicy"), message, field);
    for (const [field, message] of policy.warnings) ctx.warn(ctx.full("ipsecPolicy"), message, field);
    if (ikeVersion === "IKEv1" && policy.policy.ikeEncryption.startsWith("GCMAES")) {
      ctx.warn(ctx.full("ipsecPolicy"), "GCMAES IKE encryption is listed for IKEv2; with IKEv1 use AES256", "ikeEncryption");
    }
    const key = ctx.raw[ctx.full("vpnSharedKey")];
    if (key !== undefined) {
      const keyProblem = checkSharedKey(key);
      if (keyProblem) ctx.report(ctx.full("vpnSharedKey"), `the key ${keyProblem}`);
      else for (const message of draytekKeyWarnings(key)) ctx.warn(ctx.full("vpnSharedKey"), `the key ${message}`);
    }
    const generationText = ctx.text("vpnGatewayGeneration", false);
    let generation: VpnGatewayGeneration | undefined = sku ? VPN_GATEWAY_SKUS[sku][0] : undefined;
    if (generationText !== undefined) {
      const named = VPN_GATEWAY_GENERATIONS.find((g) => g.toLowerCase() === generationText.toLowerCase());
      if (!named) ctx.report(ctx.full("vpnGatewayGeneration"), `'${generationText}' is not a gateway generation; use Generation1 or Generation2`);
      else if (sku && !(VPN_GATEWAY_SKUS[sku] as readonly string[]).includes(named)) {
        ctx.report(ctx.full("vpnGatewayGeneration"), `${sku} exists only as ${VPN_GATEWAY_SKUS[sku].join(" or ")}`);
      }
      generation = named;
    }
    const profileIndex = readDraytekProfileIndex(ctx);
    if (sku && ikeVersion && generation) {
      vpn = {
        gatewaySku: sku, gatewayGeneration: generation, zones, ikeVersion, policy: policy.policy, sharedKey: key === undefined ? "missing" : "configured", dnsLabel: "",
        ...(profileIndex !== undefined ? { draytekProfileIndex: profileIndex } : {}),
      };
    }
    // A DrayTek profile proposes every office x Azure network pair (see draytek.ts).
    const offices = office.onPremises?.addressSpaces.length ?? 0;
    if (offices * addressSpace.length > 1) {
      const [at, sub] = offices > 1 ? [ctx.full("onPremises"), "addressSpaces"] : [ctx.full("addressSpace"), undefined];
      ctx.warn(at, `${offices} office x ${addressSpace.length} Azure networks: the DrayTek needs every pair, in one LAN-to-LAN profile (the other networks added with More) or one profile per pair; the hints list them`, sub);
    }
  }

  return vpn;
}

/** DNS labels of the public IPs: the router dials a name that survives pulumi destroy + up. */
export function readDnsLabels(ctx: SettingsContext, names: { resourceGroupName: string; virtualNetworkName: string }, vpn: VpnSettings | undefined): StackSettings["dns"] {
  const dnsLabelText = ctx.text("dnsLabel", false);
  const dnsLabel = dnsLabelText ?? defaultDnsLabel(names.resourceGroupName, names.virtualNetworkName);
  if (dnsLabelText !== undefined && !DNS_LABEL.test(dnsLabelText)) {
    ctx.report(ctx.full("dnsLabel"), `'${dnsLabelText}' is not a DNS label Azure accepts for the lab's public IPs (3-59 lowercase letters, digits and '-', starting with a letter, ending with a letter or digit; -vpn and -lab are added)`);
  }
  const scopeText = ctx.text("dnsLabelScope", false);
  const dnsScope = scopeText === undefined ? undefined : DNS_LABEL_SCOPES.find((x) => x.toLowerCase() === scopeText.toLowerCase());
  if (scopeText !== undefined && !dnsScope) {
    ctx.report(ctx.full("dnsLabelScope"), `'${scopeText}' is not accepted; use ${DNS_LABEL_SCOPES.join(", ")} (NoReuse would give the router a new name after every destroy)`);
  }
  if (vpn) vpn.dnsLabel = `${dnsLabel}-vpn`;
  return { label: dnsLabel, scope: dnsScope };
}

/**
 * `draytekProfileIndex`: a whole number from 1 to the Vigor3912's highest index (500), a warning
 * above the Vigor2927's (32); undefined when unset or invalid (reported).
 */
function readDraytekProfileIndex(ctx: SettingsContext): number | undefined {
  const text = ctx.text("draytekProfileIndex", false);
  if (text === undefined) return undefined;
  const { v2927, v3912 } = DRAYTEK_PROFILE_INDEX_MAX;
  const n = /^\d{1,3}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(n >= 1 && n <= v3912)) {
    ctx.report(ctx.full("draytekProfileIndex"), `expected a LAN-to-LAN profile index from 1 to ${v3912} (a Vigor2927 V2.2 has 1 to ${v2927}), got '${text}'`);
    return undefined;
  }
  if (n > v2927) ctx.warn(ctx.full("draytekProfileIndex"), `profile ${n} exists on a Vigor3912 (1 to ${v3912}), not on a Vigor2927 V2.2 (1 to ${v2927})`);
  return n;
}
