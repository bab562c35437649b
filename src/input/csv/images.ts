/**
 * Building a VM from a Windows Server marketplace image: the CSV's `Image` and `ComputerName`
 * cells, the default name of the OS disk such a VM creates, and the stack's administrator
 * credentials. Pure.
 *
 * Sources:
 * - Image SKUs (publisher `MicrosoftWindowsServer`, offer `WindowsServer`; `-g2` SKUs are
 *   Generation 2): https://learn.microsoft.com/azure/virtual-machines/windows/cli-ps-findimage and
 *   https://learn.microsoft.com/azure/virtual-machines/generation-2.
 * - Windows client images: publisher `MicrosoftWindowsDesktop`, offers `windows-10` and
 *   `windows-11` (https://learn.microsoft.com/azure/virtual-machines/windows/windows-desktop-multitenant-hosting-deployment).
 *   Generation 2 serves "Windows 11 Pro, Windows 11 Enterprise" and "Windows 10 Pro, Windows 10
 *   Enterprise" (generation-2, "Generation 2 VM images in Azure Marketplace"); Windows 10 names its
 *   Generation 2 SKUs with `-g2` (`win10-22h2-pro-g2`; older ones `-gensecond`), while the Windows 11
 *   SKUs (`win11-24h2-pro`) carry no suffix: Windows 11 needs UEFI, Secure Boot and TPM 2.0, which
 *   only a Generation 2 VM has (https://learn.microsoft.com/windows/whats-new/windows-11-requirements#virtual-machine-support),
 *   so the `windows-11` offer is read as Generation 2.
 * - Computer name: at most 15 characters, not entirely numeric, none of `` ~!@#$%^&*()=+_[]{}\|;:.'",<>/? ``
 *   (ARM's message "Windows computer name cannot be more than 15 characters long, be entirely
 *   numeric, or contain the following characters", https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules).
 * - Administrator name and password: the VM FAQ, "What are the username requirements when creating
 *   a VM?" and "What are the password requirements when creating a VM?"
 *   (https://learn.microsoft.com/azure/virtual-machines/windows/faq), and the ARM `OSProfile`
 *   schema (https://learn.microsoft.com/rest/api/compute/virtual-machines/create-or-update#osprofile):
 *   name at most 20 characters, not ending in "."; password 12-123 characters with 3 of
 *   lower case, upper case, digit and special character, and none of the disallowed values.
 */
import { createHash } from "crypto";

/** A marketplace image: its URN parts and the VM generation it boots. */
export interface ImageRef {
  publisher: string;
  offer: string;
  sku: string;
  version: string;
  generation: 1 | 2;
  /** A Windows client (publisher `MicrosoftWindowsDesktop`: Windows 10 or 11), not Windows Server. */
  windowsClient: boolean;
  /** As written in the CSV (an alias or the URN). */
  text: string;
}

/** The publisher of the Windows 10 and 11 images. */
export const WINDOWS_CLIENT_PUBLISHER = "MicrosoftWindowsDesktop";

/**
 * The aliases of the `Image` column: Windows Server 2022 and 2025 Datacenter (Gen1 and Gen2), and
 * Windows 11 25H2 Pro and Enterprise (Gen2 only). Check a region offers a SKU with
 * `az vm image list-skus -l <region> -p MicrosoftWindowsDesktop -f windows-11`.
 */
