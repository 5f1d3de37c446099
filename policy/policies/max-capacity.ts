/**
 * The instance-size family's cap on how far a SageMaker variant may scale out, on every resource that sets the
 * variant's capacity: the scalable target, scheduled actions that change its bounds at run time, and the
 * endpoint configuration's variants.
 */
import { SAGEMAKER_SERVICE_NAMESPACE, SAGEMAKER_VARIANT_DIMENSION } from "@ml-platform/aws-facts/autoscaling";
import type * as aws from "@pulumi/aws";
import { defineResourcePolicy, onType, type ResourceRuleContext } from "../framework";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

interface MaxCapacityConfig {
  maxCapacity: number;
}

type CapacityContext = ResourceRuleContext<MaxCapacityConfig>;

function checkCount(ctx: CapacityContext, property: string, read: () => unknown, what: string): void {
  const count = ctx.probe(property, read);
  if (!count.known) return ctx.failClosed(count, `an unknown ${what} could exceed the cap`);
  if (typeof count.value === "number" && count.value > ctx.config.maxCapacity) {
    ctx.report({
      property,
      problem: `is ${count.value}, above the cap of ${ctx.config.maxCapacity} instances per variant`,
      fix: `set it to at most ${ctx.config.maxCapacity}, or raise maxCapacity in the policy config`,
    });
  }
}

/**
 * True when a target or scheduled action scales a SageMaker variant's instance count; an unknown namespace or
 * dimension defers (it decides whether the cap applies at all).
 */
function scalesSagemakerVariant(
  ctx: CapacityContext,
  scaling: { serviceNamespace?: unknown; scalableDimension?: unknown },
): boolean {
  const namespace = ctx.probe("serviceNamespace", () => scaling.serviceNamespace);
  if (!namespace.known) return ctx.defer(namespace);
  const dimension = ctx.probe("scalableDimension", () => scaling.scalableDimension);
  if (!dimension.known) return ctx.defer(dimension);
  return namespace.value === SAGEMAKER_SERVICE_NAMESPACE && dimension.value === SAGEMAKER_VARIANT_DIMENSION;
}

export const endpointMaxCapacity = defineResourcePolicy<MaxCapacityConfig>({
  name: "endpoint-max-capacity",
  family: "instance-size",
  description:
    "A SageMaker variant may not scale beyond the configured number of instances: scalable-target maxCapacity, " +
    "scheduled actions' capacities, initialInstanceCount and managed instance scaling are capped.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Lower maxCapacity on the aws.appautoscaling.Target (and initialInstanceCount / managedInstanceScaling." +
    "maxInstanceCount on the variant), or raise the cap for the environment in policy/config/<stack>.json.",
  unknownValues: {
    behaviour: "fail-closed",
    detail:
      "Capacities are literals or stack config; an unknown one could be any number, so it is reported. An unknown " +
      "serviceNamespace or scalableDimension defers (it decides whether the target is a SageMaker variant at all).",
  },
  checks: [
    "`aws.appautoscaling.Target` with `serviceNamespace: sagemaker` and `scalableDimension: sagemaker:variant:DesiredInstanceCount`: `maxCapacity` ≤ cap",
    "`aws.appautoscaling.ScheduledAction` on such a target (it sets the bounds at run time): `scalableTargetAction.maxCapacity` and `minCapacity` ≤ cap",
    "`aws.sagemaker.EndpointConfiguration` variants: `initialInstanceCount` and `managedInstanceScaling.maxInstanceCount` ≤ cap",
  ],
  config: {
    maxCapacity: {
      type: "integer",
      minimum: 1,
      default: 4,
      description: "Most instances one SageMaker variant may scale to.",
    },
  },
  rules: [
    onType<aws.appautoscaling.TargetArgs, MaxCapacityConfig>(
      AWS_TYPES.appautoscalingTarget,
      (target, ctx) => {
        if (!scalesSagemakerVariant(ctx, target)) return;
        checkCount(ctx, "maxCapacity", () => target.maxCapacity, "maxCapacity");
      },
    ),
    // A scheduled action sets the target's bounds at run time, so it is held to the same cap: a schedule that
    // raises maxCapacity (or minCapacity, which forces scale-out) past it would undo the target's check.
    onType<aws.appautoscaling.ScheduledActionArgs, MaxCapacityConfig>(
      AWS_TYPES.appautoscalingScheduledAction,
      (action, ctx) => {
        if (!scalesSagemakerVariant(ctx, action)) return;
        const bounds = ctx.probe("scalableTargetAction", () => action.scalableTargetAction);
        if (!bounds.known) return ctx.failClosed(bounds, "unknown bounds could exceed the cap");
        for (const key of ["maxCapacity", "minCapacity"] as const) {
          checkCount(ctx, `scalableTargetAction.${key}`, () => bounds.value?.[key], key);
        }
      },
    ),
    onType<aws.sagemaker.EndpointConfigurationArgs, MaxCapacityConfig>(
      AWS_TYPES.sagemakerEndpointConfiguration,
      (config, ctx) => {
        for (const key of ["productionVariants", "shadowProductionVariants"] as const) {
          const variants = ctx.probe(key, () => config[key]);
          if (!variants.known) return ctx.failClosed(variants, "unknown variants could exceed the cap");
          const list = (variants.value ?? []) as {
            initialInstanceCount?: number;
            managedInstanceScaling?: { maxInstanceCount?: number };
          }[];
          list.forEach((_, i) => {
            checkCount(
              ctx,
              `${key}[${i}].initialInstanceCount`,
              () => list[i]?.initialInstanceCount,
              "count",
            );
            checkCount(
              ctx,
              `${key}[${i}].managedInstanceScaling.maxInstanceCount`,
              () => list[i]?.managedInstanceScaling?.maxInstanceCount,
              "count",
            );
          });
        }
      },
    ),
  ],
});
