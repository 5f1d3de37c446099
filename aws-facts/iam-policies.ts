/**
 * The IAM documents of every role the components create, as plain typed objects built by pure functions.
 *
 * Why not `aws.iam.getPolicyDocument`: an invoke per document, an extra data source to answer under mocks, and a
 * JSON string that tests can only compare textually. Here tests assert exact action sets and resource references,
 * and the components render the same objects with `JSON.stringify` once their Output inputs are known
 * (see {@link renderPolicy}).
 *
 * Least privilege is the rule: every statement names its resources, wildcards appear only where the API has no
 * resource-level permissions (`ecr:GetAuthorizationToken`, `cloudwatch:PutMetricData`, the latter narrowed by
 * namespace), and no AWS-managed *FullAccess policy is ever attached.
 */
import * as pulumi from "@pulumi/pulumi";
import { SERVICE_PRINCIPALS, type ServicePrincipal } from "./principals";

export type IamConditionBlock = Readonly<
  Record<string, Readonly<Record<string, string | readonly string[]>>>
>;

export interface IamStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: { readonly Service: string } | { readonly AWS: string };
  readonly Action: readonly string[];
  readonly Resource?: readonly string[];
  readonly Condition?: IamConditionBlock;
}

export interface IamPolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly IamStatement[];
}

/** Where ARNs are built: partition, region and account of the deployment. */
export interface AwsContext {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

export { cloudWatchLogsPrincipal, SERVICE_PRINCIPALS, type ServicePrincipal } from "./principals";

/** The only managed policy the components attach: Session Manager core for the training host. */
export function ssmManagedInstanceCoreArn(partition: string): string {
  return `arn:${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`;
}

/** Trust policy letting one AWS service assume the role. */
export function serviceTrustPolicy(service: ServicePrincipal): IamPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AssumedByService",
        Effect: "Allow",
        Principal: { Service: service },
        Action: ["sts:AssumeRole"],
      },
    ],
  };
}

/** ARN of a CloudWatch Logs log group (no trailing `:*`; append it to cover the group's streams). */
export function logGroupArn(ctx: AwsContext, logGroupName: string): string {
  return `arn:${ctx.partition}:logs:${ctx.region}:${ctx.accountId}:log-group:${logGroupName}`;
}

/** Prefix of `s3://bucket/key` as an object ARN pattern, e.g. `arn:aws:s3:::bucket/models/v1/*`. */
export function s3ObjectPrefixArn(partition: string, bucket: string, keyPrefix: string): string {
  return `arn:${partition}:s3:::${bucket}/${keyPrefix}*`;
}

/** Splits `s3://bucket/path/to/model.tar.gz` into bucket and key; undefined when it is not an S3 URL. */
export function parseS3Url(url: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  if (!match) return undefined;
  return { bucket: match[1]!, key: match[2]! };
}

/** The "directory" of an S3 key, with its trailing slash (`models/v1/model.tar.gz` → `models/v1/`). */
export function keyDirectory(key: string): string {
  const slash = key.lastIndexOf("/");
  return slash < 0 ? "" : key.slice(0, slash + 1);
}

const ECR_PULL_ACTIONS = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:BatchGetImage",
  "ecr:GetDownloadUrlForLayer",
];

