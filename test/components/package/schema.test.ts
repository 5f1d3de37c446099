// The components package as the Pulumi CLI sees it: started with run-plugin, GetPluginInfo and GetSchema over gRPC.
// The expected schema is written out from the args' TypeScript types by the inference rules of
// @pulumi/pulumi/provider/experimental: `pulumi.Input<T>` is an input other languages may pass an Output to, any
// other type is `plain` (the component must know it while constructing); `?` makes it optional; an `as const`
// object with its own type is a named enum; class fields are outputs, child resources being references into the aws
// package's schema.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { withReference, type PackageSchema } from "../../../tools/provider-client/package-readme";
import { formatSchema, README_PATH, SCHEMA_PATH } from "../../../tools/provider-client/write-schema";
import { startPluginUnderTest, type PluginUnderTest } from "../support/component-plugin";

type SchemaProperty = {
  type?: string;
  $ref?: string;
  items?: SchemaProperty;
  additionalProperties?: SchemaProperty;
  plain?: boolean;
};
type SchemaResource = {
  isComponent: boolean;
  inputProperties: Record<string, SchemaProperty>;
  requiredInputs: string[];
  properties: Record<string, SchemaProperty>;
  required?: string[];
};
type Schema = {
  name: string;
  namespace: string;
  version: string;
  dependencies: { name: string; version: string }[];
  resources: Record<string, SchemaResource>;
  types: Record<
    string,
    { type: string; enum?: { name: string; value: string }[]; properties?: Record<string, SchemaProperty> }
  >;
};

const ROOT = join(__dirname, "..", "..", "..");
const AWS_VERSION: string = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")).packages[
  "node_modules/@pulumi/aws"
].version;
const COMPONENTS_VERSION: string = JSON.parse(
  readFileSync(join(ROOT, "components", "package.json"), "utf8"),
).version;

/** `string`, `number[]`, `map<string>`, `TrafficRouting` (a type), `aws:s3/bucket:Bucket` (a resource). */
function typeOf(p: SchemaProperty): string {
  if (p.$ref?.startsWith("#/types/components:index:"))
    return p.$ref.slice("#/types/components:index:".length);
  if (p.$ref?.startsWith(`/aws/v${AWS_VERSION}/schema.json#/resources/`)) {
    return decodeURIComponent(p.$ref.split("#/resources/")[1]!);
  }
  if (p.type === "array") return `${typeOf(p.items!)}[]`;
  if (p.type === "object" && p.additionalProperties) return `map<${typeOf(p.additionalProperties)}>`;
  if (p.$ref) throw new Error(`unexpected reference ${p.$ref}`);
  return p.type!;
}

/** One input as `<type> <required|optional> <plain|input>`. */
function describeInput(resource: SchemaResource, name: string): string {
  const p = resource.inputProperties[name]!;
  const required = resource.requiredInputs.includes(name) ? "required" : "optional";
  return `${typeOf(p)} ${required} ${p.plain ? "plain" : "input"}`;
}

