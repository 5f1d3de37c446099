/**
 * Invalid stack configs: each is a mutation of the real dev stack file, run through the program (index.ts) under the
 * mock runtime. Each must be rejected as a config error whose message names the key (`ml-platform:<key>.<field>`)
 * and the rule, before any resource is registered.
 */
import { strict as assert } from "node:assert";
import {
  LAMBDA_FUNCTION_NAME_PATTERN,
  NAME_PREFIX_MAX_LENGTH,
  SAGEMAKER_NAME_PATTERN,
} from "@ml-platform/components/lib/naming";
import { parseStackConfig, StackConfigError } from "../../program/stack-config";
import { runProgram, REPO_ROOT, type RunProgramResult } from "../../tools/lib/program-runner";
import { readProject, readStackFile } from "../../tools/lib/stack-files";
import { ensureLambdaBundle } from "./support/bundle";
import { mutatedConfig, type ConfigObjects, type Json } from "./support/config";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

interface InvalidCase {
  readonly title: string;
  readonly mutate: (c: ConfigObjects) => void;
  /** The key the message must name, and the rule it must state. */
  readonly key: string;
  readonly rule: RegExp;
}

const CASES: InvalidCase[] = [
  {
    title: "minCapacity 0",
    mutate: (c) => (c.endpoint.minCapacity = 0),
    key: "ml-platform:endpoint.minCapacity",
    rule: /integer ≥ 1/,
  },
  {
    title: "minCapacity above initialInstanceCount",
    mutate: (c) => Object.assign(c.endpoint, { minCapacity: 2, initialInstanceCount: 1 }),
    key: "ml-platform:endpoint.initialInstanceCount",
    rule: /1 ≤ min ≤ initial ≤ max/,
  },
  {
    title: "maxCapacity below minCapacity",
    mutate: (c) => Object.assign(c.endpoint, { minCapacity: 3, initialInstanceCount: 3, maxCapacity: 2 }),
    key: "ml-platform:endpoint.maxCapacity",
    rule: /≥ minCapacity/,
  },
  {
    title: "burstable endpoint type with autoscaling",
    mutate: (c) => (c.endpoint.instanceType = "ml.t2.medium"),
    key: "ml-platform:endpoint.instanceType",
    rule: /burstable/,
  },
  {
    title: "endpoint type without ml.",
    mutate: (c) => (c.endpoint.instanceType = "m5.large"),
    key: "ml-platform:endpoint.instanceType",
    rule: /"ml\." prefix/,
  },
  {
    title: "negative scale-in cooldown",
    mutate: (c) => (c.endpoint.scaleInCooldownSeconds = -30),
    key: "ml-platform:endpoint.scaleInCooldownSeconds",
    rule: /integer from 0/,
  },
  {
    title: "missing scale-in cooldown",
    mutate: (c) => delete c.endpoint.scaleInCooldownSeconds,
    key: "ml-platform:endpoint.scaleInCooldownSeconds",
    rule: /is required \(number\)/,
  },
  {
    title: "zero scaling target",
    mutate: (c) => (c.endpoint.targetInvocationsPerInstance = 0),
    key: "ml-platform:endpoint.targetInvocationsPerInstance",
    rule: /> 0/,
  },
  {
    title: "model artifact not a .tar.gz",
    mutate: (c) => (c.endpoint.modelDataUrl = "models/dog-breeds/v1/model.pth"),
    key: "ml-platform:endpoint.modelDataUrl",
    rule: /\.tar\.gz/,
  },
  {
    title: "misspelt setting",
    mutate: (c) => (c.endpoint.minCapcity = 1),
    key: "ml-platform:endpoint.minCapcity",
    rule: /not a known setting/,
  },
  {
    title: "unknown blue/green routing",
    mutate: (c) => (c.endpoint.blueGreen = { trafficRouting: "BLUE" }),
    key: "ml-platform:endpoint.blueGreen.trafficRouting",
    rule: /one of ALL_AT_ONCE, CANARY, LINEAR/,
  },
  {
    title: "provisioned above reserved concurrency",
    mutate: (c) => Object.assign(c.inference, { reservedConcurrency: 2, provisionedConcurrency: 3 }),
    key: "ml-platform:inference.provisionedConcurrency",
    rule: /≤ reservedConcurrency \(2\)/,
  },
  {
    title: "the GPU Deep Learning AMI on dev's CPU training host",
    mutate: (c) =>
      (c.trainingHost.amiParameter =
        "/aws/service/deeplearning/ami/x86_64/oss-nvidia-driver-gpu-pytorch-2.7-amazon-linux-2023/latest/ami-id"),
    key: "ml-platform:trainingHost.amiParameter",
    rule: /GPU Deep Learning AMI, which does not support m5\.xlarge/,
  },
  {
    title: "memory as a string",
    mutate: (c) => (c.inference.memoryMb = "512"),
    key: "ml-platform:inference.memoryMb",
    rule: /must be a number; got string/,
  },
  {
    title: "an IP address as image host",
    mutate: (c) => (c.inference.allowedImageHosts = ["169.254.169.254"]),
    key: "ml-platform:inference.allowedImageHosts[0]",
    rule: /IP address/,
  },
  {
    title: "notebook subnet without security groups",
    mutate: (c) => (c.notebook.subnetId = "subnet-0a3f9c1d7e5b24680"),
    key: "ml-platform:notebook.securityGroupIds",
    rule: /come together/,
  },
  {
    title: "idle stop after 5 minutes",
    mutate: (c) => (c.notebook.idleStopMinutes = 5),
    key: "ml-platform:notebook.idleStopMinutes",
    rule: /10 to 1440/,
  },
  {
    title: "SSH from 0.0.0.0/0",
    mutate: (c) => (c.trainingHost.sshCidrs = ["0.0.0.0/0"]),
    key: "ml-platform:trainingHost.sshCidrs[0]",
    rule: /whole IPv4 internet/,
  },
  {
    title: "SSH from ::/0",
    mutate: (c) => (c.trainingHost.sshCidrs = ["203.0.113.0/24", "::/0"]),
    key: "ml-platform:trainingHost.sshCidrs[1]",
    rule: /whole IPv6 internet/,
  },
  {
    title: "an AMI id instead of an SSM parameter",
    mutate: (c) => (c.trainingHost.amiParameter = "ami-0123456789abcdef0"),
    key: "ml-platform:trainingHost.amiParameter",
    rule: /SSM parameter path/,
  },
  {
    title: "spot as a string",
    mutate: (c) => (c.trainingHost.spot = "yes"),
    key: "ml-platform:trainingHost.spot",
    rule: /must be a boolean; got string/,
  },
  {
    title: "training host with a SageMaker type",
    mutate: (c) => (c.trainingHost.instanceType = "ml.g5.xlarge"),
    key: "ml-platform:trainingHost.instanceType",
    rule: /no "ml\." prefix/,
  },
  {
    title: "no inference settings at all",
    mutate: (c) => delete (c as Json).inference,
    key: "ml-platform:inference",
    rule: /is required: set it in Pulumi\.dev\.yaml/,
  },
  {
    title: "protect neither true nor false",
    mutate: (c) => (c.protect = "maybe"),
    key: "ml-platform:protect",
    rule: /true or false/,
  },
  {
    title: "accessLogs neither true nor false",
    mutate: (c) => (c.accessLogs = "yes"),
    key: "ml-platform:accessLogs",
    rule: /true or false/,
  },
];

