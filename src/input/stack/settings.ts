/**
 * The stack configuration (namespace `exchange-lab:` plus `azure-native:location`),
 * parsed and validated into typed settings. Pure: it reads a plain key -> text map, the
 * form both `pulumi.runtime.allConfig()` and the offline plan's stack-file reader give.
 * `parseSettings` walks the keys (declared in `stackKeys.ts`) one concern at a time: the network's
 * in `settingsNetwork.ts`, the VPN's in `settingsVpn.ts`, the others here. Resource group names:
 * https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules.
 */
import { distance } from "fastest-levenshtein";
import { closest, didYouMean, findRegion, resolveTimeZone } from "../catalogues";
import { Problem } from "../problems";
import { RETAIL_CURRENCIES, isRetailCurrency } from "../currencies";

export { CONFIG_DEFAULTS, CONFIG_KEYS, LOCATION_KEY, LOCATION_SPEC, NAMESPACE, SECRET_CONFIG_KEYS, configKeySpec } from "./stackKeys";
export type { ConfigKey, ConfigKeySpec } from "./stackKeys";
import { CONFIG_DEFAULTS, CONFIG_KEYS, LOCATION_KEY, NAMESPACE, SECRET_CONFIG_KEYS, configKeySpec } from "./stackKeys";
import { checkAdminPassword, checkAdminUsername } from "../csv/images";
import { ConfigLocator, SettingsContext } from "./settingsContext";
import { SUBNET_NAME, readNetwork, readOnPremises, reservedOverlap } from "./settingsNetwork";
import { readDnsLabels, readVpn } from "./settingsVpn";
export { RECOMMENDED_GATEWAY_SUBNET_PREFIX, RESERVED_RANGES, reservedOverlap } from "./settingsNetwork";
export { defaultDnsLabel, publicIpFqdn } from "./settingsVpn";
// The settings' shapes live in settingsTypes.ts, so that the modules reading one concern
// (settingsNetwork.ts, settingsVpn.ts) need not import this file, which imports them.
export { DNS_LABEL_SCOPES, LICENSE_TYPES, OS_DISK_SKUS, PARKED_DISK_SKUS } from "./settingsTypes";
export type { DnsLabelScope, LicenseType, OnPremisesSetting, OsDiskSku, ParkedDiskSku, ParkedDiskSkus, ReadinessSettings, StackSettings, SubnetSetting, VmImageSettings } from "./settingsTypes";
import { LICENSE_TYPES, OS_DISK_SKUS, PARKED_DISK_SKUS, ParkedDiskSku, ParkedDiskSkus, ReadinessSettings, StackSettings, VmImageSettings } from "./settingsTypes";
export type { ConfigLocator } from "./settingsContext";

/** Bounds of `readinessTimeoutMinutes`: the gate's Run Command gets 5 more minutes, within the
 * 90 minutes Run Command allows a script (learn.microsoft.com/azure/virtual-machines/windows/run-command). */
export const MIN_READINESS_MINUTES = 5;
export const MAX_READINESS_MINUTES = 85;

/**
 * Namespaces a stack file may use besides `exchange-lab:`: `azure-native:` is the Azure
 * provider's own configuration (`location`, which the program reads, and keys such as
 * `subscriptionId`, `tenantId` or `environment`, which Pulumi hands to the provider and the
 * provider checks), and `pulumi:` holds Pulumi's own settings (e.g.
 * `pulumi:disable-default-providers`). A key in any other namespace, or in none, is read by
 * nobody: an error, so that `vpn: false` written without `exchange-lab:` cannot leave the VPN on.
 */
export const OTHER_NAMESPACES = ["azure-native", "pulumi"] as const;

/** Sources that open an endpoint to the whole internet; accepted only when written literally. */
export const WHOLE_INTERNET = ["*", "Internet", "0.0.0.0/0", "Any"];


const RESOURCE_GROUP_NAME = /^[-\p{L}\p{N}_.()]{1,90}$/u;

/** Normalises a region as written by people (`West Europe`) to its ARM name (`westeurope`). */
export function normaliseLocation(text: string): string {
  return text.toLowerCase().replace(/\s+/g, "");
}

