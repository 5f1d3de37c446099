/**
 * The offline preview's report: what runPreview returns, cli.ts prints as JSON (schema:
 * preview-output.schema.json) and render-text.ts prints as text, and how resources, violations and remediations
 * from the program run and the policy pack become its entries.
 */
import type {
  EnforcementLevel,
  PolicyRemediation,
  PolicySeverity,
  PolicyViolation,
  PropertyChange,
} from "../analyzer";
import type { CapturedResource } from "../lib/resource-graph";
import type { CapacitySection } from "../capacity/report";
import type { CostSection } from "./cost";
import { graphFields, type GraphFields } from "./diff/graph-json";
import { displayType, keyInputs, optionFlags } from "./plan";

export const PREVIEW_SCHEMA_VERSION = 1;

export type StackStatus = "ok" | "config-error" | "program-error" | "setup-error" | "policy-error";

export interface ReportedViolation {
  readonly policyName: string;
  readonly policyPackName: string;
  readonly policyPackVersion: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly severity: PolicySeverity | "unspecified";
  readonly message: string;
  readonly description: string;
  readonly remediationSteps?: string;
  readonly url?: string;
  /** Empty for stack-wide findings. */
  readonly urn: string;
  readonly resourceName?: string;
  readonly resourceType?: string;
  readonly phase: "analyze" | "analyzeStack" | "remediate";
  readonly skippedOnUnknown: boolean;
}

/** A remediation the pack applied before analysis: the resource is deployed with these changes. */
export interface ReportedRemediation {
  readonly policyName: string;
  readonly policyPackName: string;
  readonly policyPackVersion: string;
  readonly description: string;
  readonly urn: string;
  readonly resourceName: string;
  readonly resourceType: string;
  readonly changes: readonly PropertyChange[];
}

export interface ReportedResource extends GraphFields {
  readonly urn: string;
  readonly type: string;
  readonly displayType: string;
  readonly name: string;
  readonly custom: boolean;
  readonly parent?: string;
  readonly dependencies: readonly string[];
  readonly keyInputs: readonly string[];
  readonly flags: readonly string[];
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly options: CapturedResource["options"];
}

export interface StackReport {
  readonly stack: string;
  readonly project: string;
  readonly status: StackStatus;
  /** Set when status is not "ok": what failed and the message to show. */
  readonly error?: { readonly kind: string; readonly message: string; readonly location?: string };
  /** Resources captured (all of them on success; those registered before the failure otherwise). */
  readonly resources: readonly ReportedResource[];
  readonly resourceCounts: Readonly<Record<string, number>>;
  /** The stack's exports. */
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly policy: {
    readonly ran: boolean;
    /** The policy config file used, or null for the pack's defaults. */
    readonly configFile: string | null;
    readonly violations: readonly ReportedViolation[];
    /**
     * Remediations applied before analysis (Remediate, as the engine calls it before Analyze), in registration
     * order. Present only when there are some.
     */
    readonly remediations?: readonly ReportedRemediation[];
    readonly counts: { readonly mandatory: number; readonly advisory: number; readonly remediate: number };
  };
  readonly cost: CostSection;
  /** The capacity check (tools/capacity): the stack's traffic profiles replayed against its scaling. */
  readonly capacity?: CapacitySection;
  readonly diagnostics: readonly string[];
  readonly timings: { readonly programMs: number; readonly analysisMs: number; readonly costMs: number };
}

export interface PreviewReport {
  readonly schemaVersion: typeof PREVIEW_SCHEMA_VERSION;
  readonly projectDir: string;
  readonly policyPack:
    | { readonly status: "ok"; readonly name: string; readonly version: string; readonly dir: string }
    | { readonly status: "skipped" }
    | { readonly status: "failed"; readonly dir: string; readonly message: string };
  readonly stacks: readonly StackReport[];
  readonly summary: {
    readonly stacks: number;
    readonly failedStacks: number;
    readonly mandatoryViolations: number;
    readonly advisoryViolations: number;
  };
  /** 0: no mandatory violation; 1: at least one; 2: a stack or the pack could not be previewed. */
  readonly exitCode: 0 | 1 | 2;
  readonly timings: {
    readonly totalMs: number;
    readonly packStartupMs: number | null;
    /** From the start of the preview until the pack answered GetAnalyzerInfo; null when skipped or failed. */
    readonly packReadyMs: number | null;
    /** Wall time from start until every program run had finished. */
    readonly programsWallMs: number;
    /** Sum over stacks of Analyze + AnalyzeStack time. */
    readonly analysisMs: number;
  };
}

const SEVERITY_ORDER: readonly (PolicySeverity | "unspecified")[] = [
  "critical",
  "high",
  "medium",
  "low",
  "unspecified",
];
const LEVEL_ORDER: readonly EnforcementLevel[] = ["mandatory", "remediate", "advisory", "disabled"];

/** Sorts violations by enforcement level, then severity, then policy and resource: the order they're printed in. */
export function sortViolations(violations: readonly ReportedViolation[]): ReportedViolation[] {
  return [...violations].sort(
    (a, b) =>
      LEVEL_ORDER.indexOf(a.enforcementLevel) - LEVEL_ORDER.indexOf(b.enforcementLevel) ||
      SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
      a.policyName.localeCompare(b.policyName) ||
      (a.resourceName ?? "").localeCompare(b.resourceName ?? ""),
  );
}

export function reportResource(r: CapturedResource): ReportedResource {
  return {
    urn: r.urn,
    type: r.type,
    displayType: displayType(r.type),
    name: r.name,
    custom: r.custom,
    ...(r.parent ? { parent: r.parent } : {}),
    dependencies: r.dependencies,
    keyInputs: keyInputs(r),
    flags: optionFlags(r),
    inputs: r.inputs,
    options: r.options,
    ...graphFields(r),
  };
}

export function countByType(resources: readonly CapturedResource[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

export function reportViolation(
  v: PolicyViolation,
  byUrn: ReadonlyMap<string, CapturedResource>,
): ReportedViolation {
  const r = v.urn ? byUrn.get(v.urn) : undefined;
  return {
    policyName: v.policyName,
    policyPackName: v.policyPackName,
    policyPackVersion: v.policyPackVersion,
    enforcementLevel: v.enforcementLevel,
    severity: v.severity ?? "unspecified",
    message: v.message,
    description: v.description,
    ...(v.remediationSteps ? { remediationSteps: v.remediationSteps } : {}),
    ...(v.url ? { url: v.url } : {}),
    urn: v.urn,
    ...(r
      ? { resourceName: r.name, resourceType: r.type }
      : v.urn
        ? { resourceName: v.urn.split("::").pop() }
        : {}),
    phase: v.phase,
    skippedOnUnknown: v.skippedOnUnknown,
  };
}

export function reportRemediation(
  r: PolicyRemediation,
  byUrn: ReadonlyMap<string, CapturedResource>,
): ReportedRemediation {
  const resource = byUrn.get(r.urn);
  return {
    policyName: r.policyName,
    policyPackName: r.policyPackName,
    policyPackVersion: r.policyPackVersion,
    description: r.description,
    urn: r.urn,
    resourceName: resource?.name ?? r.urn.split("::").pop()!,
    resourceType: resource?.type ?? r.urn.split("::")[2] ?? "",
    changes: r.changes,
  };
}
