/**
 * Resource policies (a bucket's, a key's) that let an AWS service write into or use a resource of the stack, as
 * plain typed objects built by pure functions, like the identity documents in ./iam-policies.ts. Each names its
 * service principal and narrows it with the source conditions AWS documents, so no other account's resource can
 * use the grant (the confused-deputy problem).
 */
import {
  cloudWatchLogsPrincipal,
  logGroupArn,
  SERVICE_PRINCIPALS,
  tlsOnlyBucketPolicy,
  type AwsContext,
  type IamPolicyDocument,
} from "./iam-policies";

/** Where ProjectBucket delivers server access logs inside the log bucket. */
export const ACCESS_LOG_PREFIX = "access-logs/";

/**
 * The log bucket's policy: S3's logging service may put objects under `prefix`, only for logs of `sourceBucketArn`
 * in this account (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html,
 * "Grant permissions to the logging service principal by using a bucket policy": the only way with
 * BucketOwnerEnforced, which disables ACLs); plus the TLS-only denials every bucket of the project carries.
 */
export function accessLogBucketPolicy(input: {
  readonly ctx: AwsContext;
  readonly logBucketArn: string;
  readonly sourceBucketArn: string;
  readonly prefix?: string;
}): IamPolicyDocument {
  const tls = tlsOnlyBucketPolicy(input.logBucketArn);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "S3ServerAccessLogDelivery",
        Effect: "Allow",
        Principal: { Service: SERVICE_PRINCIPALS.s3Logging },
        Action: ["s3:PutObject"],
        Resource: [`${input.logBucketArn}/${input.prefix ?? ACCESS_LOG_PREFIX}*`],
        Condition: {
          ArnLike: { "aws:SourceArn": input.sourceBucketArn },
          StringEquals: { "aws:SourceAccount": input.ctx.accountId },
        },
      },
      ...tls.Statement,
    ],
  };
}

/**
 * The key policy of a key that encrypts CloudWatch Logs log groups: the account keeps administering the key through
 * IAM (the default key policy's statement), and `logs.<region>.amazonaws.com` may use it only for the named log
 * groups, through the kms:EncryptionContext:aws:logs:arn condition
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html, "Step 2: Set permissions on
 * the KMS key"). Without the service statement, CreateLogGroup with this key fails with AccessDeniedException.
 */
export function cloudWatchLogsKeyPolicy(input: {
  readonly ctx: AwsContext;
  readonly logGroupNames: readonly string[];
}): IamPolicyDocument {
  const { ctx } = input;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        // The default key policy's statement: IAM policies of the account decide who else may use the key
        // (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html).
        Sid: "EnableIamPolicies",
        Effect: "Allow",
        Principal: { AWS: `arn:${ctx.partition}:iam::${ctx.accountId}:root` },
        Action: ["kms:*"],
        Resource: ["*"],
      },
      {
        Sid: "CloudWatchLogsUse",
        Effect: "Allow",
        Principal: { Service: cloudWatchLogsPrincipal(ctx.region) },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: ["*"],
        Condition: {
          ArnEquals: {
            "kms:EncryptionContext:aws:logs:arn": input.logGroupNames.map((name) => logGroupArn(ctx, name)),
          },
        },
      },
    ],
  };
}
