/**
 * What every policy declares about itself, checked when the policy is defined, and the runtime fields built from
 * it (docs url, tags, configSchema). The docs generator reads the same metadata from `policy.platform`.
 */
import type {
  EnforcementLevel,
  ResourceValidationPolicy,
  Severity,
  StackValidationPolicy,
} from "@pulumi/policy";
import { EXEMPTIONS_SCHEMA, type ConfigProperty } from "./config";
import type { RemediationInfo } from "./remediation";

/** Where every policy's reference lives; each policy's `url` is this plus `#<policy-name>`. */
export const POLICY_DOCS_PATH = "docs/policies.md";

/** How a policy treats values that are unknown during `pulumi preview`. */
export interface UnknownValueBehaviour {
  /**
   * `fail-closed`: an unknown security-critical field is reported as a violation.
   * `defer`: the policy does not run on the unknown value during preview (the runtime reports it as advisory) and
   * runs on the known value during `pulumi up`.
   * `mixed`: per field, as the detail says.
   */
  readonly behaviour: "fail-closed" | "defer" | "mixed";
  /** One or two sentences: which fields, and why. Rendered in docs/policies.md. */
  readonly detail: string;
}

/** Metadata shared by resource and stack policies. */
export interface PolicyMetadata {
  /** Kebab-case name that says what is wrong, e.g. `iam-no-full-access`. Also the docs anchor. */
  readonly name: string;
  /** Rule family: the file it lives in (`iam`, `autoscaling`, `instance-size`, ...). */
  readonly family: string;
  /** One or two sentences: what the policy requires. */
  readonly description: string;
  readonly severity: Severity;
  /** Level when no config says otherwise: must-have rules are mandatory, hardening rules advisory. */
  readonly enforcementLevel: EnforcementLevel;
  /** What to do about a violation. */
  readonly remediationSteps: string;
  /** How the policy treats unknown values during preview. */
  readonly unknownValues: UnknownValueBehaviour;
  /** Extra tags (the family is always a tag). */
  readonly tags?: readonly string[];
  /** Optional bullet points for docs/policies.md: what exactly is checked. */
  readonly checks?: readonly string[];
}

/** Documentation-facing view of a policy, kept on the policy object for the docs generator and tests. */
export interface PlatformPolicyInfo {
  readonly kind: "resource" | "stack";
  readonly metadata: PolicyMetadata;
  /** Resource type tokens a resource rule applies to, or that a stack rule reads (docs only). */
  readonly resourceTypes: readonly string[];
  /** The config schema properties, `exemptions` included. */
  readonly config: Readonly<Record<string, ConfigProperty>>;
  /** The policy's remediation, when it offers one (off unless a stack sets its level to `remediate`). */
  readonly remediation?: RemediationInfo;
}

export type PlatformResourcePolicy = ResourceValidationPolicy & { readonly platform: PlatformPolicyInfo };
export type PlatformStackPolicy = StackValidationPolicy & { readonly platform: PlatformPolicyInfo };
export type PlatformPolicy = PlatformResourcePolicy | PlatformStackPolicy;

/** True for policies built with this framework (the docs generator and tests rely on `platform`). */
export function isPlatformPolicy(p: unknown): p is PlatformPolicy {
  return typeof p === "object" && p !== null && "platform" in p && "name" in p;
}

function assertMetadata(meta: PolicyMetadata, config: Readonly<Record<string, ConfigProperty>>): void {
  const problems: string[] = [];
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(meta.name)) problems.push("name must be kebab-case");
  if (meta.name === "all") problems.push(`"all" is reserved`);
  if (!meta.description?.trim()) problems.push("description is required");
  if (!meta.remediationSteps?.trim()) problems.push("remediationSteps is required");
  if (!meta.family?.trim()) problems.push("family is required");
  if (!meta.unknownValues?.detail?.trim()) problems.push("unknownValues.detail is required");
  for (const [key, prop] of Object.entries(config)) {
    if (key === "enforcementLevel") problems.push(`config may not define "enforcementLevel"`);
    if (!("default" in prop)) problems.push(`config property "${key}" needs a default`);
    if (!prop.description?.trim()) problems.push(`config property "${key}" needs a description`);
  }
  if (problems.length > 0) throw new Error(`policy "${meta.name}": ${problems.join("; ")}`);
}

/**
 * Checks a policy's metadata (throws at definition time, naming the policy and every problem) and builds the
 * fields the runtime reads, with the common `exemptions` property added to its config schema.
 */
export function policyFields(
  meta: PolicyMetadata,
  configSpec: Readonly<Record<string, ConfigProperty>> = {},
) {
  const config: Record<string, ConfigProperty> = { ...configSpec, exemptions: EXEMPTIONS_SCHEMA };
  assertMetadata(meta, config);
  return {
    config,
    fields: {
      name: meta.name,
      description: meta.description,
      enforcementLevel: meta.enforcementLevel,
      severity: meta.severity,
      remediationSteps: meta.remediationSteps,
      url: `${POLICY_DOCS_PATH}#${meta.name}`,
      tags: ["ml-platform", meta.family, ...(meta.tags ?? [])],
      configSchema: { properties: config },
    },
  };
}
