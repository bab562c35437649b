/**
 * VM sizes: the classic InstanceSize names of the 2014 scripts mapped to current Azure
 * sizes that boot Generation 1 (BIOS) disks, plus checks on any other size name.
 *
 * Sources (Microsoft Learn):
 * - classic names = A0..A4 with 1/1/2/4/8 vCPU and 0.75/1.75/3.5/7/14 GiB, and the
 *   retirement of Basic and Standard A-series on 31 Aug 2024:
 *   https://learn.microsoft.com/azure/virtual-machines/sizes-previous-gen, https://learn.microsoft.com/azure/virtual-machines/av1-series-retirement.
 * - B-series v1 (B1s, B1ms, B2s, B2ms, B4ms, B8ms) supports Generation 1 and 2:
 *   https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/bv1-series (azure-compute-docs).
 *   Each classic size maps to the smallest Bv1 size with at least its vCPUs and memory:
 *   burstable sizes suit a lab that idles most of the day.
 * - Any other size must be in the bundled VM size catalogue (src/input/catalogues.ts), which also
 *   says which sizes boot Generation 1 disks.
 */
import { closest, didYouMean, findSize, sizeCatalogue } from "../catalogues";

/** A current size with its capacity (vCPUs, memory in GiB). */
export interface SizeInfo {
  name: string;
  vcpus: number;
  memoryGiB: number;
}

/** The one table from classic InstanceSize to a current, Generation 1 capable size. */
export const CLASSIC_SIZES: Readonly<Record<string, { classic: SizeInfo; current: SizeInfo }>> = {
  ExtraSmall: { classic: { name: "A0", vcpus: 1, memoryGiB: 0.75 }, current: { name: "Standard_B1s", vcpus: 1, memoryGiB: 1 } },
  Small: { classic: { name: "A1", vcpus: 1, memoryGiB: 1.75 }, current: { name: "Standard_B1ms", vcpus: 1, memoryGiB: 2 } },
  Medium: { classic: { name: "A2", vcpus: 2, memoryGiB: 3.5 }, current: { name: "Standard_B2s", vcpus: 2, memoryGiB: 4 } },
  Large: { classic: { name: "A3", vcpus: 4, memoryGiB: 7 }, current: { name: "Standard_B4ms", vcpus: 4, memoryGiB: 16 } },
  ExtraLarge: { classic: { name: "A4", vcpus: 8, memoryGiB: 14 }, current: { name: "Standard_B8ms", vcpus: 8, memoryGiB: 32 } },
};

/**
 * Data disks a size can attach, from the bundled VM size catalogue (`catalogues/vm-sizes.json`,
 * Microsoft Learn size pages). Every size {@link resolveSize} accepts is in it.
 */
export const MAX_DATA_DISKS_BY_SIZE: Readonly<Record<string, number>> = Object.fromEntries(sizeCatalogue().entries.map((s) => [s.name, s.maxDataDisks]));
/** The most data disks any Azure size attaches. */
export const MAX_DATA_DISKS = 64;

/** Result of resolving a CSV VMInstanceSize cell. */
export type SizeResolution =
  | { ok: true; size: string; classic?: string; warning?: string }
  | { ok: false; error: string };

const SIZE_NAME = /^(Standard|Basic)_[A-Za-z0-9_-]+$/i;
// Basic_A0..A4 and Standard_A0..A11 (A-series v1 and compute-intensive A8-A11) are retired;
// Standard_A1_v2 and the like (Av2) are not.
const RETIRED = /^(Basic_A\d+|Standard_A\d+)$/i;
// Arm64 sizes carry a 'p' in their feature letters (D2ps_v5, B2pls_v2, E4pds_v5): they
// cannot boot an x64 Windows Server disk.
const ARM64 = /^Standard_[A-Z]+\d+[a-z]*p[a-z]*_v\d+$/;
/**
 * Resolves a VMInstanceSize cell: a classic name (case-insensitive) maps through
 * {@link CLASSIC_SIZES}; any other text must look like an Azure size name
 * (`Standard_D2s_v5`) of the size catalogue (any case; the catalogue's spelling is returned).
 * Retired, Arm64 and unknown sizes are errors (an unknown one names the closest; a catalogue
 * name written without its `Standard_` prefix names the prefixed one); a size that
 * boots only Generation 2 disks is a warning. Never throws.
 */
export function resolveSize(text: string): SizeResolution {
  const classic = Object.keys(CLASSIC_SIZES).find((k) => k.toLowerCase() === text.toLowerCase());
  if (classic) return { ok: true, size: CLASSIC_SIZES[classic].current.name, classic };
  if (!SIZE_NAME.test(text)) {
    // `B4ms` for `Standard_B4ms`: the portal and pricing pages drop the prefix.
    const prefixed = findSize(`Standard_${text}`);
    if (prefixed) return { ok: false, error: `'${text}' needs its prefix: did you mean ${prefixed.name}?` };
    return {
      ok: false,
      error: `'${text}' is neither a classic size (${Object.keys(CLASSIC_SIZES).join(", ")}) nor an Azure size name such as Standard_D2s_v5`,
    };
  }
  if (RETIRED.test(text)) {
    return { ok: false, error: `${text} is an A-series v1 size, retired on 31 Aug 2024; use a classic name or e.g. Standard_B2s` };
  }
  if (ARM64.test(text)) {
    return { ok: false, error: `${text} is an Arm64 size and cannot boot an x64 Windows disk` };
  }
  const known = findSize(text);
  if (!known) {
    const catalogue = sizeCatalogue();
    const names = [...Object.keys(CLASSIC_SIZES), ...catalogue.entries.map((s) => s.name)];
    return { ok: false, error: `${text} is not a VM size of the catalogue (${catalogue.date}; npm run catalogues refreshes it); ${didYouMean(closest(text, names))}` };
  }
  if (!known.generation1) {
    return { ok: true, size: known.name, warning: `${known.name} boots Generation 2 disks only; BIOS-era lab disks are Generation 1 (check: az disk show --query hyperVGeneration)` };
  }
  return { ok: true, size: known.name };
}

/**
 * Whether a size attaches Premium SSD disks (the PremiumIO capability): Azure's size names carry
 * the feature letter `s`, "Premium Storage capable" (Microsoft Learn, VM naming conventions,
 * https://learn.microsoft.com/azure/virtual-machines/vm-naming-conventions), or an `S` family
 * suffix in older names (`DS2_v2`). "To use Premium managed disks, your VM must use a VM size that
 * supports Premium storage" (https://learn.microsoft.com/azure/virtual-machines/disks-convert-types).
 * In the bundled catalogue the sizes without it are the Av2 series, whose pages say "Premium
 * Storage: Not Supported" (https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/av2-series).
 * Some newer sizes support Premium storage without the letter; none is in the catalogue.
 */
export function supportsPremiumStorage(size: string): boolean {
  const m = /^Standard_([A-Z]+)\d+(?:-\d+)?([a-z]*)/.exec(size);
  if (!m) return true; // not a size name: resolveSize reports it
  return m[2].includes("s") || (m[1].length > 1 && m[1].endsWith("S"));
}
