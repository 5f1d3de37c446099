/**
 * Lambda hardening for the inference function (Checkov CKV_AWS_115/116/50, cdk-nag L1, AWS Solutions Constructs):
 * bounded concurrency so a traffic spike cannot starve the account or run up the endpoint bill, provisioned
 * concurrency only on a published version, a supported runtime, and an invoke grant limited to the endpoint the
 * function fronts.
 */
import type * as aws from "@pulumi/aws";
import type { PolicyResource } from "@pulumi/policy";
import { statementsGranting } from "@ml-platform/aws-facts/iam-document";
import { defineResourcePolicy, defineStackPolicy, onType } from "../framework";
import { onIamDocuments, statementPath } from "./iam-hardening";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const FUNCTION = AWS_TYPES.lambdaFunction;
const PROVISIONED = AWS_TYPES.lambdaProvisionedConcurrencyConfig;

export const lambdaReservedConcurrency = defineResourcePolicy({
  name: "lambda-reserved-concurrency",
  family: "lambda",
  description:
    "Lambda functions must set reservedConcurrentExecutions (not unset or -1), bounding how many copies can " +
    "run and call downstream services at once.",
  severity: "medium",
  enforcementLevel: "advisory",
  remediationSteps:
    "Set reservedConcurrentExecutions to the most concurrent requests the downstream endpoint can serve (for an " +
    "endpoint: max instances × concurrent requests per instance). 0 disables the function; -1 means unreserved.",
  unknownValues: {
    behaviour: "fail-closed",
    detail: "reservedConcurrentExecutions is a literal from stack config; an unknown value could be -1.",
  },
  checks: ["`reservedConcurrentExecutions` is a number ≥ 0; unset and -1 (unreserved) are reported."],
  rules: [
    onType<aws.lambda.FunctionArgs>(FUNCTION, (fn, ctx) => {
      const reserved = ctx.probe("reservedConcurrentExecutions", () => fn.reservedConcurrentExecutions);
      if (!reserved.known) return ctx.failClosed(reserved, "an unknown value could be -1 (unreserved)");
      if (typeof reserved.value === "number" && reserved.value >= 0) return;
      ctx.report({
        property: "reservedConcurrentExecutions",
        problem:
          reserved.value === undefined
            ? "is unset: the function can scale to the whole account's concurrency and flood its endpoint"
            : `is ${JSON.stringify(reserved.value)} (unreserved): the function can scale to the whole account's concurrency`,
        fix: "set reservedConcurrentExecutions to what the downstream endpoint can serve",
      });
    }),
  ],
});

export const lambdaProvisionedNotLatest = defineResourcePolicy({
  name: "lambda-provisioned-not-latest",
  family: "lambda",
  description:
    "Provisioned concurrency must target an alias or a published version, never $LATEST (AWS rejects it at " +
    "deploy time, after the rest of the stack has changed).",
  severity: "medium",
  enforcementLevel: "advisory",
  remediationSteps:
    "Publish the function (publish: true), point an aws.lambda.Alias at its version, and use the alias name as " +
    "the ProvisionedConcurrencyConfig qualifier.",
  unknownValues: {
    behaviour: "defer",
    detail:
      "The qualifier is normally an alias's name or a published version, unknown until they exist (and never " +
      "$LATEST): the policy is reported as not run during preview and checks the real value during `pulumi up`.",
  },
  checks: ["`aws.lambda.ProvisionedConcurrencyConfig` `qualifier` is not `$LATEST` (any case) nor empty."],
  rules: [
    onType<aws.lambda.ProvisionedConcurrencyConfigArgs>(PROVISIONED, (config, ctx) => {
      const qualifier = ctx.probe("qualifier", () => config.qualifier);
      if (!qualifier.known) return ctx.defer(qualifier);
      const value = typeof qualifier.value === "string" ? qualifier.value.trim() : "";
      if (value !== "" && value.toUpperCase() !== "$LATEST") return;
      ctx.report({
        property: "qualifier",
        problem: value === "" ? "is empty, which means $LATEST" : `is "${qualifier.value}"`,
        fix: "publish a version, create an alias for it, and use the alias name as qualifier",
      });
    }),
  ],
});

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** The Function a ProvisionedConcurrencyConfig belongs to: by property dependency, else by name or ARN. */
function functionOf(
  config: PolicyResource,
  functions: readonly PolicyResource[],
): PolicyResource | undefined {
  const viaDependency = (config.propertyDependencies?.functionName ?? []).find((d) => d.type === FUNCTION);
  if (viaDependency) return viaDependency;
  const target = config.props.functionName;
  if (typeof target !== "string" || target === "") return undefined;
  return functions.find((f) => {
    const { name, arn } = f.props as { name?: unknown; arn?: unknown };
    return target === name || target === arn || (typeof arn === "string" && target.startsWith(`${arn}:`));
  });
}

