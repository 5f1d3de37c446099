/**
 * The must-have rules (IAM, autoscaling, instance sizes) through the compiled pack, started as the CLI starts it
 * and driven over gRPC (tools/analyzer/): the IAM corpus, object documents marshalled as protobuf
 * Structs, unknowns as the engine's sentinels, stack rules over outputs and property dependencies, and the
 * per-stack levels and thresholds of policy/config/*.json.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { ENGINE_UNKNOWN_SENTINEL, type PolicyViolation } from "../../tools/analyzer";
import { captured, POLICY_DIR, usePolicyPack } from "./support/e2e";
import { LEGITIMATE, SNEAK_ATTEMPTS } from "./support/iam-corpus";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const IAM = ["iam-no-full-access", "iam-no-wildcard-permissions"];
const mine = (violations: readonly PolicyViolation[], names: readonly string[]) =>
  violations.filter((v) => names.includes(v.policyName));

describe("must-have rules end to end (CLI runner + gRPC)", function () {
  this.timeout(180_000);
  const pack = usePolicyPack({ project: "ml-platform", stack: "dev" });

  it("catches every IAM sneak attempt and passes every legitimate document", async () => {
    await pack().configure(join(POLICY_DIR, "config", "prod.json"));
    const missed: string[] = [];
    for (const [description, resource] of SNEAK_ATTEMPTS) {
      const result = await pack().analyze(captured(resource.type, "subject", resource.props));
      const found = mine(result.violations, IAM);
      if (found.length === 0 || found.some((v) => v.skippedOnUnknown || v.enforcementLevel !== "mandatory")) {
        missed.push(description);
      }
    }
    assert.deepEqual(missed, [], "sneak attempts not blocked over gRPC");

    const flagged: string[] = [];
    for (const [description, resource] of LEGITIMATE) {
      const result = await pack().analyze(captured(resource.type, "subject", resource.props));
      if (mine(result.violations, IAM).length > 0) flagged.push(description);
    }
    assert.deepEqual(flagged, [], "legitimate documents flagged over gRPC");
  });

  it("defers an unknown policy ARN as advisory, but fails closed on an unknown instance type", async () => {
    await pack().configure(join(POLICY_DIR, "config", "prod.json"));
    const attachment = captured(AWS_TYPES.iamRolePolicyAttachment, "attach", {
      role: "exec",
      policyArn: ENGINE_UNKNOWN_SENTINEL,
    });
    const [deferred] = mine((await pack().analyze(attachment)).violations, IAM);
    assert.equal(deferred.policyName, "iam-no-full-access");
    assert.equal(deferred.skippedOnUnknown, true);
    assert.equal(
      deferred.enforcementLevel,
      "advisory",
      "the runtime never blocks a preview on a deferred unknown",
    );

    const notebook = captured(AWS_TYPES.sagemakerNotebookInstance, "explore", {
      instanceType: ENGINE_UNKNOWN_SENTINEL,
      roleArn: "arn:aws:iam::123456789012:role/nb",
    });
    const [closed] = mine((await pack().analyze(notebook)).violations, ["instance-size-notebook"]);
    assert.equal(closed.skippedOnUnknown, false);
    assert.equal(closed.enforcementLevel, "mandatory");
    assert.match(closed.message, /instanceType is unknown during preview, and this policy fails closed/);
  });

  it("applies per-stack thresholds: a 2xlarge endpoint passes prod and fails dev", async () => {
    const config = captured(AWS_TYPES.sagemakerEndpointConfiguration, "dogs", {
      productionVariants: [
        {
          variantName: "AllTraffic",
          modelName: "dogs",
          instanceType: "ml.c5.2xlarge",
          initialInstanceCount: 1,
        },
      ],
    });
    await pack().configure(join(POLICY_DIR, "config", "prod.json"));
    assert.deepEqual(mine((await pack().analyze(config)).violations, ["instance-size-endpoint"]), []);
    await pack().configure(join(POLICY_DIR, "config", "dev.json"));
    const [dev] = mine((await pack().analyze(config)).violations, ["instance-size-endpoint"]);
    assert.match(dev.message, /size 2xlarge exceeds the maximum xlarge/);
    assert.equal(dev.enforcementLevel, "mandatory");
  });

  it("checks scale-in cooldowns and reports a SageMaker target without a policy via AnalyzeStack", async () => {
    await pack().configure(join(POLICY_DIR, "config", "prod.json"));
    const resourceId = "endpoint/dogs/variant/AllTraffic";
    const dimension = "sagemaker:variant:DesiredInstanceCount";
    const target = captured(AWS_TYPES.appautoscalingTarget, "dogs-target", {
      serviceNamespace: "sagemaker",
      scalableDimension: dimension,
      resourceId,
      minCapacity: 1,
      maxCapacity: 2,
    });
    const policy = captured(
      AWS_TYPES.appautoscalingPolicy,
      "dogs-scaling",
      {
        policyType: "TargetTrackingScaling",
        serviceNamespace: "sagemaker",
        scalableDimension: dimension,
        resourceId: ENGINE_UNKNOWN_SENTINEL,
        targetTrackingScalingPolicyConfiguration: { targetValue: 150, scaleInCooldown: 60 },
      },
      { propertyDependencies: { resourceId: [target.urn] }, dependencies: [target.urn] },
    );
    const [cooldown] = mine((await pack().analyze(policy)).violations, ["autoscaling-scale-in-cooldown"]);
    assert.match(cooldown.message, /scaleInCooldown is 60 seconds, below the minimum of 300/);

    const covered = await pack().analyzeStack([target, policy]);
    assert.deepEqual(mine(covered.violations, ["autoscaling-sagemaker-target-has-policy"]), []);
    const alone = await pack().analyzeStack([target]);
    const [missing] = mine(alone.violations, ["autoscaling-sagemaker-target-has-policy"]);
    assert.equal(missing.urn, target.urn);
    assert.equal(missing.enforcementLevel, "mandatory");
  });
});
