/**
 * A **resource rule** checks one resource's inputs:
 *
 * ```ts
 * import type * as aws from "@pulumi/aws";          // types only: loading @pulumi/aws costs seconds at pack start
 * import { defineResourcePolicy, onType } from "../framework";
 *
 * export const sgNoPublicIngress = defineResourcePolicy({
 *   name: "sg-no-public-ingress",                    // kebab-case, says what is wrong; docs anchor = the name
 *   family: "network",                               // one family per file; becomes a tag and a docs section
 *   description: "Security groups must not allow ingress from 0.0.0.0/0 or ::/0.",
 *   severity: "high",
 *   enforcementLevel: "advisory",                    // the pack default; policy/config/<stack>.json overrides it
 *   remediationSteps: "Restrict ingress to the VPC CIDR or a source security group.",
 *   unknownValues: { behaviour: "fail-closed", detail: "An unknown CIDR could be 0.0.0.0/0." },
 *   config: {                                         // optional; every property needs a default
 *     allowedPorts: { type: "array", items: { type: "integer" }, default: [], description: "…" },
 *   },
 *   validateConfig: (c) => [],                       // optional: messages for invalid combinations
 *   rules: [
 *     onType<aws.ec2.SecurityGroupArgs>("aws:ec2/securityGroup:SecurityGroup", (sg, ctx) => {
 *       const ingress = ctx.probe("ingress", () => sg.ingress);
 *       if (!ingress.known) return ctx.failClosed(ingress, "an unknown rule could open the group to the world");
 *       ingress.value?.forEach((rule, i) => {
 *         if (rule.cidrBlocks?.includes("0.0.0.0/0"))
 *           ctx.report({ property: `ingress[${i}].cidrBlocks`, problem: "allows 0.0.0.0/0", fix: "…" });
 *       });
 *     }),
 *   ],
 *   // Optional, and only where the fix is safe and unambiguous: runs when a stack sets this policy's level to
 *   // "remediate", on resources the rules report, applying only fixes of reported properties (./remediation.ts).
 *   // remediation: { summary: "…", remediate: (props, ctx) => [{ property: "a.b", value: "…" }] },
 * });
 * ```
 *
 * Resources of other types are reported `notApplicable` (as `validateResourceOfType` does), so tag the rule with
 * type tokens (`AWS_TYPES.x` from @ml-platform/aws-facts/type-tokens), never with classes: importing @pulumi/aws
 * values in the pack would add seconds to every start.
 */