const TAGS = "map<string> optional plain";
const EXPECTED_INPUTS: Record<string, Record<string, string>> = {
  ProjectBucket: {
    noncurrentVersionDays: "number optional plain",
    protect: "boolean optional plain",
    forceDestroy: "boolean optional plain",
    accessLogs: "boolean optional plain",
    accessLogRetentionDays: "number optional plain",
    tags: TAGS,
  },
  NotebookInstance: {
    instanceType: "string optional plain",
    volumeSizeGb: "number optional plain",
    idleStopMinutes: "number optional plain",
    subnetId: "string optional input",
    securityGroupIds: "string[] optional plain",
    bucketArn: "string required input",
    namePrefix: "string optional plain",
    kmsKeyArn: "string optional input",
    ecrRepositoryArns: "string[] optional plain",
    prebuiltTrainingRepositories: "string[] optional plain",
    dataPrefix: "string optional plain",
    artifactPrefix: "string optional plain",
    protect: "boolean optional plain",
    platformIdentifier: "NotebookPlatform optional plain",
    tags: TAGS,
  },
  TrainingHost: {
    instanceType: "string required plain",
    amiParameter: "string optional plain",
    rootVolumeGb: "number optional plain",
    spot: "boolean optional plain",
    sshCidrs: "string[] optional plain",
    keyName: "string optional input",
    subnetId: "string optional input",
    vpcId: "string optional input",
    associatePublicIp: "boolean optional plain",
    bucketArn: "string required input",
    dataPrefix: "string optional plain",
    artifactPrefix: "string optional plain",
    rootVolumeKmsKeyArn: "string optional input",
    tags: TAGS,
  },
  ScalableEndpoint: {
    instanceType: "string required plain",
    initialInstanceCount: "number optional plain",
    minCapacity: "number optional plain",
    maxCapacity: "number optional plain",
    targetInvocationsPerInstance: "number optional plain",
    scalingMetric: "ScalingMetric optional plain",
    targetConcurrentRequestsPerModel: "number optional plain",
    scaleInCooldownSeconds: "number optional plain",
    scaleOutCooldownSeconds: "number optional plain",
    autoscaling: "boolean optional plain",
    modelDataUrl: "string required input",
    modelArchive: "string optional plain",
    imageRepository: "string optional plain",
    imageTag: "string optional plain",
    containerEnvironment: "map<string> optional plain",
    enableNetworkIsolation: "boolean optional plain",
    kmsKeyArn: "string optional input",
    protectKey: "boolean optional plain",
    blueGreen: "BlueGreenDeploymentArgs optional plain",
    endpointTimeouts: "CustomTimeouts optional plain",
    endpointNameBase: "string optional plain",
    tags: TAGS,
  },
  InferenceFunction: {
    endpointName: "string required input",
    endpointArn: "string required input",
    allowedImageHosts: "string[] required plain",
    memoryMb: "number optional plain",
    timeoutSeconds: "number optional plain",
    reservedConcurrency: "number optional plain",
    provisionedConcurrency: "number optional plain",
    invokeTimeoutMs: "number optional plain",
    logRetentionDays: "number optional plain",
    encryptLogs: "boolean optional plain",
    protectLogKey: "boolean optional plain",
    architecture: "FunctionArchitecture optional plain",
    functionName: "string optional plain",
    aliasName: "string optional plain",
    codeDirectory: "string optional plain",
    tags: TAGS,
  },
};

/** Outputs: what a consumer wires onwards (names, ARNs) and the main child resources, by type. */
const EXPECTED_OUTPUTS: Record<string, Record<string, string>> = {
  ProjectBucket: {
    bucketName: "string",
    bucketArn: "string",
    bucket: "aws:s3/bucket:Bucket",
    accessLogBucket: "aws:s3/bucket:Bucket",
  },
  NotebookInstance: {
    notebookName: "string",
    url: "string",
    roleArn: "string",
    trainingRoleArn: "string",
    instance: "aws:sagemaker/notebookInstance:NotebookInstance",
  },
  TrainingHost: {
    instanceId: "string",
    privateIp: "string",
    securityGroupId: "string",
    roleArn: "string",
    instance: "aws:ec2/instance:Instance",
  },
  ScalableEndpoint: {
    endpointName: "string",
    endpointArn: "string",
    invokeArnPattern: "string",
    rolloutInstanceCount: "number",
    variantName: "string",
    endpoint: "aws:sagemaker/endpoint:Endpoint",
    endpointConfiguration: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
    scalingTarget: "aws:appautoscaling/target:Target",
    scalingPolicy: "aws:appautoscaling/policy:Policy",
    rollbackAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  },
  InferenceFunction: {
    functionName: "string",
    aliasArn: "string",
    version: "string",
    function: "aws:lambda/function:Function",
    alias: "aws:lambda/alias:Alias",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    logKey: "aws:kms/key:Key",
    provisionedConcurrencyConfig: "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig",
  },
};

