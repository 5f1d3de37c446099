import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { NotebookInstance, type NotebookInstanceArgs } from "@ml-platform/components";
import { idleStopOnStartBase64 } from "@ml-platform/components/lib/notebook-idle-stop";
import { IDLE_STOP_MINUTES_TAG, readIdleStopMinutesTag } from "@ml-platform/aws-facts/platform-tags";
import { policyDocument, runWithMocks, type MockRun } from "../support/mock-components";
import { assertOnlyChildren, assertRejected } from "../support/captured-assertions";
import { CHILDREN, TYPES as T } from "../support/type-tokens";

const BUCKET_ARN = "arn:aws:s3:::ml-platform-test-artifacts-1a2b3c4";
const base: NotebookInstanceArgs = { bucketArn: BUCKET_ARN, instanceType: "ml.t3.medium", volumeSizeGb: 50 };

function build(args: Partial<NotebookInstanceArgs> = {}): Promise<MockRun> {
  return runWithMocks(() => new NotebookInstance("ml-platform-test-notebook", { ...base, ...args }), {
    stack: "test",
  });
}

describe("NotebookInstance", () => {
  let run: MockRun;
  before(async () => {
    run = await build({ idleStopMinutes: 60 });
    assert.equal(run.error, undefined, String(run.error));
  });

  it("parents every child to the component", () => {
    assertOnlyChildren(run, T.notebookComponent, CHILDREN[T.notebookComponent]!);
  });

  it("disables root access, requires IMDSv2 and encrypts the volume with a rotating KMS key", () => {
    const notebook = run.one(T.notebook);
    assert.equal(notebook.inputs.instanceType, "ml.t3.medium");
    assert.equal(notebook.inputs.volumeSize, 50);
    assert.equal(notebook.inputs.rootAccess, "Disabled");
    assert.deepEqual(notebook.inputs.instanceMetadataServiceConfiguration, {
      minimumInstanceMetadataServiceVersion: "2",
    });
    assert.equal(notebook.inputs.kmsKeyId, run.one(T.key).outputs.arn);
    assert.equal(run.one(T.key).inputs.enableKeyRotation, true);
    assert.equal(notebook.inputs.platformIdentifier, "notebook-al2023-v1");
    assert.equal(notebook.inputs.name, undefined, "the notebook is auto-named");
  });

  it("keeps direct internet access explicit: Enabled without a VPC", () => {
    const notebook = run.one(T.notebook);
    assert.equal(notebook.inputs.directInternetAccess, "Enabled");
    assert.equal(notebook.inputs.subnetId, undefined);
  });

  it("attaches the idle auto-stop lifecycle configuration", () => {
    const lifecycle = run.one(T.notebookLifecycle);
    assert.equal(lifecycle.inputs.onStart, idleStopOnStartBase64(60));
    assert.equal(run.one(T.notebook).inputs.lifecycleConfigName, lifecycle.outputs.name);
  });

  it("states the idle minutes as data: a tag on the lifecycle configuration that the estimator reads", () => {
    const lifecycle = run.one(T.notebookLifecycle);
    const tags = lifecycle.inputs.tags as Record<string, string>;
    assert.equal(tags[IDLE_STOP_MINUTES_TAG], "60");
    assert.deepEqual(readIdleStopMinutesTag(tags), { minutes: 60 });
    const notebookTags = run.one(T.notebook).inputs.tags as Record<string, string>;
    assert.equal(
      notebookTags[IDLE_STOP_MINUTES_TAG],
      undefined,
      "only the configuration that stops it carries it",
    );
  });

  it("runs as a project-scoped role that may pass only the training role, and depends on its policies", () => {
    const notebook = run.one(T.notebook);
    const notebookRole = run.one(T.role, "ml-platform-test-notebook-role");
    const trainingRole = run.one(T.role, "ml-platform-test-notebook-training-role");
    assert.equal(notebook.inputs.roleArn, notebookRole.outputs.arn);
    const policy = run.one(T.rolePolicy, "ml-platform-test-notebook-policy");
    assert.equal(policy.inputs.role, notebookRole.outputs.name);
    const doc = policyDocument(policy);
    const bySid = Object.fromEntries(doc.Statement.map((s) => [s.Sid, s]));
    assert.deepEqual(bySid.PassOnlyTheTrainingRole!.Resource, [trainingRole.outputs.arn]);
    assert.deepEqual(bySid.ProjectBucketObjects!.Resource, [`${BUCKET_ARN}/*`]);
    assert.deepEqual(bySid.ProjectTrainingAndTuningJobs!.Resource, [
      "arn:aws:sagemaker:us-east-1:123456789012:training-job/ml-platform-test-*",
      "arn:aws:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/ml-platform-test-*",
    ]);
    assert.deepEqual(bySid.EcrPull!.Resource, [
      "arn:aws:ecr:us-east-1:123456789012:repository/ml-platform-test-*",
      "arn:aws:ecr:us-east-1:763104351884:repository/pytorch-training",
    ]);
    assert.deepEqual(bySid.IdleAutoStop!.Resource, [
      `arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/ml-platform-test-notebook-*`,
    ]);
    assert.ok(String(notebook.outputs.name).startsWith("ml-platform-test-notebook-"));
    for (const name of ["ml-platform-test-notebook-policy", "ml-platform-test-notebook-training-policy"]) {
      assert.ok(
        notebook.dependencies.includes(run.one(T.rolePolicy, name).urn),
        `notebook doesn't wait for ${name}`,
      );
    }
    assert.ok(run.resources.every((r) => !JSON.stringify(r.inputs).includes("FullAccess")));
  });

  it("disables direct internet access when attached to a VPC", async () => {
    const vpc = await build({
      subnetId: "subnet-0123456789abcdef0",
      securityGroupIds: ["sg-0123456789abcdef0"],
    });
    const notebook = vpc.one(T.notebook);
    assert.equal(notebook.inputs.directInternetAccess, "Disabled");
    assert.equal(notebook.inputs.subnetId, "subnet-0123456789abcdef0");
    assert.deepEqual(notebook.inputs.securityGroups, ["sg-0123456789abcdef0"]);
    assert.equal(vpc.ofType(T.notebookLifecycle).length, 0);
  });

  it("uses a given KMS key instead of creating one", async () => {
    const keyed = await build({ kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/abc" });
    assert.equal(keyed.ofType(T.key).length, 0);
    assert.equal(keyed.one(T.notebook).inputs.kmsKeyId, "arn:aws:kms:us-east-1:123456789012:key/abc");
  });

  describe("validation", () => {
    const cases: [string, Partial<NotebookInstanceArgs>, string, RegExp][] = [
      [
        "a subnet without security groups",
        { subnetId: "subnet-0123456789abcdef0" },
        "securityGroupIds",
        /come together/,
      ],
      [
        "security groups without a subnet",
        { securityGroupIds: ["sg-0123456789abcdef0"] },
        "subnetId",
        /come together/,
      ],
      [
        "a malformed subnet id",
        { subnetId: "sub-1", securityGroupIds: ["sg-0123456789abcdef0"] },
        "subnetId",
        /not a subnet id/,
      ],
      [
        "a malformed security group id",
        { subnetId: "subnet-0123456789abcdef0", securityGroupIds: ["sg-0123456789abcdef0", "default"] },
        "securityGroupIds[1]",
        /"default" is not a security group id/,
      ],
      [
        "an artifact prefix with a wildcard",
        { artifactPrefix: "models/*" },
        "artifactPrefix",
        /relative S3 key/,
      ],
      ["an EC2 type", { instanceType: "t3.medium" }, "instanceType", /"ml\." prefix/],
      ["a 4 GB volume", { volumeSizeGb: 4 }, "volumeSizeGb", /5 to 16384/],
      ["a 5-minute idle limit", { idleStopMinutes: 5 }, "idleStopMinutes", /10 to 1440/],
      ["a mixed-case prefix", { namePrefix: "ML-Platform" }, "namePrefix", /lower-case/],
      [
        "a deprecated platform",
        { platformIdentifier: "notebook-al1-v1" as never },
        "platformIdentifier",
        /one of/,
      ],
    ];
    it("rejects a component name SageMaker can't use as a notebook name prefix", async () => {
      for (const name of ["research_notebook", "n".repeat(46)]) {
        const failed = await runWithMocks(() => new NotebookInstance(name, base));
        const error = failed.error as pulumi.InputPropertiesError;
        assert.ok(pulumi.InputPropertiesError.isInstance(error), String(error));
        assert.match(
          error.message,
          /name: ".*" can't prefix SageMaker names: use letters, digits and hyphens, at most 45/,
        );
        assert.deepEqual(failed.resources, []);
      }
    });
    it("rejects a component name too long for the training role's auto-name (IAM's 64 characters)", async () => {
      // `<name>-training-role-<7 hex>`: 42 + 22 = 64 fits, 43 doesn't (SageMaker's limit alone would allow 45).
      const failed = await runWithMocks(() => new NotebookInstance("n".repeat(43), base));
      assert.match(
        String((failed.error as Error).message),
        /name: "n+" can't prefix IAM role names: .* at most 42 characters/,
      );
      assert.deepEqual(failed.resources, []);
      const ok = await runWithMocks(() => new NotebookInstance("n".repeat(42), base));
      assert.equal(ok.error, undefined, String(ok.error));
      const longest = Math.max(...ok.ofType(T.role).map((r) => String(r.outputs.name).length));
      assert.equal(longest, 64);
    });
    for (const [title, overrides, property, reason] of cases) {
      it(`rejects ${title}`, async () => {
        const failed = await build(overrides);
        assertRejected(failed, property, reason);
      });
    }
  });
});
