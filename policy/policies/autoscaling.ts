/**
 * Application Auto Scaling: scale-in cooldowns and SageMaker variants that actually scale.
 *
 * Without a scale-in cooldown an endpoint sheds instances as soon as a traffic burst pauses, then pays the
 * (minutes-long) SageMaker instance start-up again on the next burst. cdk-nag AS1 checks EC2 Auto Scaling groups
 * only, and passes when the cooldown is unset; nothing checks Application Auto Scaling, which SageMaker uses.
 */
import {
  SAGEMAKER_INFERENCE_COMPONENT_DIMENSION,
  SAGEMAKER_SERVICE_NAMESPACE,
  SAGEMAKER_VARIANT_DIMENSION,
} from "@ml-platform/aws-facts/autoscaling";
import type * as aws from "@pulumi/aws";
import type { PolicyResource } from "@pulumi/policy";
import {
  defineResourcePolicy,
  defineStackPolicy,
  onType,
  type ConfigSpec,
  type PlatformPolicy,
  type Probe,
} from "../framework";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

export const SCALING_POLICY_TYPE = AWS_TYPES.appautoscalingPolicy;
export const SCALABLE_TARGET_TYPE = AWS_TYPES.appautoscalingTarget;
export { SAGEMAKER_VARIANT_DIMENSION };

/** Application Auto Scaling policy types; an omitted policyType means StepScaling (the AWS default). */
const POLICY_TYPES = ["TargetTrackingScaling", "StepScaling", "PredictiveScaling"] as const;

// ------------------------------------------------------------------------------------------------------------------
// autoscaling-scale-in-cooldown

interface CooldownConfig {
  minScaleInCooldownSeconds: number;
  allowDisableScaleIn: boolean;
}

const cooldownConfig: ConfigSpec<CooldownConfig> = {
  minScaleInCooldownSeconds: {
    type: "integer",
    minimum: 0,
    default: 300,
    description:
      "Smallest acceptable scale-in cooldown, in seconds: TargetTracking `scaleInCooldown`, and StepScaling " +
      "`cooldown` when a step can remove capacity. SageMaker instances take minutes to start, so scaling in " +
      "faster than this causes flapping.",
  },
  allowDisableScaleIn: {
    type: "boolean",
    default: false,
    description:
      "Accept TargetTracking `disableScaleIn: true` (the policy never removes capacity, so the target stays at its " +
      "peak size and cost).",
  },
};