export const lambdaProvisionedWithinReserved = defineStackPolicy({
  name: "lambda-provisioned-within-reserved",
  family: "lambda",
  description:
    "A function's provisioned concurrency, summed over its aliases and versions, must not exceed its reserved " +
    "concurrency.",
  severity: "medium",
  enforcementLevel: "advisory",
  remediationSteps:
    "Lower provisionedConcurrentExecutions or raise reservedConcurrentExecutions so provisioned ≤ reserved; AWS " +
    "rejects the config otherwise.",
  unknownValues: {
    behaviour: "defer",
    detail:
      "Both counts come from stack config; if either is unknown the policy is reported as not run during preview.",
  },
  resourceTypes: [FUNCTION, PROVISIONED],
  checks: [
    "Each ProvisionedConcurrencyConfig is matched to its Function through the `functionName` property " +
      "dependency, else by name or ARN.",
    "Functions without reserved concurrency are left to `lambda-reserved-concurrency`.",
  ],
  validateStack: (ctx) => {
    const functions = ctx.resourcesOfType(FUNCTION);
    const configs = ctx.resourcesOfType(PROVISIONED);
    const totals = new Map<PolicyResource, { sum: number; configs: PolicyResource[] }>();
    for (const config of configs) {
      const fn = functionOf(config, functions);
      if (!fn) continue;
      const count = ctx.probe(
        "provisionedConcurrentExecutions",
        () => config.props.provisionedConcurrentExecutions,
      );
      if (!count.known) return ctx.defer(count);
      const entry = totals.get(fn) ?? { sum: 0, configs: [] };
      entry.sum += numberOrUndefined(count.value) ?? 0;
      entry.configs.push(config);
      totals.set(fn, entry);
    }
    for (const [fn, { sum, configs: owned }] of totals) {
      const reserved = ctx.probe("reservedConcurrentExecutions", () => fn.props.reservedConcurrentExecutions);
      if (!reserved.known) return ctx.defer(reserved);
      const limit = numberOrUndefined(reserved.value);
      if (limit === undefined || limit < 0 || sum <= limit) continue;
      for (const config of owned) {
        ctx.report(config, {
          property: "provisionedConcurrentExecutions",
          problem: `brings function "${fn.name}" to ${sum} provisioned executions, above its reserved concurrency of ${limit}`,
          fix: `lower provisioned concurrency to at most ${limit} in total, or raise reservedConcurrentExecutions`,
        });
      }
    }
  },
});

/** The actions that invoke a SageMaker endpoint. */
const INVOKE_ACTIONS = [
  "sagemaker:InvokeEndpoint",
  "sagemaker:InvokeEndpointAsync",
  "sagemaker:InvokeEndpointWithResponseStream",
];

/**
 * A specific endpoint ARN, every segment spelled out, or one endpoint's name prefix `endpoint/<base>-*`: the
 * generations of an endpoint whose name carries a shape digest, so its invoke grant survives a replacement. No other
 * wildcard.
 */
const ENDPOINT_ARN =
  /^arn:aws[a-z-]*:sagemaker:[a-z]{2}(-[a-z]+)+-\d:\d{12}:endpoint\/[a-z0-9](-*[a-z0-9])*(-\*)?$/i;

export const lambdaInvokeEndpointScoped = defineResourcePolicy({
  name: "lambda-invoke-endpoint-scoped",
  family: "lambda",
  description:
    "A role allowed sagemaker:InvokeEndpoint (the inference function's role) must be limited to specific " +
    "endpoint ARNs (or one endpoint's name prefix, `endpoint/<base>-*`), not `*` or a wildcard such as " +
    "`endpoint/*`.",
  severity: "high",
  enforcementLevel: "advisory",
  remediationSteps:
    "Grant sagemaker:InvokeEndpoint on the endpoint's `arn` output (pulumi.interpolate or jsonStringify), never " +
    "on a hand-built or wildcard ARN: the output is lowercase and names exactly one endpoint.",
  unknownValues: {
    behaviour: "defer",
    detail:
      "The grant is built from the endpoint's ARN, unknown until the endpoint exists: the policy is reported as " +
      "not run during preview and checks the real document during `pulumi up`.",
  },
  checks: [
    "Documents in `aws.iam.Policy`, `RolePolicy`, `UserPolicy`, `GroupPolicy` and `Role.inlinePolicies`.",
    "Every Allow statement that covers `sagemaker:InvokeEndpoint`, `InvokeEndpointAsync` or " +
      "`InvokeEndpointWithResponseStream` (also through `sagemaker:Invoke*`, `sagemaker:*`, `*` or NotAction) " +
      "lists only full endpoint ARNs, or name prefixes `endpoint/<base>-*` with no other wildcard, and no " +
      "NotResource.",
  ],
  rules: onIamDocuments((document, property, ctx) => {
    const seen = new Set<number>();
    for (const action of INVOKE_ACTIONS) {
      for (const statement of statementsGranting(document, action)) {
        if (seen.has(statement.index)) continue;
        seen.add(statement.index);
        const where = statementPath(property, statement, document);
        if (statement.hasNotResource) {
          ctx.report({
            property: where,
            problem: `allows ${action} on NotResource ${JSON.stringify(statement.notResources)}: every other endpoint`,
            fix: "replace NotResource with Resource listing the endpoint ARN",
          });
          continue;
        }
        const loose = statement.resources.filter((r) => !ENDPOINT_ARN.test(r));
        if (statement.resources.length === 0 || loose.length > 0) {
          ctx.report({
            property: where,
            problem:
              statement.resources.length === 0
                ? `allows ${action} without a Resource`
                : `allows ${action} on ${loose.map((r) => JSON.stringify(r)).join(", ")}, not a specific endpoint ARN`,
            fix: "grant it on the endpoint's arn output only",
          });
        }
      }
    }
  }),
});

