/**
 * Hand-built resource graphs in the CapturedResource shape (tools/lib/resource-graph.ts), as the offline
 * preview captures them: inputs, outputs (inputs plus computed names), parents, dependencies.
 */
import { strict as assert } from "node:assert";
import type { CapturedResource } from "../../../tools/lib/resource-graph";
import {
  getPriceBook,
  type CostLine,
  type PriceBook,
  type StackCostEstimate,
} from "@ml-platform/aws-facts/pricing";
import { IDLE_STOP_MINUTES_TAG } from "@ml-platform/aws-facts/platform-tags";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

/** The bundled us-east-1 price file: expected figures in tests derive from its entries, never from copies. */
export const BOOK: PriceBook = getPriceBook("us-east-1")!;

/** Hours in a billing month (the AWS Pricing Calculator's convention). */
export const MONTH_HOURS = 730;

/** Rounds to cents, for comparing monthly USD. */
export const cents = (usd: number | null): number | null =>
  usd === null ? null : Math.round(usd * 100) / 100;

/** Compares two amounts to a relative tolerance (floating point products differ in the last digits). */
export function assertUsd(actual: number | null | undefined, expected: number, what = "amount"): void {
  assert.ok(actual !== null && actual !== undefined, `${what} is ${String(actual)}`);
  assert.ok(
    Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} ≠ ${expected}`,
  );
}

export function linesOf(estimate: StackCostEstimate, name: string): CostLine[] {
  return estimate.lines.filter((l) => l.name === name);
}

/** The single line of resource `name` whose description matches `match`. */
export function onlyLine(estimate: StackCostEstimate, name: string, match: RegExp): CostLine {
  const found = linesOf(estimate, name).filter((l) => match.test(l.description));
  assert.equal(found.length, 1, `one line for ${name} ${match}: ${JSON.stringify(estimate.lines, null, 1)}`);
  return found[0]!;
}

export const STACK = "dev";
export const PROJECT = "ml-platform";

export interface Spec {
  readonly type: string;
  readonly name: string;
  readonly inputs?: Record<string, unknown>;
  /** Extra outputs (computed by the provider), merged over the inputs. */
  readonly computed?: Record<string, unknown>;
  readonly parent?: CapturedResource;
  readonly dependsOn?: readonly CapturedResource[];
  readonly propertyDependencies?: Record<string, readonly CapturedResource[]>;
  readonly custom?: boolean;
}

/** The options the engine records when a resource sets none (what the preview captures for a bare resource). */
export const NO_OPTIONS: CapturedResource["options"] = {
  protect: false,
  ignoreChanges: [],
  retainOnDelete: false,
  deleteBeforeReplace: false,
  replaceOnChanges: [],
};

export function urn(type: string, name: string, parent?: CapturedResource): string {
  const parentTypes = parent ? `${parent.urn.split("::")[2]}$` : "";
  return `urn:pulumi:${STACK}::${PROJECT}::${parentTypes}${type}::${name}`;
}

export function resource(spec: Spec): CapturedResource {
  const inputs = spec.inputs ?? {};
  const propertyDependencies: Record<string, string[]> = {};
  for (const [key, deps] of Object.entries(spec.propertyDependencies ?? {})) {
    propertyDependencies[key] = deps.map((d) => d.urn);
  }
  const dependencies = [
    ...new Set([...(spec.dependsOn ?? []).map((d) => d.urn), ...Object.values(propertyDependencies).flat()]),
  ];
  return {
    type: spec.type,
    name: spec.name,
    urn: urn(spec.type, spec.name, spec.parent),
    custom: spec.custom ?? !spec.type.startsWith("ml-platform:"),
    parent: spec.parent?.urn ?? `urn:pulumi:${STACK}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${STACK}`,
    dependencies,
    propertyDependencies,
    inputs,
    outputs: { ...inputs, ...(spec.computed ?? {}) },
    options: NO_OPTIONS,
  };
}

export const TYPES = {
  notebook: AWS_TYPES.sagemakerNotebookInstance,
  lifecycle: AWS_TYPES.sagemakerNotebookInstanceLifecycleConfiguration,
  model: AWS_TYPES.sagemakerModel,
  endpointConfig: AWS_TYPES.sagemakerEndpointConfiguration,
  endpoint: AWS_TYPES.sagemakerEndpoint,
  target: AWS_TYPES.appautoscalingTarget,
  scalingPolicy: AWS_TYPES.appautoscalingPolicy,
  instance: AWS_TYPES.ec2Instance,
  launchTemplate: AWS_TYPES.ec2LaunchTemplate,
  launchConfiguration: AWS_TYPES.ec2LaunchConfiguration,
  autoscalingGroup: AWS_TYPES.autoscalingGroup,
  volume: AWS_TYPES.ebsVolume,
  securityGroup: AWS_TYPES.ec2SecurityGroup,
  lambda: AWS_TYPES.lambdaFunction,
  alias: AWS_TYPES.lambdaAlias,
  provisioned: AWS_TYPES.lambdaProvisionedConcurrencyConfig,
  kmsKey: AWS_TYPES.kmsKey,
  bucket: AWS_TYPES.s3Bucket,
  logGroup: AWS_TYPES.cloudwatchLogGroup,
  role: AWS_TYPES.iamRole,
  alarm: AWS_TYPES.cloudwatchMetricAlarm,
} as const;

/** An endpoint component: model, config (one variant), endpoint, scalable target, scaling policy. */
export function endpointStack(opts: {
  instanceType?: string;
  min?: number;
  max?: number;
  initial?: number;
  /** Names as the engine would know them; false = unknown (preview), so linking must use dependencies. */
  knownNames?: boolean;
  /** Whether the target's resourceId is linked to the endpoint through propertyDependencies. */
  propertyDependencies?: boolean;
  withTarget?: boolean;
  serverless?: { memorySizeInMb: number; maxConcurrency: number; provisionedConcurrency?: number };
  volumeSizeInGb?: number;
}): CapturedResource[] {
  const knownNames = opts.knownNames ?? true;
  const component = resource({
    type: "ml-platform:sagemaker:ScalableEndpoint",
    name: "classifier",
    custom: false,
  });
  const model = resource({
    type: TYPES.model,
    name: "classifier-model",
    parent: component,
    computed: { name: "classifier-model-1a2b" },
  });
  const variant: Record<string, unknown> = opts.serverless
    ? { variantName: "AllTraffic", modelName: "classifier-model-1a2b", serverlessConfig: opts.serverless }
    : {
        variantName: "AllTraffic",
        modelName: "classifier-model-1a2b",
        instanceType: opts.instanceType ?? "ml.m5.large",
        initialInstanceCount: opts.initial ?? opts.min ?? 1,
        ...(opts.volumeSizeInGb !== undefined ? { volumeSizeInGb: opts.volumeSizeInGb } : {}),
      };
  const config = resource({
    type: TYPES.endpointConfig,
    name: "classifier-config",
    parent: component,
    inputs: { productionVariants: [variant], kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/abc" },
    computed: knownNames ? { name: "classifier-config-9f8e7d" } : {},
    propertyDependencies: { productionVariants: [model] },
  });
  const endpoint = resource({
    type: TYPES.endpoint,
    name: "classifier-endpoint",
    parent: component,
    inputs: knownNames ? { endpointConfigName: "classifier-config-9f8e7d" } : {},
    computed: knownNames ? { name: "classifier-endpoint-5c4b3a" } : {},
    propertyDependencies: { endpointConfigName: [config] },
  });
  const out = [component, model, config, endpoint];
  if (opts.withTarget ?? true) {
    const target = resource({
      type: TYPES.target,
      name: "classifier-scaling-target",
      parent: component,
      inputs: {
        serviceNamespace: "sagemaker",
        scalableDimension: "sagemaker:variant:DesiredInstanceCount",
        minCapacity: opts.min ?? 1,
        maxCapacity: opts.max ?? 3,
        ...(knownNames ? { resourceId: "endpoint/classifier-endpoint-5c4b3a/variant/AllTraffic" } : {}),
      },
      propertyDependencies: opts.propertyDependencies === false ? {} : { resourceId: [endpoint] },
    });
    const policy = resource({
      type: TYPES.scalingPolicy,
      name: "classifier-scaling-policy",
      parent: component,
      inputs: { policyType: "TargetTrackingScaling" },
      propertyDependencies: { resourceId: [target] },
    });
    out.push(target, policy);
  }
  return out;
}

/** An inference function with `count` provisioned environments on its alias. */
export function functionStack(
  memorySize: number,
  count: number,
  architectures?: string[],
): CapturedResource[] {
  const component = resource({ type: "ml-platform:lambda:InferenceFunction", name: "infer", custom: false });
  const fn = resource({
    type: TYPES.lambda,
    name: "infer-fn",
    parent: component,
    inputs: { memorySize, runtime: "nodejs22.x", publish: true, ...(architectures ? { architectures } : {}) },
    computed: {
      name: "infer-fn-77aa",
      version: "1",
      arn: "arn:aws:lambda:us-east-1:123456789012:function:infer-fn-77aa",
    },
  });
  const alias = resource({
    type: TYPES.alias,
    name: "infer-live",
    parent: component,
    inputs: { name: "live", functionName: "infer-fn-77aa", functionVersion: "1" },
    propertyDependencies: { functionName: [fn], functionVersion: [fn] },
  });
  const pc = resource({
    type: TYPES.provisioned,
    name: "infer-provisioned",
    parent: component,
    inputs: { functionName: "infer-fn-77aa", qualifier: "live", provisionedConcurrentExecutions: count },
    propertyDependencies: { functionName: [fn], qualifier: [alias] },
  });
  return [component, fn, alias, pc];
}

/**
 * A notebook, optionally with a lifecycle configuration whose onStart script is `script` (plain text) and whose
 * tags declare `idleStopTag` as its idle auto-stop minutes (the way the NotebookInstance component does).
 */
export function notebookStack(opts: {
  instanceType?: string;
  volumeSize?: number;
  script?: string;
  idleStopTag?: string;
}): CapturedResource[] {
  const component = resource({ type: "ml-platform:sagemaker:NotebookInstance", name: "nb", custom: false });
  const out: CapturedResource[] = [component];
  let lifecycle: CapturedResource | undefined;
  if (opts.script !== undefined) {
    lifecycle = resource({
      type: TYPES.lifecycle,
      name: "nb-lifecycle",
      parent: component,
      inputs: {
        onStart: Buffer.from(opts.script, "utf8").toString("base64"),
        ...(opts.idleStopTag !== undefined ? { tags: { [IDLE_STOP_MINUTES_TAG]: opts.idleStopTag } } : {}),
      },
      computed: { name: "nb-lifecycle-3c2d" },
    });
    out.push(lifecycle);
  }
  out.push(
    resource({
      type: TYPES.notebook,
      name: "nb-instance",
      parent: component,
      inputs: {
        instanceType: opts.instanceType ?? "ml.t3.medium",
        ...(opts.volumeSize !== undefined ? { volumeSize: opts.volumeSize } : {}),
        ...(lifecycle ? { lifecycleConfigName: "nb-lifecycle-3c2d" } : {}),
        rootAccess: "Disabled",
      },
      propertyDependencies: lifecycle ? { lifecycleConfigName: [lifecycle] } : {},
    }),
  );
  return out;
}

/** An auto-stop script in the style of AWS's sample: what it does is only readable from the script itself. */
export const IDLE_STOP_SCRIPT = `#!/bin/bash
set -e
# Stop the notebook after 60 idle minutes.
IDLE_TIME=3600
echo "*/5 * * * * /usr/bin/python3 /home/ec2-user/autostop.py --time $IDLE_TIME --ignore-connections" | crontab -
`;
