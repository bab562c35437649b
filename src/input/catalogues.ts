/**
 * Catalogues, not guesses: the Azure regions, VM sizes and Windows time zone IDs the stack file
 * and the CSV are checked against, so that a value Azure would refuse (`westeurop`,
 * `Standard_B2ss`, `Europe/London` where Azure wants a Windows ID) fails the plan, naming the
 * closest valid values. Pure apart from reading the bundled catalogues once.
 *
 * - Regions and VM sizes: `catalogues/regions.json` and `catalogues/vm-sizes.json`, each with
 *   its date and public source, refreshed by `npm run catalogues` (src/catalogues/cli.ts).
 * - Time zones: the `windows-iana` package (CLDR's windowsZones mapping, Unicode's public data):
 *   every Windows time zone ID, and the IANA names each stands for. Azure's auto-shutdown
 *   schedule takes a Windows ID (`timeZoneId`, e.g. `GMT Standard Time`), so an IANA name is
 *   accepted only where CLDR maps it to exactly one Windows ID, and is replaced by that ID.
 */
import * as fs from "fs";
import * as path from "path";
import { distance } from "fastest-levenshtein";
import { WINDOWS_TO_IANA_MAP, findWindows } from "windows-iana";

/** Where the bundled catalogues live: `catalogues/` at the project root. */
export const CATALOGUES_DIR = path.resolve(__dirname, "..", "..", "catalogues");

/**
 * An Azure region: its ARM name (`westeurope`), display name (`West Europe`), and where it is as
 * the Locations API's metadata says (`physicalLocation` `Netherlands`, `London`; `geography`
 * `Europe`, `United Kingdom`), for suggestions from a city or a country.
 */
export interface Region {
  name: string;
  displayName: string;
  physicalLocation?: string;
  geography?: string;
}

/** A VM size and what the lab needs to know of it. */
export interface VmSize {
  /** ARM size name, e.g. `Standard_B1ms`. */
  name: string;
  vcpus: number;
  memoryGiB: number;
  /** The most data disks it attaches. */
  maxDataDisks: number;
  /** Whether it boots Generation 1 (BIOS) disks, as BIOS-era Windows Server VHDs are. */
  generation1: boolean;
  /** Whether it boots Generation 2 (UEFI) disks (`HyperVGenerations` has V2). */
  generation2?: boolean;
  /** Whether it has a local temp disk (`MaxResourceVolumeMB` above 0): Azure resizes only between sizes that agree. */
  tempDisk?: boolean;
  /** Its disk controllers (`DiskControllerTypes`; a SKU without the capability has SCSI only). */
  diskControllers?: ("SCSI" | "NVMe")[];
}

/** A dated catalogue with its public source. */
export interface Catalogue<T> {
  /** When it was compiled or refreshed (ISO date). */
  date: string;
  source: string;
  entries: T[];
}

function readCatalogue<T>(file: string, key: string, valid: (entry: unknown) => boolean): Catalogue<T> {
  const full = path.join(CATALOGUES_DIR, file);
  const data = JSON.parse(fs.readFileSync(full, "utf8")) as Record<string, unknown>;
  const entries = data[key];
  if (typeof data.date !== "string" || typeof data.source !== "string" || !Array.isArray(entries) || !entries.every(valid)) {
    throw new Error(`${full} is not a catalogue (date, source, ${key}: [...])`);
  }
  return { date: data.date, source: data.source, entries: entries as T[] };
}

let regions: Catalogue<Region> | undefined;
let sizes: Catalogue<VmSize> | undefined;

/** The bundled region catalogue (read once). */
export function regionCatalogue(): Catalogue<Region> {
  regions ??= readCatalogue<Region>("regions.json", "regions", (r) => isRecord(r) && typeof r.name === "string" && typeof r.displayName === "string");
  return regions;
}

/** The bundled VM size catalogue (read once). */
export function sizeCatalogue(): Catalogue<VmSize> {
  sizes ??= readCatalogue<VmSize>("vm-sizes.json", "sizes", (s) =>
    isRecord(s) && typeof s.name === "string" && typeof s.vcpus === "number" && typeof s.memoryGiB === "number" && typeof s.maxDataDisks === "number" && typeof s.generation1 === "boolean");
  return sizes;
}

/** The time zone catalogue's label: the package and the CLDR data it carries. */
export const TIME_ZONE_CATALOGUE = { date: "2024-12-12", source: "windows-iana 5.1.0 (CLDR windowsZones)" } as const;

/** Every Windows time zone ID CLDR knows, e.g. `GMT Standard Time`, `UTC`. */
export function windowsTimeZoneIds(): string[] {
  return [...new Set(WINDOWS_TO_IANA_MAP.map((z) => z.windowsName as string))].sort();
}

/**
 * The `n` candidates closest to `text` by edit distance (case-insensitive), best first;
 * ties keep the candidates' order. For "did you mean ...?" messages.
 */
