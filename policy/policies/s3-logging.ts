/**
 * S3 server access logging (AWSGuard `s3-bucket-logging-enabled`, Checkov CKV_AWS_18, cdk-nag AwsSolutions-S1):
 * every bucket records who read or wrote which object, in another bucket. Without it, a leaked credential that
 * copies the training data or swaps a model artifact leaves no per-object trace (CloudTrail records object-level
 * calls only with paid data events).
 *
 * Under @pulumi/aws 7 logging is its own resource, aws.s3.BucketLogging, pointing at the bucket; the deprecated
 * inline `logging` field of aws.s3.Bucket (and `loggings` of BucketV2) still counts. A bucket that receives logs
 * is exempt from logging itself: logging a log bucket to itself makes every delivery produce another record, a loop
 * AWS advises against (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html). It is still held
 * to every other S3 rule (public access block, versioning).
 */
import type { PolicyResource } from "@pulumi/policy";
import { defineStackPolicy, type StackRuleContext } from "../framework";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";
import { BUCKET_TYPES, refersTo, type BucketRef } from "./s3-refs";

const LOGGING_TYPES: readonly string[] = [AWS_TYPES.s3BucketLogging, AWS_TYPES.s3BucketLoggingV2];

/** One logging setup: which bucket's requests are logged, and into which bucket. */
interface LoggingLink {
  /** The resource carrying the setting (a BucketLogging, or the bucket itself for the inline field). */
  readonly holder: PolicyResource;
  readonly source: (bucket: PolicyResource) => BucketRef;
  readonly target: (bucket: PolicyResource) => BucketRef;
}

/** The inline targets of a bucket: `logging.targetBucket` (Bucket) or `loggings[].targetBucket` (BucketV2). */
function inlineLinks(bucket: PolicyResource, ctx: StackRuleContext<unknown>): LoggingLink[] {
  const key = bucket.type === AWS_TYPES.s3BucketV2 ? "loggings" : "logging";
  const configs = ctx.probe(key, () => {
    const value = bucket.props[key];
    return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
  });
  if (!configs.known) return [];
  return configs.value.map((_config, i) => ({
    holder: bucket,
    source: (b) => (b.urn === bucket.urn ? "yes" : "no"),
    target: (b) =>
      refersTo(bucket, key, b, () => {
        const value = bucket.props[key];
        return (Array.isArray(value) ? value[i] : value)?.targetBucket;
      }),
  }));
}

export const s3AccessLogging = defineStackPolicy({
  name: "s3-access-logging",
  family: "s3-logging",
  description:
    "Every S3 bucket must have server access logging to another bucket (an aws.s3.BucketLogging resource, or the " +
    "deprecated inline logging field); a bucket that is itself a log target is exempt from logging itself.",
  severity: "medium",
  enforcementLevel: "advisory",
  remediationSteps:
    "Create a log bucket (encrypted with SSE-S3, public access blocked, with a lifecycle rule that expires old " +
    "logs and a bucket policy letting logging.s3.amazonaws.com write) and add `new aws.s3.BucketLogging(name, " +
    '{ bucket: bucket.id, targetBucket: logBucket.id, targetPrefix: "access-logs/" })`. ProjectBucket does all ' +
    "of this with `accessLogs: true`.",
  unknownValues: {
    behaviour: "defer",
    detail:
      "BucketLogging resources are matched to buckets through the `bucket` and `targetBucket` property " +
      "dependencies, known during preview. A bucket name that is unknown and comes from no resource in the stack " +
      "defers the check to `pulumi up`.",
  },
  resourceTypes: [...BUCKET_TYPES, ...LOGGING_TYPES],
  checks: [
    "Each `aws.s3.Bucket`/`BucketV2` is the `bucket` of an `aws.s3.BucketLogging`/`BucketLoggingV2` (matched by " +
      "property dependency, else by the bucket's id or name), or sets the inline `logging`/`loggings` field.",
    "A bucket that is the `targetBucket` of any logging setup in the stack is a log bucket: it need not log.",
    "No bucket logs into itself.",
  ],
  validateStack: (ctx) => {
    const buckets = ctx.resourcesOfType(...BUCKET_TYPES);
    if (buckets.length === 0) return;
    const links: LoggingLink[] = [
      ...ctx.resourcesOfType(...LOGGING_TYPES).map((logging) => ({
        holder: logging,
        source: (b: PolicyResource) => refersTo(logging, "bucket", b),
        target: (b: PolicyResource) => refersTo(logging, "targetBucket", b),
      })),
      ...buckets.flatMap((b) => inlineLinks(b, ctx)),
    ];
    const isLogTarget = (bucket: PolicyResource) => links.some((l) => l.target(bucket) === "yes");

    for (const bucket of buckets) {
      const own = links.filter((l) => l.source(bucket) === "yes");
      for (const link of own) {
        if (link.target(bucket) !== "yes") continue;
        ctx.report(link.holder, {
          property: link.holder === bucket ? "logging.targetBucket" : "targetBucket",
          problem: `is bucket "${bucket.name}" itself: every log delivery writes a new logged object, a loop without end`,
          fix: "deliver the logs to a separate log bucket",
        });
      }
      if (own.length > 0 || isLogTarget(bucket)) continue;
      // A logging setup whose bucket names are not known yet may be this bucket's: decide during `pulumi up`.
      for (const link of links) {
        for (const [property, ref] of [
          ["bucket", link.source],
          ["targetBucket", link.target],
        ] as const) {
          if (link.holder === bucket || ref(bucket) !== "unknown") continue;
          const value = ctx.probe(property, () => link.holder.props[property]);
          if (!value.known) return ctx.defer(value);
        }
      }
      ctx.report(bucket, {
        property: "server access logging",
        problem:
          "is off: no aws.s3.BucketLogging targets the bucket, so object reads and writes leave no trace",
        fix: "add an aws.s3.BucketLogging that delivers the bucket's access logs to a separate log bucket",
      });
    }
  },
});

/** S3 access logging, advisory by default (mandatory in policy/config/prod.json). */
export const s3LoggingPolicies = [s3AccessLogging];