function ecrPullStatements(repositoryArns: readonly string[]): IamStatement[] {
  return [
    // GetAuthorizationToken has no resource-level permissions: AWS requires Resource "*".
    { Sid: "EcrAuthorization", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
    { Sid: "EcrPull", Effect: "Allow", Action: ECR_PULL_ACTIONS, Resource: [...repositoryArns] },
  ];
}

/** What a writer of a CloudWatch Logs group needs (create it if missing, then its streams and events). */
const LOG_WRITE_ACTIONS = [
  "logs:CreateLogGroup",
  "logs:CreateLogStream",
  "logs:DescribeLogStreams",
  "logs:PutLogEvents",
];

/**
 * The project bucket as training sees it (the training host and SageMaker training jobs alike): list only the two
 * prefixes, read training data, read and write model artifacts.
 */
function trainingBucketStatements(
  bucketArn: string,
  dataPrefix: string,
  artifactPrefix: string,
): IamStatement[] {
  return [
    {
      Sid: "ListProjectPrefixes",
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: [bucketArn],
      Condition: { StringLike: { "s3:prefix": [`${dataPrefix}*`, `${artifactPrefix}*`] } },
    },
    {
      Sid: "ReadTrainingData",
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: [`${bucketArn}/${dataPrefix}*`],
    },
    {
      Sid: "WriteModelArtifacts",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject"],
      Resource: [`${bucketArn}/${artifactPrefix}*`],
    },
  ];
}

function putMetricDataStatement(namespace: string): IamStatement {
  // PutMetricData has no resource-level permissions; the namespace condition is its only scope.
  return {
    Sid: "PutMetricsInOwnNamespace",
    Effect: "Allow",
    Action: ["cloudwatch:PutMetricData"],
    Resource: ["*"],
    Condition: { StringEquals: { "cloudwatch:namespace": namespace } },
  };
}

export interface NotebookPolicyInput {
  readonly ctx: AwsContext;
  /** Lower-case project prefix; the notebook may create jobs, models and endpoints named `<prefix>-…`. */
  readonly namePrefix: string;
  readonly bucketArn: string;
  /** The only role the notebook may pass (to SageMaker training jobs and models). */
  readonly trainingRoleArn: string;
  /** ECR repositories the notebook may pull from. */
  readonly ecrRepositoryArns: readonly string[];
  /**
   * For the idle auto-stop script: the notebook's own logical name. Adds sagemaker:StopNotebookInstance (and
   * Describe) on `notebook-instance/<name>-*`, which matches its auto-name `<name>-<7 hex>` (lower case, as in
   * ARNs). Default: undefined (no self-stop permission).
   */
  readonly selfStopNotebookName?: string;
}

/** Execution role of the notebook instance: the project bucket, project-prefixed SageMaker work, logs, ECR. */
export function notebookExecutionPolicy(input: NotebookPolicyInput): IamPolicyDocument {
  const { ctx, namePrefix } = input;
  const sagemakerArn = (kind: string) =>
    `arn:${ctx.partition}:sagemaker:${ctx.region}:${ctx.accountId}:${kind}/${namePrefix}-*`;
  const statements: IamStatement[] = [
    {
      Sid: "ProjectBucketList",
      Effect: "Allow",
      Action: ["s3:GetBucketLocation", "s3:ListBucket"],
      Resource: [input.bucketArn],
    },
    {
      Sid: "ProjectBucketObjects",
      Effect: "Allow",
      Action: ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
      Resource: [`${input.bucketArn}/*`],
    },
    {
      Sid: "ProjectTrainingAndTuningJobs",
      Effect: "Allow",
      Action: [
        "sagemaker:CreateHyperParameterTuningJob",
        "sagemaker:CreateTrainingJob",
        "sagemaker:DescribeHyperParameterTuningJob",
        "sagemaker:DescribeTrainingJob",
      ],
      Resource: [sagemakerArn("training-job"), sagemakerArn("hyper-parameter-tuning-job")],
    },
    {
      Sid: "ProjectModelsAndEndpoints",
      Effect: "Allow",
      Action: [
        "sagemaker:CreateEndpoint",
        "sagemaker:CreateEndpointConfig",
        "sagemaker:CreateModel",
        "sagemaker:DescribeEndpoint",
        "sagemaker:DescribeEndpointConfig",
        "sagemaker:DescribeModel",
      ],
      Resource: [sagemakerArn("model"), sagemakerArn("endpoint-config"), sagemakerArn("endpoint")],
    },
    {
      Sid: "PassOnlyTheTrainingRole",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: [input.trainingRoleArn],
      Condition: { StringEquals: { "iam:PassedToService": SERVICE_PRINCIPALS.sagemaker } },
    },
    {
      Sid: "NotebookLogs",
      Effect: "Allow",
      Action: LOG_WRITE_ACTIONS,
      Resource: [`${logGroupArn(ctx, "/aws/sagemaker/NotebookInstances")}:*`],
    },
    {
      Sid: "ReadTrainingJobLogs",
      Effect: "Allow",
      Action: ["logs:DescribeLogStreams", "logs:GetLogEvents"],
      Resource: [`${logGroupArn(ctx, "/aws/sagemaker/TrainingJobs")}:*`],
    },
    ...ecrPullStatements(input.ecrRepositoryArns),
  ];
  if (input.selfStopNotebookName !== undefined) {
    statements.push({
      Sid: "IdleAutoStop",
      Effect: "Allow",
      Action: ["sagemaker:DescribeNotebookInstance", "sagemaker:StopNotebookInstance"],
      Resource: [
        `arn:${ctx.partition}:sagemaker:${ctx.region}:${ctx.accountId}:notebook-instance/` +
          `${input.selfStopNotebookName.toLowerCase()}-*`,
      ],
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

export interface TrainingJobPolicyInput {
  readonly ctx: AwsContext;
  readonly bucketArn: string;
  /** Key prefix of training data, e.g. `data/`. */
  readonly dataPrefix: string;
  /** Key prefix of model artifacts, e.g. `models/`. */
  readonly artifactPrefix: string;
  readonly ecrRepositoryArns: readonly string[];
}

/** Role that SageMaker training jobs (launched from the notebook) run as. */
export function trainingJobExecutionPolicy(input: TrainingJobPolicyInput): IamPolicyDocument {
  const { ctx } = input;
  return {
    Version: "2012-10-17",
    Statement: [
      ...trainingBucketStatements(input.bucketArn, input.dataPrefix, input.artifactPrefix),
      {
        Sid: "TrainingJobLogs",
        Effect: "Allow",
        Action: LOG_WRITE_ACTIONS,
        Resource: [`${logGroupArn(ctx, "/aws/sagemaker/TrainingJobs")}:*`],
      },
      putMetricDataStatement("/aws/sagemaker/TrainingJobs"),
      ...ecrPullStatements(input.ecrRepositoryArns),
    ],
  };
}

export interface TrainingHostPolicyInput {
  readonly bucketArn: string;
  readonly dataPrefix: string;
  readonly artifactPrefix: string;
}

/** Instance-profile policy of the EC2 training host (Session Manager comes from the managed SSM core policy). */
export function trainingHostPolicy(input: TrainingHostPolicyInput): IamPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: trainingBucketStatements(input.bucketArn, input.dataPrefix, input.artifactPrefix),
  };
}

export interface ModelPolicyInput {
  readonly ctx: AwsContext;
  /** Object ARN pattern of the model artifact's prefix, e.g. `arn:aws:s3:::bucket/models/v1/*`. */
  readonly artifactPrefixArn: string;
  /** The one ECR repository holding the serving image. */
  readonly ecrRepositoryArn: string;
  /** Endpoint name prefix; SageMaker logs to `/aws/sagemaker/Endpoints/<endpoint name>`. */
  readonly endpointNamePrefix: string;
  /** Alarms rolling back a blue/green update, which guardrails read as this role (DescribeAlarms). Default: none. */
  readonly rollbackAlarmArns?: readonly string[];
}

/** Execution role of the SageMaker Model: its artifact prefix, its image repository, its endpoint's logs. */
export function modelExecutionPolicy(input: ModelPolicyInput): IamPolicyDocument {
  const { ctx } = input;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadModelArtifact",
        Effect: "Allow",
        Action: ["s3:GetObject"],
        Resource: [input.artifactPrefixArn],
      },
      ...ecrPullStatements([input.ecrRepositoryArn]),
      {
        Sid: "EndpointLogs",
        Effect: "Allow",
        Action: LOG_WRITE_ACTIONS,
        // The trailing * covers every endpoint generation (`<prefix>-<digest>`) and each group's streams.
        Resource: [logGroupArn(ctx, `/aws/sagemaker/Endpoints/${input.endpointNamePrefix}-*`)],
      },
      putMetricDataStatement("/aws/sagemaker/Endpoints"),
      // "Ensure that your IAM execution role has permission to perform the cloudwatch:DescribeAlarms action on the
      // auto-rollback alarms" (https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-configuration.html).
      ...(input.rollbackAlarmArns?.length ? [readAlarmsStatement(input.rollbackAlarmArns)] : []),
    ],
  };
}

