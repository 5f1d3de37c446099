/**
 * The arguments of the InferenceFunction component: their types, their defaults (written once, in
 * `INFERENCE_FUNCTION_DEFAULTS`) and the validator the component and the stack config both run.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import {
  DEFAULT_INVOKE_TIMEOUT_MS,
  MAX_INVOKE_TIMEOUT_MS,
  parseHostRule,
} from "@ml-platform/inference-function/config";
import { LAMBDA_FUNCTION_NAME_PATTERN } from "./lib/naming";
import {
  ArgProblems,
  checkIamRoleBaseName,
  checkInteger,
  checkTags,
  knownValue,
  type ArgsValidator,
} from "./lib/validation";

/** An endpoint ARN, or the pattern `…:endpoint/<base>-*` covering every generation of one endpoint's name. */
const ENDPOINT_ARN_OR_PREFIX =
  /^arn:aws[a-z-]*:sagemaker:[a-z]{2}(-[a-z]+)+-\d:\d{12}:endpoint\/[a-z0-9](-*[a-z0-9])*(-\*)?$/;

/**
 * Where `npm run build` writes the bundle: `dist/lambda` at the repository root, next to the inference function's
 * package folder. Found from that package rather than from this file, so it is the same when this file runs compiled
 * into the components plugin bundle (components/plugin/bin), where `__dirname` is elsewhere.
 */
export const DEFAULT_CODE_DIRECTORY = resolve(
  dirname(require.resolve("@ml-platform/inference-function/package.json")),
  "..",
  "dist",
  "lambda",
);
export const BUNDLE_FILE = "index.mjs";

/** Retention values CloudWatch Logs accepts (0 = never expire is deliberately not offered). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export interface InferenceFunctionArgs {
  /** The endpoint to invoke (its `name` output): becomes `ENDPOINT_NAME`. */
  endpointName: pulumi.Input<string>;
  /**
   * What the function may invoke: the endpoint's ARN (the resource's `arn` output), or better the pattern covering
   * every generation of its name, `…:endpoint/<base>-*` (`ScalableEndpoint.invokeArnPattern`), so that replacing the
   * endpoint never changes the function's policy. Lower case, as SageMaker ARNs are.
   */
  endpointArn: pulumi.Input<string>;
  /**
   * Hosts the function may fetch images from: exact hostnames or `.suffix` entries (any subdomain), at least one.
   * Becomes `ALLOWED_IMAGE_HOSTS`. Example: `["images.dog.ceo", ".wikimedia.org"]`.
   */
  allowedImageHosts: string[];
  /** Memory in MB, 128-10240 (CPU share grows with it). Default: `INFERENCE_FUNCTION_DEFAULTS.memoryMb`. */
  memoryMb?: number;
  /**
   * Timeout in seconds, up to 900; must exceed the endpoint-invoke deadline by 2 s.
   * Default: `INFERENCE_FUNCTION_DEFAULTS.timeoutSeconds`.
   */
  timeoutSeconds?: number;
  /**
   * Reserved concurrency, ≥ 1: caps cost and protects the endpoint. Default: unset (the function draws on the
   * account's unreserved pool). Lambda keeps 100 executions of the account unreserved, so reserving any amount fails
   * while the account's concurrency quota is below 100 + the reservation, as on new accounts that start at 10
   * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html): leave it unset there.
   */
  reservedConcurrency?: number;
  /**
   * Provisioned concurrency on the alias, 0-reservedConcurrency (0 = none); without reservedConcurrency only the
   * account's quota bounds it.
   * Default: `INFERENCE_FUNCTION_DEFAULTS.provisionedConcurrency`.
   */
  provisionedConcurrency?: number;
  /**
   * Deadline for one endpoint invocation in ms, 1000-60000 (`INVOKE_TIMEOUT_MS`). Default: unset, so the function
   * applies its own `DEFAULT_INVOKE_TIMEOUT_MS`.
   */
  invokeTimeoutMs?: number;
  /** Days to keep logs (a CloudWatch retention value). Default: `INFERENCE_FUNCTION_DEFAULTS.logRetentionDays`. */
  logRetentionDays?: number;
  /**
   * Encrypt the log group with a KMS key the component creates (rotation on), whose key policy lets CloudWatch Logs
   * use it for this log group only. Default: `INFERENCE_FUNCTION_DEFAULTS.encryptLogs` (CloudWatch Logs'
   * own encryption).
   */
  encryptLogs?: boolean;
  /** Protect the log key (the `protect` option): deleting it makes the logs unreadable. Default: false. */
  protectLogKey?: boolean;
  /**
   * Instruction set: `"x86_64"` or `"arm64"` (20% cheaper per GB-s).
   * Default: `INFERENCE_FUNCTION_DEFAULTS.architecture`.
   */
  architecture?: FunctionArchitecture;
  /**
   * The function's name; its log group is `/aws/lambda/<functionName>`. Set explicitly (not auto-named) because the
   * log group must exist, with retention, before the function first runs. Default: the component name.
   */
  functionName?: string;
  /**
   * Name of the alias that carries the published version and the provisioned concurrency.
   * Default: `INFERENCE_FUNCTION_DEFAULTS.aliasName`.
   */
  aliasName?: string;
  /**
   * Directory holding the bundle (`index.mjs`). Default: `DEFAULT_CODE_DIRECTORY`, `<repo>/dist/lambda`,
   * written by `npm run build`.
   */
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

