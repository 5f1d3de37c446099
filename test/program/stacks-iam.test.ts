/**
 * Both real stacks under the mock runtime: the IAM grants of the function, notebook, model and training host roles.
 */
import { strict as assert } from "node:assert";
import { TYPES as T } from "../support/type-tokens";
import { realStacks, type Graph } from "./support/real-stacks";

describe("the program with the real stack files", function () {
  this.timeout(240_000);
  let dev: Graph;
  let prod: Graph;
  before(async () => {
    ({ dev, prod } = await realStacks());
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
      const bucketArn = prod.one(T.bucket, "ml-platform-prod-artifacts").outputs.arn as string;
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
});
