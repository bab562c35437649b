/**
 * The shape of a declared resource as the offline plan records it, apart from the plan that
 * records it (plan.ts) and the diff that compares two of them (changes.ts, which plan.ts imports).
 */

/** The resource options the plan shows: the first three always, the others when set. */
export interface PlanOptionsShown {
  retainOnDelete: boolean;
  protect: boolean;
  deleteBeforeReplace: boolean;
  replaceOnChanges?: string[];
  ignoreChanges?: string[];
  /** Logical name of the resource it is deleted with. */
  deletedWith?: string;
  /** Logical names of the resources it is replaced with. */
  replaceWith?: string[];
  /** Former logical names (Pulumi aliases): a renamed VM keeps its state. */
  aliases?: string[];
  customTimeouts?: { create?: string; update?: string; delete?: string };
}

/** One declared resource. */
export interface PlanResource {
  /** Pulumi type token, e.g. `azure-native:compute:VirtualMachine`. */
  type: string;
  /** Pulumi logical name. */
  name: string;
  /** Inputs as the provider would receive them; secrets as `[secret]` unless shown. */
  inputs: Record<string, unknown>;
  /** Logical names of the resources it waits for: explicit `dependsOn` and references in its inputs. */
  dependsOn: string[];
  options: PlanOptionsShown;
}
