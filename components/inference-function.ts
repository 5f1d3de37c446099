import { join } from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  inferenceFunctionPolicy,
  renderPolicy,
  SERVICE_PRINCIPALS,
} from "@ml-platform/aws-facts/iam-policies";
import { cloudWatchLogsKeyPolicy } from "@ml-platform/aws-facts/resource-policies";
import { awsContextOutput } from "./lib/aws-context";
import { createServiceRole } from "./lib/service-role";
import { componentType, withLegacyTypeAlias } from "./lib/type-token";
import { throwIfInvalid } from "./lib/validation";
import {
  BUNDLE_FILE,
  DEFAULT_CODE_DIRECTORY,
  INFERENCE_FUNCTION_DEFAULTS,
  validateInferenceFunctionArgs,
  type InferenceFunctionArgs,
} from "./inference-function.args";

export {
  BUNDLE_FILE,
  FunctionArchitecture,
  bundleProblem,
  DEFAULT_CODE_DIRECTORY,
  INFERENCE_FUNCTION_DEFAULTS,
  LOG_RETENTION_DAYS,
  validateInferenceFunctionArgs,
  type InferenceFunctionArgs,
} from "./inference-function.args";

export const INFERENCE_FUNCTION_TYPE = componentType("InferenceFunction");
/** The token before the components were a package; existing stacks' URNs carry it (see withLegacyTypeAlias). */
export const INFERENCE_FUNCTION_LEGACY_TYPE = "ml-platform:lambda:InferenceFunction";
export const RUNTIME = "nodejs22.x";
export const HANDLER = "index.handler";

/**
 * The inference Lambda: receives `{"url": …}`, fetches the image from an allowed host and invokes the endpoint.
 *
 * Its role may invoke exactly one endpoint (its ARN, or the name prefix covering its generations) and write to its own
 * log group, which is created explicitly with retention. Every deployment publishes a version; the alias points at it
 * and carries the provisioned concurrency (never `$LATEST`). Reserved concurrency, when set, caps how hard it can push the endpoint.
 */
export class InferenceFunction extends pulumi.ComponentResource {
  /** The function's name. */
  readonly functionName: pulumi.Output<string>;
  /** The alias ARN: what callers should invoke (it has the provisioned concurrency). */
  readonly aliasArn: pulumi.Output<string>;
  /** The published version the alias points at. */
  readonly version: pulumi.Output<string>;
  readonly function: aws.lambda.Function;
  readonly alias: aws.lambda.Alias;
  readonly logGroup: aws.cloudwatch.LogGroup;
  /** The log group's KMS key, with `encryptLogs`. */
  readonly logKey?: aws.kms.Key;
  readonly provisionedConcurrencyConfig?: aws.lambda.ProvisionedConcurrencyConfig;

  constructor(name: string, args: InferenceFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    throwIfInvalid(INFERENCE_FUNCTION_TYPE, name, validateInferenceFunctionArgs(args, { name }));
    super(INFERENCE_FUNCTION_TYPE, name, {}, withLegacyTypeAlias(opts, INFERENCE_FUNCTION_LEGACY_TYPE));

    const tags = { ...args.tags, "ml-platform:component": INFERENCE_FUNCTION_LEGACY_TYPE };
    const functionName = args.functionName ?? name;
    const codeDirectory = args.codeDirectory ?? DEFAULT_CODE_DIRECTORY;
    const provisioned = args.provisionedConcurrency ?? INFERENCE_FUNCTION_DEFAULTS.provisionedConcurrency;

    const logGroupName = `/aws/lambda/${functionName}`;
    if (args.encryptLogs ?? INFERENCE_FUNCTION_DEFAULTS.encryptLogs) {
      this.logKey = new aws.kms.Key(
        `${name}-logs-key`,
        {
          description: `Encrypts the log group ${logGroupName}`,
          enableKeyRotation: true,
          deletionWindowInDays: 30,
          policy: renderPolicy({ ctx: awsContextOutput(this) }, (r) =>
            cloudWatchLogsKeyPolicy({ ctx: r.ctx, logGroupNames: [logGroupName] }),
          ),
          tags,
        },
        { parent: this, ...(args.protectLogKey ? { protect: true } : {}) },
      );
    }

    // Created before the function with the name Lambda would use, so it has retention from the first log line and
    // Lambda never auto-creates an unmanaged, never-expiring group.
    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      {
        name: logGroupName,
        retentionInDays: args.logRetentionDays ?? INFERENCE_FUNCTION_DEFAULTS.logRetentionDays,
        ...(this.logKey ? { kmsKeyId: this.logKey.arn } : {}),
        tags,
      },
      { parent: this },
    );

