/**
 * Existing managed disks named in the CSV (OS disk and data disks). The stack never owns a
 * disk: it attaches them by ID, derived from the CSV and the stack settings alone, so the
 * next `pulumi up` after a `pulumi destroy` attaches the very same disks.
 *
 * Name rules (Microsoft Learn, https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules,
 * Microsoft.Compute/disks): 1-80 letters, digits, '_', '.', '-'; starts with a letter or digit,
 * ends with a letter, digit or '_'.
 */

/** An existing managed disk, found by name in a resource group or by full resource ID. */
export interface DiskRef {
  resourceGroupName: string;
  name: string;
  /** The full ARM resource ID when the CSV gave one; otherwise built at deployment from the subscription. */
  id?: string;
}

const DISK_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?$/;
const DISK_ID = /^\/subscriptions\/([0-9a-fA-F-]{36})\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/disks\/([^/]+)$/i;

/**
 * Reads one disk reference: a disk name (in `diskResourceGroupName`) or a full disk resource
 * ID, which must lie in `diskResourceGroupName`. Returns the disk, or an error message.
 */
export function parseDiskRef(text: string, diskResourceGroupName: string): { disk: DiskRef } | { error: string } {
  if (text.startsWith("/")) {
    const m = DISK_ID.exec(text);
    if (!m) return { error: `'${text}' is not a managed disk resource ID (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Compute/disks/<name>)` };
    if (!DISK_NAME.test(m[3])) return { error: `'${m[3]}' in the disk ID is not a valid managed disk name (1-80 letters, digits, '_', '.', '-')` };
    if (m[2].toLowerCase() !== diskResourceGroupName.toLowerCase()) {
      return { error: `the disk is in resource group '${m[2]}', not in diskResourceGroupName '${diskResourceGroupName}'; move the disk or change the setting` };
    }
    return { disk: { resourceGroupName: m[2], name: m[3], id: text } };
  }
  if (!DISK_NAME.test(text)) return { error: `'${text}' is not a valid managed disk name (1-80 letters, digits, '_', '.', '-')` };
  return { disk: { resourceGroupName: diskResourceGroupName, name: text } };
}

/** A subscription no real one has: the offline plan's mocks deploy to it, so nothing is compared. */
export const UNKNOWN_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";

/**
 * The subscription a disk given by full resource ID lives in (lower case); `undefined` for a
 * disk given by name, which is looked up in the deploying subscription. A VM attaches managed
 * disks of its own subscription; a disk is moved or copied to serve another (Microsoft Learn,
 * https://learn.microsoft.com/azure/azure-resource-manager/management/move-resource-group-and-subscription). The exact ARM
 * error for a cross-subscription attach was not checked here (no subscription).
 */
export function diskSubscription(disk: DiskRef): string | undefined {
  return disk.id ? /^\/subscriptions\/([^/]+)\//i.exec(disk.id)?.[1]?.toLowerCase() : undefined;
}

/**
 * Managed disk performance tiers by size (Microsoft Learn, https://learn.microsoft.com/azure/virtual-machines/disks-types):
 * Standard HDD S4-S80, Standard SSD E1-E80, Premium SSD P1-P80. Used only for the cost estimate.
 */
export const DISK_TIERS: readonly string[] = [
  ...["4", "6", "10", "15", "20", "30", "40", "50", "60", "70", "80"].map((n) => `S${n}`),
  ...["E", "P"].flatMap((k) => ["1", "2", "3", "4", "6", "10", "15", "20", "30", "40", "50", "60", "70", "80"].map((n) => `${k}${n}`)),
];
/** The tier assumed for a disk whose tier the CSV does not give: 128 GiB Standard HDD, what an uploaded VHD becomes by default. */
export const ASSUMED_DISK_TIER = "S10";

/** The highest LUN Azure accepts for a data disk (LUNs 0-63; `virtual-machines/windows/attach-managed-disk-portal`). */
export const MAX_LUN = 63;

/** A data disk as a CSV `DataDisks` item: the disk and, when written (`LUN:disk`), its LUN. */
export interface DataDiskItem {
  disk: DiskRef;
  /** The LUN written in the cell (`2:mh-ex1-db`), or undefined when the cell gives only the disk. */
  lun?: number;
}

/**
 * Reads one `DataDisks` item: a disk name or ID (see {@link parseDiskRef}), optionally preceded
 * by its LUN and a colon (`2:mh-ex1-db`). The guest finds a data disk by its LUN (Exchange's
 * database volume, for instance), so a written LUN never moves. Returns the item or an error.
 */
export function parseDataDiskItem(text: string, diskResourceGroupName: string): { item: DataDiskItem } | { error: string } {
  const m = /^(\d{1,3})\s*:\s*(.*)$/.exec(text);
  const lun = m ? Number(m[1]) : undefined;
  if (lun !== undefined && lun > MAX_LUN) return { error: `LUN ${lun} is out of range; Azure accepts LUNs 0 to ${MAX_LUN}` };
  const parsed = parseDiskRef(m ? m[2] : text, diskResourceGroupName);
  return "error" in parsed ? parsed : { item: { disk: parsed.disk, lun } };
}

/** A disk's identity for comparisons: its name, case-insensitive (disk names are, `resource-name-rules`). */
export function diskKey(disk: DiskRef): string {
  return disk.name.toLowerCase();
}