function readAlarmsStatement(alarmArns: readonly string[]): IamStatement {
  return {
    Sid: "ReadRollbackAlarms",
    Effect: "Allow",
    Action: ["cloudwatch:DescribeAlarms"],
    Resource: [...alarmArns],
  };
}

export interface InferenceFunctionPolicyInput {
  /** The endpoint's `arn` output, or `arn:…:endpoint/<base>-*` for every generation of its name (lower case). */
  readonly endpointArn: string;
  /** The function's own log group ARN (the `arn` output of the LogGroup, without `:*`). */
  readonly logGroupArn: string;
}

/** The inference function may invoke one endpoint (each generation of its name, given the pattern) and log. */
export function inferenceFunctionPolicy(input: InferenceFunctionPolicyInput): IamPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "InvokeOneEndpoint",
        Effect: "Allow",
        Action: ["sagemaker:InvokeEndpoint"],
        Resource: [input.endpointArn],
      },
      {
        Sid: "WriteOwnLogGroup",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [`${input.logGroupArn}:*`],
      },
    ],
  };
}

/** Bucket policy refusing plain-HTTP requests and TLS older than 1.2. */
export function tlsOnlyBucketPolicy(bucketArn: string): IamPolicyDocument {
  const everything = [bucketArn, `${bucketArn}/*`];
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: ["s3:*"],
        Resource: everything,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "DenyTlsOlderThan12",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: ["s3:*"],
        Resource: everything,
        Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
      },
    ],
  };
}

/**
 * Renders a document whose inputs are Outputs: resolves them, builds the plain document, and stringifies it. The
 * result carries the dependencies of every input, so a policy on `endpoint.arn` waits for the endpoint.
 */
export function renderPolicy<T extends object>(
  inputs: T,
  build: (resolved: pulumi.Unwrap<T>) => IamPolicyDocument,
): pulumi.Output<string> {
  return pulumi.output(inputs).apply((resolved) => JSON.stringify(build(resolved as pulumi.Unwrap<T>)));
}
