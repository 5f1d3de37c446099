/**
 * AWS resource types with no direct charge: configuration, identity and wiring whose cost, if any, is billed through
 * another resource the estimator prices. Each entry says why, citing the service's pricing page. A type absent here
 * and without a pricer is listed as "not estimated" and makes the `monthly-budget` verdict unknown, so adding a type
 * here is a claim that it never costs money on its own.
 */
import { AWS_TYPES } from "../type-tokens";

const FREE_TYPES: Readonly<Record<string, string>> = {
  // SageMaker bills instance-hours, storage and data processed (https://aws.amazon.com/sagemaker/pricing/):
  // configurations and model definitions cost nothing until an endpoint or notebook runs them.
  [AWS_TYPES.sagemakerNotebookInstanceLifecycleConfiguration]: "billed through the notebook that runs it",
  [AWS_TYPES.sagemakerEndpointConfiguration]: "billed through the endpoint that uses it",
  [AWS_TYPES.sagemakerModel]: "billed through the endpoint that hosts it",
  // "There is no additional charge for AWS Auto Scaling" (https://aws.amazon.com/autoscaling/pricing/).
  [AWS_TYPES.appautoscalingTarget]: "Application Auto Scaling has no charge of its own",
  [AWS_TYPES.appautoscalingPolicy]: "Application Auto Scaling has no charge of its own",
  // EC2 bills the instances a template or configuration launches (https://aws.amazon.com/ec2/pricing/on-demand/).
  [AWS_TYPES.ec2LaunchTemplate]: "billed through the instances launched from it",
  [AWS_TYPES.ec2LaunchConfiguration]: "billed through the instances launched from it",
  // Security groups and their rules are part of Amazon VPC, which has no charge of its own
  // (https://aws.amazon.com/vpc/pricing/ lists NAT gateways, IPAM, endpoints and the like, not security groups).
  [AWS_TYPES.ec2SecurityGroup]: "security groups have no charge",
  [AWS_TYPES.ec2SecurityGroupRule]: "security group rules have no charge",
  [AWS_TYPES.vpcSecurityGroupIngressRule]: "security group rules have no charge",
  [AWS_TYPES.vpcSecurityGroupEgressRule]: "security group rules have no charge",
  // Lambda bills requests, duration and provisioned concurrency (https://aws.amazon.com/lambda/pricing/).
  [AWS_TYPES.lambdaAlias]: "billed through the function",
  [AWS_TYPES.lambdaPermission]: "billed through the function",
  // KMS bills keys and API requests (https://aws.amazon.com/kms/pricing/), not aliases or key policies.
  [AWS_TYPES.kmsAlias]: "billed through the key",
  [AWS_TYPES.kmsKeyPolicy]: "billed through the key",
  // S3 bills storage, requests and data transfer (https://aws.amazon.com/s3/pricing/), not bucket settings.
  [AWS_TYPES.s3BucketPolicy]: "a bucket setting",
  [AWS_TYPES.s3BucketPublicAccessBlock]: "a bucket setting",
  [AWS_TYPES.s3BucketVersioning]: "a bucket setting",
  [AWS_TYPES.s3BucketVersioningV2]: "a bucket setting",
  [AWS_TYPES.s3BucketServerSideEncryptionConfiguration]: "a bucket setting",
  [AWS_TYPES.s3BucketServerSideEncryptionConfigurationV2]: "a bucket setting",
  [AWS_TYPES.s3BucketOwnershipControls]: "a bucket setting",
  [AWS_TYPES.s3BucketLifecycleConfiguration]: "a bucket setting",
  [AWS_TYPES.s3BucketLifecycleConfigurationV2]: "a bucket setting",
  // "There is no extra charge for enabling server access logging": the delivered log objects are billed as storage
  // of the log bucket (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html).
  [AWS_TYPES.s3BucketLogging]: "billed as storage of the log bucket",
  [AWS_TYPES.s3BucketLoggingV2]: "billed as storage of the log bucket",
  // Deliberately absent: CloudWatch metric alarms cost $0.10 per alarm metric-month at standard resolution
  // (https://aws.amazon.com/cloudwatch/pricing/); the account-wide free tier is not applied to a stack.
};

/** IAM users, groups, roles and policies: "IAM is offered at no additional charge" (https://aws.amazon.com/iam/pricing/). */
const FREE_PREFIXES = ["aws:iam/", "aws-native:iam:"];

/** Why a type has no direct charge, or undefined when it may cost money. */
export function freeTypeReason(type: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(FREE_TYPES, type)) return FREE_TYPES[type];
  return FREE_PREFIXES.some((p) => type.startsWith(p)) ? "IAM has no charge" : undefined;
}

/** True for resource types that never cost money on their own. */
export function isFreeType(type: string): boolean {
  return freeTypeReason(type) !== undefined;
}
