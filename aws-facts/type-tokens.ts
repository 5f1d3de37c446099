/**
 * Pulumi type tokens of the AWS resources and data sources that ml-platform creates, checks, prices or previews,
 * defined once. A token is `aws:<module>/<camelName>:<ClassName>` as `@pulumi/aws` registers it (each class
 * carries it as `__pulumiType`); `test/aws-facts/type-tokens.test.ts` checks every entry against the installed
 * provider SDK so a rename fails a test, not a guardrail.
 */

/** Resource type tokens, keyed `<module><ClassName>` after the `@pulumi/aws` namespace and class. */
export const AWS_TYPES = {
  appautoscalingPolicy: "aws:appautoscaling/policy:Policy",
  appautoscalingScheduledAction: "aws:appautoscaling/scheduledAction:ScheduledAction",
  appautoscalingTarget: "aws:appautoscaling/target:Target",
  autoscalingGroup: "aws:autoscaling/group:Group",
  cloudwatchLogGroup: "aws:cloudwatch/logGroup:LogGroup",
  cloudwatchMetricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  dynamodbTable: "aws:dynamodb/table:Table",
  ebsVolume: "aws:ebs/volume:Volume",
  ec2DefaultSecurityGroup: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  ec2Fleet: "aws:ec2/fleet:Fleet",
  ec2Instance: "aws:ec2/instance:Instance",
  ec2LaunchConfiguration: "aws:ec2/launchConfiguration:LaunchConfiguration",
  ec2LaunchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  ec2SecurityGroup: "aws:ec2/securityGroup:SecurityGroup",
  ec2SecurityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  ec2SpotFleetRequest: "aws:ec2/spotFleetRequest:SpotFleetRequest",
  ec2SpotInstanceRequest: "aws:ec2/spotInstanceRequest:SpotInstanceRequest",
  ecrRepository: "aws:ecr/repository:Repository",
  efsFileSystem: "aws:efs/fileSystem:FileSystem",
  iamGroup: "aws:iam/group:Group",
  iamGroupPolicy: "aws:iam/groupPolicy:GroupPolicy",
  iamGroupPolicyAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
  iamGroupPolicyAttachmentsExclusive:
    "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive",
  iamInstanceProfile: "aws:iam/instanceProfile:InstanceProfile",
  iamPolicy: "aws:iam/policy:Policy",
  iamPolicyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
  iamRole: "aws:iam/role:Role",
  iamRolePolicy: "aws:iam/rolePolicy:RolePolicy",
  iamRolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  iamRolePolicyAttachmentsExclusive: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
  iamUser: "aws:iam/user:User",
  iamUserPolicy: "aws:iam/userPolicy:UserPolicy",
  iamUserPolicyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  iamUserPolicyAttachmentsExclusive: "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive",
  kmsAlias: "aws:kms/alias:Alias",
  kmsKey: "aws:kms/key:Key",
  kmsKeyPolicy: "aws:kms/keyPolicy:KeyPolicy",
  lambdaAlias: "aws:lambda/alias:Alias",
  lambdaFunction: "aws:lambda/function:Function",
  lambdaPermission: "aws:lambda/permission:Permission",
  lambdaProvisionedConcurrencyConfig: "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig",
  opensearchDomain: "aws:opensearch/domain:Domain",
  rdsCluster: "aws:rds/cluster:Cluster",
  rdsInstance: "aws:rds/instance:Instance",
  s3AccountPublicAccessBlock: "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
  s3Bucket: "aws:s3/bucket:Bucket",
  s3BucketLogging: "aws:s3/bucketLogging:BucketLogging",
  s3BucketLoggingV2: "aws:s3/bucketLoggingV2:BucketLoggingV2",
  s3BucketLifecycleConfiguration: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  s3BucketLifecycleConfigurationV2: "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
  s3BucketObject: "aws:s3/bucketObject:BucketObject",
  s3BucketObjectv2: "aws:s3/bucketObjectv2:BucketObjectv2",
  s3BucketOwnershipControls: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  s3BucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  s3BucketPublicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  s3BucketServerSideEncryptionConfiguration:
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  s3BucketServerSideEncryptionConfigurationV2:
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  s3BucketV2: "aws:s3/bucketV2:BucketV2",
  s3BucketVersioning: "aws:s3/bucketVersioning:BucketVersioning",
  s3BucketVersioningV2: "aws:s3/bucketVersioningV2:BucketVersioningV2",
  sagemakerEndpoint: "aws:sagemaker/endpoint:Endpoint",
  sagemakerEndpointConfiguration: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
  sagemakerModel: "aws:sagemaker/model:Model",
  sagemakerNotebookInstance: "aws:sagemaker/notebookInstance:NotebookInstance",
  sagemakerNotebookInstanceLifecycleConfiguration:
    "aws:sagemaker/notebookInstanceLifecycleConfiguration:NotebookInstanceLifecycleConfiguration",
  snsTopic: "aws:sns/topic:Topic",
  sqsQueue: "aws:sqs/queue:Queue",
  vpcSecurityGroupEgressRule: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  vpcSecurityGroupIngressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
} as const;

/** Data-source (invoke) tokens, keyed like the `@pulumi/aws` functions. */
export const AWS_INVOKES = {
  ec2GetAmi: "aws:ec2/getAmi:getAmi",
  ec2GetVpc: "aws:ec2/getVpc:getVpc",
  ec2GetVpcs: "aws:ec2/getVpcs:getVpcs",
  iamGetPolicyDocument: "aws:iam/getPolicyDocument:getPolicyDocument",
  getCallerIdentity: "aws:index/getCallerIdentity:getCallerIdentity",
  getPartition: "aws:index/getPartition:getPartition",
  getRegion: "aws:index/getRegion:getRegion",
  sagemakerGetPrebuiltEcrImage: "aws:sagemaker/getPrebuiltEcrImage:getPrebuiltEcrImage",
  ssmGetParameter: "aws:ssm/getParameter:getParameter",
} as const;

export type AwsResourceType = (typeof AWS_TYPES)[keyof typeof AWS_TYPES];
export type AwsInvokeToken = (typeof AWS_INVOKES)[keyof typeof AWS_INVOKES];
