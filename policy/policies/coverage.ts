/**
 * Coverage made explicit: a resource type that can grant IAM permissions, launch compute or set scaling, and
 * that no policy of this pack checks, is reported as such instead of passing in silence. The @pulumi/aws types
 * are enumerated from the SDK itself (aws-facts/coverage); other providers' types that can carry the same, and
 * CloudFormation stacks, are matched by pattern.
 */
import { AWS_SURFACES } from "@ml-platform/aws-facts/coverage/aws-surfaces.generated";
import { OTHER_PROVIDER_PATTERNS } from "@ml-platform/aws-facts/coverage/surfaces";
import { defineStackPolicy, type PlatformPolicy, type PlatformStackPolicy } from "../framework";

export const COVERAGE_POLICY_NAME = "resource-type-not-checked";

/** Resource types some policy of `policies` checks (a resource rule's types, a stack rule's declared types). */
export function checkedTypes(policies: readonly PlatformPolicy[]): Set<string> {
  return new Set(policies.flatMap((p) => p.platform.resourceTypes));
}

const SURFACE_WORDS = { iam: "grants IAM permissions", compute: "launches compute", scaling: "sets scaling" };

/** Builds the rule for a pack whose other policies are `policies()` (read when the rule runs). */
export function resourceTypeNotChecked(policies: () => readonly PlatformPolicy[]): PlatformStackPolicy {
  let checked: Set<string> | undefined;
  let surfaces: Map<string, string> | undefined;
  return defineStackPolicy({
    name: COVERAGE_POLICY_NAME,
    family: "coverage",
    description:
      "Resources of a type that grants IAM permissions, launches compute or sets scaling, and that no ml-platform " +
      "policy checks, are reported so the gap is visible.",
    severity: "low",
    enforcementLevel: "advisory",
    remediationSteps:
      "Use a resource type the pack checks (see the coverage table in docs/policies.md), add a policy for the " +
      "type, or exempt the resource with a written reason saying how it is reviewed instead.",
    unknownValues: { behaviour: "defer", detail: "Only resource types are read; they are always known." },
    checks: [
      "every resource whose type the coverage table lists as not checked",
      "aws-native resources of the IAM, EC2, Auto Scaling, SageMaker, EMR, Batch, EKS and Lambda modules, and CloudFormation stacks and stack sets of either provider",
    ],
    validateStack: (ctx) => {
      checked ??= checkedTypes(policies());
      surfaces ??= new Map(
        AWS_SURFACES.map((e) => [e.token, e.surfaces.map((s) => SURFACE_WORDS[s]).join(" and ")]),
      );
      for (const resource of ctx.resources) {
        const what = surfaces.get(resource.type);
        const other = OTHER_PROVIDER_PATTERNS.find((p) => p.pattern.test(resource.type));
        if (what === undefined && other === undefined) continue;
        if (what !== undefined && checked.has(resource.type)) continue;
        ctx.report(resource, {
          property: "type",
          problem: `is ${resource.type}, ${other ? other.what : `a type that ${what}`}, not checked by ml-platform policies`,
          fix: "use a type the pack checks, or exempt the resource from resource-type-not-checked with the reason it is safe",
        });
      }
    },
  });
}

/** Appends the coverage rule to a list of policies. */
export function withCoverageCheck(policies: readonly PlatformPolicy[]): readonly PlatformPolicy[] {
  return [...policies, resourceTypeNotChecked(() => policies)];
}
