/**
 * The stack configuration contract (`Pulumi.<stack>.yaml`), read and validated in full before the program registers
 * any resource.
 *
 * Two layers, one source of truth per rule:
 * - zod checks the shape: required fields, types, and unknown fields (so a typo such as `minCapcity` is an error,
 *   not a silently ignored setting);
 * - the components' own validators (validate*Args) check the rules (1 ≤ min ≤ initial ≤ max, burstable types,
 *   CIDRs, ...), so a component used from another program enforces exactly what the stack config does.
 * Every problem is reported against its config key, e.g. `ml-platform:endpoint.minCapacity: must be …`, all at once.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
  validateInferenceFunctionArgs,
  type FunctionArchitecture,
} from "@ml-platform/components/inference-function";
import {
  validateNotebookInstanceArgs,
  type NotebookPlatform,
} from "@ml-platform/components/notebook-instance";
import {
  modelKeyProblem,
  modelDataUrlProblem,
  validateScalableEndpointArgs,
  type ScalingMetric,
  type TrafficRouting,
} from "@ml-platform/components/scalable-endpoint";
import { validateTrainingHostArgs } from "@ml-platform/components/training-host";
import { projectNamePrefix } from "@ml-platform/components/lib/naming";
import { ArgProblems, checkTags, type ArgProblem } from "@ml-platform/components/lib/validation";

export const CONFIG_NAMESPACE = "ml-platform";

/**
 * Any string, typed as the component's enum: the component's validator (run below) reports a value outside the enum
 * with its rule and the allowed values, as for every other rule.
 */
function anyStringAs<T extends string>() {
  return z.string() as unknown as z.ZodType<T>;
}

const notebookSchema = z.strictObject({
  instanceType: z.string(),
  volumeSizeGb: z.number(),
  idleStopMinutes: z.number().optional(),
  subnetId: z.string().optional(),
  securityGroupIds: z.array(z.string()).optional(),
  platformIdentifier: anyStringAs<NotebookPlatform>().optional(),
});

const trainingHostSchema = z.strictObject({
  instanceType: z.string(),
  amiParameter: z.string().optional(),
  rootVolumeGb: z.number(),
  spot: z.boolean(),
  sshCidrs: z.array(z.string()).optional(),
  keyName: z.string().optional(),
  subnetId: z.string().optional(),
  vpcId: z.string().optional(),
  associatePublicIp: z.boolean().optional(),
});

const blueGreenSchema = z.strictObject({
  trafficRouting: anyStringAs<TrafficRouting>().optional(),
  stepPercent: z.number().optional(),
  waitIntervalSeconds: z.number().optional(),
  terminationWaitSeconds: z.number().optional(),
  rollbackOn5xxErrorsPerMinute: z.number().optional(),
});

const endpointSchema = z.strictObject({
  instanceType: z.string(),
  initialInstanceCount: z.number(),
  minCapacity: z.number(),
  maxCapacity: z.number(),
  targetInvocationsPerInstance: z.number(),
  scalingMetric: anyStringAs<ScalingMetric>().optional(),
  targetConcurrentRequestsPerModel: z.number().optional(),
  scaleInCooldownSeconds: z.number(),
  scaleOutCooldownSeconds: z.number(),
  modelDataUrl: z.string(),
  modelArchive: z.string().optional(),
  imageTag: z.string().optional(),
  enableNetworkIsolation: z.boolean().optional(),
  blueGreen: blueGreenSchema.optional(),
});

const inferenceSchema = z.strictObject({
  memoryMb: z.number(),
  timeoutSeconds: z.number(),
  reservedConcurrency: z.number().optional(),
  provisionedConcurrency: z.number(),
  allowedImageHosts: z.array(z.string()),
  invokeTimeoutMs: z.number().optional(),
  logRetentionDays: z.number().optional(),
  encryptLogs: z.boolean().optional(),
  architecture: anyStringAs<FunctionArchitecture>().optional(),
});

const tagsSchema = z.record(z.string(), z.string());

/** The structured keys and their schemas (exported so a test can check docs/configuration.md against them). */
export const STACK_CONFIG_SCHEMAS = {
  notebook: notebookSchema,
  trainingHost: trainingHostSchema,
  endpoint: endpointSchema,
  inference: inferenceSchema,
  "endpoint.blueGreen": blueGreenSchema,
} as const;

/** Every key the program reads, fully qualified. */
export const STACK_CONFIG_KEYS = [
  "ml-platform:protect",
  "ml-platform:accessLogs",
  "ml-platform:tags",
  "ml-platform:notebook",
  "ml-platform:trainingHost",
  "ml-platform:endpoint",
  "ml-platform:inference",
] as const;

