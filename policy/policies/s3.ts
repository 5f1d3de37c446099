/**
 * S3 hardening: every bucket in the stack is covered by an explicit public access block with all four settings
 * on (or an account-level block that is). AWS turns Block Public Access on for new buckets since 2023, but only
 * an explicit resource keeps it on: a console click or a later `pulumi up` can switch a default off silently,
 * while a managed aws.s3.BucketPublicAccessBlock shows up as drift.
 *
 * A stack rule, because the block is a separate resource pointing at the bucket.
 */
import type { PolicyResource } from "@pulumi/policy";
import { defineStackPolicy, type StackRuleContext } from "../framework";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const BUCKET_TYPES = [AWS_TYPES.s3Bucket, AWS_TYPES.s3BucketV2];
const BLOCK = AWS_TYPES.s3BucketPublicAccessBlock;
const ACCOUNT_BLOCK = AWS_TYPES.s3AccountPublicAccessBlock;
const SETTINGS = [
  "blockPublicAcls",
  "blockPublicPolicy",
  "ignorePublicAcls",
  "restrictPublicBuckets",
] as const;

/** The settings of `block` that are not true, or undefined when one is unknown (the caller decides). */
function settingsOff(block: PolicyResource, ctx: StackRuleContext<unknown>): string[] | undefined {
  const values = ctx.probeDeep("settings", () => SETTINGS.map((s) => block.props[s]));
  if (!values.known) {
    ctx.failClosed(block, values, "an unknown setting could be false");
    return undefined;
  }
  return SETTINGS.filter((_, i) => values.value[i] !== true);
}

/** Does `block` point at `bucket`: by property dependency, else by the bucket's id or name? */
function blocks(block: PolicyResource, bucket: PolicyResource, ctx: StackRuleContext<unknown>): boolean {
  if ((block.propertyDependencies?.bucket ?? []).some((d) => d.urn === bucket.urn)) return true;
  const target = ctx.probe("bucket", () => block.props.bucket);
  if (!target.known || typeof target.value !== "string") return false;
  const ids = ctx.probe("bucket", () => [bucket.props.id, bucket.props.bucket]);
  return ids.known && ids.value.some((v) => typeof v === "string" && v !== "" && v === target.value);
}

export const s3PublicAccessBlock = defineStackPolicy({
  name: "s3-public-access-block",
  family: "s3",
  description:
    "Every S3 bucket must have an aws.s3.BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, " +
    "ignorePublicAcls and restrictPublicBuckets all true (an account-level block with all four also counts).",
  severity: "high",
  enforcementLevel: "advisory",
  remediationSteps:
    "Add `new aws.s3.BucketPublicAccessBlock(name, { bucket: bucket.id, blockPublicAcls: true, " +
    "blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, { parent })` next to the bucket.",
  unknownValues: {
    behaviour: "fail-closed",
    detail:
      "The four settings are literals; an unknown one could be false, so it is reported. Blocks are matched to " +
      "buckets through the `bucket` property dependency, which is known during preview.",
  },
  resourceTypes: [...BUCKET_TYPES, BLOCK, ACCOUNT_BLOCK],
  checks: [
    "Each `aws.s3.Bucket`/`BucketV2` is the `bucket` of some `BucketPublicAccessBlock` (matched by property " +
      "dependency, else by the bucket's id or name).",
    "That block, or an `AccountPublicAccessBlock` in the stack, sets all four settings to true.",
  ],
  validateStack: (ctx) => {
    const buckets = ctx.resourcesOfType(...BUCKET_TYPES);
    if (buckets.length === 0) return;
    for (const account of ctx.resourcesOfType(ACCOUNT_BLOCK)) {
      const off = settingsOff(account, ctx);
      if (off && off.length === 0) return;
    }
    const bucketBlocks = ctx.resourcesOfType(BLOCK);
    for (const bucket of buckets) {
      const own = bucketBlocks.filter((b) => blocks(b, bucket, ctx));
      if (own.length === 0) {
        ctx.report(bucket, {
          property: "public access",
          problem: "is not locked down: no aws.s3.BucketPublicAccessBlock targets the bucket",
          fix: "add a BucketPublicAccessBlock for the bucket with all four settings true",
        });
        continue;
      }
      for (const block of own) {
        const off = settingsOff(block, ctx);
        if (!off || off.length === 0) continue;
        ctx.report(block, {
          property: off.join(", "),
          problem: `${off.length > 1 ? "are" : "is"} not true for bucket "${bucket.name}": public ACLs or policies can expose it`,
          fix: "set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true",
        });
      }
    }
  },
  remediation: {
    summary:
      "sets `blockPublicAcls`, `blockPublicPolicy`, `ignorePublicAcls` and `restrictPublicBuckets` to true on " +
      "every `aws.s3.BucketPublicAccessBlock` (an account-level block is not consulted). A bucket without a " +
      "block still needs one added in the program.",
    types: [BLOCK],
    remediate: () => SETTINGS.map((property) => ({ property, value: true })),
  },
});

/** S3 hardening, advisory by default (mandatory in policy/config/prod.json). */
export const s3Policies = [s3PublicAccessBlock];
