/**
 * S3 versioning on stateful buckets (Checkov CKV_AWS_21, AWS Config s3-bucket-versioning-enabled, cdk-nag
 * NIST.800.53.R5-S3BucketVersioningEnabled): a bucket that holds data keeps every overwritten or deleted object as
 * a non-current version, so a training run that overwrites `models/…/model.tar.gz` or a mistaken delete can be
 * undone. `Suspended` is not enough: it keeps old versions but stops creating new ones
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html).
 *
 * Stateful means protected (the `protect` option) or data-holding: every bucket the stack does not declare
 * disposable with `forceDestroy: true`.
 */
import type { PolicyResource } from "@pulumi/policy";
import { defineStackPolicy, type StackRuleContext } from "../framework";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";
import { BUCKET_TYPES, refersTo } from "./s3-refs";

const VERSIONING_TYPES: readonly string[] = [AWS_TYPES.s3BucketVersioning, AWS_TYPES.s3BucketVersioningV2];

/** Why the bucket counts as stateful, or undefined when it is declared disposable. */
function statefulBecause(bucket: PolicyResource, ctx: StackRuleContext<unknown>): string | undefined {
  if (bucket.opts?.protect === true) return "is protected";
  const forceDestroy = ctx.probe("forceDestroy", () => bucket.props.forceDestroy);
  // An unknown forceDestroy may be false: treat the bucket as holding data.
  if (!forceDestroy.known || forceDestroy.value !== true) return "holds data (forceDestroy is not true)";
  return undefined;
}

/** The inline versioning status of a bucket: Bucket `versioning.enabled` or BucketV2 `versionings[].enabled`. */
function inlineEnabled(bucket: PolicyResource, ctx: StackRuleContext<unknown>): boolean {
  const key = bucket.type === AWS_TYPES.s3BucketV2 ? "versionings" : "versioning";
  const value = ctx.probeDeep(key, () => bucket.props[key]);
  if (!value.known || value.value === undefined || value.value === null) return false;
  const entries = Array.isArray(value.value) ? value.value : [value.value];
  return entries.some((v) => (v as { enabled?: unknown } | null)?.enabled === true);
}

export const s3VersioningStateful = defineStackPolicy({
  name: "s3-versioning-stateful",
  family: "s3-versioning",
  description:
    "Protected or data-holding S3 buckets (every bucket without forceDestroy: true) must have versioning " +
    "Enabled through an aws.s3.BucketVersioning resource (or the deprecated inline field); Suspended or absent " +
    "is a violation.",
  severity: "medium",
  enforcementLevel: "advisory",
  remediationSteps:
    'Add `new aws.s3.BucketVersioning(name, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } })` ' +
    "and a lifecycle rule that expires non-current versions after a set number of days (ProjectBucket does both). " +
    "A scratch bucket whose contents may be lost can instead be declared disposable with `forceDestroy: true`.",
  unknownValues: {
    behaviour: "fail-closed",
    detail:
      "The versioning status is a literal; an unknown one is reported. Versioning resources are matched to " +
      "buckets through the `bucket` property dependency, known during preview.",
  },
  resourceTypes: [...BUCKET_TYPES, ...VERSIONING_TYPES],
  checks: [
    "A bucket is stateful when it has `opts.protect` or its `forceDestroy` is not true.",
    "Each stateful bucket is the `bucket` of an `aws.s3.BucketVersioning`/`BucketVersioningV2` whose " +
      "`versioningConfiguration.status` is `Enabled`, or sets the inline `versioning.enabled` true.",
    "A versioning resource with status `Suspended` is reported on that resource.",
  ],
  validateStack: (ctx) => {
    const buckets = ctx.resourcesOfType(...BUCKET_TYPES);
    const configs = ctx.resourcesOfType(...VERSIONING_TYPES);
    for (const bucket of buckets) {
      const because = statefulBecause(bucket, ctx);
      if (because === undefined) continue;
      const own = configs.filter((c) => refersTo(c, "bucket", bucket) === "yes");
      if (own.length === 0) {
        if (inlineEnabled(bucket, ctx)) continue;
        ctx.report(bucket, {
          property: "versioning",
          problem: `is absent, and the bucket ${because}: an overwrite or delete loses the object for good`,
          fix: 'add an aws.s3.BucketVersioning with versioningConfiguration.status "Enabled"',
        });
        continue;
      }
      for (const config of own) {
        const status = ctx.probe("versioningConfiguration.status", () => {
          const block = config.props.versioningConfiguration as { status?: unknown } | undefined;
          return block?.status;
        });
        if (!status.known) {
          ctx.failClosed(config, status, "an unknown status could be Suspended");
          continue;
        }
        if (status.value === "Enabled") continue;
        ctx.report(config, {
          property: "versioningConfiguration.status",
          problem: `is ${JSON.stringify(status.value)} for bucket "${bucket.name}", which ${because}: new overwrites and deletes are not kept`,
          fix: 'set versioningConfiguration.status to "Enabled"',
        });
      }
    }
  },
});

/** S3 versioning, advisory by default (mandatory in policy/config/prod.json). */
export const s3VersioningPolicies = [s3VersioningStateful];