/**
 * Parses and validates the stack configuration.
 *
 * @param raw full config keys (`exchange-lab:subnets`) to their text; structured values
 *   (lists, maps) are JSON text, as Pulumi stores them.
 * @param locate where each key is written, for problem locations.
 * @param unreadable keys whose value is encrypted and unknown here (the offline plan's `secure:`
 *   values): a warning each unless it is `vpnSharedKey`, the one secret; their own checks are
 *   skipped (`pulumi up` makes them), and `csv` falls back to its default.
 * @returns the settings, or `undefined` with at least one problem; warnings do not stop a
 *   deployment. Never throws. Messages never contain the value of `vpnSharedKey` or `adminPassword`.
 */
export function parseSettings(
  raw: Readonly<Record<string, string>>,
  locate: ConfigLocator,
  unreadable: readonly string[] = [],
): { settings?: StackSettings; problems: Problem[]; warnings: Problem[] } {
  const ctx = new SettingsContext(raw, locate, unreadable, reservedOverlap);
  checkNamespaces(ctx);
  const location = readLocation(ctx);
  const { resourceGroupName, diskResourceGroupName } = readResourceGroups(ctx);
  const { csv, virtualNetworkName } = readNames(ctx);
  const { addressSpace, gatewaySubnet, subnets } = readNetwork(ctx);
  const office = readOnPremises(ctx, addressSpace);
  const onPremises = office.onPremises;
  const vpn = readVpn(ctx, office, addressSpace);
  const allowedSourcePrefixes = readSources(ctx, "allowedSourcePrefixes", onPremises?.publicIp ? [`${onPremises.publicIp}/32`] : [], "RDP and every published port");
  const publishedSourcePrefixes = readSources(ctx, "publishedSourcePrefixes", allowedSourcePrefixes, "every published port (Endpoints)");
  const dnsServers = readDnsServers(ctx);
  const autoShutdown = readAutoShutdown(ctx);
  const dns = readDnsLabels(ctx, { resourceGroupName, virtualNetworkName }, vpn);
  const readiness = readReadiness(ctx);
  const vmImage = readVmImage(ctx);
  const parkedDiskSku = readParkedDiskSku(ctx);
  const currency = readCurrency(ctx);
  const { problems, warnings } = ctx;
  // An encrypted value was checked as its placeholder text: those findings say nothing.
  for (let i = ctx.problems.length - 1; i >= 0; i--) {
    if (ctx.unreadable.some((k) => ctx.isUnreadable(k) && (problems[i].column === k || problems[i].column.startsWith(`${k}.`)))) problems.splice(i, 1);
  }
  if (problems.length === 0 && !gatewaySubnet && ctx.isUnreadable(ctx.full("gatewaySubnet"))) {
    ctx.report(ctx.full("gatewaySubnet"), "the plan needs this value to lay out the network and it is encrypted (secure:); write it in plain text (it is not a secret), or use pulumi preview");
  }
  if (problems.length > 0 || !gatewaySubnet) return { problems, warnings };
  return {
    settings: {
      location, resourceGroupName, diskResourceGroupName, csv, virtualNetworkName, addressSpace, gatewaySubnet, subnets, onPremises, vpn,
      allowedSourcePrefixes, publishedSourcePrefixes, dnsServers, dnsServersLocation: locate(`${NAMESPACE}:dnsServers`), autoShutdown, dns,
      readiness, vmImage, parkedDiskSku, ...(currency ? { currency } : {}),
    },
    problems,
    warnings,
  };
}

/**
 * "did you mean" for an unknown key: the key written in another case first (`autoshutdown` ->
 * autoShutdown), else the keys within a third of its length by edit distance (at least 2), else
 * every key.
 */
export function suggestKey(name: string): string {
  const keys = Object.keys(CONFIG_KEYS);
  const sameCase = keys.find((k) => k.toLowerCase() === name.toLowerCase());
  if (sameCase) return `keys are case-sensitive: did you mean ${NAMESPACE}:${sameCase}?`;
  const limit = Math.max(2, Math.floor(name.length / 3));
  const near = closest(name, keys).filter((k) => distance(k.toLowerCase(), name.toLowerCase()) <= limit);
  return near.length > 0 ? didYouMean(near.map((k) => `${NAMESPACE}:${k}`)) : `the keys are ${keys.join(", ")}`;
}

