import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

/** The settings every bucket of the platform gets, created as children of `parent`. */
export interface BucketBaseline {
  readonly ownership: aws.s3.BucketOwnershipControls;
  readonly encryption: aws.s3.BucketServerSideEncryptionConfiguration;
  readonly versioning: aws.s3.BucketVersioning;
  readonly publicAccessBlock: aws.s3.BucketPublicAccessBlock;
}

/**
 * ACLs disabled (bucket owner enforced), SSE-S3 default encryption, versioning on and every public access blocked,
 * for the bucket `bucket` (its id), named `<name>-ownership`, `<name>-encryption`, `<name>-versioning` and
 * `<name>-public-access-block`. SSE-S3 is also the only default encryption S3 server access log delivery supports
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html), so log buckets share it.
 */
export function createBucketBaseline(
  parent: pulumi.Resource,
  name: string,
  bucket: pulumi.Input<string>,
): BucketBaseline {
  const opts = { parent };
  return {
    ownership: new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
      opts,
    ),
    encryption: new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      { bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
      opts,
    ),
    versioning: new aws.s3.BucketVersioning(
      `${name}-versioning`,
      { bucket, versioningConfiguration: { status: "Enabled" } },
      opts,
    ),
    publicAccessBlock: new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access-block`,
      {
        bucket,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      opts,
    ),
  };
}
