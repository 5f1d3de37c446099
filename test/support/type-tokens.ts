/** The type tokens the component and program tests look for, in one table. */
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";
export const TYPES = {
  stack: "pulumi:pulumi:Stack",
  // `<package>:index:<Component>`: the provider name run-plugin derives from "@ml-platform/components".
  projectBucket: "components:index:ProjectBucket",
  notebookComponent: "components:index:NotebookInstance",
  trainingComponent: "components:index:TrainingHost",
  endpointComponent: "components:index:ScalableEndpoint",
  functionComponent: "components:index:InferenceFunction",
  bucket: AWS_TYPES.s3Bucket,
  sse: AWS_TYPES.s3BucketServerSideEncryptionConfiguration,
  versioning: AWS_TYPES.s3BucketVersioning,
  pab: AWS_TYPES.s3BucketPublicAccessBlock,
  bucketPolicy: AWS_TYPES.s3BucketPolicy,
  ownership: AWS_TYPES.s3BucketOwnershipControls,
  lifecycleRules: AWS_TYPES.s3BucketLifecycleConfiguration,
  bucketLogging: AWS_TYPES.s3BucketLogging,
  notebook: AWS_TYPES.sagemakerNotebookInstance,
  notebookLifecycle: AWS_TYPES.sagemakerNotebookInstanceLifecycleConfiguration,
  model: AWS_TYPES.sagemakerModel,
  endpointConfig: AWS_TYPES.sagemakerEndpointConfiguration,
  endpoint: AWS_TYPES.sagemakerEndpoint,
  target: AWS_TYPES.appautoscalingTarget,
  scalingPolicy: AWS_TYPES.appautoscalingPolicy,
  alarm: AWS_TYPES.cloudwatchMetricAlarm,
  fn: AWS_TYPES.lambdaFunction,
  alias: AWS_TYPES.lambdaAlias,
  pc: AWS_TYPES.lambdaProvisionedConcurrencyConfig,
  logGroup: AWS_TYPES.cloudwatchLogGroup,
  instance: AWS_TYPES.ec2Instance,
  sg: AWS_TYPES.ec2SecurityGroup,
  ingress: AWS_TYPES.vpcSecurityGroupIngressRule,
  egress: AWS_TYPES.vpcSecurityGroupEgressRule,
  role: AWS_TYPES.iamRole,
  rolePolicy: AWS_TYPES.iamRolePolicy,
  attachment: AWS_TYPES.iamRolePolicyAttachment,
  profile: AWS_TYPES.iamInstanceProfile,
  key: AWS_TYPES.kmsKey,
} as const;

/**
 * The components' tokens before they were a package: deployed stacks' URNs carry them (the components alias them)
 * and the children's `ml-platform:component` tag keeps them.
 */
export const LEGACY_TYPES: Readonly<Record<string, string>> = {
  [TYPES.projectBucket]: "ml-platform:s3:ProjectBucket",
  [TYPES.notebookComponent]: "ml-platform:sagemaker:NotebookInstance",
  [TYPES.trainingComponent]: "ml-platform:ec2:TrainingHost",
  [TYPES.endpointComponent]: "ml-platform:sagemaker:ScalableEndpoint",
  [TYPES.functionComponent]: "ml-platform:lambda:InferenceFunction",
};

/**
 * What each component creates by default, by child type (the notebook with idle auto-stop, the endpoint with
 * autoscaling and no blue/green, the training host without SSH, the function with provisioned concurrency).
 */
export const CHILDREN: Readonly<Record<string, readonly string[]>> = {
  [TYPES.projectBucket]: [
    TYPES.bucket,
    TYPES.ownership,
    TYPES.sse,
    TYPES.versioning,
    TYPES.pab,
    TYPES.lifecycleRules,
    TYPES.bucketPolicy,
  ],
  // Two roles and policies: its own and the training-job role it may pass.
  [TYPES.notebookComponent]: [
    TYPES.key,
    TYPES.role,
    TYPES.rolePolicy,
    TYPES.role,
    TYPES.rolePolicy,
    TYPES.notebookLifecycle,
    TYPES.notebook,
  ],
  [TYPES.trainingComponent]: [
    TYPES.role,
    TYPES.rolePolicy,
    TYPES.attachment,
    TYPES.profile,
    TYPES.sg,
    TYPES.egress,
    TYPES.instance,
  ],
  [TYPES.endpointComponent]: [
    TYPES.role,
    TYPES.rolePolicy,
    TYPES.model,
    TYPES.key,
    TYPES.endpointConfig,
    TYPES.endpoint,
    TYPES.target,
    TYPES.scalingPolicy,
  ],
  [TYPES.functionComponent]: [TYPES.logGroup, TYPES.role, TYPES.rolePolicy, TYPES.fn, TYPES.alias, TYPES.pc],
};