/** Keys in no namespace or in one nobody reads are errors; a secure: value on a non-secret key is a warning. */
function checkNamespaces(ctx: SettingsContext): void {
  for (const key of Object.keys(ctx.raw)) {
    const colon = key.indexOf(":");
    const namespace = colon < 0 ? undefined : key.slice(0, colon);
    const name = colon < 0 ? key : key.slice(colon + 1);
    const ours = configKeySpec(name) ? `${NAMESPACE}:${name}` : name.toLowerCase() === "location" ? LOCATION_KEY : undefined;
    if (namespace === NAMESPACE) {
      if (!configKeySpec(name)) ctx.report(key, `unknown configuration key; ${suggestKey(name)}`);
    } else if (namespace === undefined) {
      const message = `the key has no namespace, so nothing reads it; write ${ours ?? `${NAMESPACE}:<key>`}`;
      if (key.trim() === "") ctx.problems.push({ ...ctx.locate(key), column: "(empty key)", message });
      else ctx.report(key, message);
    } else if (!(OTHER_NAMESPACES as readonly string[]).includes(namespace)) {
      ctx.report(key, `namespace '${namespace}' is not this project's (${NAMESPACE}) nor one it uses (${OTHER_NAMESPACES.join(", ")}), so nothing reads it${ours ? `; did you mean ${ours}?` : ""}`);
    }
  }
  for (const key of ctx.unreadable) {
    if (!SECRET_CONFIG_KEYS.some((k) => key === ctx.full(k)) && ctx.raw[key] !== undefined) {
      ctx.warn(key, `a secure: value on a key that is not a secret: the plan cannot read it, so it is not checked here (pulumi up checks it); only ${SECRET_CONFIG_KEYS.slice(0, -1).join(", ")} and ${SECRET_CONFIG_KEYS[SECRET_CONFIG_KEYS.length - 1]} need --secret`);
    }
  }
}

/** `azure-native:location`, checked against the region catalogue. */
function readLocation(ctx: SettingsContext): string {
  const locationText = ctx.raw[LOCATION_KEY]?.trim();
  let location = "";
  if (!locationText) {
    ctx.report(LOCATION_KEY, "required: the Azure region, e.g. westeurope");
  } else {
    location = normaliseLocation(locationText);
    // Checked against the bundled region catalogue (src/input/catalogues.ts): a typo would otherwise
    // reach Azure, and the cost estimate would find no prices.
    const found = findRegion(locationText);
    if ("error" in found) ctx.report(LOCATION_KEY, found.error);
    else location = found.region.name;
  }

  return location;
}

/** The two resource groups: the disks must live outside the one the stack owns. */
function readResourceGroups(ctx: SettingsContext): { resourceGroupName: string; diskResourceGroupName: string } {
  const resourceGroupName = ctx.text("resourceGroupName", true) ?? "";
  const diskResourceGroupName = ctx.text("diskResourceGroupName", true) ?? "";
  for (const [key, name] of [["resourceGroupName", resourceGroupName], ["diskResourceGroupName", diskResourceGroupName]] as const) {
    if (name && (!RESOURCE_GROUP_NAME.test(name) || name.endsWith("."))) {
      ctx.report(ctx.full(key), `'${name}' is not a valid resource group name (1-90 letters, digits, '-', '_', '.', '(', ')'; not ending in '.')`);
    }
  }
  if (resourceGroupName && diskResourceGroupName && resourceGroupName.toLowerCase() === diskResourceGroupName.toLowerCase()) {
    ctx.report(
      ctx.full("diskResourceGroupName"),
      `must differ from resourceGroupName '${resourceGroupName}': pulumi destroy deletes the resource group the stack owns and every disk inside it`,
    );
  }

  return { resourceGroupName, diskResourceGroupName };
}