/** Runs `tasks` with at most `limit` at a time (each program run is a child process). */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) {
        const index = next++;
        results[index] = await tasks[index]!();
      }
    }),
  );
  return results;
}

describe("invalid stack configs are rejected before any resource is registered", function () {
  this.timeout(300_000);
  const results = new Map<string, RunProgramResult>();

  before(async () => {
    ensureLambdaBundle();
    const outcomes = await pool(
      CASES.map((c) => () => runProgram({ stack: "dev", config: mutatedConfig(c.mutate) })),
      2,
    );
    CASES.forEach((c, i) => results.set(c.title, outcomes[i]!));
  });

  it(`has at least 15 cases (${CASES.length})`, () => assert.ok(CASES.length >= 15));

  for (const c of CASES) {
    it(`${c.title} → ${c.key}`, () => {
      const result = results.get(c.title)!;
      assert.equal(result.ok, false, "the program accepted the config");
      if (result.ok) return;
      assert.equal(result.kind, "config", `${result.kind}: ${result.message}`);
      const line = result.message.split("\n").find((l) => l.trim().startsWith(`- ${c.key}:`));
      assert.ok(line, `no line names ${c.key}:\n${result.message}`);
      assert.match(line, c.rule);
      // Only the root stack resource (which the language host registers before the program runs) may exist.
      assert.deepEqual(
        result.resources.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => r.type),
        [],
      );
    });
  }

  it("the unmodified dev config is accepted (so each failure above is caused by its mutation)", async () => {
    const result = await runProgram({ stack: "dev", config: mutatedConfig(() => undefined) });
    assert.ok(result.ok, result.ok ? "" : result.message);
  });

  it("a long stack name still gives every auto-named resource a name AWS accepts", async () => {
    // The engine auto-names `<logical name>-<7 hex>` (as the mock does) and the provider refuses names beyond the
    // service's limit, so the longest logical names under the longest prefix must still fit.
    const result = await runProgram({
      stack: "feature-" + "x".repeat(60),
      config: mutatedConfig(() => undefined),
    });
    assert.ok(result.ok, result.ok ? "" : result.message);
    const limits: Record<string, { property: string; max: number; pattern: RegExp }> = {
      [AWS_TYPES.iamRole]: { property: "name", max: 64, pattern: /^[\w+=,.@-]+$/ },
      [AWS_TYPES.sagemakerNotebookInstance]: {
        property: "name",
        max: 63,
        pattern: SAGEMAKER_NAME_PATTERN,
      },
      [AWS_TYPES.sagemakerNotebookInstanceLifecycleConfiguration]: {
        property: "name",
        max: 63,
        pattern: SAGEMAKER_NAME_PATTERN,
      },
      [AWS_TYPES.sagemakerModel]: { property: "name", max: 63, pattern: SAGEMAKER_NAME_PATTERN },
      [AWS_TYPES.sagemakerEndpointConfiguration]: {
        property: "name",
        max: 63,
        pattern: SAGEMAKER_NAME_PATTERN,
      },
      [AWS_TYPES.sagemakerEndpoint]: { property: "name", max: 63, pattern: SAGEMAKER_NAME_PATTERN },
      [AWS_TYPES.lambdaFunction]: { property: "name", max: 64, pattern: LAMBDA_FUNCTION_NAME_PATTERN },
      [AWS_TYPES.s3Bucket]: { property: "bucket", max: 63, pattern: /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/ },
    };
    let checked = 0;
    for (const resource of result.stack.resources) {
      const limit = limits[resource.type];
      if (!limit) continue;
      const name = String(resource.outputs[limit.property]);
      assert.ok(
        name.length <= limit.max,
        `${resource.type} ${name}: ${name.length} > ${limit.max} characters`,
      );
      assert.match(name, limit.pattern, resource.type);
      checked++;
    }
    assert.equal(
      checked,
      12,
      "5 roles, notebook, lifecycle, model, endpoint config, endpoint, function, bucket",
    );
  });
});

