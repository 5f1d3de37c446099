/**
 * The program (index.ts) run under the mock runtime with each real stack file (Pulumi.dev.yaml, Pulumi.prod.yaml),
 * through the offline preview's program runner: the resource graph the engine would see, with parents,
 * dependencies and resource options.
 */
import { strict as assert } from "node:assert";
import type { CapturedResource, CapturedStack } from "../../tools/lib/resource-graph";
import { runProgram } from "../../tools/lib/program-runner";
import { ensureLambdaBundle } from "./bundle";
import { assertCanaryWithRollback, assertEndpointReplacedForNewShape } from "../support/captured-assertions";
import { CHILDREN, TYPES as T } from "../support/type-tokens";
import { mutatedConfig } from "./config";
import { DEFAULT_STATEFUL_TYPES } from "@ml-platform/policy/policies/protect";

interface Statement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource?: string[];
  Condition?: unknown;
}

class Graph {
  constructor(readonly stack: CapturedStack) {}
  ofType(type: string): CapturedResource[] {
    return this.stack.resources.filter((r) => r.type === type);
  }
  one(type: string, name?: string): CapturedResource {
    const found = this.ofType(type).filter((r) => name === undefined || r.name === name);
    assert.equal(found.length, 1, `expected one ${type}${name ? ` ${name}` : ""}, found ${found.length}`);
    return found[0]!;
  }
  byUrn(urn: string): CapturedResource {
    const found = this.stack.resources.find((r) => r.urn === urn);
    assert.ok(found, `no resource ${urn}`);
    return found;
  }
  childrenOf(parent: CapturedResource): CapturedResource[] {
    return this.stack.resources.filter((r) => r.parent === parent.urn);
  }
  countsByType(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of this.stack.resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
    return counts;
  }
  statements(resource: CapturedResource, property = "policy"): Statement[] {
    return (JSON.parse(resource.inputs[property] as string) as { Statement: Statement[] }).Statement;
  }
  statement(resource: CapturedResource, sid: string): Statement {
    const found = this.statements(resource).find((s) => s.Sid === sid);
    assert.ok(found, `${resource.name} has no statement ${sid}`);
    return found;
  }
}

async function capture(stack: string): Promise<Graph> {
  const result = await runProgram({ stack });
  assert.ok(
    result.ok,
    result.ok ? "" : `${stack}: ${result.kind}: ${result.message}\n${result.location ?? ""}`,
  );
  return new Graph(result.stack);
}

