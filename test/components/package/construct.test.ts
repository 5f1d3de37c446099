// Construct over the provider gRPC protocol, as a Python, Go or YAML program reaches the components: each component
// registers, through the test's resource monitor, exactly the children the TypeScript component registers in-process
// for the same arguments; invalid arguments come back as an InputPropertiesError with every property path.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  InferenceFunction,
  NotebookInstance,
  ProjectBucket,
  ScalableEndpoint,
  TrainingHost,
} from "@ml-platform/components";
import type { CapturedResource } from "../../../tools/lib/resource-graph";
import { ConstructError } from "../../../tools/provider-client/plugin-client";
import { runWithMocks } from "../../support/mock-components";
import { TYPES as T } from "../../support/type-tokens";
import { startPluginUnderTest, type PluginUnderTest } from "../support/component-plugin";

const BUCKET_ARN = "arn:aws:s3:::ml-platform-test-artifacts";
const ENDPOINT_NAME = "ml-platform-test-endpoint-1a2b3c4d";

/** Per component: the arguments (JSON, as another language sends them) and the TypeScript construction. */
const CASES: readonly {
  type: string;
  name: string;
  args: Record<string, unknown>;
  construct(name: string, args: never, opts: pulumi.ComponentResourceOptions): unknown;
}[] = [
  {
    type: T.projectBucket,
    name: "artifacts",
    args: { noncurrentVersionDays: 30, tags: { team: "ml" } },
    construct: (n, a, o) => new ProjectBucket(n, a, o),
  },
  {
    type: T.notebookComponent,
    name: "notebook",
    args: { bucketArn: BUCKET_ARN, idleStopMinutes: 60, platformIdentifier: "notebook-al2023-v1" },
    construct: (n, a, o) => new NotebookInstance(n, a, o),
  },
  {
    type: T.trainingComponent,
    name: "training",
    args: { instanceType: "g5.2xlarge", bucketArn: BUCKET_ARN, spot: true, rootVolumeGb: 200 },
    construct: (n, a, o) => new TrainingHost(n, a, o),
  },
  {
    type: T.endpointComponent,
    name: "endpoint",
    args: {
      instanceType: "ml.m5.large",
      modelDataUrl: "s3://ml-platform-test-artifacts/models/dog-breeds/v1/model.tar.gz",
      initialInstanceCount: 2,
      minCapacity: 2,
      maxCapacity: 4,
      blueGreen: { trafficRouting: "CANARY", stepPercent: 50 },
    },
    construct: (n, a, o) => new ScalableEndpoint(n, a, o),
  },
  {
    type: T.functionComponent,
    name: "inference",
    args: {
      endpointName: ENDPOINT_NAME,
      endpointArn: `arn:aws:sagemaker:us-east-1:123456789012:endpoint/${ENDPOINT_NAME}`,
      allowedImageHosts: ["images.dog.ceo"],
      provisionedConcurrency: 1,
      architecture: "arm64",
    },
    construct: (n, a, o) => new InferenceFunction(n, a, o),
  },
];

/**
 * What identifies a registration and what it would deploy: URN, parent, custom flag, inputs and protect. The stack
 * as parent counts as no parent: the in-process mock runtime registers no stack resource.
 */
function comparable(resources: readonly CapturedResource[], stackUrn: string) {
  return resources
    .map((r) => ({
      urn: r.urn,
      parent: r.parent === stackUrn ? undefined : r.parent,
      custom: r.custom,
      inputs: r.inputs,
      protect: r.options.protect,
    }))
    .sort((a, b) => a.urn.localeCompare(b.urn));
}

