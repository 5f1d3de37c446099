/**
 * Both real stacks under the mock runtime: the endpoint, its autoscaling and deployment, a change of its instance
 * type across the whole program, and the inference function in front of it.
 */
import { strict as assert } from "node:assert";
import { runProgram } from "../../tools/lib/program-runner";
import { assertCanaryWithRollback, assertEndpointReplacedForNewShape } from "../support/captured-assertions";
import { TYPES as T } from "../support/type-tokens";
import { mutatedConfig } from "./support/config";
import { Graph, realStacks } from "./support/real-stacks";

describe("the program with the real stack files", function () {
  this.timeout(240_000);
  let dev: Graph;
  let prod: Graph;
  before(async () => {
    ({ dev, prod } = await realStacks());
  });

  describe("endpoint and autoscaling", () => {
    it("leaves the endpoint configuration (and model) unnamed, with variant AllTraffic and a KMS key", () => {
      for (const graph of [dev, prod]) {
        const config = graph.one(T.endpointConfig);
        assert.equal(config.inputs.name, undefined);
        assert.equal(config.inputs.namePrefix, undefined);
        assert.equal(graph.one(T.model).inputs.name, undefined);
        const [variant] = config.inputs.productionVariants as Record<string, unknown>[];
        assert.equal(variant!.variantName, "AllTraffic");
        assert.equal(variant!.modelName, graph.one(T.model).outputs.name);
        assert.equal(
          config.inputs.kmsKeyArn,
          graph.one(T.key, `ml-platform-${graph.stack.stack}-endpoint-key`).outputs.arn,
        );
      }
      assert.equal(
        (dev.one(T.endpointConfig).inputs.productionVariants as { instanceType: string }[])[0]!.instanceType,
        "ml.m5.large",
      );
    });

    it("wires target and policy: resourceId, dimension, TargetTrackingScaling, metric, cooldowns, target value", () => {
      const expectations = {
        dev: { min: 1, max: 2, target: 150, scaleIn: 300, scaleOut: 60 },
        prod: { min: 3, max: 6, target: 240, scaleIn: 600, scaleOut: 60 },
      };
      for (const graph of [dev, prod]) {
        const e = expectations[graph.stack.stack as "dev" | "prod"];
        const endpoint = graph.one(T.endpoint);
        const target = graph.one(T.target);
        const policy = graph.one(T.scalingPolicy);
        assert.equal(target.inputs.resourceId, `endpoint/${endpoint.outputs.name}/variant/AllTraffic`);
        assert.equal(target.inputs.scalableDimension, "sagemaker:variant:DesiredInstanceCount");
        assert.equal(target.inputs.serviceNamespace, "sagemaker");
        assert.deepEqual([target.inputs.minCapacity, target.inputs.maxCapacity], [e.min, e.max]);
        assert.equal(target.inputs.roleArn, undefined);
        assert.equal(policy.inputs.policyType, "TargetTrackingScaling");
        assert.equal(policy.inputs.resourceId, target.inputs.resourceId);
        for (const p of ["resourceId", "scalableDimension", "serviceNamespace"]) {
          assert.deepEqual(policy.propertyDependencies[p], [target.urn]);
        }
        assert.deepEqual(policy.inputs.targetTrackingScalingPolicyConfiguration, {
          targetValue: e.target,
          predefinedMetricSpecification: { predefinedMetricType: "SageMakerVariantInvocationsPerInstance" },
          scaleInCooldown: e.scaleIn,
          scaleOutCooldown: e.scaleOut,
          disableScaleIn: false,
        });
      }
    });

    it("names the endpoint from its variant shape and gives the Endpoint child custom timeouts", () => {
      for (const graph of [dev, prod]) {
        const endpoint = graph.one(T.endpoint);
        assert.match(
          String(endpoint.inputs.name),
          new RegExp(`^ml-platform-${graph.stack.stack}-endpoint-[0-9a-f]{8}$`),
        );
        assert.equal(endpoint.options.deleteBeforeReplace, false);
        assert.deepEqual(endpoint.options.customTimeouts, { create: "60m", update: "90m", delete: "30m" });
      }
    });

    it("prod deploys blue/green and rolls back on the variant's 5xx alarm; dev uses the default update", () => {
      // Pulumi.prod.yaml: CANARY 50 %, 600 s between steps, the old fleet kept 300 s.
      assertCanaryWithRollback(prod.one(T.endpoint), prod.one(T.alarm), {
        canaryPercent: 50,
        waitIntervalSeconds: 600,
        terminationWaitSeconds: 300,
      });
      assert.equal(dev.one(T.endpoint).inputs.deploymentConfig, undefined);
    });
  });

  describe("changing the endpoint's instance type, program-wide", () => {
    let resized: Graph;
    before(async () => {
      const result = await runProgram({
        stack: "dev",
        config: mutatedConfig((c) => (c.endpoint.instanceType = "ml.c5.large")),
      });
      assert.ok(result.ok, result.ok ? "" : result.message);
      resized = new Graph(result.stack);
    });

    it("replaces the endpoint under a new name and moves the target and the function to it, not its policy", () => {
      const after = resized.one(T.endpoint);
      assertEndpointReplacedForNewShape(dev.one(T.endpoint), after, resized.one(T.target));
      const env = (resized.one(T.fn).inputs.environment as { variables: Record<string, string> }).variables;
      assert.equal(env.ENDPOINT_NAME, after.inputs.name);
      const invoke = resized.statement(
        resized.one(T.rolePolicy, "ml-platform-dev-inference-policy"),
        "InvokeOneEndpoint",
      );
      const before = dev.statement(
        dev.one(T.rolePolicy, "ml-platform-dev-inference-policy"),
        "InvokeOneEndpoint",
      );
      assert.deepEqual(invoke.Resource, before.Resource);
    });

    it("leaves everything else where it was", () => {
      const names = (g: Graph) => g.stack.resources.map((r) => r.urn).sort();
      assert.deepEqual(names(resized), names(dev));
      assert.equal(resized.one(T.notebook).inputs.instanceType, dev.one(T.notebook).inputs.instanceType);
    });
  });

  describe("inference function", () => {
    it("puts provisioned concurrency on the alias, which points at the published version", () => {
      for (const graph of [dev, prod]) {
        const fn = graph.one(T.fn);
        const alias = graph.one(T.alias);
        const pc = graph.one(T.pc);
        assert.equal(fn.inputs.publish, true);
        assert.equal(fn.inputs.runtime, "nodejs22.x");
        assert.equal(alias.inputs.functionVersion, fn.outputs.version);
        assert.equal(pc.inputs.qualifier, alias.outputs.name);
        assert.notEqual(pc.inputs.qualifier, "$LATEST");
        assert.deepEqual(pc.propertyDependencies.qualifier, [alias.urn]);
        const reserved = fn.inputs.reservedConcurrentExecutions as number | undefined;
        if (reserved !== undefined)
          assert.ok((pc.inputs.provisionedConcurrentExecutions as number) <= reserved);
        assert.ok(
          fn.dependencies.includes(
            graph.one(T.rolePolicy, `ml-platform-${graph.stack.stack}-inference-policy`).urn,
          ),
        );
        const env = (fn.inputs.environment as { variables: Record<string, string> }).variables;
        assert.equal(env.ENDPOINT_NAME, graph.one(T.endpoint).outputs.name);
        assert.equal(env.ALLOWED_IMAGE_HOSTS, "images.dog.ceo,upload.wikimedia.org");
        assert.equal(graph.one(T.logGroup).inputs.name, `/aws/lambda/${fn.inputs.name}`);
      }
      assert.deepEqual(
        [
          prod.one(T.pc).inputs.provisionedConcurrentExecutions,
          prod.one(T.fn).inputs.reservedConcurrentExecutions,
        ],
        [3, 50],
      );
      // Dev deploys into a fresh account, whose concurrency quota may be too low for any reservation.
      assert.equal(dev.one(T.fn).inputs.reservedConcurrentExecutions, undefined);
      assert.equal(dev.one(T.pc).inputs.provisionedConcurrentExecutions, 1);
    });
  });
});
