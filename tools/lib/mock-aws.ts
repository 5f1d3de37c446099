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
  "aws:iam/role:Role": "name",
  "aws:iam/policy:Policy": "name",
  "aws:iam/instanceProfile:InstanceProfile": "name",
  "aws:iam/rolePolicy:RolePolicy": "name",
  "aws:iam/user:User": "name",
  "aws:iam/group:Group": "name",
  "aws:s3/bucket:Bucket": "bucket",
  "aws:s3/bucketV2:BucketV2": "bucket",
  "aws:sagemaker/notebookInstance:NotebookInstance": "name",
  "aws:sagemaker/notebookInstanceLifecycleConfiguration:NotebookInstanceLifecycleConfiguration": "name",
  "aws:sagemaker/model:Model": "name",
  "aws:sagemaker/endpointConfiguration:EndpointConfiguration": "name",
  "aws:sagemaker/endpoint:Endpoint": "name",
  "aws:appautoscaling/policy:Policy": "name",
  "aws:lambda/function:Function": "name",
  "aws:cloudwatch/logGroup:LogGroup": "name",
  "aws:cloudwatch/metricAlarm:MetricAlarm": "name",
  "aws:ec2/securityGroup:SecurityGroup": "name",
  "aws:ec2/launchTemplate:LaunchTemplate": "name",
  "aws:kms/alias:Alias": "name",
  "aws:sns/topic:Topic": "name",
  "aws:sqs/queue:Queue": "name",
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
    case "aws:iam/role:Role":
      computed.arn = `${arnPrefix("iam", false)}role${str(inputs.path) ?? "/"}${name}`;
      computed.uniqueId = `AROA${stableHex(urn, 17).toUpperCase()}`;
      computed.createDate = "2026-01-01T00:00:00Z";
      break;
    case "aws:iam/policy:Policy":
      computed.arn = `${arnPrefix("iam", false)}policy${str(inputs.path) ?? "/"}${name}`;
      computed.policyId = `ANPA${stableHex(urn, 17).toUpperCase()}`;
      computed.attachmentCount = 0;
      id = computed.arn as string;
      break;
    case "aws:iam/instanceProfile:InstanceProfile":
      computed.arn = `${arnPrefix("iam", false)}instance-profile${str(inputs.path) ?? "/"}${name}`;
      computed.uniqueId = `AIPA${stableHex(urn, 17).toUpperCase()}`;
      break;
    case "aws:iam/rolePolicy:RolePolicy":
      id = `${str(inputs.role) ?? "role"}:${name}`;
      break;
    case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
      id = `${str(inputs.role) ?? "role"}-${stableHex(urn, 26)}`;
      break;
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2":
      computed.arn = `arn:${partition}:s3:::${name}`;
      computed.bucketDomainName = `${name}.s3.${dnsSuffix(partition)}`;
      computed.bucketRegionalDomainName = `${name}.s3.${region}.${dnsSuffix(partition)}`;
      computed.hostedZoneId = "Z3AQBSTGFYJSTF";
      break;
    case "aws:kms/key:Key": {
      const keyId = stableUuid(urn);
      id = keyId;
      computed.keyId = keyId;
      computed.arn = `${arnPrefix("kms")}key/${keyId}`;
      break;
    }
    case "aws:kms/alias:Alias":
      computed.arn = `${arnPrefix("kms")}${name}`;
      computed.targetKeyArn = str(inputs.targetKeyId)?.startsWith("arn:")
        ? inputs.targetKeyId
        : `${arnPrefix("kms")}key/${str(inputs.targetKeyId) ?? stableUuid(urn)}`;
      break;
    case "aws:sagemaker/notebookInstance:NotebookInstance":
      computed.arn = `${arnPrefix("sagemaker")}notebook-instance/${name!.toLowerCase()}`;
      computed.url = `${name}.notebook.${region}.sagemaker.aws`;
      computed.networkInterfaceId = inputs.subnetId ? `eni-${hex17}` : "";
      break;
    case "aws:sagemaker/notebookInstanceLifecycleConfiguration:NotebookInstanceLifecycleConfiguration":
      computed.arn = `${arnPrefix("sagemaker")}notebook-instance-lifecycle-config/${name!.toLowerCase()}`;
      break;
    case "aws:sagemaker/model:Model":
      computed.arn = `${arnPrefix("sagemaker")}model/${name!.toLowerCase()}`;
      break;
    case "aws:sagemaker/endpointConfiguration:EndpointConfiguration":
      computed.arn = `${arnPrefix("sagemaker")}endpoint-config/${name!.toLowerCase()}`;
      break;
    case "aws:sagemaker/endpoint:Endpoint":
      computed.arn = `${arnPrefix("sagemaker")}endpoint/${name!.toLowerCase()}`;
      break;
    case "aws:appautoscaling/target:Target":
      id = str(inputs.resourceId) ?? id;
      computed.arn = `${arnPrefix("application-autoscaling")}scalable-target/${stableHex(urn, 32)}`;
      computed.roleArn =
        str(inputs.roleArn) ??
        `${arnPrefix("iam", false)}role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint`;
      break;
    case "aws:appautoscaling/policy:Policy":
      computed.arn =
        `${arnPrefix("autoscaling")}scalingPolicy:${stableUuid(urn)}:resource/` +
        `${str(inputs.serviceNamespace) ?? "sagemaker"}/${str(inputs.resourceId) ?? ""}:policyName/${name}`;
      computed.alarmArns = [];
      if (inputs.policyType === undefined) computed.policyType = "StepScaling";
      break;
    case "aws:lambda/function:Function": {
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
    case "aws:lambda/alias:Alias": {
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
    case "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig":
      id = `${str(inputs.functionName) ?? "function"},${str(inputs.qualifier) ?? ""}`;
      break;
    case "aws:lambda/permission:Permission":
      id = str(inputs.statementId) ?? `terraform-${stableHex(urn, 26)}`;
      break;
    case "aws:cloudwatch/logGroup:LogGroup":
      computed.arn = `${arnPrefix("logs")}log-group:${name}`;
      break;
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      computed.arn = `${arnPrefix("cloudwatch")}alarm:${name}`;
      break;
    case "aws:ec2/instance:Instance": {
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
    case "aws:ec2/securityGroup:SecurityGroup":
      id = `sg-${hex17}`;
      computed.arn = `${arnPrefix("ec2")}security-group/${id}`;
      computed.ownerId = account;
      if (!str(inputs.vpcId)) computed.vpcId = ctx.fixtures.defaultVpcId;
      break;
    case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
    case "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":
      id = `sgr-${hex17}`;
      computed.arn = `${arnPrefix("ec2")}security-group-rule/${id}`;
      computed.securityGroupRuleId = id;
      break;
    case "aws:ec2/launchTemplate:LaunchTemplate":
      id = `lt-${hex17}`;
      computed.arn = `${arnPrefix("ec2")}launch-template/${id}`;
      computed.latestVersion = 1;
      break;
    case "aws:sns/topic:Topic":
      computed.arn = `${arnPrefix("sns")}${name}`;
      id = computed.arn as string;
      break;
    case "aws:sqs/queue:Queue":
      computed.arn = `${arnPrefix("sqs")}${name}`;
      computed.url = `https://sqs.${region}.${dnsSuffix(partition)}/${account}/${name}`;
      id = computed.url as string;
      break;
    default:
      if (
        type.startsWith("aws:s3/") &&
        str(inputs.bucket) &&
        !("bucket" in computed) &&
        type !== "aws:s3/bucketObject:BucketObject" &&
        type !== "aws:s3/bucketObjectv2:BucketObjectv2"
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
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        id: f.callerIdentity.accountId,
        accountId: f.callerIdentity.accountId,
        arn: sub(f.callerIdentity.arn),
        userId: f.callerIdentity.userId,
      };
    case "aws:index/getRegion:getRegion":
      return {
        id: region,
        region,
        name: region,
        endpoint: `ec2.${region}.${dnsSuffix(partition)}`,
        description: region,
      };
    case "aws:index/getPartition:getPartition":
      return {
        id: partition,
        partition,
        dnsSuffix: dnsSuffix(partition),
        reverseDnsPrefix: reverseDnsPrefix(partition),
      };
    case "aws:ssm/getParameter:getParameter": {
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
    case "aws:ec2/getAmi:getAmi": {
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
    case "aws:sagemaker/getPrebuiltEcrImage:getPrebuiltEcrImage": {
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
    case "aws:iam/getPolicyDocument:getPolicyDocument": {
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
