/**
 * The mock AWS provider used by the program runner: plausible ids and computed outputs for created resources, and
 * answers to data sources (invokes) from the fixture file. Pure functions, so they are unit-tested without a
 * Pulumi runtime.
 *
 * The goal is that every value a program or a policy reads from another resource's outputs looks like what AWS would
 * return (ARN shapes, lowercase SageMaker ARNs, auto-names), because the policy pack inspects those values.
 */
import { createHash } from "node:crypto";
import type { DataSourceFixtures } from "./data-source-fixtures";
import { AWS_INVOKES, AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

export interface MockAwsContext {
  readonly fixtures: DataSourceFixtures;
  /** The stack's `aws:region`, else the fixture's default region. */
  readonly region: string;
}

/** An invoke token the fixtures can't answer. Reported as a setup error that names the token. */
export class UnansweredInvokeError extends Error {
  override name = "UnansweredInvokeError";
  constructor(
    readonly token: string,
    detail?: string,
  ) {
    super(
      `the offline preview has no answer for data source ${token}${detail ? ` (${detail})` : ""}; ` +
        `add one to the data-source fixtures (tools/preview/fixtures.yaml) or to tools/lib/mock-aws.ts`,
    );
  }
}

type Props = Record<string, unknown>;

function dnsSuffix(partition: string): string {
  return partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
}

function reverseDnsPrefix(partition: string): string {
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
function stableUuid(seed: string): string {
  const h = stableHex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The engine's auto-naming: `<logical name>-<7 random hex>`. */
export function autoName(logicalName: string, urn: string): string {
  return `${logicalName}-${stableHex(urn, 7)}`;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * Resource types whose name property the AWS provider auto-names when it is absent, and that property. Only these get
 * a generated name; other types keep whatever the program set.
 */
const AUTO_NAMED: Readonly<Record<string, string>> = {
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

function lambdaInvokeArn(partition: string, region: string, functionArn: string): string {
  return `arn:${partition}:apigateway:${region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`;
}

/** `*` in a fixture pattern matches any run of characters. */
function globMatches(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.split("*").map(escapeRegExp).join(".*")}$`);
  return re.test(value);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Answers a data source. Throws UnansweredInvokeError for tokens or arguments the fixtures can't answer. */
export function answerInvoke(token: string, inputs: Props, ctx: MockAwsContext): Props {
  const f = ctx.fixtures;
  const partition = f.partition;
  const region = str(inputs.region) ?? ctx.region;
  const sub = (s: string) =>
    s.replace(/\{accountId\}/g, f.callerIdentity.accountId).replace(/\{partition\}/g, partition);
  switch (token) {
    case AWS_INVOKES.getCallerIdentity:
      return {
        id: f.callerIdentity.accountId,
        accountId: f.callerIdentity.accountId,
        arn: sub(f.callerIdentity.arn),
        userId: f.callerIdentity.userId,
      };
    case AWS_INVOKES.getRegion:
      return {
        id: region,
        region,
        name: region,
        endpoint: `ec2.${region}.${dnsSuffix(partition)}`,
        description: region,
      };
    case AWS_INVOKES.getPartition:
      return {
        id: partition,
        partition,
        dnsSuffix: dnsSuffix(partition),
        reverseDnsPrefix: reverseDnsPrefix(partition),
      };
    case AWS_INVOKES.ssmGetParameter: {
      const name = str(inputs.name);
      const hit = name === undefined ? undefined : f.ssmParameters.find((p) => globMatches(p.name, name));
      if (!hit) {
        throw new UnansweredInvokeError(
          token,
          `no ssmParameters entry matches parameter name ${JSON.stringify(name)}`,
        );
      }
      return {
        id: name,
        name,
        type: hit.type,
        value: hit.value,
        insecureValue: hit.type === "SecureString" ? undefined : hit.value,
        version: 1,
        arn: `arn:${partition}:ssm:${region}:${name!.startsWith("/aws/") ? "" : f.callerIdentity.accountId}:parameter${name!.startsWith("/") ? "" : "/"}${name}`,
        withDecryption: inputs.withDecryption ?? true,
      };
    }
    case AWS_INVOKES.ec2GetAmi: {
      if (!f.ami) throw new UnansweredInvokeError(token, "the fixtures define no `ami`");
      return {
        id: f.ami.id,
        imageId: f.ami.id,
        name: f.ami.name,
        architecture: f.ami.architecture,
        ownerId: f.ami.ownerId,
        arn: `arn:${partition}:ec2:${region}::image/${f.ami.id}`,
        mostRecent: inputs.mostRecent ?? false,
        owners: inputs.owners ?? [],
        filters: inputs.filters ?? [],
        rootDeviceName: "/dev/xvda",
        rootDeviceType: "ebs",
        virtualizationType: "hvm",
        state: "available",
      };
    }
    case AWS_INVOKES.sagemakerGetPrebuiltEcrImage: {
      const repositoryName = str(inputs.repositoryName);
      if (!repositoryName) throw new UnansweredInvokeError(token, "repositoryName is required");
      const entry = f.prebuiltEcrImages[repositoryName] ?? f.prebuiltEcrImages["*"];
      if (!entry) {
        throw new UnansweredInvokeError(token, `no prebuiltEcrImages entry for repository ${repositoryName}`);
      }
      const registryId = entry.regions[region] ?? entry.default;
      const imageTag = str(inputs.imageTag) ?? "1";
      const suffix = str(inputs.dnsSuffix) ?? dnsSuffix(partition);
      return {
        id: registryId,
        registryId,
        repositoryName,
        imageTag,
        region,
        dnsSuffix: suffix,
        registryPath: `${registryId}.dkr.ecr.${region}.${suffix}/${repositoryName}:${imageTag}`,
      };
    }
    case AWS_INVOKES.ec2GetVpcs: {
      // Only the default-VPC lookup: filter is-default = true, nothing else.
      const filters = (Array.isArray(inputs.filters) ? inputs.filters : []) as {
        name?: unknown;
        values?: unknown;
      }[];
      const isDefaultOnly =
        filters.length === 1 &&
        filters[0]!.name === "is-default" &&
        JSON.stringify(filters[0]!.values) === JSON.stringify(["true"]);
      if (!isDefaultOnly)
        throw new UnansweredInvokeError(token, "only the filter is-default=true is answered");
      const ids = f.defaultVpcId ? [f.defaultVpcId] : [];
      return { id: region, ids, filters };
    }
    case AWS_INVOKES.iamGetPolicyDocument: {
      const json = JSON.stringify(renderPolicyDocument(inputs), null, 2);
      return { id: stableHex(json, 10), json, minifiedJson: JSON.stringify(JSON.parse(json)) };
    }
    default:
      throw new UnansweredInvokeError(token);
  }
}

/**
 * Renders `aws.iam.getPolicyDocument` inputs as the provider does (terraform-provider-aws
 * data_source_iam_policy_document): Effect defaults to Allow, a one-element action/resource list becomes a string,
 * longer lists are sorted in reverse order, principals are grouped by type and conditions by test then variable.
 */
export function renderPolicyDocument(inputs: Props): Props {
  const doc: Props = { Version: str(inputs.version) ?? "2012-10-17" };
  if (str(inputs.policyId)) doc.Id = inputs.policyId;
  const statements = Array.isArray(inputs.statements) ? (inputs.statements as Props[]) : [];
  doc.Statement = statements.map((s) => {
    const out: Props = {};
    if (str(s.sid)) out.Sid = s.sid;
    out.Effect = str(s.effect) ?? "Allow";
    const list = (key: string, value: unknown) => {
      if (!Array.isArray(value) || value.length === 0) return;
      const items = [...new Set(value.map(String))];
      out[key] = items.length === 1 ? items[0] : items.sort().reverse();
    };
    list("Action", s.actions);
    list("NotAction", s.notActions);
    list("Resource", s.resources);
    list("NotResource", s.notResources);
    const principals = (key: string, value: unknown) => {
      if (!Array.isArray(value) || value.length === 0) return;
      const grouped: Record<string, string[]> = {};
      for (const p of value as Props[]) {
        const type = String(p.type);
        const ids = Array.isArray(p.identifiers) ? p.identifiers.map(String) : [];
        grouped[type] = [...(grouped[type] ?? []), ...ids];
      }
      if (Object.keys(grouped).length === 1 && grouped["*"]) {
        out[key] = "*";
        return;
      }
      out[key] = Object.fromEntries(
        Object.entries(grouped).map(([t, ids]) => [t, ids.length === 1 ? ids[0] : ids.sort().reverse()]),
      );
    };
    principals("Principal", s.principals);
    principals("NotPrincipal", s.notPrincipals);
    if (Array.isArray(s.conditions) && s.conditions.length > 0) {
      const cond: Record<string, Record<string, unknown>> = {};
      for (const c of s.conditions as Props[]) {
        const test = String(c.test);
        const values = Array.isArray(c.values) ? c.values.map(String) : [];
        cond[test] = {
          ...(cond[test] ?? {}),
          [String(c.variable)]: values.length === 1 ? values[0] : values,
        };
      }
      out.Condition = cond;
    }
    return out;
  });
  return doc;
}
