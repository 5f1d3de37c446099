import { strict as assert } from "node:assert";
import {
  inferenceFunctionPolicy,
  keyDirectory,
  modelExecutionPolicy,
  notebookExecutionPolicy,
  parseS3Url,
  serviceTrustPolicy,
  ssmManagedInstanceCoreArn,
  tlsOnlyBucketPolicy,
  trainingHostPolicy,
  trainingJobExecutionPolicy,
  type IamPolicyDocument,
} from "@ml-platform/aws-facts/iam-policies";

const ctx = { partition: "aws", region: "eu-west-1", accountId: "111122223333" };
const bucketArn = "arn:aws:s3:::ml-platform-dev-artifacts-1a2b3c4";

function statement(doc: IamPolicyDocument, sid: string) {
  const found = doc.Statement.find((s) => s.Sid === sid);
  assert.ok(found, `statement ${sid} not found in ${doc.Statement.map((s) => s.Sid).join(", ")}`);
  return found;
}

/** Every Allow action across the document. */
function allowedActions(doc: IamPolicyDocument): string[] {
  return doc.Statement.filter((s) => s.Effect === "Allow")
    .flatMap((s) => s.Action)
    .sort();
}

/** No Allow grants a wildcard action, and Resource "*" only for the APIs without resource-level permissions. */
function assertLeastPrivilege(doc: IamPolicyDocument): void {
  for (const s of doc.Statement.filter((x) => x.Effect === "Allow")) {
    for (const action of s.Action)
      assert.ok(!action.includes("*"), `${s.Sid} grants wildcard action ${action}`);
    if (s.Resource?.includes("*")) {
      assert.deepEqual(
        s.Action.filter((a) => a !== "ecr:GetAuthorizationToken" && a !== "cloudwatch:PutMetricData"),
        [],
        `${s.Sid} grants ${s.Action.join(", ")} on "*"`,
      );
    }
  }
}

