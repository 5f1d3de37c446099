/** ScalableEndpoint's `scalingMetric`: the 1-minute invocations metric by default, or the 10-second concurrency one. */
import { strict as assert } from "node:assert";
import { ScalableEndpoint, type ScalableEndpointArgs } from "@ml-platform/components";
import { runWithMocks } from "../support/mock-components";
import { assertRejected } from "../support/captured-assertions";
import { TYPES as T } from "../support/type-tokens";

const base: ScalableEndpointArgs = {
  instanceType: "ml.c5.xlarge",
  minCapacity: 1,
  maxCapacity: 3,
  targetInvocationsPerInstance: 240,
  modelDataUrl: "s3://project-artifacts/models/dog-breeds/v1/model.tar.gz",
};

const build = (args: Partial<ScalableEndpointArgs>) =>
  runWithMocks(() => new ScalableEndpoint("metric-test", { ...base, ...args }));

function trackingOf(run: Awaited<ReturnType<typeof build>>) {
  assert.equal(run.error, undefined, String(run.error));
  return run.one(T.scalingPolicy).inputs.targetTrackingScalingPolicyConfiguration as {
    targetValue: number;
    predefinedMetricSpecification: { predefinedMetricType: string };
  };
}

describe("ScalableEndpoint scalingMetric", () => {
  it("tracks SageMakerVariantInvocationsPerInstance with targetInvocationsPerInstance by default", async () => {
    const tt = trackingOf(await build({}));
    assert.equal(
      tt.predefinedMetricSpecification.predefinedMetricType,
      "SageMakerVariantInvocationsPerInstance",
    );
    assert.equal(tt.targetValue, 240);
  });

  it("tracks the high-resolution concurrency metric with its own target", async () => {
    const tt = trackingOf(
      await build({ scalingMetric: "concurrentRequestsPerModel", targetConcurrentRequestsPerModel: 0.6 }),
    );
    assert.equal(
      tt.predefinedMetricSpecification.predefinedMetricType,
      "SageMakerVariantConcurrentRequestsPerModelHighResolution",
    );
    assert.equal(tt.targetValue, 0.6);
    const defaulted = trackingOf(await build({ scalingMetric: "concurrentRequestsPerModel" }));
    assert.equal(defaulted.targetValue, 1);
  });

  it("rejects an unknown metric and a target ≤ 0", async () => {
    assertRejected(
      await build({ scalingMetric: "cpu" as never }),
      "scalingMetric",
      /one of invocationsPerInstance, concurrentRequestsPerModel/,
    );
    assertRejected(
      await build({ scalingMetric: "concurrentRequestsPerModel", targetConcurrentRequestsPerModel: 0 }),
      "targetConcurrentRequestsPerModel",
      /> 0/,
    );
  });
});
