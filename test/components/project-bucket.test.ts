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

  describe("with accessLogs", () => {
    const NAME = "ml-platform-test-artifacts";
    let logged: MockRun;
    before(async () => {
      logged = await runWithMocks(
        () => new ProjectBucket(NAME, { protect: true, accessLogs: true, accessLogRetentionDays: 90 }),
      );
      assert.equal(logged.error, undefined, String(logged.error));
    });

    it("delivers the bucket's access logs into a log bucket of its own, under access-logs/", () => {
      const source = logged.one(T.bucket, NAME);
      const logBucket = logged.one(T.bucket, `${NAME}-access-logs`);
      const delivery = logged.one(T.bucketLogging).inputs;
      assert.deepEqual(
        [delivery.bucket, delivery.targetBucket, delivery.targetPrefix],
        [source.outputs.id, logBucket.outputs.id, "access-logs/"],
      );
    });

    it("hardens the log bucket like the bucket: SSE-S3, versioning, public access blocked, ACLs off, TLS only", () => {
      const logBucket = logged.one(T.bucket, `${NAME}-access-logs`);
      const on = (type: string) => logged.ofType(type).find((r) => r.inputs.bucket === logBucket.outputs.id);
      // Server access log delivery supports default encryption with SSE-S3 only.
      assert.deepEqual(on(T.sse)?.inputs.rules, [
        { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
      ]);
      assert.deepEqual(on(T.versioning)?.inputs.versioningConfiguration, { status: "Enabled" });
      const pab = on(T.pab)!.inputs;
      assert.deepEqual(
        [pab.blockPublicAcls, pab.blockPublicPolicy, pab.ignorePublicAcls, pab.restrictPublicBuckets],
        [true, true, true, true],
      );
      assert.deepEqual(on(T.ownership)?.inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
      const denials = policyDocument(on(T.bucketPolicy)!).Statement.filter((s) => s.Effect === "Deny");
      assert.deepEqual(
        denials.map((s) => s.Condition),
        [{ Bool: { "aws:SecureTransport": "false" } }, { NumericLessThan: { "s3:TlsVersion": "1.2" } }],
      );
    });

    it("lets only S3's logging service write, only under the prefix, only for this bucket and account", () => {
      const source = logged.one(T.bucket, NAME);
      const logBucket = logged.one(T.bucket, `${NAME}-access-logs`);
      const policy = logged.ofType(T.bucketPolicy).find((r) => r.inputs.bucket === logBucket.outputs.id)!;
      const [allow] = policyDocument(policy).Statement.filter((s) => s.Effect === "Allow");
      assert.deepEqual(
        [allow!.Action, allow!.Resource, allow!.Condition],
        [
          ["s3:PutObject"],
          [`${logBucket.outputs.arn}/access-logs/*`],
          {
            ArnLike: { "aws:SourceArn": source.outputs.arn },
            StringEquals: { "aws:SourceAccount": "123456789012" },
          },
        ],
      );
      assert.ok(
        logged.one(T.bucketLogging).dependencies.includes(policy.urn),
        "delivery waits for the permission",
      );
    });

    it("expires logs after accessLogRetentionDays and protects the log bucket with the bucket", () => {
      const logBucket = logged.one(T.bucket, `${NAME}-access-logs`);
      const lifecycle = logged
        .ofType(T.lifecycleRules)
        .find((r) => r.inputs.bucket === logBucket.outputs.id)!;
      const [rule] = lifecycle.inputs.rules as { expiration: { days: number }; status: string }[];
      assert.deepEqual([rule!.status, rule!.expiration.days], ["Enabled", 90]);
      assert.deepEqual(
        logged.resources
          .filter((r) => r.options.protect)
          .map((r) => r.name)
          .sort(),
        [NAME, `${NAME}-access-logs`],
      );
    });

    it("keeps the bucket's own children (and their URNs) as without access logs", () => {
      const names = (r: MockRun) => r.resources.map((x) => x.urn);
      for (const urn of names(run)) assert.ok(names(logged).includes(urn), `${urn} changed`);
    });

    it("rejects a name too long for the log bucket's auto-name (63 characters in all)", async () => {
      // 63 - "-access-logs".length (12) - the auto-name's "-<7 hex>" (8) = 43.
      const ok = await runWithMocks(() => new ProjectBucket("b".repeat(43), { accessLogs: true }));
      assert.equal(ok.error, undefined, String(ok.error));
      const failed = await runWithMocks(() => new ProjectBucket("b".repeat(44), { accessLogs: true }));
      assert.match((failed.error as Error).message, /name: "b{44}" is too long for accessLogs.*at most 43/);
      const withoutLogs = await runWithMocks(() => new ProjectBucket("b".repeat(44)));
      assert.equal(withoutLogs.error, undefined, String(withoutLogs.error));
    });

    it("rejects an out-of-range log retention", async () => {
      const failed = await runWithMocks(
        () => new ProjectBucket("b", { accessLogs: true, accessLogRetentionDays: 0 }),
      );
      assert.match(
        (failed.error as Error).message,
        /accessLogRetentionDays: must be an integer from 1 to 3650/,
      );
    });
  });
});
