/**
 * A misspelt exemption tag (`ml-platform:policy-exempt:iam-no-ful-access`) exempts nothing, and the author
 * believes the resource is covered. This stack rule reports exemption tags that name no policy of the pack.
 */
import {
  defineStackPolicy,
  EXEMPTION_TAG_PREFIX,
  type PlatformPolicy,
  type PlatformStackPolicy,
} from "../framework";

export const EXEMPTION_TAG_POLICY_NAME = "exemption-tag-unknown-policy";

/** Builds the rule for a pack whose policies are `policyNames` (it counts itself). */
export function exemptionTagUnknownPolicy(policyNames: () => readonly string[]): PlatformStackPolicy {
  return defineStackPolicy({
    name: EXEMPTION_TAG_POLICY_NAME,
    family: "exemptions",
    description: `Every \`${EXEMPTION_TAG_PREFIX}<policy>\` tag must name a policy of this pack; a misspelt one exempts nothing.`,
    severity: "low",
    enforcementLevel: "advisory",
    remediationSteps:
      "Correct the policy name in the tag key (see docs/policies.md for the names), or remove the tag if the policy " +
      "no longer exists.",
    unknownValues: {
      behaviour: "defer",
      detail: "Tags unknown during preview are skipped; `pulumi up` sees them.",
    },
    checks: ["tag keys of every resource that start with the exemption prefix"],
    validateStack: (ctx) => {
      const known = new Set([...policyNames(), EXEMPTION_TAG_POLICY_NAME]);
      for (const resource of ctx.resources) {
        const tags = ctx.probeDeep("tags", () => resource.props.tags as unknown);
        if (!tags.known || tags.value === null || typeof tags.value !== "object") continue;
        for (const key of Object.keys(tags.value)) {
          if (!key.startsWith(EXEMPTION_TAG_PREFIX)) continue;
          const name = key.slice(EXEMPTION_TAG_PREFIX.length);
          if (known.has(name)) continue;
          const close = [...known].find((k) => editDistance(k, name) <= 2);
          ctx.report(resource, {
            property: `tags["${key}"]`,
            problem: `names no policy of this pack ("${name}"), so it exempts nothing`,
            fix: close
              ? `use "${EXEMPTION_TAG_PREFIX}${close}"`
              : "use the name of a policy listed in docs/policies.md",
          });
        }
      }
    },
  });
}

/** Levenshtein distance, for "did you mean" suggestions on short names. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/** Appends the exemption-tag check to a list of policies. */
export function withExemptionTagCheck(policies: readonly PlatformPolicy[]): readonly PlatformPolicy[] {
  return [...policies, exemptionTagUnknownPolicy(() => policies.map((p) => p.name))];
}
