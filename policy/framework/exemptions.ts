/**
 * Exemptions: a resource is exempt from one policy by a tag `ml-platform:policy-exempt:<policy>` whose value is
 * the reason, or by a policy-config `exemptions` entry naming it with a reason. An exemption without a reason is
 * not honoured and is itself reported.
 */
import type { ConfigExemption } from "./config";
import type { PolicyFinding } from "./messages";
import { probe } from "./probes";

/** Prefix of the tag that exempts a resource from one policy: `ml-platform:policy-exempt:<policy-name>` = reason. */
export const EXEMPTION_TAG_PREFIX = "ml-platform:policy-exempt:";

/** The tag key that exempts a resource from `policyName`. Its value is the written reason. */
export function exemptionTagKey(policyName: string): string {
  return `${EXEMPTION_TAG_PREFIX}${policyName}`;
}

/** Whether a resource is exempt from a policy, and any malformed exemption to report. */
export interface ExemptionCheck {
  /** The written reason, when a valid exemption applies. */
  readonly exemptReason?: string;
  /** Exemptions present but without a reason: each becomes a violation. */
  readonly invalid: readonly PolicyFinding[];
}

const NOT_HONOURED = "exempts the resource without a written reason, so the exemption is not honoured";

/**
 * Resolves a resource's exemptions from one policy: the exemption tag, or a config `exemptions` entry naming the
 * resource (logical name or URN). Tags that are unknown during preview do not exempt (the policy runs).
 */
export function checkExemption(
  policyName: string,
  resource: { readonly name: string; readonly urn: string; readonly props: Record<string, unknown> },
  exemptions: readonly ConfigExemption[],
): ExemptionCheck {
  const invalid: PolicyFinding[] = [];
  let exemptReason: string | undefined;
  const key = exemptionTagKey(policyName);

  const tag = probe(`tags["${key}"]`, () => {
    const tags = resource.props.tags;
    if (tags === null || typeof tags !== "object") return undefined;
    return (tags as Record<string, unknown>)[key];
  });
  if (tag.known && tag.value !== undefined) {
    const reason = typeof tag.value === "string" ? tag.value.trim() : "";
    if (reason) exemptReason = reason;
    else
      invalid.push({
        property: `tags["${key}"]`,
        problem: NOT_HONOURED,
        fix: `set the tag value to the reason the exemption is acceptable, or remove the tag`,
      });
  }

  exemptions.forEach((entry, index) => {
    if (!entry || (entry.resource !== resource.name && entry.resource !== resource.urn)) return;
    const reason = typeof entry.reason === "string" ? entry.reason.trim() : "";
    if (reason) exemptReason ??= reason;
    else
      invalid.push({
        property: `policy config "${policyName}".exemptions[${index}]`,
        problem: NOT_HONOURED,
        fix: `add a non-empty "reason" to the exemption entry, or remove it`,
      });
  });
  return { exemptReason, invalid };
}
