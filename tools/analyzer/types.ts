/**
 * The data the offline analyzer client exchanges with a policy pack, as plain TypeScript types: what GetAnalyzerInfo
 * reports, policy config entries, violations, remediations and the options of a run.
 */
import type { PropertyChange } from "./remediation";

/** The four CrossGuard enforcement levels. */
export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
/** Policy severities (CrossGuard 1.18+). */
export type PolicySeverity = "low" | "medium" | "high" | "critical";

/** Metadata of one policy, as GetAnalyzerInfo reports it. */
export interface AnalyzerPolicyInfo {
  readonly name: string;
  readonly displayName?: string;
  readonly description: string;
  /** The policy's own level (or the pack's default when the policy has none). */
  readonly enforcementLevel: EnforcementLevel;
  readonly type: "resource" | "stack" | "unknown";
  readonly severity?: PolicySeverity;
  readonly remediationSteps?: string;
  readonly url?: string;
  readonly tags: readonly string[];
  readonly framework?: { name?: string; version?: string; reference?: string; specification?: string };
  /** The policy's configSchema (`properties` and `required`), if it has one. */
  readonly configSchema?: {
    properties: Record<string, Record<string, unknown>>;
    required: readonly string[];
  };
}

/** What GetAnalyzerInfo returns: the pack's identity and its policies. */
export interface AnalyzerInfo {
  readonly name: string;
  readonly version: string;
  readonly displayName?: string;
  readonly description?: string;
  readonly supportsConfig: boolean;
  readonly policies: readonly AnalyzerPolicyInfo[];
  /** Config the pack supplied programmatically (`new PolicyPack(name, args, initialConfig)`). */
  readonly initialConfig: Readonly<Record<string, PolicyConfigEntry>>;
}

/** One policy's effective config: its enforcement level and its properties. */
export interface PolicyConfigEntry {
  readonly enforcementLevel?: EnforcementLevel;
  readonly properties?: Readonly<Record<string, unknown>>;
}

/**
 * A policy config as written in a `--policy-pack-config` JSON file: keyed by policy name (or `all`), each value an
 * enforcement level or an object with an optional `enforcementLevel` plus the policy's properties.
 */
export type PolicyConfigFile = Readonly<Record<string, EnforcementLevel | Readonly<Record<string, unknown>>>>;

/** The config the driver sent with Configure, after defaults and the given config were merged. */
export interface ReconciledPolicyConfig {
  /** Exactly what was sent: policy name (and `all`, if given) → level and properties. */
  readonly config: Readonly<Record<string, PolicyConfigEntry>>;
  /** Keys of the given config that name no policy of the pack (other than `all`). The CLI passes these silently. */
  readonly unknownPolicies: readonly string[];
}

/** A policy violation (an AnalyzeDiagnostic), enriched with the policy's metadata when the pack reported it. */
export interface PolicyViolation {
  readonly policyName: string;
  readonly policyPackName: string;
  readonly policyPackVersion: string;
  readonly description: string;
  readonly message: string;
  readonly enforcementLevel: EnforcementLevel;
  /**
   * The resource the violation is about. For Analyze, the analyzed resource unless the policy named another; for
   * AnalyzeStack, the URN the policy reported (may be empty for stack-wide findings).
   */
  readonly urn: string;
  readonly severity?: PolicySeverity;
  readonly remediationSteps?: string;
  readonly url?: string;
  /**
   * Which call produced it. `remediate`: a remediation that could not run during preview (the engine reports it as
   * an advisory violation).
   */
  readonly phase: "analyze" | "analyzeStack" | "remediate";
  /**
   * True when the pack could not run the policy because it read an unknown value, and reported that as an
   * advisory "can't run policy … during preview" instead of a verdict.
   */
  readonly skippedOnUnknown: boolean;
}

/** The result of one Analyze or AnalyzeStack call. */
export interface AnalyzeResult {
  readonly violations: readonly PolicyViolation[];
  /** Policies the pack reported as not applicable, with their reason. */
  readonly notApplicable: readonly { readonly policyName: string; readonly reason: string }[];
}

/** One remediation a policy applied to a resource (a `Remediation` of the Remediate RPC). */
export interface PolicyRemediation {
  readonly policyName: string;
  readonly policyPackName: string;
  readonly policyPackVersion: string;
  readonly description: string;
  /** The remediated resource. */
  readonly urn: string;
  /** The whole property bag after this remediation, in engine form (as the next remediation and Analyze get it). */
  readonly properties: Readonly<Record<string, unknown>>;
  /** What this remediation changed in the properties it was given. */
  readonly changes: readonly PropertyChange[];
}

/** What Remediate returned for one resource, in the order the pack applied the remediations. */
export interface RemediateResult {
  readonly remediations: readonly PolicyRemediation[];
  /**
   * Remediations the pack could not run (it read an unknown value during preview), as the advisory violations the
   * engine reports for them (phase `remediate`, `skippedOnUnknown`).
   */
  readonly skipped: readonly PolicyViolation[];
  /** Policies the pack reported as not applicable, with their reason. */
  readonly notApplicable: readonly { readonly policyName: string; readonly reason: string }[];
  /** The inputs to deploy and analyze: the last remediation's properties, else the inputs sent. */
  readonly properties: Readonly<Record<string, unknown>>;
}

/** The provider a resource was registered with, as the engine sends it. */
export interface AnalyzerProvider {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

/** Per-call extras for {@link PolicyAnalyzer.analyze}. */
export interface AnalyzeOptions {
  /** Provider info to send (e.g. `{ type: "pulumi:providers:aws", properties: { region } }`). */
  readonly provider?: AnalyzerProvider;
}

/** Stack identity and config sent with ConfigureStack and in the pack's environment, as the CLI does. */
export interface StackContext {
  readonly project: string;
  readonly stack: string;
  readonly organization?: string;
  /** true for a preview (the default), false for an update. */
  readonly dryRun?: boolean;
  /** Stack config as `namespace:key` → string value (what `PULUMI_CONFIG` carries). */
  readonly config?: Readonly<Record<string, string>>;
  /** Stack tags, visible to policies as `args.stackTags`. */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Options for {@link startPolicyPack}. */
export interface StartPolicyPackOptions {
  /** The pack's directory (holding PulumiPolicy.yaml and package.json). Default: this repo's `policy/`. */
  readonly policyPackDir?: string;
  /**
   * How long to wait for the pack to print its port. Default 60 s: a TypeScript pack is type-checked by ts-node
   * on start-up, which takes 10–13 s on two cores, more on a busy machine.
   */
  readonly startupTimeoutMs?: number;
  /** Placeholder passed as the runner's first argument. Default `127.0.0.1:0` (the runner ignores it). */
  readonly engineAddress?: string;
  /** Extra environment for the pack (added to this process's environment). */
  readonly env?: Readonly<Record<string, string>>;
  /** When given, sets PULUMI_* variables like the CLI and calls ConfigureStack after start-up. */
  readonly stack?: StackContext;
  /**
   * Kill the pack when this process's end of its stdin pipe closes (i.e. when this process dies without calling
   * close(), even by SIGKILL). Implemented with a `--import` of a tiny data: module; it does not change how the
   * runner loads the pack. Default true.
   */
  readonly watchParent?: boolean;
  /** Extra node options for the pack's process, before the runner script (e.g. `--cpu-prof`, `--inspect`). */
  readonly nodeArgs?: readonly string[];
}

/** True for the four valid enforcement level names. */
export function isEnforcementLevel(v: unknown): v is EnforcementLevel {
  return v === "advisory" || v === "mandatory" || v === "remediate" || v === "disabled";
}