export const IMAGE_ALIASES: Readonly<Record<string, { publisher: string; offer: string; sku: string; generation: 1 | 2 }>> = {
  ws2022: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2022-datacenter", generation: 1 },
  "ws2022-g2": { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2022-datacenter-g2", generation: 2 },
  ws2025: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2025-datacenter", generation: 1 },
  "ws2025-g2": { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2025-datacenter-g2", generation: 2 },
  win11: { publisher: WINDOWS_CLIENT_PUBLISHER, offer: "windows-11", sku: "win11-25h2-pro", generation: 2 },
  "win11-ent": { publisher: WINDOWS_CLIENT_PUBLISHER, offer: "windows-11", sku: "win11-25h2-ent", generation: 2 },
};

/**
 * The explicit generation of a URN, for an image whose SKU does not say it: `<urn>@gen1` or
 * `<urn>@gen2` (e.g. `MyPublisher:my-offer:my-sku:latest@gen2`). Azure's own answer is
 * `az vm image show --urn <urn> --query hyperVGeneration`.
 */
export const GENERATION_SUFFIX = /@gen([12])$/i;

// URN parts: publisher, offer and SKU are ARM names; the version is `latest` or a dotted number.
const URN_PART = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const URN_VERSION = /^(latest|\d+(\.\d+){2,3})$/i;

/**
 * Reads an `Image` cell: an alias of {@link IMAGE_ALIASES} (any case) or a full
 * `publisher:offer:sku:version` URN, optionally with {@link GENERATION_SUFFIX}. A URN's
 * generation is, in this order: the suffix; Generation 2 when the SKU ends in `-g2` or contains
 * `gen2` or `gensecond` (`2022-datacenter-g2`, `win10-22h2-pro-g2`, `22_04-lts-gen2`); Generation 2
 * for the `windows-11` offer of `MicrosoftWindowsDesktop` (see the module comment); else Generation 1,
 * with `assumed` so the caller can say so.
 */
export function parseImage(text: string): { image: ImageRef; assumed?: string } | { error: string } {
  const alias = IMAGE_ALIASES[text.toLowerCase()];
  if (alias) return { image: { publisher: alias.publisher, offer: alias.offer, sku: alias.sku, version: "latest", generation: alias.generation, windowsClient: alias.publisher === WINDOWS_CLIENT_PUBLISHER, text } };
  const suffix = GENERATION_SUFFIX.exec(text);
  const urn = suffix ? text.slice(0, suffix.index) : text;
  const parts = urn.split(":");
  if (parts.length !== 4) {
    return { error: `'${text}' is neither an image alias (${Object.keys(IMAGE_ALIASES).join(", ")}) nor a publisher:offer:sku:version URN (optionally ending in @gen1 or @gen2)` };
  }
  const [publisher, offer, sku, version] = parts;
  const bad = [publisher, offer, sku].find((p) => !URN_PART.test(p));
  if (bad !== undefined) return { error: `'${bad}' in the image URN is not a publisher, offer or SKU name (letters, digits, '.', '_', '-')` };
  if (!URN_VERSION.test(version)) return { error: `'${version}' in the image URN is not an image version ('latest' or a number such as 20348.2849.241107)` };
  const windowsClient = publisher.toLowerCase() === WINDOWS_CLIENT_PUBLISHER.toLowerCase();
  const named = /(-g2$|gen2|gensecond)/i.test(sku) || (windowsClient && offer.toLowerCase() === "windows-11");
  const generation: 1 | 2 = suffix ? (Number(suffix[1]) as 1 | 2) : named ? 2 : 1;
  return {
    image: { publisher, offer, sku, version, generation, windowsClient, text },
    ...(suffix || named
      ? {}
      : { assumed: `the image's SKU '${sku}' names no generation, so it is taken as Generation 1 (BIOS, no Trusted Launch); a Generation 2 SKU ends in -g2 or contains gen2, and any URN can say it with @gen1 or @gen2 (az vm image show --urn ${urn} --query hyperVGeneration)` }),
  };
}

/** The most characters of a Windows computer name (NetBIOS). */
export const MAX_COMPUTER_NAME = 15;

/** Checks a computer name; an error message, or `undefined` when Windows and ARM accept it. */
export function checkComputerName(name: string): string | undefined {
  if (name.length > MAX_COMPUTER_NAME) return `'${name}' is ${name.length} characters; a Windows computer name has at most ${MAX_COMPUTER_NAME}`;
  if (/^\d+$/.test(name)) return `'${name}' is all digits; a Windows computer name must not be`;
  if (!/^[A-Za-z0-9-]+$/.test(name)) return `'${name}' is not a Windows computer name (letters, digits and '-' only)`;
  return undefined;
}

/** Disk names: 1-80 characters (resource-name-rules, Microsoft.Compute/disks). */
const MAX_DISK_NAME = 80;

/**
 * The OS disk name an `Image` row gets when `VMOSDiskName` is empty: `<resourceGroupName>-<VMName>-os`.
 * The stack's own resource group name is unique per lab in a subscription, so two labs sharing
 * one disk resource group never pick the same name. Characters a disk name refuses (`(`, `)`)
 * become `-`; a name over 80 characters is cut and ends in a hash of the whole, so it stays unique.
 */
export function defaultOsDiskName(resourceGroupName: string, vmName: string): string {
  const whole = `${resourceGroupName}-${vmName}-os`.replace(/[^A-Za-z0-9_.-]/g, "-").replace(/^[^A-Za-z0-9]+/, "");
  if (whole.length <= MAX_DISK_NAME) return whole;
  const hash = createHash("sha256").update(whole).digest("hex").slice(0, 8);
  return `${whole.slice(0, MAX_DISK_NAME - 12).replace(/[^A-Za-z0-9]+$/, "")}-${hash}-os`;
}

/** Administrator names Azure refuses (the VM FAQ's list). */
export const RESERVED_ADMIN_NAMES = [
  "administrator", "admin", "user", "user1", "test", "user2", "test1", "user3", "admin1", "1", "123", "a", "actuser", "adm", "admin2",
  "aspnet", "backup", "console", "david", "guest", "john", "owner", "root", "server", "sql", "support", "support_388945a0", "sys",
  "test2", "test3", "user4", "user5",
] as const;
/** The longest Windows administrator name Azure accepts. */
export const MAX_ADMIN_NAME = 20;

/** Checks an administrator name; an error message, or `undefined` when Azure accepts it. */
export function checkAdminUsername(name: string): string | undefined {
  if (name.length > MAX_ADMIN_NAME) return `'${name}' is ${name.length} characters; Azure accepts at most ${MAX_ADMIN_NAME} for a Windows administrator`;
  if (name.endsWith(".")) return `'${name}' ends in '.', which Azure refuses for a Windows administrator`;
  if ((RESERVED_ADMIN_NAMES as readonly string[]).includes(name.toLowerCase())) return `'${name}' is a name Azure reserves and refuses for the administrator; choose another, e.g. labadmin`;
  if (/["/\\[\]:;|=,+*?<>@]/.test(name)) return `'${name}' has a character Windows refuses in a user name ("/\\[]:;|=,+*?<>@)`;
  return undefined;
}

/** Passwords Azure refuses whatever their complexity (the VM FAQ's list). */
export const BANNED_PASSWORDS = ["abc@123", "P@$$w0rd", "P@ssw0rd", "P@ssword123", "Pa$$word", "pass@word1", "Password!", "Password1", "Password22", "iloveyou!"] as const;
export const MIN_PASSWORD = 12;
export const MAX_PASSWORD = 123;

/**
 * Checks an administrator password without ever echoing it (the message gives lengths and
 * counts only). @returns an error message, or `undefined` when Azure accepts it.
 */
export function checkAdminPassword(password: string): string | undefined {
  if ((BANNED_PASSWORDS as readonly string[]).includes(password)) return "is one of the passwords Azure refuses (its list of common passwords)";
  if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) return `is ${password.length} characters; Azure wants ${MIN_PASSWORD} to ${MAX_PASSWORD}`;
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[\W_]/].filter((re) => re.test(password)).length;
  if (classes < 3) return `has ${classes} of the 4 character classes (lower case, upper case, digit, special character); Azure wants 3`;
  return undefined;
}

/** The command that stores the password: `pulumi config set` prompts for a value it is not given,
 * so the password never lands in the shell's history or in this program's output. */
export const SET_PASSWORD_COMMAND = "pulumi config set --secret exchange-lab:adminPassword";

/**
 * How an Image row's VM gets its OS disk at this `pulumi up`, from what Azure says about the disk:
 * `fromImage` while the disk does not exist (the VM creates it from the image), `attach` once it
 * does (the disk is specialized: no osProfile; `trustedLaunch` copies the disk's security type).
 */
export type OsDiskMode = { kind: "fromImage" } | { kind: "attach"; trustedLaunch: boolean };