/** The CSV path and the virtual network's name. */
function readNames(ctx: SettingsContext): { csv: string; virtualNetworkName: string } {
  const csv = ctx.isUnreadable(ctx.full("csv")) ? String(CONFIG_DEFAULTS.csv) : ctx.text("csv", false) ?? String(CONFIG_DEFAULTS.csv);
  const virtualNetworkName = ctx.text("virtualNetworkName", false) ?? String(CONFIG_DEFAULTS.virtualNetworkName);
  // Virtual networks: 2-64 characters of the same set as subnets.
  if (!SUBNET_NAME.test(virtualNetworkName) || virtualNetworkName.length < 2 || virtualNetworkName.length > 64) {
    ctx.report(ctx.full("virtualNetworkName"), `'${virtualNetworkName}' is not a valid virtual network name (2-64 letters, digits, '_', '.', '-'; starts with a letter or digit, ends with a letter, digit or '_')`);
  }

  return { csv, virtualNetworkName };
}

/**
 * A list of internet sources (`allowedSourcePrefixes`, `publishedSourcePrefixes`): IPv4 addresses
 * (taken as /32) and CIDRs; `fallback` when the key is absent. The whole internet (`Internet`, `*`,
 * `0.0.0.0/0`) only when written literally, with a warning that says what it opens (`opens`).
 */
function readSources(ctx: SettingsContext, key: "allowedSourcePrefixes" | "publishedSourcePrefixes", fallback: readonly string[], opens: string): string[] {
  const value = ctx.structured(key, false);
  if (value === undefined) return [...fallback];
  const sources: string[] = [];
  const items: unknown[] = Array.isArray(value) ? value : [value];
  items.forEach((item, i) => {
    const sub = Array.isArray(value) ? String(i) : undefined;
    if (typeof item !== "string") return ctx.report(ctx.full(key), `expected an IPv4 address or CIDR, got ${JSON.stringify(item)}`, sub);
    const match = WHOLE_INTERNET.find((w) => w.toLowerCase() === item.trim().toLowerCase());
    if (match) {
      sources.push(match === "0.0.0.0/0" ? match : "Internet");
      ctx.warn(ctx.full(key), `'${item}' opens ${opens} to the whole internet`, sub);
      return;
    }
    const text = /^[\d.]+$/.test(item.trim()) ? `${item.trim()}/32` : item.trim();
    const block = ctx.cidr(ctx.full(key), text, sub);
    if (block && !sources.includes(block.text)) sources.push(block.text);
  });
  return sources;
}

/** Lab DNS: names are resolved against the CSV in lab.ts. */
function readDnsServers(ctx: SettingsContext): string[] {
  const dnsValue = ctx.structured("dnsServers", false) ?? [];
  const dnsServers = (Array.isArray(dnsValue) ? dnsValue : [dnsValue]).filter((d, i) => {
    if (typeof d === "string" && d.trim() !== "") return true;
    ctx.report(ctx.full("dnsServers"), `expected a VM name or IPv4 address, got ${JSON.stringify(d)}`, String(i));
    return false;
  }).map((d) => (d as string).trim());

  return dnsServers;
}

/** Auto-shutdown: Microsoft.DevTestLab/schedules takes dailyRecurrence.time as "HHmm" and a Windows time zone ID. */
function readAutoShutdown(ctx: SettingsContext): StackSettings["autoShutdown"] {
  const shutdownValue = ctx.structured("autoShutdown", false);
  let autoShutdown: StackSettings["autoShutdown"];
  if (shutdownValue !== undefined) {
    const key = ctx.full("autoShutdown");
    const v = ctx.fieldsOf(key, shutdownValue, ["time", "timeZone"], "{ time: HHmm, timeZone: <Windows time zone ID, e.g. GMT Standard Time> }");
    if (v) {
      const time = typeof v.time === "number" ? String(v.time).padStart(4, "0") : v.time;
      const timeZone = v.timeZone === undefined ? "UTC" : v.timeZone;
      if (typeof time !== "string" || !/^([01]\d|2[0-3])[0-5]\d$/.test(time)) ctx.report(key, `expected a time of day as HHmm (e.g. 1900), got ${JSON.stringify(v.time)}`, "time");
      else if (typeof timeZone !== "string" || timeZone.trim() === "") ctx.report(key, `expected a Windows time zone ID such as 'GMT Standard Time' or 'UTC', got ${JSON.stringify(v.timeZone)}`, "timeZone");
      else {
        // Azure's schedule takes a Windows time zone ID; an IANA name is mapped through CLDR.
        const zone = resolveTimeZone(timeZone.trim());
        if ("error" in zone) ctx.report(key, zone.error, "timeZone");
        else {
          if (zone.fromIana) ctx.warn(key, `'${zone.fromIana}' is an IANA name; Azure takes a Windows time zone ID, so '${zone.id}' is used (write it to silence this)`, "timeZone");
          autoShutdown = { time, timeZone: zone.id };
        }
      }
    }
  }

  return autoShutdown;
}

