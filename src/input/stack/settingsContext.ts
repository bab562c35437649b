/**
 * What every rule of the stack file shares while `parseSettings` walks the keys: the raw
 * key -> text map, where each key is written, and the problems and warnings found so far, with
 * the readers every key uses (text, structured values, CIDR blocks, map fields). Pure.
 */
import { Cidr, parseCidr } from "../addresses";
import { Problem } from "../problems";
import { CONFIG_KEYS, ConfigKey, NAMESPACE, SECRET_CONFIG_KEYS } from "./stackKeys";

/** Where a config key is written: the stack file's path and the key's line (0 if unknown). */
export type ConfigLocator = (key: string) => { file: string; line: number };

export class SettingsContext {
  readonly problems: Problem[] = [];
  readonly warnings: Problem[] = [];

  /**
   * @param raw full keys to text; structured values (lists, maps) are JSON text, as Pulumi stores them.
   * @param locate where each key is written.
   * @param unreadable keys whose value is encrypted and unknown here (the plan's `secure:` values).
   * @param reservedOverlap the message for a block that overlaps a range Azure reserves, if it does.
   */
  constructor(
    readonly raw: Readonly<Record<string, string>>,
    readonly locate: ConfigLocator,
    readonly unreadable: readonly string[],
    private readonly reservedOverlap: (block: Cidr) => string | undefined,
  ) {}

  /** A problem on `key` (or its field `sub`). */
  report(key: string, message: string, sub?: string): void {
    this.problems.push({ ...this.locate(key), column: sub ? `${key}.${sub}` : key, message });
  }

  /** A warning on `key` (or its field `sub`). */
  warn(key: string, message: string, sub?: string): void {
    this.warnings.push({ ...this.locate(key), column: sub ? `${key}.${sub}` : key, message });
  }

  /** The full key of one of the project's keys (`exchange-lab:<key>`). */
  full(key: ConfigKey): string {
    return `${NAMESPACE}:${key}`;
  }

  /** Whether a key's value is encrypted and so unknown here (the secret keys are checked apart). */
  isUnreadable(key: string): boolean {
    return !SECRET_CONFIG_KEYS.some((k) => key === this.full(k)) && this.unreadable.includes(key);
  }

  /** A key's trimmed text; `undefined` when absent or empty (a problem when `required`). */
  text(key: ConfigKey, required: boolean): string | undefined {
    const value = this.raw[this.full(key)];
    if (value === undefined || value.trim() === "") {
      if (required) this.report(this.full(key), `required: ${CONFIG_KEYS[key].description}`);
      return undefined;
    }
    return value.trim();
  }

  /** A key's value as JSON (lists and maps), or its text when it is a plain scalar. */
  structured(key: ConfigKey, required: boolean): unknown {
    const value = this.text(key, required);
    if (value === undefined) return undefined;
    try {
      return JSON.parse(value);
    } catch {
      return value; // a plain scalar, e.g. addressSpace: 10.20.0.0/16
    }
  }

  /** A CIDR block, or `undefined` with a problem. */
  cidr(key: string, value: unknown, sub?: string): Cidr | undefined {
    if (typeof value !== "string") {
      this.report(key, `expected a CIDR block such as 10.20.0.0/16, got ${JSON.stringify(value)}`, sub);
      return undefined;
    }
    try {
      return parseCidr(value);
    } catch (err) {
      this.report(key, (err as Error).message, sub);
      return undefined;
    }
  }

  /** A list of CIDR blocks (a single block counts as a list), none in a range Azure reserves. */
  cidrList(key: string, value: unknown): Cidr[] {
    const items = Array.isArray(value) ? value : [value];
    if (items.length === 0) this.report(key, "needs at least one CIDR block");
    return items.map((v, i) => {
      const sub = Array.isArray(value) ? `${i}` : undefined;
      const block = this.cidr(key, v, sub);
      const reserved = block && this.reservedOverlap(block);
      if (reserved) this.report(key, reserved, sub);
      return block;
    }).filter((c): c is Cidr => c !== undefined);
  }

  /** A map-valued key: reports a non-map and unknown fields; returns the fields, or undefined. */
  fieldsOf(key: string, value: unknown, fields: readonly string[], shape: string): Record<string, unknown> | undefined {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      this.report(key, `expected ${shape}`);
      return undefined;
    }
    for (const k of Object.keys(value)) if (!fields.includes(k)) this.report(key, `unknown field '${k}'; the fields are ${fields.join(", ")}`, k);
    return value as Record<string, unknown>;
  }
}