/** The function's instruction set (https://docs.aws.amazon.com/lambda/latest/dg/foundation-arch.html). */
export const FunctionArchitecture = {
  X86_64: "x86_64",
  /** Graviton: 20% cheaper per GB-second. */
  Arm64: "arm64",
} as const;
export type FunctionArchitecture = (typeof FunctionArchitecture)[keyof typeof FunctionArchitecture];

/** Every default of `InferenceFunctionArgs`, written once (the JSDoc above cites these). */
export const INFERENCE_FUNCTION_DEFAULTS = {
  memoryMb: 256,
  timeoutSeconds: 30,
  provisionedConcurrency: 0,
  logRetentionDays: 30,
  encryptLogs: false,
  architecture: "x86_64",
  aliasName: "live",
} as const;

/** Every problem with the arguments (see `ArgsValidator`). */
export const validateInferenceFunctionArgs: ArgsValidator<InferenceFunctionArgs> = (args, options = {}) => {
  const v = new ArgProblems();
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
  const endpointArn = knownValue(args.endpointArn);
  if (endpointArn !== undefined && endpointArn !== "") {
    v.check(
      ENDPOINT_ARN_OR_PREFIX.test(endpointArn),
      "endpointArn",
      `must be a lower-case SageMaker endpoint ARN or name-prefix pattern (arn:aws:sagemaker:<region>:<account>:` +
        `endpoint/<name> or …:endpoint/<base>-*); SageMaker ARNs are lower case, so any other spelling never ` +
        `matches; got ${JSON.stringify(endpointArn)}`,
    );
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
    const timeout = args.timeoutSeconds ?? INFERENCE_FUNCTION_DEFAULTS.timeoutSeconds;
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
  if (reservedOk && provisionedOk && args.reservedConcurrency !== undefined) {
    const reserved = args.reservedConcurrency;
    const provisioned = args.provisionedConcurrency ?? INFERENCE_FUNCTION_DEFAULTS.provisionedConcurrency;
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
    const architectures: readonly string[] = Object.values(FunctionArchitecture);
    v.check(
      architectures.includes(args.architecture),
      "architecture",
      `must be one of ${architectures.join(", ")}`,
    );
  }
  // The role is auto-named `<name>-role-<7 hex>`.
  if (options.name !== undefined) checkIamRoleBaseName(v, options.name, "-role");
  const functionName = args.functionName ?? options.name;
  if (functionName !== undefined) {
    v.check(
      LAMBDA_FUNCTION_NAME_PATTERN.test(functionName),
      args.functionName === undefined ? "name" : "functionName",
      `"${functionName}" is not a Lambda function name (1-64 letters, digits, '-' and '_')`,
    );
  }
  if (args.aliasName !== undefined) {
    v.check(
      /^(?!^[0-9]+$)[a-zA-Z0-9-_]{1,128}$/.test(args.aliasName) && args.aliasName !== "$LATEST",
      "aliasName",
      "must be 1-128 letters, digits, '-' or '_', not all digits (that would be a version)",
    );
  }
  if (!options.skip?.includes("codeDirectory")) {
    const problem = bundleProblem(args.codeDirectory ?? DEFAULT_CODE_DIRECTORY);
    if (problem) v.add("codeDirectory", problem);
  }
  checkTags(v, args.tags);
  return [...v.items];
};