describe("IAM documents (aws-facts/iam-policies)", () => {
  it("trust policies name exactly one service principal and only sts:AssumeRole", () => {
    for (const service of ["sagemaker.amazonaws.com", "ec2.amazonaws.com", "lambda.amazonaws.com"] as const) {
      assert.deepEqual(serviceTrustPolicy(service), {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "AssumedByService",
            Effect: "Allow",
            Principal: { Service: service },
            Action: ["sts:AssumeRole"],
          },
        ],
      });
    }
  });

  it("the inference function may invoke one endpoint ARN and write its own log group, nothing else", () => {
    const endpointArn = "arn:aws:sagemaker:eu-west-1:111122223333:endpoint/ml-platform-dev-endpoint-aa0718b8";
    const logGroupArn = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/ml-platform-dev-inference";
    assert.deepEqual(inferenceFunctionPolicy({ endpointArn, logGroupArn }), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "InvokeOneEndpoint",
          Effect: "Allow",
          Action: ["sagemaker:InvokeEndpoint"],
          Resource: [endpointArn],
        },
        {
          Sid: "WriteOwnLogGroup",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: [`${logGroupArn}:*`],
        },
      ],
    });
  });

  describe("notebook execution role", () => {
    const input = {
      ctx,
      namePrefix: "ml-platform-dev",
      bucketArn,
      trainingRoleArn: "arn:aws:iam::111122223333:role/ml-platform-dev-notebook-training-role-abc1234",
      ecrRepositoryArns: ["arn:aws:ecr:eu-west-1:763104351884:repository/pytorch-training"],
      selfStopNotebookName: "ML-Platform-dev-notebook",
    };
    const doc = notebookExecutionPolicy(input);

    it("has exactly the documented action set", () => {
      assert.deepEqual(allowedActions(doc), [
        "ecr:BatchCheckLayerAvailability",
        "ecr:BatchGetImage",
        "ecr:GetAuthorizationToken",
        "ecr:GetDownloadUrlForLayer",
        "iam:PassRole",
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:DescribeLogStreams",
        "logs:DescribeLogStreams",
        "logs:GetLogEvents",
        "logs:PutLogEvents",
        "s3:DeleteObject",
        "s3:GetBucketLocation",
        "s3:GetObject",
        "s3:ListBucket",
        "s3:PutObject",
        "sagemaker:CreateEndpoint",
        "sagemaker:CreateEndpointConfig",
        "sagemaker:CreateHyperParameterTuningJob",
        "sagemaker:CreateModel",
        "sagemaker:CreateTrainingJob",
        "sagemaker:DescribeEndpoint",
        "sagemaker:DescribeEndpointConfig",
        "sagemaker:DescribeHyperParameterTuningJob",
        "sagemaker:DescribeModel",
        "sagemaker:DescribeNotebookInstance",
        "sagemaker:DescribeTrainingJob",
        "sagemaker:StopNotebookInstance",
      ]);
      assertLeastPrivilege(doc);
    });

    it("scopes SageMaker work to the project prefix in this account and region", () => {
      assert.deepEqual(statement(doc, "ProjectTrainingAndTuningJobs").Resource, [
        "arn:aws:sagemaker:eu-west-1:111122223333:training-job/ml-platform-dev-*",
        "arn:aws:sagemaker:eu-west-1:111122223333:hyper-parameter-tuning-job/ml-platform-dev-*",
      ]);
      assert.deepEqual(statement(doc, "ProjectModelsAndEndpoints").Resource, [
        "arn:aws:sagemaker:eu-west-1:111122223333:model/ml-platform-dev-*",
        "arn:aws:sagemaker:eu-west-1:111122223333:endpoint-config/ml-platform-dev-*",
        "arn:aws:sagemaker:eu-west-1:111122223333:endpoint/ml-platform-dev-*",
      ]);
    });

    it("may pass only the training role, and only to SageMaker", () => {
      assert.deepEqual(statement(doc, "PassOnlyTheTrainingRole"), {
        Sid: "PassOnlyTheTrainingRole",
        Effect: "Allow",
        Action: ["iam:PassRole"],
        Resource: [input.trainingRoleArn],
        Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
      });
    });

    it("uses the bucket ARN for listing and bucket/* for objects", () => {
      assert.deepEqual(statement(doc, "ProjectBucketList").Resource, [bucketArn]);
      assert.deepEqual(statement(doc, "ProjectBucketObjects").Resource, [`${bucketArn}/*`]);
    });

    it("adds StopNotebookInstance only when idle auto-stop is configured", () => {
      const { selfStopNotebookName: _, ...withoutSelfStop } = input;
      const without = notebookExecutionPolicy(withoutSelfStop);
      assert.equal(
        without.Statement.find((s) => s.Sid === "IdleAutoStop"),
        undefined,
      );
      assert.deepEqual(statement(doc, "IdleAutoStop").Resource, [
        // The notebook's auto-name, lower-cased as SageMaker ARNs are.
        "arn:aws:sagemaker:eu-west-1:111122223333:notebook-instance/ml-platform-dev-notebook-*",
      ]);
    });

    it("builds partition-aware ARNs", () => {
      const cn = notebookExecutionPolicy({
        ...input,
        ctx: { ...ctx, partition: "aws-cn", region: "cn-north-1" },
      });
      assert.ok(
        statement(cn, "NotebookLogs").Resource![0]!.startsWith(
          "arn:aws-cn:logs:cn-north-1:111122223333:log-group:",
        ),
      );
    });
  });

  it("training jobs read data/ and write models/ only", () => {
    const doc = trainingJobExecutionPolicy({
      ctx,
      bucketArn,
      dataPrefix: "data/",
      artifactPrefix: "models/",
      ecrRepositoryArns: ["arn:aws:ecr:eu-west-1:763104351884:repository/pytorch-training"],
    });
    assert.deepEqual(statement(doc, "ReadTrainingData"), {
      Sid: "ReadTrainingData",
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: [`${bucketArn}/data/*`],
    });
    assert.deepEqual(statement(doc, "WriteModelArtifacts").Resource, [`${bucketArn}/models/*`]);
    assert.deepEqual(statement(doc, "ListProjectPrefixes").Condition, {
      StringLike: { "s3:prefix": ["data/*", "models/*"] },
    });
    assert.deepEqual(statement(doc, "PutMetricsInOwnNamespace").Condition, {
      StringEquals: { "cloudwatch:namespace": "/aws/sagemaker/TrainingJobs" },
    });
    assertLeastPrivilege(doc);
  });

  it("the training host reads data/, writes models/, and nothing outside the bucket", () => {
    const doc = trainingHostPolicy({ bucketArn, dataPrefix: "data/", artifactPrefix: "models/" });
    assert.deepEqual(allowedActions(doc), ["s3:GetObject", "s3:GetObject", "s3:ListBucket", "s3:PutObject"]);
    for (const s of doc.Statement) {
      for (const r of s.Resource!)
        assert.ok(r.startsWith(bucketArn), `${s.Sid} reaches outside the bucket: ${r}`);
    }
    assert.equal(
      ssmManagedInstanceCoreArn("aws-us-gov"),
      "arn:aws-us-gov:iam::aws:policy/AmazonSSMManagedInstanceCore",
    );
  });

  it("the model role reads only its artifact prefix and pulls only its image repository", () => {
    const doc = modelExecutionPolicy({
      ctx,
      artifactPrefixArn: "arn:aws:s3:::bucket/models/v1/*",
      ecrRepositoryArn: "arn:aws:ecr:eu-west-1:763104351884:repository/pytorch-inference",
      endpointNamePrefix: "ml-platform-dev-endpoint",
    });
    assert.deepEqual(statement(doc, "ReadModelArtifact").Resource, ["arn:aws:s3:::bucket/models/v1/*"]);
    assert.deepEqual(statement(doc, "EcrPull").Resource, [
      "arn:aws:ecr:eu-west-1:763104351884:repository/pytorch-inference",
    ]);
    assert.deepEqual(statement(doc, "EndpointLogs").Resource, [
      "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/sagemaker/Endpoints/ml-platform-dev-endpoint-*",
    ]);
    assertLeastPrivilege(doc);
  });

  it("the bucket policy only denies, and denies plain HTTP and TLS < 1.2 on the bucket and its objects", () => {
    const doc = tlsOnlyBucketPolicy(bucketArn);
    assert.ok(doc.Statement.every((s) => s.Effect === "Deny"));
    assert.deepEqual(statement(doc, "DenyInsecureTransport").Condition, {
      Bool: { "aws:SecureTransport": "false" },
    });
    assert.deepEqual(statement(doc, "DenyTlsOlderThan12").Condition, {
      NumericLessThan: { "s3:TlsVersion": "1.2" },
    });
    for (const s of doc.Statement) assert.deepEqual(s.Resource, [bucketArn, `${bucketArn}/*`]);
  });

  it("splits S3 URLs into bucket, key and key directory", () => {
    assert.deepEqual(parseS3Url("s3://b/models/v1/model.tar.gz"), {
      bucket: "b",
      key: "models/v1/model.tar.gz",
    });
    assert.equal(parseS3Url("https://b.s3.amazonaws.com/x"), undefined);
    assert.equal(keyDirectory("models/v1/model.tar.gz"), "models/v1/");
    assert.equal(keyDirectory("model.tar.gz"), "");
  });
});
