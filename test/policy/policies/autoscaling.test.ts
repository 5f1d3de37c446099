import { strict as assert } from "node:assert";
import {
  autoscalingSagemakerTargetHasPolicy,
  autoscalingScaleInCooldown,
  SCALABLE_TARGET_TYPE,
  SCALING_POLICY_TYPE,
} from "@ml-platform/policy/policies/autoscaling";
import {
  messages,
  runResourcePolicy,
  runStackPolicy,
  unknown,
  type StackResourceInput,
} from "../support/harness";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const RESOURCE_ID = "endpoint/ml-platform-dev-dogs/variant/primary";
const DIMENSION = "sagemaker:variant:DesiredInstanceCount";

/** A target-tracking policy as the ScalableEndpoint component builds it. */
function targetTracking(): { type: string; name: string; props: Record<string, any> } {
  return {
    type: SCALING_POLICY_TYPE,
    name: "dogs-invocations",
    props: {
      policyType: "TargetTrackingScaling",
      resourceId: RESOURCE_ID,
      scalableDimension: DIMENSION,
      serviceNamespace: "sagemaker",
      targetTrackingScalingPolicyConfiguration: {
        targetValue: 70,
        scaleInCooldown: 300,
        scaleOutCooldown: 60,
        predefinedMetricSpecification: { predefinedMetricType: "SageMakerVariantInvocationsPerInstance" },
      },
    },
  };
}

function stepScaling(): { type: string; name: string; props: Record<string, any> } {
  return {
    type: SCALING_POLICY_TYPE,
    name: "dogs-step-in",
    props: {
      policyType: "StepScaling",
      resourceId: RESOURCE_ID,
      scalableDimension: DIMENSION,
      serviceNamespace: "sagemaker",
      stepScalingPolicyConfiguration: {
        adjustmentType: "ChangeInCapacity",
        cooldown: 300,
        metricAggregationType: "Average",
        stepAdjustments: [{ metricIntervalUpperBound: "0", scalingAdjustment: -1 }],
      },
    },
  };
}

