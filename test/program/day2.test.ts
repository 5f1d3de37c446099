/**
 * Day-2 sequences: the program deployed with one configuration (A), then run with the next (B), under the mock
 * runtime; test/program/support/day2-plan.ts says what the engine would then do (replacements, their order, and which
 * inputs of dependents change).
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { wildcardMatches } from "@ml-platform/aws-facts/iam-document";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";
import type { CapturedResource, CapturedStack } from "../../tools/lib/resource-graph";
import { DEFAULT_FIXTURES_PATH } from "../../tools/lib/data-source-fixtures";
import { runProgram } from "../../tools/lib/program-runner";
import { planUpdate, type Plan } from "./support/day2-plan";
import { TYPES as T } from "../support/type-tokens";
import { ensureLambdaBundle } from "./support/bundle";
import { mutatedConfig, type ConfigObjects } from "./support/config";

async function deploy(
  stack: string,
  mutate: (c: ConfigObjects) => void = () => undefined,
): Promise<CapturedStack> {
  const result = await runProgram({ stack, config: mutatedConfig(mutate, stack) });
  assert.ok(result.ok, result.ok ? "" : `${result.kind}: ${result.message}`);
  return result.stack;
}

function one(stack: CapturedStack, type: string, name?: string): CapturedResource {
  const found = stack.resources.filter((r) => r.type === type && (name === undefined || r.name === name));
  assert.equal(found.length, 1, `expected one ${type}${name ? ` ${name}` : ""}, found ${found.length}`);
  return found[0]!;
}

/** `<kind> <type>` for every step, sorted: what changes, at a glance. */
function summary(plan: Plan): string[] {
  return plan.steps.map((s) => `${s.kind} ${s.type}`).sort();
}

function position(plan: Plan, operation: string, urn: string): number {
  const at = plan.order.indexOf(`${operation} ${urn}`);
  assert.ok(at >= 0, `${operation} ${urn} is not in the plan:\n${plan.order.join("\n")}`);
  return at;
}

function invokeResources(stack: CapturedStack): string[] {
  const policy = one(stack, T.rolePolicy, `${stack.project}-${stack.stack}-inference-policy`);
  const doc = JSON.parse(policy.inputs.policy as string) as {
    Statement: { Sid: string; Resource: string[] }[];
  };
  return doc.Statement.find((s) => s.Sid === "InvokeOneEndpoint")!.Resource;
}