    const { role, policy: rolePolicy } = createServiceRole(this, name, {
      service: SERVICE_PRINCIPALS.lambda,
      description: `Execution role of inference function ${functionName}`,
      policy: renderPolicy({ endpointArn: args.endpointArn, logGroupArn: this.logGroup.arn }, (r) =>
        inferenceFunctionPolicy({ endpointArn: r.endpointArn, logGroupArn: r.logGroupArn }),
      ),
      tags,
    });

    const environment: Record<string, pulumi.Input<string>> = {
      ENDPOINT_NAME: args.endpointName,
      ALLOWED_IMAGE_HOSTS: args.allowedImageHosts.map((h) => h.trim()).join(","),
      POWERTOOLS_SERVICE_NAME: functionName,
    };
    if (args.invokeTimeoutMs !== undefined) environment.INVOKE_TIMEOUT_MS = String(args.invokeTimeoutMs);

    this.function = new aws.lambda.Function(
      name,
      {
        name: functionName,
        description: "Classifies the image at a URL with the SageMaker endpoint",
        role: role.arn,
        runtime: RUNTIME,
        handler: HANDLER,
        architectures: [args.architecture ?? INFERENCE_FUNCTION_DEFAULTS.architecture],
        code: new pulumi.asset.AssetArchive({
          [BUNDLE_FILE]: new pulumi.asset.FileAsset(join(codeDirectory, BUNDLE_FILE)),
        }),
        memorySize: args.memoryMb ?? INFERENCE_FUNCTION_DEFAULTS.memoryMb,
        timeout: args.timeoutSeconds ?? INFERENCE_FUNCTION_DEFAULTS.timeoutSeconds,
        // Unset means unreserved: reserving fails on accounts whose quota is below 100 + the reservation
        // (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html).
        ...(args.reservedConcurrency !== undefined
          ? { reservedConcurrentExecutions: args.reservedConcurrency }
          : {}),
        publish: true,
        environment: { variables: environment },
        loggingConfig: { logFormat: "JSON", logGroup: this.logGroup.name },
        tags,
      },
      // IAM propagation: the role must be able to write logs and invoke the endpoint before the first invocation
      // (provisioned concurrency initialises environments as soon as the alias exists).
      { parent: this, dependsOn: [rolePolicy, this.logGroup] },
    );

    this.alias = new aws.lambda.Alias(
      `${name}-alias`,
      {
        name: args.aliasName ?? INFERENCE_FUNCTION_DEFAULTS.aliasName,
        description: "The published version in service",
        functionName: this.function.name,
        functionVersion: this.function.version,
      },
      { parent: this },
    );

    if (provisioned > 0) {
      this.provisionedConcurrencyConfig = new aws.lambda.ProvisionedConcurrencyConfig(
        `${name}-provisioned`,
        {
          functionName: this.function.name,
          // The alias, never $LATEST (which Lambda rejects for provisioned concurrency).
          qualifier: this.alias.name,
          provisionedConcurrentExecutions: provisioned,
        },
        { parent: this },
      );
    }

    this.functionName = this.function.name;
    this.aliasArn = this.alias.arn;
    this.version = this.function.version;
    this.registerOutputs({ functionName: this.functionName, aliasArn: this.aliasArn, version: this.version });
  }
}
