/** A toy policy exercising every framework feature (config, fail-closed and deferred unknowns), for framework tests. */
import { defineResourcePolicy, onType } from "@ml-platform/policy/framework";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

export const BUCKET = AWS_TYPES.s3BucketV2;

/** A toy policy exercising every framework feature: config, fail-closed and deferred unknowns. */
export const sample = defineResourcePolicy<{ maxRetention: number; forbidden: string[] }>({
  name: "sample-policy",
  family: "test",
  description: "Sample policy.",
  severity: "low",
  enforcementLevel: "mandatory",
  remediationSteps: "Do the right thing.",
  unknownValues: { behaviour: "mixed", detail: "retention fails closed, owner defers." },
  config: {
    maxRetention: { type: "integer", default: 30, minimum: 1, description: "Maximum retention in days." },
    forbidden: { type: "array", items: { type: "string" }, default: [], description: "Forbidden owners." },
  },
  validateConfig: (c) => (c.forbidden.includes("") ? ["forbidden must not contain an empty owner"] : []),
  rules: [
    onType<{ retention?: number; owner?: string }>(BUCKET, (props, ctx) => {
      const retention = ctx.probe("retention", () => props.retention);
      if (!retention.known) return ctx.failClosed(retention, "retention could exceed the maximum");
      if ((retention.value ?? 0) > ctx.config.maxRetention) {
        ctx.report({ property: "retention", problem: `is ${retention.value} days`, fix: "lower it" });
      }
      const owner = ctx.probe("owner", () => props.owner);
      if (!owner.known) return ctx.defer(owner);
      if (owner.value && ctx.config.forbidden.includes(owner.value)) {
        ctx.report({ property: "owner", problem: `is "${owner.value}"`, fix: "pick another owner" });
      }
    }),
  ],
});

export const compliant = { type: BUCKET, name: "logs", props: { retention: 10, owner: "ml" } };