interface RuntimeConfig {
  readonly deprecatedRuntimes: readonly string[];
}

/**
 * Runtimes past their Lambda deprecation date as of 2026-11, from the AWS Lambda runtimes page: Node.js 20
 * (2026-04-30), Python 3.10/3.11 and the Amazon Linux 2 runtimes java8.al2, java11, java17 and provided.al2
 * (2026-06-30), .NET 8 (2026-11-10), and everything deprecated before.
 */
export const DEFAULT_DEPRECATED_RUNTIMES: readonly string[] = [
  "nodejs",
  "nodejs4.3",
  "nodejs4.3-edge",
  "nodejs6.10",
  "nodejs8.10",
  "nodejs10.x",
  "nodejs12.x",
  "nodejs14.x",
  "nodejs16.x",
  "nodejs18.x",
  "nodejs20.x",
  "python2.7",
  "python3.6",
  "python3.7",
  "python3.8",
  "python3.9",
  "python3.10",
  "python3.11",
  "java8",
  "java8.al2",
  "java11",
  "java17",
  "dotnetcore1.0",
  "dotnetcore2.0",
  "dotnetcore2.1",
  "dotnetcore3.1",
  "dotnet5.0",
  "dotnet6",
  "dotnet7",
  "dotnet8",
  "go1.x",
  "ruby2.5",
  "ruby2.7",
  "ruby3.2",
  "provided",
  "provided.al2",
];

export const lambdaCurrentRuntime = defineResourcePolicy<RuntimeConfig>({
  name: "lambda-current-runtime",
  family: "lambda",
  description:
    "Lambda functions must use a supported runtime (nodejs22.x or later, python3.12 or later, ...), not one on " +
    "the configurable deprecated list.",
  severity: "medium",
  enforcementLevel: "advisory",
  remediationSteps:
    "Move to the current runtime of the language (nodejs22.x for this repo's inference function) and re-run the " +
    "tests; deprecated runtimes get no security patches and, later, can no longer be updated.",
  unknownValues: {
    behaviour: "fail-closed",
    detail: "The runtime is a literal; an unknown value could be deprecated, so it is reported.",
  },
  checks: [
    "`runtime` is not in `deprecatedRuntimes` (case-insensitive). Container-image functions have no runtime and " +
      "pass.",
  ],
  config: {
    deprecatedRuntimes: {
      type: "array",
      items: { type: "string" },
      default: [...DEFAULT_DEPRECATED_RUNTIMES],
      description: "Runtime identifiers that are reported. Extend it as Lambda deprecates more.",
    },
  },
  rules: [
    onType<aws.lambda.FunctionArgs, RuntimeConfig>(FUNCTION, (fn, ctx) => {
      const runtime = ctx.probe("runtime", () => fn.runtime);
      if (!runtime.known) return ctx.failClosed(runtime, "an unknown runtime could be a deprecated one");
      if (typeof runtime.value !== "string") return;
      const value = runtime.value.toLowerCase();
      if (!ctx.config.deprecatedRuntimes.some((d) => d.toLowerCase() === value)) return;
      ctx.report({
        property: "runtime",
        problem: `is "${runtime.value}", a deprecated runtime that no longer gets security patches`,
        fix: "move to a current runtime such as nodejs22.x or python3.13",
      });
    }),
  ],
});

/** Lambda hardening, advisory by default (mandatory in policy/config/prod.json). */
export const lambdaPolicies = [
  lambdaReservedConcurrency,
  lambdaProvisionedNotLatest,
  lambdaProvisionedWithinReserved,
  lambdaInvokeEndpointScoped,
  lambdaCurrentRuntime,
];