/** Readiness gates: the deadline must leave the Run Command's own 90-minute limit some room. */
function readReadiness(ctx: SettingsContext): ReadinessSettings {
  const timeoutText = ctx.text("readinessTimeoutMinutes", false) ?? String(CONFIG_DEFAULTS.readinessTimeoutMinutes);
  const timeoutMinutes = /^\d{1,3}$/.test(timeoutText) ? Number(timeoutText) : NaN;
  if (!(timeoutMinutes >= MIN_READINESS_MINUTES && timeoutMinutes <= MAX_READINESS_MINUTES)) {
    ctx.report(ctx.full("readinessTimeoutMinutes"), `expected whole minutes from ${MIN_READINESS_MINUTES} to ${MAX_READINESS_MINUTES}, got '${timeoutText}'`);
  }
  const gatesText = (ctx.text("readinessGates", false) ?? "true").toLowerCase();
  if (gatesText !== "true" && gatesText !== "false") ctx.report(ctx.full("readinessGates"), `expected true or false, got '${ctx.raw[ctx.full("readinessGates")]}'`);
  const skipValue = ctx.structured("readinessGatesSkip", false) ?? [];
  const skip = (Array.isArray(skipValue) ? skipValue : [skipValue]).filter((v, i) => {
    if (typeof v === "string" && v.trim() !== "") return true;
    ctx.report(ctx.full("readinessGatesSkip"), `expected a VM name of the CSV, got ${JSON.stringify(v)}`, String(i));
    return false;
  }).map((v) => (v as string).trim());
  const readiness: ReadinessSettings = { timeoutMinutes, gates: gatesText !== "false", skip, skipLocation: ctx.locate(ctx.full("readinessGatesSkip")) };

  return readiness;
}

/**
 * The administrator, licence and disk type of VMs built from an image. Whether they are required
 * depends on the CSV (program.ts); here each is checked when set. The password is never echoed,
 * and an encrypted one (the plan's `secure:` value) is not checked here: `pulumi up` checks it.
 */
function readVmImage(ctx: SettingsContext): VmImageSettings {
  const adminUsername = ctx.text("adminUsername", false);
  const nameProblem = adminUsername === undefined ? undefined : checkAdminUsername(adminUsername);
  if (nameProblem) ctx.report(ctx.full("adminUsername"), nameProblem);
  const passwordKey = ctx.full("adminPassword");
  const password = ctx.raw[passwordKey];
  if (password !== undefined && !ctx.unreadable.includes(passwordKey)) {
    const passwordProblem = checkAdminPassword(password);
    if (passwordProblem) ctx.report(passwordKey, `the password ${passwordProblem}`);
  }
  const licenseText = ctx.text("licenseType", false);
  const licenseType = licenseText === undefined ? undefined : LICENSE_TYPES.find((t) => t.toLowerCase() === licenseText.toLowerCase());
  if (licenseText !== undefined && !licenseType) ctx.report(ctx.full("licenseType"), `'${licenseText}' is not accepted; use ${LICENSE_TYPES.join(", ")}`);
  if (licenseType === "Windows_Client") {
    // https://learn.microsoft.com/azure/virtual-machines/windows/windows-desktop-multitenant-hosting-deployment
    ctx.warn(ctx.full("licenseType"), "Windows_Client claims the multitenant hosting rights for Windows 10/11: allowed only if every user of these VMs holds a qualifying per-user licence (Microsoft 365 E3/E5/F3/A3/A5, Windows Enterprise E3/E5, Windows Education A3/A5 or Windows VDA E3/E5); it applies to the VMs of Windows client images (MicrosoftWindowsDesktop) only, and the servers are billed with Windows");
  }
  const skuText = ctx.text("osDiskSku", false) ?? String(CONFIG_DEFAULTS.osDiskSku);
  const osDiskSku = OS_DISK_SKUS.find((k) => k.toLowerCase() === skuText.toLowerCase());
  if (!osDiskSku) ctx.report(ctx.full("osDiskSku"), `'${skuText}' is not a storage type an OS disk can have; use ${OS_DISK_SKUS.join(", ")}`);
  return { adminUsername, adminPassword: password === undefined ? "missing" : "configured", licenseType, osDiskSku: osDiskSku ?? "StandardSSD_LRS" };
}

