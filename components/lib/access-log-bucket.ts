import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { renderPolicy } from "@ml-platform/aws-facts/iam-policies";
import { ACCESS_LOG_PREFIX, accessLogBucketPolicy } from "@ml-platform/aws-facts/resource-policies";
import { awsContextOutput } from "./aws-context";
import { createBucketBaseline } from "./bucket-baseline";

export interface AccessLogBucketArgs {
  /** The bucket whose server access logs this bucket receives. */
  readonly source: aws.s3.Bucket;
  /** Days to keep each log object before it expires. */
  readonly retentionDays: number;
  readonly forceDestroy: boolean;
  readonly protect: boolean;
  readonly tags: Record<string, string>;
  /** Resources the source bucket's configuration changes wait for (S3 refuses concurrent ones on one bucket). */
  readonly sourceSettledAfter: pulumi.Resource[];
}

/**
 * The server access log bucket of `args.source`, hardened like the bucket it serves (a log bucket is exempt only
 * from logging itself): SSE-S3 encryption (the only default encryption S3 log delivery supports,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html), versioning, ACLs
 * disabled, every public access blocked, TLS only, and a lifecycle rule expiring logs after `retentionDays`.
 * The source's aws.s3.BucketLogging is created last, once S3's logging service may write.
 */
export function createAccessLogBucket(
  parent: pulumi.Resource,
  name: string,
  args: AccessLogBucketArgs,
): { bucket: aws.s3.Bucket; logging: aws.s3.BucketLogging } {
  const logBucket = new aws.s3.Bucket(
    name,
    { forceDestroy: args.forceDestroy, tags: args.tags },
    { parent, protect: args.protect },
  );
  const bucket = logBucket.id;
  const { ownership, encryption, versioning, publicAccessBlock } = createBucketBaseline(parent, name, bucket);
  new aws.s3.BucketLifecycleConfiguration(
    `${name}-lifecycle`,
    {
      bucket,
      rules: [
        {
          id: "expire-access-logs",
          status: "Enabled",
          filter: {},
          expiration: { days: args.retentionDays },
          // An expired log becomes a non-current version: gone a day later.
          noncurrentVersionExpiration: { noncurrentDays: 1 },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        },
      ],
    },
    { parent, dependsOn: [versioning] },
  );
  const ctx = awsContextOutput(parent);
  const policy = new aws.s3.BucketPolicy(
    `${name}-policy`,
    {
      bucket,
      policy: renderPolicy({ ctx, logBucketArn: logBucket.arn, sourceBucketArn: args.source.arn }, (r) =>
        accessLogBucketPolicy(r),
      ),
    },
    { parent, dependsOn: [publicAccessBlock, ownership, encryption] },
  );
  const logging = new aws.s3.BucketLogging(
    `${name}-delivery`,
    { bucket: args.source.id, targetBucket: logBucket.id, targetPrefix: ACCESS_LOG_PREFIX },
    { parent, dependsOn: [policy, ...args.sourceSettledAfter] },
  );
  return { bucket: logBucket, logging };
}