describe("policy autoscaling-scale-in-cooldown", () => {
  it("passes compliant target-tracking and step policies", async () => {
    assert.deepEqual(await runResourcePolicy(autoscalingScaleInCooldown, targetTracking()), {
      violations: [],
    });
    assert.deepEqual(await runResourcePolicy(autoscalingScaleInCooldown, stepScaling()), { violations: [] });
  });

  it("reports an unset scaleInCooldown, naming the property and the minimum", async () => {
    const p = targetTracking();
    delete p.props.targetTrackingScalingPolicyConfiguration.scaleInCooldown;
    const texts = messages(await runResourcePolicy(autoscalingScaleInCooldown, p));
    assert.equal(texts.length, 1);
    assert.match(
      texts[0],
      /aws:appautoscaling\/policy:Policy "dogs-invocations": targetTrackingScalingPolicyConfiguration\.scaleInCooldown is unset.*Fix: set scaleInCooldown to at least 300 seconds\./,
    );
  });

  it("reports a cooldown below the configured minimum, and accepts it when the minimum is lowered", async () => {
    const p = targetTracking();
    p.props.targetTrackingScalingPolicyConfiguration.scaleInCooldown = 60;
    assert.match(
      messages(await runResourcePolicy(autoscalingScaleInCooldown, p))[0],
      /is 60 seconds, below the minimum of 300/,
    );
    const dev = await runResourcePolicy(autoscalingScaleInCooldown, p, {
      config: { minScaleInCooldownSeconds: 60 },
    });
    assert.deepEqual(dev.violations, []);
  });

  it("reports disableScaleIn: true unless allowed", async () => {
    const p = targetTracking();
    p.props.targetTrackingScalingPolicyConfiguration.disableScaleIn = true;
    assert.match(
      messages(await runResourcePolicy(autoscalingScaleInCooldown, p))[0],
      /disableScaleIn is true/,
    );
    const allowed = await runResourcePolicy(autoscalingScaleInCooldown, p, {
      config: { allowDisableScaleIn: true },
    });
    assert.deepEqual(allowed.violations, []);
  });

  it("reports a target-tracking policy with no configuration block at all", async () => {
    const p = targetTracking();
    delete p.props.targetTrackingScalingPolicyConfiguration;
    assert.match(
      messages(await runResourcePolicy(autoscalingScaleInCooldown, p))[0],
      /scaleInCooldown is unset/,
    );
  });

  it("treats an omitted policyType as StepScaling, which must set cooldown", async () => {
    const p = targetTracking();
    delete p.props.policyType;
    const texts = messages(await runResourcePolicy(autoscalingScaleInCooldown, p));
    assert.equal(texts.length, 1);
    assert.match(
      texts[0],
      /stepScalingPolicyConfiguration\.cooldown is unset \(policyType is omitted, which means StepScaling\)/,
    );
  });

  it("reports a step policy without cooldown, and a short cooldown only when the policy scales in", async () => {
    const unset = stepScaling();
    delete unset.props.stepScalingPolicyConfiguration.cooldown;
    assert.match(
      messages(await runResourcePolicy(autoscalingScaleInCooldown, unset))[0],
      /cooldown is unset/,
    );

    const shortIn = stepScaling();
    shortIn.props.stepScalingPolicyConfiguration.cooldown = 30;
    assert.match(
      messages(await runResourcePolicy(autoscalingScaleInCooldown, shortIn))[0],
      /is 30 seconds on a policy that removes capacity/,
    );

    const shortOut = stepScaling();
    shortOut.props.stepScalingPolicyConfiguration.cooldown = 30;
    shortOut.props.stepScalingPolicyConfiguration.stepAdjustments = [
      { metricIntervalLowerBound: "0", scalingAdjustment: 1 },
    ];
    assert.deepEqual((await runResourcePolicy(autoscalingScaleInCooldown, shortOut)).violations, []);

    const exact = stepScaling();
    exact.props.stepScalingPolicyConfiguration = {
      adjustmentType: "ExactCapacity",
      cooldown: 30,
      stepAdjustments: [{ scalingAdjustment: 2 }],
    };
    assert.equal((await runResourcePolicy(autoscalingScaleInCooldown, exact)).violations.length, 1);
  });

  it("passes PredictiveScaling and reports an unrecognised policyType", async () => {
    const predictive = {
      ...targetTracking(),
      props: { ...targetTracking().props, policyType: "PredictiveScaling" },
    };
    assert.deepEqual((await runResourcePolicy(autoscalingScaleInCooldown, predictive)).violations, []);
    const typo = { ...targetTracking(), props: { ...targetTracking().props, policyType: "TargetTracking" } };
    assert.match(
      messages(await runResourcePolicy(autoscalingScaleInCooldown, typo))[0],
      /policyType is "TargetTracking", which is not one of/,
    );
  });

  it("fails closed on unknown cooldowns and policy types", async () => {
    const p = targetTracking();
    p.props.targetTrackingScalingPolicyConfiguration.scaleInCooldown = unknown.number;
    const result = await runResourcePolicy(autoscalingScaleInCooldown, p);
    assert.equal(result.deferred, undefined);
    assert.match(
      messages(result)[0],
      /targetTrackingScalingPolicyConfiguration is unknown during preview, and this policy fails closed/,
    );

    const t = targetTracking();
    t.props.policyType = unknown.string;
    assert.match(
      messages(await runResourcePolicy(autoscalingScaleInCooldown, t))[0],
      /policyType is unknown during preview/,
    );
  });

  it("does not read resourceId, so an endpoint name unknown in preview does not matter", async () => {
    const p = targetTracking();
    p.props.resourceId = unknown.string;
    assert.deepEqual(await runResourcePolicy(autoscalingScaleInCooldown, p), { violations: [] });
  });
});