describe("components package: GetPluginInfo and GetSchema over gRPC", function () {
  this.timeout(240_000);
  let host: PluginUnderTest;
  let schema: Schema;

  before(async () => {
    host = await startPluginUnderTest();
    schema = (await host.plugin.getSchema()) as unknown as Schema;
  });
  after(async () => host?.close());

  it("reports the package version", async () => {
    assert.deepEqual(await host.plugin.getPluginInfo(), { version: COMPONENTS_VERSION });
  });

  it("names the package after @ml-platform/components: provider `components` in namespace `ml-platform`", () => {
    assert.equal(schema.name, "components");
    assert.equal(schema.namespace, "ml-platform");
    assert.equal(schema.version, COMPONENTS_VERSION);
  });

  it("depends on the aws package at the version in the lockfile", () => {
    assert.deepEqual(schema.dependencies, [{ name: "aws", version: AWS_VERSION }]);
  });

  it("serves exactly the five components, as components:index:<Component>", () => {
    assert.deepEqual(
      Object.keys(schema.resources).sort(),
      Object.keys(EXPECTED_INPUTS)
        .map((c) => `components:index:${c}`)
        .sort(),
    );
    for (const resource of Object.values(schema.resources)) assert.equal(resource.isComponent, true);
  });

  for (const [component, inputs] of Object.entries(EXPECTED_INPUTS)) {
    it(`${component}: every input with its type, required and plain flags`, () => {
      const resource = schema.resources[`components:index:${component}`]!;
      const actual = Object.fromEntries(
        Object.keys(resource.inputProperties).map((n) => [n, describeInput(resource, n)]),
      );
      assert.deepEqual(actual, inputs);
    });
    it(`${component}: outputs, with no private field`, () => {
      const resource = schema.resources[`components:index:${component}`]!;
      const actual = Object.fromEntries(Object.entries(resource.properties).map(([n, p]) => [n, typeOf(p)]));
      assert.deepEqual(actual, EXPECTED_OUTPUTS[component]);
    });
  }

  it("has the enums as named string enums other languages can use", () => {
    const members = (name: string) =>
      schema.types[`components:index:${name}`]!.enum!.map((m) => `${m.name}=${m.value}`);
    assert.deepEqual(members("TrafficRouting"), ["AllAtOnce=ALL_AT_ONCE", "Canary=CANARY", "Linear=LINEAR"]);
    assert.deepEqual(members("FunctionArchitecture"), ["X86_64=x86_64", "Arm64=arm64"]);
    assert.deepEqual(members("NotebookPlatform"), ["Al2V3=notebook-al2-v3", "Al2023V1=notebook-al2023-v1"]);
    assert.deepEqual(members("ScalingMetric"), [
      "InvocationsPerInstance=invocationsPerInstance",
      "ConcurrentRequestsPerModel=concurrentRequestsPerModel",
    ]);
    for (const name of ["TrafficRouting", "FunctionArchitecture", "NotebookPlatform", "ScalingMetric"]) {
      assert.equal(schema.types[`components:index:${name}`]!.type, "string");
    }
  });

  it("describes the blue/green settings as an object type with the routing enum", () => {
    const blueGreen = schema.types["components:index:BlueGreenDeploymentArgs"]!;
    const actual = Object.fromEntries(Object.entries(blueGreen.properties!).map(([n, p]) => [n, typeOf(p)]));
    assert.deepEqual(actual, {
      trafficRouting: "TrafficRouting",
      stepPercent: "number",
      waitIntervalSeconds: "number",
      terminationWaitSeconds: "number",
      rollbackOn5xxErrorsPerMinute: "number",
    });
  });

  it("has a readable description for every component, input, output and type", () => {
    // The inference reads a JSDoc comment with an inline tag ({@link ...}) as "[object Object]".
    const descriptions: string[] = [];
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (value && typeof value === "object") {
        for (const [key, v] of Object.entries(value)) {
          if (key === "description" && typeof v === "string") descriptions.push(v);
          else collect(v);
        }
      }
    };
    collect(schema);
    assert.ok(descriptions.length > 80, `only ${descriptions.length} descriptions`);
    assert.deepEqual(
      descriptions.filter((d) => d.includes("[object Object]")),
      [],
    );
    for (const [token, resource] of Object.entries(schema.resources)) {
      for (const name of Object.keys(resource.inputProperties)) {
        assert.ok(
          (resource.inputProperties[name] as { description?: string }).description,
          `${token}.${name}`,
        );
      }
    }
  });

  it("matches the committed components/schema.json (run `npm run schema:components` after changing an args type)", () => {
    assert.equal(readFileSync(SCHEMA_PATH, "utf8"), formatSchema(schema));
  });

  it("matches the reference in components/README.md, every default stated as its value", () => {
    const readme = readFileSync(README_PATH, "utf8");
    assert.equal(readme, withReference(readme, schema as unknown as PackageSchema));
    assert.doesNotMatch(readme, /_DEFAULTS\./, "a default is cited by name instead of its value");
    assert.match(readme, /\| `minCapacity` \| number \| {2}\| {2}\| Fewest instances .*Default: `1`\. \|/);
  });
});