export type NotebookConfig = z.infer<typeof notebookSchema>;
export type TrainingHostConfig = z.infer<typeof trainingHostSchema>;
export type EndpointConfig = z.infer<typeof endpointSchema>;
export type InferenceConfig = z.infer<typeof inferenceSchema>;

/** The names the program gives its components. */
export interface ComponentNames {
  readonly bucket: string;
  readonly notebook: string;
  readonly trainingHost: string;
  readonly endpoint: string;
  readonly inference: string;
}

/**
 * The program's component names, `<namePrefix>-<role>`. The stack config is validated with these very names, so
 * a name that would push a child's auto-name past its service's limit is a config error, not a failed deployment.
 */
export function componentNames(namePrefix: string): ComponentNames {
  return {
    bucket: `${namePrefix}-artifacts`,
    notebook: `${namePrefix}-notebook`,
    trainingHost: `${namePrefix}-training`,
    endpoint: `${namePrefix}-endpoint`,
    inference: `${namePrefix}-inference`,
  };
}

/** The validated settings of one stack. */
export interface StackSettings {
  readonly project: string;
  readonly stack: string;
  /** `<project>-<stack>`, lower case: physical names and the notebook's IAM scope start with it. */
  readonly namePrefix: string;
  /** The program's component names (children's physical names derive from them); see {@link componentNames}. */
  readonly names: ComponentNames;
  /** Protect the stateful resources (bucket, notebook) from deletion. */
  readonly protect: boolean;
  /** Log every request to the project bucket into an access-log bucket. */
  readonly accessLogs: boolean;
  /** Tags added to every resource. */
  readonly tags: Readonly<Record<string, string>>;
  readonly notebook: NotebookConfig;
  readonly trainingHost: TrainingHostConfig;
  readonly endpoint: EndpointConfig;
  readonly inference: InferenceConfig;
}

/** One problem: the fully qualified config key (with a field path) and the rule it breaks. */
export interface ConfigIssue {
  readonly key: string;
  readonly rule: string;
}

/** Thrown when the stack config is invalid, before any resource is registered. Lists every problem. */
export class StackConfigError extends pulumi.RunError {
  override name = "StackConfigError";
  constructor(
    readonly stack: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(
      `invalid configuration for stack "${stack}" (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n` +
        issues.map((i) => `  - ${i.key}: ${i.rule}`).join("\n"),
    );
  }
}

/** Reads a raw config value (as the CLI passes it: structured values are JSON text). */
export type ConfigReader = (key: string) => string | undefined;

const REQUIRED_OBJECTS = {
  notebook: notebookSchema,
  trainingHost: trainingHostSchema,
  endpoint: endpointSchema,
  inference: inferenceSchema,
} as const;

type ObjectKey = keyof typeof REQUIRED_OBJECTS;

/** `blueGreen.stepPercent`, `sshCidrs[0]` */
function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, part) => {
    if (typeof part === "number") return `${acc}[${part}]`;
    return acc === "" ? String(part) : `${acc}.${String(part)}`;
  }, "");
}

function zodIssues(fullKey: string, error: z.ZodError): ConfigIssue[] {
  return error.issues.flatMap((issue): ConfigIssue[] => {
    const path = formatPath(issue.path);
    const at = path === "" ? fullKey : `${fullKey}.${path}`;
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((k) => ({
        key: `${at}.${k}`,
        rule: "is not a known setting (check the spelling against the config reference in docs/configuration.md)",
      }));
    }
    if (issue.code === "invalid_type") {
      const received = /received (\w+)/.exec(issue.message)?.[1];
      if (received === "undefined") return [{ key: at, rule: `is required (${issue.expected})` }];
      return [{ key: at, rule: `must be ${article(issue.expected)}; got ${received ?? "another type"}` }];
    }
    return [{ key: at, rule: issue.message }];
  });
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function fromArgProblems(fullKey: string, problems: readonly ArgProblem[]): ConfigIssue[] {
  return problems.map((v) => ({ key: `${fullKey}.${v.propertyPath}`, rule: v.reason }));
}

function parseJsonValue(fullKey: string, raw: string, issues: ConfigIssue[]): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    issues.push({
      key: fullKey,
      rule:
        "must be an object; set it as YAML under `config:` in the stack file, or with " +
        `\`pulumi config set --path '${fullKey}.<field>' <value>\``,
    });
    return undefined;
  }
}

function parseBoolean(fullKey: string, raw: string | undefined, issues: ConfigIssue[]): boolean | undefined {
  if (raw === undefined) return undefined;
  if (raw === "true") return true;
  if (raw === "false") return false;
  issues.push({ key: fullKey, rule: `must be true or false; got ${JSON.stringify(raw)}` });
  return undefined;
}

