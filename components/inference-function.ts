import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  DEFAULT_INVOKE_TIMEOUT_MS,
  MAX_INVOKE_TIMEOUT_MS,
  parseHostRule,
} from "@ml-platform/inference-function/config";
import { inferenceFunctionPolicy, renderPolicy } from "@ml-platform/aws-facts/iam-policies";
import { LAMBDA_FUNCTION_NAME_PATTERN } from "./lib/naming";
import { createServiceRole } from "./lib/service-role";
import {
  checkIamRoleBaseName,
  checkInteger,
  checkTags,
  throwIfInvalid,
  Violations,
  type Violation,
} from "./lib/validation";

export const INFERENCE_FUNCTION_TYPE = "ml-platform:lambda:InferenceFunction";

/** Where `npm run build` writes the bundle. */
export const DEFAULT_CODE_DIRECTORY = resolve(__dirname, "..", "dist", "lambda");
export const BUNDLE_FILE = "index.mjs";
export const RUNTIME = "nodejs22.x";
export const HANDLER = "index.handler";

/** Retention values CloudWatch Logs accepts (0 = never expire is deliberately not offered). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export interface InferenceFunctionArgs {
  /** The endpoint to invoke (its `name` output): becomes `ENDPOINT_NAME`. */
  endpointName: pulumi.Input<string>;
  /** The endpoint's ARN (the resource's `arn` output, never a string built from the name: the ARN is lower case). */
  endpointArn: pulumi.Input<string>;
  /**
   * Hosts the function may fetch images from: exact hostnames or `.suffix` entries (any subdomain), at least one.
   * Becomes `ALLOWED_IMAGE_HOSTS`. Example: `["images.dog.ceo", ".wikimedia.org"]`.
   */
  allowedImageHosts: string[];
  /** Memory in MB, 128-10240 (CPU share grows with it). Default: `256`. */
  memoryMb?: number;
  /** Timeout in seconds, up to 900; must exceed the endpoint-invoke deadline by 2 s. Default: `30`. */
  timeoutSeconds?: number;
  /** Reserved concurrency, ≥ 1: caps cost and protects the endpoint. Default: `10`. */
  reservedConcurrency?: number;
  /** Provisioned concurrency on the alias, 0-reservedConcurrency (0 = none). Default: `0`. */
  provisionedConcurrency?: number;
  /** Deadline for one endpoint invocation in ms, 1000-60000 (`INVOKE_TIMEOUT_MS`). Default: the function's 10000. */
  invokeTimeoutMs?: number;
  /** Days to keep logs (a CloudWatch retention value). Default: `30`. */
  logRetentionDays?: number;
  /** Instruction set: `"x86_64"` or `"arm64"` (20% cheaper per GB-s). Default: `"x86_64"`. */
  architecture?: string;
  /**
   * The function's name; its log group is `/aws/lambda/<functionName>`. Set explicitly (not auto-named) because the
   * log group must exist, with retention, before the function first runs. Default: the component name.
   */
  functionName?: string;
  /** Name of the alias that carries the published version and the provisioned concurrency. Default: `"live"`. */
  aliasName?: string;
  /** Directory holding the bundle (`index.mjs`). Default: `<repo>/dist/lambda`, written by `npm run build`. */
  codeDirectory?: string;
  /** Tags for every taggable child. Default: none. */
  tags?: Record<string, string>;
}

/** Why the bundle can't be deployed from `codeDirectory`, or undefined when `index.mjs` is there. */
export function bundleProblem(codeDirectory: string = DEFAULT_CODE_DIRECTORY): string | undefined {
  const bundle = join(codeDirectory, BUNDLE_FILE);
  return existsSync(bundle)
    ? undefined
    : `the inference function bundle ${bundle} does not exist: run \`npm run build\` first (it bundles lambda/ ` +
        `into dist/lambda/index.mjs)`;
}

const DEFAULTS = {
  memoryMb: 256,
  timeoutSeconds: 30,
  reservedConcurrency: 10,
  provisionedConcurrency: 0,
  logRetentionDays: 30,
  architecture: "x86_64",
  aliasName: "live",
} as const;

export interface ValidateFunctionOptions {
  /** Skip the check that the bundle exists (the program checks it separately, as it is not configuration). */
  readonly skipBundleCheck?: boolean;
}

