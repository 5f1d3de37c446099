/**
 * `npm run bench:policy`: how fast the policy pack starts under the Pulumi CLI's runner, compiled JS against
 * TypeScript, and how many resources per second it analyzes over gRPC.
 *
 * - Start-up: wall time from spawning `node <@pulumi/pulumi>/cmd/run-policy-pack <addr> .` in the pack's directory
 *   to reading the port it prints (what the CLI waits for), and to the first GetAnalyzerInfo answer. Compiled: the
 *   repo's policy/ (package.json `main` → bin/index.js, built by `npm run build`). TypeScript: a temporary copy of
 *   policy/ and components/lib/ whose package.json `main` is index.ts, so the runner registers ts-node with
 *   type-checking, exactly as for a pack shipped as source.
 * - Throughput: a synthetic stack of 1,000 resources (notebooks, endpoint configs, scaling policies, IAM roles
 *   and documents, Lambda functions, EC2 hosts, security groups, buckets with access blocks), configured with
 *   policy/config/prod.json. Every resource is sent with Analyze, 16 in flight (how the offline preview sends them,
 *   and what the target applies to) and one at a time (how the CLI's step generator sends them), then the whole
 *   stack with AnalyzeStack.
 *
 * Targets: start-up (compiled) ≤ 1.5 s; ≥ 1,000 resources analyzed per second.
 *
 * Options: --runs N (compiled start-ups, default 5), --ts-runs N (TypeScript start-ups, default 1; 0 skips),
 * --resources N (default 1000), --json.
 */
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, readFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { CapturedResource } from "../lib/resource-graph";
import { startPolicyPack, type PolicyAnalyzer } from "../analyzer";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const REPO = join(__dirname, "..", "..");
const POLICY_DIR = join(REPO, "policy");
const TARGET_STARTUP_MS = 1500;
const TARGET_RESOURCES_PER_SECOND = 1000;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer`);
  return value;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

interface StartupSample {
  readonly portMs: number;
  readonly infoMs: number;
  readonly policies: number;
}

async function measureStartup(policyPackDir: string): Promise<StartupSample> {
  const started = performance.now();
  const pack = await startPolicyPack({ policyPackDir, startupTimeoutMs: 120_000 });
  try {
    const info = await pack.getAnalyzerInfo();
    return { portMs: pack.startupMs, infoMs: performance.now() - started, policies: info.policies.length };
  } finally {
    await pack.close();
  }
}

/** A temporary copy of the pack that the runner loads as TypeScript (main: index.ts). */
function typeScriptCopy(): string {
  const root = mkdtempSync(join(tmpdir(), "bench-policy-ts-"));
  const copy = (from: string) =>
    cpSync(join(REPO, from), join(root, from), {
      recursive: true,
      filter: (src) => !src.includes(`${join("policy", "bin")}`) && !src.endsWith("node_modules"),
    });
  copy("policy");
  copy(join("components", "lib"));
  symlinkSync(join(REPO, "node_modules"), join(root, "node_modules"), "dir");
  const pkgPath = join(root, "policy", "package.json");
  const pkg = JSON.parse(readFileSync(pkgPath, "utf8"));
  writeFileSync(pkgPath, JSON.stringify({ ...pkg, main: "index.ts" }, null, 2));
  return root;
}

const ACCOUNT = "123456789012";

/** One "application" of the synthetic stack: 20 resources, compliant and not, across the pack's surfaces. */
function application(i: number): CapturedResource[] {
  const stackUrn = "urn:pulumi:bench::ml-platform::pulumi:pulumi:Stack::ml-platform-bench";
  const make = (
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    extra: Partial<CapturedResource> = {},
  ): CapturedResource => ({
    type,
    name: `${name}-${i}`,
    urn: `urn:pulumi:bench::ml-platform::${type}::${name}-${i}`,
    custom: true,
    parent: stackUrn,
    dependencies: [],
    propertyDependencies: {},
    inputs,
    outputs: { ...inputs, id: `${name}-${i}-id`, arn: `arn:aws:service:us-east-1:${ACCOUNT}:${name}-${i}` },
    options: {
      protect: i % 2 === 0,
      ignoreChanges: [],
      retainOnDelete: false,
      deleteBeforeReplace: false,
      replaceOnChanges: [],
    },
    ...extra,
  });
  const endpointArn = `arn:aws:sagemaker:us-east-1:${ACCOUNT}:endpoint/classifier-${i}`;
  const bucket = make(AWS_TYPES.s3Bucket, "artifacts", { forceDestroy: false });
  const fn = make(AWS_TYPES.lambdaFunction, "classify", {
    runtime: i % 5 === 0 ? "nodejs20.x" : "nodejs22.x",
    handler: "index.handler",
    role: `arn:aws:iam::${ACCOUNT}:role/inference-${i}`,
    memorySize: 1024,
    reservedConcurrentExecutions: i % 7 === 0 ? -1 : 20,
    publish: true,
  });
  const target = make(AWS_TYPES.appautoscalingTarget, "variant-target", {
    serviceNamespace: "sagemaker",
    resourceId: `endpoint/classifier-${i}/variant/AllTraffic`,
    scalableDimension: "sagemaker:variant:DesiredInstanceCount",
    minCapacity: 1,
    maxCapacity: 4,
  });
  return [
    make(AWS_TYPES.sagemakerNotebookInstance, "explore", {
      instanceType: i % 3 === 0 ? "ml.t3.medium" : "ml.m5.4xlarge",
      roleArn: `arn:aws:iam::${ACCOUNT}:role/notebook-${i}`,
      directInternetAccess: i % 4 === 0 ? "Enabled" : "Disabled",
      rootAccess: "Disabled",
      subnetId: "subnet-0123456789abcdef0",
      securityGroups: ["sg-0123456789abcdef0"],
      instanceMetadataServiceConfiguration: { minimumInstanceMetadataServiceVersion: "2" },
      kmsKeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/${i}`,
    }),
    make(AWS_TYPES.sagemakerModel, "model", {
      executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/sagemaker-${i}`,
      primaryContainer: {
        image: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/pytorch:2.5`,
        modelDataUrl: "s3://b/model.tar.gz",
      },
    }),
    make(AWS_TYPES.sagemakerEndpointConfiguration, "config", {
      kmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/${i}`,
      productionVariants: [
        {
          variantName: "AllTraffic",
          modelName: `model-${i}`,
          instanceType: i % 6 === 0 ? "ml.p4d.24xlarge" : "ml.m5.xlarge",
          initialInstanceCount: 1,
        },
      ],
    }),
    make(AWS_TYPES.sagemakerEndpoint, "endpoint", { endpointConfigName: `config-${i}` }),
    target,
    make(
      AWS_TYPES.appautoscalingPolicy,
      "invocations",
      {
        policyType: "TargetTrackingScaling",
        resourceId: `endpoint/classifier-${i}/variant/AllTraffic`,
        scalableDimension: "sagemaker:variant:DesiredInstanceCount",
        serviceNamespace: "sagemaker",
        targetTrackingScalingPolicyConfiguration: {
          targetValue: 70,
          predefinedMetricSpecification: { predefinedMetricType: "SageMakerVariantInvocationsPerInstance" },
          scaleInCooldown: i % 8 === 0 ? undefined : 300,
          scaleOutCooldown: 60,
        },
      },
      { propertyDependencies: { resourceId: [target.urn] }, dependencies: [target.urn] },
    ),
    make(AWS_TYPES.iamRole, "sagemaker-role", {
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "sagemaker.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      }),
      managedPolicyArns: i % 9 === 0 ? ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"] : [],
    }),
    make(AWS_TYPES.iamRolePolicy, "sagemaker-access", {
      role: `sagemaker-role-${i}`,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject"],
            Resource: `arn:aws:s3:::artifacts-${i}/*`,
          },
          {
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: i % 10 === 0 ? "*" : `arn:aws:iam::${ACCOUNT}:role/x`,
          },
        ],
      }),
    }),
    make(AWS_TYPES.iamRolePolicyAttachment, "logs", {
      role: `inference-${i}`,
      policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    }),
    make(AWS_TYPES.iamRole, "inference-role", {
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      }),
      inlinePolicies: [
        {
          name: "invoke",
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Action: "sagemaker:InvokeEndpoint",
                Resource: i % 11 === 0 ? "*" : endpointArn,
              },
            ],
          }),
        },
      ],
    }),
    fn,
    make(AWS_TYPES.lambdaAlias, "live", { functionName: `classify-${i}`, functionVersion: "1" }),
    make(
      AWS_TYPES.lambdaProvisionedConcurrencyConfig,
      "warm",
      { functionName: `classify-${i}`, qualifier: "live", provisionedConcurrentExecutions: 2 },
      { propertyDependencies: { functionName: [fn.urn] } },
    ),
    make(AWS_TYPES.cloudwatchLogGroup, "logs", { retentionInDays: 30 }),
    make(AWS_TYPES.ec2Instance, "trainer", {
      ami: "ami-0123456789abcdef0",
      instanceType: i % 5 === 0 ? "p4d.24xlarge" : "g5.2xlarge",
      subnetId: "subnet-0123456789abcdef0",
      associatePublicIpAddress: false,
      metadataOptions: { httpTokens: i % 3 === 0 ? "optional" : "required" },
      rootBlockDevice: { volumeSize: 200, volumeType: "gp3", encrypted: true },
    }),
    make(AWS_TYPES.ec2SecurityGroup, "trainer-sg", {
      vpcId: "vpc-0123456789abcdef0",
      ingress: [
        {
          protocol: "tcp",
          fromPort: 22,
          toPort: 22,
          cidrBlocks: [i % 4 === 0 ? "0.0.0.0/0" : "10.0.0.0/16"],
        },
      ],
    }),
    make(AWS_TYPES.vpcSecurityGroupIngressRule, "ssh", {
      securityGroupId: "sg-0123456789abcdef0",
      ipProtocol: "tcp",
      fromPort: 22,
      toPort: 22,
      cidrIpv4: "10.0.0.0/16",
    }),
    bucket,
    make(
      AWS_TYPES.s3BucketPublicAccessBlock,
      "artifacts-pab",
      {
        bucket: `artifacts-${i}-id`,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: i % 2 === 0,
      },
      { propertyDependencies: { bucket: [bucket.urn] } },
    ),
    make(AWS_TYPES.kmsKey, "key", { enableKeyRotation: true, deletionWindowInDays: 30 }),
  ];
}

/** `count` resources built from as many 20-resource applications as needed. */
export function syntheticStack(count: number): CapturedResource[] {
  const out: CapturedResource[] = [];
  for (let i = 0; out.length < count; i++) out.push(...application(i));
  return out.slice(0, count);
}

interface Throughput {
  readonly concurrency: number;
  readonly seconds: number;
  readonly resourcesPerSecond: number;
}

/** Median of `passes` timed passes over all resources (steady state: call after a warm-up pass). */
async function measureAnalyze(
  pack: PolicyAnalyzer,
  resources: CapturedResource[],
  concurrency: number,
  passes = 3,
): Promise<Throughput> {
  const times: number[] = [];
  for (let pass = 0; pass < passes; pass++) {
    const started = performance.now();
    await pack.analyzeMany(resources, concurrency);
    times.push((performance.now() - started) / 1000);
  }
  const seconds = median(times);
  return { concurrency, seconds, resourcesPerSecond: resources.length / seconds };
}

async function main(): Promise<void> {
  const runs = arg("runs", 5);
  const tsRuns = arg("ts-runs", 1);
  const count = arg("resources", 1000);
  const json = process.argv.includes("--json");
  const log = (line: string) => {
    if (!json) console.log(line);
  };
  if (!existsSync(join(POLICY_DIR, "bin", "index.js"))) {
    throw new Error("policy/bin/index.js is missing: run `npm run build` first");
  }
  log(`bench:policy on ${cpus().length} cores, node ${process.version}`);

  const compiled: StartupSample[] = [];
  for (let r = 0; r < runs; r++) compiled.push(await measureStartup(POLICY_DIR));
  log(
    `start-up, compiled JS (${runs} runs): port after ${median(compiled.map((s) => s.portMs)).toFixed(0)} ms ` +
      `(median; min ${Math.min(...compiled.map((s) => s.portMs)).toFixed(0)}), first GetAnalyzerInfo after ` +
      `${median(compiled.map((s) => s.infoMs)).toFixed(0)} ms, ${compiled[0]?.policies ?? 0} policies`,
  );

  const ts: StartupSample[] = [];
  if (tsRuns > 0) {
    const root = typeScriptCopy();
    try {
      for (let r = 0; r < tsRuns; r++) ts.push(await measureStartup(join(root, "policy")));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    log(
      `start-up, TypeScript via ts-node with type-checking (${tsRuns} runs): port after ` +
        `${median(ts.map((s) => s.portMs)).toFixed(0)} ms (median)`,
    );
  }

  const resources = syntheticStack(count);
  const pack = await startPolicyPack({ policyPackDir: POLICY_DIR });
  let parallel: Throughput;
  let serial: Throughput;
  let stackMs: number;
  let coldSeconds: number;
  let violations = 0;
  try {
    const prodConfig = join(POLICY_DIR, "config", "prod.json");
    await pack.configure(existsSync(prodConfig) ? prodConfig : undefined);
    // A first, cold pass (JIT in both processes, lazily loaded modules, the gRPC channel) is reported on its own.
    const coldStarted = performance.now();
    await pack.analyzeMany(resources, 16);
    coldSeconds = (performance.now() - coldStarted) / 1000;
    parallel = await measureAnalyze(pack, resources, 16);
    serial = await measureAnalyze(pack, resources, 1);
    const started = performance.now();
    const stack = await pack.analyzeStack(resources);
    stackMs = performance.now() - started;
    violations = (await pack.analyzeMany(resources, 16)).reduce((n, r) => n + r.violations.length, 0);
    violations += stack.violations.length;
  } finally {
    await pack.close();
  }
  log(
    `Analyze over gRPC, ${count} resources (median of 3 warm passes): ` +
      `${parallel.resourcesPerSecond.toFixed(0)} resources/s with 16 in flight ` +
      `(${(parallel.seconds * 1000).toFixed(0)} ms), ${serial.resourcesPerSecond.toFixed(0)} resources/s one at a ` +
      `time (${(serial.seconds * 1000).toFixed(0)} ms); first cold pass ${(count / coldSeconds).toFixed(0)} resources/s`,
  );
  log(
    `AnalyzeStack, ${count} resources: ${stackMs.toFixed(0)} ms; ${violations} violations in the synthetic stack`,
  );

  const startupMs = median(compiled.map((s) => s.portMs));
  const startupOk = startupMs <= TARGET_STARTUP_MS;
  // The target applies to the way the offline preview drives the pack (analyzeCapturedStack: 16 in flight); the
  // one-at-a-time figure is what the CLI's step generator does and is printed for reference.
  const throughputOk = parallel.resourcesPerSecond >= TARGET_RESOURCES_PER_SECOND;
  log(
    `targets: start-up ≤ ${TARGET_STARTUP_MS} ms: ${startupOk ? "met" : "MISSED"}; ` +
      `≥ ${TARGET_RESOURCES_PER_SECOND} resources/s (16 in flight, as the preview sends them): ` +
      `${throughputOk ? "met" : "MISSED"}`,
  );
  if (json) {
    console.log(
      JSON.stringify(
        {
          cores: cpus().length,
          node: process.version,
          startup: {
            compiledMedianMs: startupMs,
            compiledRunsMs: compiled.map((s) => Math.round(s.portMs)),
            compiledFirstInfoMedianMs: median(compiled.map((s) => s.infoMs)),
            typeScriptMedianMs: ts.length ? median(ts.map((s) => s.portMs)) : null,
            targetMs: TARGET_STARTUP_MS,
            met: startupOk,
          },
          analyze: {
            resources: count,
            parallel16PerSecond: parallel.resourcesPerSecond,
            coldPassPerSecond: count / coldSeconds,
            serialPerSecond: serial.resourcesPerSecond,
            analyzeStackMs: stackMs,
            violations,
            targetPerSecond: TARGET_RESOURCES_PER_SECOND,
            met: throughputOk,
          },
        },
        null,
        2,
      ),
    );
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