/**
 * Validates the whole stack config. Returns the settings, or throws StackConfigError listing every problem.
 *
 * `ml-platform:endpoint.modelDataUrl` may be a full `s3://bucket/key.tar.gz` URL or a key inside the project
 * bucket (`models/dog-breeds/v1/model.tar.gz`), which the program turns into a URL once the bucket exists.
 */
export function parseStackConfig(
  read: ConfigReader,
  stack: string,
  project = CONFIG_NAMESPACE,
): StackSettings {
  const issues: ConfigIssue[] = [];
  const key = (name: string) => `${CONFIG_NAMESPACE}:${name}`;
  const parsed: Partial<Record<ObjectKey, unknown>> = {};

  for (const [name, schema] of Object.entries(REQUIRED_OBJECTS) as [ObjectKey, z.ZodType][]) {
    const fullKey = key(name);
    const raw = read(fullKey);
    if (raw === undefined) {
      issues.push({
        key: fullKey,
        rule: `is required: set it in Pulumi.${stack}.yaml (see the config reference in docs/configuration.md)`,
      });
      continue;
    }
    const value = parseJsonValue(fullKey, raw, issues);
    if (value === undefined) continue;
    const result = schema.safeParse(value);
    if (!result.success) {
      issues.push(...zodIssues(fullKey, result.error));
      continue;
    }
    parsed[name] = result.data;
  }

  let tags: Record<string, string> = {};
  const rawTags = read(key("tags"));
  if (rawTags !== undefined) {
    const value = parseJsonValue(key("tags"), rawTags, issues);
    if (value !== undefined) {
      const result = tagsSchema.safeParse(value);
      if (result.success) {
        tags = result.data;
        const tagProblems = new ArgProblems();
        checkTags(tagProblems, tags);
        // checkTags reports "tags" or "tags.<key>"; re-root them under the config key.
        issues.push(
          ...tagProblems.items.map((v) => ({
            key: `${key("tags")}${v.propertyPath.slice(4)}`,
            rule: v.reason,
          })),
        );
      } else issues.push(...zodIssues(key("tags"), result.error));
    }
  }
  const protect = parseBoolean(key("protect"), read(key("protect")), issues) ?? stack === "prod";
  const accessLogs = parseBoolean(key("accessLogs"), read(key("accessLogs")), issues) ?? false;

  // Rules: the components' validators, run with the names the program gives the components (their children's
  // physical names derive from them), reported against the config keys.
  const names = componentNames(projectNamePrefix(project, stack));
  const report = (name: ObjectKey, problems: readonly ArgProblem[]) =>
    issues.push(...fromArgProblems(key(name), problems));
  const notebook = parsed.notebook as NotebookConfig | undefined;
  if (notebook)
    report(
      "notebook",
      validateNotebookInstanceArgs({ ...notebook, bucketArn: "" }, { name: names.notebook }),
    );
  const trainingHost = parsed.trainingHost as TrainingHostConfig | undefined;
  if (trainingHost) {
    report(
      "trainingHost",
      validateTrainingHostArgs({ ...trainingHost, bucketArn: "" }, { name: names.trainingHost }),
    );
  }
  const endpoint = parsed.endpoint as EndpointConfig | undefined;
  if (endpoint) {
    report(
      "endpoint",
      validateScalableEndpointArgs(endpoint, { skip: ["modelDataUrl"], name: names.endpoint }),
    );
    const url = endpoint.modelDataUrl;
    const problem = url.startsWith("s3://") ? modelDataUrlProblem(url) : modelKeyProblem(url);
    if (problem) {
      issues.push({
        key: `${key("endpoint")}.modelDataUrl`,
        rule: `${problem} (give s3://<bucket>/<key>.tar.gz, or a key inside the project bucket)`,
      });
    }
  }
  const inference = parsed.inference as InferenceConfig | undefined;
  if (inference) {
    report(
      "inference",
      validateInferenceFunctionArgs(
        { ...inference, endpointName: "", endpointArn: "" },
        // The bundle is not configuration: the program checks it separately.
        { name: names.inference, skip: ["codeDirectory"] },
      ),
    );
  }
  if (issues.length > 0) throw new StackConfigError(stack, issues);

  return {
    project,
    stack,
    namePrefix: projectNamePrefix(project, stack),
    names,
    protect,
    accessLogs,
    tags,
    notebook: notebook!,
    trainingHost: trainingHost!,
    endpoint: endpoint!,
    inference: inference!,
  };
}

/** Reads the stack config through `pulumi.Config` (the program's entry point uses this). */
export function loadStackConfig(): StackSettings {
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  const read: ConfigReader = (fullKey) => config.get(fullKey.slice(CONFIG_NAMESPACE.length + 1));
  return parseStackConfig(read, pulumi.getStack(), pulumi.getProject());
}
