import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { renderPolicy, tlsOnlyBucketPolicy } from "@ml-platform/aws-facts/iam-policies";
import { createAccessLogBucket } from "./lib/access-log-bucket";
import { createBucketBaseline } from "./lib/bucket-baseline";
import { componentType, withLegacyTypeAlias } from "./lib/type-token";
import { throwIfInvalid } from "./lib/validation";
import {
  ACCESS_LOG_BUCKET_SUFFIX,
  PROJECT_BUCKET_DEFAULTS,
  validateProjectBucketArgs,
  type ProjectBucketArgs,
} from "./project-bucket.args";

export {
  ACCESS_LOG_BUCKET_SUFFIX,
  PROJECT_BUCKET_DEFAULTS,
  validateProjectBucketArgs,
  type ProjectBucketArgs,
} from "./project-bucket.args";

export const PROJECT_BUCKET_TYPE = componentType("ProjectBucket");
/** The token before the components were a package; existing stacks' URNs carry it (see withLegacyTypeAlias). */
export const PROJECT_BUCKET_LEGACY_TYPE = "ml-platform:s3:ProjectBucket";

/**
 * The project's S3 bucket for training data (`data/`) and model artifacts (`models/`): server-side encryption,
 * versioning (with non-current versions expiring), ACLs disabled, every public access blocked, and a bucket policy
 * that refuses requests without TLS 1.2+. Pass `protect: true` in the arguments to guard the bucket against deletion,
 * and `accessLogs: true` for server access logging into a log bucket of its own (hardened the same way, with logs
 * expiring after `accessLogRetentionDays`).
 */
export class ProjectBucket extends pulumi.ComponentResource {
  /** The bucket's name (auto-named, globally unique). */
  readonly bucketName: pulumi.Output<string>;
  /** The bucket's ARN, for IAM policies. */
  readonly bucketArn: pulumi.Output<string>;
  readonly bucket: aws.s3.Bucket;
  /** The server access log bucket, with `accessLogs: true`. */
  readonly accessLogBucket?: aws.s3.Bucket;

  constructor(name: string, args: ProjectBucketArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    throwIfInvalid(PROJECT_BUCKET_TYPE, name, validateProjectBucketArgs(args, { name }));
    super(PROJECT_BUCKET_TYPE, name, {}, withLegacyTypeAlias(opts, PROJECT_BUCKET_LEGACY_TYPE));
    const tags = { ...args.tags, "ml-platform:component": PROJECT_BUCKET_LEGACY_TYPE };

    this.bucket = new aws.s3.Bucket(
      name,
      { forceDestroy: args.forceDestroy ?? PROJECT_BUCKET_DEFAULTS.forceDestroy, tags },
      { parent: this, protect: args.protect ?? PROJECT_BUCKET_DEFAULTS.protect },
    );
    const bucket = this.bucket.id;

    const { ownership, encryption, versioning, publicAccessBlock } = createBucketBaseline(this, name, bucket);
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket,
        rules: [
          {
            id: "expire-noncurrent-versions",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: {
              noncurrentDays: args.noncurrentVersionDays ?? PROJECT_BUCKET_DEFAULTS.noncurrentVersionDays,
            },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          },
        ],
      },
      // Lifecycle rules on non-current versions need versioning first.
      { parent: this, dependsOn: [versioning] },
    );
    const tlsOnly = new aws.s3.BucketPolicy(
      `${name}-tls-only`,
      { bucket, policy: renderPolicy({ arn: this.bucket.arn }, (r) => tlsOnlyBucketPolicy(r.arn)) },
      // S3 rejects concurrent configuration changes on one bucket ("conflicting conditional operation").
      { parent: this, dependsOn: [publicAccessBlock, ownership, encryption] },
    );

    if (args.accessLogs ?? PROJECT_BUCKET_DEFAULTS.accessLogs) {
      this.accessLogBucket = createAccessLogBucket(this, `${name}${ACCESS_LOG_BUCKET_SUFFIX}`, {
        source: this.bucket,
        retentionDays: args.accessLogRetentionDays ?? PROJECT_BUCKET_DEFAULTS.accessLogRetentionDays,
        forceDestroy: args.forceDestroy ?? PROJECT_BUCKET_DEFAULTS.forceDestroy,
        // The logs are the bucket's audit trail: protected exactly when the bucket is.
        protect: args.protect ?? PROJECT_BUCKET_DEFAULTS.protect,
        tags,
        sourceSettledAfter: [tlsOnly, versioning],
      }).bucket;
    }

    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
  }
}