export const autoscalingScaleInCooldown = defineResourcePolicy<CooldownConfig>({
  name: "autoscaling-scale-in-cooldown",
  family: "autoscaling",
  description:
    "Application Auto Scaling policies must set a scale-in cooldown of at least the configured minimum: " +
    "`scaleInCooldown` for TargetTrackingScaling, `cooldown` for StepScaling (also when policyType is omitted).",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "For target tracking, set targetTrackingScalingPolicyConfiguration.scaleInCooldown (e.g. 300) and " +
    "scaleOutCooldown (e.g. 60). For step scaling, set stepScalingPolicyConfiguration.cooldown. Do not set " +
    "disableScaleIn: true unless the target must never shrink; then exempt it with a written reason.",
  unknownValues: {
    behaviour: "fail-closed",
    detail:
      "policyType, the cooldowns and disableScaleIn are literals in any normal program; an unknown value could be " +
      "0 or missing, so it is reported. resourceId is not read.",
  },
  checks: [
    "TargetTrackingScaling: `targetTrackingScalingPolicyConfiguration.scaleInCooldown` set and ≥ `minScaleInCooldownSeconds`",
    "TargetTrackingScaling: `disableScaleIn: true` reported unless `allowDisableScaleIn`",
    "StepScaling (or policyType omitted): `stepScalingPolicyConfiguration.cooldown` set; ≥ the minimum when a step adjustment is negative or the adjustment type is ExactCapacity",
    "an unrecognised policyType is reported; PredictiveScaling has no cooldown and passes",
  ],
  config: cooldownConfig,
  rules: [
    onType<aws.appautoscaling.PolicyArgs, CooldownConfig>(SCALING_POLICY_TYPE, (policy, ctx) => {
      const typeProbe = ctx.probe("policyType", () => policy.policyType);
      if (!typeProbe.known)
        return ctx.failClosed(typeProbe, "the cooldown to require depends on the policy type");
      const policyType = typeProbe.value ?? "StepScaling";
      const min = ctx.config.minScaleInCooldownSeconds;

      if (policyType === "TargetTrackingScaling") {
        const tt = ctx.probeDeep(
          "targetTrackingScalingPolicyConfiguration",
          () => policy.targetTrackingScalingPolicyConfiguration,
        );
        if (!tt.known) return ctx.failClosed(tt, "the scale-in cooldown could be missing or too short");
        const cooldown = tt.value?.scaleInCooldown;
        const property = "targetTrackingScalingPolicyConfiguration.scaleInCooldown";
        if (cooldown === undefined || cooldown === null) {
          ctx.report({
            property,
            problem: "is unset, so capacity is removed as soon as the metric dips",
            fix: `set scaleInCooldown to at least ${min} seconds`,
          });
        } else if (cooldown < min) {
          ctx.report({
            property,
            problem: `is ${cooldown} seconds, below the minimum of ${min}`,
            fix: `set scaleInCooldown to at least ${min} seconds`,
          });
        }
        if (tt.value?.disableScaleIn === true && !ctx.config.allowDisableScaleIn) {
          ctx.report({
            property: "targetTrackingScalingPolicyConfiguration.disableScaleIn",
            problem: "is true, so the target never scales in and stays at its peak size and cost",
            fix: "remove disableScaleIn (and set a scale-in cooldown instead)",
          });
        }
        return;
      }

      if (policyType === "StepScaling") {
        const step = ctx.probeDeep(
          "stepScalingPolicyConfiguration",
          () => policy.stepScalingPolicyConfiguration,
        );
        if (!step.known) return ctx.failClosed(step, "the cooldown could be missing or too short");
        const cooldown = step.value?.cooldown;
        const implied =
          typeProbe.value === undefined ? " (policyType is omitted, which means StepScaling)" : "";
        const property = "stepScalingPolicyConfiguration.cooldown";
        if (cooldown === undefined || cooldown === null) {
          ctx.report({
            property,
            problem: `is unset${implied}, so consecutive steps fire without waiting for the last one to take effect`,
            fix: `set stepScalingPolicyConfiguration.cooldown (at least ${min} seconds for a scale-in policy)`,
          });
          return;
        }
        const scalesIn =
          step.value?.adjustmentType === "ExactCapacity" ||
          (step.value?.stepAdjustments ?? []).some(
            (a) => typeof a?.scalingAdjustment === "number" && a.scalingAdjustment < 0,
          );
        if (scalesIn && cooldown < min) {
          ctx.report({
            property,
            problem: `is ${cooldown} seconds on a policy that removes capacity${implied}, below the minimum of ${min}`,
            fix: `set cooldown to at least ${min} seconds`,
          });
        }
        return;
      }

      if (policyType !== "PredictiveScaling") {
        ctx.report({
          property: "policyType",
          problem: `is "${String(policyType)}", which is not one of ${POLICY_TYPES.join(", ")}`,
          fix: "use TargetTrackingScaling with a scaleInCooldown",
        });
      }
    }),
  ],
  remediation: {
    summary:
      "raises a TargetTrackingScaling policy's missing or shorter `scaleInCooldown` to `minScaleInCooldownSeconds` " +
      "(a longer one is kept). StepScaling cooldowns (which also delay scale-out) and `disableScaleIn` are not " +
      "changed.",
    remediate: (policy: { targetTrackingScalingPolicyConfiguration?: unknown }, ctx) =>
      // Only inside a configuration the program wrote: one made up here would lack its target and metric.
      typeof policy.targetTrackingScalingPolicyConfiguration === "object" &&
      policy.targetTrackingScalingPolicyConfiguration !== null
        ? [
            {
              property: "targetTrackingScalingPolicyConfiguration.scaleInCooldown",
              atLeast: ctx.config.minScaleInCooldownSeconds,
            },
          ]
        : [],
  },
});

// ------------------------------------------------------------------------------------------------------------------
// autoscaling-sagemaker-target-has-policy

interface TargetPolicyConfig {
  scalableDimensions: string[];
}

const targetPolicyConfig: ConfigSpec<TargetPolicyConfig> = {
  scalableDimensions: {
    type: "array",
    items: { type: "string", minLength: 1 },
    default: [SAGEMAKER_VARIANT_DIMENSION, SAGEMAKER_INFERENCE_COMPONENT_DIMENSION],
    description:
      "SageMaker scalable dimensions whose scalable targets must have at least one scaling policy.",
  },
};

/** The keys that name a scalable target: a policy covers the target these three identify, and no other. */
const TARGET_KEYS = ["serviceNamespace", "scalableDimension", "resourceId"] as const;