export function closest(text: string, candidates: readonly string[], n = 3): string[] {
  const lower = text.toLowerCase();
  return candidates
    .map((c, i) => ({ c, i, d: distance(lower, c.toLowerCase()) }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .slice(0, n)
    .map((x) => x.c);
}

/** "did you mean a, b or c?" */
export function didYouMean(options: readonly string[]): string {
  if (options.length === 0) return "";
  const last = options[options.length - 1];
  return `did you mean ${options.length === 1 ? last : `${options.slice(0, -1).join(", ")} or ${last}`}?`;
}

/**
 * Finds a region by ARM name or display name, case and spaces ignored (`West Europe`,
 * `westeurope`). Returns it, or an error naming the likeliest regions ({@link suggestRegions})
 * and the catalogue's date.
 */
export function findRegion(text: string): { region: Region } | { error: string } {
  const key = squash(text);
  const catalogue = regionCatalogue();
  const region = catalogue.entries.find((r) => r.name === key || squash(r.displayName) === key);
  if (region) return { region };
  return { error: `'${text}' is not an Azure region (catalogue of ${catalogue.date}); ${didYouMean(suggestRegions(text))}` };
}

const squash = (text: string) => text.toLowerCase().replace(/[\s-]+/g, "");

/**
 * The regions a person likely means by `text` (ARM names, best first, at most 3): a city or area
 * (`london` -> uksouth, then the rest of its geography: ukwest), a country or geography
 * (`uk`, `germany`), else the closest names and display names by edit distance.
 */
export function suggestRegions(text: string): string[] {
  const key = squash(text);
  const entries = regionCatalogue().entries;
  const place = entries.filter((r) => r.physicalLocation !== undefined && squash(r.physicalLocation).split(",").some((p) => p === key || (key.length >= 4 && p.startsWith(key))));
  const geographies = new Set(place.map((r) => r.geography));
  const byGeography = (g: string | undefined) => g !== undefined && (squash(g) === key || (key === "uk" && g === "United Kingdom") || (key === "us" && g === "United States"));
  const nearby = entries.filter((r) => !place.includes(r) && (geographies.has(r.geography) || byGeography(r.geography)));
  const found = [...place, ...nearby].map((r) => r.name);
  if (found.length > 0) return found.slice(0, 3);
  const byName = closest(key, entries.map((r) => r.name));
  const byDisplay = closest(text, entries.map((r) => r.displayName)).map((d) => entries.find((r) => r.displayName === d)!.name);
  return [...new Set([...byName.slice(0, 2), ...byDisplay])].slice(0, 3);
}

/** Finds a VM size by name, case-insensitively; `undefined` when the catalogue lacks it. */
export function findSize(name: string): VmSize | undefined {
  return sizeCatalogue().entries.find((s) => s.name.toLowerCase() === name.toLowerCase());
}

/**
 * Resolves an auto-shutdown time zone: a Windows time zone ID (any case), or an IANA name that
 * CLDR maps to exactly one Windows ID. Returns the Windows ID (with `fromIana` when mapped), or
 * an error naming the closest Windows IDs. `GMT` is refused with both meanings named.
 */
export function resolveTimeZone(text: string): { id: string; fromIana?: string } | { error: string } {
  // CLDR maps the IANA name `GMT` to Windows `UTC`, which ignores British Summer Time; a UK user
  // writing GMT usually means UK time, which does not. Either guess moves the shutdown by an hour
  // for half the year, so the choice is the user's.
  if (text.toLowerCase() === "gmt") {
    return { error: "'GMT' is ambiguous: write 'GMT Standard Time' for UK time (GMT in winter, British Summer Time in summer), or 'UTC' for a fixed UTC+0 all year" };
  }
  const ids = windowsTimeZoneIds();
  const id = ids.find((z) => z.toLowerCase() === text.toLowerCase());
  if (id) return { id };
  const mapped = text.includes("/") || /^[A-Za-z]+$/.test(text) ? [...new Set(findWindows(text) as string[])] : [];
  if (mapped.length === 1) return { id: mapped[0], fromIana: text };
  if (mapped.length > 1) return { error: `'${text}' maps to several Windows time zones (${mapped.join(", ")}); write the Windows ID` };
  return { error: `'${text}' is not a Windows time zone ID such as 'GMT Standard Time' or 'UTC' (${TIME_ZONE_CATALOGUE.source}); ${didYouMean(closest(text, ids))}` };
}

/** Each catalogue's name, date and source, for the plan's footer. */
export function catalogueLabels(): { name: string; date: string; source: string }[] {
  return [
    { name: "regions", date: regionCatalogue().date, source: "catalogues/regions.json" },
    { name: "VM sizes", date: sizeCatalogue().date, source: "catalogues/vm-sizes.json" },
    { name: "time zones", date: TIME_ZONE_CATALOGUE.date, source: TIME_ZONE_CATALOGUE.source },
  ];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