describe("the program with the real stack files", function () {
  this.timeout(240_000);
  let dev: Graph;
  let prod: Graph;
  before(async () => {
    ensureLambdaBundle();
    [dev, prod] = await Promise.all([capture("dev"), capture("prod")]);
  });

  describe("structure", () => {
    const common = {
      [T.stack]: 1,
      [T.projectBucket]: 1,
      [T.notebookComponent]: 1,
      [T.trainingComponent]: 1,
      [T.endpointComponent]: 1,
      [T.functionComponent]: 1,
      [T.bucket]: 1,
      [T.sse]: 1,
      [T.versioning]: 1,
      [T.pab]: 1,
      [T.bucketPolicy]: 1,
      [T.ownership]: 1,
      [T.lifecycleRules]: 1,
      [T.notebook]: 1,
      [T.notebookLifecycle]: 1,
      [T.model]: 1,
      [T.endpointConfig]: 1,
      [T.endpoint]: 1,
      [T.target]: 1,
      [T.scalingPolicy]: 1,
      [T.fn]: 1,
      [T.alias]: 1,
      [T.pc]: 1,
      [T.logGroup]: 1,
      [T.instance]: 1,
      [T.sg]: 1,
      [T.egress]: 1,
      // notebook, training job, training host, model, function
      [T.role]: 5,
      [T.rolePolicy]: 5,
      [T.attachment]: 1,
      [T.profile]: 1,
      // notebook volume, endpoint volumes
      [T.key]: 2,
    };

    it("dev: counts by type", () => {
      assert.deepEqual(dev.countsByType(), common);
    });

    it("prod: counts by type (plus the rollback alarm and one SSH rule)", () => {
      assert.deepEqual(prod.countsByType(), { ...common, [T.alarm]: 1, [T.ingress]: 1 });
    });

    for (const stackName of ["dev", "prod"]) {
      it(`${stackName}: the stack holds the five components, and every AWS resource is a component's child`, () => {
        const graph = stackName === "dev" ? dev : prod;
        const root = graph.one(T.stack);
        assert.deepEqual(
          graph
            .childrenOf(root)
            .map((r) => r.type)
            .sort(),
          [
            T.projectBucket,
            T.notebookComponent,
            T.trainingComponent,
            T.endpointComponent,
            T.functionComponent,
          ].sort(),
        );
        for (const r of graph.stack.resources.filter((x) => x.custom)) {
          assert.ok(r.parent, `${r.name} has no parent`);
          assert.notEqual(graph.byUrn(r.parent).type, T.stack, `${r.name} is not inside a component`);
        }
        const expectedChildren: Record<string, string[]> = Object.fromEntries(
          Object.entries(CHILDREN).map(([type, children]) => [type, [...children]]),
        );
        if (stackName === "prod") {
          expectedChildren[T.endpointComponent]!.push(T.alarm);
          expectedChildren[T.trainingComponent]!.push(T.ingress);
        }
        for (const [componentType, childTypes] of Object.entries(expectedChildren)) {
          const component = graph.one(componentType);
          assert.deepEqual(
            graph
              .childrenOf(component)
              .map((r) => r.type)
              .sort(),
            [...childTypes].sort(),
            `children of ${componentType}`,
          );
        }
      });
    }

    it("exports the endpoint name, function name, alias ARN, notebook URL, training host id and bucket name", () => {
      for (const graph of [dev, prod]) {
        const out = graph.stack.outputs;
        assert.deepEqual(Object.keys(out).sort(), [
          "aliasArn",
          "bucketName",
          "endpointName",
          "functionName",
          "notebookUrl",
          "trainingHostId",
        ]);
        assert.equal(out.endpointName, graph.one(T.endpoint).outputs.name);
        assert.equal(out.functionName, graph.one(T.fn).outputs.name);
        assert.equal(out.aliasArn, graph.one(T.alias).outputs.arn);
        assert.equal(out.trainingHostId, graph.one(T.instance).outputs.id);
        assert.equal(out.bucketName, graph.one(T.bucket).outputs.bucket);
        assert.match(String(out.notebookUrl), /^https:\/\/.+\.notebook\.us-east-1\.sagemaker\.aws$/);
      }
      assert.equal(dev.stack.outputs.functionName, "ml-platform-dev-inference");
      assert.match(String(prod.stack.outputs.endpointName), /^ml-platform-prod-endpoint-[0-9a-f]{8}$/);
    });
  });

  describe("IAM", () => {
    it("the function may invoke exactly its endpoint's generations (lower-case name prefix) and write its own log group", () => {
      for (const graph of [dev, prod]) {
        const policy = graph.one(
          T.rolePolicy,
          `${graph.stack.project}-${graph.stack.stack}-inference-policy`,
        );
        const endpoint = graph.one(T.endpoint);
        // `<name>-<8 hex shape digest>`: the grant is the name without its digest.
        const prefixArn = String(endpoint.outputs.arn).replace(/-[0-9a-f]{8}$/, "-*");
        assert.equal(prefixArn, prefixArn.toLowerCase());
        assert.deepEqual(graph.statements(policy), [
          {
            Sid: "InvokeOneEndpoint",
            Effect: "Allow",
            Action: ["sagemaker:InvokeEndpoint"],
            Resource: [prefixArn],
          },
          {
            Sid: "WriteOwnLogGroup",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: [`${graph.one(T.logGroup).outputs.arn}:*`],
          },
        ]);
        // The grant does not depend on the endpoint resource, so replacing the endpoint never changes it.
        assert.ok(!policy.propertyDependencies.policy!.includes(endpoint.urn));
        assert.equal(
          policy.inputs.role,
          graph.one(T.role, `ml-platform-${graph.stack.stack}-inference-role`).outputs.name,
        );
      }
    });

    it("the notebook role: project bucket, project-prefixed SageMaker work, PassRole on the training role only", () => {
      const policy = prod.one(T.rolePolicy, "ml-platform-prod-notebook-policy");
      const bucketArn = prod.one(T.bucket).outputs.arn as string;
      const trainingRoleArn = prod.one(T.role, "ml-platform-prod-notebook-training-role").outputs.arn;
      assert.deepEqual(prod.statement(policy, "ProjectBucketObjects"), {
        Sid: "ProjectBucketObjects",
        Effect: "Allow",
        Action: ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
        Resource: [`${bucketArn}/*`],
      });
      assert.deepEqual(prod.statement(policy, "PassOnlyTheTrainingRole"), {
        Sid: "PassOnlyTheTrainingRole",
        Effect: "Allow",
        Action: ["iam:PassRole"],
        Resource: [trainingRoleArn],
        Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
      });
      assert.deepEqual(prod.statement(policy, "ProjectModelsAndEndpoints").Resource, [
        "arn:aws:sagemaker:us-east-1:123456789012:model/ml-platform-prod-*",
        "arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/ml-platform-prod-*",
        "arn:aws:sagemaker:us-east-1:123456789012:endpoint/ml-platform-prod-*",
      ]);
      assert.deepEqual(
        prod.statements(policy).map((s) => s.Sid),
        [
          "ProjectBucketList",
          "ProjectBucketObjects",
          "ProjectTrainingAndTuningJobs",
          "ProjectModelsAndEndpoints",
          "PassOnlyTheTrainingRole",
          "NotebookLogs",
          "ReadTrainingJobLogs",
          "EcrAuthorization",
          "EcrPull",
          "IdleAutoStop",
        ],
      );
    });

    it("the model role reads only the artifact's prefix in the project bucket and pulls only pytorch-inference", () => {
      const bucketName = dev.one(T.bucket).outputs.bucket;
      const policy = dev.one(T.rolePolicy, "ml-platform-dev-endpoint-model-policy");
      assert.deepEqual(dev.statement(policy, "ReadModelArtifact").Resource, [
        `arn:aws:s3:::${bucketName}/models/dog-breeds/v1/*`,
      ]);
      assert.deepEqual(dev.statement(policy, "EcrPull").Resource, [
        "arn:aws:ecr:us-east-1:763104351884:repository/pytorch-inference",
      ]);
      assert.equal(
        (dev.one(T.model).inputs.primaryContainer as { modelDataUrl: string }).modelDataUrl,
        `s3://${bucketName}/models/dog-breeds/v1/model.tar.gz`,
      );
    });

    it("the training host: bucket prefixes plus the SSM core managed policy", () => {
      const bucketArn = dev.one(T.bucket).outputs.arn as string;
      const policy = dev.one(T.rolePolicy, "ml-platform-dev-training-policy");
      assert.deepEqual(
        dev.statements(policy).map((s) => [s.Action, s.Resource]),
        [
          [["s3:ListBucket"], [bucketArn]],
          [["s3:GetObject"], [`${bucketArn}/data/*`]],
          [["s3:GetObject", "s3:PutObject"], [`${bucketArn}/models/*`]],
        ],
      );
      assert.equal(
        dev.one(T.attachment).inputs.policyArn,
        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
      );
    });

    it("no role anywhere gets a FullAccess/Administrator policy or a wildcard action", () => {
      for (const graph of [dev, prod]) {
        for (const attachment of graph.ofType(T.attachment)) {
          assert.doesNotMatch(
            String(attachment.inputs.policyArn),
            /FullAccess|AdministratorAccess|PowerUserAccess/,
          );
        }
        for (const role of graph.ofType(T.role)) assert.equal(role.inputs.managedPolicyArns, undefined);
        for (const policy of graph.ofType(T.rolePolicy)) {
          for (const s of graph.statements(policy)) {
            for (const action of s.Action) assert.ok(!action.includes("*"), `${policy.name}: ${action}`);
          }
        }
      }
    });
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

  describe("hardening", () => {
    it("IMDSv2 on the notebook and the training host", () => {
      for (const graph of [dev, prod]) {
        assert.deepEqual(graph.one(T.notebook).inputs.instanceMetadataServiceConfiguration, {
          minimumInstanceMetadataServiceVersion: "2",
        });
        assert.equal(
          (graph.one(T.instance).inputs.metadataOptions as { httpTokens: string }).httpTokens,
          "required",
        );
        assert.equal(graph.one(T.notebook).inputs.rootAccess, "Disabled");
      }
    });

    it("encryption: bucket SSE, notebook KMS, encrypted gp3 root volume", () => {
      for (const graph of [dev, prod]) {
        assert.deepEqual(graph.one(T.sse).inputs.rules, [
          { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
        ]);
        assert.equal(
          graph.one(T.notebook).inputs.kmsKeyId,
          graph.one(T.key, `ml-platform-${graph.stack.stack}-notebook-key`).outputs.arn,
        );
        const root = graph.one(T.instance).inputs.rootBlockDevice as Record<string, unknown>;
        assert.deepEqual([root.volumeType, root.encrypted], ["gp3", true]);
        for (const key of graph.ofType(T.key)) assert.equal(key.inputs.enableKeyRotation, true);
      }
    });

    it("the bucket blocks public access and refuses non-TLS requests", () => {
      for (const graph of [dev, prod]) {
        const pab = graph.one(T.pab).inputs;
        assert.deepEqual(
          [pab.blockPublicAcls, pab.blockPublicPolicy, pab.ignorePublicAcls, pab.restrictPublicBuckets],
          [true, true, true, true],
        );
        const deny = graph.statements(graph.one(T.bucketPolicy))[0]!;
        assert.deepEqual(
          [deny.Effect, deny.Condition],
          ["Deny", { Bool: { "aws:SecureTransport": "false" } }],
        );
      }
    });

    it("security groups: no ingress in dev, SSH only from the VPN range in prod, explicit HTTPS egress", () => {
      assert.equal(dev.ofType(T.ingress).length, 0);
      const ssh = prod.one(T.ingress);
      assert.deepEqual(
        [ssh.inputs.ipProtocol, ssh.inputs.fromPort, ssh.inputs.toPort, ssh.inputs.cidrIpv4],
        ["tcp", 22, 22, "10.20.0.0/16"],
      );
      assert.equal(ssh.inputs.securityGroupId, prod.one(T.sg).outputs.id);
      for (const graph of [dev, prod]) {
        assert.equal(graph.one(T.sg).inputs.ingress, undefined);
        assert.equal(graph.one(T.egress).inputs.fromPort, 443);
      }
      assert.equal(prod.one(T.instance).inputs.associatePublicIpAddress, false);
      assert.equal(prod.one(T.sg).inputs.vpcId, "vpc-0e1f2a3b4c5d6e7f8");
    });

    it("prod's notebook is VPC-only; dev's uses SageMaker's network", () => {
      const notebook = prod.one(T.notebook);
      assert.equal(notebook.inputs.directInternetAccess, "Disabled");
      assert.equal(notebook.inputs.subnetId, "subnet-0a3f9c1d7e5b24680");
      assert.deepEqual(notebook.inputs.securityGroups, ["sg-0c4e8a2f6b1d39570"]);
      assert.equal(dev.one(T.notebook).inputs.directInternetAccess, "Enabled");
    });

    it("the training host ignores AMI changes in both stacks", () => {
      for (const graph of [dev, prod]) assert.deepEqual(graph.one(T.instance).options.ignoreChanges, ["ami"]);
    });
  });

  describe("protection", () => {
    it("prod protects exactly the bucket, the notebook and the KMS keys, as the policy pack requires", () => {
      // `protect` on a component is inherited by every child, which would block replacing a role, a policy or a
      // lifecycle configuration: only resources holding data or keys may carry it.
      const protectedResources = prod.stack.resources.filter((r) => r.options.protect);
      assert.deepEqual(
        new Set(protectedResources.map((r) => r.type)),
        new Set([T.bucket, T.notebook, T.key]),
      );
      assert.equal(protectedResources.filter((r) => r.type === T.key).length, prod.ofType(T.key).length);
      // The pack's stateful-resources-protected agrees: every stateful resource is protected, nothing else is.
      const stateful = prod.stack.resources.filter((r) => DEFAULT_STATEFUL_TYPES.includes(r.type));
      assert.deepEqual(
        stateful.map((r) => r.urn),
        protectedResources.map((r) => r.urn),
      );
    });

    it("dev protects nothing, so a sandbox can be torn down", () => {
      assert.deepEqual(
        dev.stack.resources.filter((r) => r.options.protect).map((r) => r.name),
        [],
      );
    });
  });
});
