/** The change preview's result types (shared by the engine, the renderers and the JSON output). */

export type Operation = "create" | "update" | "replace" | "delete" | "same";
export type ReplaceOrder = "create-before-delete" | "delete-before-replace";

export interface InputChange {
  /** Input path, e.g. `productionVariants[0].instanceType`. */
  readonly path: string;
  /** Old and new values; secrets are "[secret]", values that exist only after the deployment "(known after apply)". */
  readonly old?: unknown;
  readonly new?: unknown;
  /** The new value comes from an output of a resource being created or replaced. */
  readonly knownAfterApply?: boolean;
  /** This input's change replaces the resource. */
  readonly forcesReplacement?: boolean;
  /** URNs of the resources whose new outputs make this value unknown. */
  readonly from?: readonly string[];
}

export interface ChainLink {
  /** The upstream resource whose replacement (or update) flows into this one. */
  readonly urn: string;
  readonly name: string;
  readonly operation: Operation;
  /** This resource's inputs that take its outputs. */
  readonly inputs: readonly string[];
}

export interface ResourceDiff {
  readonly urn: string;
  /** The URN in the base, when the resource was renamed through an alias. */
  readonly oldUrn?: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly parent?: string;
  readonly operation: Operation;
  readonly replaceOrder?: ReplaceOrder;
  /** Why this order: the resource option, the provider's rule for the type, a program-set name. */
  readonly replaceOrderReason?: string;
  /** The inputs (concrete paths) that force the replacement. */
  readonly forcedBy?: readonly string[];
  readonly changes: readonly InputChange[];
  /** Upstream resources whose changed outputs caused (part of) this change. */
  readonly causedBy?: readonly ChainLink[];
  /** How the provider applies the update (from the replacement facts). */
  readonly note?: string;
  readonly protect: boolean;
  /** Why replacing or deleting it loses state, for stateful types. */
  readonly stateful?: string;
}

export type WarningKind =
  | "service-gap"
  | "protected"
  | "stateful"
  | "name-collision"
  | "autoscaling-reset"
  | "autoscaling-update-fails"
  | "dangling-reference"
  | "unknown-type";

export interface DiffWarning {
  readonly kind: WarningKind;
  readonly urn: string;
  readonly name: string;
  readonly message: string;
  /** Public source of the rule behind the warning. */
  readonly source?: string;
}