type Coverage = { readonly covers: true } | { readonly covers: false; readonly unknown?: Probe<unknown> };

/**
 * Whether `policy` names `target`: each key is equal when both values are known, or when the policy's value was
 * taken from the target (its property dependency on that key is the target, as in `resourceId:
 * target.resourceId`). A plain dependency (`dependsOn`, which on a component expands to all its children)
 * proves nothing. An unknown key that neither decides makes the answer unknown.
 */
function policyCoversTarget(
  policy: PolicyResource,
  target: PolicyResource,
  read: (r: PolicyResource, key: string) => Probe<unknown>,
): Coverage {
  let unknown: Probe<unknown> | undefined;
  for (const key of TARGET_KEYS) {
    const fromTarget = (policy.propertyDependencies[key] ?? []).some((d) => d.urn === target.urn);
    const mine = read(policy, key);
    const theirs = read(target, key);
    if (mine.known && theirs.known) {
      if (mine.value !== theirs.value) return { covers: false };
    } else if (!fromTarget) {
      unknown ??= mine.known ? theirs : mine;
    }
  }
  return unknown ? { covers: false, unknown } : { covers: true };
}

export const autoscalingSagemakerTargetHasPolicy = defineStackPolicy<TargetPolicyConfig>({
  name: "autoscaling-sagemaker-target-has-policy",
  family: "autoscaling",
  description:
    "Every SageMaker variant scalable target must have at least one Application Auto Scaling policy; a target " +
    "without one never scales.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Add an aws.appautoscaling.Policy (TargetTrackingScaling on SageMakerVariantInvocationsPerInstance, with a " +
    "scale-in cooldown) whose resourceId, scalableDimension and serviceNamespace come from the target. The " +
    "ScalableEndpoint component does this.",
  unknownValues: {
    behaviour: "defer",
    detail:
      "A policy key taken from the target (resourceId: target.resourceId) matches it even when the endpoint name " +
      "is unknown in preview. When neither such a property dependency nor known values decide, the check is " +
      "deferred to `pulumi up`.",
  },
  resourceTypes: [SCALABLE_TARGET_TYPE, SCALING_POLICY_TYPE],
  checks: [
    "targets with `serviceNamespace: sagemaker` and a dimension in `scalableDimensions`",
    "a policy covers the target it names: the same serviceNamespace, scalableDimension and resourceId, each equal as a known value or taken from the target (`resourceId: target.resourceId`); depending on a target (`dependsOn`, which on a component expands to all its children) covers nothing",
  ],
  config: targetPolicyConfig,
  validateStack: (ctx) => {
    const policies = ctx.resourcesOfType(SCALING_POLICY_TYPE);
    const undecided: Probe<unknown>[] = [];
    const read = (r: PolicyResource, key: string) => ctx.probe(key, () => r.props[key] as unknown);

    for (const target of ctx.resourcesOfType(SCALABLE_TARGET_TYPE)) {
      const namespace = read(target, "serviceNamespace");
      const dimension = read(target, "scalableDimension");
      if (!namespace.known || !dimension.known) {
        undecided.push(namespace.known ? dimension : namespace);
        continue;
      }
      if (
        namespace.value !== SAGEMAKER_SERVICE_NAMESPACE ||
        !ctx.config.scalableDimensions.includes(String(dimension.value))
      )
        continue;
      const resourceId = read(target, "resourceId");
      const answers = policies.map((policy) => policyCoversTarget(policy, target, read));
      if (answers.some((a) => a.covers)) continue;
      const unknownAlong = answers.find((a) => !a.covers && a.unknown);
      if (unknownAlong && !unknownAlong.covers && unknownAlong.unknown) {
        undecided.push(unknownAlong.unknown);
        continue;
      }
      ctx.report(target, {
        property: "resourceId",
        problem: `(${String(resourceId.known ? resourceId.value : "unknown")}, ${String(dimension.value)}) has no scaling policy, so the variant never scales`,
        fix: "add an aws.appautoscaling.Policy with resourceId, scalableDimension and serviceNamespace taken from this target",
      });
    }
    // Known problems are reported above; only then defer what could not be decided.
    const firstUnknown = undecided[0];
    if (firstUnknown && !firstUnknown.known) ctx.defer(firstUnknown);
  },
});

export const autoscalingPolicies: readonly PlatformPolicy[] = [
  autoscalingScaleInCooldown,
  autoscalingSagemakerTargetHasPolicy,
];
