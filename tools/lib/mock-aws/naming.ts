/**
 * Deterministic names, ids and DNS parts as AWS and the engine produce them, derived from the resource URN so that
 * two runs of the same stack print the same plan.
 */
import { createHash } from "node:crypto";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

/** The partition's DNS suffix, as `aws.getPartition` reports it. */
export function dnsSuffix(partition: string): string {
  return partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
}

/** The partition's reverse-DNS prefix, as `aws.getPartition` reports it. */
export function reverseDnsPrefix(partition: string): string {
  return partition === "aws-cn" ? "cn.com.amazonaws" : "com.amazonaws";
}

/** Deterministic hex derived from a seed (the resource URN), so two runs of the same stack print the same plan. */
export function stableHex(seed: string, length: number): string {
  let out = "";
  let counter = 0;
  while (out.length < length) {
    out += createHash("sha256").update(`${seed}#${counter++}`).digest("hex");
  }
  return out.slice(0, length);
}

/** A deterministic RFC 4122-shaped UUID. */
export function stableUuid(seed: string): string {
  const h = stableHex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The engine's auto-naming: `<logical name>-<7 random hex>`. */
export function autoName(logicalName: string, urn: string): string {
  return `${logicalName}-${stableHex(urn, 7)}`;
}

/**
 * Resource types whose name property the AWS provider auto-names when it is absent, and that property. Only these get
 * a generated name; other types keep whatever the program set.
 */
export const AUTO_NAMED: Readonly<Record<string, string>> = {
  [AWS_TYPES.iamRole]: "name",
  [AWS_TYPES.iamPolicy]: "name",
  [AWS_TYPES.iamInstanceProfile]: "name",
  [AWS_TYPES.iamRolePolicy]: "name",
  [AWS_TYPES.iamUser]: "name",
  [AWS_TYPES.iamGroup]: "name",
  [AWS_TYPES.s3Bucket]: "bucket",
  [AWS_TYPES.s3BucketV2]: "bucket",
  [AWS_TYPES.sagemakerNotebookInstance]: "name",
  [AWS_TYPES.sagemakerNotebookInstanceLifecycleConfiguration]: "name",
  [AWS_TYPES.sagemakerModel]: "name",
  [AWS_TYPES.sagemakerEndpointConfiguration]: "name",
  [AWS_TYPES.sagemakerEndpoint]: "name",
  [AWS_TYPES.appautoscalingPolicy]: "name",
  [AWS_TYPES.lambdaFunction]: "name",
  [AWS_TYPES.cloudwatchLogGroup]: "name",
  [AWS_TYPES.cloudwatchMetricAlarm]: "name",
  [AWS_TYPES.ec2SecurityGroup]: "name",
  [AWS_TYPES.ec2LaunchTemplate]: "name",
  [AWS_TYPES.kmsAlias]: "name",
  [AWS_TYPES.snsTopic]: "name",
  [AWS_TYPES.sqsQueue]: "name",
};

/** The API Gateway invoke ARN the provider computes for a function or alias ARN. */
export function lambdaInvokeArn(partition: string, region: string, functionArn: string): string {
  return `arn:${partition}:apigateway:${region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`;
}
