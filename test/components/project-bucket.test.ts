import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { ProjectBucket } from "@ml-platform/components";
import { policyDocument, runWithMocks, type MockRun } from "../support/mock-components";
import { TYPES as T } from "../support/type-tokens";

describe("ProjectBucket", () => {
  let run: MockRun;
  before(async () => {
    run = await runWithMocks(() => new ProjectBucket("ml-platform-test-artifacts", { protect: true }));
    assert.equal(run.error, undefined, String(run.error));
  });

  it("configures every setting on the one bucket, as children of the component", () => {
    const component = run.one(T.projectBucket);
    const bucket = run.one(T.bucket);
    for (const type of [T.sse, T.versioning, T.pab, T.bucketPolicy, T.ownership, T.lifecycleRules]) {
      const child = run.one(type);
      assert.equal(child.parent, component.urn);
      assert.equal(child.inputs.bucket, bucket.outputs.id, `${type} is not on the bucket`);
    }
    assert.equal(bucket.parent, component.urn);
    assert.equal(bucket.inputs.forceDestroy, false);
  });

  it("encrypts, versions, blocks all public access and disables ACLs", () => {
    assert.deepEqual(run.one(T.sse).inputs.rules, [
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
    ]);
    assert.deepEqual(run.one(T.versioning).inputs.versioningConfiguration, { status: "Enabled" });
    const pab = run.one(T.pab).inputs;
    assert.deepEqual(
      [pab.blockPublicAcls, pab.blockPublicPolicy, pab.ignorePublicAcls, pab.restrictPublicBuckets],
      [true, true, true, true],
    );
    assert.deepEqual(run.one(T.ownership).inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
  });

  it("refuses non-TLS requests on the bucket and its objects", () => {
    const bucketArn = run.one(T.bucket).outputs.arn as string;
    const doc = policyDocument(run.one(T.bucketPolicy));
    assert.deepEqual(
      doc.Statement.map((s) => [s.Effect, s.Action, s.Resource, s.Condition]),
      [
        ["Deny", ["s3:*"], [bucketArn, `${bucketArn}/*`], { Bool: { "aws:SecureTransport": "false" } }],
        ["Deny", ["s3:*"], [bucketArn, `${bucketArn}/*`], { NumericLessThan: { "s3:TlsVersion": "1.2" } }],
      ],
    );
    assert.ok(run.one(T.bucketPolicy).dependencies.includes(run.one(T.pab).urn));
  });

  it("protects the bucket alone: its settings hold no data and stay replaceable", () => {
    const protectedTypes = run.resources.filter((r) => r.options.protect).map((r) => r.type);
    assert.deepEqual(protectedTypes, [T.bucket]);
  });

  it("rejects an out-of-range version retention before creating anything", async () => {
    const failed = await runWithMocks(() => new ProjectBucket("b", { noncurrentVersionDays: 0 }));
    assert.ok(pulumi.InputPropertiesError.isInstance(failed.error));
    assert.match((failed.error as Error).message, /noncurrentVersionDays: must be an integer from 1 to 3650/);
    assert.deepEqual(failed.resources, []);
  });
});
