/**
 * A **stack rule** checks the whole stack (outputs, dependencies, parents):
 *
 * ```ts
 * export const everyTargetScaled = defineStackPolicy({
 *   name: "…", family: "…", description: "…", severity: "…", enforcementLevel: "…", remediationSteps: "…",
 *   unknownValues: { … },
 *   validateStack: (ctx) => {
 *     for (const r of ctx.resourcesOfType(AWS_TYPES.appautoscalingTarget)) {
 *       ctx.report(r, { property: "…", problem: "…", fix: "…" });   // skipped if r is exempt
 *     }
 *   },
 * });
 * ```
 *
 * A stack rule with no matching resources simply reports nothing; it is never `notApplicable`, so "must exist"
 * rules work.
 */
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  StackValidationArgs,
} from "@pulumi/policy";
import { resolvePolicyConfig, type CommonConfig, type ConfigProperty, type ConfigSpec } from "./config";
import { checkExemption, type ExemptionCheck } from "./exemptions";
import { failClosedFinding, stackViolationMessage, violationMessage, type PolicyFinding } from "./messages";
import { policyFields, type PlatformStackPolicy, type PolicyMetadata } from "./metadata";
import { defer, probe, probeDeep, type Probe, type UnknownProbe } from "./probes";
import { runRemediation, type RemediationDefinition } from "./remediation";

export interface StackRuleContext<C> {
  readonly resources: readonly PolicyResource[];
  readonly config: Readonly<C & CommonConfig>;
  readonly stackTags: ReadonlyMap<string, string>;
  readonly args: StackValidationArgs;
  /** Resources whose type token is one of `types`. */
  resourcesOfType(...types: string[]): PolicyResource[];
  /** Reports a finding on `resource` (skipped when it is validly exempt), or on the stack when undefined. */
  report(resource: PolicyResource | undefined, finding: PolicyFinding): void;
  /** True when `resource` has a valid exemption from this policy. */
  isExempt(resource: PolicyResource): boolean;
  probe<T>(property: string, read: () => T): Probe<T>;
  probeDeep<T>(property: string, read: () => T): Probe<T>;
  /** Reports an unknown field of `resource` as a violation (fail closed). */
  failClosed(resource: PolicyResource, unknown: UnknownProbe, why: string): void;
  defer(unknown: UnknownProbe): never;
}

export interface StackPolicyDefinition<C> extends PolicyMetadata {
  readonly config?: ConfigSpec<C>;
  readonly validateConfig?: (config: Readonly<C>) => string[];
  /** Resource types the rule reads (docs only; the rule always runs, so "must exist" checks work). */
  readonly resourceTypes?: readonly string[];
  readonly validateStack: (ctx: StackRuleContext<C>) => void | Promise<void>;
  /**
   * Optional per-resource fix of the `types` it lists, run when a stack sets this policy's level to `remediate`
   * (./remediation.ts). The runtime remediates one resource at a time, so it cannot consult the rest of the stack:
   * it must be right for the resource alone. Exempt resources and a misconfigured policy are never remediated.
   */
  readonly remediation?: RemediationDefinition<C> & { readonly types: readonly string[] };
}

/** Defines a stack policy (a plain `validateStack`, never notApplicable) with the same metadata and exemptions. */
export function defineStackPolicy<C extends object = Record<string, never>>(
  def: StackPolicyDefinition<C>,
): PlatformStackPolicy {
  const { config: properties, fields } = policyFields(def, def.config as Record<string, ConfigProperty>);

  const validateStack = async (args: StackValidationArgs, reportViolation: ReportViolation) => {
    const reportOn = (resource: PolicyResource | undefined, finding: PolicyFinding) =>
      resource
        ? reportViolation(violationMessage(resource.type, resource.name, finding), resource.urn)
        : reportViolation(stackViolationMessage(finding));

    const { config, findings } = resolvePolicyConfig<C>(
      def.name,
      args.getConfig<Record<string, unknown>>(),
      properties,
      def.validateConfig,
    );
    for (const finding of findings) reportOn(undefined, finding);

    const exemptions = new Map<string, ExemptionCheck>();
    for (const resource of args.resources) {
      const check = checkExemption(def.name, resource, config.exemptions);
      exemptions.set(resource.urn, check);
      for (const finding of check.invalid) reportOn(resource, finding);
    }
    const isExempt = (resource: PolicyResource) => exemptions.get(resource.urn)?.exemptReason !== undefined;
    const report = (resource: PolicyResource | undefined, finding: PolicyFinding) => {
      if (resource && isExempt(resource)) return;
      reportOn(resource, finding);
    };
    await def.validateStack({
      resources: args.resources,
      config,
      stackTags: args.stackTags,
      args,
      resourcesOfType: (...types) => args.resources.filter((r) => types.includes(r.type)),
      report,
      isExempt,
      probe,
      probeDeep,
      failClosed: (resource, unknown, why) => report(resource, failClosedFinding(unknown, why)),
      defer,
    });
  };

  const remediation = def.remediation;
  if (remediation && remediation.types.length === 0)
    throw new Error(`policy "${def.name}": a stack policy's remediation must list its resource types`);
  /**
   * The runtime's remediateResource. With it the runtime also counts the policy as a resource policy
   * (`isResourcePolicy` in @pulumi/policy's policy.js): GetAnalyzerInfo calls it one, and Analyze answers it
   * "not applicable" (there is no validateResource), while AnalyzeStack still runs validateStack.
   */
  const remediateResource =
    remediation &&
    (async (args: ResourceValidationArgs) => {
      if (!remediation.types.includes(args.type))
        args.notApplicable(`Remediation only applies to resources of type ${remediation.types.join(", ")}`);
      const { config, findings } = resolvePolicyConfig<C>(
        def.name,
        args.getConfig<Record<string, unknown>>(),
        properties,
        def.validateConfig,
      );
      if (findings.length > 0) return undefined;
      const exemption = checkExemption(def.name, args, config.exemptions);
      if (exemption.exemptReason !== undefined) return undefined;
      return runRemediation(remediation, args, config);
    });
  if (remediateResource && remediation.types.length === 1)
    Object.defineProperty(remediateResource, "__pulumiType", { value: remediation.types[0] });

  return Object.assign(fields, {
    validateStack,
    ...(remediateResource ? { remediateResource } : {}),
    platform: {
      kind: "stack" as const,
      metadata: def,
      resourceTypes: [...(def.resourceTypes ?? [])],
      config: properties,
      ...(remediation
        ? { remediation: { summary: remediation.summary, types: [...remediation.types] } }
        : {}),
    },
  });
}
