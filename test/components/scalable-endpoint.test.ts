import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { ScalableEndpoint, type ScalableEndpointArgs } from "@ml-platform/components";
import { policyDocument, runWithMocks, type MockRun } from "../support/mock-components";
import {
  assertCanaryWithRollback,
  assertEndpointReplacedForNewShape,
  assertOnlyChildren,
  assertRejected,
} from "../support/captured-assertions";
import { CHILDREN, LEGACY_TYPES, TYPES as T } from "../support/type-tokens";
import { hasInstanceStorage } from "@ml-platform/policy/policies/sagemaker";

const base: ScalableEndpointArgs = {
  instanceType: "ml.m5.large",
  initialInstanceCount: 1,
  minCapacity: 1,
  maxCapacity: 3,
  targetInvocationsPerInstance: 150,
  scaleInCooldownSeconds: 300,
  scaleOutCooldownSeconds: 60,
  modelDataUrl: "s3://project-artifacts/models/dog-breeds/v1/model.tar.gz",
};

function build(
  args: Partial<ScalableEndpointArgs> = {},
  name = "ml-platform-test-endpoint",
): Promise<MockRun> {
  return runWithMocks(() => new ScalableEndpoint(name, { ...base, ...args }));
}

describe("ScalableEndpoint", () => {
  let run: MockRun;
  before(async () => {
    run = await build();
    assert.equal(run.error, undefined, String(run.error));
  });

  it("registers the component and parents every child to it", () => {
    assertOnlyChildren(run, T.endpointComponent, CHILDREN[T.endpointComponent]!);
  });

  it("never names the EndpointConfiguration or the Model, and names the variant AllTraffic", () => {
    const config = run.one(T.endpointConfig);
    assert.equal(config.inputs.name, undefined);
    assert.equal(config.inputs.namePrefix, undefined);
    assert.equal(run.one(T.model).inputs.name, undefined);
    assert.deepEqual(config.inputs.productionVariants, [
      {
        variantName: "AllTraffic",
        modelName: run.one(T.model).outputs.name,
        instanceType: "ml.m5.large",
        initialInstanceCount: 1,
        initialVariantWeight: 1,
      },
    ]);
    assert.equal(config.inputs.kmsKeyArn, run.one(T.key).outputs.arn);
    assert.equal(run.one(T.key).inputs.enableKeyRotation, true);
  });

  it("takes the image from getPrebuiltEcrImage and the artifact from modelDataUrl", () => {
    const model = run.one(T.model);
    assert.deepEqual(model.inputs.primaryContainer, {
      image: "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.6.0-cpu-py312",
      modelDataUrl: base.modelDataUrl,
      environment: {
        SAGEMAKER_PROGRAM: "inference.py",
        SAGEMAKER_SUBMIT_DIRECTORY: "/opt/ml/model/code",
        SAGEMAKER_CONTAINER_LOG_LEVEL: "20",
      },
    });
    assert.equal(model.inputs.enableNetworkIsolation, true);
    assert.equal(model.inputs.executionRoleArn, run.one(T.role).outputs.arn);
  });

  it("makes the Model depend on its role's policy (IAM propagation)", () => {
    assert.ok(run.one(T.model).dependencies.includes(run.one(T.rolePolicy).urn));
  });

  it("scopes the model role to the artifact's prefix and the image's repository", () => {
    const doc = policyDocument(run.one(T.rolePolicy));
    const bySid = Object.fromEntries(doc.Statement.map((s) => [s.Sid, s]));
    assert.deepEqual(bySid.ReadModelArtifact!.Resource, [
      "arn:aws:s3:::project-artifacts/models/dog-breeds/v1/*",
    ]);
    assert.deepEqual(bySid.EcrPull!.Resource, [
      "arn:aws:ecr:us-east-1:763104351884:repository/pytorch-inference",
    ]);
    assert.deepEqual(bySid.EcrPull!.Action, [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
    ]);
    assert.ok(doc.Statement.every((s) => s.Action.every((a) => !a.includes("*"))));
  });

  it("wires the scalable target to the endpoint's name and the policy to the target's outputs", () => {
    const endpoint = run.one(T.endpoint);
    const target = run.one(T.target);
    const policy = run.one(T.scalingPolicy);
    assert.equal(target.inputs.roleArn, undefined, "roleArn must be left to the service-linked role");
    assert.deepEqual(target.inputs, {
      serviceNamespace: "sagemaker",
      resourceId: `endpoint/${endpoint.outputs.name}/variant/AllTraffic`,
      scalableDimension: "sagemaker:variant:DesiredInstanceCount",
      minCapacity: 1,
      maxCapacity: 3,
      tags: { "ml-platform:component": LEGACY_TYPES[T.endpointComponent] },
    });
    assert.deepEqual(target.propertyDependencies.resourceId, [endpoint.urn]);
    assert.deepEqual(policy.inputs, {
      policyType: "TargetTrackingScaling",
      serviceNamespace: "sagemaker",
      resourceId: target.inputs.resourceId,
      scalableDimension: "sagemaker:variant:DesiredInstanceCount",
      targetTrackingScalingPolicyConfiguration: {
        targetValue: 150,
        predefinedMetricSpecification: { predefinedMetricType: "SageMakerVariantInvocationsPerInstance" },
        scaleInCooldown: 300,
        scaleOutCooldown: 60,
        disableScaleIn: false,
      },
    });
    for (const property of ["resourceId", "scalableDimension", "serviceNamespace"]) {
      assert.deepEqual(
        policy.propertyDependencies[property],
        [target.urn],
        `${property} is not the target's output`,
      );
    }
  });

  it("gives the Endpoint child long custom timeouts and never deletes it before replacing", () => {
    const endpoint = run.one(T.endpoint);
    assert.deepEqual(endpoint.options.customTimeouts, { create: "60m", update: "90m", delete: "30m" });
    assert.equal(endpoint.options.deleteBeforeReplace, false);
    assert.equal(endpoint.inputs.endpointConfigName, run.one(T.endpointConfig).outputs.name);
    assert.equal(endpoint.inputs.deploymentConfig, undefined);
  });

  it("passes endpointTimeouts to the Endpoint child", async () => {
    const custom = await build({ endpointTimeouts: { create: "2h", update: "2h" } });
    assert.deepEqual(custom.one(T.endpoint).options.customTimeouts, { create: "2h", update: "2h" });
  });

  describe("changing the instance type of the autoscaled variant", () => {
    it("changes the endpoint's name, so Pulumi replaces it create-before-delete instead of a failing UpdateEndpoint", async () => {
      const bigger = await build({ instanceType: "ml.c5.xlarge" });
      // Same logical resource (URN), different physical name: the provider's name is ForceNew, so this is a
      // replacement; with deleteBeforeReplace false the new endpoint (new, non-colliding name) comes up first. The
      // scalable target follows the new endpoint (its resourceId is ForceNew too), so the old target and policy are
      // deregistered with the old endpoint, never pointing at a variant being changed.
      assertEndpointReplacedForNewShape(run.one(T.endpoint), bigger.one(T.endpoint), bigger.one(T.target));
    });

    it("keeps the name for every other change (model, image, counts, cooldowns), which update in place", async () => {
      const other = await build({
        modelDataUrl: "s3://project-artifacts/models/dog-breeds/v2/model.tar.gz",
        imageTag: "2.5.1-cpu-py311",
        maxCapacity: 4,
        scaleInCooldownSeconds: 600,
      });
      assert.equal(other.one(T.endpoint).inputs.name, run.one(T.endpoint).inputs.name);
    });
  });

  describe("blue/green (prod)", () => {
    let bg: MockRun;
    before(async () => {
      bg = await build({
        initialInstanceCount: 2,
        minCapacity: 2,
        maxCapacity: 6,
        blueGreen: {
          trafficRouting: "CANARY",
          stepPercent: 50,
          waitIntervalSeconds: 600,
          terminationWaitSeconds: 300,
        },
      });
      assert.equal(bg.error, undefined, String(bg.error));
    });

    it("alarms on the variant's Invocation5XXErrors", () => {
      const alarm = bg.one(T.alarm);
      assert.equal(alarm.inputs.statistic, "Sum");
      assert.equal(alarm.inputs.threshold, 1);
      assert.equal(alarm.inputs.comparisonOperator, "GreaterThanOrEqualToThreshold");
      assert.equal(alarm.parent, bg.one(T.endpointComponent).urn);
    });

    it("deploys blue/green with a canary and rolls back on that alarm", () => {
      assertCanaryWithRollback(bg.one(T.endpoint), bg.one(T.alarm), {
        canaryPercent: 50,
        waitIntervalSeconds: 600,
        terminationWaitSeconds: 300,
      });
    });

    it("lets the execution role read exactly that alarm (deployment guardrails need DescribeAlarms)", () => {
      // https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-configuration.html
      const statements = policyDocument(
        bg.one(T.rolePolicy, "ml-platform-test-endpoint-model-policy"),
      ).Statement;
      const read = statements.filter((st) =>
        ([] as string[]).concat(st.Action).includes("cloudwatch:DescribeAlarms"),
      );
      assert.deepEqual(
        read.map((st) => st.Resource),
        [[bg.one(T.alarm).outputs.arn]],
      );
      const plain = policyDocument(run.one(T.rolePolicy, "ml-platform-test-endpoint-model-policy")).Statement;
      assert.equal(
        plain.some((st) => JSON.stringify(st.Action).includes("cloudwatch:DescribeAlarms")),
        false,
      );
    });

    it("names the endpoint for its auto-rollback too: adding or removing it replaces the Endpoint", () => {
      // autoRollbackConfiguration forces a new Endpoint, so blue/green on→off must not reuse the live name.
      const sameShapeWithout = run.one(T.endpoint).inputs.name;
      assert.notEqual(bg.one(T.endpoint).inputs.name, sameShapeWithout);
      assert.match(String(bg.one(T.endpoint).inputs.name), /^ml-platform-test-endpoint-[0-9a-f]{8}$/);
    });
  });

  it("keeps the Model and EndpointConfiguration on delete, so a rolled-back endpoint keeps what it runs", () => {
    // After an auto-rollback the endpoint runs the old configuration again while Pulumi records the new one:
    // hashicorp/terraform-provider-aws#46663 and #48997.
    assert.equal(run.one(T.model).options.retainOnDelete, true);
    assert.equal(run.one(T.endpointConfig).options.retainOnDelete, true);
    assert.equal(run.one(T.endpoint).options.retainOnDelete, false);
  });

  it("exposes the invoke grant's name-prefix ARN and the instance count every rollout restarts from", () => {
    const component = run.one(T.endpointComponent);
    const endpointArn = String(run.one(T.endpoint).outputs.arn);
    assert.equal(component.outputs.invokeArnPattern, endpointArn.replace(/-[0-9a-f]{8}$/, "-*"));
    // UpdateEndpoint resets the variant to the configuration's initialInstanceCount (RetainAllVariantProperties
    // defaults to false): https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UpdateEndpoint.html
    assert.equal(component.outputs.rolloutInstanceCount, base.initialInstanceCount);
  });

  it("passes no KMS key for types with NVMe instance storage but keeps the key, and turns autoscaling off on request", async () => {
    const gpu = await build({ instanceType: "ml.g5.xlarge", autoscaling: false });
    assert.equal(gpu.error, undefined, String(gpu.error));
    assert.equal(gpu.one(T.endpointConfig).inputs.kmsKeyArn, undefined);
    // The key stays whatever the type, so moving to or from such a type never deletes it (it may be protected).
    assert.equal(gpu.one(T.key).urn, run.one(T.key).urn);
    assert.deepEqual(gpu.one(T.key).inputs, run.one(T.key).inputs);
    assert.equal(gpu.ofType(T.target).length + gpu.ofType(T.scalingPolicy).length, 0);
    assert.match(
      String((gpu.one(T.model).inputs.primaryContainer as { image: string }).image),
      /:2\.6\.0-gpu-py312$/,
    );
  });

  it("passes no KMS key for every type AWS lists with instance storage, as the policy pack decides", async () => {
    for (const instanceType of ["ml.p5.48xlarge", "ml.gr6.4xlarge", "ml.dl1.24xlarge"]) {
      const built = await build({ instanceType, autoscaling: false });
      assert.equal(built.error, undefined, String(built.error));
      const config = built.one(T.endpointConfig);
      assert.equal(config.inputs.kmsKeyArn, undefined, instanceType);
      assert.equal(hasInstanceStorage(instanceType, []), true, `the pack disagrees on ${instanceType}`);
    }
  });

  it("protects only its KMS key when asked (the endpoint must stay replaceable)", async () => {
    const guarded = await build({ protectKey: true });
    assert.equal(guarded.one(T.key).options.protect, true);
    assert.deepEqual(
      guarded.resources.filter((r) => r.options.protect).map((r) => r.type),
      [T.key],
    );
    assert.equal(run.one(T.key).options.protect, false);
  });

  it("uses a given KMS key instead of creating one", async () => {
    const keyed = await build({ kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/abc" });
    assert.equal(keyed.ofType(T.key).length, 0);
    assert.equal(keyed.one(T.endpointConfig).inputs.kmsKeyArn, "arn:aws:kms:us-east-1:123456789012:key/abc");
  });

  describe("validation (before any resource, the component included)", () => {
    const cases: [string, Partial<ScalableEndpointArgs>, string, RegExp][] = [
      [
        "min > initial",
        { minCapacity: 2, initialInstanceCount: 1, maxCapacity: 3 },
        "initialInstanceCount",
        /1 ≤ min ≤ initial ≤ max/,
      ],
      [
        "initial > max",
        { initialInstanceCount: 4, maxCapacity: 3 },
        "initialInstanceCount",
        /between minCapacity/,
      ],
      [
        "min > max",
        { minCapacity: 4, initialInstanceCount: 4, maxCapacity: 3 },
        "maxCapacity",
        /≥ minCapacity/,
      ],
      ["min 0", { minCapacity: 0 }, "minCapacity", /integer ≥ 1/],
      ["fractional max", { maxCapacity: 2.5 }, "maxCapacity", /integer/],
      ["burstable with autoscaling", { instanceType: "ml.t3.medium" }, "instanceType", /burstable/],
      ["no ml. prefix", { instanceType: "m5.large" }, "instanceType", /"ml\." prefix/],
      ["unparseable type", { instanceType: "ml.m5" }, "instanceType", /cannot be parsed as an instance type/],
      ["target 0", { targetInvocationsPerInstance: 0 }, "targetInvocationsPerInstance", /> 0/],
      ["negative cooldown", { scaleInCooldownSeconds: -1 }, "scaleInCooldownSeconds", /integer from 0/],
      ["fractional cooldown", { scaleOutCooldownSeconds: 1.5 }, "scaleOutCooldownSeconds", /integer/],
      ["not an S3 URL", { modelDataUrl: "https://example.com/model.tar.gz" }, "modelDataUrl", /s3:\/\//],
      ["not an archive", { modelDataUrl: "s3://bucket/models/model.pth" }, "modelDataUrl", /\.tar\.gz/],
      ["GPU image on CPU", { imageTag: "2.6.0-gpu-py312" }, "imageTag", /no GPU/],
      [
        "KMS on NVMe type",
        { instanceType: "ml.g4dn.xlarge", kmsKeyArn: "arn:aws:kms:us-east-1:1:key/x" },
        "kmsKeyArn",
        /instance storage/,
      ],
      [
        "unknown routing",
        { blueGreen: { trafficRouting: "RANDOM" as never } },
        "blueGreen.trafficRouting",
        /one of ALL_AT_ONCE/,
      ],
      [
        "canary on one instance",
        { blueGreen: { trafficRouting: "CANARY" } },
        "blueGreen.trafficRouting",
        /initialInstanceCount ≥ 2/,
      ],
    ];
    for (const [title, args, property, reason] of cases) {
      it(`rejects ${title} (${property})`, async () => {
        const failed = await build(args);
        assertRejected(failed, property, reason);
      });
    }

    it("rejects a component name too long for the children's SageMaker names", async () => {
      const failed = await build({}, "e".repeat(49));
      assert.match(
        String((failed.error as Error).message),
        /name: "e+" can't prefix SageMaker names: .* at most 48/,
      );
      assert.deepEqual(failed.resources, []);
    });

    it("rejects a component name too long for the model role's auto-name (IAM's 64 characters)", async () => {
      // `<name>-model-role-<7 hex>`: 45 + 18 = 64 fits, 46 doesn't (SageMaker's limit alone would allow 48).
      const failed = await build({}, "e".repeat(46));
      assert.match(
        String((failed.error as Error).message),
        /name: "e+" can't prefix IAM role names: .* at most 45 characters/,
      );
      assert.deepEqual(failed.resources, []);
      const ok = await build({}, "e".repeat(45));
      assert.equal(ok.error, undefined, String(ok.error));
      const role = ok.one(T.role);
      assert.equal(String(role.outputs.name).length, 64, String(role.outputs.name));
    });

    it("reports every violation at once", async () => {
      const failed = await build({ minCapacity: 0, instanceType: "ml.t3.large", scaleInCooldownSeconds: -5 });
      const paths = (failed.error as pulumi.InputPropertiesError).errors.map((e) => e.propertyPath).sort();
      assert.deepEqual(paths, ["instanceType", "minCapacity", "scaleInCooldownSeconds"]);
    });
  });
});
