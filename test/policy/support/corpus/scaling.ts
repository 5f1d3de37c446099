/**
 * Scaling: a policy covers the target it names, not every target it depends on; and any resource that sets a
 * target's bounds at run time (a scheduled action) is held to the target's cap.
 */
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";
import type { StackResourceInput } from "../harness";
import { unknown } from "../harness";
import type { CorpusCase } from "./types";

const DIMENSION = "sagemaker:variant:DesiredInstanceCount";
const resourceIdOf = (endpoint: string) => `endpoint/${endpoint}/variant/primary`;

const target = (name: string, endpoint = name): StackResourceInput => ({
  type: AWS_TYPES.appautoscalingTarget,
  name,
  props: {
    serviceNamespace: "sagemaker",
    scalableDimension: DIMENSION,
    resourceId: resourceIdOf(endpoint),
    minCapacity: 1,
    maxCapacity: 2,
  },
});

const scalingPolicy = (
  name: string,
  keys: Record<string, unknown>,
  links: Partial<Pick<StackResourceInput, "dependencies" | "propertyDependencies" | "parent">> = {},
): StackResourceInput => ({
  type: AWS_TYPES.appautoscalingPolicy,
  name,
  props: {
    policyType: "TargetTrackingScaling",
    serviceNamespace: "sagemaker",
    scalableDimension: DIMENSION,
    targetTrackingScalingPolicyConfiguration: { targetValue: 70, scaleInCooldown: 300, scaleOutCooldown: 60 },
    ...keys,
  },
  ...links,
});

const fromTarget = (targetName: string, keys: readonly string[] = ["resourceId"]) => ({
  propertyDependencies: Object.fromEntries(keys.map((k) => [k, [targetName]])),
});

const coverage = (description: string, resources: StackResourceInput[], caught: boolean): CorpusCase => ({
  description,
  policy: "autoscaling-sagemaker-target-has-policy",
  resources,
  caught,
});

export const COVERAGE_BY_DEPENDENCY: readonly CorpusCase[] = [
  coverage(
    "a policy naming endpoint a that dependsOn endpoint b's target leaves b uncovered",
    [
      target("a"),
      target("b"),
      scalingPolicy("pa", { resourceId: resourceIdOf("a") }, { dependencies: ["a", "b"] }),
    ],
    true,
  ),
  coverage(
    "dependsOn a component (expanded to all its children) covers none of them",
    [
      target("a"),
      target("b"),
      target("c"),
      scalingPolicy("pa", { resourceId: resourceIdOf("a") }, { dependencies: ["a", "b", "c"] }),
    ],
    true,
  ),
  coverage(
    "a policy taking resourceId from the target but scaling another dimension covers nothing",
    [
      target("a"),
      scalingPolicy(
        "pa",
        { resourceId: unknown.string, scalableDimension: "sagemaker:variant:DesiredProvisionedConcurrency" },
        fromTarget("a"),
      ),
    ],
    true,
  ),
  coverage(
    "a policy for another service namespace with the same resourceId covers nothing",
    [target("a"), scalingPolicy("pa", { resourceId: resourceIdOf("a"), serviceNamespace: "ecs" })],
    true,
  ),
  coverage(
    "a policy that depends on the target but names another endpoint covers nothing",
    [target("a"), scalingPolicy("pa", { resourceId: resourceIdOf("other") }, { dependencies: ["a"] })],
    true,
  ),
  coverage(
    "policies for a and b cover a and b",
    [
      target("a"),
      target("b"),
      scalingPolicy("pa", { resourceId: resourceIdOf("a") }),
      scalingPolicy("pb", { resourceId: resourceIdOf("b") }),
    ],
    false,
  ),
  coverage(
    "a policy whose keys all come from the target covers it while the endpoint name is unknown",
    [
      { ...target("a"), props: { ...target("a").props, resourceId: unknown.string } },
      scalingPolicy(
        "pa",
        { resourceId: unknown.string, scalableDimension: unknown.string, serviceNamespace: unknown.string },
        fromTarget("a", ["resourceId", "scalableDimension", "serviceNamespace"]),
      ),
    ],
    false,
  ),
  coverage(
    "a policy with resourceId from the target and literal keys covers it",
    [target("a"), scalingPolicy("pa", { resourceId: unknown.string }, fromTarget("a"))],
    false,
  ),
];

const scheduled = (
  scalableTargetAction: Record<string, unknown>,
  overrides: Record<string, unknown> = {},
) => ({
  type: AWS_TYPES.appautoscalingScheduledAction,
  name: "nightly",
  props: {
    serviceNamespace: "sagemaker",
    scalableDimension: DIMENSION,
    resourceId: resourceIdOf("a"),
    schedule: "cron(0 22 * * ? *)",
    scalableTargetAction,
    ...overrides,
  },
});

const cap = (description: string, resource: StackResourceInput, caught: boolean): CorpusCase => ({
  description,
  policy: "endpoint-max-capacity",
  resources: [resource],
  caught,
});

export const BOUNDS_SET_ELSEWHERE: readonly CorpusCase[] = [
  cap("a scheduled action raising maxCapacity past the cap", scheduled({ maxCapacity: 50 }), true),
  cap("a scheduled action raising minCapacity past the cap", scheduled({ minCapacity: 9 }), true),
  cap("a scheduled action raising both", scheduled({ minCapacity: 50, maxCapacity: 50 }), true),
  cap(
    "a scheduled action with unknown bounds fails closed",
    scheduled({ maxCapacity: unknown.number }),
    true,
  ),
  cap("a scheduled action within the cap", scheduled({ minCapacity: 1, maxCapacity: 4 }), false),
  cap("a scheduled action that only lowers the floor", scheduled({ minCapacity: 0 }), false),
  cap(
    "a scheduled action on an ECS service is not a SageMaker variant",
    scheduled(
      { maxCapacity: 50 },
      { serviceNamespace: "ecs", scalableDimension: "ecs:service:DesiredCount" },
    ),
    false,
  ),
];
