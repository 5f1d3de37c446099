import { strict as assert } from "node:assert";
import { endpointMaxCapacity } from "@ml-platform/policy/policies/max-capacity";
import { endpointConfig } from "../support/fixtures";
import { messages, runResourcePolicy, unknown } from "../support/harness";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const TARGET = AWS_TYPES.appautoscalingTarget;
const SCHEDULED = AWS_TYPES.appautoscalingScheduledAction;

describe("policy endpoint-max-capacity", () => {
  const target = (maxCapacity: unknown, overrides: Record<string, unknown> = {}) => ({
    type: TARGET,
    name: "dogs-target",
    props: {
      serviceNamespace: "sagemaker",
      scalableDimension: "sagemaker:variant:DesiredInstanceCount",
      resourceId: "endpoint/dogs/variant/primary",
      minCapacity: 1,
      maxCapacity,
      ...overrides,
    },
  });

  it("passes a target within the cap and reports one above it", async () => {
    assert.deepEqual(await runResourcePolicy(endpointMaxCapacity, target(4)), { violations: [] });
    assert.match(
      messages(await runResourcePolicy(endpointMaxCapacity, target(10)))[0],
      /maxCapacity is 10, above the cap of 4 instances per variant/,
    );
    assert.deepEqual(
      (await runResourcePolicy(endpointMaxCapacity, target(10), { config: { maxCapacity: 10 } })).violations,
      [],
    );
  });

  it("ignores non-SageMaker targets", async () => {
    const ecs = target(50, { serviceNamespace: "ecs", scalableDimension: "ecs:service:DesiredCount" });
    assert.deepEqual(await runResourcePolicy(endpointMaxCapacity, ecs), { violations: [] });
  });

  it("fails closed on an unknown maxCapacity, and defers on an unknown namespace", async () => {
    assert.match(
      messages(await runResourcePolicy(endpointMaxCapacity, target(unknown.number)))[0],
      /maxCapacity is unknown during preview/,
    );
    const result = await runResourcePolicy(
      endpointMaxCapacity,
      target(50, { serviceNamespace: unknown.string }),
    );
    assert.ok(result.deferred);
  });

  it("caps initialInstanceCount and managed instance scaling on endpoint configurations", async () => {
    const c = endpointConfig();
    assert.deepEqual(await runResourcePolicy(endpointMaxCapacity, c), { violations: [] });
    c.props.productionVariants[0].initialInstanceCount = 6;
    c.props.productionVariants[0].managedInstanceScaling = {
      status: "ENABLED",
      minInstanceCount: 1,
      maxInstanceCount: 8,
    };
    const texts = messages(await runResourcePolicy(endpointMaxCapacity, c));
    assert.equal(texts.length, 2);
    assert.match(texts[0], /productionVariants\[0\]\.initialInstanceCount is 6/);
    assert.match(texts[1], /productionVariants\[0\]\.managedInstanceScaling\.maxInstanceCount is 8/);
  });

  describe("scheduled actions (they set the target's bounds at run time)", () => {
    const scheduled = (scalableTargetAction: unknown, overrides: Record<string, unknown> = {}) => ({
      type: SCHEDULED,
      name: "nightly-burst",
      props: {
        serviceNamespace: "sagemaker",
        scalableDimension: "sagemaker:variant:DesiredInstanceCount",
        resourceId: "endpoint/dogs/variant/primary",
        schedule: "cron(0 22 * * ? *)",
        scalableTargetAction,
        ...overrides,
      },
    });

    it("holds maxCapacity and minCapacity to the target's cap", async () => {
      assert.deepEqual(
        await runResourcePolicy(endpointMaxCapacity, scheduled({ minCapacity: 1, maxCapacity: 4 })),
        {
          violations: [],
        },
      );
      const raised = messages(await runResourcePolicy(endpointMaxCapacity, scheduled({ maxCapacity: 40 })));
      assert.match(
        raised[0],
        /scalableTargetAction\.maxCapacity is 40, above the cap of 4 instances per variant/,
      );
      const floor = messages(await runResourcePolicy(endpointMaxCapacity, scheduled({ minCapacity: 12 })));
      assert.match(floor[0], /scalableTargetAction\.minCapacity is 12, above the cap/);
    });

    it("fails closed on unknown bounds, defers on an unknown dimension, ignores other services", async () => {
      const unknownBounds = await runResourcePolicy(
        endpointMaxCapacity,
        scheduled({ maxCapacity: unknown.number }),
      );
      assert.match(
        messages(unknownBounds)[0],
        /maxCapacity is unknown during preview, and this policy fails closed/,
      );
      const unknownDimension = await runResourcePolicy(
        endpointMaxCapacity,
        scheduled({ maxCapacity: 40 }, { scalableDimension: unknown.string }),
      );
      assert.ok(unknownDimension.deferred);
      const ecs = scheduled(
        { maxCapacity: 40 },
        { serviceNamespace: "ecs", scalableDimension: "ecs:service:DesiredCount" },
      );
      assert.deepEqual(await runResourcePolicy(endpointMaxCapacity, ecs), { violations: [] });
    });
  });
});
