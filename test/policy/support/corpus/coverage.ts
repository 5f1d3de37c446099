/**
 * Coverage: resource types that grant IAM permissions, launch compute or set scaling, which no policy checks, are
 * reported instead of passing in silence.
 */
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";
import type { CorpusCase } from "./types";

const one = (type: string, caught: boolean): CorpusCase => ({
  description: `${type} ${caught ? "is reported as not checked" : "is checked, or needs no check"}`,
  policy: "resource-type-not-checked",
  resources: [{ type, name: "subject", props: {} }],
  caught,
  ...(caught ? { says: /not checked by ml-platform policies/ } : {}),
});

export const UNCHECKED_TYPES: readonly CorpusCase[] = [
  one("aws:autoscaling/group:Group", true),
  one("aws:ec2/fleet:Fleet", true),
  one("aws:sagemaker/domain:Domain", true),
  one("aws:sagemaker/space:Space", true),
  one("aws:sagemaker/app:App", true),
  one("aws:autoscaling/schedule:Schedule", true),
  one("aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment", true),
  one("aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy", true),
  one("aws-native:iam:Role", true),
  one("aws-native:sagemaker:NotebookInstance", true),
  one("aws:cloudformation/stack:Stack", true),
  one(AWS_TYPES.ec2SpotInstanceRequest, false),
  one(AWS_TYPES.ec2SpotFleetRequest, false),
  one(AWS_TYPES.ec2LaunchConfiguration, false),
  one(AWS_TYPES.appautoscalingScheduledAction, false),
  one(AWS_TYPES.iamRolePolicyAttachment, false),
  one(AWS_TYPES.s3BucketV2, false),
];
