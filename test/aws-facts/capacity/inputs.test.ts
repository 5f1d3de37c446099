/** Reading the simulator's inputs from a resource graph, and validating profiles and assumptions. */
import { strict as assert } from "node:assert";
import {
  extractCapacityInputs,
  offeredRateAt,
  parseProfile,
  resolveCapacityConfig,
  resolveSimulationAssumptions,
} from "@ml-platform/aws-facts/capacity";
import { UNKNOWN } from "@ml-platform/aws-facts/pricing/graph";
import { capacityStack } from "./support/graph";

describe("capacity inputs from the resource graph", () => {
  it("reads the variant, the scalable target, the policy and the calling function", () => {
    const { endpoints, unreadable } = extractCapacityInputs(capacityStack());
    assert.deepEqual(unreadable, []);
    assert.equal(endpoints.length, 1);
    const e = endpoints[0];
    assert.equal(e.instanceType, "ml.c5.xlarge");
    assert.equal(e.initialInstanceCount, 2);
    assert.deepEqual(e.scaling, {
      minCapacity: 2,
      maxCapacity: 6,
      metric: "SageMakerVariantInvocationsPerInstance",
      targetValue: 240,
      scaleOutCooldownSeconds: 60,
      scaleInCooldownSeconds: 600,
      disableScaleIn: false,
    });
    assert.deepEqual(e.function, {
      name: "infer",
      reservedConcurrency: 50,
      provisionedConcurrency: 3,
      timeoutSeconds: 30,
      memoryMb: 512,
      architecture: "x86_64",
    });
  });

  it("takes SageMaker's 300-s default for an unset cooldown and treats no target as a fixed fleet", () => {
    const graph = capacityStack();
    const policy = graph.find((r) => r.name === "api-scaling")!;
    const tt = policy.outputs.targetTrackingScalingPolicyConfiguration as Record<string, unknown>;
    delete tt.scaleOutCooldown;
    assert.equal(extractCapacityInputs(graph).endpoints[0].scaling?.scaleOutCooldownSeconds, 300);
    const fixed = extractCapacityInputs(capacityStack({ autoscaling: false })).endpoints[0];
    assert.equal(fixed.scaling, undefined);
  });

  it("reports an endpoint whose inputs are unknown or whose metric it does not model", () => {
    const unknownType = extractCapacityInputs(capacityStack({ instanceType: UNKNOWN }));
    assert.equal(unknownType.endpoints.length, 0);
    assert.match(unknownType.unreadable[0].problem, /instance type or initial instance count is unknown/);
    const custom = extractCapacityInputs(
      capacityStack({ metric: "SageMakerVariantProvisionedConcurrencyUtilization" }),
    );
    assert.match(
      custom.unreadable[0].problem,
      /SageMakerVariantProvisionedConcurrencyUtilization is not one the simulator models/,
    );
  });
});

describe("traffic profiles and assumptions", () => {
  it("holds each step until the next and ramps linearly", () => {
    const p = parseProfile({
      name: "p",
      durationMinutes: 30,
      baselineRps: 2,
      steps: [
        { atMinute: 10, rps: 12, rampMinutes: 2 },
        { atMinute: 20, rps: 4 },
      ],
    });
    assert.equal(offeredRateAt(p, 0), 2);
    assert.equal(offeredRateAt(p, 10 * 60), 2);
    assert.equal(offeredRateAt(p, 11 * 60), 7, "half-way up the ramp from 2 to 12");
    assert.equal(offeredRateAt(p, 12 * 60), 12);
    assert.equal(offeredRateAt(p, 19 * 60 + 59), 12);
    assert.equal(offeredRateAt(p, 20 * 60), 4);
  });

  it("rejects bad profiles naming the field and the rule", () => {
    assert.throws(
      () =>
        parseProfile({ name: "p", durationMinutes: 10, baselineRps: -1, steps: [{ atMinute: 12, rps: 1 }] }),
      (e: Error) =>
        /profile\.baselineRps: must be ≥ 0/.test(e.message) &&
        /profile\.steps\[0\]\.atMinute: must be before the end of the profile \(durationMinutes 10\)/.test(
          e.message,
        ),
    );
    assert.throws(
      () =>
        parseProfile({
          name: "p",
          durationMinutes: 60,
          baselineRps: 1,
          steps: [
            { atMinute: 10, rps: 5, rampMinutes: 5 },
            { atMinute: 12, rps: 1 },
          ],
        }),
      /steps\[1\]\.atMinute: must not start before the previous step has finished \(minute 15\)/,
    );
    assert.throws(
      () => parseProfile({ name: "p", durationMinutes: 10, baselineRps: 1, extra: 1 }),
      /profile: Unrecognized key/,
    );
  });

  it("rejects bad assumptions and unknown checked profiles", () => {
    assert.throws(
      () =>
        resolveSimulationAssumptions({
          instanceTypes: {
            "ml.c5.xlarge": { maxRequestsPerSecondPerInstance: 0, latencyMs: 10, instanceStartupSeconds: 1 },
          },
        }),
      /assumptions\.instanceTypes\.ml\.c5\.xlarge\.maxRequestsPerSecondPerInstance: must be > 0/,
    );
    assert.throws(
      () => resolveCapacityConfig({ checkedProfiles: ["10x spike"] }),
      /checkedProfiles\[0\]: "10x spike" is not one of the profiles/,
    );
    assert.throws(
      () => resolveCapacityConfig({ maxDroppedPercent: 150 }),
      /maxDroppedPercent: must be ≤ 100/,
    );
  });
});