/** The parked types when `parkedDiskSku` is unset: OS disks on Standard SSD, data disks on Standard HDD. */
export const DEFAULT_PARKED_DISK_SKUS: ParkedDiskSkus = { os: "StandardSSD_LRS", data: "Standard_LRS" };

/**
 * `currency`: an ISO 4217 code (three letters, any case, kept upper case). One the Retail Prices API
 * does not document (`PLN`) is accepted with a warning: `npm run prices` cannot fetch prices in it, so
 * the estimate shows none (src/input/currencies.ts).
 */
function readCurrency(ctx: SettingsContext): string | undefined {
  const text = ctx.text("currency", false);
  if (text === undefined) return undefined;
  const key = ctx.full("currency");
  const code = text.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) {
    const meant = /£|pound|sterling/i.test(text) ? "GBP" : /€|euro/i.test(text) ? "EUR" : /\$|dollar/i.test(text) ? "USD" : undefined;
    ctx.report(key, `'${text}' is not a currency code; write the three letters of ISO 4217, as the Azure Retail Prices API does (${RETAIL_CURRENCIES.join(", ")})${meant ? `; did you mean ${meant}?` : ""}`);
    return undefined;
  }
  if (!isRetailCurrency(code)) ctx.warn(key, `the Azure Retail Prices API does not list ${code} (it has ${RETAIL_CURRENCIES.join(", ")}), so no prices can be fetched in it and the cost estimate shows none; use the currency the API gives for your billing account, e.g. USD`);
  return code;
}

/**
 * `parkedDiskSku`: one of {@link PARKED_DISK_SKUS} (any case) for every disk, or a map
 * `{ os, data }` per disk role; a role left out takes {@link DEFAULT_PARKED_DISK_SKUS}. OS disks on
 * Standard HDD draw a warning: Microsoft retires Standard HDD OS disks on 2028-09-08 and asks to
 * "Stop creating new virtual machines with Standard HDD OS disks"
 * (https://learn.microsoft.com/azure/virtual-machines/disks-hdd-os-retirement).
 */
function readParkedDiskSku(ctx: SettingsContext): ParkedDiskSkus {
  const value = ctx.structured("parkedDiskSku", false);
  const key = ctx.full("parkedDiskSku");
  const skuOf = (text: unknown, sub?: string): ParkedDiskSku | undefined => {
    const sku = typeof text === "string" ? PARKED_DISK_SKUS.find((k) => k.toLowerCase() === text.toLowerCase()) : undefined;
    if (!sku) ctx.report(key, `${JSON.stringify(text)} is not a parked disk type; use ${PARKED_DISK_SKUS.join(" or ")} (Premium types cost more, not less)`, sub);
    return sku;
  };
  let skus: ParkedDiskSkus = { ...DEFAULT_PARKED_DISK_SKUS };
  if (typeof value === "string") {
    const sku = skuOf(value);
    if (sku) skus = { os: sku, data: sku };
  } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [role, text] of Object.entries(value)) {
      if (role !== "os" && role !== "data") {
        ctx.report(key, `'${role}' is not a disk role; parkedDiskSku takes os and data`, role);
        continue;
      }
      const sku = skuOf(text, role);
      if (sku) skus[role] = sku;
    }
  } else if (value !== undefined) {
    ctx.report(key, `expected ${PARKED_DISK_SKUS.join(" or ")}, or { os: ..., data: ... }, got ${JSON.stringify(value)}`);
  }
  if (skus.os === "Standard_LRS") {
    ctx.warn(key, "OS disks would park on Standard HDD: Microsoft retires Standard HDD OS disks on 2028-09-08 and asks to stop creating VMs on them (https://learn.microsoft.com/azure/virtual-machines/disks-hdd-os-retirement); npm run lab -- start converts them back first, but park OS disks on StandardSSD_LRS ({ os: StandardSSD_LRS, data: Standard_LRS }, the default)", "os");
  }
  return skus;
}