export function validateInferenceFunctionArgs(
  args: InferenceFunctionArgs,
  name: string,
  options: ValidateFunctionOptions = {},
): Violation[] {
  const v = new Violations();
  if (!Array.isArray(args.allowedImageHosts) || args.allowedImageHosts.length === 0) {
    v.add(
      "allowedImageHosts",
      "list at least one image host (e.g. images.dog.ceo, or .example.com for subdomains)",
    );
  } else {
    args.allowedImageHosts.forEach((host, i) => {
      if (typeof host !== "string") {
        v.add(`allowedImageHosts[${i}]`, "must be a hostname string");
        return;
      }
      v.check(
        !host.includes(","),
        `allowedImageHosts[${i}]`,
        `"${host}" contains a comma (the list separator)`,
      );
      const parsed = parseHostRule(host.trim());
      if (!parsed.ok) v.add(`allowedImageHosts[${i}]`, `"${host}" ${parsed.reason}`);
    });
  }
  checkInteger(v, "memoryMb", args.memoryMb, 128, 10240, "MB");
  const invokeTimeoutOk = checkInteger(
    v,
    "invokeTimeoutMs",
    args.invokeTimeoutMs,
    1000,
    MAX_INVOKE_TIMEOUT_MS,
    "ms",
  );
  if (checkInteger(v, "timeoutSeconds", args.timeoutSeconds, 1, 900, "seconds") && invokeTimeoutOk) {
    const timeout = args.timeoutSeconds ?? DEFAULTS.timeoutSeconds;
    const invokeMs = args.invokeTimeoutMs ?? DEFAULT_INVOKE_TIMEOUT_MS;
    v.check(
      timeout * 1000 >= invokeMs + 2000,
      "timeoutSeconds",
      `must exceed the endpoint-invoke deadline (${invokeMs} ms) by at least 2 s, so the function can answer with ` +
        `a proper error instead of being killed; got ${timeout} s`,
    );
  }
  const reservedOk = checkInteger(v, "reservedConcurrency", args.reservedConcurrency, 1);
  const provisionedOk = checkInteger(v, "provisionedConcurrency", args.provisionedConcurrency, 0);
  if (reservedOk && provisionedOk) {
    const reserved = args.reservedConcurrency ?? DEFAULTS.reservedConcurrency;
    const provisioned = args.provisionedConcurrency ?? DEFAULTS.provisionedConcurrency;
    v.check(
      provisioned <= reserved,
      "provisionedConcurrency",
      `must be ≤ reservedConcurrency (${reserved}); got ${provisioned}`,
    );
  }
  if (args.logRetentionDays !== undefined) {
    v.check(
      (LOG_RETENTION_DAYS as readonly number[]).includes(args.logRetentionDays),
      "logRetentionDays",
      `must be a CloudWatch Logs retention value: ${LOG_RETENTION_DAYS.join(", ")}`,
    );
  }
  if (args.architecture !== undefined) {
    v.check(["x86_64", "arm64"].includes(args.architecture), "architecture", 'must be "x86_64" or "arm64"');
  }
  // The role is auto-named `<name>-role-<7 hex>`.
  checkIamRoleBaseName(v, name, "-role");
  const functionName = args.functionName ?? name;
  v.check(
    LAMBDA_FUNCTION_NAME_PATTERN.test(functionName),
    args.functionName === undefined ? "name" : "functionName",
    `"${functionName}" is not a Lambda function name (1-64 letters, digits, '-' and '_')`,
  );
  if (args.aliasName !== undefined) {
    v.check(
      /^(?!^[0-9]+$)[a-zA-Z0-9-_]{1,128}$/.test(args.aliasName) && args.aliasName !== "$LATEST",
      "aliasName",
      "must be 1-128 letters, digits, '-' or '_', not all digits (that would be a version)",
    );
  }
  if (!options.skipBundleCheck) {
    const problem = bundleProblem(args.codeDirectory ?? DEFAULT_CODE_DIRECTORY);
    if (problem) v.add("codeDirectory", problem);
  }
  checkTags(v, args.tags);
  return [...v.items];
}

/**
 * The inference Lambda: receives `{"url": …}`, fetches the image from an allowed host and invokes the endpoint.
 *
 * Its role may invoke exactly one endpoint (by the endpoint resource's ARN) and write to its own log group, which
 * is created explicitly with retention. Every deployment publishes a version; the alias points at it and carries the
 * provisioned concurrency (never `$LATEST`). Reserved concurrency caps how hard it can push the endpoint.
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
  readonly provisionedConcurrencyConfig?: aws.lambda.ProvisionedConcurrencyConfig;

  constructor(name: string, args: InferenceFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    throwIfInvalid(INFERENCE_FUNCTION_TYPE, name, validateInferenceFunctionArgs(args, name));
    super(INFERENCE_FUNCTION_TYPE, name, {}, opts);

    const tags = { ...args.tags, "ml-platform:component": INFERENCE_FUNCTION_TYPE };
    const functionName = args.functionName ?? name;
    const codeDirectory = args.codeDirectory ?? DEFAULT_CODE_DIRECTORY;
    const provisioned = args.provisionedConcurrency ?? DEFAULTS.provisionedConcurrency;

    // Created before the function with the name Lambda would use, so it has retention from the first log line and
    // Lambda never auto-creates an unmanaged, never-expiring group.
    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      {
        name: `/aws/lambda/${functionName}`,
        retentionInDays: args.logRetentionDays ?? DEFAULTS.logRetentionDays,
        tags,
      },
      { parent: this },
    );

    const { role, policy: rolePolicy } = createServiceRole(this, name, {
      service: "lambda.amazonaws.com",
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
        architectures: [args.architecture ?? DEFAULTS.architecture],
        code: new pulumi.asset.AssetArchive({
          [BUNDLE_FILE]: new pulumi.asset.FileAsset(join(codeDirectory, BUNDLE_FILE)),
        }),
        memorySize: args.memoryMb ?? DEFAULTS.memoryMb,
        timeout: args.timeoutSeconds ?? DEFAULTS.timeoutSeconds,
        reservedConcurrentExecutions: args.reservedConcurrency ?? DEFAULTS.reservedConcurrency,
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
        name: args.aliasName ?? DEFAULTS.aliasName,
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
