/**
 * What `pulumi up` would change, from two offline plans: the previous deployment's resources
 * (replayed from its record) and the lab's. Pure.
 *
 * The action follows Pulumi's rules (https://www.pulumi.com/docs/iac/concepts/how-pulumi-works/):
 * a resource in only one of the two is a create or a delete (matched through `aliases`, as
 * Pulumi matches a renamed resource); a changed input the provider cannot update in place makes a
 * replace. For azure-native those are the inputs that name the resource in its ARM URL (the
 * top-level `...Name` inputs and `name`, `resourceGroupName`) and `location`; beyond them, the
 * resource's `replaceOnChanges` paths and `replaceWith` resources. Paths under `ignoreChanges` are
 * not compared, as Pulumi copies them from the old inputs.
 */
import type { PlanResource } from "./planTypes";

/** One resource that `pulumi up` would change. `properties`: the input paths that differ. */
export interface Change {
  type: string;
  name: string;
  action: "create" | "update" | "replace" | "delete";
  properties: string[];
}

/** Input paths that differ between two input objects, as `a.b[0].c`; an array whose length changed is one path. */
export function differingPaths(before: unknown, after: unknown, at = ""): string[] {
  if (Array.isArray(before) && Array.isArray(after)) {
    if (before.length !== after.length) return [at];
    return before.flatMap((b, i) => differingPaths(b, after[i], `${at}[${i}]`));
  }
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => differingPaths(before[k], after[k], at === "" ? k : `${at}.${k}`));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [at];
}

/** Whether a changed path forces a replacement: a URL-naming input, location, or a `replaceOnChanges` path. */
function forcesReplacement(path: string, replaceOnChanges: readonly string[]): boolean {
  const top = path.split(/[.[]/)[0];
  if (top === "location" || top === "name" || top.endsWith("Name")) return true;
  return replaceOnChanges.some((pattern) => {
    const re = new RegExp(`^${pattern.split("[*]").map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("\\[\\d+\\]")}`);
    // A change at or below the pattern, or of a whole array that holds it.
    return re.test(path) || pattern.replace(/\[\*\]/g, "[0]").startsWith(path);
  });
}

/**
 * The changes from `before` to `after`, in the order Pulumi would report them: the new plan's
 * resources (creates, updates, replaces), then the deletes.
 */
export function diffResources(before: readonly PlanResource[], after: readonly PlanResource[]): Change[] {
  const key = (type: string, name: string) => `${type}::${name}`;
  const old = new Map(before.map((r) => [key(r.type, r.name), r]));
  const matched = new Set<string>();
  const changes: Change[] = [];
  const replaced = new Set<string>();
  for (const r of after) {
    const candidates = [r.name, ...(r.options.aliases ?? [])];
    const previousName = candidates.find((n) => old.has(key(r.type, n)) && !matched.has(key(r.type, n)));
    if (previousName === undefined) {
      changes.push({ type: r.type, name: r.name, action: "create", properties: [] });
      continue;
    }
    matched.add(key(r.type, previousName));
    // Pulumi diffs nothing at or below an ignoreChanges path (an Image row's VM in its second life).
    const ignored = (path: string) => (r.options.ignoreChanges ?? []).some((i) => path === i || path.startsWith(`${i}.`) || path.startsWith(`${i}[`));
    const properties = differingPaths(old.get(key(r.type, previousName))!.inputs, r.inputs).filter((p) => !ignored(p));
    const replace = properties.some((p) => forcesReplacement(p, r.options.replaceOnChanges ?? [])) || (r.options.replaceWith ?? []).some((n) => replaced.has(n));
    if (replace) replaced.add(r.name);
    if (properties.length > 0 || replace) changes.push({ type: r.type, name: r.name, action: replace ? "replace" : "update", properties });
  }
  for (const r of before) if (!matched.has(key(r.type, r.name))) changes.push({ type: r.type, name: r.name, action: "delete", properties: [] });
  return changes;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