describe("day-2 sequences (deploy A, then B)", function () {
  this.timeout(240_000);
  let prod: CapturedStack;
  let dev: CapturedStack;
  before(async () => {
    ensureLambdaBundle();
    [prod, dev] = await Promise.all([deploy("prod"), deploy("dev")]);
  });

  describe("endpoint instance-type change (prod)", () => {
    let next: CapturedStack;
    let plan: Plan;
    before(async () => {
      next = await deploy("prod", (c) => (c.endpoint.instanceType = "ml.c5.2xlarge"));
      plan = planUpdate(prod, next);
    });

    it("replaces the endpoint create-before-delete, with its configuration, target and scaling policy", () => {
      const endpoint = plan.step(one(next, T.endpoint).urn)!;
      assert.equal(endpoint.kind, "replace");
      assert.equal(endpoint.deleteBeforeReplace, false);
      assert.ok(endpoint.changedInputs.includes("name"));
      assert.deepEqual(
        summary(plan),
        [
          `replace ${T.endpointConfig}`,
          `replace ${T.endpoint}`,
          `replace ${T.scalingPolicy}`,
          `replace ${T.target}`,
          `update ${T.alias}`,
          `update ${T.alarm}`,
          `update ${T.fn}`,
        ].sort(),
      );
      assert.deepEqual(plan.step(one(next, T.target).urn)!.changedInputs, ["resourceId"]);
      assert.deepEqual(plan.step(one(next, T.fn).urn)!.changedInputs, [
        "environment.variables.ENDPOINT_NAME",
      ]);
      assert.deepEqual(plan.step(one(next, T.alias).urn)!.changedInputs, ["functionVersion"]);
    });

    it("moves the function to the new endpoint before the old one is deleted", () => {
      const endpointUrn = one(next, T.endpoint).urn;
      const created = position(plan, "create-replacement", endpointUrn);
      const fnUpdated = position(plan, "update", one(next, T.fn).urn);
      const aliasMoved = position(plan, "update", one(next, T.alias).urn);
      const deleted = position(plan, "delete-replaced", endpointUrn);
      assert.ok(created < fnUpdated && fnUpdated < aliasMoved && aliasMoved < deleted, plan.order.join("\n"));
    });

    it("leaves the function's policy alone: old and new endpoints are both invokable while both exist", () => {
      assert.equal(plan.step(one(next, T.rolePolicy, "ml-platform-prod-inference-policy").urn), undefined);
      const grant = invokeResources(next);
      assert.deepEqual(grant, invokeResources(prod));
      for (const arn of [one(prod, T.endpoint).outputs.arn, one(next, T.endpoint).outputs.arn]) {
        assert.ok(
          grant.some((pattern) => wildcardMatches(pattern, String(arn))),
          `${String(arn)} is not invokable`,
        );
      }
      assert.notEqual(one(prod, T.endpoint).outputs.arn, one(next, T.endpoint).outputs.arn);
    });

    it("needs no protected resource deleted or replaced", () => {
      assert.deepEqual(
        plan.steps.filter((s) => s.blockedByProtect),
        [],
      );
    });
  });

  it("moving prod to a type with local NVMe storage keeps the protected endpoint key", async () => {
    const next = await deploy("prod", (c) =>
      Object.assign(c.endpoint, { instanceType: "ml.g5.xlarge", imageTag: "2.6.0-gpu-py312" }),
    );
    const plan = planUpdate(prod, next);
    assert.deepEqual(plan.ofKind("delete"), []);
    assert.deepEqual(
      plan.steps.filter((s) => s.blockedByProtect || s.type === T.key),
      [],
    );
    const config = plan.step(one(next, T.endpointConfig).urn)!;
    assert.equal(config.kind, "replace");
    assert.ok(config.changedInputs.includes("kmsKeyArn"));
    assert.equal(one(next, T.endpointConfig).inputs.kmsKeyArn, undefined);
  });

  describe("model artifact change (prod)", () => {
    let next: CapturedStack;
    let plan: Plan;
    before(async () => {
      next = await deploy("prod", (c) => (c.endpoint.modelDataUrl = "models/dog-breeds/v2/model.tar.gz"));
      plan = planUpdate(prod, next);
    });

    it("creates a new model and configuration (its variant names the new model) and updates the endpoint in place", () => {
      assert.deepEqual(
        summary(plan),
        [
          `replace ${T.endpointConfig}`,
          `replace ${T.model}`,
          `update ${T.endpoint}`,
          `update ${T.rolePolicy}`,
        ].sort(),
      );
      assert.deepEqual(plan.step(one(next, T.endpoint).urn)!.changedInputs, ["endpointConfigName"]);
      assert.ok(plan.step(one(next, T.endpointConfig).urn)!.changedInputs.includes("productionVariants"));
    });

    it("lets the role read the new artifact before the model is created, and keeps the old model and configuration", () => {
      const rolePolicy = one(next, T.rolePolicy, "ml-platform-prod-endpoint-model-policy").urn;
      const model = one(next, T.model).urn;
      assert.ok(position(plan, "update", rolePolicy) < position(plan, "create-replacement", model));
      // Retained: after an auto-rollback the endpoint runs the old configuration again.
      assert.equal(plan.step(model)!.retained, true);
      assert.equal(plan.step(one(next, T.endpointConfig).urn)!.retained, true);
    });

    it("tells the preview the fleet restarts from initialInstanceCount", () => {
      const component = one(next, T.endpointComponent);
      // Pulumi.prod.yaml's endpoint.initialInstanceCount, not the autoscaled count the fleet may have reached.
      assert.equal(component.outputs.rolloutInstanceCount, prodInitialInstanceCount());
    });
  });

  it("blue/green on→off (prod) replaces the endpoint under a new name and drops the alarm and its grant", async () => {
    const next = await deploy("prod", (c) => delete c.endpoint.blueGreen);
    const plan = planUpdate(prod, next);
    const endpoint = plan.step(one(next, T.endpoint).urn)!;
    assert.equal(endpoint.kind, "replace");
    assert.equal(endpoint.deleteBeforeReplace, false);
    assert.ok(
      endpoint.changedInputs.includes("name"),
      "the new endpoint must not collide with the live name",
    );
    assert.deepEqual(
      plan.ofKind("delete").map((s) => s.type),
      [T.alarm],
    );
    const modelPolicy = plan.step(one(next, T.rolePolicy, "ml-platform-prod-endpoint-model-policy").urn)!;
    assert.deepEqual([modelPolicy.kind, modelPolicy.changedInputs], ["update", ["policy"]]);
    assert.doesNotMatch(
      String(one(next, T.rolePolicy, "ml-platform-prod-endpoint-model-policy").inputs.policy),
      /DescribeAlarms/,
    );
    assert.equal(plan.step(one(next, T.target).urn)!.kind, "replace");
    assert.deepEqual(
      plan.steps.filter((s) => s.blockedByProtect),
      [],
    );
  });

  it("a provisioned concurrency change (prod) updates only the provisioned concurrency config", async () => {
    const next = await deploy("prod", (c) => (c.inference.provisionedConcurrency = 5));
    const plan = planUpdate(prod, next);
    assert.deepEqual(
      plan.steps.map((s) => [s.kind, s.type, s.changedInputs]),
      [["update", T.pc, ["provisionedConcurrentExecutions"]]],
    );
  });

  it("a Spot host's type change (dev) replaces the host create-before-delete, and nothing else", async () => {
    const next = await deploy("dev", (c) => (c.trainingHost.instanceType = "m5.2xlarge"));
    const plan = planUpdate(dev, next);
    assert.deepEqual(
      plan.steps.map((s) => [s.kind, s.type, s.changedInputs, s.deleteBeforeReplace]),
      [["replace", T.instance, ["instanceType"], false]],
    );
    // One-time Spot: no request outlives the replaced host.
    const market = one(next, T.instance).inputs.instanceMarketOptions as {
      spotOptions: Record<string, string>;
    };
    assert.equal(market.spotOptions.spotInstanceType, "one-time");
    // On-demand (prod) the same change is an in-place stop/modify/start.
    const resized = await deploy("prod", (c) => (c.trainingHost.instanceType = "g5.2xlarge"));
    assert.deepEqual(
      planUpdate(prod, resized).steps.map((s) => [s.kind, s.type]),
      [["update", T.instance]],
    );
  });

  describe("the first deploy of a new stack, given the model archive", () => {
    let directory: string;
    let archive: string;
    before(() => {
      directory = mkdtempSync(join(tmpdir(), "model-archive-"));
      archive = join(directory, "model.tar.gz");
      writeFileSync(archive, "not really a tarball, but bytes to upload");
    });
    after(() => rmSync(directory, { recursive: true, force: true }));

    it("uploads it to the model's key in the project bucket before the model is created", async () => {
      const stack = await deploy("dev", (c) => (c.endpoint.modelArchive = archive));
      const object = one(stack, AWS_TYPES.s3BucketObjectv2);
      assert.equal(object.inputs.bucket, one(stack, T.bucket).outputs.id);
      assert.equal(object.inputs.key, "models/dog-breeds/v1/model.tar.gz");
      const model = one(stack, T.model);
      assert.ok(
        model.propertyDependencies.primaryContainer!.includes(object.urn),
        "the model must wait for the upload",
      );
      const container = model.inputs.primaryContainer as {
        modelDataUrl: string;
        environment: Record<string, string>;
      };
      assert.equal(
        container.modelDataUrl,
        `s3://${String(one(stack, T.bucket).outputs.id)}/models/dog-breeds/v1/model.tar.gz`,
      );
      // A changed archive changes the model (a replacement), so it rolls out.
      assert.equal(
        container.environment.MODEL_ARCHIVE_SHA256,
        createHash("sha256").update(readFileSync(archive)).digest("hex"),
      );
    });

    it("rejects a missing archive in the config, before anything is registered", async () => {
      const result = await runProgram({
        stack: "dev",
        config: mutatedConfig((c) => (c.endpoint.modelArchive = join(directory, "missing.tar.gz")), "dev"),
      });
      assert.equal(result.ok, false);
      assert.match(
        result.ok ? "" : result.message,
        /ml-platform:endpoint\.modelArchive: .*missing\.tar\.gz does not exist/,
      );
    });
  });

  describe("an account without a default VPC", () => {
    let directory: string;
    let fixturesPath: string;
    before(() => {
      directory = mkdtempSync(join(tmpdir(), "no-default-vpc-"));
      fixturesPath = join(directory, "fixtures.yaml");
      const text = readFileSync(DEFAULT_FIXTURES_PATH, "utf8");
      assert.match(text, /^defaultVpcId: vpc-/m);
      writeFileSync(fixturesPath, text.replace(/^defaultVpcId: .*$/m, "defaultVpcId: null"));
    });
    after(() => rmSync(directory, { recursive: true, force: true }));

    it("fails the preview (before anything is created) naming the config keys to set", async () => {
      const result = await runProgram({ stack: "dev", fixturesPath });
      assert.equal(result.ok, false);
      assert.match(
        result.ok ? "" : result.message,
        /no default VPC .*set ml-platform:trainingHost\.subnetId and ml-platform:trainingHost\.vpcId/,
      );
      assert.equal(
        result.ok ? [] : result.resources.filter((r) => r.type === T.instance || r.type === T.sg).length,
        0,
      );
    });

    it("is no problem for a stack that names its subnet and VPC", async () => {
      const result = await runProgram({ stack: "prod", fixturesPath });
      assert.ok(result.ok, result.ok ? "" : result.message);
    });
  });
});

/** Prod's configured `endpoint.initialInstanceCount`, read from Pulumi.prod.yaml. */
function prodInitialInstanceCount(): number {
  let count = Number.NaN;
  mutatedConfig((c) => {
    count = c.endpoint.initialInstanceCount as number;
  }, "prod");
  return count;
}
