/**
 * The synthetic stack `npm run bench:policy` sends to the policy pack: applications of 20 resources each (notebooks,
 * endpoint configs, scaling policies, IAM roles and documents, Lambda functions, EC2 hosts, security groups, buckets
 * with access blocks), a deterministic mix of compliant and non-compliant settings across the pack's surfaces.
 */
import {
  INVOCATIONS_PER_INSTANCE_METRIC,
  SAGEMAKER_VARIANT_DIMENSION,
} from "@ml-platform/aws-facts/autoscaling";
import type { CapturedResource } from "../lib/resource-graph";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const ACCOUNT = "123456789012";

/** One "application" of the synthetic stack: 20 resources, compliant and not, across the pack's surfaces. */
function application(i: number): CapturedResource[] {
  const stackUrn = "urn:pulumi:bench::ml-platform::pulumi:pulumi:Stack::ml-platform-bench";
  const make = (
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    extra: Partial<CapturedResource> = {},
  ): CapturedResource => ({
    type,
    name: `${name}-${i}`,
    urn: `urn:pulumi:bench::ml-platform::${type}::${name}-${i}`,
    custom: true,
    parent: stackUrn,
    dependencies: [],
    propertyDependencies: {},
    inputs,
    outputs: { ...inputs, id: `${name}-${i}-id`, arn: `arn:aws:service:us-east-1:${ACCOUNT}:${name}-${i}` },
    options: {
      protect: i % 2 === 0,
      ignoreChanges: [],
      retainOnDelete: false,
      deleteBeforeReplace: false,
      replaceOnChanges: [],
    },
    ...extra,
  });
  const endpointArn = `arn:aws:sagemaker:us-east-1:${ACCOUNT}:endpoint/classifier-${i}`;
  const bucket = make(AWS_TYPES.s3Bucket, "artifacts", { forceDestroy: false });
  const fn = make(AWS_TYPES.lambdaFunction, "classify", {
    runtime: i % 5 === 0 ? "nodejs20.x" : "nodejs22.x",
    handler: "index.handler",
    role: `arn:aws:iam::${ACCOUNT}:role/inference-${i}`,
    memorySize: 1024,
    reservedConcurrentExecutions: i % 7 === 0 ? -1 : 20,
    publish: true,
  });
  const target = make(AWS_TYPES.appautoscalingTarget, "variant-target", {
    serviceNamespace: "sagemaker",
    resourceId: `endpoint/classifier-${i}/variant/AllTraffic`,
    scalableDimension: SAGEMAKER_VARIANT_DIMENSION,
    minCapacity: 1,
    maxCapacity: 4,
  });
  return [
    make(AWS_TYPES.sagemakerNotebookInstance, "explore", {
      instanceType: i % 3 === 0 ? "ml.t3.medium" : "ml.m5.4xlarge",
      roleArn: `arn:aws:iam::${ACCOUNT}:role/notebook-${i}`,
      directInternetAccess: i % 4 === 0 ? "Enabled" : "Disabled",
      rootAccess: "Disabled",
      subnetId: "subnet-0123456789abcdef0",
      securityGroups: ["sg-0123456789abcdef0"],
      instanceMetadataServiceConfiguration: { minimumInstanceMetadataServiceVersion: "2" },
      kmsKeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/${i}`,
    }),
    make(AWS_TYPES.sagemakerModel, "model", {
      executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/sagemaker-${i}`,
      primaryContainer: {
        image: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/pytorch:2.5`,
        modelDataUrl: "s3://b/model.tar.gz",
      },
    }),
    make(AWS_TYPES.sagemakerEndpointConfiguration, "config", {
      kmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/${i}`,
      productionVariants: [
        {
          variantName: "AllTraffic",
          modelName: `model-${i}`,
          instanceType: i % 6 === 0 ? "ml.p4d.24xlarge" : "ml.m5.xlarge",
          initialInstanceCount: 1,
        },
      ],
    }),
    make(AWS_TYPES.sagemakerEndpoint, "endpoint", { endpointConfigName: `config-${i}` }),
    target,
    make(
      AWS_TYPES.appautoscalingPolicy,
      "invocations",
      {
        policyType: "TargetTrackingScaling",
        resourceId: `endpoint/classifier-${i}/variant/AllTraffic`,
        scalableDimension: SAGEMAKER_VARIANT_DIMENSION,
        serviceNamespace: "sagemaker",
        targetTrackingScalingPolicyConfiguration: {
          targetValue: 70,
          predefinedMetricSpecification: { predefinedMetricType: INVOCATIONS_PER_INSTANCE_METRIC },
          scaleInCooldown: i % 8 === 0 ? undefined : 300,
          scaleOutCooldown: 60,
        },
      },
      { propertyDependencies: { resourceId: [target.urn] }, dependencies: [target.urn] },
    ),
    make(AWS_TYPES.iamRole, "sagemaker-role", {
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "sagemaker.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      }),
      managedPolicyArns: i % 9 === 0 ? ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"] : [],
    }),
    make(AWS_TYPES.iamRolePolicy, "sagemaker-access", {
      role: `sagemaker-role-${i}`,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject"],
            Resource: `arn:aws:s3:::artifacts-${i}/*`,
          },
          {
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: i % 10 === 0 ? "*" : `arn:aws:iam::${ACCOUNT}:role/x`,
          },
        ],
      }),
    }),
    make(AWS_TYPES.iamRolePolicyAttachment, "logs", {
      role: `inference-${i}`,
      policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    }),
    make(AWS_TYPES.iamRole, "inference-role", {
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      }),
      inlinePolicies: [
        {
          name: "invoke",
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Action: "sagemaker:InvokeEndpoint",
                Resource: i % 11 === 0 ? "*" : endpointArn,
              },
            ],
          }),
        },
      ],
    }),
    fn,
    make(AWS_TYPES.lambdaAlias, "live", { functionName: `classify-${i}`, functionVersion: "1" }),
    make(
      AWS_TYPES.lambdaProvisionedConcurrencyConfig,
      "warm",
      { functionName: `classify-${i}`, qualifier: "live", provisionedConcurrentExecutions: 2 },
      { propertyDependencies: { functionName: [fn.urn] } },
    ),
    make(AWS_TYPES.cloudwatchLogGroup, "logs", { retentionInDays: 30 }),
    make(AWS_TYPES.ec2Instance, "trainer", {
      ami: "ami-0123456789abcdef0",
      instanceType: i % 5 === 0 ? "p4d.24xlarge" : "g5.2xlarge",
      subnetId: "subnet-0123456789abcdef0",
      associatePublicIpAddress: false,
      metadataOptions: { httpTokens: i % 3 === 0 ? "optional" : "required" },
      rootBlockDevice: { volumeSize: 200, volumeType: "gp3", encrypted: true },
    }),
    make(AWS_TYPES.ec2SecurityGroup, "trainer-sg", {
      vpcId: "vpc-0123456789abcdef0",
      ingress: [
        {
          protocol: "tcp",
          fromPort: 22,
          toPort: 22,
          cidrBlocks: [i % 4 === 0 ? "0.0.0.0/0" : "10.0.0.0/16"],
        },
      ],
    }),
    make(AWS_TYPES.vpcSecurityGroupIngressRule, "ssh", {
      securityGroupId: "sg-0123456789abcdef0",
      ipProtocol: "tcp",
      fromPort: 22,
      toPort: 22,
      cidrIpv4: "10.0.0.0/16",
    }),
    bucket,
    make(
      AWS_TYPES.s3BucketPublicAccessBlock,
      "artifacts-pab",
      {
        bucket: `artifacts-${i}-id`,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: i % 2 === 0,
      },
      { propertyDependencies: { bucket: [bucket.urn] } },
    ),
    make(AWS_TYPES.kmsKey, "key", { enableKeyRotation: true, deletionWindowInDays: 30 }),
  ];
}

/** `count` resources built from as many 20-resource applications as needed. */
export function syntheticStack(count: number): CapturedResource[] {
  const out: CapturedResource[] = [];
  for (let i = 0; out.length < count; i++) out.push(...application(i));
  return out.slice(0, count);
}
