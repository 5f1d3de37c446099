import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsContext } from "@ml-platform/aws-facts/iam-policies";

/**
 * The deployment's partition, region and account as one Output. The invokes are parented to the component, so
 * they use its provider (and region) like the component's children do. These three, `ssm/getParameter` and
 * `sagemaker/getPrebuiltEcrImage` are the only data sources the components call.
 */
export function awsContextOutput(parent: pulumi.Resource): pulumi.Output<AwsContext> {
  const opts = { parent };
  return pulumi
    .all([
      aws.getPartitionOutput({}, opts),
      aws.getRegionOutput({}, opts),
      aws.getCallerIdentityOutput({}, opts),
    ])
    .apply(([partition, region, identity]) => ({
      partition: partition.partition,
      region: region.region,
      accountId: identity.accountId,
    }));
}