describe("parseStackConfig", () => {
  function reader(config: Record<string, string>) {
    return (key: string) => config[key];
  }

  it("accepts both real stack files", () => {
    const project = readProject(REPO_ROOT);
    for (const stack of ["dev", "prod"]) {
      const settings = parseStackConfig(reader(readStackFile(REPO_ROOT, stack, project).config), stack);
      assert.equal(settings.namePrefix, `ml-platform-${stack}`);
      assert.equal(settings.protect, stack === "prod");
      assert.deepEqual(settings.names, {
        bucket: `ml-platform-${stack}-artifacts`,
        notebook: `ml-platform-${stack}-notebook`,
        trainingHost: `ml-platform-${stack}-training`,
        endpoint: `ml-platform-${stack}-endpoint`,
        inference: `ml-platform-${stack}-inference`,
      });
    }
  });

  it("reports every problem of every key in one error", () => {
    const config = mutatedConfig((c) => {
      c.endpoint.minCapacity = 0;
      c.inference.memoryMb = 64;
      c.trainingHost.sshCidrs = ["0.0.0.0/0"];
      c.notebook.volumeSizeGb = 1;
    });
    assert.throws(
      () => parseStackConfig(reader(config), "dev"),
      (err: unknown) => {
        assert.ok(err instanceof StackConfigError);
        assert.deepEqual(err.issues.map((i) => i.key).sort(), [
          "ml-platform:endpoint.minCapacity",
          "ml-platform:inference.memoryMb",
          "ml-platform:notebook.volumeSizeGb",
          "ml-platform:trainingHost.sshCidrs[0]",
        ]);
        assert.match(err.message, /invalid configuration for stack "dev" \(4 problems\)/);
        return true;
      },
    );
  });

  it("defaults protect to true only for the prod stack", () => {
    const config = mutatedConfig(() => undefined);
    assert.equal(parseStackConfig(reader(config), "prod").protect, true);
    assert.equal(parseStackConfig(reader(config), "staging").protect, false);
    assert.equal(
      parseStackConfig(reader({ ...config, "ml-platform:protect": "true" }), "staging").protect,
      true,
    );
  });

  it("turns access logs on only where the stack file says so (prod)", () => {
    assert.equal(parseStackConfig(reader(mutatedConfig(() => undefined)), "dev").accessLogs, false);
    assert.equal(parseStackConfig(reader(mutatedConfig(() => undefined, "prod")), "prod").accessLogs, true);
  });

  it("truncates the name prefix of a long stack name instead of rejecting it", () => {
    const stack = "feature-" + "x".repeat(60);
    const settings = parseStackConfig(reader(mutatedConfig(() => undefined)), stack);
    assert.equal(settings.namePrefix, "ml-platform-feature-xxxxxxxxxxxxx");
    assert.equal(settings.namePrefix.length, NAME_PREFIX_MAX_LENGTH);
  });

  it("rejects an object key given as a plain string", () => {
    const config = { ...mutatedConfig(() => undefined), "ml-platform:endpoint": "ml.m5.large" };
    assert.throws(() => parseStackConfig(reader(config), "dev"), /ml-platform:endpoint: must be an object/);
  });
});