describe("policy autoscaling-sagemaker-target-has-policy", () => {
  function target(overrides: Record<string, unknown> = {}): StackResourceInput {
    return {
      type: SCALABLE_TARGET_TYPE,
      name: "dogs-target",
      props: {
        serviceNamespace: "sagemaker",
        scalableDimension: DIMENSION,
        resourceId: RESOURCE_ID,
        minCapacity: 1,
        maxCapacity: 2,
        ...overrides,
      },
    };
  }
  const policy = (overrides: Partial<StackResourceInput> = {}): StackResourceInput => ({
    ...targetTracking(),
    ...overrides,
  });

  it("passes a target with a matching policy", async () => {
    assert.deepEqual(await runStackPolicy(autoscalingSagemakerTargetHasPolicy, [target(), policy()]), {
      violations: [],
    });
  });

  it("reports a target without any policy, against the target's URN", async () => {
    const result = await runStackPolicy(autoscalingSagemakerTargetHasPolicy, [target()]);
    assert.equal(result.violations.length, 1);
    assert.equal(
      result.violations[0].urn,
      "urn:pulumi:dev::ml-platform::aws:appautoscaling/target:Target::dogs-target",
    );
    assert.match(
      result.violations[0].message,
      /resourceId \(endpoint\/ml-platform-dev-dogs\/variant\/primary, sagemaker:variant:DesiredInstanceCount\) has no scaling policy/,
    );
  });

  it("reports a target whose only policy is for another variant", async () => {
    const other = policy();
    other.props.resourceId = "endpoint/other/variant/primary";
    assert.equal(
      (await runStackPolicy(autoscalingSagemakerTargetHasPolicy, [target(), other])).violations.length,
      1,
    );
  });

  it("reports on a stack without any policy at all (a plain validateStack, never notApplicable)", async () => {
    const result = await runStackPolicy(autoscalingSagemakerTargetHasPolicy, [
      target(),
      { type: AWS_TYPES.s3BucketV2, props: {} },
    ]);
    assert.equal(result.notApplicable, undefined);
    assert.equal(result.violations.length, 1);
  });

  it("passes a stack without SageMaker targets", async () => {
    const ecs = target({ serviceNamespace: "ecs", scalableDimension: "ecs:service:DesiredCount" });
    assert.deepEqual(await runStackPolicy(autoscalingSagemakerTargetHasPolicy, [ecs]), { violations: [] });
  });

  it("matches through dependencies when resourceIds are unknown in preview", async () => {
    const t = target({ resourceId: unknown.string });
    const p = policy({ propertyDependencies: { resourceId: ["dogs-target"] } });
    p.props.resourceId = unknown.string;
    assert.deepEqual(await runStackPolicy(autoscalingSagemakerTargetHasPolicy, [t, p]), { violations: [] });
  });

  it("defers when neither dependencies nor known resourceIds decide", async () => {
    const t = target({ resourceId: unknown.string });
    const result = await runStackPolicy(autoscalingSagemakerTargetHasPolicy, [t, policy()]);
    assert.deepEqual(result.violations, []);
    assert.match(result.deferred ?? "", /resourceId/);
  });

  it("reports the decidable target before deferring an undecidable one", async () => {
    const known = target({ resourceId: "endpoint/b/variant/primary" });
    const unknownTarget = { ...target({ resourceId: unknown.string }), name: "other-target" };
    // The policy names another endpoint: it cannot cover the known target, and might cover the unknown one.
    const result = await runStackPolicy(autoscalingSagemakerTargetHasPolicy, [
      known,
      unknownTarget,
      policy(),
    ]);
    assert.equal(result.violations.length, 1);
    assert.ok(result.deferred);
  });

  it("reports a target with an unknown resourceId when no policy exists at all", async () => {
    const result = await runStackPolicy(autoscalingSagemakerTargetHasPolicy, [
      target({ resourceId: unknown.string }),
    ]);
    assert.equal(result.violations.length, 1);
    assert.equal(result.deferred, undefined);
  });

  it("does not count a policy that only depends on the target (dependsOn) but names another", async () => {
    const other = policy({ dependencies: ["dogs-target"] });
    other.props.resourceId = "endpoint/other/variant/primary";
    const result = await runStackPolicy(autoscalingSagemakerTargetHasPolicy, [target(), other]);
    assert.equal(result.violations.length, 1);
  });

  it("does not count a policy whose resourceId comes from the target but whose dimension differs", async () => {
    const p = policy({ propertyDependencies: { resourceId: ["dogs-target"] } });
    p.props.resourceId = unknown.string;
    p.props.scalableDimension = "sagemaker:variant:DesiredProvisionedConcurrency";
    const result = await runStackPolicy(autoscalingSagemakerTargetHasPolicy, [target(), p]);
    assert.equal(result.violations.length, 1);
  });

  it("honours an exemption with a reason on the target", async () => {
    const result = await runStackPolicy(autoscalingSagemakerTargetHasPolicy, [target()], {
      config: {
        exemptions: [{ resource: "dogs-target", reason: "scaled by a scheduled action during the pilot" }],
      },
    });
    assert.deepEqual(result.violations, []);
  });
});
