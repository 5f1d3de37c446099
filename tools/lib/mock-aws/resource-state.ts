/**
 * What the mock AWS provider "creates": the id and the provider-computed outputs (ARNs, auto-names, URLs) of each
 * resource type, shaped like what AWS returns.
 */
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";
import { str, type MockAwsContext, type Props } from "./context";
import { AUTO_NAMED, autoName, dnsSuffix, lambdaInvokeArn, stableHex, stableUuid } from "./naming";

/** The result of "creating" a resource under the mock provider. */
export interface MockResourceState {
  readonly id: string;
  /** Computed outputs to merge over the inputs. */
  readonly computed: Props;
}

/**
 * Computes the id and the provider-computed outputs of a custom resource. `inputs` are plain values (resource
 * references already reduced to ids). Inputs are never modified; the caller merges `computed` over them.
 */
export function mockResourceState(
  type: string,
  logicalName: string,
  urn: string,
  inputs: Props,
  ctx: MockAwsContext,
): MockResourceState {
  const partition = ctx.fixtures.partition;
  const account = ctx.fixtures.callerIdentity.accountId;
  const region = str(inputs.region) ?? ctx.region;
  const computed: Props = {};

  const nameProp = AUTO_NAMED[type];
  let name: string | undefined;
  if (nameProp) {
    name = str(inputs[nameProp]);
    if (name === undefined) {
      const prefix = str(inputs[`${nameProp}Prefix`]);
      name = prefix !== undefined ? `${prefix}${stableHex(urn, 26)}` : autoName(logicalName, urn);
      if (type.startsWith("aws:s3/")) name = name.toLowerCase();
      computed[nameProp] = name;
    }
  }
  const arnPrefix = (service: string, withRegion = true, withAccount = true) =>
    `arn:${partition}:${service}:${withRegion ? region : ""}:${withAccount ? account : ""}:`;
  const hex17 = stableHex(urn, 17);
  let id: string = name ?? `${logicalName}-${stableHex(urn, 7)}`;

  if (inputs.tags && typeof inputs.tags === "object") computed.tagsAll = { ...(inputs.tags as Props) };
  if (type.startsWith("aws:") && !str(inputs.region) && supportsRegion(type)) computed.region = region;

  switch (type) {
    case AWS_TYPES.iamRole:
      computed.arn = `${arnPrefix("iam", false)}role${str(inputs.path) ?? "/"}${name}`;
      computed.uniqueId = `AROA${stableHex(urn, 17).toUpperCase()}`;
      computed.createDate = "2026-01-01T00:00:00Z";
      break;
    case AWS_TYPES.iamPolicy:
      computed.arn = `${arnPrefix("iam", false)}policy${str(inputs.path) ?? "/"}${name}`;
      computed.policyId = `ANPA${stableHex(urn, 17).toUpperCase()}`;
      computed.attachmentCount = 0;
      id = computed.arn as string;
      break;
    case AWS_TYPES.iamInstanceProfile:
      computed.arn = `${arnPrefix("iam", false)}instance-profile${str(inputs.path) ?? "/"}${name}`;
      computed.uniqueId = `AIPA${stableHex(urn, 17).toUpperCase()}`;
      break;
    case AWS_TYPES.iamRolePolicy:
      id = `${str(inputs.role) ?? "role"}:${name}`;
      break;
    case AWS_TYPES.iamRolePolicyAttachment:
      id = `${str(inputs.role) ?? "role"}-${stableHex(urn, 26)}`;
      break;
    case AWS_TYPES.s3Bucket:
    case AWS_TYPES.s3BucketV2:
      computed.arn = `arn:${partition}:s3:::${name}`;
      computed.bucketDomainName = `${name}.s3.${dnsSuffix(partition)}`;
      computed.bucketRegionalDomainName = `${name}.s3.${region}.${dnsSuffix(partition)}`;
      computed.hostedZoneId = "Z3AQBSTGFYJSTF";
      break;
    case AWS_TYPES.kmsKey: {
      const keyId = stableUuid(urn);
      id = keyId;
      computed.keyId = keyId;
      computed.arn = `${arnPrefix("kms")}key/${keyId}`;
      break;
    }
    case AWS_TYPES.kmsAlias:
      computed.arn = `${arnPrefix("kms")}${name}`;
      computed.targetKeyArn = str(inputs.targetKeyId)?.startsWith("arn:")
        ? inputs.targetKeyId
        : `${arnPrefix("kms")}key/${str(inputs.targetKeyId) ?? stableUuid(urn)}`;
      break;
    case AWS_TYPES.sagemakerNotebookInstance:
      computed.arn = `${arnPrefix("sagemaker")}notebook-instance/${name!.toLowerCase()}`;
      computed.url = `${name}.notebook.${region}.sagemaker.aws`;
      computed.networkInterfaceId = inputs.subnetId ? `eni-${hex17}` : "";
      break;
    case AWS_TYPES.sagemakerNotebookInstanceLifecycleConfiguration:
      computed.arn = `${arnPrefix("sagemaker")}notebook-instance-lifecycle-config/${name!.toLowerCase()}`;
      break;
    case AWS_TYPES.sagemakerModel:
      computed.arn = `${arnPrefix("sagemaker")}model/${name!.toLowerCase()}`;
      break;
    case AWS_TYPES.sagemakerEndpointConfiguration:
      computed.arn = `${arnPrefix("sagemaker")}endpoint-config/${name!.toLowerCase()}`;
      break;
    case AWS_TYPES.sagemakerEndpoint:
      computed.arn = `${arnPrefix("sagemaker")}endpoint/${name!.toLowerCase()}`;
      break;
    case AWS_TYPES.appautoscalingTarget:
      id = str(inputs.resourceId) ?? id;
      computed.arn = `${arnPrefix("application-autoscaling")}scalable-target/${stableHex(urn, 32)}`;
      computed.roleArn =
        str(inputs.roleArn) ??
        `${arnPrefix("iam", false)}role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint`;
      break;
    case AWS_TYPES.appautoscalingPolicy:
      computed.arn =
        `${arnPrefix("autoscaling")}scalingPolicy:${stableUuid(urn)}:resource/` +
        `${str(inputs.serviceNamespace) ?? "sagemaker"}/${str(inputs.resourceId) ?? ""}:policyName/${name}`;
      computed.alarmArns = [];
      if (inputs.policyType === undefined) computed.policyType = "StepScaling";
      break;
    case AWS_TYPES.lambdaFunction: {
      const arn = `${arnPrefix("lambda")}function:${name}`;
      const version = inputs.publish === true ? "1" : "$LATEST";
      computed.arn = arn;
      computed.version = version;
      computed.qualifiedArn = `${arn}:${version}`;
      computed.invokeArn = lambdaInvokeArn(partition, region, arn);
      computed.qualifiedInvokeArn = lambdaInvokeArn(partition, region, `${arn}:${version}`);
      computed.lastModified = "2026-01-01T00:00:00.000+0000";
      computed.sourceCodeHash = Buffer.from(stableHex(urn, 64), "hex").toString("base64");
      computed.sourceCodeSize = 1024;
      if (inputs.loggingConfig === undefined) {
        computed.loggingConfig = { logFormat: "Text", logGroup: `/aws/lambda/${name}` };
      }
      break;
    }
    case AWS_TYPES.lambdaAlias: {
      const fn = str(inputs.functionName) ?? "function";
      const fnArn = fn.startsWith("arn:")
        ? fn.replace(/:(\d+|\$LATEST)$/, "")
        : `${arnPrefix("lambda")}function:${fn}`;
      const arn = `${fnArn}:${str(inputs.name) ?? logicalName}`;
      id = arn;
      computed.arn = arn;
      computed.invokeArn = lambdaInvokeArn(partition, region, arn);
      break;
    }
    case AWS_TYPES.lambdaProvisionedConcurrencyConfig:
      id = `${str(inputs.functionName) ?? "function"},${str(inputs.qualifier) ?? ""}`;
      break;
    case AWS_TYPES.lambdaPermission:
      id = str(inputs.statementId) ?? `terraform-${stableHex(urn, 26)}`;
      break;
    case AWS_TYPES.cloudwatchLogGroup:
      computed.arn = `${arnPrefix("logs")}log-group:${name}`;
      break;
    case AWS_TYPES.cloudwatchMetricAlarm:
      computed.arn = `${arnPrefix("cloudwatch")}alarm:${name}`;
      break;
    case AWS_TYPES.ec2Instance: {
      id = `i-${hex17}`;
      computed.arn = `${arnPrefix("ec2")}instance/${id}`;
      computed.availabilityZone = str(inputs.availabilityZone) ?? `${region}a`;
      computed.primaryNetworkInterfaceId = `eni-${stableHex(`${urn}#eni`, 17)}`;
      computed.privateIp = `10.0.${parseInt(hex17.slice(0, 2), 16) % 256}.${(parseInt(hex17.slice(2, 4), 16) % 250) + 4}`;
      computed.privateDns = `ip-${(computed.privateIp as string).replace(/\./g, "-")}.ec2.internal`;
      computed.instanceState = "running";
      if (inputs.associatePublicIpAddress === true) computed.publicIp = "203.0.113.10";
      break;
    }
    case AWS_TYPES.ec2SecurityGroup:
      id = `sg-${hex17}`;
      computed.arn = `${arnPrefix("ec2")}security-group/${id}`;
      computed.ownerId = account;
      if (!str(inputs.vpcId) && ctx.fixtures.defaultVpcId) computed.vpcId = ctx.fixtures.defaultVpcId;
      break;
    case AWS_TYPES.vpcSecurityGroupIngressRule:
    case AWS_TYPES.vpcSecurityGroupEgressRule:
      id = `sgr-${hex17}`;
      computed.arn = `${arnPrefix("ec2")}security-group-rule/${id}`;
      computed.securityGroupRuleId = id;
      break;
    case AWS_TYPES.ec2LaunchTemplate:
      id = `lt-${hex17}`;
      computed.arn = `${arnPrefix("ec2")}launch-template/${id}`;
      computed.latestVersion = 1;
      break;
    case AWS_TYPES.snsTopic:
      computed.arn = `${arnPrefix("sns")}${name}`;
      id = computed.arn as string;
      break;
    case AWS_TYPES.sqsQueue:
      computed.arn = `${arnPrefix("sqs")}${name}`;
      computed.url = `https://sqs.${region}.${dnsSuffix(partition)}/${account}/${name}`;
      id = computed.url as string;
      break;
    default:
      if (
        type.startsWith("aws:s3/") &&
        str(inputs.bucket) &&
        !("bucket" in computed) &&
        type !== AWS_TYPES.s3BucketObject &&
        type !== AWS_TYPES.s3BucketObjectv2
      ) {
        // Bucket sub-resources (policy, versioning, encryption, public access block, ...) are identified by bucket.
        id = str(inputs.bucket)!;
      }
  }
  return { id, computed };
}

/** Types that take the v7 `region` argument: every AWS resource except the global IAM ones. */
function supportsRegion(type: string): boolean {
  return !type.startsWith("aws:iam/") && !type.startsWith("pulumi:");
}
