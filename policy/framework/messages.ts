/**
 * Every text the framework reports: findings name the resource, the property, the problem and the fix. The
 * framework's own findings (invalid config, fail-closed unknowns, reasonless exemptions) are written here once,
 * so resource and stack policies word them identically.
 */
import type { UnknownProbe } from "./probes";

/** What a policy finds wrong with a resource: which property, what is wrong with it, and how to fix it. */
export interface PolicyFinding {
  /** Property path on the resource, e.g. `managedPolicyArns[0]` or `productionVariants[1].instanceType`. */
  readonly property: string;
  /** What is wrong, as a clause: "attaches the AWS-managed policy AdministratorAccess". */
  readonly problem: string;
  /** How to fix it, as an imperative: "attach a least-privilege customer-managed policy instead". */
  readonly fix: string;
}

/** `aws:iam/role:Role "sagemaker-exec"` — how every message names a resource. */
export function describeResource(type: string, name: string): string {
  return `${type} "${name}"`;
}

const withoutFinalStop = (text: string) => text.trim().replace(/\.$/, "");

function findingText(subject: string, finding: PolicyFinding): string {
  return `${subject}: ${finding.property} ${withoutFinalStop(finding.problem)}. Fix: ${withoutFinalStop(finding.fix)}.`;
}

/** The violation text for a finding on a resource. */
export function violationMessage(type: string, name: string, finding: PolicyFinding): string {
  return findingText(describeResource(type, name), finding);
}

/** The violation text for a finding on the stack as a whole (a stack policy's "must exist" rules). */
export function stackViolationMessage(finding: PolicyFinding): string {
  return findingText("stack", finding);
}

/** An invalid policy config: the policy keeps checking with its defaults. */
export function invalidConfigFinding(policyName: string, error: string): PolicyFinding {
  return {
    property: `policy config "${policyName}"`,
    problem: `is invalid: ${error}`,
    fix: "correct the policy config (policy/config/<stack>.json); the policy checks with its defaults meanwhile",
  };
}

/** A security-critical field that is unknown during preview, for a policy that fails closed on it. */
export function failClosedFinding(unknown: UnknownProbe, why: string): PolicyFinding {
  return {
    property: unknown.property,
    problem: `is unknown during preview, and this policy fails closed because ${why}`,
    fix:
      "set it to a literal value (or one computed from config) so it can be checked before deployment, " +
      "or exempt the resource with a written reason",
  };
}