import type { ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import type { Unwrap } from "@pulumi/pulumi";
import { resolvePolicyConfig, type CommonConfig, type ConfigProperty, type ConfigSpec } from "./config";
import { checkExemption } from "./exemptions";
import { failClosedFinding, violationMessage, type PolicyFinding } from "./messages";
import { policyFields, type PlatformResourcePolicy, type PolicyMetadata } from "./metadata";
import { defer, probe, probeDeep, type Probe, type UnknownProbe } from "./probes";
import { runRemediation, type RemediationDefinition } from "./remediation";

/** What a resource rule gets besides the typed props. */
export interface ResourceRuleContext<C> {
  readonly name: string;
  readonly urn: string;
  readonly type: string;
  /** Policy config with schema defaults applied. */
  readonly config: Readonly<C & CommonConfig>;
  readonly stackTags: ReadonlyMap<string, string>;
  /** The runtime's args, for anything else (opts.protect, provider, ...). */
  readonly args: ResourceValidationArgs;
  /** Reports a finding on this resource. */
  report(finding: PolicyFinding): void;
  /** Reads a property that may be unknown during preview. */
  probe<T>(property: string, read: () => T): Probe<T>;
  /** Like probe, but surfaces unknowns nested anywhere in the value and returns a plain copy. */
  probeDeep<T>(property: string, read: () => T): Probe<T>;
  /** Reports that an unknown security-critical field cannot be verified (fail closed). */
  failClosed(unknown: UnknownProbe, why: string): void;
  /** Skips the rest of this rule during preview; the runtime reports it as advisory. */
  defer(unknown: UnknownProbe): never;
}

/** One type-specific check within a resource policy. */
export interface TypedRule<C> {
  readonly type: string;
  readonly check: (props: any, ctx: ResourceRuleContext<C>) => void | Promise<void>;
}

/**
 * A check for resources of type token `type`, with props typed from the resource's Args interface (inputs, as a
 * resource policy sees them).
 */
export function onType<TArgs, C = any>(
  type: string,
  check: (props: Unwrap<TArgs>, ctx: ResourceRuleContext<C>) => void | Promise<void>,
): TypedRule<C> {
  return { type, check };
}

export interface ResourcePolicyDefinition<C> extends PolicyMetadata {
  /** Config properties (besides `exemptions`, which every policy has). Each needs a default and a description. */
  readonly config?: ConfigSpec<C>;
  /** Cross-property config checks (e.g. mutually exclusive options); return one message per problem. */
  readonly validateConfig?: (config: Readonly<C>) => string[];
  /** The checks, one or more per resource type. */
  readonly rules: readonly TypedRule<C>[];
  /**
   * Optional fix, run when a stack sets this policy's level to `remediate` (./remediation.ts). It runs only on a
   * resource the rules report, and only its fixes of a reported property apply.
   */
  readonly remediation?: RemediationDefinition<C>;
}

/** Defines a resource policy: metadata enforced, config defaults applied, exemptions honoured, other types N/A. */
export function defineResourcePolicy<C extends object = Record<string, never>>(
  def: ResourcePolicyDefinition<C>,
): PlatformResourcePolicy {
  const { config: properties, fields } = policyFields(def, def.config as Record<string, ConfigProperty>);
  const types = [...new Set(def.rules.map((r) => r.type))];
  if (types.length === 0) throw new Error(`policy "${def.name}": at least one rule is required`);

  /**
   * Runs the rules for `args` with `report`, unless the resource is exempt. Findings about the config go to
   * `reportConfig` (a policy with an invalid config checks with its defaults); an exemption without a reason is
   * not honoured and is reported like any finding.
   */
  const check = async (
    args: ResourceValidationArgs,
    report: (finding: PolicyFinding) => void,
    reportConfig: (finding: PolicyFinding) => void,
  ) => {
    const rules = def.rules.filter((r) => r.type === args.type);
    if (rules.length === 0)
      args.notApplicable(`Policy only applies to resources of type ${types.join(", ")}`);

    const { config, findings } = resolvePolicyConfig<C>(
      def.name,
      args.getConfig<Record<string, unknown>>(),
      properties,
      def.validateConfig,
    );
    findings.forEach(reportConfig);

    const exemption = checkExemption(def.name, args, config.exemptions);
    exemption.invalid.forEach(report);
    if (exemption.exemptReason !== undefined) return { config, exempt: true };

    const ctx: ResourceRuleContext<C> = {
      name: args.name,
      urn: args.urn,
      type: args.type,
      config,
      stackTags: args.stackTags,
      args,
      report,
      probe,
      probeDeep,
      failClosed: (unknown, why) => report(failClosedFinding(unknown, why)),
      defer,
    };
    for (const rule of rules) await rule.check(args.props, ctx);
    return { config, exempt: false };
  };

  const validateResource = async (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
    const report = (finding: PolicyFinding) =>
      reportViolation(violationMessage(args.type, args.name, finding));
    await check(args, report, report);
  };

  const remediation = def.remediation;
  const remediationTypes = remediation ? [...(remediation.types ?? types)] : [];
  if (remediation && remediationTypes.some((t) => !types.includes(t)))
    throw new Error(`policy "${def.name}": remediation types must be types its rules check`);

  /**
   * The runtime's remediateResource: the rules run first, and only the fixes of properties they report apply, so
   * a compliant, exempt or misconfigured resource is returned untouched (undefined: no remediation).
   */
  const remediateResource =
    remediation &&
    (async (args: ResourceValidationArgs) => {
      if (!remediationTypes.includes(args.type))
        args.notApplicable(`Remediation only applies to resources of type ${remediationTypes.join(", ")}`);
      const reported = new Set<string>();
      let configInvalid = false;
      const { config, exempt } = await check(
        args,
        (finding) => reported.add(finding.property),
        () => (configInvalid = true),
      );
      if (exempt || configInvalid || reported.size === 0) return undefined;
      return runRemediation(remediation, args, config, (fix) => reported.has(fix.property));
    });

  // A single-type policy carries its type token the way validateResourceOfType does, so the runtime skips it for
  // other types without calling it (and without a notApplicable exception per resource).
  if (types.length === 1) Object.defineProperty(validateResource, "__pulumiType", { value: types[0] });
  if (remediateResource && remediationTypes.length === 1)
    Object.defineProperty(remediateResource, "__pulumiType", { value: remediationTypes[0] });

  return Object.assign(fields, {
    validateResource,
    ...(remediateResource ? { remediateResource } : {}),
    platform: {
      kind: "resource" as const,
      metadata: def,
      resourceTypes: types,
      config: properties,
      ...(remediation ? { remediation: { summary: remediation.summary, types: remediationTypes } } : {}),
    },
  });
}
