import { strict as assert } from "node:assert";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CapturedResource } from "../../../tools/lib/resource-graph";
import { runProgram, type RunProgramResult } from "../../../tools/lib/program-runner";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const SIMPLE = join(__dirname, "..", "..", "fixtures", "programs", "simple");
const MODES = join(__dirname, "..", "..", "fixtures", "programs", "modes");

function ok(result: RunProgramResult) {
  if (!result.ok) assert.fail(`expected success, got ${result.kind}: ${result.message}`);
  return result.stack;
}

function byName(resources: readonly CapturedResource[], name: string): CapturedResource {
  const found = resources.find((r) => r.name === name);
  assert.ok(found, `resource ${name} not captured (have ${resources.map((r) => r.name).join(", ")})`);
  return found;
}

describe("program runner", () => {
  describe("a small program with components, options and data sources", () => {
    let result: RunProgramResult;
    before(async () => {
      result = await runProgram({ stack: "test", projectDir: SIMPLE });
    });

    it("captures the root stack, components and custom resources in registration order", () => {
      const stack = ok(result);
      assert.equal(stack.project, "ml-platform");
      assert.equal(stack.stack, "test");
      const root = stack.resources[0];
      assert.equal(root.type, "pulumi:pulumi:Stack");
      assert.equal(root.urn, "urn:pulumi:test::ml-platform::pulumi:pulumi:Stack::ml-platform-test");
      assert.equal(root.parent, undefined);
      const types = stack.resources.map((r) => r.type).sort();
      assert.deepEqual(types, [
        AWS_TYPES.iamRole,
        AWS_TYPES.lambdaFunction,
        AWS_TYPES.s3Bucket,
        AWS_TYPES.sagemakerEndpointConfiguration,
        "pulumi:pulumi:Stack",
        "test:storage:Storage",
      ]);
    });

    it("builds URNs and parents as the engine does", () => {
      const stack = ok(result);
      const component = byName(stack.resources, "storage");
      assert.equal(component.custom, false);
      assert.equal(component.parent, stack.resources[0].urn);
      assert.equal(component.urn, "urn:pulumi:test::ml-platform::test:storage:Storage::storage");
      const bucket = byName(stack.resources, "storage-bucket");
      assert.equal(bucket.custom, true);
      assert.equal(bucket.parent, component.urn);
      assert.equal(
        bucket.urn,
        "urn:pulumi:test::ml-platform::test:storage:Storage$aws:s3/bucket:Bucket::storage-bucket",
      );
    });

    it("records resource options", () => {
      const stack = ok(result);
      const bucket = byName(stack.resources, "storage-bucket");
      assert.equal(bucket.options.protect, true);
      assert.equal(bucket.options.retainOnDelete, true);
      const fn = byName(stack.resources, "fn");
      assert.equal(fn.options.protect, false);
      assert.equal(fn.options.retainOnDelete, false);
      assert.deepEqual(fn.options.ignoreChanges, ["code"]);
      assert.deepEqual(fn.options.customTimeouts, { create: "5m" });
    });

    it("records dependencies and property dependencies", () => {
      const stack = ok(result);
      const fn = byName(stack.resources, "fn");
      const role = byName(stack.resources, "fn-role");
      const bucket = byName(stack.resources, "storage-bucket");
      assert.deepEqual(fn.propertyDependencies.role, [role.urn]);
      assert.deepEqual(fn.propertyDependencies.environment, [bucket.urn]);
      assert.deepEqual([...fn.dependencies].sort(), [bucket.urn, role.urn].sort());
    });

    it("keeps inputs as the program set them and computes provider outputs", () => {
      const stack = ok(result);
      const role = byName(stack.resources, "fn-role");
      assert.equal(role.inputs.name, undefined, "auto-names are outputs, not inputs");
      assert.match(String(role.outputs.name), /^fn-role-[0-9a-f]{7}$/);
      assert.equal(role.outputs.arn, `arn:aws:iam::123456789012:role/${role.outputs.name}`);

      const fn = byName(stack.resources, "fn");
      assert.equal(fn.inputs.memorySize, 256);
      assert.equal(
        fn.inputs.role,
        role.outputs.arn,
        "an input wired from another resource carries its value",
      );
      assert.deepEqual(fn.inputs.environment, {
        variables: { BUCKET: byName(stack.resources, "storage-bucket").outputs.bucket, GREETING: "hello" },
      });
      assert.equal(fn.outputs.version, "1");
      assert.equal(fn.outputs.arn, `arn:aws:lambda:eu-west-1:123456789012:function:${fn.outputs.name}`);
      assert.equal(fn.outputs.qualifiedArn, `${fn.outputs.arn}:1`);

      const cfg = byName(stack.resources, "cfg");
      assert.equal(cfg.inputs.name, undefined);
      assert.match(
        String(cfg.outputs.arn),
        /^arn:aws:sagemaker:eu-west-1:123456789012:endpoint-config\/cfg-[0-9a-f]{7}$/,
      );

      const bucket = byName(stack.resources, "storage-bucket");
      assert.match(String(bucket.outputs.bucket), /^data[0-9a-f]{26}$/, "bucketPrefix is honoured");
    });

    it("renders getPolicyDocument like the provider", () => {
      const role = byName(ok(result).resources, "fn-role");
      assert.deepEqual(JSON.parse(String(role.inputs.assumeRolePolicy)), {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "lambda.amazonaws.com" } },
        ],
      });
    });

    it("captures the stack outputs, with data sources answered from the fixtures and the stack's region", () => {
      const stack = ok(result);
      assert.equal(stack.outputs.accountId, "123456789012");
      assert.equal(stack.outputs.partitionName, "aws");
      assert.equal(stack.outputs.region, "eu-west-1");
      assert.equal(
        stack.outputs.imagePath,
        "763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-inference:2.6.0-cpu-py312",
      );
      assert.equal(stack.outputs.bucketName, byName(stack.resources, "storage-bucket").outputs.bucket);
      assert.deepEqual(stack.resources[0].outputs, stack.outputs);
      assert.deepEqual(byName(stack.resources, "storage").outputs, { bucketName: stack.outputs.bucketName });
    });

    it("is deterministic: two runs give the same graph", async () => {
      const again = ok(await runProgram({ stack: "test", projectDir: SIMPLE }));
      assert.deepEqual(
        again.resources.map((r) => [r.urn, r.outputs]).sort(),
        ok(result)
          .resources.map((r) => [r.urn, r.outputs])
          .sort(),
      );
    });
  });

  describe("the repository's dev stack (index.ts)", () => {
    let result: RunProgramResult;
    before(async () => {
      result = await runProgram({ stack: "dev" });
    });

    it("runs with Pulumi.dev.yaml and captures a connected graph", () => {
      const stack = ok(result);
      assert.equal(stack.stack, "dev");
      const urns = new Set(stack.resources.map((r) => r.urn));
      for (const r of stack.resources.slice(1)) {
        assert.ok(r.parent && urns.has(r.parent), `${r.urn}: parent ${r.parent} not captured`);
        for (const dep of r.dependencies)
          assert.ok(urns.has(dep), `${r.urn}: dependency ${dep} not captured`);
      }
      const components = stack.resources.filter((r) => !r.custom).map((r) => r.type);
      assert.ok(components.includes("pulumi:pulumi:Stack"));
      assert.ok(components.length >= 5, `components: ${components.join(", ")}`);
    });

    it("answers the program's data sources from the fixtures and the stack's region", () => {
      const stack = ok(result);
      const model = stack.resources.find((r) => r.type === AWS_TYPES.sagemakerModel);
      const image = (model?.inputs.primaryContainer as { image?: string } | undefined)?.image;
      assert.match(
        String(image),
        /^763104351884\.dkr\.ecr\.us-east-1\.amazonaws\.com\/pytorch-inference:2\.6\.0-cpu-py312$/,
      );
      const host = stack.resources.find((r) => r.type === AWS_TYPES.ec2Instance);
      assert.match(String(host?.inputs.ami), /^ami-[0-9a-f]+$/);
    });

    it("wires outputs of one resource into another's inputs, with SageMaker ARNs in lowercase", () => {
      const stack = ok(result);
      const endpoint = stack.resources.find((r) => r.type === AWS_TYPES.sagemakerEndpoint)!;
      const config = stack.resources.find((r) => r.type === AWS_TYPES.sagemakerEndpointConfiguration)!;
      assert.equal(config.inputs.name, undefined, "the endpoint configuration is auto-named");
      assert.equal(endpoint.inputs.endpointConfigName, config.outputs.name);
      assert.equal(stack.outputs.endpointName, endpoint.outputs.name);
      assert.equal(endpoint.outputs.arn, String(endpoint.outputs.arn).toLowerCase());
      const target = stack.resources.find((r) => r.type === AWS_TYPES.appautoscalingTarget)!;
      assert.equal(target.inputs.resourceId, `endpoint/${endpoint.outputs.name}/variant/AllTraffic`);
    });
  });

  describe("failures", () => {
    const run = (mode: string) =>
      runProgram({ stack: "t", projectDir: MODES, config: { mode, "aws:region": "us-east-1" } });
    const results = new Map<string, RunProgramResult>();
    const modes = [
      "ok",
      "throw",
      "missing-config",
      "input-properties",
      "zod",
      "unanswered-invoke",
      "apply-throw",
      "log-error",
    ];
    before(async () => {
      // Two at a time: the machine has two cores.
      for (let i = 0; i < modes.length; i += 2) {
        const batch = modes.slice(i, i + 2);
        const out = await Promise.all(batch.map(run));
        batch.forEach((m, j) => results.set(m, out[j]));
      }
    });
    const failed = (mode: string) => {
      const r = results.get(mode)!;
      if (r.ok) assert.fail(`mode ${mode} should fail`);
      return r;
    };

    it("the control run succeeds", () => {
      const stack = ok(results.get("ok")!);
      assert.equal(stack.outputs.modeRan, "ok");
    });

    it("a program error is kind program with the program's own message and location, not the harness's", () => {
      const r = failed("throw");
      assert.equal(r.kind, "program");
      assert.equal(r.message, "the program broke on purpose");
      // The line of the original TypeScript (source-mapped), not of the transpiled JavaScript.
      const line =
        readFileSync(join(MODES, "index.ts"), "utf8")
          .split("\n")
          .findIndex((l) => l.includes("broke on purpose")) + 1;
      assert.match(r.location ?? "", new RegExp(`modes[/\\\\]index\\.ts:${line}:\\d+`));
      assert.doesNotMatch(r.location ?? "", /program-runner|node_modules/);
    });

    it("includes the resources registered before the failure", () => {
      assert.deepEqual(
        failed("throw").resources.map((r) => r.name),
        ["ml-platform-t", "before-failure"],
      );
    });

    it("a missing required config key is kind config and names the key", () => {
      const r = failed("missing-config");
      assert.equal(r.kind, "config");
      assert.match(r.message, /Missing required configuration variable 'ml-platform:endpoint'/);
    });

    it("an InputPropertiesError is kind config with every property and reason", () => {
      const r = failed("input-properties");
      assert.equal(r.kind, "config");
      assert.equal(
        r.message,
        'invalid arguments for endpoint\n  - instanceType: must start with "ml." (got "m5.large")',
      );
    });

    it("a zod error is kind config with the path and rule", () => {
      const r = failed("zod");
      assert.equal(r.kind, "config");
      assert.match(r.message, /minCapacity: Too small/);
    });

    it("an unanswered data source is a setup error naming the token", () => {
      const r = failed("unanswered-invoke");
      assert.equal(r.kind, "setup");
      assert.match(r.message, /no answer for data source aws:ec2\/getVpc:getVpc/);
    });

    it("an error logged with pulumi.log.error fails the run, as it fails `pulumi up`", () => {
      const r = failed("log-error");
      assert.equal(r.kind, "program");
      assert.equal(r.message, "the training data bucket is not reachable");
    });

    it("an error inside an apply is a program error with its message", () => {
      const r = failed("apply-throw");
      assert.equal(r.kind, "program");
      assert.match(r.message, /failed inside an apply/);
    });
  });

  describe("setup and config files", () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), "runner-"));
      copyFileSync(join(SIMPLE, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
      writeFileSync(join(dir, "Pulumi.broken.yaml"), "config:\n  aws:region: [unclosed\n");
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("an unknown stack is a setup error listing the stacks", async () => {
      const r = await runProgram({ stack: "nope", projectDir: SIMPLE });
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.kind, "setup");
      assert.match(r.message, /unknown stack "nope".*\(stacks: test\)/);
    });

    it("a stack file that is not valid YAML is a config error naming the file", async () => {
      const r = await runProgram({ stack: "broken", projectDir: dir, programPath: join(SIMPLE, "index.ts") });
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.kind, "config");
      assert.match(r.message, /Pulumi\.broken\.yaml is not valid YAML/);
    });

    it("a missing program is a setup error", async () => {
      const r = await runProgram({ stack: "test", projectDir: SIMPLE, programPath: "does-not-exist.ts" });
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.kind, "setup");
      assert.match(r.message, /does-not-exist\.ts not found/);
    });

    it("an invalid fixture file is a setup error naming the field", async () => {
      const fixtures = join(dir, "fixtures.yaml");
      writeFileSync(
        fixtures,
        'callerIdentity: {accountId: "12", arn: a, userId: u}\npartition: aws\ndefaultRegion: us-east-1\n',
      );
      const r = await runProgram({ stack: "test", projectDir: SIMPLE, fixturesPath: fixtures });
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.kind, "setup");
      assert.match(r.message, /callerIdentity\.accountId: must be a 12-digit AWS account id/);
    });

    it("a configFile replaces the stack file", async () => {
      const file = join(dir, "other.yaml");
      writeFileSync(
        file,
        "config:\n  aws:region: ap-southeast-2\n  ml-platform:settings: {bucketPrefix: other, memoryMb: 512}\n  ml-platform:greeting: hi\n",
      );
      const stack = ok(await runProgram({ stack: "test", projectDir: SIMPLE, configFile: file }));
      assert.equal(stack.outputs.region, "ap-southeast-2");
      assert.equal(byName(stack.resources, "fn").inputs.memorySize, 512);
    });
  });
});
