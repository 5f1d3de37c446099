/** The type tokens the component and program tests look for, in one table. */
export const TYPES = {
  stack: "pulumi:pulumi:Stack",
  projectBucket: "ml-platform:s3:ProjectBucket",
  notebookComponent: "ml-platform:sagemaker:NotebookInstance",
  trainingComponent: "ml-platform:ec2:TrainingHost",
  endpointComponent: "ml-platform:sagemaker:ScalableEndpoint",
  functionComponent: "ml-platform:lambda:InferenceFunction",
  bucket: "aws:s3/bucket:Bucket",
  sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  pab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  lifecycleRules: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  notebook: "aws:sagemaker/notebookInstance:NotebookInstance",
  notebookLifecycle:
    "aws:sagemaker/notebookInstanceLifecycleConfiguration:NotebookInstanceLifecycleConfiguration",
  model: "aws:sagemaker/model:Model",
  endpointConfig: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
  endpoint: "aws:sagemaker/endpoint:Endpoint",
  target: "aws:appautoscaling/target:Target",
  scalingPolicy: "aws:appautoscaling/policy:Policy",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  fn: "aws:lambda/function:Function",
  alias: "aws:lambda/alias:Alias",
  pc: "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  instance: "aws:ec2/instance:Instance",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  profile: "aws:iam/instanceProfile:InstanceProfile",
  key: "aws:kms/key:Key",
} as const;

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