describe("components package: Construct over gRPC", function () {
  this.timeout(240_000);
  let host: PluginUnderTest;

  before(async function () {
    assert.ok(
      existsSync(join(__dirname, "..", "..", "..", "dist", "lambda", "index.mjs")),
      "InferenceFunction needs the Lambda bundle: run `npm run build` first",
    );
    host = await startPluginUnderTest();
  });
  after(async () => host?.close());

  for (const c of CASES) {
    it(`${c.type} registers the children the TypeScript component registers`, async () => {
      const { engine, plugin } = host;
      const before = engine.monitor.captured.length;
      const result = await plugin.construct({
        type: c.type,
        name: c.name,
        inputs: c.args,
        monitorAddress: engine.address,
        project: engine.project,
        stack: engine.stack,
        parentUrn: engine.stackUrn,
        config: { "aws:region": engine.region },
      });
      const viaConstruct = engine.monitor.captured.slice(before);
      const inProcess = await runWithMocks(() => c.construct(c.name, structuredClone(c.args) as never, {}), {
        project: engine.project,
        stack: engine.stack,
        region: engine.region,
      });
      assert.equal(inProcess.error, undefined);

      const component = viaConstruct.find((r) => r.type === c.type);
      assert.ok(component, `no ${c.type} registered`);
      assert.equal(result.urn, component.urn);
      assert.equal(component.urn, `urn:pulumi:${engine.stack}::${engine.project}::${c.type}::${c.name}`);
      assert.equal(component.parent, engine.stackUrn);
      assert.ok(viaConstruct.length > 1, "no children registered");
      assert.deepEqual(
        comparable(viaConstruct, engine.stackUrn),
        comparable(inProcess.resources, engine.stackUrn),
      );
    });
  }

  it("returns the component's outputs in the Construct state", async () => {
    const { engine, plugin } = host;
    const result = await plugin.construct({
      type: T.projectBucket,
      name: "outputs",
      inputs: {},
      monitorAddress: engine.address,
      project: engine.project,
      stack: engine.stack,
      parentUrn: engine.stackUrn,
      config: { "aws:region": engine.region },
    });
    const bucket = engine.monitor.captured.find((r) => r.type === T.bucket && r.name === "outputs");
    assert.ok(bucket);
    assert.equal(result.state.bucketName, bucket.outputs.bucket);
    assert.equal(result.state.bucketArn, bucket.outputs.arn);
  });

  it("takes an input that came from another resource's output, and carries the dependency to the children", async () => {
    const { engine, plugin } = host;
    const bucketUrn = `urn:pulumi:${engine.stack}::${engine.project}::aws:s3/bucket:Bucket::upstream-bucket`;
    const before = engine.monitor.captured.length;
    await plugin.construct({
      type: T.endpointComponent,
      name: "wired",
      inputs: { instanceType: "ml.m5.large", modelDataUrl: "s3://upstream-bucket/models/v1/model.tar.gz" },
      inputDependencies: { modelDataUrl: [bucketUrn] },
      monitorAddress: engine.address,
      project: engine.project,
      stack: engine.stack,
      parentUrn: engine.stackUrn,
      config: { "aws:region": engine.region },
    });
    const children = engine.monitor.captured.slice(before);
    const model = children.find((r) => r.type === T.model);
    assert.ok(model, "no model registered");
    assert.equal(
      (model.inputs.primaryContainer as { modelDataUrl?: string } | undefined)?.modelDataUrl,
      "s3://upstream-bucket/models/v1/model.tar.gz",
    );
    assert.ok(model.dependencies.includes(bucketUrn), `the model does not depend on ${bucketUrn}`);
  });

  it("answers invalid arguments with an InputPropertiesError naming every property path", async () => {
    const { engine, plugin } = host;
    const before = engine.monitor.captured.length;
    const attempt = plugin.construct({
      type: T.endpointComponent,
      name: "invalid",
      inputs: {
        instanceType: "ml.t3.large",
        modelDataUrl: "s3://ml-platform-test-artifacts/models/model.zip",
        minCapacity: 3,
        maxCapacity: 2,
        blueGreen: { trafficRouting: "RANDOM" },
      },
      monitorAddress: engine.address,
      project: engine.project,
      stack: engine.stack,
      parentUrn: engine.stackUrn,
      config: { "aws:region": engine.region },
    });
    const err = await attempt.then(
      () => assert.fail("Construct accepted invalid arguments"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ConstructError, String(err));
    assert.deepEqual(err.propertyErrors.map((e) => e.propertyPath).sort(), [
      "blueGreen.trafficRouting",
      "instanceType",
      "maxCapacity",
      "modelDataUrl",
    ]);
    assert.match(err.propertyErrors.find((e) => e.propertyPath === "instanceType")!.reason, /burstable/);
    assert.match(
      err.propertyErrors.find((e) => e.propertyPath === "blueGreen.trafficRouting")!.reason,
      /ALL_AT_ONCE/,
    );
    assert.match(err.message, /components:index:ScalableEndpoint "invalid" has invalid arguments/);
    assert.equal(
      engine.monitor.captured.length,
      before,
      "nothing may be registered before validation passes",
    );
  });
});
