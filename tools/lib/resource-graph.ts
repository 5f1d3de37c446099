/**
 * The resource graph as the Pulumi engine sees it. The offline preview captures one of these per stack from the
 * mock runtime; the cost estimator and the policy-pack driver consume it. Keeping one shape means the plan, the
 * policy verdicts and the cost estimate are all computed from the same data.
 */
export interface CapturedResourceOptions {
  /** The `protect` resource option. */
  readonly protect: boolean;
  /** The `ignoreChanges` resource option (property paths). */
  readonly ignoreChanges: readonly string[];
  /** The `retainOnDelete` resource option. */
  readonly retainOnDelete: boolean;
  /** The `deleteBeforeReplace` resource option. */
  readonly deleteBeforeReplace: boolean;
  /** true when the program set `deleteBeforeReplace` (to true or false), which overrides the provider's choice. */
  readonly deleteBeforeReplaceSet?: boolean;
  /** The `replaceOnChanges` resource option (property paths). */
  readonly replaceOnChanges: readonly string[];
  /** Explicit provider reference, when one was given. */
  readonly provider?: string;
  /** The `customTimeouts` resource option, as Go duration strings ("60m"). */
  readonly customTimeouts?: { readonly create?: string; readonly update?: string; readonly delete?: string };
}

export interface CapturedResource {
  /** Type token, e.g. `aws:sagemaker/endpoint:Endpoint` or `ml-platform:sagemaker:ScalableEndpoint`. */
  readonly type: string;
  /** Logical name given to the constructor. */
  readonly name: string;
  readonly urn: string;
  /** false for ComponentResources, true for provider-managed (custom) resources. */
  readonly custom: boolean;
  /** Parent URN; undefined only for the stack itself. */
  readonly parent?: string;
  /** URNs this resource depends on (explicit `dependsOn` plus dependencies of its inputs). */
  readonly dependencies: readonly string[];
  /** For each input property, the URNs its value came from. */
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  /** Inputs as sent to the engine (unknowns are absent; secrets unwrapped). */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Outputs as the mock provider answered them (inputs plus computed ids, names and ARNs). */
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly options: CapturedResourceOptions;
  /** URNs this resource answered to before (its `aliases` option plus those inherited from its parent's). */
  readonly aliases?: readonly string[];
  /** Input paths (`a.b`, `a[0]`) whose values are secrets. */
  readonly secretPaths?: readonly string[];
}

/** The whole stack: every resource in registration order, the stack's outputs, and its config. */
export interface CapturedStack {
  readonly project: string;
  readonly stack: string;
  readonly resources: readonly CapturedResource[];
  readonly outputs: Readonly<Record<string, unknown>>;
}
